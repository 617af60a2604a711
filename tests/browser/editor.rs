//! The forms that help (issue 19), in headless Chromium, English and French, laptop and phone:
//! an editor save with errors gives the summary the focus and puts each message on its input;
//! a sign-up started from a contest's page lands back on it, signed in.

use chrono::Duration;
use serde_json::{Value, json};

use crate::support::{Backend, Browser, PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_errors_and_the_sign_up_way_back_sqlite() {
    editor_errors_and_the_sign_up_way_back(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_errors_and_the_sign_up_way_back_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    editor_errors_and_the_sign_up_way_back(Backend::Postgres).await;
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
async fn contest_taking_ideas(app: &TestApp) -> String {
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
    id.to_owned()
}

/// Whether the focused element is the error summary.
async fn summary_has_focus(browser: &Browser) -> bool {
    let answer = browser
        .client
        .execute(
            "return document.activeElement && document.activeElement.className;",
            vec![],
        )
        .await
        .unwrap();
    answer.as_str() == Some("error-summary")
}

/// The text of the message under input `id`.
async fn message_of(browser: &Browser, id: &str) -> String {
    browser
        .find(&format!("#{id}-error"))
        .await
        .text()
        .await
        .unwrap()
}

async fn editor_errors_and_the_sign_up_way_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let contest = contest_taking_ideas(&app).await;
    let suffix = format!("{}-editor", backend.name());
    let mut step = 0;
    let cases = [
        (
            "en-GB,en",
            "Criterion 1 — weight: use a whole number from 1 to 100.",
            "Prize 1 — amount: use an amount greater than zero, such as 1500 or 1500.50.",
        ),
        (
            "fr-FR,fr",
            "Critère 1 — poids\u{202f}: indiquez un nombre entier de 1 à 100.",
            "Prix 1 — montant\u{202f}: indiquez un montant supérieur à zéro, par exemple 1500 ou 1500,50.",
        ),
    ];
    for (lang, weight_message, amount_message) in cases {
        let short = &lang[..2];
        let mut browser = Browser::start(&app, lang, &suffix, step).await;
        // A sign-up from the contest's page (the header's link) comes back to it, signed in.
        browser.goto(&format!("/contests/{contest}")).await;
        browser.click("header a[href=\"/register\"]").await;
        browser
            .fill("#email", &format!("brand-{short}@brand.example"))
            .await;
        browser.fill("#display_name", "Brenda").await;
        browser.fill("#password", PASSWORD).await;
        browser
            .click("form[action=\"/register\"] button[type=submit]")
            .await;
        assert_eq!(browser.path().await, format!("/contests/{contest}"));
        assert!(
            browser.exists("form[action=\"/logout\"]").await,
            "signed in"
        );
        browser.shot(&format!("back-on-contest-{short}")).await;
        // She verifies her address, creates her organisation, then a contest with two mistakes.
        let link = app
            .link_in_mail(&format!("brand-{short}@brand.example"), "/verify?token=")
            .await;
        browser.goto(&link).await;
        browser
            .click("form[action=\"/verify\"] button[type=submit]")
            .await;
        browser.goto("/dashboard").await;
        browser.fill("#org-name", &format!("Brand {short}")).await;
        browser
            .click("form[action=\"/organizations/new\"] button[type=submit]")
            .await;
        for (width, height) in [(1280, 900), (390, 844)] {
            browser.client.set_window_size(width, height).await.unwrap();
            browser.goto("/contests/new").await;
            browser.fill("#title", "Refills").await;
            browser.fill("#criterion_0_weight", "0").await;
            browser.fill("#prize_0_label", "First").await;
            browser.fill("#prize_0_amount", "lots").await;
            browser.fill("#no_entry_beneficiary", "A fund").await;
            browser.fill("#eligibility", "Anyone").await;
            browser.fill("#ip_terms", "Authors keep them").await;
            browser
                .click("form[action=\"/contests/new\"] button[type=submit]")
                .await;
            assert!(
                summary_has_focus(&browser).await,
                "the summary has the focus"
            );
            assert_eq!(
                message_of(&browser, "criterion_0_weight").await,
                weight_message
            );
            assert_eq!(message_of(&browser, "prize_0_amount").await, amount_message);
            assert!(!browser.exists("#criterion_0_label-error").await);
            assert!(!browser.exists("#prize_0_label-error").await);
            assert!(
                browser
                    .exists(".error-summary a[href=\"#prize_0_amount\"]")
                    .await
            );
            browser.fits(width).await;
            browser
                .shot(&format!("editor-errors-{short}-{width}"))
                .await;
            // The criteria, with the input that says what a score means, in view.
            browser
                .fill("#criterion_0_description", "10: changes the market")
                .await;
            browser
                .client
                .execute(
                    "document.getElementById('criterion_0_weight').scrollIntoView({block: 'center'})",
                    vec![],
                )
                .await
                .unwrap();
            browser.fits(width).await;
            browser
                .shot(&format!("editor-criteria-{short}-{width}"))
                .await;
        }
        browser.sign_out().await;
        step = browser.step();
        browser.close().await;
    }
    app.finish().await;
}
