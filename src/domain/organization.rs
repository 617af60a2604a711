//! Organisations (brands): names, slugs and the roles people hold in them.

/// A brand's name as shown: trimmed, 1 to 100 characters, no control or format characters, not
/// reserved (`domain::text::check_name`).
pub fn check_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter the organisation's name.");
    }
    if name.chars().count() > 100 {
        return Err("An organisation's name has at most 100 characters.");
    }
    // No hidden characters, and not the platform's name.
    super::text::check_name(name)?;
    Ok(name.to_owned())
}

/// The URL-safe form of a name: lower-case ASCII letters and digits joined by single dashes.
/// Letters with accents lose them; a name with nothing usable gets "org".
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "org".to_owned()
    } else {
        slug
    }
}

/// The few Latin accents our users write most, folded to ASCII; anything else passes through.
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ß' => "ss",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => "",
    };
    let mut buffer = [c; 2];
    let len = if folded.is_empty() {
        1
    } else {
        for (i, f) in folded.chars().enumerate() {
            buffer[i] = f;
        }
        folded.len()
    };
    buffer.into_iter().take(len)
}

/// What a person may do in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Runs contests and manages who else is a member.
    Owner,
    /// Runs contests.
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "owner" => Some(Role::Owner),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(slugify("Café Crème & Co."), "cafe-creme-co");
        assert_eq!(slugify("  ACME  "), "acme");
        assert_eq!(slugify("!!!"), "org");
        assert_eq!(slugify("Straße"), "strasse");
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(check_name(" Acme ").unwrap(), "Acme");
        assert!(check_name("").is_err());
        assert!(check_name(&"a".repeat(101)).is_err());
    }

    proptest! {
        #[test]
        fn slugs_are_always_url_safe(name in ".{0,200}") {
            let slug = slugify(&name);
            prop_assert!(!slug.is_empty() && slug.len() <= 60);
            prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        }
    }
}
