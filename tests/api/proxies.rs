//! The client address behind reverse proxies (finding 16.8): the leftmost `X-Forwarded-For`
//! entry is the client's own words, so spoofing it never escapes a per-address limit.

use serde_json::json;

use crate::helpers::{Backend, TestApp, spawn_app_with};

/// A failed sign-in for a fresh address each time, with this `X-Forwarded-For`.
async fn failed_login(app: &TestApp, i: usize, forwarded_for: &str) -> u16 {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": format!("spray{i}@example.org"), "password": "guess guess guess"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn spoofing_the_leftmost_entry_does_not_escape_the_sign_in_limit(backend: Backend) {
    // nginx on the same host appends the real client, 203.0.113.5, to whatever it was sent.
    let app = spawn_app_with(backend, |s| {
        s.auth.login_max_failures_per_ip = 4;
        s.server.trusted_proxies =
            concours::proxies::TrustedProxies::parse(&["127.0.0.1", "::1"]).unwrap();
    })
    .await;
    for i in 0..4 {
        let spoofed = format!("198.51.100.{i}, 203.0.113.5");
        assert_eq!(failed_login(&app, i, &spoofed).await, 401, "{spoofed}");
    }
    for i in 4..8 {
        let spoofed = format!("198.51.100.{i}, 203.0.113.5");
        assert_eq!(failed_login(&app, i, &spoofed).await, 429, "{spoofed}");
        // Claiming to be one of our proxies, or writing garbage, does not help either.
        let spoofed = "127.0.0.1, not-an-address, 203.0.113.5";
        assert_eq!(failed_login(&app, i, spoofed).await, 429, "{spoofed}");
    }
    // Another client behind the same proxy has its own count.
    assert_eq!(failed_login(&app, 9, "203.0.113.6").await, 401);
    app.assert_invariants().await;
    app.stop().await;
}

async fn without_trusted_proxies_the_header_is_ignored(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.auth.login_max_failures_per_ip = 4).await;
    assert!(app.settings.server.trusted_proxies == Default::default());
    for i in 0..4 {
        assert_eq!(failed_login(&app, i, &format!("198.51.100.{i}")).await, 401);
    }
    // Every address the client claims, leftmost or rightmost: still the TCP peer's count.
    for i in 4..8 {
        let spoofed = format!("203.0.113.{i}, 198.51.100.{i}");
        assert_eq!(failed_login(&app, i, &spoofed).await, 429, "{spoofed}");
    }
    app.assert_invariants().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spoofing_the_leftmost_entry_does_not_escape_the_sign_in_limit_sqlite() {
    spoofing_the_leftmost_entry_does_not_escape_the_sign_in_limit(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spoofing_the_leftmost_entry_does_not_escape_the_sign_in_limit_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    spoofing_the_leftmost_entry_does_not_escape_the_sign_in_limit(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_trusted_proxies_the_header_is_ignored_sqlite() {
    without_trusted_proxies_the_header_is_ignored(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_trusted_proxies_the_header_is_ignored_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    without_trusted_proxies_the_header_is_ignored(Backend::Postgres).await;
}
