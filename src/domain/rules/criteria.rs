//! The rules' criteria: what the jury scores, each with its key, label, weight, highest score
//! and, optionally, a description of what its scores mean.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Criterion, Parser};

/// The longest description of a criterion, in characters: a few sentences on what the scores
/// mean, not a second brief.
pub const MAX_DESCRIPTION: usize = 500;

impl Parser {
    /// The criteria at `at`: the final round's (`rules.criteria`) or an earlier round's.
    pub(super) fn criteria_at(
        &mut self,
        value: Option<&Value>,
        at: &str,
    ) -> Option<Vec<Criterion>> {
        let items = self.list_at(value, at, 1, 10)?;
        let before = self.errors.len();
        let mut criteria = Vec::new();
        let mut keys = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{at}[{i}]");
            let Some(c) = item.as_object() else {
                self.error(
                    &path,
                    "Each criterion is an object {key, label, weight, max} with an optional description.",
                );
                continue;
            };
            self.unknown_keys(c, &path, &["key", "label", "weight", "max", "description"]);
            let key = self.key_at(c.get("key"), &format!("{path}.key"), &mut keys, "criterion");
            let label = self.text_at(c.get("label"), &format!("{path}.label"), 100);
            let weight = self.integer_at(c.get("weight"), &format!("{path}.weight"), 1, 100);
            let max = self.integer_at(c.get("max"), &format!("{path}.max"), 1, 100);
            let description =
                self.description(c.get("description"), &format!("{path}.description"));
            if let (Some(key), Some(label), Some(weight), Some(max), Ok(description)) =
                (key, label, weight, max, description)
            {
                criteria.push(Criterion {
                    key,
                    label,
                    weight: weight as u32,
                    max: max as u32,
                    description,
                });
            }
        }
        (self.errors.len() == before).then_some(criteria)
    }

    /// A criterion's optional description: absent, null or blank is none (an editor's empty
    /// field), otherwise trimmed text of at most [`MAX_DESCRIPTION`] characters. `Err` when
    /// refused (the error is recorded).
    fn description(&mut self, value: Option<&Value>, path: &str) -> Result<Option<String>, ()> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) if s.trim().chars().count() > MAX_DESCRIPTION => {
                self.error(path, &format!("Use at most {MAX_DESCRIPTION} characters."));
                Err(())
            }
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(_) => {
                self.error(path, "Use text.");
                Err(())
            }
        }
    }
}
