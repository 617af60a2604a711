//! Attacks on accounts, replayed (issues 16 and 17): sessions that outlive a password reset,
//! Argon2 floods, a password oracle in account deletion, targeted lock-outs, mail floods,
//! addresses that are not addresses, and what a deleted account leaves behind.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{PASSWORD, TestApp, extract_link, signed_in};

both_backends!(
    a_reset_ends_every_earlier_session_and_every_older_reset_link,
    random_reset_tokens_are_refused_before_hashing_and_limited,
    guessing_the_password_through_account_deletion_is_limited_and_tells_nothing,
    an_address_with_a_display_name_is_not_an_address,
    every_demo_address_is_bare_and_mail_goes_to_exactly_it,
    a_stranger_cannot_lock_a_juror_out_at_the_deadline,
    verification_resends_and_reset_requests_cannot_flood_a_mailbox,
    a_deleted_account_leaves_its_address_and_name_in_no_table,
);

/// The reset links `to` received, oldest first.
async fn reset_links(app: &TestApp, to: &str) -> Vec<String> {
    app.mail_to(to)
        .await
        .iter()
        .filter_map(|m| extract_link(&m.text, "/password-reset?token="))
        .map(|link| link.split_once("token=").unwrap().1.to_owned())
        .collect()
}

/// 16.5: after a compromise the owner resets the password; the attacker's API token, the
/// attacker's page cookie and an older, unused reset link must all stop working at once.
async fn a_reset_ends_every_earlier_session_and_every_older_reset_link(app: &TestApp) {
    let owner_token = app.person("lea@example.org", "Lea").await.token;
    let stolen = app.login("lea@example.org").await;
    let stolen_cookie = signed_in(app, &stolen);
    let page = stolen_cookie
        .get(app.url("/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the cookie session works before");

    for _ in 0..2 {
        app.post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "lea@example.org"}),
        )
        .await
        .expect(202);
    }
    let links = reset_links(app, "lea@example.org").await;
    assert_eq!(links.len(), 2);
    app.advance(Duration::seconds(1));
    app.post(
        "/api/v1/auth/password-reset/confirm",
        None,
        json!({"token": links[1], "password": "a brand new passphrase"}),
    )
    .await
    .expect(200);

    // Every session issued before, API token or page cookie, is over.
    for token in [&owner_token, &stolen] {
        app.get("/api/v1/me", Some(token))
            .await
            .expect_error(401, "unauthorized");
    }
    let page = stolen_cookie
        .get(app.url("/settings"))
        .send()
        .await
        .unwrap();
    assert_ne!(page.status(), 200, "the cookie session ended");
    let html = page.text().await.unwrap();
    assert!(!html.contains("lea@example.org"), "{html}");

    // The older link, never used, no longer sets a password.
    app.post(
        "/api/v1/auth/password-reset/confirm",
        None,
        json!({"token": links[0], "password": "the attacker's password"}),
    )
    .await
    .expect_error(409, "invalid_token");
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": "lea@example.org", "password": "the attacker's password"}),
    )
    .await
    .expect_error(401, "unauthorized");

    // The new password opens a session that works.
    let fresh = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "lea@example.org", "password": "a brand new passphrase"}),
        )
        .await
        .expect(200)
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/api/v1/me", Some(&fresh)).await.expect(200);
}

/// 16.6: an anonymous flood of random reset tokens. The token is checked before the password
/// is hashed (a too-short password with a bad token is answered `invalid_token`, not a
/// validation error), and the address is cut off after as many bad tokens as sign-in allows.
async fn random_reset_tokens_are_refused_before_hashing_and_limited(app: &TestApp) {
    let attempt = |token: String, password: &'static str| async move {
        app.post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": password}),
        )
        .await
    };
    attempt("0".repeat(64), "short")
        .await
        .expect_error(409, "invalid_token");
    for i in 1..app.settings.auth.login_max_failures_per_ip {
        attempt(format!("{i:064x}"), "a long enough password")
            .await
            .expect_error(409, "invalid_token");
    }
    let limited = attempt("f".repeat(64), "a long enough password")
        .await
        .expect_error(429, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));

    // A real link from elsewhere still works for its owner once the window has passed.
    app.register("kai@example.org", "Kai").await;
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "kai@example.org"}),
    )
    .await
    .expect(202);
    let link = reset_links(app, "kai@example.org").await.pop().unwrap();
    app.advance(Duration::seconds(
        i64::from(app.settings.auth.login_window_seconds) + 1,
    ));
    app.post(
        "/api/v1/auth/password-reset/confirm",
        None,
        json!({"token": link, "password": "kai's new passphrase"}),
    )
    .await
    .expect(200);
}

/// 17.5: with a session, guess the password through `DELETE /me`. A wrong password is
/// answered as such before anything else (the owner of an organisation learns nothing from a
/// 409), the guesses count in the sign-in limits, and past them even the right one is 429.
async fn guessing_the_password_through_account_deletion_is_limited_and_tells_nothing(
    app: &TestApp,
) {
    let token = app.person("owner@acme.example", "Owner").await.token;
    app.organization(&token, "Acme").await;
    let delete = |password: &'static str| {
        let token = token.clone();
        async move {
            app.request(
                Method::DELETE,
                "/api/v1/me",
                Some(&token),
                Some(json!({"password": password})),
            )
            .await
        }
    };
    // The right password reaches the organisation check; a wrong one never does.
    delete(PASSWORD)
        .await
        .expect_error(409, "organization_member");
    for _ in 0..app.settings.auth.login_max_failures_per_account {
        let wrong = delete("guess guess guess")
            .await
            .expect_error(422, "validation_failed");
        assert!(wrong.text.contains("password"), "{}", wrong.text);
    }
    let limited = delete(PASSWORD).await.expect_error(429, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
    // Those guesses are sign-in failures too: this address is cut off from the account.
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": "owner@acme.example", "password": PASSWORD}),
    )
    .await
    .expect_error(429, "rate_limited");
    // The session itself still works (guessing did not sign the owner out).
    app.get("/api/v1/me", Some(&token)).await.expect(200);
}

/// 17.2: `s1<lea@innovators.example>` would reach Lea's mailbox, so one mailbox could verify
/// any number of accounts. Only a bare address is accepted, wherever an address comes in.
async fn an_address_with_a_display_name_is_not_an_address(app: &TestApp) {
    for disguised in [
        "s1<lea@innovators.example>",
        "s2 <lea@innovators.example>",
        "lea@innovators.example (s3)",
        "\"s4\"@innovators.example",
        "lea\u{200b}@innovators.example",
    ] {
        let refused = app
            .post(
                "/api/v1/auth/register",
                None,
                json!({"email": disguised, "password": PASSWORD, "display_name": "Sock"}),
            )
            .await
            .expect_error(422, "validation_failed");
        assert!(refused.text.contains("email"), "{}", refused.text);
    }
    // One mailbox, one account, however it is spelled.
    app.register("Lea@Innovators.Example", "Lea").await;
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"email": "lea@innovators.example", "password": PASSWORD, "display_name": "Sock"}),
    )
    .await
    .expect_error(409, "email_taken");
    assert_eq!(app.mail_to("lea@innovators.example").await.len(), 1);
    assert_eq!(app.mailbox.messages().len(), 1, "nothing else was sent");

    // A reset request reads the address the same way.
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "s1<lea@innovators.example>"}),
    )
    .await
    .expect_error(422, "validation_failed");
}

/// 17.2: every account and juror of the demo has a bare, normalised address, and every message
/// the transport was handed went to exactly the address stored for it.
async fn every_demo_address_is_bare_and_mail_goes_to_exactly_it(app: &TestApp) {
    use concours::domain::account::Email;
    use concours::store::schema::{jurors, outbox, users};
    use diesel::prelude::*;

    let secret = concours::startup::jwt_secret(&app.settings).unwrap();
    concours::demo::run(&app.settings, &app.pool, &secret).unwrap();
    app.advance(Duration::days(60));
    app.deliver_mail().await;

    let mut conn = app.conn();
    let mut stored: Vec<String> = users::table.select(users::email).load(&mut conn).unwrap();
    stored.extend(
        jurors::table
            .select(jurors::email)
            .load::<String>(&mut conn)
            .unwrap(),
    );
    assert!(stored.len() > 3, "{stored:?}");
    for address in &stored {
        assert_eq!(Email::parse(address).unwrap().as_str(), address);
    }
    let recipients: Vec<(String, String)> = outbox::table
        .select((outbox::recipient, outbox::status))
        .load(&mut conn)
        .unwrap();
    let sent = app.mailbox.messages();
    assert!(!sent.is_empty());
    for mail in &sent {
        assert!(
            recipients.iter().any(|(to, _)| *to == mail.to),
            "{} was not a stored recipient",
            mail.to
        );
        assert!(stored.contains(&mail.to), "{} is nobody's address", mail.to);
    }
    for (to, status) in &recipients {
        if status == "sent" {
            assert!(sent.iter().any(|m| m.to == *to), "{to} was sent elsewhere");
        }
    }
}

/// Signs in through the use case from `ip` (the HTTP tests all come from one address).
async fn login_from(app: &TestApp, email: &str, password: &str, ip: &str) -> Result<(), u64> {
    let ctx = app.ctx.clone();
    let pool = app.pool.clone();
    let (email, password, ip) = (email.to_owned(), password.to_owned(), ip.to_owned());
    tokio::task::spawn_blocking(move || {
        let credentials = concours::app::accounts::Credentials { email, password };
        match concours::app::accounts::login(&ctx, &mut pool.get().unwrap(), credentials, &ip) {
            Ok(_) => Ok(()),
            Err(concours::app::AppError::RateLimited { retry_after_secs }) => Err(retry_after_secs),
            Err(concours::app::AppError::Unauthorized(_)) => Err(0),
            Err(other) => panic!("unexpected {other:?}"),
        }
    })
    .await
    .unwrap()
}

/// 16.10: wrong passwords for a juror's address from many addresses. The attacker's own
/// address is cut off for the window; the juror, from an address they signed in from before,
/// still gets in at once with the right password; from a new address they wait a short delay
/// (growing with the attacker's failures), never a lock the attacker can renew.
async fn a_stranger_cannot_lock_a_juror_out_at_the_deadline(app: &TestApp) {
    let auth = app.settings.auth.clone();
    app.register("juror@uni.example", "Juror").await;
    login_from(app, "juror@uni.example", PASSWORD, "192.0.2.10")
        .await
        .expect("the juror signs in from their usual address");

    // One attacking address: limited to its own failures, then cut off for the window.
    for _ in 0..auth.login_max_failures_per_account {
        assert_eq!(
            login_from(app, "juror@uni.example", "guess guess", "198.51.100.7").await,
            Err(0)
        );
    }
    assert_eq!(
        login_from(app, "juror@uni.example", PASSWORD, "198.51.100.7").await,
        Err(u64::from(auth.login_window_seconds)),
        "the attacker's address is cut off from this account, even with the right password"
    );
    // The juror, from their usual address, is not held up at all.
    login_from(app, "juror@uni.example", PASSWORD, "192.0.2.10")
        .await
        .expect("the owner's known address gets in");

    // From a new address (a hotel, at the deadline) the juror waits a short delay, no more.
    let first = login_from(app, "juror@uni.example", PASSWORD, "203.0.113.50")
        .await
        .expect_err("a short delay");
    assert!(
        first > 0 && first <= 30,
        "a short Retry-After, not the window: {first}"
    );
    // Attacker failures from more addresses make the delay grow, each after the last one.
    app.advance(Duration::seconds(first as i64));
    assert_eq!(
        login_from(app, "juror@uni.example", "guess guess", "198.51.100.8").await,
        Err(0)
    );
    let second = login_from(app, "juror@uni.example", PASSWORD, "203.0.113.50")
        .await
        .expect_err("a longer delay");
    assert!(second > first && second < u64::from(auth.login_window_seconds));
    app.advance(Duration::seconds(second as i64));
    login_from(app, "juror@uni.example", PASSWORD, "203.0.113.50")
        .await
        .expect("after the delay the right password works from anywhere");
    // Over HTTP too, the address that signed in before keeps working.
    app.login("juror@uni.example").await;
}

/// 16.11: a signed-in account with someone else's address loops the verification resend; and
/// reset requests for that address. Both are throttled per account and per recipient.
async fn verification_resends_and_reset_requests_cannot_flood_a_mailbox(app: &TestApp) {
    let max = app.settings.auth.mail_requests_max;
    app.register("victim@example.org", "Not the victim").await;
    let session = app.login("victim@example.org").await;
    for _ in 0..max {
        app.post("/api/v1/auth/verify/resend", Some(&session), json!({}))
            .await
            .expect(202);
    }
    // The scheduler's clean-up (after the sign-in window) keeps the longer mail counters.
    app.advance(Duration::seconds(
        i64::from(app.settings.auth.login_window_seconds) + 1,
    ));
    app.scheduler.tick().await.unwrap();
    let refused = app
        .post("/api/v1/auth/verify/resend", Some(&session), json!({}))
        .await
        .expect_error(429, "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));
    // The same mailbox through reset requests: already at its limit.
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "victim@example.org"}),
    )
    .await
    .expect_error(429, "rate_limited");
    let received = app.mail_to("victim@example.org").await.len();
    assert_eq!(
        received,
        1 + max as usize,
        "registration and the allowed resends"
    );

    // An address without an account gets the same answers (nothing is learnt), and the same
    // limit on what it can be sent.
    for i in 0..max {
        if i == max / 2 {
            // The sign-in window's own reset limits start afresh; the mail window does not.
            app.advance(Duration::seconds(
                i64::from(app.settings.auth.login_window_seconds) + 1,
            ));
        }
        app.post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "someone@example.org"}),
        )
        .await
        .expect(202);
    }
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "someone@example.org"}),
    )
    .await
    .expect_error(429, "rate_limited");

    // An hour later, one more link can be asked for.
    app.advance(Duration::seconds(i64::from(
        app.settings.auth.mail_requests_window_seconds,
    )));
    app.post("/api/v1/auth/verify/resend", Some(&session), json!({}))
        .await
        .expect(202);
}

#[derive(diesel::QueryableByName)]
struct Cell {
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}

/// Every row of every table, each as one line of text (both backends).
fn every_row(conn: &mut concours::store::DbConnection) -> Vec<(String, String)> {
    use concours::store::DbConnection;
    use diesel::RunQueryDsl;
    let mut rows = Vec::new();
    match conn {
        DbConnection::Pg(pg) => {
            let tables: Vec<Cell> = diesel::sql_query(
                "SELECT tablename::text AS v FROM pg_tables WHERE schemaname = 'public'",
            )
            .load(pg)
            .unwrap();
            for table in tables {
                let query = format!("SELECT t::text AS v FROM \"{}\" t", table.v);
                for row in diesel::sql_query(query).load::<Cell>(pg).unwrap() {
                    rows.push((table.v.clone(), row.v));
                }
            }
        }
        DbConnection::Sqlite(sqlite) => {
            let tables: Vec<Cell> = diesel::sql_query(
                "SELECT name AS v FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .load(sqlite)
            .unwrap();
            for table in tables {
                let columns: Vec<Cell> = diesel::sql_query(format!(
                    "SELECT name AS v FROM pragma_table_info('{}')",
                    table.v
                ))
                .load(sqlite)
                .unwrap();
                let joined = columns
                    .iter()
                    .map(|c| format!("COALESCE(CAST(\"{}\" AS TEXT), '')", c.v))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                let query = format!("SELECT {joined} AS v FROM \"{}\"", table.v);
                for row in diesel::sql_query(query).load::<Cell>(sqlite).unwrap() {
                    rows.push((table.v.clone(), row.v));
                }
            }
        }
    }
    rows
}

/// 17.6: a winning author and a juror delete their accounts after the award. Neither their
/// address nor their name is left in any column of any table (sent mail, payouts, the award's
/// ranking, jury seats, counters), the results still add up, the payout is still due (to
/// "former participant"), and the audit chain and score sheet still verify.
async fn a_deleted_account_leaves_its_address_and_name_in_no_table(app: &TestApp) {
    let j = crate::helpers::judged(app).await;
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    app.deliver_mail().await;
    let before = app
        .get(&format!("/api/v1/contests/{}/results", j.contest), None)
        .await
        .expect(200)
        .json();
    assert!(before.to_string().contains("Dan Author"), "{before}");
    // A stranger's failed sign-ins under the juror's address leave counters named after it.
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": "one@jury.example", "password": "guess guess"}),
    )
    .await
    .expect_error(401, "unauthorized");
    // The brand invites the author to its organisation: the invitation row names the address.
    let owner = app.login("owner@acme.example").await;
    let contest = app
        .get(&format!("/api/v1/contests/{}", j.contest), None)
        .await
        .expect(200)
        .json();
    app.post(
        &format!(
            "/api/v1/organizations/{}/members",
            contest["organization_id"].as_str().unwrap()
        ),
        Some(&owner),
        json!({"email": "dan@example.org"}),
    )
    .await
    .expect(201);

    for email in ["dan@example.org", "one@jury.example"] {
        let token = app.login(email).await;
        app.request(
            Method::DELETE,
            "/api/v1/me",
            Some(&token),
            Some(json!({"password": PASSWORD})),
        )
        .await
        .expect(204);
    }

    let rows = every_row(&mut app.conn());
    assert!(rows.len() > 50, "every table was read: {}", rows.len());
    for needle in [
        "dan@example.org",
        "Dan Author",
        "one@jury.example",
        "Juror 1",
    ] {
        let found: Vec<&(String, String)> = rows
            .iter()
            .filter(|(_, row)| row.contains(needle))
            .collect();
        assert!(found.is_empty(), "{needle} is still in {found:#?}");
    }

    // The results are whole: same ranking, same payouts, the author named "former participant".
    let after = app
        .get(&format!("/api/v1/contests/{}/results", j.contest), None)
        .await
        .expect(200)
        .json();
    assert_eq!(
        before["ranking"].as_array().unwrap().len(),
        after["ranking"].as_array().unwrap().len()
    );
    assert_eq!(before["scoresheet_hash"], after["scoresheet_hash"]);
    assert_eq!(before["total_paid_cents"], after["total_paid_cents"]);
    assert!(after.to_string().contains("former participant"), "{after}");
    let violations = concours::app::check::run(&mut app.conn()).unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

/// 16.6: even right passwords cost a hash each: sign-in attempts per address are counted
/// before hashing (here with a small limit, on both backends), and one hash at a time is
/// enough to serve them all.
async fn right_passwords_in_a_loop_are_limited_per_address(backend: crate::helpers::Backend) {
    let app = crate::helpers::spawn_app_with(backend, |s| {
        s.auth.login_max_attempts_per_ip = 4;
        s.auth.hash_concurrency = 1;
    })
    .await;
    app.register("loop@example.org", "Loop").await;
    let attempts = (0..4).map(|_| app.login("loop@example.org"));
    futures_util::future::join_all(attempts).await;
    let limited = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "loop@example.org", "password": PASSWORD}),
        )
        .await
        .expect_error(429, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
    app.advance(Duration::seconds(
        i64::from(app.settings.auth.login_window_seconds) + 1,
    ));
    app.login("loop@example.org").await;
    app.assert_invariants().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_passwords_in_a_loop_are_limited_per_address_sqlite() {
    right_passwords_in_a_loop_are_limited_per_address(crate::helpers::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_passwords_in_a_loop_are_limited_per_address_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    right_passwords_in_a_loop_are_limited_per_address(crate::helpers::Backend::Postgres).await;
}
