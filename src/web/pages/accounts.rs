//! Sign in, sign out, create an account, verify an email address.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::app::accounts::{self, Credentials, Registration};
use crate::app::{AppError, sessions};
use crate::web::AppState;
use crate::web::auth::{SESSION_COOKIE, client_ip};

use super::Page;

fn refused_csrf(page: &Page, state: &AppState, template: &str) -> HttpResponse {
    let mut context = page.context();
    context.insert("error", &crate::web::i18n::texts(page.lang)["csrf_refused"]);
    // The verification page asks again, with a fresh form.
    context.insert("outcome", "ask");
    context.insert("token", "");
    page.render_status(&state.tera, template, &context, StatusCode::FORBIDDEN)
}

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
    page.render(&state.tera, "accounts/login.html", &context)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn login_submit(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let form = form.into_inner();
    if !page.csrf_ok(&form.csrf) {
        return refused_csrf(&page, &state, "accounts/login.html");
    }
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
        Ok(signed_in) => {
            let cookie =
                page.session_cookie(signed_in.token, state.ctx.settings.auth.token_ttl_hours);
            let mut response = HttpResponse::SeeOther()
                .insert_header((LOCATION, next))
                .finish();
            let _ = response.add_cookie(&cookie);
            page.finish(response)
        }
        Err(error) => {
            let status = actix_web::ResponseError::status_code(&error);
            let mut context = page.context();
            context.insert("error", &error.to_string());
            context.insert("email", &email);
            context.insert("next", &next);
            page.render_status(&state.tera, "accounts/login.html", &context, status)
        }
    }
}

pub async fn logout(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    form: web::Form<super::CsrfField>,
) -> HttpResponse {
    if !page.csrf_ok(&form.csrf) {
        return refused_csrf(&page, &state, "accounts/login.html");
    }
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

pub async fn register_form(state: web::Data<AppState>, page: Page) -> HttpResponse {
    page.render(&state.tera, "accounts/register.html", &page.context())
}

#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    display_name: String,
}

pub async fn register_submit(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    form: web::Form<RegisterForm>,
) -> HttpResponse {
    let form = form.into_inner();
    if !page.csrf_ok(&form.csrf) {
        return refused_csrf(&page, &state, "accounts/register.html");
    }
    let mut context = page.context();
    context.insert("email", &form.email);
    context.insert("display_name", &form.display_name);
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
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
            context.insert("done", &true);
            page.render(&state.tera, "accounts/register.html", &context)
        }
        Err(AppError::Validation(fields)) => {
            let by_field: std::collections::BTreeMap<String, String> =
                fields.into_iter().map(|f| (f.path, f.message)).collect();
            context.insert("field_errors", &by_field);
            page.render_status(
                &state.tera,
                "accounts/register.html",
                &context,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(error) => {
            let status = actix_web::ResponseError::status_code(&error);
            context.insert("error", &error.to_string());
            page.render_status(&state.tera, "accounts/register.html", &context, status)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenParam {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf: String,
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
    page.render(&state.tera, "accounts/verify.html", &context)
}

pub async fn verify_submit(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<TokenParam>,
) -> HttpResponse {
    let form = form.into_inner();
    if !page.csrf_ok(&form.csrf) {
        return refused_csrf(&page, &state, "accounts/verify.html");
    }
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
    page.render(&state.tera, "accounts/verify.html", &context)
}
