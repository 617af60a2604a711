//! Marking or unmarking a published idea from its contest's results page.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::ideas;
use crate::web::AppState;
use crate::web::pages::{CsrfForm, SignedInPage, see_other};

#[derive(Debug, Deserialize)]
pub(crate) struct AppreciateForm {
    /// `0` removes the reader's mark; anything else (or nothing) sets it.
    #[serde(default)]
    on: String,
}

/// Marks or unmarks a published idea from the results page, then goes back to it.
pub(crate) async fn appreciate(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<AppreciateForm>,
) -> HttpResponse {
    let on = form.on != "0";
    let idea_id = id.into_inner();
    let marked = idea_id.clone();
    match page
        .run(&state, move |ctx, conn, actor| {
            ideas::appreciate(ctx, conn, actor, &marked, on)
        })
        .await
    {
        Ok(contest) => page.finish(see_other(&format!(
            "/contests/{contest}/results#idea-{idea_id}"
        ))),
        Err(error) => page.error(&state.tera, error),
    }
}
