//! Notifications: who hears what, what a person can turn off (from a link in the mail, with no
//! sign-in, or from their settings), following a brand, password resets, fan-outs in batches
//! and the rate at which one person receives mail.

use chrono::Duration;
use concours::clock::Clock;
use concours::mail::{self, Outgoing};
use concours::store::{self, write_tx};
use serde_json::json;

use crate::both_backends;
use crate::helpers::{
    Backend, Draft, Opened, PASSWORD, Page, TestApp, admin, draft, extract_link, fund,
    invite_juror, spawn_app_with,
};

both_backends!(
    a_link_in_the_mail_turns_announcements_off_without_signing_in,
    settings_turn_reminders_off_and_account_mail_still_arrives,
    followers_hear_when_their_brand_opens_a_contest_and_nobody_else,
    a_forgotten_password_is_reset_once_by_mail,
    an_announcement_reaches_many_people_in_batches_outside_the_request,
    settings_follow_and_password_reset_pages_work_in_the_browser,
);

async fn settings_follow_and_password_reset_pages_work_in_the_browser(app: &TestApp) {
    use crate::helpers::{browser, csrf_of, page};
    let contest = crate::helpers::opened(app).await.contest;
    app.person("eve@example.org", "Eve").await;
    let client = browser();
    let login = page(&client, app, "/login", None).await.html;
    assert!(login.contains("/password-reset"));
    let csrf = csrf_of(&login);
    let answer = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "eve@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    // Follow the brand from its contest page.
    let show = page(&client, app, &format!("/contests/{contest}"), None)
        .await
        .html;
    assert!(show.contains("Follow Acme"), "{show}");
    let organization = {
        let marker = r#"action="/organizations/"#;
        let start = show.find(marker).unwrap() + marker.len();
        show[start..start + 36].to_owned()
    };
    let back = format!("/contests/{contest}");
    let answer = client
        .post(app.url(&format!("/organizations/{organization}/follow")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("follow", "1"),
            ("back", back.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let show = page(&client, app, &back, None).await.html;
    assert!(show.contains("You follow Acme"));
    // Settings: the three kinds, and the brand followed.
    let Page {
        status,
        html: settings,
    } = page(&client, app, "/settings", None).await;
    assert_eq!(status, 200);
    assert!(settings.contains("Acme") && settings.matches("checked").count() == 3);
    let answer = client
        .post(app.url("/settings"))
        .form(&[("csrf", csrf.as_str()), ("announcements", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    assert_eq!(answer.headers()["location"], "/settings?done=saved");
    let text = page(&client, app, "/settings?done=saved", None).await.html;
    assert!(text.contains("Your settings are saved.") && text.matches("checked").count() == 1);
    let answer = client
        .post(app.url("/settings"))
        .form(&[("csrf", "forged"), ("reminders", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 403);
    // The password reset pages, in French.
    let anonymous = browser();
    let Page { status, html: form } = page(&anonymous, app, "/password-reset", Some("fr")).await;
    assert_eq!(status, 200);
    assert!(form.contains("Mot de passe oublié"));
    let csrf = csrf_of(&form);
    let answer = anonymous
        .post(app.url("/password-reset"))
        .header("accept-language", "fr")
        .form(&[("csrf", csrf.as_str()), ("email", "eve@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(
        answer
            .text()
            .await
            .unwrap()
            .contains("un lien est en route")
    );
    let mail = app.mail_to("eve@example.org").await.pop().unwrap();
    let link = extract_link(&mail.text, "/password-reset?token=").unwrap();
    let token = link.split_once("token=").unwrap().1.to_owned();
    let choose = page(
        &anonymous,
        app,
        &format!("/password-reset?token={token}"),
        None,
    )
    .await
    .html;
    assert!(choose.contains("New password"));
    let answer = anonymous
        .post(app.url("/password-reset"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 422);
    let answer = anonymous
        .post(app.url("/password-reset"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("password", "eve's new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    assert_eq!(answer.headers()["location"], "/login?reset=1");
}

fn subjects(mails: &[mail::SentMail], prefix: &str) -> usize {
    mails
        .iter()
        .filter(|m| m.subject.starts_with(prefix))
        .count()
}

/// An opened contest in its submission phase with two entrants; its owner signed in again.
async fn with_entrants(app: &TestApp) -> Opened {
    let Draft { owner, contest, .. } = draft(app).await;
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "juror@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    app.advance(Duration::days(1));
    for (email, name) in [("ann@example.org", "Ann"), ("bob@example.org", "Bob")] {
        let token = app.person(email, name).await.token;
        app.post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&token),
            json!({"title": format!("{name}'s idea"), "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201);
    }
    Opened {
        owner: app.login("owner@acme.example").await,
        contest,
    }
}

async fn announce(app: &TestApp, owner: &str, contest: &str, body: &str) {
    app.post(
        &format!("/api/v1/contests/{contest}/announcements"),
        Some(owner),
        json!({ "body": body }),
    )
    .await
    .expect(201);
}

async fn a_link_in_the_mail_turns_announcements_off_without_signing_in(app: &TestApp) {
    let Opened { owner, contest } = with_entrants(app).await;
    announce(app, &owner, &contest, "First news.").await;
    let ann = app.mail_to("ann@example.org").await;
    let news: Vec<_> = ann
        .iter()
        .filter(|m| m.subject.starts_with("Announcement"))
        .collect();
    assert_eq!(news.len(), 1);
    // Every optional mail carries its link, in both parts; receipts (account mail) do not.
    let link = extract_link(&news[0].text, "/unsubscribe?").expect("an unsubscribe link");
    assert!(news[0].html.contains("unsubscribe?email="));
    assert!(
        ann.iter()
            .filter(|m| m.subject.contains("receipt") || m.subject.contains("Receipt"))
            .all(|m| !m.text.contains("/unsubscribe?"))
    );
    let path = link.trim_start_matches("http://concours.test");
    // A tampered link changes nothing.
    let forged = path.replace("ann%40example.org", "bob%40example.org");
    let answer = app.client.post(app.url(&forged)).send().await.unwrap();
    assert_eq!(answer.status(), 409);
    // Opening the link only asks (a mail scanner following links unsubscribes nobody)...
    let page = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let text = page.text().await.unwrap();
    assert!(text.contains("Stop sending announcements"), "{text}");
    announce(app, &owner, &contest, "Second news.").await;
    // ...the button (or a mail client's one-click POST) does it, without signing in.
    let done = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    // The second announcement, queued before, is not sent to Ann; Bob gets both.
    announce(app, &owner, &contest, "Third news.").await;
    let ann = app.mail_to("ann@example.org").await;
    assert_eq!(subjects(&ann, "Announcement"), 1);
    let bob = app.mail_to("bob@example.org").await;
    assert_eq!(subjects(&bob, "Announcement"), 3);
    // Her settings say so.
    let token = app.login("ann@example.org").await;
    let preferences = app
        .get("/api/v1/me/preferences", Some(&token))
        .await
        .expect(200)
        .json();
    assert_eq!(
        preferences,
        json!({"announcements": false, "reminders": true, "brand_news": true})
    );
}

async fn settings_turn_reminders_off_and_account_mail_still_arrives(app: &TestApp) {
    let contest = with_entrants(app).await.contest;
    let carol = app.person("carol@example.org", "Carol").await.token;
    app.post(
        &format!("/api/v1/contests/{contest}/ideas"),
        Some(&carol),
        json!({"title": "Unfinished", "summary": "s", "body": "b", "draft": true}),
    )
    .await
    .expect(201);
    // Dave keeps the default: reminders on.
    let dave = app.person("dave@example.org", "Dave").await.token;
    app.post(
        &format!("/api/v1/contests/{contest}/ideas"),
        Some(&dave),
        json!({"title": "Also unfinished", "summary": "s", "body": "b", "draft": true}),
    )
    .await
    .expect(201);
    app.request(
        reqwest::Method::PUT,
        "/api/v1/me/preferences",
        Some(&carol),
        Some(json!({"announcements": true, "reminders": false, "brand_news": true})),
    )
    .await
    .expect(200);
    app.request(
        reqwest::Method::PUT,
        "/api/v1/me/preferences",
        Some(&carol),
        Some(json!({"announcements": true, "reminders": false, "everything": true})),
    )
    .await
    .expect_error(400, "bad_request");
    app.get("/api/v1/me/preferences", None)
        .await
        .expect_error(401, "unauthorized");
    // The draft reminder runs the day before the deadline (day 10): Carol turned it off.
    app.advance(Duration::days(8) + Duration::hours(1));
    app.scheduler.tick().await.unwrap();
    assert_eq!(
        subjects(&app.mail_to("carol@example.org").await, "Your draft"),
        0
    );
    assert_eq!(
        subjects(&app.mail_to("dave@example.org").await, "Your draft"),
        1
    );
    // Account mail is always sent: a password reset reaches her.
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "carol@example.org"}),
    )
    .await
    .expect(202);
    let mails = app.mail_to("carol@example.org").await;
    assert!(
        mails
            .iter()
            .any(|m| m.subject.contains("new password") && !m.text.contains("/unsubscribe?"))
    );
}

async fn followers_hear_when_their_brand_opens_a_contest_and_nobody_else(app: &TestApp) {
    let Draft {
        owner,
        organization,
        contest,
    } = draft(app).await;
    let fan = app.person("fan@example.org", "Fan").await.token;
    let former_fan = app.person("former@example.org", "Former").await.token;
    app.person("bystander@example.org", "Bystander").await;
    let follow = format!("/api/v1/organizations/{organization}/follow");
    app.post(&follow, Some(&fan), json!({})).await.expect(200);
    // Following twice is harmless; so is the owner following their own brand.
    app.post(&follow, Some(&fan), json!({})).await.expect(200);
    app.post(&follow, Some(&owner), json!({})).await.expect(200);
    app.post(&follow, Some(&former_fan), json!({}))
        .await
        .expect(200);
    app.request(reqwest::Method::DELETE, &follow, Some(&former_fan), None)
        .await
        .expect(200);
    app.post(&follow, None, json!({}))
        .await
        .expect_error(401, "unauthorized");
    app.post(
        "/api/v1/organizations/00000000-0000-0000-0000-000000000000/follow",
        Some(&fan),
        json!({}),
    )
    .await
    .expect_error(404, "not_found");
    let following = app
        .get("/api/v1/me/following", Some(&fan))
        .await
        .expect(200)
        .json();
    assert_eq!(following["following"][0]["name"], "Acme");

    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "juror@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    let fan_mail = app.mail_to("fan@example.org").await;
    let opened: Vec<_> = fan_mail
        .iter()
        .filter(|m| m.subject.contains("Greener packaging"))
        .collect();
    assert_eq!(opened.len(), 1, "{fan_mail:?}");
    assert!(opened[0].text.contains("kind=brand_news"));
    // The owner hears of it once, as a member, not a second time as a follower.
    let owner_mail = app.mail_to("owner@acme.example").await;
    assert_eq!(
        owner_mail
            .iter()
            .filter(|m| m.subject.contains("Greener packaging") && m.subject.contains("open"))
            .count(),
        1,
        "{owner_mail:?}"
    );
    for other in ["former@example.org", "bystander@example.org"] {
        assert!(
            app.mail_to(other)
                .await
                .iter()
                .all(|m| !m.subject.contains("Greener packaging")),
            "{other}"
        );
    }
}

async fn a_forgotten_password_is_reset_once_by_mail(app: &TestApp) {
    app.person("dan@example.org", "Dan").await;
    // An unknown address gets the same answer, and no mail goes anywhere.
    let before = app.mailbox.messages().len();
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "nobody@example.org"}),
    )
    .await
    .expect(202);
    app.deliver_mail().await;
    assert_eq!(app.mailbox.messages().len(), before);
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "Dan@Example.org"}),
    )
    .await
    .expect(202);
    let mail = app.mail_to("dan@example.org").await.pop().unwrap();
    let link = extract_link(&mail.text, "/password-reset?token=").expect("a reset link");
    let token = link.split_once("token=").unwrap().1.to_owned();
    let confirm = "/api/v1/auth/password-reset/confirm";
    app.post(confirm, None, json!({"token": token, "password": "short"}))
        .await
        .expect_error(422, "validation_failed");
    app.post(
        confirm,
        None,
        json!({"token": token, "password": "a brand new password"}),
    )
    .await
    .expect(200);
    app.post(
        confirm,
        None,
        json!({"token": token, "password": "another new password"}),
    )
    .await
    .expect_error(409, "invalid_token");
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": "dan@example.org", "password": PASSWORD}),
    )
    .await
    .expect_error(401, "unauthorized");
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": "dan@example.org", "password": "a brand new password"}),
    )
    .await
    .expect(200);
    // A link expires after two hours.
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({"email": "dan@example.org"}),
    )
    .await
    .expect(202);
    let mail = app.mail_to("dan@example.org").await.pop().unwrap();
    let link = extract_link(&mail.text, "/password-reset?token=").unwrap();
    let late = link.split_once("token=").unwrap().1.to_owned();
    app.advance(Duration::hours(3));
    app.post(
        confirm,
        None,
        json!({"token": late, "password": "yet another password"}),
    )
    .await
    .expect_error(409, "invalid_token");
    // Asking again and again is limited.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            app.post(
                "/api/v1/auth/password-reset",
                None,
                json!({"email": "dan@example.org"}),
            )
            .await
            .status
            .as_u16(),
        );
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

async fn an_announcement_reaches_many_people_in_batches_outside_the_request(app: &TestApp) {
    let Opened { owner, contest } = with_entrants(app).await;
    let outbox_size = |app: &TestApp| -> i64 {
        use concours::store::schema::outbox;
        use diesel::prelude::*;
        outbox::table.count().get_result(&mut *app.conn()).unwrap()
    };
    let before = outbox_size(app);
    announce(app, &owner, &contest, "To everyone.").await;
    // The request queued one fan-out, not a message per person.
    assert_eq!(outbox_size(app), before);
    assert_eq!(
        store::notifications::unfinished_fanouts(&mut app.conn()).unwrap(),
        1
    );
    app.deliver_mail().await;
    assert_eq!(
        store::notifications::unfinished_fanouts(&mut app.conn()).unwrap(),
        0
    );
    for who in ["ann@example.org", "bob@example.org"] {
        assert_eq!(subjects(&app.mailbox.to(who), "Announcement"), 1, "{who}");
    }
}

/// Batches of two over five participants, and one person's mail spaced out.
async fn batches_and_spacing(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.mail.fanout_batch = 2;
        s.mail.per_recipient_interval_seconds = 60;
    })
    .await;
    let Opened { owner, contest } = with_entrants(&app).await;
    for (email, name) in [
        ("c@example.org", "C"),
        ("d@example.org", "D"),
        ("e@example.org", "E"),
    ] {
        let token = app.person(email, name).await.token;
        app.post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&token),
            json!({"title": "More", "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201);
    }
    app.deliver_mail().await;
    announce(&app, &owner, &contest, "One.").await;
    announce(&app, &owner, &contest, "Two.").await;
    announce(&app, &owner, &contest, "Three.").await;
    app.deliver_mail().await;
    // Five participants (and the juror who has not accepted is none): each got the first
    // announcement now; the next ones wait their turn.
    for who in [
        "ann@example.org",
        "bob@example.org",
        "c@example.org",
        "d@example.org",
        "e@example.org",
    ] {
        assert_eq!(subjects(&app.mailbox.to(who), "Announcement"), 1, "{who}");
    }
    app.advance(Duration::seconds(61));
    app.deliver_mail().await;
    assert_eq!(
        subjects(&app.mailbox.to("e@example.org"), "Announcement"),
        2
    );
    app.advance(Duration::seconds(61));
    app.deliver_mail().await;
    assert_eq!(
        subjects(&app.mailbox.to("e@example.org"), "Announcement"),
        3
    );
    // Account mail is never held back by the spacing.
    let now = app.clock.now();
    let id = write_tx(&mut app.conn(), |conn| {
        mail::enqueue(
            &app.ctx,
            conn,
            now,
            &Outgoing {
                template: "verify_email",
                to: "e@example.org",
                locale: "en",
                context: json!({"display_name": "E", "link": "http://concours.test/verify?token=x", "ttl_hours": 48}),
            },
        )
    })
    .unwrap()
    .unwrap();
    let row = store::outbox::find(&mut app.conn(), &id).unwrap().unwrap();
    assert_eq!(store::from_db(row.next_attempt_at), now);
    app.assert_invariants().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fanouts_go_in_batches_and_one_persons_mail_is_spaced_sqlite() {
    batches_and_spacing(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fanouts_go_in_batches_and_one_persons_mail_is_spaced_postgres() {
    if crate::helpers::skip_postgres() {
        return;
    }
    batches_and_spacing(Backend::Postgres).await;
}
