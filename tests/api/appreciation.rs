//! The crowd beside the jury: published ideas, marked by signed-in people, once each, never
//! their own, shown beside the ranking and never mixed into it.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, judged, judged_with, signed_in, text_of};

both_backends!(
    people_mark_the_published_ideas_they_like_beside_the_ranking,
    ideas_stay_private_unless_the_rules_publish_them,
);

fn idea<'a>(list: &'a Value, title: &str) -> &'a Value {
    list["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == title)
        .unwrap()
}

async fn people_mark_the_published_ideas_they_like_beside_the_ranking(app: &TestApp) {
    let j = judged_with(app, true).await;
    let path = format!("/api/v1/contests/{}/public-ideas", j.contest);
    // Not before the award.
    app.get(&path, None).await.expect_error(409, "not_public");
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let before = app
        .get(&format!("/api/v1/contests/{}/results", j.contest), None)
        .await
        .expect(200)
        .json();

    let list = app.get(&path, None).await.expect(200).json();
    assert_eq!(list["ideas"][0]["title"], "Idea D", "in the jury's order");
    assert_eq!(list["ideas"].as_array().unwrap().len(), 4);
    let d = idea(&list, "Idea D")["idea_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let attack = idea(&list, "<script>alert('x')</script>")["idea_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mark = |token: Option<String>, id: String, method: Method| async move {
        app.request(
            method,
            &format!("/api/v1/ideas/{id}/appreciation"),
            token.as_deref(),
            None,
        )
        .await
    };
    let ann = app.login("ann@example.org").await;
    let dan = app.login("dan@example.org").await;
    let visitor = app.person("visitor@example.org", "Visitor").await.token;
    let marked = mark(Some(ann.clone()), d.clone(), Method::POST)
        .await
        .expect(200)
        .json();
    assert_eq!(
        marked,
        json!({"idea_id": d, "marks": 1, "marked_by_me": true})
    );
    // Once each: marking again changes nothing.
    mark(Some(ann.clone()), d.clone(), Method::POST)
        .await
        .expect(200);
    mark(Some(visitor.clone()), d.clone(), Method::POST)
        .await
        .expect(200);
    let list = app.get(&path, Some(&ann)).await.expect(200).json();
    assert_eq!(idea(&list, "Idea D")["marks"], 2);
    assert_eq!(idea(&list, "Idea D")["marked_by_me"], true);
    // Never one's own, never signed out; unmarking works.
    mark(Some(dan.clone()), d.clone(), Method::POST)
        .await
        .expect_error(403, "forbidden");
    mark(None, d.clone(), Method::POST)
        .await
        .expect_error(401, "unauthorized");
    let taken = mark(Some(visitor.clone()), d.clone(), Method::DELETE)
        .await
        .expect(200)
        .json();
    assert_eq!(taken["marks"], 1);
    mark(Some(ann.clone()), "nope".into(), Method::POST)
        .await
        .expect_error(404, "not_found");
    // An unverified account may not mark (one mark per real person).
    app.register("ghost@example.org", "Ghost").await;
    let ghost = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "ghost@example.org", "password": crate::helpers::PASSWORD}),
        )
        .await
        .expect(200)
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    mark(Some(ghost), attack.clone(), Method::POST)
        .await
        .expect_error(403, "email_not_verified");
    // The ranking is the jury's, untouched.
    let after = app
        .get(&format!("/api/v1/contests/{}/results", j.contest), None)
        .await
        .expect(200)
        .json();
    assert_eq!(before["ranking"], after["ranking"]);

    // On the results page: the ideas, escaped, with their marks and a button.
    let browser = signed_in(app, &ann);
    let html = text_of(&browser, app, &format!("/contests/{}/results", j.contest)).await;
    assert!(html.contains("The ideas") && html.contains("Liked by 1."));
    assert!(!html.contains("<script>alert('x')</script>"));
    let csrf = crate::helpers::csrf_of(&html);
    let posted = browser
        .post(app.url(&format!("/ideas/{attack}/appreciation")))
        .form(&[("csrf", csrf.as_str()), ("on", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let list = app.get(&path, None).await.expect(200).json();
    assert_eq!(idea(&list, "<script>alert('x')</script>")["marks"], 1);
}

async fn ideas_stay_private_unless_the_rules_publish_them(app: &TestApp) {
    let j = judged(app).await;
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    app.get(
        &format!("/api/v1/contests/{}/public-ideas", j.contest),
        None,
    )
    .await
    .expect_error(409, "not_public");
    let ann = app.login("ann@example.org").await;
    let ideas = app
        .get(
            "/api/v1/me/ideas",
            Some(&app.login("dan@example.org").await),
        )
        .await
        .expect(200)
        .json();
    let d = ideas["ideas"][0]["id"].as_str().unwrap_or("x").to_owned();
    app.request(
        Method::POST,
        &format!("/api/v1/ideas/{d}/appreciation"),
        Some(&ann),
        None,
    )
    .await
    .expect_error(409, "not_public");
    let html = reqwest::get(app.url(&format!("/contests/{}/results", j.contest)))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Liked by"));
}
