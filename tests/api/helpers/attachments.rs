//! Files to attach: a tiny clean PDF, and PDFs and JPEGs that name their author in every
//! place office software and cameras write it (for the tests that the server strips them).

use img_parts::Bytes;
use img_parts::jpeg::{Jpeg, JpegSegment};
use lopdf::{Document, Object, Stream, dictionary};

/// A small PDF with one page of text and nothing that names anyone.
pub fn tiny_pdf() -> Vec<u8> {
    let mut doc = pdf_document(None);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// A one-page PDF; with `author`, it names them in its Info dictionary, in XMP on the catalog
/// and on the page, in the page's private PieceInfo, as the author of a comment, and in the
/// EXIF of a JPEG image it shows.
pub fn pdf_document(author: Option<&str>) -> Document {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let content_id = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 24 Tf 72 700 Td (A better plan) Tj ET".to_vec(),
    ));
    let mut page = dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    };
    let mut resources = dictionary! { "Font" => dictionary! { "F1" => font_id } };
    if let Some(author) = author {
        let image_id = doc.add_object(
            Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                    "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
                },
                jpeg_with(author),
            )
            .with_compression(false),
        );
        resources.set("XObject", dictionary! { "Im1" => image_id });
        page.set("Metadata", doc.add_object(xmp(author)));
        // A reviewer's comment on the page, signed with their name.
        let note = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Text",
            "Rect" => vec![10.into(), 10.into(), 30.into(), 30.into()],
            "Contents" => Object::string_literal("Check the costs"),
            "T" => Object::string_literal(author),
        });
        page.set("Annots", vec![note.into()]);
        page.set(
            "PieceInfo",
            dictionary! { "Editor" => dictionary! { "Private" => Object::string_literal(author) } },
        );
    }
    page.set("Resources", resources);
    let page_id = doc.add_object(page);
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if let Some(author) = author {
        catalog.set("Metadata", doc.add_object(xmp(author)));
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    if let Some(author) = author {
        let info_id = doc.add_object(dictionary! {
            "Author" => Object::string_literal(author),
            "Creator" => Object::string_literal(format!("Writer on {author}'s laptop")),
            "Title" => Object::string_literal(format!("{author} - plan v3")),
        });
        doc.trailer.set("Info", info_id);
    }
    doc
}

/// An uncompressed XMP packet naming `author` as `dc:creator`.
fn xmp(author: &str) -> Stream {
    let packet = format!(
        "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator><rdf:Seq><rdf:li>{author}\
         </rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
    );
    Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        packet.into_bytes(),
    )
    .with_compression(false)
}

/// A 1×1 JPEG (arithmetic coding) with no metadata.
pub const TINY_JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, 0x00, 0x48,
    0x00, 0x48, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x03, 0x02, 0x02, 0x02, 0x02, 0x02, 0x03,
    0x02, 0x02, 0x02, 0x03, 0x03, 0x03, 0x03, 0x04, 0x06, 0x04, 0x04, 0x04, 0x04, 0x04, 0x08, 0x06,
    0x06, 0x05, 0x06, 0x09, 0x08, 0x0A, 0x0A, 0x09, 0x08, 0x09, 0x09, 0x0A, 0x0C, 0x0F, 0x0C, 0x0A,
    0x0B, 0x0E, 0x0B, 0x09, 0x09, 0x0D, 0x11, 0x0D, 0x0E, 0x0F, 0x10, 0x10, 0x11, 0x10, 0x0A, 0x0C,
    0x12, 0x13, 0x12, 0x10, 0x13, 0x0F, 0x10, 0x10, 0x10, 0xFF, 0xC9, 0x00, 0x0B, 0x08, 0x00, 0x01,
    0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xCC, 0x00, 0x06, 0x00, 0x10, 0x10, 0x05, 0xFF, 0xDA,
    0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0xD2, 0xCF, 0x20, 0xFF, 0xD9,
];

/// The tiny JPEG naming `author` in EXIF (Artist), XMP, IPTC and a comment, with a comment
/// between two scans (as in a progressive image) and the name again after the end marker.
pub fn jpeg_with(author: &str) -> Vec<u8> {
    let mut jpeg = Jpeg::from_bytes(Bytes::from_static(TINY_JPEG)).unwrap();
    let segment = |marker: u8, contents: Vec<u8>| {
        JpegSegment::new_with_contents(marker, Bytes::from(contents))
    };
    let mut exif =
        b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x3b\0\x02\0\0\0\x0f\0\0\0\x1a\0\0\0\0".to_vec();
    exif.extend_from_slice(author.as_bytes());
    exif.push(0);
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(format!("<dc:creator>{author}</dc:creator>").as_bytes());
    let mut iptc = b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x14\x1c\x02\x50\0\x0e".to_vec();
    iptc.extend_from_slice(author.as_bytes());
    let segments = jpeg.segments_mut();
    segments.insert(1, segment(0xE1, exif));
    segments.insert(2, segment(0xE1, xmp));
    segments.insert(3, segment(0xED, iptc));
    segments.insert(4, segment(0xFE, format!("by {author}").into_bytes()));
    let mut bytes = jpeg.encoder().bytes().to_vec();
    // Before the end marker: a comment and a second scan, as a progressive image has.
    let eoi = bytes.len() - 2;
    let mut between = vec![0xFF, 0xFE, 0x00, (2 + author.len()) as u8];
    between.extend_from_slice(author.as_bytes());
    between.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    between.extend_from_slice(&[0xD2, 0xCF, 0x20]);
    bytes.splice(eoi..eoi, between);
    bytes.extend_from_slice(format!("trailing {author}").as_bytes());
    bytes
}
