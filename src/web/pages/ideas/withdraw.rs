//! Withdrawing an idea, with a confirmation step.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::{AppError, ideas};
use crate::web::AppState;
use crate::web::pages::{CsrfForm, Page, SignedInPage, see_other, url_escape};

use super::shared::{checked, show_error};
use super::show::{Done, IdeaPageState, idea_context, load_idea};

async fn render_withdraw(
    state: &AppState,
    page: &Page,
    id: String,
    error: Option<AppError>,
) -> HttpResponse {
    let data = match load_idea(state, page, id).await {
        Ok(data) => data,
        Err(error) => return page.error(&state.tera, error),
    };
    if !data.is_author {
        return page.not_found(&state.tera);
    }
    let (mut context, _) = idea_context(page, &data, &IdeaPageState::default());
    context.insert(
        "withdraw_title",
        &page.t_with("idea_withdraw_title", &[("title", &data.idea.title)]),
    );
    let status = match &error {
        Some(error) => show_error(page, &mut context, error, &[]).0,
        None => StatusCode::OK,
    };
    page.render_status(&state.tera, "ideas/withdraw.html", &context, status)
}

pub(crate) async fn withdraw_form(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
) -> HttpResponse {
    render_withdraw(&state, &page, id.into_inner(), None).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct WithdrawForm {
    #[serde(default)]
    confirm: Option<String>,
}

pub(crate) async fn withdraw_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<WithdrawForm>,
) -> HttpResponse {
    let id = id.into_inner();
    if !checked(&form.confirm) {
        let unconfirmed = AppError::field("confirm", page.t("idea_withdraw_unconfirmed"));
        return render_withdraw(&state, &page, id, Some(unconfirmed)).await;
    }
    let idea_id = id.clone();
    match page
        .run(&state, move |ctx, conn, actor| {
            ideas::withdraw(ctx, conn, actor, &idea_id)
        })
        .await
    {
        Ok(_) => page.finish(see_other(&format!(
            "/ideas/{}?done={}",
            url_escape(&id),
            Done::Withdrawn.as_str()
        ))),
        Err(error) => render_withdraw(&state, &page, id, Some(error)).await,
    }
}
