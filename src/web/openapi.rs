//! The served OpenAPI document.

/// The document as JSON, generated from the routes (see `routes::openapi_document`).
pub fn document_json() -> String {
    super::routes::openapi_document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
}
