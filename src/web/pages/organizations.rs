//! The page behind an organisation invitation's link (finding 16.7): it says which
//! organisation invites the reader and joins it only when they press the button. Signed-out
//! readers are sent to the sign-in page, which comes back here (and offers to register).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::app::AppError;
use crate::app::memberships::{self, InvitationInfo};
use crate::web::AppState;

use super::{Form, Page, field, see_other, url_escape};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/organization-invitations/{token}")
            .route(web::get().to(invitation_page))
            .route(web::post().to(invitation_accept)),
    );
}

fn render(
    state: &AppState,
    page: &Page,
    token: &str,
    info: Option<&InvitationInfo>,
    error: Option<&AppError>,
) -> HttpResponse {
    let mut context = page.context();
    context.insert("error", "");
    context.insert(
        "action",
        &format!("/organization-invitations/{}", url_escape(token)),
    );
    context.insert("outcome", info.map_or("invalid", |i| i.outcome));
    context.insert(
        "organization_name",
        info.map_or("", |i| i.organization_name.as_str()),
    );
    let mut status = match info.map_or("invalid", |i| i.outcome) {
        "invalid" => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    if let Some(error) = error {
        status = page.insert_error(&mut context, error);
    }
    page.render_status(
        &state.tera,
        "organizations/invitation.html",
        &context,
        status,
    )
}

async fn load(state: &AppState, page: &Page, token: String) -> Result<InvitationInfo, AppError> {
    let actor = page.actor.clone();
    state
        .run(move |_, conn| memberships::invitation(conn, &actor, &token))
        .await
}

pub async fn invitation_page(
    state: web::Data<AppState>,
    page: Page,
    token: web::Path<String>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let token = token.into_inner();
    match load(&state, &page, token.clone()).await {
        Ok(info) => render(&state, &page, &token, Some(&info), None),
        Err(AppError::NotFound(_)) => render(&state, &page, &token, None, None),
        Err(error) => page.error_page(&state.tera, "errors/refused.html", page.context(), &error),
    }
}

pub async fn invitation_accept(
    state: web::Data<AppState>,
    page: Page,
    token: web::Path<String>,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !page.csrf_ok(field(&form, "csrf")) {
        return page.csrf_refused(&state.tera);
    }
    let token = token.into_inner();
    let actor = page.actor.clone();
    let accepting = token.clone();
    let accepted = state
        .run(move |ctx, conn| memberships::accept(ctx, conn, &actor, &accepting))
        .await;
    match accepted {
        Ok(_) => page.finish(see_other(&format!(
            "/organization-invitations/{}",
            url_escape(&token)
        ))),
        Err(error) => {
            let info = load(&state, &page, token.clone()).await.ok();
            render(&state, &page, &token, info.as_ref(), Some(&error))
        }
    }
}
