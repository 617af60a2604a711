//! The outbox: delivery, stable Message-IDs, crash recovery, retries, two workers.

use chrono::Duration;
use concours::config::MailTransportKind;
use concours::domain::status::MailStatus;
use concours::mail::{self, Outgoing};
use concours::store::{self, write_tx};
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, spawn_app_with};

both_backends!(
    a_message_claimed_by_a_crashed_worker_is_sent_again_with_its_message_id,
    two_workers_never_send_the_same_message,
);

fn queue(app: &TestApp, to: &str) -> String {
    use concours::clock::Clock;
    let mut conn = app.conn();
    let now = app.clock.now();
    write_tx(&mut conn, |conn| {
        mail::enqueue(
            &app.ctx,
            conn,
            now,
            &Outgoing {
                template: "verify_email",
                to,
                locale: "en",
                context: json!({"display_name": "Test", "link": "http://concours.test/verify?token=x", "ttl_hours": 48}),
            },
        )
    })
    .unwrap()
    .expect("account mail is always queued")
}

async fn a_message_claimed_by_a_crashed_worker_is_sent_again_with_its_message_id(app: &TestApp) {
    use concours::clock::Clock;
    let id = queue(app, "crash@example.org");
    // A worker claims the message and dies before sending it.
    let now = app.clock.now();
    let lease = Duration::seconds(i64::from(app.settings.mail.claim_lease_seconds));
    let claimed = write_tx(&mut app.conn(), |conn| {
        store::outbox::claim_due(conn, store::to_db(now), store::to_db(now + lease), 10)
    })
    .unwrap();
    assert_eq!(claimed.len(), 1);
    // While its lease runs, no other worker touches it.
    assert_eq!(app.worker.run_once().await.unwrap(), 0);
    assert!(app.mailbox.messages().is_empty());
    // Once the lease has expired, it is sent, once, under its stable Message-ID.
    app.advance(lease + Duration::seconds(1));
    app.deliver_mail().await;
    let sent = app.mailbox.to("crash@example.org");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].message_id, format!("<{id}@concours.localhost>"));
    let row = store::outbox::find(&mut app.conn(), &id).unwrap().unwrap();
    assert_eq!(row.status, MailStatus::Sent);
    assert_eq!(row.attempts, 1);
    app.deliver_mail().await;
    assert_eq!(app.mailbox.to("crash@example.org").len(), 1);
}

async fn two_workers_never_send_the_same_message(app: &TestApp) {
    let ids: Vec<String> = (0..60)
        .map(|i| queue(app, &format!("p{i}@example.org")))
        .collect();
    let first = app.worker.clone();
    let second = app.worker.clone();
    let drain = |worker: concours::mail::worker::Worker| async move {
        let mut total = 0;
        loop {
            let n = worker.run_once().await.unwrap();
            if n == 0 {
                return total;
            }
            total += n;
        }
    };
    let (a, b) = tokio::join!(tokio::spawn(drain(first)), tokio::spawn(drain(second)));
    assert_eq!(a.unwrap() + b.unwrap(), 60);
    let sent = app.mailbox.messages();
    assert_eq!(sent.len(), 60);
    let mut message_ids: Vec<_> = sent.iter().map(|m| m.message_id.clone()).collect();
    message_ids.sort();
    message_ids.dedup();
    assert_eq!(message_ids.len(), 60, "a message was sent twice");
    for id in ids {
        assert_eq!(
            store::outbox::find(&mut app.conn(), &id)
                .unwrap()
                .unwrap()
                .status,
            MailStatus::Sent
        );
    }
}

/// An SMTP server that refuses connections: every attempt fails temporarily.
async fn with_unreachable_smtp(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.mail.transport = MailTransportKind::Smtp;
        s.mail.smtp_url = "smtp://127.0.0.1:1".into();
        s.mail.max_attempts = 3;
        s.mail.retry_base_ms = 60_000;
    })
    .await;
    let id = queue(&app, "retry@example.org");
    assert_eq!(app.worker.run_once().await.unwrap(), 1);
    let row = store::outbox::find(&mut app.conn(), &id).unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
    assert!(row.last_error.is_some());
    // Not due again before its backoff (60 s ± 25 %)...
    app.advance(Duration::seconds(40));
    assert_eq!(app.worker.run_once().await.unwrap(), 0);
    // ...but after it.
    app.advance(Duration::seconds(40));
    assert_eq!(app.worker.run_once().await.unwrap(), 1);
    let row = store::outbox::find(&mut app.conn(), &id).unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 2));
    // The second wait is about twice as long; the third failure is the last.
    app.advance(Duration::seconds(160));
    assert_eq!(app.worker.run_once().await.unwrap(), 1);
    let row = store::outbox::find(&mut app.conn(), &id).unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("failed", 3));
    app.advance(Duration::hours(10));
    assert_eq!(app.worker.run_once().await.unwrap(), 0);
    // An admin retries it (`concours mail retry`): it is queued again, due now.
    use concours::clock::Clock;
    assert!(store::outbox::retry(&mut app.conn(), &id, store::to_db(app.clock.now())).unwrap());
    assert_eq!(app.worker.run_once().await.unwrap(), 1);
    app.assert_invariants().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_failures_are_retried_with_backoff_then_given_up_sqlite() {
    with_unreachable_smtp(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_failures_are_retried_with_backoff_then_given_up_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    with_unreachable_smtp(Backend::Postgres).await;
}

async fn with_file_transport(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.mail.transport = MailTransportKind::File).await;
    let id = queue(&app, "file@example.org");
    app.deliver_mail().await;
    let files: Vec<_> = std::fs::read_dir(&app.settings.mail.file_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        eml.contains(&format!("Message-ID: <{id}@concours.localhost>")),
        "{eml}"
    );
    assert!(eml.contains("To: file@example.org"), "{eml}");
    assert!(eml.contains("Subject: Verify your email address"), "{eml}");
    assert!(
        eml.contains("text/plain") && eml.contains("text/html"),
        "{eml}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_transport_writes_one_eml_per_message_sqlite() {
    with_file_transport(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_transport_writes_one_eml_per_message_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    with_file_transport(Backend::Postgres).await;
}
