//! The forms of the management page, each posted to `/contests/{id}/manage/<section>` with
//! its own typed form: funding, the jury and its settings, the reminder, announcements, the
//! award; disqualifying an idea; opening the contest. A form that succeeds goes back to its
//! section (or where it leads); one that fails shows the page again with the error in its
//! section and what was typed.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::access::Actor;
use crate::app::fundings::NewFunding;
use crate::app::jury::{Disqualification, JurySettings, NewJuror};
use crate::app::{AppError, AppResult, announcements, award, contests, fundings, jury};
use crate::domain::money::Money;

use super::super::{CsrfForm, see_other};

use super::contest::{Section, Step, Typed, render_manage, render_open};
use super::{Posted, shown_error};

/// A funding recorded by the brand: an amount typed in the contest's currency, and the bank
/// transfer's reference.
#[derive(Debug, Deserialize)]
pub(crate) struct FundingForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
}

/// A juror invited by email.
#[derive(Debug, Deserialize)]
pub(crate) struct JurorForm {
    #[serde(default)]
    email: String,
    /// The track the juror scores (a panel per track); empty: every entry.
    #[serde(default)]
    track: String,
}

/// How many jurors score each entry; empty for all of them.
#[derive(Debug, Deserialize)]
pub(crate) struct JurySettingsForm {
    #[serde(default)]
    reviews_per_entry: String,
}

/// An announcement to everyone who follows the contest.
#[derive(Debug, Deserialize)]
pub(crate) struct AnnouncementForm {
    #[serde(default)]
    body: String,
    /// Set by the preview's "Send": without it, the announcement is only previewed.
    #[serde(default)]
    send: String,
    /// Set by the preview's "Edit": the text back in its form.
    #[serde(default)]
    edit: String,
}

/// Why an idea is disqualified (shown to its author).
#[derive(Debug, Deserialize)]
pub(crate) struct DisqualifyForm {
    #[serde(default)]
    reason: String,
    /// Set by the confirmation step: without it, nothing changes and the step is asked.
    #[serde(default)]
    confirm: String,
}

/// The confirmation that opening freezes the rules.
#[derive(Debug, Deserialize)]
pub(crate) struct OpenForm {
    #[serde(default)]
    confirm: String,
}

/// A form with nothing in it but its token (the reminder, the award).
type NoFields = HashMap<String, String>;

impl Posted {
    /// The reader and the contest, for a use case.
    fn ids(&self) -> (Actor, String) {
        (self.page.actor.clone(), self.id.clone())
    }

    /// Where a form of `section` leads: back to its section, or the page again with its
    /// error and what was typed.
    async fn finish(self, section: Section, typed: Typed, result: AppResult<()>) -> HttpResponse {
        let Posted { state, page, id } = self;
        let error = match result {
            Ok(()) => {
                let (done, anchor) = section.done();
                let to = format!("/contests/{id}/manage?done={done}#{anchor}");
                return page.finish(see_other(&to));
            }
            Err(error) => match shown_error(&page, &state, error) {
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
        render_manage(&state, &page, id, typed, context, status).await
    }

    /// The page again with `step` (a confirmation, a preview) asked first, nothing changed.
    async fn ask(self, typed: Typed) -> HttpResponse {
        let context = self.page.context();
        render_manage(
            &self.state,
            &self.page,
            self.id,
            typed,
            context,
            StatusCode::OK,
        )
        .await
    }
}

pub(crate) async fn record_funding(m: Posted, form: CsrfForm<FundingForm>) -> HttpResponse {
    let FundingForm { amount, reference } = form.into_inner();
    let typed = Typed {
        input_amount: amount.clone(),
        input_reference: reference.clone(),
        ..Typed::default()
    };
    let ((actor, id), invalid) = (m.ids(), m.page.t("editor_amount_invalid"));
    let result = m
        .state
        .run(move |ctx, conn| {
            // Typed in the contest's currency, as the page shows it.
            let currency = contests::show(ctx, conn, &actor, &id)?.currency;
            let amount_cents = Money::parse(&amount, &currency)
                .ok_or_else(|| AppError::field("amount_cents", invalid))?
                .cents();
            let funding = NewFunding {
                amount_cents,
                reference,
                currency: Some(currency),
            };
            fundings::record(ctx, conn, &actor, &id, funding).map(drop)
        })
        .await;
    m.finish(Section::Fundings, typed, result).await
}

pub(crate) async fn invite_juror(m: Posted, form: CsrfForm<JurorForm>) -> HttpResponse {
    let JurorForm { email, track } = form.into_inner();
    let typed = Typed {
        input_email: email.clone(),
        input_track: track.clone(),
        ..Typed::default()
    };
    let track = Some(track).filter(|t| !t.is_empty());
    let ((actor, id), juror) = (m.ids(), NewJuror { email, track });
    let result = (m.state)
        .run(move |ctx, conn| jury::invite(ctx, conn, &actor, &id, juror).map(drop))
        .await;
    m.finish(Section::Jurors, typed, result).await
}

pub(crate) async fn configure_jury(m: Posted, form: CsrfForm<JurySettingsForm>) -> HttpResponse {
    let value = form.reviews_per_entry.trim();
    let result = match value.parse::<u32>() {
        Err(_) if !value.is_empty() => Err(AppError::field(
            "reviews_per_entry",
            m.page.t("manage_reviews_invalid"),
        )),
        parsed => {
            let settings = JurySettings {
                reviews_per_entry: parsed.ok(),
            };
            let (actor, id) = m.ids();
            (m.state)
                .run(move |ctx, conn| jury::configure(ctx, conn, &actor, &id, settings).map(drop))
                .await
        }
    };
    m.finish(Section::JurySettings, Typed::default(), result)
        .await
}

/// Reminds the jurors who have not finished scoring.
pub(crate) async fn remind(m: Posted, _form: CsrfForm<NoFields>) -> HttpResponse {
    let (actor, id) = m.ids();
    let result = (m.state)
        .run(move |ctx, conn| jury::remind(ctx, conn, &actor, &id).map(drop))
        .await;
    m.finish(Section::Remind, Typed::default(), result).await
}

/// An announcement: previewed first as it will be published and mailed, then sent from the
/// preview ("Send"), or taken back to its form ("Edit").
pub(crate) async fn announce(m: Posted, form: CsrfForm<AnnouncementForm>) -> HttpResponse {
    let AnnouncementForm { body, send, edit } = form.into_inner();
    let typed = Typed {
        input_body: body.clone(),
        ..Typed::default()
    };
    let ((actor, id), news) = (m.ids(), announcements::NewAnnouncement { body });
    if !edit.is_empty() {
        return m
            .ask(Typed {
                step: Step::Edit,
                ..typed
            })
            .await;
    }
    if send.is_empty() {
        let previewed = (m.state)
            .run(move |_, conn| announcements::preview(conn, &actor, &id, news))
            .await;
        return match previewed {
            Ok(body) => {
                m.ask(Typed {
                    step: Step::Announce,
                    input_body: body,
                    ..typed
                })
                .await
            }
            Err(error) => m.finish(Section::Announcements, typed, Err(error)).await,
        };
    }
    let result = (m.state)
        .run(move |ctx, conn| announcements::publish(ctx, conn, &actor, &id, news).map(drop))
        .await;
    m.finish(Section::Announcements, typed, result).await
}

/// The award, by hand (the scheduler awards at the judging deadline otherwise).
/// Asked first ("Award now?"), then done with the confirmation's `confirm`.
pub(crate) async fn award(m: Posted, form: CsrfForm<NoFields>) -> HttpResponse {
    if form.get("confirm").is_none_or(String::is_empty) {
        let step = Step::Award;
        return m
            .ask(Typed {
                step,
                ..Typed::default()
            })
            .await;
    }
    let (actor, id) = m.ids();
    let trigger = award::Trigger::Manual;
    let result = (m.state)
        .run(move |ctx, conn| award::award(ctx, conn, &actor, &id, trigger).map(drop))
        .await;
    m.finish(Section::Award, Typed::default(), result).await
}

/// Any other action: not found, once the reader is known and the form's token checked (as
/// for every form of the page).
pub(crate) async fn unknown_action(m: Posted, _form: CsrfForm<NoFields>) -> HttpResponse {
    m.page.not_found(&m.state.tera)
}

/// `/contests/{id}/manage/ideas/{idea}/disqualify`: asked first, naming the idea and what
/// follows; done only with the confirmation's `confirm`.
pub(crate) async fn disqualify(
    m: Posted,
    idea: web::Path<(String, String)>,
    form: CsrfForm<DisqualifyForm>,
) -> HttpResponse {
    let ((_, idea), DisqualifyForm { reason, confirm }) = (idea.into_inner(), form.into_inner());
    let typed = Typed {
        input_reason: reason.clone(),
        input_idea: idea.clone(),
        ..Typed::default()
    };
    if confirm.is_empty() {
        if reason.trim().is_empty() {
            let missing = AppError::field("reason", m.page.t("guide_reason_missing"));
            return m.finish(Section::Ideas, typed, Err(missing)).await;
        }
        let step = Step::Disqualify;
        return m.ask(Typed { step, ..typed }).await;
    }
    let (actor, why) = (m.page.actor.clone(), Disqualification { reason });
    let result = (m.state)
        .run(move |ctx, conn| jury::disqualify(ctx, conn, &actor, &idea, why).map(drop))
        .await;
    m.finish(Section::Ideas, typed, result).await
}

/// Opening: refused with every failing condition at once, in the guide at the top of the
/// management page; then the confirmation that says what freezes; then the opening.
pub(crate) async fn open_submit(m: Posted, form: CsrfForm<OpenForm>) -> HttpResponse {
    let (actor, id) = m.ids();
    let checked = (m.state)
        .run(move |ctx, conn| contests::checklist(ctx, conn, &actor, &id))
        .await;
    let refusal = match checked {
        Ok(list) => list.and_then(|list| list.refusal()),
        Err(error) => Some(error),
    };
    if let Some(error) = refusal {
        return m.finish(Section::Open, Typed::default(), Err(error)).await;
    }
    if form.confirm.is_empty() {
        let mut context = m.page.context();
        context.insert("error", &m.page.t("open_confirm_missing"));
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_open(&m.state, &m.page, m.id, context, status).await;
    }
    let (actor, id) = m.ids();
    let result = (m.state)
        .run(move |ctx, conn| contests::open(ctx, conn, &actor, &id).map(drop))
        .await;
    m.finish(Section::Open, Typed::default(), result).await
}
