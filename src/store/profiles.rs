//! People's public pages, and what they achieved in finished contests.

use crate::domain::ideas::Status;
use crate::domain::status::MailStatus;
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

/// A person's ranked ideas in awarded contests: (contest id, contest title, currency, idea id,
/// idea title, the contest's published ranking as JSON). Withdrawn and disqualified ideas are
/// left out: their titles were never published, and a public page must not say that one was
/// disqualified.
pub type Entered = (String, String, String, String, String, String);

pub fn entered_awarded(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<Entered>> {
    ideas::table
        .inner_join(contests::table.on(contests::id.eq(ideas::contest_id)))
        .inner_join(awards::table.on(awards::contest_id.eq(contests::id)))
        .filter(ideas::author_id.eq(user_id))
        .filter(ideas::status.eq(Status::Submitted.as_str()))
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
            .filter(outbox::status.eq(MailStatus::Pending.as_str())),
    )
    .execute(conn)?;
    diesel::delete(
        super::schema::sign_in_addresses::table
            .filter(super::schema::sign_in_addresses::user_id.eq(user_id)),
    )
    .execute(conn)?;
    diesel::delete(
        super::schema::idempotency_keys::table
            .filter(super::schema::idempotency_keys::user_id.eq(user_id)),
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

/// Marks on the ideas of a contest: (idea id, marks) for each marked idea, and the ideas the
/// person marked.
pub type Marks = (Vec<(String, i64)>, Vec<String>);

/// The marks on the ideas of a contest, and those of `user_id`.
pub fn marks_of_contest(
    conn: &mut DbConnection,
    contest_id: &str,
    user_id: Option<&str>,
) -> QueryResult<Marks> {
    use super::schema::idea_marks;
    let counts = idea_marks::table
        .inner_join(ideas::table.on(ideas::id.eq(idea_marks::idea_id)))
        .filter(ideas::contest_id.eq(contest_id))
        .group_by(idea_marks::idea_id)
        .select((idea_marks::idea_id, diesel::dsl::count_star()))
        .load(conn)?;
    let mine = match user_id {
        Some(user) => idea_marks::table
            .inner_join(ideas::table.on(ideas::id.eq(idea_marks::idea_id)))
            .filter(ideas::contest_id.eq(contest_id))
            .filter(idea_marks::user_id.eq(user))
            .select(idea_marks::idea_id)
            .load(conn)?,
        None => Vec::new(),
    };
    Ok((counts, mine))
}

/// Marks or unmarks an idea for a person (idempotent); the idea's marks afterwards.
pub fn set_mark(
    conn: &mut DbConnection,
    idea_id: &str,
    user_id: &str,
    on: bool,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    use super::schema::idea_marks;
    let exists: bool = diesel::select(diesel::dsl::exists(
        idea_marks::table.find((idea_id, user_id)),
    ))
    .get_result(conn)?;
    if on && !exists {
        diesel::insert_into(idea_marks::table)
            .values((
                idea_marks::idea_id.eq(idea_id),
                idea_marks::user_id.eq(user_id),
                idea_marks::created_at.eq(at),
            ))
            .execute(conn)?;
    } else if !on && exists {
        diesel::delete(idea_marks::table.find((idea_id, user_id))).execute(conn)?;
    }
    idea_marks::table
        .filter(idea_marks::idea_id.eq(idea_id))
        .count()
        .get_result(conn)
}

/// What a deleted account still left in the records of others once its own rows are gone:
/// sent (and failed) mail to it or naming it, the payouts and award rankings of its entries,
/// its jury seats, and the sign-in counters named after its address. `placeholder` is the
/// account's new address, `former` the name results use for it. Nothing scrubbed here is
/// hashed: score sheets and the audit chain never held a name or an address.
pub fn scrub_traces(
    conn: &mut DbConnection,
    user_id: &str,
    email: &str,
    display_name: &str,
    placeholder: &str,
    former: &str,
) -> QueryResult<()> {
    use super::schema::{awards, jurors, organization_invitations, outbox, payouts, rate_limits};
    // Invitations to join an organisation: those to the address go (pending ones could still
    // be accepted by whoever registers it next), those the person accepted or sent forget who.
    diesel::delete(
        organization_invitations::table.filter(organization_invitations::email.eq(email)),
    )
    .execute(conn)?;
    diesel::update(
        organization_invitations::table.filter(organization_invitations::accepted_by.eq(user_id)),
    )
    .set(organization_invitations::accepted_by.eq(None::<String>))
    .execute(conn)?;
    // Mail not sent yet to the person is cancelled; mail sent keeps its row (the worker's
    // bookkeeping) but neither the address nor what it said.
    diesel::delete(
        outbox::table
            .filter(outbox::recipient.eq(email))
            .filter(outbox::status.ne(MailStatus::Sent.as_str())),
    )
    .execute(conn)?;
    diesel::update(outbox::table.filter(outbox::recipient.eq(email)))
        .set((
            outbox::recipient.eq(placeholder),
            outbox::context.eq("{}"),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    // Mail to others that names the person (a JSON string that is exactly the name or the
    // address) names "former participant" instead.
    let quoted_name = serde_json::to_string(display_name).unwrap_or_default();
    let quoted_email = serde_json::to_string(email).unwrap_or_default();
    let naming: Vec<(String, String)> = outbox::table
        .filter(
            outbox::context
                .like(like_pattern(&quoted_name))
                .escape('\\')
                .or(outbox::context.like(like_pattern(email)).escape('\\')),
        )
        .select((outbox::id, outbox::context))
        .load(conn)?;
    let quoted_former = serde_json::to_string(former).unwrap_or_default();
    let quoted_placeholder = serde_json::to_string(placeholder).unwrap_or_default();
    for (id, context) in naming {
        let scrubbed = context
            .replace(&quoted_name, &quoted_former)
            .replace(&quoted_email, &quoted_placeholder)
            .replace(email, placeholder);
        diesel::update(outbox::table.find(&id))
            .set(outbox::context.eq(scrubbed))
            .execute(conn)?;
    }
    // Payouts and rankings of the person's entries.
    let their_ideas: Vec<String> = ideas::table
        .filter(ideas::author_id.eq(user_id))
        .select(ideas::id)
        .load(conn)?;
    diesel::update(payouts::table.filter(payouts::idea_id.eq_any(&their_ideas)))
        .set(payouts::recipient.eq(former))
        .execute(conn)?;
    let contests: Vec<String> = ideas::table
        .filter(ideas::author_id.eq(user_id))
        .select(ideas::contest_id)
        .distinct()
        .load(conn)?;
    let rankings: Vec<(String, String)> = awards::table
        .filter(awards::contest_id.eq_any(&contests))
        .select((awards::contest_id, awards::ranking))
        .load(conn)?;
    for (contest_id, ranking) in rankings {
        let Ok(mut rows) = serde_json::from_str::<Vec<serde_json::Value>>(&ranking) else {
            continue;
        };
        for row in &mut rows {
            let theirs = row["entry_id"]
                .as_str()
                .is_some_and(|id| their_ideas.iter().any(|i| i == id));
            if theirs {
                row["author"] = serde_json::Value::String(former.to_owned());
            }
        }
        diesel::update(awards::table.find(&contest_id))
            .set(awards::ranking.eq(serde_json::Value::from(rows).to_string()))
            .execute(conn)?;
    }
    // Jury seats keep their row (the contest's history) but not the address.
    diesel::update(jurors::table.filter(jurors::user_id.eq(user_id).or(jurors::email.eq(email))))
        .set(jurors::email.eq(placeholder))
        .execute(conn)?;
    // Counters named after the address.
    diesel::delete(
        rate_limits::table.filter(rate_limits::bucket.like(like_pattern(email)).escape('\\')),
    )
    .execute(conn)?;
    Ok(())
}

/// `%text%` for LIKE, with LIKE's own wildcards in `text` escaped by a backslash.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
