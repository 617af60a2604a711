//! Wraps a create handler so that a request carrying `Idempotency-Key` is answered once and
//! replayed afterwards (see `app::idempotency`).

use std::future::Future;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::app::idempotency::{self, Begin};
use crate::app::{AppError, AppResult};
use crate::domain::canonical;

use super::AppState;
use super::auth::SignedIn;

pub const HEADER: &str = "Idempotency-Key";

/// The part of a request that identifies it for `Idempotency-Key`: its body, as parsed.
pub fn fingerprint<I: Serialize>(input: &I) -> serde_json::Value {
    serde_json::to_value(input).unwrap_or(serde_json::Value::Null)
}

/// Runs `create` (answered 201 with its value as JSON), honouring an `Idempotency-Key`.
/// `fingerprint` is the request body as parsed, so a retry must send the same content.
pub async fn created<T, F>(
    state: &AppState,
    req: &HttpRequest,
    signed_in: &SignedIn,
    fingerprint: serde_json::Value,
    create: F,
) -> Result<HttpResponse, AppError>
where
    T: Serialize,
    F: Future<Output = AppResult<T>>,
{
    let Some(key) = req.headers().get(HEADER) else {
        return Ok(HttpResponse::Created().json(create.await?));
    };
    let key = key
        .to_str()
        .map_err(|_| AppError::BadRequest("Idempotency-Key must be visible ASCII.".into()))?
        .to_owned();
    let request_hash = canonical::sha256_hex(
        format!(
            "{} {}\n{}",
            req.method(),
            req.path(),
            canonical::to_string(&fingerprint)
        )
        .as_bytes(),
    );
    let user_id = signed_in.0.user.id.clone();
    let begin = {
        let (user_id, key) = (user_id.clone(), key.clone());
        state
            .run(move |ctx, conn| idempotency::begin(ctx, conn, &user_id, &key, &request_hash))
            .await?
    };
    match begin {
        Begin::Replay { status, body } => Ok(HttpResponse::build(
            StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED),
        )
        .content_type("application/json")
        .insert_header(("Idempotent-Replayed", "true"))
        .body(body)),
        Begin::Run => match create.await {
            Ok(value) => {
                let body = serde_json::to_string(&value).map_err(AppError::internal)?;
                let stored = body.clone();
                state
                    .run(move |_, conn| idempotency::finish(conn, &user_id, &key, 201, &stored))
                    .await?;
                Ok(HttpResponse::Created()
                    .content_type("application/json")
                    .body(body))
            }
            Err(error) => {
                state
                    .run(move |_, conn| idempotency::forget(conn, &user_id, &key))
                    .await?;
                Err(error)
            }
        },
    }
}
