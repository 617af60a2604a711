//! The management page of one contest (`/contests/{id}/manage`): its funding, jury,
//! announcements, ideas and payouts, each section with its form ([`super::actions`]), and
//! the confirmation before opening (`/contests/{id}/open`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use tera::Context;

use crate::app::contests::ContestView;
use crate::app::{announcements, award, contests, fundings, ideas, jury};
use crate::domain::lifecycle::Phase;
use crate::web::AppState;
use crate::web::i18n;

use super::super::{Page, SignedInPage, kit, t};
use super::{ContestRow, render_view};

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
}

/// What a failed form typed, shown again on the page (empty for the others).
#[derive(Debug, Default, Serialize)]
pub(super) struct Typed {
    /// The section whose form failed (`""` when none did).
    pub(super) error_section: &'static str,
    pub(super) input_reference: String,
    pub(super) input_amount: String,
    pub(super) input_email: String,
    pub(super) input_body: String,
    pub(super) input_reason: String,
    pub(super) input_idea: String,
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
}

#[derive(Debug, Serialize)]
struct IdeaRow {
    id: String,
    title: String,
    status: crate::domain::ideas::Status,
    status_label: String,
    submitted_at: String,
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
    money: super::super::payouts::MoneyPanel,
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
    /// How to pay the escrow, the payouts with their paid date (issue 19, `pages::payouts`).
    money: super::super::payouts::MoneyPanel,
    #[serde(flatten)]
    typed: Typed,
}

impl ManageView {
    fn of(m: Management, lang: &str, typed: Typed) -> ManageView {
        let c = &m.contest;
        let money = |cents: i64| i18n::money(cents, &c.currency, lang);
        let label = |prefix: &str, value: &str| t(lang, &format!("{prefix}_{value}"));
        let juror = |j: &jury::JurorView| {
            let progress = m.progress.iter().find(|p| p.juror_id == j.id);
            JurorRow {
                email: j.email.clone(),
                display_name: j.display_name.clone().unwrap_or_default(),
                status_label: label("juror", j.status.as_str()),
                scored: progress.map_or(0, |p| p.scored),
                assigned: progress.map_or(0, |p| p.assigned),
            }
        };
        let payouts = m.results.as_ref().map(|r| &r.payouts[..]).unwrap_or(&[]);
        ManageView {
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
                money: super::super::payouts::MoneyPanel::load(ctx, conn, &actor, &contest, lang)?,
                contest,
            })
        })
        .await;
    let view = loaded.map(|m| ManageView::of(m, page.lang, typed));
    render_view(page, state, "manage/contest.html", context, view, status)
}

pub(crate) async fn manage(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
) -> HttpResponse {
    let (id, typed) = (id.into_inner(), Typed::default());
    render_manage(&state, &page, id, typed, page.context(), StatusCode::OK).await
}

/// What the confirmation before opening shows.
#[derive(Serialize)]
struct OpenView {
    contest: super::super::contests::Card,
    funded: String,
    is_draft: bool,
}

/// Opening, after a confirmation that says what freezes.
pub(crate) async fn open_form(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
) -> HttpResponse {
    let (actor, id, lang) = (page.actor.clone(), id.into_inner(), page.lang);
    let view = state
        .run(move |ctx, conn| {
            contests::find_managed(conn, &actor, &id)?;
            contests::show(ctx, conn, &actor, &id)
        })
        .await
        .map(|contest| OpenView {
            contest: super::super::contests::card(&contest, lang),
            funded: ContestRow::of(&contest, lang).funded,
            is_draft: contest.phase == Phase::Draft,
        });
    let context = page.context();
    render_view(
        &page,
        &state,
        "manage/open.html",
        context,
        view,
        StatusCode::OK,
    )
}
