//! An author's writes: creating a draft or a submission, revising, submitting a draft,
//! withdrawing, and the reminder about drafts left unsubmitted.

use super::attachments::{self, too_many_files};
use super::*;

/// Submits an idea, or saves it as a draft.
pub fn create(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: NewIdea,
) -> AppResult<IdeaView> {
    create_with_files(ctx, conn, actor, contest_id, &input, &[])
}

/// Submits an idea with its files, or saves them as a draft, in one transaction: the files are
/// stored before the receipt is recorded, so that the receipt lists them.
pub fn create_with_files(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: &NewIdea,
    files: &[CleanUpload],
) -> AppResult<IdeaView> {
    access::require(conn, actor, Action::SubmitIdea)?;
    let user = actor.user().expect("signed in").clone();
    let mut v = Validator::new();
    validate(
        &mut v,
        &input.title,
        &input.summary,
        &input.body,
        input.draft,
    );
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
        let rules: crate::domain::rules::Rules = crate::app::contests::rules_of(ctx, &contest)?;
        validate_track(&mut v, &rules, input.track.as_deref(), input.draft);
        v.finish()?;
        backend::lock_author_in_contest(conn, contest_id, &user.id)?;
        // The clock is read here, inside the transaction that commits the idea.
        let now = ctx.now();
        require_phase(&contest, now, input.draft)?;
        if !input.draft {
            refuse_insiders(conn, &contest, &user.id)?;
        }
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
                status: Status::Draft,
                created_at: store::to_db(now),
                updated_at: store::to_db(now),
                track: input.track.as_deref(),
            },
        )?;
        if files.len() as u32 > ctx.settings.ideas.max_attachments {
            return Err(too_many_files(ctx));
        }
        for file in files {
            attachments::store_upload(conn, &id, file, now)?;
        }
        if !input.draft {
            // The row just inserted, as it is: no need to read it back.
            let idea = Idea {
                id: id.clone(),
                contest_id: contest_id.to_owned(),
                author_id: user.id.clone(),
                title: input.title.clone(),
                summary: input.summary.clone(),
                body: input.body.clone(),
                status: Status::Draft,
                revision: 0,
                first_submitted_at: None,
                submitted_at: None,
                disqualified_reason: None,
                created_at: store::to_db(now),
                updated_at: store::to_db(now),
                track: input.track.clone(),
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
        return Err(crate::app::jury::juror_and_author());
    }
    // Nor can its organisers: they read every entry and could clear the field for their own.
    if store::organizations::role_of(conn, &contest.organization_id, user_id)?.is_some() {
        return Err(crate::app::jury::juror_and_author());
    }
    Ok(())
}

/// The track an idea names (issue 20): one of the rules' tracks, needed to submit when the
/// contest has tracks, and none when it has not.
fn validate_track(
    v: &mut Validator,
    rules: &crate::domain::rules::Rules,
    track: Option<&str>,
    draft: bool,
) {
    match (track, rules.tracks.is_empty()) {
        (None, true) => {}
        (Some(_), true) => v.add("track", "This contest has no tracks; leave the track out."),
        (Some(t), false) if rules.track(t).is_some() => {}
        (None, false) if draft => {}
        (_, false) => {
            let labels: Vec<String> = (rules.tracks.iter())
                .map(|t| format!("{} ({})", t.key, t.label))
                .collect();
            v.add(
                "track",
                format!("Choose the track your idea enters: {}.", labels.join(", ")),
            );
        }
    }
}

fn entry_limit(max: u32) -> AppError {
    AppError::conflict(
        ErrorCode::EntryLimitReached,
        format!(
            "This contest accepts {max} idea(s) per person, and you have submitted that many. Withdraw one to submit another."
        ),
    )
}

/// Edits an idea: a draft stays a draft; a submitted idea gets a new revision and receipt.
pub fn update(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    input: IdeaContent,
) -> AppResult<IdeaView> {
    write_tx(conn, |conn| {
        let (idea, contest) = load_own(conn, actor, idea_id)?;
        limit_writes(ctx, conn, actor)?;
        let now = ctx.now();
        let status = require_changeable(&idea, &contest, now)?;
        let mut v = Validator::new();
        let draft = status == Status::Draft;
        validate(&mut v, &input.title, &input.summary, &input.body, draft);
        let rules = crate::app::contests::rules_of(ctx, &contest)?;
        let track = input.track.clone().or_else(|| idea.track.clone());
        validate_track(&mut v, &rules, track.as_deref(), draft);
        v.finish()?;
        store::ideas::update_content(
            conn,
            idea_id,
            &input.title,
            &input.summary,
            &input.body,
            track.as_deref(),
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
        if idea.status != Status::Draft {
            return Err(AppError::conflict(
                ErrorCode::InvalidPhase,
                format!("This idea is {}, not a draft.", idea.status),
            ));
        }
        require_verified(ctx, actor)?;
        // A draft may lack its summary or body: every missing field is named at once.
        let mut v = Validator::new();
        validate(&mut v, &idea.title, &idea.summary, &idea.body, false);
        let rules = crate::app::contests::rules_of(ctx, &contest)?;
        validate_track(&mut v, &rules, idea.track.as_deref(), false);
        if let Err(AppError::Validation(fields)) = require_terms(input.accept_terms) {
            fields.iter().for_each(|f| v.add(&f.path, &f.message));
        }
        v.finish()?;
        backend::lock_author_in_contest(conn, &contest.id, &idea.author_id)?;
        let now = ctx.now();
        require_phase(&contest, now, false)?;
        refuse_insiders(conn, &contest, &idea.author_id)?;
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
        store::ideas::set_status(conn, idea_id, Status::Withdrawn, store::to_db(now))?;
        if idea.status == Status::Submitted {
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

/// What became of an entry made from the submission page.
#[derive(Debug)]
pub enum Entered {
    /// Saved as a draft, as asked.
    Draft(IdeaView),
    Submitted(IdeaView),
    /// Submitting was refused (an unverified address, a missing field, the entry limit…):
    /// what was written is kept as a draft, and `refusal` says why it was not submitted.
    KeptAsDraft {
        draft: IdeaView,
        refusal: AppError,
    },
}

/// Submits an idea from the submission page, or saves it as a draft; when the submission is
/// refused for a reason the author can fix, nothing they wrote is lost: it is saved as a draft
/// (in a transaction of its own, after the refused one rolled back).
pub fn enter(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: NewIdea,
    files: &[CleanUpload],
) -> AppResult<Entered> {
    if input.draft {
        return create_with_files(ctx, conn, actor, contest_id, &input, files).map(Entered::Draft);
    }
    let refusal = match create_with_files(ctx, conn, actor, contest_id, &input, files) {
        Ok(idea) => return Ok(Entered::Submitted(idea)),
        Err(
            error @ (AppError::Internal(_)
            | AppError::Unavailable(_)
            | AppError::RateLimited { .. }
            | AppError::NotFound(_)
            | AppError::Forbidden(_)
            | AppError::Unauthorized(_)
            | AppError::BadRequest(_)),
        ) => return Err(error),
        Err(refusal) => refusal,
    };
    let draft = NewIdea {
        draft: true,
        ..input
    };
    match create_with_files(ctx, conn, actor, contest_id, &draft, files) {
        Ok(draft) => Ok(Entered::KeptAsDraft { draft, refusal }),
        Err(_) => Err(refusal),
    }
}

/// Where the reader stands in a contest, for the call to action of its page.
#[derive(Debug, Default, Clone, Serialize)]
pub struct EntryState {
    /// Their latest draft in this contest.
    pub draft_id: Option<String>,
    /// Their latest submitted idea in this contest.
    pub submitted_id: Option<String>,
    /// Whether they may enter another idea (under the entry limit, neither juror nor
    /// organiser); true for a reader not signed in, who is asked to sign in first.
    pub may_enter: bool,
}

/// The reader's draft and idea in a contest they may see, and whether they may enter it.
pub fn entry_state(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<EntryState> {
    let contest = load_visible(conn, actor, contest_id)?;
    let Some(user) = actor.user() else {
        return Ok(EntryState {
            may_enter: true,
            ..Default::default()
        });
    };
    let mut mine: Vec<Idea> = store::ideas::of_author(conn, &user.id)?
        .into_iter()
        .filter(|idea| idea.contest_id == contest.id)
        .collect();
    mine.sort_by_key(|idea| idea.updated_at);
    let latest = |status: Status| {
        mine.iter()
            .rev()
            .find(|idea| idea.status == status)
            .map(|idea| idea.id.clone())
    };
    let submitted = mine
        .iter()
        .filter(|idea| idea.status == Status::Submitted)
        .count();
    let max = crate::app::contests::rules_of(ctx, &contest)
        .map(|rules| rules.max_ideas_per_person as usize)
        .unwrap_or(1);
    let insider = refuse_insiders(conn, &contest, &user.id).is_err();
    Ok(EntryState {
        draft_id: latest(Status::Draft),
        submitted_id: latest(Status::Submitted),
        may_enter: submitted < max && !insider,
    })
}
