//! Removing a file from an idea, with a confirmation step; and sending the verification link
//! again from the idea's page.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::{AppError, ideas};
use crate::web::AppState;
use crate::web::pages::{CsrfForm, Page, SignedInPage, see_other, url_escape};

use super::shared::show_error;
use super::show::{Done, IdeaPageState, attachment_shown, idea_context, load_idea, render_idea};

#[derive(Debug, Deserialize)]
pub(crate) struct FilePath {
    id: String,
    attachment: String,
}

/// The confirmation step: which file, and what removing it means.
async fn render_remove(
    state: &AppState,
    page: &Page,
    path: &FilePath,
    error: Option<AppError>,
) -> HttpResponse {
    let data = match load_idea(state, page, path.id.clone()).await {
        Ok(data) => data,
        Err(error) => return page.error(&state.tera, error),
    };
    let Some(file) =
        attachment_shown(&data, &path.attachment, page.lang).filter(|_| data.is_author)
    else {
        return page.not_found(&state.tera);
    };
    let (mut context, _) = idea_context(page, &data, &IdeaPageState::default());
    context.insert("file", &file);
    let status = match &error {
        Some(error) => show_error(page, &mut context, error, &[]).0,
        None => actix_web::http::StatusCode::OK,
    };
    page.render_status(
        &state.tera,
        "ideas/remove_attachment.html",
        &context,
        status,
    )
}

pub(crate) async fn remove_form(
    state: web::Data<AppState>,
    page: SignedInPage,
    path: web::Path<FilePath>,
) -> HttpResponse {
    render_remove(&state, &page, &path, None).await
}

pub(crate) async fn remove_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    path: web::Path<FilePath>,
    _form: CsrfForm<BTreeMap<String, String>>,
) -> HttpResponse {
    let path = path.into_inner();
    let (idea_id, attachment_id) = (path.id.clone(), path.attachment.clone());
    match page
        .run(&state, move |ctx, conn, actor| {
            ideas::remove_attachment(ctx, conn, actor, &idea_id, &attachment_id)
        })
        .await
    {
        Ok(()) => page.finish(see_other(&format!(
            "/ideas/{}?done={}#attachments-heading",
            url_escape(&path.id),
            Done::Removed.as_str()
        ))),
        Err(error @ AppError::NotFound(_)) => page.error(&state.tera, error),
        Err(error) => render_remove(&state, &page, &path, Some(error)).await,
    }
}

/// "Resend the verification mail", beside the draft whose submission it blocks.
pub(crate) async fn resend_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    _form: CsrfForm<BTreeMap<String, String>>,
) -> HttpResponse {
    let id = id.into_inner();
    let idea_id = id.clone();
    match page
        .run(&state, move |ctx, conn, actor| {
            ideas::resend_verification(ctx, conn, actor, &idea_id)
        })
        .await
    {
        Ok(()) => page.finish(see_other(&format!(
            "/ideas/{}?done={}",
            url_escape(&id),
            Done::VerificationSent.as_str()
        ))),
        Err(error @ AppError::NotFound(_)) => page.error(&state.tera, error),
        Err(error) => render_idea(&state, &page, id, IdeaPageState::failed(error)).await,
    }
}
