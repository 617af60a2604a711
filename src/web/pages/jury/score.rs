//! The scoring page: a juror's entries, one at a time, with the score form (saved by
//! `sheet.rs`, a conflict declared by `conflict.rs`).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::app::contests::{self, ContestView};
use crate::app::jury::{self, JuryEntries, JuryEntry};
use crate::app::{AppError, AppResult, ErrorCode};
use crate::domain::lifecycle::Phase;
use crate::domain::rules::Criterion;
use crate::domain::{award, canonical};
use crate::web::pages::contests::structure::RoundNow;
use crate::web::pages::ideas::shared::{
    ContestInfo, base_context, show_error, size_label, with_view,
};
use crate::web::pages::{Page, SignedInPage, url_escape};
use crate::web::{AppState, i18n};

#[derive(Debug, Deserialize)]
pub(crate) struct JuryQuery {
    /// The entry to show.
    entry: Option<String>,
    /// Show the first unscored entry after this one (after saving it).
    after: Option<String>,
    /// The action just done (`saved`, `finished`): its notice; any other key shows nothing.
    done: Option<String>,
    conflict: Option<String>,
}

/// A score sheet as typed, to show back after an error.
#[derive(Debug, Default)]
pub(super) struct TypedSheet {
    pub entry_id: String,
    pub scores: BTreeMap<String, String>,
    pub comment: Option<String>,
    pub reason: Option<String>,
}

/// Which entry the scoring page shows.
pub(super) enum Selection {
    Entry(String),
    After(String),
    FirstUnscored,
}

/// The index of the entry to show: the one asked for, else the next unscored one.
fn select(entries: &JuryEntries, selection: &Selection) -> usize {
    let unscored = |i: &usize| entries.entries[*i].my_scores.is_empty();
    let position = |id: &str| entries.entries.iter().position(|e| e.entry_id == id);
    let count = entries.entries.len();
    let first_unscored = || (0..count).find(unscored);
    match selection {
        Selection::Entry(id) => position(id).or_else(first_unscored).unwrap_or(0),
        Selection::After(id) => match position(id) {
            Some(at) => (at + 1..count).chain(0..at).find(unscored).unwrap_or(at),
            None => first_unscored().unwrap_or(0),
        },
        Selection::FirstUnscored => first_unscored().unwrap_or(0),
    }
}

/// What the scoring page shows besides the entries: what was typed, an error, a notice.
#[derive(Default)]
pub(super) struct JuryPageState {
    pub typed: Option<TypedSheet>,
    pub error: Option<AppError>,
    pub notice: Option<String>,
}

/// The page when this reader cannot score now: judging is over, or has not started.
#[derive(Serialize)]
struct ClosedView {
    closed: String,
    awarded: bool,
    contest: ContestInfo,
}

/// Whether `error` says that judging is over (rather than not started yet).
fn judging_is_over(error: &AppError) -> bool {
    matches!(
        error,
        AppError::Conflict {
            code: ErrorCode::JudgingClosed,
            ..
        }
    )
}

/// A criterion of the score form, with its value and its message.
#[derive(Serialize)]
struct CriterionRow {
    key: String,
    label: String,
    /// What the scores mean, as the rules say (plain text, escaped by the template).
    description: String,
    max: u32,
    range: String,
    weight: String,
    /// The weight as a number, for jury.js's running total.
    weight_value: u32,
    value: String,
    /// What is saved (blank if nothing), for jury.js to tell typed from saved.
    saved: String,
    error: String,
}

/// An entry in the list beside the form.
#[derive(Serialize)]
struct EntryLink {
    entry_id: String,
    label: String,
    title: String,
    scored: bool,
    current: bool,
}

#[derive(Serialize)]
struct AttachmentLink {
    url: String,
    label: String,
    size: String,
}

/// The entry being scored.
#[derive(Serialize)]
struct EntryShown {
    entry_id: String,
    label: String,
    title: String,
    summary: String,
    body_html: String,
    attachments: Vec<AttachmentLink>,
    scores_action: String,
    conflict_action: String,
    /// The category the entry is in (empty: none).
    track_label: String,
}

/// The scoring page's view.
#[derive(Serialize)]
struct ScoringView {
    /// Empty: the juror can score (see [`ClosedView`]).
    closed: &'static str,
    awarded: bool,
    previous_entry: String,
    next_entry: String,
    scored: usize,
    assigned: usize,
    progress_label: String,
    all_done: bool,
    entries: Vec<EntryLink>,
    criteria: Vec<CriterionRow>,
    entry: Option<EntryShown>,
    comment: String,
    /// The comment as saved, for jury.js to tell typed from saved.
    saved_comment: String,
    reason: String,
    /// The weighted total of the scores in the form, "72.5 / 100" ("— / 100" while unknown).
    total: String,
    /// Every other entry is scored: saving this one finishes the juror's work.
    finishing: bool,
    /// Where jury.js keeps what was typed and not saved, in this tab: one key per juror and
    /// entry, so that two jurors on one browser never see each other's values.
    draft_key: String,
    contest: ContestInfo,
    /// The round being judged, when the rules have rounds (issue 20).
    round: Option<RoundNow>,
}

fn entry_label(page: &Page, number: usize) -> String {
    page.t_with("scoring_entry", &[("number", &number.to_string())])
}

fn entry_shown(page: &Page, contest: &ContestInfo, e: &JuryEntry) -> EntryShown {
    let contest_id = contest.id.as_str();
    let action = |what: &str| {
        format!(
            "/contests/{}/jury/entries/{}/{what}",
            url_escape(contest_id),
            url_escape(&e.entry_id)
        )
    };
    EntryShown {
        entry_id: e.entry_id.clone(),
        label: entry_label(page, e.number),
        title: e.title.clone(),
        summary: e.summary.clone(),
        body_html: e.body_html.clone(),
        attachments: e
            .attachments
            .iter()
            .map(|a| AttachmentLink {
                url: a.url.clone(),
                label: page.t_with("scoring_attachment", &[("number", &a.number.to_string())]),
                size: size_label(a.size, page.lang),
            })
            .collect(),
        scores_action: action("scores"),
        conflict_action: action("conflict"),
        track_label: contest.track_label(e.track.as_deref()),
    }
}

fn criterion_rows(
    page: &Page,
    criteria: &[Criterion],
    typed_scores: Option<&TypedSheet>,
    current: Option<&JuryEntry>,
    field_errors: &BTreeMap<String, String>,
) -> Vec<CriterionRow> {
    criteria
        .iter()
        .map(|c| {
            let value = match (typed_scores, current) {
                (Some(t), _) => t.scores.get(&c.key).cloned().unwrap_or_default(),
                (None, Some(entry)) => entry
                    .my_scores
                    .get(&c.key)
                    .map(i32::to_string)
                    .unwrap_or_default(),
                (None, None) => String::new(),
            };
            let saved = current
                .and_then(|entry| entry.my_scores.get(&c.key))
                .map(i32::to_string)
                .unwrap_or_default();
            CriterionRow {
                key: c.key.clone(),
                label: c.label.clone(),
                description: c.description.clone().unwrap_or_default(),
                max: c.max,
                range: page.t_with("scoring_range", &[("max", &c.max.to_string())]),
                weight: page.t_with("scoring_weight", &[("weight", &c.weight.to_string())]),
                weight_value: c.weight,
                value,
                saved,
                error: field_errors
                    .get(&format!("scores.{}", c.key))
                    .cloned()
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// The weighted total of the scores in the form, by the domain's formula (a blank score counts
/// as 0); `None` while nothing is typed or a score is not a whole number in its range.
fn running_total(criteria: &[Criterion], rows: &[CriterionRow]) -> Option<f64> {
    let mut scores = BTreeMap::new();
    for (c, row) in criteria.iter().zip(rows) {
        let typed = row.value.trim();
        if typed.is_empty() {
            continue;
        }
        let score = typed.parse::<u32>().ok().filter(|s| *s <= c.max)?;
        scores.insert(c.key.clone(), score);
    }
    if scores.is_empty() {
        return None;
    }
    Some(award::sheet_score(criteria, &scores) as f64 / 1_000_000.0)
}

/// The running total as the page shows it, in the reader's language.
fn total_label(page: &Page, total: Option<f64>) -> String {
    let total = total.map_or_else(|| "—".to_owned(), |t| i18n::number(t, 1, page.lang));
    page.t_with("scoring_total_value", &[("total", &total)])
}

/// The key under which jury.js keeps a juror's unsaved scores for an entry in this tab: by a
/// digest of the juror's id (not the id itself) and the entry's id, which is already the
/// juror's own.
fn draft_key(user_id: &str, entry_id: &str) -> String {
    let juror = canonical::sha256_hex(format!("concours-scores:{user_id}").as_bytes());
    format!("concours.scores.{}.{entry_id}", &juror[..16])
}

/// The scoring view for the entries of a juror who can score.
fn scoring_view(
    page: &Page,
    contest: &ContestView,
    entries: &JuryEntries,
    selection: Selection,
    typed: Option<TypedSheet>,
    field_errors: &BTreeMap<String, String>,
) -> ScoringView {
    let selection = match &typed {
        Some(typed) => Selection::Entry(typed.entry_id.clone()),
        None => selection,
    };
    let index = select(entries, &selection);
    let current = entries.entries.get(index);
    // What was typed belongs to the entry it was typed for, if that is the one shown.
    let typed = typed.filter(|t| current.is_some_and(|c| c.entry_id == t.entry_id));
    // A declared conflict that failed typed a reason, not scores: those shown are the saved ones.
    let typed_scores = typed.as_ref().filter(|t| t.reason.is_none());
    // The criteria of the round being judged (the main ones without rounds).
    let criteria = &entries.criteria;
    let info = ContestInfo::of(contest, page.lang);
    let has_rounds = crate::web::pages::kit::rules(contest).is_some_and(|r| !r.rounds.is_empty());
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| entries.entries.get(i))
            .map(|e| e.entry_id.clone())
            .unwrap_or_default()
    };
    let progress = &entries.progress;
    let comment = match (typed_scores, current) {
        (Some(t), _) => t.comment.clone().unwrap_or_default(),
        (None, Some(e)) => e.my_comment.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let rows = criterion_rows(page, criteria, typed_scores, current, field_errors);
    let total = total_label(page, running_total(criteria, &rows));
    let finishing = entries
        .entries
        .iter()
        .enumerate()
        .all(|(i, e)| i == index || !e.my_scores.is_empty());
    let user_id = page
        .user
        .as_ref()
        .map(|u| u.id.as_str())
        .unwrap_or_default();
    ScoringView {
        closed: "",
        awarded: false,
        previous_entry: neighbour(index.checked_sub(1)),
        next_entry: neighbour(Some(index + 1)),
        scored: progress.scored,
        assigned: progress.assigned,
        progress_label: page.t_with(
            "scoring_progress",
            &[
                ("scored", &progress.scored.to_string()),
                ("assigned", &progress.assigned.to_string()),
            ],
        ),
        all_done: progress.assigned > 0 && progress.scored == progress.assigned,
        entries: entries
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| EntryLink {
                entry_id: e.entry_id.clone(),
                label: entry_label(page, e.number),
                title: e.title.clone(),
                scored: !e.my_scores.is_empty(),
                current: i == index,
            })
            .collect(),
        criteria: rows,
        entry: current.map(|e| entry_shown(page, &info, e)),
        comment,
        saved_comment: current
            .and_then(|e| e.my_comment.clone())
            .unwrap_or_default(),
        reason: typed.and_then(|t| t.reason).unwrap_or_default(),
        total,
        finishing: current.is_some() && finishing,
        draft_key: current
            .map(|e| draft_key(user_id, &e.entry_id))
            .unwrap_or_default(),
        round: has_rounds.then(|| RoundNow::of(&entries.round, page.lang)),
        contest: info,
    }
}

/// The contest and, if the reader can score it now, their entries.
async fn load_jury(
    state: &AppState,
    page: &Page,
    contest_id: String,
) -> AppResult<(ContestView, AppResult<JuryEntries>)> {
    page.run(state, move |ctx, conn, actor| {
        let contest = contests::show(ctx, conn, actor, &contest_id)?;
        let entries = jury::entries(ctx, conn, actor, &contest_id);
        Ok((contest, entries))
    })
    .await
}

/// Renders the scoring page of a contest, with `extra`.
pub(super) async fn render_jury(
    state: &AppState,
    page: &Page,
    contest_id: String,
    selection: Selection,
    extra: JuryPageState,
) -> HttpResponse {
    render(state, page, contest_id, selection, extra, false).await
}

/// Renders the scoring page; `finished`: the juror has just scored their last entry, and the
/// notice takes the focus.
async fn render(
    state: &AppState,
    page: &Page,
    contest_id: String,
    selection: Selection,
    extra: JuryPageState,
    finished: bool,
) -> HttpResponse {
    let (contest, entries) = match load_jury(state, page, contest_id).await {
        Ok(found) => found,
        Err(error) => return page.error(&state.tera, error),
    };
    let entries = match entries {
        Ok(entries) => entries,
        Err(AppError::Forbidden(_) | AppError::Unauthorized(_)) => {
            return page.refused(
                &state.tera,
                &page.t("scoring_not_juror"),
                StatusCode::FORBIDDEN,
            );
        }
        Err(error @ AppError::Conflict { .. }) => {
            let awarded = contest.phase == Phase::Awarded;
            let contest = ContestInfo::of(&contest, page.lang);
            let closed = if judging_is_over(&error) || awarded {
                page.t("scoring_closed")
            } else {
                page.t_with(
                    "scoring_not_started",
                    &[("date", &contest.submission_deadline)],
                )
            };
            let view = ClosedView {
                closed,
                awarded,
                contest,
            };
            let context = with_view(base_context(page), &view);
            return page.render(&state.tera, "jury/score.html", &context);
        }
        Err(error) => return page.error(&state.tera, error),
    };
    let mut context = base_context(page);
    let (status, field_errors) = match &extra.error {
        Some(error) => show_error(page, &mut context, error, &entries.criteria),
        None => (StatusCode::OK, BTreeMap::new()),
    };
    let view = scoring_view(
        page,
        &contest,
        &entries,
        selection,
        extra.typed,
        &field_errors,
    );
    let mut context = with_view(context, &view);
    if let Some(notice) = extra.notice {
        context.insert("notice", &notice);
    }
    context.insert("finished", &finished);
    page.render_status(&state.tera, "jury/score.html", &context, status)
}

pub(crate) async fn jury_page(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    query: web::Query<JuryQuery>,
) -> HttpResponse {
    let query = query.into_inner();
    let finished = query.done.as_deref() == Some("finished");
    let notice = match query.done.as_deref() {
        Some("saved" | "finished") => Some(page.t("scoring_saved")),
        _ if query.conflict.is_some() => Some(page.t("scoring_conflict_done")),
        _ => None,
    };
    let selection = match (query.entry, query.after) {
        (Some(entry), _) => Selection::Entry(entry),
        (None, Some(after)) => Selection::After(after),
        (None, None) => Selection::FirstUnscored,
    };
    let extra = JuryPageState {
        notice,
        ..Default::default()
    };
    render(&state, &page, id.into_inner(), selection, extra, finished).await
}
