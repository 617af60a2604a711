//! Single-use email verification links and revoked session tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{email_verifications, revoked_tokens};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_verifications)]
pub struct EmailVerification {
    pub token_hash: String,
    pub user_id: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Only the SHA-256 of the token is stored: a leaked table verifies nobody.
pub fn insert_verification(
    conn: &mut DbConnection,
    token_hash: &str,
    user_id: &str,
    expires_at: NaiveDateTime,
    created_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(email_verifications::table)
        .values((
            email_verifications::token_hash.eq(token_hash),
            email_verifications::user_id.eq(user_id),
            email_verifications::expires_at.eq(expires_at),
            email_verifications::created_at.eq(created_at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn find_verification(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<EmailVerification>> {
    email_verifications::table
        .find(token_hash)
        .select(EmailVerification::as_select())
        .first(conn)
        .optional()
}

/// Marks the link used; returns false when it already was (a concurrent use won).
pub fn use_verification(
    conn: &mut DbConnection,
    token_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(email_verifications::table.find(token_hash))
        .filter(email_verifications::used_at.is_null())
        .set(email_verifications::used_at.eq(at))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn revoke(conn: &mut DbConnection, jti: &str, expires_at: NaiveDateTime) -> QueryResult<()> {
    let already = is_revoked(conn, jti)?;
    if already {
        return Ok(());
    }
    diesel::insert_into(revoked_tokens::table)
        .values((
            revoked_tokens::jti.eq(jti),
            revoked_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn is_revoked(conn: &mut DbConnection, jti: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(revoked_tokens::table.find(jti))).get_result(conn)
}

/// A revoked token past its expiry is refused anyway; its row can go.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(revoked_tokens::table.filter(revoked_tokens::expires_at.lt(now))).execute(conn)
}
