//! Prize money: fundings recorded by the brand and confirmed by an admin, and the escrow ledger
//! they credit. The ledger is append-only; a balance is always a sum.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{fundings, ledger_entries};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fundings)]
pub struct Funding {
    pub id: String,
    pub contest_id: String,
    pub amount_cents: i64,
    pub reference: String,
    pub status: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<NaiveDateTime>,
}

pub fn insert(
    conn: &mut DbConnection,
    id: &str,
    contest_id: &str,
    amount_cents: i64,
    reference: &str,
    recorded_by: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(fundings::table)
        .values((
            fundings::id.eq(id),
            fundings::contest_id.eq(contest_id),
            fundings::amount_cents.eq(amount_cents),
            fundings::reference.eq(reference),
            fundings::status.eq("pending"),
            fundings::recorded_by.eq(recorded_by),
            fundings::recorded_at.eq(at),
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

pub fn with_status(conn: &mut DbConnection, status: &str) -> QueryResult<Vec<Funding>> {
    fundings::table
        .filter(fundings::status.eq(status))
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
            .filter(fundings::status.eq("pending")),
    )
    .set((
        fundings::status.eq("confirmed"),
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

/// Confirmed money held for a contest: the sum of its funding entries.
pub fn funded_cents(conn: &mut DbConnection, contest_id: &str) -> QueryResult<i64> {
    // Summed here rather than with SUM(): the SQL type of SUM(BIGINT) differs by backend
    // (NUMERIC on PostgreSQL), and a contest has a handful of entries.
    let amounts: Vec<i64> = ledger_entries::table
        .filter(ledger_entries::contest_id.eq(contest_id))
        .filter(ledger_entries::kind.eq("funding"))
        .select(ledger_entries::amount_cents)
        .load(conn)?;
    Ok(amounts.iter().sum())
}

/// Confirmed fundings whose ledger credit is missing or differs: `concours check` reports them.
pub fn confirmed_without_credit(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let credited = ledger_entries::table
        .filter(ledger_entries::funding_id.is_not_null())
        .select(ledger_entries::funding_id.assume_not_null());
    fundings::table
        .filter(fundings::status.eq("confirmed"))
        .filter(diesel::dsl::not(fundings::id.eq_any(credited)))
        .select(fundings::id)
        .load(conn)
}
