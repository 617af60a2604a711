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
pub mod payout_details;
pub mod profiles;
pub mod rate_limits;
pub mod rounds;
pub mod schema;
pub mod talent;
pub mod tokens;
pub mod users;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use outcome::Insert;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::connection::{
    AnsiTransactionManager, Instrumentation, InstrumentationEvent, TransactionManager,
};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use secrecy::ExposeSecret;

use crate::config::DatabaseSettings;

/// A connection to whichever database the settings name.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// The connections to one database, and what they share: built once by [`connect`] (start-up
/// calls it) and cloned into whatever needs a connection. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Pool {
    connections: r2d2::Pool<Manager>,
    writes: Arc<Writes>,
}

impl Pool {
    /// A connection, waiting up to `database.pool_timeout_ms` for one to be free.
    pub fn get(&self) -> Result<PooledConnection, r2d2::PoolError> {
        self.connections.get()
    }

    /// How many write transactions this pool's connections have committed: a value read
    /// before computing something from the database, and read again later, tells whether it
    /// may have changed since (the caches of `web::cache` use it; writes of other processes
    /// are covered by the caches' expiry).
    pub fn generation(&self) -> u64 {
        self.writes.generation()
    }

    /// What the pool's connections share, for a reader that outlives one call (the cache of
    /// `web::cache` reads its generation on every lookup).
    pub fn writes(&self) -> Arc<Writes> {
        self.writes.clone()
    }
}

/// What the connections of one pool know together and none alone: how many write
/// transactions they committed, and, on SQLite, whose turn it is to write (see [`write_tx`]).
#[derive(Debug, Default)]
pub struct Writes {
    committed: AtomicU64,
    sqlite_writer: parking_lot::Mutex<()>,
}

impl Writes {
    /// See [`Pool::generation`].
    pub fn generation(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }
}

/// How a connection finds its pool's [`Writes`]: `write_tx` is handed a bare connection, so
/// the pool puts this in the one slot a diesel connection keeps for its owner, its
/// instrumentation (which otherwise does nothing here: no event is recorded).
struct PoolLink(Arc<Writes>);

impl Instrumentation for PoolLink {
    fn on_connection_event(&mut self, _: InstrumentationEvent<'_>) {}
}

/// The [`Writes`] of the pool `conn` came from; `None` for a connection opened outside a pool.
fn writes_of(conn: &mut DbConnection) -> Option<Arc<Writes>> {
    conn.instrumentation()
        .downcast_ref::<PoolLink>()
        .map(|link| link.0.clone())
}

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
pub struct Manager {
    url: DatabaseUrl,
    sqlite_busy_timeout_ms: u32,
    writes: Arc<Writes>,
}

/// Never the password: a pool is printed with its manager.
impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = match &self.url {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
            DatabaseUrl::Postgres(url) => redact(url),
        };
        f.debug_struct("Manager")
            .field("url", &url)
            .finish_non_exhaustive()
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        let mut conn = self.open()?;
        conn.set_instrumentation(PoolLink(self.writes.clone()));
        Ok(conn)
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

impl Manager {
    fn open(&self) -> Result<DbConnection, r2d2::Error> {
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
}

/// Builds the pool; for SQLite, creates the file's folder first.
pub fn connect(settings: &DatabaseSettings) -> anyhow::Result<Pool> {
    let url = DatabaseUrl::parse(settings.url.expose_secret()).map_err(anyhow::Error::msg)?;
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
    let writes = Arc::new(Writes::default());
    let manager = Manager {
        url,
        sqlite_busy_timeout_ms: settings.sqlite_busy_timeout_ms,
        writes: writes.clone(),
    };
    let connections = r2d2::Pool::builder()
        .max_size(settings.pool_size)
        // Connections open when the load needs them, not all at start (idle memory).
        .min_idle(Some(1))
        .connection_timeout(Duration::from_millis(settings.pool_timeout_ms))
        .build(manager)
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot connect to the database ({}): {e}",
                redact(settings.url.expose_secret())
            )
        })?;
    if let Some(path) = sqlite_path {
        backend::start_checkpointer(&path, settings.sqlite_busy_timeout_ms);
    }
    Ok(Pool {
        connections,
        writes,
    })
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
    let writes = writes_of(conn);
    let committed = write_tx_inner(conn, writes.as_deref(), f);
    if committed.is_ok()
        && let Some(writes) = &writes
    {
        writes.committed.fetch_add(1, Ordering::Release);
    }
    committed
}

fn write_tx_inner<T, E>(
    conn: &mut DbConnection,
    writes: Option<&Writes>,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Pg(_) => conn.transaction(f),
        DbConnection::Sqlite(sqlite) => {
            // SQLite has one writer at a time. Writers of this pool queue here, in order,
            // rather than in SQLite's busy handler, which polls with sleeps of up to 100 ms and
            // lets a late writer overtake one that has waited long (the tail latency of a
            // deadline rush). Another pool or process on the same file still waits in the busy
            // handler, and so does a connection opened outside a pool.
            let _writer = writes.map(|writes| writes.sqlite_writer.lock());
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

/// Whether the database answers: one round trip (`SELECT 1`), for health checks.
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
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

    /// Each pool counts the writes its connections commit, and only those: what a cache
    /// compares is the generation of its own database.
    #[test]
    fn each_pool_counts_its_own_committed_writes() {
        let dir = tempfile::tempdir().unwrap();
        let settings = |name: &str| DatabaseSettings {
            url: format!("sqlite://{}", dir.path().join(name).display()).into(),
            pool_size: 2,
            pool_timeout_ms: 5_000,
            sqlite_busy_timeout_ms: 5_000,
        };
        let (a, b) = (
            connect(&settings("a.db")).unwrap(),
            connect(&settings("b.db")).unwrap(),
        );
        let mut conn = a.get().unwrap();
        write_tx(&mut conn, ping).unwrap();
        assert_eq!((a.generation(), b.generation()), (1, 0));
        let rolled_back: QueryResult<()> = write_tx(&mut conn, |_| {
            Err(diesel::result::Error::RollbackTransaction)
        });
        assert!(rolled_back.is_err());
        assert_eq!(
            a.generation(),
            1,
            "a rolled-back transaction changed nothing"
        );
        write_tx(&mut b.get().unwrap(), ping).unwrap();
        assert_eq!((a.generation(), b.generation()), (1, 1));
        assert_eq!(a.clone().generation(), 1, "clones share the count");
    }

    #[test]
    fn a_pool_prints_no_password() {
        let manager = Manager {
            url: DatabaseUrl::Postgres("postgres://app:s3cret@db/concours".into()),
            sqlite_busy_timeout_ms: 1,
            writes: Arc::default(),
        };
        let printed = format!("{manager:?}");
        assert!(
            printed.contains("postgres://app:***@db/concours"),
            "{printed}"
        );
        assert!(!printed.contains("s3cret"), "{printed}");
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
