//! The admins' page (`/admin`): fundings waiting for their confirmation that the money
//! arrived, and payouts due, which they record as paid with the transfer's reference. Each
//! form first shows a summary (the funding's contest, brand, amount and reference; the payout's
//! payee details, amount and reason) and acts only when that summary's `confirm` comes back.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use crate::app::{AppResult, award, contests, fundings, payout_details};
use crate::web::AppState;
use crate::web::i18n;

use super::super::{CsrfForm, Page, SignedInPage, see_other, t};
use super::{Posted, render_view, shown_error};

#[derive(Debug, Serialize)]
struct PendingFunding {
    id: String,
    contest_id: String,
    contest_title: String,
    amount: String,
    /// What the admin sees is what the confirmation names (minor units and currency).
    amount_cents: i64,
    currency: String,
    reference: String,
    recorded_at: String,
}

#[derive(Debug, Serialize)]
struct DueRow {
    id: String,
    contest_id: String,
    contest_title: String,
    recipient: String,
    amount: String,
    reason_label: String,
    /// Whether the payee said where to send it.
    details_given: bool,
}

/// What the admins' page shows.
#[derive(Debug, Serialize)]
struct AdminView {
    pending: Vec<PendingFunding>,
    due: Vec<DueRow>,
    /// The funding or payout whose form failed (`""` when none did), and what it typed.
    error_id: String,
    input_reference: String,
}

/// Renders the admins' page; `context` carries the error of a failed form, `failed_id` and
/// `reference` which form it was and what it typed.
async fn render_admin(
    state: &AppState,
    page: &Page,
    (failed_id, reference): (String, String),
    context: Context,
    status: StatusCode,
) -> HttpResponse {
    let (actor, lang) = (page.actor.clone(), page.lang);
    let view = state
        .run(move |ctx, conn| {
            let mut pending = Vec::new();
            for f in fundings::pending(conn, &actor)? {
                let contest = contests::show(ctx, conn, &actor, &f.contest_id)?;
                pending.push(PendingFunding {
                    id: f.id,
                    contest_id: contest.id,
                    contest_title: contest.title,
                    // In the funding's own currency: what the bank should show.
                    amount: i18n::money(f.amount_cents, &f.currency, lang),
                    amount_cents: f.amount_cents,
                    currency: f.currency,
                    reference: f.reference,
                    recorded_at: i18n::date(f.recorded_at, lang),
                });
            }
            let given = payout_details::given(conn, &actor)?;
            let due = award::payouts_due(conn, &actor)?
                .into_iter()
                .map(|d| DueRow {
                    details_given: given.contains_key(&d.payout.id),
                    id: d.payout.id,
                    contest_id: d.contest_id,
                    contest_title: d.contest_title,
                    recipient: d.payout.recipient,
                    amount: i18n::money(d.payout.amount_cents, &d.currency, lang),
                    reason_label: t(lang, &format!("reason_{}", d.payout.reason)),
                })
                .collect();
            Ok(AdminView {
                pending,
                due,
                error_id: failed_id,
                input_reference: reference,
            })
        })
        .await;
    render_view(page, state, "manage/admin.html", context, view, status)
}

/// The success notices of the admins' page (`?done=…`); any other shows nothing.
const NOTICES: [&str; 2] = ["funding_confirmed", "payout_paid"];

#[derive(Debug, Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: Option<String>,
}

pub(crate) async fn admin(
    state: web::Data<AppState>,
    page: SignedInPage,
    done: web::Query<Done>,
) -> HttpResponse {
    let nothing_failed = (String::new(), String::new());
    let mut context = page.context();
    let done = done.done.as_deref().filter(|d| NOTICES.contains(d));
    context.insert("done", done.unwrap_or_default());
    render_admin(&state, &page, nothing_failed, context, StatusCode::OK).await
}

/// Back to the admins' page, or that page again with the error next to the form that
/// failed, with the `reference` it typed.
async fn finish(
    posted: Posted,
    reference: String,
    result: AppResult<()>,
    done: &str,
) -> HttpResponse {
    let Posted { state, page, id } = posted;
    let error = match result {
        Ok(()) => return page.finish(see_other(&format!("/admin?done={done}"))),
        Err(error) => match shown_error(&page, &state, error) {
            Ok(error) => error,
            Err(answer) => return answer,
        },
    };
    let mut context = page.context();
    context.insert("done", "");
    let status = page.insert_error(&mut context, &error);
    render_admin(&state, &page, (id, reference), context, status).await
}

/// The confirmation that a funding arrived. It names the amount and currency the admin was
/// shown; a funding that no longer matches them is refused.
#[derive(Debug, Deserialize)]
pub(crate) struct ConfirmationForm {
    #[serde(default)]
    amount_cents: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    reference: String,
    /// `yes` from the summary step; without it the summary is shown and nothing changes.
    #[serde(default)]
    confirm: String,
}

/// The reference of the transfer that paid a payout.
#[derive(Debug, Deserialize)]
pub(crate) struct PaidForm {
    #[serde(default)]
    reference: String,
    /// `yes` from the summary step; without it the summary is shown and nothing changes.
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/fundings/{id}` confirms a funding, once its summary was confirmed.
pub(crate) async fn confirm_funding(p: Posted, form: CsrfForm<ConfirmationForm>) -> HttpResponse {
    let (form, actor, funding) = (form.into_inner(), p.page.actor.clone(), p.id.clone());
    if form.confirm != "yes" {
        return super::admin_summary::funding(p, form.amount_cents, form.currency).await;
    }
    let confirmation = fundings::Confirmation {
        amount_cents: form.amount_cents.trim().parse().ok(),
        currency: Some(form.currency.trim().to_owned()).filter(|c| !c.is_empty()),
    };
    let result = (p.state)
        .run(move |ctx, conn| {
            fundings::confirm(ctx, conn, &actor, &funding, confirmation).map(drop)
        })
        .await;
    finish(p, form.reference, result, "funding_confirmed").await
}

/// `POST /admin/payouts/{id}` records a payout as paid, with the transfer's reference.
pub(crate) async fn mark_paid(p: Posted, form: CsrfForm<PaidForm>) -> HttpResponse {
    let PaidForm { reference, confirm } = form.into_inner();
    if confirm != "yes" {
        return super::admin_summary::payout(p, reference, None).await;
    }
    let (actor, payout) = (p.page.actor.clone(), p.id.clone());
    let paid = award::PaidRequest {
        reference: reference.clone(),
    };
    let result = (p.state)
        .run(move |ctx, conn| award::mark_paid(ctx, conn, &actor, &payout, paid).map(drop))
        .await;
    match result {
        // A refused reference is shown again on the summary, beside its field.
        Err(error @ crate::app::AppError::Validation(_)) => {
            super::admin_summary::payout(p, reference, Some(error)).await
        }
        result => finish(p, reference, result, "payout_paid").await,
    }
}

/// Any other kind: not found, once the reader is known and the form's token checked.
pub(crate) async fn unknown_kind(
    p: Posted,
    _form: CsrfForm<HashMap<String, String>>,
) -> HttpResponse {
    p.page.not_found(&p.state.tera)
}
