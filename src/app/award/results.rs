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
    // The domain's tie rules on the published sheet (`domain::award::ties`), within each group
    // of the ranking (the same last round reached), by the declared aggregation.
    let found = crate::domain::scoresheet::ties(&sheet).map_err(AppError::internal)?;
    let position: std::collections::HashMap<&str, usize> = (ranking.iter().enumerate())
        .map(|(i, r)| (r.entry_id.as_str(), i))
        .collect();
    let mut ties: Vec<Tie> = found
        .into_iter()
        // Only neighbours of the published ranking.
        .filter(|(above, below, _)| {
            matches!((position.get(above.as_str()), position.get(below.as_str())), (Some(a), Some(b)) if a + 1 == *b)
        })
        .map(|(above, below, decided)| Tie {
            above,
            below,
            by: match decided {
                crate::domain::award::Decided::Criterion(label) => TieBreak::Criterion(label),
                crate::domain::award::Decided::EarlierSubmission => TieBreak::EarlierSubmission,
                crate::domain::award::Decided::EntryId => TieBreak::EntryId,
            },
        })
        .collect();
    ties.sort_by_key(|t| position.get(t.above.as_str()).copied());
    Ok(ties)
}
