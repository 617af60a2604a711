//! The editor's judging structure (issue 20): tracks with their own prizes, and rounds before
//! the final one with their end, who advances and their own criteria. Every row is optional;
//! empty rows are skipped, and with none filled the rules have no `tracks` or `rounds`.
//!
//! Names of the posted form: `track_1_label`, `track_1_prize_0_amount`, `round_0_ends_at`,
//! `round_0_advance` (`top` or `min_score`), `round_0_advance_n`, `round_0_per_track`,
//! `round_0_criterion_2_weight`.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::web::pages::form_errors::FormErrors;

use super::super::super::field;
use super::{
    CriterionRow, Editor, PrizeRow, checkbox, criteria_document, from_local_input, key_of, number,
    prizes_document, to_local_input,
};

pub(in super::super) const TRACK_ROWS: usize = 4;
pub(in super::super) const TRACK_PRIZE_ROWS: usize = 3;
pub(in super::super) const ROUND_ROWS: usize = 3;
pub(in super::super) const ROUND_CRITERIA_ROWS: usize = 3;
/// The most rows of one kind a posted form is read with (the rules take at most 20).
const MOST_ROWS: usize = 25;

/// A track's row: its label (its key is made from it) and its prizes.
#[derive(Debug, Default, Serialize)]
pub(in super::super) struct TrackRow {
    pub(super) key: String,
    pub(super) label: String,
    pub(super) prizes: Vec<PrizeRow>,
    pub(super) label_error: String,
}

/// A round's row: its label, its end, who advances and its criteria.
#[derive(Debug, Default, Serialize)]
pub(in super::super) struct RoundRow {
    pub(super) key: String,
    pub(super) label: String,
    pub(super) ends_at: String,
    /// `top` (the best N) or `min_score` (every idea scoring at least S).
    pub(super) advance: String,
    /// N or S.
    pub(super) advance_n: String,
    /// `on` when the rule applies within each track.
    pub(super) per_track: String,
    pub(super) criteria: Vec<CriterionRow>,
    pub(super) label_error: String,
    pub(super) ends_at_error: String,
    pub(super) advance_error: String,
    pub(super) advance_n_error: String,
    pub(super) per_track_error: String,
}

impl TrackRow {
    pub(super) fn key(&self) -> String {
        if self.key.is_empty() {
            key_of(&self.label)
        } else {
            self.key.clone()
        }
    }

    fn is_empty(&self) -> bool {
        self.label.trim().is_empty() && self.prizes.iter().all(PrizeRow::is_empty)
    }
}

impl RoundRow {
    pub(super) fn key(&self) -> String {
        if self.key.is_empty() {
            key_of(&self.label)
        } else {
            self.key.clone()
        }
    }

    /// Blank everywhere (the choice of rule has a default, so it does not count).
    fn is_empty(&self) -> bool {
        [&self.label, &self.ends_at, &self.advance_n, &self.per_track]
            .iter()
            .all(|typed| typed.trim().is_empty())
            && self.criteria.iter().all(CriterionRow::is_empty)
    }

    fn advance_document(&self) -> Value {
        let rule = if self.advance == "min_score" {
            "min_score"
        } else {
            "top"
        };
        let mut advance = json!({rule: number(&self.advance_n)});
        // Absent when not ticked, as the rules write it.
        if !self.per_track.is_empty() {
            advance["per_track"] = json!(true);
        }
        advance
    }
}

impl Editor {
    /// Empty rows of tracks and rounds to type into.
    pub(super) fn pad_structure(&mut self) {
        for track in &mut self.tracks {
            while track.prizes.len() < TRACK_PRIZE_ROWS {
                track.prizes.push(PrizeRow::default());
            }
        }
        while self.tracks.len() < TRACK_ROWS {
            let prizes = (0..TRACK_PRIZE_ROWS).map(|_| PrizeRow::default()).collect();
            self.tracks.push(TrackRow {
                prizes,
                ..TrackRow::default()
            });
        }
        for round in &mut self.rounds {
            if round.advance.is_empty() {
                round.advance = "top".into();
            }
            while round.criteria.len() < ROUND_CRITERIA_ROWS {
                round.criteria.push(CriterionRow::default());
            }
        }
        while self.rounds.len() < ROUND_ROWS {
            let criteria = (0..ROUND_CRITERIA_ROWS)
                .map(|_| CriterionRow::default())
                .collect();
            self.rounds.push(RoundRow {
                advance: "top".into(),
                criteria,
                ..RoundRow::default()
            });
        }
    }

    /// Whether the form declares any of the judging structure, or has a problem with it: the
    /// section is then shown open.
    pub(in super::super) fn structure_open(&self) -> bool {
        let aggregation = self.value("aggregation");
        let errors = self.summary.iter().any(|item| {
            item.id.as_deref().is_some_and(|id| {
                id == "aggregation" || id.starts_with("track_") || id.starts_with("round_")
            })
        });
        !matches!(aggregation, "" | "mean")
            || errors
            || self.tracks.iter().any(|t| !t.is_empty())
            || self.rounds.iter().any(|r| !r.is_empty())
    }

    /// The tracks and rounds of a draft's stored rules, as they are (a draft made through the
    /// API may have more rows than the form offers: they are all shown).
    pub(super) fn tracks_of(&mut self, tracks: &Value, currency: &str) {
        for t in tracks.as_array().into_iter().flatten() {
            let prizes = t["prizes"].as_array().into_iter().flatten();
            self.tracks.push(TrackRow {
                key: t["key"].as_str().unwrap_or_default().into(),
                label: t["label"].as_str().unwrap_or_default().into(),
                prizes: prizes.map(|p| PrizeRow::of_rule(p, currency)).collect(),
                ..TrackRow::default()
            });
        }
    }

    pub(super) fn rounds_of(&mut self, rounds: &Value) {
        for r in rounds.as_array().into_iter().flatten() {
            let advance = &r["advance"];
            let (rule, n) = match (&advance["top"], &advance["min_score"]) {
                (Value::Null, Value::Null) => ("top", String::new()),
                (Value::Null, min) => ("min_score", min.to_string()),
                (top, _) => ("top", top.to_string()),
            };
            let criteria = r["criteria"].as_array().into_iter().flatten();
            self.rounds.push(RoundRow {
                key: r["key"].as_str().unwrap_or_default().into(),
                label: r["label"].as_str().unwrap_or_default().into(),
                ends_at: to_local_input(r["ends_at"].as_str().unwrap_or_default()),
                advance: rule.into(),
                advance_n: n,
                per_track: checkbox(advance["per_track"] == json!(true)),
                criteria: criteria.map(CriterionRow::of_rule).collect(),
                ..RoundRow::default()
            });
        }
    }

    /// The tracks and rounds as posted: as many rows as were shown (a draft's may be more
    /// than the form's default).
    pub(super) fn structure_from_form(&mut self, form: &HashMap<String, String>) {
        // More rows than the rules accept of anything are not read.
        let count = |prefix: &str, least: usize| {
            (0..MOST_ROWS)
                .find(|i| !form.contains_key(&format!("{prefix}_{i}_label")))
                .unwrap_or(MOST_ROWS)
                .max(least)
        };
        for t in 0..count("track", TRACK_ROWS) {
            let prefix = format!("track_{t}");
            let prizes = (0..count(&format!("{prefix}_prize"), TRACK_PRIZE_ROWS))
                .map(|j| PrizeRow::from_form(form, &format!("{prefix}_prize_{j}")))
                .collect();
            self.tracks.push(TrackRow {
                key: field(form, &format!("{prefix}_key")).trim().to_owned(),
                label: field(form, &format!("{prefix}_label")).to_owned(),
                prizes,
                ..TrackRow::default()
            });
        }
        for r in 0..count("round", ROUND_ROWS) {
            let prefix = format!("round_{r}");
            let typed = |input: &str| field(form, &format!("{prefix}_{input}")).to_owned();
            let criteria = (0..count(&format!("{prefix}_criterion"), ROUND_CRITERIA_ROWS))
                .map(|j| CriterionRow::from_form(form, &format!("{prefix}_criterion_{j}")))
                .collect();
            self.rounds.push(RoundRow {
                key: typed("key").trim().to_owned(),
                label: typed("label"),
                ends_at: typed("ends_at"),
                advance: typed("advance"),
                advance_n: typed("advance_n"),
                per_track: checkbox(!typed("per_track").is_empty()),
                criteria,
                ..RoundRow::default()
            });
        }
    }

    /// The tracks that are not empty, as the rules write them, and each one's row and the
    /// rows of its prizes.
    pub(super) fn tracks_document(&self, currency: &str) -> (Vec<Value>, Vec<(usize, Vec<usize>)>) {
        let mut tracks = Vec::new();
        let mut rows = Vec::new();
        for (row, t) in self.tracks.iter().enumerate() {
            if t.is_empty() {
                continue;
            }
            let (prizes, prize_rows) = prizes_document(&t.prizes, currency);
            tracks.push(json!({"key": t.key(), "label": t.label.trim(), "prizes": prizes}));
            rows.push((row, prize_rows));
        }
        (tracks, rows)
    }

    /// The rounds that are not empty, as the rules write them, and each one's row and the
    /// rows of its criteria.
    pub(super) fn rounds_document(&self) -> (Vec<Value>, Vec<(usize, Vec<usize>)>) {
        let mut rounds = Vec::new();
        let mut rows = Vec::new();
        for (row, r) in self.rounds.iter().enumerate() {
            if r.is_empty() {
                continue;
            }
            let (criteria, criteria_rows) = criteria_document(&r.criteria);
            rounds.push(json!({
                "key": r.key(),
                "label": r.label.trim(),
                "ends_at": from_local_input(&r.ends_at),
                "criteria": criteria,
                "advance": r.advance_document(),
            }));
            rows.push((row, criteria_rows));
        }
        (rounds, rows)
    }

    /// The ids of the structure's inputs, in the order the form shows them.
    pub(super) fn structure_input_ids(&self, ids: &mut Vec<String>) {
        ids.push("aggregation".into());
        for (t, track) in self.tracks.iter().enumerate() {
            ids.push(format!("track_{t}_label"));
            for j in 0..track.prizes.len() {
                ids.extend(["label", "amount"].map(|i| format!("track_{t}_prize_{j}_{i}")));
            }
        }
        for (r, round) in self.rounds.iter().enumerate() {
            ids.extend(
                ["label", "ends_at", "advance", "advance_n", "per_track"]
                    .map(|i| format!("round_{r}_{i}")),
            );
            for j in 0..round.criteria.len() {
                ids.extend(
                    ["label", "description", "weight", "max"]
                        .map(|i| format!("round_{r}_criterion_{j}_{i}")),
                );
            }
        }
    }

    /// Puts the messages `placed` has for the structure's rows on their inputs.
    pub(super) fn structure_errors(&mut self, placed: &FormErrors) {
        let message = |id: String| placed.get(&id).unwrap_or_default().to_owned();
        for (t, track) in self.tracks.iter_mut().enumerate() {
            track.label_error = message(format!("track_{t}_label"));
            for (j, p) in track.prizes.iter_mut().enumerate() {
                p.take_errors(&format!("track_{t}_prize_{j}"), placed);
            }
        }
        for (r, round) in self.rounds.iter_mut().enumerate() {
            round.label_error = message(format!("round_{r}_label"));
            round.ends_at_error = message(format!("round_{r}_ends_at"));
            round.advance_error = message(format!("round_{r}_advance"));
            round.advance_n_error = message(format!("round_{r}_advance_n"));
            round.per_track_error = message(format!("round_{r}_per_track"));
            for (j, c) in round.criteria.iter_mut().enumerate() {
                c.take_errors(&format!("round_{r}_criterion_{j}"), placed);
            }
        }
    }
}
