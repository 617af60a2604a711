//! The command line, run as a user would: the real binary in a folder of its own.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Backend, spawn_app};

fn concours() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_concours"));
    for (key, _) in std::env::vars() {
        if key.starts_with("CONCOURS_") {
            command.env_remove(key);
        }
    }
    command.env("CONCOURS_LOG__FILTER", "warn");
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

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
    let url = app.settings.database.url.clone();
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
    admin_grant_and_check(Backend::Postgres).await;
}
