//! Clarifications appended to an opened contest; they never edit the rules.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::announcements;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = announcements)]
pub struct Announcement {
    pub id: String,
    pub contest_id: String,
    pub body: String,
    pub author_id: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, announcement: &Announcement) -> QueryResult<()> {
    diesel::insert_into(announcements::table)
        .values((
            announcements::id.eq(&announcement.id),
            announcements::contest_id.eq(&announcement.contest_id),
            announcements::body.eq(&announcement.body),
            announcements::author_id.eq(&announcement.author_id),
            announcements::created_at.eq(announcement.created_at),
        ))
        .execute(conn)
        .map(drop)
}

/// Oldest first, as they were published.
pub fn of_contest(conn: &mut DbConnection, contest_id: &str) -> QueryResult<Vec<Announcement>> {
    announcements::table
        .filter(announcements::contest_id.eq(contest_id))
        .order((announcements::created_at.asc(), announcements::id.asc()))
        .select(Announcement::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConnection, contest_id: &str) -> QueryResult<i64> {
    announcements::table
        .filter(announcements::contest_id.eq(contest_id))
        .count()
        .get_result(conn)
}
