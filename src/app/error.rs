//! The errors a use case can end with. Each has a stable code that clients rely on
//! (API.md, Conventions); `web::error` turns them into HTTP answers.

use std::fmt;

/// One problem with one field of a request, named by its path (`rules.prizes[0].amount_cents`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Malformed request: bad JSON, an unknown field, a wrong type.
    #[error("{0}")]
    BadRequest(String),
    /// No valid session, or one was needed.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but this person may not do this.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The request is well formed but the state of things refuses it; `code` says which rule.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{0}")]
    TooLarge(String),
    /// An upload whose content is not of an accepted kind, whatever its name says.
    #[error("{0}")]
    UnsupportedType(String),
    /// The action needs a verified email address.
    #[error("{0}")]
    EmailNotVerified(String),
    /// Every problem found with the request's fields, all at once.
    #[error("some fields are not valid")]
    Validation(Vec<FieldError>),
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// The database is busy or unreachable; nothing was written. Try again.
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an outage we did not foresee; logged with its cause chain, never shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> AppError {
        AppError::NotFound(format!("There is no such {what}, or you may not see it."))
    }

    pub fn field(path: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError {
            path: path.into(),
            message: message.into(),
        }])
    }

    pub fn internal(error: impl fmt::Display) -> AppError {
        AppError::Internal(anyhow::anyhow!("{error}"))
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> AppError {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            // SQLite's writer lock held past the busy timeout, or a PostgreSQL serialisation
            // failure: the transaction was rolled back, so the client may simply retry.
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Unavailable("The server is busy; nothing was saved. Try again.".into())
            }
            Error::DatabaseError(_, info) if is_busy(info.message()) => {
                AppError::Unavailable("The server is busy; nothing was saved. Try again.".into())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                AppError::Unavailable("The database is unavailable; nothing was saved.".into())
            }
            // PostgreSQL refuses a NUL character in text (SQLite stores it): a request that
            // carries one in an id or a field is malformed, whichever backend answers.
            Error::DatabaseError(_, info) if info.message().contains("invalid byte sequence") => {
                AppError::BadRequest("Text may not contain NUL characters.".into())
            }
            Error::DatabaseError(_, info) if is_gone(info.message()) => {
                AppError::Unavailable("The database is unavailable; nothing was saved.".into())
            }
            // A store guard found the row changed under it (a stale read): nothing was written.
            Error::RollbackTransaction => AppError::Unavailable(
                "This changed while you saved; nothing was saved. Try again.".into(),
            ),
            _ => AppError::Internal(error.into()),
        }
    }
}

/// Contention that ends with a rollback and is worth retrying: SQLite's busy writer lock, and
/// PostgreSQL's deadlock detector or lock timeout (SQLSTATE 40P01, 55P03, which diesel does not
/// name).
fn is_busy(message: &str) -> bool {
    message.contains("database is locked")
        || message.contains("database is busy")
        || message.contains("deadlock detected")
        || message.contains("lock timeout")
        || message.contains("could not obtain lock")
}

/// The database went away under a request (a restart, a failover).
fn is_gone(message: &str) -> bool {
    message.contains("terminating connection")
        || message.contains("server closed the connection")
        || message.contains("the database system is")
        || message.contains("connection to server")
        // libpq, on a connection it already knows is broken (taken from the pool after the
        // server went away, e.g. between the two stages of a use case that hashes a password).
        || message.contains("no connection to the server")
        || message.contains("could not send data to server")
        || message.contains("could not receive data from server")
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> AppError {
        tracing::warn!(%error, "no database connection available");
        AppError::Unavailable("The server is busy; nothing was saved. Try again.".into())
    }
}

/// Collects every field problem of a request, so that the person sees all of them at once.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Validator {
        Validator::default()
    }

    /// Keeps the value when `result` is Ok, and the problem under `path` otherwise.
    pub fn check<T, E: fmt::Display>(&mut self, path: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(path, message);
                None
            }
        }
    }

    pub fn add(&mut self, path: &str, message: impl fmt::Display) {
        self.errors.push(FieldError {
            path: path.to_owned(),
            message: message.to_string(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}
