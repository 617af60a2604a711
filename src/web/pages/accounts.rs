//! Sign in, sign out, create an account, verify an email address.

use actix_web::http::StatusCode;
use actix_web::http::header::{HOST, LOCATION, REFERER};
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

use super::form_errors::{self, FormErrors, message};
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

/// The sign-in page's way back (`next`, already safe), which its link to sign up keeps.
fn with_next(context: &mut tera::Context, next: &str) {
    context.insert("next", next);
    if next != "/" {
        context.insert("register_next", &super::url_escape(next));
    }
}

pub async fn login_form(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<NextQuery>,
) -> HttpResponse {
    let mut context = page.context();
    let next = super::safe_next(query.next.as_deref());
    with_next(&mut context, &next);
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
    let refused = |errors: FormErrors, status: StatusCode| {
        let mut context = page.context();
        context.insert("form_errors", &errors);
        context.insert("email", &email);
        with_next(&mut context, &next);
        page.render_status(&state.tera, LOGIN, &context, status)
    };
    // A blank field is said at once, and counts as no failed attempt.
    let mut blank = FormErrors::default();
    for (id, value, field) in [
        ("email", &form.email, "fe_email"),
        ("password", &form.password, "fe_password"),
    ] {
        if value.trim().is_empty() {
            blank.add(
                id,
                message(page.lang, &page.t(field), &page.t("fe_required")),
            );
        }
    }
    if !blank.is_empty() {
        return refused(blank, StatusCode::UNPROCESSABLE_ENTITY);
    }
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
        Ok(signed_in) => signed_in_to(&page, &state, signed_in.token, next.clone()),
        Err(error @ AppError::Unauthorized(_)) => {
            let mut errors = FormErrors::default();
            errors.add(
                "email",
                message(page.lang, &page.t("fe_email"), &page.t("fe_login_failed")),
            );
            refused(errors, actix_web::ResponseError::status_code(&error))
        }
        Err(error) => {
            let mut context = page.context();
            let status = page.insert_error(&mut context, &error);
            context.insert("email", &email);
            with_next(&mut context, &next);
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

/// The page of this site the reader came from (the `Referer`), if any: where a sign-up
/// without `next` goes back to. Only ever a path of this site (made safe by `safe_next`); the
/// account pages themselves are no place to go back to.
fn came_from(req: &HttpRequest) -> Option<String> {
    let referer = req.headers().get(REFERER)?.to_str().ok()?;
    let host = req.headers().get(HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("https://")
        .or_else(|| referer.strip_prefix("http://"))?;
    let path = rest.strip_prefix(host)?;
    if !path.starts_with('/') {
        return None;
    }
    let path = super::safe_next(Some(path));
    let account_page = [
        "/register",
        "/login",
        "/logout",
        "/password-reset",
        "/verify",
    ]
    .iter()
    .any(|p| path == *p || path.starts_with(&format!("{p}?")));
    (!account_page).then_some(path)
}

/// `/register`, optionally `?next=/a/page`: where to go, signed in, once the account exists
/// (the home page's "Run a contest" sends `next=/dashboard`); without it, back to the page of
/// this site the person came from, else home.
pub async fn register_form(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    query: web::Query<NextQuery>,
) -> HttpResponse {
    let mut context = page.context();
    let next = match query.next.as_deref() {
        Some(next) => super::safe_next(Some(next)),
        None => came_from(&req).unwrap_or_else(|| "/".to_owned()),
    };
    context.insert("next", &next);
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
    let next = super::safe_next(form.next.as_deref());
    let credentials = Credentials {
        email: form.email.clone(),
        password: form.password.clone(),
    };
    let typed = [
        ("email", form.email.clone()),
        ("display_name", form.display_name.clone()),
        ("password", form.password.clone()),
    ];
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
        Ok(_) => {
            signed_in_after_registration(&state, &page, login_ip, credentials, next, context).await
        }
        Err(error) => {
            context.insert("next", &next);
            let typed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = match form_errors::of_account_form(page.lang, &error, &typed) {
                Some(errors) => {
                    context.insert("form_errors", &errors);
                    actix_web::ResponseError::status_code(&error)
                }
                None => page.insert_error(&mut context, &error),
            };
            page.render_status(&state.tera, REGISTER, &context, status)
        }
    }
}

/// A sign-up signs the new account in (as the sign-in page would: the same limits, a session
/// cookie) and goes back to `next` (where the person came from). Signing in never needs a verified
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
