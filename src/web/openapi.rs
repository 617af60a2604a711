//! The served OpenAPI document.

/// The document as JSON, generated from the routes (see `routes::openapi_document`).
pub fn document_json() -> String {
    super::routes::openapi_document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
}

#[cfg(test)]
mod tests {
    use crate::app::ErrorCode;

    /// Every code a client may read is in the served OpenAPI document (the error body's `code`
    /// is the `ErrorCode` schema) and in docs/API.md, the contract kept with the code.
    #[test]
    fn every_error_code_is_documented() {
        let document: serde_json::Value = serde_json::from_str(&super::document_json()).unwrap();
        let schema = &document["components"]["schemas"]["ErrorCode"];
        let documented: Vec<&str> = schema["enum"]
            .as_array()
            .expect("the ErrorCode schema lists its values")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let detail = &document["components"]["schemas"]["ErrorDetail"]["properties"]["code"];
        assert_eq!(detail["$ref"], "#/components/schemas/ErrorCode");
        let api = include_str!("../../docs/API.md");
        for code in ErrorCode::ALL {
            assert!(
                documented.contains(&code.as_str()),
                "{code} is not in the OpenAPI document"
            );
            assert!(
                api.contains(&format!("`{code}`")),
                "{code} is not in docs/API.md"
            );
        }
    }
}
