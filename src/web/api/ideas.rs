//! Ideas and attachments (API.md, Ideas).

use actix_multipart::Multipart;
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, Charset, ContentDisposition, DispositionParam, DispositionType,
    ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use futures_util::StreamExt;
use serde::Serialize;

use crate::app::AppError;
use crate::app::ideas::{
    self, AttachmentView, IdeaContent, IdeaView, NewIdea, SubmitDraft, Upload,
};
use crate::web::auth::{Caller, SignedIn};
use crate::web::error::ErrorBody;
use crate::web::json::Json;
use crate::web::{AppState, idempotency};

/// Submits an idea (or saves a draft with `draft: true`).
#[utoipa::path(tag = "ideas", security(("bearer" = [])), params(("id" = String, Path, description = "contest id")),
    request_body = NewIdea,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 201, body = IdeaView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "email_not_verified"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "submission_closed or entry_limit_reached"),
        (status = 422, body = ErrorBody)))]
#[post("/contests/{id}/ideas")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<NewIdea>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    let fingerprint = idempotency::fingerprint(&input);
    let actor = signed_in.actor();
    let run = state.run(move |ctx, conn| ideas::create(ctx, conn, &actor, &id, input));
    idempotency::created(&state, &req, &signed_in, fingerprint, run).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IdeaList {
    pub ideas: Vec<IdeaView>,
}

/// The caller's ideas in every contest.
#[utoipa::path(tag = "ideas", security(("bearer" = [])),
    responses((status = 200, body = IdeaList), (status = 401, body = ErrorBody)))]
#[get("/me/ideas")]
pub async fn mine(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let items = state
        .run(move |ctx, conn| ideas::mine(ctx, conn, &actor))
        .await?;
    Ok(HttpResponse::Ok().json(IdeaList { ideas: items }))
}

/// An idea: for its author, admins, and the organisation (never with its author's identity).
#[utoipa::path(tag = "ideas", params(("id" = String, Path)),
    responses((status = 200, body = IdeaView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/ideas/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let idea = state
        .run(move |ctx, conn| ideas::show(ctx, conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok().json(idea))
}

/// Edits an idea in the submission phase; a submitted idea gets a new receipt.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), params(("id" = String, Path)), request_body = IdeaContent,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 200, body = IdeaView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "submission_closed"), (status = 422, body = ErrorBody)))]
#[put("/ideas/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<IdeaContent>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let idea = state
        .run(move |ctx, conn| ideas::update(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(idea))
}

/// Submits a draft.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), params(("id" = String, Path)), request_body = SubmitDraft,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 200, body = IdeaView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "submission_closed, entry_limit_reached or invalid_phase"),
        (status = 422, body = ErrorBody)))]
#[post("/ideas/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<SubmitDraft>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let idea = state
        .run(move |ctx, conn| ideas::submit_draft(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(idea))
}

/// Withdraws an idea in the submission phase.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = IdeaView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "submission_closed")))]
#[delete("/ideas/{id}")]
pub async fn withdraw(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let idea = state
        .run(move |ctx, conn| ideas::withdraw(ctx, conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(idea))
}

/// Attaches one file (multipart, field `file`): PDF, PNG, JPEG or plain text, recognised by
/// content. Who may attach, the phase and the count are checked before the body is read
/// (issue 16.14). The file is stored without its metadata (issue 16.4): `sha256` and `size`
/// describe the stored file, `received_sha256` the bytes as sent, `metadata_removed` what went.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "one file, in a field named file"),
    responses((status = 201, body = AttachmentView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody, description = "unsupported_type"),
        (status = 422, body = ErrorBody, description = "validation_failed: empty, unreadable as its type, or an encrypted PDF")))]
#[post("/ideas/{id}/attachments")]
pub async fn attach(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let limit = state.ctx.settings.ideas.max_attachment_bytes as usize;
    let too_large = || AppError::TooLarge(format!("An attachment has at most {} bytes.", limit));
    // Refuse at once what announces itself as too large (a little room for the form's framing).
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit + 16 * 1024) {
        return Err(too_large());
    }
    // Whether this caller may attach to this idea now, before a byte of the body is read.
    let actor = signed_in.actor();
    {
        let (actor, id) = (actor.clone(), id.clone());
        state
            .run(move |ctx, conn| ideas::may_attach(ctx, conn, &actor, &id))
            .await?;
    }
    let unreadable = |e: actix_multipart::MultipartError| {
        AppError::BadRequest(format!(
            "Send one file as multipart/form-data in a field named file ({e})."
        ))
    };
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut upload: Option<Upload> = None;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(unreadable)?;
        if upload.is_some() {
            return Err(AppError::BadRequest("Send one file per request.".into()));
        }
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .unwrap_or("attachment")
            .to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if bytes.len() + chunk.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        upload = Some(Upload { filename, bytes });
    }
    let upload = upload
        .ok_or_else(|| AppError::BadRequest("Send one file in a field named file.".into()))?;
    if upload.bytes.is_empty() {
        return Err(AppError::field("file", "The file is empty."));
    }
    let upload = web::block(move || ideas::prepare(upload))
        .await
        .map_err(AppError::internal)??;
    let attachment = state
        .run(move |ctx, conn| ideas::attach(ctx, conn, &actor, &id, upload))
        .await?;
    Ok(HttpResponse::Created().json(attachment))
}

/// Downloads an attachment, always as a download (never shown inline), for those who may see
/// the idea.
#[utoipa::path(tag = "ideas", params(("id" = String, Path)),
    responses((status = 200, description = "the file"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "attachment_unreadable: stored before metadata removal and unreadable")))]
#[get("/attachments/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (attachment, bytes) = state
        .run(move |_, conn| ideas::download(conn, &caller.0, &id))
        .await?;
    let ascii: String = attachment
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: attachment.filename.clone().into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .content_type(attachment.content_type)
        .insert_header(disposition)
        .insert_header((CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}
