//! `GET /healthz` and the OpenAPI document.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;

use crate::app;
use crate::web::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    pub status: &'static str,
}

/// Whether this instance can serve: 200 when the database answers, 503 otherwise.
#[utoipa::path(tag = "health", responses(
    (status = 200, body = Health),
    (status = 503, body = Health)
))]
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let ok = state.run(|_, conn| app::ready(conn)).await.is_ok();
    if ok {
        HttpResponse::Ok().json(Health { status: "ok" })
    } else {
        HttpResponse::ServiceUnavailable().json(Health {
            status: "unavailable",
        })
    }
}

/// The OpenAPI 3.1 description of every route.
#[utoipa::path(tag = "health", responses((status = 200, description = "The OpenAPI document")))]
#[get("/openapi.json")]
pub async fn openapi(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(state.openapi_json.as_str().to_owned())
}
