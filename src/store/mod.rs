//! Persistence with diesel: one schema, two backends (SQLite and PostgreSQL), one module per
//! aggregate. Functions here return `QueryResult`; deciding what a result means is `app`'s job.
//!
//! Everything that differs by backend lives in [`backend`], and nowhere else.

pub mod announcements;
pub mod audit;
pub mod awards;
pub mod backend;
pub mod contests;
pub mod fundings;
pub mod ideas;
pub mod idempotency;
pub mod jury;
pub mod notifications;
pub mod organizations;
pub mod outbox;
pub mod outcome;
pub mod profiles;
pub mod rate_limits;
pub mod schema;
pub mod talent;
pub mod tokens;
pub mod users;

pub use outcome::Insert;

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;

use crate::config::DatabaseSettings;

/// A connection to whichever database the settings name.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// Which database a URL names. Parsed once, so that a `postgres://` URL can never be mistaken
/// for a SQLite file name (diesel's own `establish` tries each backend in turn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<DatabaseUrl, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("database.url: sqlite:// needs a file path".into());
            }
            Ok(DatabaseUrl::Sqlite(path.to_owned()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(url.to_owned()))
        } else {
            Err("database.url must start with sqlite:// or postgres://".into())
        }
    }
}

/// Opens connections for the pool and sets each SQLite one up the way Concours needs it.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    sqlite_busy_timeout_ms: u32,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                backend::configure_sqlite(&mut conn, self.sqlite_busy_timeout_ms)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Pg)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        use diesel::r2d2::R2D2Connection;
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

/// Builds the pool; for SQLite, creates the file's folder first.
pub fn connect(settings: &DatabaseSettings) -> anyhow::Result<Pool> {
    let url = DatabaseUrl::parse(&settings.url).map_err(anyhow::Error::msg)?;
    if let DatabaseUrl::Sqlite(path) = &url
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        crate::files::create_private_dir(parent)
            .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", parent.display()))?;
    }
    if let DatabaseUrl::Sqlite(path) = &url {
        backend::enable_wal(path, settings.sqlite_busy_timeout_ms)
            .map_err(|e| anyhow::anyhow!("cannot open the SQLite database {path}: {e}"))?;
    }
    let sqlite_path = match &url {
        DatabaseUrl::Sqlite(path) => Some(path.clone()),
        _ => None,
    };
    let manager = Manager {
        url,
        sqlite_busy_timeout_ms: settings.sqlite_busy_timeout_ms,
    };
    let pool = r2d2::Pool::builder()
        .max_size(settings.pool_size)
        // Connections open when the load needs them, not all at start (idle memory).
        .min_idle(Some(1))
        .connection_timeout(Duration::from_millis(settings.pool_timeout_ms))
        .build(manager)
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot connect to the database ({}): {e}",
                redact(&settings.url)
            )
        })?;
    if let Some(path) = sqlite_path {
        backend::start_checkpointer(&path, settings.sqlite_busy_timeout_ms);
    }
    Ok(pool)
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Runs `f` in a transaction that writes. On SQLite it is an immediate transaction, so the
/// write lock is taken at the start (waiting up to the busy timeout) instead of failing midway
/// when another writer got there first; on PostgreSQL it is an ordinary transaction.
pub fn write_tx<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let committed = write_tx_inner(conn, f);
    if committed.is_ok() {
        WRITES.fetch_add(1, std::sync::atomic::Ordering::Release);
    }
    committed
}

/// How many write transactions this process has committed: a value read before computing
/// something from the database, and read again later, tells whether it may have changed
/// since (the caches of `web::cache` use it; other processes are covered by their expiry).
pub fn generation() -> u64 {
    WRITES.load(std::sync::atomic::Ordering::Acquire)
}

static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The SQLite writers of this process, one at a time (see `write_tx`).
static SQLITE_WRITER: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

fn write_tx_inner<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Pg(_) => conn.transaction(f),
        DbConnection::Sqlite(sqlite) => {
            // SQLite has one writer at a time. Writers of this process queue here, in order,
            // rather than in SQLite's busy handler, which polls with sleeps of up to 100 ms and
            // lets a late writer overtake one that has waited long (the tail latency of a
            // deadline rush). Another process on the same file still waits in the busy handler.
            let _writer = SQLITE_WRITER.lock();
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => {
                    <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
                    Ok(value)
                }
                Err(error) => {
                    <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)
                        .map_err(E::from)?;
                    Err(error)
                }
            }
        }
    }
}

/// Applies the migrations this binary carries that the database lacks.
pub fn migrate(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    backend::run_migrations(conn)
}

/// What `backup` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Backup {
    Written,
    /// PostgreSQL: its own `pg_dump` is the tool.
    UsePgDump,
}

/// Writes a consistent copy of an SQLite database to `path` while others keep writing
/// (`VACUUM INTO`: one read transaction, a compact file). Refuses to overwrite a file.
pub fn backup(conn: &mut DbConnection, path: &std::path::Path) -> anyhow::Result<Backup> {
    if matches!(conn, DbConnection::Pg(_)) {
        return Ok(Backup::UsePgDump);
    }
    // Never through a symbolic link, dangling or not: `symlink_metadata` does not follow it.
    if std::fs::symlink_metadata(path).is_ok() {
        anyhow::bail!(
            "{} exists already (a file or a symbolic link); choose a new file",
            path.display()
        );
    }
    let name = path
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{}: give the name of a file", path.display()))?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => std::path::Path::new("."),
    };
    // A private folder of our own next to the target (mkdir never follows a link and fails if
    // the name is taken), and in it a new empty file opened with O_EXCL|O_NOFOLLOW, 0600,
    // which SQLite fills; then linked into place, which fails rather than replace anything.
    let staging = folder.join(format!(
        ".{}.{}.partial",
        name.to_string_lossy(),
        uuid::Uuid::new_v4().simple()
    ));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(&staging)
        .map_err(|e| anyhow::anyhow!("cannot write in {}: {e}", folder.display()))?;
    let temp = staging.join("backup.db");
    let written = write_backup(conn, &temp, path);
    let _ = std::fs::remove_file(&temp);
    let _ = std::fs::remove_dir(&staging);
    written
}

fn write_backup(
    conn: &mut DbConnection,
    temp: &std::path::Path,
    path: &std::path::Path,
) -> anyhow::Result<Backup> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    drop(options.open(temp)?);
    let done = backend::backup_into(conn, temp)?;
    std::fs::File::open(temp)?.sync_all()?;
    match std::fs::hard_link(temp, path) {
        Ok(()) => Ok(done),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => anyhow::bail!(
            "{} appeared while the backup was written; choose a new file",
            path.display()
        ),
        // A file system without hard links: a rename replaces a link itself, never its target.
        Err(_) => {
            if std::fs::symlink_metadata(path).is_ok() {
                anyhow::bail!("{} exists already; choose a new file", path.display());
            }
            std::fs::rename(temp, path)?;
            Ok(done)
        }
    }
}

/// Stored times are UTC without a zone (portable across both backends); these convert.
pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A new id: a UUIDv7, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Whether an error is a unique-constraint violation (the loser of a race, usually).
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db"),
            Ok(DatabaseUrl::Sqlite("data/x.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u:p@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/concours"),
            "postgres://app:***@db:5432/concours"
        );
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
