//! Contests: valid rules, a brand's draft, the platform admin who confirms escrow, funding,
//! jurors invited, and contests opened (judged blind, or not).

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use concours::clock::Clock;
use reqwest::Method;
use serde_json::{Value, json};

use super::app::TestApp;

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Valid rules whose timeline starts a day after the test clock's now.
pub fn rules(app: &TestApp) -> Value {
    let now = app.clock.now();
    rules_at(
        &at(now + Duration::days(1)),
        &at(now + Duration::days(10)),
        &at(now + Duration::days(20)),
    )
}

/// Valid rules with the given timeline.
pub fn rules_at(opens_at: &str, submission_deadline: &str, judging_deadline: &str) -> Value {
    json!({
        "opens_at": opens_at,
        "submission_deadline": submission_deadline,
        "judging_deadline": judging_deadline,
        "criteria": [
            {"key": "impact", "label": "Impact", "weight": 3, "max": 10},
            {"key": "feasibility", "label": "Feasibility", "weight": 1, "max": 5}
        ],
        "currency": "EUR",
        "prizes": [
            {"label": "First prize", "amount_cents": 500_000},
            {"label": "Second prize", "amount_cents": 200_000}
        ],
        "minimum_score": 60,
        "fallback": {"policy": "best_anyway"},
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 1,
        "blind_judging": true,
        "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights.",
        "min_jurors": 1
    })
}

/// A brand's draft contest: its owner, their organisation and the contest.
pub struct Draft {
    /// The owner's token.
    pub owner: String,
    pub organization: String,
    pub contest: String,
}

/// A brand: an owner, an organisation, a draft contest.
pub async fn draft(app: &TestApp) -> Draft {
    let owner = app.person("owner@acme.example", "Olive").await.token;
    let org = app.organization(&owner, "Acme").await;
    let contest = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": org, "title": "Greener packaging", "brief": "Ideas for **less plastic**.", "rules": rules(app)}),
        )
        .await
        .expect(201)
        .json();
    Draft {
        owner,
        organization: org,
        contest: contest["id"].as_str().unwrap().to_owned(),
    }
}

pub async fn admin(app: &TestApp) -> String {
    let token = app.person("admin@concours.example", "Admin").await.token;
    concours::app::accounts::grant_admin(&mut app.conn(), "admin@concours.example").unwrap();
    token
}

/// Records and confirms `cents` of escrow.
pub async fn fund(app: &TestApp, owner: &str, admin: &str, contest: &str, cents: i64) -> String {
    let funding = app
        .post(
            &format!("/api/v1/contests/{contest}/fundings"),
            Some(owner),
            json!({"amount_cents": cents, "reference": "TRANSFER-42"}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(funding["status"], "pending");
    let id = funding["id"].as_str().unwrap().to_owned();
    let confirmed = app
        .post(
            &format!("/api/v1/admin/fundings/{id}/confirm"),
            Some(admin),
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(confirmed["status"], "confirmed");
    id
}

/// Invites a juror (the rules ask for at least one before opening).
pub async fn invite_juror(app: &TestApp, owner: &str, contest: &str, email: &str) -> Value {
    app.post(
        &format!("/api/v1/contests/{contest}/jurors"),
        Some(owner),
        json!({"email": email}),
    )
    .await
    .expect(201)
    .json()
}

/// A funded, opened contest.
pub struct Opened {
    /// The owner's token.
    pub owner: String,
    pub contest: String,
}

/// A funded, opened contest.
pub async fn opened(app: &TestApp) -> Opened {
    let Draft { owner, contest, .. } = draft(app).await;
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "juror@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    Opened { owner, contest }
}

/// A funded, opened contest whose rules do not judge blind.
pub async fn opened_open_judging(app: &TestApp) -> Opened {
    let Draft { owner, contest, .. } = draft(app).await;
    let path = format!("/api/v1/contests/{contest}");
    let mut rules = app.get(&path, Some(&owner)).await.expect(200).json()["rules"].clone();
    rules["blind_judging"] = json!(false);
    app.request(
        Method::PATCH,
        &path,
        Some(&owner),
        Some(json!({"rules": rules})),
    )
    .await
    .expect(200);
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "juror@jury.example").await;
    app.post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect(200);
    Opened { owner, contest }
}
