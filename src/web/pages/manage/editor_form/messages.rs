//! The editor's messages: each problem the rules report (in English, under its path, for the
//! API) told again in the reader's language, naming its field, for the input it is about.
//!
//! What went wrong is read from what the person typed (blank, not a number, not a date, a
//! name two criteria share…) and from the field's known bounds, not from the domain's English
//! sentence, so that the API's messages and its error JSON stay as they are. A problem the
//! editor cannot tell in its own words keeps the domain's sentence, still naming the field.

use chrono::{DateTime, Utc};

use crate::app::FieldError;
use crate::domain::money::Money;
use crate::domain::rules::MAX_POOL_CENTS;
use crate::domain::text::{Lines, check_characters};

use super::super::super::form_errors::{message, number_in};
use super::super::super::{t, t_with};
use super::{CriterionRow, Editor, PrizeRow, Rows, from_local_input};

mod structure;

/// The whole numbers of the rules and their bounds (`domain::rules`; a test below checks
/// that the rules agree).
pub(super) const WHOLE_NUMBERS: [(&str, i64, i64); 8] = [
    ("weight", 1, 100),
    ("max", 1, 100),
    ("minimum_score", 0, 100),
    ("max_ideas_per_person", 1, 100),
    ("min_jurors", 1, 100),
    ("fallback_n", 1, 1000),
    // Who advances from a round: the best N, or every idea scoring at least S.
    ("top", 1, 10_000),
    ("min_score", 0, 100),
];

/// Where a problem goes: the id of its input (none: the summary only) and what it says.
pub(super) struct Placed {
    pub(super) id: Option<String>,
    pub(super) message: String,
}

impl Placed {
    fn on(id: impl Into<String>, message: String) -> Placed {
        Placed {
            id: Some(id.into()),
            message,
        }
    }
}

/// `criteria[2].weight` → `(2, "weight")` for `list` = `criteria`.
fn indexed<'p>(path: &'p str, list: &str) -> Option<(usize, &'p str)> {
    let rest = path.strip_prefix(list)?.strip_prefix('[')?;
    let (index, tail) = rest.split_once(']')?;
    Some((index.parse().ok()?, tail.trim_start_matches('.')))
}

pub(super) fn whole_number(lang: &str, input: &str) -> String {
    let (_, min, max) = WHOLE_NUMBERS
        .iter()
        .find(|(name, ..)| *name == input)
        .copied()
        .unwrap_or(("", 0, 100));
    t_with(
        lang,
        "fe_whole_number",
        &[("min", &min.to_string()), ("max", &max.to_string())],
    )
}

/// What is wrong with a typed text the rules refused: blank, hidden characters, or too long.
pub(super) fn text_problem(lang: &str, typed: &str, lines: Lines, domain: &str) -> String {
    if typed.trim().is_empty() {
        t(lang, "fe_required")
    } else if check_characters(typed, lines).is_err() {
        t(lang, "fe_hidden_characters")
    } else if let Some(max) = number_in(domain) {
        t_with(lang, "fe_too_long", &[("max", max)])
    } else {
        domain.to_owned()
    }
}

/// What is wrong with a typed date the rules refused: unreadable, or in the wrong order.
fn date_problem(lang: &str, input: &str, typed: &str, domain: &str) -> String {
    let readable = from_local_input(typed)
        .as_str()
        .is_some_and(|at| at.parse::<DateTime<Utc>>().is_ok());
    match (readable, input) {
        (false, _) => t(lang, "fe_date"),
        (true, "submission_deadline") => t(lang, "fe_after_opening"),
        (true, "judging_deadline") => t(lang, "fe_after_submission"),
        (true, _) => domain.to_owned(),
    }
}

/// Where `error` goes on `editor` and what it says in `lang`. `rows` say which form row each
/// criterion, prize, track and round of the rules came from.
pub(super) fn place(editor: &Editor, lang: &str, error: &FieldError, rows: &Rows) -> Placed {
    let path = error.path.strip_prefix("rules.").unwrap_or(&error.path);
    let domain = error.message.as_str();
    let (criteria_rows, prize_rows) = (&rows.criteria, &rows.prizes);
    if let Some((i, tail)) = indexed(path, "criteria")
        && let Some(&row) = criteria_rows.get(i)
    {
        let named = Named::new(lang, "criterion", "fe_criterion", &[]);
        return criterion(&editor.criteria, &named, row, tail, domain, criteria_rows);
    }
    if let Some((i, tail)) = indexed(path, "prizes")
        && let Some(&row) = prize_rows.get(i)
    {
        let named = Named::new(lang, "prize", "fe_prize", &[]);
        return prize(editor, &editor.prizes[row], &named, row, tail, domain);
    }
    if let Some(placed) = structure::place(editor, lang, path, domain, rows) {
        return placed;
    }
    let input = match path {
        "fallback.n" => "fallback_n",
        p if p.starts_with("fallback") => "fallback_policy",
        p => p,
    };
    let field = || t(lang, &format!("fe_{input}"));
    let problem = match input {
        "criteria" => {
            let problem = t(lang, "fe_criteria_count");
            return Placed::on("criterion_0_label", message(lang, &field(), &problem));
        }
        "prizes" => {
            // Between 1 and 20 prizes were typed, each right, or tracks with theirs: then it is
            // their sum.
            let (id, key) = if (1..=20).contains(&prize_rows.len()) || !rows.tracks.is_empty() {
                ("prize_0_amount", "fe_pool_too_large")
            } else {
                ("prize_0_label", "fe_prizes_count")
            };
            return Placed::on(id, message(lang, &field(), &t(lang, key)));
        }
        _ if !editor.fields.contains_key(input) => {
            return Placed {
                id: None,
                message: format!("{}: {domain}", error.path),
            };
        }
        "opens_at" | "submission_deadline" | "judging_deadline" => {
            date_problem(lang, input, editor.value(input), domain)
        }
        "currency" => t(lang, "fe_currency_code"),
        "aggregation" => t(lang, "fe_choose_aggregation"),
        "fallback_policy" => t(lang, "fe_choose_policy"),
        "blind_judging" | "publish_ideas" => t(lang, "fe_yes_no"),
        "brief" | "eligibility" | "ip_terms" => {
            text_problem(lang, editor.value(input), Lines::Multi, domain)
        }
        _ if WHOLE_NUMBERS.iter().any(|(name, ..)| *name == input) => whole_number(lang, input),
        _ => text_problem(lang, editor.value(input), Lines::Single, domain),
    };
    Placed::on(input, message(lang, &field(), &problem))
}

/// How the inputs of one kind of row are named and given ids: `criterion_2_weight` named
/// "Criterion 3 — weight", `round_0_criterion_2_weight` named "Round 1 — criterion 3 — weight".
pub(super) struct Named<'a> {
    lang: &'a str,
    /// The ids' start, before the row's number: `criterion`, `round_0_criterion`.
    id: String,
    /// The names' catalogue keys' start: `fe_criterion`, `fe_round_criterion`.
    key: &'a str,
    /// The numbers of the rows the row is in (`r` for the round), from 1.
    outer: Vec<(&'static str, String)>,
}

impl<'a> Named<'a> {
    pub(super) fn new(
        lang: &'a str,
        id: &str,
        key: &'a str,
        outer: &[(&'static str, usize)],
    ) -> Named<'a> {
        Named {
            lang,
            id: id.to_owned(),
            key,
            outer: outer
                .iter()
                .map(|(k, row)| (*k, (row + 1).to_string()))
                .collect(),
        }
    }

    /// The problem `problem` of the input `input` of row `row`, on it.
    fn on(&self, row: usize, input: &str, problem: &str) -> Placed {
        let n = (row + 1).to_string();
        let mut numbers: Vec<(&str, &str)> = vec![("n", &n)];
        numbers.extend(self.outer.iter().map(|(k, v)| (*k, v.as_str())));
        let field = t_with(self.lang, &format!("{}_{input}", self.key), &numbers);
        Placed::on(
            format!("{}_{row}_{input}", self.id),
            message(self.lang, &field, problem),
        )
    }
}

/// The problem `tail` of the criterion in row `row` of `rows`; `criteria_rows` are the rows
/// the rules' criteria came from.
pub(super) fn criterion(
    rows: &[CriterionRow],
    named: &Named,
    row: usize,
    tail: &str,
    domain: &str,
    criteria_rows: &[usize],
) -> Placed {
    let lang = named.lang;
    let typed = &rows[row];
    let (input, problem) = match tail {
        "key" | "label" if typed.label.trim().is_empty() => ("label", t(lang, "fe_required")),
        "label" => (
            "label",
            text_problem(lang, &typed.label, Lines::Single, domain),
        ),
        "key" => {
            let key = typed.key();
            let shared = criteria_rows
                .iter()
                .take_while(|r| **r != row)
                .any(|r| rows[*r].key() == key);
            let key = if shared {
                "fe_criterion_duplicate"
            } else {
                "fe_criterion_unusable"
            };
            ("label", t(lang, key))
        }
        "weight" | "max" => (tail, whole_number(lang, tail)),
        "description" => (
            "description",
            text_problem(lang, &typed.description, Lines::Single, domain),
        ),
        _ => ("label", domain.to_owned()),
    };
    named.on(row, input, &problem)
}

/// The problem `tail` of the prize `typed`, in row `row`.
pub(super) fn prize(
    editor: &Editor,
    typed: &PrizeRow,
    named: &Named,
    row: usize,
    tail: &str,
    domain: &str,
) -> Placed {
    let lang = named.lang;
    let (input, problem) = match tail {
        "label" => (
            "label",
            text_problem(lang, &typed.label, Lines::Single, domain),
        ),
        "amount_cents" => {
            let currency = editor.value("currency").trim().to_uppercase();
            let too_large = Money::parse(&typed.amount, &currency)
                .is_some_and(|amount| amount.cents() > MAX_POOL_CENTS);
            let key = if too_large {
                "fe_amount_too_large"
            } else {
                "fe_amount"
            };
            ("amount", t(lang, key))
        }
        _ => ("label", domain.to_owned()),
    };
    named.on(row, input, &problem)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::rules::Rules;

    /// The bounds the messages give are the rules' own: the highest is accepted, one more is
    /// refused, and so is one less than the lowest.
    #[test]
    fn the_bounds_in_the_messages_are_the_rules_bounds() {
        let valid = super::super::tests::valid_document();
        assert!(Rules::parse(&valid).is_ok());
        for (input, min, max) in WHOLE_NUMBERS {
            let set = |value: i64| {
                let mut rules = valid.clone();
                match input {
                    "weight" | "max" => rules["criteria"][0][input] = json!(value),
                    "top" | "min_score" => {
                        let round = super::super::tests::valid_round();
                        rules["rounds"] = json!([round]);
                        rules["rounds"][0]["advance"] = json!({input: value});
                    }
                    "fallback_n" => rules["fallback"] = json!({"policy": "split_top", "n": value}),
                    _ => rules[input] = json!(value),
                }
                Rules::parse(&rules).is_ok()
            };
            assert!(
                set(min) && set(max),
                "{input}: {min} and {max} are accepted"
            );
            assert!(
                !set(max + 1) && !set(min - 1),
                "{input}: outside is refused"
            );
        }
    }

    #[test]
    fn the_limit_is_read_from_the_sentence() {
        assert_eq!(number_in("Use at most 100 characters."), Some("100"));
        assert_eq!(number_in("This field may not be empty."), None);
    }
}
