//! Fixed-window counters in the database, so that every server instance sees the same count.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::rate_limits;
use super::{DbConnection, backend};

/// The hits counted in `bucket` since `window_start`, or 0 when its window has passed.
pub fn hits(
    conn: &mut DbConnection,
    bucket: &str,
    window_start: NaiveDateTime,
) -> QueryResult<i32> {
    let row: Option<(NaiveDateTime, i32)> = rate_limits::table
        .find(bucket)
        .select((rate_limits::window_start, rate_limits::hits))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((start, hits)) if start >= window_start => hits,
        _ => 0,
    })
}

/// Counts one hit, starting a new window at `now` when the current one began before
/// `window_start`. Safe when several requests hit the same bucket at once.
pub fn hit(
    conn: &mut DbConnection,
    bucket: &str,
    now: NaiveDateTime,
    window_start: NaiveDateTime,
) -> QueryResult<()> {
    // Create the counter if it is new; a concurrent creator wins harmlessly.
    backend::insert_rate_limit_once(conn, bucket, now)?;
    // Reset a counter whose window has passed, then count (both conditional, so concurrent
    // hits neither lose a count nor reset twice).
    diesel::update(
        rate_limits::table
            .find(bucket)
            .filter(rate_limits::window_start.lt(window_start)),
    )
    .set((rate_limits::window_start.eq(now), rate_limits::hits.eq(0)))
    .execute(conn)?;
    diesel::update(rate_limits::table.find(bucket))
        .set(rate_limits::hits.eq(rate_limits::hits + 1))
        .execute(conn)
        .map(drop)
}

pub fn clear(conn: &mut DbConnection, bucket: &str) -> QueryResult<()> {
    diesel::delete(rate_limits::table.find(bucket))
        .execute(conn)
        .map(drop)
}

pub fn purge_older_than(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(before))).execute(conn)
}

/// When the counter's current window began (for a counter reset on every hit: its last hit).
pub fn started(conn: &mut DbConnection, bucket: &str) -> QueryResult<Option<NaiveDateTime>> {
    rate_limits::table
        .find(bucket)
        .select(rate_limits::window_start)
        .first(conn)
        .optional()
}
