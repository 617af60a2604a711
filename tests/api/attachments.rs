//! Attachments under attack: files whose metadata names their author (issue 16.4) and uploads
//! that make the server read a body it should refuse at once (issue 16.14).

use std::time::Duration as StdDuration;

use chrono::Duration;
use img_parts::Bytes;
use img_parts::jpeg::Jpeg;
use img_parts::png::{Png, PngChunk};
use lopdf::{Document, Object, dictionary};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::both_backends;
use crate::helpers::{
    Answer, Draft, TINY_JPEG, TestApp, admin, draft, fund, invite_juror, jpeg_with, juror,
    pdf_document, tiny_pdf,
};

both_backends!(
    metadata_naming_the_author_reaches_no_juror_and_no_blind_organiser,
    files_that_cannot_be_cleaned_are_refused_with_422,
    a_strangers_upload_is_refused_before_its_body_is_read,
);

/// The name the author's software wrote into every file.
const NAME: &str = "Lea Secretname";

/// `pdf_document(Some(NAME))` with its JPEG's filter written as `filters` (an array).
fn pdf_with_image_filters(filters: &[&str]) -> Vec<u8> {
    let mut doc = pdf_document(Some(NAME));
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object
            && stream.dict.get(b"Filter").ok() == Some(&Object::Name(b"DCTDecode".to_vec()))
        {
            let names = filters
                .iter()
                .map(|f| Object::Name(f.as_bytes().to_vec()))
                .collect::<Vec<_>>();
            stream.dict.set("Filter", Object::Array(names));
        }
    }
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// `pdf` with an incremental update appended whose Info no longer names anyone: the earlier
/// revision (and its /Author) is still in the file, as editors leave it.
fn incrementally_updated(pdf: Vec<u8>) -> Vec<u8> {
    let previous = Document::load_mem(&pdf).unwrap();
    let root = previous
        .trailer
        .get(b"Root")
        .unwrap()
        .as_reference()
        .unwrap();
    let text = String::from_utf8_lossy(&pdf).into_owned();
    let at = text.rfind("startxref").unwrap();
    let prev: usize = text[at + 9..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let id = previous.max_id + 1;
    let mut out = pdf;
    out.push(b'\n');
    let offset = out.len();
    out.extend_from_slice(format!("{id} 0 obj\n<< /Producer (clean) >>\nendobj\n").as_bytes());
    let xref = out.len();
    out.extend_from_slice(
        format!(
            "xref\n{id} 1\n{offset:010} 00000 n \ntrailer\n<< /Size {} /Root {} {} R /Info {id} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n",
            id + 1,
            root.0,
            root.1
        )
        .as_bytes(),
    );
    let reread = Document::load_mem(&out).expect("the updated PDF reads");
    assert!(reread.trailer.has(b"Info"));
    out
}

/// A 1×1 grey PNG naming `author` in tEXt, iTXt, zTXt, eXIf and a private chunk, with a tIME
/// chunk and the name again after IEND.
fn png_with(author: &str) -> Vec<u8> {
    let chunk = |kind: &[u8; 4], contents: Vec<u8>| PngChunk::new(*kind, Bytes::from(contents));
    let mut png = Png::from_bytes(Bytes::from(tiny_png())).unwrap();
    let chunks = png.chunks_mut();
    let mut text = b"Author\0".to_vec();
    text.extend_from_slice(author.as_bytes());
    let mut itxt = b"Author\0\0\0en\0Author\0".to_vec();
    itxt.extend_from_slice(author.as_bytes());
    // zTXt with a stored (uncompressed) deflate block, so that the name is in the bytes.
    let mut ztxt = b"Comment\0\0\x78\x01\x01".to_vec();
    let len = author.len() as u16;
    ztxt.extend_from_slice(&len.to_le_bytes());
    ztxt.extend_from_slice(&(!len).to_le_bytes());
    ztxt.extend_from_slice(author.as_bytes());
    ztxt.extend_from_slice(&[0, 0, 0, 0]);
    let mut exif = b"MM\0*\0\0\0\x08".to_vec();
    exif.extend_from_slice(author.as_bytes());
    chunks.insert(1, chunk(b"tEXt", text));
    chunks.insert(2, chunk(b"iTXt", itxt));
    chunks.insert(3, chunk(b"zTXt", ztxt));
    chunks.insert(4, chunk(b"tIME", vec![0x07, 0xEA, 12, 3, 9, 30, 0]));
    chunks.insert(5, chunk(b"eXIf", exif));
    chunks.insert(6, chunk(b"auTH", author.as_bytes().to_vec()));
    let mut bytes = png.encoder().bytes().to_vec();
    bytes.extend_from_slice(author.as_bytes());
    bytes
}

/// A 1×1 grey PNG.
fn tiny_png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, contents) in [
        (*b"IHDR", vec![0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]),
        (*b"IDAT", vec![0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1]),
        (*b"IEND", vec![]),
    ] {
        bytes.extend_from_slice(&PngChunk::new(kind, Bytes::from(contents)).encoder().bytes());
    }
    bytes
}

async fn upload(app: &TestApp, token: &str, idea: &str, filename: &str, bytes: Vec<u8>) -> Answer {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(filename.to_owned()),
    );
    let response = app
        .client
        .post(app.url(&format!("/api/v1/ideas/{idea}/attachments")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload sent");
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

async fn bytes_of(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.bytes().await.unwrap().to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Asserts that `NAME` is in no byte of `bytes`, in none of their decompressed PDF streams,
/// and that what is left still reads as its kind.
fn assert_clean(bytes: &[u8], content_type: &str) {
    for needle in [NAME, "Secretname"] {
        assert!(
            !contains(bytes, needle.as_bytes()),
            "{content_type}: the download still says {needle:?}"
        );
    }
    match content_type {
        "application/pdf" => {
            let mut doc = Document::load_mem(bytes).expect("the download is a PDF");
            assert!(!doc.trailer.has(b"Info"), "no Info dictionary");
            assert!(
                !doc.catalog().unwrap().has(b"Metadata"),
                "no XMP on the catalog"
            );
            doc.decompress();
            for object in doc.objects.values() {
                let text = format!("{object:?}");
                assert!(!text.contains("Secretname"), "{text}");
                if let Object::Stream(stream) = object {
                    assert!(!contains(&stream.content, b"Secretname"));
                }
            }
            let mut plain = Vec::new();
            doc.save_to(&mut plain).unwrap();
            assert!(contains(&plain, b"A better plan"), "the page is kept");
            if contains(&plain, b"/Annot") {
                assert!(contains(&plain, b"Check the costs"), "the comment is kept");
            }
        }
        "image/jpeg" => {
            let jpeg = Jpeg::from_bytes(Bytes::copy_from_slice(bytes))
                .unwrap_or_else(|e| panic!("a JPEG ({e}): {:?}", String::from_utf8_lossy(bytes)));
            let markers: Vec<u8> = jpeg.segments().iter().map(|s| s.marker()).collect();
            assert!(
                markers.iter().all(|m| !matches!(m, 0xE1 | 0xED | 0xFE)),
                "{markers:x?}"
            );
            assert!(bytes.ends_with(&[0xFF, 0xD9]));
        }
        "image/png" => {
            let png = Png::from_bytes(Bytes::copy_from_slice(bytes)).expect("a PNG");
            let kinds: Vec<String> = png
                .chunks()
                .iter()
                .map(|c| String::from_utf8_lossy(&c.kind()).into_owned())
                .collect();
            assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
        }
        other => panic!("unexpected type {other}"),
    }
}

/// The attack of issue 16.4: an author's files name them in their metadata (PDF Info and XMP,
/// an earlier incremental revision, a JPEG inside the PDF, JPEG EXIF/XMP/IPTC/comments, PNG
/// text, time and eXIf chunks). Jurors and the blind organiser download every file: the name
/// is in no byte. The author is told what was removed and keeps the hash of what they sent.
async fn metadata_naming_the_author_reaches_no_juror_and_no_blind_organiser(app: &TestApp) {
    let Draft { owner, contest, .. } = draft(app).await;
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "jo@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    juror(app, "jo@jury.example", "Jo Juror").await;
    app.advance(Duration::days(1));
    let lea = app.person("lea@example.org", NAME).await.token;
    let idea = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&lea),
            json!({"title": "Refill stations", "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut full = Vec::new();
    pdf_document(Some(NAME)).save_to(&mut full).unwrap();
    let files = [
        ("plan.pdf", full.clone(), "application/pdf"),
        (
            "plan-v2.pdf",
            incrementally_updated(full),
            "application/pdf",
        ),
        ("photo.jpg", jpeg_with(NAME), "image/jpeg"),
        ("sketch.png", png_with(NAME), "image/png"),
    ];
    // The JPEG's filter as an array of one (`[/DCTDecode]`), as some writers put it, is
    // cleaned too (the idea's five attachments are taken: checked on the cleaner itself).
    let array = pdf_with_image_filters(&["DCTDecode"]);
    assert!(contains(&array, NAME.as_bytes()));
    let cleaned = concours::domain::clean::clean(concours::domain::ideas::FileKind::Pdf, &array)
        .expect("a readable PDF");
    assert_clean(&cleaned.bytes, "application/pdf");
    for (filename, bytes, content_type) in &files {
        assert!(
            contains(bytes, NAME.as_bytes()),
            "the attack file names Lea"
        );
        let attached = upload(app, &lea, &idea, filename, bytes.clone())
            .await
            .expect(201)
            .json();
        assert_eq!(attached["content_type"], *content_type);
        // What the receipt hashes: the stored file, and separately the bytes as received.
        assert_eq!(
            attached["received_sha256"],
            hex::encode(Sha256::digest(bytes))
        );
        assert_ne!(attached["sha256"], attached["received_sha256"]);
        let removed = attached["metadata_removed"].as_array().unwrap();
        assert!(!removed.is_empty(), "{attached}");
        // The author gets the stored file: what the jury will get, so they see what is kept.
        let mine = bytes_of(
            app,
            &lea,
            &format!("/api/v1/attachments/{}", attached["id"].as_str().unwrap()),
        )
        .await;
        assert_eq!(attached["sha256"], hex::encode(Sha256::digest(&mine)));
        assert_eq!(attached["size"], mine.len());
        assert_clean(&mine, content_type);
    }
    let removed_pdf: Vec<String> = serde_json::from_value(
        upload(
            app,
            &lea,
            &idea,
            "again.pdf",
            incrementally_updated(tiny_pdf()),
        )
        .await
        .expect(201)
        .json()["metadata_removed"]
            .clone(),
    )
    .unwrap();
    assert!(
        removed_pdf.contains(&"earlier_revisions".to_owned())
            && removed_pdf.contains(&"document_info".to_owned()),
        "{removed_pdf:?}"
    );

    // A file stored before this version (no received_sha256): cleaned on the way out.
    {
        use concours::clock::Clock;
        let legacy = jpeg_with(NAME);
        let attachment = concours::store::ideas::Attachment {
            id: concours::store::new_id(),
            idea_id: idea.clone(),
            filename: "old.jpg".into(),
            content_type: "image/jpeg".into(),
            size: legacy.len() as i64,
            sha256: hex::encode(Sha256::digest(&legacy)),
            created_at: concours::store::to_db(app.clock.now() + Duration::seconds(1)),
            received_sha256: None,
        };
        concours::store::ideas::insert_attachment(&mut app.conn(), &attachment, &legacy).unwrap();
    }
    let files = [files.as_slice(), &[("old.jpg", Vec::new(), "image/jpeg")]].concat();

    // Judging: the juror and the organiser read every file.
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    let jo = app.login("jo@jury.example").await;
    let owner = app.login("owner@acme.example").await;
    let entries = app
        .get(
            &format!("/api/v1/contests/{contest}/jury/entries"),
            Some(&jo),
        )
        .await
        .expect(200)
        .json();
    let entry = &entries["entries"][0];
    let attachments = entry["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), files.len() + 1, "{entry}");
    for (i, (_, _, content_type)) in files.iter().enumerate() {
        // The one uploaded to check the codes came fifth.
        let i = if i == 4 { 5 } else { i };
        let url = attachments[i]["url"].as_str().unwrap();
        let bytes = bytes_of(app, &jo, url).await;
        assert_clean(&bytes, content_type);
    }
    let as_owner = app
        .get(&format!("/api/v1/ideas/{idea}"), Some(&owner))
        .await
        .expect(200)
        .json();
    let listed = as_owner["attachments"].as_array().unwrap();
    for (i, (_, _, content_type)) in files.iter().enumerate() {
        let i = if i == 4 { 5 } else { i };
        assert_eq!(
            listed[i]["received_sha256"],
            Value::Null,
            "blind: no handle"
        );
        let id = listed[i]["id"].as_str().unwrap();
        let bytes = bytes_of(app, &owner, &format!("/api/v1/attachments/{id}")).await;
        assert_clean(&bytes, content_type);
    }
    assert!(!as_owner.to_string().contains("Secretname"), "{as_owner}");
}

/// A file that starts like a PDF, PNG or JPEG but cannot be read as one (or an encrypted PDF)
/// would be passed on with whatever it carries: it is refused at upload with 422, and nothing
/// is stored. Text is stored as it is.
async fn files_that_cannot_be_cleaned_are_refused_with_422(app: &TestApp) {
    let contest = crate::helpers::opened(app).await.contest;
    app.advance(Duration::days(1));
    let inno = app.person("inno@example.org", "Inno").await.token;
    let idea = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inno),
            json!({"title": "T", "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A PDF that says it is encrypted (its strings, the metadata among them, unreadable).
    let mut locked = pdf_document(None);
    let encrypt = locked.add_object(dictionary! {
        "Filter" => "Standard", "V" => 1, "R" => 2, "P" => -4,
        "O" => Object::string_literal(vec![0u8; 32]), "U" => Object::string_literal(vec![0u8; 32]),
    });
    locked.trailer.set("Encrypt", encrypt);
    let mut encrypted = Vec::new();
    locked.save_to(&mut encrypted).unwrap();
    let mut truncated_png = png_with(NAME);
    truncated_png.truncate(40);
    for (name, bytes) in [
        (
            "corrupt.pdf",
            format!("%PDF-1.4 /Author ({NAME})").into_bytes(),
        ),
        ("locked.pdf", encrypted),
        // A JPEG behind another filter cannot be checked: refused, not passed on.
        (
            "chained.pdf",
            pdf_with_image_filters(&["FlateDecode", "DCTDecode"]),
        ),
        ("cut.png", truncated_png),
        ("bad.jpg", vec![0xFF, 0xD8, 0xFF]),
        (
            "bad2.jpg",
            [&[0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x10][..], NAME.as_bytes()].concat(),
        ),
    ] {
        let answer = upload(app, &inno, &idea, name, bytes)
            .await
            .expect_error(422, "validation_failed");
        assert_eq!(
            answer.json()["error"]["fields"][0]["path"],
            "file",
            "{name}"
        );
    }
    let listed = app
        .get(&format!("/api/v1/ideas/{idea}"), Some(&inno))
        .await
        .json();
    assert_eq!(listed["attachments"], json!([]));
    let text = upload(app, &inno, &idea, "notes.txt", b"Notes.\n".to_vec())
        .await
        .expect(201)
        .json();
    assert_eq!(text["sha256"], text["received_sha256"]);
    assert_eq!(text["metadata_removed"], json!([]));
    upload(app, &inno, &idea, "clean.jpg", TINY_JPEG.to_vec())
        .await
        .expect(201);
    let png = upload(app, &inno, &idea, "clean.png", tiny_png())
        .await
        .expect(201)
        .json();
    assert_eq!(png["sha256"], png["received_sha256"], "nothing to remove");
}

/// Sends the head of an upload announcing `length` bytes and a small prefix of the body, then
/// waits for the answer without sending the rest: the status line, or `None` if the server
/// waits for the body.
async fn answer_before_body(
    app: &TestApp,
    path: &str,
    auth: &str,
    length: usize,
) -> Option<String> {
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: concours.test\r\n{auth}\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {length}\r\n\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buffer = vec![0u8; 4096];
    match tokio::time::timeout(StdDuration::from_secs(5), stream.read(&mut buffer)).await {
        Ok(Ok(n)) if n > 0 => {
            let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
            text.lines().next().map(str::to_owned)
        }
        _ => None,
    }
}

/// The attack of issue 16.14: any account starts uploads of megabytes to someone else's idea
/// (or to its own closed one). The answer arrives while the client has sent only a few bytes
/// of the body it announced: nothing is buffered for a request that will be refused.
async fn a_strangers_upload_is_refused_before_its_body_is_read(app: &TestApp) {
    let contest = crate::helpers::opened(app).await.contest;
    app.advance(Duration::days(1));
    let victim = app.person("victim@example.org", "Victim").await.token;
    let stranger = app.person("stranger@example.org", "Stranger").await.token;
    let idea = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&victim),
            json!({"title": "T", "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = format!("/api/v1/ideas/{idea}/attachments");
    let bearer = format!("Authorization: Bearer {stranger}");
    let status = answer_before_body(app, &api, &bearer, 5_000_000).await;
    assert_eq!(status.as_deref(), Some("HTTP/1.1 404 Not Found"));
    // The page form likewise: the idea page says there is no such idea.
    let cookie = format!("Cookie: concours_session={stranger}");
    let status = answer_before_body(
        app,
        &format!("/ideas/{idea}/attachments"),
        &cookie,
        5_000_000,
    )
    .await;
    assert!(
        status
            .as_deref()
            .is_some_and(|s| s.starts_with("HTTP/1.1 404")),
        "{status:?}"
    );
    // Its own idea once submissions closed: refused before the body too.
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    let victim = app.login("victim@example.org").await;
    let bearer = format!("Authorization: Bearer {victim}");
    let status = answer_before_body(app, &api, &bearer, 5_000_000).await;
    assert_eq!(status.as_deref(), Some("HTTP/1.1 409 Conflict"));
    // Nothing was stored, and the server still answers.
    let listed = app
        .request(
            Method::GET,
            &format!("/api/v1/ideas/{idea}"),
            Some(&victim),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(listed["attachments"], json!([]));
}
