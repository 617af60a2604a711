//! What an insert that may lose a race did. Where a unique index decides between two
//! concurrent writers (two sign-ups with one address, two requests with one idempotency key,
//! two awards of one contest), the loser's insert fails with a unique violation; the store
//! says so as a value, so that the use case decides what it means without digging a diesel
//! error out of an `anyhow` one.

use diesel::result::{DatabaseErrorKind, Error, QueryResult};

/// The outcome of an insert guarded by a unique index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Insert {
    Inserted,
    /// A row with the same unique key is already there: another writer got there first. On
    /// PostgreSQL the transaction is aborted; the caller must end it with an error.
    AlreadyExists,
}

/// Turns a unique violation into `AlreadyExists`; any other error stays one.
pub fn of<T>(result: QueryResult<T>) -> QueryResult<Insert> {
    match result {
        Ok(_) => Ok(Insert::Inserted),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            Ok(Insert::AlreadyExists)
        }
        Err(error) => Err(error),
    }
}
