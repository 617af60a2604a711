//! A contest's figures and the organisation's exports (members only).

use actix_web::http::header::{
    CACHE_CONTROL, ContentDisposition, DispositionParam, DispositionType,
};
use actix_web::{HttpResponse, get, web};

use crate::app::AppError;
use crate::app::insight::{self, ContestStats, Export};
use crate::web::AppState;
use crate::web::auth::SignedIn;
use crate::web::error::ErrorBody;

/// Participation over time, judging progress, score distributions per criterion, and the
/// jury's calibration (per juror against the panel, z-score ranking beside the raw one,
/// Kendall's W); members of the contest's organisation.
#[utoipa::path(tag = "insight", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ContestStats), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/contests/{id}/stats")]
pub async fn stats(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let figures = state
        .run(move |ctx, conn| insight::stats(ctx, conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "private, no-store"))
        .json(figures))
}

/// CSV exports for members: `ideas.csv` (authors named once judging is no longer blind, never
/// an email), `scores.csv` (the published score sheet) and `payouts.csv` (both once awarded,
/// 409 `invalid_phase` before). Fields a spreadsheet would run as a formula start with `'`.
#[utoipa::path(tag = "insight", security(("bearer" = [])),
    params(("id" = String, Path), ("name" = String, Path, description = "`ideas.csv`, `scores.csv` or `payouts.csv`")),
    responses((status = 200, description = "CSV (RFC 4180, UTF-8)", content_type = "text/csv"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[get("/contests/{id}/exports/{name}")]
pub async fn export(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let (id, name) = path.into_inner();
    let which = Export::from_name(&name).ok_or_else(|| AppError::not_found("export"))?;
    let text = state
        .run(move |_, conn| insight::export(conn, &actor, &id, which))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        })
        .insert_header((CACHE_CONTROL, "private, no-store"))
        .body(text))
}
