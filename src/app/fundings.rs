//! Escrow: a brand records the money it sent, a platform admin confirms it arrived, and the
//! confirmation credits the contest's ledger. A contest opens only on confirmed money.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::money::format_cents;
use crate::domain::rules::MAX_POOL_CENTS;
use crate::store::{self, DbConnection, fundings::Funding, write_tx};

use super::access::{self, Action, Actor};
use super::contests::{load_managed, load_visible};
use super::{AppError, AppResult, Ctx, Validator, audit, notify};

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFunding {
    /// Integer cents, in the contest's currency.
    pub amount_cents: i64,
    /// The bank transfer's reference, so that an admin can match it.
    pub reference: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FundingView {
    pub id: String,
    pub contest_id: String,
    pub amount_cents: i64,
    pub reference: String,
    /// `pending` or `confirmed`.
    pub status: String,
    pub recorded_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl From<Funding> for FundingView {
    fn from(f: Funding) -> FundingView {
        FundingView {
            id: f.id,
            contest_id: f.contest_id,
            amount_cents: f.amount_cents,
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
        v.finish()?;
        let user = actor.user().expect("members are signed in");
        let now = ctx.now();
        let id = store::new_id();
        store::fundings::insert(
            conn,
            &id,
            contest_id,
            input.amount_cents,
            &reference,
            &user.id,
            store::to_db(now),
        )?;
        audit::record(
            conn,
            &contest.id,
            now,
            "funding_recorded",
            // The chain is public; a bank reference is not. It commits to the reference instead.
            json!({"funding_id": id, "amount_cents": input.amount_cents, "reference_sha256": crate::domain::canonical::sha256_hex(reference.as_bytes())}),
        )?;
        let funding = store::fundings::find(conn, &id)?
            .ok_or_else(|| AppError::internal("funding vanished"))?;
        Ok(FundingView::from(funding))
    })
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

/// Fundings waiting for an admin.
pub fn pending(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<FundingView>> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    Ok(store::fundings::with_status(conn, "pending")?
        .into_iter()
        .map(FundingView::from)
        .collect())
}

/// An admin confirms the money arrived: the escrow ledger is credited, once.
pub fn confirm(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    funding_id: &str,
) -> AppResult<FundingView> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    let admin = actor.user().expect("admins are signed in");
    write_tx(conn, |conn| {
        let funding = store::fundings::find(conn, funding_id)?
            .ok_or_else(|| AppError::not_found("funding"))?;
        let contest = store::contests::find_for_update(conn, &funding.contest_id)?
            .ok_or_else(|| AppError::not_found("contest"))?;
        let now = ctx.now();
        if !store::fundings::confirm(
            conn,
            &funding,
            &admin.id,
            &store::new_id(),
            store::to_db(now),
        )? {
            return Err(AppError::conflict(
                "already_confirmed",
                "This funding is already confirmed.",
            ));
        }
        audit::record(
            conn,
            &contest.id,
            now,
            "funding_confirmed",
            json!({"funding_id": funding.id, "amount_cents": funding.amount_cents}),
        )?;
        let funded = store::fundings::funded_cents(conn, &contest.id)?;
        notify::organization(
            ctx,
            conn,
            &contest,
            "funding_confirmed",
            json!({
                "amount": format_cents(funding.amount_cents, &contest.currency),
                "funded": format_cents(funded, &contest.currency),
                "prize_pool": format_cents(contest.prize_pool_cents, &contest.currency),
                "fully_funded": funded >= contest.prize_pool_cents,
            }),
        )?;
        let funding = store::fundings::find(conn, funding_id)?
            .ok_or_else(|| AppError::not_found("funding"))?;
        Ok(FundingView::from(funding))
    })
}
