//! Awards (one per contest, final) and their payouts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{awards, contests, ledger_entries, payouts};
use crate::domain::status::PayoutStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = awards)]
pub struct Award {
    pub contest_id: String,
    pub awarded_at: NaiveDateTime,
    pub trigger_kind: String,
    pub scoresheet: String,
    pub scoresheet_hash: String,
    pub ranking: String,
    pub prize_pool_cents: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payouts)]
pub struct Payout {
    pub id: String,
    pub contest_id: String,
    pub position: i32,
    pub idea_id: Option<String>,
    pub recipient: String,
    pub amount_cents: i64,
    pub reason: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: PayoutStatus,
    pub paid_reference: Option<String>,
    pub paid_at: Option<NaiveDateTime>,
    pub paid_by: Option<String>,
    /// The track whose prize it is (issue 20); None for an overall prize.
    pub track: Option<String>,
}

pub fn find(conn: &mut DbConnection, contest_id: &str) -> QueryResult<Option<Award>> {
    awards::table
        .find(contest_id)
        .select(Award::as_select())
        .first(conn)
        .optional()
}

/// Records the award with its payouts and their ledger debits, in the caller's transaction.
/// The primary key refuses a second award of the same contest: `AlreadyExists`, and nothing
/// else is written.
pub fn insert(
    conn: &mut DbConnection,
    award: &Award,
    list: &[Payout],
) -> QueryResult<super::Insert> {
    let outcome = super::outcome::of(
        diesel::insert_into(awards::table)
            .values(award)
            .execute(conn),
    )?;
    if outcome == super::Insert::AlreadyExists {
        return Ok(outcome);
    }
    for payout in list {
        diesel::insert_into(payouts::table)
            .values(payout.clone())
            .execute(conn)?;
        diesel::insert_into(ledger_entries::table)
            .values((
                ledger_entries::id.eq(super::new_id()),
                ledger_entries::contest_id.eq(&payout.contest_id),
                ledger_entries::kind.eq("payout"),
                ledger_entries::amount_cents.eq(-payout.amount_cents),
                ledger_entries::payout_id.eq(&payout.id),
                ledger_entries::created_at.eq(award.awarded_at),
            ))
            .execute(conn)?;
    }
    Ok(super::Insert::Inserted)
}

pub fn payouts_of(conn: &mut DbConnection, contest_id: &str) -> QueryResult<Vec<Payout>> {
    payouts::table
        .filter(payouts::contest_id.eq(contest_id))
        .order(payouts::position.asc())
        .select(Payout::as_select())
        .load(conn)
}

/// Every payout still to transfer, oldest award first.
pub fn due(conn: &mut DbConnection) -> QueryResult<Vec<Payout>> {
    payouts::table
        .filter(payouts::status.eq(PayoutStatus::Due.as_str()))
        .order((payouts::contest_id.asc(), payouts::position.asc()))
        .select(Payout::as_select())
        .load(conn)
}

pub fn find_payout(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Payout>> {
    payouts::table
        .find(id)
        .select(Payout::as_select())
        .first(conn)
        .optional()
}

/// Marks a due payout paid; false when it already was.
pub fn mark_paid(
    conn: &mut DbConnection,
    id: &str,
    reference: &str,
    admin_id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        payouts::table
            .find(id)
            .filter(payouts::status.eq(PayoutStatus::Due.as_str())),
    )
    .set((
        payouts::status.eq(PayoutStatus::Paid.as_str()),
        payouts::paid_reference.eq(reference),
        payouts::paid_by.eq(admin_id),
        payouts::paid_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// (contest id, prize pool, sum of payouts) of every award: `concours check` compares them.
pub fn totals(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64, i64)>> {
    let list: Vec<(String, i64)> = awards::table
        .select((awards::contest_id, awards::prize_pool_cents))
        .load(conn)?;
    let mut out = Vec::new();
    for (contest_id, pool) in list {
        let amounts: Vec<i64> = payouts::table
            .filter(payouts::contest_id.eq(&contest_id))
            .select(payouts::amount_cents)
            .load(conn)?;
        out.push((contest_id, pool, amounts.iter().sum()));
    }
    Ok(out)
}

/// Contests marked awarded without an award record, or the reverse.
pub fn inconsistent(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let awarded: Vec<String> = contests::table
        .filter(contests::awarded_at.is_not_null())
        .filter(diesel::dsl::not(
            contests::id.eq_any(awards::table.select(awards::contest_id)),
        ))
        .select(contests::id)
        .load(conn)?;
    let unmarked: Vec<String> = awards::table
        .inner_join(contests::table)
        .filter(contests::awarded_at.is_null())
        .select(awards::contest_id)
        .load(conn)?;
    Ok(awarded.into_iter().chain(unmarked).collect())
}
