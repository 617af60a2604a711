//! The JSON API calls the browser tests make to set up their data, shared by every file.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp};

/// A call to the JSON API, whose answer must have `status`.
pub async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Value,
    status: u16,
) -> Value {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", app.address))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let answer = request.send().await.expect("the API answers");
    let got = answer.status().as_u16();
    let text = answer.text().await.unwrap_or_default();
    assert_eq!(got, status, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

pub async fn post(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: Value,
    status: u16,
) -> Value {
    api(app, reqwest::Method::POST, path, token, body, status).await
}

pub async fn login(app: &TestApp, email: &str) -> String {
    let body = json!({"email": email, "password": PASSWORD});
    let answer = post(app, "/api/v1/auth/login", None, body, 200).await;
    answer["token"].as_str().unwrap().to_owned()
}

/// A verified, signed-in account: its token.
pub async fn person(app: &TestApp, email: &str, name: &str) -> String {
    let body = json!({"email": email, "password": PASSWORD, "display_name": name});
    post(app, "/api/v1/auth/register", None, body, 201).await;
    let link = app.link_in_mail(email, "/verify?token=").await;
    let token = link.split_once("token=").unwrap().1.to_owned();
    let body = json!({"token": token});
    post(app, "/api/v1/auth/verify", None, body, 200).await;
    login(app, email).await
}

/// An instant as the rules write it.
pub fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An opened contest of "Acme" (owner `owner@acme.example`), funded, with a juror invited,
/// now taking ideas: its id.
pub async fn contest_taking_ideas(app: &TestApp) -> String {
    let owner = person(app, "owner@acme.example", "Olive").await;
    let body = json!({"name": "Acme"});
    let org = post(app, "/api/v1/organizations", Some(&owner), body, 201).await;
    let now = app.now();
    let rules = json!({
        "opens_at": at(now + Duration::days(1)),
        "submission_deadline": at(now + Duration::days(10)),
        "judging_deadline": at(now + Duration::days(20)),
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
    let contest = post(app, "/api/v1/contests", Some(&owner), body, 201).await;
    let id = contest["id"].as_str().unwrap().to_owned();
    let admin = person(app, "admin@concours.example", "Admin").await;
    app.grant_admin("admin@concours.example");
    let body = json!({"amount_cents": 500_000, "reference": "TRANSFER-42"});
    let path = format!("/api/v1/contests/{id}/fundings");
    let funding = post(app, &path, Some(&owner), body, 201).await;
    let funding = funding["id"].as_str().unwrap();
    let path = format!("/api/v1/admin/fundings/{funding}/confirm");
    post(app, &path, Some(&admin), json!({}), 200).await;
    let body = json!({"email": "juror@jury.example"});
    let path = format!("/api/v1/contests/{id}/jurors");
    post(app, &path, Some(&owner), body, 201).await;
    let path = format!("/api/v1/contests/{id}/open");
    post(app, &path, Some(&owner), json!({}), 200).await;
    app.advance(Duration::days(2));
    app.tick().await;
    id
}

/// A contest of "Acme Packaging" (owner `owner@acme.example`, "Olive Owner") with these
/// rules, funded with 500,000 cents (confirmed by `admin@concours.example`), the jurors
/// `(email, name)` invited, opened, their invitations accepted, and a day later taking ideas:
/// its id.
pub async fn opened_with_jurors(app: &TestApp, rules: Value, jurors: &[(&str, &str)]) -> String {
    let owner = person(app, "owner@acme.example", "Olive Owner").await;
    let body = json!({"name": "Acme Packaging"});
    let org = post(app, "/api/v1/organizations", Some(&owner), body, 201).await["id"].clone();
    let body = json!({"organization_id": org, "title": "Greener packaging",
                      "brief": "Ideas for **less plastic**.", "rules": rules});
    let contest = post(app, "/api/v1/contests", Some(&owner), body, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = person(app, "admin@concours.example", "Ada Admin").await;
    app.grant_admin("admin@concours.example");
    let path = format!("/api/v1/contests/{contest}");
    let body = json!({"amount_cents": 500_000, "reference": "TRANSFER-2026-000042"});
    let funding = post(app, &format!("{path}/fundings"), Some(&owner), body, 201).await;
    let confirm = format!(
        "/api/v1/admin/fundings/{}/confirm",
        funding["id"].as_str().unwrap()
    );
    post(app, &confirm, Some(&admin), json!({}), 200).await;
    for (email, _) in jurors {
        let body = json!({"email": email});
        post(app, &format!("{path}/jurors"), Some(&owner), body, 201).await;
    }
    post(app, &format!("{path}/open"), Some(&owner), json!({}), 200).await;
    for (email, name) in jurors {
        let invitation = app.link_in_mail(email, "/jury-invitations/").await;
        let invitation = invitation.rsplit('/').next().unwrap().to_owned();
        let juror = person(app, email, name).await;
        let accept = format!("/api/v1/jury-invitations/{invitation}/accept");
        post(app, &accept, Some(&juror), json!({}), 200).await;
    }
    app.advance(Duration::days(1));
    app.tick().await;
    contest
}
