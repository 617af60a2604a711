//! What a brand learns from its contest, while it runs and afterwards: participation over time,
//! judging progress, how the scores spread, how each juror scored against the panel and how
//! much the panel agreed; and the organisation's exports. For the organisation's members.
//!
//! It informs and never changes anything: the ranking stays the one the frozen rules define.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::Value;

use super::access::{self, Action, Actor};
use super::contests::{load_visible, phase_of, rules_of};
use super::{AppError, AppResult, Ctx};
use crate::domain::award::sheet_score;
use crate::domain::lifecycle::Phase;
use crate::domain::stats::{self, Summary};
use crate::store::{self, DbConnection};

/// A contest's figures (`GET /api/v1/contests/{id}/stats`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContestStats {
    pub contest_id: String,
    /// `draft`, `upcoming`, `submission`, `judging` or `awarded`.
    #[schema(value_type = String)]
    pub phase: Phase,
    /// People with at least one idea, draft or submitted.
    pub participants: usize,
    /// People with at least one idea submitted (now or earlier).
    pub submitters: usize,
    pub ideas: IdeaCounts,
    /// One point per day from the opening to today (or the submission deadline), cumulative.
    pub timeline: Vec<Day>,
    /// From the opening to the first submitted idea; null until there is one.
    pub seconds_to_first_idea: Option<i64>,
    /// From the opening to the hundredth submitted idea; null until there are a hundred.
    pub seconds_to_hundredth_idea: Option<i64>,
    pub judging: JudgingStats,
    /// Per criterion of the rules: how the jurors' scores spread. Until the award the
    /// histogram is empty and the summary null: a distribution of the scores would tell
    /// the organisers how the entries stand while the jury is still judging.
    pub criteria: Vec<CriterionStats>,
    /// Sheet scores out of 100 (the rules' weighted formula), over every sheet saved; null
    /// until the award.
    #[schema(value_type = Option<Object>)]
    pub sheet_scores: Option<Summary>,
    /// How the jurors scored; null until two sheets exist. Until the award only each juror's
    /// sheet count and offset from the panel (see [`CalibrationView`]).
    pub calibration: Option<CalibrationView>,
    /// Where participants came from, most first: the `ref` or `utm_source` tag of the contest
    /// link they opened, or the site that linked to it; `direct` when nothing said. In a
    /// contest judged blind, until the award: only sources of at least
    /// [`MIN_SOURCE_BUCKET`] participants are named, everyone else is counted under `other`
    /// (which includes `direct`), and only participants who came before `sources_as_of`.
    pub sources: Vec<SourceCount>,
    /// When `sources` is a daily figure (blind judging, before the award): the start of the
    /// UTC day it was counted at. Null when the counts are live.
    pub sources_as_of: Option<DateTime<Utc>>,
}

/// The smallest source a blind contest names before its award: a smaller one would let an
/// organiser who sent someone a personal link (`?ref=lea-0417`) see when that person entered.
pub const MIN_SOURCE_BUCKET: usize = 5;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceCount {
    pub source: String,
    /// The `utm_campaign` tag; empty when none.
    pub campaign: String,
    pub participants: usize,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct IdeaCounts {
    pub drafts: usize,
    pub submitted: usize,
    pub withdrawn: usize,
    pub disqualified: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Day {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Ideas submitted by the end of that day (first submissions).
    pub submitted: usize,
    /// People who had submitted by the end of that day.
    pub submitters: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JudgingStats {
    pub jurors: usize,
    pub sheets_saved: usize,
    /// Sheets the jurors' lists call for (entries assigned, conflicts left out).
    pub sheets_expected: usize,
    pub per_juror: Vec<super::jury::JurorProgress>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CriterionStats {
    pub key: String,
    pub label: String,
    pub weight: u32,
    pub max: u32,
    /// How many scores of 0, 1, … `max`.
    pub histogram: Vec<u64>,
    #[schema(value_type = Option<Object>)]
    pub summary: Option<Summary>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalibrationView {
    pub jurors: Vec<JurorCalibrationView>,
    /// Per entry: its means and ranks. Empty until the award: they are the ranking.
    pub entries: Vec<EntryCalibrationView>,
    /// Kendall's W over the entries every juror scored: 0 = no agreement on the order, 1 = the
    /// same order from everyone. Null until the award.
    pub kendalls_w: Option<f64>,
    /// How many entries `kendalls_w` is computed over.
    pub w_entries: usize,
    /// `none`, `weak`, `moderate`, `strong` or `very_strong`.
    pub agreement: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JurorCalibrationView {
    pub display_name: String,
    pub sheets: usize,
    /// Mean sheet score out of 100; null until the award (no one sees a juror's scores before).
    pub mean: Option<f64>,
    /// Null until the award.
    pub sd: Option<f64>,
    /// Mean difference from the other jurors on the same entries: negative is harsher.
    pub offset_from_panel: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryCalibrationView {
    pub title: String,
    pub sheets: usize,
    /// Mean sheet score out of 100, and the rank it gives.
    pub raw_mean: f64,
    pub raw_rank: usize,
    /// Mean of the jurors' z-scores (each juror's scores measured against their own mean and
    /// spread), and the rank it would give: if it differs much from the raw rank, a harsh or
    /// lenient juror weighed on the outcome.
    pub z_mean: f64,
    pub z_rank: usize,
    /// The rank in the published results, once awarded.
    pub official_rank: Option<usize>,
}

/// The contest, if the caller may see its figures: the organisation's members.
fn load_insight(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<store::contests::Contest> {
    let contest = load_visible(conn, actor, contest_id)?;
    access::require(conn, actor, Action::ManageContest { contest: &contest })?;
    Ok(contest)
}

pub fn stats(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<ContestStats> {
    let contest = load_insight(conn, actor, contest_id)?;
    let now = ctx.now();
    let rules = rules_of(&contest)?;
    let ideas = store::ideas::overview_of_contest(conn, contest_id)?;
    // Until the award nobody, members included, learns how the entries or the jurors score:
    // during judging the figures are the jury's progress and each juror's calibration offset.
    let awarded = contest.awarded_at.is_some();

    let mut counts = IdeaCounts::default();
    for idea in &ideas {
        match idea.status.as_str() {
            "draft" => counts.drafts += 1,
            "submitted" => counts.submitted += 1,
            "withdrawn" => counts.withdrawn += 1,
            _ => counts.disqualified += 1,
        }
    }
    let participants = ideas
        .iter()
        .map(|i| i.author_id.as_str())
        .collect::<HashSet<_>>()
        .len();
    let mut firsts: Vec<(DateTime<Utc>, &str)> = ideas
        .iter()
        .filter_map(|i| Some((store::from_db(i.first_submitted_at?), i.author_id.as_str())))
        .collect();
    firsts.sort();
    let submitters = firsts.iter().map(|(_, a)| *a).collect::<HashSet<_>>().len();
    let opens_at = store::from_db(contest.opens_at);
    let since_opening = |n: usize| {
        firsts
            .get(n)
            .map(|(at, _)| (*at - opens_at).num_seconds().max(0))
    };
    let timeline = if contest.is_opened() {
        timeline(
            &firsts,
            opens_at,
            store::from_db(contest.submission_deadline).min(now),
        )
    } else {
        Vec::new()
    };

    // Judging: progress per juror, and every sheet saved.
    let per_juror = if contest.is_opened() {
        super::jury::progress_in(conn, &contest)?
    } else {
        Vec::new()
    };
    let jurors = store::jury::accepted_with_users(conn, contest_id)?;
    let titles: HashMap<&str, &str> = ideas
        .iter()
        .map(|i| (i.id.as_str(), i.title.as_str()))
        .collect();
    let mut sheets = Vec::new();
    let mut histograms: Vec<Vec<i64>> = vec![Vec::new(); rules.criteria.len()];
    let mut entry_index: BTreeMap<String, usize> = BTreeMap::new();
    for (number, (juror, ..)) in jurors.iter().enumerate() {
        for sheet in store::jury::sheets_of(conn, &juror.id)? {
            let scores: BTreeMap<String, u32> = sheet
                .values
                .iter()
                .map(|(k, v)| (k.clone(), (*v).max(0) as u32))
                .collect();
            for (i, criterion) in rules.criteria.iter().enumerate() {
                if let Some(value) = scores.get(&criterion.key) {
                    histograms[i].push(i64::from(*value));
                }
            }
            let next = entry_index.len();
            let entry = *entry_index.entry(sheet.idea_id.clone()).or_insert(next);
            sheets.push(stats::Sheet {
                juror: number,
                entry,
                score: sheet_score(&rules.criteria, &scores) as f64 / 1_000_000.0,
            });
        }
    }
    let criteria = rules
        .criteria
        .iter()
        .zip(&histograms)
        .map(|(c, values)| CriterionStats {
            key: c.key.clone(),
            label: c.label.clone(),
            weight: c.weight,
            max: c.max,
            histogram: if awarded {
                stats::histogram(values, i64::from(c.max))
            } else {
                Vec::new()
            },
            summary: if awarded {
                stats::summary(&values.iter().map(|v| *v as f64).collect::<Vec<_>>())
            } else {
                None
            },
        })
        .collect();
    let sheet_scores = if awarded {
        stats::summary(&sheets.iter().map(|s| s.score).collect::<Vec<_>>())
    } else {
        None
    };
    let calibration = if sheets.len() >= 2 {
        let official: HashMap<String, usize> = match store::awards::find(conn, contest_id)? {
            Some(award) => serde_json::from_str::<Vec<super::award::RankingRow>>(&award.ranking)
                .map_err(AppError::internal)?
                .into_iter()
                .map(|row| (row.entry_id, row.rank))
                .collect(),
            None => HashMap::new(),
        };
        let mut ids: Vec<&str> = vec![""; entry_index.len()];
        for (id, i) in &entry_index {
            ids[*i] = id;
        }
        let computed = stats::calibration(&sheets);
        Some(CalibrationView {
            jurors: computed
                .jurors
                .iter()
                .map(|j| JurorCalibrationView {
                    display_name: jurors
                        .get(j.juror)
                        .map(|(_, _, _, name)| name.clone())
                        .unwrap_or_default(),
                    sheets: j.sheets,
                    mean: Some(round(j.mean)).filter(|_| awarded),
                    sd: Some(round(j.sd)).filter(|_| awarded),
                    offset_from_panel: j.offset_from_panel.map(round),
                })
                .collect(),
            entries: computed
                .entries
                .iter()
                .filter(|_| awarded)
                .map(|e| {
                    let id = ids.get(e.entry).copied().unwrap_or_default();
                    EntryCalibrationView {
                        title: titles.get(id).copied().unwrap_or_default().to_owned(),
                        sheets: e.sheets,
                        raw_mean: round(e.raw_mean),
                        raw_rank: e.raw_rank,
                        z_mean: round(e.z_mean),
                        z_rank: e.z_rank,
                        official_rank: official.get(id).copied(),
                    }
                })
                .collect(),
            kendalls_w: computed.kendalls_w.map(round).filter(|_| awarded),
            w_entries: if awarded { computed.w_entries } else { 0 },
            agreement: computed.agreement.map(str::to_owned).filter(|_| awarded),
        })
    } else {
        None
    };
    // A blind contest's sources, before the award, are counted once a day and only in
    // buckets large enough not to single anyone out: otherwise a personal link's bucket
    // flips from 0 to 1 the moment its holder's idea appears.
    let coarse = rules.blind_judging && !awarded;
    let sources_as_of = coarse.then(|| {
        now.date_naive()
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
    });
    let sources = source_counts(
        store::talent::sources_of(conn, contest_id)?,
        ideas
            .iter()
            .filter(|i| sources_as_of.is_none_or(|cut| store::from_db(i.created_at) < cut))
            .map(|i| i.author_id.as_str()),
        coarse,
    );
    Ok(ContestStats {
        contest_id: contest.id.clone(),
        phase: phase_of(&contest, now),
        participants,
        submitters,
        ideas: counts,
        timeline,
        seconds_to_first_idea: since_opening(0),
        seconds_to_hundredth_idea: since_opening(99),
        judging: JudgingStats {
            jurors: jurors.len(),
            sheets_saved: sheets.len(),
            sheets_expected: per_juror.iter().map(|p| p.assigned).sum(),
            per_juror,
        },
        criteria,
        sheet_scores,
        calibration,
        sources,
        sources_as_of,
    })
}

/// Participants per (source, campaign); those with no recorded source are `direct`. With
/// `coarse`, every bucket under [`MIN_SOURCE_BUCKET`] (and `direct`) is merged into `other`.
fn source_counts<'a>(
    recorded: Vec<(String, String, String)>,
    participants: impl Iterator<Item = &'a str>,
    coarse: bool,
) -> Vec<SourceCount> {
    let known: HashMap<String, (String, String)> = recorded
        .into_iter()
        .map(|(user, source, campaign)| (user, (source, campaign)))
        .collect();
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for person in participants.collect::<HashSet<_>>() {
        let key = known
            .get(person)
            .cloned()
            .unwrap_or_else(|| ("direct".to_owned(), String::new()));
        *counts.entry(key).or_default() += 1;
    }
    if coarse {
        let mut other = 0;
        counts.retain(|(source, _), n| {
            let small = *n < MIN_SOURCE_BUCKET || source == "direct" || source == "other";
            if small {
                other += *n;
            }
            !small
        });
        if other > 0 {
            counts.insert(("other".to_owned(), String::new()), other);
        }
    }
    let mut list: Vec<SourceCount> = counts
        .into_iter()
        .map(|((source, campaign), participants)| SourceCount {
            source,
            campaign,
            participants,
        })
        .collect();
    list.sort_by_key(|c| std::cmp::Reverse(c.participants));
    list
}

/// Records where a participant of this contest came from, with their first idea (a source
/// already known is kept). `source` and `campaign` are cleaned to short tags first.
pub fn record_source(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    source: &str,
    campaign: &str,
) -> AppResult<()> {
    let Some(user) = actor.user() else {
        return Ok(());
    };
    let source = tag(source);
    if source.is_empty() {
        return Ok(());
    }
    store::write_tx(conn, |conn| {
        store::talent::record_source_once(
            conn,
            contest_id,
            &user.id,
            &source,
            &tag(campaign),
            store::to_db(ctx.now()),
        )?;
        Ok(())
    })
}

/// A campaign tag as kept: lower case, letters, digits, `.`, `_` and `-`, at most 64.
pub fn tag(raw: &str) -> String {
    raw.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(64)
        .collect()
}

/// Two decimals are all anyone reads; fewer bytes, stable output.
fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Cumulative submissions and submitters per day, from the opening's day to `until`'s (at most
/// a year of days; a longer contest shows its first year).
fn timeline(
    firsts: &[(DateTime<Utc>, &str)],
    opens_at: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<Day> {
    let mut days = Vec::new();
    let mut day = opens_at.date_naive();
    let last = until.date_naive().min(day + Duration::days(366));
    let mut seen = HashSet::new();
    let mut i = 0;
    while day <= last {
        while i < firsts.len() && firsts[i].0.date_naive() <= day {
            seen.insert(firsts[i].1);
            i += 1;
        }
        days.push(Day {
            date: day.format("%Y-%m-%d").to_string(),
            submitted: i,
            submitters: seen.len(),
        });
        day += Duration::days(1);
    }
    days
}

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
    let rules = rules_of(&contest)?;
    let awarded = contest.awarded_at.is_some();
    let not_yet = || {
        AppError::conflict(
            "invalid_phase",
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
                    &idea.status,
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
            let text = super::award::scoresheet_text(conn, actor, contest_id)?;
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
            let results = super::award::results(conn, actor, contest_id)?;
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
                    &p.status,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_every_field_and_neutralises_formulas() {
        let mut csv = Csv::default();
        csv.row([
            "=cmd|' /C calc'!A0",
            "say \"hi\"",
            "a,b",
            "-1",
            "@SUM(A1)",
            "plain",
        ]);
        assert_eq!(
            csv.text,
            "\"'=cmd|' /C calc'!A0\",\"say \"\"hi\"\"\",\"a,b\",\"'-1\",\"'@SUM(A1)\",\"plain\"\r\n"
        );
    }

    #[test]
    fn sources_count_people_once_and_the_rest_as_direct() {
        let recorded = vec![
            ("ann".into(), "newsletter".into(), "spring".into()),
            ("bob".into(), "newsletter".into(), "spring".into()),
            ("cat".into(), "example.org".into(), String::new()),
        ];
        let counts = source_counts(
            recorded,
            ["ann", "ann", "bob", "cat", "dan"].into_iter(),
            false,
        );
        let got: Vec<(&str, &str, usize)> = counts
            .iter()
            .map(|c| (c.source.as_str(), c.campaign.as_str(), c.participants))
            .collect();
        assert_eq!(got[0], ("newsletter", "spring", 2));
        assert!(got.contains(&("direct", "", 1)) && got.contains(&("example.org", "", 1)));
        assert_eq!(tag(" News Letter<script>! "), "newsletterscript");
        assert_eq!(tag(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn blind_sources_name_only_buckets_that_cannot_single_anyone_out() {
        let mut recorded: Vec<(String, String, String)> = (0..5)
            .map(|i| (format!("n{i}"), "newsletter".into(), String::new()))
            .collect();
        recorded.push(("lea".into(), "lea-0417".into(), String::new()));
        let people: Vec<String> = (0..5)
            .map(|i| format!("n{i}"))
            .chain(["lea".into(), "dan".into()])
            .collect();
        let counts = source_counts(recorded, people.iter().map(String::as_str), true);
        let got: Vec<(&str, usize)> = counts
            .iter()
            .map(|c| (c.source.as_str(), c.participants))
            .collect();
        assert_eq!(got, [("newsletter", 5), ("other", 2)]);
    }

    #[test]
    fn the_timeline_counts_each_day_cumulatively() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let firsts = [
            (at("2026-03-01T10:00:00Z"), "ann"),
            (at("2026-03-01T11:00:00Z"), "ann"),
            (at("2026-03-03T09:00:00Z"), "bob"),
        ];
        let days = timeline(
            &firsts,
            at("2026-03-01T00:00:00Z"),
            at("2026-03-04T12:00:00Z"),
        );
        let got: Vec<(&str, usize, usize)> = days
            .iter()
            .map(|d| (d.date.as_str(), d.submitted, d.submitters))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-03-01", 2, 1),
                ("2026-03-02", 2, 1),
                ("2026-03-03", 3, 2),
                ("2026-03-04", 3, 2)
            ]
        );
    }
}
