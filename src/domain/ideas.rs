//! Ideas: what an acceptable submission is, its receipt, and what an uploaded file really is.

use serde_json::json;

use super::canonical;

pub const MAX_TITLE: usize = 200;
pub const MAX_SUMMARY: usize = 1_000;
pub const MAX_BODY: usize = 50_000;

super::status::status_enum!(
    /// Where an idea stands.
    Status "idea status" {
        Draft = "draft",
        Submitted = "submitted",
        Withdrawn = "withdrawn",
        Disqualified = "disqualified",
    }
);

/// The SHA-256 of the canonical JSON of an idea's content exactly as received: any change of
/// any byte gives another digest, and the same content always the same one.
pub fn content_digest(title: &str, summary: &str, body: &str) -> String {
    canonical::hash(&json!({"title": title, "summary": summary, "body": body}))
}

/// One file as a receipt names it: what the author can check against what they sent.
#[derive(Debug, Clone, Copy)]
pub struct FileDigest<'a> {
    pub filename: &'a str,
    pub size: i64,
    pub sha256: &'a str,
}

/// What a receipt's SHA-256 covers: the content ([`content_digest`]) and, when the idea has
/// files, `attachments: [{filename, size, sha256}]` in the order given, and when it names a
/// track (issue 20), `track`. A receipt without files or track hashes exactly as receipts
/// always did, so every earlier receipt still verifies.
pub fn receipt_digest(
    title: &str,
    summary: &str,
    body: &str,
    files: &[FileDigest],
    track: Option<&str>,
) -> String {
    if files.is_empty() && track.is_none() {
        return content_digest(title, summary, body);
    }
    let mut document = json!({"title": title, "summary": summary, "body": body});
    if !files.is_empty() {
        let files: Vec<_> = files
            .iter()
            .map(|f| json!({"filename": f.filename, "size": f.size, "sha256": f.sha256}))
            .collect();
        document["attachments"] = json!(files);
    }
    if let Some(track) = track {
        document["track"] = json!(track);
    }
    canonical::hash(&document)
}

/// Checks one text field: not blank, at most `max` characters, no control or format characters
/// but line breaks and tabs in a multi-line field (`domain::text`).
pub fn check_text(text: &str, max: usize, multiline: bool) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("This field may not be empty.".into());
    }
    if text.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    let lines = if multiline {
        super::text::Lines::Multi
    } else {
        super::text::Lines::Single
    };
    super::text::check_characters(text, lines)?;
    Ok(())
}

/// The kinds of file Concours accepts, recognised from their content, never from their name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Text,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Text => "text/plain; charset=utf-8",
        }
    }
}

/// What `bytes` are, or `None` for anything outside the allow-list (an executable named
/// `.pdf`, HTML, SVG with scripts, an archive…).
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some(FileKind::Jpeg)
    } else if is_plain_text(bytes) {
        Some(FileKind::Text)
    } else {
        None
    }
}

/// UTF-8 without NUL or other control characters (but white space), and not markup that a
/// browser would run.
fn is_plain_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    if text.is_empty() {
        return false;
    }
    let printable = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    let head = text
        .trim_start()
        .get(..64)
        .unwrap_or(text.trim_start())
        .to_ascii_lowercase();
    let markup = ["<!doctype", "<html", "<script", "<svg", "<?xml"]
        .iter()
        .any(|tag| head.starts_with(tag));
    printable && !markup
}

/// A file name fit to show and to offer for download: the last path component, control and
/// quoting characters removed, at most 120 characters. It is never used as a path.
pub fn display_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| {
            !c.is_control()
                && !is_invisible_format(*c)
                && !matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|')
        })
        .take(120)
        .collect();
    // Leading dots and spaces in any order (`. .pdf`), and trailing spaces (found by fuzzing).
    let cleaned = cleaned
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end()
        .to_owned();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

/// Invisible formatting characters that make a name read as another one: bidirectional
/// overrides and marks (`invoice\u{202E}fdp.exe` shows as `invoiceexe.pdf`), zero-width ones.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_receipt_covers_its_files_and_one_without_files_is_unchanged() {
        assert_eq!(
            receipt_digest("t", "s", "b", &[], None),
            content_digest("t", "s", "b")
        );
        let file = FileDigest {
            filename: "a.pdf",
            size: 3,
            sha256: "00",
        };
        let with = receipt_digest("t", "s", "b", &[file], None);
        assert_ne!(with, content_digest("t", "s", "b"));
        let renamed = FileDigest {
            filename: "b.pdf",
            ..file
        };
        assert_ne!(with, receipt_digest("t", "s", "b", &[renamed], None));
        let other = FileDigest {
            sha256: "01",
            ..file
        };
        assert_ne!(with, receipt_digest("t", "s", "b", &[other], None));
        assert_ne!(
            receipt_digest("t", "s", "b", &[file, renamed], None),
            receipt_digest("t", "s", "b", &[renamed, file], None)
        );
    }

    #[test]
    fn a_receipt_covers_the_track_its_idea_names() {
        let with = receipt_digest("t", "s", "b", &[], Some("pack"));
        assert_ne!(with, content_digest("t", "s", "b"));
        assert_ne!(with, receipt_digest("t", "s", "b", &[], Some("ship")));
        assert_eq!(
            with,
            canonical::hash(&json!({"title": "t", "summary": "s", "body": "b", "track": "pack"}))
        );
    }

    #[test]
    fn shown_names_cannot_spoof_or_hide() {
        assert_eq!(display_filename(". .pdf"), "pdf");
        assert_eq!(display_filename(" . notes.txt "), "notes.txt");
        assert_eq!(display_filename("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(display_filename("a\u{061C}b\u{200F}.pdf"), "ab.pdf");
    }

    #[test]
    fn files_are_known_by_their_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileKind::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Some(FileKind::Jpeg));
        assert_eq!(
            sniff("Plain notes, é and all.\n".as_bytes()),
            Some(FileKind::Text)
        );
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), None, "a Windows executable");
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), None, "an ELF executable");
        assert_eq!(sniff(b"PK\x03\x04"), None, "a zip");
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"  <svg onload=alert(1)>"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"text with a \0 NUL"), None);
    }

    #[test]
    fn file_names_are_tamed() {
        assert_eq!(display_filename("../../etc/passwd"), "passwd");
        assert_eq!(display_filename("C:\\Users\\a\\plan.pdf"), "plan.pdf");
        assert_eq!(display_filename("a\"b\r\n.pdf"), "ab.pdf");
        assert_eq!(display_filename(".."), "attachment");
        assert_eq!(display_filename(""), "attachment");
        assert_eq!(display_filename(".hidden"), "hidden");
    }

    #[test]
    fn texts_are_checked() {
        assert!(check_text("A title", MAX_TITLE, false).is_ok());
        assert!(check_text("  ", MAX_TITLE, false).is_err());
        assert!(check_text("two\nlines", MAX_TITLE, false).is_err());
        assert!(check_text("two\nlines", MAX_BODY, true).is_ok());
        assert!(check_text(&"x".repeat(MAX_TITLE + 1), MAX_TITLE, false).is_err());
    }

    proptest! {
        #[test]
        fn the_receipt_changes_with_any_byte_and_only_then(
            title in ".{1,20}", summary in ".{1,20}", body in ".{1,40}",
            field in 0usize..3, position in any::<prop::sample::Index>(), replacement in any::<char>(),
        ) {
            let digest = content_digest(&title, &summary, &body);
            prop_assert_eq!(&digest, &content_digest(&title, &summary, &body));
            let mut fields = [title.clone(), summary.clone(), body.clone()];
            let chars: Vec<char> = fields[field].chars().collect();
            let i = position.index(chars.len());
            let mut changed = chars.clone();
            changed[i] = replacement;
            fields[field] = changed.into_iter().collect();
            let other = content_digest(&fields[0], &fields[1], &fields[2]);
            if chars[i] == replacement {
                prop_assert_eq!(other, digest);
            } else {
                prop_assert_ne!(other, digest);
            }
        }

        #[test]
        fn moving_text_between_fields_changes_the_receipt(a in ".{1,10}", b in ".{1,10}") {
            prop_assume!(a != b);
            prop_assert_ne!(content_digest(&a, &b, "x"), content_digest(&b, &a, "x"));
        }

        #[test]
        fn sniffing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = sniff(&bytes);
        }
    }
}
