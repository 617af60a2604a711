//! The command line, run as a user would: the real binary in a folder of its own.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;

use crate::helpers::{Backend, TestSettings, concours, free_port, spawn_app};

#[test]
fn help_explains_every_command() {
    let output = concours().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for command in [
        "serve", "worker", "migrate", "admin", "check", "mail", "--config",
    ] {
        assert!(
            help.contains(command),
            "--help does not mention {command}:\n{help}"
        );
    }
    let output = concours().args(["admin", "--help"]).output().unwrap();
    assert!(String::from_utf8(output.stdout).unwrap().contains("grant"));
}

#[test]
fn a_bad_setting_stops_the_program_and_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = concours()
        .current_dir(dir.path())
        .env("CONCOURS_JOBS__TICK_MS", "soon")
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("jobs.tick_ms"), "{stderr}");

    let output = concours()
        .current_dir(dir.path())
        .args(["--config", "missing.toml", "migrate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("missing.toml")
    );
}

/// The README's first command: `concours serve` in an empty folder serves /healthz on SQLite,
/// generates and keeps its secret, and sessions survive a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_on_an_empty_folder_just_works() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let start = || {
        concours()
            .current_dir(dir.path())
            .env("CONCOURS_SERVER__BIND", format!("127.0.0.1:{port}"))
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let wait_healthy = |client: reqwest::Client, base: String| async move {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = client.get(format!("{base}/healthz")).send().await
                && r.status() == 200
            {
                return r.json::<serde_json::Value>().await.unwrap();
            }
            assert!(
                Instant::now() < deadline,
                "concours serve never became healthy"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };

    let mut server = start();
    let health = wait_healthy(client.clone(), base.clone()).await;
    assert_eq!(health["status"], "ok");
    assert!(dir.path().join("data/concours.db").is_file());
    let secret = std::fs::read_to_string(dir.path().join("data/jwt_secret")).unwrap();
    assert!(secret.len() >= 64);

    let registered = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&serde_json::json!({"email": "first@example.org", "password": "0123456789", "display_name": "First"}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "first@example.org", "password": "0123456789"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_owned();

    // The default file transport wrote the verification mail into data/mail.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_dir(dir.path().join("data/mail")).map_or(0, |d| d.count()) == 0 {
        assert!(Instant::now() < deadline, "no .eml was written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    server.kill().unwrap();
    server.wait().unwrap();
    let mut server = start();
    wait_healthy(client.clone(), base.clone()).await;
    assert_eq!(
        std::fs::read_to_string(dir.path().join("data/jwt_secret")).unwrap(),
        secret
    );
    let me = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    server.kill().unwrap();
    server.wait().unwrap();
}

async fn admin_grant_and_check(backend: Backend) {
    let app = spawn_app(backend).await;
    app.register("boss@example.org", "Boss").await;
    let url = app.settings.database.url.expose_secret().to_owned();
    let run = |args: &[&str]| {
        concours()
            .current_dir(app.dir.path())
            .env("CONCOURS_DATABASE__URL", &url)
            .args(args)
            .output()
            .unwrap()
    };
    let output = run(&["admin", "grant", "BOSS@example.org"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let user = concours::store::users::find_by_email(&mut app.conn(), "boss@example.org")
        .unwrap()
        .unwrap();
    assert!(user.is_admin());

    let output = run(&["admin", "grant", "nobody@example.org"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nobody@example.org"));

    let output = run(&["check"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("all invariants hold"));

    let output = run(&["migrate"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 migration(s) applied"));

    let output = run(&["mail", "failed"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("no failed messages"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_grant_check_and_migrate_sqlite() {
    admin_grant_and_check(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_grant_check_and_migrate_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    admin_grant_and_check(Backend::Postgres).await;
}

/// `concours demo` fills a database with a contest in every phase, passes the checker, and
/// refuses to run twice.
async fn demo(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let TestSettings {
        settings,
        database: _database,
    } = crate::helpers::test_settings(backend, dir.path());
    let run = |args: &[&str]| {
        concours()
            .current_dir(dir.path())
            .env(
                "CONCOURS_DATABASE__URL",
                settings.database.url.expose_secret(),
            )
            .env("CONCOURS_MAIL__TRANSPORT", "memory")
            .args(args)
            .output()
            .unwrap()
    };
    let output = run(&["demo"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("brand@demo.concours.example") && stdout.contains("concours-demo"));
    let check = run(&["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let again = run(&["demo"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already"));

    use concours::store::schema::{awards, contests};
    use diesel::prelude::*;
    let pool = concours::store::connect(&settings.database).unwrap();
    let mut conn = pool.get().unwrap();
    let total: i64 = contests::table.count().get_result(&mut *conn).unwrap();
    let awarded: i64 = awards::table.count().get_result(&mut *conn).unwrap();
    assert_eq!((total, awarded), (5, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_fills_a_database_once_sqlite() {
    demo(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_fills_a_database_once_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    demo(Backend::Postgres).await;
}

/// `concours backup` copies a live SQLite database into a file that is a whole Concours:
/// restored (pointed at), it passes the checker and holds the same contests. On PostgreSQL it
/// explains pg_dump and writes nothing.
async fn backup_and_restore(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let TestSettings {
        settings,
        database: _database,
    } = crate::helpers::test_settings(backend, dir.path());
    let run = |url: &str, args: &[&str]| {
        concours()
            .current_dir(dir.path())
            .env("CONCOURS_DATABASE__URL", url)
            .env("CONCOURS_MAIL__TRANSPORT", "memory")
            .args(args)
            .output()
            .unwrap()
    };
    let url = settings.database.url.expose_secret().to_owned();
    assert!(run(&url, &["demo"]).status.success());
    let copy = dir.path().join("backup.db");
    let output = run(&url, &["backup", copy.to_str().unwrap()]);
    if backend == Backend::Postgres {
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("pg_dump"));
        assert!(!copy.exists());
        return;
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Never over an existing file.
    let again = run(&url, &["backup", copy.to_str().unwrap()]);
    assert!(!again.status.success());
    // The restore procedure of the README: point Concours at the copy, check it.
    let restored = format!("sqlite://{}", copy.display());
    let check = run(&restored, &["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    use concours::store::schema::{awards, contests, ideas};
    use diesel::prelude::*;
    let count = |url: &str| {
        let mut database = settings.database.clone();
        database.url = url.to_owned().into();
        let pool = concours::store::connect(&database).unwrap();
        let mut conn = pool.get().unwrap();
        (
            contests::table
                .count()
                .get_result::<i64>(&mut *conn)
                .unwrap(),
            ideas::table.count().get_result::<i64>(&mut *conn).unwrap(),
            awards::table.count().get_result::<i64>(&mut *conn).unwrap(),
        )
    };
    assert_eq!(count(&url), count(&restored));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_into_a_whole_concours_sqlite() {
    backup_and_restore(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_into_a_whole_concours_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    backup_and_restore(Backend::Postgres).await;
}

/// A real server's log, at debug level, after a person registers, verifies, signs in, resets
/// a password, is refused, accepts a jury invitation and signs out: no password, token, link
/// secret or session secret appears in it (in text and in JSON format).
async fn no_secret_in_the_logs(backend: Backend, format: &str) {
    use serde_json::{Value, json};

    let dir = tempfile::tempdir().unwrap();
    let TestSettings {
        settings,
        database: _database,
    } = crate::helpers::test_settings(backend, dir.path());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mail_dir = dir.path().join("mail");
    let jwt_secret = "a session secret of more than thirty-two characters, never logged";
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = concours()
        .current_dir(dir.path())
        .env("CONCOURS_SERVER__BIND", format!("127.0.0.1:{port}"))
        .env(
            "CONCOURS_DATABASE__URL",
            settings.database.url.expose_secret(),
        )
        .env("CONCOURS_MAIL__TRANSPORT", "file")
        .env("CONCOURS_MAIL__FILE_DIR", &mail_dir)
        .env("CONCOURS_MAIL__POLL_MS", "50")
        .env("CONCOURS_AUTH__JWT_SECRET", jwt_secret)
        .env("CONCOURS_LOG__FILTER", "debug")
        .env("CONCOURS_LOG__FORMAT", format)
        .arg("serve")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(Instant::now() < deadline, "the server never became healthy");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let call = |method: reqwest::Method, path: &str, token: Option<&str>, body: Value| {
        let mut request = client.request(method, format!("{base}{path}")).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move {
            let response = request.send().await.unwrap();
            response.json::<Value>().await.unwrap_or(Value::Null)
        }
    };
    // The newest link of a kind in the mail folder, once the worker has written it.
    let link = |needle: &'static str| {
        let mail_dir = mail_dir.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let mut found = None;
                if let Ok(entries) = std::fs::read_dir(&mail_dir) {
                    for entry in entries {
                        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                        let text = text.replace("=\r\n", "").replace("=3D", "=");
                        if let Some(start) = text.find(needle) {
                            let token: String = text[start + needle.len()..]
                                .chars()
                                .take_while(|c| c.is_ascii_alphanumeric())
                                .collect();
                            found = Some(token);
                        }
                    }
                }
                if let Some(token) = found {
                    return token;
                }
                assert!(Instant::now() < deadline, "no mail with {needle}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let password = "correct horse battery staple";
    call(
        reqwest::Method::POST,
        "/api/v1/auth/register",
        None,
        json!({"email": "secret@example.org", "password": password, "display_name": "Sam"}),
    )
    .await;
    let verification = link("/verify?token=").await;
    call(
        reqwest::Method::POST,
        "/api/v1/auth/verify",
        None,
        json!({ "token": verification }),
    )
    .await;
    let session = call(
        reqwest::Method::POST,
        "/api/v1/auth/login",
        None,
        json!({"email": "secret@example.org", "password": password}),
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    call(
        reqwest::Method::POST,
        "/api/v1/auth/login",
        None,
        json!({"email": "secret@example.org", "password": "a wrong password, also secret"}),
    )
    .await;
    call(
        reqwest::Method::GET,
        "/api/v1/me",
        Some(&session),
        json!({}),
    )
    .await;
    call(
        reqwest::Method::GET,
        "/api/v1/admin/fundings",
        Some(&session),
        json!({}),
    )
    .await;
    call(
        reqwest::Method::POST,
        "/api/v1/jury-invitations/0123456789abcdef0123456789abcdef/accept",
        Some(&session),
        json!({}),
    )
    .await;
    call(
        reqwest::Method::POST,
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "secret@example.org"}),
    )
    .await;
    let reset = link("/password-reset?token=").await;
    let new_password = "another long secret password";
    call(
        reqwest::Method::POST,
        "/api/v1/auth/password-reset/confirm",
        None,
        json!({"token": reset, "password": new_password}),
    )
    .await;
    client
        .get(format!("{base}/verify?token={verification}"))
        .send()
        .await
        .unwrap();
    call(
        reqwest::Method::POST,
        "/api/v1/auth/logout",
        Some(&session),
        json!({}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let logged = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        logged.contains("request finished"),
        "the log is there: {logged}"
    );
    assert!(
        logged.contains("access refused"),
        "refusals are audited: {logged}"
    );
    for secret in [
        password,
        "a wrong password, also secret",
        new_password,
        &session,
        &verification,
        &reset,
        jwt_secret,
        "0123456789abcdef0123456789abcdef",
    ] {
        assert!(
            !logged.contains(secret),
            "the log contains a secret ({secret}):\n{logged}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_the_logs_sqlite() {
    no_secret_in_the_logs(Backend::Sqlite, "text").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_the_logs_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    no_secret_in_the_logs(Backend::Postgres, "json").await;
}

/// Two `concours serve` instances on one database (PostgreSQL, as deployed; SQLite too, two
/// processes on one file), sharing the session secret, driven at random through a whole
/// contest: every acknowledged write is there, the contest is awarded once, and each message
/// is sent once (by one instance or the other).
async fn two_instances(backend: Backend) {
    use chrono::{SecondsFormat, Utc};
    use serde_json::{Value, json};

    let dir = tempfile::tempdir().unwrap();
    let TestSettings {
        settings,
        database: _database,
    } = crate::helpers::test_settings(backend, dir.path());
    let ports = [free_port(), free_port()];
    let bases: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}"))
        .collect();
    let start = |i: usize| {
        let mail = dir.path().join(format!("mail-{i}"));
        concours()
            .current_dir(dir.path())
            .env("CONCOURS_SERVER__BIND", format!("127.0.0.1:{}", ports[i]))
            .env(
                "CONCOURS_DATABASE__URL",
                settings.database.url.expose_secret(),
            )
            .env("CONCOURS_AUTH__REQUIRE_VERIFIED_EMAIL", "false")
            .env(
                "CONCOURS_AUTH__JWT_SECRET",
                "one secret for both instances, thirty-two characters or more",
            )
            .env("CONCOURS_MAIL__TRANSPORT", "file")
            .env("CONCOURS_MAIL__FILE_DIR", &mail)
            .env("CONCOURS_MAIL__POLL_MS", "50")
            .env("CONCOURS_MAIL__PER_RECIPIENT_INTERVAL_SECONDS", "0")
            .env("CONCOURS_JOBS__TICK_MS", "50")
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut servers = [start(0), start(1)];
    let client = reqwest::Client::new();
    for base in &bases {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            assert!(
                Instant::now() < deadline,
                "an instance never became healthy"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    // A random instance per request, reproducibly random per run.
    let seed = std::cell::Cell::new(u64::from(std::process::id()) | 1);
    let pick = || {
        let mut x = seed.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        seed.set(x);
        bases[(x % 2) as usize].clone()
    };
    let call = |method: reqwest::Method, path: String, token: Option<String>, body: Value| {
        let request = client
            .request(method, format!("{}{path}", pick()))
            .json(&body);
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let people = [
        "owner@acme.example",
        "admin@concours.example",
        "ann@example.org",
        "bob@example.org",
        "cat@example.org",
        "dan@example.org",
    ];
    let mut tokens = Vec::new();
    let verifier = concours::store::connect(&settings.database).unwrap();
    for email in people {
        let (status, account) = call(
            reqwest::Method::POST,
            "/api/v1/auth/register".into(),
            None,
            json!({"email": email, "password": "0123456789", "display_name": email.split('@').next()}),
        )
        .await;
        assert_eq!(status, 201);
        // Verified, as the inbox link would: an unverified account creates no organisation
        // and mails nobody (finding 16.12).
        concours::store::users::mark_verified(
            &mut verifier.get().unwrap(),
            account["id"].as_str().unwrap(),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
        let (_, login) = call(
            reqwest::Method::POST,
            "/api/v1/auth/login".into(),
            None,
            json!({"email": email, "password": "0123456789"}),
        )
        .await;
        tokens.push(login["token"].as_str().unwrap().to_owned());
    }
    let granted = concours()
        .current_dir(dir.path())
        .env(
            "CONCOURS_DATABASE__URL",
            settings.database.url.expose_secret(),
        )
        .args(["admin", "grant", "admin@concours.example"])
        .output()
        .unwrap();
    assert!(
        granted.status.success(),
        "{}{}",
        String::from_utf8_lossy(&granted.stdout),
        String::from_utf8_lossy(&granted.stderr)
    );
    let t0 = Utc::now();
    let at =
        |s: i64| (t0 + chrono::Duration::seconds(s)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (_, org) = call(
        reqwest::Method::POST,
        "/api/v1/organizations".into(),
        Some(tokens[0].clone()),
        json!({"name": "Acme"}),
    )
    .await;
    let mut rules = crate::helpers::rules_at(&at(2), &at(8), &at(11));
    rules["min_jurors"] = json!(1);
    let (status, contest) = call(
        reqwest::Method::POST,
        "/api/v1/contests".into(),
        Some(tokens[0].clone()),
        json!({"organization_id": org["id"], "title": "Twice served", "brief": "b", "rules": rules}),
    )
    .await;
    assert_eq!(status, 201, "{contest}");
    let id = contest["id"].as_str().unwrap().to_owned();
    let (_, funding) = call(
        reqwest::Method::POST,
        format!("/api/v1/contests/{id}/fundings"),
        Some(tokens[0].clone()),
        json!({"amount_cents": 700_000, "reference": "W"}),
    )
    .await;
    let (status, _) = call(
        reqwest::Method::POST,
        format!(
            "/api/v1/admin/fundings/{}/confirm",
            funding["id"].as_str().unwrap()
        ),
        Some(tokens[1].clone()),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    call(
        reqwest::Method::POST,
        format!("/api/v1/contests/{id}/jurors"),
        Some(tokens[0].clone()),
        json!({"email": "juror@jury.example"}),
    )
    .await;
    let (status, opened) = call(
        reqwest::Method::POST,
        format!("/api/v1/contests/{id}/open"),
        Some(tokens[0].clone()),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    while Utc::now() < t0 + chrono::Duration::seconds(2) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Four innovators submit, edit and read back through either instance.
    let mut acknowledged = Vec::new();
    for (i, token) in tokens[2..].iter().enumerate() {
        let (status, idea) = call(
            reqwest::Method::POST,
            format!("/api/v1/contests/{id}/ideas"),
            Some(token.clone()),
            json!({"title": format!("Idea {i}"), "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await;
        assert_eq!(status, 201, "{idea}");
        let idea_id = idea["id"].as_str().unwrap().to_owned();
        let (status, edited) = call(
            reqwest::Method::PUT,
            format!("/api/v1/ideas/{idea_id}"),
            Some(token.clone()),
            json!({"title": format!("Idea {i}, edited"), "summary": "s", "body": "b2"}),
        )
        .await;
        assert_eq!(status, 200, "{edited}");
        acknowledged.push((token.clone(), idea_id, edited["receipt"]["sha256"].clone()));
    }
    let (status, _) = call(
        reqwest::Method::POST,
        format!("/api/v1/contests/{id}/announcements"),
        Some(tokens[0].clone()),
        json!({"body": "Thanks, everyone."}),
    )
    .await;
    assert_eq!(status, 201);
    for (token, idea_id, sha256) in &acknowledged {
        let (status, idea) = call(
            reqwest::Method::GET,
            format!("/api/v1/ideas/{idea_id}"),
            Some(token.clone()),
            Value::Null,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(&idea["receipt"]["sha256"], sha256);
        assert_eq!(idea["receipt"]["revision"], 2);
    }
    // Both schedulers race for the award at the judging deadline.
    let deadline = Instant::now() + Duration::from_secs(40);
    let results = loop {
        let (status, body) = call(
            reqwest::Method::GET,
            format!("/api/v1/contests/{id}/results"),
            None,
            Value::Null,
        )
        .await;
        if status == 200 {
            break body;
        }
        assert!(Instant::now() < deadline, "never awarded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let total: i64 = results["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount_cents"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 700_000);
    let (_, audit) = call(
        reqwest::Method::GET,
        format!("/api/v1/contests/{id}/audit"),
        None,
        Value::Null,
    )
    .await;
    let count = |kind: &str| {
        audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == kind)
            .count()
    };
    assert_eq!(count("contest_awarded"), 1);
    assert_eq!(count("phase_changed"), 2, "each transition once");
    // Every queued message is sent, by one instance only.
    use concours::store::schema::outbox;
    use diesel::prelude::*;
    let pool = concours::store::connect(&settings.database).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let sent = loop {
        let pending: i64 = outbox::table
            .filter(outbox::status.ne("sent"))
            .count()
            .get_result(&mut *pool.get().unwrap())
            .unwrap();
        if pending == 0 {
            break outbox::table
                .count()
                .get_result::<i64>(&mut *pool.get().unwrap())
                .unwrap();
        }
        assert!(Instant::now() < deadline, "{pending} messages never sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for server in &mut servers {
        server.kill().unwrap();
        server.wait().unwrap();
    }
    let mut message_ids = Vec::new();
    for i in 0..2 {
        let Ok(entries) = std::fs::read_dir(dir.path().join(format!("mail-{i}"))) else {
            continue;
        };
        for entry in entries {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            message_ids.push(
                text.lines()
                    .find_map(|l| l.strip_prefix("Message-ID: "))
                    .unwrap()
                    .to_owned(),
            );
        }
    }
    let unique: std::collections::BTreeSet<_> = message_ids.iter().collect();
    assert_eq!(unique.len(), message_ids.len(), "a message was sent twice");
    assert_eq!(message_ids.len() as i64, sent);
    assert!(sent >= 10, "the contest's life sent its mail ({sent})");
    let check = concours()
        .current_dir(dir.path())
        .env(
            "CONCOURS_DATABASE__URL",
            settings.database.url.expose_secret(),
        )
        .arg("check")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_award_once_and_mail_once_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    two_instances(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_award_once_and_mail_once_sqlite() {
    two_instances(Backend::Sqlite).await;
}

/// PostgreSQL goes down under load and comes back: meanwhile Concours answers 503 (never a
/// 500, never a hang), and afterwards it serves again by itself, without a restart. A server
/// of its own, since the tests' shared one must stay up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_under_load_is_503_then_recovers_by_itself_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    use serde_json::json;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pg_dir = tempfile::tempdir().unwrap();
    let pg_dir = pg_dir.path().join("pg");
    let pg_port = free_port();
    let pg = |args: &[&str]| {
        Command::new(root.join("scripts/postgres.sh"))
            .args(args)
            .output()
            .unwrap()
    };
    let started = pg(&["start", pg_dir.to_str().unwrap(), &pg_port.to_string()]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    struct Stop<'a>(&'a Path);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            let _ = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/postgres.sh"))
                .args(["stop", self.0.to_str().unwrap()])
                .output();
        }
    }
    let _stop = Stop(&pg_dir);
    let url = String::from_utf8(started.stdout).unwrap().trim().to_owned();

    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = concours()
        .current_dir(dir.path())
        .env("CONCOURS_SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("CONCOURS_DATABASE__URL", &url)
        .env("CONCOURS_DATABASE__POOL_TIMEOUT_MS", "1000")
        .env("CONCOURS_AUTH__REGISTER_MAX_PER_IP", "1000000")
        .env("CONCOURS_MAIL__TRANSPORT", "memory")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(Instant::now() < deadline, "never healthy");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // Load: registrations (writes) and contest lists (reads), in a loop, until told to stop.
    let running = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let statuses = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut load = Vec::new();
    for worker in 0..4 {
        let (client, base, running, statuses) = (
            client.clone(),
            base.clone(),
            running.clone(),
            statuses.clone(),
        );
        load.push(tokio::spawn(async move {
            let mut i = 0;
            while running.load(std::sync::atomic::Ordering::SeqCst) {
                i += 1;
                let answer = if i % 2 == 0 {
                    client.get(format!("{base}/api/v1/contests")).send().await
                } else {
                    client
                        .post(format!("{base}/api/v1/auth/register"))
                        .json(&json!({"email": format!("load{worker}-{i}@example.org"), "password": "0123456789", "display_name": "Load"}))
                        .send()
                        .await
                };
                if let Ok(answer) = answer {
                    statuses.lock().unwrap().push(answer.status().as_u16());
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let halted = pg(&["halt", pg_dir.to_str().unwrap()]);
    assert!(
        halted.status.success(),
        "{}",
        String::from_utf8_lossy(&halted.stderr)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during: Vec<u16> = statuses.lock().unwrap().drain(..).collect();
    let resumed = pg(&["resume", pg_dir.to_str().unwrap()]);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    // It recovers by itself: within a few seconds, reads and writes succeed again.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ok = client
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({"email": "after@example.org", "password": "0123456789", "display_name": "After"}))
            .send()
            .await
            .is_ok_and(|r| r.status() == 201);
        if ok {
            break;
        }
        assert!(Instant::now() < deadline, "Concours never recovered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    running.store(false, std::sync::atomic::Ordering::SeqCst);
    for task in load {
        task.await.unwrap();
    }
    let after: Vec<u16> = statuses.lock().unwrap().drain(..).collect();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        during.contains(&503),
        "the outage was answered 503: {during:?}"
    );
    for status in during.iter().chain(&after) {
        assert!(
            [200, 201, 503].contains(status),
            "only success or 503, never {status}: {during:?} {after:?}"
        );
    }
}
