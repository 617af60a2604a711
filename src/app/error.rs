//! The errors a use case can end with. Each has a stable code that clients rely on
//! (API.md, Conventions); `web::error` turns them into HTTP answers.

use std::fmt;

/// One problem with one field of a request, named by its path (`rules.prizes[0].amount_cents`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// Every error code a client may read in `{"error": {"code"}}` (API.md, Conventions): the
/// general ones, one per kind of `AppError`, then the 409 codes a `Conflict` names, which rule
/// refused. Serialised as the documented snake_case string; clients branch on it, so a variant
/// is never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Malformed request: bad JSON, an unknown field, a wrong type (400).
    BadRequest,
    /// No valid session, or one was needed (401).
    Unauthorized,
    /// Signed in, but this person may not do this (403).
    Forbidden,
    /// No such thing, or the caller may not see it (404).
    NotFound,
    /// The body or the upload is too large (413).
    TooLarge,
    /// An upload whose content is not of an accepted kind (415).
    UnsupportedType,
    /// The action needs a verified email address (403).
    EmailNotVerified,
    /// Some fields are not valid; `fields` says which (422).
    ValidationFailed,
    /// Too many attempts; `Retry-After` says when to try again (429).
    RateLimited,
    /// The database is busy or unreachable; nothing was written (503).
    Unavailable,
    /// A bug or an outage; logged, never explained (500).
    Internal,
    // The 409 codes.
    ActiveJuror,
    AlreadyAwarded,
    AlreadyConfirmed,
    AlreadyInvited,
    AlreadyMember,
    AlreadyPaid,
    AlreadyVerified,
    AttachmentUnreadable,
    ConflictOfInterest,
    CurrencyLocked,
    CurrencyMismatch,
    EmailTaken,
    EntryLimitReached,
    FundingMismatch,
    InvalidPhase,
    InvalidToken,
    HasContests,
    JudgingClosed,
    LastOwner,
    NotEnoughJurors,
    NotFunded,
    NotPublic,
    OrganizationMember,
    OrganizerOnJury,
    OverFunded,
    RequestInProgress,
    RulesFrozen,
    SubmissionClosed,
    TokenExpired,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 40] = [
        Self::BadRequest,
        Self::Unauthorized,
        Self::Forbidden,
        Self::NotFound,
        Self::TooLarge,
        Self::UnsupportedType,
        Self::EmailNotVerified,
        Self::ValidationFailed,
        Self::RateLimited,
        Self::Unavailable,
        Self::Internal,
        Self::ActiveJuror,
        Self::AlreadyAwarded,
        Self::AlreadyConfirmed,
        Self::AlreadyInvited,
        Self::AlreadyMember,
        Self::AlreadyPaid,
        Self::AlreadyVerified,
        Self::AttachmentUnreadable,
        Self::ConflictOfInterest,
        Self::CurrencyLocked,
        Self::CurrencyMismatch,
        Self::EmailTaken,
        Self::EntryLimitReached,
        Self::FundingMismatch,
        Self::InvalidPhase,
        Self::InvalidToken,
        Self::HasContests,
        Self::JudgingClosed,
        Self::LastOwner,
        Self::NotEnoughJurors,
        Self::NotFunded,
        Self::NotPublic,
        Self::OrganizationMember,
        Self::OrganizerOnJury,
        Self::OverFunded,
        Self::RequestInProgress,
        Self::RulesFrozen,
        Self::SubmissionClosed,
        Self::TokenExpired,
    ];

    /// The code as clients read it (the same string serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::TooLarge => "too_large",
            Self::UnsupportedType => "unsupported_type",
            Self::EmailNotVerified => "email_not_verified",
            Self::ValidationFailed => "validation_failed",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
            Self::ActiveJuror => "active_juror",
            Self::AlreadyAwarded => "already_awarded",
            Self::AlreadyConfirmed => "already_confirmed",
            Self::AlreadyInvited => "already_invited",
            Self::AlreadyMember => "already_member",
            Self::AlreadyPaid => "already_paid",
            Self::AlreadyVerified => "already_verified",
            Self::AttachmentUnreadable => "attachment_unreadable",
            Self::ConflictOfInterest => "conflict_of_interest",
            Self::CurrencyLocked => "currency_locked",
            Self::CurrencyMismatch => "currency_mismatch",
            Self::EmailTaken => "email_taken",
            Self::EntryLimitReached => "entry_limit_reached",
            Self::FundingMismatch => "funding_mismatch",
            Self::InvalidPhase => "invalid_phase",
            Self::InvalidToken => "invalid_token",
            Self::HasContests => "has_contests",
            Self::JudgingClosed => "judging_closed",
            Self::LastOwner => "last_owner",
            Self::NotEnoughJurors => "not_enough_jurors",
            Self::NotFunded => "not_funded",
            Self::NotPublic => "not_public",
            Self::OrganizationMember => "organization_member",
            Self::OrganizerOnJury => "organizer_on_jury",
            Self::OverFunded => "over_funded",
            Self::RequestInProgress => "request_in_progress",
            Self::RulesFrozen => "rules_frozen",
            Self::SubmissionClosed => "submission_closed",
            Self::TokenExpired => "token_expired",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
    Conflict { code: ErrorCode, message: String },
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
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// The code clients read for this error.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            AppError::BadRequest(_) => ErrorCode::BadRequest,
            AppError::Unauthorized(_) => ErrorCode::Unauthorized,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Conflict { code, .. } => *code,
            AppError::TooLarge(_) => ErrorCode::TooLarge,
            AppError::UnsupportedType(_) => ErrorCode::UnsupportedType,
            AppError::EmailNotVerified(_) => ErrorCode::EmailNotVerified,
            AppError::Validation(_) => ErrorCode::ValidationFailed,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Unavailable(_) => ErrorCode::Unavailable,
            AppError::Internal(_) => ErrorCode::Internal,
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn every_code_serialises_as_its_string() {
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
        }
    }

    /// Every `.rs` file under `dir`, with its text.
    fn sources(dir: &Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((path.display().to_string(), text));
            }
        }
    }

    /// `ALL` lists every variant (read from this file's declaration, in order), and every
    /// variant is produced by some code outside its own declaration: no dead code, no code
    /// documented for clients that nothing ever answers.
    #[test]
    fn every_code_is_listed_and_produced_somewhere() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let this = std::fs::read_to_string(root.join("app/error.rs")).unwrap();
        let start = this.find("pub enum ErrorCode {").unwrap();
        let end = start + this[start..].find("\n}\n").unwrap();
        let declared: Vec<&str> = this[start..end]
            .lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| !l.starts_with("//") && !l.is_empty())
            .map(|l| l.trim_end_matches(','))
            .collect();
        let listed: Vec<String> = ErrorCode::ALL.iter().map(|c| format!("{c:?}")).collect();
        assert_eq!(
            declared, listed,
            "ErrorCode::ALL must list every variant, in order"
        );

        let mut files = Vec::new();
        sources(&root, &mut files);
        let producing: String = files
            .into_iter()
            .map(|(path, text)| {
                // Not the declaration itself, nor the tests.
                let text = text.split("#[cfg(test)]").next().unwrap_or_default();
                if path.ends_with("app/error.rs") {
                    let cut = text.find("/// Every error code a client may read").unwrap();
                    let resume = text.find("impl fmt::Display for ErrorCode").unwrap();
                    format!("{}{}", &text[..cut], &text[resume..])
                } else {
                    text.to_owned()
                }
            })
            .collect();
        for code in ErrorCode::ALL {
            let name = format!("ErrorCode::{code:?}");
            let used = producing.match_indices(&name).any(|(at, _)| {
                !producing[at + name.len()..].starts_with(|c: char| c.is_alphanumeric())
            });
            assert!(used, "{name} is produced nowhere in src/");
        }
    }
}
