//! People's pages and their data.

use actix_web::http::header::{
    CACHE_CONTROL, ContentDisposition, DispositionParam, DispositionType,
};
use actix_web::{HttpRequest, HttpResponse, delete, get, put, web};

use crate::app::AppError;
use crate::app::profiles::{self, DeleteAccount, ProfileInput, ProfileView};
use crate::web::AppState;
use crate::web::auth::{Caller, SignedIn, client_ip};
use crate::web::error::ErrorBody;
use crate::web::json::Json;

/// One's own page, as others would see it if it were public.
#[utoipa::path(tag = "people", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 401, body = ErrorBody)))]
#[get("/me/profile")]
pub async fn mine(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let profile = state
        .run(move |_, conn| profiles::mine(conn, &actor))
        .await?;
    Ok(HttpResponse::Ok().json(profile))
}

/// Sets one's page: `public` (private by default), a plain-text `bio` (≤ 1,000 characters),
/// up to 5 `links` (http or https).
#[utoipa::path(tag = "people", security(("bearer" = [])), request_body = ProfileInput,
    responses((status = 200, body = ProfileView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/me/profile")]
pub async fn update(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    body: Json<ProfileInput>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let profile = state
        .run(move |ctx, conn| profiles::update(ctx, conn, &actor, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(profile))
}

/// A person's public page: their name, bio, links and results in finished contests; 404
/// unless they made it public (or it is the caller's own).
#[utoipa::path(tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = ProfileView), (status = 404, body = ErrorBody)))]
#[get("/people/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let profile = state
        .run(move |_, conn| profiles::show(conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok().json(profile))
}

/// Everything Concours holds about the caller (account, preferences, follows, organisations,
/// page, ideas with every revision, jury work), as a JSON download.
#[utoipa::path(tag = "people", security(("bearer" = [])),
    responses((status = 200, description = "JSON", content_type = "application/json"),
        (status = 401, body = ErrorBody)))]
#[get("/me/export")]
pub async fn export(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let data = state
        .run(move |ctx, conn| profiles::export(ctx, conn, &actor))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename("concours-my-data.json".into())],
        })
        .insert_header((CACHE_CONTROL, "private, no-store"))
        .json(data))
}

/// Deletes one's account, confirmed with its password (422 otherwise, answered before anything
/// else; wrong passwords count in the sign-in limits, 429 past them). 409
/// `organization_member` while one belongs to an organisation, 409 `active_juror` while one sits
/// on the jury of a contest not yet awarded. Ideas still in a contest taking ideas are
/// withdrawn, ideas never submitted erased; ideas in judged or finished contests stay, under
/// "former participant". Every session of the account stops working.
#[utoipa::path(tag = "people", security(("bearer" = [])), request_body = DeleteAccount,
    responses((status = 204, description = "deleted"), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "rate_limited: too many wrong passwords")))]
#[delete("/me")]
pub async fn delete_account(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed_in: SignedIn,
    body: Json<DeleteAccount>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let staged_actor = actor.clone();
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    state
        .run_staged(
            move |ctx, conn| {
                profiles::stage_deletion(ctx, conn, &staged_actor, body.into_inner(), &ip)
            },
            move |ctx, conn, pending, outcome| {
                profiles::finish_deletion(ctx, conn, &actor, pending, outcome)
            },
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
