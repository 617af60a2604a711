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

use super::super::{field, t};

pub(super) const CRITERIA_ROWS: usize = 6;
pub(super) const PRIZE_ROWS: usize = 5;

/// One input of the editor: what the person typed, and what is wrong with it.
#[derive(Debug, Default, Serialize)]
pub(super) struct Input {
    value: String,
    pub(super) error: String,
}

#[derive(Debug, Default, Serialize)]
pub(super) struct CriterionRow {
    key: String,
    label: String,
    weight: String,
    max: String,
    pub(super) error: String,
}

#[derive(Debug, Default, Serialize)]
pub(super) struct PrizeRow {
    label: String,
    amount: String,
    pub(super) error: String,
}

/// The editor's form as typed: single fields by name, rows of criteria and prizes.
#[derive(Debug, Default, Serialize)]
pub(super) struct Editor {
    pub(super) fields: BTreeMap<&'static str, Input>,
    pub(super) criteria: Vec<CriterionRow>,
    pub(super) prizes: Vec<PrizeRow>,
    /// Problems that belong to no single input.
    pub(super) other_errors: Vec<String>,
}

/// The editor's single inputs for one field of the rules: the criteria and the prizes are
/// rows rather than inputs, and the fallback is a policy and its number.
fn inputs_of(field: &'static str) -> Vec<&'static str> {
    match field {
        "criteria" | "prizes" => Vec::new(),
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
            error: String::new(),
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
                error: String::new(),
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
                error: String::new(),
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
                error: String::new(),
            });
        }
        for i in 0..PRIZE_ROWS {
            editor.prizes.push(PrizeRow {
                label: field(form, &format!("prize_{i}_label")).to_owned(),
                amount: field(form, &format!("prize_{i}_amount")).to_owned(),
                error: String::new(),
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
    /// of it came from (so that an error about `rules.prizes[1]` lands on its row). Amounts
    /// that are not amounts are reported here, in the form's own words.
    pub(super) fn rules(&mut self, lang: &str) -> (Value, Vec<usize>, Vec<usize>) {
        let mut criteria = Vec::new();
        let mut criteria_rows = Vec::new();
        for (row, c) in self.criteria.iter().enumerate() {
            if c.label.trim().is_empty() && c.weight.trim().is_empty() && c.max.trim().is_empty() {
                continue;
            }
            let key = if c.key.is_empty() {
                key_of(&c.label)
            } else {
                c.key.clone()
            };
            criteria.push(json!({"key": key, "label": c.label.trim(), "weight": number(&c.weight), "max": number(&c.max)}));
            criteria_rows.push(row);
        }
        let mut prizes = Vec::new();
        let mut prize_rows = Vec::new();
        // Amounts are typed in the currency's units (yen, euros, dinars) and stored in its
        // minor unit.
        let currency = self.value("currency").trim().to_uppercase();
        for (row, p) in self.prizes.iter_mut().enumerate() {
            if p.label.trim().is_empty() && p.amount.trim().is_empty() {
                continue;
            }
            let amount = match Money::parse(&p.amount, &currency) {
                Some(amount) => json!(amount.cents()),
                None => {
                    p.error = t(lang, "editor_amount_invalid");
                    json!(p.amount.trim())
                }
            };
            prizes.push(json!({"label": p.label.trim(), "amount_cents": amount}));
            prize_rows.push(row);
        }
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
                field if is_instant(field) => from_local_input(self.value(field)),
                field if is_flag(field) => json!(!self.value(field).is_empty()),
                field if is_number(field) => number(self.value(field)),
                field => json!(self.value(field).trim()),
            };
            document.insert(field.to_owned(), value);
        }
        (Value::Object(document), criteria_rows, prize_rows)
    }

    /// Puts each problem next to its input: `rules.prizes[1].amount_cents` on the second
    /// prize's row, `rules.fallback.n` on the fallback's number, and so on.
    pub(super) fn place_errors(
        &mut self,
        errors: &[FieldError],
        criteria_rows: &[usize],
        prize_rows: &[usize],
    ) {
        fn indexed(rest: &str) -> Option<(usize, &str)> {
            let rest = rest.strip_prefix('[')?;
            let (index, tail) = rest.split_once(']')?;
            Some((index.parse().ok()?, tail.trim_start_matches('.')))
        }
        fn append(target: &mut String, message: &str) {
            if !target.is_empty() {
                target.push(' ');
            }
            target.push_str(message);
        }
        for e in errors {
            let path = e.path.strip_prefix("rules.").unwrap_or(&e.path);
            if let Some(rest) = path.strip_prefix("criteria")
                && let Some((i, _)) = indexed(rest)
                && let Some(row) = criteria_rows.get(i)
            {
                append(&mut self.criteria[*row].error, &e.message);
                continue;
            }
            if let Some(rest) = path.strip_prefix("prizes")
                && let Some((i, tail)) = indexed(rest)
                && let Some(row) = prize_rows.get(i)
            {
                // An amount the form already refused keeps the form's message.
                if tail != "amount_cents" || self.prizes[*row].error.is_empty() {
                    append(&mut self.prizes[*row].error, &e.message);
                }
                continue;
            }
            let name = match path {
                "fallback.n" => "fallback_n",
                p if p.starts_with("fallback") => "fallback_policy",
                p => p,
            };
            match self.fields.get_mut(name) {
                Some(input) => append(&mut input.error, &e.message),
                None if name == "criteria" || name == "prizes" => {
                    self.other_errors.push(e.message.clone())
                }
                None => self.other_errors.push(format!("{}: {}", e.path, e.message)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_dates_are_utc() {
        assert_eq!(
            from_local_input("2027-01-31T12:00"),
            json!("2027-01-31T12:00:00Z")
        );
        assert_eq!(to_local_input("2027-01-31T12:00:00Z"), "2027-01-31T12:00");
        assert_eq!(from_local_input("tomorrow"), json!("tomorrow"));
    }

    #[test]
    fn the_single_inputs_are_the_title_the_brief_and_the_rules_fields() {
        let mut inputs: Vec<&str> = single_fields().collect();
        inputs.sort_unstable();
        let mut expected = [
            "title",
            "brief",
            "opens_at",
            "submission_deadline",
            "judging_deadline",
            "currency",
            "minimum_score",
            "fallback_policy",
            "fallback_n",
            "no_entry_beneficiary",
            "max_ideas_per_person",
            "blind_judging",
            "publish_ideas",
            "eligibility",
            "ip_terms",
            "min_jurors",
        ];
        expected.sort_unstable();
        assert_eq!(inputs, expected);
    }

    #[test]
    fn the_new_contest_form_describes_valid_rules_with_every_field() {
        let now = "2027-01-01T00:00:00Z".parse().unwrap();
        let mut editor = Editor::new_contest(now);
        editor.prizes[0] = PrizeRow {
            label: "First".into(),
            amount: "1 500,50".into(),
            error: String::new(),
        };
        editor.set("no_entry_beneficiary", "A charity".into());
        editor.set("eligibility", "Adults".into());
        editor.set("ip_terms", "Licence".into());
        let (document, criteria_rows, prize_rows) = editor.rules("en");
        let keys: Vec<&String> = document.as_object().unwrap().keys().collect();
        let mut fields = rules::FIELDS.to_vec();
        fields.sort_unstable();
        assert_eq!(keys, fields);
        assert_eq!((criteria_rows, prize_rows), (vec![0], vec![0]));
        assert_eq!(document["prizes"][0]["amount_cents"], json!(150_050));
        assert_eq!(document["opens_at"], json!("2027-01-08T12:00:00Z"));
        assert_eq!(document["fallback"], json!({"policy": "best_anyway"}));
        assert_eq!(document["publish_ideas"], json!(false));
        let parsed = rules::Rules::parse(&document).unwrap();
        assert_eq!(parsed.min_jurors, 1);
        assert!(parsed.blind_judging);
    }

    #[test]
    fn an_amount_that_is_not_one_is_refused_in_the_form_s_words() {
        let mut editor = Editor::default();
        editor.pad();
        editor.prizes[1].label = "Second".into();
        editor.prizes[1].amount = "lots".into();
        let (document, _, prize_rows) = editor.rules("en");
        assert_eq!(document["prizes"][0]["amount_cents"], json!("lots"));
        assert_eq!(prize_rows, [1]);
        assert_eq!(editor.prizes[1].error, t("en", "editor_amount_invalid"));
    }

    #[test]
    fn rule_errors_land_next_to_their_input() {
        let mut editor = Editor::default();
        editor.pad();
        let errors: Vec<FieldError> = [
            ("rules.prizes[0].amount_cents", "too big"),
            ("rules.criteria[1].weight", "bad weight"),
            ("rules.fallback.n", "bad n"),
            ("rules.opens_at", "in the past"),
            ("title", "empty"),
            ("rules.prizes", "at least one"),
        ]
        .into_iter()
        .map(|(path, message)| FieldError {
            path: path.into(),
            message: message.into(),
        })
        .collect();
        // The second criterion typed was on the form's fourth row.
        editor.place_errors(&errors, &[0, 3], &[2]);
        assert_eq!(editor.prizes[2].error, "too big");
        assert_eq!(editor.criteria[3].error, "bad weight");
        assert_eq!(editor.fields["fallback_n"].error, "bad n");
        assert_eq!(editor.fields["opens_at"].error, "in the past");
        assert_eq!(editor.fields["title"].error, "empty");
        assert_eq!(editor.other_errors, ["at least one"]);
    }
}
