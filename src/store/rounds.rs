//! The closes of a contest's earlier rounds (issue 20): each once, with who was in the round
//! and who advanced.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::round_closings;
use super::{DbConnection, Insert};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = round_closings)]
pub struct Closing {
    pub contest_id: String,
    pub round: String,
    pub closed_at: NaiveDateTime,
    /// JSON list of the ids of the ideas in the round when it closed.
    pub entrants: String,
    /// JSON list of the ids of those that advanced.
    pub advanced: String,
}

impl Closing {
    pub fn entrant_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.entrants).unwrap_or_default()
    }

    pub fn advanced_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.advanced).unwrap_or_default()
    }
}

/// Records a round's close; `AlreadyExists` when another instance recorded it first (the
/// primary key is the once).
pub fn record(conn: &mut DbConnection, closing: &Closing) -> QueryResult<Insert> {
    super::outcome::of(
        diesel::insert_into(round_closings::table)
            .values(closing.clone())
            .execute(conn),
    )
}

/// A contest's closed rounds, in the order they closed.
pub fn of_contest(conn: &mut DbConnection, contest_id: &str) -> QueryResult<Vec<Closing>> {
    round_closings::table
        .filter(round_closings::contest_id.eq(contest_id))
        .order(round_closings::closed_at.asc())
        .select(Closing::as_select())
        .load(conn)
}
