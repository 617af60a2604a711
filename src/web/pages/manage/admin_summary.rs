//! The summary step of the admins' forms (issue 19): before a funding is confirmed or a
//! payout recorded paid, the admin reads what they are about to attest (the contest, the
//! brand, the amount, the reference; for a payout, where the payee asked to be paid) and
//! confirms it. A form posted without that confirmation shows this summary and changes
//! nothing.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;

use crate::app::{AppError, fundings, payout_details};
use crate::domain::banking;
use crate::web::i18n;

use super::super::t;
use super::{Posted, render_view};

/// What the summary shows, for a funding or a payout.
#[derive(Debug, Serialize)]
struct Summary {
    /// `funding` or `payout`: the form it confirms, `/admin/<kind>s/{id}`.
    kind: &'static str,
    id: String,
    contest_id: String,
    contest_title: String,
    brand: String,
    amount: String,
    /// A funding: the amount and currency the confirmation names.
    amount_cents: i64,
    currency: String,
    /// A funding: the reference the brand recorded, and the contest's own.
    reference: String,
    expected_reference: String,
    reference_matches: bool,
    recorded_at: String,
    /// A payout: its reason, its payee, where they asked to be paid.
    reason_label: String,
    recipient: String,
    details_kind: String,
    details_iban: String,
    details_other: String,
    details_given_at: String,
    /// A payout: the transfer's reference typed so far.
    input_reference: String,
    /// Whether it is still to be done (a confirmed funding or a paid payout is not).
    pending: bool,
}

/// The summary of the funding `p.id`, before its confirmation; `amount_cents` and `currency`
/// are what the admin's page named (they travel on, so that the confirmation still checks them).
pub(super) async fn funding(p: Posted, amount_cents: String, currency: String) -> HttpResponse {
    let (actor, id, lang) = (p.page.actor.clone(), p.id.clone(), p.page.lang);
    let view = (p.state)
        .run(move |_, conn| fundings::summary(conn, &actor, &id))
        .await
        .map(|s| {
            let f = s.funding;
            let compact = |r: &str| r.split_whitespace().collect::<String>().to_uppercase();
            Summary {
                kind: "funding",
                reference_matches: compact(&f.reference) == s.expected_reference,
                expected_reference: banking::grouped(&s.expected_reference),
                amount: i18n::money(f.amount_cents, &f.currency, lang),
                amount_cents: amount_cents.trim().parse().unwrap_or(f.amount_cents),
                currency: Some(currency.trim().to_owned())
                    .filter(|c| !c.is_empty())
                    .unwrap_or(f.currency),
                reference: f.reference,
                recorded_at: i18n::date(f.recorded_at, lang),
                pending: f.status == crate::domain::status::FundingStatus::Pending,
                id: f.id,
                contest_id: f.contest_id,
                contest_title: s.contest_title,
                brand: s.brand,
                reason_label: String::new(),
                recipient: String::new(),
                details_kind: String::new(),
                details_iban: String::new(),
                details_other: String::new(),
                details_given_at: String::new(),
                input_reference: String::new(),
            }
        });
    let context = p.page.context();
    render_view(
        &p.page,
        &p.state,
        "manage/admin_confirm.html",
        context,
        view,
        StatusCode::OK,
    )
}

/// The summary of the payout `p.id`, with its payee's details in clear, before it is recorded
/// paid; `error` is the refusal of a reference the admin typed.
pub(super) async fn payout(p: Posted, reference: String, error: Option<AppError>) -> HttpResponse {
    let (actor, id, lang) = (p.page.actor.clone(), p.id.clone(), p.page.lang);
    let view = (p.state)
        .run(move |ctx, conn| payout_details::summary(ctx, conn, &actor, &id))
        .await
        .map(|s| {
            let details = s.details.as_ref();
            Summary {
                kind: "payout",
                amount: i18n::money(s.amount_cents, &s.currency, lang),
                amount_cents: s.amount_cents,
                reason_label: t(lang, &format!("reason_{}", s.reason)),
                details_kind: details.map(|d| d.kind.clone()).unwrap_or_default(),
                details_iban: (details.and_then(|d| d.iban.as_deref()))
                    .map(banking::grouped)
                    .unwrap_or_default(),
                details_other: (details.and_then(|d| d.other.clone())).unwrap_or_default(),
                details_given_at: details
                    .map(|d| i18n::date(d.given_at, lang))
                    .unwrap_or_default(),
                pending: s.status == crate::domain::status::PayoutStatus::Due,
                input_reference: reference,
                currency: s.currency,
                recipient: s.recipient,
                id: s.id,
                contest_id: s.contest_id,
                contest_title: s.contest_title,
                brand: s.brand,
                reference: String::new(),
                expected_reference: String::new(),
                reference_matches: false,
                recorded_at: String::new(),
            }
        });
    let mut context = p.page.context();
    let status = match &error {
        Some(error) => {
            let status = p.page.insert_error(&mut context, error);
            let message = t(lang, "money_reference_invalid");
            context.insert(
                "field_errors",
                &[("reference", message)]
                    .into_iter()
                    .collect::<std::collections::BTreeMap<_, _>>(),
            );
            status
        }
        None => StatusCode::OK,
    };
    render_view(
        &p.page,
        &p.state,
        "manage/admin_confirm.html",
        context,
        view,
        status,
    )
}
