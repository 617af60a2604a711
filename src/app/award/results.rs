//! The published results and score sheet, as the public and the entrants read them.

use super::*;

/// How the results name someone who deleted their account.
pub const FORMER_PARTICIPANT: &str = "former participant";

pub(super) fn results_of(conn: &mut DbConnection, contest: &Contest) -> AppResult<Results> {
    let award = store::awards::find(conn, &contest.id)?.ok_or_else(|| {
        AppError::conflict(
            ErrorCode::InvalidPhase,
            "The results are published once the contest is awarded.",
        )
    })?;
    let mut ranking: Vec<RankingRow> =
        serde_json::from_str(&award.ranking).map_err(AppError::internal)?;
    // People who deleted their account since are named no more.
    let gone: std::collections::HashSet<String> =
        store::users::ideas_of_deleted_authors(conn, &contest.id)?
            .into_iter()
            .collect();
    for row in &mut ranking {
        if gone.contains(&row.entry_id) {
            row.author = FORMER_PARTICIPANT.into();
        }
    }
    let payouts: Vec<PayoutView> = store::awards::payouts_of(conn, &contest.id)?
        .into_iter()
        .map(|p| PayoutView {
            id: p.id,
            amount_cents: p.amount_cents,
            reason: p.reason,
            status: p.status,
            recipient: match &p.idea_id {
                Some(idea) if gone.contains(idea) => FORMER_PARTICIPANT.into(),
                _ => p.recipient,
            },
            entry_id: p.idea_id,
            track: p.track,
        })
        .collect();
    Ok(Results {
        contest_id: contest.id.clone(),
        rules_hash: contest.rules_hash.clone().unwrap_or_default(),
        scoresheet_hash: award.scoresheet_hash,
        prize_pool_cents: award.prize_pool_cents,
        total_paid_cents: payouts.iter().map(|p| p.amount_cents).sum(),
        ranking,
        payouts,
    })
}

pub fn results(conn: &mut DbConnection, actor: &Actor, contest_id: &str) -> AppResult<Results> {
    let contest = load_visible(conn, actor, contest_id)?;
    results_of(conn, &contest)
}

/// The published anonymised score sheet, byte for byte (its SHA-256 is `scoresheet_hash`).
pub fn scoresheet_text(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<String> {
    let contest = load_visible(conn, actor, contest_id)?;
    let award = store::awards::find(conn, &contest.id)?.ok_or_else(|| {
        AppError::conflict(
            ErrorCode::InvalidPhase,
            "The score sheet is published once the contest is awarded.",
        )
    })?;
    Ok(award.scoresheet)
}

/// The authors of a contest's ranked ideas whose public page anyone may open: entry id →
/// their person id, for the results page to link. Only once the contest is awarded (judging
/// is over, authors are named); never a deleted account, never a private page.
pub fn public_authors(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<std::collections::HashMap<String, String>> {
    let contest = load_visible(conn, actor, contest_id)?;
    let award = store::awards::find(conn, &contest.id)?.ok_or_else(|| {
        AppError::conflict(
            ErrorCode::InvalidPhase,
            "The results are published once the contest is awarded.",
        )
    })?;
    let ranking: Vec<RankingRow> =
        serde_json::from_str(&award.ranking).map_err(AppError::internal)?;
    let ranked: std::collections::HashSet<&str> =
        ranking.iter().map(|r| r.entry_id.as_str()).collect();
    let gone: std::collections::HashSet<String> =
        store::users::ideas_of_deleted_authors(conn, &contest.id)?
            .into_iter()
            .collect();
    let mut public = std::collections::HashMap::new();
    for idea in store::ideas::overview_of_contest(conn, &contest.id)? {
        if !ranked.contains(idea.id.as_str()) || gone.contains(&idea.id) {
            continue;
        }
        if store::profiles::find(conn, &idea.author_id)?.is_some_and(|(open, ..)| open) {
            public.insert(idea.id, idea.author_id);
        }
    }
    Ok(public)
}

/// Why an idea is ranked just above another with exactly the same score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TieBreak {
    /// The better mean on this criterion (its label), the first that differs in the rules'
    /// order.
    Criterion(String),
    /// Equal on every criterion: the earlier first submission.
    EarlierSubmission,
    /// Equal on everything else: the entry id.
    EntryId,
}

/// Two neighbours of the ranking whose scores are exactly equal, and what put `above` first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    pub above: String,
    pub below: String,
    pub by: TieBreak,
}

/// The ties of a contest's published ranking among scored ideas, read from the published
/// score sheet by the domain's tie rules (`domain::award::rank`): once awarded only.
pub fn ties(conn: &mut DbConnection, actor: &Actor, contest_id: &str) -> AppResult<Vec<Tie>> {
    let text = scoresheet_text(conn, actor, contest_id)?;
    let contest = load_visible(conn, actor, contest_id)?;
    let award = store::awards::find(conn, &contest.id)?
        .ok_or_else(|| AppError::internal("a score sheet without its award"))?;
    let ranking: Vec<RankingRow> =
        serde_json::from_str(&award.ranking).map_err(AppError::internal)?;
    let sheet: Value = serde_json::from_str(&text).map_err(AppError::internal)?;
    let rules = Rules::parse(&sheet["rules"])
        .map_err(|_| AppError::internal("the score sheet's rules do not parse"))?;
    // Per entry: its score and per-criterion means as (sum, count), as `rank` computes them,
    // and its first submission.
    type Means = (Option<(i64, i64)>, Vec<(i64, i64)>, String);
    let mut keys: std::collections::HashMap<String, Means> = std::collections::HashMap::new();
    for entry in sheet["entries"].as_array().into_iter().flatten() {
        let sheets: Vec<BTreeMap<String, u32>> = entry["sheets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| serde_json::from_value(s["scores"].clone()).ok())
            .collect();
        let count = sheets.len() as i64;
        let score = (count > 0).then(|| {
            let sum = sheets
                .iter()
                .map(|s| rules::sheet_score(&rules.criteria, s))
                .sum();
            (sum, count)
        });
        let per = rules
            .criteria
            .iter()
            .map(|c| {
                let sum = sheets
                    .iter()
                    .map(|s| {
                        (f64::from(*s.get(&c.key).unwrap_or(&0)) / f64::from(c.max) * 1_000_000.0)
                            .round() as i64
                    })
                    .sum();
                (sum, count.max(1))
            })
            .collect();
        let at = entry["first_submitted_at"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        keys.insert(
            entry["entry_id"].as_str().unwrap_or_default().to_owned(),
            (score, per, at),
        );
    }
    let equal = |x: (i64, i64), y: (i64, i64)| {
        i128::from(x.0) * i128::from(y.1) == i128::from(y.0) * i128::from(x.1)
    };
    let mut ties = Vec::new();
    for pair in ranking.windows(2) {
        let (Some(a), Some(b)) = (keys.get(&pair[0].entry_id), keys.get(&pair[1].entry_id)) else {
            continue;
        };
        let (Some(x), Some(y)) = (a.0, b.0) else {
            continue;
        };
        if !equal(x, y) {
            continue;
        }
        let by = rules
            .criteria
            .iter()
            .zip(a.1.iter().zip(&b.1))
            .find(|(_, (p, q))| !equal(**p, **q))
            .map(|(c, _)| TieBreak::Criterion(c.label.clone()))
            .unwrap_or(if a.2 == b.2 {
                TieBreak::EntryId
            } else {
                TieBreak::EarlierSubmission
            });
        ties.push(Tie {
            above: pair[0].entry_id.clone(),
            below: pair[1].entry_id.clone(),
            by,
        });
    }
    Ok(ties)
}
