//! Rounds (issue 20): which round of a contest the jury is judging, who is in it, and its
//! close at its end, once, by the scheduler: who advances is computed from the round's sheets
//! by the same domain function `concours verify` runs on the published score sheet, recorded
//! in the audit chain, and every author is told whether their idea advanced.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::json;

use crate::domain::award as domain;
use crate::domain::canonical;
use crate::domain::lifecycle::Phase;
use crate::domain::rules::{Criterion, FINAL_ROUND, Rules};
use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, contests::Contest, rounds::Closing, write_tx};

use super::access::Actor;
use super::contests::{load_visible, phase_of, rules_of};
use super::{AppError, AppResult, Ctx, ErrorCode, audit, notify};

/// The label of the final round in the API (pages name it in the reader's language).
pub const FINAL_LABEL: &str = "Final";

/// The round the jury is judging, or the one that would be judged: its place, its key, its end,
/// its criteria and who is in it.
#[derive(Debug, Clone)]
pub struct Stage {
    /// 0 for the first round; the number of earlier rounds for the final one.
    pub index: usize,
    pub key: String,
    pub label: String,
    pub ends_at: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
    /// The ideas in the round: None for every entry in the running (the first round), else
    /// those that advanced from the round before.
    pub entrants: Option<HashSet<String>>,
    /// Whether the rules have rounds at all.
    pub has_rounds: bool,
}

impl Stage {
    pub fn admits(&self, idea_id: &str) -> bool {
        self.entrants
            .as_ref()
            .is_none_or(|ids| ids.contains(idea_id))
    }

    pub fn view(&self) -> RoundRef {
        RoundRef {
            key: self.key.clone(),
            label: self.label.clone(),
            ends_at: self.ends_at,
        }
    }
}

/// A round as the API names it.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct RoundRef {
    pub key: String,
    pub label: String,
    pub ends_at: DateTime<Utc>,
}

/// The stage of a contest whose rounds closed as `closings` say: the first round not closed
/// (the final one once every earlier round closed).
pub fn stage_of(rules: &Rules, closings: &[Closing]) -> Stage {
    let closed: HashMap<&str, &Closing> = closings.iter().map(|c| (c.round.as_str(), c)).collect();
    let index = (rules.rounds.iter())
        .position(|r| !closed.contains_key(r.key.as_str()))
        .unwrap_or(rules.rounds.len());
    let entrants =
        index.checked_sub(1).map(
            |before| match closed.get(rules.rounds[before].key.as_str()) {
                Some(closing) => closing.advanced_ids().into_iter().collect(),
                None => HashSet::new(),
            },
        );
    match rules.rounds.get(index) {
        Some(round) => Stage {
            index,
            key: round.key.clone(),
            label: round.label.clone(),
            ends_at: round.ends_at,
            criteria: round.criteria.clone(),
            entrants,
            has_rounds: true,
        },
        None => Stage {
            index,
            key: FINAL_ROUND.to_owned(),
            label: FINAL_LABEL.to_owned(),
            ends_at: rules.judging_deadline,
            criteria: rules.criteria.clone(),
            entrants,
            has_rounds: !rules.rounds.is_empty(),
        },
    }
}

/// The stage of a contest now (one query, only when the rules have rounds).
pub fn stage(ctx: &Ctx, conn: &mut DbConnection, contest: &Contest) -> AppResult<Stage> {
    let rules = rules_of(ctx, contest)?;
    let closings = if rules.rounds.is_empty() {
        Vec::new()
    } else {
        store::rounds::of_contest(conn, &contest.id)?
    };
    Ok(stage_of(&rules, &closings))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundView {
    pub key: String,
    pub label: String,
    pub ends_at: DateTime<Utc>,
    /// `pending`, `judging` or `closed`.
    pub status: &'static str,
    /// The ids of the ideas that advanced, once the round closed (null before, and for the
    /// final round: its outcome is the results).
    pub advanced: Option<Vec<String>>,
    /// How many ideas were in the round when it closed (null before).
    pub entrants: Option<usize>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundsView {
    pub rounds: Vec<RoundView>,
}

/// `GET /contests/{id}/rounds`: every round of an opened contest, the final one last.
pub fn rounds(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<RoundsView> {
    let contest = load_visible(conn, actor, contest_id)?;
    if contest.rules_hash.is_none() {
        return Err(AppError::conflict(
            ErrorCode::InvalidPhase,
            "The rounds are published once the contest opens.",
        ));
    }
    let rules = rules_of(ctx, &contest)?;
    let closings = store::rounds::of_contest(conn, contest_id)?;
    let phase = phase_of(&contest, ctx.now());
    let current = stage_of(&rules, &closings);
    let mut rounds = Vec::new();
    for (i, round) in rules.rounds.iter().enumerate() {
        let closing = closings.iter().find(|c| c.round == round.key);
        let status = match (closing, phase) {
            (Some(_), _) => "closed",
            (None, Phase::Judging) if current.index == i => "judging",
            _ => "pending",
        };
        rounds.push(RoundView {
            key: round.key.clone(),
            label: round.label.clone(),
            ends_at: round.ends_at,
            status,
            advanced: closing.map(Closing::advanced_ids),
            entrants: closing.map(|c| c.entrant_ids().len()),
        });
    }
    let final_status = match phase {
        Phase::Awarded => "closed",
        Phase::Judging if current.index == rules.rounds.len() => "judging",
        _ => "pending",
    };
    rounds.push(RoundView {
        key: FINAL_ROUND.to_owned(),
        label: FINAL_LABEL.to_owned(),
        ends_at: rules.judging_deadline,
        status: final_status,
        advanced: None,
        entrants: None,
    });
    Ok(RoundsView { rounds })
}

/// The scheduler's part: every earlier round past its end is closed, once, in order.
pub fn close_due(ctx: &Ctx, conn: &mut DbConnection) -> AppResult<usize> {
    let now = ctx.now();
    let mut closed = 0;
    for contest in store::contests::judging_with_rounds(conn, store::to_db(now))? {
        // Judging has started (panels drawn) before any round closes.
        if !store::contests::has_transition(conn, &contest.id, Phase::Judging.as_str())? {
            continue;
        }
        let rules = rules_of(ctx, &contest)?;
        for round in &rules.rounds {
            if round.ends_at > now {
                break;
            }
            match close(ctx, conn, &contest, &rules, &round.key, now) {
                Ok(true) => {
                    tracing::info!(contest_id = %contest.id, round = %round.key, "round closed");
                    closed += 1;
                }
                Ok(false) => {}
                Err(error) => {
                    tracing::error!(contest_id = %contest.id, round = %round.key, error = %error, cause = ?error, "closing a round failed");
                    break;
                }
            }
        }
    }
    Ok(closed)
}

/// Closes the round `key` of a contest: computes who advances, records it with the entrants,
/// writes it in the audit chain and mails every entrant's author. False when it was closed
/// already.
fn close(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    rules: &Rules,
    key: &str,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    write_tx(conn, |conn| {
        store::backend::lock_row_contest(conn, &contest.id)?;
        let closings = store::rounds::of_contest(conn, &contest.id)?;
        if closings.iter().any(|c| c.round == key) {
            return Ok(false);
        }
        let stage = stage_of(rules, &closings);
        if stage.key != key {
            // An earlier round is still open: it closes first.
            return Ok(false);
        }
        let round = &rules.rounds[stage.index];
        let entrants = entrants(conn, contest, &stage)?;
        let advanced = domain::advance(rules, round, &entrants);
        let entrant_ids: Vec<&str> = entrants.iter().map(|e| e.id.as_str()).collect();
        let closing = Closing {
            contest_id: contest.id.clone(),
            round: key.to_owned(),
            closed_at: store::to_db(now),
            entrants: serde_json::to_string(&entrant_ids).map_err(AppError::internal)?,
            advanced: serde_json::to_string(&advanced).map_err(AppError::internal)?,
        };
        if store::rounds::record(conn, &closing)? == store::Insert::AlreadyExists {
            return Err(AppError::conflict(
                ErrorCode::InvalidPhase,
                "This round is closed already.",
            ));
        }
        audit::record(
            conn,
            &contest.id,
            now,
            "round_closed",
            json!({
                "round": key,
                "entrants": entrant_ids.len(),
                "advanced": advanced.len(),
                "advanced_sha256": canonical::sha256_hex(canonical::to_string(&json!(advanced)).as_bytes()),
            }),
        )?;
        tell_authors(
            ctx,
            conn,
            contest,
            rules,
            stage.index,
            &entrant_ids,
            &advanced,
            now,
        )?;
        // Members and jurors: the round closed, how many advance, and what comes next.
        let (next, next_end) = next_round(rules, stage.index);
        let extra = json!({
            "round": round.label,
            "entrants": entrant_ids.len(),
            "count": advanced.len(),
            "next_round": next,
            "next_is_final": stage.index + 1 == rules.rounds.len(),
            "next_ends_at": next_end.to_rfc3339_opts(SecondsFormat::Secs, true),
        });
        notify::organization(ctx, conn, contest, "round_closed", extra.clone())?;
        for (juror, _, locale, display_name) in store::jury::accepted_with_users(conn, &contest.id)?
        {
            let mut context = notify::contest_context(ctx, contest);
            for (k, v) in extra.as_object().expect("an object") {
                context[k] = v.clone();
            }
            context["display_name"] = json!(display_name);
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
                    template: "round_closed",
                    to: &juror.email,
                    locale: &locale,
                    context,
                },
            )?;
        }
        Ok(true)
    })
}

/// The entries of a round, each with that round's complete sheets, as the award and `concours
/// verify` read them.
pub fn entrants(
    conn: &mut DbConnection,
    contest: &Contest,
    stage: &Stage,
) -> AppResult<Vec<domain::Entry>> {
    let eligible = store::ideas::eligible_with_author_email(conn, &contest.id)?;
    let mut sheets: HashMap<String, Vec<BTreeMap<String, u32>>> = HashMap::new();
    for (juror, ..) in store::jury::accepted_with_users(conn, &contest.id)? {
        for sheet in store::jury::sheets_in(conn, &juror.id, &stage.key)? {
            sheets
                .entry(sheet.idea_id)
                .or_default()
                .push(scores_of(sheet.values)?);
        }
    }
    let mut entries: Vec<domain::Entry> = eligible
        .into_iter()
        .filter(|(idea, _)| stage.admits(&idea.id))
        .map(|(idea, _)| domain::Entry {
            sheets: sheets.remove(&idea.id).unwrap_or_default(),
            first_submitted_at: store::from_db(idea.first_submitted_at.unwrap_or(idea.created_at)),
            track: idea.track,
            id: idea.id,
        })
        .collect();
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(entries)
}

/// A stored sheet's scores, as the domain reads them.
pub fn scores_of(values: Vec<(String, i32)>) -> AppResult<BTreeMap<String, u32>> {
    values
        .into_iter()
        .map(|(key, value)| {
            u32::try_from(value)
                .map(|value| (key, value))
                .map_err(|_| AppError::internal("a stored score is negative"))
        })
        .collect()
}

/// The label and end of the round after the earlier round `index`.
fn next_round(rules: &Rules, index: usize) -> (String, DateTime<Utc>) {
    match rules.rounds.get(index + 1) {
        Some(next) => (next.label.clone(), next.ends_at),
        None => (FINAL_LABEL.to_owned(), rules.judging_deadline),
    }
}

/// Mails every entrant's author whether their idea advanced, in their language.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, each argument a distinct part of the close"
)]
fn tell_authors(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    rules: &Rules,
    index: usize,
    entrants: &[&str],
    advanced: &[String],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let advanced: HashSet<&str> = advanced.iter().map(String::as_str).collect();
    let entrants: HashSet<&str> = entrants.iter().copied().collect();
    let round = &rules.rounds[index];
    let (next_label, next_end) = next_round(rules, index);
    let is_final = index + 1 == rules.rounds.len();
    for idea in store::ideas::overview_of_contest(conn, &contest.id)? {
        if !entrants.contains(idea.id.as_str()) {
            continue;
        }
        let mut context = notify::contest_context(ctx, contest);
        context["display_name"] = json!(idea.author_name);
        context["idea_title"] = json!(idea.title);
        context["round"] = json!(round.label);
        context["advanced"] = json!(advanced.contains(idea.id.as_str()));
        context["next_round"] = json!(next_label);
        context["next_is_final"] = json!(is_final);
        context["next_ends_at"] = json!(next_end.to_rfc3339_opts(SecondsFormat::Secs, true));
        context["count"] = json!(advanced.len());
        context["idea_url"] = json!(format!("{}/ideas/{}", ctx.settings.public_url(), idea.id));
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "round_result",
                to: &idea.author_email,
                locale: &idea.author_locale,
                context,
            },
        )?;
    }
    Ok(())
}
