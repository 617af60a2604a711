//! A person's settings (which mail they receive, which brands they follow, their public page,
//! deleting their account), following a brand, and a person's public page. The pages a mail
//! links to (unsubscribe, password reset) are in [`super::mail_links`].

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use crate::app::AppResult;
use crate::app::notifications::{self, Followed, PreferencesView};
use crate::app::profiles::{self, ContestResult, DeleteAccount, ProfileInput};
use crate::web::AppState;
use crate::web::auth::client_ip;
use crate::web::i18n;

use super::{CsrfForm, Page, SignedInPage, add_view, form_errors, see_other};

const SETTINGS: &str = "accounts/settings.html";

/// A checkbox of a posted form: ticked when sent with a value.
pub(super) fn ticked(field: &Option<String>) -> bool {
    field.as_deref().is_some_and(|value| !value.is_empty())
}

/// The profile form's fields as the settings page shows them.
struct ProfileFields {
    bio: String,
    links: String,
    public: bool,
}

/// What the settings page shows, beside the reader's context.
#[derive(Serialize)]
struct SettingsView<'a> {
    preferences: &'a PreferencesView,
    following: &'a [Followed],
    profile_bio: &'a str,
    profile_links: &'a str,
    profile_public: bool,
    profile_id: &'a str,
    saved: bool,
}

/// The settings page's context: `context` and what is stored, except the profile form's
/// fields when `typed` (what the reader just sent) is given.
async fn settings_page(
    state: &AppState,
    page: &Page,
    typed: Option<ProfileFields>,
    saved: bool,
    mut context: Context,
) -> AppResult<Context> {
    let actor = page.actor.clone();
    let (preferences, following, profile) = state
        .run(move |_, conn| {
            Ok((
                notifications::preferences(conn, &actor)?,
                notifications::following(conn, &actor)?,
                profiles::mine(conn, &actor)?,
            ))
        })
        .await?;
    let shown = typed.unwrap_or_else(|| ProfileFields {
        bio: profile.bio.clone(),
        links: profile.links.join("\n"),
        public: profile.public,
    });
    let view = SettingsView {
        preferences: &preferences,
        following: &following,
        profile_bio: &shown.bio,
        profile_links: &shown.links,
        profile_public: shown.public,
        profile_id: &profile.user_id,
        saved,
    };
    add_view(&mut context, &view);
    Ok(context)
}

/// The settings page after a form (`fields`: what was typed, when not the profile's): on to
/// the page with its notice (`done`, and the section
/// it is about) once saved, or the page again with the form's error: a field's problem on its
/// input in the reader's language (and the summary), any other as every page shows it.
async fn settings_after(
    state: &AppState,
    page: &Page,
    typed: Option<ProfileFields>,
    outcome: AppResult<()>,
    mut context: Context,
    done: &str,
    fields: &[(&str, &str)],
) -> HttpResponse {
    let error = match outcome {
        Ok(()) => return page.finish(see_other(&format!("/settings?done={done}"))),
        Err(error) => error,
    };
    let profile: Vec<(&str, &str)> = typed
        .as_ref()
        .map(|t| vec![("bio", t.bio.as_str()), ("links", t.links.as_str())])
        .unwrap_or_default();
    let fields = if fields.is_empty() {
        &profile[..]
    } else {
        fields
    };
    let form_errors = form_errors::of_account_form(page.lang, &error, fields);
    if let Some(errors) = &form_errors {
        context.insert("form_errors", errors);
    }
    match (
        settings_page(state, page, typed, false, context).await,
        form_errors,
    ) {
        (Ok(context), Some(_)) => {
            let status = actix_web::ResponseError::status_code(&error);
            page.render_status(&state.tera, SETTINGS, &context, status)
        }
        (Ok(context), None) => page.error_on(&state.tera, SETTINGS, context, error),
        (Err(error), _) => page.error(&state.tera, error),
    }
}

/// `?done=…`: the notice the settings page shows after a save.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn settings(
    state: web::Data<AppState>,
    page: SignedInPage,
    query: web::Query<DoneQuery>,
) -> HttpResponse {
    let mut context = page.context();
    // Only a known key shows a notice.
    let notice = match query.done.as_deref() {
        Some("saved") => Some("done_settings_saved"),
        Some("profile") => Some("done_profile_saved"),
        _ => None,
    };
    if let Some(key) = notice {
        context.insert("done_notice", &page.t(key));
    }
    match settings_page(&state, &page, None, false, context).await {
        Ok(context) => page.render(&state.tera, SETTINGS, &context),
        Err(error) => page.error(&state.tera, error),
    }
}

/// The mail a person receives: a ticked box for each kind.
#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    announcements: Option<String>,
    reminders: Option<String>,
    brand_news: Option<String>,
}

pub async fn save_settings(
    state: web::Data<AppState>,
    page: SignedInPage,
    form: CsrfForm<PreferencesForm>,
) -> HttpResponse {
    let input = PreferencesView {
        announcements: ticked(&form.announcements),
        reminders: ticked(&form.reminders),
        brand_news: ticked(&form.brand_news),
    };
    let actor = page.actor.clone();
    let outcome = state
        .run(move |ctx, conn| notifications::update_preferences(ctx, conn, &actor, input))
        .await
        .map(drop);
    settings_after(&state, &page, None, outcome, page.context(), "saved", &[]).await
}

/// Following a brand, or (`follow=0`) no more; `back` is the page to go back to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FollowForm {
    follow: String,
    back: String,
}

/// Follows (or, with `follow=0`, stops following) a brand, from a contest page.
pub async fn follow(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    form: CsrfForm<FollowForm>,
) -> HttpResponse {
    let on = form.follow != "0";
    let back = super::safe_next(Some(&form.back));
    let actor = page.actor.clone();
    let id = id.into_inner();
    match state
        .run(move |ctx, conn| notifications::follow(ctx, conn, &actor, &id, on))
        .await
    {
        Ok(_) => page.finish(see_other(&back)),
        Err(error) => page.error(&state.tera, error),
    }
}

/// One's public page: whether it is public, a text, links one per line.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    public: Option<String>,
    bio: String,
    links: String,
}

/// Saves one's public page from the settings form (links one per line).
pub async fn save_profile(
    state: web::Data<AppState>,
    page: SignedInPage,
    form: CsrfForm<ProfileForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let input = ProfileInput {
        public: ticked(&form.public),
        bio: form.bio,
        links: form
            .links
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    let typed = ProfileFields {
        bio: input.bio.clone(),
        links: input.links.join("\n"),
        public: input.public,
    };
    let actor = page.actor.clone();
    let outcome = state
        .run(move |ctx, conn| profiles::update(ctx, conn, &actor, input))
        .await
        .map(drop);
    settings_after(
        &state,
        &page,
        Some(typed),
        outcome,
        page.context(),
        "profile#profile-title",
        &[],
    )
    .await
}

/// A result on a person's public page, in the reader's language.
#[derive(Serialize)]
struct PersonResult<'a> {
    contest_id: &'a str,
    contest_title: &'a str,
    idea_title: &'a str,
    rank: String,
    score: String,
    prize: String,
}

impl<'a> PersonResult<'a> {
    fn of(r: &'a ContestResult, lang: &str) -> PersonResult<'a> {
        PersonResult {
            contest_id: &r.contest_id,
            contest_title: &r.contest_title,
            idea_title: &r.idea_title,
            rank: r.rank.map(|n| n.to_string()).unwrap_or_default(),
            score: r
                .score
                .map(|s| i18n::number(s, 1, lang))
                .unwrap_or_default(),
            prize: if r.prize_cents > 0 {
                i18n::money(r.prize_cents, &r.currency, lang)
            } else {
                String::new()
            },
        }
    }
}

/// What a person's public page shows, beside the reader's context.
#[derive(Serialize)]
struct PersonView<'a> {
    profile: &'a profiles::ProfileView,
    results: Vec<PersonResult<'a>>,
}

/// A person's public page (404 unless they made it public, or it is the reader's own).
pub async fn person(state: web::Data<AppState>, page: Page, id: web::Path<String>) -> HttpResponse {
    let actor = page.actor.clone();
    let id = id.into_inner();
    let profile = match state
        .run(move |_, conn| profiles::show(conn, &actor, &id))
        .await
    {
        Ok(profile) => profile,
        Err(error) => return page.error(&state.tera, error),
    };
    let view = PersonView {
        profile: &profile,
        results: profile
            .results
            .iter()
            .map(|r| PersonResult::of(r, page.lang))
            .collect(),
    };
    page.render(&state.tera, "people/show.html", &page.view(&view))
}

/// The password that confirms an account's deletion.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    password: String,
}

/// Deletes the reader's account (confirmed with their password), signs them out and takes
/// them home; a refusal (wrong password, an organisation, an unfinished jury) is shown on the
/// settings page.
pub async fn delete_account(
    state: web::Data<AppState>,
    page: SignedInPage,
    req: HttpRequest,
    form: CsrfForm<DeleteForm>,
) -> HttpResponse {
    let typed = form.password.clone();
    let input = DeleteAccount {
        password: form.into_inner().password,
    };
    let actor = page.actor.clone();
    let staged_actor = actor.clone();
    let ip = client_ip(&req, &state.ctx.settings.server.trusted_proxies);
    let result = state
        .run_staged(
            move |ctx, conn| profiles::stage_deletion(ctx, conn, &staged_actor, input, &ip),
            move |ctx, conn, pending, outcome| {
                profiles::finish_deletion(ctx, conn, &actor, pending, outcome)
            },
        )
        .await;
    if result.is_ok() {
        let mut response = see_other("/");
        let _ = response.add_cookie(&page.clear_session_cookie());
        return page.finish(response);
    }
    let mut context = page.context();
    context.insert("delete_error", &true);
    let fields = [("password", typed.as_str())];
    settings_after(&state, &page, None, result, context, "deleted", &fields).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_box_is_ticked_when_sent_with_a_value() {
        assert!(super::ticked(&Some("on".into())));
        assert!(!super::ticked(&Some(String::new())));
        assert!(!super::ticked(&None));
    }
}
