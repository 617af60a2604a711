//! Sign in, sign out, create an account, verify an email address.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use std::future::Future;
use std::pin::Pin;

use actix_web::error::InternalError;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::app::accounts::{self, Credentials, Registration};
use crate::app::{AppError, sessions};
use crate::web::AppState;
use crate::web::auth::{SESSION_COOKIE, client_ip};

use super::{CsrfForm, NoFields, Page};

/// A form of the account pages, its CSRF token checked ([`CsrfForm`]). These pages refuse a
/// form without it on their own page (the form again, with the reason; a fresh token comes
/// with it) rather than on the refused page of the other forms; the verification page asks
/// again, with a fresh form.
pub struct AccountForm<T>(T);

/// The page a form of the account pages is refused on.
pub trait OnItsPage {
    const TEMPLATE: &'static str;
}

impl<T: OnItsPage + DeserializeOwned + 'static> FromRequest for AccountForm<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<AccountForm<T>, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = CsrfForm::<T>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let error = match form.await {
                Ok(form) => return Ok(AccountForm(form.into_inner())),
                Err(error) => error,
            };
            // A body that is not a form keeps what actix answers for any form; these pages
            // need no sign-in, so the kit refuses nothing else than the token.
            if error.as_response_error().status_code() != StatusCode::FORBIDDEN {
                return Err(error);
            }
            let page = Page::from_request(&req, &mut Payload::None).await?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .expect("AppState")
                .clone();
            let mut context = page.context();
            context.insert("error", &page.t("csrf_refused"));
            context.insert("outcome", "ask");
            context.insert("token", "");
            let refused =
                page.render_status(&state.tera, T::TEMPLATE, &context, StatusCode::FORBIDDEN);
            Err(InternalError::from_response("csrf refused", refused).into())
        })
    }
}

const LOGIN: &str = "accounts/login.html";
const REGISTER: &str = "accounts/register.html";
const VERIFY: &str = "accounts/verify.html";

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    reset: Option<String>,
}

pub async fn login_form(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<NextQuery>,
) -> HttpResponse {
    let mut context = page.context();
    context.insert("next", &super::safe_next(query.next.as_deref()));
    context.insert("reset_done", &query.reset.is_some());
    page.render(&state.tera, LOGIN, &context)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login_submit(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    AccountForm(form): AccountForm<LoginForm>,
) -> HttpResponse {
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    let email = form.email.clone();
    let next = super::safe_next(form.next.as_deref());
    let result = state
        .run_staged(
            move |ctx, conn| {
                accounts::stage_login(
                    ctx,
                    conn,
                    Credentials {
                        email: form.email,
                        password: form.password,
                    },
                    &ip,
                )
            },
            accounts::finish_login,
        )
        .await;
    match result {
        Ok(signed_in) => signed_in_to(&page, &state, signed_in.token, next),
        Err(error) => {
            let status = actix_web::ResponseError::status_code(&error);
            let mut context = page.context();
            context.insert("error", &error.to_string());
            context.insert("email", &email);
            context.insert("next", &next);
            page.render_status(&state.tera, LOGIN, &context, status)
        }
    }
}

pub async fn logout(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    _form: AccountForm<NoFields>,
) -> HttpResponse {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let token = cookie.value().to_owned();
        let _ = state
            .run(move |ctx, conn| {
                let session = sessions::authenticate(ctx, conn, &token)?;
                accounts::logout(conn, &session)
            })
            .await;
    }
    let mut response = HttpResponse::SeeOther()
        .insert_header((LOCATION, "/"))
        .finish();
    let _ = response.add_cookie(&page.clear_session_cookie());
    page.finish(response)
}

/// `/register`, optionally `?next=/a/page`: where to go, signed in, once the account exists
/// (the home page's "Run a contest" sends `next=/dashboard`).
pub async fn register_form(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<NextQuery>,
) -> HttpResponse {
    let mut context = page.context();
    if query.next.is_some() {
        context.insert("next", &super::safe_next(query.next.as_deref()));
    }
    page.render(&state.tera, REGISTER, &context)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    email: String,
    password: String,
    display_name: String,
    next: Option<String>,
}

pub async fn register_submit(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    AccountForm(form): AccountForm<RegisterForm>,
) -> HttpResponse {
    let mut context = page.context();
    context.insert("email", &form.email);
    context.insert("display_name", &form.display_name);
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    let next = form.next.as_deref().map(|n| super::safe_next(Some(n)));
    let credentials = next.as_ref().map(|_| Credentials {
        email: form.email.clone(),
        password: form.password.clone(),
    });
    let login_ip = ip.clone();
    let registration = Registration {
        email: form.email,
        password: form.password,
        display_name: form.display_name,
        locale: Some(page.lang.to_owned()),
    };
    match state
        .run_staged(
            move |ctx, conn| accounts::register_from(ctx, conn, registration, &ip),
            accounts::finish_registration,
        )
        .await
    {
        Ok(_) => match (next, credentials) {
            (Some(next), Some(credentials)) => {
                signed_in_after_registration(&state, &page, login_ip, credentials, next, context)
                    .await
            }
            _ => {
                context.insert("done", &true);
                page.render(&state.tera, REGISTER, &context)
            }
        },
        Err(AppError::Validation(fields)) => {
            context.insert("next", &next);
            let by_field: std::collections::BTreeMap<String, String> =
                fields.into_iter().map(|f| (f.path, f.message)).collect();
            context.insert("field_errors", &by_field);
            page.render_status(
                &state.tera,
                REGISTER,
                &context,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(error) => {
            let status = actix_web::ResponseError::status_code(&error);
            context.insert("error", &error.to_string());
            page.render_status(&state.tera, REGISTER, &context, status)
        }
    }
}

/// A sign-up that came with a `next` signs the new account in (as the sign-in page would: the
/// same limits, a session cookie) and goes back to `next`. Signing in never needs a verified
/// address: `auth.require_verified_email` only gates submitting ideas and sitting on a jury,
/// which keep asking for the mailed link. Should signing in fail (a limit), the account still
/// exists: the page says so as before.
async fn signed_in_after_registration(
    state: &web::Data<AppState>,
    page: &Page,
    ip: String,
    credentials: Credentials,
    next: String,
    mut context: tera::Context,
) -> HttpResponse {
    let result = state
        .run_staged(
            move |ctx, conn| accounts::stage_login(ctx, conn, credentials, &ip),
            accounts::finish_login,
        )
        .await;
    match result {
        Ok(signed_in) => signed_in_to(page, state, signed_in.token, next),
        Err(_) => {
            context.insert("done", &true);
            page.render(&state.tera, REGISTER, &context)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenParam {
    token: String,
}

/// `/verify`: the page the verification email links to. Opening the link shows a button;
/// verifying happens on POST, so that mail scanners that open links verify nobody.
pub async fn verify_form(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<TokenParam>,
) -> HttpResponse {
    let mut context = page.context();
    context.insert("token", &query.token);
    context.insert("outcome", "ask");
    page.render(&state.tera, VERIFY, &context)
}

pub async fn verify_submit(
    state: web::Data<AppState>,
    page: Page,
    AccountForm(form): AccountForm<TokenParam>,
) -> HttpResponse {
    let token = form.token;
    let result = state
        .run(move |ctx, conn| accounts::verify_email(ctx, conn, &token))
        .await;
    let mut context = page.context();
    context.insert("token", "");
    match result {
        Ok(account) => {
            context.insert("outcome", "verified");
            context.insert("email", &account.email);
        }
        Err(error) => {
            context.insert("outcome", "failed");
            context.insert("error", &error.to_string());
        }
    }
    page.render(&state.tera, VERIFY, &context)
}

impl OnItsPage for LoginForm {
    const TEMPLATE: &'static str = LOGIN;
}

impl OnItsPage for RegisterForm {
    const TEMPLATE: &'static str = REGISTER;
}

impl OnItsPage for TokenParam {
    const TEMPLATE: &'static str = VERIFY;
}

/// Signing out is refused on the sign-in page.
impl OnItsPage for NoFields {
    const TEMPLATE: &'static str = LOGIN;
}

/// The answer to a sign-in: the session cookie, and on to `next` (already made safe).
fn signed_in_to(page: &Page, state: &AppState, token: String, next: String) -> HttpResponse {
    let cookie = page.session_cookie(token, state.ctx.settings.auth.token_ttl_hours);
    let mut response = HttpResponse::SeeOther()
        .insert_header((LOCATION, next))
        .finish();
    let _ = response.add_cookie(&cookie);
    page.finish(response)
}
