//! Published ideas and the marks people give them, beside the jury's ranking.

use actix_web::{HttpResponse, delete, get, post, web};

use crate::app::AppError;
use crate::app::appreciation::{self, Appreciation, PublicIdeas};
use crate::web::AppState;
use crate::web::auth::{Caller, SignedIn};
use crate::web::error::ErrorBody;

/// The ideas of an awarded contest whose rules publish them, in the jury's order, with the
/// marks people gave them (never mixed into the ranking); 409 `not_public` otherwise.
#[utoipa::path(tag = "appreciation", params(("id" = String, Path)),
    responses((status = 200, body = PublicIdeas), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
#[get("/contests/{id}/public-ideas")]
pub async fn public_ideas(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let ideas = state
        .run(move |_, conn| appreciation::public_ideas(conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok().json(ideas))
}

/// Marks a published idea one likes (idempotent): signed in, verified, not its author (403).
#[utoipa::path(tag = "appreciation", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Appreciation), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
#[post("/ideas/{id}/appreciation")]
pub async fn mark(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_mark(state, signed_in, id.into_inner(), true).await
}

/// Takes one's mark back (idempotent).
#[utoipa::path(tag = "appreciation", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Appreciation), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
#[delete("/ideas/{id}/appreciation")]
pub async fn unmark(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_mark(state, signed_in, id.into_inner(), false).await
}

async fn set_mark(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: String,
    on: bool,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let done = state
        .run(move |ctx, conn| appreciation::mark(ctx, conn, &actor, &id, on))
        .await?;
    Ok(HttpResponse::Ok().json(done))
}
