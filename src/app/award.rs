//! The award: ranking, payouts and results, exactly once per contest (DESIGN.md, promise 4).
//!
//! The award first writes the anonymised score sheet, then computes the results *from that
//! sheet* with the same function `concours verify` uses, so that anyone holding the published
//! sheet recomputes exactly the published ranking and payouts.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::award::{self as rules, Reason, Recipient};
use crate::domain::canonical;
use crate::domain::lifecycle::Phase;
use crate::domain::money;
use crate::domain::rules::Rules;
use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, awards::Award, contests::Contest, write_tx};

use super::access::{self, Action, Actor};
use super::contests::{load_visible, phase_of, rules_of};
use super::{AppError, AppResult, Ctx, audit, notify};

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
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayoutView {
    pub id: String,
    pub amount_cents: i64,
    /// `prize`, `fallback` or `no_entries`.
    pub reason: String,
    /// `due` or `paid`.
    pub status: String,
    pub entry_id: Option<String>,
    pub recipient: String,
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

/// What a score sheet computes to: the ranking and the payouts, recipients by entry id.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    pub ranking: Vec<(String, usize, Option<f64>)>,
    pub payouts: Vec<(Option<String>, i64, &'static str)>,
}

fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::Prize => "prize",
        Reason::Fallback => "fallback",
        Reason::NoEntries => "no_entries",
    }
}

/// Recomputes ranking and payouts from an anonymised score sheet. The award and
/// `concours verify` both use it.
pub fn compute(scoresheet: &Value) -> Result<Computed, String> {
    let rules = Rules::parse(&scoresheet["rules"])
        .map_err(|e| format!("the score sheet's rules are not valid: {e:?}"))?;
    let mut entries = Vec::new();
    for entry in scoresheet["entries"]
        .as_array()
        .ok_or("the score sheet has no entries list")?
    {
        let id = entry["entry_id"]
            .as_str()
            .ok_or("an entry has no entry_id")?
            .to_owned();
        let first_submitted_at = entry["first_submitted_at"]
            .as_str()
            .and_then(|t| t.parse::<DateTime<Utc>>().ok())
            .ok_or("an entry has no first_submitted_at")?;
        let mut sheets = Vec::new();
        for sheet in entry["sheets"]
            .as_array()
            .ok_or("an entry has no sheets list")?
        {
            let scores: BTreeMap<String, u32> = serde_json::from_value(sheet["scores"].clone())
                .map_err(|e| format!("a sheet of {id} is not valid: {e}"))?;
            sheets.push(scores);
        }
        entries.push(rules::Entry {
            id,
            first_submitted_at,
            sheets,
        });
    }
    Ok(computed(&rules, &entries))
}

/// The ranking and the payouts of these entries under these rules.
fn computed(rules: &Rules, entries: &[rules::Entry]) -> Computed {
    let ranking = rules::rank(&rules.criteria, entries);
    let payouts = rules::allocate(&rules.prizes, rules.minimum_score, rules.fallback, &ranking);
    Computed {
        ranking: ranking
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    r.rank,
                    r.score.map(|s| (s.points() * 1000.0).round() / 1000.0),
                )
            })
            .collect(),
        payouts: payouts
            .into_iter()
            .map(|p| {
                let entry = match p.recipient {
                    Recipient::Entry(id) => Some(id),
                    Recipient::Beneficiary => None,
                };
                (entry, p.amount_cents, reason_name(p.reason))
            })
            .collect(),
    }
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The anonymised score sheet: the rules, every entry in the running with every sheet, jurors
/// as numbers; as its canonical text (what is published and hashed) and as the entries the
/// ranking reads.
///
/// Jurors are numbered in an order keyed with the server's secret, unrelated to the order in
/// which they joined (which the public roster shows), so that a number names nobody.
///
/// The text is written straight from typed rows: the structs' fields are declared in the
/// canonical order (keys sorted by bytes) and serde_json escapes strings exactly as
/// `canonical::to_string` does, so it is the canonical text of the document without building
/// it as a `serde_json::Value` (a tree of a million maps for 100,000 entries; a test keeps the
/// two equal).
struct ScoreSheet {
    text: String,
    entries: Vec<rules::Entry>,
    /// The jurors' comments on each entry (read with the sheets, for the results mail).
    comments: Comments,
}

/// Per idea, the jurors' comments, sorted: without saying who wrote them, and in an order that
/// tells nothing either.
type Comments = std::collections::HashMap<String, Vec<String>>;

#[derive(Serialize)]
struct SheetRow<'a> {
    juror: usize,
    scores: &'a BTreeMap<String, u32>,
}

#[derive(Serialize)]
struct EntryRow<'a> {
    entry_id: &'a str,
    first_submitted_at: String,
    sheets: Vec<SheetRow<'a>>,
}

fn scoresheet(
    conn: &mut DbConnection,
    contest: &Contest,
    rules: &Rules,
    salt: &str,
) -> AppResult<ScoreSheet> {
    let mut eligible = store::ideas::eligible_with_author_email(conn, &contest.id)?;
    eligible.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let mut jurors = store::jury::accepted_with_users(conn, &contest.id)?;
    jurors.sort_by_cached_key(|(juror, ..)| {
        canonical::sha256_hex(format!("juror:{salt}:{}:{}", contest.id, juror.id).as_bytes())
    });
    // Per idea: (juror number, scores).
    type Sheets = Vec<(usize, BTreeMap<String, u32>)>;
    let mut sheets_by_idea: std::collections::HashMap<String, Sheets> =
        std::collections::HashMap::new();
    let mut comments = Comments::new();
    for (number, (juror, ..)) in jurors.iter().enumerate() {
        for sheet in store::jury::sheets_of(conn, &juror.id)? {
            if let Some(comment) = sheet.comment {
                comments
                    .entry(sheet.idea_id.clone())
                    .or_default()
                    .push(comment);
            }
            let scores = sheet
                .values
                .into_iter()
                .map(|(key, value)| {
                    u32::try_from(value)
                        .map(|value| (key, value))
                        .map_err(|_| AppError::internal("a stored score is negative"))
                })
                .collect::<AppResult<BTreeMap<String, u32>>>()?;
            sheets_by_idea
                .entry(sheet.idea_id)
                .or_default()
                .push((number + 1, scores));
        }
    }
    let entries: Vec<(rules::Entry, Vec<usize>)> = eligible
        .iter()
        .map(|(idea, _)| {
            let mut sheets = sheets_by_idea.remove(&idea.id).unwrap_or_default();
            sheets.sort_by_key(|(juror, _)| *juror);
            let (numbers, sheets) = sheets.into_iter().unzip();
            (
                rules::Entry {
                    id: idea.id.clone(),
                    first_submitted_at: store::from_db(
                        idea.first_submitted_at.unwrap_or(idea.created_at),
                    ),
                    sheets,
                },
                numbers,
            )
        })
        .collect();
    let rows: Vec<EntryRow> = entries
        .iter()
        .map(|(entry, numbers)| EntryRow {
            entry_id: &entry.id,
            first_submitted_at: rfc3339(entry.first_submitted_at),
            sheets: numbers
                .iter()
                .zip(&entry.sheets)
                .map(|(juror, scores)| SheetRow {
                    juror: *juror,
                    scores,
                })
                .collect(),
        })
        .collect();
    let text = format!(
        r#"{{"contest_id":{},"entries":{},"jurors":{},"rules":{},"rules_hash":{}}}"#,
        serde_json::to_string(&contest.id).map_err(AppError::internal)?,
        serde_json::to_string(&rows).map_err(AppError::internal)?,
        jurors.len(),
        canonical::to_string(&rules.to_json()),
        serde_json::to_string(&contest.rules_hash).map_err(AppError::internal)?,
    );
    drop(rows);
    for list in comments.values_mut() {
        list.sort();
    }
    Ok(ScoreSheet {
        text,
        entries: entries.into_iter().map(|(entry, _)| entry).collect(),
        comments,
    })
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
                "already_awarded",
                "This contest is already awarded.",
            ));
        }
        let now = ctx.now();
        match (phase_of(&contest, now), trigger) {
            (Phase::Judging, Trigger::Automatic)
                if now >= store::from_db(contest.judging_deadline) => {}
            (Phase::Judging, Trigger::Manual) => {
                let min_jurors = rules_of(&contest)?.min_jurors;
                if let Some(why) = super::jury::early_award_blocker(conn, &contest, min_jurors)? {
                    return Err(AppError::conflict("invalid_phase", why));
                }
            }
            _ => {
                return Err(AppError::conflict(
                    "invalid_phase",
                    "A contest is awarded in the judging phase.",
                ));
            }
        }
        // Panels are drawn when judging starts; an award before that would find no sheets.
        if !store::contests::has_transition(conn, contest_id, Phase::Judging.as_str())? {
            return Err(AppError::conflict(
                "invalid_phase",
                "Judging is starting: the entries are being assigned to the jurors. Try again in a minute.",
            ));
        }
        let rules = rules_of(&contest)?;
        let ScoreSheet {
            text: sheet_text,
            entries,
            comments,
        } = scoresheet(conn, &contest, &rules, &ctx.entry_salt)?;
        let sheet_hash = canonical::sha256_hex(sheet_text.as_bytes());
        let computed = computed(&rules, &entries);

        // Titles and authors' names in one query, not one per entry.
        let ideas: std::collections::HashMap<String, (String, String)> =
            store::ideas::overview_of_contest(conn, contest_id)?
                .into_iter()
                .map(|idea| (idea.id, (idea.title, idea.author_name)))
                .collect();
        let mut ranking = Vec::new();
        for (entry_id, rank, score) in &computed.ranking {
            let (title, author) = ideas
                .get(entry_id)
                .cloned()
                .unwrap_or_else(|| (String::new(), FORMER_PARTICIPANT.into()));
            ranking.push(RankingRow {
                entry_id: entry_id.clone(),
                rank: *rank,
                score: *score,
                title,
                author,
            });
        }
        let beneficiary = rules.no_entry_beneficiary.clone();
        let payouts: Vec<store::awards::Payout> = computed
            .payouts
            .iter()
            .enumerate()
            .map(|(i, (entry, amount, reason))| store::awards::Payout {
                id: store::new_id(),
                contest_id: contest_id.to_owned(),
                position: i as i32 + 1,
                idea_id: entry.clone(),
                recipient: entry
                    .as_ref()
                    .and_then(|id| ranking.iter().find(|r| &r.entry_id == id))
                    .map_or(beneficiary.clone(), |r| r.author.clone()),
                amount_cents: *amount,
                reason: (*reason).to_owned(),
                status: "due".into(),
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
        store::awards::insert(conn, &award, &payouts)?;
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

/// How the results name someone who deleted their account.
pub const FORMER_PARTICIPANT: &str = "former participant";

fn results_of(conn: &mut DbConnection, contest: &Contest) -> AppResult<Results> {
    let award = store::awards::find(conn, &contest.id)?.ok_or_else(|| {
        AppError::conflict(
            "invalid_phase",
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
            "invalid_phase",
            "The score sheet is published once the contest is awarded.",
        )
    })?;
    Ok(award.scoresheet)
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaidRequest {
    /// The transfer's reference.
    pub reference: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaidView {
    pub id: String,
    pub status: String,
}

/// A payout still to transfer, with its contest, for admins.
#[derive(Debug, Clone, Serialize)]
pub struct DuePayout {
    pub contest_id: String,
    pub contest_title: String,
    pub currency: String,
    pub payout: PayoutView,
}

/// Every payout still to transfer, for admins.
pub fn payouts_due(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<DuePayout>> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    let mut rows = Vec::new();
    for p in store::awards::due(conn)? {
        let Some(contest) = store::contests::find(conn, &p.contest_id)? else {
            continue;
        };
        rows.push(DuePayout {
            contest_id: contest.id,
            contest_title: contest.title,
            currency: contest.currency,
            payout: PayoutView {
                id: p.id,
                amount_cents: p.amount_cents,
                reason: p.reason,
                status: p.status,
                entry_id: p.idea_id,
                recipient: p.recipient,
            },
        });
    }
    Ok(rows)
}

/// An admin records that a payout was transferred.
pub fn mark_paid(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    payout_id: &str,
    input: PaidRequest,
) -> AppResult<PaidView> {
    access::require(conn, actor, Action::ConfirmFundings)?;
    let admin = actor.user().expect("admins are signed in");
    let reference = input.reference.trim().to_owned();
    if reference.is_empty() || reference.chars().count() > 200 {
        return Err(AppError::field(
            "reference",
            "Give the transfer's reference (1 to 200 characters).",
        ));
    }
    crate::domain::text::check_characters(&reference, crate::domain::text::Lines::Single)
        .map_err(|m| AppError::field("reference", m))?;
    write_tx(conn, |conn| {
        let payout = store::awards::find_payout(conn, payout_id)?
            .ok_or_else(|| AppError::not_found("payout"))?;
        let contest = store::contests::find_for_update(conn, &payout.contest_id)?
            .ok_or_else(|| AppError::not_found("payout"))?;
        let now = ctx.now();
        if !store::awards::mark_paid(conn, payout_id, &reference, &admin.id, store::to_db(now))? {
            return Err(AppError::conflict(
                "already_paid",
                "This payout is already recorded as paid.",
            ));
        }
        audit::record(
            conn,
            &contest.id,
            now,
            "payout_paid",
            json!({"payout_id": payout.id, "amount_cents": payout.amount_cents}),
        )?;
        if let Some(idea_id) = &payout.idea_id
            && let Some(idea) = store::ideas::find(conn, idea_id)?
            && let Some(author) = store::users::find(conn, &idea.author_id)?
        {
            let mut context = notify::contest_context(ctx, &contest);
            context["display_name"] = json!(author.display_name);
            money::into_mail_context(
                &mut context,
                "amount",
                payout.amount_cents,
                &contest.currency,
            );
            context["reference"] = json!(reference);
            mail::enqueue(
                ctx,
                conn,
                now,
                &Outgoing {
                    template: "payout_paid",
                    to: &author.email,
                    locale: &author.locale,
                    context,
                },
            )?;
        }
        Ok(PaidView {
            id: payout.id,
            status: "paid".into(),
        })
    })
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
                code: "already_awarded",
                ..
            }) => {}
            Err(error) if matches!(&error, AppError::Internal(e) if e.downcast_ref::<diesel::result::Error>().is_some_and(store::is_unique_violation)) =>
                {}
            // One contest's failure must not hold up the others: it is logged, and retried at
            // the next tick.
            Err(error) => {
                tracing::error!(contest_id = %contest.id, error = %error, cause = ?error, "automatic award failed");
            }
        }
    }
    Ok(awarded)
}

/// Checks published results against their score sheet: the sheet's hash, then the ranking
/// and the payouts recomputed from it. Returns every difference found (none: they match).
pub fn verify(scoresheet_text: &str, results: &Value) -> Result<Vec<String>, String> {
    let sheet: Value = serde_json::from_str(scoresheet_text)
        .map_err(|e| format!("the score sheet is not JSON: {e}"))?;
    let mut problems = Vec::new();
    let hash = canonical::sha256_hex(scoresheet_text.as_bytes());
    if results["scoresheet_hash"].as_str() != Some(hash.as_str()) {
        problems.push(format!(
            "the score sheet's SHA-256 is {hash}, the results publish {}",
            results["scoresheet_hash"]
        ));
    }
    if canonical::to_string(&sheet) != scoresheet_text {
        problems.push("the score sheet is not in canonical form".into());
    }
    let computed = compute(&sheet)?;
    let published: Vec<(String, usize)> = results["ranking"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r["entry_id"].as_str().unwrap_or_default().to_owned(),
                        r["rank"].as_u64().unwrap_or(0) as usize,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let expected: Vec<(String, usize)> = computed
        .ranking
        .iter()
        .map(|(id, rank, _)| (id.clone(), *rank))
        .collect();
    if published != expected {
        problems.push(format!(
            "the ranking differs: published {published:?}, recomputed {expected:?}"
        ));
    }
    let published: Vec<(Option<String>, i64, String)> = results["payouts"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|p| {
                    (
                        p["entry_id"].as_str().map(str::to_owned),
                        p["amount_cents"].as_i64().unwrap_or(0),
                        p["reason"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let expected: Vec<(Option<String>, i64, String)> = computed
        .payouts
        .iter()
        .map(|(e, a, r)| (e.clone(), *a, (*r).to_owned()))
        .collect();
    if published != expected {
        problems.push(format!(
            "the payouts differ: published {published:?}, recomputed {expected:?}"
        ));
    }
    let pool: i64 = sheet["rules"]["prizes"]
        .as_array()
        .map(|p| p.iter().filter_map(|x| x["amount_cents"].as_i64()).sum())
        .unwrap_or(0);
    let total: i64 = expected.iter().map(|(_, a, _)| a).sum();
    if total != pool {
        problems.push(format!(
            "the payouts add up to {total}, the prize pool is {pool}"
        ));
    }
    Ok(problems)
}
