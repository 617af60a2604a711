//! The jury (API.md, Jury) and disqualification.

use actix_web::http::header::{
    CACHE_CONTROL, ContentDisposition, DispositionParam, DispositionType,
};
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Serialize;

use crate::app::AppError;
use crate::app::ideas::IdeaView;
use crate::app::jury::{
    self, ConflictDeclaration, Disqualification, JurorProgress, JurorView, JuryEntries, JuryEntry,
    JurySettings, NewJuror, Reminded, RosterEntry, ScoreSheet,
};
use crate::web::auth::{Caller, SignedIn};
use crate::web::error::ErrorBody;
use crate::web::json::Json;
use crate::web::{AppState, idempotency};

/// Invites a juror by email; the invitation is mailed with a single-use link.
#[utoipa::path(tag = "jury", security(("bearer" = [])), params(("id" = String, Path)), request_body = NewJuror,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 201, body = JurorView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "already_invited, judging_closed or organizer_on_jury"),
        (status = 422, body = ErrorBody)))]
#[post("/contests/{id}/jurors")]
pub async fn invite(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<NewJuror>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    let fingerprint = idempotency::fingerprint(&input);
    let actor = signed_in.actor();
    let run = state.run(move |ctx, conn| jury::invite(ctx, conn, &actor, &id, input));
    idempotency::created(&state, &req, &signed_in, fingerprint, run).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JurorList {
    pub jurors: Vec<JurorView>,
}

/// The invitations and their status; members only.
#[utoipa::path(tag = "jury", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = JurorList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
#[get("/contests/{id}/jurors")]
pub async fn list(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let jurors = state
        .run(move |_, conn| jury::list(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(JurorList { jurors }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Roster {
    pub jurors: Vec<RosterEntry>,
}

/// The public jury roster: names of the jurors who accepted.
#[utoipa::path(tag = "jury", params(("id" = String, Path)),
    responses((status = 200, body = Roster), (status = 404, body = ErrorBody)))]
#[get("/contests/{id}/jury")]
pub async fn roster(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let jurors = state
        .run(move |_, conn| jury::roster(conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok().json(Roster { jurors }))
}

/// Accepts a jury invitation, as the invited (verified) person.
#[utoipa::path(tag = "jury", security(("bearer" = [])), params(("token" = String, Path)),
    responses((status = 200, body = JurorView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "token_expired or organizer_on_jury")))]
#[post("/jury-invitations/{token}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let juror = state
        .run(move |ctx, conn| jury::accept(ctx, conn, &actor, &token))
        .await?;
    Ok(HttpResponse::Ok().json(juror))
}

/// How many jurors score each entry; before judging starts.
#[utoipa::path(tag = "jury", security(("bearer" = [])), params(("id" = String, Path)), request_body = JurySettings,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 200, body = JurySettings), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/contests/{id}/jury/settings")]
pub async fn configure(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<JurySettings>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let settings = state
        .run(move |ctx, conn| jury::configure(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(settings))
}

/// The caller's entries as a juror, blind, with their own scores and progress.
#[utoipa::path(tag = "jury", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = JuryEntries), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "invalid_phase")))]
#[get("/contests/{id}/jury/entries")]
pub async fn entries(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let entries = state
        .run(move |ctx, conn| jury::entries(ctx, conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(entries))
}

/// Saves the caller's score sheet for an entry (revisable until the judging deadline).
#[utoipa::path(tag = "jury", security(("bearer" = [])),
    params(("id" = String, Path), ("entry_id" = String, Path)), request_body = ScoreSheet,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 200, body = JuryEntry), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "not_found: not on the list, or in conflict (the same answer)"),
        (status = 409, body = ErrorBody, description = "judging_closed"), (status = 422, body = ErrorBody)))]
#[put("/contests/{id}/jury/entries/{entry_id}/scores")]
pub async fn save_scores(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<(String, String)>,
    body: Json<ScoreSheet>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let (id, entry) = path.into_inner();
    let saved = state
        .run(move |ctx, conn| jury::save_scores(ctx, conn, &actor, &id, &entry, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConflictRecorded {
    pub entry_id: String,
    pub conflict: bool,
}

/// Declares a conflict of interest: the entry leaves the caller's list.
#[utoipa::path(tag = "jury", security(("bearer" = [])),
    params(("id" = String, Path), ("entry_id" = String, Path)), request_body = ConflictDeclaration,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 200, body = ConflictRecorded), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/contests/{id}/jury/entries/{entry_id}/conflict")]
pub async fn declare_conflict(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<(String, String)>,
    body: Json<ConflictDeclaration>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let (id, entry) = path.into_inner();
    let entry_id = entry.clone();
    state
        .run(move |ctx, conn| {
            jury::declare_conflict(ctx, conn, &actor, &id, &entry, body.into_inner())
        })
        .await?;
    Ok(HttpResponse::Ok().json(ConflictRecorded {
        entry_id,
        conflict: true,
    }))
}

/// An attachment of one of the caller's entries, by its number (the author's file name is
/// not shown).
#[utoipa::path(tag = "jury", security(("bearer" = [])),
    params(("id" = String, Path), ("entry_id" = String, Path), ("number" = usize, Path)),
    responses((status = 200, description = "the file"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "invalid_phase before judging; judging_closed once awarded")))]
#[get("/contests/{id}/jury/entries/{entry_id}/attachments/{number}")]
pub async fn attachment(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<(String, String, usize)>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let (id, entry, number) = path.into_inner();
    let (content_type, bytes) = state
        .run(move |ctx, conn| jury::attachment(conn, ctx, &actor, &id, &entry, number))
        .await?;
    let extension = match content_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        _ => "txt",
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(format!(
                "attachment-{number}.{extension}"
            ))],
        })
        .insert_header((CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgressList {
    pub jurors: Vec<JurorProgress>,
}

/// Per juror, entries scored of entries assigned; members only.
#[utoipa::path(tag = "jury", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ProgressList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
#[get("/contests/{id}/jury/progress")]
pub async fn progress(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let jurors = state
        .run(move |_, conn| jury::progress(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(ProgressList { jurors }))
}

/// Reminds the jurors who have entries left to score; members, during judging.
#[utoipa::path(tag = "jury", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Reminded), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/contests/{id}/jury/remind")]
pub async fn remind(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let reminded = state
        .run(move |ctx, conn| jury::remind(ctx, conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(reminded))
}

/// Disqualifies an entry during judging, with a reason the author receives.
#[utoipa::path(tag = "ideas", security(("bearer" = [])), params(("id" = String, Path)), request_body = Disqualification,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 200, body = IdeaView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/ideas/{id}/disqualify")]
pub async fn disqualify(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<Disqualification>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let idea = state
        .run(move |ctx, conn| jury::disqualify(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(idea))
}
