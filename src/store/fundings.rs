//! Prize money: fundings recorded by the brand and confirmed by an admin, and the escrow ledger
//! they credit. The ledger is append-only; a balance is always a sum. A funding entry is in its
//! funding's currency, a payout entry in its contest's.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{contests, fundings, ledger_entries};
use crate::domain::status::FundingStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fundings)]
pub struct Funding {
    pub id: String,
    pub contest_id: String,
    pub amount_cents: i64,
    pub reference: String,
    #[diesel(deserialize_as = String)]
    pub status: FundingStatus,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<NaiveDateTime>,
    /// ISO 4217 code: the draft's currency when the funding was recorded.
    pub currency: String,
}

/// A funding as recorded.
pub struct NewFunding<'a> {
    pub id: &'a str,
    pub contest_id: &'a str,
    pub amount_cents: i64,
    pub currency: &'a str,
    pub reference: &'a str,
    pub recorded_by: &'a str,
    pub recorded_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, funding: &NewFunding) -> QueryResult<()> {
    diesel::insert_into(fundings::table)
        .values((
            fundings::id.eq(funding.id),
            fundings::contest_id.eq(funding.contest_id),
            fundings::amount_cents.eq(funding.amount_cents),
            fundings::currency.eq(funding.currency),
            fundings::reference.eq(funding.reference),
            fundings::status.eq(FundingStatus::Pending.as_str()),
            fundings::recorded_by.eq(funding.recorded_by),
            fundings::recorded_at.eq(funding.recorded_at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Funding>> {
    fundings::table
        .find(id)
        .select(Funding::as_select())
        .first(conn)
        .optional()
}

pub fn of_contest(conn: &mut DbConnection, contest_id: &str) -> QueryResult<Vec<Funding>> {
    fundings::table
        .filter(fundings::contest_id.eq(contest_id))
        .order(fundings::recorded_at.asc())
        .select(Funding::as_select())
        .load(conn)
}

/// Fundings still waiting for an admin: pending, of contests still in draft (once a contest
/// is open, its pending fundings can no longer be confirmed).
pub fn pending_in_drafts(conn: &mut DbConnection) -> QueryResult<Vec<Funding>> {
    fundings::table
        .inner_join(contests::table)
        .filter(fundings::status.eq(FundingStatus::Pending.as_str()))
        .filter(contests::opened_at.is_null())
        .order(fundings::recorded_at.asc())
        .select(Funding::as_select())
        .load(conn)
}

/// Confirms a pending funding and credits the escrow, in the caller's transaction. Returns
/// false when it was not pending (already confirmed by someone else).
pub fn confirm(
    conn: &mut DbConnection,
    funding: &Funding,
    admin_id: &str,
    ledger_entry_id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        fundings::table
            .find(&funding.id)
            .filter(fundings::status.eq(FundingStatus::Pending.as_str())),
    )
    .set((
        fundings::status.eq(FundingStatus::Confirmed.as_str()),
        fundings::confirmed_by.eq(admin_id),
        fundings::confirmed_at.eq(at),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    diesel::insert_into(ledger_entries::table)
        .values((
            ledger_entries::id.eq(ledger_entry_id),
            ledger_entries::contest_id.eq(&funding.contest_id),
            ledger_entries::kind.eq("funding"),
            ledger_entries::amount_cents.eq(funding.amount_cents),
            ledger_entries::funding_id.eq(&funding.id),
            ledger_entries::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Confirmed money held for a contest in `currency`: the sum of its funding entries whose
/// funding is in that currency. Money confirmed in another currency never counts.
pub fn funded_cents(conn: &mut DbConnection, contest_id: &str, currency: &str) -> QueryResult<i64> {
    // Summed here rather than with SUM(): the SQL type of SUM(BIGINT) differs by backend
    // (NUMERIC on PostgreSQL), and a contest has a handful of entries.
    let amounts: Vec<i64> = ledger_entries::table
        .inner_join(fundings::table)
        .filter(ledger_entries::contest_id.eq(contest_id))
        .filter(ledger_entries::kind.eq("funding"))
        .filter(fundings::currency.eq(currency))
        .select(ledger_entries::amount_cents)
        .load(conn)?;
    Ok(amounts.iter().sum())
}

/// One contest's escrow as `concours check` sees it.
#[derive(Debug, Clone)]
pub struct Escrow {
    pub contest_id: String,
    pub currency: String,
    pub prize_pool_cents: i64,
    pub opened_at: Option<NaiveDateTime>,
    /// Funding credits in the contest's currency.
    pub funded_cents: i64,
    /// Funding credits in any other currency, as (currency, amount).
    pub foreign: Vec<(String, i64)>,
    /// Fundings confirmed after the contest opened.
    pub confirmed_after_opening: Vec<String>,
}

/// The escrow of every contest that has any funding credit, or is open.
pub fn escrows(conn: &mut DbConnection) -> QueryResult<Vec<Escrow>> {
    let credits: Vec<(String, String, i64, String, Option<NaiveDateTime>)> = ledger_entries::table
        .inner_join(fundings::table)
        .filter(ledger_entries::kind.eq("funding"))
        .select((
            ledger_entries::contest_id,
            fundings::currency,
            ledger_entries::amount_cents,
            fundings::id,
            fundings::confirmed_at,
        ))
        .load(conn)?;
    let contests: Vec<(String, String, i64, Option<NaiveDateTime>)> = contests::table
        .select((
            contests::id,
            contests::currency,
            contests::prize_pool_cents,
            contests::opened_at,
        ))
        .load(conn)?;
    let mut by_contest: std::collections::HashMap<&str, Vec<_>> = Default::default();
    for credit in &credits {
        by_contest
            .entry(credit.0.as_str())
            .or_default()
            .push(credit);
    }
    let mut found = Vec::new();
    for (id, currency, pool, opened_at) in contests {
        let mine = by_contest.remove(id.as_str()).unwrap_or_default();
        if mine.is_empty() && opened_at.is_none() {
            continue;
        }
        let mut escrow = Escrow {
            contest_id: id,
            currency,
            prize_pool_cents: pool,
            opened_at,
            funded_cents: 0,
            foreign: Vec::new(),
            confirmed_after_opening: Vec::new(),
        };
        for (_, credit_currency, amount, funding_id, confirmed_at) in mine {
            if *credit_currency == escrow.currency {
                escrow.funded_cents += amount;
            } else {
                escrow.foreign.push((credit_currency.clone(), *amount));
            }
            if let (Some(opened), Some(confirmed)) = (opened_at, confirmed_at)
                && *confirmed > opened
            {
                escrow.confirmed_after_opening.push(funding_id.clone());
            }
        }
        found.push(escrow);
    }
    Ok(found)
}

/// Confirmed fundings whose ledger credit is missing or differs: `concours check` reports them.
pub fn confirmed_without_credit(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let credited = ledger_entries::table
        .filter(ledger_entries::funding_id.is_not_null())
        .select(ledger_entries::funding_id.assume_not_null());
    fundings::table
        .filter(fundings::status.eq(FundingStatus::Confirmed.as_str()))
        .filter(diesel::dsl::not(fundings::id.eq_any(credited)))
        .select(fundings::id)
        .load(conn)
}
