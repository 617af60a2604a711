//! The award: ranking, payouts and results, exactly once per contest (DESIGN.md, promise 4).
//!
//! The award first writes the anonymised score sheet, then computes the results *from that
//! sheet* with the same function `concours verify` uses, so that anyone holding the published
//! sheet recomputes exactly the published ranking and payouts.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::award as rules;
use crate::domain::canonical;
use crate::domain::lifecycle::Phase;
use crate::domain::money;
use crate::domain::rules::Rules;
use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, awards::Award, contests::Contest, write_tx};

use super::access::{self, Action, Actor};
use super::contests::{load_visible, phase_of, rules_of};
use super::{AppError, AppResult, Ctx, ErrorCode, audit, notify};

mod payouts;
mod results;
mod sheet;

use crate::domain::scoresheet::computed;
pub use crate::domain::scoresheet::{Computed, compute, verify};
pub use payouts::{DuePayout, PaidRequest, PaidView, mark_paid, payouts_due};
use results::results_of;
pub use results::{
    FORMER_PARTICIPANT, Tie, TieBreak, public_authors, results, scoresheet_text, ties,
};
use sheet::{Comments, ScoreSheet, scoresheet};

/// Who started the award.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A member, early, with every sheet complete.
    Manual,
    /// The scheduler, at the judging deadline, whatever the jury did.
    Automatic,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct RankingRow {
    pub entry_id: String,
    pub rank: usize,
    /// Out of 100; null when nobody scored the entry.
    pub score: Option<f64>,
    pub title: String,
    /// The author's display name: judging is over.
    pub author: String,
    /// The track the entry named (null without tracks).
    #[serde(default)]
    pub track: Option<String>,
    /// The key of the last round it reached (`final` for every entry of a contest without
    /// rounds, and in results awarded before rounds existed).
    #[serde(default = "final_round")]
    pub round_reached: String,
}

fn final_round() -> String {
    crate::domain::rules::FINAL_ROUND.to_owned()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayoutView {
    pub id: String,
    pub amount_cents: i64,
    /// `prize`, `fallback` or `no_entries`.
    pub reason: String,
    /// `due` or `paid`.
    #[schema(value_type = String)]
    pub status: crate::domain::status::PayoutStatus,
    pub entry_id: Option<String>,
    pub recipient: String,
    /// The track whose prize it is (null for an overall prize).
    pub track: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Results {
    pub contest_id: String,
    pub rules_hash: String,
    pub scoresheet_hash: String,
    pub prize_pool_cents: i64,
    pub total_paid_cents: i64,
    pub ranking: Vec<RankingRow>,
    pub payouts: Vec<PayoutView>,
}

/// Awards a contest, once. `Manual` needs a member, the judging phase and every sheet complete;
/// `Automatic` runs at the judging deadline whatever the jury did.
pub fn award(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    trigger: Trigger,
) -> AppResult<Results> {
    write_tx(conn, |conn| {
        let contest = store::contests::find_for_update(conn, contest_id)?
            .ok_or_else(|| AppError::not_found("contest"))?;
        if trigger == Trigger::Manual {
            access::require(conn, actor, Action::ManageContest { contest: &contest })?;
        }
        if store::awards::find(conn, contest_id)?.is_some() {
            return Err(AppError::conflict(
                ErrorCode::AlreadyAwarded,
                "This contest is already awarded.",
            ));
        }
        let now = ctx.now();
        match (phase_of(&contest, now), trigger) {
            (Phase::Judging, Trigger::Automatic)
                if now >= store::from_db(contest.judging_deadline) => {}
            (Phase::Judging, Trigger::Manual) => {
                let min_jurors = rules_of(ctx, &contest)?.min_jurors;
                if let Some(why) = super::jury::early_award_blocker(conn, &contest, min_jurors)? {
                    return Err(AppError::conflict(ErrorCode::InvalidPhase, why));
                }
            }
            _ => {
                return Err(AppError::conflict(
                    ErrorCode::InvalidPhase,
                    "A contest is awarded in the judging phase.",
                ));
            }
        }
        // Panels are drawn when judging starts; an award before that would find no sheets.
        if !store::contests::has_transition(conn, contest_id, Phase::Judging.as_str())? {
            return Err(AppError::conflict(
                ErrorCode::InvalidPhase,
                "Judging is starting: the entries are being assigned to the jurors. Try again in a minute.",
            ));
        }
        let rules = rules_of(ctx, &contest)?;
        let ScoreSheet {
            text: sheet_text,
            entries,
            rounds,
            comments,
        } = scoresheet(conn, &contest, &rules, &ctx.entry_salt)?;
        let sheet_hash = canonical::sha256_hex(sheet_text.as_bytes());
        let computed = computed(&rules, &rounds, &entries);

        // Titles and authors' names in one query, not one per entry.
        let ideas: std::collections::HashMap<String, (String, String)> =
            store::ideas::overview_of_contest(conn, contest_id)?
                .into_iter()
                .map(|idea| (idea.id, (idea.title, idea.author_name)))
                .collect();
        let mut ranking = Vec::new();
        for row in &computed.ranking {
            let (title, author) = ideas
                .get(&row.entry_id)
                .cloned()
                .unwrap_or_else(|| (String::new(), FORMER_PARTICIPANT.into()));
            ranking.push(RankingRow {
                entry_id: row.entry_id.clone(),
                rank: row.rank,
                score: row.score,
                title,
                author,
                track: row.track.clone(),
                round_reached: row.round_reached.clone(),
            });
        }
        let beneficiary = rules.no_entry_beneficiary.clone();
        let payouts: Vec<store::awards::Payout> = computed
            .payouts
            .iter()
            .enumerate()
            .map(|(i, p)| store::awards::Payout {
                id: store::new_id(),
                contest_id: contest_id.to_owned(),
                position: i as i32 + 1,
                idea_id: p.entry_id.clone(),
                recipient: p
                    .entry_id
                    .as_ref()
                    .and_then(|id| ranking.iter().find(|r| &r.entry_id == id))
                    .map_or(beneficiary.clone(), |r| r.author.clone()),
                amount_cents: p.amount_cents,
                reason: p.reason.to_owned(),
                track: p.track.clone(),
                status: crate::domain::status::PayoutStatus::Due,
                paid_reference: None,
                paid_at: None,
                paid_by: None,
            })
            .collect();
        let total: i64 = payouts.iter().map(|p| p.amount_cents).sum();
        if total != contest.prize_pool_cents {
            return Err(AppError::internal(format!(
                "payouts {total} differ from the pool {}",
                contest.prize_pool_cents
            )));
        }
        let award = Award {
            contest_id: contest_id.to_owned(),
            awarded_at: store::to_db(now),
            trigger_kind: match trigger {
                Trigger::Manual => "manual".into(),
                Trigger::Automatic => "automatic".into(),
            },
            scoresheet: sheet_text,
            scoresheet_hash: sheet_hash.clone(),
            ranking: serde_json::to_string(&ranking).map_err(AppError::internal)?,
            prize_pool_cents: contest.prize_pool_cents,
        };
        // The row lock above queues a second award behind this one, which then finds it; the
        // primary key is the last word if anything ever got past that.
        if store::awards::insert(conn, &award, &payouts)? == store::Insert::AlreadyExists {
            return Err(AppError::conflict(
                ErrorCode::AlreadyAwarded,
                "This contest is already awarded.",
            ));
        }
        store::contests::mark_awarded(conn, contest_id, store::to_db(now))?;
        audit::record(
            conn,
            contest_id,
            now,
            "contest_awarded",
            json!({"scoresheet_hash": sheet_hash, "total_cents": total, "trigger": award.trigger_kind}),
        )?;
        tell_everyone(
            ctx,
            conn,
            &contest,
            &rules,
            &ranking,
            &payouts,
            &entries,
            comments,
            &sheet_hash,
            now,
        )?;
        results_of(conn, &contest)
    })
}

/// Results to every entrant (rank, score per criterion, the jurors' comments, anonymised),
/// payout notices to those who receive money.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, each argument a distinct part of the award"
)]
fn tell_everyone(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    rules: &Rules,
    ranking: &[RankingRow],
    payouts: &[store::awards::Payout],
    entries: &[rules::Entry],
    mut comments: Comments,
    sheet_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let results_url = format!(
        "{}/contests/{}/results",
        ctx.settings.public_url(),
        contest.id
    );
    // Everything looked up per entry is indexed first: the award's cost grows linearly.
    let entries: std::collections::HashMap<&str, &rules::Entry> =
        entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let ideas: std::collections::HashMap<String, store::ideas::IdeaOverview> =
        store::ideas::overview_of_contest(conn, &contest.id)?
            .into_iter()
            .map(|idea| (idea.id.clone(), idea))
            .collect();
    let no_sheets = Vec::new();
    for row in ranking {
        let Some(idea) = ideas.get(&row.entry_id) else {
            continue;
        };
        let sheets = entries
            .get(row.entry_id.as_str())
            .map_or(&no_sheets, |e| &e.sheets);
        let per_criterion: Vec<Value> = rules
            .criteria
            .iter()
            .map(|c| {
                let values: Vec<f64> = sheets
                    .iter()
                    .filter_map(|s| s.get(&c.key).map(|v| f64::from(*v)))
                    .collect();
                let mean =
                    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
                json!({"label": c.label, "max": c.max, "mean": mean.map(|m| format!("{m:.1}"))})
            })
            .collect();
        let comments = comments.remove(&idea.id).unwrap_or_default();
        let mut context = notify::contest_context(ctx, contest);
        context["display_name"] = json!(idea.author_name);
        context["idea_title"] = json!(idea.title);
        context["rank"] = json!(row.rank);
        context["entries"] = json!(ranking.len());
        context["score"] = json!(row.score.map(|s| format!("{s:.1}")));
        context["criteria"] = json!(per_criterion);
        context["comments"] = json!(comments);
        context["scoresheet_hash"] = json!(sheet_hash);
        context["results_url"] = json!(results_url);
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "results",
                to: &idea.author_email,
                locale: &idea.author_locale,
                context,
            },
        )?;
    }
    for payout in payouts {
        let Some(idea_id) = &payout.idea_id else {
            continue;
        };
        let Some(idea) = ideas.get(idea_id) else {
            continue;
        };
        let mut context = notify::contest_context(ctx, contest);
        context["display_name"] = json!(idea.author_name);
        money::into_mail_context(
            &mut context,
            "amount",
            payout.amount_cents,
            &contest.currency,
        );
        context["reason"] = json!(payout.reason);
        context["results_url"] = json!(results_url);
        context["payouts_url"] = json!(format!("{}/me/payouts", ctx.settings.public_url()));
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "payout_due",
                to: &idea.author_email,
                locale: &idea.author_locale,
                context,
            },
        )?;
    }
    Ok(())
}

/// The scheduler's part: every contest past its judging deadline is awarded, once.
pub fn award_due(ctx: &Ctx, conn: &mut DbConnection) -> AppResult<usize> {
    let mut awarded = 0;
    for contest in store::contests::due_for_award(conn, store::to_db(ctx.now()))? {
        match award(
            ctx,
            conn,
            &Actor::Anonymous,
            &contest.id,
            Trigger::Automatic,
        ) {
            Ok(_) => {
                tracing::info!(contest_id = %contest.id, "contest awarded at its judging deadline");
                awarded += 1;
            }
            // Another instance got there first.
            Err(AppError::Conflict {
                code: ErrorCode::AlreadyAwarded,
                ..
            }) => {}
            // One contest's failure must not hold up the others: it is logged, and retried at
            // the next tick.
            Err(error) => {
                tracing::error!(contest_id = %contest.id, error = %error, cause = ?error, "automatic award failed");
            }
        }
    }
    Ok(awarded)
}
