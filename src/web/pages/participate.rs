//! The pages of innovators and jurors: submitting and editing ideas, my ideas, accepting a jury
//! invitation, scoring.
//!
//! Every form posts back to the page it came from; an error a person can cause is shown on that
//! page, beside its field, with what they typed kept. Jurors' pages work without JavaScript;
//! `assets/jury.js` only adds keyboard shortcuts.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tera::Context;

use crate::app::contests::ContestView;
use crate::app::ideas::{self, IdeaContent, IdeaView, NewIdea, SubmitDraft, Upload};
use crate::app::jury::{self, ConflictDeclaration, JuryEntries, ScoreSheet};
use crate::app::{AppError, AppResult, award, contests};
use crate::domain::lifecycle::Phase;
use crate::store::{self, DbConnection};
use crate::web::AppState;
use crate::web::i18n;

use super::{Page, see_other, url_escape};

/// The routes of these pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/contests/{id}/submit")
            .route(web::get().to(submit_form))
            .route(web::post().to(submit_post)),
    )
    .route("/ideas/{id}", web::get().to(idea_page))
    .route("/ideas/{id}/edit", web::post().to(edit_post))
    .route("/ideas/{id}/submit", web::post().to(submit_draft_post))
    .service(
        web::resource("/ideas/{id}/withdraw")
            .route(web::get().to(withdraw_form))
            .route(web::post().to(withdraw_post)),
    )
    .route("/ideas/{id}/attachments", web::post().to(attach_post))
    .route("/me/ideas", web::get().to(my_ideas))
    .route("/ideas/{id}/appreciation", web::post().to(appreciate))
    .service(
        web::resource("/jury-invitations/{token}")
            .route(web::get().to(invitation_page))
            .route(web::post().to(invitation_accept)),
    )
    .route("/contests/{id}/jury", web::get().to(jury_page))
    .route(
        "/contests/{id}/jury/entries/{entry_id}/scores",
        web::post().to(scores_post),
    )
    .route(
        "/contests/{id}/jury/entries/{entry_id}/conflict",
        web::post().to(conflict_post),
    );
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// A text of the catalogue by a key made at run time (tera cannot build keys).
fn text(lang: &str, key: &str) -> String {
    i18n::texts(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// A text of the catalogue with its `{placeholders}` filled.
fn text_with(lang: &str, key: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(text(lang, key), |acc, (name, value)| {
        acc.replace(&format!("{{{name}}}"), value)
    })
}

fn size_label(bytes: i64, lang: &str) -> String {
    let (kilo, mega) = if lang == "fr" {
        ("Ko", "Mo")
    } else {
        ("KB", "MB")
    };
    if bytes < 1024 {
        return text_with(lang, "idea_size_bytes", &[("n", &bytes.to_string())]);
    }
    let written = if bytes >= 1024 * 1024 {
        format!("{:.1} {mega}", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} {kilo}", bytes as f64 / 1024.0)
    };
    if lang == "fr" {
        written.replace('.', ",")
    } else {
        written
    }
}

/// A contest as these pages show it.
#[derive(Debug, Serialize)]
struct ContestInfo {
    id: String,
    title: String,
    phase: &'static str,
    phase_label: String,
    opens_at: String,
    submission_deadline: String,
    judging_deadline: String,
    eligibility: String,
    ip_terms: String,
    /// Ideas can be submitted now.
    accepts_ideas: bool,
    /// Only drafts can be saved now (the contest opens later).
    drafts_only: bool,
}

fn instant(rules: &Value, key: &str, lang: &str) -> String {
    rules[key]
        .as_str()
        .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
        .map(|at| i18n::date(at, lang))
        .unwrap_or_default()
}

fn contest_info(contest: &ContestView, lang: &str) -> ContestInfo {
    let rules = &contest.rules;
    ContestInfo {
        id: contest.id.clone(),
        title: contest.title.clone(),
        phase: contest.phase.as_str(),
        phase_label: text(lang, &format!("phase_{}", contest.phase.as_str())),
        opens_at: instant(rules, "opens_at", lang),
        submission_deadline: instant(rules, "submission_deadline", lang),
        judging_deadline: instant(rules, "judging_deadline", lang),
        eligibility: rules["eligibility"].as_str().unwrap_or_default().to_owned(),
        ip_terms: rules["ip_terms"].as_str().unwrap_or_default().to_owned(),
        accepts_ideas: contest.phase == Phase::Submission,
        drafts_only: contest.phase == Phase::Upcoming,
    }
}

/// A criterion of the contest's rules, as the score form needs it.
#[derive(Debug, Clone, Deserialize)]
struct Criterion {
    key: String,
    label: String,
    max: u32,
    #[serde(default)]
    weight: u32,
}

fn criteria_of(contest: &ContestView) -> Vec<Criterion> {
    serde_json::from_value(contest.rules["criteria"].clone()).unwrap_or_default()
}

/// A field's message in the reader's language. The use cases write their messages in English;
/// the French pages use the catalogue's sentence for the fields these pages show.
fn field_message(lang: &str, path: &str, english: &str, criteria: &[Criterion]) -> String {
    if lang == "en" {
        return english.to_owned();
    }
    if let Some(key) = path.strip_prefix("scores.") {
        return match criteria.iter().find(|c| c.key == key) {
            Some(c) => text_with(
                lang,
                "scoring_error_score",
                &[("label", &c.label), ("max", &c.max.to_string())],
            ),
            None => english.to_owned(),
        };
    }
    let key = match path {
        "title" => "idea_error_title",
        "summary" => "idea_error_summary",
        "body" => "idea_error_body",
        "accept_terms" => "idea_error_terms",
        "file" => "idea_error_file",
        "comment" => "scoring_error_comment",
        "reason" => "scoring_error_reason",
        _ => return english.to_owned(),
    };
    text(lang, key)
}

/// Puts `error` on the page: the sentence at the top and each field's message beside it.
fn show_error(
    page: &Page,
    context: &mut Context,
    error: &AppError,
    criteria: &[Criterion],
) -> StatusCode {
    if let AppError::Internal(cause) = error {
        tracing::error!(error = ?cause, path = %page.path, "page use case failed");
    }
    let status = page.insert_error(context, error);
    if let AppError::Validation(fields) = error {
        let by_path: BTreeMap<String, String> = fields
            .iter()
            .map(|f| {
                (
                    f.path.clone(),
                    field_message(page.lang, &f.path, &f.message, criteria),
                )
            })
            .collect();
        context.insert("field_errors", &by_path);
    }
    status
}

/// The context of a page with no error yet (templates compare these, so they must exist).
fn base_context(page: &Page) -> Context {
    let mut context = page.context();
    context.insert("error", "");
    context.insert("field_errors", &BTreeMap::<String, String>::new());
    context.insert("notice", "");
    context
}

/// A page that says why something was refused.
fn refused(page: &Page, state: &AppState, message: &str, status: StatusCode) -> HttpResponse {
    let mut context = page.context();
    context.insert("message", message);
    page.render_status(&state.tera, "errors/refused.html", &context, status)
}

/// The page for an error while loading what a page shows (nothing typed to keep).
fn load_failed(page: &Page, state: &AppState, error: &AppError) -> HttpResponse {
    match error {
        AppError::NotFound(_) => page.not_found(&state.tera),
        AppError::Unauthorized(_) => match page.require_user() {
            Err(redirect) => redirect,
            Ok(_) => page.not_found(&state.tera),
        },
        AppError::Forbidden(_) => refused(
            page,
            state,
            &text(page.lang, "error_forbidden"),
            StatusCode::FORBIDDEN,
        ),
        other => {
            let mut context = page.context();
            let status = page.insert_error(&mut context, other);
            if let AppError::Internal(cause) = other {
                tracing::error!(error = ?cause, path = %page.path, "page failed to load");
            }
            let message = context
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            refused(page, state, &message, status)
        }
    }
}

fn checked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Submitting an idea

/// What a person typed in an idea form, shown back to them.
#[derive(Debug, Default, Serialize)]
struct IdeaTyped {
    title: String,
    summary: String,
    body: String,
    accept_terms: bool,
}

#[derive(Debug, Deserialize)]
pub struct IdeaForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    accept_terms: Option<String>,
    /// Which button: `preview`, `draft`, `submit` (new idea) or `save` (edit).
    #[serde(default)]
    action: String,
}

impl IdeaForm {
    fn typed(&self) -> IdeaTyped {
        IdeaTyped {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            accept_terms: checked(&self.accept_terms),
        }
    }
}

async fn load_contest(state: &AppState, page: &Page, id: String) -> AppResult<ContestView> {
    let actor = page.actor.clone();
    state
        .run(move |ctx, conn| contests::show(ctx, conn, &actor, &id))
        .await
}

fn submit_context(page: &Page, contest: &ContestView, typed: &IdeaTyped) -> Context {
    let mut context = base_context(page);
    let info = contest_info(contest, page.lang);
    context.insert(
        "deadline_note",
        &text_with(
            page.lang,
            "idea_deadline_note",
            &[("deadline", &info.submission_deadline)],
        ),
    );
    context.insert(
        "drafts_only_note",
        &text_with(page.lang, "idea_drafts_only", &[("opens", &info.opens_at)]),
    );
    context.insert("contest", &info);
    context.insert("form", typed);
    context.insert("preview_html", "");
    context
}

pub async fn submit_form(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    match load_contest(&state, &page, id.into_inner()).await {
        Ok(contest) => {
            let context = submit_context(&page, &contest, &IdeaTyped::default());
            page.render(&state.tera, "ideas/submit.html", &context)
        }
        Err(error) => load_failed(&page, &state, &error),
    }
}

pub async fn submit_post(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<IdeaForm>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let form = form.into_inner();
    if !page.csrf_ok(&form.csrf) {
        return page.csrf_refused(&state.tera);
    }
    let id = id.into_inner();
    let contest = match load_contest(&state, &page, id.clone()).await {
        Ok(contest) => contest,
        Err(error) => return load_failed(&page, &state, &error),
    };
    let typed = form.typed();
    let mut context = submit_context(&page, &contest, &typed);
    if form.action == "preview" {
        context.insert("preview_html", &crate::markdown::to_safe_html(&form.body));
        return page.render(&state.tera, "ideas/submit.html", &context);
    }
    let draft = form.action == "draft";
    let input = NewIdea {
        title: form.title,
        summary: form.summary,
        body: form.body,
        accept_terms: typed.accept_terms,
        draft,
    };
    let actor = page.actor.clone();
    let contest_id = id.clone();
    match state
        .run(move |ctx, conn| ideas::create(ctx, conn, &actor, &id, input))
        .await
    {
        Ok(idea) => {
            record_source(&req, &state, &page, &contest_id).await;
            let done = if draft { "draft" } else { "submitted" };
            page.finish(see_other(&format!("/ideas/{}?done={done}", idea.id)))
        }
        Err(error) => {
            let status = show_error(&page, &mut context, &error, &[]);
            page.render_status(&state.tera, "ideas/submit.html", &context, status)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The idea page

/// An idea, its contest, and whether the reader wrote it.
struct IdeaData {
    idea: IdeaView,
    contest: ContestView,
    is_author: bool,
}

async fn load_idea(state: &AppState, page: &Page, id: String) -> AppResult<IdeaData> {
    let actor = page.actor.clone();
    state
        .run(move |ctx, conn| {
            let idea = ideas::show(ctx, conn, &actor, &id)?;
            let contest = contests::show(ctx, conn, &actor, &idea.contest_id)?;
            // The idea object never names its author: the reader wrote it if it is theirs.
            let is_author = ideas::mine(ctx, conn, &actor)?
                .iter()
                .any(|i| i.id == idea.id);
            Ok(IdeaData {
                idea,
                contest,
                is_author,
            })
        })
        .await
}

/// What the idea page shows besides the idea: a notice, typed input, a preview, an error.
#[derive(Default)]
struct IdeaPageState {
    notice: Option<String>,
    typed: Option<IdeaTyped>,
    preview: bool,
    error: Option<AppError>,
}

fn idea_context(page: &Page, data: &IdeaData, extra: &IdeaPageState) -> (Context, StatusCode) {
    let lang = page.lang;
    let IdeaData {
        idea,
        contest,
        is_author,
    } = data;
    let mut context = base_context(page);
    let info = contest_info(contest, lang);
    let draft = idea.status == "draft";
    let can_edit = *is_author
        && match idea.status.as_str() {
            "draft" => info.accepts_ideas || info.drafts_only,
            "submitted" => info.accepts_ideas,
            _ => false,
        };
    context.insert(
        "idea",
        &json!({
            "id": idea.id,
            "title": idea.title,
            "summary": idea.summary,
            "body_html": idea.body_html,
            "status": idea.status,
            "status_label": text(lang, &format!("idea_status_{}", idea.status)),
            "updated_at": i18n::date(idea.updated_at, lang),
            "submitted_at": idea.submitted_at.map(|at| i18n::date(at, lang)).unwrap_or_default(),
        }),
    );
    context.insert(
        "receipt",
        &idea.receipt.as_ref().map(|r| {
            json!({
                "sha256": r.sha256,
                "revision": r.revision,
                "received_at": i18n::date(r.received_at, lang),
                "rules_hash": r.rules_hash,
            })
        }),
    );
    let attachments: Vec<Value> = idea
        .attachments
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "filename": a.filename,
                "size": size_label(a.size, lang),
                "sha256": a.sha256,
            })
        })
        .collect();
    context.insert("attachments", &attachments);
    context.insert(
        "deadline_note",
        &text_with(
            lang,
            "idea_deadline_note",
            &[("deadline", &info.submission_deadline)],
        ),
    );
    context.insert("is_author", is_author);
    context.insert("can_edit", &can_edit);
    context.insert(
        "can_submit_draft",
        &(can_edit && draft && info.accepts_ideas),
    );
    let typed = extra.typed.as_ref();
    let form = match typed {
        Some(typed) => json!(typed),
        None => {
            json!({"title": idea.title, "summary": idea.summary, "body": idea.body, "accept_terms": false})
        }
    };
    context.insert(
        "preview_html",
        &match typed {
            Some(typed) if extra.preview => crate::markdown::to_safe_html(&typed.body),
            _ => String::new(),
        },
    );
    context.insert("form", &form);
    context.insert("contest", &info);
    if let Some(notice) = &extra.notice {
        context.insert("notice", notice);
    }
    let status = match &extra.error {
        Some(error) => show_error(page, &mut context, error, &[]),
        None => StatusCode::OK,
    };
    (context, status)
}

async fn render_idea(
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
        Err(error) => load_failed(page, state, &error),
    }
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn idea_page(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let notice = match query.done.as_deref() {
        Some(done @ ("saved" | "submitted" | "draft" | "attached" | "withdrawn")) => {
            Some(text(page.lang, &format!("idea_notice_{done}")))
        }
        _ => None,
    };
    let extra = IdeaPageState {
        notice,
        ..Default::default()
    };
    render_idea(&state, &page, id.into_inner(), extra).await
}

pub async fn edit_post(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<IdeaForm>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let form = form.into_inner();
    if !page.csrf_ok(&form.csrf) {
        return page.csrf_refused(&state.tera);
    }
    let id = id.into_inner();
    let typed = form.typed();
    if form.action == "preview" {
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
    };
    let actor = page.actor.clone();
    let idea_id = id.clone();
    match state
        .run(move |ctx, conn| ideas::update(ctx, conn, &actor, &idea_id, input))
        .await
    {
        Ok(_) => page.finish(see_other(&format!("/ideas/{}?done=saved", url_escape(&id)))),
        Err(error) => {
            let extra = IdeaPageState {
                typed: Some(typed),
                error: Some(error),
                ..Default::default()
            };
            render_idea(&state, &page, id, extra).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SubmitDraftForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    accept_terms: Option<String>,
}

pub async fn submit_draft_post(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<SubmitDraftForm>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !page.csrf_ok(&form.csrf) {
        return page.csrf_refused(&state.tera);
    }
    let id = id.into_inner();
    let input = SubmitDraft {
        accept_terms: checked(&form.accept_terms),
    };
    let actor = page.actor.clone();
    let idea_id = id.clone();
    match state
        .run(move |ctx, conn| ideas::submit_draft(ctx, conn, &actor, &idea_id, input))
        .await
    {
        Ok(_) => page.finish(see_other(&format!(
            "/ideas/{}?done=submitted",
            url_escape(&id)
        ))),
        Err(error) => {
            let extra = IdeaPageState {
                error: Some(error),
                ..Default::default()
            };
            render_idea(&state, &page, id, extra).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Withdrawing, with a confirmation step

async fn render_withdraw(
    state: &AppState,
    page: &Page,
    id: String,
    error: Option<AppError>,
) -> HttpResponse {
    let data = match load_idea(state, page, id).await {
        Ok(data) => data,
        Err(error) => return load_failed(page, state, &error),
    };
    if !data.is_author {
        return page.not_found(&state.tera);
    }
    let (mut context, _) = idea_context(page, &data, &IdeaPageState::default());
    context.insert(
        "withdraw_title",
        &text_with(
            page.lang,
            "idea_withdraw_title",
            &[("title", &data.idea.title)],
        ),
    );
    let status = match &error {
        Some(error) => show_error(page, &mut context, error, &[]),
        None => StatusCode::OK,
    };
    page.render_status(&state.tera, "ideas/withdraw.html", &context, status)
}

pub async fn withdraw_form(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    render_withdraw(&state, &page, id.into_inner(), None).await
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: Option<String>,
}

pub async fn withdraw_post(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<WithdrawForm>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !page.csrf_ok(&form.csrf) {
        return page.csrf_refused(&state.tera);
    }
    let id = id.into_inner();
    if !checked(&form.confirm) {
        let unconfirmed = AppError::field("confirm", text(page.lang, "idea_withdraw_unconfirmed"));
        return render_withdraw(&state, &page, id, Some(unconfirmed)).await;
    }
    let actor = page.actor.clone();
    let idea_id = id.clone();
    match state
        .run(move |ctx, conn| ideas::withdraw(ctx, conn, &actor, &idea_id))
        .await
    {
        Ok(_) => page.finish(see_other(&format!(
            "/ideas/{}?done=withdrawn",
            url_escape(&id)
        ))),
        Err(error) => render_withdraw(&state, &page, id, Some(error)).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Attachments

/// Reads the upload form: its CSRF field and one file, within the size limit.
async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<(String, Upload), AppError> {
    let too_large = || AppError::TooLarge(format!("An attachment has at most {limit} bytes."));
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit + 16 * 1024) {
        return Err(too_large());
    }
    let unreadable = |_| AppError::field("file", "Choose a file to upload.");
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut csrf = String::new();
    let mut upload: Option<Upload> = None;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .unwrap_or("attachment")
            .to_owned();
        let mut bytes = Vec::new();
        let cap = if name == "file" { limit } else { 1024 };
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if bytes.len() + chunk.len() > cap {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" if upload.is_none() => upload = Some(Upload { filename, bytes }),
            _ => {}
        }
    }
    let upload = upload
        .filter(|u| !u.bytes.is_empty())
        .ok_or_else(|| AppError::field("file", "Choose a file to upload."))?;
    Ok((csrf, upload))
}

pub async fn attach_post(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let id = id.into_inner();
    let limit = state.ctx.settings.ideas.max_attachment_bytes as usize;
    // Whether this person may attach to this idea now, before the body is read (issue 16.14).
    let refused = |error| {
        let extra = IdeaPageState {
            error: Some(error),
            ..Default::default()
        };
        (id.clone(), extra)
    };
    let (actor, idea_id) = (page.actor.clone(), id.clone());
    if let Err(error) = state
        .run(move |ctx, conn| ideas::may_attach(ctx, conn, &actor, &idea_id))
        .await
    {
        let (id, extra) = refused(error);
        return render_idea(&state, &page, id, extra).await;
    }
    let upload = match read_upload(&req, payload, limit).await {
        Ok((csrf, upload)) if page.csrf_ok(&csrf) => upload,
        Ok(_) => return page.csrf_refused(&state.tera),
        Err(error) => {
            let extra = IdeaPageState {
                error: Some(error),
                ..Default::default()
            };
            return render_idea(&state, &page, id, extra).await;
        }
    };
    let prepared = match web::block(move || ideas::prepare(upload)).await {
        Ok(Ok(prepared)) => prepared,
        Ok(Err(error)) => {
            let (id, extra) = refused(error);
            return render_idea(&state, &page, id, extra).await;
        }
        Err(error) => {
            let (id, extra) = refused(AppError::internal(error));
            return render_idea(&state, &page, id, extra).await;
        }
    };
    let actor = page.actor.clone();
    let idea_id = id.clone();
    match state
        .run(move |ctx, conn| ideas::attach(ctx, conn, &actor, &idea_id, prepared))
        .await
    {
        Ok(_) => page.finish(see_other(&format!(
            "/ideas/{}?done=attached",
            url_escape(&id)
        ))),
        Err(error) => {
            let extra = IdeaPageState {
                error: Some(error),
                ..Default::default()
            };
            render_idea(&state, &page, id, extra).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// My ideas

pub async fn my_ideas(state: web::Data<AppState>, page: Page) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let actor = page.actor.clone();
    let loaded = state
        .run(move |ctx, conn| {
            let mine = ideas::mine(ctx, conn, &actor)?;
            let mut contests_by_id: BTreeMap<String, (ContestView, Option<award::Results>)> =
                BTreeMap::new();
            for idea in &mine {
                if contests_by_id.contains_key(&idea.contest_id) {
                    continue;
                }
                let contest = contests::show(ctx, conn, &actor, &idea.contest_id)?;
                let results = if contest.phase == Phase::Awarded {
                    award::results(conn, &actor, &contest.id).ok()
                } else {
                    None
                };
                contests_by_id.insert(contest.id.clone(), (contest, results));
            }
            Ok((mine, contests_by_id))
        })
        .await;
    let (mine, contests_by_id) = match loaded {
        Ok(found) => found,
        Err(error) => return load_failed(&page, &state, &error),
    };
    let lang = page.lang;
    let rows: Vec<Value> = mine
        .iter()
        .filter_map(|idea| {
            let (contest, results) = contests_by_id.get(&idea.contest_id)?;
            let ranked = results
                .as_ref()
                .and_then(|r| r.ranking.iter().find(|row| row.entry_id == idea.id));
            let result = match (contest.phase, ranked) {
                (Phase::Awarded, Some(row)) => {
                    let score = row
                        .score
                        .map(|s| format!("{s:.1}"))
                        .map(|s| if lang == "fr" { s.replace('.', ",") } else { s });
                    match score {
                        Some(score) => text_with(
                            lang,
                            "my_ideas_rank_score",
                            &[("rank", &row.rank.to_string()), ("score", &score)],
                        ),
                        None => text_with(
                            lang,
                            "my_ideas_rank_only",
                            &[("rank", &row.rank.to_string())],
                        ),
                    }
                }
                (Phase::Awarded, None) => text(lang, "my_ideas_not_ranked"),
                _ => String::new(),
            };
            Some(json!({
                "id": idea.id,
                "title": idea.title,
                "status_label": text(lang, &format!("idea_status_{}", idea.status)),
                "updated_at": i18n::date(idea.updated_at, lang),
                "contest_id": contest.id,
                "contest_title": contest.title,
                "phase_label": text(lang, &format!("phase_{}", contest.phase.as_str())),
                "awarded": contest.phase == Phase::Awarded,
                "result": result,
            }))
        })
        .collect();
    let mut context = base_context(&page);
    context.insert("ideas", &rows);
    page.render(&state.tera, "ideas/mine.html", &context)
}

// ---------------------------------------------------------------------------------------------
// Jury invitations

/// The invitation behind a link. A read-only stand-in for a use case `app::jury` does not have
/// yet (the accept use case is the one that checks everything).
fn invitation_of(conn: &mut DbConnection, token: &str) -> AppResult<Option<store::jury::Juror>> {
    let digest = crate::app::accounts::token_digest(token.trim());
    Ok(store::jury::find_by_token(conn, &digest)?)
}

/// What the invitation page shows: `ask`, `accepted` or `invalid`, and the contest if the
/// reader may see it.
struct Invitation {
    outcome: &'static str,
    contest: Option<ContestView>,
}

async fn load_invitation(state: &AppState, page: &Page, token: String) -> AppResult<Invitation> {
    let actor = page.actor.clone();
    state
        .run(move |ctx, conn| {
            let Some(juror) = invitation_of(conn, &token)? else {
                return Ok(Invitation {
                    outcome: "invalid",
                    contest: None,
                });
            };
            let me = actor.user().map(|u| u.id.as_str());
            let outcome = match (juror.status.as_str(), juror.user_id.as_deref()) {
                ("accepted", Some(user)) if Some(user) == me => "accepted",
                ("accepted", _) => "invalid",
                _ => "ask",
            };
            // Before it opens, a contest is its organisation's: the page then names no contest.
            let contest = contests::show(ctx, conn, &actor, &juror.contest_id).ok();
            Ok(Invitation { outcome, contest })
        })
        .await
}

fn render_invitation(
    state: &AppState,
    page: &Page,
    token: &str,
    invitation: &Invitation,
    error: Option<&AppError>,
) -> HttpResponse {
    let mut context = base_context(page);
    context.insert(
        "action",
        &format!("/jury-invitations/{}", url_escape(token)),
    );
    context.insert("outcome", invitation.outcome);
    let contest = invitation
        .contest
        .as_ref()
        .map(|c| contest_info(c, page.lang));
    context.insert(
        "judging",
        &invitation
            .contest
            .as_ref()
            .is_some_and(|c| c.phase == Phase::Judging),
    );
    context.insert("contest", &contest);
    let mut status = match invitation.outcome {
        "invalid" => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    if let Some(error) = error {
        status = show_error(page, &mut context, error, &[]);
    }
    page.render_status(&state.tera, "jury/invitation.html", &context, status)
}

pub async fn invitation_page(
    state: web::Data<AppState>,
    page: Page,
    token: web::Path<String>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let token = token.into_inner();
    match load_invitation(&state, &page, token.clone()).await {
        Ok(invitation) => render_invitation(&state, &page, &token, &invitation, None),
        Err(error) => load_failed(&page, &state, &error),
    }
}

/// A form with nothing but its CSRF field, which may be missing (then refused with a page).
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn invitation_accept(
    state: web::Data<AppState>,
    page: Page,
    token: web::Path<String>,
    form: web::Form<CsrfOnly>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !page.csrf_ok(&form.csrf) {
        return page.csrf_refused(&state.tera);
    }
    let token = token.into_inner();
    let actor = page.actor.clone();
    let accepting = token.clone();
    let accepted = state
        .run(move |ctx, conn| jury::accept(ctx, conn, &actor, &accepting))
        .await;
    let invitation = match load_invitation(&state, &page, token.clone()).await {
        Ok(invitation) => invitation,
        Err(error) => return load_failed(&page, &state, &error),
    };
    match accepted {
        Ok(_) => match &invitation.contest {
            Some(contest) if contest.phase == Phase::Judging => page.finish(see_other(&format!(
                "/contests/{}/jury",
                url_escape(&contest.id)
            ))),
            _ => page.finish(see_other(&format!(
                "/jury-invitations/{}",
                url_escape(&token)
            ))),
        },
        Err(error) => render_invitation(&state, &page, &token, &invitation, Some(&error)),
    }
}

// ---------------------------------------------------------------------------------------------
// Scoring

#[derive(Debug, Deserialize)]
pub struct JuryQuery {
    /// The entry to show.
    entry: Option<String>,
    /// Show the first unscored entry after this one (after saving it).
    after: Option<String>,
    saved: Option<String>,
    conflict: Option<String>,
}

/// A score sheet as typed, to show back after an error.
#[derive(Debug, Default)]
struct TypedSheet {
    entry_id: String,
    scores: BTreeMap<String, String>,
    comment: Option<String>,
    reason: Option<String>,
}

/// Which entry the scoring page shows.
enum Selection {
    Entry(String),
    After(String),
    FirstUnscored,
}

/// The index of the entry to show: the one asked for, else the next unscored one.
fn select(entries: &JuryEntries, selection: &Selection) -> usize {
    let unscored = |i: &usize| entries.entries[*i].my_scores.is_empty();
    let position = |id: &str| entries.entries.iter().position(|e| e.entry_id == id);
    let count = entries.entries.len();
    let first_unscored = || (0..count).find(unscored);
    match selection {
        Selection::Entry(id) => position(id).or_else(first_unscored).unwrap_or(0),
        Selection::After(id) => match position(id) {
            Some(at) => (at + 1..count).chain(0..at).find(unscored).unwrap_or(at),
            None => first_unscored().unwrap_or(0),
        },
        Selection::FirstUnscored => first_unscored().unwrap_or(0),
    }
}

async fn render_jury(
    state: &AppState,
    page: &Page,
    contest_id: String,
    selection: Selection,
    typed: Option<TypedSheet>,
    error: Option<AppError>,
    notice: Option<String>,
) -> HttpResponse {
    let actor = page.actor.clone();
    let loaded = state
        .run(move |ctx, conn| {
            let contest = contests::show(ctx, conn, &actor, &contest_id)?;
            let entries = jury::entries(ctx, conn, &actor, &contest_id);
            Ok((contest, entries))
        })
        .await;
    let (contest, entries) = match loaded {
        Ok(found) => found,
        Err(error) => return load_failed(page, state, &error),
    };
    let lang = page.lang;
    let info = contest_info(&contest, lang);
    let mut context = base_context(page);
    let entries = match entries {
        Ok(entries) => entries,
        Err(AppError::Forbidden(_) | AppError::Unauthorized(_)) => {
            return refused(
                page,
                state,
                &text(lang, "scoring_not_juror"),
                StatusCode::FORBIDDEN,
            );
        }
        Err(AppError::Conflict { code, .. }) => {
            let closed = if code == crate::app::ErrorCode::JudgingClosed
                || contest.phase == Phase::Awarded
            {
                text(lang, "scoring_closed")
            } else {
                text_with(
                    lang,
                    "scoring_not_started",
                    &[("date", &info.submission_deadline)],
                )
            };
            context.insert("closed", &closed);
            context.insert("awarded", &(contest.phase == Phase::Awarded));
            context.insert("contest", &info);
            return page.render(&state.tera, "jury/score.html", &context);
        }
        Err(error) => return load_failed(page, state, &error),
    };
    context.insert("closed", "");
    context.insert("awarded", &false);
    let criteria = criteria_of(&contest);
    let status = match &error {
        Some(error) => show_error(page, &mut context, error, &criteria),
        None => StatusCode::OK,
    };
    let field_errors: BTreeMap<String, String> = context
        .get("field_errors")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let selection = match &typed {
        Some(typed) => Selection::Entry(typed.entry_id.clone()),
        None => selection,
    };
    let index = select(&entries, &selection);
    let current = entries.entries.get(index);
    // What was typed belongs to the entry it was typed for, if that is the one shown.
    let typed = typed.filter(|t| current.is_some_and(|c| c.entry_id == t.entry_id));
    // A declared conflict that failed typed a reason, not scores: those shown are the saved ones.
    let typed_scores = typed.as_ref().filter(|t| t.reason.is_none());
    let rows: Vec<Value> = criteria
        .iter()
        .map(|c| {
            let value = match (typed_scores, current) {
                (Some(t), _) => t.scores.get(&c.key).cloned().unwrap_or_default(),
                (None, Some(entry)) => entry
                    .my_scores
                    .get(&c.key)
                    .map(i32::to_string)
                    .unwrap_or_default(),
                (None, None) => String::new(),
            };
            json!({
                "key": c.key,
                "label": c.label,
                "max": c.max,
                "range": text_with(lang, "scoring_range", &[("max", &c.max.to_string())]),
                "weight": text_with(lang, "scoring_weight", &[("weight", &c.weight.to_string())]),
                "value": value,
                "error": field_errors.get(&format!("scores.{}", c.key)).cloned().unwrap_or_default(),
            })
        })
        .collect();
    let list: Vec<Value> = entries
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            json!({
                "entry_id": e.entry_id,
                "label": text_with(lang, "scoring_entry", &[("number", &e.number.to_string())]),
                "title": e.title,
                "scored": !e.my_scores.is_empty(),
                "current": i == index,
            })
        })
        .collect();
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| entries.entries.get(i))
            .map(|e| e.entry_id.clone())
            .unwrap_or_default()
    };
    context.insert("previous_entry", &neighbour(index.checked_sub(1)));
    context.insert("next_entry", &neighbour(Some(index + 1)));
    let progress = &entries.progress;
    context.insert("scored", &progress.scored);
    context.insert("assigned", &progress.assigned);
    context.insert(
        "progress_label",
        &text_with(
            lang,
            "scoring_progress",
            &[
                ("scored", &progress.scored.to_string()),
                ("assigned", &progress.assigned.to_string()),
            ],
        ),
    );
    context.insert(
        "all_done",
        &(progress.assigned > 0 && progress.scored == progress.assigned),
    );
    context.insert("entries", &list);
    context.insert("criteria", &rows);
    let entry = current.map(|e| {
        json!({
            "entry_id": e.entry_id,
            "label": text_with(lang, "scoring_entry", &[("number", &e.number.to_string())]),
            "title": e.title,
            "summary": e.summary,
            "body_html": e.body_html,
            "attachments": e.attachments.iter().map(|a| json!({
                "url": a.url,
                "label": text_with(lang, "scoring_attachment", &[("number", &a.number.to_string())]),
                "size": size_label(a.size, lang),
            })).collect::<Vec<_>>(),
            "scores_action": format!("/contests/{}/jury/entries/{}/scores", url_escape(&contest.id), url_escape(&e.entry_id)),
            "conflict_action": format!("/contests/{}/jury/entries/{}/conflict", url_escape(&contest.id), url_escape(&e.entry_id)),
        })
    });
    context.insert("entry", &entry);
    let comment = match (typed_scores, current) {
        (Some(t), _) => t.comment.clone().unwrap_or_default(),
        (None, Some(e)) => e.my_comment.clone().unwrap_or_default(),
        _ => String::new(),
    };
    context.insert("comment", &comment);
    context.insert(
        "reason",
        &typed
            .as_ref()
            .and_then(|t| t.reason.clone())
            .unwrap_or_default(),
    );
    context.insert("contest", &info);
    if let Some(notice) = notice {
        context.insert("notice", &notice);
    }
    page.render_status(&state.tera, "jury/score.html", &context, status)
}

pub async fn jury_page(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    query: web::Query<JuryQuery>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let query = query.into_inner();
    let notice = if query.saved.is_some() {
        Some(text(page.lang, "scoring_saved"))
    } else if query.conflict.is_some() {
        Some(text(page.lang, "scoring_conflict_done"))
    } else {
        None
    };
    let selection = match (query.entry, query.after) {
        (Some(entry), _) => Selection::Entry(entry),
        (None, Some(after)) => Selection::After(after),
        (None, None) => Selection::FirstUnscored,
    };
    render_jury(
        &state,
        &page,
        id.into_inner(),
        selection,
        None,
        None,
        notice,
    )
    .await
}

pub async fn scores_post(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let fields = form.into_inner();
    let csrf = fields
        .iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value.as_str())
        .unwrap_or_default();
    if !page.csrf_ok(csrf) {
        return page.csrf_refused(&state.tera);
    }
    let (contest_id, entry_id) = path.into_inner();
    let mut typed = TypedSheet {
        entry_id: entry_id.clone(),
        ..Default::default()
    };
    let mut scores = BTreeMap::new();
    for (name, value) in &fields {
        if let Some(key) = name.strip_prefix("score_") {
            typed.scores.insert(key.to_owned(), value.clone());
            // A blank or unreadable score is left out: the use case says it is missing.
            if let Ok(number) = value.trim().parse::<i64>() {
                scores.insert(key.to_owned(), number);
            }
        } else if name == "comment" {
            typed.comment = Some(value.clone());
        }
    }
    let sheet = ScoreSheet {
        scores,
        comment: typed.comment.clone(),
    };
    let actor = page.actor.clone();
    let (contest, entry) = (contest_id.clone(), entry_id.clone());
    match state
        .run(move |ctx, conn| jury::save_scores(ctx, conn, &actor, &contest, &entry, sheet))
        .await
    {
        Ok(_) => page.finish(see_other(&format!(
            "/contests/{}/jury?after={}&saved=1",
            url_escape(&contest_id),
            url_escape(&entry_id)
        ))),
        Err(error) => {
            render_jury(
                &state,
                &page,
                contest_id,
                Selection::Entry(entry_id),
                Some(typed),
                Some(error),
                None,
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ConflictForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn conflict_post(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<(String, String)>,
    form: web::Form<ConflictForm>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let form = form.into_inner();
    if !page.csrf_ok(&form.csrf) {
        return page.csrf_refused(&state.tera);
    }
    let (contest_id, entry_id) = path.into_inner();
    let input = ConflictDeclaration {
        reason: form.reason.clone(),
    };
    let actor = page.actor.clone();
    let (contest, entry) = (contest_id.clone(), entry_id.clone());
    match state
        .run(move |ctx, conn| jury::declare_conflict(ctx, conn, &actor, &contest, &entry, input))
        .await
    {
        Ok(()) => page.finish(see_other(&format!(
            "/contests/{}/jury?conflict=1",
            url_escape(&contest_id)
        ))),
        Err(error) => {
            let typed = TypedSheet {
                entry_id: entry_id.clone(),
                reason: Some(form.reason),
                ..Default::default()
            };
            render_jury(
                &state,
                &page,
                contest_id,
                Selection::Entry(entry_id),
                Some(typed),
                Some(error),
                None,
            )
            .await
        }
    }
}

/// With a participant's idea, where they came from (the contest page's cookie, if it is about
/// this contest). The figures can do without it: a failure is only logged.
async fn record_source(
    req: &actix_web::HttpRequest,
    state: &web::Data<AppState>,
    page: &Page,
    contest_id: &str,
) {
    let Some(cookie) = req.cookie(super::SOURCE_COOKIE) else {
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
    let (actor, contest, source, campaign) = (
        page.actor.clone(),
        contest.to_owned(),
        source.to_owned(),
        campaign.unwrap_or_default().to_owned(),
    );
    if let Err(error) = state
        .run(move |ctx, conn| {
            crate::app::insight::record_source(ctx, conn, &actor, &contest, &source, &campaign)
        })
        .await
    {
        tracing::warn!(error = ?error, "participant source not recorded");
    }
}

/// Marks or unmarks a published idea from the results page, then goes back to it.
pub async fn appreciate(
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
    let on = super::field(&form, "on") != "0";
    let actor = page.actor.clone();
    let idea_id = id.into_inner();
    let marked = idea_id.clone();
    let result = state
        .run(move |ctx, conn| {
            let done = crate::app::appreciation::mark(ctx, conn, &actor, &marked, on)?;
            let contest = crate::store::ideas::find(conn, &done.idea_id)?
                .map(|idea| idea.contest_id)
                .unwrap_or_default();
            Ok(contest)
        })
        .await;
    match result {
        Ok(contest) => page.finish(super::see_other(&format!(
            "/contests/{contest}/results#idea-{idea_id}"
        ))),
        Err(error) => page.error_page(&state.tera, "errors/refused.html", page.context(), &error),
    }
}
