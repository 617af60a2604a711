//! The judging structure applied (issue 20): who advances from each round, the final ranking
//! over the rounds, and the allocation of the overall and the tracks' prizes. Pure, like the
//! rest of the award: the award and `concours verify` call the same [`outcome`].

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::{Decided, Entry, Payout, Ranked, Reason, Recipient, allocate, rank, ties};
use crate::domain::rules::Criterion;
use crate::domain::rules::{AdvanceRule, Round, Rules};

/// The entries that were in an earlier round when it closed, each with that round's sheets.
#[derive(Debug, Clone)]
pub struct RoundEntries {
    pub key: String,
    pub entrants: Vec<Entry>,
}

/// What the rules make of the sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Finalists first (by the final round), then the others by the last round they reached.
    pub ranking: Vec<Ranked>,
    /// Per earlier round, in order, the ids of the entries that advanced from it.
    pub advanced: Vec<Vec<String>>,
    pub payouts: Vec<Payout>,
}

/// Who advances from `round` among its `entrants`: by `top` (every entry tied with the N-th
/// too) or `min_score`, over all entrants or within each track (in the rules' order). An entry
/// nobody scored never advances. Ids in ranking order.
pub fn advance(rules: &Rules, round: &Round, entrants: &[Entry]) -> Vec<String> {
    let mut groups: Vec<Vec<Entry>> = Vec::new();
    if round.advance.per_track {
        let mut by_track: HashMap<Option<&str>, Vec<Entry>> = HashMap::new();
        for entry in entrants {
            by_track
                .entry(entry.track.as_deref())
                .or_default()
                .push(entry.clone());
        }
        for track in &rules.tracks {
            groups.push(
                by_track
                    .remove(&Some(track.key.as_str()))
                    .unwrap_or_default(),
            );
        }
        // An entry without a track (none, when the rules have tracks) is its own group.
        groups.extend(by_track.into_values());
    } else {
        groups.push(entrants.to_vec());
    }
    let mut advanced = Vec::new();
    for group in groups {
        let ranking = rank(rules.aggregation(), &round.criteria, &group);
        let scored: Vec<&Ranked> = ranking.iter().filter(|r| r.score.is_some()).collect();
        let taken: Vec<&Ranked> = match round.advance.rule {
            AdvanceRule::MinScore(minimum) => scored
                .into_iter()
                .filter(|r| r.score.is_some_and(|s| s.at_least(minimum)))
                .collect(),
            AdvanceRule::Top(n) => match scored.get(n as usize - 1) {
                None => scored,
                Some(last) => {
                    let cut = last.score.expect("scored");
                    scored
                        .into_iter()
                        .filter(|r| {
                            r.score
                                .is_some_and(|s| s.cmp_desc(&cut) != Ordering::Greater)
                        })
                        .collect()
                }
            },
        };
        advanced.extend(taken.into_iter().map(|r| r.id.clone()));
    }
    advanced
}

/// Who advanced from each earlier round (`rounds`, as they closed).
fn advanced_from(rules: &Rules, rounds: &[RoundEntries]) -> Vec<Vec<String>> {
    (rules.rounds.iter())
        .zip(rounds)
        .map(|(round, sheets)| advance(rules, round, &sheets.entrants))
        .collect()
}

/// The groups of the final ranking, best first: for each level (the final round's first, then
/// each earlier round, later ones first), its index, its criteria, and the entries that reached
/// it last, each with its sheets of that round.
fn groups<'r>(
    rules: &'r Rules,
    rounds: &[RoundEntries],
    entries: &[Entry],
    advanced: &[Vec<String>],
) -> Vec<(usize, &'r [Criterion], Vec<Entry>)> {
    let sets: Vec<HashSet<&str>> = (advanced.iter())
        .map(|ids| ids.iter().map(String::as_str).collect())
        .collect();
    let last = rules.rounds.len();
    let reached = |id: &str| sets.iter().take_while(|set| set.contains(id)).count();
    (0..=last)
        .rev()
        .map(|level| {
            let group: Vec<Entry> = entries
                .iter()
                .filter(|e| reached(&e.id) == level)
                .map(|e| {
                    if level == last {
                        return e.clone();
                    }
                    let sheets = (rounds.get(level).into_iter())
                        .flat_map(|r| &r.entrants)
                        .find(|r| r.id == e.id)
                        .map(|r| r.sheets.clone())
                        .unwrap_or_default();
                    Entry {
                        sheets,
                        ..e.clone()
                    }
                })
                .collect();
            let criteria = match rules.rounds.get(level) {
                Some(round) => round.criteria.as_slice(),
                None => rules.criteria.as_slice(),
            };
            (level, criteria, group)
        })
        .collect()
}

/// The outcome of a contest: advancement from every earlier round (`rounds`, as they closed),
/// then the final ranking of `entries` (those in the running at the award, with their final
/// round's sheets), then the payouts.
pub fn outcome(rules: &Rules, rounds: &[RoundEntries], entries: &[Entry]) -> Outcome {
    let advanced = advanced_from(rules, rounds);
    let last = rules.rounds.len();
    let mut ranking = Vec::new();
    for (level, criteria, group) in groups(rules, rounds, entries, &advanced) {
        let offset = ranking.len();
        ranking.extend(
            rank(rules.aggregation(), criteria, &group)
                .into_iter()
                .map(|r| Ranked {
                    rank: offset + r.rank,
                    round: level,
                    finalist: level == last,
                    ..r
                }),
        );
    }
    let payouts = allocate_all(rules, &ranking);
    Outcome {
        ranking,
        advanced,
        payouts,
    }
}

/// The ties of the final ranking: neighbours in one group (the same last round reached) with
/// exactly equal scores, and what decided between them.
pub fn outcome_ties(
    rules: &Rules,
    rounds: &[RoundEntries],
    entries: &[Entry],
) -> Vec<(String, String, Decided)> {
    let advanced = advanced_from(rules, rounds);
    groups(rules, rounds, entries, &advanced)
        .into_iter()
        .flat_map(|(_, criteria, group)| ties(rules.aggregation(), criteria, &group))
        .collect()
}

/// The whole pool: the overall prizes over all entries, then each track's, in the rules'
/// order, over its entries that won nothing; each stage's fallback inside it, and what nobody
/// can take to the beneficiary. An entry receives at most one payout.
fn allocate_all(rules: &Rules, ranking: &[Ranked]) -> Vec<Payout> {
    let mut payouts = Vec::new();
    let mut paid: HashSet<String> = HashSet::new();
    let mut stage =
        |prizes: &[crate::domain::rules::Prize], track: Option<&str>, payouts: &mut Vec<Payout>| {
            if prizes.is_empty() {
                return;
            }
            let field: Vec<Ranked> = ranking
                .iter()
                .filter(|r| track.is_none_or(|t| r.track.as_deref() == Some(t)))
                .filter(|r| !paid.contains(&r.id))
                .cloned()
                .collect();
            for mut payout in allocate(prizes, rules.minimum_score, rules.fallback, &field) {
                if let Recipient::Entry(id) = &payout.recipient {
                    paid.insert(id.clone());
                }
                payout.track = track.map(str::to_owned);
                payouts.push(payout);
            }
        };
    stage(&rules.prizes, None, &mut payouts);
    for track in &rules.tracks {
        stage(&track.prizes, Some(&track.key), &mut payouts);
    }
    // One payout per recipient at most: the beneficiary's shares of each stage are kept apart
    // (each names its track), an entry is never paid twice (asserted in the tests).
    debug_assert!(
        payouts
            .iter()
            .filter(|p| p.reason != Reason::NoEntries)
            .count()
            == paid.len()
    );
    payouts
}

#[cfg(test)]
mod tests;
