//! Escrow: a brand records the money it sent, a platform admin confirms it arrived, and the
//! confirmation credits the contest's ledger. A contest opens only on confirmed money.
//!
//! Every funding is in one currency, the draft's when it was recorded, and is confirmed in that
//! currency only while it is still the contest's. Escrow never exceeds the prize pool (a
//! confirmation that would is refused; the platform refunds such a transfer outside Concours),
//! and nothing is recorded or confirmed once the contest is open: the escrow of an open contest
//! is exactly its frozen pool, which `concours check` verifies.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use crate::domain::money::{self, format_cents};
use crate::domain::rules::MAX_POOL_CENTS;
use crate::store::{self, DbConnection, fundings::Funding, write_tx};

use super::access::{self, Action, Actor};
use super::contests::{load_managed, load_visible};
use super::{AppError, AppResult, Ctx, ErrorCode, Validator, audit, notify};

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFunding {
    /// Integer amount in the minor unit of the contest's currency ("cents": yen for JPY, fils
    /// for BHD).
    pub amount_cents: i64,
    /// The bank transfer's reference, so that an admin can match it.
    pub reference: String,
    /// The currency sent; when given it must be the draft's (the funding records the draft's
    /// currency either way).
    #[serde(default)]
    pub currency: Option<String>,
}

/// What the admin saw on the bank statement. Both are optional; when given they must be the
/// funding's, so that an admin never confirms an amount in another currency than they checked.
#[derive(Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    pub amount_cents: Option<i64>,
    pub currency: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FundingView {
    pub id: String,
    pub contest_id: String,
    /// In the minor unit of `currency`.
    pub amount_cents: i64,
    /// The ISO 4217 code the money was sent in: the draft's when it was recorded.
    pub currency: String,
    pub reference: String,
    /// `pending` or `confirmed`.
    #[schema(value_type = String)]
    pub status: crate::domain::status::FundingStatus,
    pub recorded_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl From<Funding> for FundingView {
    fn from(f: Funding) -> FundingView {
        FundingView {
            id: f.id,
            contest_id: f.contest_id,
            amount_cents: f.amount_cents,
            currency: f.currency,
            reference: f.reference,
            status: f.status,
            recorded_at: store::from_db(f.recorded_at),
            confirmed_at: f.confirmed_at.map(store::from_db),
        }
    }
}

/// A member records money sent to the platform's escrow account for this contest.
pub fn record(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: NewFunding,
) -> AppResult<FundingView> {
    let mut v = Validator::new();
    if !(1..=MAX_POOL_CENTS).contains(&input.amount_cents) {
        v.add("amount_cents", "Use a positive whole number of cents.");
    }
    let reference = input.reference.trim().to_owned();
    if reference.is_empty() || reference.chars().count() > 200 {
        v.add(
            "reference",
            "Give the transfer's reference (1 to 200 characters).",
        );
    } else {
        v.check(
            "reference",
            crate::domain::text::check_characters(&reference, crate::domain::text::Lines::Single),
        );
    }
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        if contest.is_opened() {
            return Err(after_opening());
        }
        if let Some(currency) = &input.currency
            && *currency != contest.currency
        {
            v.add(
                "currency",
                format!(
                    "This draft's prizes are in {}; record the funding in that currency.",
                    contest.currency
                ),
            );
        }
        v.finish()?;
        let user = actor.user().expect("members are signed in");
        let now = ctx.now();
        let id = store::new_id();
        store::fundings::insert(
            conn,
            &store::fundings::NewFunding {
                id: &id,
                contest_id,
                amount_cents: input.amount_cents,
                currency: &contest.currency,
                reference: &reference,
                recorded_by: &user.id,
                recorded_at: store::to_db(now),
            },
        )?;
        audit::record(
            conn,
            &contest.id,
            now,
            "funding_recorded",
            // The chain is public; a bank reference is not, and a short one is guessed from an
            // unkeyed hash. It commits to the reference with a key only the server holds.
            // (Events written before carry `reference_sha256`; they stay as they were.)
            json!({
                "funding_id": id,
                "amount_cents": input.amount_cents,
                "currency": contest.currency,
                "reference_hmac": reference_hmac(ctx, &id, &reference),
            }),
        )?;
        let funding = store::fundings::find(conn, &id)?
            .ok_or_else(|| AppError::internal("funding vanished"))?;
        Ok(FundingView::from(funding))
    })
}

/// HMAC-SHA256 (hex) of a funding's bank reference, keyed with a key derived from the server
/// secret for this one purpose, and bound to the funding.
pub fn reference_hmac(ctx: &Ctx, funding_id: &str, reference: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(format!("funding reference:{}", ctx.entry_salt).as_bytes())
            .expect("HMAC takes any key length");
    mac.update(format!("{funding_id}\n{reference}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn after_opening() -> AppError {
    AppError::conflict(
        ErrorCode::InvalidPhase,
        "This contest is open: its escrow is its frozen prize pool, and fundings are recorded and confirmed only in draft.",
    )
}

/// The fundings of a contest, for its members and admins.
pub fn of_contest(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Vec<FundingView>> {
    let contest = load_visible(conn, actor, contest_id)?;
    access::require(conn, actor, Action::ViewFundings { contest: &contest })?;
    Ok(store::fundings::of_contest(conn, contest_id)?
        .into_iter()
        .map(FundingView::from)
        .collect())
}

/// Fundings waiting for an admin: pending, of contests still in draft.
pub fn pending(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<FundingView>> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    Ok(store::fundings::pending_in_drafts(conn)?
        .into_iter()
        .map(FundingView::from)
        .collect())
}

/// An admin confirms the money arrived: the escrow ledger is credited, once, in the funding's
/// currency. Refused once the contest is open, when the contest's currency is no longer the
/// funding's, when the confirmation names another amount or currency, and when the escrow
/// would exceed the prize pool.
pub fn confirm(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    funding_id: &str,
    confirmation: Confirmation,
) -> AppResult<FundingView> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    let admin = actor.user().expect("admins are signed in");
    write_tx(conn, |conn| {
        let funding = store::fundings::find(conn, funding_id)?
            .ok_or_else(|| AppError::not_found("funding"))?;
        let contest = store::contests::find_for_update(conn, &funding.contest_id)?
            .ok_or_else(|| AppError::not_found("contest"))?;
        if funding.status != crate::domain::status::FundingStatus::Pending {
            return Err(already_confirmed());
        }
        if contest.is_opened() {
            return Err(after_opening());
        }
        // The escrow behind the promise rests on a second person's word: an admin who is a
        // member of the brand does not confirm its money.
        if store::organizations::role_of(conn, &contest.organization_id, &admin.id)?.is_some() {
            return Err(AppError::Forbidden(
                "You belong to this contest's organisation: another admin confirms its funding."
                    .into(),
            ));
        }
        let named_amount = confirmation.amount_cents.unwrap_or(funding.amount_cents);
        let named_currency = confirmation
            .currency
            .as_deref()
            .unwrap_or(&funding.currency);
        if named_amount != funding.amount_cents || named_currency != funding.currency {
            return Err(AppError::conflict(
                ErrorCode::FundingMismatch,
                format!(
                    "This funding is {}; it cannot be confirmed as {}.",
                    format_cents(funding.amount_cents, &funding.currency),
                    format_cents(named_amount, named_currency),
                ),
            ));
        }
        if funding.currency != contest.currency {
            return Err(AppError::conflict(
                ErrorCode::CurrencyMismatch,
                format!(
                    "This funding is in {} but the contest's prizes are now in {}; record a new funding in {}.",
                    funding.currency, contest.currency, contest.currency
                ),
            ));
        }
        let funded = store::fundings::funded_cents(conn, &contest.id, &contest.currency)?;
        if funded.saturating_add(funding.amount_cents) > contest.prize_pool_cents {
            return Err(AppError::conflict(
                ErrorCode::OverFunded,
                format!(
                    "Confirmed escrow holds {} of a {} prize pool; {} more would exceed it. Raise the prizes first, or refund the transfer.",
                    format_cents(funded, &contest.currency),
                    format_cents(contest.prize_pool_cents, &contest.currency),
                    format_cents(funding.amount_cents, &funding.currency),
                ),
            ));
        }
        let now = ctx.now();
        if !store::fundings::confirm(
            conn,
            &funding,
            &admin.id,
            &store::new_id(),
            store::to_db(now),
        )? {
            return Err(already_confirmed());
        }
        audit::record(
            conn,
            &contest.id,
            now,
            "funding_confirmed",
            json!({"funding_id": funding.id, "amount_cents": funding.amount_cents, "currency": funding.currency}),
        )?;
        let funded = funded + funding.amount_cents;
        notify::organization(ctx, conn, &contest, "funding_confirmed", {
            let mut context = json!({"fully_funded": funded >= contest.prize_pool_cents});
            money::into_mail_context(
                &mut context,
                "amount",
                funding.amount_cents,
                &funding.currency,
            );
            money::into_mail_context(&mut context, "funded", funded, &contest.currency);
            let pool = contest.prize_pool_cents;
            money::into_mail_context(&mut context, "prize_pool", pool, &contest.currency);
            context
        })?;
        let funding = store::fundings::find(conn, funding_id)?
            .ok_or_else(|| AppError::not_found("funding"))?;
        Ok(FundingView::from(funding))
    })
}

fn already_confirmed() -> AppError {
    AppError::conflict(
        ErrorCode::AlreadyConfirmed,
        "This funding is already confirmed.",
    )
}

/// The structured reference (ISO 11649, `RF…`) a brand writes on its escrow transfers for this
/// contest, so that an admin matches the money to it: its body is 21 capitals and digits drawn
/// from the contest id, its check digits the standard's.
pub fn escrow_reference(contest_id: &str) -> String {
    let digest = crate::domain::canonical::sha256_hex(format!("escrow:{contest_id}").as_bytes());
    let body = digest[..21].to_ascii_uppercase();
    crate::domain::banking::creditor_reference(&body).expect("21 hex digits are a valid body")
}

/// A pending funding as an admin checks it before confirming it.
#[derive(Debug, Serialize)]
pub struct FundingSummary {
    pub funding: FundingView,
    pub contest_title: String,
    pub brand: String,
    /// The contest's structured reference: what the brand was asked to write on the transfer.
    pub expected_reference: String,
}

/// An admin reads a funding, its contest and its brand, to confirm it.
pub fn summary(
    conn: &mut DbConnection,
    actor: &Actor,
    funding_id: &str,
) -> AppResult<FundingSummary> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    let funding =
        store::fundings::find(conn, funding_id)?.ok_or_else(|| AppError::not_found("funding"))?;
    let contest = store::contests::find(conn, &funding.contest_id)?
        .ok_or_else(|| AppError::not_found("funding"))?;
    let brand = store::organizations::find(conn, &contest.organization_id)?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(FundingSummary {
        expected_reference: escrow_reference(&contest.id),
        funding: FundingView::from(funding),
        contest_title: contest.title,
        brand,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_contest_has_a_structured_reference_that_checks() {
        let one = super::escrow_reference("0192f5e0-0000-7000-8000-000000000001");
        let two = super::escrow_reference("0192f5e0-0000-7000-8000-000000000002");
        assert_ne!(one, two);
        assert_eq!(one.len(), 25);
        assert!(crate::domain::banking::is_creditor_reference(&one), "{one}");
        assert_eq!(
            one,
            super::escrow_reference("0192f5e0-0000-7000-8000-000000000001")
        );
    }
}
