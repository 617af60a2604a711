//! The pages of brand members and admins: the organisation dashboard, the contest editor,
//! funding, opening, the jury, announcements, disqualification, award, payouts.
//!
//! Every handler runs the same use case as the JSON API; these pages only turn forms into its
//! input and its answers (and errors) into HTML, in the reader's language.

use std::collections::{BTreeMap, HashMap};

use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde_json::{Value, json};
use tera::Context;

use crate::app::access::Actor;
use crate::app::contests::{ContestPatch, ContestView, NewContest};
use crate::app::fundings::NewFunding;
use crate::app::jury::{Disqualification, JurySettings, NewJuror};
use crate::app::{
    AppError, AppResult, Ctx, announcements, award, contests, fundings, ideas, jury, organizations,
};
use crate::domain::lifecycle::Phase;
use crate::domain::money;
use crate::store::DbConnection;
use crate::web::AppState;
use crate::web::i18n;

use super::contests::label;
use super::{Form, Page, field, see_other};

/// The routes of these pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(dashboard))
        .route("/organizations/new", web::post().to(create_organization))
        .service(
            web::resource("/contests/new")
                .route(web::get().to(new_contest_form))
                .route(web::post().to(new_contest_submit)),
        )
        .service(
            web::resource("/contests/{id}/edit")
                .route(web::get().to(edit_form))
                .route(web::post().to(edit_submit)),
        )
        .route("/contests/{id}/manage", web::get().to(manage))
        .route(
            "/contests/{id}/manage/{action}",
            web::post().to(manage_action),
        )
        .route(
            "/contests/{id}/manage/ideas/{idea}/disqualify",
            web::post().to(disqualify),
        )
        .service(
            web::resource("/contests/{id}/open")
                .route(web::get().to(open_form))
                .route(web::post().to(open_submit)),
        )
        .route("/admin", web::get().to(admin))
        .route("/admin/{kind}/{id}", web::post().to(admin_action));
}

fn csrf_ok(page: &Page, form: &HashMap<String, String>) -> bool {
    page.csrf_ok(field(form, "csrf"))
}

/// Answers a use case's refusal that is about the page itself (not found, signed out).
pub(super) fn refusal(page: &Page, state: &AppState, error: &AppError) -> Option<HttpResponse> {
    match error {
        AppError::NotFound(_) => Some(page.not_found(&state.tera)),
        AppError::Forbidden(_) if page.user.is_some() => {
            let mut context = page.context();
            context.insert("message", &i18n::texts(page.lang)["error_forbidden"]);
            Some(page.render_status(
                &state.tera,
                "errors/refused.html",
                &context,
                actix_web::http::StatusCode::FORBIDDEN,
            ))
        }
        AppError::Unauthorized(_) => Some(page.require_user().err().unwrap_or_else(|| {
            page.finish(see_other(&format!(
                "/login?next={}",
                super::url_escape(&page.path)
            )))
        })),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Dashboard

#[derive(Debug, Serialize)]
struct ContestRow {
    id: String,
    title: String,
    phase: &'static str,
    phase_label: String,
    prize_pool: String,
    funded: String,
    fully_funded: bool,
}

#[derive(Debug, Serialize)]
struct OrganizationRow {
    id: String,
    name: String,
    role: String,
    /// Owners see the form that invites members.
    owner: bool,
    contests: Vec<ContestRow>,
}

fn contest_row(contest: &ContestView, lang: &str) -> ContestRow {
    ContestRow {
        id: contest.id.clone(),
        title: contest.title.clone(),
        phase: contest.phase.as_str(),
        phase_label: label(lang, &format!("phase_{}", contest.phase.as_str())),
        prize_pool: i18n::money(contest.prize_pool_cents, &contest.currency, lang),
        funded: i18n::money(contest.funded_cents, &contest.currency, lang),
        fully_funded: contest.funded_cents >= contest.prize_pool_cents,
    }
}

fn load_dashboard(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    lang: &str,
) -> AppResult<Vec<OrganizationRow>> {
    let all = contests::list(ctx, conn, actor)?;
    Ok(organizations::mine(conn, actor)?
        .into_iter()
        .map(|org| OrganizationRow {
            contests: all
                .iter()
                .filter(|c| c.organization_id == org.id)
                .map(|c| contest_row(c, lang))
                .collect(),
            owner: org.role.as_deref() == Some("owner"),
            role: label(
                lang,
                &format!("role_{}", org.role.as_deref().unwrap_or("member")),
            ),
            id: org.id,
            name: org.name,
        })
        .collect())
}

async fn render_dashboard(
    state: &AppState,
    page: &Page,
    mut context: Context,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    let actor = page.actor.clone();
    let lang = page.lang;
    match state
        .run(move |ctx, conn| load_dashboard(ctx, conn, &actor, lang))
        .await
    {
        Ok(rows) => {
            context.insert("organizations", &rows);
            context.insert(
                "is_admin",
                &matches!(&page.actor, Actor::User(u) if u.is_admin),
            );
            page.render_status(&state.tera, "manage/dashboard.html", &context, status)
        }
        Err(error) => refusal(page, state, &error).unwrap_or_else(|| {
            page.error_page(&state.tera, "errors/refused.html", page.context(), &error)
        }),
    }
}

pub async fn dashboard(state: web::Data<AppState>, page: Page) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let mut context = page.context();
    context.insert("organization_name", "");
    render_dashboard(&state, &page, context, actix_web::http::StatusCode::OK).await
}

pub async fn create_organization(
    state: web::Data<AppState>,
    page: Page,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !csrf_ok(&page, &form) {
        return page.csrf_refused(&state.tera);
    }
    let name = field(&form, "name").to_owned();
    let actor = page.actor.clone();
    let input = organizations::NewOrganization { name: name.clone() };
    match state
        .run(move |ctx, conn| organizations::create(ctx, conn, &actor, input))
        .await
    {
        Ok(_) => page.finish(see_other("/dashboard")),
        Err(error) => {
            let mut context = page.context();
            context.insert("organization_name", &name);
            let status = page.insert_error(&mut context, &error);
            render_dashboard(&state, &page, context, status).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The contest editor

const CRITERIA_ROWS: usize = 6;
const PRIZE_ROWS: usize = 5;

/// One input of the editor: what the person typed, and what is wrong with it.
#[derive(Debug, Default, Serialize)]
struct Input {
    value: String,
    error: String,
}

#[derive(Debug, Default, Serialize)]
struct CriterionRow {
    key: String,
    label: String,
    weight: String,
    max: String,
    error: String,
}

#[derive(Debug, Default, Serialize)]
struct PrizeRow {
    label: String,
    amount: String,
    error: String,
}

/// The editor's form as typed: single fields by name, rows of criteria and prizes.
#[derive(Debug, Default, Serialize)]
struct Editor {
    fields: BTreeMap<&'static str, Input>,
    criteria: Vec<CriterionRow>,
    prizes: Vec<PrizeRow>,
    /// Problems that belong to no single input.
    other_errors: Vec<String>,
}

const SINGLE_FIELDS: [&str; 16] = [
    "title",
    "brief",
    "opens_at",
    "submission_deadline",
    "judging_deadline",
    "currency",
    "minimum_score",
    "fallback_policy",
    "fallback_n",
    "no_entry_beneficiary",
    "max_ideas_per_person",
    "blind_judging",
    "publish_ideas",
    "eligibility",
    "ip_terms",
    "min_jurors",
];

/// `2027-01-31T12:00:00Z` → `2027-01-31T12:00`, what `<input type="datetime-local">` shows.
fn to_local_input(rfc3339: &str) -> String {
    rfc3339
        .parse::<chrono::DateTime<chrono::Utc>>()
        .map(|at| at.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// `2027-01-31T12:00` (UTC, as the form says) → RFC 3339; anything else is passed on as typed,
/// for the rules to refuse with their message.
fn from_local_input(value: &str) -> Value {
    let value = value.trim();
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(at) = chrono::NaiveDateTime::parse_from_str(value, format) {
            return json!(
                at.and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
    }
    json!(value)
}

/// A whole number as JSON, or the text as typed (the rules then say what is wrong).
fn number(value: &str) -> Value {
    let value = value.trim();
    value
        .parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| json!(value))
}

/// A criterion's key from its label: `Social impact` → `social_impact`.
fn key_of(label: &str) -> String {
    // Keys have at most 32 characters; a long label keeps its first words.
    let mut key = String::new();
    for c in crate::domain::organization::slugify(label).chars().take(32) {
        key.push(if c == '-' { '_' } else { c });
    }
    key.trim_end_matches('_').to_owned()
}

impl Editor {
    /// The editor for a new contest: sensible defaults a brand manager edits.
    fn new_contest(now: chrono::DateTime<chrono::Utc>) -> Editor {
        let day = |d: i64| {
            (now + chrono::Duration::days(d))
                .format("%Y-%m-%dT12:00")
                .to_string()
        };
        let mut editor = Editor::default();
        for (name, value) in [
            ("opens_at", day(7)),
            ("submission_deadline", day(37)),
            ("judging_deadline", day(51)),
            ("currency", "EUR".into()),
            ("minimum_score", "60".into()),
            ("fallback_policy", "best_anyway".into()),
            ("fallback_n", "3".into()),
            ("max_ideas_per_person", "1".into()),
            ("blind_judging", "on".into()),
            ("min_jurors", "1".into()),
        ] {
            editor.set(name, value);
        }
        editor.criteria.push(CriterionRow {
            key: "impact".into(),
            label: "Impact".into(),
            weight: "1".into(),
            max: "10".into(),
            error: String::new(),
        });
        editor.pad();
        editor
    }

    fn set(&mut self, name: &str, value: String) {
        if let Some(known) = SINGLE_FIELDS.iter().find(|f| **f == name) {
            self.fields.entry(known).or_default().value = value;
        }
    }

    /// Empty rows to type into, and every single field present.
    fn pad(&mut self) {
        for name in SINGLE_FIELDS {
            self.fields.entry(name).or_default();
        }
        while self.criteria.len() < CRITERIA_ROWS {
            self.criteria.push(CriterionRow::default());
        }
        while self.prizes.len() < PRIZE_ROWS {
            self.prizes.push(PrizeRow::default());
        }
    }

    /// The editor showing an existing contest.
    fn of_contest(contest: &ContestView) -> Editor {
        let rules = &contest.rules;
        let text = |key: &str| match &rules[key] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let mut editor = Editor::default();
        editor.set("title", contest.title.clone());
        editor.set("brief", contest.brief.clone());
        for key in ["opens_at", "submission_deadline", "judging_deadline"] {
            editor.set(key, to_local_input(&text(key)));
        }
        for key in [
            "currency",
            "minimum_score",
            "no_entry_beneficiary",
            "max_ideas_per_person",
            "eligibility",
            "ip_terms",
            "min_jurors",
        ] {
            editor.set(key, text(key));
        }
        editor.set(
            "fallback_policy",
            rules["fallback"]["policy"]
                .as_str()
                .unwrap_or_default()
                .into(),
        );
        editor.set(
            "fallback_n",
            rules["fallback"]["n"]
                .as_u64()
                .map(|n| n.to_string())
                .unwrap_or_else(|| "3".into()),
        );
        editor.set(
            "blind_judging",
            if rules["blind_judging"] == json!(true) {
                "on".into()
            } else {
                String::new()
            },
        );
        editor.set(
            "publish_ideas",
            if rules["publish_ideas"] == json!(true) {
                "on".into()
            } else {
                String::new()
            },
        );
        for c in rules["criteria"].as_array().into_iter().flatten() {
            editor.criteria.push(CriterionRow {
                key: c["key"].as_str().unwrap_or_default().into(),
                label: c["label"].as_str().unwrap_or_default().into(),
                weight: c["weight"].to_string(),
                max: c["max"].to_string(),
                error: String::new(),
            });
        }
        for p in rules["prizes"].as_array().into_iter().flatten() {
            editor.prizes.push(PrizeRow {
                label: p["label"].as_str().unwrap_or_default().into(),
                amount: p["amount_cents"]
                    .as_i64()
                    .map(|amount| money::input_value(amount, &contest.currency))
                    .unwrap_or_default(),
                error: String::new(),
            });
        }
        editor.pad();
        editor
    }

    /// The editor as posted.
    fn from_form(form: &HashMap<String, String>) -> Editor {
        let mut editor = Editor::default();
        for name in SINGLE_FIELDS {
            editor.set(name, field(form, name).to_owned());
        }
        for i in 0..CRITERIA_ROWS {
            editor.criteria.push(CriterionRow {
                key: field(form, &format!("criterion_{i}_key")).trim().to_owned(),
                label: field(form, &format!("criterion_{i}_label")).to_owned(),
                weight: field(form, &format!("criterion_{i}_weight")).to_owned(),
                max: field(form, &format!("criterion_{i}_max")).to_owned(),
                error: String::new(),
            });
        }
        for i in 0..PRIZE_ROWS {
            editor.prizes.push(PrizeRow {
                label: field(form, &format!("prize_{i}_label")).to_owned(),
                amount: field(form, &format!("prize_{i}_amount")).to_owned(),
                error: String::new(),
            });
        }
        editor.pad();
        editor
    }

    fn value(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .map(|i| i.value.as_str())
            .unwrap_or_default()
    }

    /// The rules document this form describes, and which form row each criterion and prize
    /// of it came from (so that an error about `rules.prizes[1]` lands on its row). Amounts
    /// that are not amounts are reported here, in the form's own words.
    fn rules(&mut self, lang: &str) -> (Value, Vec<usize>, Vec<usize>) {
        let texts = i18n::texts(lang);
        let mut criteria = Vec::new();
        let mut criteria_rows = Vec::new();
        for (row, c) in self.criteria.iter().enumerate() {
            if c.label.trim().is_empty() && c.weight.trim().is_empty() && c.max.trim().is_empty() {
                continue;
            }
            let key = if c.key.is_empty() {
                key_of(&c.label)
            } else {
                c.key.clone()
            };
            criteria.push(json!({"key": key, "label": c.label.trim(), "weight": number(&c.weight), "max": number(&c.max)}));
            criteria_rows.push(row);
        }
        let mut prizes = Vec::new();
        let mut prize_rows = Vec::new();
        // Amounts are typed in the currency's units (yen, euros, dinars) and stored in its
        // minor unit.
        let currency = self.value("currency").trim().to_uppercase();
        for (row, p) in self.prizes.iter_mut().enumerate() {
            if p.label.trim().is_empty() && p.amount.trim().is_empty() {
                continue;
            }
            let amount = match money::parse(&p.amount, &currency) {
                Some(cents) => json!(cents),
                None => {
                    p.error = texts["editor_amount_invalid"].clone();
                    json!(p.amount.trim())
                }
            };
            prizes.push(json!({"label": p.label.trim(), "amount_cents": amount}));
            prize_rows.push(row);
        }
        let fallback = match self.value("fallback_policy") {
            "split_top" => json!({"policy": "split_top", "n": number(self.value("fallback_n"))}),
            policy => json!({"policy": policy}),
        };
        let rules = json!({
            "opens_at": from_local_input(self.value("opens_at")),
            "submission_deadline": from_local_input(self.value("submission_deadline")),
            "judging_deadline": from_local_input(self.value("judging_deadline")),
            "criteria": criteria,
            "currency": currency,
            "prizes": prizes,
            "minimum_score": number(self.value("minimum_score")),
            "fallback": fallback,
            "no_entry_beneficiary": self.value("no_entry_beneficiary").trim(),
            "max_ideas_per_person": number(self.value("max_ideas_per_person")),
            "blind_judging": !self.value("blind_judging").is_empty(),
            "eligibility": self.value("eligibility").trim(),
            "ip_terms": self.value("ip_terms").trim(),
            "min_jurors": number(self.value("min_jurors")),
            "publish_ideas": !self.value("publish_ideas").is_empty(),
        });
        (rules, criteria_rows, prize_rows)
    }

    /// Puts each problem next to its input: `rules.prizes[1].amount_cents` on the second
    /// prize's row, `rules.fallback.n` on the fallback's number, and so on.
    fn place_errors(
        &mut self,
        errors: &[crate::app::FieldError],
        criteria_rows: &[usize],
        prize_rows: &[usize],
    ) {
        fn indexed(rest: &str) -> Option<(usize, &str)> {
            let rest = rest.strip_prefix('[')?;
            let (index, tail) = rest.split_once(']')?;
            Some((index.parse().ok()?, tail.trim_start_matches('.')))
        }
        fn append(target: &mut String, message: &str) {
            if !target.is_empty() {
                target.push(' ');
            }
            target.push_str(message);
        }
        for e in errors {
            let path = e.path.strip_prefix("rules.").unwrap_or(&e.path);
            if let Some(rest) = path.strip_prefix("criteria")
                && let Some((i, _)) = indexed(rest)
                && let Some(row) = criteria_rows.get(i)
            {
                append(&mut self.criteria[*row].error, &e.message);
                continue;
            }
            if let Some(rest) = path.strip_prefix("prizes")
                && let Some((i, tail)) = indexed(rest)
                && let Some(row) = prize_rows.get(i)
            {
                // An amount the form already refused keeps the form's message.
                if tail != "amount_cents" || self.prizes[*row].error.is_empty() {
                    append(&mut self.prizes[*row].error, &e.message);
                }
                continue;
            }
            let name = match path {
                "fallback.n" => "fallback_n",
                p if p.starts_with("fallback") => "fallback_policy",
                p => p,
            };
            match self.fields.get_mut(name) {
                Some(input) => append(&mut input.error, &e.message),
                None if name == "criteria" || name == "prizes" => {
                    self.other_errors.push(e.message.clone())
                }
                None => self.other_errors.push(format!("{}: {}", e.path, e.message)),
            }
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct OrganizationQuery {
    organization: Option<String>,
}

fn editor_context(page: &Page, editor: &Editor, action: &str, organization: &str) -> Context {
    let mut context = page.context();
    context.insert("editor", editor);
    context.insert("action", action);
    context.insert("organization_id", organization);
    context.insert(
        "policies",
        &["best_anyway", "split_top", "split_all"]
            .iter()
            .map(|p| {
                (
                    p.to_string(),
                    label(page.lang, &format!("editor_policy_{p}")),
                )
            })
            .collect::<Vec<_>>(),
    );
    context
}

pub async fn new_contest_form(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<OrganizationQuery>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let actor = page.actor.clone();
    let mine = match state
        .run(move |_, conn| organizations::mine(conn, &actor))
        .await
    {
        Ok(mine) => mine,
        Err(error) => {
            return refusal(&page, &state, &error).unwrap_or_else(|| page.not_found(&state.tera));
        }
    };
    let organization = query
        .organization
        .clone()
        .filter(|id| mine.iter().any(|o| &o.id == id))
        .or_else(|| mine.first().map(|o| o.id.clone()));
    let Some(organization) = organization else {
        // No organisation yet: the dashboard is where one is created.
        return page.finish(see_other("/dashboard"));
    };
    let editor = Editor::new_contest(state.ctx.now());
    let context = editor_context(&page, &editor, "/contests/new", &organization);
    page.render(&state.tera, "manage/editor.html", &context)
}

/// Runs the editor's save (create or update) and answers with the next page, or the editor
/// again with every problem next to its input.
async fn save_editor(
    state: &AppState,
    page: &Page,
    form: &HashMap<String, String>,
    contest_id: Option<String>,
) -> HttpResponse {
    let mut editor = Editor::from_form(form);
    let (rules, criteria_rows, prize_rows) = editor.rules(page.lang);
    let title = editor.value("title").to_owned();
    let brief = editor.value("brief").to_owned();
    let organization = field(form, "organization_id").to_owned();
    let actor = page.actor.clone();
    let action = match &contest_id {
        Some(id) => format!("/contests/{id}/edit"),
        None => "/contests/new".to_owned(),
    };
    let result = {
        let organization = organization.clone();
        state
            .run(move |ctx, conn| match contest_id {
                Some(id) => contests::update(
                    ctx,
                    conn,
                    &actor,
                    &id,
                    ContestPatch {
                        title: Some(title),
                        brief: Some(brief),
                        rules: Some(rules),
                    },
                ),
                None => contests::create(
                    ctx,
                    conn,
                    &actor,
                    NewContest {
                        organization_id: organization,
                        title,
                        brief,
                        rules,
                    },
                ),
            })
            .await
    };
    // An amount the form could not read went on as text, which the rules refuse: a save
    // that succeeds had every amount right.
    match result {
        Ok(contest) => page.finish(see_other(&format!("/contests/{}/manage", contest.id))),
        Err(AppError::Validation(errors)) => {
            editor.place_errors(&errors, &criteria_rows, &prize_rows);
            let mut context = editor_context(page, &editor, &action, &organization);
            context.insert("error", &i18n::texts(page.lang)["error_validation_failed"]);
            page.render_status(
                &state.tera,
                "manage/editor.html",
                &context,
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(error) => refusal(page, state, &error).unwrap_or_else(|| {
            let context = editor_context(page, &editor, &action, &organization);
            page.error_page(&state.tera, "manage/editor.html", context, &error)
        }),
    }
}

pub async fn new_contest_submit(
    state: web::Data<AppState>,
    page: Page,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !csrf_ok(&page, &form) {
        return page.csrf_refused(&state.tera);
    }
    save_editor(&state, &page, &form, None).await
}

pub async fn edit_form(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let actor = page.actor.clone();
    let id = id.into_inner();
    let loaded = state
        .run(move |ctx, conn| {
            let contest = contests::show(ctx, conn, &actor, &id)?;
            // Only members edit; the editor says so before anyone types.
            let stored = contests::find_managed(conn, &actor, &id)?;
            Ok((contest, stored.organization_id))
        })
        .await;
    match loaded {
        Ok((contest, _)) if contest.phase != Phase::Draft => {
            page.finish(see_other(&format!("/contests/{}/manage", contest.id)))
        }
        Ok((contest, organization)) => {
            let editor = Editor::of_contest(&contest);
            let context = editor_context(
                &page,
                &editor,
                &format!("/contests/{}/edit", contest.id),
                &organization,
            );
            page.render(&state.tera, "manage/editor.html", &context)
        }
        Err(error) => refusal(&page, &state, &error).unwrap_or_else(|| page.not_found(&state.tera)),
    }
}

pub async fn edit_submit(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !csrf_ok(&page, &form) {
        return page.csrf_refused(&state.tera);
    }
    save_editor(&state, &page, &form, Some(id.into_inner())).await
}

// ---------------------------------------------------------------------------------------------
// Managing one contest

#[derive(Debug, Serialize)]
struct FundingRow {
    amount: String,
    reference: String,
    status: String,
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
    status: String,
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
}

fn load_management(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> AppResult<Management> {
    let stored = contests::find_managed(conn, actor, id)?;
    let contest = contests::show(ctx, conn, actor, id)?;
    let opened = contest.phase != Phase::Draft;
    Ok(Management {
        fundings: fundings::of_contest(conn, actor, id)?,
        jurors: jury::list(conn, actor, id)?,
        progress: if matches!(contest.phase, Phase::Judging | Phase::Awarded) {
            jury::progress(conn, actor, id)?
        } else {
            Vec::new()
        },
        news: if opened {
            announcements::list(conn, actor, id)?
        } else {
            Vec::new()
        },
        ideas: if opened {
            ideas::of_contest(conn, actor, id)?
        } else {
            Vec::new()
        },
        results: if contest.phase == Phase::Awarded {
            Some(award::results(conn, actor, id)?)
        } else {
            None
        },
        reviews_per_entry: stored.reviews_per_entry.map(|n| n as u32),
        contest,
    })
}

/// Renders the management page, with `context` carrying an error and its section if any.
async fn render_manage(
    state: &AppState,
    page: &Page,
    id: String,
    mut context: Context,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    let actor = page.actor.clone();
    let loaded = state
        .run(move |ctx, conn| load_management(ctx, conn, &actor, &id))
        .await;
    let m = match loaded {
        Ok(m) => m,
        Err(error) => {
            return refusal(page, state, &error).unwrap_or_else(|| page.not_found(&state.tera));
        }
    };
    let lang = page.lang;
    let c = &m.contest;
    let money = |cents: i64| i18n::money(cents, &c.currency, lang);
    context.insert("contest", &contest_row(c, lang));
    context.insert("phase", c.phase.as_str());
    context.insert("rules_hash", &c.rules_hash);
    context.insert("funded_cents", &c.funded_cents);
    context.insert("pool_cents", &c.prize_pool_cents);
    context.insert(
        "missing",
        &money((c.prize_pool_cents - c.funded_cents).max(0)),
    );
    context.insert(
        "fundings",
        &m.fundings
            .iter()
            .map(|f| FundingRow {
                amount: i18n::money(f.amount_cents, &f.currency, lang),
                reference: f.reference.clone(),
                status: f.status.clone(),
                status_label: label(lang, &format!("funding_{}", f.status)),
                recorded_at: i18n::date(f.recorded_at, lang),
            })
            .collect::<Vec<_>>(),
    );
    context.insert(
        "jurors",
        &m.jurors
            .iter()
            .map(|j| {
                let progress = m.progress.iter().find(|p| p.juror_id == j.id);
                JurorRow {
                    email: j.email.clone(),
                    display_name: j.display_name.clone().unwrap_or_default(),
                    status_label: label(lang, &format!("juror_{}", j.status)),
                    scored: progress.map_or(0, |p| p.scored),
                    assigned: progress.map_or(0, |p| p.assigned),
                }
            })
            .collect::<Vec<_>>(),
    );
    context.insert("show_progress", &!m.progress.is_empty());
    context.insert(
        "min_jurors",
        &c.rules["min_jurors"].as_u64().unwrap_or(0).to_string(),
    );
    context.insert(
        "reviews_per_entry",
        &m.reviews_per_entry
            .map(|n| n.to_string())
            .unwrap_or_default(),
    );
    context.insert(
        "news",
        &m.news
            .iter()
            .map(|a| (i18n::date(a.created_at, lang), a.body.clone()))
            .collect::<Vec<_>>(),
    );
    context.insert(
        "ideas",
        &m.ideas
            .iter()
            .map(|i| IdeaRow {
                id: i.id.clone(),
                title: i.title.clone(),
                status: i.status.clone(),
                status_label: label(lang, &format!("idea_{}", i.status)),
                submitted_at: i
                    .submitted_at
                    .map(|at| i18n::date(at, lang))
                    .unwrap_or_default(),
            })
            .collect::<Vec<_>>(),
    );
    context.insert(
        "payouts",
        &m.results
            .as_ref()
            .map(|r| {
                r.payouts
                    .iter()
                    .map(|p| PayoutRow {
                        recipient: p.recipient.clone(),
                        amount: money(p.amount_cents),
                        reason_label: label(lang, &format!("reason_{}", p.reason)),
                        status_label: label(lang, &format!("status_{}", p.status)),
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    for (key, default) in [
        ("error_section", ""),
        ("input_reference", ""),
        ("input_amount", ""),
        ("input_email", ""),
        ("input_body", ""),
        ("input_reason", ""),
        ("input_idea", ""),
    ] {
        if !context.contains_key(key) {
            context.insert(key, default);
        }
    }
    page.render_status(&state.tera, "manage/contest.html", &context, status)
}

pub async fn manage(state: web::Data<AppState>, page: Page, id: web::Path<String>) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let context = page.context();
    render_manage(
        &state,
        &page,
        id.into_inner(),
        context,
        actix_web::http::StatusCode::OK,
    )
    .await
}

/// The forms of the management page, each posted to `/contests/{id}/manage/{action}`.
pub async fn manage_action(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<(String, String)>,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !csrf_ok(&page, &form) {
        return page.csrf_refused(&state.tera);
    }
    let (id, action) = path.into_inner();
    let actor = page.actor.clone();
    let contest_id = id.clone();
    let mut context = page.context();
    let result: AppResult<()> = match action.as_str() {
        "fundings" => {
            let amount = field(&form, "amount").to_owned();
            let reference = field(&form, "reference").to_owned();
            context.insert("input_amount", &amount);
            context.insert("input_reference", &reference);
            let invalid = i18n::texts(page.lang)["editor_amount_invalid"].clone();
            state
                .run(move |ctx, conn| {
                    // Typed in the contest's currency, as the page shows it.
                    let currency = contests::show(ctx, conn, &actor, &contest_id)?.currency;
                    let amount_cents = money::parse(&amount, &currency)
                        .ok_or_else(|| AppError::field("amount_cents", invalid))?;
                    fundings::record(
                        ctx,
                        conn,
                        &actor,
                        &contest_id,
                        NewFunding {
                            amount_cents,
                            reference,
                            currency: Some(currency),
                        },
                    )
                    .map(drop)
                })
                .await
        }
        "jurors" => {
            let email = field(&form, "email").to_owned();
            context.insert("input_email", &email);
            state
                .run(move |ctx, conn| {
                    jury::invite(ctx, conn, &actor, &contest_id, NewJuror { email }).map(drop)
                })
                .await
        }
        "jury-settings" => {
            let value = field(&form, "reviews_per_entry").trim().to_owned();
            let reviews_per_entry = if value.is_empty() {
                Ok(None)
            } else {
                value.parse::<u32>().map(Some).map_err(|_| {
                    AppError::field(
                        "reviews_per_entry",
                        i18n::texts(page.lang)["manage_reviews_invalid"].clone(),
                    )
                })
            };
            match reviews_per_entry {
                Err(error) => Err(error),
                Ok(reviews_per_entry) => {
                    state
                        .run(move |ctx, conn| {
                            jury::configure(
                                ctx,
                                conn,
                                &actor,
                                &contest_id,
                                JurySettings { reviews_per_entry },
                            )
                            .map(drop)
                        })
                        .await
                }
            }
        }
        "remind" => {
            state
                .run(move |ctx, conn| jury::remind(ctx, conn, &actor, &contest_id).map(drop))
                .await
        }
        "announcements" => {
            let body = field(&form, "body").to_owned();
            context.insert("input_body", &body);
            state
                .run(move |ctx, conn| {
                    announcements::publish(
                        ctx,
                        conn,
                        &actor,
                        &contest_id,
                        announcements::NewAnnouncement { body },
                    )
                    .map(drop)
                })
                .await
        }
        "award" => {
            state
                .run(move |ctx, conn| {
                    award::award(ctx, conn, &actor, &contest_id, award::Trigger::Manual).map(drop)
                })
                .await
        }
        _ => return page.not_found(&state.tera),
    };
    finish_action(&state, &page, id, &action, context, result).await
}

async fn finish_action(
    state: &AppState,
    page: &Page,
    id: String,
    section: &str,
    mut context: Context,
    result: AppResult<()>,
) -> HttpResponse {
    match result {
        Ok(()) if section == "award" => page.finish(see_other(&format!("/contests/{id}/results"))),
        Ok(()) => page.finish(see_other(&format!("/contests/{id}/manage#{section}"))),
        Err(error) => {
            if let Some(answer) = refusal(page, state, &error) {
                return answer;
            }
            context.insert("error_section", section);
            let status = page.insert_error(&mut context, &error);
            render_manage(state, page, id, context, status).await
        }
    }
}

pub async fn disqualify(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<(String, String)>,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !csrf_ok(&page, &form) {
        return page.csrf_refused(&state.tera);
    }
    let (id, idea) = path.into_inner();
    let reason = field(&form, "reason").to_owned();
    let mut context = page.context();
    context.insert("input_reason", &reason);
    context.insert("input_idea", &idea);
    let actor = page.actor.clone();
    let result = state
        .run(move |ctx, conn| {
            jury::disqualify(ctx, conn, &actor, &idea, Disqualification { reason }).map(drop)
        })
        .await;
    finish_action(&state, &page, id, "ideas", context, result).await
}

/// Opening, after a confirmation that says what freezes.
pub async fn open_form(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let actor = page.actor.clone();
    let id = id.into_inner();
    let loaded = state
        .run(move |ctx, conn| {
            contests::find_managed(conn, &actor, &id)?;
            contests::show(ctx, conn, &actor, &id)
        })
        .await;
    match loaded {
        Ok(contest) => {
            let mut context = page.context();
            context.insert("contest", &super::contests::card(&contest, page.lang));
            context.insert("funded", &contest_row(&contest, page.lang).funded);
            context.insert("is_draft", &(contest.phase == Phase::Draft));
            page.render(&state.tera, "manage/open.html", &context)
        }
        Err(error) => refusal(&page, &state, &error).unwrap_or_else(|| page.not_found(&state.tera)),
    }
}

pub async fn open_submit(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !csrf_ok(&page, &form) {
        return page.csrf_refused(&state.tera);
    }
    let id = id.into_inner();
    if field(&form, "confirm").is_empty() {
        let mut context = page.context();
        context.insert("error_section", "open");
        context.insert("error", &i18n::texts(page.lang)["open_confirm_missing"]);
        context.insert("field_errors", &BTreeMap::<String, String>::new());
        return render_manage(
            &state,
            &page,
            id,
            context,
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let actor = page.actor.clone();
    let contest_id = id.clone();
    let result = state
        .run(move |ctx, conn| contests::open(ctx, conn, &actor, &contest_id).map(drop))
        .await;
    match result {
        Ok(()) => page.finish(see_other(&format!("/contests/{id}"))),
        Err(error) => finish_action(&state, &page, id, "open", page.context(), Err(error)).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Admins

#[derive(Debug, Serialize)]
struct PendingFunding {
    id: String,
    contest_id: String,
    contest_title: String,
    amount: String,
    /// What the admin sees is what the confirmation names (minor units and currency).
    amount_cents: i64,
    currency: String,
    reference: String,
    recorded_at: String,
}

#[derive(Debug, Serialize)]
struct DueRow {
    id: String,
    contest_id: String,
    contest_title: String,
    recipient: String,
    amount: String,
    reason_label: String,
}

async fn render_admin(
    state: &AppState,
    page: &Page,
    mut context: Context,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    let actor = page.actor.clone();
    let lang = page.lang;
    let loaded = state
        .run(move |ctx, conn| {
            let mut pending = Vec::new();
            for f in fundings::pending(conn, &actor)? {
                let contest = contests::show(ctx, conn, &actor, &f.contest_id)?;
                pending.push(PendingFunding {
                    id: f.id,
                    contest_id: contest.id,
                    contest_title: contest.title,
                    // In the funding's own currency: what the bank should show.
                    amount: i18n::money(f.amount_cents, &f.currency, lang),
                    amount_cents: f.amount_cents,
                    currency: f.currency,
                    reference: f.reference,
                    recorded_at: i18n::date(f.recorded_at, lang),
                });
            }
            let due = award::payouts_due(conn, &actor)?
                .into_iter()
                .map(|d| DueRow {
                    id: d.payout.id,
                    contest_id: d.contest_id,
                    contest_title: d.contest_title,
                    recipient: d.payout.recipient,
                    amount: i18n::money(d.payout.amount_cents, &d.currency, lang),
                    reason_label: label(lang, &format!("reason_{}", d.payout.reason)),
                })
                .collect::<Vec<_>>();
            Ok((pending, due))
        })
        .await;
    match loaded {
        Ok((pending, due)) => {
            context.insert("pending", &pending);
            context.insert("due", &due);
            for key in ["error_id", "input_reference"] {
                if !context.contains_key(key) {
                    context.insert(key, "");
                }
            }
            page.render_status(&state.tera, "manage/admin.html", &context, status)
        }
        Err(error) => refusal(page, state, &error).unwrap_or_else(|| page.not_found(&state.tera)),
    }
}

pub async fn admin(state: web::Data<AppState>, page: Page) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    let context = page.context();
    render_admin(&state, &page, context, actix_web::http::StatusCode::OK).await
}

/// `POST /admin/fundings/{id}` confirms a funding; `POST /admin/payouts/{id}` records a
/// payout as paid, with the transfer's reference.
pub async fn admin_action(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<(String, String)>,
    form: Form,
) -> HttpResponse {
    if let Err(redirect) = page.require_user() {
        return redirect;
    }
    if !csrf_ok(&page, &form) {
        return page.csrf_refused(&state.tera);
    }
    let (kind, id) = path.into_inner();
    let actor = page.actor.clone();
    let reference = field(&form, "reference").to_owned();
    let mut context = page.context();
    context.insert("error_id", &id);
    context.insert("input_reference", &reference);
    let result = match kind.as_str() {
        "fundings" => {
            // The form names the amount and currency the admin was shown; a funding that
            // no longer matches them is refused.
            let confirmation = fundings::Confirmation {
                amount_cents: field(&form, "amount_cents").trim().parse().ok(),
                currency: Some(field(&form, "currency").trim().to_owned())
                    .filter(|c| !c.is_empty()),
            };
            state
                .run(move |ctx, conn| {
                    fundings::confirm(ctx, conn, &actor, &id, confirmation).map(drop)
                })
                .await
        }
        "payouts" => {
            state
                .run(move |ctx, conn| {
                    award::mark_paid(ctx, conn, &actor, &id, award::PaidRequest { reference })
                        .map(drop)
                })
                .await
        }
        _ => return page.not_found(&state.tera),
    };
    match result {
        Ok(()) => page.finish(see_other("/admin")),
        Err(error) => {
            if let Some(answer) = refusal(&page, &state, &error) {
                return answer;
            }
            let status = page.insert_error(&mut context, &error);
            render_admin(&state, &page, context, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_write_them() {
        // The editor reads and writes amounts through domain::money, in the currency's unit.
        assert_eq!(money::parse("1500", "EUR"), Some(150_000));
        assert_eq!(money::parse("1 500,50", "EUR"), Some(150_050));
        assert_eq!(money::parse("1,500.5", "EUR"), Some(150_050));
        assert_eq!(money::parse("1\u{202f}500,05", "EUR"), Some(150_005));
        assert_eq!(money::parse("0.01", "EUR"), Some(1));
        for bad in ["", "abc", "1.234", "-5", "1e3", "12.3.4"] {
            assert_eq!(money::parse(bad, "EUR"), None, "{bad}");
        }
        assert_eq!(money::input_value(150_050, "EUR"), "1500.50");
        assert_eq!(money::input_value(300_000, "EUR"), "3000");
        assert_eq!(money::parse("1500", "JPY"), Some(1500));
        assert_eq!(money::parse("1,5", "BHD"), Some(1500));
    }

    #[test]
    fn form_dates_are_utc() {
        assert_eq!(
            from_local_input("2027-01-31T12:00"),
            json!("2027-01-31T12:00:00Z")
        );
        assert_eq!(to_local_input("2027-01-31T12:00:00Z"), "2027-01-31T12:00");
        assert_eq!(from_local_input("tomorrow"), json!("tomorrow"));
    }

    #[test]
    fn rule_errors_land_next_to_their_input() {
        let mut editor = Editor::default();
        editor.pad();
        let errors: Vec<crate::app::FieldError> = [
            ("rules.prizes[0].amount_cents", "too big"),
            ("rules.criteria[1].weight", "bad weight"),
            ("rules.fallback.n", "bad n"),
            ("rules.opens_at", "in the past"),
            ("title", "empty"),
            ("rules.prizes", "at least one"),
        ]
        .into_iter()
        .map(|(path, message)| crate::app::FieldError {
            path: path.into(),
            message: message.into(),
        })
        .collect();
        // The second criterion typed was on the form's fourth row.
        editor.place_errors(&errors, &[0, 3], &[2]);
        assert_eq!(editor.prizes[2].error, "too big");
        assert_eq!(editor.criteria[3].error, "bad weight");
        assert_eq!(editor.fields["fallback_n"].error, "bad n");
        assert_eq!(editor.fields["opens_at"].error, "in the past");
        assert_eq!(editor.fields["title"].error, "empty");
        assert_eq!(editor.other_errors, ["at least one"]);
    }
}
