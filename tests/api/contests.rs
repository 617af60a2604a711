//! Contests: drafts, every rule error at once, escrow, opening and frozen rules, phases,
//! announcements, the audit chain, and the people who must be refused.

use std::sync::Arc;

use chrono::Duration;
use diesel::RunQueryDsl;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both_backends;
use crate::helpers::{
    Backend, Draft, TestApp, admin, draft, fund, invite_juror, opened, rules, spawn_app,
};

both_backends!(
    a_brand_creates_funds_and_opens_a_contest_and_its_rules_freeze,
    every_rule_error_is_reported_at_once_with_its_path,
    drafts_are_seen_and_changed_by_their_organisation_only,
    only_admins_confirm_fundings_and_only_once,
    the_database_itself_refuses_to_change_frozen_rules,
    opening_needs_a_deadline_ahead,
    phases_follow_the_clock_and_each_transition_runs_once,
    announcements_clarify_without_touching_the_rules,
);

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

async fn a_brand_creates_funds_and_opens_a_contest_and_its_rules_freeze(app: &TestApp) {
    let Draft {
        owner,
        organization: org,
        contest: id,
    } = draft(app).await;
    let path = format!("/api/v1/contests/{id}");
    let contest = app.get(&path, Some(&owner)).await.expect(200).json();
    assert_eq!(contest["organization_id"], org);
    assert_eq!(contest["phase"], "draft");
    assert_eq!(contest["rules_hash"], Value::Null);
    assert_eq!(contest["opened_at"], Value::Null);
    assert_eq!(contest["prize_pool_cents"], 700_000);
    assert_eq!(contest["currency"], "EUR");
    assert_eq!(contest["funded_cents"], 0);
    assert_eq!(contest["rules"]["prizes"][0]["amount_cents"], 500_000);

    // A draft can change.
    let mut changed = rules(app);
    changed["prizes"][1]["amount_cents"] = json!(250_000);
    let patched = app
        .request(
            reqwest::Method::PATCH,
            &path,
            Some(&owner),
            Some(json!({"title": "Greener packaging 2027", "rules": changed})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(patched["title"], "Greener packaging 2027");
    assert_eq!(patched["prize_pool_cents"], 750_000);

    // Not funded: refused, saying how much is missing.
    let refused = app
        .post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect_error(409, "not_funded");
    assert!(refused.text.contains("7,500.00 EUR"), "{}", refused.text);

    // A pending funding does not count; a confirmed one does, and it must cover the pool.
    let admin = admin(app).await;
    app.post(
        &format!("{path}/fundings"),
        Some(&owner),
        json!({"amount_cents": 450_000, "reference": "WIRE-1"}),
    )
    .await
    .expect(201);
    app.post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect_error(409, "not_funded");
    let pending = app
        .get("/api/v1/admin/fundings", Some(&admin))
        .await
        .expect(200)
        .json();
    let pending_id = pending["fundings"][0]["id"].as_str().unwrap().to_owned();
    fund(app, &owner, &admin, &id, 300_000).await;
    app.post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect_error(409, "not_funded");
    app.post(
        &format!("/api/v1/admin/fundings/{pending_id}/confirm"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);
    let funded = app.get(&path, Some(&owner)).await.json();
    assert_eq!(funded["funded_cents"], 750_000);
    let mails = app.mail_to("owner@acme.example").await;
    let confirmations: Vec<_> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Funding confirmed"))
        .collect();
    assert_eq!(confirmations.len(), 2);
    assert!(
        confirmations[1]
            .text
            .contains("7,500.00 EUR of a 7,500.00 EUR prize pool"),
        "{}",
        confirmations[1].text
    );

    // The rules ask for a juror before opening.
    app.post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect_error(409, "not_enough_jurors");
    invite_juror(app, &owner, &id, "juror@jury.example").await;

    // Open: the rules freeze under a hash of the published document.
    let opened = app
        .post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect(200)
        .json();
    assert_eq!(opened["phase"], "upcoming");
    let hash = opened["rules_hash"].as_str().unwrap().to_owned();
    assert!(opened["opened_at"].is_string());
    let document = app.get(&format!("{path}/rules"), None).await.expect(200);
    assert_eq!(document.headers["content-type"], "application/json");
    assert_eq!(
        sha256(&document.text),
        hash,
        "the hash is SHA-256 of the bytes served"
    );
    let parsed: Value = serde_json::from_str(&document.text).unwrap();
    assert_eq!(parsed["title"], "Greener packaging 2027");
    assert_eq!(parsed["contest_id"], id.as_str());
    assert!(
        !document.text.contains(' ') || !document.text.contains(": "),
        "canonical: no insignificant space"
    );

    // The organisation hears it, with the hash.
    let mails = app.mail_to("owner@acme.example").await;
    let mail = mails
        .iter()
        .find(|m| m.subject.contains("is open"))
        .expect("contest opened mail");
    assert!(mail.text.contains(&hash) && mail.html.contains(&hash));
    assert!(
        mail.text
            .contains(&format!("http://concours.test/contests/{id}"))
    );

    // From now on, nothing changes through the API.
    for patch in [
        json!({"title": "Other"}),
        json!({"brief": "Other"}),
        json!({"rules": rules(app)}),
        json!({}),
    ] {
        app.request(reqwest::Method::PATCH, &path, Some(&owner), Some(patch))
            .await
            .expect_error(409, "rules_frozen");
    }
    app.post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect_error(409, "invalid_phase");
    let again = app.get(&format!("{path}/rules"), None).await.expect(200);
    assert_eq!(again.text, document.text);
    let public = app.get(&path, None).await.expect(200).json();
    assert_eq!(public["rules_hash"], hash.as_str());
    assert_eq!(public["title"], "Greener packaging 2027");

    // Anyone can read the audit chain, and check it.
    let audit = app
        .get(&format!("{path}/audit"), None)
        .await
        .expect(200)
        .json();
    let events = audit["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "contest_created",
            "contest_updated",
            "funding_recorded",
            "funding_recorded",
            "funding_confirmed",
            "funding_confirmed",
            "juror_invited",
            "contest_opened"
        ]
    );
    let mut prev = "0".repeat(64);
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event["seq"], i as i64 + 1);
        assert_eq!(event["prev_hash"], prev.as_str());
        let canonical = format!(
            r#"{{"at":{},"contest_id":"{id}","data":{},"kind":"{}","seq":{}}}"#,
            event["at"],
            concours::domain::canonical::to_string(&event["data"]),
            event["kind"].as_str().unwrap(),
            i + 1
        );
        assert_eq!(
            event["hash"],
            sha256(&format!("{prev}{canonical}")).as_str(),
            "event {}",
            i + 1
        );
        prev = event["hash"].as_str().unwrap().to_owned();
    }
    assert_eq!(events[7]["data"]["rules_hash"], hash.as_str());
}

async fn every_rule_error_is_reported_at_once_with_its_path(app: &TestApp) {
    let Draft {
        owner,
        organization: org,
        contest: id,
    } = draft(app).await;
    let mut bad = rules(app);
    bad["prizes"][1]["amount_cents"] = json!(99.5);
    bad["criteria"][0]["weight"] = json!(0);
    bad["currency"] = json!("EURO");
    bad["judging_deadline"] = bad["opens_at"].clone();
    bad.as_object_mut().unwrap().remove("no_entry_beneficiary");
    let answer = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": org, "title": "", "brief": "b", "rules": bad}),
        )
        .await
        .expect_error(422, "validation_failed")
        .json();
    let mut paths: Vec<&str> = answer["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "rules.criteria[0].weight",
            "rules.currency",
            "rules.judging_deadline",
            "rules.no_entry_beneficiary",
            "rules.prizes[1].amount_cents",
            "title"
        ]
    );
    // Editing is checked the same way, and a refused edit changes nothing.
    app.request(
        reqwest::Method::PATCH,
        &format!("/api/v1/contests/{id}"),
        Some(&owner),
        Some(json!({"rules": bad})),
    )
    .await
    .expect_error(422, "validation_failed");
    let contest = app
        .get(&format!("/api/v1/contests/{id}"), Some(&owner))
        .await
        .json();
    assert_eq!(contest["rules"]["currency"], "EUR");
    // Fields nobody may set are refused outright.
    app.request(
        reqwest::Method::PATCH,
        &format!("/api/v1/contests/{id}"),
        Some(&owner),
        Some(json!({"rules_hash": "0000"})),
    )
    .await
    .expect_error(400, "bad_request");
}

async fn drafts_are_seen_and_changed_by_their_organisation_only(app: &TestApp) {
    let Draft {
        owner,
        organization: org,
        contest: id,
    } = draft(app).await;
    let stranger = app.person("stranger@else.example", "Stranger").await.token;
    let rival = app.person("rival@rival.example", "Rival").await.token;
    app.organization(&rival, "Rival").await;
    let admin = admin(app).await;
    let path = format!("/api/v1/contests/{id}");

    app.get(&path, None).await.expect_error(404, "not_found");
    app.get(&path, Some(&stranger))
        .await
        .expect_error(404, "not_found");
    app.get(&path, Some(&rival))
        .await
        .expect_error(404, "not_found");
    app.get(&format!("{path}/rules"), Some(&rival))
        .await
        .expect_error(404, "not_found");
    app.get(&format!("{path}/audit"), None)
        .await
        .expect_error(404, "not_found");
    app.get(&path, Some(&admin)).await.expect(200);
    app.get(&path, Some(&owner)).await.expect(200);
    // In draft the rules document is shown to members, without a hash yet.
    app.get(&format!("{path}/rules"), Some(&owner))
        .await
        .expect(200);

    let listed = |answer: Value| -> Vec<String> {
        answer["contests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(listed(app.get("/api/v1/contests", None).await.expect(200).json()).is_empty());
    assert!(listed(app.get("/api/v1/contests", Some(&rival)).await.json()).is_empty());
    assert_eq!(
        listed(app.get("/api/v1/contests", Some(&owner)).await.json()),
        std::slice::from_ref(&id)
    );

    let patch = Some(json!({"title": "Hijacked"}));
    app.request(reqwest::Method::PATCH, &path, None, patch.clone())
        .await
        .expect_error(401, "unauthorized");
    app.request(reqwest::Method::PATCH, &path, Some(&rival), patch.clone())
        .await
        .expect_error(404, "not_found");
    app.request(reqwest::Method::PATCH, &path, Some(&admin), patch)
        .await
        .expect_error(403, "forbidden");
    app.post(
        &format!("{path}/fundings"),
        Some(&rival),
        json!({"amount_cents": 1, "reference": "x"}),
    )
    .await
    .expect_error(404, "not_found");
    app.post(&format!("{path}/open"), Some(&rival), json!({}))
        .await
        .expect_error(404, "not_found");
    app.post(&format!("{path}/open"), None, json!({}))
        .await
        .expect_error(401, "unauthorized");
    app.get(&format!("{path}/fundings"), Some(&rival))
        .await
        .expect_error(404, "not_found");
    app.get(&format!("{path}/fundings"), Some(&owner))
        .await
        .expect(200);
    app.get(&format!("{path}/fundings"), Some(&admin))
        .await
        .expect(200);
    // Nobody creates a contest in an organisation they do not belong to.
    app.post(
        "/api/v1/contests",
        Some(&rival),
        json!({"organization_id": org, "title": "Mine now", "brief": "b", "rules": rules(app)}),
    )
    .await
    .expect_error(404, "not_found");
    app.post(
        "/api/v1/contests",
        None,
        json!({"organization_id": org, "title": "Anon", "brief": "b", "rules": rules(app)}),
    )
    .await
    .expect_error(401, "unauthorized");
    // A member who is not the owner runs contests too.
    app.person("member@acme.example", "Member").await;
    let member = crate::helpers::join(app, &owner, &org, "member@acme.example", "member").await;
    app.request(
        reqwest::Method::PATCH,
        &path,
        Some(&member),
        Some(json!({"title": "Renamed by a member"})),
    )
    .await
    .expect(200);
    let contest = app.get(&path, Some(&owner)).await.json();
    assert_eq!(contest["title"], "Renamed by a member");
}

async fn only_admins_confirm_fundings_and_only_once(app: &TestApp) {
    let Draft {
        owner, contest: id, ..
    } = draft(app).await;
    let funding = app
        .post(
            &format!("/api/v1/contests/{id}/fundings"),
            Some(&owner),
            json!({"amount_cents": 700_000, "reference": "WIRE"}),
        )
        .await
        .expect(201)
        .json();
    let fid = funding["id"].as_str().unwrap();
    let confirm = format!("/api/v1/admin/fundings/{fid}/confirm");
    app.post(&confirm, None, json!({}))
        .await
        .expect_error(401, "unauthorized");
    app.post(&confirm, Some(&owner), json!({}))
        .await
        .expect_error(403, "forbidden");
    app.get("/api/v1/admin/fundings", Some(&owner))
        .await
        .expect_error(403, "forbidden");
    let admin = admin(app).await;
    app.post(
        "/api/v1/admin/fundings/no-such-funding/confirm",
        Some(&admin),
        json!({}),
    )
    .await
    .expect_error(404, "not_found");
    app.post(&confirm, Some(&admin), json!({}))
        .await
        .expect(200);
    app.post(&confirm, Some(&admin), json!({}))
        .await
        .expect_error(409, "already_confirmed");
    let contest = app
        .get(&format!("/api/v1/contests/{id}"), Some(&owner))
        .await
        .json();
    assert_eq!(contest["funded_cents"], 700_000, "credited once");
    // Bad amounts are refused: never floats, never zero.
    for amount in [json!(0), json!(-1)] {
        app.post(
            &format!("/api/v1/contests/{id}/fundings"),
            Some(&owner),
            json!({"amount_cents": amount, "reference": "x"}),
        )
        .await
        .expect_error(422, "validation_failed");
    }
    app.post(
        &format!("/api/v1/contests/{id}/fundings"),
        Some(&owner),
        json!({"amount_cents": 10.5, "reference": "x"}),
    )
    .await
    .expect_error(400, "bad_request");
    app.post(
        &format!("/api/v1/contests/{id}/fundings"),
        Some(&owner),
        json!({"amount_cents": 10, "reference": " "}),
    )
    .await
    .expect_error(422, "validation_failed");
}

async fn the_database_itself_refuses_to_change_frozen_rules(app: &TestApp) {
    let Draft {
        owner,
        contest: draft_id,
        ..
    } = draft(app).await;
    let (_, id) = {
        // A second, opened contest of the same organisation.
        let admin = admin(app).await;
        let org =
            app.get("/api/v1/organizations", Some(&owner)).await.json()["organizations"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned();
        let contest = app
            .post("/api/v1/contests", Some(&owner), json!({"organization_id": org, "title": "Opened", "brief": "b", "rules": rules(app)}))
            .await
            .expect(201)
            .json();
        let id = contest["id"].as_str().unwrap().to_owned();
        fund(app, &owner, &admin, &id, 700_000).await;
        invite_juror(app, &owner, &id, "juror@jury.example").await;
        app.post(
            &format!("/api/v1/contests/{id}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect(200);
        (owner.clone(), id)
    };
    let mut conn = app.conn();
    let run = |conn: &mut concours::store::DbConnection, sql: String| {
        diesel::sql_query(sql).execute(conn)
    };
    for sql in [
        format!("UPDATE contests SET title = 'Changed' WHERE id = '{id}'"),
        format!("UPDATE contests SET brief = 'Changed' WHERE id = '{id}'"),
        format!("UPDATE contests SET rules = '{{}}' WHERE id = '{id}'"),
        format!("UPDATE contests SET prize_pool_cents = 1 WHERE id = '{id}'"),
        format!("UPDATE contests SET submission_deadline = opens_at WHERE id = '{id}'"),
        format!("UPDATE contests SET rules_hash = 'x', rules_document = 'x' WHERE id = '{id}'"),
        format!(
            "UPDATE contests SET opened_at = NULL, rules_hash = NULL, rules_document = NULL WHERE id = '{id}'"
        ),
        format!("DELETE FROM contests WHERE id = '{id}'"),
        format!("UPDATE audit_events SET data = '{{}}' WHERE contest_id = '{id}'"),
        format!("DELETE FROM audit_events WHERE contest_id = '{id}'"),
        format!("UPDATE ledger_entries SET amount_cents = 1 WHERE contest_id = '{id}'"),
        format!("DELETE FROM ledger_entries WHERE contest_id = '{id}'"),
    ] {
        let error =
            run(&mut conn, sql.clone()).expect_err(&format!("the database accepted: {sql}"));
        let message = error.to_string();
        assert!(
            message.contains("rules_frozen") || message.contains("append_only"),
            "{sql}: {message}"
        );
    }
    // A draft is still a draft: the database lets it change.
    run(
        &mut conn,
        format!("UPDATE contests SET title = 'Draft title' WHERE id = '{draft_id}'"),
    )
    .unwrap();
    drop(conn);
    let contest = app
        .get(&format!("/api/v1/contests/{id}"), None)
        .await
        .json();
    assert_eq!(contest["title"], "Opened");
}

async fn opening_needs_a_deadline_ahead(app: &TestApp) {
    let Draft {
        owner, contest: id, ..
    } = draft(app).await;
    let admin = admin(app).await;
    fund(app, &owner, &admin, &id, 700_000).await;
    invite_juror(app, &owner, &id, "juror@jury.example").await;
    app.advance(Duration::days(10));
    // Sessions last hours, not days: sign in again.
    let owner = app.login("owner@acme.example").await;
    let answer = app
        .post(
            &format!("/api/v1/contests/{id}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect_error(422, "validation_failed")
        .json();
    assert_eq!(
        answer["error"]["fields"][0]["path"],
        "rules.submission_deadline"
    );
    // Opening after opens_at but before the deadline goes straight to the submission phase.
    app.advance(Duration::days(-2));
    let opened = app
        .post(
            &format!("/api/v1/contests/{id}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(opened["phase"], "submission");
}

async fn phases_follow_the_clock_and_each_transition_runs_once(app: &TestApp) {
    let id = opened(app).await.contest;
    let phase = |answer: Value| answer["phase"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/contests/{id}");
    assert_eq!(phase(app.get(&path, None).await.json()), "upcoming");
    app.scheduler.tick().await.unwrap();

    app.advance(Duration::days(1));
    // The phase is computed from the clock, whether or not the scheduler has run.
    assert_eq!(phase(app.get(&path, None).await.json()), "submission");
    app.scheduler.tick().await.unwrap();
    app.scheduler.tick().await.unwrap();
    app.advance(Duration::days(9) - Duration::seconds(1));
    assert_eq!(phase(app.get(&path, None).await.json()), "submission");
    app.advance(Duration::seconds(1));
    assert_eq!(phase(app.get(&path, None).await.json()), "judging");
    app.scheduler.tick().await.unwrap();
    app.scheduler.tick().await.unwrap();

    let mails = app.mail_to("owner@acme.example").await;
    let subjects: Vec<&str> = mails
        .iter()
        .map(|m| m.subject.as_str())
        .filter(|s| s.contains("Submissions"))
        .collect();
    assert_eq!(
        subjects,
        [
            "Submissions are open: Greener packaging",
            "Submissions closed, judging has started: Greener packaging"
        ]
    );
    let audit = app.get(&format!("{path}/audit"), None).await.json();
    let phases: Vec<&str> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "phase_changed")
        .map(|e| e["data"]["phase"].as_str().unwrap())
        .collect();
    assert_eq!(phases, ["submission", "judging"]);
}

async fn announcements_clarify_without_touching_the_rules(app: &TestApp) {
    let Draft {
        owner,
        contest: draft_id,
        ..
    } = draft(app).await;
    app.post(
        &format!("/api/v1/contests/{draft_id}/announcements"),
        Some(&owner),
        json!({"body": "Too early"}),
    )
    .await
    .expect_error(409, "invalid_phase");
    let admin = admin(app).await;
    fund(app, &owner, &admin, &draft_id, 700_000).await;
    invite_juror(app, &owner, &draft_id, "juror@jury.example").await;
    let opened = app
        .post(
            &format!("/api/v1/contests/{draft_id}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect(200)
        .json();
    let path = format!("/api/v1/contests/{draft_id}/announcements");
    let innovator = app.person("inno@example.org", "Inno").await.token;
    app.post(&path, None, json!({"body": "x"}))
        .await
        .expect_error(401, "unauthorized");
    app.post(&path, Some(&innovator), json!({"body": "x"}))
        .await
        .expect_error(403, "forbidden");
    app.post(&path, Some(&owner), json!({"body": "   "}))
        .await
        .expect_error(422, "validation_failed");
    let published = app
        .post(
            &path,
            Some(&owner),
            json!({"body": "PDF sketches are welcome."}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(published["body"], "PDF sketches are welcome.");
    let list = app.get(&path, None).await.expect(200).json();
    assert_eq!(list["announcements"].as_array().unwrap().len(), 1);
    let after = app
        .get(&format!("/api/v1/contests/{draft_id}"), None)
        .await
        .json();
    assert_eq!(after["rules_hash"], opened["rules_hash"]);
}

/// Two schedulers, each with its own connection pool, on one database: every transition runs
/// once.
async fn two_schedulers(backend: Backend) {
    let app = spawn_app(backend).await;
    let Draft {
        owner,
        organization: org,
        contest: first,
    } = draft(&app).await;
    let admin = admin(&app).await;
    let mut ids = vec![first];
    for i in 0..3 {
        let c = app
            .post("/api/v1/contests", Some(&owner), json!({"organization_id": org, "title": format!("Contest {i}"), "brief": "b", "rules": rules(&app)}))
            .await
            .expect(201)
            .json();
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    for id in &ids {
        fund(&app, &owner, &admin, id, 700_000).await;
        invite_juror(&app, &owner, id, "juror@jury.example").await;
        app.post(
            &format!("/api/v1/contests/{id}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect(200);
    }
    app.deliver_mail().await;
    let before = app.mailbox.to("owner@acme.example").len();

    let second_pool = concours::store::connect(&app.settings.database).unwrap();
    let ctx = Arc::new(concours::app::Ctx::new(
        app.settings.clone(),
        Arc::new(app.clock.clone()),
        b"a-test-secret-that-is-long-enough-0123456789",
    ));
    let other = concours::jobs::Scheduler::new(second_pool, ctx);
    app.advance(Duration::days(10));
    for _ in 0..3 {
        let (a, b) = tokio::join!(app.scheduler.tick(), other.tick());
        a.unwrap();
        b.unwrap();
    }
    app.deliver_mail().await;
    let phase_mails = app.mailbox.to("owner@acme.example").len() - before;
    assert_eq!(
        phase_mails,
        ids.len() * 2,
        "one mail per contest and transition"
    );
    for id in &ids {
        let audit = app
            .get(&format!("/api/v1/contests/{id}/audit"), None)
            .await
            .json();
        let transitions = audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "phase_changed")
            .count();
        assert_eq!(transitions, 2, "contest {id}");
    }
    app.assert_invariants().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_on_one_database_run_each_transition_once_sqlite() {
    two_schedulers(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_on_one_database_run_each_transition_once_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    two_schedulers(Backend::Postgres).await;
}
