//! The mail outbox: messages written in the same transaction as the change they report, then
//! claimed, sent and settled by the worker (`mail::worker`).

use crate::domain::status::MailStatus;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::{DbConnection, backend};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    pub id: String,
    pub template: String,
    pub recipient: String,
    pub locale: String,
    pub context: String,
    #[diesel(deserialize_as = String)]
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// A message to be sent: which template, to whom, in which language, with what data.
#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutboxMessage<'a> {
    pub id: &'a str,
    pub template: &'a str,
    pub recipient: &'a str,
    pub locale: &'a str,
    pub context: &'a str,
    pub status: &'a str,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, message: &NewOutboxMessage) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(message)
        .execute(conn)
        .map(drop)
}

/// Claims due messages until `lease_until`, in a write transaction the caller holds.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxMessage>> {
    let ids = backend::lock_due_outbox_ids(conn, now, limit)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set(outbox::claimed_until.eq(lease_until))
        .execute(conn)?;
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order(outbox::next_attempt_at.asc())
        .select(OutboxMessage::as_select())
        .load(conn)
}

pub fn mark_sent(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(MailStatus::Sent.as_str()),
            outbox::sent_at.eq(at),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(drop)
}

/// Why a message was skipped, as `last_error` records it; `kind` is the mail category's name
/// (`mail::Category::as_str`: the store names no type of mail).
pub fn skipped_reason(kind: &str) -> String {
    format!("skipped: the recipient turned {kind} off")
}

/// Settles a claimed message as `skipped`: its recipient turned its kind off before it went.
/// Neither sent nor failed (`concours mail failed` does not list it), and never retried.
pub fn mark_skipped(conn: &mut DbConnection, id: &str, kind: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(MailStatus::Skipped.as_str()),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(skipped_reason(kind)),
        ))
        .execute(conn)
        .map(drop)
}

/// Records a failed attempt: tried again at `retry_at`, or given up on when that is `None`.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let target = outbox::table.find(id);
    let common = (
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(error),
    );
    match retry_at {
        Some(at) => diesel::update(target)
            .set((common, outbox::next_attempt_at.eq(at)))
            .execute(conn),
        None => diesel::update(target)
            .set((common, outbox::status.eq(MailStatus::Failed.as_str())))
            .execute(conn),
    }
    .map(drop)
}

/// Puts a failed message back in the queue, due now; returns whether there was one.
pub fn retry(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(MailStatus::Failed.as_str())),
    )
    .set((
        outbox::status.eq(MailStatus::Pending.as_str()),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn with_status(conn: &mut DbConnection, status: MailStatus) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .filter(outbox::status.eq(status.as_str()))
        .order(outbox::created_at.asc())
        .select(OutboxMessage::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<OutboxMessage>> {
    outbox::table
        .find(id)
        .select(OutboxMessage::as_select())
        .first(conn)
        .optional()
}
