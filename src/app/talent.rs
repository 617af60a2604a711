//! A brand's talent pool: the people who took part in its finished contests, with their best
//! rank and score; and invitations to a new contest for the ones it chooses.
//!
//! Only finished (awarded) contests count: while a contest is judged blind, who took part is
//! not the organisers' to know. The pool shows names, never email addresses: invitations go
//! out through the platform, to people who left brand news on; the answer to an invitation
//! does not tell the brand who turned it off.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::{self, Action, Actor};
use super::contests::{load_managed, phase_of};
use super::{AppError, AppResult, Ctx, ErrorCode, Validator, notify};
use crate::domain::lifecycle::Phase;
use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, write_tx};

/// One person of the pool.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalentView {
    pub user_id: String,
    pub display_name: String,
    /// The organisation's finished contests they submitted to.
    pub contests: usize,
    pub ideas: usize,
    /// Their best rank in those contests; null if none of their ideas was ranked.
    pub best_rank: Option<usize>,
    /// Their best score out of 100; null if none was scored.
    pub best_score: Option<f64>,
    pub last_submitted_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TalentPool {
    pub organization_id: String,
    /// Best rank first, then best score, then name.
    pub people: Vec<TalentView>,
}

/// Filters of the pool, all optional.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TalentFilter {
    /// Only people who took part in at least this many contests.
    pub min_contests: Option<usize>,
    /// Only people whose best rank is this or better.
    pub max_rank: Option<usize>,
    /// Only people whose name contains this (any case).
    pub q: Option<String>,
}

pub fn pool(
    conn: &mut DbConnection,
    actor: &Actor,
    organization_id: &str,
    filter: &TalentFilter,
) -> AppResult<TalentPool> {
    access::require(conn, actor, Action::ViewTalent { organization_id })?;
    let mut people = everyone(conn, organization_id)?;
    let q = filter
        .q
        .as_deref()
        .map(|q| q.trim().to_lowercase())
        .filter(|q| !q.is_empty());
    people.retain(|p| {
        filter.min_contests.is_none_or(|n| p.contests >= n)
            && filter
                .max_rank
                .is_none_or(|n| p.best_rank.is_some_and(|rank| rank <= n))
            && q.as_ref()
                .is_none_or(|q| p.display_name.to_lowercase().contains(q))
    });
    Ok(TalentPool {
        organization_id: organization_id.to_owned(),
        people,
    })
}

/// The whole pool, sorted.
fn everyone(conn: &mut DbConnection, organization_id: &str) -> AppResult<Vec<TalentView>> {
    let mut ranks: HashMap<String, (usize, Option<f64>)> = HashMap::new();
    for ranking in store::talent::rankings(conn, organization_id)? {
        let rows: Vec<super::award::RankingRow> =
            serde_json::from_str(&ranking).map_err(AppError::internal)?;
        for row in rows {
            ranks.insert(row.entry_id, (row.rank, row.score));
        }
    }
    struct Acc {
        name: String,
        contests: HashSet<String>,
        ideas: usize,
        best_rank: Option<usize>,
        best_score: Option<f64>,
        last: DateTime<Utc>,
    }
    let mut by_person: BTreeMap<String, Acc> = BTreeMap::new();
    for p in store::talent::participations(conn, organization_id)? {
        let at = store::from_db(p.first_submitted_at.unwrap_or_default());
        let acc = by_person.entry(p.user_id).or_insert_with(|| Acc {
            name: p.display_name.clone(),
            contests: HashSet::new(),
            ideas: 0,
            best_rank: None,
            best_score: None,
            last: at,
        });
        acc.contests.insert(p.contest_id);
        acc.ideas += 1;
        acc.last = acc.last.max(at);
        if let Some((rank, score)) = ranks.get(&p.idea_id) {
            acc.best_rank = Some(acc.best_rank.map_or(*rank, |best| best.min(*rank)));
            if let Some(score) = score {
                acc.best_score = Some(acc.best_score.map_or(*score, |best| best.max(*score)));
            }
        }
    }
    let mut people: Vec<TalentView> = by_person
        .into_iter()
        .map(|(user_id, acc)| TalentView {
            user_id,
            display_name: acc.name,
            contests: acc.contests.len(),
            ideas: acc.ideas,
            best_rank: acc.best_rank,
            best_score: acc.best_score,
            last_submitted_at: acc.last,
        })
        .collect();
    people.sort_by(|a, b| {
        a.best_rank
            .unwrap_or(usize::MAX)
            .cmp(&b.best_rank.unwrap_or(usize::MAX))
            .then(
                b.best_score
                    .unwrap_or(-1.0)
                    .total_cmp(&a.best_score.unwrap_or(-1.0)),
            )
            .then_with(|| a.display_name.cmp(&b.display_name))
    });
    Ok(people)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invitations {
    /// People of the organisation's talent pool (`user_id` of the pool), at most 500.
    pub user_ids: Vec<String>,
}

/// The answer to an invitation request. It never tells one person's mail preference: someone
/// who turned brand news off is invited like anyone else (and may take part in an invite-only
/// contest), but not mailed; only they know (issue 17, finding 11).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Invited {
    /// The distinct people asked for.
    pub requested: usize,
    /// Newly invited to this contest (mailed if they accept brand news).
    pub invited: usize,
    /// Invited to this contest before: not mailed again.
    pub already_invited: usize,
    /// Always 0: kept for the clients that read it; whether a person turned brand news off is
    /// theirs to know, not the brand's.
    pub opted_out: usize,
}

const MAX_INVITATIONS: usize = 500;

/// Invites people of the organisation's talent pool to this contest, once each, by mail.
pub fn invite(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: Invitations,
) -> AppResult<Invited> {
    let by = actor.user().map(|u| u.id.clone()).unwrap_or_default();
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        // Mails people other than the caller (finding 16.12).
        super::access::require(conn, actor, super::access::Action::MailOthers)?;
        let now = ctx.now();
        if !matches!(phase_of(&contest, now), Phase::Upcoming | Phase::Submission) {
            return Err(AppError::conflict(
                ErrorCode::InvalidPhase,
                "Invitations go out while a contest is open for ideas, or about to open.",
            ));
        }
        let pool: HashMap<String, TalentView> = everyone(conn, &contest.organization_id)?
            .into_iter()
            .map(|p| (p.user_id.clone(), p))
            .collect();
        let mut v = Validator::new();
        if input.user_ids.is_empty() {
            v.add("user_ids", "Choose at least one person.");
        }
        if input.user_ids.len() > MAX_INVITATIONS {
            v.add(
                "user_ids",
                format!("Invite at most {MAX_INVITATIONS} people at a time."),
            );
        }
        for (i, id) in input.user_ids.iter().enumerate() {
            if !pool.contains_key(id) {
                v.add(
                    &format!("user_ids[{i}]"),
                    "This person has not taken part in your organisation's past contests.",
                );
            }
        }
        v.finish()?;
        let brand = store::organizations::find(conn, &contest.organization_id)?
            .map(|o| o.name)
            .unwrap_or_default();
        let mut outcome = Invited {
            requested: 0,
            invited: 0,
            already_invited: 0,
            opted_out: 0,
        };
        let mut seen = HashSet::new();
        for id in &input.user_ids {
            if !seen.insert(id.as_str()) {
                continue;
            }
            outcome.requested += 1;
            let Some(user) = store::users::find(conn, id)? else {
                continue;
            };
            if !store::talent::invite_once(conn, &contest.id, id, &by, store::to_db(now))? {
                outcome.already_invited += 1;
                continue;
            }
            let mut context = notify::contest_context(ctx, &contest);
            context["display_name"] = json!(user.display_name);
            context["brand"] = json!(brand);
            context["deadline"] = json!(
                store::from_db(contest.submission_deadline)
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            // Not queued for someone who turned brand news off (`mail::enqueue` checks, and
            // the worker again at delivery); the answer is the same either way.
            mail::enqueue(
                ctx,
                conn,
                now,
                &Outgoing {
                    template: "contest_invitation",
                    to: &user.email,
                    locale: &user.locale,
                    context,
                },
            )?;
            outcome.invited += 1;
        }
        Ok(outcome)
    })
}
