//! The public pages of contests: the home page, a contest, its results.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::Value;

use crate::app::access::Actor;
use crate::app::contests::ContestView;
use crate::app::{AppError, announcements, award, contests, jury};
use crate::domain::lifecycle::Phase;
use crate::web::i18n;
use crate::web::{AppState, cache};

use super::Page;

/// A contest as the pages show it: everything formatted in the reader's language.
#[derive(Debug, Serialize)]
pub(super) struct Card {
    id: String,
    title: String,
    phase: &'static str,
    phase_label: String,
    prize_pool: String,
    opens_at: String,
    submission_deadline: String,
    judging_deadline: String,
}

fn instant(rules: &Value, key: &str, lang: &str) -> String {
    rules[key]
        .as_str()
        .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
        .map(|at| i18n::date(at, lang))
        .unwrap_or_default()
}

/// A text of the catalogue by a key made at run time (tera cannot build keys).
pub(super) fn label(lang: &str, key: &str) -> String {
    i18n::texts(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

pub(super) fn card(contest: &ContestView, lang: &str) -> Card {
    Card {
        id: contest.id.clone(),
        title: contest.title.clone(),
        phase: contest.phase.as_str(),
        phase_label: label(lang, &format!("phase_{}", contest.phase.as_str())),
        prize_pool: i18n::money(contest.prize_pool_cents, &contest.currency, lang),
        opens_at: instant(&contest.rules, "opens_at", lang),
        submission_deadline: instant(&contest.rules, "submission_deadline", lang),
        judging_deadline: instant(&contest.rules, "judging_deadline", lang),
    }
}

pub async fn home(state: web::Data<AppState>, page: Page) -> HttpResponse {
    let actor = page.actor.clone();
    let Ok(list) = state
        .run(move |ctx, conn| contests::list(ctx, conn, &actor))
        .await
    else {
        return page.not_found(&state.tera);
    };
    let group = |phase: Phase| -> Vec<Card> {
        list.iter()
            .filter(|c| c.phase == phase)
            .map(|c| card(c, page.lang))
            .collect()
    };
    let sections: Vec<Value> = [
        ("home_open", Phase::Submission),
        ("home_upcoming", Phase::Upcoming),
        ("home_judging", Phase::Judging),
        ("home_awarded", Phase::Awarded),
    ]
    .into_iter()
    .map(|(key, phase)| serde_json::json!({"id": key, "title": label(page.lang, key), "cards": group(phase)}))
    .collect();
    let mut context = page.context();
    context.insert("sections", &sections);
    page.render(&state.tera, "home.html", &context)
}

/// The contest page. For anonymous readers it is rendered once and served from memory while it
/// cannot have changed (`web::cache`); every answer carries an ETag, and a matching
/// `If-None-Match` gets 304.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> HttpResponse {
    const VARY: &str = "Cookie, Accept-Language";
    const HTML: &str = "text/html; charset=utf-8";
    let anonymous = page.user.is_none() && matches!(page.actor, Actor::Anonymous);
    let id = id.into_inner();
    let key = format!("page\n{id}\n{}\n{}", page.lang, page.path);
    let now = state.ctx.now();
    if anonymous && let Some(entry) = state.public_cache.get(&key, now) {
        let answer = cache::respond(&req, &entry.etag, false, VARY, HTML, entry.body);
        return attributed(&req, &id, page.finish(answer));
    }
    let generation = crate::store::generation();
    let response = render_show(&state, &page, id.clone()).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (response, body) = response.into_parts();
    let Ok(body) = actix_web::body::to_bytes(body).await else {
        return page.not_found(&state.tera);
    };
    // What is kept is shown to every anonymous reader: never a page that holds this reader's
    // CSRF token (the anonymous page has no form today; this keeps it so if one is added).
    let shared = anonymous && !String::from_utf8_lossy(&body).contains(page.csrf.as_str());
    let etag = if shared {
        state
            .public_cache
            .put(key, body.clone(), generation, now)
            .etag
    } else {
        cache::etag_of(&body)
    };
    let mut answer = cache::respond(&req, &etag, false, VARY, HTML, body);
    for cookie in response.cookies() {
        let _ = answer.add_cookie(&cookie);
    }
    attributed(&req, &id, answer)
}

/// Remembers where a visitor of a contest page came from, for the organisers' figures: the
/// `ref` or `utm_source` and `utm_campaign` tags of the link, or the site that linked to it.
/// Kept in a cookie until the visitor submits an idea (`SOURCE_COOKIE`: contest, source,
/// campaign); a visit with nothing to say keeps what an earlier one said.
fn attributed(req: &HttpRequest, contest_id: &str, mut answer: HttpResponse) -> HttpResponse {
    #[derive(serde::Deserialize)]
    struct Tags {
        #[serde(rename = "ref")]
        reference: Option<String>,
        utm_source: Option<String>,
        utm_campaign: Option<String>,
    }
    let tags = web::Query::<Tags>::from_query(req.query_string()).ok();
    let tagged = tags.as_ref().and_then(|t| {
        let source = t.utm_source.as_deref().or(t.reference.as_deref())?;
        Some((
            source.to_owned(),
            t.utm_campaign.clone().unwrap_or_default(),
        ))
    });
    let own_host = req.connection_info().host().to_owned();
    let referred = || {
        let referer = req
            .headers()
            .get(actix_web::http::header::REFERER)?
            .to_str()
            .ok()?;
        let host = referer.split("://").nth(1)?.split(['/', '?', '#']).next()?;
        (host != own_host).then(|| {
            (
                host.split(':').next().unwrap_or(host).to_owned(),
                String::new(),
            )
        })
    };
    let Some((source, campaign)) = tagged.or_else(referred) else {
        return answer;
    };
    let (source, campaign) = (
        crate::app::insight::tag(&source),
        crate::app::insight::tag(&campaign),
    );
    if source.is_empty() {
        return answer;
    }
    let cookie = actix_web::cookie::Cookie::build(
        super::SOURCE_COOKIE,
        format!("{contest_id}|{source}|{campaign}"),
    )
    .path("/")
    .http_only(true)
    .same_site(actix_web::cookie::SameSite::Lax)
    .max_age(actix_web::cookie::time::Duration::days(30))
    .finish();
    let _ = answer.add_cookie(&cookie);
    answer
}

async fn render_show(state: &web::Data<AppState>, page: &Page, id: String) -> HttpResponse {
    let actor = page.actor.clone();
    let loaded = state
        .run(move |ctx, conn| {
            let contest = contests::show(ctx, conn, &actor, &id)?;
            let roster = jury::roster(conn, &actor, &id)?;
            let news = announcements::list(conn, &actor, &id)?;
            let member = actor.user().is_some()
                && crate::app::organizations::mine(conn, &actor)?
                    .iter()
                    .any(|o| o.id == contest.organization_id);
            let following =
                crate::app::notifications::is_following(conn, &actor, &contest.organization_id)?;
            let juror = match actor.user() {
                Some(user) => {
                    crate::store::jury::membership(conn, &contest.id, &user.id)?.is_some()
                }
                None => false,
            };
            let brand = crate::store::organizations::find(conn, &contest.organization_id)?
                .map(|o| o.name)
                .unwrap_or_default();
            Ok((
                (contest, member, ctx.now(), following, brand, juror),
                roster,
                news,
            ))
        })
        .await;
    let ((contest, member, now, following, brand, juror), roster, news) = match loaded {
        Ok(found) => found,
        Err(AppError::NotFound(_) | AppError::Unauthorized(_) | AppError::Forbidden(_)) => {
            return page.not_found(&state.tera);
        }
        Err(error) => {
            tracing::error!(error = ?error, "contest page");
            return page.not_found(&state.tera);
        }
    };
    let rules = &contest.rules;
    let prizes: Vec<(String, String)> = rules["prizes"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|p| {
                    (
                        p["label"].as_str().unwrap_or_default().to_owned(),
                        i18n::money(
                            p["amount_cents"].as_i64().unwrap_or(0),
                            &contest.currency,
                            page.lang,
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let news: Vec<(String, String)> = news
        .into_iter()
        .map(|a| (i18n::date(a.created_at, page.lang), a.body))
        .collect();
    let mut context = page.context();
    context.insert("contest", &card(&contest, page.lang));
    context.insert("brief_html", &crate::markdown::to_safe_html(&contest.brief));
    context.insert("rules_hash", &contest.rules_hash);
    context.insert("prizes", &prizes);
    let criteria: Vec<(String, String, String)> = rules["criteria"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| {
                    (
                        c["label"].as_str().unwrap_or_default().to_owned(),
                        c["weight"].to_string(),
                        c["max"].to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    context.insert("criteria", &criteria);
    // Texts with placeholders are filled by tera's `replace`, which takes strings.
    context.insert("minimum_score", &rules["minimum_score"].to_string());
    context.insert("fallback_policy", &rules["fallback"]["policy"]);
    context.insert("fallback_n", &rules["fallback"]["n"].to_string());
    context.insert(
        "beneficiary",
        rules["no_entry_beneficiary"].as_str().unwrap_or_default(),
    );
    context.insert("eligibility", &rules["eligibility"]);
    context.insert("ip_terms", &rules["ip_terms"]);
    context.insert(
        "publish_ideas",
        &(rules["publish_ideas"] == Value::Bool(true)),
    );
    context.insert("max_ideas", &rules["max_ideas_per_person"]);
    context.insert(
        "jury",
        &roster
            .iter()
            .map(|r| r.display_name.clone())
            .collect::<Vec<_>>(),
    );
    context.insert("announcements", &news);
    context.insert("is_member", &member);
    context.insert("following", &following);
    context.insert("is_juror", &juror);
    context.insert("brand", &brand);
    context.insert("organization_id", &contest.organization_id);
    // The next moment that matters, and how long until it, for the countdown.
    let next = match contest.phase {
        Phase::Upcoming => Some(("countdown_opens", "opens_at")),
        Phase::Submission => Some(("countdown_closes", "submission_deadline")),
        Phase::Judging => Some(("countdown_judged", "judging_deadline")),
        _ => None,
    }
    .and_then(|(text, key)| {
        let at: chrono::DateTime<chrono::Utc> = rules[key].as_str()?.parse().ok()?;
        Some(serde_json::json!({
            "text": label(page.lang, text),
            "left": i18n::countdown(now, at, page.lang),
            "at": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }))
    });
    context.insert("countdown", &next);
    page.render(&state.tera, "contests/show.html", &context)
}

pub async fn results(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> HttpResponse {
    let actor = page.actor.clone();
    let id = id.into_inner();
    let loaded = state
        .run(move |ctx, conn| {
            let contest = contests::show(ctx, conn, &actor, &id)?;
            let results = award::results(conn, &actor, &id)?;
            // The ideas themselves, when the rules publish them, with the crowd's marks.
            let public = crate::app::appreciation::public_ideas(conn, &actor, &id).ok();
            Ok((contest, results, public))
        })
        .await;
    let Ok((contest, results, public)) = loaded else {
        return page.not_found(&state.tera);
    };
    let payouts: Vec<Value> = results
        .payouts
        .iter()
        .map(|p| {
            serde_json::json!({
                "recipient": p.recipient,
                "amount": i18n::money(p.amount_cents, &contest.currency, page.lang),
                "reason": label(page.lang, &format!("reason_{}", p.reason)),
                "status": label(page.lang, &format!("status_{}", p.status)),
            })
        })
        .collect();
    let mut context = page.context();
    context.insert("contest", &card(&contest, page.lang));
    context.insert("results", &results);
    context.insert("payouts", &payouts);
    context.insert("public_ideas", &public);
    context.insert(
        "total",
        &i18n::money(results.total_paid_cents, &contest.currency, page.lang),
    );
    page.render(&state.tera, "contests/results.html", &context)
}
