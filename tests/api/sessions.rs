//! Session tokens: every forged, expired, tampered or revoked token is refused with 401.

use chrono::Duration;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Person, TestApp};

both_backends!(
    only_genuine_current_tokens_are_accepted,
    tokens_expire_after_the_configured_time,
    the_scheduler_forgets_revoked_tokens_once_they_expire,
    a_cookie_session_changes_nothing_without_the_csrf_header,
);

/// The session cookie rides along with any request a browser makes, also one another site
/// makes it send: the API reads with it, but changes nothing without the page's CSRF token.
async fn a_cookie_session_changes_nothing_without_the_csrf_header(app: &TestApp) {
    let token = app.person("cookie@example.org", "Cookie").await.token;
    let cookie =
        format!("concours_session={token}; concours_csrf=abcdefghijklmnopqrstuvwxyz012345");
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    for header in [None, Some("wrong-token-wrong-token-wrong-tok"), Some("")] {
        let mut request = app
            .client
            .post(app.url("/api/v1/organizations"))
            .header("cookie", &cookie)
            .json(&json!({"name": "Forged"}));
        if let Some(value) = header {
            request = request.header("X-CSRF-Token", value);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 403, "{header:?}");
    }
    let organizations = app.get("/api/v1/organizations", Some(&token)).await.json();
    assert!(
        !organizations.to_string().contains("Forged"),
        "{organizations}"
    );
    let created = app
        .client
        .post(app.url("/api/v1/organizations"))
        .header("cookie", &cookie)
        .header("X-CSRF-Token", "abcdefghijklmnopqrstuvwxyz012345")
        .json(&json!({"name": "Genuine"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
}

async fn the_scheduler_forgets_revoked_tokens_once_they_expire(app: &TestApp) {
    use concours::store::schema::revoked_tokens;
    use diesel::prelude::*;
    let token = app.person("bye@example.org", "Bye").await.token;
    app.post("/api/v1/auth/logout", Some(&token), json!({}))
        .await
        .expect(204);
    let count = |app: &TestApp| -> i64 {
        revoked_tokens::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    app.scheduler.tick().await.unwrap();
    assert_eq!(
        count(app),
        1,
        "a revoked token that has not expired is kept"
    );
    app.advance(
        Duration::hours(i64::from(app.settings.auth.token_ttl_hours)) + Duration::seconds(1),
    );
    app.scheduler.tick().await.unwrap();
    assert_eq!(count(app), 0);
    app.get("/api/v1/me", Some(&token))
        .await
        .expect_error(401, "unauthorized");
}

const SECRET: &[u8] = b"a-test-secret-that-is-long-enough-0123456789";

fn sign(claims: &Value, algorithm: Algorithm, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn b64(bytes: &[u8]) -> String {
    // base64url without padding, as JWTs use.
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

async fn only_genuine_current_tokens_are_accepted(app: &TestApp) {
    let Person { token, id: user_id } = app.person("tok@example.org", "Tok").await;
    app.get("/api/v1/me", Some(&token)).await.expect(200);

    let now = app.clock_now_ts();
    let good = json!({"sub": user_id, "iss": "concours", "aud": "concours",
        "exp": now + 3600, "iat": now, "jti": "a-new-jti"});
    // The harness signs with the same secret: a well-formed token is accepted...
    app.get("/api/v1/me", Some(&sign(&good, Algorithm::HS256, SECRET)))
        .await
        .expect(200);

    let without = |key: &str| {
        let mut claims = good.clone();
        claims.as_object_mut().unwrap().remove(key);
        claims
    };
    let with = |key: &str, value: Value| {
        let mut claims = good.clone();
        claims[key] = value;
        claims
    };
    let header_none = b64(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = b64(good.to_string().as_bytes());
    // A genuine token whose payload is swapped for another person's keeps a signature that no
    // longer matches.
    let mut tampered_parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut claims = good.clone();
    claims["sub"] = json!(uuid::Uuid::now_v7().to_string());
    tampered_parts[1] = b64(claims.to_string().as_bytes());

    let attacks: Vec<(&str, String)> = vec![
        ("alg none", format!("{header_none}.{payload}.")),
        (
            "wrong key",
            sign(
                &good,
                Algorithm::HS256,
                b"another-secret-another-secret-1234",
            ),
        ),
        (
            "HS512 with the right key",
            sign(&good, Algorithm::HS512, SECRET),
        ),
        ("no aud", sign(&without("aud"), Algorithm::HS256, SECRET)),
        ("no iss", sign(&without("iss"), Algorithm::HS256, SECRET)),
        ("no exp", sign(&without("exp"), Algorithm::HS256, SECRET)),
        (
            "wrong aud",
            sign(&with("aud", json!("elsewhere")), Algorithm::HS256, SECRET),
        ),
        (
            "wrong iss",
            sign(&with("iss", json!("elsewhere")), Algorithm::HS256, SECRET),
        ),
        (
            "expired",
            sign(&with("exp", json!(now - 1)), Algorithm::HS256, SECRET),
        ),
        (
            "unknown user",
            sign(
                &with("sub", json!(uuid::Uuid::now_v7().to_string())),
                Algorithm::HS256,
                SECRET,
            ),
        ),
        ("tampered payload", tampered_parts.join(".")),
        ("garbage", "not.a.token".to_owned()),
        ("empty", String::new()),
    ];
    for (name, forged) in attacks {
        let answer = app.get("/api/v1/me", Some(&forged)).await;
        assert_eq!(
            answer.status.as_u16(),
            401,
            "{name} was accepted: {}",
            answer.text
        );
        assert_eq!(answer.json()["error"]["code"], "unauthorized", "{name}");
    }

    // Not a Bearer scheme.
    let basic = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", format!("Basic {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status().as_u16(), 401);

    // After sign-out the token is refused.
    app.post("/api/v1/auth/logout", Some(&token), json!({}))
        .await
        .expect(204);
    app.get("/api/v1/me", Some(&token))
        .await
        .expect_error(401, "unauthorized");
}

async fn tokens_expire_after_the_configured_time(app: &TestApp) {
    let token = app.person("late@example.org", "Late").await.token;
    app.advance(
        Duration::hours(i64::from(app.settings.auth.token_ttl_hours)) - Duration::seconds(1),
    );
    app.get("/api/v1/me", Some(&token)).await.expect(200);
    app.advance(Duration::seconds(1));
    app.get("/api/v1/me", Some(&token))
        .await
        .expect_error(401, "unauthorized");
}

impl TestApp {
    fn clock_now_ts(&self) -> i64 {
        use concours::clock::Clock;
        self.clock.now().timestamp()
    }
}
