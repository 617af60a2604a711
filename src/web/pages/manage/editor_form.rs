//! The contest editor's form: what a brand member typed, read from the posted form or from a
//! draft's rules, turned into a rules document, and the rules' problems put back next to the
//! inputs they are about.
//!
//! The posted form stays a map of name → value: its criteria, prizes, tracks and rounds come
//! as numbered rows (`criterion_0_key`, `prize_3_amount`, `track_1_prize_0_amount`,
//! `round_0_criterion_2_weight`; see [`structure`]) whose names are made at run time, so no
//! struct can name them. Its single inputs are the title, the brief and the rules' fields, from the one
//! list of them ([`rules::FIELDS`]).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::app::FieldError;
use crate::app::contests::ContestView;
use crate::domain::money::Money;
use crate::domain::rules;
use crate::web::pages::form_errors::{FormErrors, SummaryItem};

use super::super::field;

mod messages;
mod structure;

pub(super) use structure::{RoundRow, TrackRow};

pub(super) const CRITERIA_ROWS: usize = 6;
pub(super) const PRIZE_ROWS: usize = 5;

/// Which form row each listed item of the rules came from (empty rows are skipped), so that
/// an error about `rules.prizes[1]` or `rules.tracks[0].prizes[2]` lands on its row.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Rows {
    pub(super) criteria: Vec<usize>,
    pub(super) prizes: Vec<usize>,
    /// Each track: its form row, and the rows of its prizes.
    pub(super) tracks: Vec<(usize, Vec<usize>)>,
    /// Each round before the final one: its form row, and the rows of its criteria.
    pub(super) rounds: Vec<(usize, Vec<usize>)>,
}

/// One input of the editor: what the person typed, and what is wrong with it.
#[derive(Debug, Default, Serialize)]
pub(super) struct Input {
    value: String,
    pub(super) error: String,
}

/// A criterion's row: what was typed, and the one message of each of its inputs.
#[derive(Debug, Default, Serialize)]
pub(super) struct CriterionRow {
    key: String,
    label: String,
    weight: String,
    max: String,
    /// What the score means (optional), shown to jurors beside it.
    description: String,
    label_error: String,
    weight_error: String,
    max_error: String,
    description_error: String,
}

/// A prize's row: what was typed, and the one message of each of its inputs.
#[derive(Debug, Default, Serialize)]
pub(super) struct PrizeRow {
    label: String,
    amount: String,
    label_error: String,
    amount_error: String,
}

impl CriterionRow {
    /// The row named `prefix` (`criterion_2`, `round_0_criterion_1`) of a posted form.
    fn from_form(form: &HashMap<String, String>, prefix: &str) -> CriterionRow {
        let typed = |input: &str| field(form, &format!("{prefix}_{input}")).to_owned();
        CriterionRow {
            key: typed("key").trim().to_owned(),
            label: typed("label"),
            weight: typed("weight"),
            max: typed("max"),
            description: typed("description"),
            ..CriterionRow::default()
        }
    }

    /// A criterion as a rules document stores it.
    fn of_rule(c: &Value) -> CriterionRow {
        let number = |v: &Value| {
            if v.is_null() {
                String::new()
            } else {
                v.to_string()
            }
        };
        CriterionRow {
            key: c["key"].as_str().unwrap_or_default().into(),
            label: c["label"].as_str().unwrap_or_default().into(),
            weight: number(&c["weight"]),
            max: number(&c["max"]),
            description: c["description"].as_str().unwrap_or_default().into(),
            ..CriterionRow::default()
        }
    }

    fn is_empty(&self) -> bool {
        [&self.label, &self.weight, &self.max, &self.description]
            .iter()
            .all(|typed| typed.trim().is_empty())
    }

    /// Its key: the one it has, or one made from its label.
    fn key(&self) -> String {
        if self.key.is_empty() {
            key_of(&self.label)
        } else {
            self.key.clone()
        }
    }

    /// Puts the messages `placed` has for the row named `prefix` on its inputs.
    fn take_errors(&mut self, prefix: &str, placed: &FormErrors) {
        let message = |input: &str| {
            let id = format!("{prefix}_{input}");
            placed.get(&id).unwrap_or_default().to_owned()
        };
        self.label_error = message("label");
        self.weight_error = message("weight");
        self.max_error = message("max");
        self.description_error = message("description");
    }
}

/// The criteria of `rows` that are not empty, as the rules write them, and their rows.
fn criteria_document(rows: &[CriterionRow]) -> (Vec<Value>, Vec<usize>) {
    let mut criteria = Vec::new();
    let mut criteria_rows = Vec::new();
    for (row, c) in rows.iter().enumerate() {
        if c.is_empty() {
            continue;
        }
        let mut criterion = json!({"key": c.key(), "label": c.label.trim(), "weight": number(&c.weight), "max": number(&c.max)});
        // Absent when blank, so that the rules document (and its hash) stays as before.
        if !c.description.trim().is_empty() {
            criterion["description"] = json!(c.description.trim());
        }
        criteria.push(criterion);
        criteria_rows.push(row);
    }
    (criteria, criteria_rows)
}

impl PrizeRow {
    fn from_form(form: &HashMap<String, String>, prefix: &str) -> PrizeRow {
        PrizeRow {
            label: field(form, &format!("{prefix}_label")).to_owned(),
            amount: field(form, &format!("{prefix}_amount")).to_owned(),
            ..PrizeRow::default()
        }
    }

    fn of_rule(p: &Value, currency: &str) -> PrizeRow {
        PrizeRow {
            label: p["label"].as_str().unwrap_or_default().into(),
            amount: p["amount_cents"]
                .as_i64()
                .map(|amount| Money::new(amount, currency).input_value())
                .unwrap_or_default(),
            ..PrizeRow::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.label.trim().is_empty() && self.amount.trim().is_empty()
    }

    fn take_errors(&mut self, prefix: &str, placed: &FormErrors) {
        let message = |input: &str| {
            let id = format!("{prefix}_{input}");
            placed.get(&id).unwrap_or_default().to_owned()
        };
        self.label_error = message("label");
        self.amount_error = message("amount");
    }
}

/// The prizes of `rows` that are not empty, as the rules write them, and their rows. Amounts
/// are typed in the currency's units (yen, euros, dinars) and stored in its minor unit; one
/// that is not an amount goes on as typed, for the rules to refuse.
fn prizes_document(rows: &[PrizeRow], currency: &str) -> (Vec<Value>, Vec<usize>) {
    let mut prizes = Vec::new();
    let mut prize_rows = Vec::new();
    for (row, p) in rows.iter().enumerate() {
        if p.is_empty() {
            continue;
        }
        let amount = match Money::parse(&p.amount, currency) {
            Some(amount) => json!(amount.cents()),
            None => json!(p.amount.trim()),
        };
        prizes.push(json!({"label": p.label.trim(), "amount_cents": amount}));
        prize_rows.push(row);
    }
    (prizes, prize_rows)
}

/// The editor's form as typed: single fields by name, rows of criteria and prizes, and the
/// judging structure's rows of tracks and rounds.
#[derive(Debug, Default, Serialize)]
pub(super) struct Editor {
    pub(super) fields: BTreeMap<&'static str, Input>,
    pub(super) criteria: Vec<CriterionRow>,
    pub(super) prizes: Vec<PrizeRow>,
    pub(super) tracks: Vec<TrackRow>,
    pub(super) rounds: Vec<RoundRow>,
    /// Every problem, in the form's order, each linking to its input (the error summary).
    pub(super) summary: Vec<SummaryItem>,
}

/// The editor's single inputs for one field of the rules: the criteria, the prizes, the
/// tracks and the rounds are rows rather than inputs, and the fallback is a policy and its
/// number.
fn inputs_of(field: &'static str) -> Vec<&'static str> {
    match field {
        "criteria" | "prizes" | "tracks" | "rounds" => Vec::new(),
        "fallback" => vec!["fallback_policy", "fallback_n"],
        field => vec![field],
    }
}

/// Every single input of the editor: the title, the brief, and those of the rules' fields.
fn single_fields() -> impl Iterator<Item = &'static str> {
    ["title", "brief"]
        .into_iter()
        .chain(rules::FIELDS.into_iter().flat_map(inputs_of))
}

/// Whether a field of the rules is one of its instants, typed as a local date and time.
fn is_instant(field: &str) -> bool {
    matches!(
        field,
        "opens_at" | "submission_deadline" | "judging_deadline"
    )
}

/// Whether a field of the rules is a yes or no, typed as a checkbox.
fn is_flag(field: &str) -> bool {
    matches!(field, "blind_judging" | "publish_ideas")
}

/// Whether a field of the rules is a whole number.
fn is_number(field: &str) -> bool {
    matches!(
        field,
        "minimum_score" | "max_ideas_per_person" | "min_jurors"
    )
}

/// `2027-01-31T12:00:00Z` → `2027-01-31T12:00`, what `<input type="datetime-local">` shows.
fn to_local_input(rfc3339: &str) -> String {
    rfc3339
        .parse::<chrono::DateTime<chrono::Utc>>()
        .map(|at| at.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// `2027-01-31T12:00` (UTC, as the form says) → RFC 3339; anything else is passed on as typed,
/// for the rules to refuse with their message.
fn from_local_input(value: &str) -> Value {
    let value = value.trim();
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(at) = chrono::NaiveDateTime::parse_from_str(value, format) {
            return json!(
                at.and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
    }
    json!(value)
}

/// A whole number as JSON, or the text as typed (the rules then say what is wrong).
fn number(value: &str) -> Value {
    let value = value.trim();
    value
        .parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| json!(value))
}

/// A checkbox's value: `on` when ticked.
fn checkbox(ticked: bool) -> String {
    if ticked { "on".into() } else { String::new() }
}

/// A criterion's key from its label: `Social impact` → `social_impact`.
fn key_of(label: &str) -> String {
    // Keys have at most 32 characters; a long label keeps its first words.
    let mut key = String::new();
    for c in crate::domain::organization::slugify(label).chars().take(32) {
        key.push(if c == '-' { '_' } else { c });
    }
    key.trim_end_matches('_').to_owned()
}

impl Editor {
    /// The editor for a new contest: sensible defaults a brand manager edits.
    pub(super) fn new_contest(now: chrono::DateTime<chrono::Utc>) -> Editor {
        let day = |d: i64| {
            (now + chrono::Duration::days(d))
                .format("%Y-%m-%dT12:00")
                .to_string()
        };
        let mut editor = Editor::default();
        for (name, value) in [
            ("opens_at", day(7)),
            ("submission_deadline", day(37)),
            ("judging_deadline", day(51)),
            ("currency", "EUR".into()),
            ("minimum_score", "60".into()),
            ("fallback_policy", "best_anyway".into()),
            ("fallback_n", "3".into()),
            ("max_ideas_per_person", "1".into()),
            ("blind_judging", "on".into()),
            ("min_jurors", "1".into()),
        ] {
            editor.set(name, value);
        }
        editor.criteria.push(CriterionRow {
            key: "impact".into(),
            label: "Impact".into(),
            weight: "1".into(),
            max: "10".into(),
            ..CriterionRow::default()
        });
        editor.pad();
        editor
    }

    fn set(&mut self, name: &str, value: String) {
        if let Some(known) = single_fields().find(|f| *f == name) {
            self.fields.entry(known).or_default().value = value;
        }
    }

    /// Empty rows to type into, and every single field present.
    pub(super) fn pad(&mut self) {
        for name in single_fields() {
            self.fields.entry(name).or_default();
        }
        while self.criteria.len() < CRITERIA_ROWS {
            self.criteria.push(CriterionRow::default());
        }
        while self.prizes.len() < PRIZE_ROWS {
            self.prizes.push(PrizeRow::default());
        }
        self.pad_structure();
    }

    /// The editor showing an existing contest. Its rules are read as they were stored, not as
    /// the domain's `Rules`: a draft's rules may be incomplete, and the editor shows them so.
    pub(super) fn of_contest(contest: &ContestView) -> Editor {
        let rules = &contest.rules;
        let text = |key: &str| match &rules[key] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let mut editor = Editor::default();
        editor.set("title", contest.title.clone());
        editor.set("brief", contest.brief.clone());
        for field in rules::FIELDS {
            match field {
                "criteria" => editor.criteria_of(&rules[field]),
                "prizes" => editor.prizes_of(&rules[field], &contest.currency),
                "tracks" => editor.tracks_of(&rules[field], &contest.currency),
                "rounds" => editor.rounds_of(&rules[field]),
                "fallback" => {
                    let fallback = &rules[field];
                    let policy = fallback["policy"].as_str().unwrap_or_default();
                    editor.set("fallback_policy", policy.into());
                    let n = fallback["n"].as_u64().map(|n| n.to_string());
                    editor.set("fallback_n", n.unwrap_or_else(|| "3".into()));
                }
                field if is_instant(field) => editor.set(field, to_local_input(&text(field))),
                field if is_flag(field) => editor.set(field, checkbox(rules[field] == json!(true))),
                field => editor.set(field, text(field)),
            }
        }
        editor.pad();
        editor
    }

    fn criteria_of(&mut self, criteria: &Value) {
        let criteria = criteria.as_array().into_iter().flatten();
        self.criteria.extend(criteria.map(CriterionRow::of_rule));
    }

    fn prizes_of(&mut self, prizes: &Value, currency: &str) {
        let prizes = prizes.as_array().into_iter().flatten();
        self.prizes
            .extend(prizes.map(|p| PrizeRow::of_rule(p, currency)));
    }

    /// The editor as posted.
    pub(super) fn from_form(form: &HashMap<String, String>) -> Editor {
        let mut editor = Editor::default();
        for name in single_fields() {
            editor.set(name, field(form, name).to_owned());
        }
        for i in 0..CRITERIA_ROWS {
            let row = CriterionRow::from_form(form, &format!("criterion_{i}"));
            editor.criteria.push(row);
        }
        for i in 0..PRIZE_ROWS {
            editor
                .prizes
                .push(PrizeRow::from_form(form, &format!("prize_{i}")));
        }
        editor.structure_from_form(form);
        editor.pad();
        editor
    }

    pub(super) fn value(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .map(|i| i.value.as_str())
            .unwrap_or_default()
    }

    /// The rules document this form describes, and which form row each criterion, prize,
    /// track and round of it came from (so that an error about `rules.prizes[1]` lands on its
    /// row). An amount that is not one goes on as typed, for the rules to refuse (and the
    /// editor to say why).
    pub(super) fn rules(&self) -> (Value, Rows) {
        let currency = self.value("currency").trim().to_uppercase();
        let (mut criteria, criteria_rows) = criteria_document(&self.criteria);
        let (mut prizes, prize_rows) = prizes_document(&self.prizes, &currency);
        let (tracks, track_rows) = self.tracks_document(&currency);
        let (rounds, round_rows) = self.rounds_document();
        let mut document = Map::new();
        for field in rules::FIELDS {
            let value = match field {
                "criteria" => Value::Array(std::mem::take(&mut criteria)),
                "prizes" => Value::Array(std::mem::take(&mut prizes)),
                "currency" => json!(currency),
                "fallback" => match self.value("fallback_policy") {
                    "split_top" => {
                        json!({"policy": "split_top", "n": number(self.value("fallback_n"))})
                    }
                    policy => json!({"policy": policy}),
                },
                // The judging structure is written only when the form declares one: absent,
                // the rules document and its hash stay as they always were.
                "aggregation" => match self.value("aggregation").trim() {
                    "" | "mean" => continue,
                    aggregation => json!(aggregation),
                },
                "tracks" if tracks.is_empty() => continue,
                "tracks" => Value::Array(tracks.clone()),
                "rounds" if rounds.is_empty() => continue,
                "rounds" => Value::Array(rounds.clone()),
                field if is_instant(field) => from_local_input(self.value(field)),
                field if is_flag(field) => json!(!self.value(field).is_empty()),
                field if is_number(field) => number(self.value(field)),
                field => json!(self.value(field).trim()),
            };
            document.insert(field.to_owned(), value);
        }
        let rows = Rows {
            criteria: criteria_rows,
            prizes: prize_rows,
            tracks: track_rows,
            rounds: round_rows,
        };
        (Value::Object(document), rows)
    }

    /// The ids of the editor's inputs, in the order the form shows them (the template gives
    /// each input the id its name has).
    fn input_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = ["title", "brief", "opens_at", "submission_deadline"]
            .into_iter()
            .chain(["judging_deadline"])
            .map(str::to_owned)
            .collect();
        for row in 0..self.criteria.len() {
            ids.extend(
                ["label", "description", "weight", "max"].map(|i| format!("criterion_{row}_{i}")),
            );
        }
        ids.push("currency".into());
        for row in 0..self.prizes.len() {
            ids.extend(["label", "amount"].map(|i| format!("prize_{row}_{i}")));
        }
        ids.extend(
            [
                "minimum_score",
                "fallback_policy",
                "fallback_n",
                "no_entry_beneficiary",
            ]
            .map(str::to_owned),
        );
        self.structure_input_ids(&mut ids);
        ids.extend(
            [
                "max_ideas_per_person",
                "min_jurors",
                "blind_judging",
                "publish_ideas",
                "eligibility",
                "ip_terms",
            ]
            .map(str::to_owned),
        );
        ids
    }

    /// Puts each problem on its input, one message per input, naming the field, in `lang`:
    /// `rules.prizes[1].amount_cents` on the amount of the prize's row, `rules.fallback.n` on
    /// the fallback's number, and so on; and lists them all, in the form's order, in
    /// [`Editor::summary`].
    pub(super) fn place_errors(&mut self, lang: &str, errors: &[FieldError], rows: &Rows) {
        let mut placed = FormErrors::default();
        // Advancing per track needs the tracks: while they have problems of their own, the
        // rules refuse it too, and saying so again beside the checkbox would only mislead.
        let tracks_wrong = errors.iter().any(|e| e.path.starts_with("rules.tracks"));
        let follows_from_tracks =
            |e: &FieldError| tracks_wrong && e.path.ends_with(".advance.per_track");
        for e in errors.iter().filter(|e| !follows_from_tracks(e)) {
            let one = messages::place(self, lang, e, rows);
            match one.id {
                Some(id) => placed.add(&id, one.message),
                None => placed.add_general(one.message),
            }
        }
        placed.sort_by_form(&self.input_ids());
        let message = |id: String| placed.get(&id).unwrap_or_default().to_owned();
        for (name, input) in &mut self.fields {
            input.error = message((*name).to_owned());
        }
        for (row, c) in self.criteria.iter_mut().enumerate() {
            c.take_errors(&format!("criterion_{row}"), &placed);
        }
        for (row, p) in self.prizes.iter_mut().enumerate() {
            p.take_errors(&format!("prize_{row}"), &placed);
        }
        self.structure_errors(&placed);
        self.summary = placed.summary;
    }
}

#[cfg(test)]
mod tests;
