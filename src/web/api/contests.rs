//! Contests, fundings, announcements and the audit log (API.md, Contests).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::Serialize;

use crate::app::AppError;
use crate::app::announcements::{self, AnnouncementView, NewAnnouncement};
use crate::app::audit::EventView;
use crate::app::contests::{self, ContestPatch, ContestView, NewContest};
use crate::app::fundings::{self, Confirmation, FundingView, NewFunding};
use crate::web::auth::{Caller, SignedIn};
use crate::web::error::ErrorBody;
use crate::web::json::Json;
use crate::web::{AppState, cache, idempotency};
use actix_web::web::Bytes;

/// Creates a draft contest in an organisation the caller belongs to.
#[utoipa::path(tag = "contests", security(("bearer" = [])), request_body = NewContest,
    responses((status = 201, body = ContestView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "every rule error at once, under fields")))]
#[post("/contests")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed_in: SignedIn,
    body: Json<NewContest>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    let fingerprint = idempotency::fingerprint(&input);
    let actor = signed_in.actor();
    let run = state.run(move |ctx, conn| contests::create(ctx, conn, &actor, input));
    idempotency::created(&state, &req, &signed_in, fingerprint, run).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContestList {
    pub contests: Vec<ContestView>,
}

/// Every opened contest, and the caller's organisations' drafts.
#[utoipa::path(tag = "contests", responses((status = 200, body = ContestList)))]
#[get("/contests")]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, AppError> {
    let items = state
        .run(move |ctx, conn| contests::list(ctx, conn, &caller.0))
        .await?;
    Ok(HttpResponse::Ok().json(ContestList { contests: items }))
}

/// A contest; drafts are visible to their organisation only. Carries an `ETag`; a matching
/// `If-None-Match` gets 304. What anonymous readers get is served from memory while it cannot
/// have changed (`web::cache`).
#[utoipa::path(tag = "contests", params(("id" = String, Path)),
    responses((status = 200, body = ContestView),
        (status = 304, description = "not modified: the `If-None-Match` names the current ETag"),
        (status = 404, body = ErrorBody)))]
#[get("/contests/{id}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    const VARY: &str = "Authorization, Cookie";
    let anonymous = matches!(caller.0, crate::app::access::Actor::Anonymous);
    let key = format!("api\n{id}");
    let now = state.ctx.now();
    if anonymous && let Some(entry) = state.public_cache.get(&key, now) {
        return Ok(cache::respond(
            &req,
            &entry.etag,
            true,
            VARY,
            "application/json",
            entry.body,
        ));
    }
    let generation = state.public_cache.generation();
    let contest = state
        .run(move |ctx, conn| contests::show(ctx, conn, &caller.0, &id))
        .await?;
    let body = Bytes::from(serde_json::to_vec(&contest).map_err(AppError::internal)?);
    let etag = if anonymous {
        state
            .public_cache
            .put(key, body.clone(), generation, now)
            .etag
    } else {
        cache::etag_of(&body)
    };
    Ok(cache::respond(
        &req,
        &etag,
        anonymous,
        VARY,
        "application/json",
        body,
    ))
}

/// Edits a draft; 409 `rules_frozen` once the contest is open.
#[utoipa::path(tag = "contests", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ContestPatch,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 200, body = ContestView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "rules_frozen; currency_locked or over_funded once escrow is confirmed"),
        (status = 422, body = ErrorBody)))]
#[patch("/contests/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<ContestPatch>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let contest = state
        .run(move |ctx, conn| contests::update(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(contest))
}

/// The canonical rules document, byte for byte; its SHA-256 (hex) is `rules_hash`.
#[utoipa::path(tag = "contests", params(("id" = String, Path)),
    responses((status = 200, description = "canonical JSON", content_type = "application/json"),
        (status = 404, body = ErrorBody)))]
#[get("/contests/{id}/rules")]
pub async fn rules(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let document = state
        .run(move |_, conn| contests::rules_text(conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(document))
}

/// Opens the contest: rules checked again, escrow checked, rules frozen under their hash.
#[utoipa::path(tag = "contests", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ContestView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "not_funded or invalid_phase"),
        (status = 422, body = ErrorBody)))]
#[post("/contests/{id}/open")]
pub async fn open(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let contest = state
        .run(move |ctx, conn| contests::open(ctx, conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(contest))
}

/// Records money sent to escrow for this contest, in the draft's currency; an admin confirms
/// it. Draft only.
#[utoipa::path(tag = "fundings", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = NewFunding,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 201, body = FundingView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "invalid_phase: the contest is open"),
        (status = 422, body = ErrorBody, description = "validation_failed, also when `currency` is not the draft's")))]
#[post("/contests/{id}/fundings")]
pub async fn record_funding(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<NewFunding>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    let fingerprint = idempotency::fingerprint(&input);
    let actor = signed_in.actor();
    let run = state.run(move |ctx, conn| fundings::record(ctx, conn, &actor, &id, input));
    idempotency::created(&state, &req, &signed_in, fingerprint, run).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FundingList {
    pub fundings: Vec<FundingView>,
}

/// The fundings of a contest; members and admins.
#[utoipa::path(tag = "fundings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = FundingList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/contests/{id}/fundings")]
pub async fn list_fundings(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let items = state
        .run(move |_, conn| fundings::of_contest(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(FundingList { fundings: items }))
}

/// Fundings awaiting confirmation; platform admins only.
#[utoipa::path(tag = "fundings", security(("bearer" = [])),
    responses((status = 200, body = FundingList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
#[get("/admin/fundings")]
pub async fn pending_fundings(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let items = state
        .run(move |_, conn| fundings::pending(conn, &actor))
        .await?;
    Ok(HttpResponse::Ok().json(FundingList { fundings: items }))
}

/// Confirms that the money arrived in escrow, in the funding's currency; platform admins only.
/// The body is optional; when it names `amount_cents` or `currency`, they must be the
/// funding's.
#[utoipa::path(tag = "fundings", security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content = Option<Confirmation>, description = "optional: what the admin checked; must match the funding"),
    responses((status = 200, body = FundingView),
        (status = 400, body = ErrorBody, description = "bad_request: malformed JSON or an unknown field"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already_confirmed, invalid_phase (the contest is open), funding_mismatch (the body names another amount or currency), currency_mismatch (the contest's currency changed), over_funded (escrow would exceed the prize pool)")))]
#[post("/admin/fundings/{id}/confirm")]
pub async fn confirm_funding(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Bytes,
) -> Result<HttpResponse, AppError> {
    let confirmation: Confirmation = if body.iter().all(u8::is_ascii_whitespace) {
        Confirmation::default()
    } else {
        // An object only: serde would also read a struct from an array (`[null, null]`).
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
        if !value.is_object() {
            return Err(AppError::BadRequest(
                "The body must be a JSON object (or empty).".into(),
            ));
        }
        serde_json::from_value(value).map_err(|e| AppError::BadRequest(e.to_string()))?
    };
    let actor = signed_in.actor();
    let funding = state
        .run(move |ctx, conn| fundings::confirm(ctx, conn, &actor, &id, confirmation))
        .await?;
    Ok(HttpResponse::Ok().json(funding))
}

/// Publishes a clarification; after opening only. It never edits the rules.
#[utoipa::path(tag = "contests", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = NewAnnouncement,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 201, body = AnnouncementView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "invalid_phase"),
        (status = 422, body = ErrorBody)))]
#[post("/contests/{id}/announcements")]
pub async fn announce(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<NewAnnouncement>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    let fingerprint = idempotency::fingerprint(&input);
    let actor = signed_in.actor();
    let run = state.run(move |ctx, conn| announcements::publish(ctx, conn, &actor, &id, input));
    idempotency::created(&state, &req, &signed_in, fingerprint, run).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnnouncementList {
    pub announcements: Vec<AnnouncementView>,
}

/// A contest's announcements, oldest first.
#[utoipa::path(tag = "contests", params(("id" = String, Path)),
    responses((status = 200, body = AnnouncementList), (status = 404, body = ErrorBody)))]
#[get("/contests/{id}/announcements")]
pub async fn list_announcements(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let items = state
        .run(move |_, conn| announcements::list(conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok().json(AnnouncementList {
        announcements: items,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditLog {
    pub events: Vec<EventView>,
}

/// The contest's audit log: a hash chain anyone can check.
#[utoipa::path(tag = "contests", params(("id" = String, Path)),
    responses((status = 200, body = AuditLog), (status = 404, body = ErrorBody)))]
#[get("/contests/{id}/audit")]
pub async fn audit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let events = state
        .run(move |_, conn| announcements::audit_log(conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok().json(AuditLog { events }))
}
