//! Accounts: what makes an email address, a password and a display name acceptable.

use std::fmt;

/// An email address: a bare addr-spec (`local@domain`), trimmed, in Unicode NFC and
/// lower-cased, so that two spellings of one address are one account and the address mail is
/// sent to is exactly the one stored. No display name, comment, angle bracket, quoted local
/// part, whitespace, control or format character: `s1<lea@example.org>` is not an address,
/// and so cannot make one mailbox verify several accounts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// The characters RFC 5322 allows in an unquoted local part, besides letters, digits and dots.
const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";

impl Email {
    /// Accepts `local@domain.tld`, at most 254 characters (64 bytes before the `@`).
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        use unicode_normalization::UnicodeNormalization;
        let shape = "An email address looks like name@example.org, with nothing around it.";
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("Enter an email address.");
        }
        let email: String = trimmed.to_lowercase().nfc().collect();
        if email.chars().count() > 254 {
            return Err("An email address has at most 254 characters.");
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("An email address has no spaces.");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(shape);
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c == '.' || c.is_alphanumeric() || LOCAL_SPECIALS.contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.chars().count() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c == '-' || c.is_alphanumeric())
            })
            && !labels
                .last()
                .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()));
        if !local_ok || !domain_ok {
            return Err(shape);
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`, used to detect conflicts of interest.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The most characters a password may have: enough for any pass phrase, and a bound on the
/// work an attacker can make the hash function do.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Checks a new password against the policy; the password itself never leaves this function.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err("A password has at least 10 characters.");
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err("A password has at most 1024 characters.");
    }
    Ok(())
}

/// A name shown to other people: trimmed, 1 to 80 characters, no control or format characters,
/// not reserved (`domain::text::check_name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, &'static str> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter the name other people will see.");
        }
        if name.chars().count() > 80 {
            return Err("A display name has at most 80 characters.");
        }
        // No hidden characters, not the platform's name nor "former participant".
        super::text::check_name(name)?;
        Ok(DisplayName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("  Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a da@example.org",
            "ada@@example.org",
            "ada@example..org",
            "ada@.example.org",
            // A display name, a comment, brackets, quotes: one mailbox behind many accounts.
            "s1<lea@innovators.example>",
            "s1 <lea@innovators.example>",
            "<lea@innovators.example>",
            "lea@innovators.example>",
            "lea(comment)@innovators.example",
            "\"lea\"@innovators.example",
            "\"l@a\"@innovators.example",
            "lea@[127.0.0.1]",
            "lea,ann@innovators.example",
            "lea;@innovators.example",
            "lea:x@innovators.example",
            "le\\a@innovators.example",
            ".lea@innovators.example",
            "lea.@innovators.example",
            "le..a@innovators.example",
            // Invisible characters: zero-width space, bidi override, BOM, a control.
            "le\u{200b}a@innovators.example",
            "lea@innovators\u{202e}.example",
            "\u{feff}lea@innovators.example",
            "le\u{7}a@innovators.example",
            "lea@-innovators.example",
            "lea@innovators-.example",
            "lea@innovators.123",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn emails_are_in_nfc() {
        // "é" typed as e + combining acute is the same address as the precomposed one.
        let decomposed = Email::parse("re\u{301}my@example.org").unwrap();
        let composed = Email::parse("r\u{e9}my@example.org").unwrap();
        assert_eq!(decomposed, composed);
        assert_eq!(composed.as_str(), "r\u{e9}my@example.org");
        assert_eq!(
            Email::parse("x+tag@b\u{fc}ro.example").unwrap().domain(),
            "b\u{fc}ro.example"
        );
    }

    #[test]
    fn the_domain_is_the_part_after_the_at() {
        assert_eq!(
            Email::parse("ada@lab.example.org").unwrap().domain(),
            "lab.example.org"
        );
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(check_password("123456789").is_err());
        assert!(check_password("1234567890").is_ok());
        // Characters, not bytes: nine accented letters are still too short.
        assert!(check_password("ééééééééé").is_err());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(81)).is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(
            raw in "[a-zA-Z0-9%+_-]{1,10}(\\.[a-zA-Z0-9%+_-]{1,10}){0,2}@[a-zA-Z0-9]([a-zA-Z0-9-]{0,18}[a-zA-Z0-9])?\\.[a-z]{2,6}"
        ) {
            let once = Email::parse(&raw).unwrap();
            let twice = Email::parse(once.as_str()).unwrap();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn nothing_but_an_addr_spec_is_accepted(
            raw in "[a-z<> (),;:\"\\\\\\[\\]@.\u{200b}\u{202e}]{1,30}"
        ) {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert!(
                    !email.as_str().chars().any(|c| "<> (),;:\"\\[]\u{200b}\u{202e}".contains(c)),
                    "{:?} was accepted", raw
                );
                prop_assert_eq!(email.as_str().matches('@').count(), 1);
            }
        }
    }
}
