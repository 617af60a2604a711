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
pub fn computed(rules: &Rules, entries: &[rules::Entry]) -> Computed {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A sheet of two entries under the example rules: `a` scores full marks from both jurors,
    /// `b` half marks from one.
    fn sheet() -> Value {
        json!({
            "contest_id": "c1",
            "entries": [
                {"entry_id": "a", "first_submitted_at": "2027-01-10T00:00:00.000000Z", "sheets": [
                    {"juror": 1, "scores": {"feasibility": 5, "impact": 10}},
                    {"juror": 2, "scores": {"feasibility": 5, "impact": 10}}
                ]},
                {"entry_id": "b", "first_submitted_at": "2027-01-05T00:00:00.000000Z", "sheets": [
                    {"juror": 1, "scores": {"feasibility": 2, "impact": 5}}
                ]}
            ],
            "jurors": 2,
            "rules": super::super::rules::tests::example(),
            "rules_hash": "h"
        })
    }

    /// Published results as the award writes them, from what the sheet computes to.
    fn results_of(text: &str, computed: &Computed) -> Value {
        json!({
            "scoresheet_hash": canonical::sha256_hex(text.as_bytes()),
            "ranking": computed.ranking.iter()
                .map(|(id, rank, _)| json!({"entry_id": id, "rank": rank}))
                .collect::<Vec<_>>(),
            "payouts": computed.payouts.iter()
                .map(|(id, cents, reason)| json!({"entry_id": id, "amount_cents": cents, "reason": reason}))
                .collect::<Vec<_>>(),
        })
    }

    #[test]
    fn compute_ranks_the_entries_and_pays_the_whole_pool() {
        let computed = compute(&sheet()).unwrap();
        let ranking: Vec<(&str, usize)> = computed
            .ranking
            .iter()
            .map(|(id, rank, _)| (id.as_str(), *rank))
            .collect();
        assert_eq!(ranking, [("a", 1), ("b", 2)]);
        assert_eq!(computed.ranking[0].2, Some(100.0));
        assert_eq!(
            computed.payouts[0],
            (Some("a".to_owned()), 500_000, "prize")
        );
        let total: i64 = computed.payouts.iter().map(|(_, cents, _)| cents).sum();
        assert_eq!(total, 700_000);
    }

    #[test]
    fn compute_refuses_a_sheet_it_cannot_read() {
        let mut broken = sheet();
        broken["entries"] = json!("none");
        assert!(compute(&broken).is_err());
        let mut broken = sheet();
        broken["rules"]["criteria"] = json!([]);
        assert!(compute(&broken).is_err());
    }

    #[test]
    fn verify_accepts_matching_results_and_names_every_difference() {
        let text = canonical::to_string(&sheet());
        let computed = compute(&sheet()).unwrap();
        let results = results_of(&text, &computed);
        assert_eq!(verify(&text, &results).unwrap(), Vec::<String>::new());

        let mut forged = results.clone();
        forged["ranking"][0]["rank"] = json!(2);
        forged["payouts"][0]["amount_cents"] = json!(1);
        let problems = verify(&text, &forged).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("the ranking differs"));
        assert!(problems[1].starts_with("the payouts differ"));

        let mut other = text.clone();
        other.push(' ');
        let problems = verify(&other, &results).unwrap();
        assert!(problems[0].starts_with("the score sheet's SHA-256 is"));
        assert_eq!(problems[1], "the score sheet is not in canonical form");
    }
}
