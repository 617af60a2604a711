//! The award: early and automatic, exactly once, payouts that add up to the pool whatever
//! happened, and results anyone can verify.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both_backends;
use crate::helpers::{Author, Judging, TestApp, judging, opened};

both_backends!(
    a_member_awards_early_once_every_sheet_is_complete,
    the_scheduler_awards_at_the_deadline_when_nobody_scored,
    when_nobody_entered_the_beneficiary_receives_the_pool,
    concurrent_award_requests_award_once,
    admins_record_payouts_as_paid,
);

/// Every juror scores every entry of theirs: Idea A 10/5, Idea B 6/3, Idea C 2/1.
async fn score_everything(app: &TestApp, j: &Judging) {
    let path = format!("/api/v1/contests/{}/jury/entries", j.contest);
    for juror in &j.jurors {
        let entries = app.get(&path, Some(juror)).await.expect(200).json();
        for e in entries["entries"].as_array().unwrap() {
            let (impact, feasibility) = match e["title"].as_str().unwrap() {
                "Idea A" => (10, 5),
                "Idea B" => (6, 3),
                _ => (2, 1),
            };
            let id = e["entry_id"].as_str().unwrap();
            app.request(
                Method::PUT,
                &format!("{path}/{id}/scores"),
                Some(juror),
                Some(json!({"scores": {"impact": impact, "feasibility": feasibility}, "comment": format!("Noted {impact}.")})),
            )
            .await
            .expect(200);
        }
    }
}

fn sum(results: &Value) -> i64 {
    results["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount_cents"].as_i64().unwrap())
        .sum()
}

async fn a_member_awards_early_once_every_sheet_is_complete(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example", "two@jury.example"]).await;
    let path = format!("/api/v1/contests/{}", j.contest);
    app.get(&format!("{path}/results"), None)
        .await
        .expect_error(409, "invalid_phase");
    app.get(&format!("{path}/scoresheet"), None)
        .await
        .expect_error(409, "invalid_phase");
    app.post(&format!("{path}/award"), Some(&j.owner), json!({}))
        .await
        .expect_error(409, "invalid_phase");
    score_everything(app, &j).await;
    app.post(&format!("{path}/award"), None, json!({}))
        .await
        .expect_error(401, "unauthorized");
    app.post(
        &format!("{path}/award"),
        Some(&j.authors[0].token),
        json!({}),
    )
    .await
    .expect_error(403, "forbidden");
    app.post(&format!("{path}/award"), Some(&j.jurors[0]), json!({}))
        .await
        .expect_error(403, "forbidden");

    let results = app
        .post(&format!("{path}/award"), Some(&j.owner), json!({}))
        .await
        .expect(200)
        .json();
    app.post(&format!("{path}/award"), Some(&j.owner), json!({}))
        .await
        .expect_error(409, "already_awarded");
    // After the award, sheets are frozen: a juror's late change is refused and changes nothing.
    let entries_path = format!("/api/v1/contests/{}/jury/entries", j.contest);
    let some_entry = results["ranking"][0]["entry_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let blind_id = app
        .get(&entries_path, Some(&j.jurors[0]))
        .await
        .json()
        .get("entries")
        .and_then(|e| e.as_array().cloned())
        .and_then(|e| e.first().cloned())
        .map(|e| e["entry_id"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_else(|| some_entry.clone());
    let late = app
        .request(
            Method::PUT,
            &format!("{entries_path}/{blind_id}/scores"),
            Some(&j.jurors[0]),
            Some(json!({"scores": {"impact": 0, "feasibility": 0}})),
        )
        .await;
    assert_eq!(late.status.as_u16(), 409, "{}", late.text);
    assert_eq!(results["prize_pool_cents"], 700_000);
    assert_eq!(results["total_paid_cents"], 700_000);
    assert_eq!(sum(&results), 700_000);
    let ranking = results["ranking"].as_array().unwrap();
    let titles: Vec<&str> = ranking
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Idea A", "Idea B", "Idea C"]);
    assert_eq!(ranking[0]["author"], "Ann Author");
    assert_eq!(ranking[0]["score"], 100.0);
    // A qualifies (100 ≥ 60) and wins the first prize; B (60) qualifies too.
    let payouts = results["payouts"].as_array().unwrap();
    assert_eq!(payouts[0]["entry_id"], ranking[0]["entry_id"]);
    assert_eq!(
        (
            payouts[0]["amount_cents"].as_i64(),
            payouts[0]["reason"].as_str()
        ),
        (Some(500_000), Some("prize"))
    );
    assert_eq!(payouts[1]["recipient"], "Bob Author");
    assert!(payouts.iter().all(|p| p["status"] == "due"));

    let contest = app.get(&path, None).await.json();
    assert_eq!(contest["phase"], "awarded");
    let public = app
        .get(&format!("{path}/results"), None)
        .await
        .expect(200)
        .json();
    assert_eq!(public["ranking"], results["ranking"]);

    // The score sheet is anonymised, hashed, and recomputes to the same results.
    let sheet = app
        .get(&format!("{path}/scoresheet"), None)
        .await
        .expect(200)
        .text;
    assert_eq!(
        hex::encode(Sha256::digest(sheet.as_bytes())),
        results["scoresheet_hash"].as_str().unwrap()
    );
    for Author {
        email,
        name,
        id: user_id,
        ..
    } in &j.authors
    {
        assert!(!sheet.contains(email) && !sheet.contains(name) && !sheet.contains(user_id));
    }
    assert!(!sheet.contains("jury.example"), "jurors are numbers");
    // It is canonical JSON (keys sorted by bytes, no space): anyone can recompute the hash from
    // the parsed document, and it holds every sheet, jurors numbered from 1.
    let parsed: Value = serde_json::from_str(&sheet).unwrap();
    assert_eq!(concours::domain::canonical::to_string(&parsed), sheet);
    let keys: Vec<&String> = parsed.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["contest_id", "entries", "jurors", "rules", "rules_hash"]
    );
    let sheets: Vec<&Value> = parsed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["sheets"].as_array().unwrap())
        .collect();
    assert!(!sheets.is_empty());
    assert!(
        sheets
            .iter()
            .all(|s| s["juror"].as_u64().unwrap() >= 1
                && s["scores"].as_object().unwrap().len() == 2)
    );
    assert_eq!(
        concours::app::award::verify(&sheet, &public).unwrap(),
        Vec::<String>::new()
    );
    let mut forged = public.clone();
    forged["payouts"][0]["amount_cents"] = json!(600_000);
    assert!(
        !concours::app::award::verify(&sheet, &forged)
            .unwrap()
            .is_empty()
    );

    // `concours verify` over HTTP, as anyone would.
    app.assert_verified_by_the_cli(&path);

    // Every entrant hears their rank, their scores and the comments; winners their payout.
    let ann = app.mail_to("ann@example.org").await;
    let results_mail = ann
        .iter()
        .find(|m| m.subject.starts_with("Results"))
        .expect("results mail");
    assert!(
        results_mail.text.contains("ranks 1 of 3"),
        "{}",
        results_mail.text
    );
    assert!(results_mail.text.contains("Noted 10."));
    assert!(
        results_mail
            .text
            .contains(results["scoresheet_hash"].as_str().unwrap())
    );
    assert!(
        ann.iter()
            .any(|m| m.subject.starts_with("You will receive 5,000.00 EUR"))
    );
    let cat = app.mail_to("cat@lab.example").await;
    assert!(cat.iter().any(|m| m.subject.starts_with("Results")));
    assert!(
        !cat.iter()
            .any(|m| m.subject.starts_with("You will receive"))
    );
    let audit = app.get(&format!("{path}/audit"), None).await.text;
    assert!(audit.contains("contest_awarded"));
}

async fn the_scheduler_awards_at_the_deadline_when_nobody_scored(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example"]).await;
    let path = format!("/api/v1/contests/{}", j.contest);
    app.scheduler.tick().await.unwrap();
    app.get(&format!("{path}/results"), None)
        .await
        .expect_error(409, "invalid_phase");
    app.advance(Duration::days(10) - Duration::seconds(1));
    app.scheduler.tick().await.unwrap();
    app.get(&format!("{path}/results"), None)
        .await
        .expect_error(409, "invalid_phase");
    app.advance(Duration::seconds(1));
    app.scheduler.tick().await.unwrap();
    app.scheduler.tick().await.unwrap();
    let results = app
        .get(&format!("{path}/results"), None)
        .await
        .expect(200)
        .json();
    // Nobody scored: no entry qualifies, best_anyway hands the prizes down the ranking
    // (unscored entries by submission order).
    assert_eq!(sum(&results), 700_000);
    let payouts = results["payouts"].as_array().unwrap();
    assert_eq!(payouts.len(), 2);
    assert!(payouts.iter().all(|p| p["reason"] == "fallback"));
    assert_eq!(payouts[0]["entry_id"], j.ideas[0].as_str());
    assert!(
        results["ranking"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["score"].is_null())
    );
    let audit = app.get(&format!("{path}/audit"), None).await.json();
    let awards = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "contest_awarded")
        .count();
    assert_eq!(awards, 1);
}

async fn when_nobody_entered_the_beneficiary_receives_the_pool(app: &TestApp) {
    let contest = opened(app).await.contest;
    app.advance(Duration::days(20));
    app.scheduler.tick().await.unwrap();
    let results = app
        .get(&format!("/api/v1/contests/{contest}/results"), None)
        .await
        .expect(200)
        .json();
    assert_eq!(results["ranking"], json!([]));
    assert_eq!(
        results["payouts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (
                p["recipient"].clone(),
                p["amount_cents"].clone(),
                p["reason"].clone()
            ))
            .collect::<Vec<_>>(),
        [(
            json!("The Open Science Fund"),
            json!(700_000),
            json!("no_entries")
        )]
    );
    assert_eq!(results["payouts"][0]["entry_id"], Value::Null);
}

async fn concurrent_award_requests_award_once(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example"]).await;
    score_everything(app, &j).await;
    let path = format!("/api/v1/contests/{}/award", j.contest);
    let attempts = (0..8).map(|_| app.post(&path, Some(&j.owner), json!({})));
    let answers = futures_util::future::join_all(attempts).await;
    assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 1);
    for answer in answers.iter().filter(|a| a.status != 200) {
        assert_eq!(answer.status, 409, "{}", answer.text);
        assert_eq!(answer.json()["error"]["code"], "already_awarded");
    }
    // The scheduler, arriving later, finds nothing to do.
    app.advance(Duration::days(11));
    app.scheduler.tick().await.unwrap();
    let audit = app
        .get(&format!("/api/v1/contests/{}/audit", j.contest), None)
        .await
        .json();
    assert_eq!(
        audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "contest_awarded")
            .count(),
        1
    );
}

async fn admins_record_payouts_as_paid(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example"]).await;
    score_everything(app, &j).await;
    let results = app
        .post(
            &format!("/api/v1/contests/{}/award", j.contest),
            Some(&j.owner),
            json!({}),
        )
        .await
        .expect(200)
        .json();
    let payout = results["payouts"][0]["id"].as_str().unwrap();
    let path = format!("/api/v1/admin/payouts/{payout}/paid");
    app.post(&path, None, json!({"reference": "TX-1"}))
        .await
        .expect_error(401, "unauthorized");
    app.post(&path, Some(&j.owner), json!({"reference": "TX-1"}))
        .await
        .expect_error(403, "forbidden");
    let admin = app.login("admin@concours.example").await;
    app.post(&path, Some(&admin), json!({"reference": " "}))
        .await
        .expect_error(422, "validation_failed");
    let paid = app
        .post(&path, Some(&admin), json!({"reference": "TX-1"}))
        .await
        .expect(200)
        .json();
    assert_eq!(paid, json!({"id": payout, "status": "paid"}));
    app.post(&path, Some(&admin), json!({"reference": "TX-2"}))
        .await
        .expect_error(409, "already_paid");
    app.post(
        "/api/v1/admin/payouts/nope/paid",
        Some(&admin),
        json!({"reference": "TX"}),
    )
    .await
    .expect_error(404, "not_found");
    let after = app
        .get(&format!("/api/v1/contests/{}/results", j.contest), None)
        .await
        .json();
    assert_eq!(after["payouts"][0]["status"], "paid");
    assert_eq!(after["payouts"][1]["status"], "due");
    assert!(
        app.mail_to("ann@example.org")
            .await
            .iter()
            .any(|m| m.subject == "Transferred: 5,000.00 EUR")
    );
}

/// Two schedulers with their own pools on one database reach the judging deadline together:
/// one award.
async fn two_schedulers_award_once(backend: crate::helpers::Backend) {
    use std::sync::Arc;
    let app = crate::helpers::spawn_app(backend).await;
    let j = judging(&app, None, &["one@jury.example"]).await;
    let ctx = Arc::new(concours::app::Ctx::new(
        app.settings.clone(),
        Arc::new(app.clock.clone()),
        b"a-test-secret-that-is-long-enough-0123456789",
    ));
    let other = concours::jobs::Scheduler::new(
        concours::store::connect(&app.settings.database).unwrap(),
        ctx,
    );
    app.advance(Duration::days(10));
    for _ in 0..3 {
        let (a, b) = tokio::join!(app.scheduler.tick(), other.tick());
        a.unwrap();
        b.unwrap();
    }
    let results = app
        .get(&format!("/api/v1/contests/{}/results", j.contest), None)
        .await
        .expect(200)
        .json();
    assert_eq!(sum(&results), 700_000);
    let audit = app
        .get(&format!("/api/v1/contests/{}/audit", j.contest), None)
        .await
        .json();
    assert_eq!(
        audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "contest_awarded")
            .count(),
        1
    );
    app.deliver_mail().await;
    let results_mails = app
        .mailbox
        .to("ann@example.org")
        .into_iter()
        .filter(|m| m.subject.starts_with("Results"))
        .count();
    assert_eq!(results_mails, 1);
    app.assert_invariants().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_award_once_sqlite() {
    two_schedulers_award_once(crate::helpers::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_award_once_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    two_schedulers_award_once(crate::helpers::Backend::Postgres).await;
}
