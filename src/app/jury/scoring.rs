//! A juror's work: the entries to score, score sheets, declared conflicts and the attachments.

use super::*;

/// How many of `entries` the juror scored in `round`, and their sheets of that round.
pub(super) fn progress_of(
    conn: &mut DbConnection,
    juror: &Juror,
    entries: &[(usize, Idea)],
    round: &str,
) -> AppResult<(Progress, Vec<store::jury::Sheet>)> {
    let sheets = store::jury::sheets_in(conn, &juror.id, round)?;
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
    let field = Field::load(conn, &contest)?;
    let panel = panel_in(conn, &contest, &juror, &field)?;
    let (progress, sheets) = progress_of(conn, &juror, &panel.entries, &field.stage.key)?;
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
            track: idea.track.clone(),
        });
    }
    Ok(JuryEntries {
        entries,
        progress,
        round: field.stage.view(),
        criteria: field.stage.criteria.clone(),
    })
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
    let stage = crate::app::rounds::stage(ctx, conn, &contest)?;
    require_round_open(&stage, ctx.now())?;
    let idea = entry_of(ctx, conn, &contest, &juror, eid)?;
    let mut v = Validator::new();
    if let Err(errors) = rules::check_sheet(&stage.criteria, &input.scores) {
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
        // The round closed meanwhile: its sheets are what advancement was decided on.
        let current = crate::app::rounds::stage(ctx, conn, &contest)?;
        if current.key != stage.key {
            return Err(round_closed());
        }
        require_round_open(&current, now)?;
        // Disqualified, or a conflict declared, since the entry was looked up.
        let still_eligible = store::ideas::find(conn, &idea.id)?
            .is_some_and(|current| current.status == crate::domain::ideas::Status::Submitted);
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
            &stage.key,
            &values,
            comment,
            store::to_db(now),
        )?;
        // The public chain commits to the sheet without revealing it, its juror or its entry.
        // Keyed with the server's secret: without it, the published sheet and the roster would
        // let anyone try every juror against every entry until the hash matched.
        let commitment = sha256_hex(
            format!(
                "sheet:{}:{}:{}:{}{values:?}:{comment:?}",
                ctx.entry_salt,
                juror.id,
                idea.id,
                // Sheets of the final round commit as before rounds existed.
                if stage.has_rounds {
                    format!("{}:", stage.key)
                } else {
                    String::new()
                }
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
            track: idea.track.clone(),
        })
    })
}

/// A round past its end takes no more sheets, even before the scheduler closed it.
fn require_round_open(stage: &crate::app::rounds::Stage, now: DateTime<Utc>) -> AppResult<()> {
    if now >= stage.ends_at {
        return Err(round_closed());
    }
    Ok(())
}

fn round_closed() -> AppError {
    AppError::conflict(
        ErrorCode::JudgingClosed,
        "This round has ended; its scores are frozen. The next round's entries appear on your list once it is closed.",
    )
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
        let idea = entry_of(ctx, conn, &contest, &juror, eid)?;
        let stage = crate::app::rounds::stage(ctx, conn, &contest)?;
        require_round_open(&stage, now)?;
        store::jury::declare_conflict(conn, &juror.id, &idea.id, &reason, store::to_db(now))?;
        // A conflicted juror's scores must not count in the round being judged (closed rounds
        // keep theirs: who advanced was decided on them).
        store::jury::delete_sheet(conn, &juror.id, &idea.id, &stage.key)?;
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
    let idea = entry_of(ctx, conn, &contest, &juror, eid)?;
    let attachments = store::ideas::attachments_of(conn, &idea.id)?;
    let attachment = number
        .checked_sub(1)
        .and_then(|i| attachments.get(i))
        .ok_or_else(|| AppError::not_found("attachment"))?;
    let bytes = store::ideas::attachment_bytes(conn, &attachment.id)?;
    Ok((
        attachment.content_type.clone(),
        crate::app::ideas::served_bytes(attachment, bytes, false)?,
    ))
}
