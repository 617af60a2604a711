//! The judging structure a contest may declare (issue 20): how sheets are aggregated, tracks
//! with their own prizes, and rounds before the final one. Each key is optional; an absent key
//! keeps the behaviour of earlier contests and stays out of the canonical document, so that
//! their `rules_hash` does not change.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{Criterion, Parser, Prize, rfc3339};

/// The key of the final round: the top-level criteria, ending at the judging deadline.
pub const FINAL_ROUND: &str = "final";

/// How an entry's complete sheets make its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// The mean of the sheets (what a contest without the key does).
    #[default]
    Mean,
    /// The middle sheet; with an even count, the mean of the two middle ones.
    Median,
    /// The mean without the highest and the lowest sheet, once there are at least four.
    TrimmedMean,
}

/// A track: entries name one, and it has prizes of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Track {
    pub key: String,
    pub label: String,
    pub prizes: Vec<Prize>,
}

/// Who advances from a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdvanceRule {
    /// The best `n` scored entries, and every entry tied with the `n`-th.
    Top(u32),
    /// Every scored entry reaching this score out of 100.
    MinScore(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advance {
    pub rule: AdvanceRule,
    /// Whether the rule applies within each track rather than over all entries.
    pub per_track: bool,
}

/// A round before the final one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub key: String,
    pub label: String,
    pub ends_at: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
    pub advance: Advance,
}

impl Serialize for Round {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SerializedRound::from(self).serialize(serializer)
    }
}

/// A round as the rules document writes it.
#[derive(Serialize)]
struct SerializedRound<'a> {
    key: &'a str,
    label: &'a str,
    ends_at: String,
    criteria: &'a [Criterion],
    advance: SerializedAdvance,
}

#[derive(Serialize)]
struct SerializedAdvance {
    #[serde(skip_serializing_if = "Option::is_none")]
    top: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_score: Option<u32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    per_track: bool,
}

impl<'a> From<&'a Round> for SerializedRound<'a> {
    fn from(r: &'a Round) -> SerializedRound<'a> {
        let (top, min_score) = match r.advance.rule {
            AdvanceRule::Top(n) => (Some(n), None),
            AdvanceRule::MinScore(s) => (None, Some(s)),
        };
        SerializedRound {
            key: &r.key,
            label: &r.label,
            ends_at: rfc3339(r.ends_at),
            criteria: &r.criteria,
            advance: SerializedAdvance {
                top,
                min_score,
                per_track: r.advance.per_track,
            },
        }
    }
}

/// The most tracks and earlier rounds a contest may declare.
const MAX_TRACKS: usize = 20;
const MAX_ROUNDS: usize = 5;

impl Parser {
    /// A key such as a criterion's, a track's or a round's: `[a-z0-9_]{1,32}`, unique among
    /// `seen`.
    pub(super) fn key_at(
        &mut self,
        value: Option<&Value>,
        path: &str,
        seen: &mut BTreeSet<String>,
        what: &str,
    ) -> Option<String> {
        let key = self.text_at(value, path, 32)?;
        if !key
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        {
            self.error(path, "Use lower-case letters, digits and _ only.");
            return None;
        }
        if !seen.insert(key.clone()) {
            self.error(path, &format!("Each {what} needs its own key."));
            return None;
        }
        Some(key)
    }

    pub(super) fn aggregation(&mut self, value: Option<&Value>) -> Option<Option<Aggregation>> {
        match value {
            None => Some(None),
            Some(Value::String(s)) if s == "mean" => Some(Some(Aggregation::Mean)),
            Some(Value::String(s)) if s == "median" => Some(Some(Aggregation::Median)),
            Some(Value::String(s)) if s == "trimmed_mean" => Some(Some(Aggregation::TrimmedMean)),
            Some(_) => {
                self.error("rules.aggregation", "Choose mean, median or trimmed_mean.");
                None
            }
        }
    }

    pub(super) fn tracks(&mut self, value: Option<&Value>) -> Option<Vec<Track>> {
        let at = "rules.tracks";
        if value.is_none() {
            return Some(Vec::new());
        }
        let items = match value {
            Some(Value::Array(items)) if (2..=MAX_TRACKS).contains(&items.len()) => items,
            Some(Value::Array(_)) => {
                self.error(at, &format!("List from 2 to {MAX_TRACKS} tracks."));
                return None;
            }
            _ => {
                self.error(at, "Use a list of tracks.");
                return None;
            }
        };
        let before = self.errors.len();
        let mut keys = BTreeSet::new();
        let mut tracks = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{at}[{i}]");
            let Some(t) = item.as_object() else {
                self.error(&path, "Each track is an object {key, label, prizes}.");
                continue;
            };
            self.unknown_keys(t, &path, &["key", "label", "prizes"]);
            let key = self.key_at(t.get("key"), &format!("{path}.key"), &mut keys, "track");
            let label = self.text_at(t.get("label"), &format!("{path}.label"), 100);
            let prizes = self.prizes_at(t.get("prizes"), &format!("{path}.prizes"), 1);
            if let (Some(key), Some(label), Some(prizes)) = (key, label, prizes) {
                tracks.push(Track { key, label, prizes });
            }
        }
        (self.errors.len() == before).then_some(tracks)
    }

    pub(super) fn rounds(
        &mut self,
        value: Option<&Value>,
        submission_deadline: Option<DateTime<Utc>>,
        judging_deadline: Option<DateTime<Utc>>,
        has_tracks: bool,
    ) -> Option<Vec<Round>> {
        let at = "rules.rounds";
        if value.is_none() {
            return Some(Vec::new());
        }
        let items = match value {
            Some(Value::Array(items)) if (1..=MAX_ROUNDS).contains(&items.len()) => items,
            Some(Value::Array(_)) => {
                self.error(
                    at,
                    &format!("List from 1 to {MAX_ROUNDS} rounds before the final one."),
                );
                return None;
            }
            _ => {
                self.error(at, "Use a list of rounds.");
                return None;
            }
        };
        let before = self.errors.len();
        let mut keys = BTreeSet::from([FINAL_ROUND.to_owned()]);
        let mut rounds = Vec::new();
        let mut previous_end = submission_deadline;
        for (i, item) in items.iter().enumerate() {
            let path = format!("{at}[{i}]");
            let Some(r) = item.as_object() else {
                self.error(
                    &path,
                    "Each round is an object {key, label, ends_at, criteria, advance}.",
                );
                continue;
            };
            self.unknown_keys(
                r,
                &path,
                &["key", "label", "ends_at", "criteria", "advance"],
            );
            let key_path = format!("{path}.key");
            let key = if r.get("key").and_then(Value::as_str).map(str::trim) == Some(FINAL_ROUND) {
                self.error(
                    &key_path,
                    "\"final\" names the last round (the top-level criteria); choose another key.",
                );
                None
            } else {
                self.key_at(r.get("key"), &key_path, &mut keys, "round")
            };
            let label = self.text_at(r.get("label"), &format!("{path}.label"), 100);
            let ends_path = format!("{path}.ends_at");
            let ends_at = self.instant_at(r.get("ends_at"), &ends_path);
            if let Some(end) = ends_at {
                if previous_end.is_some_and(|p| end <= p) {
                    let message = if i == 0 {
                        "A round ends after the submission deadline."
                    } else {
                        "Each round ends after the one before it."
                    };
                    self.error(&ends_path, message);
                } else if judging_deadline.is_some_and(|j| end >= j) {
                    self.error(
                        &ends_path,
                        "A round ends before the judging deadline, when the final round ends.",
                    );
                }
                previous_end = Some(end);
            }
            let criteria = self.criteria_at(r.get("criteria"), &format!("{path}.criteria"));
            let advance = self.advance(r.get("advance"), &format!("{path}.advance"), has_tracks);
            if let (Some(key), Some(label), Some(ends_at), Some(criteria), Some(advance)) =
                (key, label, ends_at, criteria, advance)
            {
                rounds.push(Round {
                    key,
                    label,
                    ends_at,
                    criteria,
                    advance,
                });
            }
        }
        (self.errors.len() == before).then_some(rounds)
    }

    fn advance(&mut self, value: Option<&Value>, at: &str, has_tracks: bool) -> Option<Advance> {
        let shape = r#"Use {"top": 10} or {"min_score": 60}, with "per_track": true to apply it in each track."#;
        let Some(a) = value.and_then(Value::as_object) else {
            if value.is_none() {
                self.error(at, "This field is required.");
            } else {
                self.error(at, shape);
            }
            return None;
        };
        self.unknown_keys(a, at, &["top", "min_score", "per_track"]);
        let rule = match (a.get("top"), a.get("min_score")) {
            (Some(top), None) => self
                .integer_at(Some(top), &format!("{at}.top"), 1, 10_000)
                .map(|n| AdvanceRule::Top(n as u32)),
            (None, Some(min)) => self
                .integer_at(Some(min), &format!("{at}.min_score"), 0, 100)
                .map(|s| AdvanceRule::MinScore(s as u32)),
            _ => {
                self.error(at, shape);
                None
            }
        };
        let per_track = match a.get("per_track") {
            None | Some(Value::Bool(false)) => false,
            Some(Value::Bool(true)) if has_tracks => true,
            Some(Value::Bool(true)) => {
                self.error(
                    &format!("{at}.per_track"),
                    "Advancement per track needs tracks in the rules.",
                );
                false
            }
            Some(_) => {
                self.error(&format!("{at}.per_track"), "Use true or false.");
                false
            }
        };
        Some(Advance {
            rule: rule?,
            per_track,
        })
    }
}

impl super::Rules {
    /// The keys of every round in order, the final one last.
    pub fn round_keys(&self) -> Vec<&str> {
        (self.rounds.iter().map(|r| r.key.as_str()))
            .chain([FINAL_ROUND])
            .collect()
    }

    /// The criteria of the round `key` (the final round's are the top-level ones).
    pub fn criteria_of(&self, key: &str) -> Option<&[Criterion]> {
        if key == FINAL_ROUND {
            return Some(&self.criteria);
        }
        (self.rounds.iter())
            .find(|r| r.key == key)
            .map(|r| r.criteria.as_slice())
    }

    /// When the round `key` ends (the final round at the judging deadline).
    pub fn round_end(&self, key: &str) -> Option<DateTime<Utc>> {
        if key == FINAL_ROUND {
            return Some(self.judging_deadline);
        }
        (self.rounds.iter())
            .find(|r| r.key == key)
            .map(|r| r.ends_at)
    }

    /// The track `key`, when the rules have it.
    pub fn track(&self, key: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.key == key)
    }

    pub fn aggregation(&self) -> Aggregation {
        self.aggregation.unwrap_or_default()
    }
}
