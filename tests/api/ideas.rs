//! Ideas: submission until the exact deadline, receipts, revisions, drafts, attachments, the
//! entry limit under concurrency, and who may see what.

use chrono::Duration;
use concours::clock::Clock;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both_backends;
use crate::helpers::{Backend, Opened, TestApp, opened, spawn_app_with};

both_backends!(
    an_innovator_submits_edits_and_withdraws_with_a_receipt_each_time,
    the_deadline_is_exact_for_every_write,
    innovators_must_be_verified_and_accept_the_terms,
    ideas_are_seen_by_their_author_the_organisation_and_admins_only,
    the_entry_limit_holds_under_concurrency,
    drafts_are_private_until_submitted_and_their_authors_are_reminded,
    attachments_are_checked_by_content_and_served_as_downloads,
    a_deadline_rush_loses_nothing_and_accepts_nothing_late,
    announcements_reach_everyone_who_submitted_and_no_one_else,
    a_retried_submission_with_its_idempotency_key_is_answered_once,
);

async fn a_retried_submission_with_its_idempotency_key_is_answered_once(app: &TestApp) {
    let contest = accepting(app).await.contest;
    let inno = app.person("retry@example.org", "Retry").await.token;
    let other = app.person("other@example.org", "Other").await.token;
    let path = format!("/api/v1/contests/{contest}/ideas");
    let send = |token: &str, key: &str, body: Value| {
        app.client
            .post(app.url(&path))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    // A refused request does not use up its key.
    let mut incomplete = idea("Flaky");
    incomplete["accept_terms"] = json!(false);
    assert_eq!(
        send(&inno, "key-1", incomplete).await.unwrap().status(),
        422
    );

    let first = send(&inno, "key-1", idea("Flaky")).await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    // The connection dropped; the client sends the same request again.
    let again = send(&inno, "key-1", idea("Flaky")).await.unwrap();
    assert_eq!(
        again.status(),
        201,
        "the limit of one idea does not refuse the retry"
    );
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["receipt"], first["receipt"]);
    let mine = app.get("/api/v1/me/ideas", Some(&inno)).await.json();
    assert_eq!(mine["ideas"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.mail_to("retry@example.org")
            .await
            .iter()
            .filter(|m| m.subject.starts_with("Receipt"))
            .count(),
        1
    );
    // The same key for another request is a mistake.
    let other_body = send(&inno, "key-1", idea("Something else")).await.unwrap();
    assert_eq!(other_body.status(), 422);
    // Keys belong to their user.
    assert_eq!(
        send(&other, "key-1", idea("Theirs"))
            .await
            .unwrap()
            .status(),
        201
    );
    let bad_key = send(&other, &"k".repeat(256), idea("x")).await.unwrap();
    assert_eq!(bad_key.status(), 400);
}

async fn announcements_reach_everyone_who_submitted_and_no_one_else(app: &TestApp) {
    let Opened { owner, contest } = accepting(app).await;
    let submitter = app.person("submitter@example.org", "Submitter").await.token;
    let drafter = app.person("drafter@example.org", "Drafter").await.token;
    app.person("bystander@example.org", "Bystander").await;
    let path = format!("/api/v1/contests/{contest}/ideas");
    app.post(&path, Some(&submitter), idea("One"))
        .await
        .expect(201);
    let mut draft = idea("Draft");
    draft["draft"] = json!(true);
    app.post(&path, Some(&drafter), draft).await.expect(201);
    app.post(
        &format!("/api/v1/contests/{contest}/announcements"),
        Some(&owner),
        json!({"body": "Sketches <b>welcome</b>."}),
    )
    .await
    .expect(201);
    let announcements = |mails: Vec<concours::mail::SentMail>| {
        mails
            .into_iter()
            .filter(|m| m.subject.starts_with("Announcement"))
            .collect::<Vec<_>>()
    };
    let received = announcements(app.mail_to("submitter@example.org").await);
    assert_eq!(received.len(), 1);
    assert!(received[0].text.contains("Sketches <b>welcome</b>."));
    assert!(
        received[0]
            .html
            .contains("Sketches &lt;b&gt;welcome&lt;&#x2F;b&gt;."),
        "{}",
        received[0].html
    );
    let rules_hash = app
        .get(&format!("/api/v1/contests/{contest}"), None)
        .await
        .json()["rules_hash"]
        .clone();
    assert!(received[0].text.contains(rules_hash.as_str().unwrap()));
    assert!(announcements(app.mail_to("drafter@example.org").await).is_empty());
    assert!(announcements(app.mail_to("bystander@example.org").await).is_empty());
}

/// An opened contest in its submission phase, its owner signed in again.
async fn accepting(app: &TestApp) -> Opened {
    let contest = opened(app).await.contest;
    app.advance(Duration::days(1));
    // Sessions last hours: sign the owner in again after the jump.
    let owner = app.login("owner@acme.example").await;
    Opened { owner, contest }
}

fn idea(title: &str) -> Value {
    json!({
        "title": title,
        "summary": "Refill stations in every shop.",
        "body": "## Plan\n\nBottles come back **washed**. <script>alert('x')</script>",
        "accept_terms": true
    })
}

fn digest(title: &str, summary: &str, body: &str) -> String {
    let canonical = format!(
        r#"{{"body":{},"summary":{},"title":{}}}"#,
        serde_json::to_string(body).unwrap(),
        serde_json::to_string(summary).unwrap(),
        serde_json::to_string(title).unwrap()
    );
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

async fn an_innovator_submits_edits_and_withdraws_with_a_receipt_each_time(app: &TestApp) {
    let contest = accepting(app).await.contest;
    let inno = app.person("inno@example.org", "Inès").await.token;
    let rules_hash = app
        .get(&format!("/api/v1/contests/{contest}"), None)
        .await
        .json()["rules_hash"]
        .clone();
    let created = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inno),
            idea("Refill"),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(created["status"], "submitted");
    assert_eq!(created["contest_id"], contest.as_str());
    let receipt = &created["receipt"];
    let body = idea("Refill")["body"].as_str().unwrap().to_owned();
    assert_eq!(
        receipt["sha256"],
        digest("Refill", "Refill stations in every shop.", &body)
    );
    assert_eq!(receipt["rules_hash"], rules_hash);
    assert_eq!(receipt["revision"], 1);
    assert_eq!(receipt["received_at"], created["submitted_at"]);
    let html = created["body_html"].as_str().unwrap();
    assert!(
        html.contains("<strong>washed</strong>") && !html.contains("<script"),
        "{html}"
    );
    for key in ["author", "author_id", "email", "display_name"] {
        assert!(created.get(key).is_none(), "{key} leaks");
    }
    let id = created["id"].as_str().unwrap().to_owned();

    let mails = app.mail_to("inno@example.org").await;
    let receipt_mail = mails
        .iter()
        .find(|m| m.subject == "Receipt: Refill")
        .expect("receipt mail");
    assert!(
        receipt_mail
            .text
            .contains(receipt["sha256"].as_str().unwrap())
    );
    assert!(
        receipt_mail.text.contains(rules_hash.as_str().unwrap()),
        "the rules hash is in the mail"
    );

    // An edit is a new revision with its own receipt; the first stays on record.
    app.advance(Duration::hours(1));
    let edited = app
        .request(
            Method::PUT,
            &format!("/api/v1/ideas/{id}"),
            Some(&inno),
            Some(json!({"title": "Refill 2", "summary": "Refill stations in every shop.", "body": body})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(edited["receipt"]["revision"], 2);
    assert_ne!(edited["receipt"]["sha256"], receipt["sha256"]);
    assert_eq!(
        edited["receipt"]["sha256"],
        digest("Refill 2", "Refill stations in every shop.", &body)
    );
    assert!(
        app.mail_to("inno@example.org")
            .await
            .iter()
            .any(|m| m.subject == "Edit received: Refill 2")
    );
    let revisions = concours::store::ideas::revisions(&mut app.conn(), &id).unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0].title, "Refill");

    let mine = app
        .get("/api/v1/me/ideas", Some(&inno))
        .await
        .expect(200)
        .json();
    assert_eq!(mine["ideas"][0]["id"], id.as_str());

    let withdrawn = app
        .request(
            Method::DELETE,
            &format!("/api/v1/ideas/{id}"),
            Some(&inno),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(withdrawn["status"], "withdrawn");
    app.request(
        Method::PUT,
        &format!("/api/v1/ideas/{id}"),
        Some(&inno),
        Some(json!({"title": "t", "summary": "s", "body": "b"})),
    )
    .await
    .expect_error(409, "invalid_phase");

    // The audit chain tells what happened, and never who.
    let audit = app
        .get(&format!("/api/v1/contests/{contest}/audit"), None)
        .await
        .text;
    assert!(
        audit.contains("idea_submitted")
            && audit.contains("idea_revised")
            && audit.contains("idea_withdrawn")
    );
    let user = concours::store::users::find_by_email(&mut app.conn(), "inno@example.org")
        .unwrap()
        .unwrap();
    assert!(
        !audit.contains(&user.id) && !audit.contains("inno@example.org") && !audit.contains("Inès")
    );
}

async fn the_deadline_is_exact_for_every_write(app: &TestApp) {
    let contest = opened(app).await.contest;
    let inno = app.person("inno@example.org", "Inno").await.token;
    let path = format!("/api/v1/contests/{contest}/ideas");
    // Before the opening: no submission, but a draft may be prepared.
    app.post(&path, Some(&inno), idea("Early"))
        .await
        .expect_error(409, "submission_closed");
    let mut early_draft = idea("Draft");
    early_draft["draft"] = json!(true);
    let draft = app
        .post(&path, Some(&inno), early_draft)
        .await
        .expect(201)
        .json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["receipt"], Value::Null);

    // One second before the deadline everything works...
    app.advance(Duration::days(10) - Duration::seconds(1));
    let inno = app.login("inno@example.org").await;
    let other = app.person("other@example.org", "Other").await.token;
    let last = app
        .post(&path, Some(&other), idea("Just in time"))
        .await
        .expect(201)
        .json();
    let id = last["id"].as_str().unwrap().to_owned();
    let pdf = crate::helpers::tiny_pdf();
    upload(app, &other, &id, "plan.pdf", pdf.clone())
        .await
        .expect(201);

    // ...and at the deadline itself nothing does.
    app.advance(Duration::seconds(1));
    app.post(&path, Some(&inno), idea("Late"))
        .await
        .expect_error(409, "submission_closed");
    app.request(
        Method::PUT,
        &format!("/api/v1/ideas/{id}"),
        Some(&other),
        Some(json!({"title": "t", "summary": "s", "body": "b"})),
    )
    .await
    .expect_error(409, "submission_closed");
    app.request(
        Method::DELETE,
        &format!("/api/v1/ideas/{id}"),
        Some(&other),
        None,
    )
    .await
    .expect_error(409, "submission_closed");
    upload(app, &other, &id, "late.pdf", pdf)
        .await
        .expect_error(409, "submission_closed");
    let draft_id = draft["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/ideas/{draft_id}/submit"),
        Some(&inno),
        json!({"accept_terms": true}),
    )
    .await
    .expect_error(409, "submission_closed");
    let idea_now = app
        .get(&format!("/api/v1/ideas/{id}"), Some(&other))
        .await
        .json();
    assert_eq!(idea_now["status"], "submitted");
    assert_eq!(idea_now["title"], "Just in time");
}

async fn innovators_must_be_verified_and_accept_the_terms(app: &TestApp) {
    let contest = accepting(app).await.contest;
    let path = format!("/api/v1/contests/{contest}/ideas");
    app.post(&path, None, idea("Anon"))
        .await
        .expect_error(401, "unauthorized");
    app.register("unverified@example.org", "Unverified").await;
    let unverified = app.login("unverified@example.org").await;
    app.post(&path, Some(&unverified), idea("Nope"))
        .await
        .expect_error(403, "email_not_verified");
    // A draft needs no verification.
    let mut draft = idea("Draft");
    draft["draft"] = json!(true);
    app.post(&path, Some(&unverified), draft).await.expect(201);

    let inno = app.person("inno@example.org", "Inno").await.token;
    let mut no_terms = idea("No terms");
    no_terms["accept_terms"] = json!(false);
    let refused = app
        .post(&path, Some(&inno), no_terms)
        .await
        .expect_error(422, "validation_failed")
        .json();
    assert_eq!(refused["error"]["fields"][0]["path"], "accept_terms");
    let invalid = app
        .post(
            &path,
            Some(&inno),
            json!({"title": " ", "summary": "", "body": "", "accept_terms": true}),
        )
        .await
        .expect_error(422, "validation_failed")
        .json();
    assert_eq!(invalid["error"]["fields"].as_array().unwrap().len(), 3);
    app.post(&path, Some(&inno), json!({"title": "x", "summary": "y", "body": "z", "accept_terms": true, "status": "submitted"}))
        .await
        .expect_error(400, "bad_request");
    app.post(
        &path,
        Some(&inno),
        json!({"title": "x".repeat(201), "summary": "y", "body": "z", "accept_terms": true}),
    )
    .await
    .expect_error(422, "validation_failed");
    // A contest still in draft takes no ideas and does not reveal itself.
    let (owner, _) = (app.login("owner@acme.example").await, ());
    let org = app.get("/api/v1/organizations", Some(&owner)).await.json()["organizations"][0]["id"]
        .clone();
    let draft_contest = app
        .post("/api/v1/contests", Some(&owner), json!({"organization_id": org, "title": "Secret", "brief": "b", "rules": crate::helpers::rules(app)}))
        .await
        .expect(201)
        .json();
    app.post(
        &format!(
            "/api/v1/contests/{}/ideas",
            draft_contest["id"].as_str().unwrap()
        ),
        Some(&inno),
        idea("x"),
    )
    .await
    .expect_error(404, "not_found");
}

async fn ideas_are_seen_by_their_author_the_organisation_and_admins_only(app: &TestApp) {
    let Opened { owner, contest } = accepting(app).await;
    let inno = app.person("author@example.org", "Ada Author").await.token;
    let other = app
        .person("other@example.org", "Other Innovator")
        .await
        .token;
    let rival = app.person("rival@rival.example", "Rival Brand").await.token;
    app.organization(&rival, "Rival").await;
    let created = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inno),
            idea("Mine"),
        )
        .await
        .expect(201)
        .json();
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/ideas/{id}");
    app.get(&path, None).await.expect_error(401, "unauthorized");
    app.get(&path, Some(&other))
        .await
        .expect_error(404, "not_found");
    app.get(&path, Some(&rival))
        .await
        .expect_error(404, "not_found");
    let content = json!({"title": "Hijack", "summary": "s", "body": "b"});
    app.request(Method::PUT, &path, Some(&other), Some(content.clone()))
        .await
        .expect_error(404, "not_found");
    app.request(Method::PUT, &path, Some(&owner), Some(content.clone()))
        .await
        .expect_error(404, "not_found");
    app.request(Method::PUT, &path, None, Some(content))
        .await
        .expect_error(401, "unauthorized");
    app.request(Method::DELETE, &path, Some(&other), None)
        .await
        .expect_error(404, "not_found");
    app.post(
        &format!("{path}/submit"),
        Some(&other),
        json!({"accept_terms": true}),
    )
    .await
    .expect_error(404, "not_found");
    // The organisation reads the content, and nothing of who wrote it.
    let seen = app.get(&path, Some(&owner)).await.expect(200);
    let author = concours::store::users::find_by_email(&mut app.conn(), "author@example.org")
        .unwrap()
        .unwrap();
    for secret in [author.id.as_str(), "author@example.org", "Ada Author"] {
        assert!(
            !seen.text.contains(secret),
            "the organisation learns {secret}"
        );
    }
    // opened() made this account an admin.
    let admin = app.login("admin@concours.example").await;
    app.get(&path, Some(&admin)).await.expect(200);
    let other_ideas = app.get("/api/v1/me/ideas", Some(&other)).await.json();
    assert_eq!(other_ideas["ideas"], json!([]));
}

async fn the_entry_limit_holds_under_concurrency(app: &TestApp) {
    let contest = accepting(app).await.contest;
    let inno = app.person("eager@example.org", "Eager").await.token;
    let path = format!("/api/v1/contests/{contest}/ideas");
    let attempts = (0..10).map(|i| app.post(&path, Some(&inno), idea(&format!("Idea {i}"))));
    let answers = futures_util::future::join_all(attempts).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(
        created,
        1,
        "{:?}",
        answers
            .iter()
            .map(|a| (a.status, &a.text))
            .collect::<Vec<_>>()
    );
    for answer in answers.iter().filter(|a| a.status != 201) {
        assert_eq!(answer.status, 409, "{}", answer.text);
        assert_eq!(answer.json()["error"]["code"], "entry_limit_reached");
    }
    // Withdrawing frees the place.
    let mine = app.get("/api/v1/me/ideas", Some(&inno)).await.json();
    let id = mine["ideas"][0]["id"].as_str().unwrap().to_owned();
    app.request(
        Method::DELETE,
        &format!("/api/v1/ideas/{id}"),
        Some(&inno),
        None,
    )
    .await
    .expect(200);
    app.post(&path, Some(&inno), idea("Second chance"))
        .await
        .expect(201);
}

async fn drafts_are_private_until_submitted_and_their_authors_are_reminded(app: &TestApp) {
    let Opened { owner, contest } = accepting(app).await;
    let inno = app.person("drafter@example.org", "Drafter").await.token;
    let mut draft = idea("Half done");
    draft["draft"] = json!(true);
    draft["accept_terms"] = json!(false);
    let saved = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inno),
            draft,
        )
        .await
        .expect(201)
        .json();
    let id = saved["id"].as_str().unwrap().to_owned();
    app.get(&format!("/api/v1/ideas/{id}"), Some(&owner))
        .await
        .expect_error(404, "not_found");

    // 24 hours before the deadline, one reminder, however often the scheduler runs.
    app.scheduler.tick().await.unwrap();
    assert!(
        app.mail_to("drafter@example.org")
            .await
            .iter()
            .all(|m| !m.subject.contains("not submitted"))
    );
    app.advance(Duration::days(8) + Duration::hours(1));
    app.scheduler.tick().await.unwrap();
    app.scheduler.tick().await.unwrap();
    let reminders: Vec<_> = app
        .mail_to("drafter@example.org")
        .await
        .into_iter()
        .filter(|m| m.subject.contains("not submitted"))
        .collect();
    assert_eq!(reminders.len(), 1);
    assert!(
        reminders[0]
            .text
            .contains(&format!("http://concours.test/ideas/{id}"))
    );

    let inno = app.login("drafter@example.org").await;
    app.post(
        &format!("/api/v1/ideas/{id}/submit"),
        Some(&inno),
        json!({"accept_terms": false}),
    )
    .await
    .expect_error(422, "validation_failed");
    let submitted = app
        .post(
            &format!("/api/v1/ideas/{id}/submit"),
            Some(&inno),
            json!({"accept_terms": true}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["receipt"]["revision"], 1);
    app.post(
        &format!("/api/v1/ideas/{id}/submit"),
        Some(&inno),
        json!({"accept_terms": true}),
    )
    .await
    .expect_error(409, "invalid_phase");
    let owner = app.login("owner@acme.example").await;
    app.get(&format!("/api/v1/ideas/{id}"), Some(&owner))
        .await
        .expect(200);
}

async fn upload(
    app: &TestApp,
    token: &str,
    idea: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> crate::helpers::Answer {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(filename.to_owned()),
    );
    let response = app
        .client
        .post(app.url(&format!("/api/v1/ideas/{idea}/attachments")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload sent");
    crate::helpers::Answer {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

async fn attachments_are_checked_by_content_and_served_as_downloads(app: &TestApp) {
    let Opened { owner, contest } = accepting(app).await;
    let inno = app.person("files@example.org", "Files").await.token;
    let other = app.person("other@example.org", "Other").await.token;
    let created = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inno),
            idea("With files"),
        )
        .await
        .expect(201)
        .json();
    let id = created["id"].as_str().unwrap().to_owned();
    let pdf = crate::helpers::tiny_pdf();
    let attached = upload(app, &inno, &id, "../../etc/Plan <v2>.pdf", pdf.clone())
        .await
        .expect(201)
        .json();
    assert_eq!(attached["filename"], "Plan v2.pdf");
    assert_eq!(attached["content_type"], "application/pdf");
    // A PDF is stored re-serialised without its metadata (issue 16.4): `sha256` and `size`
    // are of the stored file, `received_sha256` of the bytes as sent.
    assert_eq!(
        attached["received_sha256"],
        hex::encode(Sha256::digest(&pdf))
    );
    let attachment = attached["id"].as_str().unwrap();

    let download = app
        .client
        .get(app.url(&format!("/api/v1/attachments/{attachment}")))
        .bearer_auth(&inno)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let stored = download.bytes().await.unwrap().to_vec();
    assert_eq!(attached["size"], stored.len());
    assert_eq!(attached["sha256"], hex::encode(Sha256::digest(&stored)));
    lopdf::Document::load_mem(&stored).expect("the stored file is a PDF");
    // The organisation may read it; others may not even learn it exists.
    let by_owner = app
        .client
        .get(app.url(&format!("/api/v1/attachments/{attachment}")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(by_owner.status(), 200);
    app.get(&format!("/api/v1/attachments/{attachment}"), Some(&other))
        .await
        .expect_error(404, "not_found");
    app.get(&format!("/api/v1/attachments/{attachment}"), None)
        .await
        .expect_error(401, "unauthorized");
    upload(app, &other, &id, "mine.pdf", pdf.clone())
        .await
        .expect_error(404, "not_found");

    // Disguised files are refused whatever their name says; a text file is renamed to match.
    upload(
        app,
        &inno,
        &id,
        "invoice.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec(),
    )
    .await
    .expect_error(415, "unsupported_type");
    upload(
        app,
        &inno,
        &id,
        "page.txt",
        b"<html><script>alert(1)</script></html>".to_vec(),
    )
    .await
    .expect_error(415, "unsupported_type");
    let text = upload(app, &inno, &id, "notes.exe", b"Just notes.\n".to_vec())
        .await
        .expect(201)
        .json();
    assert_eq!(text["filename"], "notes.txt");
    assert_eq!(text["content_type"], "text/plain; charset=utf-8");
    upload(app, &inno, &id, "empty.pdf", Vec::new())
        .await
        .expect_error(422, "validation_failed");
    app.post_raw(
        &format!("/api/v1/ideas/{id}/attachments"),
        "application/json",
        "{}",
    )
    .await
    .expect(401);
    let not_multipart = app
        .client
        .post(app.url(&format!("/api/v1/ideas/{id}/attachments")))
        .bearer_auth(&inno)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(not_multipart.status(), 400);

    // At most five per idea.
    for i in 0..3 {
        upload(app, &inno, &id, &format!("p{i}.pdf"), pdf.clone())
            .await
            .expect(201);
    }
    upload(app, &inno, &id, "sixth.pdf", pdf)
        .await
        .expect_error(413, "too_large");
    let listed = app
        .get(&format!("/api/v1/ideas/{id}"), Some(&inno))
        .await
        .json();
    assert_eq!(listed["attachments"].as_array().unwrap().len(), 5);
}

/// Many innovators submitting at once while the deadline passes: every 2xx is a stored idea
/// received before the deadline, every refusal is a clean 409, and nothing is lost.
async fn a_deadline_rush_loses_nothing_and_accepts_nothing_late(app: &TestApp) {
    let contest = accepting(app).await.contest;
    let deadline = concours::store::from_db(
        concours::store::contests::find(&mut app.conn(), &contest)
            .unwrap()
            .unwrap()
            .submission_deadline,
    );
    app.clock.set(deadline - Duration::hours(1));
    let mut tokens = Vec::new();
    for i in 0..24 {
        tokens.push(
            app.person(&format!("rush{i}@example.org"), &format!("Rush {i}"))
                .await
                .token,
        );
    }
    // Half a second before the deadline; the clock passes it during the rush.
    app.clock.set(deadline - Duration::milliseconds(500));
    let path = format!("/api/v1/contests/{contest}/ideas");
    // The first half rushes in; the clock passes the deadline as soon as one of them is
    // accepted, while the others are in flight; the second half comes after it moved.
    let accepted_so_far = std::sync::atomic::AtomicUsize::new(0);
    let moved = tokio::sync::Notify::new();
    let requests = tokens.iter().enumerate().map(|(i, token)| {
        let path = path.clone();
        let (accepted_so_far, moved) = (&accepted_so_far, &moved);
        async move {
            if i % 2 == 1 {
                moved.notified().await;
            }
            let answer = app
                .post(&path, Some(token), idea(&format!("Rush idea {i}")))
                .await;
            if answer.status.as_u16() == 201 {
                accepted_so_far.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            answer
        }
    });
    let mover = async {
        let started = std::time::Instant::now();
        while accepted_so_far.load(std::sync::atomic::Ordering::SeqCst) == 0
            && started.elapsed() < std::time::Duration::from_secs(20)
        {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        app.clock.set(deadline);
        moved.notify_waiters();
    };
    let (answers, ()) = tokio::join!(futures_util::future::join_all(requests), mover);
    let mut accepted = Vec::new();
    for answer in &answers {
        match answer.status.as_u16() {
            201 => accepted.push(answer.json()),
            409 => assert_eq!(answer.json()["error"]["code"], "submission_closed"),
            other => panic!("unexpected {other}: {}", answer.text),
        }
    }
    assert!(
        !accepted.is_empty() && accepted.len() < answers.len(),
        "the clock passed the deadline mid-rush"
    );
    for idea in &accepted {
        let received: chrono::DateTime<chrono::Utc> = idea["receipt"]["received_at"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            received < deadline,
            "accepted at {received}, deadline {deadline}"
        );
    }
    // Acknowledged = stored.
    use concours::store::schema::ideas;
    use diesel::prelude::*;
    let stored: i64 = ideas::table
        .filter(ideas::contest_id.eq(&contest))
        .filter(ideas::status.eq("submitted"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(stored as usize, accepted.len());
    assert!(app.clock.now() >= deadline);
}

/// Oversized uploads are refused with 413 before being stored.
async fn oversized(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.ideas.max_attachment_bytes = 2048).await;
    let contest = accepting(&app).await.contest;
    let inno = app.person("big@example.org", "Big").await.token;
    let created = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inno),
            idea("Big"),
        )
        .await
        .expect(201)
        .json();
    let id = created["id"].as_str().unwrap().to_owned();
    // Plain text, which is stored as it is (a PDF must also be one that reads).
    let mut big = b"Notes\n".to_vec();
    big.resize(2049, b'x');
    upload(&app, &inno, &id, "big.txt", big.clone())
        .await
        .expect_error(413, "too_large");
    big.truncate(2048);
    upload(&app, &inno, &id, "fits.txt", big).await.expect(201);
    let mut huge = b"%PDF-1.4\n".to_vec();
    huge.resize(200_000, b'x');
    upload(&app, &inno, &id, "huge.pdf", huge)
        .await
        .expect_error(413, "too_large");
    app.assert_invariants().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_attachments_are_413_sqlite() {
    oversized(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_attachments_are_413_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    oversized(Backend::Postgres).await;
}

/// `concours check` finds a receipt dated after the deadline and an audit chain with a forged
/// event; the states the rest of the suite never reaches.
async fn the_checker_finds_what_is_broken(backend: Backend) {
    use diesel::RunQueryDsl;
    let app = crate::helpers::spawn_app(backend).await;
    let contest = accepting(&app).await.contest;
    let inno = app.person("inno@example.org", "Inno").await.token;
    let idea = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inno),
            idea("Fine"),
        )
        .await
        .expect(201)
        .json();
    app.assert_invariants().await;
    let id = idea["id"].as_str().unwrap();
    let row = concours::store::contests::find(&mut app.conn(), &contest)
        .unwrap()
        .unwrap();
    let late = row.submission_deadline + Duration::seconds(1);
    let mut conn = app.conn();
    // Inserting is all the append-only tables allow; that is enough to forge.
    diesel::sql_query(format!(
        "INSERT INTO idea_revisions (idea_id, revision, title, summary, body, content_sha256, received_at, rules_hash) \
         VALUES ('{id}', 2, 't', 's', 'b', 'x', '{}', 'h')",
        late.format("%Y-%m-%d %H:%M:%S")
    ))
    .execute(&mut conn)
    .unwrap();
    diesel::sql_query(format!(
        "INSERT INTO audit_events (contest_id, seq, at, kind, data, prev_hash, hash) \
         VALUES ('{contest}', 1000, '2030-01-01 00:00:00', 'forged', '{{}}', 'x', 'y')"
    ))
    .execute(&mut conn)
    .unwrap();
    let violations = concours::app::check::run(&mut conn).unwrap();
    let invariants: Vec<&str> = violations.iter().map(|v| v.invariant).collect();
    assert!(
        invariants.contains(&"no idea is accepted outside its submission window"),
        "{violations:?}"
    );
    assert!(
        invariants.contains(&"every audit chain is intact"),
        "{violations:?}"
    );
    drop(conn);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checker_finds_what_is_broken_sqlite() {
    the_checker_finds_what_is_broken(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checker_finds_what_is_broken_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    the_checker_finds_what_is_broken(Backend::Postgres).await;
}
