//! Ideas, the innovator's side: drafts, submission until the exact deadline, revisions with
//! receipts, withdrawal, attachments. Whether a write is in time is decided by the clock inside
//! the transaction that commits it, against the frozen timeline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::canonical::sha256_hex;
use crate::domain::clean::Refusal;
use crate::domain::ideas::{self as rules, FileKind, MAX_BODY, MAX_SUMMARY, MAX_TITLE, Status};
use crate::domain::lifecycle::Phase;
use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, backend, contests::Contest, ideas::Idea, write_tx};

use super::access::{self, Action, Actor};
use super::contests::{load_visible, phase_of};
use super::{AppError, AppResult, Ctx, ErrorCode, Validator, audit, notify};

mod attachments;
mod receipts;
mod writing;

pub use attachments::{
    CleanUpload, Upload, attach, download, may_attach, prepare, remove_attachment, served_bytes,
};
use receipts::record_submission;
pub use receipts::{audit_key, commitment};
pub use writing::{
    Entered, EntryState, create, create_with_files, enter, entry_state, remind_drafts,
    submit_draft, update, withdraw,
};

/// Proof of what was received and when: the SHA-256 of the canonical JSON of the content as
/// received (`{title, summary, body}`, and `attachments: [{filename, size, sha256}]` in the
/// order they are listed (by the time they were attached) when the idea has files, so that a receipt without files hashes as
/// it always did), the server time, and the rules in force.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub sha256: String,
    pub received_at: DateTime<Utc>,
    pub rules_hash: String,
    /// 1 for the submission, then one more per edit.
    pub revision: i32,
    /// The key this idea's commitments in the public audit chain are made with, shown to its
    /// author only (null for anyone else): each such event's `commitment` is
    /// `HMAC-SHA256(key: this text, message: event)` in hex, where event is
    /// `"{revision}:{sha256}"` for a submission or an edit, `withdrawn`, `disqualified`, an
    /// attachment's SHA-256, or `"removed:{sha256}"` for an attachment removed. Without it nobody can tell which events are this idea's.
    pub audit_key: Option<String>,
}

/// An attachment as stored: metadata removed at upload (issue 16.4), so `size` and `sha256`
/// describe the file every reader downloads, its author included.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub filename: String,
    pub size: i64,
    pub content_type: String,
    /// SHA-256 of the stored file (what is downloaded and what the audit chain commits to).
    pub sha256: String,
    /// SHA-256 of the bytes as they were received, before their metadata was removed; shown to
    /// the author (and where judging is not blind); absent for files stored before this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_sha256: Option<String>,
    /// In the answer to an upload only: what was removed (`document_info`, `xmp`, `exif`,
    /// `iptc`, `comment`, `thumbnail`, `text`, `time`, `embedded_files`, `earlier_revisions`,
    /// `annotation_authors`, `other`); everything else is kept as it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_removed: Option<Vec<String>>,
}

/// An idea as API.md describes it. It never names its author: the author knows, and the
/// organisation must not while judging is blind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IdeaView {
    pub id: String,
    pub contest_id: String,
    pub title: String,
    pub summary: String,
    /// Markdown as written.
    pub body: String,
    /// The body rendered and sanitised.
    pub body_html: String,
    /// `draft`, `submitted`, `withdrawn` or `disqualified`.
    #[schema(value_type = String)]
    pub status: crate::domain::ideas::Status,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The receipt of the latest revision; null for a draft never submitted.
    pub receipt: Option<Receipt>,
    pub attachments: Vec<AttachmentView>,
    /// The track the idea enters (null without tracks).
    pub track: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIdea {
    pub title: String,
    /// May be empty (or absent) in a draft; needed to submit.
    #[serde(default)]
    pub summary: String,
    /// Markdown. May be empty (or absent) in a draft; needed to submit.
    #[serde(default)]
    pub body: String,
    /// Must be true to submit: the contest's eligibility and IP terms are accepted.
    #[serde(default)]
    pub accept_terms: bool,
    /// Save as a draft instead of submitting.
    #[serde(default)]
    pub draft: bool,
    /// The track the idea enters, when the contest has tracks: needed to submit.
    #[serde(default)]
    pub track: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaContent {
    pub title: String,
    /// May be empty in a draft.
    #[serde(default)]
    pub summary: String,
    /// May be empty in a draft.
    #[serde(default)]
    pub body: String,
    /// The track, when the contest has tracks; left out, it does not change.
    #[serde(default)]
    pub track: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitDraft {
    pub accept_terms: bool,
}

/// An idea as its author sees it.
fn view(ctx: &Ctx, conn: &mut DbConnection, idea: &Idea) -> AppResult<IdeaView> {
    view_as(conn, idea, false, Some(audit_key(ctx, &idea.id)))
}

/// An idea as its reader may see it: with `blind`, attachments are named by their number, since
/// a file name (`smith-proposal.pdf`) can name the author. `audit_key` only for the author.
fn view_as(
    conn: &mut DbConnection,
    idea: &Idea,
    blind: bool,
    audit_key: Option<String>,
) -> AppResult<IdeaView> {
    let receipt = store::ideas::latest_revision(conn, &idea.id)?.map(|r| Receipt {
        sha256: r.content_sha256,
        received_at: store::from_db(r.received_at),
        rules_hash: r.rules_hash,
        revision: r.revision,
        audit_key,
    });
    let attachments = store::ideas::attachments_of(conn, &idea.id)?
        .into_iter()
        .enumerate()
        .map(|(i, a)| AttachmentView {
            id: a.id,
            filename: if blind {
                blind_filename(i + 1, &a.content_type)
            } else {
                a.filename
            },
            size: a.size,
            content_type: a.content_type,
            sha256: a.sha256,
            received_sha256: a.received_sha256.filter(|_| !blind),
            metadata_removed: None,
        })
        .collect();
    Ok(IdeaView {
        id: idea.id.clone(),
        contest_id: idea.contest_id.clone(),
        title: idea.title.clone(),
        summary: idea.summary.clone(),
        body: idea.body.clone(),
        body_html: crate::markdown::to_safe_html(&idea.body),
        status: idea.status,
        submitted_at: idea.submitted_at.map(store::from_db),
        updated_at: store::from_db(idea.updated_at),
        receipt,
        attachments,
        track: idea.track.clone(),
    })
}

/// Checks an idea's fields, every problem at once. A draft needs its title only: its summary
/// and body may be empty until it is submitted (and are checked when they are not).
fn validate(v: &mut Validator, title: &str, summary: &str, body: &str, draft: bool) {
    v.check("title", rules::check_text(title, MAX_TITLE, false));
    if !(draft && summary.trim().is_empty()) {
        v.check("summary", rules::check_text(summary, MAX_SUMMARY, true));
    }
    if !(draft && body.trim().is_empty()) {
        v.check("body", rules::check_text(body, MAX_BODY, true));
    }
}

fn closed(phase: Phase) -> AppError {
    let message = match phase {
        Phase::Draft | Phase::Upcoming => "Submissions have not opened yet.",
        _ => "The submission deadline has passed; nothing more can be submitted or changed.",
    };
    AppError::conflict(ErrorCode::SubmissionClosed, message)
}

/// Submissions are accepted in the submission phase only; drafts may be saved from opening on.
fn require_phase(contest: &Contest, now: DateTime<Utc>, draft: bool) -> AppResult<()> {
    match phase_of(contest, now) {
        Phase::Submission => Ok(()),
        Phase::Upcoming if draft => Ok(()),
        phase => Err(closed(phase)),
    }
}

/// The window in which an author may change an idea (edit, withdraw, attach): a draft from the
/// opening, a submitted idea in the submission phase; never a withdrawn or disqualified one.
fn require_changeable(idea: &Idea, contest: &Contest, now: DateTime<Utc>) -> AppResult<Status> {
    let status = idea.status;
    match status {
        Status::Draft => require_phase(contest, now, true)?,
        Status::Submitted => require_phase(contest, now, false)?,
        Status::Withdrawn | Status::Disqualified => {
            return Err(AppError::conflict(
                ErrorCode::InvalidPhase,
                format!("This idea is {}.", idea.status),
            ));
        }
    }
    Ok(status)
}

fn require_verified(ctx: &Ctx, actor: &Actor) -> AppResult<()> {
    let verified = actor.user().is_some_and(|u| u.email_verified);
    if ctx.settings.auth.require_verified_email && !verified {
        return Err(AppError::EmailNotVerified(
            "Verify your email address before submitting: follow the link we sent you.".into(),
        ));
    }
    Ok(())
}

fn require_terms(accept_terms: bool) -> AppResult<()> {
    if accept_terms {
        Ok(())
    } else {
        Err(AppError::field(
            "accept_terms",
            "Accept the contest's eligibility and IP terms to submit.",
        ))
    }
}

fn reload(conn: &mut DbConnection, id: &str) -> AppResult<Idea> {
    store::ideas::find(conn, id)?.ok_or_else(|| AppError::not_found("idea"))
}

/// Counts a write by `actor` against `ideas.max_writes_per_window` (429 past it), in the
/// caller's transaction.
fn limit_writes(ctx: &Ctx, conn: &mut DbConnection, actor: &Actor) -> AppResult<()> {
    match actor.user() {
        Some(user) => super::rate_limit(
            ctx,
            conn,
            &format!("ideas:write:{}", user.id),
            ctx.settings.ideas.max_writes_per_window,
        ),
        None => Ok(()),
    }
}

/// Loads an idea and its contest for a change by its author, inside the transaction.
/// The contest's row is locked first, as every writer of a contest does, and the idea is read
/// again under that lock: a copy read before it could be stale on PostgreSQL, where another
/// request may have submitted, withdrawn or revised the idea meanwhile.
fn load_own(conn: &mut DbConnection, actor: &Actor, idea_id: &str) -> AppResult<(Idea, Contest)> {
    // An idea never moves to another contest, so its contest id is safe to read unlocked.
    let contest_id = reload(conn, idea_id)?.contest_id;
    let contest = store::contests::find_for_update(conn, &contest_id)?
        .ok_or_else(|| AppError::not_found("contest"))?;
    let idea = reload(conn, idea_id)?;
    access::require(conn, actor, Action::EditIdea { idea: &idea })?;
    Ok((idea, contest))
}

pub fn show(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
) -> AppResult<IdeaView> {
    let idea = reload(conn, idea_id)?;
    let contest = store::contests::find(conn, &idea.contest_id)?
        .ok_or_else(|| AppError::not_found("idea"))?;
    access::require(
        conn,
        actor,
        Action::ViewIdea {
            idea: &idea,
            contest: &contest,
        },
    )?;
    let author = actor.user().is_some_and(|u| u.id == idea.author_id);
    let blind = !author
        && contest.awarded_at.is_none()
        && super::contests::rules_of(ctx, &contest).is_ok_and(|r| r.blind_judging);
    view_as(conn, &idea, blind, author.then(|| audit_key(ctx, &idea.id)))
}

/// `attachment-2.pdf`: what an attachment is called where its author must stay unknown.
pub fn blind_filename(number: usize, content_type: &str) -> String {
    let extension = match content_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        _ => "txt",
    };
    format!("attachment-{number}.{extension}")
}

/// The submitted ideas of a contest, for its organisers, as blind judging allows
/// (the idea object never names its author; attachment names are hidden until the award).
pub fn of_contest(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Vec<IdeaView>> {
    let contest = super::contests::load_visible(conn, actor, contest_id)?;
    access::require(conn, actor, Action::ManageContest { contest: &contest })?;
    let blind = contest.awarded_at.is_none()
        && super::contests::parse_rules(&contest).is_ok_and(|r| r.blind_judging);
    store::ideas::submitted_of_contest(conn, contest_id)?
        .iter()
        .map(|idea| view_as(conn, idea, blind, None))
        .collect()
}

pub fn mine(ctx: &Ctx, conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<IdeaView>> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in");
    store::ideas::of_author(conn, &user.id)?
        .iter()
        .map(|idea| view(ctx, conn, idea))
        .collect()
}

/// Marks or unmarks a published idea ([`super::appreciation::mark`]) and names the contest it
/// was entered in, for the results page the reader goes back to (empty if the idea is gone).
pub fn appreciate(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    on: bool,
) -> AppResult<String> {
    let done = super::appreciation::mark(ctx, conn, actor, idea_id, on)?;
    Ok(store::ideas::find(conn, &done.idea_id)?
        .map(|idea| idea.contest_id)
        .unwrap_or_default())
}

/// Sends the author of an idea a new verification link, from the idea's page where they learn
/// that they must verify their address to submit it: the account's own use case
/// ([`super::accounts::resend_verification`]), with its limits.
pub fn resend_verification(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
) -> AppResult<()> {
    let idea = reload(conn, idea_id)?;
    access::require(conn, actor, Action::EditIdea { idea: &idea })?;
    let user =
        store::users::find(conn, &idea.author_id)?.ok_or_else(|| AppError::not_found("idea"))?;
    let session = super::sessions::Session {
        user,
        jti: String::new(),
        expires_at: ctx.now(),
    };
    super::accounts::resend_verification(ctx, conn, &session)
}
