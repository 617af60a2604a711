//! Submitting an idea to a contest: the form, its preview, a draft or a submission, with its
//! files.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use crate::app::AppError;
use crate::app::contests::{self, ContestView};
use crate::app::ideas::{self, CleanUpload, Entered, NewIdea, Upload};
use crate::web::AppState;
use crate::web::pages::{Page, SOURCE_COOKIE, SignedInPage, see_other, url_escape};

use super::shared::{ContestInfo, base_context, checked, show_error};
use super::show::{Done, IdeaPageState, render_idea};
use super::upload::{Posted, read_form};

/// What a person typed in an idea form, shown back to them.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct IdeaTyped {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub accept_terms: bool,
    /// The track chosen (empty: none), when the contest has tracks.
    pub track: String,
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
    #[serde(default)]
    pub track: String,
}

impl IdeaForm {
    pub fn typed(&self) -> IdeaTyped {
        IdeaTyped {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            accept_terms: checked(&self.accept_terms),
            track: self.track.clone(),
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
    /// A preview was asked with files chosen: they are not kept, and must be chosen again.
    files_dropped: bool,
    files_hint: String,
}

fn submit_context(
    page: &Page,
    contest: &ContestView,
    typed: &IdeaTyped,
    max_files: u32,
) -> Context {
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
        files_dropped: false,
        files_hint: page.t_with("entry_files_hint", &[("n", &max_files.to_string())]),
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
            let max_files = state.ctx.settings.ideas.max_attachments;
            let context = submit_context(&page, &contest, &IdeaTyped::default(), max_files);
            page.render(&state.tera, "ideas/submit.html", &context)
        }
        Err(error) => page.error(&state.tera, error),
    }
}

impl IdeaAction {
    /// The button named in a form read field by field (the multipart submission form).
    fn named(raw: &str) -> IdeaAction {
        match raw {
            "preview" => IdeaAction::Preview,
            "draft" => IdeaAction::Draft,
            "submit" => IdeaAction::Submit,
            "save" => IdeaAction::Save,
            _ => IdeaAction::Other,
        }
    }
}

impl IdeaForm {
    /// The idea form from the fields of a posted form.
    fn from_posted(posted: &Posted) -> IdeaForm {
        let accept = posted.field("accept_terms");
        IdeaForm {
            title: posted.field("title"),
            summary: posted.field("summary"),
            body: posted.field("body"),
            accept_terms: (!accept.is_empty()).then_some(accept),
            action: IdeaAction::named(&posted.field("action")),
            track: posted.field("track"),
        }
    }
}

/// Prepares each chosen file (recognised, its metadata removed) on the blocking pool.
async fn prepare_all(uploads: Vec<Upload>) -> crate::app::AppResult<Vec<CleanUpload>> {
    let mut prepared = Vec::with_capacity(uploads.len());
    for upload in uploads {
        match web::block(move || ideas::prepare(upload)).await {
            Ok(Ok(clean)) => prepared.push(clean),
            Ok(Err(error)) => return Err(error),
            Err(error) => return Err(AppError::internal(error)),
        }
    }
    Ok(prepared)
}

/// The submission form: a preview, a draft or a submission, with the files chosen. A refused
/// submission keeps what was written as a draft and shows that draft's page with the reason
/// (and, for an unverified address, the button that sends the link again).
pub(crate) async fn submit_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let id = id.into_inner();
    // The contest first: a reader who may not see it gets the not-found page before the body
    // is read (issue 16.14).
    let contest = match load_contest(&state, &page, id.clone()).await {
        Ok(contest) => contest,
        Err(error) => return page.error(&state.tera, error),
    };
    let limits = &state.ctx.settings.ideas;
    let (file_limit, max_files) = (
        limits.max_attachment_bytes as usize,
        limits.max_attachments as usize,
    );
    let posted = match read_form(&req, payload, file_limit, max_files).await {
        Ok(posted) => posted,
        Err(error) => {
            let mut context =
                submit_context(&page, &contest, &IdeaTyped::default(), max_files as u32);
            let (status, _) = show_error(&page, &mut context, &error, &[]);
            return page.render_status(&state.tera, "ideas/submit.html", &context, status);
        }
    };
    if !page.csrf_ok(&posted.field("csrf")) {
        return page.csrf_refused(&state.tera);
    }
    let form = IdeaForm::from_posted(&posted);
    let typed = form.typed();
    let mut context = submit_context(&page, &contest, &typed, max_files as u32);
    if form.action == IdeaAction::Preview {
        context.insert("preview_html", &crate::markdown::to_safe_html(&form.body));
        context.insert("files_dropped", &!posted.files.is_empty());
        return page.render(&state.tera, "ideas/submit.html", &context);
    }
    let draft = form.action == IdeaAction::Draft;
    let input = NewIdea {
        title: form.title,
        summary: form.summary,
        body: form.body,
        accept_terms: typed.accept_terms,
        draft,
        track: Some(form.track).filter(|t| !t.is_empty()),
    };
    // A file refused (unreadable, of no accepted kind): the text is kept as a draft all the
    // same, and the page says which file to attach again.
    let (files, file_refusal) = match prepare_all(posted.files).await {
        Ok(files) => (files, None),
        Err(refusal) => (Vec::new(), Some(refusal)),
    };
    let contest_id = id.clone();
    let entered = page
        .run(&state, move |ctx, conn, actor| match file_refusal {
            None => ideas::enter(ctx, conn, actor, &id, input, &files),
            Some(refusal) => {
                let input = NewIdea {
                    draft: true,
                    ..input
                };
                match ideas::create(ctx, conn, actor, &id, input) {
                    Ok(draft) => Ok(Entered::KeptAsDraft { draft, refusal }),
                    Err(_) => Err(refusal),
                }
            }
        })
        .await;
    match entered {
        Ok(Entered::Draft(idea)) => page.finish(see_other(&format!(
            "/ideas/{}?done={}",
            url_escape(&idea.id),
            Done::Draft.as_str()
        ))),
        Ok(Entered::Submitted(idea)) => {
            record_source(&req, &state, &page, &contest_id).await;
            page.finish(see_other(&format!(
                "/ideas/{}?done={}",
                url_escape(&idea.id),
                Done::Submitted.as_str()
            )))
        }
        Ok(Entered::KeptAsDraft { draft, refusal }) => {
            let extra = IdeaPageState {
                kept_as_draft: true,
                ..IdeaPageState::failed(refusal)
            };
            render_idea(&state, &page, draft.id, extra).await
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
