//! Attachments without their metadata (blind judging, issue 16.4): a PDF, JPEG or PNG can name
//! its author outside its visible content (PDF `/Author`, XMP `dc:creator`, EXIF `Artist`, PNG
//! `tEXt`), so every upload is re-serialised with only what renders, before it is stored. The
//! parsing is `lopdf`'s and `img-parts`' (no hand-written format parser here); what this module
//! decides is which parts are kept.
//!
//! - PDF: loaded and written afresh, so earlier incremental revisions are gone; the trailer keeps
//!   only `/Root` (no `/Info`, no `/ID`); `/Metadata` (XMP), `/PieceInfo`, `/EmbeddedFiles` and
//!   `/AF` are removed from every dictionary, at any depth; objects nothing refers to any more
//!   are dropped; JPEG images inside are cleaned as JPEGs. Encrypted PDFs are refused (their
//!   strings cannot be read to be cleaned).
//! - JPEG: only the segments that decode the image are kept (frame, tables, scans, restart
//!   intervals, the JFIF header, ICC colour profiles and Adobe's colour transform); EXIF, XMP,
//!   IPTC/Photoshop, comments, thumbnails, MPF and all other application segments go, and so
//!   does anything after the end-of-image marker.
//! - PNG: only chunks that render are kept (image header, palette, data, transparency, colour
//!   space, physical size, animation); `tEXt`, `iTXt`, `zTXt`, `tIME`, `eXIf` and every private
//!   chunk go, and so does anything after `IEND`.
//! - Plain text has no metadata; it is stored as received.

use img_parts::Bytes;
use img_parts::jpeg::{Jpeg, JpegSegment};
use img_parts::png::Png;
use lopdf::{Dictionary, Document, Object};

use super::ideas::FileKind;

/// A cleaned file and what was taken out of it (stable codes, shown to its author).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub bytes: Vec<u8>,
    /// Codes of what was removed, each once, sorted: `document_info`, `xmp`, `embedded_files`,
    /// `earlier_revisions`, `annotation_authors`, `exif`, `iptc`, `comment`, `thumbnail`,
    /// `text`, `time`, `other`.
    pub removed: Vec<&'static str>,
}

/// Why a file cannot be cleaned, and so is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It starts like its kind but cannot be read as one (corrupt or truncated).
    Unreadable,
    /// An encrypted PDF: its metadata cannot be read, so it cannot be removed.
    Encrypted,
}

/// `bytes` of `kind` with their metadata removed; text is returned as it is. The bytes come
/// from anyone: should a parser panic on them, the file is refused as unreadable (a 422, not a
/// 500).
pub fn clean(kind: FileKind, bytes: &[u8]) -> Result<Cleaned, Refusal> {
    let run = || match kind {
        FileKind::Pdf => clean_pdf(bytes),
        FileKind::Jpeg => clean_jpeg(bytes),
        FileKind::Png => clean_png(bytes),
        FileKind::Text => Ok(Cleaned {
            bytes: bytes.to_vec(),
            removed: Vec::new(),
        }),
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or(Err(Refusal::Unreadable))
}

fn finish(bytes: Vec<u8>, mut removed: Vec<&'static str>) -> Cleaned {
    removed.sort_unstable();
    removed.dedup();
    Cleaned { bytes, removed }
}

// ---------------------------------------------------------------------------------------------
// PDF

/// Keys that carry metadata or whole other files, wherever they appear.
const PDF_KEYS: [(&[u8], &str); 5] = [
    (b"Metadata", "xmp"),
    (b"PieceInfo", "other"),
    (b"EmbeddedFiles", "embedded_files"),
    (b"AF", "embedded_files"),
    (b"Info", "document_info"),
];

fn clean_pdf(bytes: &[u8]) -> Result<Cleaned, Refusal> {
    let mut doc = Document::load_mem(bytes).map_err(|_| Refusal::Unreadable)?;
    if doc.is_encrypted() || doc.was_encrypted() {
        return Err(Refusal::Encrypted);
    }
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| Refusal::Unreadable)?;
    doc.catalog().map_err(|_| Refusal::Unreadable)?;
    let mut removed = Vec::new();
    if doc.trailer.has(b"Info") {
        removed.push("document_info");
    }
    // Each revision ends with its own `startxref`: more than one, and the earlier ones go.
    if bytes.windows(9).filter(|w| w == b"startxref").count() > 1 {
        removed.push("earlier_revisions");
    }
    let mut trailer = Dictionary::new();
    trailer.set("Root", Object::Reference(root));
    doc.trailer = trailer;
    for object in doc.objects.values_mut() {
        scrub_pdf_object(object, &mut removed);
        if let Object::Stream(stream) = object {
            match jpeg_filter(&stream.dict) {
                JpegFilter::None => {}
                // A JPEG inside further filters cannot be checked here: refused rather than
                // passed on with whatever its EXIF says.
                JpegFilter::Chained => return Err(Refusal::Unreadable),
                JpegFilter::Only => {
                    let image = clean_jpeg(&stream.content).map_err(|_| Refusal::Unreadable)?;
                    if image.bytes != stream.content {
                        removed.extend(image.removed);
                        stream.set_content(image.bytes);
                    }
                }
            }
        }
    }
    doc.prune_objects();
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|_| Refusal::Unreadable)?;
    // What is stored must itself be a PDF that reads.
    Document::load_mem(&out).map_err(|_| Refusal::Unreadable)?;
    Ok(finish(out, removed))
}

/// Removes the metadata keys from a dictionary (or a stream's) and everything inside it.
fn scrub_pdf_object(object: &mut Object, removed: &mut Vec<&'static str>) {
    match object {
        Object::Dictionary(dict) => scrub_pdf_dict(dict, removed),
        Object::Stream(stream) => scrub_pdf_dict(&mut stream.dict, removed),
        Object::Array(items) => {
            for item in items {
                scrub_pdf_object(item, removed);
            }
        }
        _ => {}
    }
}

/// Annotations a reviewer adds (comments, highlights, stamps…), which carry their author's
/// name in `/T` and their times; form fields (`Widget`) keep their `/T`, their field name.
const MARKUP_ANNOTATIONS: [&[u8]; 16] = [
    b"Text",
    b"FreeText",
    b"Line",
    b"Square",
    b"Circle",
    b"Polygon",
    b"PolyLine",
    b"Highlight",
    b"Underline",
    b"Squiggly",
    b"StrikeOut",
    b"Stamp",
    b"Caret",
    b"Ink",
    b"FileAttachment",
    b"Sound",
];

fn scrub_pdf_dict(dict: &mut Dictionary, removed: &mut Vec<&'static str>) {
    for (key, code) in PDF_KEYS {
        if dict.remove(key).is_some() {
            removed.push(code);
        }
    }
    let markup = matches!(dict.get(b"Subtype"), Ok(Object::Name(kind))
        if MARKUP_ANNOTATIONS.contains(&kind.as_slice()) || kind == b"Popup");
    if markup {
        for key in [b"T".as_slice(), b"M", b"CreationDate", b"FS"] {
            if dict.remove(key).is_some() {
                removed.push("annotation_authors");
            }
        }
    }
    for (_, value) in dict.iter_mut() {
        scrub_pdf_object(value, removed);
    }
}

/// Whether a stream holds a JPEG image: `DCTDecode` as its filter (a name, or an array of one),
/// or among several filters.
enum JpegFilter {
    None,
    Only,
    Chained,
}

fn jpeg_filter(dict: &Dictionary) -> JpegFilter {
    let is_dct = |object: &Object| matches!(object, Object::Name(name) if name == b"DCTDecode");
    match dict.get(b"Filter") {
        Ok(object) if is_dct(object) => JpegFilter::Only,
        Ok(Object::Array(filters)) if filters.len() == 1 && is_dct(&filters[0]) => JpegFilter::Only,
        Ok(Object::Array(filters)) if filters.iter().any(is_dct) => JpegFilter::Chained,
        _ => JpegFilter::None,
    }
}

// ---------------------------------------------------------------------------------------------
// JPEG

const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;

/// Whether a JPEG segment is needed to decode the image, or says what an application wrote.
fn jpeg_keep(segment: &JpegSegment) -> Result<(), &'static str> {
    let marker = segment.marker();
    let contents = segment.contents();
    match marker {
        // Frames, Huffman and arithmetic tables, quantisation, scans, restart intervals,
        // line counts, hierarchical progression.
        0xC0..=0xCF | 0xDA..=0xDF => Ok(()),
        0xE0 if contents.starts_with(b"JFIF\0") => Ok(()),
        0xE0 => Err("thumbnail"),
        0xE1 if contents.starts_with(b"Exif\0") => Err("exif"),
        0xE1 => Err("xmp"),
        0xE2 if contents.starts_with(b"ICC_PROFILE\0") => Ok(()),
        0xE2 => Err("thumbnail"),
        0xED => Err("iptc"),
        0xEE if contents.starts_with(b"Adobe") => Ok(()),
        0xFE => Err("comment"),
        _ => Err("other"),
    }
}

/// Where the entropy-coded data of a scan ends: at the first marker that is neither a stuffed
/// `FF 00`, a restart marker nor a fill byte.
fn scan_end(data: &[u8]) -> usize {
    let mut i = 0;
    while i + 1 < data.len() {
        if data[i] == 0xFF {
            match data[i + 1] {
                0x00 | 0xD0..=0xD7 | 0xFF => {}
                _ => return i,
            }
        }
        i += 1;
    }
    data.len()
}

fn clean_jpeg(bytes: &[u8]) -> Result<Cleaned, Refusal> {
    let mut out = vec![0xFF, 0xD8];
    let mut removed = Vec::new();
    let mut rest = Bytes::copy_from_slice(bytes);
    let mut scans = 0;
    // img-parts reads the segments up to the first scan and hands back the rest of the file as
    // that scan's data; a progressive image has more segments and scans after it, so the rest
    // is read again, as a JPEG of its own, until the end-of-image marker.
    loop {
        let jpeg = Jpeg::from_bytes(rest).map_err(|_| Refusal::Unreadable)?;
        let mut next = None;
        for segment in jpeg.segments() {
            if let Err(code) = jpeg_keep(segment) {
                removed.push(code);
                continue;
            }
            let header =
                JpegSegment::new_with_contents(segment.marker(), segment.contents().clone());
            out.extend_from_slice(&header.encoder().bytes());
            if segment.marker() == SOS {
                scans += 1;
                let data = segment_entropy(segment);
                let end = scan_end(&data);
                out.extend_from_slice(&data[..end]);
                next = Some(data.slice(end..));
            }
        }
        match next {
            Some(tail) if tail.starts_with(&[0xFF, EOI]) => {
                if tail.len() > 2 {
                    removed.push("other");
                }
                break;
            }
            Some(tail) if tail.len() >= 2 => {
                let mut again = Vec::with_capacity(tail.len() + 2);
                again.extend_from_slice(&[0xFF, 0xD8]);
                again.extend_from_slice(&tail);
                rest = Bytes::from(again);
            }
            _ => return Err(Refusal::Unreadable),
        }
    }
    if scans == 0 {
        return Err(Refusal::Unreadable);
    }
    out.extend_from_slice(&[0xFF, EOI]);
    Ok(finish(out, removed))
}

/// A scan segment's entropy-coded data (and, as img-parts reads it, the rest of the file):
/// its encoding after the marker, the length and the contents.
fn segment_entropy(segment: &JpegSegment) -> Bytes {
    let header = segment.len();
    segment.clone().encoder().bytes().slice(header..)
}

// ---------------------------------------------------------------------------------------------
// PNG

/// The chunks that make the picture; everything else is dropped.
const PNG_KEEP: [&[u8; 4]; 16] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
];

fn clean_png(bytes: &[u8]) -> Result<Cleaned, Refusal> {
    let mut png =
        Png::from_bytes(Bytes::copy_from_slice(bytes)).map_err(|_| Refusal::Unreadable)?;
    let chunks = png.chunks();
    if chunks.first().map(|c| c.kind()) != Some(*b"IHDR")
        || chunks.last().map(|c| c.kind()) != Some(*b"IEND")
        || !chunks.iter().any(|c| c.kind() == *b"IDAT")
    {
        return Err(Refusal::Unreadable);
    }
    let mut removed = Vec::new();
    png.chunks_mut().retain(|chunk| {
        let kind = chunk.kind();
        if PNG_KEEP.iter().any(|k| **k == kind) {
            return true;
        }
        removed.push(match &kind {
            b"tEXt" | b"iTXt" | b"zTXt" => "text",
            b"tIME" => "time",
            b"eXIf" => "exif",
            _ => "other",
        });
        false
    });
    let out = png.encoder().bytes().to_vec();
    if out.len() < bytes.len() && removed.is_empty() {
        // Bytes after IEND, which img-parts does not keep.
        removed.push("other");
    }
    Ok(finish(out, removed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_is_idempotent_and_keeps_the_kind() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0\x3a\x7e\x9b\x55\
                    \0\0\0\x0aIDAT\x78\x9c\x63\x60\0\0\0\x02\0\x01\x48\xaf\xa4\x71\0\0\0\0IEND\xae\x42\x60\x82";
        let once = clean(FileKind::Png, png).unwrap();
        assert_eq!(once.bytes, png.to_vec(), "nothing to remove");
        assert!(once.removed.is_empty());
        let mut with_text = png[..33].to_vec();
        with_text.extend_from_slice(b"\0\0\0\x05tEXtA\0Lea\x94\x9e\x69\x88");
        with_text.extend_from_slice(&png[33..]);
        let cleaned = clean(FileKind::Png, &with_text).unwrap();
        assert_eq!(cleaned.bytes, png.to_vec());
        assert_eq!(cleaned.removed, ["text"]);
    }

    #[test]
    fn what_cannot_be_read_is_refused() {
        assert_eq!(
            clean(FileKind::Pdf, b"%PDF-1.4 plan"),
            Err(Refusal::Unreadable)
        );
        assert_eq!(
            clean(FileKind::Jpeg, b"\xFF\xD8\xFF"),
            Err(Refusal::Unreadable)
        );
        assert_eq!(
            clean(FileKind::Png, b"\x89PNG\r\n\x1a\n\0"),
            Err(Refusal::Unreadable)
        );
        assert_eq!(
            clean(FileKind::Text, b"notes").map(|c| c.bytes),
            Ok(b"notes".to_vec())
        );
    }

    #[test]
    fn a_scan_ends_at_the_first_real_marker() {
        assert_eq!(scan_end(b"\x01\xFF\x00\x02\xFF\xD0\x03\xFF\xD9"), 7);
        assert_eq!(scan_end(b"\x01\xFF\xFF\xC4"), 2);
        assert_eq!(scan_end(b"\x01\x02"), 2);
    }
}
