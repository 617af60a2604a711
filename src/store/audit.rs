//! The audit log: one append-only hash chain of events per contest.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::audit_events;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub contest_id: String,
    pub seq: i64,
    pub at: NaiveDateTime,
    pub kind: String,
    pub data: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The last event of a contest's chain, if any.
pub fn last(conn: &mut DbConnection, contest_id: &str) -> QueryResult<Option<AuditEvent>> {
    audit_events::table
        .filter(audit_events::contest_id.eq(contest_id))
        .order(audit_events::seq.desc())
        .select(AuditEvent::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, event: &AuditEvent) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)
        .map(drop)
}

pub fn chain(conn: &mut DbConnection, contest_id: &str) -> QueryResult<Vec<AuditEvent>> {
    audit_events::table
        .filter(audit_events::contest_id.eq(contest_id))
        .order(audit_events::seq.asc())
        .select(AuditEvent::as_select())
        .load(conn)
}

/// The contests that have an audit chain.
pub fn contest_ids(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    audit_events::table
        .select(audit_events::contest_id)
        .distinct()
        .load(conn)
}
