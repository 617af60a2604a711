//! The forms of the management page, each posted to `/contests/{id}/manage/<section>` with
//! its own typed form: funding, the jury and its settings, the reminder, announcements, the
//! award; disqualifying an idea; opening the contest. A form that succeeds goes back to its
//! section (or where it leads); one that fails shows the page again with the error in its
//! section and what was typed.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::fundings::NewFunding;
use crate::app::jury::{Disqualification, JurySettings, NewJuror};
use crate::app::{AppError, AppResult, announcements, award, contests, fundings, jury};
use crate::domain::money::Money;
use crate::web::AppState;

use super::super::{CsrfForm, Page, SignedInPage, see_other};
use super::contest::{Section, Typed, render_manage};
use super::shown_error;

/// The routes of the forms with a section of their own, then the one that answers any other
/// `{action}` (registered last, so that it only gets what the others do not match).
pub(super) fn routes(cfg: &mut web::ServiceConfig) {
    let path = |section: Section| format!("/contests/{{id}}/manage/{}", section.as_str());
    cfg.route(&path(Section::Fundings), web::post().to(record_funding))
        .route(&path(Section::Jurors), web::post().to(invite_juror))
        .route(&path(Section::JurySettings), web::post().to(configure_jury))
        .route(&path(Section::Remind), web::post().to(remind))
        .route(&path(Section::Announcements), web::post().to(announce))
        .route(&path(Section::Award), web::post().to(award))
        .route(
            "/contests/{id}/manage/{action}",
            web::post().to(unknown_action),
        );
}

/// Where a form of `section` leads: back to its section, or the page again with its error.
async fn finish(
    state: &AppState,
    page: &Page,
    id: String,
    section: Section,
    typed: Typed,
    result: AppResult<()>,
) -> HttpResponse {
    let error = match result {
        Ok(()) if section == Section::Award => {
            return page.finish(see_other(&format!("/contests/{id}/results")));
        }
        Ok(()) => {
            let anchor = section.as_str();
            return page.finish(see_other(&format!("/contests/{id}/manage#{anchor}")));
        }
        Err(error) => match shown_error(page, state, error) {
            Ok(error) => error,
            Err(answer) => return answer,
        },
    };
    let mut context = page.context();
    let status = page.insert_error(&mut context, &error);
    let typed = Typed {
        error_section: section.as_str(),
        ..typed
    };
    render_manage(state, page, id, typed, context, status).await
}

/// A funding recorded by the brand: an amount typed in the contest's currency, and the bank
/// transfer's reference.
#[derive(Debug, Deserialize)]
pub(super) struct FundingForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
}

pub(super) async fn record_funding(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<FundingForm>,
) -> HttpResponse {
    let (id, FundingForm { amount, reference }) = (id.into_inner(), form.into_inner());
    let typed = Typed {
        input_amount: amount.clone(),
        input_reference: reference.clone(),
        ..Typed::default()
    };
    let (actor, contest_id) = (page.actor.clone(), id.clone());
    let invalid = page.t("editor_amount_invalid");
    let result = state
        .run(move |ctx, conn| {
            // Typed in the contest's currency, as the page shows it.
            let currency = contests::show(ctx, conn, &actor, &contest_id)?.currency;
            let amount_cents = Money::parse(&amount, &currency)
                .ok_or_else(|| AppError::field("amount_cents", invalid))?
                .cents();
            let funding = NewFunding {
                amount_cents,
                reference,
                currency: Some(currency),
            };
            fundings::record(ctx, conn, &actor, &contest_id, funding).map(drop)
        })
        .await;
    finish(&state, &page, id, Section::Fundings, typed, result).await
}

/// A juror invited by email.
#[derive(Debug, Deserialize)]
pub(super) struct JurorForm {
    #[serde(default)]
    email: String,
}

pub(super) async fn invite_juror(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<JurorForm>,
) -> HttpResponse {
    let (id, email) = (id.into_inner(), form.into_inner().email);
    let typed = Typed {
        input_email: email.clone(),
        ..Typed::default()
    };
    let (actor, contest_id) = (page.actor.clone(), id.clone());
    let result = state
        .run(move |ctx, conn| {
            jury::invite(ctx, conn, &actor, &contest_id, NewJuror { email }).map(drop)
        })
        .await;
    finish(&state, &page, id, Section::Jurors, typed, result).await
}

/// How many jurors score each entry; empty for all of them.
#[derive(Debug, Deserialize)]
pub(super) struct JurySettingsForm {
    #[serde(default)]
    reviews_per_entry: String,
}

pub(super) async fn configure_jury(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<JurySettingsForm>,
) -> HttpResponse {
    let id = id.into_inner();
    let value = form.reviews_per_entry.trim();
    let reviews_per_entry = if value.is_empty() {
        Ok(None)
    } else {
        value.parse::<u32>().map(Some).map_err(|_| {
            AppError::field("reviews_per_entry", page.t("manage_reviews_invalid"))
        })
    };
    let result = match reviews_per_entry {
        Err(error) => Err(error),
        Ok(reviews_per_entry) => {
            let (actor, contest_id) = (page.actor.clone(), id.clone());
            let settings = JurySettings { reviews_per_entry };
            state
                .run(move |ctx, conn| {
                    jury::configure(ctx, conn, &actor, &contest_id, settings).map(drop)
                })
                .await
        }
    };
    let typed = Typed::default();
    finish(&state, &page, id, Section::JurySettings, typed, result).await
}

/// Reminds the jurors who have not finished scoring.
pub(super) async fn remind(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    _form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let id = id.into_inner();
    let (actor, contest_id) = (page.actor.clone(), id.clone());
    let result = state
        .run(move |ctx, conn| jury::remind(ctx, conn, &actor, &contest_id).map(drop))
        .await;
    finish(&state, &page, id, Section::Remind, Typed::default(), result).await
}

/// An announcement to everyone who follows the contest.
#[derive(Debug, Deserialize)]
pub(super) struct AnnouncementForm {
    #[serde(default)]
    body: String,
}

pub(super) async fn announce(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<AnnouncementForm>,
) -> HttpResponse {
    let (id, body) = (id.into_inner(), form.into_inner().body);
    let typed = Typed {
        input_body: body.clone(),
        ..Typed::default()
    };
    let (actor, contest_id) = (page.actor.clone(), id.clone());
    let announcement = announcements::NewAnnouncement { body };
    let result = state
        .run(move |ctx, conn| {
            announcements::publish(ctx, conn, &actor, &contest_id, announcement).map(drop)
        })
        .await;
    finish(&state, &page, id, Section::Announcements, typed, result).await
}

/// The award, by hand (the scheduler awards at the judging deadline otherwise).
pub(super) async fn award(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    _form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    let id = id.into_inner();
    let (actor, contest_id) = (page.actor.clone(), id.clone());
    let result = state
        .run(move |ctx, conn| {
            award::award(ctx, conn, &actor, &contest_id, award::Trigger::Manual).map(drop)
        })
        .await;
    finish(&state, &page, id, Section::Award, Typed::default(), result).await
}

/// Any other action: not found, once the reader is known and the form's token checked (as
/// for every form of the page).
pub(super) async fn unknown_action(
    state: web::Data<AppState>,
    page: SignedInPage,
    _form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    page.not_found(&state.tera)
}

/// Why an idea is disqualified (shown to its author).
#[derive(Debug, Deserialize)]
pub(super) struct DisqualifyForm {
    #[serde(default)]
    reason: String,
}

pub(super) async fn disqualify(
    state: web::Data<AppState>,
    page: SignedInPage,
    path: web::Path<(String, String)>,
    form: CsrfForm<DisqualifyForm>,
) -> HttpResponse {
    let ((id, idea), reason) = (path.into_inner(), form.into_inner().reason);
    let typed = Typed {
        input_reason: reason.clone(),
        input_idea: idea.clone(),
        ..Typed::default()
    };
    let actor = page.actor.clone();
    let result = state
        .run(move |ctx, conn| {
            jury::disqualify(ctx, conn, &actor, &idea, Disqualification { reason }).map(drop)
        })
        .await;
    finish(&state, &page, id, Section::Ideas, typed, result).await
}

/// The confirmation that opening freezes the rules.
#[derive(Debug, Deserialize)]
pub(super) struct OpenForm {
    #[serde(default)]
    confirm: String,
}

pub(super) async fn open_submit(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<OpenForm>,
) -> HttpResponse {
    let id = id.into_inner();
    if form.confirm.is_empty() {
        let mut context = page.context();
        context.insert("error", &page.t("open_confirm_missing"));
        context.insert("field_errors", &HashMap::<String, String>::new());
        let typed = Typed {
            error_section: Section::Open.as_str(),
            ..Typed::default()
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_manage(&state, &page, id, typed, context, status).await;
    }
    let (actor, contest_id) = (page.actor.clone(), id.clone());
    let result = state
        .run(move |ctx, conn| contests::open(ctx, conn, &actor, &contest_id).map(drop))
        .await;
    match result {
        Ok(()) => page.finish(see_other(&format!("/contests/{id}"))),
        Err(error) => finish(&state, &page, id, Section::Open, Typed::default(), Err(error)).await,
    }
}
