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
    ($($file:literal),+) => {
        load(&[$(($file, include_str!(concat!("../../locales/", $file)))),+])
    };
}

static EN: LazyLock<Catalog> = LazyLock::new(|| {
    catalog!(
        "en.toml",
        "en-manage.toml",
        "en-participate.toml",
        "en-juries.toml",
        "en-home.toml"
    )
});
static FR: LazyLock<Catalog> = LazyLock::new(|| {
    catalog!(
        "fr.toml",
        "fr-manage.toml",
        "fr-participate.toml",
        "fr-juries.toml",
        "fr-home.toml"
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
}
