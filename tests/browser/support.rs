//! The harness of the browser tests: the real application on a free port (a temporary SQLite
//! file, or a fresh PostgreSQL database) with a manual clock and a memory mailbox, as
//! tests/api/helpers/app.rs starts it; and headless Chromium driven through a chromedriver this
//! test starts and stops, with a screenshot of every step and the checks every page must pass.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, SubsecRound, Utc};
use concours::clock::ManualClock;
use concours::config::MailTransportKind;
use concours::mail::MemoryMailbox;
use diesel::{Connection, RunQueryDsl};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery";

/// Whether the calling PostgreSQL test should return at once without running, as in the API
/// tests (tests/api/helpers/database.rs): true when no `TEST_POSTGRES_URL` is set, unless
/// `REQUIRE_POSTGRES` (set by scripts/test.sh) or `CI` is, where a missing URL still fails.
/// The first test to skip writes one notice for the run straight to stderr.
pub fn skip_postgres() -> bool {
    if std::env::var_os("TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        return false;
    }
    let required = ["REQUIRE_POSTGRES", "CI"].iter().any(|key| {
        std::env::var(key).is_ok_and(|value| !matches!(value.trim(), "" | "0" | "false"))
    });
    assert!(
        !required,
        "TEST_POSTGRES_URL is not set, and REQUIRE_POSTGRES or CI says the PostgreSQL tests must \
         run: start one (scripts/test.sh does) and point TEST_POSTGRES_URL at it"
    );
    static NOTICE: std::sync::Once = std::sync::Once::new();
    NOTICE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTE: TEST_POSTGRES_URL is not set: the browser tests' PostgreSQL half (`..._postgres`) \
             is SKIPPED and reports `ok` without running. To run it too: scripts/test.sh, or \
             TEST_POSTGRES_URL=postgres://user@host:port/db cargo test\n"
        );
    });
    true
}

/// A PostgreSQL database that exists for one test and is dropped after it.
struct TestDatabase {
    admin_url: String,
    name: String,
}

impl TestDatabase {
    fn create() -> TestDatabase {
        let admin_url = std::env::var("TEST_POSTGRES_URL").expect(
            "TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, or point it at a \
             PostgreSQL server whose user may create databases",
        );
        let name = format!("concours_browser_{}", uuid::Uuid::new_v4().simple());
        let mut conn = diesel::PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create the test database");
        TestDatabase { admin_url, name }
    }

    fn url(&self) -> String {
        let base = self
            .admin_url
            .rsplit_once('/')
            .map_or(&*self.admin_url, |(b, _)| b);
        format!("{base}/{}", self.name)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            let _ = diesel::sql_query(drop).execute(&mut conn);
        }
    }
}

/// A running Concours for one test.
pub struct TestApp {
    pub address: String,
    pub public_url: String,
    pub clock: ManualClock,
    pub mailbox: MemoryMailbox,
    pub worker: concours::mail::worker::Worker,
    pub scheduler: concours::jobs::Scheduler,
    pub pool: concours::store::Pool,
    pub ctx: Arc<concours::app::Ctx>,
    server: actix_web::dev::ServerHandle,
    _database: Option<TestDatabase>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings =
            concours::config::Settings::load_without_env(None).expect("defaults load");
        settings.server.bind = "127.0.0.1:0".into();
        settings.server.public_url = "http://concours.test".into();
        settings.server.workers = 2;
        settings.storage.data_dir = dir.path().join("data");
        settings.mail.transport = MailTransportKind::Memory;
        settings.mail.file_dir = dir.path().join("mail");
        settings.mail.per_recipient_interval_seconds = 0;
        settings.log.filter = std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into());
        settings.auth.jwt_secret = "a-test-secret-that-is-long-enough-0123456789".into();
        let database = match backend {
            Backend::Sqlite => {
                let file = dir.path().join("concours.db");
                settings.database.url = format!("sqlite://{}", file.display()).into();
                None
            }
            Backend::Postgres => {
                let db = TestDatabase::create();
                settings.database.url = db.url().into();
                settings.database.pool_size = 4;
                Some(db)
            }
        };
        concours::web::telemetry::init(&settings.log.filter, settings.log.format);
        let public_url = settings.server.public_url.clone();
        let clock = ManualClock::new(Utc::now().trunc_subsecs(0));
        let mailbox = MemoryMailbox::default();
        let app = tokio::task::spawn_blocking({
            let (clock, mailbox) = (clock.clone(), mailbox.clone());
            move || concours::startup::build(settings, Arc::new(clock), mailbox)
        })
        .await
        .unwrap()
        .expect("the application builds");
        let server = app.server.handle();
        tokio::spawn(app.server);
        TestApp {
            address: format!("http://127.0.0.1:{}", app.port),
            public_url,
            clock,
            mailbox,
            worker: app.worker,
            scheduler: app.scheduler,
            ctx: app.state.ctx.clone(),
            pool: app.state.pool,
            server,
            _database: database,
            _dir: dir,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        use concours::clock::Clock;
        self.clock.now()
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Runs the scheduler once (phase transitions, awards at the judging deadline).
    pub async fn tick(&self) {
        self.scheduler.tick().await.expect("the scheduler ticks");
    }

    pub fn conn(&self) -> concours::store::PooledConnection {
        self.pool.get().expect("a connection")
    }

    /// Sends what is due, then returns the link in the last mail `to` received whose path
    /// starts with `path`, pointed at this server.
    pub async fn link_in_mail(&self, to: &str, path: &str) -> String {
        concours::app::notifications::run_fanouts(&self.ctx, &mut self.conn())
            .expect("fan-outs run");
        while self.worker.run_once().await.expect("mail delivery") > 0 {}
        let needle = format!("{}{path}", self.public_url);
        let mails = self.mailbox.to(to);
        let link = mails
            .iter()
            .rev()
            .find_map(|mail| {
                mail.text
                    .split_whitespace()
                    .find(|word| word.starts_with(&needle))
            })
            .unwrap_or_else(|| panic!("no mail to {to} with a link to {path}: {mails:#?}"));
        let link = link.trim_end_matches(['.', ',', ')', '>']);
        link.replacen(&self.public_url, &self.address, 1)
    }

    pub fn grant_admin(&self, email: &str) {
        concours::app::accounts::grant_admin(&mut self.conn(), email).expect("admin granted");
    }

    /// The invariant checker finds nothing, then the server stops.
    pub async fn finish(self) {
        let pool = self.pool.clone();
        let violations = tokio::task::spawn_blocking(move || {
            concours::app::check::run(&mut pool.get().unwrap()).unwrap()
        })
        .await
        .unwrap();
        assert!(violations.is_empty(), "invariants broken: {violations:?}");
        self.server.stop(false).await;
    }
}

/// A chromedriver this test started; stopped (with its browser) when dropped, even on panic.
struct Driver {
    child: Child,
    port: u16,
    session: Option<String>,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Ends the session first, so that Chromium exits with its driver.
        if let Some(session) = &self.session
            && let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port))
        {
            let _ = stream.set_read_timeout(Some(StdDuration::from_secs(10)));
            let request = format!(
                "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let _ = stream.read_to_end(&mut Vec::new());
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Where screenshots go: `$CONCOURS_ARTIFACTS`, else `browser-artifacts` in the target folder.
pub fn artifacts_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CONCOURS_ARTIFACTS") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            // target/debug/deps/browser-… → target
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.parent()?.to_path_buf())
        })
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("browser-artifacts")
}

/// Removes the screenshots a previous run of this test left (numbers `first + 1..first + 50`
/// for this suffix), so that the folder shows one run.
fn remove_old_shots(dir: &std::path::Path, suffix: &str, first: u32) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let number = name.get(..2).and_then(|n| n.parse::<u32>().ok());
        if name.ends_with(&format!("-{suffix}.png"))
            && number.is_some_and(|n| n > first && n <= first + 50)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Every catalogue key with an underscore (`nav_sign_in`): none may show as text on a page.
fn catalogue_keys() -> BTreeSet<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("locales");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("the locales folder") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines() {
                if let Some((key, _)) = line.split_once('=') {
                    let key = key.trim();
                    if key.contains('_')
                        && key
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    {
                        keys.insert(key.to_owned());
                    }
                }
            }
        }
    }
    assert!(keys.len() > 50, "the catalogues were read: {keys:?}");
    keys
}

/// What the page checks read from the DOM in one round trip.
const PAGE_STATE: &str = r#"
const attributes = [];
for (const el of document.querySelectorAll('*')) {
  for (const a of el.attributes) {
    if (a.name.startsWith('on')) attributes.push(el.tagName + '[' + a.name + ']');
  }
}
return {
  url: location.href,
  text: document.body ? document.body.innerText : '',
  html: document.documentElement.outerHTML,
  scripts: Array.from(document.querySelectorAll('script')).map(s => s.getAttribute('src') || '(inline) ' + s.textContent.slice(0, 80)),
  handlers: attributes,
  styled: Array.from(document.querySelectorAll('[style]')).map(e => e.tagName),
  pwned: window.__pwned !== undefined,
  ready: document.readyState,
};
"#;

/// Headless Chromium for one test.
pub struct Browser {
    pub client: Client,
    base: String,
    suffix: String,
    step: u32,
    artifacts: PathBuf,
    keys: BTreeSet<String>,
    /// The visible text of the page the last check passed.
    checked: std::sync::Mutex<String>,
    driver: Driver,
}

impl Browser {
    /// Starts chromedriver and a fresh Chromium (laptop size). `lang` sets the browser's
    /// Accept-Language; screenshots are numbered from `first_step + 1` and end with `suffix`
    /// (a multiple of 50 starts a test: its old screenshots are removed).
    pub async fn start(app: &TestApp, lang: &str, suffix: &str, first_step: u32) -> Browser {
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {chromedriver} ({e}): install it with scripts/deps.sh")
            });
        let profile = tempfile::tempdir().expect("a profile folder");
        let mut driver = Driver {
            child,
            port,
            session: None,
            _profile: profile,
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < StdDuration::from_secs(30),
                "chromedriver did not listen"
            );
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--hide-scrollbars",
                    format!("--lang={lang}"),
                    format!("--user-data-dir={}", driver._profile.path().display()),
                ],
                "prefs": {"intl.accept_languages": lang},
            }),
        );
        // rustls, with its provider chosen here: the dependency graph enables two (ring through
        // lettre, aws-lc-rs through reqwest), so it has no default to pick. (native-tls would
        // need OpenSSL's headers to build, which a fresh machine lacks.)
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("rustls client")
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session");
        driver.session = Some(client.session_id().await.unwrap().expect("a session id"));
        client
            .set_window_size(1280, 900)
            .await
            .expect("window size");
        let artifacts = artifacts_dir();
        std::fs::create_dir_all(&artifacts).expect("the artifacts folder");
        if first_step.is_multiple_of(50) {
            remove_old_shots(&artifacts, suffix, first_step);
        }
        Browser {
            client,
            base: app.address.clone(),
            suffix: suffix.to_owned(),
            step: first_step,
            artifacts,
            keys: catalogue_keys(),
            checked: std::sync::Mutex::new(String::new()),
            driver,
        }
    }

    /// Closes the session; the driver stops when the browser is dropped.
    pub async fn close(mut self) {
        let client = self.client.clone();
        if client.close().await.is_ok() {
            self.driver.session = None;
        }
    }

    /// The number of the last screenshot (a second browser goes on from it).
    pub fn step(&self) -> u32 {
        self.step
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The path (and query) of the current page.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Opens a page of the site, then checks it.
    pub async fn goto(&mut self, path: &str) -> String {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            self.url(path)
        };
        self.client.goto(&url).await.expect("navigation");
        self.check().await
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("no {css} on {}: {e}", self.path().await),
        }
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap()
            .is_empty()
    }

    /// Types into a field, as a person does (after emptying it). Typing goes key by key
    /// through chromedriver, which is slow: longer texts are pasted (set by script, with the
    /// `input` event a paste fires), then their last character typed.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("the field clears");
        let split = if text.chars().count() > 32 {
            text.char_indices().last().map_or(0, |(i, _)| i)
        } else {
            0
        };
        let (pasted, typed) = text.split_at(split);
        if !pasted.is_empty() {
            self.client
                .execute(
                    "arguments[0].value = arguments[1]; \
                     arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                    vec![serde_json::to_value(&field).unwrap(), json!(pasted)],
                )
                .await
                .expect("text pasted");
        }
        field.send_keys(typed).await.expect("typing");
    }

    /// Sets a field's value by script: for `datetime-local` inputs, whose typing depends on
    /// the browser's locale.
    pub async fn set_value(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        self.client
            .execute(
                "arguments[0].value = arguments[1]; \
                 arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                vec![serde_json::to_value(field).unwrap(), json!(value)],
            )
            .await
            .expect("value set");
    }

    /// Ticks a checkbox if it is not ticked.
    pub async fn tick(&self, css: &str) {
        let checkbox = self.find(css).await;
        if !checkbox.is_selected().await.unwrap() {
            checkbox.click().await.expect("ticked");
        }
    }

    /// Clicks (a link or a button), waits for the next page, checks it.
    pub async fn click(&mut self, css: &str) -> String {
        let element = self.find(css).await;
        self.mark_page().await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
        self.wait_loaded().await;
        self.check().await
    }

    /// Marks the current document, so that [`Browser::wait_loaded`] waits for another one.
    pub async fn mark_page(&self) {
        self.client
            .execute("window.__concoursOldPage = true", vec![])
            .await
            .expect("the page is marked");
    }

    /// Waits until a new document (not the marked one) is loaded.
    pub async fn wait_loaded(&self) {
        let started = Instant::now();
        loop {
            let state = self
                .client
                .execute(
                    "return window.__concoursOldPage ? 'old' : document.readyState",
                    vec![],
                )
                .await;
            if matches!(state, Ok(Value::String(s)) if s == "complete") {
                return;
            }
            if started.elapsed() > StdDuration::from_secs(30) {
                panic!("no new page after 30 s; still at {}", self.path().await);
            }
            tokio::time::sleep(StdDuration::from_millis(25)).await;
        }
    }

    /// Waits for the page after a marked one (see [`Browser::mark_page`]), which must have
    /// `part` in its address (after a submission by keyboard).
    pub async fn wait_for_url(&self, part: &str) {
        self.wait_loaded().await;
        let path = self.path().await;
        assert!(path.contains(part), "expected a URL with {part}, at {path}");
        self.check().await;
    }

    /// The checks every page passes; returns its visible text.
    pub async fn check(&self) -> String {
        let state = self
            .client
            .execute(PAGE_STATE, vec![])
            .await
            .expect("the page state");
        let url = state["url"].as_str().unwrap_or_default().to_owned();
        let text = state["text"].as_str().unwrap_or_default().to_owned();
        let html = state["html"].as_str().unwrap_or_default();
        for marker in ["Something went wrong", "{{", "{%", "%}", "}}"] {
            assert!(!text.contains(marker), "{url} shows {marker:?}:\n{text}");
        }
        assert!(
            !html.contains("{{") && !html.contains("{%"),
            "{url} has template syntax in its HTML"
        );
        let raw: Vec<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|word| self.keys.contains(*word))
            .collect();
        assert!(
            raw.is_empty(),
            "{url} shows raw catalogue keys {raw:?}:\n{text}"
        );
        // Anything shaped like a key (`lower_case_words`) is suspect too.
        let shaped: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || ",.;:()[]«»\"'".contains(c))
            .filter(|w| {
                w.contains('_')
                    && !w.starts_with('_')
                    && !w.ends_with('_')
                    && w.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
            .collect();
        assert!(
            shaped.is_empty(),
            "{url} shows key-like words {shaped:?}:\n{text}"
        );
        assert_eq!(state["pwned"], json!(false), "{url}: injected script ran");
        for script in state["scripts"].as_array().unwrap() {
            let src = script.as_str().unwrap();
            assert!(
                src.starts_with("/assets/") && src.ends_with(".js"),
                "{url}: a script that is not ours: {src}"
            );
        }
        assert_eq!(
            state["handlers"],
            json!([]),
            "{url}: event-handler attributes in the DOM"
        );
        assert_eq!(
            state["styled"],
            json!([]),
            "{url}: inline styles, which the CSP blocks"
        );
        text.clone_into(&mut self.checked.lock().unwrap());
        text
    }

    /// Asserts that the page last loaded (and checked) shows every one of `texts`.
    pub async fn expect(&self, texts: &[&str]) -> String {
        let text = self.checked.lock().unwrap().clone();
        let url = self.path().await;
        for wanted in texts {
            assert!(
                text.contains(wanted),
                "{url} does not show {wanted:?}:\n{text}"
            );
        }
        text
    }

    /// Saves a screenshot `NN-name-<backend>.png`.
    pub async fn shot(&mut self, name: &str) {
        self.step += 1;
        let png = self.client.screenshot().await.expect("a screenshot");
        let file = self
            .artifacts
            .join(format!("{:02}-{name}-{}.png", self.step, self.suffix));
        std::fs::write(&file, png).expect("the screenshot is saved");
    }

    /// The page fits a phone's width: nothing scrolls sideways.
    pub async fn fits(&self, width: u32) {
        if let Some(problem) = self.overflow(width).await {
            panic!("{problem}");
        }
    }

    /// What scrolls sideways at this width, if anything.
    pub async fn overflow(&self, width: u32) -> Option<String> {
        let sizes = self
            .client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth, \
                 Array.from(document.querySelectorAll('body *')).filter(e => \
                 e.getBoundingClientRect().right > window.innerWidth + 1 && \
                 getComputedStyle(e).position !== 'fixed').slice(0, 3).map(e => \
                 e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + \
                 ' \"' + e.innerText.slice(0, 60) + '\"')]",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
        (scroll > inner).then(|| {
            format!(
                "scrolls sideways at {width}px: {scroll} > {inner}; too wide: {}",
                sizes[2]
            )
        })
    }

    /// Signs in through the sign-in page (from wherever the browser is).
    pub async fn sign_in(&mut self, email: &str) -> String {
        if !self.path().await.starts_with("/login") {
            self.goto("/login").await;
        }
        self.fill("#email", email).await;
        self.fill("#password", PASSWORD).await;
        let text = self
            .click("form[action=\"/login\"] button[type=submit]")
            .await;
        assert!(
            !self.path().await.starts_with("/login"),
            "{email} could not sign in:\n{text}"
        );
        text
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&mut self) {
        self.click("form[action=\"/logout\"] button").await;
        assert!(self.exists("a[href=\"/login\"]").await, "signed out");
    }

    /// Registers through the registration page and verifies through the mailed link.
    pub async fn register(&mut self, app: &TestApp, email: &str, name: &str, shots: bool) {
        self.goto("/register").await;
        self.fill("#email", email).await;
        self.fill("#display_name", name).await;
        self.fill("#password", PASSWORD).await;
        if shots {
            self.shot("register-form").await;
        }
        self.click("form[action=\"/register\"] button[type=submit]")
            .await;
        // A sign-up signs the person in (issue 19); the callers go on signed out, as before.
        assert!(self.exists("form[action=\"/logout\"]").await, "signed in");
        let link = app.link_in_mail(email, "/verify?token=").await;
        self.goto(&link).await;
        if shots {
            self.shot("verify-form").await;
        }
        self.click("form[action=\"/verify\"] button[type=submit]")
            .await;
        self.expect(&["is verified"]).await;
        if shots {
            self.shot("verified").await;
        }
        self.sign_out().await;
    }
}
