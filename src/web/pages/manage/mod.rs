//! The pages of brand members and admins: the organisation dashboard, the contest editor,
//! funding, opening, the jury, announcements, disqualification, award, payouts.
//!
//! Every handler runs the same use case as the JSON API; these pages only turn forms into its
//! input and its answers (and errors) into HTML, in the reader's language. One file per
//! journey: [`dashboard`], [`editor`] (with the form it reads, [`editor_form`]), [`contest`]
//! (the management page) and [`actions`] (its forms), [`admin`].

pub(crate) mod actions;
pub(crate) mod admin;
mod admin_summary;
pub(crate) mod contest;
pub(crate) mod dashboard;
pub(crate) mod editor;
mod editor_form;

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use serde::Serialize;
use tera::Context;

use crate::app::contests::ContestView;
use crate::app::{AppError, AppResult};
use crate::web::AppState;
use crate::web::i18n;

use super::{Page, PageError, SignedInPage, t};

/// The error a page shows again on its form, or the answer when the error is about the page
/// itself ([`Page::refusal`]: not found, signed out, forbidden).
#[expect(
    clippy::result_large_err,
    reason = "the answer is what the handler returns at once"
)]
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

/// The page `template` showing `view` on top of `context`, with `status`; or, when the view
/// could not be loaded, the page for that error.
fn render_view(
    page: &Page,
    state: &AppState,
    template: &str,
    context: Context,
    view: AppResult<impl Serialize>,
    status: StatusCode,
) -> HttpResponse {
    match view {
        Ok(view) => page.render_status(&state.tera, template, &with_view(context, &view), status),
        Err(error) => page.error(&state.tera, error),
    }
}

/// A form's request on these pages: the reader (signed in, else sent to sign in) and what the
/// path names by `{id}` (the contest, the funding, the payout).
pub(crate) struct Posted {
    state: web::Data<AppState>,
    page: SignedInPage,
    id: String,
}

impl FromRequest for Posted {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Posted, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let page = SignedInPage::from_request(req, payload);
        let state = web::Data::<AppState>::extract(req);
        let id = req.match_info().get("id").unwrap_or_default().to_owned();
        Box::pin(async move {
            let page = page.await?;
            let state = state.await?;
            Ok(Posted { state, page, id })
        })
    }
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
        let (phase, money) = (contest.phase.as_str(), |cents| {
            i18n::money(cents, &contest.currency, lang)
        });
        ContestRow {
            fully_funded: contest.funded_cents >= contest.prize_pool_cents,
            prize_pool: money(contest.prize_pool_cents),
            funded: money(contest.funded_cents),
            phase_label: t(lang, &format!("phase_{phase}")),
            phase,
            title: contest.title.clone(),
            id: contest.id.clone(),
        }
    }
}
