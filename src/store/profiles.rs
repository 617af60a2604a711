//! People's public pages, and what they achieved in finished contests.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{awards, contests, ideas, payouts, profiles};

/// (public, bio, links as a JSON array)
pub fn find(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<(bool, String, String)>> {
    profiles::table
        .find(user_id)
        .select((profiles::public, profiles::bio, profiles::links))
        .first::<(i32, String, String)>(conn)
        .optional()
        .map(|row| row.map(|(public, bio, links)| (public == 1, bio, links)))
}

pub fn save(
    conn: &mut DbConnection,
    user_id: &str,
    public: bool,
    bio: &str,
    links: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(profiles::table.find(user_id)).execute(conn)?;
    diesel::insert_into(profiles::table)
        .values((
            profiles::user_id.eq(user_id),
            profiles::public.eq(i32::from(public)),
            profiles::bio.eq(bio),
            profiles::links.eq(links),
            profiles::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// A person's ideas in awarded contests: (contest id, contest title, currency, idea id, idea
/// title, the contest's published ranking as JSON).
pub type Entered = (String, String, String, String, String, String);

pub fn entered_awarded(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<Entered>> {
    ideas::table
        .inner_join(contests::table.on(contests::id.eq(ideas::contest_id)))
        .inner_join(awards::table.on(awards::contest_id.eq(contests::id)))
        .filter(ideas::author_id.eq(user_id))
        .filter(ideas::first_submitted_at.is_not_null())
        .order(awards::awarded_at.desc())
        .select((
            contests::id,
            contests::title,
            contests::currency,
            ideas::id,
            ideas::title,
            awards::ranking,
        ))
        .load(conn)
}

/// The money awarded to an idea, in cents.
pub fn prize_of(conn: &mut DbConnection, idea_id: &str) -> QueryResult<i64> {
    payouts::table
        .filter(payouts::idea_id.eq(idea_id))
        .select(payouts::amount_cents)
        .load::<i64>(conn)
        .map(|amounts| amounts.into_iter().sum())
}
