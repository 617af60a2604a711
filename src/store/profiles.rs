//! People's public pages, and what they achieved in finished contests.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{awards, contests, ideas, payouts, profiles};

/// (public, bio, links as a JSON array)
pub fn find(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<(bool, String, String)>> {
    profiles::table
        .find(user_id)
        .select((profiles::public, profiles::bio, profiles::links))
        .first::<(i32, String, String)>(conn)
        .optional()
        .map(|row| row.map(|(public, bio, links)| (public == 1, bio, links)))
}

pub fn save(
    conn: &mut DbConnection,
    user_id: &str,
    public: bool,
    bio: &str,
    links: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(profiles::table.find(user_id)).execute(conn)?;
    diesel::insert_into(profiles::table)
        .values((
            profiles::user_id.eq(user_id),
            profiles::public.eq(i32::from(public)),
            profiles::bio.eq(bio),
            profiles::links.eq(links),
            profiles::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// A person's ideas in awarded contests: (contest id, contest title, currency, idea id, idea
/// title, the contest's published ranking as JSON).
pub type Entered = (String, String, String, String, String, String);

pub fn entered_awarded(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<Entered>> {
    ideas::table
        .inner_join(contests::table.on(contests::id.eq(ideas::contest_id)))
        .inner_join(awards::table.on(awards::contest_id.eq(contests::id)))
        .filter(ideas::author_id.eq(user_id))
        .filter(ideas::first_submitted_at.is_not_null())
        .order(awards::awarded_at.desc())
        .select((
            contests::id,
            contests::title,
            contests::currency,
            ideas::id,
            ideas::title,
            awards::ranking,
        ))
        .load(conn)
}

/// The money awarded to an idea, in cents.
pub fn prize_of(conn: &mut DbConnection, idea_id: &str) -> QueryResult<i64> {
    payouts::table
        .filter(payouts::idea_id.eq(idea_id))
        .select(payouts::amount_cents)
        .load::<i64>(conn)
        .map(|amounts| amounts.into_iter().sum())
}

/// Removes what belongs to a deleted account only: its page, preferences, follows, open links
/// (verification, password reset), attribution and invitations, the mail still waiting for its
/// address, and the ideas it never submitted (with their attachments).
pub fn erase_personal_data(conn: &mut DbConnection, user_id: &str, email: &str) -> QueryResult<()> {
    use super::schema::{
        attachment_data, attachments, contest_invitations, email_verifications, follows,
        notification_preferences, outbox, participation_sources, password_resets,
    };
    diesel::delete(profiles::table.find(user_id)).execute(conn)?;
    diesel::delete(notification_preferences::table.find(user_id)).execute(conn)?;
    diesel::delete(follows::table.filter(follows::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(password_resets::table.filter(password_resets::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(email_verifications::table.filter(email_verifications::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(participation_sources::table.filter(participation_sources::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(contest_invitations::table.filter(contest_invitations::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(
        outbox::table
            .filter(outbox::recipient.eq(email))
            .filter(outbox::status.eq("pending")),
    )
    .execute(conn)?;
    let never_submitted: Vec<String> = ideas::table
        .filter(ideas::author_id.eq(user_id))
        .filter(ideas::first_submitted_at.is_null())
        .select(ideas::id)
        .load(conn)?;
    for idea in &never_submitted {
        let files: Vec<String> = attachments::table
            .filter(attachments::idea_id.eq(idea))
            .select(attachments::id)
            .load(conn)?;
        diesel::delete(
            attachment_data::table.filter(attachment_data::attachment_id.eq_any(&files)),
        )
        .execute(conn)?;
        diesel::delete(attachments::table.filter(attachments::idea_id.eq(idea))).execute(conn)?;
        diesel::delete(ideas::table.find(idea)).execute(conn)?;
    }
    Ok(())
}
