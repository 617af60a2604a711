//! Organisations: invitations to join one, accepted by their verified addressee.

use serde_json::json;

use super::app::TestApp;
use super::people::extract_link;

/// The token of the last organisation invitation `email` received.
pub async fn organization_invitation_token(app: &TestApp, email: &str) -> String {
    let mails = app.mail_to(email).await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.text.contains("/organization-invitations/"))
        .expect("an organisation invitation");
    let link = extract_link(&mail.text, "/organization-invitations/").unwrap();
    link.rsplit('/').next().unwrap().to_owned()
}

/// `owner` invites `email` (with `role`), and that verified account accepts: its token.
pub async fn join(app: &TestApp, owner: &str, org: &str, email: &str, role: &str) -> String {
    app.post(
        &format!("/api/v1/organizations/{org}/members"),
        Some(owner),
        json!({"email": email, "role": role}),
    )
    .await
    .expect(201);
    let token = organization_invitation_token(app, email).await;
    let member = app.login(email).await;
    app.post(
        &format!("/api/v1/organization-invitations/{token}/accept"),
        Some(&member),
        json!({}),
    )
    .await
    .expect(200);
    member
}
