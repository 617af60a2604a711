//! Organisations (brands) and their members.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{memberships, organizations, users};

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
