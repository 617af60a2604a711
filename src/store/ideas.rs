//! Ideas, their revisions (the receipts) and their attachments.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{attachment_data, attachments, contests, idea_revisions, ideas, users};
use crate::domain::ideas::Status;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ideas)]
pub struct Idea {
    pub id: String,
    pub contest_id: String,
    pub author_id: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    #[diesel(deserialize_as = String)]
    pub status: Status,
    pub revision: i32,
    pub first_submitted_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub disqualified_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The track the idea names, when its contest has tracks (issue 20).
    pub track: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idea_revisions)]
pub struct Revision {
    pub idea_id: String,
    pub revision: i32,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub content_sha256: String,
    pub received_at: NaiveDateTime,
    pub rules_hash: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: String,
    pub idea_id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Of the stored file (metadata removed), which is what readers download.
    pub sha256: String,
    pub created_at: NaiveDateTime,
    /// Of the bytes as received; `None` for files stored before metadata was removed.
    pub received_sha256: Option<String>,
}

/// A new idea (a draft, or submitted at once).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ideas)]
pub struct NewIdea<'a> {
    pub id: &'a str,
    pub contest_id: &'a str,
    pub author_id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    #[diesel(serialize_as = String)]
    pub status: Status,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub track: Option<&'a str>,
}

pub fn insert(conn: &mut DbConnection, idea: &NewIdea) -> QueryResult<()> {
    diesel::insert_into(ideas::table)
        .values(idea.clone())
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Idea>> {
    ideas::table
        .find(id)
        .select(Idea::as_select())
        .first(conn)
        .optional()
}

/// The author's ideas, newest first, with their contest's title.
pub fn of_author(conn: &mut DbConnection, author_id: &str) -> QueryResult<Vec<Idea>> {
    ideas::table
        .filter(ideas::author_id.eq(author_id))
        .order(ideas::created_at.desc())
        .select(Idea::as_select())
        .load(conn)
}

/// How many ideas the author has submitted (and not withdrawn) in the contest.
pub fn count_submitted(
    conn: &mut DbConnection,
    contest_id: &str,
    author_id: &str,
) -> QueryResult<i64> {
    ideas::table
        .filter(ideas::contest_id.eq(contest_id))
        .filter(ideas::author_id.eq(author_id))
        .filter(ideas::status.eq_any([Status::Submitted.as_str(), Status::Disqualified.as_str()]))
        .count()
        .get_result(conn)
}

/// Whether the person has ever submitted an idea to the contest (withdrawn and disqualified
/// ones included): such a person may not sit on its jury.
pub fn has_entered(
    conn: &mut DbConnection,
    contest_id: &str,
    author_id: &str,
) -> QueryResult<bool> {
    let count: i64 = ideas::table
        .filter(ideas::contest_id.eq(contest_id))
        .filter(ideas::author_id.eq(author_id))
        .filter(ideas::first_submitted_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Replaces the content (a draft's, or a submitted idea's with a new revision number).
pub fn update_content(
    conn: &mut DbConnection,
    id: &str,
    title: &str,
    summary: &str,
    body: &str,
    track: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(ideas::table.find(id))
        .set((
            ideas::title.eq(title),
            ideas::summary.eq(summary),
            ideas::body.eq(body),
            ideas::track.eq(track),
            ideas::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Records a submission or an edit: a new revision (the receipt) and the idea's new state.
pub fn record_revision(
    conn: &mut DbConnection,
    revision: &Revision,
    first: bool,
) -> QueryResult<()> {
    diesel::insert_into(idea_revisions::table)
        .values(revision)
        .execute(conn)?;
    // Only a draft or a submitted idea takes a new revision, and only the next one: a stale
    // caller changes nothing and rolls back.
    let target = ideas::table
        .find(&revision.idea_id)
        .filter(ideas::status.eq_any([Status::Draft.as_str(), Status::Submitted.as_str()]))
        .filter(ideas::revision.eq(revision.revision - 1));
    let common = (
        ideas::status.eq(Status::Submitted.as_str()),
        ideas::revision.eq(revision.revision),
        ideas::submitted_at.eq(revision.received_at),
        ideas::updated_at.eq(revision.received_at),
    );
    if first {
        diesel::update(target)
            .set((common, ideas::first_submitted_at.eq(revision.received_at)))
            .execute(conn)
    } else {
        diesel::update(target).set(common).execute(conn)
    }
    .and_then(|rows| {
        if rows == 1 {
            Ok(())
        } else {
            Err(diesel::result::Error::RollbackTransaction)
        }
    })
}

pub fn latest_revision(conn: &mut DbConnection, idea_id: &str) -> QueryResult<Option<Revision>> {
    idea_revisions::table
        .filter(idea_revisions::idea_id.eq(idea_id))
        .order(idea_revisions::revision.desc())
        .select(Revision::as_select())
        .first(conn)
        .optional()
}

pub fn revisions(conn: &mut DbConnection, idea_id: &str) -> QueryResult<Vec<Revision>> {
    idea_revisions::table
        .filter(idea_revisions::idea_id.eq(idea_id))
        .order(idea_revisions::revision.asc())
        .select(Revision::as_select())
        .load(conn)
}

pub fn set_status(
    conn: &mut DbConnection,
    id: &str,
    status: Status,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(ideas::table.find(id))
        .set((ideas::status.eq(status.as_str()), ideas::updated_at.eq(at)))
        .execute(conn)
        .map(drop)
}

/// Draft ideas of contests whose deadline is at `deadline_before` or earlier and not past.
pub fn drafts_of_contest(conn: &mut DbConnection, contest_id: &str) -> QueryResult<Vec<Idea>> {
    ideas::table
        .filter(ideas::contest_id.eq(contest_id))
        .filter(ideas::status.eq(Status::Draft.as_str()))
        .select(Idea::as_select())
        .load(conn)
}

/// Receipts dated outside their contest's submission window: `concours check` reports them.
pub fn revisions_outside_window(conn: &mut DbConnection) -> QueryResult<Vec<(String, i32)>> {
    idea_revisions::table
        .inner_join(ideas::table.inner_join(contests::table))
        .filter(
            idea_revisions::received_at
                .ge(contests::submission_deadline)
                .or(idea_revisions::received_at.lt(contests::opens_at)),
        )
        .select((idea_revisions::idea_id, idea_revisions::revision))
        .load(conn)
}

pub fn insert_attachment(
    conn: &mut DbConnection,
    attachment: &Attachment,
    data: &[u8],
) -> QueryResult<()> {
    diesel::insert_into(attachments::table)
        .values(attachment)
        .execute(conn)?;
    diesel::insert_into(attachment_data::table)
        .values((
            attachment_data::attachment_id.eq(&attachment.id),
            attachment_data::data.eq(data),
        ))
        .execute(conn)
        .map(drop)
}

/// Removes an attachment and its bytes.
pub fn delete_attachment(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::delete(attachment_data::table.find(id)).execute(conn)?;
    diesel::delete(attachments::table.find(id))
        .execute(conn)
        .map(drop)
}

pub fn attachments_of(conn: &mut DbConnection, idea_id: &str) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::idea_id.eq(idea_id))
        // Files attached in one request share their time; their ids keep the order stable.
        .order((attachments::created_at.asc(), attachments::id.asc()))
        .select(Attachment::as_select())
        .load(conn)
}

pub fn find_attachment(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Attachment>> {
    attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
        .optional()
}

pub fn attachment_bytes(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<u8>> {
    attachment_data::table
        .find(id)
        .select(attachment_data::data)
        .first(conn)
}

/// (email, locale, display name) of everyone with a submitted idea in the contest, once each.
pub fn submitting_authors(
    conn: &mut DbConnection,
    contest_id: &str,
) -> QueryResult<Vec<(String, String, String)>> {
    users::table
        .filter(
            users::id.eq_any(
                ideas::table
                    .filter(ideas::contest_id.eq(contest_id.to_owned()))
                    .filter(ideas::status.eq(Status::Submitted.as_str()))
                    .select(ideas::author_id),
            ),
        )
        .order(users::email.asc())
        .select((users::email, users::locale, users::display_name))
        .load(conn)
}

/// The ideas of a contest that were submitted (in the running, withdrawn after submitting, or
/// disqualified), for its organisers: never drafts.
pub fn submitted_of_contest(conn: &mut DbConnection, contest_id: &str) -> QueryResult<Vec<Idea>> {
    ideas::table
        .filter(ideas::contest_id.eq(contest_id))
        .filter(ideas::first_submitted_at.is_not_null())
        .order(ideas::id.asc())
        .select(Idea::as_select())
        .load(conn)
}

/// The entries in the running (submitted, neither withdrawn nor disqualified), each with its
/// author's email (for conflict detection only; never shown to a juror).
pub fn eligible_with_author_email(
    conn: &mut DbConnection,
    contest_id: &str,
) -> QueryResult<Vec<(Idea, String)>> {
    ideas::table
        .inner_join(users::table.on(users::id.eq(ideas::author_id)))
        .filter(ideas::contest_id.eq(contest_id))
        .filter(ideas::status.eq(Status::Submitted.as_str()))
        .select((Idea::as_select(), users::email))
        .load(conn)
}

pub fn disqualify(
    conn: &mut DbConnection,
    id: &str,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        ideas::table
            .find(id)
            .filter(ideas::status.eq(Status::Submitted.as_str())),
    )
    .set((
        ideas::status.eq(Status::Disqualified.as_str()),
        ideas::disqualified_reason.eq(reason),
        ideas::updated_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Every idea of a contest with its author's name and email, for the organisation's figures
/// and exports (no body: it is not needed there).
pub fn overview_of_contest(
    conn: &mut DbConnection,
    contest_id: &str,
) -> QueryResult<Vec<IdeaOverview>> {
    ideas::table
        .inner_join(users::table.on(users::id.eq(ideas::author_id)))
        .filter(ideas::contest_id.eq(contest_id))
        .order((ideas::created_at.asc(), ideas::id.asc()))
        .select((
            ideas::id,
            ideas::author_id,
            users::display_name,
            users::email,
            users::locale,
            ideas::title,
            ideas::summary,
            ideas::status,
            ideas::revision,
            ideas::first_submitted_at,
            ideas::created_at,
        ))
        .load(conn)
}

/// One row of [`overview_of_contest`].
#[derive(Debug, Clone, Queryable)]
pub struct IdeaOverview {
    pub id: String,
    pub author_id: String,
    pub author_name: String,
    pub author_email: String,
    pub author_locale: String,
    pub title: String,
    pub summary: String,
    #[diesel(deserialize_as = String)]
    pub status: Status,
    pub revision: i32,
    pub first_submitted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}
