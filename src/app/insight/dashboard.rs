//! The contest dashboard's figures: participation over time, judging progress, the spread of
//! the scores and the jury's calibration; and where participants came from.

use super::*;
use crate::domain::ideas::Status;

pub fn stats(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<ContestStats> {
    let contest = load_insight(conn, actor, contest_id)?;
    let now = ctx.now();
    let rules = rules_of(ctx, &contest)?;
    let ideas = store::ideas::overview_of_contest(conn, contest_id)?;
    // Until the award nobody, members included, learns how the entries or the jurors score:
    // during judging the figures are the jury's progress and each juror's calibration offset.
    let awarded = contest.awarded_at.is_some();

    let mut counts = IdeaCounts::default();
    for idea in &ideas {
        match idea.status {
            Status::Draft => counts.drafts += 1,
            Status::Submitted => counts.submitted += 1,
            Status::Withdrawn => counts.withdrawn += 1,
            Status::Disqualified => counts.disqualified += 1,
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
        crate::app::jury::progress_in(conn, &contest)?
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
    // The final round's sheets: they are scored on the rules' criteria (an earlier round has
    // criteria of its own).
    for (number, (juror, ..)) in jurors.iter().enumerate() {
        for sheet in store::jury::sheets_in(conn, &juror.id, crate::domain::rules::FINAL_ROUND)? {
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
            Some(award) => {
                serde_json::from_str::<Vec<crate::app::award::RankingRow>>(&award.ranking)
                    .map_err(AppError::internal)?
                    .into_iter()
                    .map(|row| (row.entry_id, row.rank))
                    .collect()
            }
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
pub(super) fn source_counts<'a>(
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
pub(super) fn timeline(
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
