//! A brand's talent pool and its invitations to a new contest (members only).

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, get, post, web};

use crate::app::AppError;
use crate::app::talent::{self, Invitations, Invited, TalentFilter, TalentPool};
use crate::web::AppState;
use crate::web::auth::SignedIn;
use crate::web::error::ErrorBody;
use crate::web::json::Json;

/// The people who took part in the organisation's finished contests, with their best rank and
/// score (names only, never an email); members of the organisation.
#[utoipa::path(tag = "talent", security(("bearer" = [])),
    params(("id" = String, Path), TalentFilter),
    responses((status = 200, body = TalentPool), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/organizations/{id}/talent")]
pub async fn pool(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    filter: web::Query<TalentFilter>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let pool = state
        .run(move |_, conn| talent::pool(conn, &actor, &id, &filter))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "private, no-store"))
        .json(pool))
}

/// Invites people of the organisation's talent pool to this contest, by mail, once each;
/// people who turned brand news off are not mailed. Members, while the contest is open for
/// ideas or about to open (409 `invalid_phase` otherwise); 422 for someone not in the pool.
#[utoipa::path(tag = "talent", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = Invitations,
    responses((status = 200, body = Invited), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[post("/contests/{id}/invitations")]
pub async fn invite(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<Invitations>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let outcome = state
        .run(move |ctx, conn| talent::invite(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(outcome))
}
