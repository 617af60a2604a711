//! Mail through a real SMTP server (aiosmtpd, installed by the test command): temporary
//! refusals retried until each message arrives once, two workers that never send the same
//! message, and a worker killed in the middle of sending whose messages all arrive, each at
//! most twice (only those in flight), recognisably by their Message-ID.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use concours::clock::Clock;
use concours::config::MailTransportKind;
use concours::mail::{self, Outgoing};
use concours::store::{self, write_tx};
use secrecy::ExposeSecret;
use serde_json::json;

use crate::helpers::{Backend, TestApp, spawn_app_with};

/// An aiosmtpd server on a free port, killed when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl SmtpServer {
    fn start(dir: &Path, fail_first: u32, delay_secs: f64) -> SmtpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", &port.to_string()])
            .arg("--dir")
            .arg(dir)
            .args(["--fail-first", &fail_first.to_string()])
            .args(["--delay", &delay_secs.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/deps.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        SmtpServer {
            child,
            port,
            dir: dir.to_owned(),
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// How many times each Message-ID arrived.
    fn received(&self) -> BTreeMap<String, usize> {
        let mut seen = BTreeMap::new();
        for entry in std::fs::read_dir(&self.dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "eml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let id = text
                .lines()
                .find_map(|l| l.strip_prefix("Message-ID: "))
                .expect("every message has a Message-ID")
                .trim()
                .to_owned();
            *seen.entry(id).or_insert(0) += 1;
        }
        seen
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn queue(app: &TestApp, count: usize) -> Vec<String> {
    let now = app.clock.now();
    (0..count)
        .map(|i| {
            write_tx(&mut app.conn(), |conn| {
                mail::enqueue(
                    &app.ctx,
                    conn,
                    now,
                    &Outgoing {
                        template: "verify_email",
                        to: &format!("person{i}@example.org"),
                        locale: "en",
                        context: json!({"display_name": "P", "link": "http://concours.test/verify?token=x", "ttl_hours": 48}),
                    },
                )
            })
            .unwrap()
            .unwrap()
        })
        .collect()
}

fn message_id(app: &TestApp, id: &str) -> String {
    format!("<{id}@{}>", app.settings.mail.message_id_domain)
}

async fn refused_then_accepted(backend: Backend) {
    let folder = tempfile::tempdir().unwrap();
    // The server refuses the first three messages with 451, then accepts.
    let server = SmtpServer::start(folder.path(), 3, 0.0);
    let app = spawn_app_with(backend, |s| {
        s.mail.transport = MailTransportKind::Smtp;
        s.mail.smtp_url = server.url().into();
        s.mail.retry_base_ms = 1000;
    })
    .await;
    let ids = queue(&app, 5);
    app.worker.run_once().await.unwrap();
    let first = server.received();
    assert_eq!(first.len(), 2, "{first:?}");
    for _ in 0..5 {
        app.advance(Duration::seconds(5));
        app.worker.run_once().await.unwrap();
    }
    let received = server.received();
    assert_eq!(received.len(), 5, "{received:?}");
    for id in &ids {
        assert_eq!(received.get(&message_id(&app, id)), Some(&1), "{id}");
        let row = store::outbox::find(&mut app.conn(), id).unwrap().unwrap();
        assert_eq!(row.status, concours::domain::status::MailStatus::Sent);
    }
    app.assert_invariants().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_smtp_refusals_are_retried_and_each_message_arrives_once_sqlite() {
    refused_then_accepted(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_smtp_refusals_are_retried_and_each_message_arrives_once_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    refused_then_accepted(Backend::Postgres).await;
}

async fn two_workers(backend: Backend) {
    let folder = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(folder.path(), 0, 0.0);
    let app = spawn_app_with(backend, |s| {
        s.mail.transport = MailTransportKind::Smtp;
        s.mail.smtp_url = server.url().into();
        s.mail.batch_size = 7;
    })
    .await;
    let ids = queue(&app, 40);
    let drain = |worker: concours::mail::worker::Worker| async move {
        while worker.run_once().await.unwrap() > 0 {}
    };
    let (a, b) = tokio::join!(
        tokio::spawn(drain(app.worker.clone())),
        tokio::spawn(drain(app.worker.clone()))
    );
    a.unwrap();
    b.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 40);
    assert!(received.values().all(|n| *n == 1), "{received:?}");
    for id in &ids {
        assert!(received.contains_key(&message_id(&app, id)));
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_database_send_each_message_once_sqlite() {
    two_workers(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_database_send_each_message_once_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    two_workers(Backend::Postgres).await;
}

/// `concours worker` as its own process, on the test's database and SMTP server.
/// Messages a worker process sends at once: as many may be in flight when it is killed.
const WORKER_CONCURRENCY: usize = 4;

fn worker_process(app: &TestApp, server: &SmtpServer) -> Child {
    crate::helpers::concours()
        .current_dir(app.dir.path())
        .env(
            "CONCOURS_DATABASE__URL",
            app.settings.database.url.expose_secret(),
        )
        .env("CONCOURS_MAIL__TRANSPORT", "smtp")
        .env("CONCOURS_MAIL__SMTP_URL", server.url())
        .env(
            "CONCOURS_MAIL__MESSAGE_ID_DOMAIN",
            &app.settings.mail.message_id_domain,
        )
        .env("CONCOURS_MAIL__CLAIM_LEASE_SECONDS", "2")
        .env("CONCOURS_MAIL__POLL_MS", "100")
        .env("CONCOURS_MAIL__CONCURRENCY", WORKER_CONCURRENCY.to_string())
        .arg("worker")
        .stdout(Stdio::null())
        .spawn()
        .expect("the concours binary")
}

async fn killed_while_sending(backend: Backend) {
    let folder = tempfile::tempdir().unwrap();
    // Each message takes the server a moment: the worker is killed in the middle of the batch.
    let server = SmtpServer::start(folder.path(), 0, 0.15);
    let app = spawn_app_with(backend, |_| {}).await;
    let ids = queue(&app, 20);
    let mut first = worker_process(&app, &server);
    let started = Instant::now();
    while server.received().len() < 4 {
        assert!(
            started.elapsed() < StdDuration::from_secs(30),
            "nothing sent"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let after_kill = server.received().len();
    assert!(after_kill < 20, "the worker finished before it was killed");
    // A new worker takes over once the dead one's leases expire.
    let mut second = worker_process(&app, &server);
    let started = Instant::now();
    loop {
        let pending: i64 = {
            use concours::store::schema::outbox;
            use diesel::prelude::*;
            outbox::table
                .filter(outbox::status.ne("sent"))
                .count()
                .get_result(&mut *app.conn())
                .unwrap()
        };
        if pending == 0 {
            break;
        }
        assert!(
            started.elapsed() < StdDuration::from_secs(60),
            "{pending} messages never sent"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    let received = server.received();
    for id in &ids {
        assert!(
            received.contains_key(&message_id(&app, id)),
            "{id} was never delivered"
        );
    }
    // Only the messages in flight when the worker died may arrive again (same Message-ID, so
    // recognisably), and only once more.
    let duplicates: Vec<_> = received.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        duplicates.len() <= WORKER_CONCURRENCY && duplicates.iter().all(|(_, n)| **n == 2),
        "at most the {WORKER_CONCURRENCY} messages in flight may arrive twice: {duplicates:?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_while_sending_loses_nothing_and_duplicates_at_most_one_sqlite() {
    killed_while_sending(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_while_sending_loses_nothing_and_duplicates_at_most_one_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    killed_while_sending(Backend::Postgres).await;
}
