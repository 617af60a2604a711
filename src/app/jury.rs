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
use super::{AppError, AppResult, Ctx, Validator, audit, notify};

/// How long an invitation link works.
const INVITATION_TTL_DAYS: i64 = 14;

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJuror {
    pub email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JurorView {
    pub id: String,
    pub email: String,
    /// Known once the invitation is accepted.
    pub display_name: Option<String>,
    /// `invited` or `accepted`.
    pub status: String,
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
    }
}

/// A member invites someone to the jury, before judging ends.
pub fn invite(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: NewJuror,
) -> AppResult<JurorView> {
    let email = Email::parse(&input.email).map_err(|m| AppError::field("email", m))?;
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        // Mails people other than the caller (finding 16.12).
        super::access::require(conn, actor, super::access::Action::MailOthers)?;
        let now = ctx.now();
        if now >= store::from_db(contest.judging_deadline)
            || phase_of(&contest, now) == Phase::Awarded
        {
            return Err(AppError::conflict(
                "judging_closed",
                "Judging has ended; no more jurors can join.",
            ));
        }
        if let Some(invitee) = store::users::find_by_email(conn, email.as_str())? {
            refuse_organiser(conn, &contest, &invitee.id)?;
        }
        if store::jury::find_by_email(conn, contest_id, email.as_str())?.is_some() {
            return Err(AppError::conflict(
                "already_invited",
                format!("{email} is already invited."),
            ));
        }
        let token = super::accounts::new_secret_token();
        let inviter = actor.user().expect("members are signed in");
        let juror = Juror {
            id: store::new_id(),
            contest_id: contest_id.to_owned(),
            email: email.as_str().to_owned(),
            user_id: None,
            token_hash: super::accounts::token_digest(&token),
            status: "invited".into(),
            invited_by: inviter.id.clone(),
            invited_at: store::to_db(now),
            expires_at: store::to_db(now + Duration::days(INVITATION_TTL_DAYS)),
            accepted_at: None,
        };
        store::jury::insert(conn, &juror)?;
        audit::record(
            conn,
            contest_id,
            now,
            "juror_invited",
            // Nothing that could later number the jurors of the published score sheet.
            json!({}),
        )?;
        let existing = store::users::find_by_email(conn, email.as_str())?;
        let mut context = notify::contest_context(ctx, &contest);
        context["link"] = json!(format!(
            "{}/jury-invitations/{token}",
            ctx.settings.public_url()
        ));
        context["display_name"] = json!(existing.as_ref().map(|u| u.display_name.clone()));
        context["expires_at"] = json!(
            (now + Duration::days(INVITATION_TTL_DAYS))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        let locale = existing
            .as_ref()
            .map_or("en".to_owned(), |u| u.locale.clone());
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "jury_invitation",
                to: email.as_str(),
                locale: &locale,
                context,
            },
        )?;
        Ok(view(juror, None))
    })
}

/// A member of the organising organisation never sits on its contest's jury: a juror reads the
/// entries, and a member reads the contest's figures and its authors once awarded; together
/// they would unblind the judging. 409 `organizer_on_jury`.
fn refuse_organiser(conn: &mut DbConnection, contest: &Contest, user_id: &str) -> AppResult<()> {
    if store::organizations::role_of(conn, &contest.organization_id, user_id)?.is_some() {
        return Err(AppError::conflict(
            "organizer_on_jury",
            "Members of the organising organisation cannot sit on its contest's jury.",
        ));
    }
    Ok(())
}

/// The invitations of a contest, for its members.
pub fn list(conn: &mut DbConnection, actor: &Actor, contest_id: &str) -> AppResult<Vec<JurorView>> {
    let contest = load_visible(conn, actor, contest_id)?;
    access::require(conn, actor, Action::ManageContest { contest: &contest })?;
    Ok(store::jury::of_contest(conn, contest_id)?
        .into_iter()
        .map(|(juror, name)| view(juror, name))
        .collect())
}

/// The jury as the public sees it once the contest is open: the names of those who accepted.
pub fn roster(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Vec<RosterEntry>> {
    load_visible(conn, actor, contest_id)?;
    Ok(store::jury::of_contest(conn, contest_id)?
        .into_iter()
        .filter_map(|(_, name)| name.map(|display_name| RosterEntry { display_name }))
        .collect())
}

/// Accepts an invitation: the signed-in account must have the invited, verified address.
pub fn accept(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    token: &str,
) -> AppResult<JurorView> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in").clone();
    let digest = super::accounts::token_digest(token.trim());
    write_tx(conn, |conn| {
        let invalid = || AppError::NotFound("This invitation link is not valid.".into());
        let juror = store::jury::find_by_token(conn, &digest)?.ok_or_else(invalid)?;
        let account = store::users::find(conn, &user.id)?.ok_or_else(invalid)?;
        if juror.status == "accepted" {
            return if juror.user_id.as_deref() == Some(user.id.as_str()) {
                Ok(view(juror, Some(account.display_name)))
            } else {
                Err(invalid())
            };
        }
        if account.email != juror.email {
            return Err(AppError::Forbidden(
                "This invitation was sent to another address; sign in with the account of that address.".into(),
            ));
        }
        if ctx.settings.auth.require_verified_email && !account.email_verified() {
            return Err(AppError::EmailNotVerified(
                "Verify your email address before joining a jury.".into(),
            ));
        }
        let contest = store::contests::find(conn, &juror.contest_id)?.ok_or_else(invalid)?;
        refuse_organiser(conn, &contest, &user.id)?;
        let now = ctx.now();
        if store::from_db(juror.expires_at) <= now {
            return Err(AppError::conflict(
                "token_expired",
                "This invitation has expired; ask the organisers for a new one.",
            ));
        }
        // The same lock a submission takes: an acceptance and a first submission by the same
        // person cannot both commit.
        store::backend::lock_author_in_contest(conn, &juror.contest_id, &user.id)?;
        if store::ideas::has_entered(conn, &juror.contest_id, &user.id)? {
            return Err(juror_and_author());
        }
        store::jury::accept(conn, &juror.id, &user.id, store::to_db(now))?;
        audit::record(
            conn,
            &juror.contest_id,
            now,
            "juror_joined",
            // The roster is public, but the chain must not tie a juror to a moment that a
            // score sheet could be matched against.
            json!({}),
        )?;
        let juror = store::jury::find_by_token(conn, &digest)?.ok_or_else(invalid)?;
        Ok(view(juror, Some(account.display_name)))
    })
}

/// The one answer for a person who would hold two of a contest's roles (author, juror,
/// organiser), whichever came first.
pub fn juror_and_author() -> AppError {
    AppError::conflict(
        "conflict_of_interest",
        "Nobody can hold two roles in one contest: its authors, its jurors and its organisers are different people.",
    )
}

/// Chooses how many jurors score each entry, before judging starts.
pub fn configure(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: JurySettings,
) -> AppResult<JurySettings> {
    if input.reviews_per_entry == Some(0) || input.reviews_per_entry.is_some_and(|n| n > 100) {
        return Err(AppError::field(
            "reviews_per_entry",
            "Use 1 to 100, or null for every juror.",
        ));
    }
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        if matches!(
            phase_of(&contest, ctx.now()),
            Phase::Judging | Phase::Awarded
        ) {
            return Err(AppError::conflict(
                "invalid_phase",
                "Judging has started; the assignment is fixed.",
            ));
        }
        store::jury::set_reviews_per_entry(
            conn,
            contest_id,
            input.reviews_per_entry.map(|n| n as i32),
        )?;
        Ok(input)
    })
}

/// The entries a juror scores, in blind order, without the ones they are in conflict with.
struct Panel {
    /// (number, idea) in blind order; only the juror's non-conflicted assigned entries.
    entries: Vec<(usize, Idea)>,
}

fn panel(conn: &mut DbConnection, contest: &Contest, juror: &Juror) -> AppResult<Panel> {
    let field = Field::load(conn, contest)?;
    panel_in(conn, contest, juror, &field)
}

/// The entries in the running, in blind order: the same for every juror of a contest, so
/// loaded once when every juror's panel is needed.
struct Field {
    eligible: Vec<(Idea, String)>,
    /// Indexes into `eligible`, in blind order.
    order: Vec<usize>,
}

impl Field {
    fn load(conn: &mut DbConnection, contest: &Contest) -> AppResult<Field> {
        let eligible = store::ideas::eligible_with_author_email(conn, &contest.id)?;
        let ids: Vec<&str> = eligible.iter().map(|(idea, _)| idea.id.as_str()).collect();
        let position: std::collections::HashMap<&str, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let order = rules::blind_order(&contest.id, &ids)
            .into_iter()
            .map(|id| position[id])
            .collect();
        Ok(Field { eligible, order })
    }
}

fn panel_in(
    conn: &mut DbConnection,
    contest: &Contest,
    juror: &Juror,
    field: &Field,
) -> AppResult<Panel> {
    let assigned: Option<HashSet<String>> = match contest.reviews_per_entry {
        None => None,
        Some(_) => Some(
            store::jury::assigned_ideas(conn, &juror.id)?
                .into_iter()
                .collect(),
        ),
    };
    let declared: HashSet<String> = store::jury::declared_conflicts(conn, &juror.id)?
        .into_iter()
        .collect();
    let juror_user = juror.user_id.clone().unwrap_or_default();
    // Entries are numbered among those this juror may know of: a gap would tell them that an
    // entry by someone close to them exists. An entry they declared a conflict with keeps its
    // number, so that the others do not move.
    let mut entries = Vec::new();
    let mut number = 0;
    for i in &field.order {
        let (idea, author_email) = &field.eligible[*i];
        let in_list = assigned.as_ref().is_none_or(|a| a.contains(&idea.id));
        let detected =
            rules::detected_conflict(&juror_user, &juror.email, &idea.author_id, author_email);
        if !in_list || detected {
            continue;
        }
        number += 1;
        if !declared.contains(&idea.id) {
            entries.push((number, idea.clone()));
        }
    }
    Ok(Panel { entries })
}

/// Why an organiser may not award before the judging deadline, if they may not: an early award
/// needs a real jury (at least `min_jurors` accepted jurors, and at least one), every juror's
/// list complete, and every eligible entry scored by at least one juror. Without these an
/// organiser could invite jurors who never accept, award the moment judging starts, and let
/// the fallback rule pay unscored entries by their submission time. The award at the judging
/// deadline needs none of this: it runs whatever the jury did, so that the prize is paid.
pub fn early_award_blocker(
    conn: &mut DbConnection,
    contest: &Contest,
    min_jurors: u32,
) -> AppResult<Option<&'static str>> {
    let field = Field::load(conn, contest)?;
    let jurors = store::jury::accepted_with_users(conn, &contest.id)?;
    if jurors.is_empty() || jurors.len() < min_jurors as usize {
        return Ok(Some(
            "Fewer jurors have accepted than the rules require; the award runs by itself at the judging deadline.",
        ));
    }
    let mut scored: HashSet<String> = HashSet::new();
    for (juror, ..) in jurors {
        let panel = panel_in(conn, contest, &juror, &field)?;
        let (progress, sheets) = progress_of(conn, &juror, &panel.entries)?;
        if progress.scored < progress.assigned {
            return Ok(Some(
                "Some jurors have entries left to score; the award runs by itself at the judging deadline.",
            ));
        }
        scored.extend(sheets.into_iter().map(|sheet| sheet.idea_id));
    }
    if field
        .eligible
        .iter()
        .any(|(idea, _)| !scored.contains(&idea.id))
    {
        return Ok(Some(
            "Some entries have no score sheet yet; the award runs by itself at the judging deadline.",
        ));
    }
    Ok(None)
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
            "judging_closed",
            "The contest is awarded.",
        )),
        _ => Err(AppError::conflict(
            "invalid_phase",
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
            "judging_closed",
            "The judging deadline has passed; scores are frozen.",
        ));
    }
    Ok(())
}

fn progress_of(
    conn: &mut DbConnection,
    juror: &Juror,
    entries: &[(usize, Idea)],
) -> AppResult<(Progress, Vec<store::jury::Sheet>)> {
    let sheets = store::jury::sheets_of(conn, &juror.id)?;
    let with_sheet: HashSet<&str> = sheets.iter().map(|s| s.idea_id.as_str()).collect();
    let scored = entries
        .iter()
        .filter(|(_, idea)| with_sheet.contains(idea.id.as_str()))
        .count();
    Ok((
        Progress {
            scored,
            assigned: entries.len(),
        },
        sheets,
    ))
}

pub fn entries(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<JuryEntries> {
    let (contest, juror) = as_juror(conn, actor, contest_id)?;
    require_judging(&contest, ctx.now())?;
    let salt = &ctx.entry_salt;
    let panel = panel(conn, &contest, &juror)?;
    let (progress, sheets) = progress_of(conn, &juror, &panel.entries)?;
    let mut entries = Vec::new();
    for (number, idea) in &panel.entries {
        let eid = entry_id(salt, &contest.id, &idea.id);
        let attachments = store::ideas::attachments_of(conn, &idea.id)?
            .into_iter()
            .enumerate()
            .map(|(i, a)| JuryAttachment {
                number: i + 1,
                size: a.size,
                content_type: a.content_type,
                url: format!(
                    "/api/v1/contests/{}/jury/entries/{eid}/attachments/{}",
                    contest.id,
                    i + 1
                ),
            })
            .collect();
        let mine = sheets.iter().find(|sheet| sheet.idea_id == idea.id);
        entries.push(JuryEntry {
            entry_id: eid,
            number: *number,
            title: idea.title.clone(),
            summary: idea.summary.clone(),
            body: idea.body.clone(),
            body_html: crate::markdown::to_safe_html(&idea.body),
            attachments,
            my_scores: mine
                .map(|sheet| sheet.values.iter().cloned().collect())
                .unwrap_or_default(),
            my_comment: mine.and_then(|sheet| sheet.comment.clone()),
        });
    }
    Ok(JuryEntries { entries, progress })
}

/// Finds one of the juror's entries by its opaque id; a conflicted one is refused with the
/// same 404 as an id that is not on the juror's list.
///
/// The same answer as looking it up in the juror's panel, without building the panel: the
/// opaque id is resolved through a map kept per contest, then only that idea is checked
/// (still in the running, on the juror's list, no conflict detected or declared).
fn entry_of(
    salt: &str,
    conn: &mut DbConnection,
    contest: &Contest,
    juror: &Juror,
    eid: &str,
) -> AppResult<Idea> {
    let not_found = || AppError::not_found("entry");
    let idea_id = idea_of_entry(conn, salt, contest, eid)?.ok_or_else(not_found)?;
    let idea = store::ideas::find(conn, &idea_id)?.ok_or_else(not_found)?;
    let author = store::users::find(conn, &idea.author_id)?;
    let (Some(author), "submitted") = (author, idea.status.as_str()) else {
        return Err(not_found());
    };
    let assigned = contest.reviews_per_entry.is_none()
        || store::jury::assigned_ideas(conn, &juror.id)?.contains(&idea.id);
    if !assigned {
        return Err(not_found());
    }
    let juror_user = juror.user_id.clone().unwrap_or_default();
    let detected =
        rules::detected_conflict(&juror_user, &juror.email, &idea.author_id, &author.email);
    // A conflict answers exactly like an entry that is not on the list: a distinct answer
    // would tell the juror which entry ids belong to someone close to them.
    if detected || store::jury::declared_conflicts(conn, &juror.id)?.contains(&idea.id) {
        return Err(not_found());
    }
    Ok(idea)
}

/// The idea an opaque entry id stands for, in this contest. An entry id is a keyed hash of the
/// idea's id, so the map never changes for an idea; it is built once per contest (when a
/// juror first opens an entry, in judging, when no idea can be added) and again only for an
/// id it does not know.
fn idea_of_entry(
    conn: &mut DbConnection,
    salt: &str,
    contest: &Contest,
    eid: &str,
) -> AppResult<Option<String>> {
    type Maps = std::collections::HashMap<
        String,
        std::sync::Arc<std::collections::HashMap<String, String>>,
    >;
    static MAPS: std::sync::OnceLock<std::sync::Mutex<Maps>> = std::sync::OnceLock::new();
    let maps = MAPS.get_or_init(Default::default);
    let known = maps
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&contest.id)
        .cloned();
    if let Some(hit) = known.as_ref().and_then(|map| map.get(eid)) {
        return Ok(Some(hit.clone()));
    }
    let map: std::collections::HashMap<String, String> =
        store::ideas::overview_of_contest(conn, &contest.id)?
            .into_iter()
            .map(|idea| (entry_id(salt, &contest.id, &idea.id), idea.id))
            .collect();
    let found = map.get(eid).cloned();
    let mut maps = maps.lock().unwrap_or_else(|e| e.into_inner());
    if maps.len() >= 256 {
        maps.clear();
    }
    maps.insert(contest.id.clone(), std::sync::Arc::new(map));
    Ok(found)
}

pub fn save_scores(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    eid: &str,
    input: ScoreSheet,
) -> AppResult<JuryEntry> {
    // Which entry the opaque id names for this juror, and whether the sheet is valid: worked out
    // before the write transaction (the list is fixed once judging starts, and building it
    // reads every entry), so that the writer lock is held only for the sheet itself. What
    // could change meanwhile is checked again under the lock.
    let (contest, juror) = as_juror(conn, actor, contest_id)?;
    require_scoring_open(&contest, ctx.now())?;
    let idea = entry_of(&ctx.entry_salt, conn, &contest, &juror, eid)?;
    let rules = rules_of(&contest)?;
    let mut v = Validator::new();
    if let Err(errors) = rules::check_sheet(&rules.criteria, &input.scores) {
        for e in errors {
            v.add(&e.path, e.message);
        }
    }
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 5000) {
        v.add("comment", "Use at most 5,000 characters.");
    }
    if let Some(comment) = comment {
        v.check(
            "comment",
            crate::domain::text::check_characters(comment, crate::domain::text::Lines::Multi),
        );
    }
    v.finish()?;
    let values: Vec<(String, i32)> = input
        .scores
        .iter()
        .map(|(k, v)| (k.clone(), *v as i32))
        .collect();
    write_tx(conn, |conn| {
        // The contest's row first, then everything read under it: an award committed meanwhile
        // is seen, and the sheet is refused.
        store::backend::lock_row_contest(conn, contest_id)?;
        let (contest, juror) = as_juror(conn, actor, contest_id)?;
        let now = ctx.now();
        require_scoring_open(&contest, now)?;
        // Disqualified, or a conflict declared, since the entry was looked up.
        let still_eligible = store::ideas::find(conn, &idea.id)?
            .is_some_and(|current| current.status == "submitted");
        if !still_eligible {
            return Err(AppError::not_found("entry"));
        }
        if store::jury::declared_conflicts(conn, &juror.id)?.contains(&idea.id) {
            return Err(AppError::not_found("entry"));
        }
        store::jury::save_sheet(
            conn,
            &juror.id,
            &idea.id,
            &values,
            comment,
            store::to_db(now),
        )?;
        // The public chain commits to the sheet without revealing it, its juror or its entry.
        // Keyed with the server's secret: without it, the published sheet and the roster would
        // let anyone try every juror against every entry until the hash matched.
        let commitment = sha256_hex(
            format!(
                "sheet:{}:{}:{}:{values:?}:{comment:?}",
                ctx.entry_salt, juror.id, idea.id
            )
            .as_bytes(),
        );
        audit::record(
            conn,
            contest_id,
            now,
            "scores_saved",
            json!({"sheet_sha256": commitment}),
        )?;
        Ok(JuryEntry {
            entry_id: eid.to_owned(),
            number: 0,
            title: idea.title.clone(),
            summary: idea.summary.clone(),
            body: idea.body.clone(),
            body_html: crate::markdown::to_safe_html(&idea.body),
            attachments: Vec::new(),
            my_scores: values.into_iter().collect(),
            my_comment: comment.map(str::to_owned),
        })
    })
}

pub fn declare_conflict(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    eid: &str,
    input: ConflictDeclaration,
) -> AppResult<()> {
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(AppError::field(
            "reason",
            "Say in 1 to 1,000 characters why.",
        ));
    }
    crate::domain::text::check_characters(&reason, crate::domain::text::Lines::Multi)
        .map_err(|m| AppError::field("reason", m))?;
    write_tx(conn, |conn| {
        store::backend::lock_row_contest(conn, contest_id)?;
        let (contest, juror) = as_juror(conn, actor, contest_id)?;
        let now = ctx.now();
        require_scoring_open(&contest, now)?;
        let idea = entry_of(&ctx.entry_salt, conn, &contest, &juror, eid)?;
        store::jury::declare_conflict(conn, &juror.id, &idea.id, &reason, store::to_db(now))?;
        // A conflicted juror's scores must not count.
        store::jury::delete_sheet(conn, &juror.id, &idea.id)?;
        audit::record(conn, contest_id, now, "conflict_declared", json!({}))?;
        Ok(())
    })
}

/// A juror downloads an attachment of one of their entries.
pub fn attachment(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    contest_id: &str,
    eid: &str,
    number: usize,
) -> AppResult<(String, Vec<u8>)> {
    let (contest, juror) = as_juror(conn, actor, contest_id)?;
    require_judging(&contest, ctx.now())?;
    let idea = entry_of(&ctx.entry_salt, conn, &contest, &juror, eid)?;
    let attachments = store::ideas::attachments_of(conn, &idea.id)?;
    let attachment = number
        .checked_sub(1)
        .and_then(|i| attachments.get(i))
        .ok_or_else(|| AppError::not_found("attachment"))?;
    let bytes = store::ideas::attachment_bytes(conn, &attachment.id)?;
    Ok((
        attachment.content_type.clone(),
        super::ideas::served_bytes(attachment, bytes, false)?,
    ))
}

/// Per juror, entries scored of entries assigned; for members.
pub fn progress(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Vec<JurorProgress>> {
    let contest = load_visible(conn, actor, contest_id)?;
    access::require(conn, actor, Action::ManageContest { contest: &contest })?;
    progress_in(conn, &contest)
}

/// Per juror, entries scored of entries assigned, for a contest the caller may manage.
pub(super) fn progress_in(
    conn: &mut DbConnection,
    contest: &Contest,
) -> AppResult<Vec<JurorProgress>> {
    let mut rows = Vec::new();
    let field = Field::load(conn, contest)?;
    for (juror, _, _, display_name) in store::jury::accepted_with_users(conn, &contest.id)? {
        let panel = panel_in(conn, contest, &juror, &field)?;
        let (p, _) = progress_of(conn, &juror, &panel.entries)?;
        rows.push(JurorProgress {
            juror_id: juror.id,
            display_name,
            scored: p.scored,
            assigned: p.assigned,
        });
    }
    Ok(rows)
}

/// Mails every juror who has entries left to score; returns how many.
fn remind_late(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let mut reminded = 0;
    let field = Field::load(conn, contest)?;
    for (juror, _, locale, display_name) in store::jury::accepted_with_users(conn, &contest.id)? {
        let panel = panel_in(conn, contest, &juror, &field)?;
        let (p, _) = progress_of(conn, &juror, &panel.entries)?;
        if p.scored >= p.assigned {
            continue;
        }
        let mut context = notify::contest_context(ctx, contest);
        context["display_name"] = json!(display_name);
        context["scored"] = json!(p.scored);
        context["assigned"] = json!(p.assigned);
        context["deadline"] = json!(
            store::from_db(contest.judging_deadline)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        context["jury_url"] = json!(format!(
            "{}/contests/{}/jury",
            ctx.settings.public_url(),
            contest.id
        ));
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "jury_reminder",
                to: &juror.email,
                locale: &locale,
                context,
            },
        )?;
        reminded += 1;
    }
    Ok(reminded)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reminded {
    pub reminded: usize,
}

pub fn remind(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Reminded> {
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        // Mails people other than the caller (finding 16.12).
        super::access::require(conn, actor, super::access::Action::MailOthers)?;
        let now = ctx.now();
        require_judging(&contest, now)?;
        // Reminders on request, like every mail somebody can ask for, are throttled.
        super::mail_request_limit(ctx, conn, &[format!("mail:remind:{contest_id}")])?;
        let reminded = remind_late(ctx, conn, &contest, now)?;
        Ok(Reminded { reminded })
    })
}

/// The scheduler's reminders, 48 and 24 hours before the judging deadline.
pub fn scheduled_reminder(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    if phase_of(contest, now) != Phase::Judging || now >= store::from_db(contest.judging_deadline) {
        return Ok(0);
    }
    remind_late(ctx, conn, contest, now)
}

/// When judging starts: entries are assigned (if the contest limits reviews per entry) and the
/// jurors are told. In the transition's transaction.
pub fn start_judging(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let jurors = store::jury::accepted_with_users(conn, &contest.id)?;
    if let Some(per_entry) = contest.reviews_per_entry {
        let eligible = store::ideas::eligible_with_author_email(conn, &contest.id)?;
        let ids: Vec<&str> = eligible.iter().map(|(i, _)| i.id.as_str()).collect();
        let order: Vec<String> = rules::blind_order(&contest.id, &ids)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let juror_ids: Vec<String> = jurors.iter().map(|(j, ..)| j.id.clone()).collect();
        let mut conflicts = HashSet::new();
        for (juror, ..) in &jurors {
            let declared = store::jury::declared_conflicts(conn, &juror.id)?;
            for (idea, author_email) in &eligible {
                let user = juror.user_id.clone().unwrap_or_default();
                if declared.contains(&idea.id)
                    || rules::detected_conflict(&user, &juror.email, &idea.author_id, author_email)
                {
                    conflicts.insert((juror.id.clone(), idea.id.clone()));
                }
            }
        }
        let pairs = rules::assign(&order, &juror_ids, &conflicts, per_entry as usize);
        store::jury::insert_assignments(conn, &pairs)?;
    }
    for (juror, _, locale, display_name) in &jurors {
        let mut context = notify::contest_context(ctx, contest);
        context["display_name"] = json!(display_name);
        context["deadline"] = json!(
            store::from_db(contest.judging_deadline)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        context["jury_url"] = json!(format!(
            "{}/contests/{}/jury",
            ctx.settings.public_url(),
            contest.id
        ));
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "judging_started",
                to: &juror.email,
                locale,
                context,
            },
        )?;
    }
    Ok(())
}

/// A member takes an entry out of the running during judging; the author is told why.
pub fn disqualify(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    input: Disqualification,
) -> AppResult<super::ideas::IdeaView> {
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(AppError::field(
            "reason",
            "Give the reason in 1 to 2,000 characters; the author will read it.",
        ));
    }
    crate::domain::text::check_characters(&reason, crate::domain::text::Lines::Multi)
        .map_err(|m| AppError::field("reason", m))?;
    write_tx(conn, |conn| {
        let contest_id = store::ideas::find(conn, idea_id)?
            .ok_or_else(|| AppError::not_found("idea"))?
            .contest_id;
        store::backend::lock_row_contest(conn, &contest_id)?;
        let idea = store::ideas::find(conn, idea_id)?.ok_or_else(|| AppError::not_found("idea"))?;
        let contest = load_managed(conn, actor, &idea.contest_id).map_err(|e| {
            if matches!(e, AppError::Forbidden(_)) {
                AppError::not_found("idea")
            } else {
                e
            }
        })?;
        // Mails the author (finding 16.12).
        access::require(conn, actor, Action::MailOthers)?;
        let now = ctx.now();
        require_scoring_open(&contest, now)?;
        if !store::ideas::disqualify(conn, idea_id, &reason, store::to_db(now))? {
            return Err(AppError::conflict(
                "invalid_phase",
                format!(
                    "This idea is {}; only submitted ideas can be disqualified.",
                    idea.status
                ),
            ));
        }
        audit::record(
            conn,
            &contest.id,
            now,
            "idea_disqualified",
            json!({"commitment": super::ideas::commitment(ctx, &idea.id, "disqualified")}),
        )?;
        let author = store::users::find(conn, &idea.author_id)?
            .ok_or_else(|| AppError::internal("author vanished"))?;
        let mut context = notify::contest_context(ctx, &contest);
        context["display_name"] = json!(author.display_name);
        context["idea_title"] = json!(idea.title);
        context["reason"] = json!(reason);
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "idea_disqualified",
                to: &author.email,
                locale: &author.locale,
                context,
            },
        )?;
        super::ideas::show(ctx, conn, actor, idea_id)
    })
}

// ---------------------------------------------------------------------------------------------
// The invitation behind a link, as its page shows it (read-only; `accept` checks everything).

/// Where the reader of an invitation link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationOutcome {
    /// The invitation waits for an answer: the page asks.
    Ask,
    /// This reader accepted it already.
    Accepted,
    /// No such invitation, or someone else accepted it: the page says the link is not valid.
    Invalid,
}

/// An invitation as its page shows it: the outcome, and the contest if the reader may see it
/// (before it opens, a contest is its organisation's: the page then names no contest).
#[derive(Debug)]
pub struct InvitationView {
    pub outcome: InvitationOutcome,
    pub contest: Option<super::contests::ContestView>,
}

/// The invitation behind a link, for its page. Read-only: [`accept`] is the use case that
/// checks the address, the roles and the expiry.
pub fn invitation(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    token: &str,
) -> AppResult<InvitationView> {
    let digest = super::accounts::token_digest(token.trim());
    let Some(juror) = store::jury::find_by_token(conn, &digest)? else {
        return Ok(InvitationView {
            outcome: InvitationOutcome::Invalid,
            contest: None,
        });
    };
    let me = actor.user().map(|u| u.id.as_str());
    let outcome = match (juror.status.as_str(), juror.user_id.as_deref()) {
        ("accepted", Some(user)) if Some(user) == me => InvitationOutcome::Accepted,
        ("accepted", _) => InvitationOutcome::Invalid,
        _ => InvitationOutcome::Ask,
    };
    let contest = super::contests::show(ctx, conn, actor, &juror.contest_id).ok();
    Ok(InvitationView { outcome, contest })
}
