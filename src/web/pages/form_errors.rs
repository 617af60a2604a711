//! A form's problems as the pages show them (issue 19): one message per input, naming its
//! field, under the input it is about, in the reader's language; and a summary at the top of
//! the form linking to each input (`templates/accounts/_error_summary.html`, focused by
//! `assets/forms.js`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::app::{AppError, ErrorCode};
use crate::domain::text::{Lines, check_characters, check_not_reserved};

use super::{t, t_with};

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

/// The first number in a sentence: the limit in "Use at most 100 characters."
pub fn number_in(sentence: &str) -> Option<&str> {
    sentence
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
}

/// The account forms' problems (sign-up, sign-in, password reset, settings) in `lang`, each
/// on its input (the input's id is the field's name; `links[2]` goes on `links`), read from
/// the use case's error and what was `typed` (field → value). `None` for an error that is not
/// about the fields (a limit, a failure): the page says that one in its own way.
pub fn of_account_form(lang: &str, error: &AppError, typed: &[(&str, &str)]) -> Option<FormErrors> {
    let value = |name: &str| {
        typed
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| *value)
            .unwrap_or_default()
    };
    let mut errors = FormErrors::default();
    match error {
        AppError::Conflict {
            code: ErrorCode::EmailTaken,
            ..
        } => errors.add(
            "email",
            message(lang, &t(lang, "fe_email"), &t(lang, "fe_email_taken")),
        ),
        AppError::Validation(fields) => {
            for f in fields {
                let (id, field, problem) = account_field(lang, &f.path, &f.message, value);
                match id {
                    Some(id) => errors.add(id, message(lang, &field, &problem)),
                    None => errors.add_general(format!("{}: {}", f.path, f.message)),
                }
            }
        }
        _ => return None,
    }
    let order: Vec<String> = typed.iter().map(|(name, _)| (*name).to_owned()).collect();
    errors.sort_by_form(&order);
    Some(errors)
}

/// One field's problem: its input id (none: not a field of these forms), name and problem.
fn account_field<'v>(
    lang: &str,
    path: &str,
    domain: &str,
    value: impl Fn(&str) -> &'v str,
) -> (Option<&'static str>, String, String) {
    let blank = |name: &str| value(name).trim().is_empty();
    let name = |key: &str| t(lang, key);
    let too_long = || {
        t_with(
            lang,
            "fe_too_long",
            &[("max", number_in(domain).unwrap_or("?"))],
        )
    };
    match path {
        "email" if blank("email") => (Some("email"), name("fe_email"), name("fe_required")),
        "email" => (Some("email"), name("fe_email"), name("fe_email_invalid")),
        "password" if blank("password") => {
            (Some("password"), name("fe_password"), name("fe_required"))
        }
        "password" if domain.contains("not your password") => (
            Some("password"),
            name("fe_password"),
            name("fe_password_wrong"),
        ),
        "password" if value("password").chars().count() < 10 => (
            Some("password"),
            name("fe_password"),
            name("fe_password_short"),
        ),
        "password" => (Some("password"), name("fe_password"), too_long()),
        "display_name" => {
            let typed = value("display_name");
            let problem = if typed.trim().is_empty() {
                name("fe_required")
            } else if typed.trim().chars().count() > 80 {
                name("fe_name_long")
            } else if check_characters(typed, Lines::Single).is_err() {
                name("fe_hidden_characters")
            } else if check_not_reserved(typed.trim()).is_err() {
                name("fe_name_reserved")
            } else {
                domain.to_owned()
            };
            (Some("display_name"), name("fe_display_name"), problem)
        }
        "bio" => {
            let problem = if check_characters(value("bio"), Lines::Multi).is_err() {
                name("fe_hidden_characters")
            } else {
                too_long()
            };
            (Some("bio"), name("fe_bio"), problem)
        }
        "links" => (Some("links"), name("fe_links"), name("fe_links_count")),
        p if p.starts_with("links[") => {
            let n = p
                .trim_start_matches("links[")
                .trim_end_matches(']')
                .parse::<usize>()
                .map(|i| (i + 1).to_string())
                .unwrap_or_default();
            let max = number_in(domain).unwrap_or("200");
            (
                Some("links"),
                t_with(lang, "fe_link", &[("n", &n)]),
                t_with(lang, "fe_link_invalid", &[("max", max)]),
            )
        }
        _ => (None, String::new(), String::new()),
    }
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
    fn account_errors_name_their_field_on_their_input() {
        let error = AppError::Validation(vec![
            crate::app::FieldError {
                path: "password".into(),
                message: "A password has at least 10 characters.".into(),
            },
            crate::app::FieldError {
                path: "email".into(),
                message: "Enter an email address.".into(),
            },
        ]);
        let typed = [
            ("email", ""),
            ("display_name", "Ann"),
            ("password", "short"),
        ];
        let errors = of_account_form("fr", &error, &typed).unwrap();
        let summary: Vec<(Option<&str>, &str)> = errors
            .summary
            .iter()
            .map(|i| (i.id.as_deref(), i.message.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (Some("email"), "Adresse e-mail\u{202f}: à remplir."),
                (
                    Some("password"),
                    "Mot de passe\u{202f}: 10 caractères au moins."
                ),
            ]
        );
        assert!(of_account_form("en", &AppError::internal("x"), &typed).is_none());
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
