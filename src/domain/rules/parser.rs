//! The parser's helpers: typed values read at a path, every problem recorded.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{Fallback, MAX_POOL_CENTS, Prize, RuleError};

/// Reads a rules document, collecting every problem on the way.
#[derive(Default)]
pub(super) struct Parser {
    pub(super) errors: Vec<RuleError>,
}

impl Parser {
    pub(super) fn error(&mut self, path: &str, message: &str) {
        self.errors.push(RuleError {
            path: path.to_owned(),
            message: message.to_owned(),
        });
    }

    pub(super) fn missing(&mut self, key: &str) {
        self.error(&format!("rules.{key}"), "This field is required.");
    }

    pub(super) fn instant(
        &mut self,
        object: &Map<String, Value>,
        key: &str,
    ) -> Option<DateTime<Utc>> {
        self.instant_at(object.get(key), &format!("rules.{key}"))
    }

    pub(super) fn instant_at(
        &mut self,
        value: Option<&Value>,
        path: &str,
    ) -> Option<DateTime<Utc>> {
        let path = path.to_owned();
        match value {
            None => {
                self.error(&path, "This field is required.");
                None
            }
            Some(Value::String(s)) => match DateTime::parse_from_rfc3339(s) {
                Ok(at)
                    if at.offset().local_minus_utc() == 0
                        && (s.ends_with('Z') || s.ends_with('z')) =>
                {
                    Some(at.with_timezone(&Utc))
                }
                Ok(_) => {
                    self.error(
                        &path,
                        "Write the time in UTC, ending in Z, e.g. 2027-01-31T12:00:00Z.",
                    );
                    None
                }
                Err(_) => {
                    self.error(
                        &path,
                        "Write an RFC 3339 UTC time, e.g. 2027-01-31T12:00:00Z.",
                    );
                    None
                }
            },
            Some(_) => {
                self.error(
                    &path,
                    "Write an RFC 3339 UTC time, e.g. 2027-01-31T12:00:00Z.",
                );
                None
            }
        }
    }

    pub(super) fn integer_at(
        &mut self,
        value: Option<&Value>,
        path: &str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        match value {
            None => {
                self.error(path, "This field is required.");
                None
            }
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Some(i),
                Some(_) => {
                    self.error(path, &format!("Use a whole number from {min} to {max}."));
                    None
                }
                None => {
                    self.error(path, "Use a whole number, not a decimal.");
                    None
                }
            },
            Some(_) => {
                self.error(path, "Use a whole number.");
                None
            }
        }
    }

    pub(super) fn integer(
        &mut self,
        object: &Map<String, Value>,
        key: &str,
        min: u32,
        max: u32,
    ) -> Option<u32> {
        self.integer_at(
            object.get(key),
            &format!("rules.{key}"),
            i64::from(min),
            i64::from(max),
        )
        .map(|i| i as u32)
    }

    pub(super) fn text_at(
        &mut self,
        value: Option<&Value>,
        path: &str,
        max_chars: usize,
    ) -> Option<String> {
        match value {
            None => {
                self.error(path, "This field is required.");
                None
            }
            Some(Value::String(s)) => {
                let trimmed = s.trim();
                if trimmed.is_empty() {
                    self.error(path, "This field may not be empty.");
                    None
                } else if trimmed.chars().count() > max_chars {
                    self.error(path, &format!("Use at most {max_chars} characters."));
                    None
                } else {
                    Some(trimmed.to_owned())
                }
            }
            Some(_) => {
                self.error(path, "Use text.");
                None
            }
        }
    }

    pub(super) fn text(
        &mut self,
        object: &Map<String, Value>,
        key: &str,
        max_chars: usize,
    ) -> Option<String> {
        self.text_at(object.get(key), &format!("rules.{key}"), max_chars)
    }

    pub(super) fn list_at<'v>(
        &mut self,
        value: Option<&'v Value>,
        path: &str,
        min: usize,
        max: usize,
    ) -> Option<&'v Vec<Value>> {
        match value {
            None => {
                self.error(path, "This field is required.");
                None
            }
            Some(Value::Array(items)) if (min..=max).contains(&items.len()) => Some(items),
            Some(Value::Array(_)) if min == 0 => {
                self.error(path, &format!("List at most {max} of them."));
                None
            }
            Some(Value::Array(_)) => {
                self.error(path, &format!("List from {min} to {max} of them."));
                None
            }
            Some(_) => {
                self.error(path, "Use a list.");
                None
            }
        }
    }

    pub(super) fn unknown_keys(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        allowed: &[&str],
    ) {
        for key in object.keys() {
            if !allowed.contains(&key.as_str()) {
                self.error(&format!("{path}.{key}"), "This is not a field here.");
            }
        }
    }

    /// A list of prizes at `path` (the overall ones, or a track's), at least `min` of them.
    pub(super) fn prizes_at(
        &mut self,
        value: Option<&Value>,
        at: &str,
        min: usize,
    ) -> Option<Vec<Prize>> {
        if value.is_none() && min == 0 {
            return Some(Vec::new());
        }
        let items = self.list_at(value, at, min, 20)?;
        let before = self.errors.len();
        let mut prizes = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{at}[{i}]");
            let Some(p) = item.as_object() else {
                self.error(&path, "Each prize is an object {label, amount_cents}.");
                continue;
            };
            self.unknown_keys(p, &path, &["label", "amount_cents"]);
            let label = self.text_at(p.get("label"), &format!("{path}.label"), 100);
            let amount = match p.get("amount_cents") {
                Some(Value::Number(n)) if n.is_f64() => {
                    self.error(
                        &format!("{path}.amount_cents"),
                        "Amounts are whole cents (an integer), never decimals.",
                    );
                    None
                }
                other => self.integer_at(other, &format!("{path}.amount_cents"), 1, MAX_POOL_CENTS),
            };
            if let (Some(label), Some(amount_cents)) = (label, amount) {
                prizes.push(Prize {
                    label,
                    amount_cents,
                });
            }
        }
        if self.errors.len() == before {
            let total: i128 = prizes.iter().map(|p| i128::from(p.amount_cents)).sum();
            if total > i128::from(MAX_POOL_CENTS) {
                self.error(at, "The prizes add up to more than Concours can hold.");
                return None;
            }
            Some(prizes)
        } else {
            None
        }
    }

    pub(super) fn fallback(&mut self, object: &Map<String, Value>) -> Option<Fallback> {
        let path = "rules.fallback";
        let Some(value) = object.get("fallback") else {
            self.missing("fallback");
            return None;
        };
        let Some(f) = value.as_object() else {
            self.error(path, r#"Use {"policy":"best_anyway"}, {"policy":"split_top","n":3} or {"policy":"split_all"}."#);
            return None;
        };
        match f.get("policy").and_then(Value::as_str) {
            Some("best_anyway") => {
                self.unknown_keys(f, path, &["policy"]);
                Some(Fallback::BestAnyway)
            }
            Some("split_all") => {
                self.unknown_keys(f, path, &["policy"]);
                Some(Fallback::SplitAll)
            }
            Some("split_top") => {
                self.unknown_keys(f, path, &["policy", "n"]);
                self.integer_at(f.get("n"), "rules.fallback.n", 1, 1000)
                    .map(|n| Fallback::SplitTop { n: n as u32 })
            }
            _ => {
                self.error(
                    "rules.fallback.policy",
                    "Choose best_anyway, split_top or split_all.",
                );
                None
            }
        }
    }
}
