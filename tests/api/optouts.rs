//! Opt-outs win at delivery (issue 17, finding 3): a person turns a kind of mail off, from their
//! settings or with the one-click link, while mail of that kind is queued for them; none of it
//! is sent, and it is settled as skipped (not failed: `concours mail failed` does not list it).
//! One test per optional kind, each through the settings, through the link, and with the
//! message claimed by a worker at the moment of the opt-out (the worker checks again).

use chrono::Duration;
use concours::clock::Clock;
use concours::domain::status::MailStatus;
use concours::mail::{self, Category, Outgoing};
use concours::store::{self, write_tx};
use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(
    a_queued_announcement_is_not_sent_after_the_opt_out,
    a_queued_contest_invitation_is_not_sent_after_the_opt_out,
    a_queued_contest_opened_mail_is_not_sent_after_the_opt_out,
    a_queued_draft_reminder_is_not_sent_after_the_opt_out,
    a_queued_jury_reminder_is_not_sent_after_the_opt_out,
);

async fn a_queued_announcement_is_not_sent_after_the_opt_out(app: &TestApp) {
    opt_outs_win(app, "announcement", Category::Announcements).await;
}

async fn a_queued_contest_invitation_is_not_sent_after_the_opt_out(app: &TestApp) {
    opt_outs_win(app, "contest_invitation", Category::BrandNews).await;
}

async fn a_queued_contest_opened_mail_is_not_sent_after_the_opt_out(app: &TestApp) {
    opt_outs_win(app, "contest_opened", Category::BrandNews).await;
}

async fn a_queued_draft_reminder_is_not_sent_after_the_opt_out(app: &TestApp) {
    opt_outs_win(app, "draft_reminder", Category::Reminders).await;
}

async fn a_queued_jury_reminder_is_not_sent_after_the_opt_out(app: &TestApp) {
    opt_outs_win(app, "jury_reminder", Category::Reminders).await;
}

/// Queues `template` for `email` as the application would; returns the outbox id.
fn queue(app: &TestApp, template: &str, email: &str) -> String {
    let mut conn = app.conn();
    let now = app.clock.now();
    write_tx(&mut conn, |conn| {
        mail::enqueue(
            &app.ctx,
            conn,
            now,
            &Outgoing {
                template,
                to: email,
                locale: "en",
                context: json!({
                    "display_name": "Someone",
                    "contest_title": "Queued news",
                    "contest_url": "http://concours.test/contests/x",
                    "brand": "Acme",
                    "body": "News.",
                    "deadline": "2030-01-01T00:00:00Z",
                }),
            },
        )
    })
    .expect("queued")
    .expect("wanted when queued")
}

fn preferences_without(category: Category) -> serde_json::Value {
    let mut all = json!({"announcements": true, "reminders": true, "brand_news": true});
    all[category.as_str()] = json!(false);
    all
}

/// The outbox row's status, and whether `concours mail failed` would list it.
fn settled(app: &TestApp, id: &str) -> (MailStatus, bool) {
    let mut conn = app.conn();
    let row = store::outbox::find(&mut conn, id)
        .unwrap()
        .expect("the message is kept");
    let failed = store::outbox::with_status(&mut conn, MailStatus::Failed)
        .unwrap()
        .iter()
        .any(|m| m.id == id);
    (row.status, failed)
}

async fn opt_outs_win(app: &TestApp, template: &str, category: Category) {
    let what = format!("{template} ({})", category.as_str());

    // 1. Through the settings (API).
    let token = app
        .person("settings@example.org", "Settings Person")
        .await
        .token;
    let before = app.mail_to("settings@example.org").await.len();
    let id = queue(app, template, "settings@example.org");
    app.request(
        Method::PUT,
        "/api/v1/me/preferences",
        Some(&token),
        Some(preferences_without(category)),
    )
    .await
    .expect(200);
    assert_eq!(
        app.mail_to("settings@example.org").await.len(),
        before,
        "{what} sent after the opt-out in the settings"
    );
    assert_eq!(settled(app, &id), (MailStatus::Skipped, false), "{what}");

    // 2. Through the one-click link of the mail.
    app.person("link@example.org", "Link Person").await;
    let before = app.mail_to("link@example.org").await.len();
    let id = queue(app, template, "link@example.org");
    let link =
        concours::app::notifications::unsubscribe_url(&app.ctx, "link@example.org", category);
    let path = link.trim_start_matches("http://concours.test");
    let done = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert_eq!(
        app.mail_to("link@example.org").await.len(),
        before,
        "{what} sent after the one-click opt-out"
    );
    assert_eq!(settled(app, &id), (MailStatus::Skipped, false), "{what}");

    // 3. The message was claimed by a worker (about to send) at the moment of the opt-out: the
    // opt-out cannot settle it; the worker, checking again when it sends, does.
    let token = app
        .person("claimed@example.org", "Claimed Person")
        .await
        .token;
    let before = app.mail_to("claimed@example.org").await.len();
    let id = queue(app, template, "claimed@example.org");
    {
        let mut conn = app.conn();
        let now = app.clock.now();
        let claimed = write_tx(&mut conn, |conn| {
            store::outbox::claim_due(
                conn,
                store::to_db(now),
                store::to_db(now + Duration::seconds(60)),
                100,
            )
        })
        .unwrap();
        assert!(claimed.iter().any(|m| m.id == id));
    }
    app.request(
        Method::PUT,
        "/api/v1/me/preferences",
        Some(&token),
        Some(preferences_without(category)),
    )
    .await
    .expect(200);
    // The lease lapses (the worker died); the next pass claims it again.
    app.advance(Duration::seconds(61));
    assert_eq!(
        app.mail_to("claimed@example.org").await.len(),
        before,
        "{what} sent after the opt-out, by the worker"
    );
    assert_eq!(settled(app, &id), (MailStatus::Skipped, false), "{what}");
}
