//! Membership from the pages (finding 16.7): the page behind an organisation invitation's
//! link says which organisation invites the reader and joins it only when they press the
//! button (signed-out readers go through the sign-in page, which comes back here); the
//! dashboard's forms invite an address (owners) and leave an organisation (members).

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
    )
    .route("/organizations/{id}/invite", web::post().to(invite_post))
    .route("/organizations/{id}/leave", web::post().to(leave_post));
}

/// A refusal or a mistake on a dashboard form, said in the reader's language.
fn refused(state: &AppState, page: &Page, error: &AppError) -> HttpResponse {
    if matches!(error, AppError::NotFound(_)) {
        return page.not_found(&state.tera);
    }
    let mut context = page.context();
    let status = page.insert_error(&mut context, error);
    let mut message = context
        .get("error")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    if let AppError::Validation(fields) = error {
        for f in fields {
            message.push_str(&format!(" {}", f.message));
        }
    }
    context.insert("message", &message);
    page.render_status(&state.tera, "errors/refused.html", &context, status)
}

/// An owner invites an address from the dashboard (the same use case as the API's).
pub async fn invite_post(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !page.csrf_ok(field(&form, "csrf")) {
        return page.csrf_refused(&state.tera);
    }
    let actor = page.actor.clone();
    let input = crate::app::organizations::NewMember {
        email: field(&form, "email").to_owned(),
        role: match field(&form, "role") {
            "" => None,
            role => Some(role.to_owned()),
        },
    };
    let id = id.into_inner();
    match state
        .run(move |ctx, conn| memberships::invite(ctx, conn, &actor, &id, input))
        .await
    {
        Ok(_) => page.finish(see_other("/dashboard")),
        Err(error) => refused(&state, &page, &error),
    }
}

/// A member leaves an organisation from the dashboard.
pub async fn leave_post(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: Form,
) -> HttpResponse {
    let user_id = match page.require_user() {
        Ok(user) => user.id.clone(),
        Err(redirect) => return redirect,
    };
    if !page.csrf_ok(field(&form, "csrf")) {
        return page.csrf_refused(&state.tera);
    }
    let actor = page.actor.clone();
    let id = id.into_inner();
    match state
        .run(move |_, conn| memberships::remove(conn, &actor, &id, &user_id))
        .await
    {
        Ok(()) => page.finish(see_other("/dashboard")),
        Err(error) => refused(&state, &page, &error),
    }
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
