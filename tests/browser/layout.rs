//! The layout of the main pages: on a phone (390 px) nothing scrolls sideways and the tables
//! become labelled cards; on a laptop (1280 px) no word of a table is broken in the middle
//! ("Mont/ant", "Submitt/ed"). In English and in French. The data is made through the JSON API
//! (a contest awarded, a funding still pending, a draft for the editor); the pages are seen in
//! Chromium.

use chrono::Duration;
use serde_json::{Value, json};

use crate::calls::{api, at, login, person, post};
use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone_and_keep_their_words_sqlite() {
    layout(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone_and_keep_their_words_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    layout(Backend::Postgres).await;
}

const OWNER: &str = "owner@acme.example";
const ADMIN: &str = "admin@concours.example";
const JUROR: &str = "juror@jury.example";
const ANN: &str = "ann@example.org";
const BOB: &str = "bob@example.org";

fn rules(app: &TestApp) -> Value {
    let now = app.now();
    json!({
        "opens_at": at(now + Duration::days(1)),
        "submission_deadline": at(now + Duration::days(10)),
        "judging_deadline": at(now + Duration::days(20)),
        "criteria": [
            {"key": "impact", "label": "Environmental impact", "weight": 3, "max": 10},
            {"key": "feasibility", "label": "Feasibility", "weight": 1, "max": 5}
        ],
        "currency": "EUR",
        "prizes": [
            {"label": "First prize", "amount_cents": 500_000},
            {"label": "Second prize", "amount_cents": 200_000}
        ],
        "minimum_score": 10,
        "fallback": {"policy": "best_anyway"},
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 1,
        "blind_judging": true,
        "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights.",
        "min_jurors": 1
    })
}

/// The ids of an awarded contest (with a payout due), of a draft (with a funding pending) and
/// of their organisation.
struct Made {
    awarded: String,
    draft: String,
    organization: String,
}

async fn make(app: &TestApp) -> Made {
    let owner = person(app, OWNER, "Olive Owner").await;
    let org = post(
        app,
        "/api/v1/organizations",
        Some(&owner),
        json!({"name": "Acme Packaging"}),
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let new_contest = |title: &str| {
        json!({"organization_id": org, "title": title,
               "brief": "Ideas for **less plastic** in every parcel.", "rules": rules(app)})
    };
    // A long word in the title: it must break on a phone rather than push the page wider.
    let body = new_contest("Greener packaging: Verpackungsmüllvermeidungswettbewerb");
    let contest = post(app, "/api/v1/contests", Some(&owner), body, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = new_contest("A contest still in draft");
    let draft = post(app, "/api/v1/contests", Some(&owner), body, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = person(app, ADMIN, "Ada Admin").await;
    app.grant_admin(ADMIN);
    let path = format!("/api/v1/contests/{contest}");
    let body = json!({"amount_cents": 700_000, "reference": "TRANSFER-2026-000042"});
    let funding = post(app, &format!("{path}/fundings"), Some(&owner), body, 201).await;
    let id = funding["id"].as_str().unwrap();
    let confirm = format!("/api/v1/admin/fundings/{id}/confirm");
    post(app, &confirm, Some(&admin), json!({}), 200).await;
    let body = json!({"email": JUROR});
    post(app, &format!("{path}/jurors"), Some(&owner), body, 201).await;
    post(app, &format!("{path}/open"), Some(&owner), json!({}), 200).await;
    // A transfer for the draft, not yet confirmed: the admin's page lists it.
    let body = json!({"amount_cents": 50_000, "reference": "TRANSFER-2026-000043"});
    let fundings = format!("/api/v1/contests/{draft}/fundings");
    post(app, &fundings, Some(&owner), body, 201).await;
    let invitation = app.link_in_mail(JUROR, "/jury-invitations/").await;
    let invitation = invitation.rsplit('/').next().unwrap().to_owned();
    let juror = person(app, JUROR, "Jules Juror").await;
    let accept = format!("/api/v1/jury-invitations/{invitation}/accept");
    post(app, &accept, Some(&juror), json!({}), 200).await;
    app.advance(Duration::days(1));
    app.tick().await;
    for (email, name, title) in [
        (ANN, "Ann Author", "Refill stations in every post office"),
        (BOB, "Bob Author", "Edible wrapping"),
    ] {
        let token = person(app, email, name).await;
        let body = json!({"title": title, "summary": "s", "body": "b", "accept_terms": true});
        post(app, &format!("{path}/ideas"), Some(&token), body, 201).await;
    }
    app.advance(Duration::days(9));
    app.tick().await;
    let juror = login(app, JUROR).await;
    let entries = format!("{path}/jury/entries");
    let list = api(
        app,
        reqwest::Method::GET,
        &entries,
        Some(&juror),
        Value::Null,
        200,
    )
    .await;
    for (i, entry) in list["entries"].as_array().unwrap().iter().enumerate() {
        let id = entry["entry_id"].as_str().unwrap();
        let body = json!({"scores": {"impact": 9 - i, "feasibility": 4}});
        let scores = format!("{entries}/{id}/scores");
        api(app, reqwest::Method::PUT, &scores, Some(&juror), body, 200).await;
    }
    let owner = login(app, OWNER).await;
    post(app, &format!("{path}/award"), Some(&owner), json!({}), 200).await;
    Made {
        awarded: contest,
        draft,
        organization: org,
    }
}

/// Whether a table's header or cell words are whole at this width: every cell's words wrap
/// only between words (computed `overflow-wrap` and `word-break` normal, except in cells of
/// user text), and no header word is split over two lines.
async fn words_whole(browser: &Browser, page: &str) {
    let broken = browser
        .client
        .execute(
            r#"
const bad = [];
for (const cell of document.querySelectorAll('main th, main td')) {
  if (cell.closest('.user-text')) continue;
  const style = getComputedStyle(cell);
  if (style.overflowWrap !== 'normal' || style.wordBreak !== 'normal') {
    bad.push(cell.tagName + ' "' + cell.innerText.slice(0, 30) + '" ' + style.overflowWrap + '/' + style.wordBreak);
  }
}
for (const th of document.querySelectorAll('main thead th')) {
  for (const word of th.innerText.split(/\s+/).filter(w => w.length > 1)) {
    const range = document.createRange();
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const at = node.textContent.indexOf(word);
      if (at < 0) continue;
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      if (range.getClientRects().length > 1) bad.push('header word "' + word + '" split');
      break;
    }
  }
}
return bad;
"#,
            vec![],
        )
        .await
        .unwrap();
    let broken = broken.as_array().unwrap();
    assert!(broken.is_empty(), "{page}: words broken: {broken:?}");
}

/// Visits `path` at 1280 px (words whole) and at 390 px (fits, tables as cards), with a
/// screenshot of each.
async fn both_widths(browser: &mut Browser, path: &str, name: &str, lang: &str) -> String {
    browser.client.set_window_size(1280, 900).await.unwrap();
    let text = browser.goto(path).await;
    words_whole(browser, path).await;
    browser.shot(&format!("{name}-{lang}")).await;
    // Tall, so that the screenshot shows the whole page.
    browser.client.set_window_size(390, 2400).await.unwrap();
    browser.goto(path).await;
    browser.fits(390).await;
    let cards = browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll('main table.stack tbody td')).filter(td => \
             getComputedStyle(td).display === 'table-cell').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        cards,
        Value::from(0),
        "{path}: the tables are cards on a phone"
    );
    browser.shot(&format!("{name}-{lang}-phone")).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    text
}

/// Signs in; in French, also switches the account's language with the header's link (an
/// account made through the API speaks English).
async fn sign_in(browser: &mut Browser, email: &str, lang: &str) {
    browser.sign_in(email).await;
    if lang == "fr" && browser.exists("header a[hreflang=fr]").await {
        browser.click("header a[hreflang=fr]").await;
    }
}

async fn layout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let made = make(&app).await;
    let contest = &made.awarded;
    let suffix = format!("layout-{}", backend.name());
    let mut step = 0;
    for (lang, accept) in [("en", "en-GB,en"), ("fr", "fr-FR,fr")] {
        let mut browser = Browser::start(&app, accept, &suffix, step).await;
        let home = browser.goto("/").await;
        let welcome = if lang == "fr" {
            "Se connecter"
        } else {
            "Sign in"
        };
        assert!(home.contains(welcome), "the home page in {lang}:\n{home}");
        both_widths(&mut browser, "/", "home", lang).await;
        both_widths(
            &mut browser,
            &format!("/contests/{contest}"),
            "contest",
            lang,
        )
        .await;
        let results = format!("/contests/{contest}/results");
        both_widths(&mut browser, &results, "results", lang).await;
        sign_in(&mut browser, OWNER, lang).await;
        both_widths(&mut browser, "/dashboard", "dashboard", lang).await;
        let manage = format!("/contests/{contest}/manage");
        let text = both_widths(&mut browser, &manage, "manage", lang).await;
        let amount = if lang == "fr" { "Montant" } else { "Amount" };
        for shown in [
            amount,
            "TRANSFER-2026-000042",
            "Jules Juror",
            "Edible wrapping",
        ] {
            assert!(
                text.contains(shown),
                "{shown} on the management page:\n{text}"
            );
        }
        let editor = format!("/contests/{}/edit", made.draft);
        both_widths(&mut browser, &editor, "editor", lang).await;
        let insight = format!("/contests/{contest}/insight");
        both_widths(&mut browser, &insight, "insight", lang).await;
        let talent = format!("/organizations/{}/talent", made.organization);
        both_widths(&mut browser, &talent, "talent", lang).await;
        browser.sign_out().await;
        sign_in(&mut browser, ANN, lang).await;
        both_widths(&mut browser, "/me/ideas", "my-ideas", lang).await;
        browser.sign_out().await;
        sign_in(&mut browser, ADMIN, lang).await;
        both_widths(&mut browser, "/admin", "admin", lang).await;
        browser.sign_out().await;
        step = browser.step();
        browser.close().await;
    }
    app.finish().await;
}
