//! Reading the submission form, which comes multipart when it carries files (and urlencoded
//! from older pages and clients): its CSRF field, its text fields and its files, each within
//! its limit. A malformed body is a refusal shown on the form (4xx), never a 500.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;

use crate::app::AppError;
use crate::app::ideas::Upload;

/// The most a text field of the form may weigh (the body's 50,000 characters, 4 bytes each,
/// with room to spare).
const TEXT_LIMIT: usize = 256 * 1024;

/// A posted submission form: its fields by name, and the files chosen (empty file inputs are
/// left out).
#[derive(Debug, Default)]
pub(crate) struct Posted {
    pub fields: BTreeMap<String, String>,
    pub files: Vec<Upload>,
}

impl Posted {
    pub fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Reads the form, with at most `max_files` files of at most `file_limit` bytes each.
pub(crate) async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    file_limit: usize,
    max_files: usize,
) -> Result<Posted, AppError> {
    let multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let mut payload = payload.into_inner();
        let form = web::Form::<BTreeMap<String, String>>::from_request(req, &mut payload)
            .await
            .map_err(|_| AppError::BadRequest("This form could not be read.".into()))?;
        return Ok(Posted {
            fields: form.into_inner(),
            files: Vec::new(),
        });
    }
    let too_large = || {
        AppError::TooLarge(format!(
            "An idea has at most {max_files} attachments of at most {file_limit} bytes each."
        ))
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let total = file_limit.saturating_mul(max_files) + 4 * TEXT_LIMIT;
    if declared.is_some_and(|n| n > total) {
        return Err(too_large());
    }
    let unreadable = |_| AppError::field("file", "This form could not be read; send it again.");
    let mut parts = Multipart::new(req.headers(), payload);
    let mut posted = Posted::default();
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(unreadable)?;
        let name = part.name().unwrap_or_default().to_owned();
        let filename = part
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_owned);
        let is_file = name == "file" || name == "files";
        let cap = if is_file { file_limit } else { TEXT_LIMIT };
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if bytes.len() + chunk.len() > cap {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            // A file input left empty still sends a part, with no name and no bytes.
            if bytes.is_empty() {
                continue;
            }
            if posted.files.len() >= max_files {
                return Err(too_large());
            }
            posted.files.push(Upload {
                filename: filename.unwrap_or_else(|| "attachment".into()),
                bytes,
            });
        } else if posted.fields.len() < 16 {
            let text = String::from_utf8(bytes)
                .map_err(|_| AppError::BadRequest("This form could not be read.".into()))?;
            posted.fields.entry(name).or_insert(text);
        }
    }
    Ok(posted)
}
