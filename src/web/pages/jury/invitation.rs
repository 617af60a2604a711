//! A jury invitation: the page its link opens, and accepting it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::app::AppError;
use crate::app::jury::{self, InvitationOutcome, InvitationView};
use crate::domain::lifecycle::Phase;
use crate::web::AppState;
use crate::web::pages::ideas::shared::{ContestInfo, base_context, show_error, with_view};
use crate::web::pages::{CsrfForm, Page, SignedInPage, see_other, url_escape};

/// The invitation page's view.
#[derive(Serialize)]
struct InvitationPage {
    /// Where the accept form posts.
    action: String,
    outcome: InvitationOutcome,
    /// The contest is being judged: an accepted juror can go and score.
    judging: bool,
    contest: Option<ContestInfo>,
}

async fn load_invitation(
    state: &AppState,
    page: &Page,
    token: String,
) -> crate::app::AppResult<InvitationView> {
    page.run(state, move |ctx, conn, actor| {
        jury::invitation(ctx, conn, actor, &token)
    })
    .await
}

fn render_invitation(
    state: &AppState,
    page: &Page,
    token: &str,
    invitation: &InvitationView,
    error: Option<&AppError>,
) -> HttpResponse {
    let view = InvitationPage {
        action: format!("/jury-invitations/{}", url_escape(token)),
        outcome: invitation.outcome,
        judging: invitation
            .contest
            .as_ref()
            .is_some_and(|c| c.phase == Phase::Judging),
        contest: invitation
            .contest
            .as_ref()
            .map(|c| ContestInfo::of(c, page.lang)),
    };
    let mut context = with_view(base_context(page), &view);
    let mut status = match invitation.outcome {
        InvitationOutcome::Invalid => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    if let Some(error) = error {
        status = show_error(page, &mut context, error, &[]).0;
    }
    page.render_status(&state.tera, "jury/invitation.html", &context, status)
}

pub(crate) async fn invitation_page(
    state: web::Data<AppState>,
    page: SignedInPage,
    token: web::Path<String>,
) -> HttpResponse {
    let token = token.into_inner();
    match load_invitation(&state, &page, token.clone()).await {
        Ok(invitation) => render_invitation(&state, &page, &token, &invitation, None),
        Err(error) => page.error(&state.tera, error),
    }
}

/// A form with nothing but its CSRF field (which the kit reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Nothing {}

pub(crate) async fn invitation_accept(
    state: web::Data<AppState>,
    page: SignedInPage,
    token: web::Path<String>,
    _form: CsrfForm<Nothing>,
) -> HttpResponse {
    let token = token.into_inner();
    let accepting = token.clone();
    let accepted = page
        .run(&state, move |ctx, conn, actor| {
            jury::accept(ctx, conn, actor, &accepting)
        })
        .await;
    let invitation = match load_invitation(&state, &page, token.clone()).await {
        Ok(invitation) => invitation,
        Err(error) => return page.error(&state.tera, error),
    };
    match accepted {
        Ok(_) => match &invitation.contest {
            Some(contest) if contest.phase == Phase::Judging => page.finish(see_other(&format!(
                "/contests/{}/jury",
                url_escape(&contest.id)
            ))),
            _ => page.finish(see_other(&format!(
                "/jury-invitations/{}",
                url_escape(&token)
            ))),
        },
        Err(error) => render_invitation(&state, &page, &token, &invitation, Some(&error)),
    }
}
