//! Which address a request comes from, behind reverse proxies (setting `server.trusted_proxies`).
//!
//! A proxy such as nginx (`$proxy_add_x_forwarded_for`), Caddy or Traefik *appends* the address
//! it received the request from to `X-Forwarded-For`; whatever the client sent stays on the left.
//! So only the right-hand end of the header can be believed, and only as far as it was written by
//! our own proxies: the client is the rightmost entry that is not one of them. With no trusted
//! proxy (the default) the header is ignored and the TCP peer is the client; when the peer is not
//! a trusted proxy, the header is ignored too (anyone can send one).

use std::net::IpAddr;

use serde::Deserialize;

/// One trusted address or network (`10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// Parses an address or a CIDR; `None` for anything else (a host name, a bad prefix).
    pub fn parse(text: &str) -> Option<Network> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address = canonical(address.parse().ok()?);
        let width = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(prefix) if prefix.bytes().all(|b| b.is_ascii_digit()) && !prefix.is_empty() => {
                prefix.parse::<u8>().ok().filter(|p| *p <= width)?
            }
            Some(_) => return None,
        };
        Some(Network { address, prefix })
    }

    /// Whether `ip` lies in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), self.prefix, 32)
                    == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

/// The first `prefix` bits of a `width`-bit address.
fn masked(bits: u128, prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let keep = u128::MAX << (128 - u32::from(prefix));
    (bits << (128 - u32::from(width))) & keep
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, as a dual-stack socket reports it) is
/// the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// The proxies whose `X-Forwarded-For` entries are believed; empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "ProxyList")]
pub struct TrustedProxies(Vec<Network>);

/// As written in the settings: a list, or (from an environment variable) one string with the
/// entries separated by commas or spaces.
#[derive(Deserialize)]
#[serde(untagged)]
enum ProxyList {
    Many(Vec<String>),
    One(String),
}

impl TryFrom<ProxyList> for TrustedProxies {
    type Error = String;

    fn try_from(list: ProxyList) -> Result<TrustedProxies, String> {
        let entries: Vec<String> = match list {
            ProxyList::Many(entries) => entries,
            ProxyList::One(text) => text
                .split([',', ' '])
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
                .collect(),
        };
        entries
            .iter()
            .map(|entry| {
                Network::parse(entry).ok_or_else(|| {
                    format!("{entry:?} is not an IP address or CIDR (e.g. 10.0.0.0/8, ::1)")
                })
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    /// The given networks, parsed (for tests and the command line).
    pub fn parse(entries: &[&str]) -> Result<TrustedProxies, String> {
        ProxyList::Many(entries.iter().map(|s| (*s).to_owned()).collect()).try_into()
    }

    /// Whether `ip` is one of our proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(ip))
    }

    /// The client's address: `peer` (the TCP peer) unless it is a trusted proxy; then the
    /// rightmost entry of the `X-Forwarded-For` values (in header order) that is not a trusted
    /// proxy. An entry that is not an address stops the walk: the hop to its right (a trusted
    /// proxy, which recorded it) is the client then, so garbage never lets anyone choose their
    /// own address. When every entry is trusted, the leftmost one is the client.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let entries = forwarded_for
            .iter()
            .flat_map(|value| value.split(','))
            .collect::<Vec<_>>();
        for entry in entries.into_iter().rev() {
            let Some(ip) = forwarded_address(entry) else {
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

/// The key under which a client's requests are counted: an IPv4 address as it is, an IPv6
/// address by its /64 network. One subscriber usually holds a whole /64, so counting each of
/// its 2^64 addresses apart would let one person pass every per-address limit.
pub fn rate_limit_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", std::net::Ipv6Addr::from(network))
        }
    }
}

/// One `X-Forwarded-For` entry as an address: `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`
/// or `[2001:db8::1]:4711`.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(socket) = entry.parse::<std::net::SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_network() {
        let key = |text: &str| rate_limit_key(text.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff:1:2:3"));
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
    }

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_parse_addresses_and_cidrs() {
        assert!(Network::parse("10.0.0.1").is_some());
        assert!(Network::parse(" 10.0.0.0/8 ").is_some());
        assert!(Network::parse("0.0.0.0/0").is_some());
        assert!(Network::parse("::1").is_some());
        assert!(Network::parse("fd00::/8").is_some());
        assert!(Network::parse("::/0").is_some());
        for garbage in [
            "",
            "proxy.local",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/8/8",
            "10.0.0",
            "unknown",
            "[::1]",
        ] {
            assert_eq!(Network::parse(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn networks_contain_what_their_prefix_says() {
        let net = Network::parse("10.1.0.0/16").unwrap();
        assert!(net.contains(ip("10.1.255.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(
            net.contains(ip("::ffff:10.1.2.3")),
            "IPv4 seen through IPv6"
        );
        assert!(!net.contains(ip("::1")));
        let one = Network::parse("192.0.2.7").unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let six = Network::parse("2001:db8::/32").unwrap();
        assert!(six.contains(ip("2001:db8:ffff::1")));
        assert!(!six.contains(ip("2001:db9::1")));
        assert!(!six.contains(ip("10.0.0.1")));
        assert!(Network::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Network::parse("::/0").unwrap().contains(ip("2001:db8::1")));
        assert!(Network::parse("::1/128").unwrap().contains(ip("::1")));
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("198.51.100.9"), &["1.2.3.4"]),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn a_peer_that_is_not_our_proxy_is_the_client() {
        let proxies = TrustedProxies::parse(&["127.0.0.1"]).unwrap();
        assert_eq!(
            proxies.client(ip("198.51.100.9"), &["1.2.3.4"]),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn the_rightmost_untrusted_entry_is_the_client() {
        let proxies = TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8", "fd00::/8"]).unwrap();
        let peer = ip("127.0.0.1");
        // The client wrote "6.6.6.6"; nginx appended the real address.
        assert_eq!(
            proxies.client(peer, &["6.6.6.6, 203.0.113.5"]),
            ip("203.0.113.5")
        );
        // Two proxies of ours, and the header split over two lines.
        assert_eq!(
            proxies.client(peer, &["6.6.6.6, 203.0.113.5", "10.0.0.3"]),
            ip("203.0.113.5")
        );
        // The client pretending to be one of our proxies does not help: the real address is
        // to its right.
        assert_eq!(
            proxies.client(peer, &["10.0.0.9, 2001:db8::7"]),
            ip("2001:db8::7")
        );
        assert_eq!(
            proxies.client(peer, &["[2001:db8::7]:4711"]),
            ip("2001:db8::7")
        );
        assert_eq!(
            proxies.client(peer, &["203.0.113.5:4711"]),
            ip("203.0.113.5")
        );
        assert_eq!(
            proxies.client(ip("::ffff:127.0.0.1"), &["::ffff:203.0.113.5"]),
            ip("203.0.113.5")
        );
        // No header: the proxy itself.
        assert_eq!(proxies.client(peer, &[]), peer);
        // Every entry ours: the leftmost.
        assert_eq!(proxies.client(peer, &["10.0.0.1, fd00::2"]), ip("10.0.0.1"));
    }

    #[test]
    fn garbage_entries_never_choose_the_address() {
        let proxies = TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8"]).unwrap();
        let peer = ip("127.0.0.1");
        for header in [
            "unknown",
            "",
            " , ",
            "evil",
            "1.2.3.4.5",
            "999.1.1.1",
            "_hidden",
        ] {
            assert_eq!(proxies.client(peer, &[header]), peer, "{header:?}");
        }
        assert_eq!(
            proxies.client(peer, &["1.2.3.4, garbage, 10.0.0.5"]),
            ip("10.0.0.5")
        );
        assert_eq!(
            proxies.client(peer, &["garbage, 203.0.113.5"]),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn settings_take_a_list_or_a_string() {
        let list: TrustedProxies =
            serde_json::from_value(serde_json::json!(["127.0.0.1", "10.0.0.0/8"])).unwrap();
        let text: TrustedProxies =
            serde_json::from_value(serde_json::json!("127.0.0.1, 10.0.0.0/8")).unwrap();
        assert_eq!(list, text);
        assert!(
            serde_json::from_value::<TrustedProxies>(serde_json::json!(["proxy.local"])).is_err()
        );
        let empty: TrustedProxies = serde_json::from_value(serde_json::json!([])).unwrap();
        assert_eq!(empty, TrustedProxies::default());
    }
}
