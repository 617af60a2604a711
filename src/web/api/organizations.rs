//! Organisations (API.md, Organisations).

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::Serialize;

use crate::app::AppError;
use crate::app::memberships::{self, InvitationSent, NewOwner};
use crate::app::organizations::{
    self, MemberView, NewMember, NewOrganization, OrganizationDetails, OrganizationView,
};
use crate::web::auth::SignedIn;
use crate::web::error::ErrorBody;
use crate::web::json::Json;
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
    body: Json<NewOrganization>,
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

/// Deletes an organisation that never held a contest; owners only. Its memberships,
/// invitations and followers go with it; one that held a contest stays (409 has_contests).
#[utoipa::path(tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "organisation id")),
    responses((status = 204), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "a member who is not an owner"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "has_contests")))]
#[delete("/organizations/{id}")]
pub async fn delete_organization(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    state
        .run(move |_, conn| organizations::delete(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Invites an address to join as a member (or owner); owners with a verified address only.
/// The answer is the same whether or not the address has an account: the invitee accepts
/// from the mailed link (`POST /organization-invitations/{token}/accept`).
#[utoipa::path(tag = "organizations", security(("bearer" = [])), request_body = NewMember,
    params(("id" = String, Path, description = "organisation id")),
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),(status = 201, body = InvitationSent), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "forbidden (not an owner) or email_not_verified"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already_member"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/organizations/{id}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<NewMember>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let sent = state
        .run(move |ctx, conn| memberships::invite(ctx, conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Created().json(sent))
}

/// Accepts an invitation to an organisation: signed in with the invited, verified address.
#[utoipa::path(tag = "organizations", security(("bearer" = [])),
    params(("token" = String, Path, description = "the token of the mailed link")),
    responses((status = 200, body = MemberView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "another address, or email_not_verified"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "token_expired")))]
#[post("/organization-invitations/{token}/accept")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let member = state
        .run(move |ctx, conn| memberships::accept(ctx, conn, &actor, &token))
        .await?;
    Ok(HttpResponse::Ok().json(member))
}

/// Ends a membership: a member leaves, or an owner removes someone else. The last owner
/// hands ownership over first (409 last_owner); a sole member deletes the organisation
/// instead (`DELETE /organizations/{id}`) when it never held a contest.
#[utoipa::path(tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "organisation id"),
        ("user_id" = String, Path, description = "the member")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "last_owner: the last owner stays (a sole member deletes the organisation instead)")))]
#[delete("/organizations/{id}/members/{user_id}")]
pub async fn remove_member(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let (id, user_id) = path.into_inner();
    state
        .run(move |_, conn| memberships::remove(conn, &actor, &id, &user_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hands ownership to another member; the caller stays a member. Owners only.
#[utoipa::path(tag = "organizations", security(("bearer" = [])), request_body = NewOwner,
    params(("id" = String, Path, description = "organisation id")),
    responses(
    (status = 400, body = ErrorBody, description = "bad_request: malformed JSON, wrong content type or an unknown field"),
        (status = 200, body = MemberView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "user_id is not a member")))]
#[post("/organizations/{id}/owner")]
pub async fn transfer_ownership(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    id: web::Path<String>,
    body: Json<NewOwner>,
) -> Result<HttpResponse, AppError> {
    let actor = signed_in.actor();
    let heir = state
        .run(move |_, conn| memberships::transfer(conn, &actor, &id, body.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(heir))
}
