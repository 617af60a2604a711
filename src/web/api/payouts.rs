//! A payee's payouts and the details they are paid to (API addition, issue 19; API.md).

use actix_web::{HttpResponse, get, put, web};

use crate::app::AppError;
use crate::app::payout_details::{self, GivenDetails, MyPayout, MyPayouts};
use crate::web::AppState;
use crate::web::auth::SignedIn;
use crate::web::error::ErrorBody;

/// The signed-in person's payouts (of the ideas they wrote), due and paid, with the details
/// they gave: only they (and admins, when paying) read them.
#[utoipa::path(tag = "award", security(("bearer" = [])), responses(
    (status = 200, body = MyPayouts), (status = 401, body = ErrorBody)))]
#[get("/me/payouts")]
pub async fn mine(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let list = state
        .run(move |ctx, conn| payout_details::mine(ctx, conn, &actor))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The payee gives (or replaces) where a due payout of theirs is sent: an IBAN (checked with
/// MOD 97) or other instructions. Stored encrypted; anyone but the payee gets 404.
#[utoipa::path(tag = "award", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = GivenDetails, responses((status = 200, body = MyPayout),
        (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already_paid"),
        (status = 422, body = ErrorBody, description = "validation_failed: `kind`, `iban` or `other`")))]
#[put("/me/payouts/{id}/details")]
pub async fn give_details(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: web::Json<GivenDetails>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let payout = state
        .run(move |ctx, conn| payout_details::give(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(payout))
}
