//! The home page's two ways in, in English and French, on a laptop and on a phone: "Submit
//! ideas" leads to the open contests and on to one of them, "Run a contest" to the sign-up
//! that goes on to the dashboard.

use chrono::Duration;
use serde_json::{Value, json};

use crate::support::{Backend, Browser, PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_both_ways_in_sqlite() {
    the_home_page_shows_both_ways_in(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_both_ways_in_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    the_home_page_shows_both_ways_in(Backend::Postgres).await;
}

async fn api(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", app.address))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let answer = request.send().await.unwrap();
    assert!(answer.status().is_success(), "{path}: {}", answer.status());
    answer.json().await.unwrap()
}

/// A verified, signed-in account's token.
async fn person(app: &TestApp, email: &str, name: &str) -> String {
    let body = json!({"email": email, "password": PASSWORD, "display_name": name});
    api(app, "/api/v1/auth/register", None, body).await;
    let link = app.link_in_mail(email, "/verify?token=").await;
    let token = link.split_once("token=").unwrap().1;
    api(app, "/api/v1/auth/verify", None, json!({"token": token})).await;
    let body = json!({"email": email, "password": PASSWORD});
    api(app, "/api/v1/auth/login", None, body).await["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An opened contest of "Acme", now taking ideas.
async fn contest_taking_ideas(app: &TestApp) {
    let owner = person(app, "owner@acme.example", "Olive").await;
    let org = api(
        app,
        "/api/v1/organizations",
        Some(&owner),
        json!({"name": "Acme"}),
    )
    .await;
    let at = |days| {
        (app.now() + Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let rules = json!({
        "opens_at": at(1), "submission_deadline": at(10), "judging_deadline": at(20),
        "criteria": [{"key": "impact", "label": "Impact", "weight": 1, "max": 10}],
        "currency": "EUR",
        "prizes": [{"label": "First prize", "amount_cents": 500_000}],
        "minimum_score": 60, "fallback": {"policy": "best_anyway"},
        "no_entry_beneficiary": "The Open Science Fund", "max_ideas_per_person": 1,
        "blind_judging": true, "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights.", "min_jurors": 1
    });
    let brief = "Ideas for **less plastic** in [our shops](https://acme.example).\n\nMore.";
    let body = json!({"organization_id": org["id"], "title": "Greener packaging",
        "brief": brief, "rules": rules});
    let contest = api(app, "/api/v1/contests", Some(&owner), body).await;
    let id = contest["id"].as_str().unwrap();
    let admin = person(app, "admin@concours.example", "Admin").await;
    app.grant_admin("admin@concours.example");
    let body = json!({"amount_cents": 500_000, "reference": "TRANSFER-42"});
    let funding = api(
        app,
        &format!("/api/v1/contests/{id}/fundings"),
        Some(&owner),
        body,
    )
    .await;
    let funding = funding["id"].as_str().unwrap();
    let path = format!("/api/v1/admin/fundings/{funding}/confirm");
    api(app, &path, Some(&admin), json!({})).await;
    let body = json!({"email": "juror@jury.example"});
    api(
        app,
        &format!("/api/v1/contests/{id}/jurors"),
        Some(&owner),
        body,
    )
    .await;
    api(
        app,
        &format!("/api/v1/contests/{id}/open"),
        Some(&owner),
        json!({}),
    )
    .await;
    app.advance(Duration::days(2));
    app.tick().await;
}

async fn the_home_page_shows_both_ways_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    contest_taking_ideas(&app).await;
    let suffix = format!("{}-home", backend.name());
    let english = [
        "Idea contests with a prize that is really there",
        "How it works",
        "Acme",
        "Ideas for less plastic in our shops.",
        "Closes in 8 days",
        "Submit ideas",
        "Run a contest",
    ];
    let french = [
        "Des concours d’idées dont le prix est vraiment là",
        "Comment ça marche",
        "Clôture dans 8 jours",
        "Proposer des idées",
        "Organiser un concours",
    ];
    let mut step = 0;
    for (lang, texts) in [("en-GB,en", &english[..]), ("fr-FR,fr", &french[..])] {
        let mut browser = Browser::start(&app, lang, &suffix, step).await;
        let short = &lang[..2];
        for (width, height) in [(1280, 900), (390, 844)] {
            browser.client.set_window_size(width, height).await.unwrap();
            browser.goto("/").await;
            browser.expect(texts).await;
            browser.fits(width).await;
            browser.shot(&format!("home-{short}-{width}")).await;
            // Submit ideas: the open contests, then one of them.
            browser.find("#way-submit").await.click().await.unwrap();
            let url = browser.client.current_url().await.unwrap();
            assert_eq!(url.fragment(), Some("s-home_open"), "the open contests");
            browser.shot(&format!("cards-{short}-{width}")).await;
            browser
                .click("#home_open-list a[href^=\"/contests/\"]")
                .await;
            browser.expect(&["Greener packaging"]).await;
            browser.fits(width).await;
            // Run a contest: sign-up, then on to the dashboard.
            browser.goto("/").await;
            browser.click("#way-run").await;
            assert_eq!(browser.path().await, "/register?next=%2Fdashboard");
            assert!(
                browser.exists("#brand-hint").await,
                "the brand's next steps"
            );
            browser.fits(width).await;
            browser.shot(&format!("run-{short}-{width}")).await;
        }
        // A brand signs up from there and lands, signed in, on the dashboard.
        let email = format!("brand-{short}@brand.example");
        browser.fill("#email", &email).await;
        browser.fill("#display_name", "Brenda").await;
        browser.fill("#password", PASSWORD).await;
        browser
            .click("form[action=\"/register\"] button[type=submit]")
            .await;
        assert_eq!(browser.path().await, "/dashboard");
        browser.fits(390).await;
        browser.shot(&format!("dashboard-{short}-390")).await;
        browser.sign_out().await;
        step = browser.step();
        browser.close().await;
    }
    app.finish().await;
}
