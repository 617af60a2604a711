//! The anonymised score sheet: written from the database at the award, read back by `compute`
//! (the award's results) and `verify` (`concours verify`).

use super::*;

fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::Prize => "prize",
        Reason::Fallback => "fallback",
        Reason::NoEntries => "no_entries",
    }
}

/// Recomputes ranking and payouts from an anonymised score sheet. The award and
/// `concours verify` both use it.
pub fn compute(scoresheet: &Value) -> Result<Computed, String> {
    let rules = Rules::parse(&scoresheet["rules"])
        .map_err(|e| format!("the score sheet's rules are not valid: {e:?}"))?;
    let mut entries = Vec::new();
    for entry in scoresheet["entries"]
        .as_array()
        .ok_or("the score sheet has no entries list")?
    {
        let id = entry["entry_id"]
            .as_str()
            .ok_or("an entry has no entry_id")?
            .to_owned();
        let first_submitted_at = entry["first_submitted_at"]
            .as_str()
            .and_then(|t| t.parse::<DateTime<Utc>>().ok())
            .ok_or("an entry has no first_submitted_at")?;
        let mut sheets = Vec::new();
        for sheet in entry["sheets"]
            .as_array()
            .ok_or("an entry has no sheets list")?
        {
            let scores: BTreeMap<String, u32> = serde_json::from_value(sheet["scores"].clone())
                .map_err(|e| format!("a sheet of {id} is not valid: {e}"))?;
            sheets.push(scores);
        }
        entries.push(rules::Entry {
            id,
            first_submitted_at,
            sheets,
        });
    }
    Ok(computed(&rules, &entries))
}

/// The ranking and the payouts of these entries under these rules.
pub(super) fn computed(rules: &Rules, entries: &[rules::Entry]) -> Computed {
    let ranking = rules::rank(&rules.criteria, entries);
    let payouts = rules::allocate(&rules.prizes, rules.minimum_score, rules.fallback, &ranking);
    Computed {
        ranking: ranking
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    r.rank,
                    r.score.map(|s| (s.points() * 1000.0).round() / 1000.0),
                )
            })
            .collect(),
        payouts: payouts
            .into_iter()
            .map(|p| {
                let entry = match p.recipient {
                    Recipient::Entry(id) => Some(id),
                    Recipient::Beneficiary => None,
                };
                (entry, p.amount_cents, reason_name(p.reason))
            })
            .collect(),
    }
}

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

/// Checks published results against their score sheet: the sheet's hash, then the ranking
/// and the payouts recomputed from it. Returns every difference found (none: they match).
pub fn verify(scoresheet_text: &str, results: &Value) -> Result<Vec<String>, String> {
    let sheet: Value = serde_json::from_str(scoresheet_text)
        .map_err(|e| format!("the score sheet is not JSON: {e}"))?;
    let mut problems = Vec::new();
    let hash = canonical::sha256_hex(scoresheet_text.as_bytes());
    if results["scoresheet_hash"].as_str() != Some(hash.as_str()) {
        problems.push(format!(
            "the score sheet's SHA-256 is {hash}, the results publish {}",
            results["scoresheet_hash"]
        ));
    }
    if canonical::to_string(&sheet) != scoresheet_text {
        problems.push("the score sheet is not in canonical form".into());
    }
    let computed = compute(&sheet)?;
    let published: Vec<(String, usize)> = results["ranking"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r["entry_id"].as_str().unwrap_or_default().to_owned(),
                        r["rank"].as_u64().unwrap_or(0) as usize,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let expected: Vec<(String, usize)> = computed
        .ranking
        .iter()
        .map(|(id, rank, _)| (id.clone(), *rank))
        .collect();
    if published != expected {
        problems.push(format!(
            "the ranking differs: published {published:?}, recomputed {expected:?}"
        ));
    }
    let published: Vec<(Option<String>, i64, String)> = results["payouts"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|p| {
                    (
                        p["entry_id"].as_str().map(str::to_owned),
                        p["amount_cents"].as_i64().unwrap_or(0),
                        p["reason"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let expected: Vec<(Option<String>, i64, String)> = computed
        .payouts
        .iter()
        .map(|(e, a, r)| (e.clone(), *a, (*r).to_owned()))
        .collect();
    if published != expected {
        problems.push(format!(
            "the payouts differ: published {published:?}, recomputed {expected:?}"
        ));
    }
    let pool: i64 = sheet["rules"]["prizes"]
        .as_array()
        .map(|p| p.iter().filter_map(|x| x["amount_cents"].as_i64()).sum())
        .unwrap_or(0);
    let total: i64 = expected.iter().map(|(_, a, _)| a).sum();
    if total != pool {
        problems.push(format!(
            "the payouts add up to {total}, the prize pool is {pool}"
        ));
    }
    Ok(problems)
}
