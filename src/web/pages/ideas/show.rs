//! The idea page: the idea, its receipt and files, the edit form, and submitting a draft.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use crate::app::access::Actor;
use crate::app::contests::{self, ContestView};
use crate::app::ideas::{self, IdeaContent, IdeaView, SubmitDraft};
use crate::app::{AppError, AppResult, Ctx};
use crate::domain::ideas::Status;
use crate::store::DbConnection;
use crate::web::AppState;
use crate::web::i18n;
use crate::web::pages::{CsrfForm, Page, SignedInPage, see_other, url_escape};

use super::shared::{ContestInfo, base_context, checked, show_error, size_label, with_view};
use super::submit::{IdeaAction, IdeaForm, IdeaTyped};

/// An idea, its contest, and whether the reader wrote it.
pub(super) struct IdeaData {
    pub idea: IdeaView,
    pub contest: ContestView,
    pub is_author: bool,
    /// The reader must verify their address before they can submit.
    pub must_verify: bool,
}

pub(super) async fn load_idea(state: &AppState, page: &Page, id: String) -> AppResult<IdeaData> {
    page.run(state, move |ctx, conn, actor| {
        let idea = ideas::show(ctx, conn, actor, &id)?;
        let contest = contests::show(ctx, conn, actor, &idea.contest_id)?;
        // The idea object never names its author: the reader wrote it if it is theirs.
        let is_author = ideas::mine(ctx, conn, actor)?
            .iter()
            .any(|i| i.id == idea.id);
        let verified = matches!(actor, Actor::User(user) if user.email_verified);
        let must_verify = ctx.settings.auth.require_verified_email && !verified;
        Ok(IdeaData {
            idea,
            contest,
            is_author,
            must_verify,
        })
    })
    .await
}

/// What the idea page shows besides the idea: a notice, typed input, a preview, an error.
#[derive(Default)]
pub(super) struct IdeaPageState {
    pub notice: Option<String>,
    pub typed: Option<IdeaTyped>,
    pub preview: bool,
    pub error: Option<AppError>,
    /// A submission from the submission page was refused, and its text kept as this draft.
    pub kept_as_draft: bool,
}

impl IdeaPageState {
    /// The idea page again, with this error on it.
    pub fn failed(error: AppError) -> IdeaPageState {
        IdeaPageState {
            error: Some(error),
            ..Default::default()
        }
    }
}

#[derive(Serialize)]
struct IdeaShown {
    id: String,
    title: String,
    summary: String,
    body_html: String,
    status: Status,
    status_label: String,
    updated_at: String,
    submitted_at: String,
    /// The category the idea enters (empty: none).
    track_label: String,
}

#[derive(Serialize)]
struct ReceiptShown {
    sha256: String,
    revision: i32,
    received_at: String,
    rules_hash: String,
}

#[derive(Serialize)]
struct AttachmentShown {
    id: String,
    filename: String,
    size: String,
    sha256: String,
}

/// An attachment as the removal's confirmation names it.
pub(super) fn attachment_shown(
    data: &IdeaData,
    attachment_id: &str,
    lang: &str,
) -> Option<impl Serialize> {
    data.idea
        .attachments
        .iter()
        .find(|a| a.id == attachment_id)
        .map(|a| AttachmentShown {
            id: a.id.clone(),
            filename: a.filename.clone(),
            size: size_label(a.size, lang),
            sha256: a.sha256.clone(),
        })
}

/// The idea page's view (also the base of the withdraw page).
#[derive(Serialize)]
struct IdeaPageView {
    idea: IdeaShown,
    receipt: Option<ReceiptShown>,
    attachments: Vec<AttachmentShown>,
    deadline_note: String,
    is_author: bool,
    can_edit: bool,
    can_submit_draft: bool,
    /// Show the author that their address needs verifying, with the button that resends it.
    must_verify: bool,
    kept_as_draft: bool,
    preview_html: String,
    /// The edit form: what was typed, else the idea as saved.
    form: IdeaTyped,
    contest: ContestInfo,
}

fn idea_view(page: &Page, data: &IdeaData, extra: &IdeaPageState) -> IdeaPageView {
    let lang = page.lang;
    let IdeaData {
        idea,
        contest,
        is_author,
        must_verify,
    } = data;
    let contest = ContestInfo::of(contest, lang);
    let draft = idea.status == Status::Draft;
    let can_edit = *is_author
        && match idea.status {
            Status::Draft => contest.accepts_ideas || contest.drafts_only,
            Status::Submitted => contest.accepts_ideas,
            Status::Withdrawn | Status::Disqualified => false,
        };
    let form = match &extra.typed {
        Some(typed) => typed.clone(),
        None => IdeaTyped {
            title: idea.title.clone(),
            summary: idea.summary.clone(),
            body: idea.body.clone(),
            accept_terms: false,
            track: idea.track.clone().unwrap_or_default(),
        },
    };
    IdeaPageView {
        idea: IdeaShown {
            id: idea.id.clone(),
            title: idea.title.clone(),
            summary: idea.summary.clone(),
            body_html: idea.body_html.clone(),
            status: idea.status,
            status_label: page.t(&format!("idea_status_{}", idea.status)),
            updated_at: i18n::date(idea.updated_at, lang),
            submitted_at: idea
                .submitted_at
                .map(|at| i18n::date(at, lang))
                .unwrap_or_default(),
            track_label: contest.track_label(idea.track.as_deref()),
        },
        receipt: idea.receipt.as_ref().map(|r| ReceiptShown {
            sha256: r.sha256.clone(),
            revision: r.revision,
            received_at: i18n::date(r.received_at, lang),
            rules_hash: r.rules_hash.clone(),
        }),
        attachments: idea
            .attachments
            .iter()
            .map(|a| AttachmentShown {
                id: a.id.clone(),
                filename: a.filename.clone(),
                size: size_label(a.size, lang),
                sha256: a.sha256.clone(),
            })
            .collect(),
        deadline_note: page.t_with(
            "idea_deadline_note",
            &[("deadline", &contest.submission_deadline)],
        ),
        is_author: *is_author,
        can_edit,
        can_submit_draft: can_edit && draft && contest.accepts_ideas,
        must_verify: *must_verify && *is_author && draft,
        kept_as_draft: extra.kept_as_draft,
        preview_html: match &extra.typed {
            Some(typed) if extra.preview => crate::markdown::to_safe_html(&typed.body),
            _ => String::new(),
        },
        form,
        contest,
    }
}

/// The idea page's context, with its notice and error, and the status it should have.
pub(super) fn idea_context(
    page: &Page,
    data: &IdeaData,
    extra: &IdeaPageState,
) -> (Context, StatusCode) {
    let mut context = with_view(base_context(page), &idea_view(page, data, extra));
    if let Some(notice) = &extra.notice {
        context.insert("notice", notice);
    }
    let status = match &extra.error {
        Some(error) => show_error(page, &mut context, error, &[]).0,
        None => StatusCode::OK,
    };
    (context, status)
}

/// Loads the idea and renders its page with `extra`.
pub(super) async fn render_idea(
    state: &AppState,
    page: &Page,
    id: String,
    extra: IdeaPageState,
) -> HttpResponse {
    match load_idea(state, page, id).await {
        Ok(data) => {
            let (context, status) = idea_context(page, &data, &extra);
            page.render_status(&state.tera, "ideas/show.html", &context, status)
        }
        Err(error) => page.error(&state.tera, error),
    }
}

/// Runs an author's change to idea `id`, then goes back to its page: with the notice of
/// `done` (a `?done=` value), or with the error shown on `on_error` (what was typed).
pub(super) async fn change_idea<T: Send + 'static>(
    state: &AppState,
    page: &Page,
    id: String,
    done: Done,
    on_error: IdeaPageState,
    change: impl FnOnce(&Ctx, &mut DbConnection, &Actor, &str) -> AppResult<T> + Send + 'static,
) -> HttpResponse {
    let idea_id = id.clone();
    match page
        .run(state, move |ctx, conn, actor| {
            change(ctx, conn, actor, &idea_id)
        })
        .await
    {
        Ok(_) => page.finish(see_other(&format!(
            "/ideas/{}?done={}",
            url_escape(&id),
            done.as_str()
        ))),
        Err(error) => {
            let extra = IdeaPageState {
                error: Some(error),
                ..on_error
            };
            render_idea(state, page, id, extra).await
        }
    }
}

/// What a form that came back here had done (`?done=`), for the notice.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Done {
    Saved,
    Submitted,
    Draft,
    Attached,
    Withdrawn,
    Removed,
    VerificationSent,
    /// Anything else: no notice.
    #[serde(other)]
    Unknown,
}

impl Done {
    /// The `?done=` value, also the end of the notice's key (`idea_notice_saved`).
    pub fn as_str(self) -> &'static str {
        match self {
            Done::Saved => "saved",
            Done::Submitted => "submitted",
            Done::Draft => "draft",
            Done::Attached => "attached",
            Done::Withdrawn => "withdrawn",
            Done::Removed => "removed",
            Done::VerificationSent => "verification_sent",
            Done::Unknown => "",
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct DoneQuery {
    done: Option<Done>,
}

pub(crate) async fn idea_page(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> HttpResponse {
    let notice = match query.done {
        Some(Done::Unknown) | None => None,
        Some(done) => Some(page.t(&format!("idea_notice_{}", done.as_str()))),
    };
    let extra = IdeaPageState {
        notice,
        ..Default::default()
    };
    render_idea(&state, &page, id.into_inner(), extra).await
}

pub(crate) async fn edit_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<IdeaForm>,
) -> HttpResponse {
    let typed = form.typed();
    let id = id.into_inner();
    if form.action == IdeaAction::Preview {
        let extra = IdeaPageState {
            typed: Some(typed),
            preview: true,
            ..Default::default()
        };
        return render_idea(&state, &page, id, extra).await;
    }
    let input = IdeaContent {
        title: form.title,
        summary: form.summary,
        body: form.body,
        track: Some(form.track).filter(|t| !t.is_empty()),
    };
    let on_error = IdeaPageState {
        typed: Some(typed),
        ..Default::default()
    };
    change_idea(
        &state,
        &page,
        id,
        Done::Saved,
        on_error,
        |ctx, conn, actor, id| ideas::update(ctx, conn, actor, id, input),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct SubmitDraftForm {
    #[serde(default)]
    accept_terms: Option<String>,
}

pub(crate) async fn submit_draft_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<SubmitDraftForm>,
) -> HttpResponse {
    let id = id.into_inner();
    let input = SubmitDraft {
        accept_terms: checked(&form.accept_terms),
    };
    change_idea(
        &state,
        &page,
        id,
        Done::Submitted,
        IdeaPageState::default(),
        |ctx, conn, actor, id| ideas::submit_draft(ctx, conn, actor, id, input),
    )
    .await
}

#[cfg(test)]
mod tests {
    use actix_web::web::Query;

    use super::{Done, DoneQuery};
    use crate::web::pages::ideas::submit::IdeaAction;

    fn done(query: &str) -> Option<&'static str> {
        let query = Query::<DoneQuery>::from_query(query).unwrap();
        query.done.map(Done::as_str)
    }

    #[test]
    fn a_done_value_this_page_does_not_know_shows_no_notice() {
        assert_eq!(done("done=saved"), Some("saved"));
        assert_eq!(done("done=withdrawn"), Some("withdrawn"));
        assert_eq!(done("done=Saved"), Some(""));
        assert_eq!(done("done=%3Cb%3E"), Some(""));
        assert_eq!(done(""), None);
    }

    #[derive(serde::Deserialize)]
    struct Button {
        action: IdeaAction,
    }

    #[test]
    fn an_unknown_button_submits_or_saves_rather_than_previews() {
        let action = |raw: &str| Query::<Button>::from_query(&format!("action={raw}")).unwrap();
        assert_eq!(action("preview").action, IdeaAction::Preview);
        assert_eq!(action("draft").action, IdeaAction::Draft);
        assert_eq!(action("Preview").action, IdeaAction::Other);
        assert_eq!(action("").action, IdeaAction::Other);
    }
}
