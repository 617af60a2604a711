//! Crash and restart: the real server, on real time, killed with SIGKILL at the worst moments,
//! then started again. Nothing acknowledged is lost, the award exists once, the money adds up.
//! (A mail worker killed in the middle of sending is in `smtp.rs`.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::helpers::{Backend, Reply, Server, TestSettings};

/// An acknowledged submission: the author's token, the idea's id and its receipt.
type Acknowledged = (String, String, Value);

/// Sixteen innovators submit as fast as they can until the submission deadline; the server is
/// killed in the middle of the rush and started again while they keep going. Every idea
/// answered 201 is there afterwards with the receipt it was given; the only ideas the server
/// has beyond those are the few whose answer was lost with the connection; the deadline holds.
async fn killed_during_a_deadline_rush(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let TestSettings {
        settings,
        database: _database,
    } = crate::helpers::test_settings(backend, dir.path());
    let mut server = Server::start(
        dir.path(),
        settings.database.url.expose_secret(),
        &[
            ("CONCOURS_IDEAS__MAX_WRITES_PER_WINDOW", "100000"),
            ("CONCOURS_AUTH__REGISTER_MAX_PER_IP", "100000"),
        ],
    )
    .await;
    let mut innovators = Vec::new();
    for i in 0..16 {
        innovators.push(server.account(&format!("inno{i}@example.org")).await);
    }
    let t0 = Utc::now();
    let at =
        |s: i64| (t0 + chrono::Duration::seconds(s)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut rules = crate::helpers::rules_at(&at(3), &at(12), &at(60));
    rules["max_ideas_per_person"] = json!(100);
    let contest = server.open_contest(rules).await.contest;
    let deadline = chrono::DateTime::parse_from_rfc3339(&at(12))
        .unwrap()
        .with_timezone(&Utc);
    while Utc::now() < t0 + chrono::Duration::seconds(3) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let acknowledged: Arc<Mutex<Vec<Acknowledged>>> = Arc::default();
    let acked = Arc::new(AtomicUsize::new(0));
    let lost_answers = Arc::new(AtomicUsize::new(0));
    let base = server.base.clone();
    let mut rushers = Vec::new();
    for (i, token) in innovators.iter().enumerate() {
        let (token, base, contest) = (token.clone(), base.clone(), contest.clone());
        let (acknowledged, acked, lost_answers) =
            (acknowledged.clone(), acked.clone(), lost_answers.clone());
        rushers.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap();
            let mut n = 0;
            let mut late = false;
            loop {
                let sent_at = Utc::now();
                let response = client
                    .post(format!("{base}/api/v1/contests/{contest}/ideas"))
                    .bearer_auth(&token)
                    .json(&json!({"title": format!("Idea {i}.{n}"), "summary": "s", "body": "b", "accept_terms": true}))
                    .send()
                    .await;
                let Ok(response) = response else {
                    // The server died with the request in flight: the idea may or may not be
                    // there, and the innovator was told nothing. Try again once it is back.
                    lost_answers.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                match status {
                    201 => {
                        assert!(sent_at < deadline, "an idea sent after the deadline was taken");
                        let id = body["id"].as_str().unwrap().to_owned();
                        acknowledged
                            .lock()
                            .await
                            .push((token.clone(), id, body["receipt"].clone()));
                        acked.fetch_add(1, Ordering::SeqCst);
                        n += 1;
                    }
                    409 if body["error"]["code"] == "submission_closed" => {
                        assert!(Utc::now() >= deadline, "closed before the deadline: {body}");
                        late = true;
                    }
                    409 if body["error"]["code"] == "entry_limit_reached" => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    429 | 503 => tokio::time::sleep(Duration::from_millis(20)).await,
                    _ => panic!("a submission answered {status}: {body}"),
                }
                if late {
                    break;
                }
            }
        }));
    }

    // Kill the server once the rush is well under way, and start it again at once.
    let rush_started = Instant::now();
    while acked.load(Ordering::SeqCst) < 40 {
        assert!(
            rush_started.elapsed() < Duration::from_secs(6),
            "the rush never got going"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    let acked_before_kill = acked.load(Ordering::SeqCst);
    server.restart().await;
    for rusher in rushers {
        rusher.await.unwrap();
    }
    let acknowledged = acknowledged.lock().await.clone();
    assert!(
        acknowledged.len() > acked_before_kill,
        "the rush went on after the restart ({acked_before_kill} before, {} in all)",
        acknowledged.len()
    );

    // Every acknowledged idea is there, submitted, with the receipt its author was given.
    for (token, id, receipt) in &acknowledged {
        let Reply { status, body: idea } = server
            .get(&format!("/api/v1/ideas/{id}"), Some(token))
            .await;
        assert_eq!(status, 200, "acknowledged idea {id} was lost");
        assert_eq!(idea["status"], "submitted");
        assert_eq!(&idea["receipt"]["sha256"], &receipt["sha256"], "{id}");
    }
    // And nothing else but the few whose answer died with the connection.
    use concours::store::schema::ideas;
    use diesel::prelude::*;
    let pool = concours::store::connect(&settings.database).unwrap();
    let rows: i64 = ideas::table
        .filter(ideas::contest_id.eq(&contest))
        .count()
        .get_result(&mut *pool.get().unwrap())
        .unwrap();
    let lost = lost_answers.load(Ordering::SeqCst) as i64;
    assert!(
        rows >= acknowledged.len() as i64 && rows <= acknowledged.len() as i64 + lost,
        "{rows} rows for {} acknowledged and {lost} unanswered submissions",
        acknowledged.len()
    );
    eprintln!(
        "{} acknowledged ({acked_before_kill} before the kill), {lost} answers lost, {rows} rows",
        acknowledged.len()
    );
    server.kill();
    server.assert_check();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_a_deadline_rush_loses_no_acknowledged_idea_sqlite() {
    killed_during_a_deadline_rush(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_a_deadline_rush_loses_no_acknowledged_idea_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    killed_during_a_deadline_rush(Backend::Postgres).await;
}

/// Killed just as the judging deadline passes, while the scheduler awards, then restarted: the
/// contest ends awarded exactly once and every invariant holds.
async fn killed_during_the_award(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let TestSettings {
        settings,
        database: _database,
    } = crate::helpers::test_settings(backend, dir.path());
    let mut server = Server::start(dir.path(), settings.database.url.expose_secret(), &[]).await;
    let innovator = server.account("inno@example.org").await;
    let t0 = Utc::now();
    let at =
        |s: i64| (t0 + chrono::Duration::seconds(s)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let rules = crate::helpers::rules_at(&at(1), &at(6), &at(9));
    let id = server.open_contest(rules).await.contest;
    while Utc::now() < t0 + chrono::Duration::seconds(1) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let Reply { status, body: idea } = server
        .post(
            &format!("/api/v1/contests/{id}/ideas"),
            Some(&innovator),
            json!({"title": "Only idea", "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await;
    assert_eq!(status, 201, "{idea}");

    // Kill the server just as the judging deadline passes, while the scheduler awards.
    let kill_at = t0
        + chrono::Duration::seconds(9)
        + chrono::Duration::milliseconds(i64::from(std::process::id() % 120));
    while Utc::now() < kill_at {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.restart().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let results = loop {
        let Reply { status, body } = server
            .get(&format!("/api/v1/contests/{id}/results"), None)
            .await;
        if status == 200 {
            break body;
        }
        assert!(
            Instant::now() < deadline,
            "the restarted server never awarded the contest"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let total: i64 = results["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount_cents"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 700_000);
    let audit = server
        .get(&format!("/api/v1/contests/{id}/audit"), None)
        .await
        .body;
    let awards = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "contest_awarded")
        .count();
    assert_eq!(awards, 1);
    server.kill();
    server.assert_check();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_the_award_awards_once_after_restart_sqlite() {
    killed_during_the_award(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_the_award_awards_once_after_restart_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    killed_during_the_award(Backend::Postgres).await;
}
