//! Submitting an idea to a contest: the form, its preview, a draft or a submission.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use crate::app::contests::{self, ContestView};
use crate::app::ideas::{self, NewIdea};
use crate::web::AppState;
use crate::web::pages::{CsrfForm, Page, SOURCE_COOKIE, SignedInPage, see_other};

use super::shared::{ContestInfo, base_context, checked, show_error};
use super::show::Done;

/// What a person typed in an idea form, shown back to them.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct IdeaTyped {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub accept_terms: bool,
}

/// Which button of an idea form was pressed.
#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum IdeaAction {
    /// Show the text as it will read, saving nothing.
    Preview,
    /// Save a draft (new idea).
    Draft,
    /// Submit (new idea).
    Submit,
    /// Save the changes (edit).
    Save,
    /// No button, or one this form does not have: saved as a submission or an edit.
    #[default]
    #[serde(other)]
    Other,
}

/// An idea form: new (`submit`) or edit (`/ideas/{id}/edit`).
#[derive(Debug, Deserialize)]
pub(crate) struct IdeaForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub accept_terms: Option<String>,
    #[serde(default)]
    pub action: IdeaAction,
}

impl IdeaForm {
    pub fn typed(&self) -> IdeaTyped {
        IdeaTyped {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            accept_terms: checked(&self.accept_terms),
        }
    }
}

/// The submit page's view: the contest, its notes, what was typed and its preview.
#[derive(Serialize)]
struct SubmitView<'a> {
    deadline_note: String,
    drafts_only_note: String,
    contest: ContestInfo,
    form: &'a IdeaTyped,
    preview_html: String,
}

fn submit_context(page: &Page, contest: &ContestView, typed: &IdeaTyped) -> Context {
    let contest = ContestInfo::of(contest, page.lang);
    let view = SubmitView {
        deadline_note: page.t_with(
            "idea_deadline_note",
            &[("deadline", &contest.submission_deadline)],
        ),
        drafts_only_note: page.t_with("idea_drafts_only", &[("opens", &contest.opens_at)]),
        contest,
        form: typed,
        preview_html: String::new(),
    };
    super::shared::with_view(base_context(page), &view)
}

async fn load_contest(
    state: &AppState,
    page: &Page,
    id: String,
) -> crate::app::AppResult<ContestView> {
    page.run(state, move |ctx, conn, actor| {
        contests::show(ctx, conn, actor, &id)
    })
    .await
}

pub(crate) async fn submit_form(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
) -> HttpResponse {
    match load_contest(&state, &page, id.into_inner()).await {
        Ok(contest) => {
            let context = submit_context(&page, &contest, &IdeaTyped::default());
            page.render(&state.tera, "ideas/submit.html", &context)
        }
        Err(error) => page.error(&state.tera, error),
    }
}

pub(crate) async fn submit_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<IdeaForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let id = id.into_inner();
    let contest = match load_contest(&state, &page, id.clone()).await {
        Ok(contest) => contest,
        Err(error) => return page.error(&state.tera, error),
    };
    let typed = form.typed();
    let mut context = submit_context(&page, &contest, &typed);
    if form.action == IdeaAction::Preview {
        context.insert("preview_html", &crate::markdown::to_safe_html(&form.body));
        return page.render(&state.tera, "ideas/submit.html", &context);
    }
    let draft = form.action == IdeaAction::Draft;
    let input = NewIdea {
        title: form.title,
        summary: form.summary,
        body: form.body,
        accept_terms: typed.accept_terms,
        draft,
    };
    let contest_id = id.clone();
    match page
        .run(&state, move |ctx, conn, actor| {
            ideas::create(ctx, conn, actor, &id, input)
        })
        .await
    {
        Ok(idea) => {
            record_source(&req, &state, &page, &contest_id).await;
            let done = if draft { Done::Draft } else { Done::Submitted };
            page.finish(see_other(&format!(
                "/ideas/{}?done={}",
                idea.id,
                done.as_str()
            )))
        }
        Err(error) => {
            let (status, _) = show_error(&page, &mut context, &error, &[]);
            page.render_status(&state.tera, "ideas/submit.html", &context, status)
        }
    }
}

/// With a participant's idea, where they came from (the contest page's cookie, if it is about
/// this contest). The figures can do without it: a failure is only logged.
async fn record_source(req: &HttpRequest, state: &AppState, page: &Page, contest_id: &str) {
    let Some(cookie) = req.cookie(SOURCE_COOKIE) else {
        return;
    };
    let value = cookie.value().to_owned();
    let mut parts = value.splitn(3, '|');
    let (Some(contest), Some(source), campaign) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    if contest != contest_id {
        return;
    }
    let (contest, source, campaign) = (
        contest.to_owned(),
        source.to_owned(),
        campaign.unwrap_or_default().to_owned(),
    );
    if let Err(error) = page
        .run(state, move |ctx, conn, actor| {
            crate::app::insight::record_source(ctx, conn, actor, &contest, &source, &campaign)
        })
        .await
    {
        tracing::warn!(error = ?error, "participant source not recorded");
    }
}
