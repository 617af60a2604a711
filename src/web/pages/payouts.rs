//! Money people can act on (issue 19): a winner's payouts and the details they are paid to
//! (`/me/payouts`), and the money panels of a contest's management page (how to pay the escrow,
//! the payouts with their paid date), which [`super::manage::contest`] shows.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use crate::app::contests::ContestView;
use crate::app::payout_details::{self, GivenDetails, MyPayout};
use crate::app::{AppError, AppResult, Ctx, fundings};
use crate::domain::banking;
use crate::domain::lifecycle::Phase;
use crate::domain::money;
use crate::domain::status::PayoutStatus;
use crate::store::DbConnection;
use crate::web::AppState;
use crate::web::i18n;

use super::{CsrfForm, Page, SignedInPage, see_other, t};

/// A payout of the brand's panel: its status and paid date, never where it goes.
#[derive(Debug, Serialize)]
struct BrandPayoutRow {
    recipient: String,
    amount: String,
    reason_label: String,
    status_label: String,
    paid_at: String,
}

/// The money panels of the management page: how to pay the escrow, and the payouts.
#[derive(Debug, Serialize)]
pub(crate) struct MoneyPanel {
    /// The escrow account from `payments.bank_details`, as is (empty: ask the administrators).
    bank_details: String,
    /// The contest's structured reference, printed in groups of four.
    reference: String,
    /// What the escrow still lacks beyond the transfers recorded, as the funding form reads it
    /// ("" when nothing).
    missing_input: String,
    payouts: Vec<BrandPayoutRow>,
}

impl MoneyPanel {
    /// The panels of `contest` for a member (or an admin) of its brand.
    pub(crate) fn load(
        ctx: &Ctx,
        conn: &mut DbConnection,
        actor: &crate::app::access::Actor,
        contest: &ContestView,
        lang: &'static str,
    ) -> AppResult<MoneyPanel> {
        // What neither confirmed nor recorded transfers cover yet: what is left to send.
        let pending: i64 = (fundings::of_contest(conn, actor, &contest.id)?.iter())
            .filter(|f| {
                f.status == crate::domain::status::FundingStatus::Pending
                    && f.currency == contest.currency
            })
            .map(|f| f.amount_cents)
            .sum();
        let missing = (contest.prize_pool_cents - contest.funded_cents - pending).max(0);
        let payouts = if contest.phase == Phase::Awarded {
            payout_details::of_contest(conn, actor, &contest.id)?
        } else {
            Vec::new()
        };
        Ok(MoneyPanel {
            bank_details: ctx.settings.payments.bank_details.trim().to_owned(),
            reference: banking::grouped(&fundings::escrow_reference(&contest.id)),
            missing_input: if missing > 0 {
                money::input_value(missing, &contest.currency)
            } else {
                String::new()
            },
            payouts: payouts
                .into_iter()
                .map(|p| BrandPayoutRow {
                    recipient: p.recipient,
                    amount: i18n::money(p.amount_cents, &contest.currency, lang),
                    reason_label: t(lang, &format!("reason_{}", p.reason)),
                    status_label: t(lang, &format!("status_{}", p.status.as_str())),
                    paid_at: p.paid_at.map(|at| i18n::date(at, lang)).unwrap_or_default(),
                })
                .collect(),
        })
    }
}

/// A payout of `/me/payouts`.
#[derive(Debug, Serialize)]
struct MyPayoutRow {
    id: String,
    contest_id: String,
    contest_title: String,
    amount: String,
    reason_label: String,
    paid: bool,
    status_label: String,
    paid_at: String,
    paid_reference: String,
    /// What was given, as shown back to the payee ("" when nothing yet).
    details_kind: String,
    details_iban: String,
    details_other: String,
    details_given_at: String,
}

impl MyPayoutRow {
    fn of(p: MyPayout, lang: &str) -> MyPayoutRow {
        let details = p.details.as_ref();
        MyPayoutRow {
            amount: i18n::money(p.amount_cents, &p.currency, lang),
            reason_label: t(lang, &format!("reason_{}", p.reason)),
            paid: p.status == PayoutStatus::Paid,
            status_label: t(lang, &format!("status_{}", p.status.as_str())),
            paid_at: p.paid_at.map(|at| i18n::date(at, lang)).unwrap_or_default(),
            paid_reference: p.paid_reference.unwrap_or_default(),
            details_kind: details.map(|d| d.kind.clone()).unwrap_or_default(),
            details_iban: (details.and_then(|d| d.iban.as_deref()))
                .map(banking::grouped)
                .unwrap_or_default(),
            details_other: (details.and_then(|d| d.other.clone())).unwrap_or_default(),
            details_given_at: details
                .map(|d| i18n::date(d.given_at, lang))
                .unwrap_or_default(),
            id: p.id,
            contest_id: p.contest_id,
            contest_title: p.contest_title,
        }
    }
}

/// What `/me/payouts` shows.
#[derive(Debug, Serialize)]
struct MyPayoutsView {
    due: Vec<MyPayoutRow>,
    paid: Vec<MyPayoutRow>,
    /// The payout whose form failed ("" when none did), and what it typed.
    error_id: String,
    input_kind: String,
    input_iban: String,
    input_other: String,
}

/// The success notices this page knows (`?done=…`); any other shows nothing.
const NOTICES: [&str; 1] = ["details"];

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// What a failed form typed, and which payout it was for.
#[derive(Debug, Default)]
struct Typed {
    id: String,
    form: DetailsForm,
}

async fn render_mine(
    state: &AppState,
    page: &Page,
    typed: Typed,
    mut context: Context,
    status: StatusCode,
) -> HttpResponse {
    let (actor, lang) = (page.actor.clone(), page.lang);
    let mine = state
        .run(move |ctx, conn| payout_details::mine(ctx, conn, &actor))
        .await;
    let mine = match mine {
        Ok(mine) => mine,
        Err(error) => return page.error(&state.tera, error),
    };
    let (paid, due): (Vec<_>, Vec<_>) = (mine.payouts.into_iter())
        .map(|p| MyPayoutRow::of(p, lang))
        .partition(|p| p.paid);
    let view = MyPayoutsView {
        due,
        paid,
        error_id: typed.id,
        input_kind: typed.form.kind,
        input_iban: typed.form.iban,
        input_other: typed.form.other,
    };
    for (key, empty) in [("done", ""), ("error", "")] {
        if !context.contains_key(key) {
            context.insert(key, empty);
        }
    }
    if !context.contains_key("field_errors") {
        context.insert(
            "field_errors",
            &std::collections::BTreeMap::<String, String>::new(),
        );
    }
    match Context::from_serialize(&view) {
        Ok(fields) => context.extend(fields),
        Err(error) => tracing::error!(error = ?error, "payouts view is not a map"),
    }
    page.render_status(&state.tera, "me/payouts.html", &context, status)
}

/// `GET /me/payouts`: the reader's payouts, the form for their details, the paid history.
pub(crate) async fn my_payouts(
    state: web::Data<AppState>,
    page: SignedInPage,
    done: web::Query<Done>,
) -> HttpResponse {
    let mut context = page.context();
    if let Some(done) = done.done.as_deref().filter(|d| NOTICES.contains(d)) {
        context.insert("done", done);
    }
    render_mine(&state, &page, Typed::default(), context, StatusCode::OK).await
}

/// The details form of one payout.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct DetailsForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    iban: String,
    #[serde(default)]
    other: String,
}

/// `POST /me/payouts/{id}/details`: the reader gives where a payout of theirs goes.
pub(crate) async fn give_details(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<DetailsForm>,
) -> HttpResponse {
    let (id, form) = (id.into_inner(), form.into_inner());
    let input = GivenDetails {
        kind: form.kind.clone(),
        iban: Some(form.iban.clone()).filter(|_| form.kind == "iban"),
        other: Some(form.other.clone()).filter(|_| form.kind == "other"),
    };
    let (actor, payout) = (page.actor.clone(), id.clone());
    let result = state
        .run(move |ctx, conn| payout_details::give(ctx, conn, &actor, &payout, input).map(drop))
        .await;
    let error = match result {
        Ok(()) => return page.finish(see_other("/me/payouts?done=details")),
        Err(error) => error,
    };
    if matches!(
        error,
        AppError::NotFound(_) | AppError::Unauthorized(_) | AppError::Forbidden(_)
    ) {
        return page.error(&state.tera, error);
    }
    let mut context = page.context();
    let status = page.insert_error(&mut context, &error);
    // Each field's message in the reader's language.
    if let AppError::Validation(fields) = &error {
        let texts: std::collections::BTreeMap<String, String> = fields
            .iter()
            .map(|f| {
                let key = format!("payouts_error_{}", f.path);
                (f.path.clone(), page.t(&key))
            })
            .collect();
        context.insert("field_errors", &texts);
    }
    render_mine(&state, &page, Typed { id, form }, context, status).await
}
