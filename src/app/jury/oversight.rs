//! The organisers' side of judging: progress per juror, reminders and disqualification.

use super::*;

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
pub(in crate::app) fn progress_in(
    conn: &mut DbConnection,
    contest: &Contest,
) -> AppResult<Vec<JurorProgress>> {
    let mut rows = Vec::new();
    let field = Field::load(conn, contest)?;
    for (juror, _, _, display_name) in store::jury::accepted_with_users(conn, &contest.id)? {
        let panel = panel_in(conn, contest, &juror, &field)?;
        let (p, _) = progress_of(conn, &juror, &panel.entries, &field.stage.key)?;
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
        let (p, _) = progress_of(conn, &juror, &panel.entries, &field.stage.key)?;
        if p.scored >= p.assigned {
            continue;
        }
        let mut context = juror_mail_context(ctx, contest, &display_name);
        context["scored"] = json!(p.scored);
        context["assigned"] = json!(p.assigned);
        // With rounds, the round being judged and its end (its scores freeze then).
        if field.stage.has_rounds {
            context["round"] = json!(field.stage.label);
            context["deadline"] = json!(
                field
                    .stage
                    .ends_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
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
        crate::app::access::require(conn, actor, crate::app::access::Action::MailOthers)?;
        let now = ctx.now();
        require_judging(&contest, now)?;
        // Reminders on request, like every mail somebody can ask for, are throttled.
        crate::app::mail_request_limit(ctx, conn, &[format!("mail:remind:{contest_id}")])?;
        let reminded = remind_late(ctx, conn, &contest, now)?;
        Ok(Reminded { reminded })
    })
}

/// The scheduler's reminder 24 hours before an earlier round ends: the jurors with entries left
/// in that round.
pub fn round_reminder(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    round: &str,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let stage = crate::app::rounds::stage(ctx, conn, contest)?;
    if phase_of(contest, now) != Phase::Judging || stage.key != round || now >= stage.ends_at {
        return Ok(0);
    }
    remind_late(ctx, conn, contest, now)
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

/// A member takes an entry out of the running during judging; the author is told why.
pub fn disqualify(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    input: Disqualification,
) -> AppResult<crate::app::ideas::IdeaView> {
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
                ErrorCode::InvalidPhase,
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
            json!({"commitment": crate::app::ideas::commitment(ctx, &idea.id, "disqualified")}),
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
        crate::app::ideas::show(ctx, conn, actor, idea_id)
    })
}
