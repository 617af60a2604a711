//! A person's settings (which mail they receive, which brands they follow), the one-click
//! unsubscribe page of every optional mail, following a brand, and the password reset pages.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::app::AppError;
use crate::app::notifications::{self, PreferencesView, Unsubscribe};
use crate::web::AppState;
use crate::web::auth::client_ip;
use crate::web::i18n;

use super::contests::label;
use super::{Form, Page, field, see_other};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/settings")
            .route(web::get().to(settings))
            .route(web::post().to(save_settings)),
    )
    .service(
        web::resource("/unsubscribe")
            .route(web::get().to(unsubscribe_form))
            .route(web::post().to(unsubscribe_submit)),
    )
    .service(
        web::resource("/password-reset")
            .route(web::get().to(reset_form))
            .route(web::post().to(reset_submit)),
    )
    .route("/organizations/{id}/follow", web::post().to(follow))
    .route("/settings/profile", web::post().to(save_profile))
    .route("/settings/delete", web::post().to(delete_account))
    .route("/people/{id}", web::get().to(person));
}

async fn render_settings(
    state: &AppState,
    page: &Page,
    mut context: tera::Context,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    let actor = page.actor.clone();
    let loaded = state
        .run(move |_, conn| {
            Ok((
                notifications::preferences(conn, &actor)?,
                notifications::following(conn, &actor)?,
                crate::app::profiles::mine(conn, &actor)?,
            ))
        })
        .await;
    match loaded {
        Ok((preferences, following, profile)) => {
            context.insert("preferences", &preferences);
            context.insert("following", &following);
            if !context.contains_key("profile_bio") {
                context.insert("profile_bio", &profile.bio);
                context.insert("profile_links", &profile.links.join("\n"));
                context.insert("profile_public", &profile.public);
            }
            context.insert("profile_id", &profile.user_id);
            if !context.contains_key("saved") {
                context.insert("saved", &false);
            }
            page.render_status(&state.tera, "accounts/settings.html", &context, status)
        }
        Err(error) => page.error_page(&state.tera, "errors/refused.html", page.context(), &error),
    }
}

pub async fn settings(state: web::Data<AppState>, page: Page) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let context = page.context();
    render_settings(&state, &page, context, actix_web::http::StatusCode::OK).await
}

pub async fn save_settings(state: web::Data<AppState>, page: Page, form: Form) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !page.csrf_ok(field(&form, "csrf")) {
        return page.csrf_refused(&state.tera);
    }
    let input = PreferencesView {
        announcements: !field(&form, "announcements").is_empty(),
        reminders: !field(&form, "reminders").is_empty(),
        brand_news: !field(&form, "brand_news").is_empty(),
    };
    let actor = page.actor.clone();
    let result = state
        .run(move |ctx, conn| notifications::update_preferences(ctx, conn, &actor, input))
        .await;
    let mut context = page.context();
    let status = match result {
        Ok(_) => {
            context.insert("saved", &true);
            actix_web::http::StatusCode::OK
        }
        Err(error) => page.insert_error(&mut context, &error),
    };
    render_settings(&state, &page, context, status).await
}

#[derive(Debug, Deserialize)]
pub struct UnsubscribeQuery {
    #[serde(default)]
    email: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    sig: String,
}

impl UnsubscribeQuery {
    fn link(&self) -> Unsubscribe {
        Unsubscribe {
            email: self.email.clone(),
            kind: self.kind.clone(),
            sig: self.sig.clone(),
        }
    }
}

/// The page a mail's unsubscribe link opens: it says what stops and asks to confirm (a mail
/// scanner that follows links must not unsubscribe anyone).
pub async fn unsubscribe_form(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<UnsubscribeQuery>,
) -> HttpResponse {
    let link = query.link();
    let mut context = page.context();
    context.insert("query", &link);
    context.insert("done", &false);
    context.insert(
        "action",
        &format!(
            "/unsubscribe?email={}&kind={}&sig={}",
            super::url_escape(&link.email),
            super::url_escape(&link.kind),
            super::url_escape(&link.sig)
        ),
    );
    match notifications::check_unsubscribe(&state.ctx, &link) {
        Ok(category) => {
            context.insert(
                "kind_label",
                &label(page.lang, &format!("mail_kind_{}", category.as_str())),
            );
            page.render(&state.tera, "accounts/unsubscribe.html", &context)
        }
        Err(error) => {
            context.insert("kind_label", "");
            page.error_page(&state.tera, "accounts/unsubscribe.html", context, &error)
        }
    }
}

/// Confirms, from the page or from a mail client's one-click button (RFC 8058, which posts
/// to the link itself): the link's signature is the proof, no sign-in and no CSRF token needed.
pub async fn unsubscribe_submit(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<UnsubscribeQuery>,
) -> HttpResponse {
    let link = query.link();
    let mut context = page.context();
    context.insert("query", &link);
    let result = {
        let link = link.clone();
        state
            .run(move |ctx, conn| notifications::unsubscribe(ctx, conn, &link))
            .await
    };
    match result {
        Ok(category) => {
            context.insert("done", &true);
            context.insert(
                "kind_label",
                &label(page.lang, &format!("mail_kind_{}", category.as_str())),
            );
            page.render(&state.tera, "accounts/unsubscribe.html", &context)
        }
        Err(error) => {
            context.insert("done", &false);
            context.insert("kind_label", "");
            page.error_page(&state.tera, "accounts/unsubscribe.html", context, &error)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ResetQuery {
    token: Option<String>,
}

/// Without a token: ask for a link. With one (from the mail): choose a new password.
pub async fn reset_form(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<ResetQuery>,
) -> HttpResponse {
    let mut context = page.context();
    context.insert("token", &query.token.clone().unwrap_or_default());
    context.insert("sent", &false);
    context.insert("email", "");
    page.render(&state.tera, "accounts/password_reset.html", &context)
}

pub async fn reset_submit(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    form: Form,
) -> HttpResponse {
    if !page.csrf_ok(field(&form, "csrf")) {
        return page.csrf_refused(&state.tera);
    }
    let token = field(&form, "token").to_owned();
    let mut context = page.context();
    context.insert("token", &token);
    context.insert("sent", &false);
    context.insert("email", field(&form, "email"));
    if token.is_empty() {
        let email = field(&form, "email").to_owned();
        let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
        let result = state
            .run(move |ctx, conn| notifications::request_password_reset(ctx, conn, &email, &ip))
            .await;
        return match result {
            Ok(()) => {
                context.insert("sent", &true);
                page.render(&state.tera, "accounts/password_reset.html", &context)
            }
            Err(error) => {
                page.error_page(&state.tera, "accounts/password_reset.html", context, &error)
            }
        };
    }
    let password = field(&form, "password").to_owned();
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    let result = state
        .run_staged(
            move |ctx, conn| notifications::stage_reset(ctx, conn, &token, &password, &ip),
            notifications::finish_reset,
        )
        .await;
    match result {
        Ok(()) => page.finish(see_other("/login?reset=1")),
        Err(error) => page.error_page(&state.tera, "accounts/password_reset.html", context, &error),
    }
}

/// Follows (or, with `follow=0`, stops following) a brand, from a contest page.
pub async fn follow(
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
    let on = field(&form, "follow") != "0";
    let back = super::safe_next(Some(field(&form, "back")));
    let actor = page.actor.clone();
    let id = id.into_inner();
    match state
        .run(move |ctx, conn| notifications::follow(ctx, conn, &actor, &id, on))
        .await
    {
        Ok(_) => page.finish(see_other(&back)),
        Err(AppError::NotFound(_)) => page.not_found(&state.tera),
        Err(error) => {
            let mut context = page.context();
            context.insert("message", &i18n::texts(page.lang)["error_internal"]);
            tracing::warn!(error = %error, "follow");
            page.render_status(
                &state.tera,
                "errors/refused.html",
                &context,
                actix_web::ResponseError::status_code(&error),
            )
        }
    }
}

/// Saves one's public page from the settings form (links one per line).
pub async fn save_profile(state: web::Data<AppState>, page: Page, form: Form) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !page.csrf_ok(field(&form, "csrf")) {
        return page.csrf_refused(&state.tera);
    }
    let input = crate::app::profiles::ProfileInput {
        public: !field(&form, "public").is_empty(),
        bio: field(&form, "bio").to_owned(),
        links: field(&form, "links")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    let mut context = page.context();
    context.insert("profile_bio", &input.bio);
    context.insert("profile_links", &input.links.join("\n"));
    context.insert("profile_public", &input.public);
    let actor = page.actor.clone();
    let result = state
        .run(move |ctx, conn| crate::app::profiles::update(ctx, conn, &actor, input))
        .await;
    let status = match result {
        Ok(_) => {
            context.insert("saved", &true);
            actix_web::http::StatusCode::OK
        }
        Err(error) => page.insert_error(&mut context, &error),
    };
    render_settings(&state, &page, context, status).await
}

/// A person's public page (404 unless they made it public, or it is the reader's own).
pub async fn person(state: web::Data<AppState>, page: Page, id: web::Path<String>) -> HttpResponse {
    let actor = page.actor.clone();
    let id = id.into_inner();
    let loaded = state
        .run(move |_, conn| crate::app::profiles::show(conn, &actor, &id))
        .await;
    let profile = match loaded {
        Ok(profile) => profile,
        Err(_) => return page.not_found(&state.tera),
    };
    let results: Vec<serde_json::Value> = profile
        .results
        .iter()
        .map(|r| {
            serde_json::json!({
                "contest_id": r.contest_id,
                "contest_title": r.contest_title,
                "idea_title": r.idea_title,
                "rank": r.rank.map(|n| n.to_string()).unwrap_or_default(),
                "score": r.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
                "prize": if r.prize_cents > 0 {
                    i18n::money(r.prize_cents, &r.currency, page.lang)
                } else {
                    String::new()
                },
            })
        })
        .collect();
    let mut context = page.context();
    context.insert("profile", &profile);
    context.insert("results", &results);
    page.render(&state.tera, "people/show.html", &context)
}

/// Deletes the reader's account (confirmed with their password), signs them out and takes
/// them home; a refusal (wrong password, an organisation, an unfinished jury) is shown on the
/// settings page.
pub async fn delete_account(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !page.csrf_ok(field(&form, "csrf")) {
        return page.csrf_refused(&state.tera);
    }
    let input = crate::app::profiles::DeleteAccount {
        password: field(&form, "password").to_owned(),
    };
    let actor = page.actor.clone();
    let staged_actor = actor.clone();
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    let result = state
        .run_staged(
            move |ctx, conn| {
                crate::app::profiles::stage_deletion(ctx, conn, &staged_actor, input, &ip)
            },
            move |ctx, conn, pending, outcome| {
                crate::app::profiles::finish_deletion(ctx, conn, &actor, pending, outcome)
            },
        )
        .await;
    match result {
        Ok(()) => {
            let mut response = see_other("/");
            let _ = response.add_cookie(&page.clear_session_cookie());
            page.finish(response)
        }
        Err(error) => {
            let mut context = page.context();
            let status = page.insert_error(&mut context, &error);
            context.insert("delete_error", &true);
            render_settings(&state, &page, context, status).await
        }
    }
}
