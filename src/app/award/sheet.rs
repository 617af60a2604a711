//! The anonymised score sheet, written from the database at the award. What it computes to
//! (`compute`, `verify`) is the domain's: `domain::scoresheet`.

use super::*;
use crate::domain::rules::FINAL_ROUND;
use crate::store::ideas::Idea;

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The anonymised score sheet: the rules, every entry in the running with every sheet, jurors
/// as numbers; as its canonical text (what is published and hashed) and as the entries the
/// ranking reads.
///
/// Jurors are numbered in an order keyed with the server's secret, unrelated to the order in
/// which they joined (which the public roster shows), so that a number names nobody.
///
/// The text is written straight from typed rows: the structs' fields are declared in the
/// canonical order (keys sorted by bytes) and serde_json escapes strings exactly as
/// `canonical::to_string` does, so it is the canonical text of the document without building
/// it as a `serde_json::Value` (a tree of a million maps for 100,000 entries; a test keeps the
/// two equal).
pub(super) struct ScoreSheet {
    pub(super) text: String,
    pub(super) entries: Vec<rules::Entry>,
    /// The earlier rounds as they closed, each with its entrants' sheets of that round.
    pub(super) rounds: Vec<rules::RoundEntries>,
    /// The jurors' comments on each entry (read with the sheets, for the results mail).
    pub(super) comments: Comments,
}

/// Per idea, the jurors' comments, sorted: without saying who wrote them, and in an order that
/// tells nothing either.
pub(super) type Comments = std::collections::HashMap<String, Vec<String>>;

#[derive(Serialize)]
struct SheetRow<'a> {
    juror: usize,
    scores: &'a BTreeMap<String, u32>,
}

#[derive(Serialize)]
struct EntryRow<'a> {
    entry_id: &'a str,
    first_submitted_at: String,
    sheets: Vec<SheetRow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    track: Option<&'a str>,
}

/// An earlier round in the sheet: its entrants when it closed, with that round's sheets.
#[derive(Serialize)]
struct RoundRow<'a> {
    entrants: Vec<EntryRow<'a>>,
    key: &'a str,
}

/// Per (round, idea): (juror number, scores).
type Sheets = std::collections::HashMap<(String, String), Vec<(usize, BTreeMap<String, u32>)>>;

/// The entries of a list with their sheets of `round`, by juror number, and the numbers.
fn with_sheets(
    ideas: &[&Idea],
    round: &str,
    sheets: &mut Sheets,
) -> Vec<(rules::Entry, Vec<usize>)> {
    ideas
        .iter()
        .map(|idea| {
            let mut list = sheets
                .remove(&(round.to_owned(), idea.id.clone()))
                .unwrap_or_default();
            list.sort_by_key(|(juror, _)| *juror);
            let (numbers, sheets) = list.into_iter().unzip();
            (
                rules::Entry {
                    id: idea.id.clone(),
                    first_submitted_at: store::from_db(
                        idea.first_submitted_at.unwrap_or(idea.created_at),
                    ),
                    sheets,
                    track: idea.track.clone(),
                },
                numbers,
            )
        })
        .collect()
}

fn rows_of(entries: &[(rules::Entry, Vec<usize>)]) -> Vec<EntryRow<'_>> {
    entries
        .iter()
        .map(|(entry, numbers)| EntryRow {
            entry_id: &entry.id,
            first_submitted_at: rfc3339(entry.first_submitted_at),
            sheets: numbers
                .iter()
                .zip(&entry.sheets)
                .map(|(juror, scores)| SheetRow {
                    juror: *juror,
                    scores,
                })
                .collect(),
            track: entry.track.as_deref(),
        })
        .collect()
}

pub(super) fn scoresheet(
    conn: &mut DbConnection,
    contest: &Contest,
    rules: &Rules,
    salt: &str,
) -> AppResult<ScoreSheet> {
    let mut eligible = store::ideas::eligible_with_author_email(conn, &contest.id)?;
    eligible.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let mut jurors = store::jury::accepted_with_users(conn, &contest.id)?;
    jurors.sort_by_cached_key(|(juror, ..)| {
        canonical::sha256_hex(format!("juror:{salt}:{}:{}", contest.id, juror.id).as_bytes())
    });
    let mut sheets_by_idea = Sheets::new();
    let mut comments = Comments::new();
    for (number, (juror, ..)) in jurors.iter().enumerate() {
        for sheet in store::jury::sheets_of(conn, &juror.id)? {
            if let Some(comment) = sheet.comment {
                comments
                    .entry(sheet.idea_id.clone())
                    .or_default()
                    .push(comment);
            }
            let scores = crate::app::rounds::scores_of(sheet.values)?;
            sheets_by_idea
                .entry((sheet.round, sheet.idea_id))
                .or_default()
                .push((number + 1, scores));
        }
    }
    // The earlier rounds, as they closed: their entrants may include ideas that left the
    // running since (disqualified), whose sheets decided who advanced.
    let closings = store::rounds::of_contest(conn, &contest.id)?;
    let mut known: std::collections::HashMap<String, Idea> = eligible
        .iter()
        .map(|(idea, _)| (idea.id.clone(), idea.clone()))
        .collect();
    let mut rounds = Vec::new();
    for round in &rules.rounds {
        let Some(closing) = closings.iter().find(|c| c.round == round.key) else {
            return Err(AppError::internal(format!(
                "the round {} is not closed at the award",
                round.key
            )));
        };
        let mut ids = closing.entrant_ids();
        ids.sort();
        for id in &ids {
            if !known.contains_key(id)
                && let Some(idea) = store::ideas::find(conn, id)?
            {
                known.insert(id.clone(), idea);
            }
        }
        let ideas: Vec<&Idea> = ids.iter().filter_map(|id| known.get(id)).collect();
        rounds.push((
            round.key.as_str(),
            with_sheets(&ideas, &round.key, &mut sheets_by_idea),
        ));
    }
    let ideas: Vec<&Idea> = eligible.iter().map(|(idea, _)| idea).collect();
    let entries = with_sheets(&ideas, FINAL_ROUND, &mut sheets_by_idea);
    let rows = rows_of(&entries);
    let round_rows: Vec<RoundRow> = rounds
        .iter()
        .map(|(key, entrants)| RoundRow {
            entrants: rows_of(entrants),
            key,
        })
        .collect();
    // "rounds" only when the rules have rounds: a sheet without them reads as it always did.
    let rounds_text = if rules.rounds.is_empty() {
        String::new()
    } else {
        format!(
            r#""rounds":{},"#,
            serde_json::to_string(&round_rows).map_err(AppError::internal)?
        )
    };
    let text = format!(
        r#"{{"contest_id":{},"entries":{},"jurors":{},{rounds_text}"rules":{},"rules_hash":{}}}"#,
        serde_json::to_string(&contest.id).map_err(AppError::internal)?,
        serde_json::to_string(&rows).map_err(AppError::internal)?,
        jurors.len(),
        canonical::to_string(&rules.to_json()),
        serde_json::to_string(&contest.rules_hash).map_err(AppError::internal)?,
    );
    drop(rows);
    drop(round_rows);
    for list in comments.values_mut() {
        list.sort();
    }
    Ok(ScoreSheet {
        text,
        entries: entries.into_iter().map(|(entry, _)| entry).collect(),
        rounds: rounds
            .into_iter()
            .map(|(key, entrants)| rules::RoundEntries {
                key: key.to_owned(),
                entrants: entrants.into_iter().map(|(entry, _)| entry).collect(),
            })
            .collect(),
        comments,
    })
}
