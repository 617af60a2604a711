//! The links mail carries back to the platform: the public address every link starts with, and
//! the signed one-click unsubscribe link (no sign-in needed).
//!
//! Built once from the settings and the session secret by whoever holds them (`app::Ctx`, and
//! start-up for the worker), so that mail needs nothing of the layers that use it.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Category;

/// What mail needs to link back: the public address and the key unsubscribe links are signed
/// with. Cheap to clone; its `Debug` never shows the key.
#[derive(Clone)]
pub struct Links {
    public_url: String,
    unsubscribe_key: Hmac<Sha256>,
}

impl fmt::Debug for Links {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Links")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl Links {
    /// `public_url` without its trailing slash; `unsubscribe_key`, a key kept for this one
    /// purpose (derived from the session secret by the caller).
    pub fn new(public_url: &str, unsubscribe_key: &[u8]) -> Links {
        Links {
            public_url: public_url.trim_end_matches('/').to_owned(),
            unsubscribe_key: Hmac::<Sha256>::new_from_slice(unsubscribe_key)
                .expect("HMAC takes any key length"),
        }
    }

    /// The public address without a trailing slash, to which links append their path.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    fn signature(&self, email: &str, category: Category) -> Hmac<Sha256> {
        let mut mac = self.unsubscribe_key.clone();
        mac.update(format!("{email}\n{}", category.as_str()).as_bytes());
        mac
    }

    /// The link in every mail of `category`: it turns that kind off for `email`, with one click.
    pub fn unsubscribe_url(&self, email: &str, category: Category) -> String {
        format!(
            "{}/unsubscribe?email={}&kind={}&sig={}",
            self.public_url,
            query_escape(email),
            category.as_str(),
            hex::encode(self.signature(email, category).finalize().into_bytes()),
        )
    }

    /// Whether `signature` is the one [`Links::unsubscribe_url`] gives `email` and `category`
    /// (compared in constant time).
    pub fn unsubscribe_signed(&self, email: &str, category: Category, signature: &[u8]) -> bool {
        self.signature(email, category)
            .verify_slice(signature)
            .is_ok()
    }
}

fn query_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_escaped_signed_and_checked() {
        let links = Links::new("https://concours.test/", b"unsubscribe:key");
        let url = links.unsubscribe_url("a+b@example.org", Category::Reminders);
        let prefix =
            "https://concours.test/unsubscribe?email=a%2Bb%40example.org&kind=reminders&sig=";
        assert!(url.starts_with(prefix), "{url}");
        let signature = hex::decode(&url[prefix.len()..]).unwrap();
        assert!(links.unsubscribe_signed("a+b@example.org", Category::Reminders, &signature));
        assert!(!links.unsubscribe_signed("a+b@example.org", Category::BrandNews, &signature));
        assert!(!links.unsubscribe_signed("c@example.org", Category::Reminders, &signature));
        let other = Links::new("https://concours.test", b"another key");
        assert!(!other.unsubscribe_signed("a+b@example.org", Category::Reminders, &signature));
        assert!(!format!("{links:?}").contains("key"));
    }
}
