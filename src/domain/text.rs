//! Text that people type and other people read: names, titles, briefs, labels, answers,
//! comments, reasons (issue 17, finding 10).
//!
//! One rule for all of it: no control or format characters (Unicode general categories Cc and
//! Cf: NUL, ESC, CR, bidirectional overrides and isolates, zero-width characters, the BOM, the
//! soft hyphen…) and no line or paragraph separators, except line breaks and tabs in multi-line
//! fields. Such characters reorder or hide what a reader sees (`Ines\u{202E}…` shows another
//! name), forge line breaks in mail subjects and logs, and a NUL is refused by PostgreSQL.
//! Names people go by are also kept from impersonating the platform or a deleted account.
//!
//! Only new text is checked (at create, edit and open): what an open contest froze is never
//! checked again, so its rules hash and its course stay as they are.

use unicode_general_category::{GeneralCategory, get_general_category};

/// Whether a field holds one line (names, titles, labels) or several (briefs, bodies, comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Single,
    Multi,
}

/// The message for a field with a character this module refuses.
pub const HIDDEN_CHARACTERS: &str = "This field has invisible or control characters (such as a direction override, a zero-width space or a line break where none belongs); remove them.";

/// A character nobody should type into this kind of field: control and format characters
/// (Cc, Cf) and the line and paragraph separators (Zl, Zp); in multi-line fields, `\n` and `\t`
/// are fine, and `\r` just before `\n` (browsers send textareas with CRLF).
fn refused(c: char, next: Option<char>, lines: Lines) -> bool {
    if lines == Lines::Multi && (c == '\n' || c == '\t' || (c == '\r' && next == Some('\n'))) {
        return false;
    }
    matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// Checks the characters of `text` only (no length, no emptiness): the one function every
/// typed field goes through.
pub fn check_characters(text: &str, lines: Lines) -> Result<(), &'static str> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if refused(c, chars.peek().copied(), lines) {
            return Err(HIDDEN_CHARACTERS);
        }
    }
    Ok(())
}

/// A whole typed field: trimmed, not empty, at most `max` characters, and no hidden
/// characters. Returns the trimmed text.
pub fn check(raw: &str, max: usize, lines: Lines) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("This field may not be empty.".into());
    }
    if text.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    check_characters(text, lines)?;
    Ok(text.to_owned())
}

/// As [`check`], for a field that may be left empty.
pub fn check_optional(raw: &str, max: usize, lines: Lines) -> Result<String, String> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    check_characters(text, lines)?;
    Ok(text.to_owned())
}

/// What the platform signs as, and what a deleted account is shown as (see `locales/`): nobody
/// may go by these names.
const RESERVED: &[&str] = &[
    "concours",
    "formerparticipant",
    "ancienparticipant",
    "ancienneparticipante",
];

/// Words that, beside the platform's name, make a name read as the platform's staff.
const STAFF_WORDS: &[&str] = &[
    "support",
    "team",
    "staff",
    "admin",
    "help",
    "official",
    "officiel",
    "security",
    "securite",
    "noreply",
    "moderat",
    "equipe",
    "assistance",
    "platform",
    "plateforme",
    "billing",
    "payout",
];

/// A name folded for comparison: lower-case ASCII letters and digits, accents folded, spaces
/// and punctuation gone ("Concours  Support", "concours-support" and "CONCOURS.support" are one).
fn folded(name: &str) -> String {
    super::organization::slugify(name).replace('-', "")
}

/// Refuses a name that impersonates the platform ("Concours", "Concours Support", "Team
/// Concours"…, in any case and spacing) or a deleted account ("former participant", "ancien
/// participant"). A brand merely containing the word ("Concours Lépine") keeps its name.
pub fn check_not_reserved(name: &str) -> Result<(), &'static str> {
    let folded = folded(name);
    if RESERVED.contains(&folded.as_str()) {
        return Err("This name is reserved; choose another.");
    }
    if let Some(at) = folded.find("concours") {
        let rest = format!("{}{}", &folded[..at], &folded[at + "concours".len()..]);
        if STAFF_WORDS.iter().any(|word| rest.contains(word)) {
            return Err("This name reads as the platform's own; choose another.");
        }
    }
    Ok(())
}

/// A name people or brands go by: one line without hidden characters, and not reserved.
pub fn check_name(name: &str) -> Result<(), &'static str> {
    check_characters(name, Lines::Single)?;
    check_not_reserved(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_format_characters_are_refused() {
        for bad in [
            "a\u{0}b",
            "a\u{1b}[31mb",
            "a\rb",
            "a\nb",
            "a\tb",
            "Ines\u{202E}\u{200B}\u{2066} Support",
            // Zero-width joiners too (emoji sequences and a few scripts use them, but they make
            // two names that look alike differ): the rule is every Cf character.
            "a\u{200D}b",
            "a\u{200C}b",
            "a\u{FEFF}b",
            "a\u{AD}b",
            "a\u{2028}b",
            "a\u{2029}b",
            "a\u{61C}b",
            "a\u{E0041}b",
            "a\u{7F}b",
            "a\u{85}b",
        ] {
            assert!(check_characters(bad, Lines::Single).is_err(), "{bad:?}");
        }
        for bad in ["a\u{0}b", "a\u{202E}b", "a\rb", "a\u{1b}b", "a\u{2028}b"] {
            assert!(check_characters(bad, Lines::Multi).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ordinary_text_and_line_breaks_where_they_belong_pass() {
        for good in [
            "Ada Lovelace",
            "Élodie Dupré-Ñúñez",
            "李小龍",
            "محمد",
            "Emoji 🎉",
            "“Quotes” — and dashes",
        ] {
            assert!(check_characters(good, Lines::Single).is_ok(), "{good:?}");
        }
        assert!(check_characters("one\ntwo\r\nthree\tfour", Lines::Multi).is_ok());
    }

    #[test]
    fn checking_trims_and_bounds() {
        assert_eq!(check("  A title ", 10, Lines::Single).unwrap(), "A title");
        assert!(check("   ", 10, Lines::Single).is_err());
        assert!(check("xxxxxxxxxxx", 10, Lines::Single).is_err());
        assert_eq!(check_optional("  ", 10, Lines::Multi).unwrap(), "");
    }

    #[test]
    fn names_that_impersonate_the_platform_or_a_deleted_account_are_reserved() {
        for bad in [
            "Concours",
            "concours",
            " C O N C O U R S ",
            "Concours Support",
            "concours-support",
            "CONCOURS.team",
            "Team Concours",
            "Concours Team",
            "L'équipe Concours",
            "Ines Concours Support",
            "Concours Admin",
            "former participant",
            "Former  Participant",
            "ancien participant",
            "Ancienne participante",
        ] {
            assert!(check_not_reserved(bad).is_err(), "{bad:?}");
        }
        for good in [
            "Concours Lépine",
            "Ada",
            "Acme",
            "Former Acme",
            "Participant One",
        ] {
            assert!(check_not_reserved(good).is_ok(), "{good:?}");
        }
    }
}
