//! Accounts: registration, verification by the emailed link, sign-in, sign-out, rate limits.

use chrono::Duration;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{PASSWORD, TestApp, extract_link};

both_backends!(
    a_person_registers_verifies_signs_in_and_out,
    registration_reports_every_invalid_field_at_once,
    emails_are_unique_whatever_their_case,
    the_verification_page_verifies_on_post_only,
    verification_links_expire_and_can_be_sent_again,
    an_unknown_verification_token_is_404,
    wrong_credentials_are_401,
    failed_logins_are_limited_per_account,
    failed_logins_are_limited_per_address,
    concurrent_failed_logins_are_all_counted_and_none_fails,
    me_needs_a_session,
);

async fn a_person_registers_verifies_signs_in_and_out(app: &TestApp) {
    let answer = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "Ada@Example.org", "password": PASSWORD, "display_name": "Ada"}),
        )
        .await
        .expect(201);
    let account = answer.json();
    assert_eq!(account["email"], "ada@example.org");
    assert_eq!(account["display_name"], "Ada");
    assert_eq!(account["email_verified"], false);
    assert!(account.get("password_hash").is_none());
    assert!(uuid::Uuid::parse_str(account["id"].as_str().unwrap()).is_ok());

    // The verification email: one message, plain text and HTML, a stable Message-ID, the link.
    let mails = app.mail_to("ada@example.org").await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.subject.contains("Verify"), "{}", mail.subject);
    assert!(mail.message_id.starts_with('<') && mail.message_id.ends_with("@concours.localhost>"));
    let link = extract_link(&mail.text, "/verify?token=").expect("link in the text part");
    assert!(
        link.starts_with("http://concours.test/verify?token="),
        "{link}"
    );
    // The HTML part carries the same link (tera escapes `/` and `&` as entities).
    let html = mail.html.replace("&#x2F;", "/").replace("&amp;", "&");
    assert!(html.contains(&format!("href=\"{link}\"")), "{}", mail.html);
    let token = link.split_once("token=").unwrap().1;

    // Signing in works before verification; /me says the address is not verified yet.
    let session = app.login("ada@example.org").await;
    let me = app
        .get("/api/v1/me", Some(&session))
        .await
        .expect(200)
        .json();
    assert_eq!(me["email_verified"], false);
    assert_eq!(me["is_admin"], false);

    let verified = app
        .post("/api/v1/auth/verify", None, json!({"token": token}))
        .await
        .expect(200)
        .json();
    assert_eq!(verified["email_verified"], true);
    // Using the link again is harmless.
    app.post("/api/v1/auth/verify", None, json!({"token": token}))
        .await
        .expect(200);

    let me = app
        .get("/api/v1/me", Some(&session))
        .await
        .expect(200)
        .json();
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["email"], "ada@example.org");

    // Sign-in answers token, expiry and the account; any spelling of the email works.
    let signed_in = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "ADA@example.ORG", "password": PASSWORD}),
        )
        .await
        .expect(200)
        .json();
    assert!(signed_in["token"].is_string());
    assert!(signed_in["expires_at"].is_string());
    assert_eq!(signed_in["user"]["email"], "ada@example.org");

    // Sign-out: 204, then that token is refused; the other session still works.
    app.post("/api/v1/auth/logout", Some(&session), json!({}))
        .await
        .expect(204);
    app.get("/api/v1/me", Some(&session))
        .await
        .expect_error(401, "unauthorized");
    app.post("/api/v1/auth/logout", Some(&session), json!({}))
        .await
        .expect_error(401, "unauthorized");
    let other = signed_in["token"].as_str().unwrap();
    app.get("/api/v1/me", Some(other)).await.expect(200);
}

async fn registration_reports_every_invalid_field_at_once(app: &TestApp) {
    let answer = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "not-an-email", "password": "short", "display_name": "  ", "locale": "de"}),
        )
        .await
        .expect_error(422, "validation_failed");
    let body = answer.json();
    let paths: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["email", "password", "display_name", "locale"]);
    // Nine characters are too few, ten are enough.
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"email": "b@example.org", "password": "123456789", "display_name": "B"}),
    )
    .await
    .expect_error(422, "validation_failed");
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"email": "b@example.org", "password": "1234567890", "display_name": "B"}),
    )
    .await
    .expect(201);
    // Nothing was sent to the refused address.
    assert!(app.mail_to("not-an-email").await.is_empty());
}

async fn emails_are_unique_whatever_their_case(app: &TestApp) {
    app.register("grace@example.org", "Grace").await;
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"email": " GRACE@example.org", "password": PASSWORD, "display_name": "Other"}),
    )
    .await
    .expect_error(409, "email_taken");
}

async fn the_verification_page_verifies_on_post_only(app: &TestApp) {
    app.register("lin@example.org", "Lin").await;
    let token = app.verification_token("lin@example.org").await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let page = browser
        .get(app.url(&format!("/verify?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\" action=\"/verify\">"));
    assert!(html.contains(&token));
    let start = html.find(r#"name="csrf" value=""#).unwrap() + r#"name="csrf" value=""#.len();
    let csrf = html[start..start + 64].to_owned();
    // Opening the link verified nothing.
    let session = app.login("lin@example.org").await;
    let me = app.get("/api/v1/me", Some(&session)).await.json();
    assert_eq!(me["email_verified"], false);

    let done = browser
        .post(app.url("/verify"))
        .form(&[("csrf", csrf.as_str()), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let text = done.text().await.unwrap();
    assert!(text.contains("lin@example.org is verified"), "{text}");
    let me = app.get("/api/v1/me", Some(&session)).await.json();
    assert_eq!(me["email_verified"], true);

    // A bad token is explained on the page, escaped.
    let bad = browser
        .post(app.url("/verify"))
        .form(&[("csrf", csrf.as_str()), ("token", "<script>")])
        .send()
        .await
        .unwrap();
    let text = bad.text().await.unwrap();
    assert!(text.contains("not valid"));
    assert!(!text.contains("<script>"));
    // Without the page's token, nothing happens.
    let forged = app
        .post_raw(
            "/verify",
            "application/x-www-form-urlencoded",
            format!("token={token}"),
        )
        .await;
    assert_eq!(forged.status, 403);
}

async fn verification_links_expire_and_can_be_sent_again(app: &TestApp) {
    app.register("kim@example.org", "Kim").await;
    let old = app.verification_token("kim@example.org").await;
    app.advance(Duration::hours(49));
    app.post("/api/v1/auth/verify", None, json!({"token": old}))
        .await
        .expect_error(409, "token_expired");

    let session = app.login("kim@example.org").await;
    app.post("/api/v1/auth/verify/resend", None, json!({}))
        .await
        .expect_error(401, "unauthorized");
    app.post("/api/v1/auth/verify/resend", Some(&session), json!({}))
        .await
        .expect(202);
    let fresh = app.verification_token("kim@example.org").await;
    assert_ne!(old, fresh);
    assert_eq!(app.mailbox.to("kim@example.org").len(), 2);
    app.post("/api/v1/auth/verify", None, json!({"token": fresh}))
        .await
        .expect(200);
    app.post("/api/v1/auth/verify/resend", Some(&session), json!({}))
        .await
        .expect_error(409, "already_verified");
}

async fn an_unknown_verification_token_is_404(app: &TestApp) {
    app.post(
        "/api/v1/auth/verify",
        None,
        json!({"token": "0".repeat(64)}),
    )
    .await
    .expect_error(404, "not_found");
}

async fn wrong_credentials_are_401(app: &TestApp) {
    app.register("ann@example.org", "Ann").await;
    let wrong_password = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "ann@example.org", "password": "not the password"}),
        )
        .await
        .expect_error(401, "unauthorized");
    let no_account = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "nobody@example.org", "password": PASSWORD}),
        )
        .await
        .expect_error(401, "unauthorized");
    // Both say the same thing: the answer does not reveal which accounts exist.
    assert_eq!(wrong_password.text, no_account.text);
}

async fn failed_logins_are_limited_per_account(app: &TestApp) {
    app.register("eve@example.org", "Eve").await;
    let wrong = json!({"email": "eve@example.org", "password": "guess guess guess"});
    for _ in 0..app.settings.auth.login_max_failures_per_account {
        app.post("/api/v1/auth/login", None, wrong.clone())
            .await
            .expect_error(401, "unauthorized");
    }
    // Past the limit, even the right password is refused until the window has passed.
    let right = json!({"email": "eve@example.org", "password": PASSWORD});
    let limited = app
        .post("/api/v1/auth/login", None, right.clone())
        .await
        .expect_error(429, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
    app.advance(Duration::seconds(
        i64::from(app.settings.auth.login_window_seconds) + 1,
    ));
    app.post("/api/v1/auth/login", None, right)
        .await
        .expect(200);
}

async fn failed_logins_are_limited_per_address(app: &TestApp) {
    // Many accounts, one address: the address is cut off even though no account is.
    for i in 0..app.settings.auth.login_max_failures_per_ip {
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": format!("spray{i}@example.org"), "password": "guess guess guess"}),
        )
        .await
        .expect_error(401, "unauthorized");
    }
    app.register("real@example.org", "Real").await;
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": "real@example.org", "password": PASSWORD}),
    )
    .await
    .expect_error(429, "rate_limited");
}

async fn me_needs_a_session(app: &TestApp) {
    let answer = app
        .get("/api/v1/me", None)
        .await
        .expect_error(401, "unauthorized");
    assert!(answer.headers.contains_key("www-authenticate"));
}

async fn concurrent_failed_logins_are_all_counted_and_none_fails(app: &TestApp) {
    app.register("rush@example.org", "Rush").await;
    let attempts = (0..12).map(|_| {
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": "rush@example.org", "password": "guess guess guess"}),
        )
    });
    for answer in futures_util::future::join_all(attempts).await {
        assert!(
            [401, 429].contains(&answer.status.as_u16()),
            "{}: {}",
            answer.status,
            answer.text
        );
    }
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": "rush@example.org", "password": PASSWORD}),
    )
    .await
    .expect_error(429, "rate_limited");
}
