//! A form's problems as the pages show them (issue 19): one message per input, naming its
//! field, under the input it is about, in the reader's language; and a summary at the top of
//! the form linking to each input (`templates/accounts/_error_summary.html`, focused by
//! `assets/forms.js`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::t_with;

/// One line of the summary: the message, and the id of the input it links to (none for a
/// problem that belongs to no input).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryItem {
    pub id: Option<String>,
    pub message: String,
}

/// A form's problems: by input id, one message each, and the summary in the order added.
#[derive(Debug, Default, Serialize)]
pub struct FormErrors {
    /// Input id → its one message.
    pub fields: BTreeMap<String, String>,
    /// Every message, in the order the form shows its inputs.
    pub summary: Vec<SummaryItem>,
}

impl FormErrors {
    /// Adds `message` under input `id`, unless that input has a message already: a field
    /// says one thing at a time (the first problem found, which the rest often follow from).
    pub fn add(&mut self, id: &str, message: String) {
        if self.fields.contains_key(id) {
            return;
        }
        self.fields.insert(id.to_owned(), message.clone());
        self.summary.push(SummaryItem {
            id: Some(id.to_owned()),
            message,
        });
    }

    /// A problem that belongs to no input: in the summary only, once.
    pub fn add_general(&mut self, message: String) {
        if self.summary.iter().all(|item| item.message != message) {
            self.summary.push(SummaryItem { id: None, message });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.summary.is_empty()
    }

    /// The message of input `id`, if it has one.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.fields.get(id).map(String::as_str)
    }

    /// The summary in the order of `ids` (the form's order), problems of no input last.
    pub fn sort_by_form(&mut self, ids: &[String]) {
        let position = |item: &SummaryItem| {
            item.id
                .as_ref()
                .and_then(|id| ids.iter().position(|known| known == id))
                .unwrap_or(usize::MAX)
        };
        self.summary.sort_by_key(position);
    }
}

/// "{field}: {problem}" in `lang` (French puts a narrow space before the colon).
pub fn message(lang: &str, field: &str, problem: &str) -> String {
    t_with(
        lang,
        "form_error",
        &[("field", field), ("problem", problem)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_keeps_its_first_message_only() {
        let mut errors = FormErrors::default();
        errors.add("weight", "first".into());
        errors.add("weight", "second".into());
        errors.add_general("general".into());
        errors.add_general("general".into());
        errors.add("amount", "amount".into());
        assert_eq!(errors.get("weight"), Some("first"));
        errors.sort_by_form(&["amount".into(), "weight".into()]);
        let order: Vec<&str> = errors.summary.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(order, ["amount", "first", "general"]);
    }

    #[test]
    fn messages_name_their_field_in_each_language() {
        assert_eq!(
            message("en", "Title", "fill this in."),
            "Title: fill this in."
        );
        assert_eq!(
            message("fr", "Titre", "à remplir."),
            "Titre\u{202f}: à remplir."
        );
    }
}
