//! The contest dashboard for its organisation's members: how the contest is going, in charts
//! drawn on the server (SVG, each with its numbers in a table beside it) and in figures; how
//! the jury scored; the exports. And the organisation's talent pool, with its invitations.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use crate::app::insight::{self, ContestStats, CriterionStats};
use crate::app::talent::{self, TalentFilter, TalentView};
use crate::app::{AppResult, contests, organizations};
use crate::domain::lifecycle::Phase;
use crate::web::{AppState, i18n, svg};

use super::{CsrfForm, Page, SignedInPage};

#[derive(Serialize)]
struct Chart {
    svg: String,
    /// (label, value) rows of the table beside the chart.
    rows: Vec<(String, String)>,
}

impl Chart {
    /// A bar chart of `bars`, its table giving each bar's number.
    fn bars(id: &str, title: &str, bars: &[(String, f64)], lang: &str) -> Chart {
        Chart {
            svg: svg::bar_chart(id, title, bars, lang),
            rows: bars
                .iter()
                .map(|(l, n)| (l.clone(), number(*n, lang)))
                .collect(),
        }
    }
}

/// A figure of the dashboard, to two decimals, in the reader's language.
fn number(x: f64, lang: &str) -> String {
    i18n::number(x, 2, lang)
}

/// "3 days 4 h", "5 h 10 min", "42 min": how long after the opening.
fn duration(seconds: i64, lang: &str) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    let day = if lang == "fr" { "j" } else { "d" };
    if days > 0 {
        format!("{days} {day} {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else {
        format!("{minutes} min")
    }
}

/// What the contest dashboard shows, beside the reader's context.
#[derive(Serialize)]
struct Dashboard<'a> {
    contest_id: &'a str,
    contest_title: &'a str,
    phase: &'static str,
    phase_label: String,
    stats: &'a ContestStats,
    sources_as_of: Option<String>,
    first_idea: String,
    hundredth_idea: String,
    over_time: Chart,
    by_status: Chart,
    sources: Chart,
    /// (label, histogram, mean, standard deviation) per criterion.
    criteria: Vec<(&'a str, Chart, String, String)>,
    /// (the sentence with Kendall's W, the agreement's name).
    agreement: Option<(String, String)>,
    sheets_line: String,
}

pub async fn dashboard(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
) -> HttpResponse {
    let actor = page.actor.clone();
    let id = id.into_inner();
    let contest_id = id.clone();
    let loaded = state
        .run(move |ctx, conn| {
            let stats = insight::stats(ctx, conn, &actor, &contest_id)?;
            let contest = contests::show(ctx, conn, &actor, &contest_id)?;
            Ok((stats, contest))
        })
        .await;
    let (stats, contest) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return page.error(&state.tera, error),
    };
    let not_yet = || page.t("insight_not_yet");
    let since_opening =
        |seconds: Option<i64>| seconds.map_or_else(not_yet, |s| duration(s, page.lang));
    let over_time: Vec<(String, f64)> = stats
        .timeline
        .iter()
        .map(|d| (d.date.clone(), d.submitted as f64))
        .collect();
    let statuses: Vec<(String, f64)> = [
        ("insight_drafts", stats.ideas.drafts),
        ("insight_submitted", stats.ideas.submitted),
        ("insight_withdrawn", stats.ideas.withdrawn),
        ("insight_disqualified", stats.ideas.disqualified),
    ]
    .iter()
    .map(|(key, n)| (page.t(key), *n as f64))
    .collect();
    let sources: Vec<(String, f64)> = stats
        .sources
        .iter()
        .map(|c| {
            let label = if c.campaign.is_empty() {
                c.source.clone()
            } else {
                format!("{} / {}", c.source, c.campaign)
            };
            (label, c.participants as f64)
        })
        .collect();
    let view = Dashboard {
        contest_id: &id,
        contest_title: &contest.title,
        phase: contest.phase.as_str(),
        phase_label: page.t(&format!("phase_{}", contest.phase.as_str())),
        stats: &stats,
        sources_as_of: stats
            .sources_as_of
            .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()),
        first_idea: since_opening(stats.seconds_to_first_idea),
        hundredth_idea: since_opening(stats.seconds_to_hundredth_idea),
        over_time: Chart {
            svg: svg::line_chart(
                "over-time",
                &page.t("insight_over_time_chart"),
                &over_time,
                page.lang,
            ),
            rows: stats
                .timeline
                .iter()
                .map(|d| {
                    let figure = format!("{} ({})", d.submitted, d.submitters);
                    (d.date.clone(), figure)
                })
                .collect(),
        },
        by_status: Chart::bars(
            "by-status",
            &page.t("insight_status_chart"),
            &statuses,
            page.lang,
        ),
        sources: Chart::bars(
            "sources",
            &page.t("insight_sources_chart"),
            &sources,
            page.lang,
        ),
        criteria: stats.criteria.iter().map(|c| criterion(&page, c)).collect(),
        agreement: stats.calibration.as_ref().and_then(|c| {
            let w = number(c.kendalls_w?, page.lang);
            let entries = c.w_entries.to_string();
            Some((
                page.t_with("insight_agreement", &[("w", &w), ("n", &entries)]),
                page.t(&format!("agreement_{}", c.agreement.as_deref()?)),
            ))
        }),
        sheets_line: page.t_with(
            "insight_sheets",
            &[
                ("saved", &stats.judging.sheets_saved.to_string()),
                ("expected", &stats.judging.sheets_expected.to_string()),
            ],
        ),
    };
    page.render(&state.tera, "manage/insight.html", &page.view(&view))
}

/// One criterion's histogram of scores and their mean and spread.
fn criterion<'a>(page: &Page, c: &'a CriterionStats) -> (&'a str, Chart, String, String) {
    let bars: Vec<(String, f64)> = c
        .histogram
        .iter()
        .enumerate()
        .map(|(score, n)| (score.to_string(), *n as f64))
        .collect();
    let title = page.t_with("insight_criterion_chart", &[("criterion", &c.label)]);
    (
        &c.label,
        Chart::bars(&format!("criterion-{}", c.key), &title, &bars, page.lang),
        c.summary
            .map(|s| number(s.mean, page.lang))
            .unwrap_or_default(),
        c.summary
            .map(|s| number(s.sd, page.lang))
            .unwrap_or_default(),
    )
}

/// The filters of the talent page, as typed (an empty field is no filter).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TalentQuery {
    q: String,
    max_rank: String,
    min_contests: String,
}

/// The organisation's talent pool: who did well in its past contests, with a form to invite
/// the chosen ones to a contest that takes ideas.
pub async fn talent(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    query: web::Query<TalentQuery>,
) -> HttpResponse {
    let context = page.context();
    match talent_page(&state, &page, id.into_inner(), query.into_inner(), context).await {
        Ok(context) => page.render(&state.tera, TALENT, &context),
        Err(error) => page.error(&state.tera, error),
    }
}

const TALENT: &str = "manage/talent.html";

/// A person of the talent pool, as the page shows them.
#[derive(Serialize)]
struct Talent<'a> {
    user_id: &'a str,
    display_name: &'a str,
    contests: usize,
    ideas: usize,
    best_rank: String,
    best_score: String,
    last: String,
}

impl<'a> Talent<'a> {
    fn of(person: &'a TalentView, lang: &str) -> Talent<'a> {
        Talent {
            user_id: &person.user_id,
            display_name: &person.display_name,
            contests: person.contests,
            ideas: person.ideas,
            best_rank: person.best_rank.map(|r| r.to_string()).unwrap_or_default(),
            best_score: person
                .best_score
                .map(|s| number(s, lang))
                .unwrap_or_default(),
            last: i18n::date(person.last_submitted_at, lang),
        }
    }
}

/// What the talent page shows, beside the reader's context (and a notice or an error).
#[derive(Serialize)]
struct TalentPage<'a> {
    organization_id: &'a str,
    organization_name: &'a str,
    people: Vec<Talent<'a>>,
    /// (id, title) of the organisation's contests that take ideas.
    open_contests: &'a [(String, String)],
    q: &'a str,
    max_rank: &'a str,
    min_contests: &'a str,
}

/// The talent page's context: `context` and the pool, filtered by `query`.
async fn talent_page(
    state: &web::Data<AppState>,
    page: &Page,
    id: String,
    query: TalentQuery,
    mut context: Context,
) -> AppResult<Context> {
    let actor = page.actor.clone();
    let organization_id = id.clone();
    let filter = TalentFilter {
        min_contests: query.min_contests.trim().parse().ok(),
        max_rank: query.max_rank.trim().parse().ok(),
        q: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
    };
    let (pool, name, open) = state
        .run(move |ctx, conn| {
            let pool = talent::pool(conn, &actor, &organization_id, &filter)?;
            let name = organizations::brand_name(conn, &organization_id)?;
            let open: Vec<(String, String)> = contests::list(ctx, conn, &actor)?
                .into_iter()
                .filter(|c| {
                    c.organization_id == organization_id
                        && matches!(c.phase, Phase::Upcoming | Phase::Submission)
                })
                .map(|c| (c.id, c.title))
                .collect();
            Ok((pool, name, open))
        })
        .await?;
    let view = TalentPage {
        organization_id: &id,
        organization_name: &name,
        people: pool
            .people
            .iter()
            .map(|p| Talent::of(p, page.lang))
            .collect(),
        open_contests: &open,
        q: &query.q,
        max_rank: &query.max_rank,
        min_contests: &query.min_contests,
    };
    super::add_view(&mut context, &view);
    Ok(context)
}

/// The invitation form of the talent page: the chosen contest and a `person_<user id>` field
/// for each person ticked.
#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    contest_id: String,
    #[serde(flatten)]
    ticked: HashMap<String, String>,
}

/// Invites the ticked people to the chosen contest.
pub async fn invite(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<InviteForm>,
) -> HttpResponse {
    let InviteForm { contest_id, ticked } = form.into_inner();
    let mut user_ids: Vec<String> = ticked
        .keys()
        .filter_map(|k| k.strip_prefix("person_"))
        .map(str::to_owned)
        .collect();
    user_ids.sort();
    let actor = page.actor.clone();
    let outcome = state
        .run(move |ctx, conn| {
            let invitations = talent::Invitations { user_ids };
            talent::invite(ctx, conn, &actor, &contest_id, invitations)
        })
        .await;
    let mut context = page.context();
    let error = match outcome {
        Ok(done) => {
            let invited = done.invited.to_string();
            let already = done.already_invited.to_string();
            let notice = page.t_with(
                "talent_invited",
                &[("invited", &invited), ("already", &already)],
            );
            context.insert("notice", &notice);
            None
        }
        // Said on the page, above the pool (unless it is about the page itself).
        Err(error) => Some(error),
    };
    let id = id.into_inner();
    match talent_page(&state, &page, id, TalentQuery::default(), context).await {
        Ok(context) => match error {
            Some(error) => page.error_on(&state.tera, TALENT, context, error),
            None => page.render_status(&state.tera, TALENT, &context, StatusCode::OK),
        },
        Err(error) => page.error(&state.tera, error),
    }
}
