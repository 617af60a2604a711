//! A brand's talent pool: who took part in its finished contests, whom it invited since, and
//! where its participants came from.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{awards, contest_invitations, contests, ideas, participation_sources, users};

/// One idea submitted to one of the organisation's awarded contests.
#[derive(Debug, Clone, Queryable)]
pub struct Participation {
    pub user_id: String,
    pub display_name: String,
    pub contest_id: String,
    pub idea_id: String,
    pub first_submitted_at: Option<NaiveDateTime>,
}

/// Every idea ever submitted (withdrawn or disqualified too) to the organisation's awarded
/// contests, with its author.
pub fn participations(
    conn: &mut DbConnection,
    organization_id: &str,
) -> QueryResult<Vec<Participation>> {
    ideas::table
        .inner_join(contests::table.on(contests::id.eq(ideas::contest_id)))
        .inner_join(users::table.on(users::id.eq(ideas::author_id)))
        .filter(contests::organization_id.eq(organization_id))
        .filter(contests::awarded_at.is_not_null())
        .filter(ideas::first_submitted_at.is_not_null())
        .filter(users::deleted_at.is_null())
        .select((
            users::id,
            users::display_name,
            contests::id,
            ideas::id,
            ideas::first_submitted_at,
        ))
        .load(conn)
}

/// The published ranking (JSON) of each of the organisation's awarded contests.
pub fn rankings(conn: &mut DbConnection, organization_id: &str) -> QueryResult<Vec<String>> {
    awards::table
        .inner_join(contests::table.on(contests::id.eq(awards::contest_id)))
        .filter(contests::organization_id.eq(organization_id))
        .select(awards::ranking)
        .load(conn)
}

/// Records an invitation unless this person was already invited to this contest.
pub fn invite_once(
    conn: &mut DbConnection,
    contest_id: &str,
    user_id: &str,
    invited_by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        contest_invitations::table.find((contest_id, user_id)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(contest_invitations::table)
        .values((
            contest_invitations::contest_id.eq(contest_id),
            contest_invitations::user_id.eq(user_id),
            contest_invitations::invited_by.eq(invited_by),
            contest_invitations::created_at.eq(at),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Records where a participant came from, unless it is known already (the first idea counts).
pub fn record_source_once(
    conn: &mut DbConnection,
    contest_id: &str,
    user_id: &str,
    source: &str,
    campaign: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        participation_sources::table.find((contest_id, user_id)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(participation_sources::table)
        .values((
            participation_sources::contest_id.eq(contest_id),
            participation_sources::user_id.eq(user_id),
            participation_sources::source.eq(source),
            participation_sources::campaign.eq(campaign),
            participation_sources::created_at.eq(at),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// (user id, source, campaign) of every participant of a contest whose source is known.
pub fn sources_of(
    conn: &mut DbConnection,
    contest_id: &str,
) -> QueryResult<Vec<(String, String, String)>> {
    participation_sources::table
        .filter(participation_sources::contest_id.eq(contest_id))
        .select((
            participation_sources::user_id,
            participation_sources::source,
            participation_sources::campaign,
        ))
        .load(conn)
}
