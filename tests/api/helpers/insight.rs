//! A contest judged by three jurors who all score every entry (its figures are what the
//! insight, talent and profile tests read), and a participant who arrives by a link.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use super::app::TestApp;
use super::contests::{Draft, admin, draft, fund, invite_juror};
use super::jury::juror;
use super::pages::{csrf_of, signed_in, text_of};

/// The title of Ann's idea: a spreadsheet formula.
pub const FORMULA: &str = "=cmd|' /C calc'!A0";
/// The title of Bob's idea: a script.
pub const ATTACK: &str = "<script>alert('x')</script>";

/// A contest in judging, every entry scored by every juror.
pub struct Judged {
    /// The owner's token.
    pub owner: String,
    pub contest: String,
    pub jurors: Vec<String>,
    pub authors: Vec<String>,
}

/// Three jurors (the third always two points harsher on impact), four submitted ideas and a
/// draft; every juror scores every entry, all in the same order.
pub async fn judged(app: &TestApp) -> Judged {
    judged_with(app, false).await
}

/// As [`judged`]; with `publish_ideas`, the rules publish the ideas after the award.
pub async fn judged_with(app: &TestApp, publish_ideas: bool) -> Judged {
    let Draft { owner, contest, .. } = draft(app).await;
    if publish_ideas {
        let mut rules = app
            .get(&format!("/api/v1/contests/{contest}"), Some(&owner))
            .await
            .expect(200)
            .json()["rules"]
            .clone();
        rules["publish_ideas"] = serde_json::json!(true);
        app.request(
            reqwest::Method::PATCH,
            &format!("/api/v1/contests/{contest}"),
            Some(&owner),
            Some(serde_json::json!({"rules": rules})),
        )
        .await
        .expect(200);
    }
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    let juror_emails = ["one@jury.example", "two@jury.example", "three@jury.example"];
    for email in juror_emails {
        invite_juror(app, &owner, &contest, email).await;
    }
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    for (i, email) in juror_emails.iter().enumerate() {
        juror(app, email, &format!("Juror {}", i + 1)).await;
    }
    app.advance(Duration::days(1));
    let mut authors = Vec::new();
    for (email, name, title) in [
        ("ann@example.org", "Ann Author", FORMULA),
        ("bob@example.org", "Bob Author", ATTACK),
        ("cat@example.org", "Cat Author", "Idea C"),
        ("dan@example.org", "Dan Author", "Idea D"),
    ] {
        let token = app.person(email, name).await.token;
        app.post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&token),
            json!({"title": title, "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201);
        authors.push(token);
    }
    let drafter = app.person("eve@example.org", "Eve Drafter").await.token;
    app.post(
        &format!("/api/v1/contests/{contest}/ideas"),
        Some(&drafter),
        json!({"title": "Unfinished", "summary": "s", "body": "b", "draft": true}),
    )
    .await
    .expect(201);
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    let mut jurors = Vec::new();
    for (harshness, email) in juror_emails.iter().enumerate() {
        let token = app.login(email).await;
        let path = format!("/api/v1/contests/{contest}/jury/entries");
        let entries = app.get(&path, Some(&token)).await.expect(200).json();
        for entry in entries["entries"].as_array().unwrap() {
            let title = entry["title"].as_str().unwrap();
            // Everyone agrees on the order: Idea D > Idea C > the attack > the formula.
            let base = match title {
                "Idea D" => 9,
                "Idea C" => 7,
                t if t == ATTACK => 5,
                _ => 3,
            };
            let impact = if harshness == 2 { base - 2 } else { base };
            app.request(
                Method::PUT,
                &format!("{path}/{}/scores", entry["entry_id"].as_str().unwrap()),
                Some(&token),
                Some(json!({"scores": {"impact": impact, "feasibility": 3}})),
            )
            .await
            .expect(200);
        }
        jurors.push(token);
    }
    let owner = app.login("owner@acme.example").await;
    // Sessions last hours: the authors sign in again too.
    let mut fresh = Vec::new();
    for email in [
        "ann@example.org",
        "bob@example.org",
        "cat@example.org",
        "dan@example.org",
    ] {
        fresh.push(app.login(email).await);
    }
    let authors = fresh;
    Judged {
        owner,
        contest,
        jurors,
        authors,
    }
}

/// A browser signed in with `token`'s session that opens the contest page (with these link tags
/// and this `Referer`), then submits an idea through the submit page.
pub async fn arrive_and_submit(
    app: &TestApp,
    contest: &str,
    email: &str,
    query: &str,
    referer: Option<&str>,
) {
    let token = app.person(email, email).await.token;
    let browser = signed_in(app, &token);
    let mut visit = browser.get(app.url(&format!("/contests/{contest}{query}")));
    if let Some(referer) = referer {
        visit = visit.header("referer", referer);
    }
    assert_eq!(visit.send().await.unwrap().status(), 200);
    let path = format!("/contests/{contest}/submit");
    let form = text_of(&browser, app, &path).await;
    let csrf = csrf_of(&form);
    let posted = browser
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "From somewhere"),
            ("summary", "s"),
            ("body", "b"),
            ("accept_terms", "yes"),
            ("action", "submit"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303, "{email} submits");
}
