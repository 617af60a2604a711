//! The real program, as deployed: a `concours serve` process in a folder of its own, called
//! over HTTP and killed with SIGKILL, for the crash tests.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The binary under test, with no `CONCOURS_*` setting inherited from the test's environment.
pub fn concours() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concours"));
    for (key, _) in std::env::vars() {
        if key.starts_with("CONCOURS_") {
            command.env_remove(key);
        }
    }
    command.env("CONCOURS_LOG__FILTER", "warn");
    command
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `concours serve` process on a free port.
pub struct Server {
    child: Option<Child>,
    dir: PathBuf,
    database_url: String,
    port: u16,
    settings: Vec<(String, String)>,
    pub base: String,
    client: reqwest::Client,
}

impl Server {
    /// Starts the server in `dir` on `database_url`, with these `CONCOURS_*` settings on top of
    /// the test defaults (unverified sign-in allowed, a fast scheduler), and waits until healthy.
    pub async fn start(dir: &Path, database_url: &str, settings: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut server = Server {
            child: None,
            dir: dir.to_owned(),
            database_url: database_url.to_owned(),
            port,
            settings: settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
        };
        server.spawn().await;
        server
    }

    async fn spawn(&mut self) {
        let mut command = concours();
        command
            .current_dir(&self.dir)
            .env("CONCOURS_SERVER__BIND", format!("127.0.0.1:{}", self.port))
            .env("CONCOURS_DATABASE__URL", &self.database_url)
            .env("CONCOURS_AUTH__REQUIRE_VERIFIED_EMAIL", "false")
            .env("CONCOURS_JOBS__TICK_MS", "50")
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (key, value) in &self.settings {
            command.env(key, value);
        }
        self.child = Some(command.spawn().unwrap());
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self
            .client
            .get(format!("{}/healthz", self.base))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            assert!(Instant::now() < deadline, "the server never became healthy");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Starts the program again on the same port, database and folder.
    pub async fn restart(&mut self) {
        self.kill();
        self.spawn().await;
    }

    /// A call: (status, JSON body or null).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        Reply {
            status,
            body: response.json::<Value>().await.unwrap_or(Value::Null),
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(reqwest::Method::GET, path, token, Value::Null)
            .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(reqwest::Method::POST, path, token, body).await
    }

    /// Registers `email` and signs in: the session token.
    pub async fn account(&self, email: &str) -> String {
        let Reply { status, body } = self
            .post(
                "/api/v1/auth/register",
                None,
                json!({"email": email, "password": "0123456789", "display_name": email.split('@').next()}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        // Verified, as the inbox link would: an unverified account creates no organisation
        // and mails nobody (finding 16.12).
        let mut settings = concours::config::Settings::load_without_env(None).unwrap();
        settings.database.url = self.database_url.clone().into();
        let pool = concours::store::connect(&settings.database).unwrap();
        concours::store::users::mark_verified(
            &mut pool.get().unwrap(),
            body["id"].as_str().unwrap(),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
        let Reply {
            status,
            body: login,
        } = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": "0123456789"}),
            )
            .await;
        assert_eq!(status, 200, "{login}");
        login["token"].as_str().unwrap().to_owned()
    }

    /// Runs another command of the program on the same database and folder.
    pub fn command(&self, args: &[&str]) -> Output {
        concours()
            .current_dir(&self.dir)
            .env("CONCOURS_DATABASE__URL", &self.database_url)
            .args(args)
            .output()
            .unwrap()
    }

    /// `concours check`: every invariant of the database holds.
    pub fn assert_check(&self) {
        let check = self.command(&["check"]);
        assert!(
            check.status.success(),
            "{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }

    /// A brand owner and an admin; a contest with these rules, funded, its escrow confirmed, a
    /// juror invited, opened.
    pub async fn open_contest(&self, rules: Value) -> ServedContest {
        let owner = self.account("owner@acme.example").await;
        let admin = self.account("admin@concours.example").await;
        let granted = self.command(&["admin", "grant", "admin@concours.example"]);
        assert!(granted.status.success());
        let org = self
            .post(
                "/api/v1/organizations",
                Some(&owner),
                json!({"name": "Acme"}),
            )
            .await
            .body;
        let pool: i64 = rules["prizes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["amount_cents"].as_i64().unwrap())
            .sum();
        let Reply { status, body: contest } = self
            .post(
                "/api/v1/contests",
                Some(&owner),
                json!({"organization_id": org["id"], "title": "Served", "brief": "b", "rules": rules}),
            )
            .await;
        assert_eq!(status, 201, "{contest}");
        let id = contest["id"].as_str().unwrap().to_owned();
        let funding = self
            .post(
                &format!("/api/v1/contests/{id}/fundings"),
                Some(&owner),
                json!({"amount_cents": pool, "reference": "W"}),
            )
            .await
            .body;
        let status = self
            .post(
                &format!(
                    "/api/v1/admin/fundings/{}/confirm",
                    funding["id"].as_str().unwrap()
                ),
                Some(&admin),
                json!({}),
            )
            .await
            .status;
        assert_eq!(status, 200);
        self.post(
            &format!("/api/v1/contests/{id}/jurors"),
            Some(&owner),
            json!({"email": "juror@jury.example"}),
        )
        .await;
        let Reply {
            status,
            body: opened,
        } = self
            .post(
                &format!("/api/v1/contests/{id}/open"),
                Some(&owner),
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{opened}");
        ServedContest {
            owner,
            admin,
            contest: id,
        }
    }
}

/// What the server answered: its status, and its body as JSON (`null` when it is not JSON).
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

/// The contest [`Server::open_contest`] opened, and who opened it.
#[allow(
    dead_code,
    reason = "the crash tests read only the contest; the tokens are for others"
)]
pub struct ServedContest {
    /// The owner's token.
    pub owner: String,
    /// The admin's token (the admin who confirmed the escrow).
    pub admin: String,
    pub contest: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
