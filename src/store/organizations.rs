//! Organisations (brands) and their members.

use crate::domain::status::JurorStatus;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{
    contests, follows, memberships, organization_invitations, organizations, users,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub created_at: NaiveDateTime,
}

/// A member as listed: who, and in which role.
#[derive(Debug, Clone, Queryable)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub locale: String,
}

pub fn insert(
    conn: &mut DbConnection,
    id: &str,
    name: &str,
    slug: &str,
    created_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(id),
            organizations::name.eq(name),
            organizations::slug.eq(slug),
            organizations::created_at.eq(created_at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Organization>> {
    organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
        .optional()
}

pub fn slug_taken(conn: &mut DbConnection, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        organizations::table.filter(organizations::slug.eq(slug)),
    ))
    .get_result(conn)
}

/// The organisations `user_id` belongs to, oldest first.
pub fn of_user(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<(Organization, String)>> {
    organizations::table
        .inner_join(memberships::table)
        .filter(memberships::user_id.eq(user_id))
        .order(organizations::created_at.asc())
        .select((Organization::as_select(), memberships::role))
        .load(conn)
}

pub fn add_member(
    conn: &mut DbConnection,
    organization_id: &str,
    user_id: &str,
    role: &str,
    created_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::organization_id.eq(organization_id),
            memberships::user_id.eq(user_id),
            memberships::role.eq(role),
            memberships::created_at.eq(created_at),
        ))
        .execute(conn)
        .map(drop)
}

/// The role `user_id` holds in the organisation, if any.
pub fn role_of(
    conn: &mut DbConnection,
    organization_id: &str,
    user_id: &str,
) -> QueryResult<Option<String>> {
    memberships::table
        .find((organization_id, user_id))
        .select(memberships::role)
        .first(conn)
        .optional()
}

pub fn members(conn: &mut DbConnection, organization_id: &str) -> QueryResult<Vec<Member>> {
    memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(organization_id))
        .order(memberships::created_at.asc())
        .select((
            users::id,
            users::email,
            users::display_name,
            memberships::role,
            memberships::created_at,
            users::locale,
        ))
        .load(conn)
}

/// Organisations with no owner left: `concours check` reports them.
pub fn without_owner(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let owned = memberships::table
        .filter(memberships::role.eq("owner"))
        .select(memberships::organization_id);
    organizations::table
        .filter(diesel::dsl::not(organizations::id.eq_any(owned)))
        .select(organizations::id)
        .load(conn)
}

/// An invitation to join an organisation; the link's token is kept as its SHA-256 only.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organization_invitations)]
pub struct Invitation {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: String,
    pub token_hash: String,
    pub invited_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub accepted_by: Option<String>,
}

/// Records an invitation, replacing any earlier one to the same address that is still open
/// (its link stops working: only the newest mail counts).
pub fn insert_invitation(conn: &mut DbConnection, invitation: &Invitation) -> QueryResult<()> {
    diesel::delete(
        organization_invitations::table
            .filter(organization_invitations::organization_id.eq(&invitation.organization_id))
            .filter(organization_invitations::email.eq(&invitation.email))
            .filter(organization_invitations::accepted_at.is_null()),
    )
    .execute(conn)?;
    diesel::insert_into(organization_invitations::table)
        .values(invitation)
        .execute(conn)
        .map(drop)
}

pub fn find_invitation(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<Invitation>> {
    organization_invitations::table
        .filter(organization_invitations::token_hash.eq(token_hash))
        .select(Invitation::as_select())
        .first(conn)
        .optional()
}

/// Marks the invitation used; false when it already was (a concurrent acceptance won).
pub fn accept_invitation(
    conn: &mut DbConnection,
    id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(organization_invitations::table.find(id))
        .filter(organization_invitations::accepted_at.is_null())
        .set((
            organization_invitations::accepted_at.eq(at),
            organization_invitations::accepted_by.eq(user_id),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Ends a membership; false when there was none.
pub fn remove_member(
    conn: &mut DbConnection,
    organization_id: &str,
    user_id: &str,
) -> QueryResult<bool> {
    diesel::delete(memberships::table.find((organization_id, user_id)))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn set_role(
    conn: &mut DbConnection,
    organization_id: &str,
    user_id: &str,
    role: &str,
) -> QueryResult<()> {
    diesel::update(memberships::table.find((organization_id, user_id)))
        .set(memberships::role.eq(role))
        .execute(conn)
        .map(drop)
}

/// How many members the organisation has, and how many of them own it.
pub fn head_count(conn: &mut DbConnection, organization_id: &str) -> QueryResult<(i64, i64)> {
    let all = memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .count()
        .get_result(conn)?;
    let owners = memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::role.eq("owner"))
        .count()
        .get_result(conn)?;
    Ok((all, owners))
}

pub fn has_contests(conn: &mut DbConnection, organization_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        contests::table.filter(contests::organization_id.eq(organization_id)),
    ))
    .get_result(conn)
}

/// Deletes an organisation that never held a contest, with its memberships, invitations and
/// followers (its last member left).
pub fn delete_empty(conn: &mut DbConnection, organization_id: &str) -> QueryResult<()> {
    diesel::delete(
        organization_invitations::table
            .filter(organization_invitations::organization_id.eq(organization_id)),
    )
    .execute(conn)?;
    diesel::delete(follows::table.filter(follows::organization_id.eq(organization_id)))
        .execute(conn)?;
    diesel::delete(memberships::table.filter(memberships::organization_id.eq(organization_id)))
        .execute(conn)?;
    diesel::delete(organizations::table.find(organization_id))
        .execute(conn)
        .map(drop)
}

/// Serialises the membership changes of one organisation on PostgreSQL (two owners leaving at
/// once must not both see the other stay); on SQLite the immediate transaction already does.
pub fn lock(conn: &mut DbConnection, organization_id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        organizations::table
            .find(organization_id)
            .select(organizations::id)
            .for_no_key_update()
            .first::<String>(pg)
            .optional()?;
    }
    Ok(())
}

/// Whether the person entered, or sits on the jury of, one of the organisation's contests that
/// is not awarded yet: such a person may not join it (they would read its entries and scores,
/// or judge their own rivals' fate as an organiser).
pub fn has_stake_in_running_contest(
    conn: &mut DbConnection,
    organization_id: &str,
    user_id: &str,
) -> QueryResult<bool> {
    use super::schema::{contests, ideas, jurors};
    let running: Vec<String> = contests::table
        .filter(contests::organization_id.eq(organization_id))
        .filter(contests::awarded_at.is_null())
        .select(contests::id)
        .load(conn)?;
    if running.is_empty() {
        return Ok(false);
    }
    let entered: i64 = ideas::table
        .filter(ideas::contest_id.eq_any(&running))
        .filter(ideas::author_id.eq(user_id))
        .filter(ideas::first_submitted_at.is_not_null())
        .count()
        .get_result(conn)?;
    let judging: i64 = jurors::table
        .filter(jurors::contest_id.eq_any(&running))
        .filter(jurors::user_id.eq(user_id))
        .filter(jurors::status.eq(JurorStatus::Accepted.as_str()))
        .count()
        .get_result(conn)?;
    Ok(entered + judging > 0)
}
