//! The one small place where SQLite and PostgreSQL are handled differently.

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Switches the database file to WAL, so that readers never wait for the writer. The mode is kept
/// in the file; set it once, from one connection, before the pool opens others.
pub fn enable_wal(path: &str, busy_timeout_ms: u32) -> QueryResult<()> {
    let mut conn = SqliteConnection::establish(path)
        .map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
    diesel::sql_query(format!("PRAGMA busy_timeout = {busy_timeout_ms}")).execute(&mut conn)?;
    diesel::sql_query("PRAGMA journal_mode = WAL").execute(&mut conn)?;
    Ok(())
}

/// Copies the write-ahead log back into the database file once a second, from a thread of its
/// own, one per database file and process, while the file exists.
///
/// SQLite otherwise checkpoints inside whichever commit crosses 1,000 pages of log: that
/// writer copies the pages and syncs the file while every other writer waits behind it, the
/// long tail of a deadline rush. A passive checkpoint runs beside the writers and readers
/// without blocking them; the automatic one stays as a safety net at a larger size.
pub fn start_checkpointer(path: &str, busy_timeout_ms: u32) {
    static RUNNING: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        if running.iter().any(|p| p == path) {
            return;
        }
        running.push(path.to_owned());
    }
    let path = path.to_owned();
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            let file = std::path::Path::new(&path).to_owned();
            if let Ok(mut conn) = SqliteConnection::establish(&path) {
                let _ = diesel::sql_query(format!("PRAGMA busy_timeout = {busy_timeout_ms}"))
                    .execute(&mut conn);
                while file.exists() {
                    std::thread::sleep(std::time::Duration::from_secs(1));
                    if let Err(error) =
                        diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").execute(&mut conn)
                    {
                        tracing::debug!(%error, "checkpoint skipped");
                    }
                }
            }
            RUNNING
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|p| p != &path);
        });
    if spawned.is_err() {
        tracing::warn!("no checkpoint thread: SQLite checkpoints in its commits");
    }
}

/// A busy timeout so writers queue instead of failing, and foreign keys on (SQLite leaves them
/// off by default). Run on every new connection.
pub fn configure_sqlite(conn: &mut SqliteConnection, busy_timeout_ms: u32) -> QueryResult<()> {
    diesel::sql_query(format!("PRAGMA busy_timeout = {busy_timeout_ms}")).execute(conn)?;
    diesel::sql_query("PRAGMA synchronous = NORMAL").execute(conn)?;
    diesel::sql_query("PRAGMA foreign_keys = ON").execute(conn)?;
    // The checkpoint thread does it every second; this is the safety net (16 MiB of log).
    diesel::sql_query("PRAGMA wal_autocheckpoint = 4000").execute(conn)?;
    Ok(())
}

pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        DbConnection::Sqlite(c) => {
            // Two processes on one file (serve and worker, started together) may both find a
            // migration pending; each runs in its own transaction, so the loser's attempt rolls
            // back, and a moment later it finds nothing left to do.
            let mut attempt = 0;
            loop {
                match c.run_pending_migrations(SQLITE_MIGRATIONS) {
                    Ok(applied) => {
                        break Ok(applied.into_iter().map(|v| v.to_string()).collect::<Vec<_>>());
                    }
                    Err(error) if attempt < 50 => {
                        attempt += 1;
                        tracing::debug!(%error, attempt, "migration raced another process; retrying");
                        std::thread::sleep(std::time::Duration::from_millis(100));
                    }
                    Err(error) => break Err(error),
                }
            }
        }
        DbConnection::Pg(c) => {
            // Instances starting together take turns: the first migrates, the others find
            // nothing left to do.
            diesel::sql_query("SELECT pg_advisory_lock(7262011)").execute(c)?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|applied| {
                    applied
                        .into_iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                });
            diesel::sql_query("SELECT pg_advisory_unlock(7262011)").execute(c)?;
            result
        }
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied)
}

/// Whether this is the PostgreSQL backend (for the few queries that lock rows).
pub fn is_postgres(conn: &DbConnection) -> bool {
    matches!(conn, DbConnection::Pg(_))
}

/// Claims up to `limit` due outbox messages for this worker. On PostgreSQL the candidate rows
/// are locked with `FOR UPDATE SKIP LOCKED`, so two workers never claim the same message; on
/// SQLite the caller's immediate transaction already serialises writers.
pub fn lock_due_outbox_ids(
    conn: &mut DbConnection,
    now: chrono::NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    use super::schema::outbox::dsl::*;
    let due = outbox
        .filter(status.eq(crate::domain::status::MailStatus::Pending.as_str()))
        .filter(next_attempt_at.le(now))
        .filter(claimed_until.is_null().or(claimed_until.lt(now)))
        .order(next_attempt_at.asc())
        .select(id)
        .limit(limit);
    match conn {
        DbConnection::Pg(pg) => due.for_update().skip_locked().load(pg),
        DbConnection::Sqlite(sqlite) => due.load(sqlite),
    }
}

/// Locks a contest's row until the end of the transaction on PostgreSQL; on SQLite the
/// immediate transaction already holds the database's write lock. `FOR NO KEY UPDATE`: writers
/// of one contest (its audit chain) queue up, while the key-share locks that foreign keys take
/// (an idea inserted for the contest) never wait on it, so the two cannot deadlock.
pub fn lock_row_contest(conn: &mut DbConnection, contest_id: &str) -> QueryResult<()> {
    use super::schema::contests::dsl::*;
    if let DbConnection::Pg(pg) = conn {
        contests
            .find(contest_id)
            .select(id)
            .for_no_key_update()
            .first::<String>(pg)
            .optional()?;
    }
    Ok(())
}

/// `INSERT … ON CONFLICT DO NOTHING` of a phase transition: both backends speak it, but the
/// multi-backend query builder does not, so each arm builds it for its own connection.
/// Returns the rows inserted: 0 when another instance got there first.
pub fn insert_transition_once(
    conn: &mut DbConnection,
    contest: &str,
    transition: &str,
    at: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    use super::schema::contest_transitions::dsl::*;
    let row = (contest_id.eq(contest), phase.eq(transition), done_at.eq(at));
    match conn {
        DbConnection::Pg(pg) => diesel::insert_into(contest_transitions)
            .values(row)
            .on_conflict_do_nothing()
            .execute(pg),
        DbConnection::Sqlite(sqlite) => diesel::insert_into(contest_transitions)
            .values(row)
            .on_conflict_do_nothing()
            .execute(sqlite),
    }
}

/// Creates a rate-limit counter at zero unless it exists (`ON CONFLICT DO NOTHING`).
pub fn insert_rate_limit_once(
    conn: &mut DbConnection,
    name: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    use super::schema::rate_limits::dsl::*;
    let row = (bucket.eq(name), window_start.eq(now), hits.eq(0));
    match conn {
        DbConnection::Pg(pg) => diesel::insert_into(rate_limits)
            .values(row)
            .on_conflict_do_nothing()
            .execute(pg),
        DbConnection::Sqlite(sqlite) => diesel::insert_into(rate_limits)
            .values(row)
            .on_conflict_do_nothing()
            .execute(sqlite),
    }
}

/// Serialises the submissions of one author in one contest until the end of the transaction,
/// so that the entry limit holds under concurrency: a transaction-scoped advisory lock on
/// PostgreSQL (other authors are not held up); on SQLite the immediate transaction already
/// serialises every writer.
pub fn lock_author_in_contest(
    conn: &mut DbConnection,
    contest_id: &str,
    author_id: &str,
) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(format!("{contest_id}/{author_id}"))
            .execute(pg)?;
    }
    Ok(())
}

/// The oldest unfinished mail fan-out, locked for the caller's transaction: on PostgreSQL with
/// `FOR UPDATE SKIP LOCKED`, so that two workers expand different ones; on SQLite the
/// immediate write transaction already serialises them.
pub fn claim_fanout(conn: &mut DbConnection) -> QueryResult<Option<super::notifications::Fanout>> {
    use super::notifications::Fanout;
    use super::schema::mail_fanouts::dsl::*;
    match conn {
        DbConnection::Pg(pg) => mail_fanouts
            .filter(done_at.is_null())
            .order(created_at.asc())
            .select(Fanout::as_select())
            .for_update()
            .skip_locked()
            .first(pg)
            .optional(),
        DbConnection::Sqlite(sqlite) => mail_fanouts
            .filter(done_at.is_null())
            .order(created_at.asc())
            .select(Fanout::as_select())
            .first(sqlite)
            .optional(),
    }
}

/// `store::backup`: SQLite's `VACUUM INTO`; PostgreSQL has pg_dump.
pub fn backup_into(
    conn: &mut DbConnection,
    path: &std::path::Path,
) -> anyhow::Result<super::Backup> {
    match conn {
        DbConnection::Pg(_) => Ok(super::Backup::UsePgDump),
        DbConnection::Sqlite(sqlite) => {
            let target = path
                .to_str()
                .ok_or_else(|| anyhow::anyhow!("the backup path must be valid UTF-8"))?;
            diesel::sql_query("VACUUM INTO ?")
                .bind::<diesel::sql_types::Text, _>(target)
                .execute(sqlite)?;
            Ok(super::Backup::Written)
        }
    }
}

/// Remembers that an account signed in from an address (its digest), or updates when it last
/// did (`ON CONFLICT DO UPDATE`).
pub fn upsert_sign_in_address(
    conn: &mut DbConnection,
    user: &str,
    digest: &str,
    at: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    use super::schema::sign_in_addresses::dsl::*;
    let row = (
        user_id.eq(user),
        address_digest.eq(digest),
        last_signed_in_at.eq(at),
    );
    match conn {
        DbConnection::Pg(pg) => diesel::insert_into(sign_in_addresses)
            .values(row)
            .on_conflict((user_id, address_digest))
            .do_update()
            .set(last_signed_in_at.eq(at))
            .execute(pg),
        DbConnection::Sqlite(sqlite) => diesel::insert_into(sign_in_addresses)
            .values(row)
            .on_conflict((user_id, address_digest))
            .do_update()
            .set(last_signed_in_at.eq(at))
            .execute(sqlite),
    }
}
