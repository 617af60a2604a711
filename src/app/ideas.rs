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
use super::{AppError, AppResult, Ctx, Validator, audit, notify};

/// Proof of what was received and when: the SHA-256 of the canonical JSON of the content as
/// received, the server time, and the rules in force.
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
    /// `"{revision}:{sha256}"` for a submission or an edit, `withdrawn`, `disqualified`, or an
    /// attachment's SHA-256. Without it nobody can tell which events are this idea's.
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
    pub status: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The receipt of the latest revision; null for a draft never submitted.
    pub receipt: Option<Receipt>,
    pub attachments: Vec<AttachmentView>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIdea {
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    /// Must be true to submit: the contest's eligibility and IP terms are accepted.
    #[serde(default)]
    pub accept_terms: bool,
    /// Save as a draft instead of submitting.
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdeaContent {
    pub title: String,
    pub summary: String,
    pub body: String,
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
        status: idea.status.clone(),
        submitted_at: idea.submitted_at.map(store::from_db),
        updated_at: store::from_db(idea.updated_at),
        receipt,
        attachments,
    })
}

fn validate(v: &mut Validator, title: &str, summary: &str, body: &str) {
    v.check("title", rules::check_text(title, MAX_TITLE, false));
    v.check("summary", rules::check_text(summary, MAX_SUMMARY, true));
    v.check("body", rules::check_text(body, MAX_BODY, true));
}

fn closed(phase: Phase) -> AppError {
    let message = match phase {
        Phase::Draft | Phase::Upcoming => "Submissions have not opened yet.",
        _ => "The submission deadline has passed; nothing more can be submitted or changed.",
    };
    AppError::conflict("submission_closed", message)
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
    let status = Status::parse(&idea.status).unwrap_or(Status::Withdrawn);
    match status {
        Status::Draft => require_phase(contest, now, true)?,
        Status::Submitted => require_phase(contest, now, false)?,
        Status::Withdrawn | Status::Disqualified => {
            return Err(AppError::conflict(
                "invalid_phase",
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

/// Records revision `n` of an idea with its receipt, its audit event and the receipt email.
/// The caller holds the write transaction and has checked the phase with `now`.
fn record_submission(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    idea: &Idea,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let rules_hash = contest
        .rules_hash
        .clone()
        .ok_or_else(|| AppError::internal("an opened contest has a rules hash"))?;
    let revision = store::ideas::Revision {
        idea_id: idea.id.clone(),
        revision: idea.revision + 1,
        title: idea.title.clone(),
        summary: idea.summary.clone(),
        body: idea.body.clone(),
        content_sha256: rules::content_digest(&idea.title, &idea.summary, &idea.body),
        received_at: store::to_db(now),
        rules_hash,
    };
    store::ideas::record_revision(conn, &revision, idea.first_submitted_at.is_none())?;
    // The audit chain is public: it names the idea and its digest, never its author.
    audit::record(
        conn,
        &contest.id,
        now,
        if revision.revision == 1 {
            "idea_submitted"
        } else {
            "idea_revised"
        },
        json!({"commitment": commitment(ctx, &idea.id, &format!("{}:{}", revision.revision, revision.content_sha256))}),
    )?;
    let author = store::users::find(conn, &idea.author_id)?
        .ok_or_else(|| AppError::internal("author vanished"))?;
    let mut context = notify::contest_context(ctx, contest);
    context["display_name"] = json!(author.display_name);
    context["idea_title"] = json!(idea.title);
    context["sha256"] = json!(revision.content_sha256);
    // The receipt carries the key of this idea's audit commitments: with it, and only with it,
    // the author finds their events in the public chain.
    context["audit_key"] = json!(audit_key(ctx, &idea.id));
    context["received_at"] = json!(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    context["revision"] = json!(revision.revision);
    context["idea_url"] = json!(format!("{}/ideas/{}", ctx.settings.public_url(), idea.id));
    mail::enqueue(
        ctx,
        conn,
        now,
        &Outgoing {
            template: "idea_receipt",
            to: &author.email,
            locale: &author.locale,
            context,
        },
    )?;
    Ok(())
}

/// The key of one idea's audit commitments: HMAC-SHA256 of its id under a key derived from the
/// server's secret. Its author gets it in their receipt; nobody else can compute it, so knowing
/// an idea's id and text (as a juror does) is not enough to find its events in the chain.
pub fn audit_key(ctx: &Ctx, idea_id: &str) -> String {
    hmac_hex(
        format!("concours audit commitments:{}", ctx.entry_salt).as_bytes(),
        idea_id.as_bytes(),
    )
}

/// What the public audit chain records of an event about an idea: `HMAC-SHA256(audit_key,
/// event)`, which its author can check with the key in their receipt and which tells nobody
/// else which entry it concerns, so that a juror cannot learn from the chain when an entry
/// came in. (Events recorded before this was keyed hold `SHA-256("{idea id}:{event}")`; the
/// chain's hashes cover them as they were, so old chains still verify.)
pub fn commitment(ctx: &Ctx, idea_id: &str, event: &str) -> String {
    hmac_hex(audit_key(ctx, idea_id).as_bytes(), event.as_bytes())
}

fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
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

/// Submits an idea, or saves it as a draft.
pub fn create(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: NewIdea,
) -> AppResult<IdeaView> {
    access::require(conn, actor, Action::SubmitIdea)?;
    let user = actor.user().expect("signed in").clone();
    let mut v = Validator::new();
    validate(&mut v, &input.title, &input.summary, &input.body);
    if !input.draft && !input.accept_terms {
        v.add(
            "accept_terms",
            "Accept the contest's eligibility and IP terms to submit.",
        );
    }
    let id = write_tx(conn, |conn| {
        // The contest's row first: every writer of a contest locks it before anything else.
        backend::lock_row_contest(conn, contest_id)?;
        limit_writes(ctx, conn, actor)?;
        let contest = load_visible(conn, actor, contest_id)?;
        if !contest.is_opened() {
            return Err(closed(Phase::Draft));
        }
        if !input.draft {
            require_verified(ctx, actor)?;
        }
        v.finish()?;
        backend::lock_author_in_contest(conn, contest_id, &user.id)?;
        // The clock is read here, inside the transaction that commits the idea.
        let now = ctx.now();
        require_phase(&contest, now, input.draft)?;
        if !input.draft {
            refuse_insiders(conn, &contest, &user.id)?;
        }
        let rules: crate::domain::rules::Rules = super::contests::rules_of(&contest)?;
        if !input.draft
            && store::ideas::count_submitted(conn, contest_id, &user.id)?
                >= i64::from(rules.max_ideas_per_person)
        {
            return Err(entry_limit(rules.max_ideas_per_person));
        }
        let id = store::new_id();
        store::ideas::insert(
            conn,
            &store::ideas::NewIdea {
                id: &id,
                contest_id,
                author_id: &user.id,
                title: &input.title,
                summary: &input.summary,
                body: &input.body,
                status: Status::Draft.as_str(),
                created_at: store::to_db(now),
                updated_at: store::to_db(now),
            },
        )?;
        if !input.draft {
            // The row just inserted, as it is: no need to read it back.
            let idea = Idea {
                id: id.clone(),
                contest_id: contest_id.to_owned(),
                author_id: user.id.clone(),
                title: input.title.clone(),
                summary: input.summary.clone(),
                body: input.body.clone(),
                status: Status::Draft.as_str().to_owned(),
                revision: 0,
                first_submitted_at: None,
                submitted_at: None,
                disqualified_reason: None,
                created_at: store::to_db(now),
                updated_at: store::to_db(now),
            };
            record_submission(ctx, conn, &contest, &idea, now)?;
        }
        Ok(id)
    })?;
    // The answer is built once the idea is committed, outside the writer's lock (SQLite has one
    // writer at a time; during a deadline rush every statement under it counts).
    let idea = reload(conn, &id)?;
    view(ctx, conn, &idea)
}

/// A juror or an organiser of a contest cannot enter it: hidden from their own entry, a juror
/// could score every rival low. The answer is the one a juror with an entry gets on accepting (see
/// `jury::accept`). Called under the author's lock, which the acceptance takes too.
fn refuse_insiders(conn: &mut DbConnection, contest: &Contest, user_id: &str) -> AppResult<()> {
    if store::jury::membership(conn, &contest.id, user_id)?.is_some() {
        return Err(super::jury::juror_and_author());
    }
    // Nor can its organisers: they read every entry and could clear the field for their own.
    if store::organizations::role_of(conn, &contest.organization_id, user_id)?.is_some() {
        return Err(super::jury::juror_and_author());
    }
    Ok(())
}

fn entry_limit(max: u32) -> AppError {
    AppError::conflict(
        "entry_limit_reached",
        format!(
            "This contest accepts {max} idea(s) per person, and you have submitted that many. Withdraw one to submit another."
        ),
    )
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

/// Edits an idea: a draft stays a draft; a submitted idea gets a new revision and receipt.
pub fn update(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    input: IdeaContent,
) -> AppResult<IdeaView> {
    let mut v = Validator::new();
    validate(&mut v, &input.title, &input.summary, &input.body);
    write_tx(conn, |conn| {
        let (idea, contest) = load_own(conn, actor, idea_id)?;
        limit_writes(ctx, conn, actor)?;
        let now = ctx.now();
        let status = require_changeable(&idea, &contest, now)?;
        v.finish()?;
        store::ideas::update_content(
            conn,
            idea_id,
            &input.title,
            &input.summary,
            &input.body,
            store::to_db(now),
        )?;
        let idea = reload(conn, idea_id)?;
        if status == Status::Submitted {
            record_submission(ctx, conn, &contest, &idea, now)?;
        }
        let idea = reload(conn, idea_id)?;
        view(ctx, conn, &idea)
    })
}

/// Submits a draft.
pub fn submit_draft(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    input: SubmitDraft,
) -> AppResult<IdeaView> {
    write_tx(conn, |conn| {
        let (idea, contest) = load_own(conn, actor, idea_id)?;
        if idea.status != "draft" {
            return Err(AppError::conflict(
                "invalid_phase",
                format!("This idea is {}, not a draft.", idea.status),
            ));
        }
        require_verified(ctx, actor)?;
        require_terms(input.accept_terms)?;
        backend::lock_author_in_contest(conn, &contest.id, &idea.author_id)?;
        let now = ctx.now();
        require_phase(&contest, now, false)?;
        refuse_insiders(conn, &contest, &idea.author_id)?;
        let rules = super::contests::rules_of(&contest)?;
        if store::ideas::count_submitted(conn, &contest.id, &idea.author_id)?
            >= i64::from(rules.max_ideas_per_person)
        {
            return Err(entry_limit(rules.max_ideas_per_person));
        }
        record_submission(ctx, conn, &contest, &idea, now)?;
        let idea = reload(conn, idea_id)?;
        view(ctx, conn, &idea)
    })
}

/// Withdraws an idea before the deadline; it stays on record, out of the running.
pub fn withdraw(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
) -> AppResult<IdeaView> {
    write_tx(conn, |conn| {
        let (idea, contest) = load_own(conn, actor, idea_id)?;
        let now = ctx.now();
        require_changeable(&idea, &contest, now)?;
        store::ideas::set_status(conn, idea_id, Status::Withdrawn.as_str(), store::to_db(now))?;
        if idea.status == "submitted" {
            audit::record(
                conn,
                &contest.id,
                now,
                "idea_withdrawn",
                json!({"commitment": commitment(ctx, &idea.id, "withdrawn")}),
            )?;
        }
        let idea = reload(conn, idea_id)?;
        view(ctx, conn, &idea)
    })
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
        && super::contests::rules_of(&contest).is_ok_and(|r| r.blind_judging);
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
        && super::contests::rules_of(&contest).is_ok_and(|r| r.blind_judging);
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

/// An uploaded file, read whole and within the size limit by the HTTP layer.
#[derive(Debug)]
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// An upload recognised by its content and stripped of its metadata, ready to be stored.
#[derive(Debug)]
pub struct CleanUpload {
    filename: String,
    kind: FileKind,
    bytes: Vec<u8>,
    received_sha256: String,
    removed: Vec<&'static str>,
}

/// Recognises an upload by its content and removes its metadata (issue 16.4). No database:
/// the HTTP layer runs it on the blocking pool before it takes a connection. A file that
/// starts like a PDF, PNG or JPEG but cannot be read as one, or an encrypted PDF, is refused
/// (422) rather than stored with what it may say about its author.
pub fn prepare(upload: Upload) -> AppResult<CleanUpload> {
    let kind = rules::sniff(&upload.bytes).ok_or_else(|| {
        AppError::UnsupportedType(
            "Attach a PDF, PNG, JPEG or plain-text file; this file is none of those.".into(),
        )
    })?;
    let cleaned = crate::domain::clean::clean(kind, &upload.bytes).map_err(|refusal| {
        let what = match kind {
            FileKind::Pdf => "PDF",
            FileKind::Png => "PNG image",
            FileKind::Jpeg => "JPEG image",
            FileKind::Text => "text file",
        };
        match refusal {
            Refusal::Unreadable => AppError::field(
                "file",
                format!(
                    "This {what} cannot be read (it may be damaged or truncated); export it \
                     again and attach the new file."
                ),
            ),
            Refusal::Encrypted => AppError::field(
                "file",
                "This PDF is encrypted or password-protected, so its metadata cannot be \
                 removed; save it without protection and attach it again.",
            ),
        }
    })?;
    Ok(CleanUpload {
        filename: display_filename_for(kind, &upload.filename),
        kind,
        received_sha256: sha256_hex(&upload.bytes),
        bytes: cleaned.bytes,
        removed: cleaned.removed,
    })
}

/// Whether `actor` may attach a file to the idea now: theirs, in its window, under the count
/// limit. Checked before the HTTP layer reads the upload's body (issue 16.14), so that nobody
/// makes the server buffer megabytes for an idea they may not change; `attach` checks it all
/// again in its transaction.
pub fn may_attach(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
) -> AppResult<()> {
    let idea = reload(conn, idea_id)?;
    access::require(conn, actor, Action::EditIdea { idea: &idea })?;
    let contest = store::contests::find(conn, &idea.contest_id)?
        .ok_or_else(|| AppError::not_found("contest"))?;
    require_changeable(&idea, &contest, ctx.now())?;
    require_room(ctx, conn, idea_id)
}

fn require_room(ctx: &Ctx, conn: &mut DbConnection, idea_id: &str) -> AppResult<()> {
    let existing = store::ideas::attachments_of(conn, idea_id)?;
    let max = ctx.settings.ideas.max_attachments;
    if existing.len() as u32 >= max {
        return Err(AppError::TooLarge(format!(
            "An idea has at most {max} attachments."
        )));
    }
    Ok(())
}

/// Attaches a prepared file to an idea, in the same window as edits.
pub fn attach(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    upload: CleanUpload,
) -> AppResult<AttachmentView> {
    write_tx(conn, |conn| {
        let (idea, contest) = load_own(conn, actor, idea_id)?;
        limit_writes(ctx, conn, actor)?;
        let now = ctx.now();
        require_changeable(&idea, &contest, now)?;
        require_room(ctx, conn, idea_id)?;
        let attachment = store::ideas::Attachment {
            id: store::new_id(),
            idea_id: idea.id.clone(),
            filename: upload.filename.clone(),
            content_type: upload.kind.content_type().into(),
            size: upload.bytes.len() as i64,
            sha256: sha256_hex(&upload.bytes),
            created_at: store::to_db(now),
            received_sha256: Some(upload.received_sha256.clone()),
        };
        store::ideas::insert_attachment(conn, &attachment, &upload.bytes)?;
        if idea.status == "submitted" {
            audit::record(
                conn,
                &contest.id,
                now,
                "attachment_added",
                json!({"commitment": commitment(ctx, &idea.id, &attachment.sha256)}),
            )?;
        }
        Ok(AttachmentView {
            id: attachment.id,
            filename: attachment.filename,
            size: attachment.size,
            content_type: attachment.content_type,
            sha256: attachment.sha256,
            received_sha256: attachment.received_sha256,
            metadata_removed: Some(upload.removed.iter().map(|c| (*c).to_owned()).collect()),
        })
    })
}

/// The shown name, with an extension that matches what the file really is.
fn display_filename_for(kind: FileKind, raw: &str) -> String {
    let name = rules::display_filename(raw);
    let extension = match kind {
        FileKind::Pdf => "pdf",
        FileKind::Png => "png",
        FileKind::Jpeg => "jpg",
        FileKind::Text => "txt",
    };
    let stem = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(stem, _)| stem);
    let stem = if stem.is_empty() { "attachment" } else { stem };
    format!("{stem}.{extension}")
}

/// A file to send: its name, type and bytes, for those who may see the idea.
pub fn download(
    conn: &mut DbConnection,
    actor: &Actor,
    attachment_id: &str,
) -> AppResult<(store::ideas::Attachment, Vec<u8>)> {
    let attachment = store::ideas::find_attachment(conn, attachment_id)?
        .ok_or_else(|| AppError::not_found("attachment"))?;
    let idea = reload(conn, &attachment.idea_id)?;
    let contest = store::contests::find(conn, &idea.contest_id)?
        .ok_or_else(|| AppError::not_found("attachment"))?;
    access::require(
        conn,
        actor,
        Action::ViewIdea {
            idea: &idea,
            contest: &contest,
        },
    )
    .map_err(|e| {
        if matches!(e, AppError::Forbidden(_)) {
            AppError::not_found("attachment")
        } else {
            e
        }
    })?;
    let author = actor.user().is_some_and(|u| u.id == idea.author_id);
    let mut attachment = attachment;
    if !author
        && contest.awarded_at.is_none()
        && super::contests::rules_of(&contest).is_ok_and(|r| r.blind_judging)
    {
        let number = store::ideas::attachments_of(conn, &idea.id)?
            .iter()
            .position(|a| a.id == attachment.id)
            .unwrap_or(0);
        attachment.filename = blind_filename(number + 1, &attachment.content_type);
    }
    let bytes = store::ideas::attachment_bytes(conn, attachment_id)?;
    let bytes = served_bytes(&attachment, bytes, author)?;
    Ok((attachment, bytes))
}

/// The bytes a reader gets. Files stored since metadata is removed at upload are served as
/// stored; a file stored before (no `received_sha256`) is cleaned on the way out for everyone
/// but its author, and withheld (409 `attachment_unreadable`) if it cannot be.
pub fn served_bytes(
    attachment: &store::ideas::Attachment,
    bytes: Vec<u8>,
    author: bool,
) -> AppResult<Vec<u8>> {
    if author || attachment.received_sha256.is_some() {
        return Ok(bytes);
    }
    let Some(kind) = rules::sniff(&bytes) else {
        return Ok(bytes);
    };
    crate::domain::clean::clean(kind, &bytes)
        .map(|cleaned| cleaned.bytes)
        .map_err(|_| {
            AppError::conflict(
                "attachment_unreadable",
                "This file was stored before attachments lost their metadata, and it cannot be \
                 read to remove it; its author can attach it again.",
            )
        })
}

/// Reminds authors of drafts that the deadline is near (run once per contest by the scheduler).
pub fn remind_drafts(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    if now >= store::from_db(contest.submission_deadline) {
        return Ok(0);
    }
    let drafts = store::ideas::drafts_of_contest(conn, &contest.id)?;
    for idea in &drafts {
        let Some(author) = store::users::find(conn, &idea.author_id)? else {
            continue;
        };
        let mut context = notify::contest_context(ctx, contest);
        context["display_name"] = json!(author.display_name);
        context["idea_title"] = json!(idea.title);
        context["deadline"] = json!(
            store::from_db(contest.submission_deadline)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        context["idea_url"] = json!(format!("{}/ideas/{}", ctx.settings.public_url(), idea.id));
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "draft_reminder",
                to: &author.email,
                locale: &author.locale,
                context,
            },
        )?;
    }
    Ok(drafts.len())
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
