//! Server-rendered HTML pages (tera). The whole site comes with the pages issue; for now, the
//! page behind the emailed verification link.

pub mod accounts;

use actix_web::HttpResponse;
use tera::{Context, Tera};

/// Renders a page, or a plain error page when the template fails (a bug, logged).
pub fn render(tera: &Tera, template: &str, context: &Context) -> HttpResponse {
    match tera.render(template, context) {
        Ok(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(error) => {
            tracing::error!(error = ?error, template, "page template failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Something went wrong on our side; it has been logged.")
        }
    }
}
