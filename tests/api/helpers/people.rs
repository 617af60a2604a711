//! People: accounts registered, verified and signed in through the API, their organisations,
//! the password they all share, and the links their mail carries.

use serde_json::json;

use super::app::TestApp;

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery";

/// A verified account, signed in.
pub struct Person {
    /// Its session token (a bearer token, or the session cookie's value).
    pub token: String,
    /// Its user id.
    pub id: String,
}

impl TestApp {
    /// Registers an account and returns its id (not verified, not signed in).
    pub async fn register(&self, email: &str, name: &str) -> String {
        let answer = self
            .post(
                "/api/v1/auth/register",
                None,
                json!({"email": email, "password": PASSWORD, "display_name": name}),
            )
            .await
            .expect(201);
        answer.json()["id"].as_str().unwrap().to_owned()
    }

    /// The verification token from the last verification mail `to` received.
    pub async fn verification_token(&self, to: &str) -> String {
        // The last mail that carries a verification link: another mail to the address (a
        // jury invitation sent before it had an account) may be delivered after it.
        let mails = self.mail_to(to).await;
        assert!(!mails.is_empty(), "a verification mail");
        let link = (mails.iter().rev())
            .find_map(|mail| extract_link(&mail.text, "/verify?token="))
            .expect("a verification link");
        link.split_once("token=").unwrap().1.to_owned()
    }

    pub async fn login(&self, email: &str) -> String {
        let answer = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await
            .expect(200);
        answer.json()["token"].as_str().unwrap().to_owned()
    }

    /// A verified, signed-in person.
    pub async fn person(&self, email: &str, name: &str) -> Person {
        let id = self.register(email, name).await;
        let token = self.verification_token(email).await;
        self.post("/api/v1/auth/verify", None, json!({"token": token}))
            .await
            .expect(200);
        Person {
            token: self.login(email).await,
            id,
        }
    }

    /// Creates an organisation owned by `token`'s account; returns its id.
    pub async fn organization(&self, token: &str, name: &str) -> String {
        let answer = self
            .post("/api/v1/organizations", Some(token), json!({"name": name}))
            .await
            .expect(201);
        answer.json()["id"].as_str().unwrap().to_owned()
    }
}
/// The first URL in `text` that contains `needle`.
pub fn extract_link(text: &str, needle: &str) -> Option<String> {
    text.split_whitespace()
        .find(|word| word.contains(needle))
        .map(|word| word.trim_end_matches(['.', ',', ')', '>']).to_owned())
}
