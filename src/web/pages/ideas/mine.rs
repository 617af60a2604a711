//! My ideas: every idea of the reader, with its contest, its next step and, once awarded, its
//! result.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::app::contests::{self, ContestView};
use crate::app::ideas::{self, IdeaView};
use crate::app::{AppResult, award};
use crate::domain::ideas::Status;
use crate::domain::lifecycle::Phase;
use crate::web::AppState;
use crate::web::i18n;
use crate::web::pages::{Page, SignedInPage};

use super::shared::{ContestInfo, base_context, with_view};

/// The contests of the reader's ideas, by id, with their results once awarded.
type ContestsById = BTreeMap<String, (ContestView, Option<award::Results>)>;

/// A row of the list.
#[derive(Serialize)]
struct MyIdeaRow {
    id: String,
    title: String,
    status_label: String,
    updated_at: String,
    contest_id: String,
    contest_title: String,
    phase_label: String,
    awarded: bool,
    result: String,
    /// What the author can do next, or what happens next.
    next_step: String,
}

#[derive(Serialize)]
struct MyIdeasView {
    ideas: Vec<MyIdeaRow>,
}

async fn load_mine(state: &AppState, page: &Page) -> AppResult<(Vec<IdeaView>, ContestsById)> {
    page.run(state, move |ctx, conn, actor| {
        let mine = ideas::mine(ctx, conn, actor)?;
        let mut contests_by_id = ContestsById::new();
        for idea in &mine {
            if contests_by_id.contains_key(&idea.contest_id) {
                continue;
            }
            let contest = contests::show(ctx, conn, actor, &idea.contest_id)?;
            let results = if contest.phase == Phase::Awarded {
                award::results(conn, actor, &contest.id).ok()
            } else {
                None
            };
            contests_by_id.insert(contest.id.clone(), (contest, results));
        }
        Ok((mine, contests_by_id))
    })
    .await
}

/// An idea's result in an awarded contest: its rank and score, or that it was not ranked.
fn result_of(
    page: &Page,
    idea: &IdeaView,
    contest: &ContestView,
    results: Option<&award::Results>,
) -> String {
    if contest.phase != Phase::Awarded {
        return String::new();
    }
    let ranked = results.and_then(|r| r.ranking.iter().find(|row| row.entry_id == idea.id));
    let Some(row) = ranked else {
        return page.t("my_ideas_not_ranked");
    };
    let rank = row.rank.to_string();
    let score = row.score.map(|s| crate::web::i18n::number(s, 1, page.lang));
    match score {
        Some(score) => page.t_with("my_ideas_rank_score", &[("rank", &rank), ("score", &score)]),
        None => page.t_with("my_ideas_rank_only", &[("rank", &rank)]),
    }
}

/// The next step of an idea, from its status and its contest's phase.
fn next_step(page: &Page, idea: &IdeaView, contest: &ContestView) -> String {
    let info = ContestInfo::of(contest, page.lang);
    match (idea.status, contest.phase) {
        (Status::Draft, Phase::Submission) => page.t_with(
            "entry_next_draft_open",
            &[("deadline", &info.submission_deadline)],
        ),
        (Status::Draft, Phase::Upcoming | Phase::Draft) => {
            page.t_with("entry_next_draft_upcoming", &[("opens", &info.opens_at)])
        }
        (Status::Draft, _) => page.t("entry_next_draft_closed"),
        (Status::Submitted, Phase::Submission) => page.t_with(
            "entry_next_submitted_open",
            &[("deadline", &info.submission_deadline)],
        ),
        (Status::Submitted, Phase::Awarded) => page.t("entry_next_awarded"),
        (Status::Submitted, _) => {
            page.t_with("entry_next_judging", &[("date", &info.judging_deadline)])
        }
        (Status::Withdrawn, _) => page.t("entry_next_withdrawn"),
        (Status::Disqualified, _) => page.t("entry_next_disqualified"),
    }
}

pub(crate) async fn my_ideas(state: web::Data<AppState>, page: SignedInPage) -> HttpResponse {
    let (mine, contests_by_id) = match load_mine(&state, &page).await {
        Ok(found) => found,
        Err(error) => return page.error(&state.tera, error),
    };
    let lang = page.lang;
    let rows = mine
        .iter()
        .filter_map(|idea| {
            let (contest, results) = contests_by_id.get(&idea.contest_id)?;
            Some(MyIdeaRow {
                id: idea.id.clone(),
                title: idea.title.clone(),
                status_label: page.t(&format!("idea_status_{}", idea.status)),
                updated_at: i18n::date(idea.updated_at, lang),
                contest_id: contest.id.clone(),
                contest_title: contest.title.clone(),
                phase_label: page.t(&format!("phase_{}", contest.phase.as_str())),
                awarded: contest.phase == Phase::Awarded,
                result: result_of(&page, idea, contest, results.as_ref()),
                next_step: next_step(&page, idea, contest),
            })
        })
        .collect();
    let context = with_view(base_context(&page), &MyIdeasView { ideas: rows });
    page.render(&state.tera, "ideas/mine.html", &context)
}
