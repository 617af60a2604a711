//! The languages of the pages: English and French texts from `locales/*.toml`, the choice of
//! language for a request, and dates and money written the way each language writes them.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Timelike, Utc};
use figment::Figment;
use figment::providers::{Format, Toml};

/// The languages Concours speaks, the default first.
pub const LANGUAGES: [&str; 2] = ["en", "fr"];

type Catalog = BTreeMap<String, String>;

/// One language's catalogue, from its files (one per area of the pages), merged; a key defined
/// twice is a mistake and stops the program at the first page.
fn load(sources: &[(&str, &str)]) -> Catalog {
    let mut catalog = Catalog::new();
    for (name, source) in sources {
        let part: Catalog = Figment::from(Toml::string(source))
            .extract()
            .unwrap_or_else(|e| panic!("locales/{name} is not valid: {e}"));
        for (key, value) in part {
            if catalog.insert(key.clone(), value).is_some() {
                panic!("locales/{name}: {key} is defined twice");
            }
        }
    }
    catalog
}

macro_rules! catalog {
    ($($file:literal),+ $(,)?) => {
        load(&[$(($file, include_str!(concat!("../../locales/", $file)))),+])
    };
}

static EN: LazyLock<Catalog> = LazyLock::new(|| {
    catalog!(
        "en.toml",
        "en-guide.toml",
        "en-manage.toml",
        "en-participate.toml",
        "en-juries.toml",
        "en-home.toml",
        "en-scoring.toml",
        "en-results.toml",
        "en-entry.toml",
        "en-money.toml",
        "en-editor.toml",
        "en-structure.toml",
    )
});
static FR: LazyLock<Catalog> = LazyLock::new(|| {
    catalog!(
        "fr.toml",
        "fr-guide.toml",
        "fr-manage.toml",
        "fr-participate.toml",
        "fr-juries.toml",
        "fr-home.toml",
        "fr-scoring.toml",
        "fr-results.toml",
        "fr-entry.toml",
        "fr-money.toml",
        "fr-editor.toml",
        "fr-structure.toml",
    )
});

/// Every text of the pages in `lang` (English for anything else).
pub fn texts(lang: &str) -> &'static Catalog {
    match lang {
        "fr" => &FR,
        _ => &EN,
    }
}

/// The first supported language of an `Accept-Language` header, by quality.
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut choices: Vec<(f32, &str)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse().ok())
                .unwrap_or(1.0);
            Some((quality, tag))
        })
        .collect();
    choices.sort_by(|a, b| b.0.total_cmp(&a.0));
    choices.into_iter().find_map(|(_, tag)| {
        let primary = tag
            .split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        LANGUAGES.into_iter().find(|l| *l == primary)
    })
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// How long until `at`, in words: `3 days, 4 hours` / `3 jours, 4 heures`; minutes in the
/// last hour. Empty once `at` has passed.
pub fn countdown(now: DateTime<Utc>, at: DateTime<Utc>, lang: &str) -> String {
    let left = at - now;
    if left <= chrono::Duration::zero() {
        return String::new();
    }
    let (days, hours, minutes) = (
        left.num_days(),
        left.num_hours() % 24,
        (left.num_minutes() % 60).max(1),
    );
    let unit = |n: i64, en: (&str, &str), fr: (&str, &str)| {
        let (one, many) = if lang == "fr" { fr } else { en };
        format!("{n} {}", if n == 1 { one } else { many })
    };
    let d = |n| unit(n, ("day", "days"), ("jour", "jours"));
    let h = |n| unit(n, ("hour", "hours"), ("heure", "heures"));
    let m = |n| unit(n, ("minute", "minutes"), ("minute", "minutes"));
    match (days, hours) {
        (0, 0) => m(minutes),
        (0, _) => format!("{}, {}", h(hours), m(minutes)),
        (_, 0) => d(days),
        _ => format!("{}, {}", d(days), h(hours)),
    }
}

/// The grammatical gender of what an ordinal counts (French agrees: `1er prix`, `1re idée`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Masculine,
    Feminine,
}

/// `1st`, `2nd`, `23rd`, `111th` / `1er` or `1re`, `2e`.
pub fn ordinal(n: usize, lang: &str, gender: Gender) -> String {
    if lang == "fr" {
        return match (n, gender) {
            (1, Gender::Masculine) => "1er".to_owned(),
            (1, Gender::Feminine) => "1re".to_owned(),
            _ => format!("{n}e"),
        };
    }
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `31 January 2027, 12:00 UTC` / `31 janvier 2027, 12:00 UTC`.
pub fn date(at: DateTime<Utc>, lang: &str) -> String {
    let months = if lang == "fr" { MONTHS_FR } else { MONTHS_EN };
    format!(
        "{} {} {}, {:02}:{:02} UTC",
        at.day(),
        months[at.month0() as usize],
        at.year(),
        at.hour(),
        at.minute()
    )
}

/// `1,234.56 EUR` / `1 234,56 EUR`; `1,000 JPY`, `1.000 BHD`: each currency in its own minor
/// unit, written in the page's language by `domain::money::Money`.
pub fn money(amount: i64, currency: &str, lang: &str) -> String {
    use crate::domain::money::{Money, Style};
    Money::new(amount, currency).format(Style::of_lang(lang))
}

/// A decimal number as a person reads it, with at most `decimals` decimals and no trailing
/// zeros: `62.5`, `1,234.5`, `-0.25` / `62,5`, `1\u{202f}234,5`, `-0,25` (French groups
/// thousands with a narrow no-break space, as money does).
pub fn number(x: f64, decimals: usize, lang: &str) -> String {
    if !x.is_finite() {
        return String::new();
    }
    // Halves away from zero (87.25 is 87.3), as people and the templates' `round` do.
    let factor = 10f64.powi(decimals as i32);
    let fixed = format!("{:.*}", decimals, (x.abs() * factor).round() / factor);
    let (whole, fraction) = match fixed.split_once('.') {
        Some((w, f)) => (w, f.trim_end_matches('0')),
        None => (fixed.as_str(), ""),
    };
    let negative = x < 0.0 && (whole.bytes().any(|b| b != b'0') || !fraction.is_empty());
    let (group, point) = if lang == "fr" {
        ('\u{202f}', ',')
    } else {
        (',', '.')
    };
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
    out
}

/// The templates' `number` filter: `{{ x | number(lang=lang) }}` (one decimal unless
/// `decimals=` says otherwise), so that no page prints a raw `62.5` to a French reader. A
/// number already written as text (`"62.5"`, as the mails' contexts carry) is read first;
/// anything else is left as it is.
pub fn number_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let parsed = value.as_str().and_then(|s| s.parse::<f64>().ok());
    let Some(x) = value.as_f64().or(parsed) else {
        return Ok(value.clone());
    };
    let lang = args.get("lang").and_then(|l| l.as_str()).unwrap_or("en");
    let decimals = args.get("decimals").and_then(|d| d.as_u64()).unwrap_or(1) as usize;
    Ok(tera::Value::String(number(x, decimals, lang)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_texts() {
        let en: Vec<&String> = EN.keys().collect();
        let fr: Vec<&String> = FR.keys().collect();
        assert_eq!(en, fr);
        assert!(EN.values().chain(FR.values()).all(|v| !v.trim().is_empty()));
    }

    #[test]
    fn accept_language_is_read_by_quality() {
        assert_eq!(from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"), Some("fr"));
        assert_eq!(
            from_accept_language("de-DE, en;q=0.5, fr;q=0.7"),
            Some("fr")
        );
        assert_eq!(from_accept_language("de, es"), None);
        assert_eq!(from_accept_language(""), None);
    }

    #[test]
    fn countdowns_read_well() {
        let now = DateTime::from_timestamp(1_801_396_800, 0).unwrap();
        let after = |minutes| now + chrono::Duration::minutes(minutes);
        assert_eq!(
            countdown(now, after(3 * 1440 + 4 * 60 + 5), "en"),
            "3 days, 4 hours"
        );
        assert_eq!(countdown(now, after(1440), "fr"), "1 jour");
        assert_eq!(countdown(now, after(61), "en"), "1 hour, 1 minute");
        assert_eq!(countdown(now, after(30), "fr"), "30 minutes");
        assert_eq!(countdown(now, after(0), "en"), "");
    }

    #[test]
    fn dates_and_money_read_well_in_each_language() {
        let at = DateTime::from_timestamp(1_801_396_800, 0).unwrap();
        assert_eq!(date(at, "en"), "31 January 2027, 12:00 UTC");
        assert_eq!(date(at, "fr"), "31 janvier 2027, 12:00 UTC");
        assert_eq!(money(123_456, "EUR", "en"), "1,234.56 EUR");
        assert_eq!(money(123_456, "EUR", "fr"), "1\u{202f}234,56 EUR");
        assert_eq!(money(1000, "JPY", "en"), "1,000 JPY");
        assert_eq!(money(1000, "JPY", "fr"), "1\u{202f}000 JPY");
        assert_eq!(money(1000, "BHD", "en"), "1.000 BHD");
        assert_eq!(money(1000, "BHD", "fr"), "1,000 BHD");
    }
    #[test]
    fn numbers_read_well_in_each_language() {
        assert_eq!(number(62.5, 1, "en"), "62.5");
        assert_eq!(number(62.5, 1, "fr"), "62,5");
        assert_eq!(number(62.0, 1, "fr"), "62");
        assert_eq!(number(52.549, 2, "fr"), "52,55");
        assert_eq!(number(1234.5, 1, "en"), "1,234.5");
        assert_eq!(number(1234.5, 1, "fr"), "1\u{202f}234,5");
        assert_eq!(number(-0.25, 2, "fr"), "-0,25");
        assert_eq!(number(-0.01, 1, "en"), "0");
        assert_eq!(number(0.0, 2, "en"), "0");
        assert_eq!(number(f64::NAN, 1, "en"), "");
        let args = |lang: &str| {
            std::collections::HashMap::from([("lang".to_string(), tera::Value::from(lang))])
        };
        assert_eq!(
            number_filter(&tera::Value::from(87.25), &args("fr")).unwrap(),
            tera::Value::from("87,3")
        );
        assert_eq!(
            number_filter(&tera::Value::from("62.5"), &args("fr")).unwrap(),
            tera::Value::from("62,5")
        );
        assert_eq!(
            number_filter(&tera::Value::from("x"), &args("fr")).unwrap(),
            tera::Value::from("x")
        );
    }

    /// The French catalogue written as a French editor would: a narrow no-break space
    /// (U+202F) before `:` `;` `?` `!` and inside « », the typographic apostrophe, no ASCII
    /// double quote. A mark followed by a letter or digit is not punctuation (`20:02`,
    /// `?ref=`, `https://`), and HTML tags and `{placeholders}` are not read.
    fn typography_faults(text: &str) -> Vec<String> {
        let mut plain = String::new();
        let mut skip = None;
        for c in text.chars() {
            match (skip, c) {
                (None, '<') => skip = Some('>'),
                (None, '{') => skip = Some('}'),
                (Some(end), c) if c == end => skip = None,
                (Some(_), _) => {}
                (None, c) => plain.push(c),
            }
        }
        let chars: Vec<char> = plain.chars().collect();
        let mut faults = Vec::new();
        for (i, &c) in chars.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + 1).copied();
            let fault = match c {
                ':' | ';' | '?' | '!' => {
                    let punctuation = after.is_none_or(|a| !a.is_alphanumeric() && a != '/');
                    punctuation && before != Some('\u{202f}')
                }
                '«' => after != Some('\u{202f}'),
                '»' => before != Some('\u{202f}'),
                '\'' => true,
                '"' => true,
                _ => false,
            };
            if fault {
                let from = i.saturating_sub(12);
                let to = (i + 12).min(chars.len());
                faults.push(chars[from..to].iter().collect());
            }
        }
        faults
    }

    #[test]
    fn the_typography_check_sees_what_it_must() {
        assert!(typography_faults("Dotation\u{202f}: 20:02, https://x.io/?ref=a").is_empty());
        assert!(typography_faults("Ouvrir «\u{202f}{title}\u{202f}»\u{202f}?").is_empty());
        assert!(typography_faults("<a href=\"x\">lien</a>\u{202f}!").is_empty());
        for wrong in [
            "Dotation:",
            "Dotation :",
            "Dotation\u{a0}: x",
            "Prêt ?",
            "a ; b",
            "l'idée",
            "« x »",
            "le \"brief\"",
        ] {
            assert!(!typography_faults(wrong).is_empty(), "{wrong}");
        }
    }

    #[test]
    fn french_is_written_as_a_french_editor_would() {
        let faults: Vec<String> = FR
            .iter()
            .flat_map(|(key, value)| {
                typography_faults(value)
                    .into_iter()
                    .map(move |f| format!("{key}: …{f}…"))
            })
            .collect();
        assert!(faults.is_empty(), "{faults:#?}");
    }

    /// One term per thing in French: the glossary's chosen words, and none of the words they
    /// replaced (an idea is *proposée* and *soumise*, never *déposée*; the judging phase is
    /// *l’évaluation*, ending at *la fin de l’évaluation*; the brand's text is *le défi*).
    #[test]
    fn french_uses_one_term_per_thing() {
        let banned = [
            "déposer",
            "déposé",
            "dépôt",
            "jugement",
            "date limite d’évaluation",
            "brief",
            "courriel",
            "projet",
        ];
        for (key, value) in FR.iter() {
            let lower = value.to_lowercase();
            for word in banned {
                assert!(!lower.contains(word), "{key} says «{word}»: {value}");
            }
        }
        assert_eq!(FR["contest_submit_idea"], FR["idea_submit_title"]);
        assert_eq!(FR["contest_submit_idea"], "Proposer une idée");
        assert_eq!(FR["judging_ends"], "Fin de l’évaluation");
        assert_eq!(FR["contest_brief"], FR["editor_section_brief"]);
        assert_eq!(FR["phase_judging"], FR["home_judging"]);
    }
}
