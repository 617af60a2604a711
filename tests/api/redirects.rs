//! Redirect targets a person gives (`next` on the sign-in page, `back` on the follow form):
//! attacked with control characters, backslashes and percent-encodings, every `Location`
//! resolved as a browser resolves it, and required to stay on this site (finding 16.9).

use reqwest::Url;
use reqwest::header::LOCATION;

use crate::both_backends;
use crate::helpers::{PASSWORD, TestApp, browser, csrf_of, page};

both_backends!(
    a_next_with_a_tab_or_backslash_never_leaves_the_site_after_sign_in,
    the_follow_forms_back_never_leaves_the_site,
);

/// The values an attacker tries: every control character around `/`, backslashes, schemes,
/// and their percent-encodings (once and twice).
fn hostile_targets() -> Vec<String> {
    let mut targets: Vec<String> = [
        "/\t/evil.example/phish",
        "/\r\n/evil.example",
        "/\nLocation: http://evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "http://evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "\t//evil.example",
        "evil.example",
        "/%09/evil.example",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "/%5c%5cevil.example",
        "%2F%2Fevil.example",
        "/%0d%0a/evil.example",
        "/\u{85}/evil.example",
        "/\u{2028}/evil.example",
        "/\u{ff0f}evil.example",
        "/caf\u{e9}/\u{7f}/evil.example",
        "",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for control in (0u8..0x20).chain([0x7f]) {
        let c = control as char;
        targets.push(format!("/{c}/evil.example"));
        targets.push(format!("{c}//evil.example"));
        targets.push(format!("/%{control:02X}/evil.example"));
    }
    targets
}

/// Where a browser on this site goes for this `Location`: must be this site.
fn assert_same_site(location: &str, sent: &str) {
    let base = Url::parse("http://concours.test/").unwrap();
    let target = base
        .join(location)
        .unwrap_or_else(|e| panic!("{location:?} (from {sent:?}) does not resolve: {e}"));
    assert_eq!(
        target.origin(),
        base.origin(),
        "{sent:?} redirected to {location:?} = {target}"
    );
    assert!(
        !location.bytes().any(|b| b.is_ascii_control()),
        "{sent:?}: {location:?} carries a control character"
    );
}

async fn a_next_with_a_tab_or_backslash_never_leaves_the_site_after_sign_in(app: &TestApp) {
    app.person("next@example.org", "Nick").await;
    let client = browser();
    let form = page(&client, app, "/login", None).await.html;
    let csrf = csrf_of(&form);
    for target in hostile_targets() {
        // The sign-in page's form never carries the hostile target.
        let mut url = Url::parse(&app.url("/login")).unwrap();
        url.query_pairs_mut().append_pair("next", &target);
        let answer = client.get(url).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{target:?}");
        let html = answer.text().await.unwrap();
        if target.is_ascii() {
            assert!(!html.contains("evil.example"), "{target:?}");
        }

        let signed_in = client
            .post(app.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "next@example.org"),
                ("password", PASSWORD),
                ("next", &target),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), 303, "{target:?}: never a 500");
        let location = signed_in.headers()[LOCATION].to_str().unwrap().to_owned();
        assert_same_site(&location, &target);
        if target.is_ascii() {
            assert_eq!(location, "/", "{target:?}");
        }
    }
    // A path of this site is still where one comes back to.
    let signed_in = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "next@example.org"),
            ("password", PASSWORD),
            ("next", "/dashboard?tab=a%20b"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.headers()[LOCATION], "/dashboard?tab=a%20b");
}

async fn the_follow_forms_back_never_leaves_the_site(app: &TestApp) {
    let token = app.person("owner@acme.example", "Olive").await.token;
    let organization = app.organization(&token, "Acme").await;
    app.person("fan@example.org", "Fan").await;
    let client = browser();
    let form = page(&client, app, "/login", None).await.html;
    let csrf = csrf_of(&form);
    let signed_in = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "fan@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let home = page(&client, app, "/", None).await.html;
    let csrf = csrf_of(&home);
    for target in hostile_targets() {
        let answer = client
            .post(app.url(&format!("/organizations/{organization}/follow")))
            .form(&[("csrf", csrf.as_str()), ("back", &target)])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 303, "{target:?}: never a 500");
        let location = answer.headers()[LOCATION].to_str().unwrap().to_owned();
        assert_same_site(&location, &target);
        if target.is_ascii() {
            assert_eq!(location, "/", "{target:?}");
        }
    }
}
