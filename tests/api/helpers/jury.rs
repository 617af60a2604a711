//! The jury: invitations accepted by verified jurors, and a contest in judging with its
//! jurors, authors and entries.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use super::app::TestApp;
use super::attachments::tiny_pdf;
use super::contests::{Draft, admin, draft, fund, invite_juror};
use super::people::{Person, extract_link};

/// The token from the last jury invitation `to` received.
pub async fn jury_invitation_token(app: &TestApp, to: &str) -> String {
    let mails = app.mail_to(to).await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.text.contains("/jury-invitations/"))
        .expect("an invitation");
    let link = extract_link(&mail.text, "/jury-invitations/").unwrap();
    link.rsplit('/').next().unwrap().to_owned()
}

/// A juror who registered, verified and accepted: their token.
pub async fn juror(app: &TestApp, email: &str, name: &str) -> String {
    let token = jury_invitation_token(app, email).await;
    let session = app.person(email, name).await.token;
    app.post(
        &format!("/api/v1/jury-invitations/{token}/accept"),
        Some(&session),
        json!({}),
    )
    .await
    .expect(200);
    session
}

/// A contest in judging, everyone signed in afresh after the deadline.
pub struct Judging {
    /// The owner's token.
    pub owner: String,
    pub contest: String,
    /// The jurors' tokens, in the order of their addresses.
    pub jurors: Vec<String>,
    /// Each author, in submission order.
    pub authors: Vec<Author>,
    /// The ideas' ids, in submission order.
    pub ideas: Vec<String>,
}

/// An author of one of [`Judging`]'s entries.
pub struct Author {
    pub token: String,
    pub email: String,
    pub name: String,
    /// Their user id.
    pub id: String,
}

/// A contest in judging: two jurors (the second at lab.example), three entries (the last by
/// someone at lab.example).
pub async fn judging(
    app: &TestApp,
    reviews_per_entry: Option<u32>,
    juror_emails: &[&str],
) -> Judging {
    let Draft { owner, contest, .. } = draft(app).await;
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    for email in juror_emails {
        invite_juror(app, &owner, &contest, email).await;
    }
    app.request(
        Method::PUT,
        &format!("/api/v1/contests/{contest}/jury/settings"),
        Some(&owner),
        Some(json!({"reviews_per_entry": reviews_per_entry})),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    let mut jurors = Vec::new();
    for (i, email) in juror_emails.iter().enumerate() {
        jurors.push(juror(app, email, &format!("Juror {}", i + 1)).await);
    }
    app.advance(Duration::days(1));
    let mut authors = Vec::new();
    let mut ideas = Vec::new();
    for (email, name, title) in [
        ("ann@example.org", "Ann Author", "Idea A"),
        ("bob@example.org", "Bob Author", "Idea B"),
        ("cat@lab.example", "Cat Author", "Idea C"),
    ] {
        let Person { token, id } = app.person(email, name).await;
        let idea = app
            .post(
                &format!("/api/v1/contests/{contest}/ideas"),
                Some(&token),
                json!({"title": title, "summary": "s", "body": "b", "accept_terms": true}),
            )
            .await
            .expect(201)
            .json();
        let idea_id = idea["id"].as_str().unwrap().to_owned();
        if title == "Idea A" {
            // Ann attaches a file whose name gives her away.
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(tiny_pdf()).file_name("Ann Author CV.pdf"),
            );
            let uploaded = app
                .client
                .post(app.url(&format!("/api/v1/ideas/{idea_id}/attachments")))
                .bearer_auth(&token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(uploaded.status(), 201);
        }
        ideas.push(idea_id);
        authors.push(Author {
            token,
            email: email.to_owned(),
            name: name.to_owned(),
            id,
        });
    }
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    // Sessions last hours: everyone signs in again.
    let owner = app.login("owner@acme.example").await;
    let mut fresh = Vec::new();
    for email in juror_emails {
        fresh.push(app.login(email).await);
    }
    let _ = jurors;
    for author in &mut authors {
        author.token = app.login(&author.email).await;
    }
    Judging {
        owner,
        contest,
        jurors: fresh,
        authors,
        ideas,
    }
}
