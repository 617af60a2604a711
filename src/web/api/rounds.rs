//! The rounds of a contest (API.md, Judging structure).

use actix_web::{HttpResponse, get, web};

use crate::app::AppError;
use crate::app::rounds::{self, RoundsView};
use crate::web::AppState;
use crate::web::auth::Caller;
use crate::web::error::ErrorBody;

/// Every round of an opened contest in order, the final one (`final`) last: its end, its
/// status and, once closed, who advanced.
#[utoipa::path(tag = "jury", params(("id" = String, Path)),
    responses((status = 200, body = RoundsView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "invalid_phase: not opened yet")))]
#[get("/contests/{id}/rounds")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let view = state
        .run(move |ctx, conn| rounds::rounds(ctx, conn, &caller.0, &id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
