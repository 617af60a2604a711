//! What the pages of innovators and jurors share: a contest as they show it, file sizes, and
//! an error shown on the form it came from, each field's message in the reader's language;
//! and `Page::run`, a use case run as the reader.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use serde::Serialize;
use tera::Context;

use crate::app::access::Actor;
use crate::app::contests::ContestView;
use crate::app::{AppError, AppResult, Ctx};
use crate::domain::lifecycle::Phase;
use crate::domain::rules::Criterion;
use crate::store::DbConnection;
use crate::web::AppState;
use crate::web::i18n;
pub(crate) use crate::web::pages::t_with;
use crate::web::pages::{Page, kit, t};

/// A file size as a person reads it (`512 bytes`, `1.5 MB`; `1,5 Mo` in French).
pub(crate) fn size_label(bytes: i64, lang: &str) -> String {
    let (kilo, mega) = if lang == "fr" {
        ("Ko", "Mo")
    } else {
        ("KB", "MB")
    };
    if bytes < 1024 {
        return t_with(lang, "idea_size_bytes", &[("n", &bytes.to_string())]);
    }
    if bytes >= 1024 * 1024 {
        let n = crate::web::i18n::number(bytes as f64 / (1024.0 * 1024.0), 1, lang);
        format!("{n} {mega}")
    } else {
        format!(
            "{} {kilo}",
            crate::web::i18n::number(bytes as f64 / 1024.0, 1, lang)
        )
    }
}

/// A contest as these pages show it.
#[derive(Debug, Serialize)]
pub(crate) struct ContestInfo {
    pub id: String,
    pub title: String,
    pub phase: &'static str,
    pub phase_label: String,
    pub opens_at: String,
    pub submission_deadline: String,
    pub judging_deadline: String,
    pub eligibility: String,
    pub ip_terms: String,
    /// Ideas can be submitted now.
    pub accepts_ideas: bool,
    /// Only drafts can be saved now (the contest opens later).
    pub drafts_only: bool,
    /// The categories an idea chooses among (issue 20); empty without tracks.
    pub tracks: Vec<TrackOption>,
}

/// A category of the "Category" select: its key and its label.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TrackOption {
    pub key: String,
    pub label: String,
}

impl ContestInfo {
    /// The label of the category `key` (empty for none, or one the rules do not have).
    pub fn track_label(&self, key: Option<&str>) -> String {
        key.and_then(|key| self.tracks.iter().find(|t| t.key == key))
            .map(|t| t.label.clone())
            .unwrap_or_default()
    }
}

impl ContestInfo {
    /// The contest's dates in the reader's language; empty for a draft whose rules are not
    /// complete yet.
    pub fn of(contest: &ContestView, lang: &str) -> ContestInfo {
        let rules = kit::rules(contest);
        let date = |pick: fn(&crate::domain::rules::Rules) -> chrono::DateTime<chrono::Utc>| {
            rules
                .as_ref()
                .map(|r| i18n::date(pick(r), lang))
                .unwrap_or_default()
        };
        ContestInfo {
            id: contest.id.clone(),
            title: contest.title.clone(),
            phase: contest.phase.as_str(),
            phase_label: t(lang, &format!("phase_{}", contest.phase.as_str())),
            opens_at: date(|r| r.opens_at),
            submission_deadline: date(|r| r.submission_deadline),
            judging_deadline: date(|r| r.judging_deadline),
            eligibility: rules
                .as_ref()
                .map(|r| r.eligibility.clone())
                .unwrap_or_default(),
            ip_terms: rules
                .as_ref()
                .map(|r| r.ip_terms.clone())
                .unwrap_or_default(),
            accepts_ideas: contest.phase == Phase::Submission,
            drafts_only: contest.phase == Phase::Upcoming,
            tracks: (rules.iter().flat_map(|r| &r.tracks))
                .map(|t| TrackOption {
                    key: t.key.clone(),
                    label: t.label.clone(),
                })
                .collect(),
        }
    }
}

/// A field's message in the reader's language. The use cases write their messages in English;
/// the French pages use the catalogue's sentence for the fields these pages show.
fn field_message(lang: &str, path: &str, english: &str, criteria: &[Criterion]) -> String {
    if lang == "en" {
        return english.to_owned();
    }
    if let Some(key) = path.strip_prefix("scores.") {
        return match criteria.iter().find(|c| c.key == key) {
            Some(c) => t_with(
                lang,
                "scoring_error_score",
                &[("label", &c.label), ("max", &c.max.to_string())],
            ),
            None => english.to_owned(),
        };
    }
    let key = match path {
        "title" => "idea_error_title",
        "summary" => "idea_error_summary",
        "body" => "idea_error_body",
        "accept_terms" => "idea_error_terms",
        "file" => "idea_error_file",
        "comment" => "scoring_error_comment",
        "reason" => "scoring_error_reason",
        _ => return english.to_owned(),
    };
    t(lang, key)
}

/// An idea form's field message, naming its field, in the reader's language: the use case's
/// sentence ("This field may not be empty.") names no field, and is English.
fn idea_field_message(lang: &str, path: &str, english: &str) -> Option<String> {
    let field = match path {
        "track" => return Some(t(lang, "structure_error_track")),
        "title" | "summary" | "body" => path,
        "file" => {
            let key = if english.contains("encrypted") {
                "entry_error_file_encrypted"
            } else if english.contains("cannot be read") {
                "entry_error_file_unreadable"
            } else {
                "idea_error_file"
            };
            return Some(t(lang, key));
        }
        _ => return None,
    };
    let key = if english.starts_with("This field may not be empty") {
        format!("entry_error_{field}_empty")
    } else if english.starts_with("Use at most") {
        format!("idea_error_{field}")
    } else {
        // Characters a text may not hold: the field, then what the use case says (English).
        let label = t(lang, &format!("entry_field_{field}"));
        return Some(t_with(
            lang,
            "entry_error_field",
            &[("field", &label), ("message", english)],
        ));
    };
    Some(t(lang, &key))
}

/// The order in which an idea form's fields come, for its error summary.
const IDEA_FIELDS: [&str; 6] = ["track", "title", "summary", "body", "file", "accept_terms"];

/// One line of an error summary: the field's id and its message.
#[derive(Serialize)]
struct SummaryLine<'a> {
    field: &'a str,
    message: &'a str,
}

/// Puts `error` on the form it came from: the sentence at the top (`error`, `error_code`) and
/// each field's message beside it (`field_errors`, also returned for pages that place them
/// themselves). Returns the status the page should have.
///
/// Whatever its kind, the error is shown on the form, as these pages always did: an invitation
/// sent to another address, or an entry a juror may no longer score, is explained where the
/// person acted, rather than by the generic refused page of [`Page::error`].
pub(crate) fn show_error(
    page: &Page,
    context: &mut Context,
    error: &AppError,
    criteria: &[Criterion],
) -> (StatusCode, BTreeMap<String, String>) {
    if let AppError::Internal(cause) = error {
        tracing::error!(error = ?cause, path = %page.path, "page use case failed");
    }
    let status = page.insert_error(context, error);
    let by_path: BTreeMap<String, String> = match error {
        AppError::Validation(fields) => fields
            .iter()
            .map(|f| {
                let message = idea_field_message(page.lang, &f.path, &f.message)
                    .filter(|_| criteria.is_empty())
                    .unwrap_or_else(|| field_message(page.lang, &f.path, &f.message, criteria));
                (f.path.clone(), message)
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    if let AppError::Validation(_) = error {
        context.insert("field_errors", &by_path);
        // The summary lists the fields in the form's order, then any other.
        let rank = |field: &str| IDEA_FIELDS.iter().position(|f| *f == field);
        let mut lines: Vec<SummaryLine> = by_path
            .iter()
            .map(|(field, message)| SummaryLine { field, message })
            .collect();
        lines.sort_by_key(|line| rank(line.field).unwrap_or(IDEA_FIELDS.len()));
        context.insert("error_list", &lines);
    }
    (status, by_path)
}

/// The context of a page with no error yet (templates compare these, so they must exist).
pub(crate) fn base_context(page: &Page) -> Context {
    let mut context = page.context();
    context.insert("error", "");
    context.insert("field_errors", &BTreeMap::<String, String>::new());
    context.insert("error_list", &Vec::<String>::new());
    context.insert("notice", "");
    context
}

/// `context` with the fields of a typed view added (tera reads a struct's fields as it reads
/// the keys of a map).
pub(crate) fn with_view(mut context: Context, view: &impl Serialize) -> Context {
    match Context::from_serialize(view) {
        Ok(fields) => context.extend(fields),
        Err(error) => tracing::error!(error = ?error, "page view not serialisable"),
    }
    context
}

/// Whether a checkbox was ticked.
pub(crate) fn checked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

// Kept here rather than in kit.rs, which other page helpers are editing; it belongs with the
// kit (`Page::run`) once they are merged.
impl Page {
    /// Runs a use case as this reader: the one transaction of a handler, given the reader's
    /// [`Actor`] (instead of `let actor = page.actor.clone()` before every `state.run`).
    pub async fn run<T, F>(&self, state: &AppState, use_case: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx, &mut DbConnection, &Actor) -> AppResult<T> + Send + 'static,
    {
        let actor = self.actor.clone();
        state
            .run(move |ctx, conn| use_case(ctx, conn, &actor))
            .await
    }
}
