//! Money is an integer amount in the *minor unit* of its currency (what the API calls
//! `…_cents`: cents for EUR, yen for JPY, fils for BHD), with its ISO 4217 code. This module
//! holds the accepted currencies with their ISO 4217 exponent, and the only code that turns an
//! amount into text for people (pages, mails, CSV) or reads one back from a form: a contest in
//! JPY or BHD must never be shown in hundredths.

/// The currencies a contest may use, with their ISO 4217 minor unit (digits after the decimal
/// separator). Sorted by code.
pub const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BOB", 2),
    ("BRL", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GTQ", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KZT", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("MAD", 2),
    ("MDL", 2),
    ("MKD", 2),
    ("MNT", 2),
    ("MUR", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UZS", 2),
    ("VND", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("ZAR", 2),
    ("ZMW", 2),
];

/// The ISO 4217 minor unit of an accepted currency; `None` for any other code.
pub fn minor_unit(currency: &str) -> Option<u32> {
    CURRENCIES
        .binary_search_by(|(code, _)| (*code).cmp(currency))
        .ok()
        .map(|i| CURRENCIES[i].1)
}

/// Whether a contest may use this code.
pub fn is_accepted(currency: &str) -> bool {
    minor_unit(currency).is_some()
}

/// The exponent used to show an amount: the currency's minor unit, 2 for a code outside the
/// table (only old data could hold one; the rules refuse it).
fn exponent(currency: &str) -> u32 {
    minor_unit(currency).unwrap_or(2)
}

/// How a language writes numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `1,234.56`
    English,
    /// `1 234,56` (narrow no-break space between groups)
    French,
}

impl Style {
    /// The style of a page or mail language (`fr` → French, anything else English).
    pub fn of_lang(lang: &str) -> Style {
        if lang == "fr" {
            Style::French
        } else {
            Style::English
        }
    }
}

/// An amount of money: a whole number of its currency's minor unit ("cents": cents for EUR,
/// yen for JPY, fils for BHD) with the currency's ISO 4217 code. The one type that reads an
/// amount from what people type and writes it for what they read, so that no page or mail can
/// show a contest in JPY or BHD in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money<'a> {
    cents: i64,
    currency: &'a str,
}

impl<'a> Money<'a> {
    /// `cents` minor units of `currency`.
    pub fn new(cents: i64, currency: &'a str) -> Money<'a> {
        Money { cents, currency }
    }

    /// Reads an amount as people type it into a form (`1500`, `1 500,50`, `1,500.50`), in the
    /// currency's units; `None` when it is not a plain non-negative amount with at most as
    /// many decimals as the currency has.
    pub fn parse(text: &str, currency: &'a str) -> Option<Money<'a>> {
        let exp = exponent(currency) as usize;
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
            .collect();
        // As people write it: with a point, commas group thousands (`1,500.50`); without one,
        // a comma is the decimal separator (`1 500,50`). A currency without decimals takes
        // separators only between groups of three digits (`1,500` yen).
        let normalized = if exp == 0 {
            let groups: Vec<&str> = cleaned.split([',', '.']).collect();
            if groups[1..].iter().any(|g| g.len() != 3) {
                return None;
            }
            groups.concat()
        } else if cleaned.contains('.') {
            cleaned.replace(',', "")
        } else {
            cleaned.replace(',', ".")
        };
        let (units, fraction) = normalized
            .split_once('.')
            .unwrap_or((normalized.as_str(), ""));
        if units.is_empty()
            || !units.chars().all(|c| c.is_ascii_digit())
            || fraction.len() > exp
            || !fraction.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let units: i64 = units.parse().ok()?;
        let fraction: i64 = if exp == 0 {
            0
        } else {
            format!("{fraction:0<exp$}").parse().ok()?
        };
        let cents = units
            .checked_mul(10i64.checked_pow(exp as u32)?)?
            .checked_add(fraction)?;
        Some(Money::new(cents, currency))
    }

    /// The amount in minor units.
    pub fn cents(self) -> i64 {
        self.cents
    }

    /// The ISO 4217 code.
    pub fn currency(self) -> &'a str {
        self.currency
    }

    /// Splits the amount into sign, whole units and the fraction's digits (as many as the
    /// currency's minor unit).
    fn parts(self) -> (&'static str, String, String) {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        let exp = exponent(self.currency);
        let scale = 10u64.pow(exp);
        let fraction = if exp == 0 {
            String::new()
        } else {
            format!("{:0width$}", abs % scale, width = exp as usize)
        };
        (sign, (abs / scale).to_string(), fraction)
    }

    /// The amount for people: `1,234.56 EUR` (English) or `1 234,56 EUR` (French);
    /// `1.000 BHD`; `1,000 JPY`.
    pub fn format(self, style: Style) -> String {
        let (sign, units, fraction) = self.parts();
        let (group, point) = match style {
            Style::English => (",", "."),
            Style::French => ("\u{202f}", ","),
        };
        let mut grouped = String::new();
        for (i, digit) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push_str(group);
            }
            grouped.push(digit);
        }
        let currency = self.currency;
        if fraction.is_empty() {
            format!("{sign}{grouped} {currency}")
        } else {
            format!("{sign}{grouped}{point}{fraction} {currency}")
        }
    }

    /// A plain decimal number for machines (CSV), without grouping or currency: `1234.56`,
    /// `1.000` (BHD), `1000` (JPY).
    pub fn decimal(self) -> String {
        let (sign, units, fraction) = self.parts();
        if fraction.is_empty() {
            format!("{sign}{units}")
        } else {
            format!("{sign}{units}.{fraction}")
        }
    }

    /// The value of a form's amount input: [`Money::decimal`], without a fraction of zeros
    /// (`1500`), which [`Money::parse`] reads back.
    pub fn input_value(self) -> String {
        let (sign, units, fraction) = self.parts();
        if fraction.chars().all(|c| c == '0') {
            format!("{sign}{units}")
        } else {
            format!("{sign}{units}.{fraction}")
        }
    }
}

/// In English, as mails and notifications whose language is not known write it.
impl std::fmt::Display for Money<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.format(Style::English))
    }
}

/// An amount for people: `123456, "EUR"` → `1,234.56 EUR` (English) or `1 234,56 EUR` (French);
/// `1000, "BHD"` → `1.000 BHD`; `1000, "JPY"` → `1,000 JPY`. Every page, mail and notification
/// formats money through this ([`Money::format`]).
pub fn format(amount: i64, currency: &str, style: Style) -> String {
    Money::new(amount, currency).format(style)
}

/// `format` in English: mails and notifications whose language is not known.
pub fn format_cents(amount: i64, currency: &str) -> String {
    Money::new(amount, currency).to_string()
}

/// Puts an amount into a mail's context under `key`: the English text (what a renderer that
/// knows nothing more shows), and under `money.<key>` the amount and currency, from which the
/// renderer writes it in the recipient's language (`mail::render`).
pub fn into_mail_context(context: &mut serde_json::Value, key: &str, amount: i64, currency: &str) {
    context[key] = serde_json::json!(format_cents(amount, currency));
    if !context["money"].is_object() {
        context["money"] = serde_json::json!({});
    }
    context["money"][key] = serde_json::json!([amount, currency]);
}

/// The amounts a mail's context carries (see `into_mail_context`), written for `lang`.
pub fn mail_amounts(context: &serde_json::Value, lang: &str) -> Vec<(String, String)> {
    let Some(amounts) = context.get("money").and_then(|m| m.as_object()) else {
        return Vec::new();
    };
    amounts
        .iter()
        .filter_map(|(key, value)| {
            let amount = value.get(0)?.as_i64()?;
            let currency = value.get(1)?.as_str()?;
            Some((key.clone(), format(amount, currency, Style::of_lang(lang))))
        })
        .collect()
}

/// A plain decimal number for machines (CSV): [`Money::decimal`].
pub fn decimal(amount: i64, currency: &str) -> String {
    Money::new(amount, currency).decimal()
}

/// The value of a form's amount input: [`Money::input_value`].
pub fn input_value(amount: i64, currency: &str) -> String {
    Money::new(amount, currency).input_value()
}

/// An amount typed into a form, in the currency's minor unit: [`Money::parse`].
pub fn parse(text: &str, currency: &str) -> Option<i64> {
    Money::parse(text, currency).map(Money::cents)
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

    #[test]
    fn the_table_is_sorted_and_knows_the_exponents() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(minor_unit("EUR"), Some(2));
        assert_eq!(minor_unit("JPY"), Some(0));
        assert_eq!(minor_unit("KRW"), Some(0));
        assert_eq!(minor_unit("BHD"), Some(3));
        assert_eq!(minor_unit("KWD"), Some(3));
        assert_eq!(minor_unit("XYZ"), None);
        assert!(!is_accepted("eur"));
    }

    #[test]
    fn each_currency_is_shown_in_its_own_minor_unit_in_both_languages() {
        let en = Style::English;
        let fr = Style::French;
        assert_eq!(format(1000, "BHD", en), "1.000 BHD");
        assert_eq!(format(1000, "BHD", fr), "1,000 BHD");
        assert_eq!(format(1_234_567, "BHD", en), "1,234.567 BHD");
        assert_eq!(format(1_234_567, "BHD", fr), "1\u{202f}234,567 BHD");
        assert_eq!(format(1000, "JPY", en), "1,000 JPY");
        assert_eq!(format(1000, "JPY", fr), "1\u{202f}000 JPY");
        assert_eq!(format(5, "JPY", en), "5 JPY");
        assert_eq!(format(123_456, "EUR", en), "1,234.56 EUR");
        assert_eq!(format(123_456, "EUR", fr), "1\u{202f}234,56 EUR");
        assert_eq!(format(-5, "BHD", en), "-0.005 BHD");
    }

    #[test]
    fn mails_carry_amounts_they_write_in_the_recipient_s_language() {
        let mut context = serde_json::json!({"title": "t"});
        into_mail_context(&mut context, "amount", 1000, "BHD");
        into_mail_context(&mut context, "pool", 150_000, "JPY");
        assert_eq!(context["amount"], "1.000 BHD");
        let fr = mail_amounts(&context, "fr");
        assert_eq!(
            fr,
            [
                ("amount".to_owned(), "1,000 BHD".to_owned()),
                ("pool".to_owned(), "150\u{202f}000 JPY".to_owned())
            ]
        );
        assert_eq!(mail_amounts(&context, "en")[0].1, "1.000 BHD");
        assert!(mail_amounts(&serde_json::json!({"amount": "x"}), "fr").is_empty());
    }

    #[test]
    fn machines_get_plain_decimals() {
        assert_eq!(decimal(123_456, "EUR"), "1234.56");
        assert_eq!(decimal(1000, "BHD"), "1.000");
        assert_eq!(decimal(1000, "JPY"), "1000");
        assert_eq!(input_value(150_000, "EUR"), "1500");
        assert_eq!(input_value(150_050, "EUR"), "1500.50");
        assert_eq!(input_value(1500, "BHD"), "1.500");
        assert_eq!(input_value(2000, "BHD"), "2");
        assert_eq!(input_value(1500, "JPY"), "1500");
    }

    #[test]
    fn forms_are_read_in_the_currency_s_unit() {
        assert_eq!(parse("1500", "EUR"), Some(150_000));
        assert_eq!(parse("1 500,50", "EUR"), Some(150_050));
        assert_eq!(parse("1,500.50", "EUR"), Some(150_050));
        assert_eq!(parse("1\u{202f}500,05", "EUR"), Some(150_005));
        assert_eq!(parse("0.01", "EUR"), Some(1));
        for bad in ["", "abc", "1.234", "-5", "1e3", "12.3.4"] {
            assert_eq!(parse(bad, "EUR"), None, "{bad}");
        }
        assert_eq!(parse("1500", "JPY"), Some(1500));
        assert_eq!(parse("1,500", "JPY"), Some(1500));
        assert_eq!(parse("15.5", "JPY"), None);
        assert_eq!(parse("1.5", "BHD"), Some(1500));
        assert_eq!(parse("1,250", "BHD"), Some(1250));
        assert_eq!(parse("2", "BHD"), Some(2000));
        assert_eq!(parse("1.2345", "BHD"), None);
        assert_eq!(parse("-5", "EUR"), None);
        assert_eq!(parse("", "EUR"), None);
        assert_eq!(parse("1,2,3", "EUR"), None);
    }

    #[test]
    fn amounts_are_read_as_people_write_them() {
        // The contest editor reads and writes amounts so, in the currency's unit.
        assert_eq!(parse("1500", "EUR"), Some(150_000));
        assert_eq!(parse("1 500,50", "EUR"), Some(150_050));
        assert_eq!(parse("1,500.5", "EUR"), Some(150_050));
        assert_eq!(parse("1\u{202f}500,05", "EUR"), Some(150_005));
        assert_eq!(parse("0.01", "EUR"), Some(1));
        for bad in ["", "abc", "1.234", "-5", "1e3", "12.3.4"] {
            assert_eq!(parse(bad, "EUR"), None, "{bad}");
        }
        assert_eq!(input_value(150_050, "EUR"), "1500.50");
        assert_eq!(input_value(300_000, "EUR"), "3000");
        assert_eq!(parse("1500", "JPY"), Some(1500));
        assert_eq!(parse("1,5", "BHD"), Some(1500));
    }

    #[test]
    fn money_keeps_its_currency() {
        let prize = Money::parse("1 500,5", "EUR").unwrap();
        assert_eq!(prize, Money::new(150_050, "EUR"));
        assert_eq!((prize.cents(), prize.currency()), (150_050, "EUR"));
        assert_eq!(prize.to_string(), "1,500.50 EUR");
        assert_eq!(prize.format(Style::French), "1\u{202f}500,50 EUR");
        assert_eq!(prize.decimal(), "1500.50");
        assert_eq!(prize.input_value(), "1500.50");
        assert_eq!(Money::parse("1.5", "BHD"), Some(Money::new(1500, "BHD")));
        assert_eq!(Money::parse("1,5", "BHD"), Some(Money::new(1500, "BHD")));
        assert_eq!(Money::parse("1.5", "JPY"), None);
        assert_eq!(Money::parse("99999999999999999999", "EUR"), None);
    }

    proptest::proptest! {
        /// What a form shows is what it reads back, in every currency.
        #[test]
        fn an_input_value_reads_back_as_the_same_amount(
            cents in 0i64..=crate::domain::rules::MAX_POOL_CENTS,
            index in 0..CURRENCIES.len(),
        ) {
            let money = Money::new(cents, CURRENCIES[index].0);
            proptest::prop_assert_eq!(Money::parse(&money.input_value(), money.currency()), Some(money));
            proptest::prop_assert_eq!(Money::parse(&money.decimal(), money.currency()), Some(money));
        }
    }
}
