//! Payout details a payee gave (issue 19), one row per payout, sealed by the caller: this
//! module never sees them in clear.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::awards::Payout;
use super::schema::{ideas, payout_details, payouts};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payout_details)]
pub struct PayoutDetails {
    pub payout_id: String,
    /// Who gave them: the payee.
    pub user_id: String,
    /// `iban` or `other`.
    pub kind: String,
    /// Nonce and ciphertext, hex.
    pub sealed: String,
    pub given_at: NaiveDateTime,
}

/// Replaces a payout's details, in the caller's transaction.
pub fn replace(conn: &mut DbConnection, details: &PayoutDetails) -> QueryResult<()> {
    diesel::delete(payout_details::table.find(&details.payout_id)).execute(conn)?;
    diesel::insert_into(payout_details::table)
        .values(details.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, payout_id: &str) -> QueryResult<Option<PayoutDetails>> {
    payout_details::table
        .find(payout_id)
        .select(PayoutDetails::as_select())
        .first(conn)
        .optional()
}

/// (payout id, when) of every payout whose details were given.
pub fn given(conn: &mut DbConnection) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    payout_details::table
        .select((payout_details::payout_id, payout_details::given_at))
        .load(conn)
}

/// The payouts of the ideas `author_id` wrote, newest award first.
pub fn payouts_of_author(conn: &mut DbConnection, author_id: &str) -> QueryResult<Vec<Payout>> {
    let ideas: Vec<String> = ideas::table
        .filter(ideas::author_id.eq(author_id))
        .select(ideas::id)
        .load(conn)?;
    payouts::table
        .filter(payouts::idea_id.eq_any(ideas))
        .order((payouts::contest_id.desc(), payouts::position.asc()))
        .select(Payout::as_select())
        .load(conn)
}
