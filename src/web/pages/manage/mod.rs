//! The pages of brand members and admins: the organisation dashboard, the contest editor,
//! funding, opening, the jury, announcements, disqualification, award, payouts.
//!
//! Every handler runs the same use case as the JSON API; these pages only turn forms into its
//! input and its answers (and errors) into HTML, in the reader's language. One file per
//! journey: [`dashboard`], [`editor`] (with the form it reads, [`editor_form`]), [`contest`]
//! (the management page) and [`actions`] (its forms), [`admin`].

mod actions;
mod admin;
mod contest;
mod dashboard;
mod editor;
mod editor_form;

use actix_web::{HttpResponse, web};
use serde::Serialize;
use tera::Context;

use crate::app::AppError;
use crate::app::contests::ContestView;
use crate::web::AppState;
use crate::web::i18n;

use super::{Page, PageError, see_other, t};

/// The routes of these pages. Each form of the management page has its own route, with its
/// own typed form; `/contests/{id}/manage/{action}` (and `/admin/{kind}/{id}`), registered
/// after them, answers any other action with the not-found page, as it always did.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(dashboard::dashboard))
        .route(
            "/organizations/new",
            web::post().to(dashboard::create_organization),
        )
        .service(
            web::resource("/contests/new")
                .route(web::get().to(editor::new_contest_form))
                .route(web::post().to(editor::new_contest_submit)),
        )
        .service(
            web::resource("/contests/{id}/edit")
                .route(web::get().to(editor::edit_form))
                .route(web::post().to(editor::edit_submit)),
        )
        .route("/contests/{id}/manage", web::get().to(contest::manage));
    actions::routes(cfg);
    cfg.route(
        "/contests/{id}/manage/ideas/{idea}/disqualify",
        web::post().to(actions::disqualify),
    )
    .service(
        web::resource("/contests/{id}/open")
            .route(web::get().to(contest::open_form))
            .route(web::post().to(actions::open_submit)),
    )
    .route("/admin", web::get().to(admin::admin));
    admin::routes(cfg);
}

/// Answers a use case's refusal that is about the page itself (not found, signed out).
///
/// Kept for `pages/insight.rs`, which has not moved to the kit yet; the pages of this module
/// answer through the kit's one mapping ([`Page::refusal`], [`Page::error`]).
pub(super) fn refusal(page: &Page, state: &AppState, error: &AppError) -> Option<HttpResponse> {
    match error {
        AppError::NotFound(_) => Some(page.not_found(&state.tera)),
        AppError::Forbidden(_) if page.user.is_some() => Some(page.refused(
            &state.tera,
            &page.t("error_forbidden"),
            actix_web::http::StatusCode::FORBIDDEN,
        )),
        AppError::Unauthorized(_) => Some(page.require_user().err().unwrap_or_else(|| {
            page.finish(see_other(&format!(
                "/login?next={}",
                super::url_escape(&page.path)
            )))
        })),
        _ => None,
    }
}

/// The error a page shows again on its form, or the answer when the error is about the page
/// itself ([`Page::refusal`]: not found, signed out, forbidden).
fn shown_error(page: &Page, state: &AppState, error: AppError) -> Result<AppError, HttpResponse> {
    let error = PageError::App(error);
    if let Some(answer) = page.refusal(&state.tera, &error) {
        return Err(answer);
    }
    match error {
        PageError::App(error) => Ok(error),
        PageError::NotFound => Err(page.not_found(&state.tera)),
    }
}

/// `context` with the fields of a view struct added at its top level (a view struct always
/// serialises to a map, so nothing is ever left out).
fn with_view(mut context: Context, view: &impl Serialize) -> Context {
    match Context::from_serialize(view) {
        Ok(fields) => context.extend(fields),
        Err(error) => tracing::error!(error = ?error, "page view is not a map"),
    }
    context
}

/// A contest as the dashboard lists it (and the manage and open pages head it).
#[derive(Debug, Serialize)]
struct ContestRow {
    id: String,
    title: String,
    phase: &'static str,
    phase_label: String,
    prize_pool: String,
    funded: String,
    fully_funded: bool,
}

impl ContestRow {
    fn of(contest: &ContestView, lang: &str) -> ContestRow {
        ContestRow {
            id: contest.id.clone(),
            title: contest.title.clone(),
            phase: contest.phase.as_str(),
            phase_label: t(lang, &format!("phase_{}", contest.phase.as_str())),
            prize_pool: i18n::money(contest.prize_pool_cents, &contest.currency, lang),
            funded: i18n::money(contest.funded_cents, &contest.currency, lang),
            fully_funded: contest.funded_cents >= contest.prize_pool_cents,
        }
    }
}
