//! Remembered answers to create requests that carried an `Idempotency-Key`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::idempotency_keys;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct Remembered {
    pub user_id: String,
    pub idempotency_key: String,
    pub request_hash: String,
    /// None while the first request is still running.
    pub status: Option<i32>,
    pub response: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, user_id: &str, key: &str) -> QueryResult<Option<Remembered>> {
    idempotency_keys::table
        .find((user_id, key))
        .select(Remembered::as_select())
        .first(conn)
        .optional()
}

/// Claims the key for a request now running; `AlreadyExists` when another connection claimed
/// the same key at the same moment.
pub fn start(
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    request_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<super::Insert> {
    diesel::delete(idempotency_keys::table.find((user_id, key))).execute(conn)?;
    super::outcome::of(
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::user_id.eq(user_id),
                idempotency_keys::idempotency_key.eq(key),
                idempotency_keys::request_hash.eq(request_hash),
                idempotency_keys::created_at.eq(at),
            ))
            .execute(conn),
    )
}

pub fn finish(
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    status: i32,
    response: &str,
) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find((user_id, key)))
        .set((
            idempotency_keys::status.eq(status),
            idempotency_keys::response.eq(response),
        ))
        .execute(conn)
        .map(drop)
}

/// Forgets a key whose request failed, so that the client may try again with it.
pub fn forget(conn: &mut DbConnection, user_id: &str, key: &str) -> QueryResult<()> {
    diesel::delete(idempotency_keys::table.find((user_id, key)))
        .execute(conn)
        .map(drop)
}

pub fn purge_older_than(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
        .execute(conn)
}
