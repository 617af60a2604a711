//! A brand's talent pool and its invitations to the next contest: for the organisation's
//! members, from its finished contests only, names but never emails, once per person, and
//! never to someone who turned brand news off.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, fund, invite_juror, judged, rules, signed_in, text_of};

both_backends!(
    a_brand_sees_who_did_well_in_its_past_contests_and_invites_them_to_the_next,
    a_brand_inviting_one_person_at_a_time_cannot_tell_who_turned_brand_news_off,
);

/// The pool's people by name: (user id, the whole row).
fn by_name(pool: &Value) -> Vec<(String, Value)> {
    pool["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["display_name"].as_str().unwrap().to_owned(), p.clone()))
        .collect()
}

async fn a_brand_sees_who_did_well_in_its_past_contests_and_invites_them_to_the_next(
    app: &TestApp,
) {
    let j = judged(app).await;
    let org = app
        .get(&format!("/api/v1/contests/{}", j.contest), Some(&j.owner))
        .await
        .expect(200)
        .json()["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/organizations/{org}/talent");

    // While the contest is judged blind, who took part is not the brand's to know.
    let pool = app.get(&path, Some(&j.owner)).await.expect(200).json();
    assert_eq!(pool["people"], json!([]));

    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let owner = app.login("owner@acme.example").await;
    let answer = app.get(&path, Some(&owner)).await.expect(200);
    let pool = answer.json();
    let people = by_name(&pool);
    let names: Vec<&str> = people.iter().map(|(n, _)| n.as_str()).collect();
    // Best rank first (Idea D, then Idea C, …); the drafter never submitted: not in the pool.
    assert_eq!(
        names,
        ["Dan Author", "Cat Author", "Bob Author", "Ann Author"]
    );
    let dan = &people[0].1;
    assert_eq!(
        (
            dan["best_rank"].clone(),
            dan["contests"].clone(),
            dan["ideas"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    assert!(dan["best_score"].as_f64().unwrap() > 50.0);
    assert!(!answer.text.contains("@example.org"), "names, never emails");
    let ids: std::collections::HashMap<&str, String> = people
        .iter()
        .map(|(n, p)| (n.as_str(), p["user_id"].as_str().unwrap().to_owned()))
        .collect();

    // Filters.
    let only = |query: &str| {
        let path = format!("{path}?{query}");
        let owner = owner.clone();
        async move {
            let pool = app.get(&path, Some(&owner)).await.expect(200).json();
            by_name(&pool)
                .into_iter()
                .map(|(n, _)| n)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(only("max_rank=1").await, ["Dan Author"]);
    assert_eq!(only("q=ANN").await, ["Ann Author"]);
    assert_eq!(only("min_contests=2").await, Vec::<String>::new());
    app.get(&format!("{path}?best=yes"), Some(&owner))
        .await
        .expect_error(400, "bad_request");

    // Nobody else sees it: not the participants, the jurors, another brand, or the admins.
    app.get(&path, None).await.expect_error(401, "unauthorized");
    let other = app.person("boss@other.example", "Other Boss").await.token;
    app.organization(&other, "Other brand").await;
    let admin = app.login("admin@concours.example").await;
    let innovator = app.login("dan@example.org").await;
    let juror = app.login("one@jury.example").await;
    for token in [&innovator, &juror, &other, &admin] {
        app.get(&path, Some(token))
            .await
            .expect_error(404, "not_found");
    }

    // The next contest: the brand invites its best people.
    let next = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": org, "title": "Second round", "brief": "More ideas.", "rules": rules(app)}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    fund(app, &owner, &admin, &next, 700_000).await;
    invite_juror(app, &owner, &next, "one@jury.example").await;
    let invitations = format!("/api/v1/contests/{next}/invitations");
    let body = json!({"user_ids": [ids["Dan Author"], ids["Cat Author"]]});
    // Not before it opens: the rules must be frozen first.
    app.post(&invitations, Some(&owner), body.clone())
        .await
        .expect_error(409, "invalid_phase");
    app.post(
        &format!("/api/v1/contests/{next}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    let sent = app
        .post(&invitations, Some(&owner), body.clone())
        .await
        .expect(200)
        .json();
    assert_eq!(
        sent,
        json!({"requested": 2, "invited": 2, "already_invited": 0, "opted_out": 0})
    );
    let mail = app.mail_to("dan@example.org").await;
    let invitation = mail
        .iter()
        .find(|m| m.subject.contains("Second round"))
        .expect("Dan is invited");
    assert!(
        invitation.subject.contains("Acme invites you"),
        "{}",
        invitation.subject
    );
    assert!(invitation.text.contains(&format!("/contests/{next}")));
    // Once each.
    let again = app
        .post(&invitations, Some(&owner), body)
        .await
        .expect(200)
        .json();
    assert_eq!(
        again,
        json!({"requested": 2, "invited": 0, "already_invited": 2, "opted_out": 0})
    );
    assert_eq!(
        app.mail_to("dan@example.org")
            .await
            .iter()
            .filter(|m| m.subject.contains("Second round"))
            .count(),
        1
    );
    // Bob turned brand news off: he is not mailed, and the brand is not told (issue 17,
    // finding 11: the answer used to say `opted_out: 1`).
    let bob = app.login("bob@example.org").await;
    app.request(
        Method::PUT,
        "/api/v1/me/preferences",
        Some(&bob),
        Some(json!({"announcements": true, "reminders": true, "brand_news": false})),
    )
    .await
    .expect(200);
    let skipped = app
        .post(
            &invitations,
            Some(&owner),
            json!({"user_ids": [ids["Bob Author"]]}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        skipped,
        json!({"requested": 1, "invited": 1, "already_invited": 0, "opted_out": 0})
    );
    assert!(
        !app.mail_to("bob@example.org")
            .await
            .iter()
            .any(|m| m.subject.contains("Second round"))
    );
    // Only people of the pool; only members; only while the contest takes ideas.
    let eve = app.login("eve@example.org").await;
    let eve_id = app.get("/api/v1/me", Some(&eve)).await.expect(200).json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = app
        .post(
            &invitations,
            Some(&owner),
            json!({"user_ids": [ids["Ann Author"], eve_id]}),
        )
        .await
        .expect_error(422, "validation_failed")
        .json();
    assert!(refused.to_string().contains("user_ids[1]"), "{refused}");
    app.post(&invitations, Some(&owner), json!({"user_ids": []}))
        .await
        .expect_error(422, "validation_failed");
    for token in [&innovator, &other] {
        app.post(
            &invitations,
            Some(token),
            json!({"user_ids": [ids["Ann Author"]]}),
        )
        .await
        .expect_error(403, "forbidden");
    }
    app.post(
        &format!("/api/v1/contests/{}/invitations", j.contest),
        Some(&owner),
        json!({"user_ids": [ids["Ann Author"]]}),
    )
    .await
    .expect_error(409, "invalid_phase");

    // The same through the pages: the pool, ticked, invited; in French too.
    let page_path = format!("/organizations/{org}/talent");
    let browser = signed_in(app, &owner);
    let html = text_of(&browser, app, &page_path).await;
    assert!(html.contains("Talent pool") && html.contains("Dan Author"));
    assert!(html.contains(&format!("name=\"person_{}\"", ids["Ann Author"])));
    assert!(!html.contains("@example.org"));
    assert!(
        html.contains("Second round"),
        "the open contest to invite to"
    );
    let csrf = crate::helpers::csrf_of(&html);
    let person = format!("person_{}", ids["Ann Author"]);
    let posted = browser
        .post(app.url(&format!("{page_path}/invite")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("contest_id", next.as_str()),
            (person.as_str(), "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    let done = posted.text().await.unwrap();
    assert!(done.contains("Invited: 1 ("), "{done}");
    let refused = browser
        .post(app.url(&format!("{page_path}/invite")))
        .form(&[("contest_id", next.as_str()), (person.as_str(), "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "no CSRF token, no invitation");
    let filtered = text_of(&browser, app, &format!("{page_path}?max_rank=1&lang=fr")).await;
    assert!(filtered.contains("Vivier de talents") && filtered.contains("Dan Author"));
    assert!(!filtered.contains("Ann Author"));
    let stranger = signed_in(app, &innovator)
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 404);
    let anonymous = signed_in(app, "")
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
}

/// Issue 17, finding 11: a brand invites pool members one at a time and reads the answers; an
/// opted-out person must answer exactly like an opted-in one (status and body), and only the
/// opted-in one is mailed.
async fn a_brand_inviting_one_person_at_a_time_cannot_tell_who_turned_brand_news_off(
    app: &TestApp,
) {
    let j = judged(app).await;
    let org = app
        .get(&format!("/api/v1/contests/{}", j.contest), Some(&j.owner))
        .await
        .expect(200)
        .json()["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let owner = app.login("owner@acme.example").await;
    let pool = app
        .get(&format!("/api/v1/organizations/{org}/talent"), Some(&owner))
        .await
        .expect(200)
        .json();
    let ids: std::collections::HashMap<String, String> = by_name(&pool)
        .into_iter()
        .map(|(n, p)| (n, p["user_id"].as_str().unwrap().to_owned()))
        .collect();
    let next = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": org, "title": "Second round", "brief": "More ideas.", "rules": rules(app)}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = app.login("admin@concours.example").await;
    fund(app, &owner, &admin, &next, 700_000).await;
    invite_juror(app, &owner, &next, "one@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{next}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    // Cat keeps brand news on; Bob turns it off.
    let bob = app.login("bob@example.org").await;
    app.request(
        Method::PUT,
        "/api/v1/me/preferences",
        Some(&bob),
        Some(json!({"announcements": true, "reminders": true, "brand_news": false})),
    )
    .await
    .expect(200);
    let invitations = format!("/api/v1/contests/{next}/invitations");
    let mut answers = Vec::new();
    for name in ["Cat Author", "Bob Author"] {
        let answer = app
            .post(&invitations, Some(&owner), json!({"user_ids": [ids[name]]}))
            .await;
        answers.push((answer.status, answer.text));
    }
    assert_eq!(
        answers[0], answers[1],
        "the answers tell the preferences apart"
    );
    assert_eq!(answers[0].0, 200);
    // Asking again: both were invited before, alike.
    let mut again = Vec::new();
    for name in ["Cat Author", "Bob Author"] {
        let answer = app
            .post(&invitations, Some(&owner), json!({"user_ids": [ids[name]]}))
            .await;
        again.push((answer.status, answer.text));
    }
    assert_eq!(again[0], again[1]);
    let invited = |mails: Vec<concours::mail::SentMail>| {
        mails.iter().any(|m| m.subject.contains("Second round"))
    };
    assert!(invited(app.mail_to("cat@example.org").await));
    assert!(
        !invited(app.mail_to("bob@example.org").await),
        "Bob turned brand news off"
    );
}
