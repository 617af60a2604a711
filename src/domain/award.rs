//! Scores, ranking and prize allocation (DESIGN.md, Scores, ranking and allocation), pure.
//!
//! Scores are kept as integer micro-points (millionths of a point out of 100) per sheet, and
//! entries are compared by exact cross-multiplication of their sums, so that the ranking is
//! deterministic: it never depends on the order rows come from the database or on how floating
//! point rounds a sum.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::rules::{Aggregation, Criterion, Fallback, Prize};

mod structure;
pub use structure::{Outcome, RoundEntries, advance, outcome, outcome_ties};

/// Micro-points per point.
const MICRO: f64 = 1_000_000.0;

/// A juror's sheet score: `100 × Σ weight·score/max ÷ Σ weight`, in micro-points.
pub fn sheet_score(criteria: &[Criterion], scores: &BTreeMap<String, u32>) -> i64 {
    let total_weight: u32 = criteria.iter().map(|c| c.weight).sum();
    if total_weight == 0 {
        return 0;
    }
    let weighted: f64 = criteria
        .iter()
        .map(|c| {
            f64::from(c.weight) * f64::from(*scores.get(&c.key).unwrap_or(&0)) / f64::from(c.max)
        })
        .sum();
    (100.0 * weighted / f64::from(total_weight) * MICRO).round() as i64
}

/// An entry in the running, with its complete score sheets.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub first_submitted_at: DateTime<Utc>,
    /// One map per complete sheet: criterion key → score.
    pub sheets: Vec<BTreeMap<String, u32>>,
    /// The track the entry names, when the rules have tracks.
    pub track: Option<String>,
}

/// A score kept exactly as a sum of micro-points over a count: a mean, a median (one sheet,
/// or the two middle ones) or a trimmed mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mean {
    pub sum: i64,
    pub count: i64,
}

impl Mean {
    fn cmp_desc(&self, other: &Mean) -> Ordering {
        // Higher first: compare other/other.count against self/self.count.
        (i128::from(other.sum) * i128::from(self.count))
            .cmp(&(i128::from(self.sum) * i128::from(other.count)))
    }

    /// The mean in points, for people.
    pub fn points(&self) -> f64 {
        self.sum as f64 / self.count as f64 / MICRO
    }

    /// Whether the mean reaches `minimum` points.
    pub fn at_least(&self, minimum: u32) -> bool {
        i128::from(self.sum) >= i128::from(minimum) * 1_000_000 * i128::from(self.count)
    }
}

/// An entry's score from its sheets' scores (micro-points), by the declared aggregation,
/// exactly; None without a sheet.
pub fn aggregate(aggregation: Aggregation, mut scores: Vec<i64>) -> Option<Mean> {
    let n = scores.len();
    if n == 0 {
        return None;
    }
    scores.sort_unstable();
    let mean = |s: &[i64]| Mean {
        sum: s.iter().sum(),
        count: s.len() as i64,
    };
    Some(match aggregation {
        Aggregation::Mean => mean(&scores),
        Aggregation::Median if n % 2 == 1 => mean(&scores[n / 2..=n / 2]),
        Aggregation::Median => mean(&scores[n / 2 - 1..=n / 2]),
        Aggregation::TrimmedMean if n >= 4 => mean(&scores[1..n - 1]),
        Aggregation::TrimmedMean => mean(&scores),
    })
}

/// An entry's place in the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub id: String,
    pub rank: usize,
    /// None when nobody scored it (in the last round it reached).
    pub score: Option<Mean>,
    pub track: Option<String>,
    /// The index of the last round the entry reached (the final round's is the number of
    /// earlier rounds; 0 without rounds).
    pub round: usize,
    /// Whether it reached the final round, where prizes are won on merit.
    pub finalist: bool,
}

struct Keyed<'a> {
    entry: &'a Entry,
    score: Option<Mean>,
    /// Mean normalised score per criterion, in micro-units of the 0..1 scale, declared order.
    per_criterion: Vec<Mean>,
}

/// The entries keyed and sorted as the ranking orders them: higher score (by `aggregation`)
/// first; unscored after all scored ones; ties broken by the mean normalised score of each
/// criterion in the declared order, then the earlier first submission, then the entry id.
fn sorted<'a>(
    aggregation: Aggregation,
    criteria: &[Criterion],
    entries: &'a [Entry],
) -> Vec<Keyed<'a>> {
    let mut keyed: Vec<Keyed> = entries
        .iter()
        .map(|entry| {
            let count = entry.sheets.len() as i64;
            let score = aggregate(
                aggregation,
                entry
                    .sheets
                    .iter()
                    .map(|s| sheet_score(criteria, s))
                    .collect(),
            );
            let per_criterion = criteria
                .iter()
                .map(|c| Mean {
                    sum: entry
                        .sheets
                        .iter()
                        .map(|s| {
                            (f64::from(*s.get(&c.key).unwrap_or(&0)) / f64::from(c.max) * MICRO)
                                .round() as i64
                        })
                        .sum(),
                    count: count.max(1),
                })
                .collect();
            Keyed {
                entry,
                score,
                per_criterion,
            }
        })
        .collect();
    keyed.sort_by(|a, b| {
        let by_score = match (&a.score, &b.score) {
            (Some(x), Some(y)) => x.cmp_desc(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_score
            .then_with(|| {
                a.per_criterion
                    .iter()
                    .zip(&b.per_criterion)
                    .map(|(x, y)| x.cmp_desc(y))
                    .find(|o| *o != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            })
            .then_with(|| a.entry.first_submitted_at.cmp(&b.entry.first_submitted_at))
            .then_with(|| a.entry.id.cmp(&b.entry.id))
    });
    keyed
}

/// Ranks the entries (see [`sorted`] for the order).
pub fn rank(aggregation: Aggregation, criteria: &[Criterion], entries: &[Entry]) -> Vec<Ranked> {
    sorted(aggregation, criteria, entries)
        .into_iter()
        .enumerate()
        .map(|(i, k)| Ranked {
            id: k.entry.id.clone(),
            rank: i + 1,
            score: k.score,
            track: k.entry.track.clone(),
            round: 0,
            finalist: true,
        })
        .collect()
}

/// What put the first of two entries with exactly equal scores above the second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// The better mean on this criterion (its label), the first that differs in order.
    Criterion(String),
    /// Equal on every criterion: the earlier first submission.
    EarlierSubmission,
    /// Equal on everything else: the entry id.
    EntryId,
}

/// The neighbours of the ranking whose scores are exactly equal (both scored), in ranking
/// order, and what decided between them: `(above, below, decided)`.
pub fn ties(
    aggregation: Aggregation,
    criteria: &[Criterion],
    entries: &[Entry],
) -> Vec<(String, String, Decided)> {
    let keyed = sorted(aggregation, criteria, entries);
    let mut ties = Vec::new();
    for pair in keyed.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (Some(x), Some(y)) = (a.score, b.score) else {
            continue;
        };
        if x.cmp_desc(&y) != Ordering::Equal {
            continue;
        }
        let decided = (criteria.iter())
            .zip(a.per_criterion.iter().zip(&b.per_criterion))
            .find(|(_, (p, q))| p.cmp_desc(q) != Ordering::Equal)
            .map(|(c, _)| Decided::Criterion(c.label.clone()))
            .unwrap_or(
                if a.entry.first_submitted_at == b.entry.first_submitted_at {
                    Decided::EntryId
                } else {
                    Decided::EarlierSubmission
                },
            );
        ties.push((a.entry.id.clone(), b.entry.id.clone(), decided));
    }
    ties
}

/// Why a payout is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A qualified entry's prize.
    Prize,
    /// An unclaimed prize, given by the fallback rule.
    Fallback,
    /// What no entry could take, to the beneficiary.
    NoEntries,
}

/// Who receives a payout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    Entry(String),
    Beneficiary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    pub recipient: Recipient,
    pub amount_cents: i64,
    pub reason: Reason,
    /// The track whose prize it is; None for an overall prize.
    pub track: Option<String>,
}

/// Allocates prizes over a ranking of the eligible entries (DESIGN.md): prize *i* to the
/// *i*-th qualified entry (a finalist reaching the minimum score); unclaimed prizes by the fallback policy among the entries that
/// won nothing, best first; split remainders one cent each to the best ranked; whatever no
/// entry can take to the beneficiary. The payouts always add up to the pool.
pub fn allocate(
    prizes: &[Prize],
    minimum_score: u32,
    fallback: Fallback,
    ranking: &[Ranked],
) -> Vec<Payout> {
    let qualified: Vec<&Ranked> = ranking
        .iter()
        .filter(|r| r.finalist && r.score.is_some_and(|s| s.at_least(minimum_score)))
        .collect();
    let mut payouts = Vec::new();
    let mut winners = std::collections::HashSet::new();
    for (prize, entry) in prizes.iter().zip(&qualified) {
        payouts.push(Payout {
            recipient: Recipient::Entry(entry.id.clone()),
            amount_cents: prize.amount_cents,
            reason: Reason::Prize,
            track: None,
        });
        winners.insert(entry.id.clone());
    }
    let unclaimed: Vec<i64> = prizes
        .iter()
        .skip(qualified.len())
        .map(|p| p.amount_cents)
        .collect();
    if unclaimed.is_empty() {
        return payouts;
    }
    let others: Vec<&Ranked> = ranking
        .iter()
        .filter(|r| !winners.contains(&r.id))
        .collect();
    let mut to_beneficiary = 0i64;
    match fallback {
        Fallback::BestAnyway => {
            for (i, amount) in unclaimed.iter().enumerate() {
                match others.get(i) {
                    Some(entry) => payouts.push(Payout {
                        recipient: Recipient::Entry(entry.id.clone()),
                        amount_cents: *amount,
                        reason: Reason::Fallback,
                        track: None,
                    }),
                    None => to_beneficiary += amount,
                }
            }
        }
        Fallback::SplitTop { n } => {
            let takers: Vec<&Ranked> = others.iter().take(n as usize).copied().collect();
            to_beneficiary += split(&mut payouts, &takers, unclaimed.iter().sum());
        }
        Fallback::SplitAll => {
            to_beneficiary += split(&mut payouts, &others, unclaimed.iter().sum());
        }
    }
    if to_beneficiary > 0 {
        payouts.push(Payout {
            recipient: Recipient::Beneficiary,
            amount_cents: to_beneficiary,
            reason: Reason::NoEntries,
            track: None,
        });
    }
    payouts
}

/// Splits `total` equally among `takers` (best first), the leftover cents one each to the best
/// ranked. Returns what nobody could take (all of it when there are no takers).
fn split(payouts: &mut Vec<Payout>, takers: &[&Ranked], total: i64) -> i64 {
    if takers.is_empty() {
        return total;
    }
    let n = takers.len() as i64;
    let share = total / n;
    let leftover = total % n;
    for (i, entry) in takers.iter().enumerate() {
        let amount = share + i64::from((i as i64) < leftover);
        if amount > 0 {
            payouts.push(Payout {
                recipient: Recipient::Entry(entry.id.clone()),
                amount_cents: amount,
                reason: Reason::Fallback,
                track: None,
            });
        }
    }
    0
}

#[cfg(test)]
mod tests;
