//! The public pages of contests: the home page and a contest (its results: `results.rs`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::access::Actor;
use crate::app::contests;
use crate::app::contests::{ContestPage, ContestView};
use crate::domain::lifecycle::Phase;
use crate::domain::rules::{Fallback, Rules};
use crate::web::i18n;
use crate::web::{AppState, cache};

use super::{Page, kit};

pub(crate) mod structure;

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

pub(super) fn card(contest: &ContestView, lang: &str) -> Card {
    let rules = kit::rules(contest);
    let instant = |at: fn(&Rules) -> DateTime<Utc>| {
        rules
            .as_ref()
            .map(|rules| i18n::date(at(rules), lang))
            .unwrap_or_default()
    };
    Card {
        id: contest.id.clone(),
        title: contest.title.clone(),
        phase: contest.phase.as_str(),
        phase_label: kit::t(lang, &format!("phase_{}", contest.phase.as_str())),
        prize_pool: i18n::money(contest.prize_pool_cents, &contest.currency, lang),
        opens_at: instant(|r| r.opens_at),
        submission_deadline: instant(|r| r.submission_deadline),
        judging_deadline: instant(|r| r.judging_deadline),
    }
}

/// A contest's card on the home page: the card of every page, plus what sells it (the brand,
/// a teaser, a bucketed entry count, how long is left).
#[derive(Serialize)]
struct HomeCard {
    #[serde(flatten)]
    card: Card,
    brand: String,
    teaser: String,
    /// "25+ entries"; empty below the first bucket (`contests::ContestCard`).
    entries: String,
    /// "Closes in 9 days" (the countdown texts of the contest page); empty once awarded.
    left: String,
}

fn home_card(shown: &contests::ContestCard, lang: &str) -> HomeCard {
    let left = shown
        .next_deadline
        .map(|at| {
            let key = match shown.contest.phase {
                Phase::Upcoming => "countdown_opens",
                Phase::Submission => "countdown_closes",
                _ => "countdown_judged",
            };
            let words = i18n::countdown(shown.now, at, lang);
            if words.is_empty() {
                String::new()
            } else {
                format!("{} {words}", kit::t(lang, key))
            }
        })
        .unwrap_or_default();
    HomeCard {
        card: card(&shown.contest, lang),
        brand: shown.brand.clone(),
        teaser: shown.teaser.clone(),
        entries: shown
            .entries_at_least
            .map(|n| kit::t_with(lang, "home_entries_at_least", &[("n", &n.to_string())]))
            .unwrap_or_default(),
        left,
    }
}

/// One group of contests on the home page.
#[derive(Serialize)]
struct Section {
    id: &'static str,
    title: String,
    cards: Vec<HomeCard>,
}

pub async fn home(state: web::Data<AppState>, page: Page) -> HttpResponse {
    let actor = page.actor.clone();
    let list = match state
        .run(move |ctx, conn| contests::cards(ctx, conn, &actor))
        .await
    {
        Ok(list) => list,
        Err(error) => return page.error(&state.tera, error),
    };
    let sections: Vec<Section> = [
        ("home_open", Phase::Submission),
        ("home_upcoming", Phase::Upcoming),
        ("home_judging", Phase::Judging),
        ("home_awarded", Phase::Awarded),
    ]
    .into_iter()
    .map(|(id, phase)| Section {
        id,
        title: page.t(id),
        cards: list
            .iter()
            .filter(|c| c.contest.phase == phase)
            .map(|c| home_card(c, page.lang))
            .collect(),
    })
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
    let generation = state.public_cache.generation();
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

/// The next moment that matters on a contest page, and how long until it, for the countdown.
#[derive(Serialize)]
struct Countdown {
    text: String,
    left: String,
    at: String,
}

/// What the contest page shows, beside the reader's context.
#[derive(Serialize)]
struct ContestShow<'a> {
    contest: Card,
    brief_html: String,
    rules_hash: &'a Option<String>,
    /// (label, amount) in rank order.
    prizes: Vec<(&'a str, String)>,
    /// (label, weight, max).
    criteria: Vec<(&'a str, String, String)>,
    // Texts with placeholders are filled by tera's `replace`, which takes strings.
    minimum_score: String,
    fallback_policy: &'static str,
    fallback_n: String,
    beneficiary: &'a str,
    eligibility: &'a str,
    ip_terms: &'a str,
    publish_ideas: bool,
    max_ideas: u32,
    jury: Vec<&'a str>,
    /// (date, text), newest first.
    announcements: Vec<(String, &'a str)>,
    is_member: bool,
    following: bool,
    is_juror: bool,
    brand: &'a str,
    organization_id: &'a str,
    countdown: Option<Countdown>,
    /// Rounds, categories and aggregation (issue 20); empty without them.
    structure: structure::Structure,
    /// The round being judged, during judging, when the rules have rounds.
    round_now: Option<structure::RoundNow>,
}

fn countdown(shown: &ContestPage, rules: &Rules, lang: &str) -> Option<Countdown> {
    let (text, at) = match shown.contest.phase {
        Phase::Upcoming => ("countdown_opens", rules.opens_at),
        Phase::Submission => ("countdown_closes", rules.submission_deadline),
        Phase::Judging => ("countdown_judged", rules.judging_deadline),
        _ => return None,
    };
    Some(Countdown {
        text: kit::t(lang, text),
        left: i18n::countdown(shown.now, at, lang),
        at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

async fn render_show(state: &web::Data<AppState>, page: &Page, id: String) -> HttpResponse {
    let actor = page.actor.clone();
    let shown = match state
        .run(move |ctx, conn| {
            let shown = contests::page(ctx, conn, &actor, &id)?;
            // Where each round stands, once open, when the rules have rounds.
            let has_rounds = shown.contest.rules.get("rounds").is_some();
            let rounds = if has_rounds && shown.contest.rules_hash.is_some() {
                crate::app::rounds::rounds(ctx, conn, &actor, &id)?.rounds
            } else {
                Vec::new()
            };
            // Where the reader stands as an innovator, for the call to action.
            let entry = crate::app::ideas::entry_state(ctx, conn, &actor, &id)?;
            Ok((shown, entry, rounds))
        })
        .await
    {
        Ok(found) => found,
        Err(error) => return page.error(&state.tera, error),
    };
    let (shown, entry, rounds) = shown;
    let contest = &shown.contest;
    let Some(rules) = kit::rules(contest) else {
        let invalid = format!("contest {} holds invalid rules", contest.id);
        return page.error(&state.tera, crate::app::AppError::internal(invalid));
    };
    let lang = page.lang;
    let view = ContestShow {
        contest: card(contest, lang),
        brief_html: crate::markdown::to_safe_html(&contest.brief),
        rules_hash: &contest.rules_hash,
        prizes: rules
            .prizes
            .iter()
            .map(|p| {
                let amount = i18n::money(p.amount_cents, &contest.currency, lang);
                (p.label.as_str(), amount)
            })
            .collect(),
        criteria: rules
            .criteria
            .iter()
            .map(|c| (c.label.as_str(), c.weight.to_string(), c.max.to_string()))
            .collect(),
        minimum_score: rules.minimum_score.to_string(),
        fallback_policy: match rules.fallback {
            Fallback::BestAnyway => "best_anyway",
            Fallback::SplitTop { .. } => "split_top",
            Fallback::SplitAll => "split_all",
        },
        fallback_n: match rules.fallback {
            Fallback::SplitTop { n } => n.to_string(),
            _ => String::new(),
        },
        beneficiary: &rules.no_entry_beneficiary,
        eligibility: &rules.eligibility,
        ip_terms: &rules.ip_terms,
        publish_ideas: rules.publish_ideas,
        max_ideas: rules.max_ideas_per_person,
        jury: shown.jury.iter().map(|r| r.display_name.as_str()).collect(),
        announcements: shown
            .announcements
            .iter()
            .map(|a| (i18n::date(a.created_at, lang), a.body.as_str()))
            .collect(),
        is_member: shown.is_member,
        following: shown.following,
        is_juror: shown.is_juror,
        brand: &shown.brand,
        organization_id: &contest.organization_id,
        countdown: countdown(&shown, &rules, lang),
        structure: structure::of(&rules, &rounds, &contest.currency, lang),
        round_now: (contest.round.as_ref())
            .filter(|_| !rules.rounds.is_empty())
            .map(|r| structure::RoundNow::of(r, lang)),
    };
    let mut context = page.view(&view);
    let entry = crate::web::pages::ideas::cta::call_to_action(contest, &entry, lang);
    context.insert("entry", &entry);
    page.render(&state.tera, "contests/show.html", &context)
}
