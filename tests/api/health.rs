//! Health, the OpenAPI document, and the shape of errors.

use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(
    healthz_answers_when_the_database_does,
    openapi_describes_every_route,
    unknown_routes_answer_json_404,
    malformed_json_is_400_and_unknown_fields_are_refused,
    oversized_bodies_are_413,
    responses_carry_security_headers,
);

async fn healthz_answers_when_the_database_does(app: &TestApp) {
    let answer = app.get("/healthz", None).await.expect(200);
    assert_eq!(answer.json(), json!({"status": "ok"}));
    // The instance really runs on the backend the test names.
    assert_eq!(
        secrecy::ExposeSecret::expose_secret(&app.settings.database.url).starts_with("postgres://"),
        app.backend == crate::helpers::Backend::Postgres
    );
}

async fn openapi_describes_every_route(app: &TestApp) {
    let doc = app
        .get("/api/v1/openapi.json", None)
        .await
        .expect(200)
        .json();
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/healthz", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/verify", "post"),
        ("/api/v1/auth/verify/resend", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/organizations", "post"),
        ("/api/v1/organizations", "get"),
        ("/api/v1/organizations/{id}", "get"),
        ("/api/v1/organizations/{id}/members", "post"),
        ("/api/v1/organization-invitations/{token}/accept", "post"),
        ("/api/v1/organizations/{id}/members/{user_id}", "delete"),
        ("/api/v1/organizations/{id}/owner", "post"),
        ("/api/v1/contests", "post"),
        ("/api/v1/contests", "get"),
        ("/api/v1/contests/{id}", "get"),
        ("/api/v1/contests/{id}", "patch"),
        ("/api/v1/contests/{id}/rules", "get"),
        ("/api/v1/contests/{id}/open", "post"),
        ("/api/v1/contests/{id}/fundings", "post"),
        ("/api/v1/contests/{id}/fundings", "get"),
        ("/api/v1/admin/fundings", "get"),
        ("/api/v1/admin/fundings/{id}/confirm", "post"),
        ("/api/v1/contests/{id}/announcements", "post"),
        ("/api/v1/contests/{id}/announcements", "get"),
        ("/api/v1/contests/{id}/audit", "get"),
        ("/api/v1/contests/{id}/ideas", "post"),
        ("/api/v1/me/ideas", "get"),
        ("/api/v1/ideas/{id}", "get"),
        ("/api/v1/ideas/{id}", "put"),
        ("/api/v1/ideas/{id}", "delete"),
        ("/api/v1/ideas/{id}/submit", "post"),
        ("/api/v1/ideas/{id}/attachments", "post"),
        ("/api/v1/attachments/{id}", "get"),
        ("/api/v1/contests/{id}/jurors", "post"),
        ("/api/v1/contests/{id}/jurors", "get"),
        ("/api/v1/contests/{id}/jury", "get"),
        ("/api/v1/jury-invitations/{token}/accept", "post"),
        ("/api/v1/contests/{id}/jury/settings", "put"),
        ("/api/v1/contests/{id}/jury/entries", "get"),
        (
            "/api/v1/contests/{id}/jury/entries/{entry_id}/scores",
            "put",
        ),
        (
            "/api/v1/contests/{id}/jury/entries/{entry_id}/conflict",
            "post",
        ),
        (
            "/api/v1/contests/{id}/jury/entries/{entry_id}/attachments/{number}",
            "get",
        ),
        ("/api/v1/contests/{id}/jury/progress", "get"),
        ("/api/v1/contests/{id}/jury/remind", "post"),
        ("/api/v1/ideas/{id}/disqualify", "post"),
        ("/api/v1/contests/{id}/award", "post"),
        ("/api/v1/contests/{id}/results", "get"),
        ("/api/v1/contests/{id}/scoresheet", "get"),
        ("/api/v1/admin/payouts/{id}/paid", "post"),
        ("/api/v1/me/preferences", "get"),
        ("/api/v1/me/preferences", "put"),
        ("/api/v1/me/following", "get"),
        ("/api/v1/organizations/{id}/follow", "post"),
        ("/api/v1/organizations/{id}/follow", "delete"),
        ("/api/v1/auth/password-reset", "post"),
        ("/api/v1/auth/password-reset/confirm", "post"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

async fn unknown_routes_answer_json_404(app: &TestApp) {
    app.get("/api/v1/nothing-here", None)
        .await
        .expect_error(404, "not_found");
    // A NUL character in an id or a field is a malformed request on either backend (PostgreSQL
    // refuses it in text; found by schemathesis), never a 500.
    for path in [
        "/api/v1/contests/a%00b",
        "/api/v1/ideas/a%00b",
        "/api/v1/attachments/a%00b",
    ] {
        app.get(path, None).await.expect_error(404, "not_found");
    }
    let status = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "a\u{0}@x.org", "password": "xxxxxxxxxxxx"}),
        )
        .await
        .status
        .as_u16();
    assert!((400..500).contains(&status), "login: {status}");
}

async fn malformed_json_is_400_and_unknown_fields_are_refused(app: &TestApp) {
    app.post_raw("/api/v1/auth/register", "application/json", "{not json")
        .await
        .expect_error(400, "bad_request");
    let answer = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "a@example.org", "password": "0123456789", "display_name": "A", "is_admin": true}),
        )
        .await
        .expect_error(400, "bad_request");
    assert!(answer.text.contains("is_admin"), "{}", answer.text);
    // A missing field is malformed too, and named.
    let answer = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "a@example.org"}),
        )
        .await
        .expect_error(400, "bad_request");
    assert!(answer.text.contains("password"), "{}", answer.text);
    app.post_raw("/api/v1/auth/register", "text/plain", "hello")
        .await
        .expect_error(400, "bad_request");
    // A body is an object: serde alone would read a struct from an array in field order
    // (`["a@example.org", "0123456789", "A"]` as a registration). Nothing is created.
    let answer = app
        .post(
            "/api/v1/auth/register",
            None,
            json!(["array@example.org", "0123456789abc", "Array"]),
        )
        .await
        .expect_error(400, "bad_request");
    assert!(answer.text.contains("a JSON object"), "{}", answer.text);
    let token = app.person("owner@acme.example", "Owner").await.token;
    for body in [json!(["Acme"]), json!("Acme"), json!(null), json!(7)] {
        app.post("/api/v1/organizations", Some(&token), body.clone())
            .await
            .expect_error(400, "bad_request");
    }
    let mine = app.get("/api/v1/organizations", Some(&token)).await.json();
    assert_eq!(mine["organizations"].as_array().unwrap().len(), 0);
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": "array@example.org", "password": "0123456789abc"}),
    )
    .await
    .expect_error(401, "unauthorized");
}

async fn oversized_bodies_are_413(app: &TestApp) {
    let big = "x".repeat(app.settings.server.json_limit_bytes + 1);
    let body =
        format!(r#"{{"email":"a@example.org","password":"0123456789","display_name":"{big}"}}"#);
    app.post_raw("/api/v1/auth/register", "application/json", body)
        .await
        .expect_error(413, "too_large");
}

async fn responses_carry_security_headers(app: &TestApp) {
    let answer = app.get("/healthz", None).await.expect(200);
    assert_eq!(answer.headers["x-content-type-options"], "nosniff");
    assert_eq!(answer.headers["x-frame-options"], "DENY");
    assert!(
        answer.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}
