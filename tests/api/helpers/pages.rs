//! The pages as a browser reads them: a client that keeps cookies, one signed in with a
//! session token or through the sign-in page, a page fetched whole, and its CSRF token.

use reqwest::header::ACCEPT_LANGUAGE;

use super::app::TestApp;
use super::people::PASSWORD;

/// A client that keeps cookies, as a browser does.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The CSRF token a page's forms carry.
pub fn csrf_of(html: &str) -> String {
    let start = html
        .find(r#"name="csrf" value=""#)
        .expect("a form with a CSRF token")
        + r#"name="csrf" value=""#.len();
    html[start..start + 64].to_owned()
}

/// A page as a browser received it.
pub struct Page {
    pub status: u16,
    pub html: String,
}

/// Fetches the page at `path` with `client`, in `lang` (an `Accept-Language`) when given.
pub async fn page(client: &reqwest::Client, app: &TestApp, path: &str, lang: Option<&str>) -> Page {
    let mut request = client.get(app.url(path));
    if let Some(lang) = lang {
        request = request.header(ACCEPT_LANGUAGE, lang);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    Page {
        status,
        html: response.text().await.unwrap(),
    }
}

/// The text of the page at `path`, read with `client`.
pub async fn text_of(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A browser signed in with `token`'s session.
pub fn signed_in(app: &TestApp, token: &str) -> reqwest::Client {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("concours_session={token}"),
        &app.url("/").parse().unwrap(),
    );
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A browser signed in through the sign-in page, and the CSRF token its forms carry.
pub struct LoggedIn {
    pub client: reqwest::Client,
    pub csrf: String,
}

/// A browser signed in as `email` (an existing, verified account) through the sign-in page.
pub async fn logged_in(app: &TestApp, email: &str, lang: Option<&str>) -> LoggedIn {
    let client = browser();
    let form = page(&client, app, "/login", lang).await.html;
    let csrf = csrf_of(&form);
    let answer = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303, "signing in {email}");
    LoggedIn { client, csrf }
}
