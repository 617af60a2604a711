//! The contest dashboard for its organisation's members: how the contest is going, in charts
//! drawn on the server (SVG, each with its numbers in a table beside it) and in figures; how
//! the jury scored; the exports.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::app::insight::{self, ContestStats};
use crate::web::pages::contests::label;
use crate::web::{AppState, i18n, svg};

use super::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/contests/{id}/insight", web::get().to(dashboard))
        .route("/organizations/{id}/talent", web::get().to(talent))
        .route("/organizations/{id}/talent/invite", web::post().to(invite));
}

#[derive(Serialize)]
struct Chart {
    svg: String,
    /// (label, value) rows of the table beside the chart.
    rows: Vec<(String, String)>,
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
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

pub async fn dashboard(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let actor = page.actor.clone();
    let id = id.into_inner();
    let contest_id = id.clone();
    let loaded = state
        .run(move |ctx, conn| {
            let stats = insight::stats(ctx, conn, &actor, &contest_id)?;
            let contest = crate::app::contests::show(ctx, conn, &actor, &contest_id)?;
            Ok((stats, contest))
        })
        .await;
    let (stats, contest): (ContestStats, _) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            return super::manage::refusal(&page, &state, &error)
                .unwrap_or_else(|| page.not_found(&state.tera));
        }
    };
    let lang = page.lang;
    let t = i18n::texts(lang);
    let mut context = page.context();
    context.insert("contest_id", &id);
    context.insert("contest_title", &contest.title);
    context.insert("phase", contest.phase.as_str());
    context.insert(
        "phase_label",
        &label(lang, &format!("phase_{}", contest.phase.as_str())),
    );
    context.insert("stats", &stats);
    context.insert(
        "sources_as_of",
        &stats
            .sources_as_of
            .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()),
    );
    let not_yet = t["insight_not_yet"].clone();
    context.insert(
        "first_idea",
        &stats
            .seconds_to_first_idea
            .map_or(not_yet.clone(), |s| duration(s, lang)),
    );
    context.insert(
        "hundredth_idea",
        &stats
            .seconds_to_hundredth_idea
            .map_or(not_yet, |s| duration(s, lang)),
    );

    let over_time: Vec<(String, f64)> = stats
        .timeline
        .iter()
        .map(|d| (d.date.clone(), d.submitted as f64))
        .collect();
    context.insert(
        "over_time",
        &Chart {
            svg: svg::line_chart("over-time", &t["insight_over_time_chart"], &over_time),
            rows: stats
                .timeline
                .iter()
                .map(|d| {
                    (
                        d.date.clone(),
                        format!("{} ({})", d.submitted, d.submitters),
                    )
                })
                .collect(),
        },
    );
    let statuses: Vec<(String, f64)> = [
        ("insight_drafts", stats.ideas.drafts),
        ("insight_submitted", stats.ideas.submitted),
        ("insight_withdrawn", stats.ideas.withdrawn),
        ("insight_disqualified", stats.ideas.disqualified),
    ]
    .iter()
    .map(|(key, n)| (t[*key].clone(), *n as f64))
    .collect();
    context.insert(
        "by_status",
        &Chart {
            svg: svg::bar_chart("by-status", &t["insight_status_chart"], &statuses),
            rows: statuses
                .iter()
                .map(|(l, n)| (l.clone(), number(*n)))
                .collect(),
        },
    );
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
    context.insert(
        "sources",
        &Chart {
            svg: svg::bar_chart("sources", &t["insight_sources_chart"], &sources),
            rows: sources
                .iter()
                .map(|(l, n)| (l.clone(), number(*n)))
                .collect(),
        },
    );
    let criteria: Vec<(String, Chart, String, String)> = stats
        .criteria
        .iter()
        .map(|c| {
            let bars: Vec<(String, f64)> = c
                .histogram
                .iter()
                .enumerate()
                .map(|(score, n)| (score.to_string(), *n as f64))
                .collect();
            let title = t["insight_criterion_chart"].replace("{criterion}", &c.label);
            (
                c.label.clone(),
                Chart {
                    svg: svg::bar_chart(&format!("criterion-{}", c.key), &title, &bars),
                    rows: bars.iter().map(|(l, n)| (l.clone(), number(*n))).collect(),
                },
                c.summary.map(|s| number(s.mean)).unwrap_or_default(),
                c.summary.map(|s| number(s.sd)).unwrap_or_default(),
            )
        })
        .collect();
    context.insert("criteria", &criteria);
    let agreement = stats.calibration.as_ref().and_then(|c| {
        Some((
            t["insight_agreement"]
                .replace("{w}", &number(c.kendalls_w?))
                .replace("{n}", &c.w_entries.to_string()),
            label(lang, &format!("agreement_{}", c.agreement.as_deref()?)),
        ))
    });
    context.insert("agreement", &agreement);
    context.insert(
        "sheets_line",
        &t["insight_sheets"]
            .replace("{saved}", &stats.judging.sheets_saved.to_string())
            .replace("{expected}", &stats.judging.sheets_expected.to_string()),
    );
    page.render(&state.tera, "manage/insight.html", &context)
}

/// The filters of the talent page, as typed (an empty field is no filter).
#[derive(Debug, Default, serde::Deserialize)]
pub struct TalentQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    max_rank: String,
    #[serde(default)]
    min_contests: String,
}

/// The organisation's talent pool: who did well in its past contests, with a form to invite
/// the chosen ones to a contest that takes ideas.
pub async fn talent(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    query: web::Query<TalentQuery>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let context = page.context();
    render_talent(
        &state,
        &page,
        id.into_inner(),
        query.into_inner(),
        context,
        actix_web::http::StatusCode::OK,
    )
    .await
}

async fn render_talent(
    state: &web::Data<AppState>,
    page: &Page,
    id: String,
    query: TalentQuery,
    mut context: tera::Context,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    let actor = page.actor.clone();
    let organization_id = id.clone();
    let filter = crate::app::talent::TalentFilter {
        min_contests: query.min_contests.trim().parse().ok(),
        max_rank: query.max_rank.trim().parse().ok(),
        q: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
    };
    let loaded = state
        .run(move |ctx, conn| {
            let pool = crate::app::talent::pool(conn, &actor, &organization_id, &filter)?;
            let name = crate::store::organizations::find(conn, &organization_id)?
                .map(|o| o.name)
                .unwrap_or_default();
            let open: Vec<(String, String)> = crate::app::contests::list(ctx, conn, &actor)?
                .into_iter()
                .filter(|c| {
                    c.organization_id == organization_id
                        && matches!(
                            c.phase,
                            crate::domain::lifecycle::Phase::Upcoming
                                | crate::domain::lifecycle::Phase::Submission
                        )
                })
                .map(|c| (c.id, c.title))
                .collect();
            Ok((pool, name, open))
        })
        .await;
    let (pool, name, open) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            return super::manage::refusal(page, state, &error)
                .unwrap_or_else(|| page.not_found(&state.tera));
        }
    };
    let people: Vec<serde_json::Value> = pool
        .people
        .iter()
        .map(|p| {
            serde_json::json!({
                "user_id": p.user_id,
                "display_name": p.display_name,
                "contests": p.contests,
                "ideas": p.ideas,
                "best_rank": p.best_rank.map(|r| r.to_string()).unwrap_or_default(),
                "best_score": p.best_score.map(number).unwrap_or_default(),
                "last": i18n::date(p.last_submitted_at, page.lang),
            })
        })
        .collect();
    context.insert("organization_id", &id);
    context.insert("organization_name", &name);
    context.insert("people", &people);
    context.insert("open_contests", &open);
    context.insert("q", &query.q);
    context.insert("max_rank", &query.max_rank);
    context.insert("min_contests", &query.min_contests);
    page.render_status(&state.tera, "manage/talent.html", &context, status)
}

/// Invites the ticked people (`person_<user id>` fields) to the chosen contest.
pub async fn invite(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: super::Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !page.csrf_ok(super::field(&form, "csrf")) {
        return page.csrf_refused(&state.tera);
    }
    let contest_id = super::field(&form, "contest_id").to_owned();
    let mut user_ids: Vec<String> = form
        .keys()
        .filter_map(|k| k.strip_prefix("person_"))
        .map(str::to_owned)
        .collect();
    user_ids.sort();
    let actor = page.actor.clone();
    let outcome = state
        .run(move |ctx, conn| {
            crate::app::talent::invite(
                ctx,
                conn,
                &actor,
                &contest_id,
                crate::app::talent::Invitations { user_ids },
            )
        })
        .await;
    let mut context = page.context();
    let t = i18n::texts(page.lang);
    let status = match outcome {
        Ok(done) => {
            context.insert(
                "notice",
                &t["talent_invited"]
                    .replace("{invited}", &done.invited.to_string())
                    .replace("{already}", &done.already_invited.to_string()),
            );
            actix_web::http::StatusCode::OK
        }
        Err(
            error @ (crate::app::AppError::NotFound(_) | crate::app::AppError::Unauthorized(_)),
        ) => {
            return super::manage::refusal(&page, &state, &error)
                .unwrap_or_else(|| page.not_found(&state.tera));
        }
        Err(error) => page.insert_error(&mut context, &error),
    };
    render_talent(
        &state,
        &page,
        id.into_inner(),
        TalentQuery::default(),
        context,
        status,
    )
    .await
}
