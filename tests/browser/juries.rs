//! A juror finds their work from the menu (issue 19): "My juries" lists the juries they sit
//! on, with their progress and the judging deadline, and leads to the scoring page; in English
//! and in French, on a laptop and on a phone. The data is the demo's.

use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_juror_finds_their_scoring_page_from_the_menu_sqlite() {
    a_juror_finds_their_scoring_page_from_the_menu(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_juror_finds_their_scoring_page_from_the_menu_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    a_juror_finds_their_scoring_page_from_the_menu(Backend::Postgres).await;
}

const JUROR: &str = "juror1@jury.concours.example";

/// Signs in with the demo's password.
async fn sign_in(browser: &mut Browser) {
    browser.goto("/login").await;
    browser.fill("#email", JUROR).await;
    browser.fill("#password", concours::demo::PASSWORD).await;
    browser
        .click("form[action=\"/login\"] button[type=submit]")
        .await;
    assert!(!browser.path().await.starts_with("/login"), "signed in");
}

/// From the menu to "My juries", then to the scoring page of the jury being judged; each at
/// a laptop's and a phone's width.
async fn from_the_menu(browser: &mut Browser, texts: &[&str], scoring: &[&str], name: &str) {
    let text = browser.click("header.site a[href=\"/me/juries\"]").await;
    assert!(!text.contains("Concours Concours") && !text.contains("Concours\nConcours"));
    browser.expect(texts).await;
    browser.shot(&format!("{name}-laptop")).await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.fits(390).await;
    browser.shot(&format!("{name}-phone")).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    // Judging juries come first: the first button leads to the scoring page.
    browser.click("main a.button[href$=\"/jury\"]").await;
    assert!(browser.path().await.ends_with("/jury"));
    browser.expect(scoring).await;
    browser.shot(&format!("{name}-scoring")).await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.fits(390).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
}

async fn a_juror_finds_their_scoring_page_from_the_menu(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let secret = concours::startup::jwt_secret(&app.ctx.settings).unwrap();
    concours::demo::run(&app.ctx.settings, &app.pool, &secret).unwrap();
    app.tick().await;
    let suffix = format!("{}-juries", backend.name());

    let mut browser = Browser::start(&app, "en-GB,en", &suffix, 0).await;
    sign_in(&mut browser).await;
    from_the_menu(
        &mut browser,
        &[
            "My juries",
            "Quieter cities",
            "Being judged",
            "0 of 2 entries scored",
            "Judging deadline",
            "Score the entries",
            "Awarded: judging is over",
        ],
        &["Quieter cities", "0 of 2 entries scored"],
        "my-juries",
    )
    .await;
    let step = browser.step();
    browser.close().await;

    let mut french = Browser::start(&app, "fr-FR,fr", &suffix, step).await;
    sign_in(&mut french).await;
    // The account speaks English: the reader chooses French in the top bar.
    french.click("header.site a[hreflang=\"fr\"]").await;
    from_the_menu(
        &mut french,
        &[
            "Mes jurys",
            "Quieter cities",
            "sur 2",
            "Fin de l’évaluation",
            "Noter les idées",
        ],
        &["Quieter cities"],
        "mes-jurys",
    )
    .await;
    french.close().await;
    app.finish().await;
}
