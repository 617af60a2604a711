//! Jurors, their conflicts and assignments, and their score sheets.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{assignments, conflicts, contests, jurors, score_sheets, scores, users};
use crate::domain::status::JurorStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jurors)]
pub struct Juror {
    pub id: String,
    pub contest_id: String,
    pub email: String,
    pub user_id: Option<String>,
    pub token_hash: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: JurorStatus,
    pub invited_by: String,
    pub invited_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    /// The track whose entries the juror scores (issue 20); None: every entry.
    pub track: Option<String>,
}

pub fn insert(conn: &mut DbConnection, juror: &Juror) -> QueryResult<()> {
    diesel::insert_into(jurors::table)
        .values(juror.clone())
        .execute(conn)
        .map(drop)
}

pub fn find_by_email(
    conn: &mut DbConnection,
    contest_id: &str,
    email: &str,
) -> QueryResult<Option<Juror>> {
    jurors::table
        .filter(jurors::contest_id.eq(contest_id))
        .filter(jurors::email.eq(email))
        .select(Juror::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_token(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<Juror>> {
    jurors::table
        .filter(jurors::token_hash.eq(token_hash))
        .select(Juror::as_select())
        .first(conn)
        .optional()
}

/// The accepted juror record of `user_id` in the contest, if any.
/// Every jury a person was invited to or sits on (by account).
pub fn memberships_of(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<Juror>> {
    jurors::table
        .filter(jurors::user_id.eq(user_id))
        .select(Juror::as_select())
        .load(conn)
}

pub fn membership(
    conn: &mut DbConnection,
    contest_id: &str,
    user_id: &str,
) -> QueryResult<Option<Juror>> {
    jurors::table
        .filter(jurors::contest_id.eq(contest_id))
        .filter(jurors::user_id.eq(user_id))
        .filter(jurors::status.eq(JurorStatus::Accepted.as_str()))
        .select(Juror::as_select())
        .first(conn)
        .optional()
}

pub fn accept(
    conn: &mut DbConnection,
    id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        jurors::table
            .find(id)
            .filter(jurors::status.eq(JurorStatus::Invited.as_str())),
    )
    .set((
        jurors::status.eq(JurorStatus::Accepted.as_str()),
        jurors::user_id.eq(user_id),
        jurors::accepted_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Every invitation of a contest with the display name of those who accepted, oldest first.
pub fn of_contest(
    conn: &mut DbConnection,
    contest_id: &str,
) -> QueryResult<Vec<(Juror, Option<String>)>> {
    jurors::table
        .left_join(users::table.on(jurors::user_id.eq(users::id.nullable())))
        .filter(jurors::contest_id.eq(contest_id))
        .order(jurors::invited_at.asc())
        .select((Juror::as_select(), users::display_name.nullable()))
        .load(conn)
}

/// Invitations that still count: accepted, or pending and not expired.
pub fn count_active(
    conn: &mut DbConnection,
    contest_id: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    jurors::table
        .filter(jurors::contest_id.eq(contest_id))
        .filter(
            jurors::status
                .eq(JurorStatus::Accepted.as_str())
                .or(jurors::expires_at.gt(now)),
        )
        .count()
        .get_result(conn)
}

/// (juror id, email, locale, display name) of the jurors who accepted.
pub fn accepted_with_users(
    conn: &mut DbConnection,
    contest_id: &str,
) -> QueryResult<Vec<(Juror, String, String, String)>> {
    jurors::table
        .inner_join(users::table.on(jurors::user_id.eq(users::id.nullable())))
        .filter(jurors::contest_id.eq(contest_id))
        .filter(jurors::status.eq(JurorStatus::Accepted.as_str()))
        .order((jurors::accepted_at.asc(), jurors::id.asc()))
        .select((
            Juror::as_select(),
            users::id,
            users::locale,
            users::display_name,
        ))
        .load(conn)
}

pub fn declared_conflicts(conn: &mut DbConnection, juror_id: &str) -> QueryResult<Vec<String>> {
    conflicts::table
        .filter(conflicts::juror_id.eq(juror_id))
        .select(conflicts::idea_id)
        .load(conn)
}

pub fn declare_conflict(
    conn: &mut DbConnection,
    juror_id: &str,
    idea_id: &str,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(conflicts::table.find((juror_id, idea_id))).execute(conn)?;
    diesel::insert_into(conflicts::table)
        .values((
            conflicts::juror_id.eq(juror_id),
            conflicts::idea_id.eq(idea_id),
            conflicts::reason.eq(reason),
            conflicts::created_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn assigned_ideas(conn: &mut DbConnection, juror_id: &str) -> QueryResult<Vec<String>> {
    assignments::table
        .filter(assignments::juror_id.eq(juror_id))
        .select(assignments::idea_id)
        .load(conn)
}

pub fn insert_assignments(conn: &mut DbConnection, pairs: &[(String, String)]) -> QueryResult<()> {
    for (juror_id, idea_id) in pairs {
        diesel::insert_into(assignments::table)
            .values((
                assignments::juror_id.eq(juror_id),
                assignments::idea_id.eq(idea_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_reviews_per_entry(
    conn: &mut DbConnection,
    contest_id: &str,
    value: Option<i32>,
) -> QueryResult<()> {
    diesel::update(contests::table.find(contest_id))
        .set(contests::reviews_per_entry.eq(value))
        .execute(conn)
        .map(drop)
}

/// Replaces a juror's sheet for an entry in a round: its scores and comment.
pub fn save_sheet(
    conn: &mut DbConnection,
    juror_id: &str,
    idea_id: &str,
    round: &str,
    values: &[(String, i32)],
    comment: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    delete_sheet(conn, juror_id, idea_id, round)?;
    diesel::insert_into(score_sheets::table)
        .values((
            score_sheets::juror_id.eq(juror_id),
            score_sheets::idea_id.eq(idea_id),
            score_sheets::round.eq(round),
            score_sheets::comment.eq(comment),
            score_sheets::updated_at.eq(at),
        ))
        .execute(conn)?;
    for (criterion, value) in values {
        diesel::insert_into(scores::table)
            .values((
                scores::juror_id.eq(juror_id),
                scores::idea_id.eq(idea_id),
                scores::round.eq(round),
                scores::criterion.eq(criterion),
                scores::value.eq(value),
                scores::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes a juror's sheet for an entry in one round (the rounds closed before keep theirs:
/// who advanced was decided on them).
pub fn delete_sheet(
    conn: &mut DbConnection,
    juror_id: &str,
    idea_id: &str,
    round: &str,
) -> QueryResult<()> {
    diesel::delete(
        scores::table
            .filter(scores::juror_id.eq(juror_id))
            .filter(scores::idea_id.eq(idea_id))
            .filter(scores::round.eq(round)),
    )
    .execute(conn)?;
    diesel::delete(score_sheets::table.find((juror_id, idea_id, round))).execute(conn)?;
    Ok(())
}

/// One juror's sheet for one entry in one round.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub idea_id: String,
    /// The round's key (`final` for the last round, and for every contest without rounds).
    pub round: String,
    pub comment: Option<String>,
    /// (criterion key, score)
    pub values: Vec<(String, i32)>,
}

/// A juror's sheets.
pub fn sheets_of(conn: &mut DbConnection, juror_id: &str) -> QueryResult<Vec<Sheet>> {
    sheets_where(conn, juror_id, None)
}

/// A juror's sheets of one round.
pub fn sheets_in(conn: &mut DbConnection, juror_id: &str, round: &str) -> QueryResult<Vec<Sheet>> {
    sheets_where(conn, juror_id, Some(round))
}

fn sheets_where(
    conn: &mut DbConnection,
    juror_id: &str,
    round: Option<&str>,
) -> QueryResult<Vec<Sheet>> {
    let mut sheets_query = score_sheets::table
        .filter(score_sheets::juror_id.eq(juror_id))
        .select((
            score_sheets::idea_id,
            score_sheets::round,
            score_sheets::comment,
        ))
        .into_boxed();
    let mut values_query = scores::table
        .filter(scores::juror_id.eq(juror_id))
        .select((
            scores::idea_id,
            scores::round,
            scores::criterion,
            scores::value,
        ))
        .into_boxed();
    if let Some(round) = round {
        sheets_query = sheets_query.filter(score_sheets::round.eq(round.to_owned()));
        values_query = values_query.filter(scores::round.eq(round.to_owned()));
    }
    let sheets: Vec<(String, String, Option<String>)> = sheets_query.load(conn)?;
    let values: Vec<(String, String, String, i32)> = values_query.load(conn)?;
    // Grouped once: a juror with thousands of sheets is read in linear time.
    let mut by_idea: std::collections::HashMap<(String, String), Vec<(String, i32)>> =
        std::collections::HashMap::new();
    for (idea, round, criterion, value) in values {
        by_idea
            .entry((idea, round))
            .or_default()
            .push((criterion, value));
    }
    Ok(sheets
        .into_iter()
        .map(|(idea, round, comment)| {
            let mine = by_idea
                .remove(&(idea.clone(), round.clone()))
                .unwrap_or_default();
            Sheet {
                idea_id: idea,
                round,
                comment,
                values: mine,
            }
        })
        .collect())
}

/// Scores given by a juror to an entry they declared a conflict with: `concours check`. A
/// sheet of an earlier round that had closed before the declaration stays on record (who
/// advanced was decided on it); any other is a violation.
pub fn scores_despite_conflict(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    use super::schema::round_closings;
    let found: Vec<(String, String, String, String, NaiveDateTime)> = scores::table
        .inner_join(
            conflicts::table.on(conflicts::juror_id
                .eq(scores::juror_id)
                .and(conflicts::idea_id.eq(scores::idea_id))),
        )
        .inner_join(jurors::table.on(jurors::id.eq(scores::juror_id)))
        .select((
            scores::juror_id,
            scores::idea_id,
            scores::round,
            jurors::contest_id,
            conflicts::created_at,
        ))
        .distinct()
        .load(conn)?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let closed: std::collections::HashMap<(String, String), NaiveDateTime> = round_closings::table
        .select((
            round_closings::contest_id,
            round_closings::round,
            round_closings::closed_at,
        ))
        .load::<(String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(contest, round, at)| ((contest, round), at))
        .collect();
    let mut pairs: Vec<(String, String)> = found
        .into_iter()
        .filter(|(_, _, round, contest, declared)| {
            closed
                .get(&(contest.clone(), round.clone()))
                .is_none_or(|closed_at| closed_at > declared)
        })
        .map(|(juror, idea, ..)| (juror, idea))
        .collect();
    pairs.dedup();
    Ok(pairs)
}

pub fn accepted_pairs(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    jurors::table
        .filter(jurors::status.eq(JurorStatus::Accepted.as_str()))
        .filter(jurors::user_id.is_not_null())
        .select((jurors::contest_id, jurors::user_id.assume_not_null()))
        .load(conn)
}
