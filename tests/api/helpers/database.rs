//! The two databases every test runs on: SQLite (a file in the test's own folder) and
//! PostgreSQL (a new database on the server `TEST_POSTGRES_URL` names, dropped after the
//! test); and what a PostgreSQL test does when no server was given.

use std::io::Write;
use std::sync::Once;

use diesel::{Connection, RunQueryDsl};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the test command started: an admin URL whose user may create databases.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, which starts a \
             PostgreSQL server, or point TEST_POSTGRES_URL at one (postgres://user@host:port/db)"
        )
    })
}

/// Whether the calling PostgreSQL test should return at once without running: true when no
/// `TEST_POSTGRES_URL` is set, so that a bare `cargo test` runs the SQLite half instead of
/// panicking in every PostgreSQL test. Where a PostgreSQL must be there (`scripts/test.sh`
/// sets `REQUIRE_POSTGRES=1`; CI services set `CI`), a missing URL still fails the test.
///
/// The harness cannot mark a test ignored once it runs, so a skipped test reports `ok`; the
/// first one to skip writes one notice for the whole run straight to stderr (past the
/// harness's capture), saying that the PostgreSQL half did not run and how to run it.
pub fn skip_postgres() -> bool {
    if std::env::var_os("TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        return false;
    }
    if postgres_required() {
        panic!(
            "TEST_POSTGRES_URL is not set, and REQUIRE_POSTGRES or CI says the PostgreSQL tests \
             must run: start one (scripts/test.sh does) and point TEST_POSTGRES_URL at it \
             (postgres://user@host:port/db)"
        );
    }
    static NOTICE: Once = Once::new();
    NOTICE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTE: TEST_POSTGRES_URL is not set: only the SQLite half of the tests runs. Every \
             PostgreSQL test (named `postgres` or `..._postgres`) is SKIPPED and reports `ok` \
             without running. To run them too: scripts/test.sh (it starts a PostgreSQL), or \
             TEST_POSTGRES_URL=postgres://user@host:port/db cargo test\n"
        );
    });
    true
}

/// True when `REQUIRE_POSTGRES` or `CI` is set (to anything but empty, `0` or `false`).
fn postgres_required() -> bool {
    ["REQUIRE_POSTGRES", "CI"].iter().any(|key| {
        std::env::var(key).is_ok_and(|value| !matches!(value.trim(), "" | "0" | "false"))
    })
}

/// A PostgreSQL database that exists for one test and is dropped after it.
pub struct TestDatabase {
    admin_url: String,
    name: String,
}

impl TestDatabase {
    pub fn create() -> TestDatabase {
        let admin_url = postgres_admin_url();
        let name = format!("concours_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = diesel::PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create the test database");
        TestDatabase { admin_url, name }
    }

    pub fn url(&self) -> String {
        let base = self
            .admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&self.admin_url);
        format!("{base}/{}", self.name)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

/// Keeps a test's PostgreSQL database alive; drops it with the test.
pub struct TestDatabaseGuard(
    #[expect(dead_code, reason = "held only so that its Drop removes the database")]
    pub(super)  TestDatabase,
);
