//! Bank transfers, pure: the ISO 11649 structured creditor reference a brand writes on its
//! escrow transfer, and the ISO 13616 IBAN a winner gives to be paid. Both carry check digits
//! computed by ISO 7064 MOD 97-10.

/// The value of `text` (digits and ASCII letters, A = 10 … Z = 35) modulo 97; `None` for any
/// other character.
fn mod97(text: &str) -> Option<u32> {
    let mut rest = 0u32;
    for c in text.chars() {
        let value = c.to_digit(36)?;
        rest = if value < 10 {
            (rest * 10 + value) % 97
        } else {
            (rest * 100 + value) % 97
        };
    }
    Some(rest)
}

/// The electronic form of the creditor reference of `body` (1 to 21 digits or ASCII letters):
/// `RF`, two check digits, the body in capitals. `None` for a body the standard refuses.
pub fn creditor_reference(body: &str) -> Option<String> {
    let body = body.to_ascii_uppercase();
    if body.is_empty() || body.len() > 21 || !body.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let rest = mod97(&format!("{body}RF00"))?;
    Some(format!("RF{:02}{body}", 98 - rest))
}

/// Whether `reference` (electronic or printed form) is a creditor reference with right check
/// digits.
pub fn is_creditor_reference(reference: &str) -> bool {
    let compact = compact(reference);
    compact.is_ascii()
        && compact.len() >= 5
        && compact.len() <= 25
        && compact.starts_with("RF")
        && mod97(&format!("{}{}", &compact[4..], &compact[..4])) == Some(1)
}

/// `text` in groups of four characters, as references and IBANs are printed.
pub fn grouped(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` without its spaces, in capitals.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Why an IBAN is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IbanError {
    /// Not two letters, two digits and 11 to 30 letters or digits.
    Shape,
    /// The check digits do not match.
    Checksum,
}

/// The IBAN in `text` in its electronic form (capitals, no spaces), when it has the shape of
/// one and its check digits match (the MOD 97 check of ISO 13616).
pub fn iban(text: &str) -> Result<String, IbanError> {
    let iban = compact(text);
    let bytes = iban.as_bytes();
    let shaped = (15..=34).contains(&iban.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..].iter().all(u8::is_ascii_alphanumeric);
    if !shaped {
        return Err(IbanError::Shape);
    }
    match mod97(&format!("{}{}", &iban[4..], &iban[..4])) {
        Some(1) => Ok(iban),
        _ => Err(IbanError::Checksum),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_creditor_reference_example() {
        // ISO 11649: the reference 5390 0754 7034 is printed "RF18 5390 0754 7034".
        assert_eq!(
            creditor_reference("539007547034").as_deref(),
            Some("RF18539007547034")
        );
        assert_eq!(grouped("RF18539007547034"), "RF18 5390 0754 7034");
        assert!(is_creditor_reference("RF18 5390 0754 7034"));
        assert!(!is_creditor_reference("RF19 5390 0754 7034"));
        assert!(!is_creditor_reference("RF18 5390 0754 7043"));
    }

    #[test]
    fn creditor_references_check_themselves() {
        for body in ["A", "ABC123", "0", "ZZZZZZZZZZZZZZZZZZZZZ", "f00d"] {
            let reference = creditor_reference(body).unwrap();
            assert!(is_creditor_reference(&reference), "{reference}");
        }
        assert_eq!(creditor_reference(""), None);
        assert_eq!(creditor_reference("1234567890123456789012"), None);
        assert_eq!(creditor_reference("AB-1"), None);
    }

    #[test]
    fn ibans_are_checked_with_mod_97() {
        // The examples of the IBAN registry.
        assert_eq!(
            iban("GB82 WEST 1234 5698 7654 32").as_deref(),
            Ok("GB82WEST12345698765432")
        );
        assert_eq!(
            iban("fr14 2004 1010 0505 0001 3m02 606").as_deref(),
            Ok("FR1420041010050500013M02606")
        );
        assert_eq!(
            iban("DE89370400440532013000").as_deref(),
            Ok("DE89370400440532013000")
        );
        assert_eq!(
            iban("GB83 WEST 1234 5698 7654 32"),
            Err(IbanError::Checksum)
        );
        assert_eq!(iban("DE89370400440532013001"), Err(IbanError::Checksum));
        assert_eq!(iban("12345"), Err(IbanError::Shape));
        assert_eq!(iban(""), Err(IbanError::Shape));
        assert_eq!(iban("GB82-WEST-1234-5698-7654-32"), Err(IbanError::Shape));
        assert_eq!(iban("GB82 WÉST 1234 5698 7654 32"), Err(IbanError::Shape));
    }
}
