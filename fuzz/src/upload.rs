//! The upload checks: `concours::domain::ideas::sniff` (what a file is, from its bytes) and
//! `display_filename` (the name shown and offered for download), as `attach` in
//! src/app/ideas.rs combines them.

use concours::domain::ideas::{FileKind, display_filename, sniff};

/// The longest shown name, in characters, before the extension.
const MAX_NAME: usize = 120;

/// Checks what `bytes` sniff as, and the name shown for a file `raw_name` with those bytes.
pub fn check(raw_name: &str, bytes: &[u8]) {
    let kind = sniff(bytes);
    assert_eq!(kind, expected_kind(bytes), "sniff({:?})", Escaped(bytes));

    let name = display_filename(raw_name);
    check_name(raw_name, &name);
    assert!(name.chars().count() <= MAX_NAME, "name too long: {name:?}");
    assert!(!name.trim().is_empty(), "blank name for {raw_name:?}");
    if !crate::ignored("name-whitespace") {
        assert_eq!(
            display_filename(&name),
            name,
            "display_filename is not idempotent"
        );
    }

    if let Some(kind) = kind {
        // Metadata removal (issue 16.4) never panics on anyone's bytes, and what it keeps is
        // still of the kind, and has nothing left to remove.
        if let Ok(cleaned) = concours::domain::clean::clean(kind, bytes) {
            assert_eq!(sniff(&cleaned.bytes), Some(kind), "cleaned {kind:?}");
            if kind != FileKind::Pdf {
                let again = concours::domain::clean::clean(kind, &cleaned.bytes)
                    .expect("a cleaned file cleans again");
                assert_eq!(
                    again.bytes, cleaned.bytes,
                    "cleaning {kind:?} is idempotent"
                );
            }
        }
        let shown = display_filename_for(kind, raw_name);
        check_name(raw_name, &shown);
        let extension = match kind {
            FileKind::Pdf => ".pdf",
            FileKind::Png => ".png",
            FileKind::Jpeg => ".jpg",
            FileKind::Text => ".txt",
        };
        assert!(
            shown.ends_with(extension),
            "{shown:?} for a {kind:?} file named {raw_name:?}"
        );
        let stem = &shown[..shown.len() - extension.len()];
        assert!(!stem.is_empty(), "no stem in {shown:?}");
        assert!(
            crate::ignored("name-whitespace") || !stem.trim().is_empty(),
            "blank stem in {shown:?} for {raw_name:?}"
        );
        assert!(shown.chars().count() <= MAX_NAME + extension.len());
    }
}

/// What a shown name must never be or hold.
fn check_name(raw: &str, name: &str) {
    assert!(!name.is_empty(), "empty name for {raw:?}");
    assert!(
        !name.starts_with('.'),
        "{name:?} (from {raw:?}) starts with a dot"
    );
    // Browsers and file systems trim white space from names they save: " .pdf" becomes the
    // hidden file ".pdf". So no white space around the name either.
    if !crate::ignored("name-whitespace") {
        assert_eq!(
            name,
            name.trim(),
            "{name:?} (from {raw:?}) has white space around it"
        );
    }
    for c in name.chars() {
        assert!(
            !matches!(c, '/' | '\\'),
            "{name:?} (from {raw:?}) holds a path separator"
        );
        assert!(
            !c.is_control(),
            "{name:?} (from {raw:?}) holds a control character"
        );
        assert!(
            !matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|'),
            "{name:?} (from {raw:?}) holds {c:?}"
        );
        // Bidirectional controls reorder what is shown: `invoice\u{202E}exe.pdf` reads as
        // `invoicefdp.exe`; zero-width characters hide in a name. They are Unicode format
        // characters, not `char::is_control`.
        assert!(
            crate::ignored("name-bidi") || !is_invisible_format(c),
            "{name:?} (from {raw:?}) holds the invisible format character U+{:04X}",
            u32::from(c)
        );
    }
}

/// Bidirectional marks, embeddings, overrides and isolates; zero-width spaces and joiners.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// A mirror of the private `display_filename_for` in src/app/ideas.rs (keep them in step):
/// the shown name with the extension of what the file really is.
pub fn display_filename_for(kind: FileKind, raw: &str) -> String {
    let name = display_filename(raw);
    let extension = match kind {
        FileKind::Pdf => "pdf",
        FileKind::Png => "png",
        FileKind::Jpeg => "jpg",
        FileKind::Text => "txt",
    };
    let stem = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(stem, _)| stem);
    let stem = if stem.is_empty() { "attachment" } else { stem };
    format!("{stem}.{extension}")
}

/// The allow-list of src/domain/ideas.rs `sniff`, written from its documentation: PDF, PNG and
/// JPEG by their magic bytes; otherwise non-empty UTF-8 text without control characters (but
/// white space) that does not start, after white space, with markup a browser would run.
fn expected_kind(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        return Some(FileKind::Pdf);
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Some(FileKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileKind::Jpeg);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    if text.is_empty() {
        return None;
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
    {
        return None;
    }
    let start = text.trim_start();
    for tag in ["<!doctype", "<html", "<script", "<svg", "<?xml"] {
        if start.len() >= tag.len()
            && start.as_bytes()[..tag.len()].eq_ignore_ascii_case(tag.as_bytes())
        {
            return None;
        }
    }
    Some(FileKind::Text)
}

struct Escaped<'a>(&'a [u8]);

impl std::fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = &self.0[..self.0.len().min(80)];
        write!(f, "b\"{}\"", shown.escape_ascii())
    }
}
