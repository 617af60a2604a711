//! Notification preferences, follows, password reset links and mail fan-outs.

use crate::domain::ideas::Status;
use crate::domain::status::JurorStatus;
use crate::domain::status::MailStatus;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{
    follows, ideas, jurors, mail_fanouts, memberships, notification_preferences, organizations,
    outbox, password_resets, users,
};

/// What a person receives besides account and payout mail (always sent). `true` = on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Preferences {
    pub announcements: bool,
    pub reminders: bool,
    pub brand_news: bool,
}

impl Default for Preferences {
    fn default() -> Preferences {
        Preferences {
            announcements: true,
            reminders: true,
            brand_news: true,
        }
    }
}

pub fn preferences(conn: &mut DbConnection, user_id: &str) -> QueryResult<Preferences> {
    let row: Option<(i32, i32, i32)> = notification_preferences::table
        .find(user_id)
        .select((
            notification_preferences::announcements,
            notification_preferences::reminders,
            notification_preferences::brand_news,
        ))
        .first(conn)
        .optional()?;
    Ok(row
        .map(|(a, r, b)| Preferences {
            announcements: a == 1,
            reminders: r == 1,
            brand_news: b == 1,
        })
        .unwrap_or_default())
}

/// The preferences of the account with this address, if there is one.
pub fn preferences_by_email(
    conn: &mut DbConnection,
    email: &str,
) -> QueryResult<Option<(String, Preferences)>> {
    let Some(user_id) = users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first::<String>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let preferences = preferences(conn, &user_id)?;
    Ok(Some((user_id, preferences)))
}

pub fn set_preferences(
    conn: &mut DbConnection,
    user_id: &str,
    p: Preferences,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(notification_preferences::table.find(user_id)).execute(conn)?;
    diesel::insert_into(notification_preferences::table)
        .values((
            notification_preferences::user_id.eq(user_id),
            notification_preferences::announcements.eq(i32::from(p.announcements)),
            notification_preferences::reminders.eq(i32::from(p.reminders)),
            notification_preferences::brand_news.eq(i32::from(p.brand_news)),
            notification_preferences::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Settles the queued, unsent messages of these templates to this address as `skipped` (their
/// kind was turned off): never sent, and not failed either. One being sent right now (claimed)
/// is skipped by the worker, which checks the preference again before it sends.
pub fn drop_pending(
    conn: &mut DbConnection,
    email: &str,
    templates: &[&str],
    kind: &str,
) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::recipient.eq(email))
            .filter(outbox::status.eq(MailStatus::Pending.as_str()))
            .filter(outbox::claimed_until.is_null())
            .filter(outbox::template.eq_any(templates)),
    )
    .set((
        outbox::status.eq(MailStatus::Skipped.as_str()),
        outbox::last_error.eq(super::outbox::skipped_reason(kind)),
    ))
    .execute(conn)
}

/// When the latest message already planned for this address goes out.
pub fn latest_planned(conn: &mut DbConnection, email: &str) -> QueryResult<Option<NaiveDateTime>> {
    outbox::table
        .filter(outbox::recipient.eq(email))
        .filter(outbox::status.eq(MailStatus::Pending.as_str()))
        .select(diesel::dsl::max(outbox::next_attempt_at))
        .first(conn)
}

/// Follows an organisation; returns false when already following.
pub fn follow(
    conn: &mut DbConnection,
    user_id: &str,
    organization_id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        follows::table.find((user_id, organization_id)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(follows::table)
        .values((
            follows::user_id.eq(user_id),
            follows::organization_id.eq(organization_id),
            follows::created_at.eq(at),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn unfollow(
    conn: &mut DbConnection,
    user_id: &str,
    organization_id: &str,
) -> QueryResult<bool> {
    diesel::delete(follows::table.find((user_id, organization_id)))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn is_following(
    conn: &mut DbConnection,
    user_id: &str,
    organization_id: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        follows::table.find((user_id, organization_id)),
    ))
    .get_result(conn)
}

/// (organisation id, name) of what a person follows.
pub fn followed_by(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<(String, String)>> {
    follows::table
        .inner_join(organizations::table.on(organizations::id.eq(follows::organization_id)))
        .filter(follows::user_id.eq(user_id))
        .order(organizations::name.asc())
        .select((organizations::id, organizations::name))
        .load(conn)
}

/// A recipient of a fan-out: (user id, email, locale, display name).
pub type Recipient = (String, String, String, String);

/// The next `limit` followers of an organisation after `after` (by user id).
pub fn followers_after(
    conn: &mut DbConnection,
    organization_id: &str,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<Recipient>> {
    // Its members hear of it as members; followers who are not.
    let members = memberships::table
        .filter(memberships::organization_id.eq(organization_id.to_owned()))
        .select(memberships::user_id);
    follows::table
        .inner_join(users::table)
        .filter(follows::organization_id.eq(organization_id))
        .filter(users::id.ne_all(members))
        .filter(users::id.gt(after))
        .order(users::id.asc())
        .limit(limit)
        .select((users::id, users::email, users::locale, users::display_name))
        .load(conn)
}

/// The next `limit` participants of a contest after `after` (by user id): the authors of
/// submitted ideas and the jurors who accepted, once each.
pub fn participants_after(
    conn: &mut DbConnection,
    contest_id: &str,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<Recipient>> {
    let authors = ideas::table
        .filter(ideas::contest_id.eq(contest_id.to_owned()))
        .filter(ideas::status.eq(Status::Submitted.as_str()))
        .select(ideas::author_id);
    let accepted = jurors::table
        .filter(jurors::contest_id.eq(contest_id.to_owned()))
        .filter(jurors::status.eq(JurorStatus::Accepted.as_str()))
        .filter(jurors::user_id.is_not_null())
        .select(jurors::user_id.assume_not_null());
    users::table
        .filter(users::id.eq_any(authors).or(users::id.eq_any(accepted)))
        .filter(users::id.gt(after))
        .order(users::id.asc())
        .limit(limit)
        .select((users::id, users::email, users::locale, users::display_name))
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_fanouts)]
pub struct Fanout {
    pub id: String,
    pub template: String,
    pub audience: String,
    pub contest_id: String,
    pub context: String,
    pub after_user: String,
    pub done_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_fanout(conn: &mut DbConnection, fanout: &Fanout) -> QueryResult<()> {
    diesel::insert_into(mail_fanouts::table)
        .values(fanout)
        .execute(conn)
        .map(drop)
}

/// The oldest unfinished fan-out, locked for this transaction (see `backend::claim_fanout`).
pub fn claim_fanout(conn: &mut DbConnection) -> QueryResult<Option<Fanout>> {
    super::backend::claim_fanout(conn)
}

pub fn advance_fanout(
    conn: &mut DbConnection,
    id: &str,
    after_user: &str,
    done_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(mail_fanouts::table.find(id))
        .set((
            mail_fanouts::after_user.eq(after_user),
            mail_fanouts::done_at.eq(done_at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn unfinished_fanouts(conn: &mut DbConnection) -> QueryResult<i64> {
    mail_fanouts::table
        .filter(mail_fanouts::done_at.is_null())
        .count()
        .get_result(conn)
}

pub fn insert_reset(
    conn: &mut DbConnection,
    token_hash: &str,
    user_id: &str,
    expires_at: NaiveDateTime,
    created_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::token_hash.eq(token_hash),
            password_resets::user_id.eq(user_id),
            password_resets::expires_at.eq(expires_at),
            password_resets::created_at.eq(created_at),
        ))
        .execute(conn)
        .map(drop)
}

/// Uses a reset link once: returns its account when the link is unused and unexpired.
pub fn use_reset(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    let used = diesel::update(
        password_resets::table
            .find(token_hash)
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(now)),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)?;
    if used == 0 {
        return Ok(None);
    }
    password_resets::table
        .find(token_hash)
        .select(password_resets::user_id)
        .first(conn)
        .optional()
}

/// The account of a reset link that is unused and unexpired, without using it: checked before
/// any password is hashed.
pub fn usable_reset(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    password_resets::table
        .find(token_hash)
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::user_id)
        .first(conn)
        .optional()
}

/// Ends every outstanding reset link of an account (after its password changed).
pub fn end_resets_of(
    conn: &mut DbConnection,
    user_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        password_resets::table
            .filter(password_resets::user_id.eq(user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)
    .map(drop)
}
