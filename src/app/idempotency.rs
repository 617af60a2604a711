//! `Idempotency-Key` on create requests (API.md, Conventions): the same key with the same body
//! returns the first answer instead of creating twice; with another body, 422.

use chrono::Duration;

use crate::store::{self, DbConnection, write_tx};

use super::{AppError, AppResult, Ctx, ErrorCode};

/// How long a first request may run before a retry with its key may take over (it crashed).
const ABANDONED_AFTER_SECONDS: i64 = 60;
/// How long answers are remembered.
pub const REMEMBERED_FOR_HOURS: i64 = 24;

/// What to do with a request that carries a key.
#[derive(Debug)]
pub enum Begin {
    /// First time: run it, then `finish` (or `forget` on failure).
    Run,
    /// Seen before: answer this.
    Replay { status: u16, body: String },
}

pub fn begin(
    ctx: &Ctx,
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    request_hash: &str,
) -> AppResult<Begin> {
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::BadRequest(
            "Idempotency-Key must be 1 to 255 visible ASCII characters.".into(),
        ));
    }
    write_tx(conn, |conn| {
        let now = ctx.now();
        if let Some(seen) = store::idempotency::find(conn, user_id, key)?
            && store::from_db(seen.created_at) > now - Duration::hours(REMEMBERED_FOR_HOURS)
        {
            if seen.request_hash != request_hash {
                return Err(AppError::field(
                    "Idempotency-Key",
                    "This key was used for another request; use a new key for a new request.",
                ));
            }
            match (seen.status, seen.response) {
                (Some(status), Some(body)) => {
                    return Ok(Begin::Replay {
                        status: status as u16,
                        body,
                    });
                }
                _ if store::from_db(seen.created_at)
                    > now - Duration::seconds(ABANDONED_AFTER_SECONDS) =>
                {
                    return Err(AppError::conflict(
                        ErrorCode::RequestInProgress,
                        "A request with this Idempotency-Key is still running; try again in a moment.",
                    ));
                }
                _ => {}
            }
        }
        match store::idempotency::start(conn, user_id, key, request_hash, store::to_db(now)) {
            Ok(store::Insert::Inserted) => Ok(Begin::Run),
            // The same key, at the same moment, from another connection: that one runs.
            Ok(store::Insert::AlreadyExists) => Err(AppError::conflict(
                ErrorCode::RequestInProgress,
                "A request with this Idempotency-Key is still running; try again in a moment.",
            )),
            Err(error) => Err(error.into()),
        }
    })
}

pub fn finish(
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    status: u16,
    body: &str,
) -> AppResult<()> {
    store::idempotency::finish(conn, user_id, key, i32::from(status), body)?;
    Ok(())
}

pub fn forget(conn: &mut DbConnection, user_id: &str, key: &str) -> AppResult<()> {
    store::idempotency::forget(conn, user_id, key)?;
    Ok(())
}
