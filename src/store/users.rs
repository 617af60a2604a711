//! Accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::users;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub is_admin: i32,
    pub locale: String,
    pub created_at: NaiveDateTime,
    /// Set when the person deleted their account (the row stays, emptied).
    pub deleted_at: Option<NaiveDateTime>,
    /// Moves on when the password changes: a session token issued in an earlier epoch is
    /// refused.
    pub session_epoch: i32,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.is_admin != 0
    }

    pub fn email_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub locale: &'a str,
    pub created_at: NaiveDateTime,
}

/// Creates an account; `AlreadyExists` when the address is taken (the unique index decides
/// between two sign-ups with one address).
pub fn insert(conn: &mut DbConnection, user: &NewUser) -> QueryResult<super::Insert> {
    super::outcome::of(diesel::insert_into(users::table).values(user).execute(conn))
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// `email` must already be normalised (see `domain::account::Email`).
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn mark_verified(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .filter(users::email_verified_at.is_null())
        .set(users::email_verified_at.eq(at))
        .execute(conn)
        .map(drop)
}

/// Returns whether an account with that email exists.
pub fn grant_admin(conn: &mut DbConnection, email: &str) -> QueryResult<bool> {
    diesel::update(users::table.filter(users::email.eq(email)))
        .set(users::is_admin.eq(1))
        .execute(conn)
        .map(|n| n > 0)
}

/// Whether the account signed in from the address with this digest before.
pub fn knows_address(conn: &mut DbConnection, id: &str, digest: &str) -> QueryResult<bool> {
    use super::schema::sign_in_addresses;
    diesel::select(diesel::dsl::exists(
        sign_in_addresses::table.find((id, digest)),
    ))
    .get_result(conn)
}

/// Remembers a successful sign-in from the address with this digest.
pub fn remember_address(
    conn: &mut DbConnection,
    id: &str,
    digest: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    super::backend::upsert_sign_in_address(conn, id, digest, at).map(drop)
}

/// Forgets the addresses not signed in from since `before`.
pub fn forget_addresses_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> QueryResult<usize> {
    use super::schema::sign_in_addresses;
    diesel::delete(sign_in_addresses::table.filter(sign_in_addresses::last_signed_in_at.lt(before)))
        .execute(conn)
}

/// Sets a new password and ends every session issued before (their epoch is now behind).
pub fn set_password(conn: &mut DbConnection, id: &str, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::session_epoch.eq(users::session_epoch + 1),
        ))
        .execute(conn)
        .map(drop)
}

/// The address a deleted account keeps: unique, and it receives nothing (`.invalid`).
pub fn placeholder_email(id: &str) -> String {
    format!("deleted-{id}@deleted.invalid")
}

/// Empties a deleted account of its person: a placeholder address that receives nothing, the
/// name "former participant", a password hash nothing matches.
pub fn anonymize(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(placeholder_email(id)),
            users::display_name.eq("former participant"),
            users::password_hash.eq("!"),
            users::email_verified_at.eq(None::<NaiveDateTime>),
            users::is_admin.eq(0),
            users::deleted_at.eq(Some(at)),
        ))
        .execute(conn)
        .map(drop)
}

/// The ideas of a contest whose authors deleted their account.
pub fn ideas_of_deleted_authors(
    conn: &mut DbConnection,
    contest_id: &str,
) -> QueryResult<Vec<String>> {
    use super::schema::ideas;
    ideas::table
        .inner_join(users::table.on(users::id.eq(ideas::author_id)))
        .filter(ideas::contest_id.eq(contest_id))
        .filter(users::deleted_at.is_not_null())
        .select(ideas::id)
        .load(conn)
}
