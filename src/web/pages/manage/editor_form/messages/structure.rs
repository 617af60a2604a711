//! The judging structure's problems (issue 20) on the rows of tracks and rounds: each path
//! of the rules (`tracks[1].prizes[0].amount_cents`, `rounds[0].advance.top`…) is mapped through
//! the rows it came from (empty rows are skipped) to its input, and told in the reader's
//! language, naming it ("Track 2 — prize 1 — amount: …").

use chrono::{DateTime, Utc};

use crate::domain::text::Lines;

use super::super::super::super::form_errors::message;
use super::super::super::super::{t, t_with};
use super::{Editor, Rows, from_local_input};
use super::{Named, Placed, criterion, indexed, prize, text_problem, whole_number};

/// Where a problem of the structure goes and what it says, or `None` when it is not about the
/// structure (or about a row the form does not have).
pub(super) fn place(
    editor: &Editor,
    lang: &str,
    path: &str,
    domain: &str,
    rows: &Rows,
) -> Option<Placed> {
    if let Some((i, tail)) = indexed(path, "tracks")
        && let Some((row, prize_rows)) = rows.tracks.get(i)
    {
        return Some(track(editor, lang, *row, prize_rows, tail, domain, rows));
    }
    if let Some((i, tail)) = indexed(path, "rounds")
        && let Some((row, criteria_rows)) = rows.rounds.get(i)
    {
        return Some(round(editor, lang, *row, criteria_rows, tail, domain, rows));
    }
    let (id, field, problem) = match path {
        "tracks" => ("track_0_label", "fe_tracks", "fe_tracks_count"),
        "rounds" => ("round_0_label", "fe_rounds", "fe_rounds_count"),
        _ => return None,
    };
    Some(Placed::on(
        id,
        message(lang, &t(lang, field), &t(lang, problem)),
    ))
}

/// A label of a track or a round: blank, unusable or shared with an earlier row.
fn label_problem(
    lang: &str,
    label: &str,
    tail: &str,
    domain: &str,
    shared: bool,
    what: &str,
) -> String {
    match tail {
        _ if label.trim().is_empty() => t(lang, "fe_required"),
        "label" => text_problem(lang, label, Lines::Single, domain),
        _ if shared => t(lang, &format!("fe_{what}_duplicate")),
        _ => t(lang, "fe_criterion_unusable"),
    }
}

fn track(
    editor: &Editor,
    lang: &str,
    row: usize,
    prize_rows: &[usize],
    tail: &str,
    domain: &str,
    rows: &Rows,
) -> Placed {
    let typed = &editor.tracks[row];
    let t_n = (row + 1).to_string();
    let name = |key: &str| t_with(lang, key, &[("t", &t_n)]);
    if let Some((j, tail)) = indexed(tail, "prizes")
        && let Some(&prize_row) = prize_rows.get(j)
    {
        let named = Named::new(
            lang,
            &format!("track_{row}_prize"),
            "fe_track_prize",
            &[("t", row)],
        );
        return prize(
            editor,
            &typed.prizes[prize_row],
            &named,
            prize_row,
            tail,
            domain,
        );
    }
    match tail {
        "key" | "label" => {
            let key = typed.key();
            let shared = (rows.tracks.iter())
                .take_while(|(r, _)| *r != row)
                .any(|(r, _)| editor.tracks[*r].key() == key);
            let problem = label_problem(lang, &typed.label, tail, domain, shared, "track");
            Placed::on(
                format!("track_{row}_label"),
                message(lang, &name("fe_track_label"), &problem),
            )
        }
        "prizes" => Placed::on(
            format!("track_{row}_prize_0_label"),
            message(lang, &name("fe_track_prizes"), &t(lang, "fe_prizes_count")),
        ),
        _ => Placed::on(
            format!("track_{row}_label"),
            message(lang, &name("fe_track_label"), domain),
        ),
    }
}

fn round(
    editor: &Editor,
    lang: &str,
    row: usize,
    criteria_rows: &[usize],
    tail: &str,
    domain: &str,
    rows: &Rows,
) -> Placed {
    let typed = &editor.rounds[row];
    let r_n = (row + 1).to_string();
    let name = |key: &str| t_with(lang, key, &[("r", &r_n)]);
    let on = |input: &str, key: &str, problem: String| {
        Placed::on(
            format!("round_{row}_{input}"),
            message(lang, &name(key), &problem),
        )
    };
    if let Some((j, tail)) = indexed(tail, "criteria")
        && let Some(&criterion_row) = criteria_rows.get(j)
    {
        let named = Named::new(
            lang,
            &format!("round_{row}_criterion"),
            "fe_round_criterion",
            &[("r", row)],
        );
        return criterion(
            &typed.criteria,
            &named,
            criterion_row,
            tail,
            domain,
            criteria_rows,
        );
    }
    match tail {
        "key" | "label" => {
            let key = typed.key();
            let problem =
                if key == crate::domain::rules::FINAL_ROUND && !typed.label.trim().is_empty() {
                    t(lang, "fe_round_final")
                } else {
                    let shared = (rows.rounds.iter())
                        .take_while(|(r, _)| *r != row)
                        .any(|(r, _)| editor.rounds[*r].key() == key);
                    label_problem(lang, &typed.label, tail, domain, shared, "round")
                };
            on("label", "fe_round_label", problem)
        }
        "ends_at" => on(
            "ends_at",
            "fe_round_ends_at",
            end_problem(editor, lang, row, rows),
        ),
        "criteria" => Placed::on(
            format!("round_{row}_criterion_0_label"),
            message(
                lang,
                &name("fe_round_criteria"),
                &t(lang, "fe_criteria_count"),
            ),
        ),
        "advance" => on(
            "advance_n",
            "fe_round_advance",
            t(lang, "fe_choose_advance"),
        ),
        "advance.top" => on("advance_n", "fe_round_advance", whole_number(lang, "top")),
        "advance.min_score" => on(
            "advance_n",
            "fe_round_advance",
            whole_number(lang, "min_score"),
        ),
        "advance.per_track" => {
            let problem = if rows.tracks.is_empty() {
                t(lang, "fe_per_track_needs_tracks")
            } else {
                t(lang, "fe_yes_no")
            };
            on("per_track", "fe_round_per_track", problem)
        }
        _ => on("label", "fe_round_label", domain.to_owned()),
    }
}

/// What is wrong with a round's end, read from what was typed: unreadable, not before the
/// judging deadline, or not after the submission deadline (the first round) or the round
/// before it.
fn end_problem(editor: &Editor, lang: &str, row: usize, rows: &Rows) -> String {
    let instant = |typed: &str| {
        from_local_input(typed)
            .as_str()
            .and_then(|at| at.parse::<DateTime<Utc>>().ok())
    };
    let Some(end) = instant(&editor.rounds[row].ends_at) else {
        return t(lang, "fe_date");
    };
    if instant(editor.value("judging_deadline")).is_some_and(|judging| end >= judging) {
        return t(lang, "fe_round_before_judging");
    }
    if rows.rounds.first().is_some_and(|(first, _)| *first == row) {
        t(lang, "fe_after_submission")
    } else {
        t(lang, "fe_round_after_previous")
    }
}
