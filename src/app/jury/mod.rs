//! The jury: invitations, the public roster, blind entries, score sheets, conflicts, progress,
//! reminders and disqualification. A juror never learns who wrote an entry, in what order
//! entries came in, or what the other jurors think.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::account::Email;
use crate::domain::canonical::sha256_hex;
use crate::domain::jury::{self as rules, entry_id};
use crate::domain::lifecycle::Phase;
use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, contests::Contest, ideas::Idea, jury::Juror, write_tx};

use super::access::{self, Action, Actor};
use super::contests::{load_managed, load_visible, phase_of, rules_of};
use super::{AppError, AppResult, Ctx, ErrorCode, Validator, audit, notify};

mod invitations;
mod mine;
mod oversight;
mod panel;
mod scoring;

pub use invitations::{
    InvitationOutcome, InvitationView, accept, configure, invitation, invite, juror_and_author,
    list, roster,
};
pub use mine::{MyJuries, MySeat, mine};
pub(in crate::app) use oversight::progress_in;
pub use oversight::{Reminded, disqualify, progress, remind, round_reminder, scheduled_reminder};
use panel::{Field, entry_of, panel_in};
pub use panel::{early_award_blocker, start_judging};
use scoring::progress_of;
pub use scoring::{attachment, declare_conflict, entries, save_scores};

/// What every mail to a juror about their work says: the contest, their name, the judging
/// deadline and the link to their scoring page.
fn juror_mail_context(ctx: &Ctx, contest: &Contest, display_name: &str) -> serde_json::Value {
    let mut context = notify::contest_context(ctx, contest);
    context["display_name"] = json!(display_name);
    context["deadline"] = json!(
        store::from_db(contest.judging_deadline).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    context["jury_url"] = json!(format!(
        "{}/contests/{}/jury",
        ctx.settings.public_url(),
        contest.id
    ));
    context
}

/// How long an invitation link works.
const INVITATION_TTL_DAYS: i64 = 14;

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJuror {
    pub email: String,
    /// The track whose entries the juror scores (a panel per track); none: every entry.
    #[serde(default)]
    pub track: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JurorView {
    pub id: String,
    pub email: String,
    /// Known once the invitation is accepted.
    pub display_name: Option<String>,
    /// `invited` or `accepted`.
    #[schema(value_type = String)]
    pub status: crate::domain::status::JurorStatus,
    /// The track whose entries the juror scores (null: every entry).
    pub track: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RosterEntry {
    pub display_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JuryAttachment {
    pub number: usize,
    pub size: i64,
    pub content_type: String,
    /// Where the juror downloads it; the author's file name is not shown.
    pub url: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JuryEntry {
    pub entry_id: String,
    pub number: usize,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub body_html: String,
    pub attachments: Vec<JuryAttachment>,
    pub my_scores: BTreeMap<String, i32>,
    pub my_comment: Option<String>,
    /// The track the entry names (null without tracks).
    pub track: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub scored: usize,
    pub assigned: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JuryEntries {
    pub entries: Vec<JuryEntry>,
    pub progress: Progress,
    /// The round being judged (the final one without rounds).
    pub round: crate::app::rounds::RoundRef,
    /// The criteria of that round.
    #[schema(value_type = Vec<Object>)]
    pub criteria: Vec<crate::domain::rules::Criterion>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreSheet {
    /// One integer per criterion key, from 0 to its max.
    pub scores: BTreeMap<String, i64>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictDeclaration {
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JurorProgress {
    pub juror_id: String,
    pub display_name: String,
    pub scored: usize,
    pub assigned: usize,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JurySettings {
    /// Jurors per entry; null: every juror scores every entry.
    pub reviews_per_entry: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Disqualification {
    pub reason: String,
}

fn view(juror: Juror, display_name: Option<String>) -> JurorView {
    JurorView {
        id: juror.id,
        email: juror.email,
        display_name,
        status: juror.status,
        track: juror.track,
    }
}

/// Loads the contest and the caller's juror record.
fn as_juror(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<(Contest, Juror)> {
    let contest = load_visible(conn, actor, contest_id)?;
    access::require(conn, actor, Action::Judge { contest: &contest })?;
    let user = actor.user().expect("jurors are signed in");
    let juror = store::jury::membership(conn, contest_id, &user.id)?
        .ok_or_else(|| AppError::Forbidden("You are not on this jury.".into()))?;
    Ok((contest, juror))
}

fn require_judging(contest: &Contest, now: DateTime<Utc>) -> AppResult<()> {
    match phase_of(contest, now) {
        Phase::Judging => Ok(()),
        Phase::Awarded => Err(AppError::conflict(
            ErrorCode::JudgingClosed,
            "The contest is awarded.",
        )),
        _ => Err(AppError::conflict(
            ErrorCode::InvalidPhase,
            "Judging starts at the submission deadline.",
        )),
    }
}

/// Sheets, conflicts and disqualifications change only while judging runs and before its
/// deadline: after it, the award (automatic or not) must find them as they were.
fn require_scoring_open(contest: &Contest, now: DateTime<Utc>) -> AppResult<()> {
    require_judging(contest, now)?;
    if now >= store::from_db(contest.judging_deadline) {
        return Err(AppError::conflict(
            ErrorCode::JudgingClosed,
            "The judging deadline has passed; scores are frozen.",
        ));
    }
    Ok(())
}
