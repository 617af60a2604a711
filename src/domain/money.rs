//! Money is integer cents with a currency; these helpers only format it for people.

/// `123456, "EUR"` → `1,234.56 EUR`.
pub fn format_cents(cents: i64, currency: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{:02} {currency}", abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_well() {
        assert_eq!(format_cents(0, "EUR"), "0.00 EUR");
        assert_eq!(format_cents(5, "EUR"), "0.05 EUR");
        assert_eq!(format_cents(123_456, "EUR"), "1,234.56 EUR");
        assert_eq!(format_cents(100_000_000, "USD"), "1,000,000.00 USD");
        assert_eq!(format_cents(-250, "CHF"), "-2.50 CHF");
    }
}
