//! What the passage of time triggers in a contest's life. The scheduler calls [`run_due`] every
//! tick; each transition runs exactly once, even with several instances, because recording it
//! (a primary key per contest and phase) is part of the same transaction as its effects.

use serde_json::json;

use crate::domain::lifecycle::Phase;
use crate::store::{self, DbConnection, write_tx};

use super::{AppResult, Ctx, audit, notify};

/// Runs every due transition; returns how many this call ran.
pub fn run_due(ctx: &Ctx, conn: &mut DbConnection) -> AppResult<usize> {
    // Transitions first: judging must have started (panels drawn) before the award runs.
    let mut ran = 0;
    for phase in [Phase::Submission, Phase::Judging] {
        let now = ctx.now();
        let due = store::contests::due_transitions(conn, phase.as_str(), store::to_db(now))?;
        for contest in due {
            let result = write_tx(conn, |conn| {
                if !store::contests::record_transition(
                    conn,
                    &contest.id,
                    phase.as_str(),
                    store::to_db(now),
                )? {
                    // Another instance ran it.
                    return Ok(false);
                }
                audit::record(
                    conn,
                    &contest.id,
                    now,
                    "phase_changed",
                    json!({"phase": phase.as_str()}),
                )?;
                if phase == Phase::Judging {
                    super::jury::start_judging(ctx, conn, &contest, now)?;
                }
                notify::organization(
                    ctx,
                    conn,
                    &contest,
                    "phase_changed",
                    json!({"phase": phase.as_str()}),
                )?;
                Ok::<_, super::AppError>(true)
            });
            match result {
                Ok(true) => {
                    tracing::info!(contest_id = %contest.id, phase = phase.as_str(), "contest phase changed");
                    ran += 1;
                }
                Ok(false) => {}
                // One contest's failure must not hold up the others; retried next tick.
                Err(error) => {
                    tracing::error!(contest_id = %contest.id, phase = phase.as_str(), error = %error, cause = ?error, "phase transition failed");
                }
            }
        }
    }
    ran += remind_drafts(ctx, conn)?;
    ran += remind_jurors(ctx, conn)?;
    // Every earlier round closes before the award, which reads who advanced.
    ran += super::rounds::close_due(ctx, conn)?;
    ran += super::award::award_due(ctx, conn)?;
    Ok(ran)
}

/// Some hours before the submission deadline, authors of unsubmitted drafts get a reminder.
fn remind_drafts(ctx: &Ctx, conn: &mut DbConnection) -> AppResult<usize> {
    const STEP: &str = "draft_reminder";
    let now = ctx.now();
    let ahead = chrono::Duration::hours(i64::from(ctx.settings.ideas.draft_reminder_hours));
    let mut ran = 0;
    for contest in store::contests::due_transitions(conn, STEP, store::to_db(now + ahead))? {
        let done = write_tx(conn, |conn| {
            if !store::contests::record_transition(conn, &contest.id, STEP, store::to_db(now))? {
                return Ok(false);
            }
            super::ideas::remind_drafts(ctx, conn, &contest, now)?;
            Ok::<_, super::AppError>(true)
        })?;
        ran += usize::from(done);
    }
    Ok(ran)
}

/// 48 and 24 hours before the judging deadline, jurors with entries left to score are reminded.
fn remind_jurors(ctx: &Ctx, conn: &mut DbConnection) -> AppResult<usize> {
    let now = ctx.now();
    let mut ran = 0;
    for (step, hours) in [("jury_reminder_48h", 48), ("jury_reminder_24h", 24)] {
        let threshold = store::to_db(now + chrono::Duration::hours(hours));
        for contest in
            store::contests::due_jury_reminders(conn, step, threshold, store::to_db(now))?
        {
            let done = write_tx(conn, |conn| {
                if !store::contests::record_transition(conn, &contest.id, step, store::to_db(now))?
                {
                    return Ok(false);
                }
                super::jury::scheduled_reminder(ctx, conn, &contest, now)?;
                Ok::<_, super::AppError>(true)
            })?;
            ran += usize::from(done);
        }
    }
    // With rounds, 24 hours before each earlier round ends too.
    for contest in store::contests::judging_with_rounds(conn, store::to_db(now))? {
        if !store::contests::has_transition(conn, &contest.id, Phase::Judging.as_str())? {
            continue;
        }
        let rules = super::contests::rules_of(ctx, &contest)?;
        for round in &rules.rounds {
            let due = now >= round.ends_at - chrono::Duration::hours(24) && now < round.ends_at;
            if !due {
                continue;
            }
            let step = format!("jury_reminder_round:{}", round.key);
            let done = write_tx(conn, |conn| {
                if !store::contests::record_transition(conn, &contest.id, &step, store::to_db(now))?
                {
                    return Ok(false);
                }
                super::jury::round_reminder(ctx, conn, &contest, &round.key, now)?;
                Ok::<_, super::AppError>(true)
            })?;
            ran += usize::from(done);
        }
    }
    Ok(ran)
}
