//! How errors become HTTP answers.
//!
//! Policy:
//! - the store returns `diesel::QueryResult`; the CLI and background jobs use `anyhow`;
//! - use cases return [`AppError`], one variant per kind of refusal, each with a stable `code`;
//! - here every `AppError` becomes a status and the body `{"error": {"code", "message"}}`
//!   (plus `fields` for validation errors), as API.md specifies;
//! - a 500 shows only "internal error" and a request id; its cause chain goes to the log;
//! - failures of actix's own extractors (bad JSON, unknown field, body too large, bad path)
//!   are mapped by [`json_error`], [`path_error`] and [`query_error`] to the same body.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;

use crate::app::{AppError, ErrorCode, FieldError};

/// The JSON error body of API.md.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, snake_case: clients branch on it.
    pub code: ErrorCode,
    /// For people; may change wording.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldError>>,
}

impl AppError {
    /// The code as the body writes it; pages compare it too.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::EmailNotVerified(_) => StatusCode::FORBIDDEN,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            AppError::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "internal error");
                "Something went wrong on our side; it has been logged.".to_owned()
            }
            AppError::Validation(_) => "Some fields are not valid; see fields.".to_owned(),
            other => other.to_string(),
        };
        let fields = match self {
            AppError::Validation(fields) => Some(fields.clone()),
            _ => None,
        };
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::RateLimited { retry_after_secs } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let AppError::Unauthorized(_) = self {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"concours\""),
            ));
        }
        if let AppError::Unavailable(_) = self {
            response.insert_header((header::RETRY_AFTER, "1"));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.error_code(),
                message,
                fields,
            },
        })
    }
}

/// Bad JSON bodies: 413 when too large, 415 without a JSON content type, 400 otherwise, with
/// serde's description (it names the unknown or missing field and where).
pub fn json_error(error: actix_web::error::JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    let app_error = match &error {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => {
            AppError::TooLarge(format!("The request body is larger than {limit} bytes."))
        }
        JsonPayloadError::ContentType => AppError::BadRequest(
            "Send the body as JSON, with Content-Type: application/json.".into(),
        ),
        JsonPayloadError::Deserialize(e) => {
            AppError::BadRequest(format!("The JSON body is not valid: {e}."))
        }
        other => AppError::BadRequest(format!("The request body could not be read: {other}.")),
    };
    app_error.into()
}

pub fn path_error(error: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    AppError::NotFound(format!("There is no such resource ({error}).")).into()
}

pub fn query_error(
    error: actix_web::error::QueryPayloadError,
    _: &HttpRequest,
) -> actix_web::Error {
    AppError::BadRequest(format!("The query string is not valid: {error}.")).into()
}

/// Unknown routes: JSON under the API, a page elsewhere.
/// A path with a NUL character names nothing (ids are UUIDs; PostgreSQL cannot even compare
/// text with one): 404 before any route runs, on either backend.
pub async fn refuse_nul_in_path(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    if req.path().to_ascii_lowercase().contains("%00") || req.path().contains('\0') {
        let (req, _) = req.into_parts();
        let response = not_found(req.clone())
            .await
            .unwrap_or_else(|error| error.error_response());
        return Ok(actix_web::dev::ServiceResponse::new(req, response));
    }
    next.call(req).await.map(|res| res.map_into_boxed_body())
}

pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    if req.path().starts_with("/api/") || req.path() == "/healthz" {
        return Err(AppError::NotFound("There is no such route.".into()));
    }
    let state = req
        .app_data::<actix_web::web::Data<super::AppState>>()
        .expect("AppState");
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(super::i18n::from_accept_language)
        .unwrap_or("en");
    let mut context = tera::Context::new();
    context.insert("lang", lang);
    context.insert("t", super::i18n::texts(lang));
    context.insert("csrf", "");
    context.insert("path", req.path());
    Ok(super::pages::render_with(
        &state.tera,
        "errors/not_found.html",
        &context,
        StatusCode::NOT_FOUND,
    ))
}
