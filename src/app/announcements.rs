//! Announcements: clarifications appended to an opened contest, public, mailed to the people
//! taking part. They never edit the rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::canonical::sha256_hex;
use crate::store::{self, DbConnection, announcements::Announcement, contests::Contest, write_tx};

use super::access::Actor;
use super::contests::{find_managed, load_managed, load_visible};
use super::{AppError, AppResult, Ctx, ErrorCode, audit, notify};
use crate::domain::text;

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAnnouncement {
    /// Plain text, up to 5,000 characters.
    pub body: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnnouncementView {
    pub id: String,
    pub contest_id: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<Announcement> for AnnouncementView {
    fn from(a: Announcement) -> AnnouncementView {
        AnnouncementView {
            id: a.id,
            contest_id: a.contest_id,
            body: a.body,
            created_at: store::from_db(a.created_at),
        }
    }
}

pub fn publish(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: NewAnnouncement,
) -> AppResult<AnnouncementView> {
    let body = input.body.trim().to_owned();
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        allowed(conn, actor, &contest, &body)?;
        let user = actor.user().expect("members are signed in");
        let now = ctx.now();
        let announcement = Announcement {
            id: store::new_id(),
            contest_id: contest.id.clone(),
            body: body.clone(),
            author_id: user.id.clone(),
            created_at: store::to_db(now),
        };
        store::announcements::insert(conn, &announcement)?;
        audit::record(
            conn,
            &contest.id,
            now,
            "announcement",
            json!({"announcement_id": announcement.id, "body_sha256": sha256_hex(body.as_bytes())}),
        )?;
        // Queued for every participant by the worker, a batch at a time: a contest with ten
        // thousand entrants neither slows this request nor holds its transaction open.
        let mut context = notify::contest_context(ctx, &contest);
        context["body"] = json!(body);
        super::notifications::fanout(conn, now, "announcement", "participants", &contest, context)?;
        Ok(AnnouncementView::from(announcement))
    })
}

/// What may be published by `actor` on `contest`: `body` (trimmed) on an opened contest.
fn allowed(conn: &mut DbConnection, actor: &Actor, contest: &Contest, body: &str) -> AppResult<()> {
    // Mails people other than the caller (finding 16.12).
    super::access::require(conn, actor, super::access::Action::MailOthers)?;
    if !contest.is_opened() {
        return Err(AppError::conflict(
            ErrorCode::InvalidPhase,
            "Announcements are for opened contests; while in draft, edit the brief instead.",
        ));
    }
    if body.is_empty() || body.chars().count() > 5000 {
        return Err(AppError::field("body", "Write 1 to 5,000 characters."));
    }
    text::check_characters(body, text::Lines::Multi).map_err(|m| AppError::field("body", m))
}

/// The announcement as it will be published and mailed (its text, trimmed), checked as
/// `publish` checks it; nothing is written and nobody is told.
pub fn preview(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: NewAnnouncement,
) -> AppResult<String> {
    let body = input.body.trim().to_owned();
    let contest = find_managed(conn, actor, contest_id)?;
    allowed(conn, actor, &contest, &body)?;
    Ok(body)
}

pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Vec<AnnouncementView>> {
    let contest = load_visible(conn, actor, contest_id)?;
    Ok(store::announcements::of_contest(conn, &contest.id)?
        .into_iter()
        .map(AnnouncementView::from)
        .collect())
}

/// The audit chain of a contest, oldest first.
pub fn audit_log(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Vec<audit::EventView>> {
    let contest = load_visible(conn, actor, contest_id)?;
    Ok(store::audit::chain(conn, &contest.id)?
        .into_iter()
        .map(audit::view)
        .collect())
}
