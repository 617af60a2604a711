//! The pages a mail links to and that need no sign-in: the one-click unsubscribe page of
//! every optional mail, and the password reset pages.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::app::notifications::{self, Unsubscribe};
use crate::app::{AppError, AppResult};
use crate::mail::Category;
use crate::web::AppState;
use crate::web::auth::client_ip;

use super::form_errors;
use super::{CsrfForm, Page, see_other, url_escape};

const UNSUBSCRIBE: &str = "accounts/unsubscribe.html";
const RESET: &str = "accounts/password_reset.html";

/// An unsubscribe link's query, as it came (a missing part is empty, and the link invalid).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnsubscribeQuery {
    email: String,
    kind: String,
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

/// What the unsubscribe page shows, beside the reader's context.
#[derive(Serialize)]
struct UnsubscribeView<'a> {
    query: &'a Unsubscribe,
    done: bool,
    /// Where the confirmation posts (the link itself); only on the page that asks.
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<String>,
    /// The kind of mail that stops, in the reader's language; empty for an invalid link.
    kind_label: String,
}

/// The unsubscribe page for `link`: what stops (`result`, the kind of mail), asked (with the
/// form that posts to `action`) or done; or why the link does not work.
fn unsubscribe_page(
    state: &AppState,
    page: &Page,
    link: &Unsubscribe,
    result: AppResult<Category>,
    done: bool,
    action: Option<String>,
) -> HttpResponse {
    let view = UnsubscribeView {
        query: link,
        done: done && result.is_ok(),
        action,
        kind_label: result
            .as_ref()
            .map(|category| page.t(&format!("mail_kind_{}", category.as_str())))
            .unwrap_or_default(),
    };
    let context = page.view(&view);
    match result {
        Ok(_) => page.render(&state.tera, UNSUBSCRIBE, &context),
        Err(error) => page.error_on(&state.tera, UNSUBSCRIBE, context, error),
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
    let action = format!(
        "/unsubscribe?email={}&kind={}&sig={}",
        url_escape(&link.email),
        url_escape(&link.kind),
        url_escape(&link.sig)
    );
    let checked = notifications::check_unsubscribe(&state.ctx, &link);
    unsubscribe_page(&state, &page, &link, checked, false, Some(action))
}

/// Confirms, from the page or from a mail client's one-click button (RFC 8058, which posts
/// to the link itself): the link's signature is the proof, no sign-in and no CSRF token needed.
pub async fn unsubscribe_submit(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<UnsubscribeQuery>,
) -> HttpResponse {
    let link = query.link();
    let result = {
        let link = link.clone();
        state
            .run(move |ctx, conn| notifications::unsubscribe(ctx, conn, &link))
            .await
    };
    unsubscribe_page(&state, &page, &link, result, true, None)
}

#[derive(Debug, Deserialize)]
pub struct ResetQuery {
    token: Option<String>,
}

/// What the password reset page shows, beside the reader's context.
#[derive(Serialize)]
struct ResetView<'a> {
    /// The reset link's token: with one, the page asks for a new password.
    token: &'a str,
    /// The link was sent.
    sent: bool,
    email: &'a str,
}

/// Without a token: ask for a link. With one (from the mail): choose a new password.
pub async fn reset_form(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<ResetQuery>,
) -> HttpResponse {
    let view = ResetView {
        token: query.token.as_deref().unwrap_or_default(),
        sent: false,
        email: "",
    };
    page.render(&state.tera, RESET, &page.view(&view))
}

/// The reset forms: an address to send a link to, or (with the link's token) a new password.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    token: String,
    email: String,
    password: String,
}

pub async fn reset_submit(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    form: CsrfForm<ResetForm>,
) -> HttpResponse {
    let ResetForm {
        token,
        email,
        password,
    } = form.into_inner();
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    let shown = |sent| {
        let view = ResetView {
            token: &token,
            sent,
            email: &email,
        };
        page.view(&view)
    };
    if token.is_empty() {
        let asked = email.clone();
        let result = state
            .run(move |ctx, conn| notifications::request_password_reset(ctx, conn, &asked, &ip))
            .await;
        return match result {
            Ok(()) => page.render(&state.tera, RESET, &shown(true)),
            Err(error) => reset_refused(&state, &page, shown(false), error, ("email", &email)),
        };
    }
    let reset = token.clone();
    let typed = password.clone();
    let result = state
        .run_staged(
            move |ctx, conn| notifications::stage_reset(ctx, conn, &reset, &password, &ip),
            notifications::finish_reset,
        )
        .await;
    match result {
        Ok(()) => page.finish(see_other("/login?reset=1")),
        Err(error) => reset_refused(&state, &page, shown(false), error, ("password", &typed)),
    }
}

/// A reset form again, with its field's problem on it in the reader's language (and the
/// summary); any other error as every form shows it.
fn reset_refused(
    state: &AppState,
    page: &Page,
    mut context: tera::Context,
    error: AppError,
    typed: (&str, &str),
) -> HttpResponse {
    match form_errors::of_account_form(page.lang, &error, &[typed]) {
        Some(errors) => {
            context.insert("form_errors", &errors);
            let status = actix_web::ResponseError::status_code(&error);
            page.render_status(&state.tera, RESET, &context, status)
        }
        None => page.error_on(&state.tera, RESET, context, error),
    }
}
