//! The anonymised score sheet, written from the database at the award. What it computes to
//! (`compute`, `verify`) is the domain's: `domain::scoresheet`.

use super::*;

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
    // Per idea: (juror number, scores).
    type Sheets = Vec<(usize, BTreeMap<String, u32>)>;
    let mut sheets_by_idea: std::collections::HashMap<String, Sheets> =
        std::collections::HashMap::new();
    let mut comments = Comments::new();
    for (number, (juror, ..)) in jurors.iter().enumerate() {
        for sheet in store::jury::sheets_of(conn, &juror.id)? {
            if let Some(comment) = sheet.comment {
                comments
                    .entry(sheet.idea_id.clone())
                    .or_default()
                    .push(comment);
            }
            let scores = sheet
                .values
                .into_iter()
                .map(|(key, value)| {
                    u32::try_from(value)
                        .map(|value| (key, value))
                        .map_err(|_| AppError::internal("a stored score is negative"))
                })
                .collect::<AppResult<BTreeMap<String, u32>>>()?;
            sheets_by_idea
                .entry(sheet.idea_id)
                .or_default()
                .push((number + 1, scores));
        }
    }
    let entries: Vec<(rules::Entry, Vec<usize>)> = eligible
        .iter()
        .map(|(idea, _)| {
            let mut sheets = sheets_by_idea.remove(&idea.id).unwrap_or_default();
            sheets.sort_by_key(|(juror, _)| *juror);
            let (numbers, sheets) = sheets.into_iter().unzip();
            (
                rules::Entry {
                    id: idea.id.clone(),
                    first_submitted_at: store::from_db(
                        idea.first_submitted_at.unwrap_or(idea.created_at),
                    ),
                    sheets,
                },
                numbers,
            )
        })
        .collect();
    let rows: Vec<EntryRow> = entries
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
        })
        .collect();
    let text = format!(
        r#"{{"contest_id":{},"entries":{},"jurors":{},"rules":{},"rules_hash":{}}}"#,
        serde_json::to_string(&contest.id).map_err(AppError::internal)?,
        serde_json::to_string(&rows).map_err(AppError::internal)?,
        jurors.len(),
        canonical::to_string(&rules.to_json()),
        serde_json::to_string(&contest.rules_hash).map_err(AppError::internal)?,
    );
    drop(rows);
    for list in comments.values_mut() {
        list.sort();
    }
    Ok(ScoreSheet {
        text,
        entries: entries.into_iter().map(|(entry, _)| entry).collect(),
        comments,
    })
}
