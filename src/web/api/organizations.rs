//! Organisations (API.md, Organisations).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Serialize;

use crate::app::AppError;
use crate::app::organizations::{
    self, MemberView, NewMember, NewOrganization, OrganizationDetails, OrganizationView,
};
use crate::web::auth::SignedIn;
use crate::web::error::ErrorBody;
use crate::web::{AppState, idempotency};

/// Creates an organisation; the caller becomes its owner.
#[utoipa::path(tag = "organizations", security(("bearer" = [])), request_body = NewOrganization,
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 201, body = OrganizationView), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[post("/organizations")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed_in: SignedIn,
    body: web::Json<NewOrganization>,
) -> Result<HttpResponse, AppError> {
    let input = body.into_inner();
    let fingerprint = idempotency::fingerprint(&input);
    let actor = signed_in.actor();
    let run = state.run(move |ctx, conn| organizations::create(ctx, conn, &actor, input));
    idempotency::created(&state, &req, &signed_in, fingerprint, run).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationList {
    pub organizations: Vec<OrganizationView>,
}

/// The organisations the caller belongs to, with the caller's role.
#[utoipa::path(tag = "organizations", security(("bearer" = [])),
    responses((status = 200, body = OrganizationList), (status = 401, body = ErrorBody)))]
#[get("/organizations")]
pub async fn list_mine(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let list = state
        .run(move |_, conn| organizations::mine(conn, &actor))
        .await?;
    Ok(HttpResponse::Ok().json(OrganizationList {
        organizations: list,
    }))
}

/// An organisation and its members; members and admins only.
#[utoipa::path(tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "organisation id")),
    responses((status = 200, body = OrganizationDetails), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
#[get("/organizations/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let details = state
        .run(move |_, conn| organizations::show(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(details))
}

/// Adds an existing account as a member (or owner); owners only.
#[utoipa::path(tag = "organizations", security(("bearer" = [])), request_body = NewMember,
    params(("id" = String, Path, description = "organisation id")),
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 201, body = MemberView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already_member"),
        (status = 422, body = ErrorBody)))]
#[post("/organizations/{id}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: web::Json<NewMember>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let member = state
        .run(move |ctx, conn| organizations::add_member(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Created().json(member))
}
