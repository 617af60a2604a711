//! The two databases every test runs on: SQLite (a file in the test's own folder) and
//! PostgreSQL (a new database on the server `TEST_POSTGRES_URL` names, dropped after the
//! test).

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
