//! Accounts: what makes an email address, a password and a display name acceptable.

use std::fmt;

/// An email address, trimmed and lower-cased, so that two spellings of one address are one
/// account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` with no spaces, at most 254 characters.
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter an email address.");
        }
        if email.chars().count() > 254 {
            return Err("An email address has at most 254 characters.");
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("An email address has no spaces.");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("An email address looks like name@example.org.");
        };
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err("An email address looks like name@example.org.");
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
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
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
        fn parsing_is_idempotent(raw in "[a-zA-Z0-9._%+-]{1,20}@[a-zA-Z0-9-]{1,20}\\.[a-z]{2,6}") {
            let once = Email::parse(&raw).unwrap();
            let twice = Email::parse(once.as_str()).unwrap();
            prop_assert_eq!(once, twice);
        }
    }
}
