//! Award and results (API.md, Award and results).

use actix_web::{HttpResponse, get, post, web};

use crate::app::AppError;
use crate::app::award::{self, PaidRequest, PaidView, Results, Trigger};
use crate::web::AppState;
use crate::web::auth::{Caller, SignedIn};
use crate::web::error::ErrorBody;
use crate::web::json::Json;

/// Awards the contest early: members, in judging, when every assigned sheet is complete.
#[utoipa::path(tag = "award", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Results), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "invalid_phase or already_awarded")))]
#[post("/contests/{id}/award")]
pub async fn award_now(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let published = state
        .run(move |ctx, conn| award::award(ctx, conn, &actor, &id, Trigger::Manual))
        .await?;
    Ok(HttpResponse::Ok().json(published))
}

/// The results: ranking, payouts and the hashes to verify them; once awarded.
#[utoipa::path(tag = "award", params(("id" = String, Path)),
    responses((status = 200, body = Results), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "invalid_phase")))]
#[get("/contests/{id}/results")]
pub async fn results(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let published = state
        .run(move |_, conn| award::results(conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok().json(published))
}

/// The anonymised score sheet (entries, jurors as numbers, every score, the rules), byte for
/// byte: its SHA-256 is the results' `scoresheet_hash`.
#[utoipa::path(tag = "award", params(("id" = String, Path)),
    responses((status = 200, description = "canonical JSON", content_type = "application/json"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[get("/contests/{id}/scoresheet")]
pub async fn scoresheet(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let text = state
        .run(move |_, conn| award::scoresheet_text(conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(text))
}

/// Records that a payout was transferred; platform admins only.
#[utoipa::path(tag = "award", security(("bearer" = [])), params(("id" = String, Path)), request_body = PaidRequest,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 200, body = PaidView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "already_paid"),
        (status = 422, body = ErrorBody)))]
#[post("/admin/payouts/{id}/paid")]
pub async fn mark_paid(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<PaidRequest>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let paid = state
        .run(move |ctx, conn| award::mark_paid(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(paid))
}
