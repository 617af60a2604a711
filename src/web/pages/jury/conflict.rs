//! Declaring a conflict of interest with an entry: the juror stops scoring it.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::jury::{self, ConflictDeclaration};
use crate::web::AppState;
use crate::web::pages::{CsrfForm, SignedInPage, see_other, url_escape};

use super::score::{JuryPageState, Selection, TypedSheet, render_jury};

#[derive(Debug, Deserialize)]
pub(crate) struct ConflictForm {
    #[serde(default)]
    reason: String,
}

pub(crate) async fn conflict_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    path: web::Path<(String, String)>,
    form: CsrfForm<ConflictForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let (contest_id, entry_id) = path.into_inner();
    let input = ConflictDeclaration {
        reason: form.reason.clone(),
    };
    let (contest, entry) = (contest_id.clone(), entry_id.clone());
    match page
        .run(&state, move |ctx, conn, actor| {
            jury::declare_conflict(ctx, conn, actor, &contest, &entry, input)
        })
        .await
    {
        Ok(()) => page.finish(see_other(&format!(
            "/contests/{}/jury?conflict=1",
            url_escape(&contest_id)
        ))),
        Err(error) => {
            let typed = TypedSheet {
                entry_id: entry_id.clone(),
                reason: Some(form.reason),
                ..Default::default()
            };
            let extra = JuryPageState {
                typed: Some(typed),
                error: Some(error),
                notice: None,
            };
            render_jury(&state, &page, contest_id, Selection::Entry(entry_id), extra).await
        }
    }
}
