//! Files on disk under attack (issue 17.4): another account of the host reads the database,
//! its WAL, the JWT secret, the `.eml` files (with their sign-in links) and backups; a dangling
//! symbolic link makes `concours backup` write where it points. The real binary, run with the
//! usual umask 022.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{concours, free_port};

/// The binary, started with umask 022 as a login shell would leave it.
fn loose(mut command: Command) -> Command {
    // SAFETY: umask is async-signal-safe and only changes the child's creation mask.
    unsafe {
        command.pre_exec(|| {
            libc::umask(0o022);
            Ok(())
        });
    }
    command
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[track_caller]
fn assert_private(path: &Path, expected: u32) {
    assert_eq!(
        mode(path),
        expected,
        "{} is {:o}, not {expected:o}",
        path.display(),
        mode(path)
    );
}

/// `concours serve` in an empty folder, with the default file mail transport: the data folder
/// and the mail folder are 0700, the database, its WAL and shared memory, the JWT secret and
/// every `.eml` 0600; a backup is 0600; files left readable by an earlier version are made
/// private at the next start; and the file transport is announced as a development tool.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_file_concours_writes_is_private_to_its_account() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let log = dir.path().join("server.log");
    let start = || {
        let mut command = concours();
        command
            .current_dir(dir.path())
            .env("CONCOURS_SERVER__BIND", format!("127.0.0.1:{port}"))
            .arg("serve")
            // The log goes to standard output.
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null());
        loose(command).spawn().unwrap()
    };
    let wait_healthy = || async {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            assert!(
                Instant::now() < deadline,
                "concours serve never became healthy"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let mut server = start();
    wait_healthy().await;
    let registered = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&serde_json::json!({"email": "first@example.org", "password": "0123456789", "display_name": "First"}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let mail = dir.path().join("data/mail");
    let deadline = Instant::now() + Duration::from_secs(10);
    // The file transport writes a message in more than one write: wait for a whole one (its
    // sign-in link is in the body, after the headers), not only for the file to appear.
    let written = |mail: &std::path::Path| {
        std::fs::read_dir(mail).is_ok_and(|entries| {
            let entries: Vec<_> = entries.flatten().collect();
            !entries.is_empty()
                && entries.iter().all(|e| {
                    std::fs::read_to_string(e.path()).is_ok_and(|text| text.contains("verify"))
                })
        })
    };
    while !written(&mail) {
        assert!(
            Instant::now() < deadline,
            "no .eml holding the sign-in link was written"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let data = dir.path().join("data");
    assert_private(&data, 0o700);
    assert_private(&mail, 0o700);
    assert_private(&data.join("jwt_secret"), 0o600);
    assert_private(&data.join("concours.db"), 0o600);
    assert_private(&data.join("concours.db-wal"), 0o600);
    assert_private(&data.join("concours.db-shm"), 0o600);
    for entry in std::fs::read_dir(&mail).unwrap() {
        let path = entry.unwrap().path();
        assert_private(&path, 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("verify"), "the .eml holds the sign-in link");
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("mail.transport is") && logged.contains("for development"),
        "the file transport is announced as a development tool: {logged}"
    );

    // A backup, while it runs, is private too.
    let mut backup = concours();
    backup.current_dir(dir.path()).args(["backup", "copy.db"]);
    let output = loose(backup).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_private(&dir.path().join("copy.db"), 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    server.kill().unwrap();
    server.wait().unwrap();

    // Files an earlier version left readable are made private at the next start.
    for (path, loose_mode) in [
        (data.clone(), 0o755),
        (mail.clone(), 0o755),
        (data.join("concours.db"), 0o644),
        (data.join("jwt_secret"), 0o644),
    ] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose_mode)).unwrap();
    }
    let eml = std::fs::read_dir(&mail)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::set_permissions(&eml, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut server = start();
    wait_healthy().await;
    assert_private(&data, 0o700);
    assert_private(&mail, 0o700);
    assert_private(&data.join("concours.db"), 0o600);
    assert_private(&data.join("jwt_secret"), 0o600);
    assert_private(&eml, 0o600);
    server.kill().unwrap();
    server.wait().unwrap();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("made private"), "{logged}");
}

/// The attack: a local account plants `backup.db` as a dangling symbolic link to a file of its
/// choice (or a link to an existing file) where the operator will write a backup. Concours
/// refuses, writes nothing anywhere, and leaves the link as it was.
#[test]
fn a_backup_never_follows_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut command = concours();
        command
            .current_dir(dir.path())
            .env("CONCOURS_MAIL__TRANSPORT", "memory")
            .args(args);
        loose(command).output().unwrap()
    };
    assert!(run(&["migrate"]).status.success());
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("stolen.db");
    let planted = dir.path().join("backup.db");
    symlink(&target, &planted).unwrap();
    let output = run(&["backup", "backup.db"]);
    assert!(!output.status.success(), "the backup followed the link");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(
        !target.exists(),
        "nothing was written where the link points"
    );
    assert_eq!(std::fs::read_link(&planted).unwrap(), target);

    // A link to an existing (empty) file of the attacker: refused too, the file left empty.
    std::fs::write(&target, b"").unwrap();
    let output = run(&["backup", "backup.db"]);
    assert!(!output.status.success());
    assert_eq!(std::fs::read(&target).unwrap(), b"");
    // A plain new name works.
    let output = run(&["backup", "fresh.db"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_private(&dir.path().join("fresh.db"), 0o600);
}
