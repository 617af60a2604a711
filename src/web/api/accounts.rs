//! Accounts: register, verify, sign in and out, `/me` (API.md, Accounts).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::app::AppError;
use crate::app::accounts::{
    self, AccountView, Credentials, Registration, SignedIn as SignedInBody,
};
use crate::web::AppState;
use crate::web::auth::{SignedIn, client_ip};
use crate::web::error::ErrorBody;
use crate::web::json::Json;

/// Creates an account and emails a verification link.
#[utoipa::path(tag = "accounts", request_body = Registration, responses(
    (status = 201, body = AccountView),
    (status = 400, body = ErrorBody), (status = 409, body = ErrorBody, description = "email_taken"),
    (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "rate_limited")
))]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<Registration>,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    let account = state
        .run_staged(
            move |ctx, conn| accounts::register_from(ctx, conn, body.into_inner(), &ip),
            accounts::finish_registration,
        )
        .await?;
    Ok(HttpResponse::Created().json(account))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The token from the emailed link.
    pub token: String,
}

/// Verifies an email address with the token from the emailed link.
#[utoipa::path(tag = "accounts", request_body = VerifyRequest, responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),
    (status = 200, body = AccountView),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "token_expired")
))]
#[post("/auth/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    body: Json<VerifyRequest>,
) -> Result<HttpResponse, AppError> {
    let account = state
        .run(move |ctx, conn| accounts::verify_email(ctx, conn, &body.token))
        .await?;
    Ok(HttpResponse::Ok().json(account))
}

/// Sends a new verification link to the signed-in person.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 202, description = "A new link is on its way"),
    (status = 401, body = ErrorBody), (status = 409, body = ErrorBody, description = "already_verified"),
    (status = 429, body = ErrorBody, description = "rate_limited: auth.mail_requests_max per account and per address")
))]
#[post("/auth/verify/resend")]
pub async fn resend_verification(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    state
        .run(move |ctx, conn| accounts::resend_verification(ctx, conn, &signed_in.0))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Signs in; failed attempts are rate limited per address, per account and address, and (with
/// a short, growing delay, for addresses the account never signed in from) per account (429
/// with Retry-After).
#[utoipa::path(tag = "accounts", request_body = Credentials, responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),
    (status = 200, body = SignedInBody),
    (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)
))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<Credentials>,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    let signed_in = state
        .run_staged(
            move |ctx, conn| accounts::stage_login(ctx, conn, body.into_inner(), &ip),
            accounts::finish_login,
        )
        .await?;
    Ok(HttpResponse::Ok().json(signed_in))
}

/// Signs out: the token stops working.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody)
))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    state
        .run(move |_, conn| accounts::logout(conn, &signed_in.0))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in account.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, body = AccountView), (status = 401, body = ErrorBody)
))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, signed_in: SignedIn) -> Result<HttpResponse, AppError> {
    let account = state
        .run(move |_, conn| accounts::me(conn, &signed_in.0))
        .await?;
    Ok(HttpResponse::Ok().json(account))
}
