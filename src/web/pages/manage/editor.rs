//! The contest editor (`/contests/new`, `/contests/{id}/edit`): a draft's title, brief and
//! rules, typed into one form ([`Editor`]) and saved by the same use cases as the API.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use crate::app::contests::{ContestPatch, NewContest};
use crate::app::{AppError, contests, organizations};
use crate::domain::lifecycle::Phase;
use crate::web::AppState;

use super::super::{CsrfForm, Page, SignedInPage, field, see_other};
use super::editor_form::Editor;
use super::with_view;

/// The fallback policies the editor offers, in the order it lists them.
const POLICIES: [&str; 3] = ["best_anyway", "split_top", "split_all"];

/// How sheets may be combined (the rules' `aggregation`), the default first.
const AGGREGATIONS: [&str; 3] = ["mean", "median", "trimmed_mean"];

/// What the editor's template shows.
#[derive(Serialize)]
struct EditorView<'a> {
    editor: &'a Editor,
    /// Where the form posts.
    action: &'a str,
    organization_id: &'a str,
    /// Each fallback policy with its label.
    policies: Vec<(String, String)>,
    /// Each way of combining sheets with its name and what it does.
    aggregations: Vec<(String, String, String)>,
    /// Whether the optional judging structure is shown open: the form declares some of it,
    /// or has a problem with it.
    structure_open: bool,
}

fn editor_context(page: &Page, editor: &Editor, action: &str, organization: &str) -> Context {
    let view = EditorView {
        editor,
        action,
        organization_id: organization,
        policies: POLICIES
            .iter()
            .map(|p| (p.to_string(), page.t(&format!("editor_policy_{p}"))))
            .collect(),
        aggregations: AGGREGATIONS
            .iter()
            .map(|a| {
                let name = page.t(&format!("editor_aggregation_{a}_name"));
                (
                    a.to_string(),
                    name,
                    page.t(&format!("editor_aggregation_{a}")),
                )
            })
            .collect(),
        structure_open: editor.structure_open(),
    };
    with_view(page.context(), &view)
}

#[derive(Debug, Deserialize)]
pub(crate) struct OrganizationQuery {
    organization: Option<String>,
}

pub(crate) async fn new_contest_form(
    state: web::Data<AppState>,
    page: SignedInPage,
    query: web::Query<OrganizationQuery>,
) -> HttpResponse {
    let actor = page.actor.clone();
    let mine = match state
        .run(move |_, conn| organizations::mine(conn, &actor))
        .await
    {
        Ok(mine) => mine,
        Err(error) => return page.error(&state.tera, error),
    };
    let organization = query
        .organization
        .clone()
        .filter(|id| mine.iter().any(|o| &o.id == id))
        .or_else(|| mine.first().map(|o| o.id.clone()));
    let Some(organization) = organization else {
        // No organisation yet: the dashboard is where one is created.
        return page.finish(see_other("/dashboard"));
    };
    let editor = Editor::new_contest(state.ctx.now());
    let context = editor_context(&page, &editor, "/contests/new", &organization);
    page.render(&state.tera, "manage/editor.html", &context)
}

/// Runs the editor's save (create or update) and answers with the next page, or the editor
/// again with every problem on its input, once, in the reader's language, and the summary.
async fn save_editor(
    state: &AppState,
    page: &Page,
    form: &HashMap<String, String>,
    contest_id: Option<String>,
) -> HttpResponse {
    let mut editor = Editor::from_form(form);
    let (rules, rows) = editor.rules();
    let title = editor.value("title").to_owned();
    let brief = editor.value("brief").to_owned();
    let organization = field(form, "organization_id").to_owned();
    let actor = page.actor.clone();
    let updating = contest_id.is_some();
    let action = match &contest_id {
        Some(id) => format!("/contests/{id}/edit"),
        None => "/contests/new".to_owned(),
    };
    let result = {
        let organization = organization.clone();
        state
            .run(move |ctx, conn| match contest_id {
                Some(id) => contests::update(
                    ctx,
                    conn,
                    &actor,
                    &id,
                    ContestPatch {
                        title: Some(title),
                        brief: Some(brief),
                        rules: Some(rules),
                    },
                ),
                None => contests::create(
                    ctx,
                    conn,
                    &actor,
                    NewContest {
                        organization_id: organization,
                        title,
                        brief,
                        rules,
                    },
                ),
            })
            .await
    };
    // An amount the form could not read went on as text, which the rules refuse: a save
    // that succeeds had every amount right. A new draft goes on to its management page (where
    // it is opened); a saved draft comes back to the editor, saying so.
    match result {
        Ok(contest) if updating => page.finish(see_other(&format!(
            "/contests/{}/edit?done=saved",
            contest.id
        ))),
        Ok(contest) => page.finish(see_other(&format!("/contests/{}/manage", contest.id))),
        Err(AppError::Validation(errors)) => {
            editor.place_errors(page.lang, &errors, &rows);
            let context = editor_context(page, &editor, &action, &organization);
            page.render_status(
                &state.tera,
                "manage/editor.html",
                &context,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(error) => {
            let context = editor_context(page, &editor, &action, &organization);
            page.error_on(&state.tera, "manage/editor.html", context, error)
        }
    }
}

/// The editor's form is a map: its criteria and prizes are rows named at run time (see
/// [`super::editor_form`]).
pub(crate) async fn new_contest_submit(
    state: web::Data<AppState>,
    page: SignedInPage,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    save_editor(&state, &page, &form, None).await
}

/// `?done=saved`: the editor after a save says so.
#[derive(Debug, Deserialize)]
pub(crate) struct DoneQuery {
    done: Option<String>,
}

pub(crate) async fn edit_form(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> HttpResponse {
    let (actor, id) = (page.actor.clone(), id.into_inner());
    let loaded = state
        .run(move |ctx, conn| {
            let shown = contests::show(ctx, conn, &actor, &id)?;
            // Only members edit; the editor says so before anyone types.
            Ok((shown, contests::find_managed(conn, &actor, &id)?))
        })
        .await;
    match loaded {
        Ok((contest, _)) if contest.phase != Phase::Draft => {
            page.finish(see_other(&format!("/contests/{}/manage", contest.id)))
        }
        Ok((contest, stored)) => {
            let editor = Editor::of_contest(&contest);
            let action = format!("/contests/{}/edit", contest.id);
            let mut context = editor_context(&page, &editor, &action, &stored.organization_id);
            // Only a known key shows a notice.
            context.insert("saved", &(query.done.as_deref() == Some("saved")));
            context.insert("manage_path", &format!("/contests/{}/manage", contest.id));
            page.render(&state.tera, "manage/editor.html", &context)
        }
        Err(error) => page.error(&state.tera, error),
    }
}

pub(crate) async fn edit_submit(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    save_editor(&state, &page, &form, Some(id.into_inner())).await
}
