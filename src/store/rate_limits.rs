//! Fixed-window counters in the database, so that every server instance sees the same count.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::rate_limits;

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
/// `window_start`. Call inside a write transaction.
pub fn hit(
    conn: &mut DbConnection,
    bucket: &str,
    now: NaiveDateTime,
    window_start: NaiveDateTime,
) -> QueryResult<()> {
    let current: Option<NaiveDateTime> = rate_limits::table
        .find(bucket)
        .select(rate_limits::window_start)
        .first(conn)
        .optional()?;
    match current {
        Some(start) if start >= window_start => diesel::update(rate_limits::table.find(bucket))
            .set(rate_limits::hits.eq(rate_limits::hits + 1))
            .execute(conn)
            .map(drop),
        Some(_) => diesel::update(rate_limits::table.find(bucket))
            .set((rate_limits::window_start.eq(now), rate_limits::hits.eq(1)))
            .execute(conn)
            .map(drop),
        None => diesel::insert_into(rate_limits::table)
            .values((
                rate_limits::bucket.eq(bucket),
                rate_limits::window_start.eq(now),
                rate_limits::hits.eq(1),
            ))
            .execute(conn)
            .map(drop),
    }
}

pub fn clear(conn: &mut DbConnection, bucket: &str) -> QueryResult<()> {
    diesel::delete(rate_limits::table.find(bucket))
        .execute(conn)
        .map(drop)
}

pub fn purge_older_than(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(before))).execute(conn)
}
