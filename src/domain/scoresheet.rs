//! What an anonymised score sheet computes to, and the check that published results match it:
//! the rules of the game applied to a document anyone can download. The award computes its
//! results from the sheet it has just written with `compute`, and `concours verify` recomputes
//! them with `verify`, so that both read the sheet the same way.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::award::{self as rules, Reason, Recipient};
use super::canonical;
use super::rules::Rules;

/// One row of the ranking a score sheet computes to.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedRow {
    pub entry_id: String,
    pub rank: usize,
    /// Out of 100, to three decimals; None when nobody scored it in the last round it reached.
    pub score: Option<f64>,
    pub track: Option<String>,
    /// The key of the last round it reached (`final` without rounds).
    pub round_reached: String,
}

/// One payout a score sheet computes to; `entry_id` None for the beneficiary.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputedPayout {
    pub entry_id: Option<String>,
    pub amount_cents: i64,
    pub reason: &'static str,
    pub track: Option<String>,
}

/// What a score sheet computes to: advancement, the ranking and the payouts, by entry id.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    pub ranking: Vec<RankedRow>,
    pub payouts: Vec<ComputedPayout>,
    /// Per earlier round: its key and the entries that advanced from it.
    pub advanced: Vec<(String, Vec<String>)>,
}

fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::Prize => "prize",
        Reason::Fallback => "fallback",
        Reason::NoEntries => "no_entries",
    }
}

/// The entries of a score sheet's list: `entries` at the top, or a round's `entrants`.
fn read_entries(list: &Value, what: &str) -> Result<Vec<rules::Entry>, String> {
    let mut entries = Vec::new();
    for entry in list
        .as_array()
        .ok_or_else(|| format!("the score sheet has no {what} list"))?
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
        let track = match &entry["track"] {
            Value::Null => None,
            Value::String(t) => Some(t.clone()),
            _ => return Err(format!("the track of {id} is not text")),
        };
        entries.push(rules::Entry {
            id,
            first_submitted_at,
            sheets,
            track,
        });
    }
    Ok(entries)
}

/// Recomputes advancement, ranking and payouts from an anonymised score sheet. The award and
/// `concours verify` both use it.
pub fn compute(scoresheet: &Value) -> Result<Computed, String> {
    let (rules, rounds, entries) = read(scoresheet)?;
    Ok(computed(&rules, &rounds, &entries))
}

/// The ties of the ranking a score sheet computes to: `(above, below, what decided)`.
pub fn ties(scoresheet: &Value) -> Result<Vec<(String, String, rules::Decided)>, String> {
    let (rules, rounds, entries) = read(scoresheet)?;
    Ok(rules::outcome_ties(&rules, &rounds, &entries))
}

type Read = (Rules, Vec<rules::RoundEntries>, Vec<rules::Entry>);

/// A score sheet's rules, earlier rounds and entries, checked as [`compute`] checks them.
fn read(scoresheet: &Value) -> Result<Read, String> {
    let rules = Rules::parse(&scoresheet["rules"])
        .map_err(|e| format!("the score sheet's rules are not valid: {e:?}"))?;
    let entries = read_entries(&scoresheet["entries"], "entries")?;
    let mut rounds = Vec::new();
    for (i, round) in rules.rounds.iter().enumerate() {
        let listed = &scoresheet["rounds"][i];
        if listed["key"].as_str() != Some(round.key.as_str()) {
            return Err(format!(
                "the score sheet has no sheets of the round {}",
                round.key
            ));
        }
        rounds.push(rules::RoundEntries {
            key: round.key.clone(),
            entrants: read_entries(&listed["entrants"], "entrants")?,
        });
    }
    check_entrants(&rules, &rounds, &entries)?;
    Ok((rules, rounds, entries))
}

/// The entries of each round must be among those that advanced from the one before (fewer
/// when some left the running meanwhile), and the entries at the award among the first
/// round's: otherwise the sheet was not written by a contest that followed its rules.
fn check_entrants(
    rules: &Rules,
    rounds: &[rules::RoundEntries],
    entries: &[rules::Entry],
) -> Result<(), String> {
    let Some(first) = rounds.first() else {
        return Ok(());
    };
    let ids = |list: &[rules::Entry]| -> std::collections::HashSet<String> {
        list.iter().map(|e| e.id.clone()).collect()
    };
    let first_ids = ids(&first.entrants);
    if let Some(stray) = entries.iter().find(|e| !first_ids.contains(&e.id)) {
        return Err(format!(
            "the entry {} was not in the round {}",
            stray.id, first.key
        ));
    }
    for (i, pair) in rounds.windows(2).enumerate() {
        let advanced: std::collections::HashSet<String> =
            rules::advance(rules, &rules.rounds[i], &pair[0].entrants)
                .into_iter()
                .collect();
        if let Some(stray) = pair[1].entrants.iter().find(|e| !advanced.contains(&e.id)) {
            return Err(format!(
                "the entry {} is in the round {} without advancing from the round {}",
                stray.id, pair[1].key, pair[0].key
            ));
        }
    }
    Ok(())
}

/// The outcome of these entries under these rules, as published.
pub fn computed(
    rules: &Rules,
    rounds: &[rules::RoundEntries],
    entries: &[rules::Entry],
) -> Computed {
    let outcome = rules::outcome(rules, rounds, entries);
    let keys = rules.round_keys();
    Computed {
        ranking: outcome
            .ranking
            .iter()
            .map(|r| RankedRow {
                entry_id: r.id.clone(),
                rank: r.rank,
                score: r.score.map(|s| (s.points() * 1000.0).round() / 1000.0),
                track: r.track.clone(),
                round_reached: keys[r.round].to_owned(),
            })
            .collect(),
        payouts: outcome
            .payouts
            .into_iter()
            .map(|p| ComputedPayout {
                entry_id: match p.recipient {
                    Recipient::Entry(id) => Some(id),
                    Recipient::Beneficiary => None,
                },
                amount_cents: p.amount_cents,
                reason: reason_name(p.reason),
                track: p.track,
            })
            .collect(),
        advanced: (rules.rounds.iter())
            .map(|r| r.key.clone())
            .zip(outcome.advanced)
            .collect(),
    }
}

/// Checks published results against their score sheet: the sheet's hash, then the ranking
/// (with each entry's track and the last round it reached: that is, who advanced) and the
/// payouts recomputed from it. Returns every difference found (none: they match).
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
    // Who advanced shows in each row's round; a contest without rounds has only the final
    // one, and results published before rounds existed do not name it.
    let with_rounds = sheet["rules"].get("rounds").is_some();
    let text = |v: &Value| v.as_str().map(str::to_owned);
    type Row = (String, usize, Option<String>, Option<String>);
    let published: Vec<Row> = results["ranking"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r["entry_id"].as_str().unwrap_or_default().to_owned(),
                        r["rank"].as_u64().unwrap_or(0) as usize,
                        text(&r["track"]),
                        text(&r["round_reached"]).filter(|_| with_rounds),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let expected: Vec<Row> = computed
        .ranking
        .iter()
        .map(|r| {
            (
                r.entry_id.clone(),
                r.rank,
                r.track.clone(),
                with_rounds.then(|| r.round_reached.clone()),
            )
        })
        .collect();
    if published != expected {
        problems.push(format!(
            "the ranking differs: published {published:?}, recomputed {expected:?}"
        ));
    }
    type Paid = (Option<String>, i64, String, Option<String>);
    let published: Vec<Paid> = results["payouts"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|p| {
                    (
                        text(&p["entry_id"]),
                        p["amount_cents"].as_i64().unwrap_or(0),
                        p["reason"].as_str().unwrap_or_default().to_owned(),
                        text(&p["track"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let expected: Vec<Paid> = computed
        .payouts
        .iter()
        .map(|p| {
            (
                p.entry_id.clone(),
                p.amount_cents,
                p.reason.to_owned(),
                p.track.clone(),
            )
        })
        .collect();
    if published != expected {
        problems.push(format!(
            "the payouts differ: published {published:?}, recomputed {expected:?}"
        ));
    }
    let pool = Rules::parse(&sheet["rules"]).map_or(0, |r| r.prize_pool_cents());
    let total: i64 = expected.iter().map(|(_, a, ..)| a).sum();
    if total != pool {
        problems.push(format!(
            "the payouts add up to {total}, the prize pool is {pool}"
        ));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests;
