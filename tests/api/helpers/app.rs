//! The test harness: the real application on port 0 with a fresh database (a temporary SQLite
//! file, or a new PostgreSQL database dropped afterwards), a manual clock and a memory mailbox;
//! and the HTTP calls tests make to it.

use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use concours::clock::ManualClock;
use concours::config::{MailTransportKind, Settings};
use concours::mail::{MemoryMailbox, SentMail};
use concours::startup;
use concours::store::Pool;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::database::{Backend, TestDatabase, TestDatabaseGuard};

/// A test instance's settings, and the PostgreSQL database they point at (if any).
pub struct TestSettings {
    pub settings: Settings,
    /// Keep it as long as the settings are used: dropping it drops the database.
    pub database: Option<TestDatabaseGuard>,
}

/// Settings for a test instance: everything local, nothing from the environment.
pub fn test_settings(backend: Backend, dir: &std::path::Path) -> TestSettings {
    let mut settings = Settings::load_without_env(None).expect("defaults load");
    settings.server.bind = "127.0.0.1:0".into();
    settings.server.public_url = "http://concours.test".into();
    settings.server.workers = 1;
    settings.storage.data_dir = dir.join("data");
    settings.mail.transport = MailTransportKind::Memory;
    settings.mail.file_dir = dir.join("mail");
    // Tests read each person's mail at once; the spacing has its own test.
    settings.mail.per_recipient_interval_seconds = 0;
    settings.log.filter = std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into());
    settings.auth.jwt_secret = "a-test-secret-that-is-long-enough-0123456789".into();
    let guard = match backend {
        Backend::Sqlite => {
            settings.database.url =
                format!("sqlite://{}", dir.join("concours.db").display()).into();
            None
        }
        Backend::Postgres => {
            let db = TestDatabase::create();
            settings.database.url = db.url().into();
            settings.database.pool_size = 4;
            Some(TestDatabaseGuard(db))
        }
    };
    TestSettings {
        settings,
        database: guard,
    }
}

/// A running Concours for one test.
pub struct TestApp {
    pub address: String,
    pub backend: Backend,
    pub clock: ManualClock,
    pub mailbox: MemoryMailbox,
    pub worker: concours::mail::worker::Worker,
    pub scheduler: concours::jobs::Scheduler,
    pub pool: Pool,
    pub ctx: Arc<concours::app::Ctx>,
    pub settings: Settings,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
    server: actix_web::dev::ServerHandle,
    _database: Option<TestDatabaseGuard>,
}

/// The start of every test's clock: now, to the second.
pub fn test_epoch() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts an instance after `adjust` has changed its settings.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let TestSettings {
        mut settings,
        database,
    } = test_settings(backend, dir.path());
    adjust(&mut settings);
    concours::web::telemetry::init(&settings.log.filter, settings.log.format);
    let clock = ManualClock::new(test_epoch());
    let mailbox = MemoryMailbox::default();
    let settings_copy = settings.clone();
    let app = tokio::task::spawn_blocking({
        let clock = clock.clone();
        let mailbox = mailbox.clone();
        move || startup::build(settings, Arc::new(clock), mailbox)
    })
    .await
    .unwrap()
    .expect("the application builds");
    let handle = app.server.handle();
    tokio::spawn(app.server);
    TestApp {
        address: format!("http://127.0.0.1:{}", app.port),
        backend,
        clock,
        mailbox,
        worker: app.worker,
        scheduler: app.scheduler,
        ctx: app.state.ctx.clone(),
        pool: app.state.pool,
        settings: settings_copy,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        dir,
        server: handle,
        _database: database,
    }
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Answer {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts an API error: its status and its stable code.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Answer {
        let answer = self.expect(status);
        let body = answer.json();
        assert_eq!(body["error"]["code"], code, "body: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "body: {body}"
        );
        answer
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        Answer {
            status: response.status(),
            headers: response.headers().clone(),
            text: response.text().await.expect("body read"),
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Sends a raw body with the given content type.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent");
        Answer {
            status: response.status(),
            headers: response.headers().clone(),
            text: response.text().await.expect("body read"),
        }
    }

    /// Runs the mail worker until nothing is due (after queueing what fan-outs have pending,
    /// which the scheduler does on every tick).
    pub async fn deliver_mail(&self) {
        concours::app::notifications::run_fanouts(&self.ctx, &mut self.conn())
            .expect("fan-outs run");
        for _ in 0..100 {
            if self.worker.run_once().await.expect("mail delivery") == 0 {
                return;
            }
        }
        panic!("the outbox never drained");
    }

    /// Delivers mail, then returns the messages `to` received.
    pub async fn mail_to(&self, to: &str) -> Vec<SentMail> {
        self.deliver_mail().await;
        self.mailbox.to(to)
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub fn conn(&self) -> concours::store::PooledConnection {
        self.pool.get().expect("a connection")
    }

    /// The invariant checker must find nothing after every test.
    pub async fn assert_invariants(&self) {
        let pool = self.pool.clone();
        let violations = tokio::task::spawn_blocking(move || {
            concours::app::check::run(&mut pool.get().unwrap()).unwrap()
        })
        .await
        .unwrap();
        assert!(violations.is_empty(), "invariants broken: {violations:?}");
    }

    /// Runs `concours verify` on the contest at `path` over HTTP, as anyone would, and
    /// asserts that it verified.
    pub fn assert_verified_by_the_cli(&self, path: &str) {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_concours"))
            .current_dir(self.dir.path())
            .env("CONCOURS_LOG__FILTER", "warn")
            .args(["verify", &self.url(path)])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).starts_with("verified"));
    }

    pub async fn stop(&self) {
        self.server.stop(false).await;
    }
}
