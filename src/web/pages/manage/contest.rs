//! The management page of one contest (`/contests/{id}/manage`): its funding, jury,
//! announcements, ideas and payouts, each section with its form ([`super::actions`]), and
//! the confirmation before opening (`/contests/{id}/open`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use tera::Context;

use crate::app::contests::ContestView;
use crate::app::{AppError, announcements, award, contests, fundings, ideas, jury};
use crate::domain::lifecycle::Phase;

use crate::web::AppState;
use crate::web::i18n;

use super::super::{Page, SignedInPage, kit, see_other, t};
use super::{ContestRow, render_view};

mod guide;
use guide::Guide;

/// A section of the management page: where a form's error is shown, and where the page goes
/// back to after it (`/contests/{id}/manage#jurors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Fundings,
    Jurors,
    JurySettings,
    Remind,
    Announcements,
    Ideas,
    Open,
    Award,
}

impl Section {
    /// The section's name in the page (its anchor, and `error_section` in the template).
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Section::Fundings => "fundings",
            Section::Jurors => "jurors",
            Section::JurySettings => "jury-settings",
            Section::Remind => "remind",
            Section::Announcements => "announcements",
            Section::Ideas => "ideas",
            Section::Open => "open",
            Section::Award => "award",
        }
    }

    /// Where the page goes back to after this section's form succeeded: the `?done=` key of
    /// its success notice and the anchor it lands on.
    pub(super) fn done(self) -> (&'static str, &'static str) {
        match self {
            Section::Fundings => ("funding", "fundings"),
            Section::Jurors => ("juror", "jurors"),
            Section::JurySettings => ("settings", "jury-settings"),
            Section::Remind => ("reminded", "guide"),
            Section::Announcements => ("announced", "announcements"),
            Section::Ideas => ("disqualified", "ideas"),
            Section::Open => ("opened", "guide"),
            Section::Award => ("awarded", "guide"),
        }
    }
}

/// The success notices of this page, by their `?done=` key; any other key shows nothing.
const DONE: [&str; 8] = [
    "funding",
    "juror",
    "settings",
    "reminded",
    "announced",
    "disqualified",
    "opened",
    "awarded",
];

/// A step asked before an action happens, shown at the top of the page.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Step {
    #[default]
    None,
    /// "Disqualify this idea?" (`input_idea`, `input_reason`).
    Disqualify,
    /// The announcement as it will be published (`input_body`).
    Announce,
    /// The announcement back in its form, to edit it.
    Edit,
    /// "Award now?"
    Award,
}

/// What a failed form typed, shown again on the page (empty for the others).
#[derive(Debug, Default, Serialize)]
pub(super) struct Typed {
    /// The section whose form failed (`""` when none did).
    pub(super) error_section: &'static str,
    pub(super) input_reference: String,
    pub(super) input_amount: String,
    pub(super) input_email: String,
    /// The category panel chosen for the juror invited (empty: every category).
    pub(super) input_track: String,
    pub(super) input_body: String,
    pub(super) input_reason: String,
    pub(super) input_idea: String,
    /// A confirmation or a preview to show first.
    #[serde(rename = "typed_step")]
    pub(super) step: Step,
}

#[derive(Debug, Serialize)]
struct FundingRow {
    amount: String,
    reference: String,
    status: crate::domain::status::FundingStatus,
    status_label: String,
    recorded_at: String,
}

#[derive(Debug, Serialize)]
struct JurorRow {
    email: String,
    display_name: String,
    status_label: String,
    scored: usize,
    assigned: usize,
    /// The category panel the juror sits on (empty: every category).
    track_label: String,
}

#[derive(Debug, Serialize)]
struct IdeaRow {
    id: String,
    title: String,
    status: crate::domain::ideas::Status,
    status_label: String,
    submitted_at: String,
    /// The category the idea enters (empty: none).
    track_label: String,
}

/// A round on the management page: its label, its end and where it stands.
#[derive(Debug, Serialize)]
struct RoundRow {
    label: String,
    ends_at: String,
    status: &'static str,
    status_text: String,
    /// Being judged: sheets scored of sheets assigned in it.
    progress: String,
}

/// A category with its entries (submitted ideas) and its label.
#[derive(Debug, Serialize)]
struct TrackRow {
    key: String,
    label: String,
    entries: usize,
}

#[derive(Debug, Serialize)]
struct PayoutRow {
    recipient: String,
    amount: String,
    reason_label: String,
    status_label: String,
}

/// Everything the management page shows.
struct Management {
    contest: ContestView,
    fundings: Vec<fundings::FundingView>,
    jurors: Vec<jury::JurorView>,
    progress: Vec<jury::JurorProgress>,
    news: Vec<announcements::AnnouncementView>,
    ideas: Vec<ideas::IdeaView>,
    results: Option<award::Results>,
    reviews_per_entry: Option<u32>,
    /// The opening checklist, while in draft.
    checklist: Option<contests::Checklist>,
    now: chrono::DateTime<chrono::Utc>,
    money: super::super::payouts::MoneyPanel,
    /// Every round with its status, once open, when the rules have rounds (the final last).
    rounds: Vec<crate::app::rounds::RoundView>,
}

/// The management page as its template reads it.
#[derive(Debug, Serialize)]
struct ManageView {
    contest: ContestRow,
    phase: &'static str,
    rules_hash: Option<String>,
    funded_cents: i64,
    pool_cents: i64,
    /// What the confirmed funding still lacks.
    missing: String,
    fundings: Vec<FundingRow>,
    jurors: Vec<JurorRow>,
    show_progress: bool,
    min_jurors: String,
    reviews_per_entry: String,
    /// Each announcement: its date and its text.
    news: Vec<(String, String)>,
    ideas: Vec<IdeaRow>,
    payouts: Vec<PayoutRow>,
    /// The sections below the guide, in the order this phase needs them.
    sections: Vec<&'static str>,
    guide: Guide,
    /// The title of the idea a disqualification asks about.
    step_idea: String,
    today: String,
    /// How to pay the escrow, the payouts with their paid date (issue 19, `pages::payouts`).
    money: super::super::payouts::MoneyPanel,
    /// Rounds (issue 20), with the one being judged and how many advanced from each closed one.
    rounds: Vec<RoundRow>,
    /// Categories (issue 20): the choices of a juror's panel, and the entries of each.
    tracks: Vec<TrackRow>,
    #[serde(flatten)]
    typed: Typed,
}

/// The sections of the page after the guide, by phase: set-up first in draft, the ideas first
/// once they come in, the payouts first once awarded.
fn sections(phase: Phase) -> Vec<&'static str> {
    match phase {
        Phase::Draft => vec!["fundings", "jurors"],
        Phase::Upcoming => vec!["jurors", "announcements", "ideas", "fundings"],
        Phase::Submission => vec!["ideas", "announcements", "jurors", "fundings"],
        Phase::Judging => vec!["ideas", "jurors", "announcements", "fundings"],
        Phase::Awarded => vec!["payouts", "ideas", "announcements", "jurors", "fundings"],
    }
}

impl ManageView {
    fn of(m: Management, lang: &str, typed: Typed) -> ManageView {
        let c = &m.contest;
        let money = |cents: i64| i18n::money(cents, &c.currency, lang);
        let label = |prefix: &str, value: &str| t(lang, &format!("{prefix}_{value}"));
        let rules = kit::rules(c);
        let track_label = |key: Option<&str>| {
            (key.zip(rules.as_ref()))
                .and_then(|(key, rules)| rules.track(key))
                .map(|t| t.label.clone())
                .unwrap_or_default()
        };
        let submitted = |i: &&ideas::IdeaView| i.status == crate::domain::ideas::Status::Submitted;
        let tracks = (rules.iter().flat_map(|r| &r.tracks))
            .map(|track| TrackRow {
                key: track.key.clone(),
                label: track.label.clone(),
                entries: (m.ideas.iter().filter(submitted))
                    .filter(|i| i.track.as_deref() == Some(track.key.as_str()))
                    .count(),
            })
            .collect();
        let (scored, assigned) =
            (m.progress.iter()).fold((0, 0), |(s, a), p| (s + p.scored, a + p.assigned));
        let rounds = (m.rounds.iter())
            .map(|r| RoundRow {
                label: super::super::contests::structure::round_label(&r.key, &r.label, lang),
                ends_at: i18n::date(r.ends_at, lang),
                status: r.status,
                status_text: super::super::contests::structure::status_text(r, lang),
                progress: if r.status == "judging" {
                    kit::t_with(
                        lang,
                        "structure_manage_round_now",
                        &[
                            ("scored", &scored.to_string()),
                            ("assigned", &assigned.to_string()),
                        ],
                    )
                } else {
                    String::new()
                },
            })
            .collect();
        let juror = |j: &jury::JurorView| {
            let progress = m.progress.iter().find(|p| p.juror_id == j.id);
            JurorRow {
                email: j.email.clone(),
                display_name: j.display_name.clone().unwrap_or_default(),
                status_label: label("juror", j.status.as_str()),
                scored: progress.map_or(0, |p| p.scored),
                assigned: progress.map_or(0, |p| p.assigned),
                track_label: track_label(j.track.as_deref()),
            }
        };
        let payouts = m.results.as_ref().map(|r| &r.payouts[..]).unwrap_or(&[]);
        let step_idea = (m.ideas.iter())
            .find(|i| i.id == typed.input_idea)
            .map(|i| i.title.clone())
            .unwrap_or_default();
        ManageView {
            sections: sections(c.phase),
            guide: Guide::of(&m, lang),
            step_idea,
            today: i18n::date(m.now, lang),
            contest: ContestRow::of(c, lang),
            phase: c.phase.as_str(),
            rules_hash: c.rules_hash.clone(),
            funded_cents: c.funded_cents,
            pool_cents: c.prize_pool_cents,
            missing: money((c.prize_pool_cents - c.funded_cents).max(0)),
            fundings: (m.fundings.iter())
                .map(|f| FundingRow {
                    amount: i18n::money(f.amount_cents, &f.currency, lang),
                    reference: f.reference.clone(),
                    status: f.status,
                    status_label: label("funding", f.status.as_str()),
                    recorded_at: i18n::date(f.recorded_at, lang),
                })
                .collect(),
            jurors: m.jurors.iter().map(juror).collect(),
            show_progress: !m.progress.is_empty(),
            min_jurors: kit::rules(c).map_or(0, |r| r.min_jurors).to_string(),
            reviews_per_entry: (m.reviews_per_entry.map(|n| n.to_string())).unwrap_or_default(),
            news: (m.news.iter())
                .map(|a| (i18n::date(a.created_at, lang), a.body.clone()))
                .collect(),
            ideas: (m.ideas.iter())
                .map(|i| IdeaRow {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    status: i.status,
                    status_label: label("idea", i.status.as_str()),
                    submitted_at: (i.submitted_at.map(|at| i18n::date(at, lang)))
                        .unwrap_or_default(),
                    track_label: track_label(i.track.as_deref()),
                })
                .collect(),
            payouts: (payouts.iter())
                .map(|p| PayoutRow {
                    recipient: p.recipient.clone(),
                    amount: money(p.amount_cents),
                    reason_label: label("reason", &p.reason),
                    status_label: label("status", p.status.as_str()),
                })
                .collect(),
            money: m.money,
            rounds,
            tracks,
            typed,
        }
    }
}

/// Renders the management page; `context` carries the error of a failed form, and `typed`
/// what it typed and its section.
pub(super) async fn render_manage(
    state: &AppState,
    page: &Page,
    id: String,
    typed: Typed,
    context: Context,
    status: StatusCode,
) -> HttpResponse {
    let (actor, lang) = (page.actor.clone(), page.lang);
    let loaded = state
        .run(move |ctx, conn| {
            let stored = contests::find_managed(conn, &actor, &id)?;
            let contest = contests::show(ctx, conn, &actor, &id)?;
            let opened = contest.phase != Phase::Draft;
            let judged = matches!(contest.phase, Phase::Judging | Phase::Awarded);
            Ok(Management {
                fundings: fundings::of_contest(conn, &actor, &id)?,
                jurors: jury::list(conn, &actor, &id)?,
                progress: if judged {
                    jury::progress(conn, &actor, &id)?
                } else {
                    Vec::new()
                },
                news: if opened {
                    announcements::list(conn, &actor, &id)?
                } else {
                    Vec::new()
                },
                ideas: if opened {
                    ideas::of_contest(conn, &actor, &id)?
                } else {
                    Vec::new()
                },
                results: if contest.phase == Phase::Awarded {
                    Some(award::results(conn, &actor, &id)?)
                } else {
                    None
                },
                reviews_per_entry: stored.reviews_per_entry.map(|n| n as u32),
                checklist: contests::checklist(ctx, conn, &actor, &id)?,
                now: ctx.now(),
                money: super::super::payouts::MoneyPanel::load(ctx, conn, &actor, &contest, lang)?,
                rounds: if opened && contest.rules.get("rounds").is_some() {
                    crate::app::rounds::rounds(ctx, conn, &actor, &id)?.rounds
                } else {
                    Vec::new()
                },
                contest,
            })
        })
        .await;
    // A confirmation asks only about an idea of this contest that can still be disqualified;
    // to anyone else, there is no such idea (as the disqualification itself answers).
    if typed.step == Step::Disqualify && matches!(loaded, Err(AppError::Forbidden(_))) {
        return page.not_found(&state.tera);
    }
    if let Ok(m) = &loaded
        && typed.step == Step::Disqualify
        && !(m.contest.phase == Phase::Judging
            && (m.ideas.iter()).any(|i| {
                i.id == typed.input_idea && i.status == crate::domain::ideas::Status::Submitted
            }))
    {
        return page.not_found(&state.tera);
    }
    let view = loaded.map(|m| ManageView::of(m, page.lang, typed));
    render_view(page, state, "manage/contest.html", context, view, status)
}

/// The success notice named by `?done=`, in the reader's language; `None` for any other key.
fn done_notice(page: &Page, query: &HashMap<String, String>) -> Option<String> {
    let key = query.get("done")?;
    DONE.contains(&key.as_str())
        .then(|| page.t(&format!("guide_done_{key}")))
}

pub(crate) async fn manage(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let (id, typed) = (id.into_inner(), Typed::default());
    let mut context = page.context();
    if let Some(notice) = done_notice(&page, &query) {
        context.insert("done", &notice);
    }
    render_manage(&state, &page, id, typed, context, StatusCode::OK).await
}

/// What the confirmation before opening shows.
#[derive(Serialize)]
struct OpenView {
    contest: super::super::contests::Card,
    funded: String,
    is_draft: bool,
}

/// Opening, after a confirmation that says what freezes: asked only once every condition of
/// opening is met; before that, the management page's checklist says what is missing.
pub(crate) async fn open_form(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
) -> HttpResponse {
    let id = id.into_inner();
    render_open(&state, &page, id, page.context(), StatusCode::OK).await
}

/// The confirmation before opening, with `context` (the error of a form sent without it); the
/// management page's guide instead while a condition of opening fails.
pub(super) async fn render_open(
    state: &AppState,
    page: &Page,
    id: String,
    context: Context,
    status: StatusCode,
) -> HttpResponse {
    let (actor, lang, contest_id) = (page.actor.clone(), page.lang, id.clone());
    let view = state
        .run(move |ctx, conn| {
            let list = contests::checklist(ctx, conn, &actor, &id)?;
            Ok((contests::show(ctx, conn, &actor, &id)?, list))
        })
        .await;
    if let Ok((_, Some(list))) = &view
        && !list.passes()
    {
        return page.finish(see_other(&format!("/contests/{contest_id}/manage#guide")));
    }
    let view = view.map(|(contest, _)| OpenView {
        contest: super::super::contests::card(&contest, lang),
        funded: ContestRow::of(&contest, lang).funded,
        is_draft: contest.phase == Phase::Draft,
    });
    render_view(page, state, "manage/open.html", context, view, status)
}
