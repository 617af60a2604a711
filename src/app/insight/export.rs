//! The organisation's exports, as CSV with every field quoted and formulas neutralised.

use super::*;

/// The organisation's exports, as CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// Every idea: title, summary, status, dates; the author's name once judging is no longer
    /// blind (awarded, or a contest without blind judging). Never an email address: the
    /// platform carries the messages (talent pool invitations), people's addresses stay theirs.
    Ideas,
    /// The published score sheet, one row per sheet: entry, juror number, each criterion.
    Scores,
    /// The payouts of the award: recipient, amount, reason, status.
    Payouts,
}

impl Export {
    pub fn from_name(name: &str) -> Option<Export> {
        match name {
            "ideas.csv" => Some(Export::Ideas),
            "scores.csv" => Some(Export::Scores),
            "payouts.csv" => Some(Export::Payouts),
            _ => None,
        }
    }
}

pub fn export(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    which: Export,
) -> AppResult<String> {
    let contest = load_insight(conn, actor, contest_id)?;
    let rules = crate::app::contests::parse_rules(&contest)?;
    let awarded = contest.awarded_at.is_some();
    let not_yet = || {
        AppError::conflict(
            ErrorCode::InvalidPhase,
            "This export exists once the contest is awarded: until then the scores are the jury's.",
        )
    };
    let mut csv = Csv::default();
    match which {
        Export::Ideas => {
            let named = awarded || !rules.blind_judging;
            csv.row([
                "idea_id",
                "title",
                "summary",
                "status",
                "revision",
                "first_submitted_at",
                "author",
            ]);
            // A draft that was never submitted is its author's alone: they have not accepted
            // the contest's terms, and the organisers never received it.
            for idea in store::ideas::overview_of_contest(conn, contest_id)?
                .into_iter()
                .filter(|idea| idea.first_submitted_at.is_some())
            {
                let first = idea
                    .first_submitted_at
                    .map(|at| store::from_db(at).to_rfc3339())
                    .unwrap_or_default();
                csv.row([
                    idea.id.as_str(),
                    &idea.title,
                    &idea.summary,
                    idea.status.as_str(),
                    &idea.revision.to_string(),
                    &first,
                    if named { &idea.author_name } else { "" },
                ]);
            }
        }
        Export::Scores => {
            if !awarded {
                return Err(not_yet());
            }
            let text = crate::app::award::scoresheet_text(conn, actor, contest_id)?;
            let sheet: Value = serde_json::from_str(&text).map_err(AppError::internal)?;
            let titles: HashMap<String, String> =
                store::ideas::overview_of_contest(conn, contest_id)?
                    .into_iter()
                    .map(|i| (i.id, i.title))
                    .collect();
            let mut header = vec!["idea_id".to_owned(), "title".into(), "juror".into()];
            header.extend(rules.criteria.iter().map(|c| c.key.clone()));
            header.push("sheet_score".into());
            csv.row(header.iter().map(String::as_str));
            for entry in sheet["entries"].as_array().into_iter().flatten() {
                let id = entry["entry_id"].as_str().unwrap_or_default();
                for s in entry["sheets"].as_array().into_iter().flatten() {
                    let scores: BTreeMap<String, u32> =
                        serde_json::from_value(s["scores"].clone()).unwrap_or_default();
                    let mut row = vec![
                        id.to_owned(),
                        titles.get(id).cloned().unwrap_or_default(),
                        s["juror"].to_string(),
                    ];
                    row.extend(
                        rules
                            .criteria
                            .iter()
                            .map(|c| scores.get(&c.key).map(u32::to_string).unwrap_or_default()),
                    );
                    row.push(format!(
                        "{:.3}",
                        sheet_score(&rules.criteria, &scores) as f64 / 1_000_000.0
                    ));
                    csv.row(row.iter().map(String::as_str));
                }
            }
        }
        Export::Payouts => {
            if !awarded {
                return Err(not_yet());
            }
            let results = crate::app::award::results(conn, actor, contest_id)?;
            let titles: HashMap<&str, (&str, usize)> = results
                .ranking
                .iter()
                .map(|r| (r.entry_id.as_str(), (r.title.as_str(), r.rank)))
                .collect();
            csv.row([
                "rank",
                "idea_id",
                "title",
                "recipient",
                "amount",
                "currency",
                "reason",
                "status",
            ]);
            for p in &results.payouts {
                let (title, rank) = p
                    .entry_id
                    .as_deref()
                    .and_then(|id| titles.get(id).copied())
                    .unwrap_or(("", 0));
                csv.row([
                    if rank > 0 {
                        rank.to_string()
                    } else {
                        String::new()
                    }
                    .as_str(),
                    p.entry_id.as_deref().unwrap_or_default(),
                    title,
                    &p.recipient,
                    &crate::domain::money::decimal(p.amount_cents, &contest.currency),
                    &contest.currency,
                    &p.reason,
                    p.status.as_str(),
                ]);
            }
        }
    }
    Ok(csv.text)
}

/// RFC 4180 text, every field quoted; a field a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, so that opening
/// the export never runs what a participant typed.
#[derive(Default)]
pub struct Csv {
    pub text: String,
}

impl Csv {
    pub fn row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) {
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            self.text.push('"');
            if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                self.text.push('\'');
            }
            self.text.push_str(&field.replace('"', "\"\""));
            self.text.push('"');
        }
        self.text.push_str("\r\n");
    }
}
