//! Notifications: preferences, following a brand, password reset (API additions; README).

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};

use crate::app::AppError;
use crate::app::notifications::{self, Followed, PreferencesView};
use crate::web::AppState;
use crate::web::auth::{SignedIn, client_ip};
use crate::web::error::ErrorBody;
use crate::web::json::Json;

/// What mail the signed-in person receives besides account and payout mail (always sent).
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = PreferencesView), (status = 401, body = ErrorBody)))]
#[get("/me/preferences")]
pub async fn preferences(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let view = state
        .run(move |_, conn| notifications::preferences(conn, &actor))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes them; queued mail of a kind turned off is not sent.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = PreferencesView,
    responses((status = 200, body = PreferencesView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
#[put("/me/preferences")]
pub async fn update_preferences(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    body: Json<PreferencesView>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let view = state
        .run(move |ctx, conn| {
            notifications::update_preferences(ctx, conn, &actor, body.into_inner())
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FollowingList {
    pub following: Vec<Followed>,
}

/// The brands the signed-in person follows.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = FollowingList), (status = 401, body = ErrorBody)))]
#[get("/me/following")]
pub async fn list_following(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let list = state
        .run(move |_, conn| notifications::following(conn, &actor))
        .await?;
    Ok(HttpResponse::Ok().json(FollowingList { following: list }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FollowState {
    pub following: bool,
}

/// Follows a brand: its next contests are announced by mail. Opt-in, undone by DELETE.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "organisation id")),
    responses((status = 200, body = FollowState), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
#[post("/organizations/{id}/follow")]
pub async fn follow(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let following = state
        .run(move |ctx, conn| notifications::follow(ctx, conn, &actor, &id, true))
        .await?;
    Ok(HttpResponse::Ok().json(FollowState { following }))
}

/// Stops following a brand.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "organisation id")),
    responses((status = 200, body = FollowState), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
#[delete("/organizations/{id}/follow")]
pub async fn unfollow(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let following = state
        .run(move |ctx, conn| notifications::follow(ctx, conn, &actor, &id, false))
        .await?;
    Ok(HttpResponse::Ok().json(FollowState { following }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

/// Mails a password reset link to the address, if it has an account. The answer is the same
/// either way, so that nobody learns who has an account.
#[utoipa::path(tag = "accounts", request_body = ResetRequest, responses(
    (status = 202, description = "If the address has an account, a link is on its way"),
    (status = 400, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody)))]
#[post("/auth/password-reset")]
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<ResetRequest>,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    state
        .run(move |ctx, conn| notifications::request_password_reset(ctx, conn, &body.email, &ip))
        .await?;
    Ok(HttpResponse::Accepted().json(serde_json::json!({})))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirm {
    /// The token from the emailed link.
    pub token: String,
    pub password: String,
}

/// Sets a new password with the emailed link's token (once). Every earlier session and every
/// other outstanding reset link of the account stop working. The token is checked before the
/// password is hashed; an address presenting too many invalid tokens is answered 429.
#[utoipa::path(tag = "accounts", request_body = ResetConfirm, responses(
    (status = 200, description = "The password is changed"),
    (status = 400, body = ErrorBody), (status = 409, body = ErrorBody, description = "invalid_token"),
    (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<ResetConfirm>,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    state
        .run_staged(
            move |ctx, conn| {
                notifications::stage_reset(ctx, conn, &body.token, &body.password, &ip)
            },
            notifications::finish_reset,
        )
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}
