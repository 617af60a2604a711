//! The contest editor's form: what a brand member typed, read from the posted form or from a
//! draft's rules, turned into a rules document, and the rules' problems put back next to the
//! inputs they are about.
//!
//! The posted form stays a map of name → value: its criteria and prizes come as numbered rows
//! (`criterion_0_key`, `prize_3_amount`) whose names are made at run time, so no struct can
//! name them. Its single inputs are the title, the brief and the rules' fields, from the one
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

pub(super) const CRITERIA_ROWS: usize = 6;
pub(super) const PRIZE_ROWS: usize = 5;

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

/// The editor's form as typed: single fields by name, rows of criteria and prizes.
#[derive(Debug, Default, Serialize)]
pub(super) struct Editor {
    pub(super) fields: BTreeMap<&'static str, Input>,
    pub(super) criteria: Vec<CriterionRow>,
    pub(super) prizes: Vec<PrizeRow>,
    /// Every problem, in the form's order, each linking to its input (the error summary).
    pub(super) summary: Vec<SummaryItem>,
}

/// The editor's single inputs for one field of the rules: the criteria and the prizes are
/// rows rather than inputs, and the fallback is a policy and its number.
fn inputs_of(field: &'static str) -> Vec<&'static str> {
    match field {
        "criteria" | "prizes" | "tracks" | "rounds" | "aggregation" => Vec::new(),
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
                "tracks" | "rounds" | "aggregation" => {}
                "criteria" => editor.criteria_of(&rules[field]),
                "prizes" => editor.prizes_of(&rules[field], &contest.currency),
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
        for c in criteria.as_array().into_iter().flatten() {
            self.criteria.push(CriterionRow {
                key: c["key"].as_str().unwrap_or_default().into(),
                label: c["label"].as_str().unwrap_or_default().into(),
                weight: c["weight"].to_string(),
                max: c["max"].to_string(),
                description: c["description"].as_str().unwrap_or_default().into(),
                ..CriterionRow::default()
            });
        }
    }

    fn prizes_of(&mut self, prizes: &Value, currency: &str) {
        for p in prizes.as_array().into_iter().flatten() {
            self.prizes.push(PrizeRow {
                label: p["label"].as_str().unwrap_or_default().into(),
                amount: p["amount_cents"]
                    .as_i64()
                    .map(|amount| Money::new(amount, currency).input_value())
                    .unwrap_or_default(),
                ..PrizeRow::default()
            });
        }
    }

    /// The editor as posted.
    pub(super) fn from_form(form: &HashMap<String, String>) -> Editor {
        let mut editor = Editor::default();
        for name in single_fields() {
            editor.set(name, field(form, name).to_owned());
        }
        for i in 0..CRITERIA_ROWS {
            editor.criteria.push(CriterionRow {
                key: field(form, &format!("criterion_{i}_key")).trim().to_owned(),
                label: field(form, &format!("criterion_{i}_label")).to_owned(),
                weight: field(form, &format!("criterion_{i}_weight")).to_owned(),
                max: field(form, &format!("criterion_{i}_max")).to_owned(),
                description: field(form, &format!("criterion_{i}_description")).to_owned(),
                ..CriterionRow::default()
            });
        }
        for i in 0..PRIZE_ROWS {
            editor.prizes.push(PrizeRow {
                label: field(form, &format!("prize_{i}_label")).to_owned(),
                amount: field(form, &format!("prize_{i}_amount")).to_owned(),
                ..PrizeRow::default()
            });
        }
        editor.pad();
        editor
    }

    pub(super) fn value(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .map(|i| i.value.as_str())
            .unwrap_or_default()
    }

    /// The rules document this form describes, and which form row each criterion and prize
    /// of it came from (so that an error about `rules.prizes[1]` lands on its row). An amount
    /// that is not one goes on as typed, for the rules to refuse (and the editor to say why).
    pub(super) fn rules(&self) -> (Value, Vec<usize>, Vec<usize>) {
        let mut criteria = Vec::new();
        let mut criteria_rows = Vec::new();
        for (row, c) in self.criteria.iter().enumerate() {
            if [&c.label, &c.weight, &c.max, &c.description]
                .iter()
                .all(|typed| typed.trim().is_empty())
            {
                continue;
            }
            let key = if c.key.is_empty() {
                key_of(&c.label)
            } else {
                c.key.clone()
            };
            let mut criterion = json!({"key": key, "label": c.label.trim(), "weight": number(&c.weight), "max": number(&c.max)});
            // Absent when blank, so that the rules document (and its hash) stays as before.
            if !c.description.trim().is_empty() {
                criterion["description"] = json!(c.description.trim());
            }
            criteria.push(criterion);
            criteria_rows.push(row);
        }
        let mut prizes = Vec::new();
        let mut prize_rows = Vec::new();
        // Amounts are typed in the currency's units (yen, euros, dinars) and stored in its
        // minor unit.
        let currency = self.value("currency").trim().to_uppercase();
        for (row, p) in self.prizes.iter().enumerate() {
            if p.label.trim().is_empty() && p.amount.trim().is_empty() {
                continue;
            }
            let amount = match Money::parse(&p.amount, &currency) {
                Some(amount) => json!(amount.cents()),
                None => json!(p.amount.trim()),
            };
            prizes.push(json!({"label": p.label.trim(), "amount_cents": amount}));
            prize_rows.push(row);
        }
        let mut document = Map::new();
        for field in rules::FIELDS {
            if matches!(field, "tracks" | "rounds" | "aggregation") {
                continue;
            }
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
                field if is_instant(field) => from_local_input(self.value(field)),
                field if is_flag(field) => json!(!self.value(field).is_empty()),
                field if is_number(field) => number(self.value(field)),
                field => json!(self.value(field).trim()),
            };
            document.insert(field.to_owned(), value);
        }
        (Value::Object(document), criteria_rows, prize_rows)
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
    pub(super) fn place_errors(
        &mut self,
        lang: &str,
        errors: &[FieldError],
        criteria_rows: &[usize],
        prize_rows: &[usize],
    ) {
        let mut placed = FormErrors::default();
        for e in errors {
            let one = messages::place(self, lang, e, criteria_rows, prize_rows);
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
            c.label_error = message(format!("criterion_{row}_label"));
            c.weight_error = message(format!("criterion_{row}_weight"));
            c.max_error = message(format!("criterion_{row}_max"));
            c.description_error = message(format!("criterion_{row}_description"));
        }
        for (row, p) in self.prizes.iter_mut().enumerate() {
            p.label_error = message(format!("prize_{row}_label"));
            p.amount_error = message(format!("prize_{row}_amount"));
        }
        self.summary = placed.summary;
    }
}

#[cfg(test)]
mod tests;
