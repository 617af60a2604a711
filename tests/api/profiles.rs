//! People's pages (private until they say otherwise) and the export of their data.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{TestApp, judged, signed_in, text_of};

both_backends!(
    a_page_is_private_until_its_person_opens_it_and_their_data_is_theirs_to_take,
    a_deleted_account_leaves_finished_contests_whole_under_former_participant,
    deleting_an_account_withdraws_what_is_still_running_and_erases_drafts,
);

async fn a_page_is_private_until_its_person_opens_it_and_their_data_is_theirs_to_take(
    app: &TestApp,
) {
    judged(app).await;
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let dan = app.login("dan@example.org").await;
    let ann = app.login("ann@example.org").await;
    let id_of = |token: String| async move {
        app.get("/api/v1/me", Some(&token)).await.expect(200).json()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (dan_id, ann_id) = (id_of(dan.clone()).await, id_of(ann.clone()).await);

    // Private by default: nobody else learns the page exists.
    let mine = app
        .get("/api/v1/me/profile", Some(&dan))
        .await
        .expect(200)
        .json();
    assert_eq!(mine["public"], false);
    assert_eq!(mine["results"][0]["rank"], 1, "{mine}");
    for token in [None, Some(ann.as_str())] {
        app.get(&format!("/api/v1/people/{dan_id}"), token)
            .await
            .expect_error(404, "not_found");
    }

    // Dan opens it: his name, his words, his results and prize; never his email.
    let attack = "<script>alert('x')</script>";
    app.request(
        Method::PUT,
        "/api/v1/me/profile",
        Some(&dan),
        Some(json!({"public": true, "bio": format!("Inventor. {attack}"), "links": ["https://dan.example/work"]})),
    )
    .await
    .expect(200);
    let public = app
        .get(&format!("/api/v1/people/{dan_id}"), None)
        .await
        .expect(200);
    let page = public.json();
    assert_eq!(page["display_name"], "Dan Author");
    assert_eq!(page["links"], json!(["https://dan.example/work"]));
    assert_eq!(page["results"][0]["idea_title"], "Idea D");
    assert_eq!(page["results"][0]["prize_cents"], 500_000);
    assert!(!public.text.contains("dan@example.org"));
    let html = reqwest::get(app.url(&format!("/people/{dan_id}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Dan Author") && html.contains("Idea D") && html.contains("5,000.00 EUR")
    );
    assert!(!html.contains(attack) && html.contains("&lt;script&gt;"));
    assert!(html.contains(r#"rel="nofollow ugc noopener noreferrer""#));
    // Ann's stays private, to everyone but her.
    assert_eq!(
        reqwest::get(app.url(&format!("/people/{ann_id}")))
            .await
            .unwrap()
            .status(),
        404
    );
    let own = text_of(&signed_in(app, &ann), app, &format!("/people/{ann_id}")).await;
    assert!(own.contains("This page is private"));

    // What may be written.
    for (body, path) in [
        (
            json!({"public": true, "links": ["javascript:alert(1)"]}),
            "links[0]",
        ),
        (json!({"public": true, "bio": "x".repeat(1001)}), "bio"),
    ] {
        let refused = app
            .request(Method::PUT, "/api/v1/me/profile", Some(&ann), Some(body))
            .await
            .expect_error(422, "validation_failed");
        assert!(refused.text.contains(path), "{}", refused.text);
    }
    app.request(
        Method::PUT,
        "/api/v1/me/profile",
        Some(&ann),
        Some(json!({"public": true, "email": "x"})),
    )
    .await
    .expect_error(400, "bad_request");
    app.request(
        Method::PUT,
        "/api/v1/me/profile",
        None,
        Some(json!({"public": true})),
    )
    .await
    .expect_error(401, "unauthorized");

    // Through the settings page: a form with a CSRF token.
    let browser = signed_in(app, &ann);
    let settings = text_of(&browser, app, "/settings").await;
    assert!(settings.contains("Your public page") && settings.contains("/api/v1/me/export"));
    let csrf = crate::helpers::csrf_of(&settings);
    let saved = browser
        .post(app.url("/settings/profile"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("public", "on"),
            ("bio", "Packaging nerd."),
            ("links", "https://ann.example\n"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303, "on to the settings, saying so");
    let page = app
        .get(&format!("/api/v1/people/{ann_id}"), None)
        .await
        .expect(200)
        .json();
    assert_eq!(page["bio"], "Packaging nerd.");
    let refused = browser
        .post(app.url("/settings/profile"))
        .form(&[("public", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "no CSRF token");

    // Ann takes her data: account, ideas with their revisions, page; no password hash.
    let export = app.get("/api/v1/me/export", Some(&ann)).await.expect(200);
    assert!(
        export.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("concours-my-data.json")
    );
    let data = export.json();
    assert_eq!(data["account"]["email"], "ann@example.org");
    assert_eq!(data["ideas"][0]["title"], "=cmd|' /C calc'!A0");
    assert_eq!(data["ideas"][0]["revisions"][0]["revision"], 1);
    assert_eq!(data["profile"]["bio"], "Packaging nerd.");
    assert!(!export.text.contains("argon2") && !export.text.contains("password"));
    // A juror's export holds their sheets.
    let juror = app.login("one@jury.example").await;
    let theirs = app
        .get("/api/v1/me/export", Some(&juror))
        .await
        .expect(200)
        .json();
    assert_eq!(theirs["jury"][0]["sheets"].as_array().unwrap().len(), 4);
    app.get("/api/v1/me/export", None)
        .await
        .expect_error(401, "unauthorized");
}

async fn a_deleted_account_leaves_finished_contests_whole_under_former_participant(app: &TestApp) {
    let j = judged(app).await;
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let ann = app.login("ann@example.org").await;
    let owner = app.login("owner@acme.example").await;
    let delete = |token: String, password: &'static str| async move {
        app.request(
            Method::DELETE,
            "/api/v1/me",
            Some(&token),
            Some(json!({"password": password})),
        )
        .await
    };
    delete(ann.clone(), "not my password")
        .await
        .expect_error(422, "validation_failed");
    delete(owner.clone(), crate::helpers::PASSWORD)
        .await
        .expect_error(409, "organization_member");
    app.request(
        Method::DELETE,
        "/api/v1/me",
        None,
        Some(json!({"password": "x"})),
    )
    .await
    .expect_error(401, "unauthorized");
    delete(ann.clone(), crate::helpers::PASSWORD)
        .await
        .expect(204);

    // Her sessions stop, her address and name are gone, her page too.
    app.get("/api/v1/me", Some(&ann))
        .await
        .expect_error(401, "unauthorized");
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": "ann@example.org", "password": crate::helpers::PASSWORD}),
    )
    .await
    .expect_error(401, "unauthorized");
    // The finished contest stays whole: her idea ranked, named "former participant".
    let results = app
        .get(&format!("/api/v1/contests/{}/results", j.contest), None)
        .await
        .expect(200);
    assert!(!results.text.contains("Ann Author"));
    let rows = results.json()["ranking"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().any(|r| r["author"] == "former participant"));
    let total: i64 = results.json()["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount_cents"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 700_000);
    // Not in the brand's pool any more, not in the data of anyone.
    let org = app
        .get(&format!("/api/v1/contests/{}", j.contest), Some(&owner))
        .await
        .expect(200)
        .json()["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pool = app
        .get(&format!("/api/v1/organizations/{org}/talent"), Some(&owner))
        .await
        .expect(200);
    assert!(!pool.text.contains("Ann Author") && !pool.text.contains("former participant"));
    let violations = concours::app::check::run(&mut app.conn()).unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

async fn deleting_an_account_withdraws_what_is_still_running_and_erases_drafts(app: &TestApp) {
    let contest = crate::helpers::opened(app).await.contest;
    app.advance(Duration::days(1));
    let inno = app.person("inno@example.org", "Inno").await.token;
    let submitted = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inno),
            json!({"title": "Sent", "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inno),
            json!({"title": "Unsent", "summary": "s", "body": "b", "draft": true}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.request(
        Method::DELETE,
        "/api/v1/me",
        Some(&inno),
        Some(json!({"password": crate::helpers::PASSWORD})),
    )
    .await
    .expect(204);
    use concours::store::schema::ideas;
    use diesel::prelude::*;
    let statuses: Vec<(String, String)> = ideas::table
        .select((ideas::id, ideas::status))
        .load(&mut *app.conn())
        .unwrap();
    assert!(
        statuses.contains(&(submitted, "withdrawn".to_owned())),
        "{statuses:?}"
    );
    assert!(
        !statuses.iter().any(|(id, _)| *id == draft),
        "the draft is erased"
    );
    // The withdrawal is in the contest's public audit chain, as any other.
    let audit = app
        .get(&format!("/api/v1/contests/{contest}/audit"), None)
        .await
        .expect(200)
        .json();
    assert!(audit.to_string().contains("idea_withdrawn"), "{audit}");
    let violations = concours::app::check::run(&mut app.conn()).unwrap();
    assert!(violations.is_empty(), "{violations:?}");

    // Through the settings page: the password confirms, then the reader is signed out.
    let zoe = app.person("zoe@example.org", "Zoe").await.token;
    let browser = signed_in(app, &zoe);
    let settings = text_of(&browser, app, "/settings").await;
    assert!(settings.contains("Delete my account"));
    let csrf = crate::helpers::csrf_of(&settings);
    let wrong = browser
        .post(app.url("/settings/delete"))
        .form(&[("csrf", csrf.as_str()), ("password", "not it")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    app.get("/api/v1/me", Some(&zoe)).await.expect(200);
    let done = browser
        .post(app.url("/settings/delete"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/");
    app.get("/api/v1/me", Some(&zoe))
        .await
        .expect_error(401, "unauthorized");
}
