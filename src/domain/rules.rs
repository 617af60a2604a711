//! A contest's rules (DESIGN.md, Rules): parsed from JSON into typed values, with every problem
//! reported at once, each under its path (`rules.prizes[1].amount_cents`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::lifecycle::Timeline;

/// One problem with the rules, at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub path: String,
    pub message: String,
}

/// A criterion the jury scores, from 0 to `max`, counting `weight` times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub key: String,
    pub label: String,
    pub weight: u32,
    pub max: u32,
    /// What the scores mean, shown to jurors beside the criterion (plain text). Optional, and
    /// left out of the document when absent, so that earlier contests keep their hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A prize, in rank order. Money is integer cents, never a float.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prize {
    pub label: String,
    pub amount_cents: i64,
}

/// What unclaimed prizes become when too few ideas reach the minimum score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum Fallback {
    /// Each unclaimed prize goes to the next best entry.
    BestAnyway,
    /// Their sum is split equally among the best `n` entries that won nothing.
    SplitTop { n: u32 },
    /// Their sum is split equally among all entries that won nothing.
    SplitAll,
}

/// The validated rules of a contest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rules {
    pub opens_at: DateTime<Utc>,
    pub submission_deadline: DateTime<Utc>,
    pub judging_deadline: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
    pub currency: String,
    pub prizes: Vec<Prize>,
    pub minimum_score: u32,
    pub fallback: Fallback,
    pub no_entry_beneficiary: String,
    pub max_ideas_per_person: u32,
    pub blind_judging: bool,
    pub eligibility: String,
    pub ip_terms: String,
    pub min_jurors: u32,
    /// After the award the ideas in the running become public (title, summary, text, author)
    /// and signed-in people may mark the ones they like. Optional, false by default, and left
    /// out of the document when false (so that earlier contests keep their hash).
    pub publish_ideas: bool,
    /// How an entry's sheets make its score (issue 20). None: the key is absent, a mean.
    pub aggregation: Option<Aggregation>,
    /// Tracks with their own prizes; empty when the key is absent.
    pub tracks: Vec<Track>,
    /// The rounds before the final one, in order; empty when the key is absent.
    pub rounds: Vec<Round>,
}

mod criteria;
mod fields;
mod parser;
mod structure;
pub use criteria::MAX_DESCRIPTION;
pub use fields::{FIELDS, OPTIONAL, REQUIRED};
use parser::Parser;
pub use structure::{Advance, AdvanceRule, Aggregation, FINAL_ROUND, Round, Track};

/// How far ahead of its opening a contest's award may lie, in days.
pub const MAX_AWARD_HORIZON_DAYS: i64 = 730;

/// The most one contest may promise, in minor units of its currency ("cents"): far above any real prize, far below overflow.
pub const MAX_POOL_CENTS: i64 = 1_000_000_000_000;
const MAX_TEXT: usize = 20_000;

impl Rules {
    /// Parses and validates a rules document; on failure, every problem found.
    pub fn parse(value: &Value) -> Result<Rules, Vec<RuleError>> {
        let mut p = Parser::default();
        let Some(object) = value.as_object() else {
            p.error("rules", "The rules must be a JSON object.");
            return Err(p.errors);
        };
        for key in object.keys() {
            if !FIELDS.contains(&key.as_str()) {
                p.error(&format!("rules.{key}"), "This is not a field of the rules.");
            }
        }
        let opens_at = p.instant(object, "opens_at");
        let submission_deadline = p.instant(object, "submission_deadline");
        let judging_deadline = p.instant(object, "judging_deadline");
        if let (Some(a), Some(b)) = (opens_at, submission_deadline)
            && b <= a
        {
            p.error(
                "rules.submission_deadline",
                "The submission deadline must come after the opening.",
            );
        }
        if let (Some(b), Some(c)) = (submission_deadline, judging_deadline)
            && c <= b
        {
            p.error(
                "rules.judging_deadline",
                "The judging deadline must come after the submission deadline.",
            );
        }
        let criteria = p.criteria_at(object.get("criteria"), "rules.criteria");
        let currency = p.text(object, "currency", 3).and_then(|c| {
            if super::money::is_accepted(&c) {
                Some(c)
            } else {
                p.error(
                    "rules.currency",
                    "Use an ISO 4217 currency code, e.g. EUR or USD.",
                );
                None
            }
        });
        let tracks = p.tracks(object.get("tracks"));
        let has_tracks = tracks.as_ref().is_some_and(|t| !t.is_empty());
        let prizes = p.prizes_at(
            object.get("prizes"),
            "rules.prizes",
            usize::from(!has_tracks && !object.contains_key("tracks")),
        );
        let minimum_score = p.integer(object, "minimum_score", 0, 100);
        let fallback = p.fallback(object);
        let no_entry_beneficiary = p.text(object, "no_entry_beneficiary", 200);
        let max_ideas_per_person = p.integer(object, "max_ideas_per_person", 1, 100);
        let blind_judging = match object.get("blind_judging") {
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                p.error("rules.blind_judging", "Use true or false.");
                None
            }
            None => {
                p.missing("blind_judging");
                None
            }
        };
        let eligibility = p.text(object, "eligibility", MAX_TEXT);
        let ip_terms = p.text(object, "ip_terms", MAX_TEXT);
        let min_jurors = p.integer(object, "min_jurors", 1, 100);
        let publish_ideas = match object.get("publish_ideas") {
            None | Some(Value::Bool(false)) => false,
            Some(Value::Bool(true)) => true,
            Some(_) => {
                p.error("rules.publish_ideas", "Use true or false.");
                false
            }
        };
        let aggregation = p.aggregation(object.get("aggregation"));
        let rounds = p.rounds(
            object.get("rounds"),
            submission_deadline,
            judging_deadline,
            has_tracks,
        );
        if let (Some(prizes), Some(tracks)) = (&prizes, &tracks) {
            let total: i128 = (prizes.iter().chain(tracks.iter().flat_map(|t| &t.prizes)))
                .map(|p| i128::from(p.amount_cents))
                .sum();
            if total > i128::from(MAX_POOL_CENTS) {
                p.error(
                    "rules.prizes",
                    "The prizes add up to more than Concours can hold.",
                );
            } else if total == 0 {
                p.error("rules.prizes", "List at least one prize.");
            }
        }
        if !p.errors.is_empty() {
            return Err(p.errors);
        }
        Ok(Rules {
            opens_at: opens_at.expect("checked"),
            submission_deadline: submission_deadline.expect("checked"),
            judging_deadline: judging_deadline.expect("checked"),
            criteria: criteria.expect("checked"),
            currency: currency.expect("checked"),
            prizes: prizes.expect("checked"),
            minimum_score: minimum_score.expect("checked"),
            fallback: fallback.expect("checked"),
            no_entry_beneficiary: no_entry_beneficiary.expect("checked"),
            max_ideas_per_person: max_ideas_per_person.expect("checked"),
            blind_judging: blind_judging.expect("checked"),
            eligibility: eligibility.expect("checked"),
            ip_terms: ip_terms.expect("checked"),
            min_jurors: min_jurors.expect("checked"),
            publish_ideas,
            aggregation: aggregation.expect("checked"),
            tracks: tracks.expect("checked"),
            rounds: rounds.expect("checked"),
        })
    }

    /// The checks that depend on the moment of opening: the submission deadline must still be
    /// ahead.
    pub fn check_can_open(&self, now: DateTime<Utc>) -> Result<(), Vec<RuleError>> {
        if self.submission_deadline <= now {
            return Err(vec![RuleError {
                path: "rules.submission_deadline".into(),
                message: "The submission deadline has passed; move it into the future.".into(),
            }]);
        }
        // The award runs by itself at the judging deadline: a deadline centuries away would
        // hold the escrow forever and never pay the prize.
        let horizon = now.checked_add_signed(chrono::Duration::days(MAX_AWARD_HORIZON_DAYS));
        if horizon.is_some_and(|limit| self.judging_deadline > limit) {
            return Err(vec![RuleError {
                path: "rules.judging_deadline".into(),
                message: format!(
                    "The judging deadline is more than {MAX_AWARD_HORIZON_DAYS} days away; a contest is awarded within two years of opening."
                ),
            }]);
        }
        Ok(())
    }

    /// The typed texts of the rules with control or format characters (`domain::text`), each
    /// under its path. Not part of [`Rules::parse`], which also reads back frozen rules: only
    /// drafts are checked (when written and when opened), never an open contest's rules.
    pub fn check_characters(&self) -> Vec<RuleError> {
        use super::text::{Lines, check_characters};
        let mut fields: Vec<(String, &str, Lines)> = Vec::new();
        for (i, c) in self.criteria.iter().enumerate() {
            fields.push((
                format!("rules.criteria[{i}].label"),
                &c.label,
                Lines::Single,
            ));
            if let Some(description) = &c.description {
                fields.push((
                    format!("rules.criteria[{i}].description"),
                    description,
                    Lines::Single,
                ));
            }
        }
        for (i, p) in self.prizes.iter().enumerate() {
            fields.push((format!("rules.prizes[{i}].label"), &p.label, Lines::Single));
        }
        for (i, track) in self.tracks.iter().enumerate() {
            let path = format!("rules.tracks[{i}]");
            fields.push((format!("{path}.label"), &track.label, Lines::Single));
            for (j, p) in track.prizes.iter().enumerate() {
                fields.push((format!("{path}.prizes[{j}].label"), &p.label, Lines::Single));
            }
        }
        for (i, round) in self.rounds.iter().enumerate() {
            let path = format!("rules.rounds[{i}]");
            fields.push((format!("{path}.label"), &round.label, Lines::Single));
            for (j, c) in round.criteria.iter().enumerate() {
                fields.push((
                    format!("{path}.criteria[{j}].label"),
                    &c.label,
                    Lines::Single,
                ));
                if let Some(description) = &c.description {
                    fields.push((
                        format!("{path}.criteria[{j}].description"),
                        description,
                        Lines::Single,
                    ));
                }
            }
        }
        fields.push((
            "rules.no_entry_beneficiary".into(),
            &self.no_entry_beneficiary,
            Lines::Single,
        ));
        fields.push(("rules.eligibility".into(), &self.eligibility, Lines::Multi));
        fields.push(("rules.ip_terms".into(), &self.ip_terms, Lines::Multi));
        fields
            .into_iter()
            .filter_map(|(path, text, lines)| {
                check_characters(text, lines).err().map(|m| RuleError {
                    path,
                    message: m.to_owned(),
                })
            })
            .collect()
    }

    /// The sum of the prizes, overall and of every track: what the contest promises to pay,
    /// whatever happens.
    pub fn prize_pool_cents(&self) -> i64 {
        let tracks = self.tracks.iter().flat_map(|t| &t.prizes);
        self.prizes
            .iter()
            .chain(tracks)
            .map(|p| p.amount_cents)
            .sum()
    }

    pub fn timeline(&self) -> Timeline {
        Timeline {
            opens_at: self.opens_at,
            submission_deadline: self.submission_deadline,
            judging_deadline: self.judging_deadline,
        }
    }

    /// The rules as a JSON document, in the shape they were written; instants in RFC 3339 UTC
    /// with second precision.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(SerializedRules::from(self)).expect("rules serialise")
    }
}

/// The serialised shape: instants as `2027-01-31T12:00:00Z`.
#[derive(Serialize)]
struct SerializedRules<'a> {
    opens_at: String,
    submission_deadline: String,
    judging_deadline: String,
    criteria: &'a [Criterion],
    currency: &'a str,
    prizes: &'a [Prize],
    minimum_score: u32,
    fallback: Fallback,
    no_entry_beneficiary: &'a str,
    max_ideas_per_person: u32,
    blind_judging: bool,
    eligibility: &'a str,
    ip_terms: &'a str,
    min_jurors: u32,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    publish_ideas: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    aggregation: Option<Aggregation>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tracks: &'a [Track],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    rounds: &'a [Round],
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

impl<'a> From<&'a Rules> for SerializedRules<'a> {
    fn from(r: &'a Rules) -> SerializedRules<'a> {
        SerializedRules {
            opens_at: rfc3339(r.opens_at),
            submission_deadline: rfc3339(r.submission_deadline),
            judging_deadline: rfc3339(r.judging_deadline),
            criteria: &r.criteria,
            currency: &r.currency,
            prizes: &r.prizes,
            minimum_score: r.minimum_score,
            fallback: r.fallback,
            no_entry_beneficiary: &r.no_entry_beneficiary,
            max_ideas_per_person: r.max_ideas_per_person,
            blind_judging: r.blind_judging,
            eligibility: &r.eligibility,
            ip_terms: &r.ip_terms,
            min_jurors: r.min_jurors,
            publish_ideas: r.publish_ideas,
            aggregation: r.aggregation,
            tracks: &r.tracks,
            rounds: &r.rounds,
        }
    }
}

#[cfg(test)]
pub(super) mod tests;
