//! Membership from the pages (finding 16.7): the page behind an organisation invitation's
//! link says which organisation invites the reader and joins it only when they press the
//! button (signed-out readers go through the sign-in page, which comes back here); the
//! dashboard's forms invite an address (owners) and leave an organisation (members).

use crate::domain::status::InvitationOutcome;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use serde::{Deserialize, Serialize};

use crate::app::AppError;
use crate::app::memberships::{self, InvitationInfo};
use crate::app::organizations::NewMember;
use crate::web::AppState;

use super::{CsrfForm, NoFields, Page, SignedInPage, see_other, url_escape};

const INVITATION: &str = "organizations/invitation.html";

/// A refusal or a mistake on a dashboard form, said in the reader's language. The kit's
/// mapping ([`Page::error`]), except that the dashboard has no field to show a mistake
/// beside: the refused page says every field's message after the summary.
fn refused(state: &AppState, page: &Page, error: AppError) -> HttpResponse {
    let AppError::Validation(fields) = &error else {
        return page.error(&state.tera, error);
    };
    let mut message = page.t("error_validation_failed");
    for f in fields {
        message.push_str(&format!(" {}", f.message));
    }
    page.refused(&state.tera, &message, error.status_code())
}

/// After a dashboard form: back to the dashboard with its success notice (`done`), or the
/// refusal.
fn back_to_dashboard(
    state: &AppState,
    page: &Page,
    done: Result<(), AppError>,
    notice: &str,
) -> HttpResponse {
    match done {
        Ok(()) => page.finish(see_other(&format!("/dashboard?done={notice}"))),
        Err(error) => refused(state, page, error),
    }
}

/// An address to invite, and (optionally) the role it is invited to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    email: String,
    role: String,
}

/// An owner invites an address from the dashboard (the same use case as the API's).
pub async fn invite_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<InviteForm>,
) -> HttpResponse {
    let InviteForm { email, role } = form.into_inner();
    let input = NewMember {
        email,
        role: Some(role).filter(|role| !role.is_empty()),
    };
    let (actor, id) = (page.actor.clone(), id.into_inner());
    let invited = state
        .run(move |ctx, conn| memberships::invite(ctx, conn, &actor, &id, input))
        .await;
    back_to_dashboard(&state, &page, invited.map(drop), "invited")
}

/// A member leaves an organisation from the dashboard.
pub async fn leave_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> HttpResponse {
    let (actor, id, user_id) = (page.actor.clone(), id.into_inner(), page.user().id.clone());
    let left = state
        .run(move |_, conn| memberships::remove(conn, &actor, &id, &user_id))
        .await;
    back_to_dashboard(&state, &page, left, "left")
}

/// The confirmation an owner ticks to delete an organisation from the dashboard.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    confirm: String,
}

/// An owner deletes an organisation that never held a contest, from the dashboard; nothing
/// happens unless the confirmation box is ticked.
pub async fn delete_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<DeleteForm>,
) -> HttpResponse {
    if form.into_inner().confirm != "yes" {
        let message = page.t("dashboard_delete_unconfirmed");
        return page.refused(&state.tera, &message, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (actor, id) = (page.actor.clone(), id.into_inner());
    let deleted = state
        .run(move |_, conn| crate::app::organizations::delete(conn, &actor, &id))
        .await;
    back_to_dashboard(&state, &page, deleted, "deleted")
}

/// What the invitation page shows, beside the reader's context.
#[derive(Serialize)]
struct InvitationView<'a> {
    /// Empty unless the error of a refused acceptance is added.
    error: &'static str,
    action: String,
    outcome: InvitationOutcome,
    organization_name: &'a str,
}

/// The invitation page's context and status for `info` (`None`: the link is not valid).
fn invitation(
    page: &Page,
    token: &str,
    info: Option<&InvitationInfo>,
) -> (tera::Context, StatusCode) {
    let outcome = info.map_or(InvitationOutcome::Invalid, |i| i.outcome);
    let view = InvitationView {
        error: "",
        action: format!("/organization-invitations/{}", url_escape(token)),
        outcome,
        organization_name: info.map_or("", |i| i.organization_name.as_str()),
    };
    let status = match outcome {
        InvitationOutcome::Invalid => StatusCode::NOT_FOUND,
        InvitationOutcome::Ask | InvitationOutcome::Accepted => StatusCode::OK,
    };
    (page.view(&view), status)
}

async fn load(state: &AppState, page: &Page, token: String) -> Result<InvitationInfo, AppError> {
    let actor = page.actor.clone();
    state
        .run(move |_, conn| memberships::invitation(conn, &actor, &token))
        .await
}

pub async fn invitation_page(
    state: web::Data<AppState>,
    page: SignedInPage,
    token: web::Path<String>,
) -> HttpResponse {
    let token = token.into_inner();
    let info = match load(&state, &page, token.clone()).await {
        Ok(info) => Some(info),
        // An invalid link has its own page: the invitation page that says so.
        Err(AppError::NotFound(_)) => None,
        Err(error) => return page.error(&state.tera, error),
    };
    let (context, status) = invitation(&page, &token, info.as_ref());
    page.render_status(&state.tera, INVITATION, &context, status)
}

pub async fn invitation_accept(
    state: web::Data<AppState>,
    page: SignedInPage,
    token: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> HttpResponse {
    let token = token.into_inner();
    let actor = page.actor.clone();
    let accepting = token.clone();
    let accepted = state
        .run(move |ctx, conn| memberships::accept(ctx, conn, &actor, &accepting))
        .await;
    let Err(error) = accepted else {
        let again = format!("/organization-invitations/{}", url_escape(&token));
        return page.finish(see_other(&again));
    };
    let info = load(&state, &page, token.clone()).await.ok();
    let (mut context, _) = invitation(&page, &token, info.as_ref());
    if let AppError::NotFound(_) = error {
        // An invalid link is said on the invitation page, not on the page not found.
        let status = page.insert_error(&mut context, &error);
        return page.render_status(&state.tera, INVITATION, &context, status);
    }
    page.error_on(&state.tera, INVITATION, context, error)
}
