//! `/verify`: the page the verification email links to. Opening the link shows a button;
//! verifying happens on POST, so that mail scanners that open links verify nobody.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use crate::app::accounts;
use crate::web::AppState;

use super::render;

#[derive(Debug, Deserialize)]
pub struct TokenParam {
    #[serde(default)]
    token: String,
}

pub async fn verify_form(
    state: web::Data<AppState>,
    query: web::Query<TokenParam>,
) -> HttpResponse {
    let mut context = Context::new();
    context.insert("token", &query.token);
    context.insert("outcome", "ask");
    render(&state.tera, "accounts/verify.html", &context)
}

pub async fn verify_submit(
    state: web::Data<AppState>,
    form: web::Form<TokenParam>,
) -> HttpResponse {
    let token = form.into_inner().token;
    let result = state
        .run(move |ctx, conn| accounts::verify_email(ctx, conn, &token))
        .await;
    let mut context = Context::new();
    context.insert("token", "");
    match result {
        Ok(account) => {
            context.insert("outcome", "verified");
            context.insert("email", &account.email);
        }
        Err(error) => {
            context.insert("outcome", "failed");
            context.insert("message", &error.to_string());
        }
    }
    render(&state.tera, "accounts/verify.html", &context)
}
