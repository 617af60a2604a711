//! Contests: drafts, the frozen rules once opened, and the phase transitions already run.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{contest_transitions, contests, memberships};
use super::{DbConnection, backend};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contests)]
pub struct Contest {
    pub id: String,
    pub organization_id: String,
    pub title: String,
    pub brief: String,
    pub rules: String,
    pub currency: String,
    pub prize_pool_cents: i64,
    pub opens_at: NaiveDateTime,
    pub submission_deadline: NaiveDateTime,
    pub judging_deadline: NaiveDateTime,
    pub rules_document: Option<String>,
    pub rules_hash: Option<String>,
    pub opened_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub reviews_per_entry: Option<i32>,
    pub awarded_at: Option<NaiveDateTime>,
}

impl Contest {
    pub fn is_opened(&self) -> bool {
        self.opened_at.is_some()
    }
}

/// The editable content of a draft, written whole.
#[derive(Debug, AsChangeset, Insertable)]
#[diesel(table_name = contests)]
pub struct DraftContent<'a> {
    pub title: &'a str,
    pub brief: &'a str,
    pub rules: &'a str,
    pub currency: &'a str,
    pub prize_pool_cents: i64,
    pub opens_at: NaiveDateTime,
    pub submission_deadline: NaiveDateTime,
    pub judging_deadline: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    id: &str,
    organization_id: &str,
    created_by: &str,
    content: &DraftContent,
) -> QueryResult<()> {
    diesel::insert_into(contests::table)
        .values((
            contests::id.eq(id),
            contests::organization_id.eq(organization_id),
            contests::created_by.eq(created_by),
            contests::created_at.eq(content.updated_at),
            content,
        ))
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Contest>> {
    contests::table
        .find(id)
        .select(Contest::as_select())
        .first(conn)
        .optional()
}

/// Reads a contest inside a write transaction, locking its row on PostgreSQL so that
/// concurrent changes to the same contest queue up (SQLite's immediate transaction already
/// serialises writers).
pub fn find_for_update(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Contest>> {
    backend::lock_row_contest(conn, id)?;
    find(conn, id)
}

/// Changes a draft; returns false when the contest is no longer a draft.
pub fn update_draft(
    conn: &mut DbConnection,
    id: &str,
    content: &DraftContent,
) -> QueryResult<bool> {
    diesel::update(
        contests::table
            .find(id)
            .filter(contests::opened_at.is_null()),
    )
    .set(content)
    .execute(conn)
    .map(|n| n == 1)
}

/// Freezes a draft: stores its canonical document and hash and the moment it opened.
pub fn open(
    conn: &mut DbConnection,
    id: &str,
    rules_document: &str,
    rules_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        contests::table
            .find(id)
            .filter(contests::opened_at.is_null()),
    )
    .set((
        contests::rules_document.eq(rules_document),
        contests::rules_hash.eq(rules_hash),
        contests::opened_at.eq(at),
        contests::updated_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Every opened contest, and the drafts of the organisations `user_id` belongs to; newest first.
pub fn visible_to(conn: &mut DbConnection, user_id: Option<&str>) -> QueryResult<Vec<Contest>> {
    let mut query = contests::table
        .select(Contest::as_select())
        .order(contests::created_at.desc())
        .into_boxed();
    query = match user_id {
        Some(user_id) => {
            let mine = memberships::table
                .filter(memberships::user_id.eq(user_id.to_owned()))
                .select(memberships::organization_id);
            query.filter(
                contests::opened_at
                    .is_not_null()
                    .or(contests::organization_id.eq_any(mine)),
            )
        }
        None => query.filter(contests::opened_at.is_not_null()),
    };
    query.load(conn)
}

/// Opened contests whose `phase` transition is due at `now` and has not run yet.
pub fn due_transitions(
    conn: &mut DbConnection,
    phase: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<Contest>> {
    let done = contest_transitions::table
        .filter(contest_transitions::phase.eq(phase.to_owned()))
        .select(contest_transitions::contest_id);
    let query = contests::table
        .filter(contests::opened_at.is_not_null())
        .filter(diesel::dsl::not(contests::id.eq_any(done)))
        .select(Contest::as_select())
        .into_boxed();
    match phase {
        "submission" => query.filter(contests::opens_at.le(now)).load(conn),
        _ => query
            .filter(contests::submission_deadline.le(now))
            .load(conn),
    }
}

/// Records that a transition ran; false when another instance recorded it first.
pub fn record_transition(
    conn: &mut DbConnection,
    contest_id: &str,
    phase: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = backend::insert_transition_once(conn, contest_id, phase, at)?;
    Ok(inserted == 1)
}

/// Whether `phase`'s transition (or a scheduled step of that name) has run for a contest.
pub fn has_transition(conn: &mut DbConnection, contest_id: &str, phase: &str) -> QueryResult<bool> {
    use diesel::dsl::exists;
    diesel::select(exists(
        contest_transitions::table
            .filter(contest_transitions::contest_id.eq(contest_id))
            .filter(contest_transitions::phase.eq(phase)),
    ))
    .get_result(conn)
}

/// Opened contests in judging whose judging deadline is within `threshold` and whose `step`
/// reminder has not run.
pub fn due_jury_reminders(
    conn: &mut DbConnection,
    step: &str,
    threshold: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Vec<Contest>> {
    let done = contest_transitions::table
        .filter(contest_transitions::phase.eq(step.to_owned()))
        .select(contest_transitions::contest_id);
    contests::table
        .filter(contests::opened_at.is_not_null())
        .filter(contests::submission_deadline.le(now))
        .filter(contests::judging_deadline.le(threshold))
        .filter(diesel::dsl::not(contests::id.eq_any(done)))
        .select(Contest::as_select())
        .load(conn)
}

/// Opened contests in judging (past the submission deadline, not awarded) whose frozen rules
/// declare rounds (issue 20): those whose rounds may be due to close.
pub fn judging_with_rounds(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> QueryResult<Vec<Contest>> {
    contests::table
        .filter(contests::opened_at.is_not_null())
        .filter(contests::awarded_at.is_null())
        .filter(contests::submission_deadline.le(now))
        .filter(contests::rules_document.like("%\"rounds\":[%"))
        .select(Contest::as_select())
        .load(conn)
}

/// Opened contests past their judging deadline and not yet awarded.
pub fn due_for_award(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Vec<Contest>> {
    contests::table
        .filter(contests::opened_at.is_not_null())
        .filter(contests::awarded_at.is_null())
        .filter(contests::judging_deadline.le(now))
        .select(Contest::as_select())
        .load(conn)
}

pub fn mark_awarded(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(contests::table.find(id))
        .set(contests::awarded_at.eq(at))
        .execute(conn)
        .map(drop)
}
