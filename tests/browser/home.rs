//! The home page's two ways in, in English and French, on a laptop and on a phone: "Submit
//! ideas" leads to the open contests and on to one of them, "Run a contest" to the sign-up
//! that goes on to the dashboard.

use crate::calls::contest_taking_ideas;
use crate::support::{Backend, Browser, PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_both_ways_in_sqlite() {
    the_home_page_shows_both_ways_in(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_both_ways_in_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    the_home_page_shows_both_ways_in(Backend::Postgres).await;
}

async fn the_home_page_shows_both_ways_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    contest_taking_ideas(&app).await;
    let suffix = format!("{}-home", backend.name());
    let english = [
        "Idea contests with a prize that is really there",
        "How it works",
        "Acme",
        "Ideas for less plastic in our shops.",
        "Closes in 8 days",
        "Submit ideas",
        "Run a contest",
    ];
    let french = [
        "Des concours d’idées dont le prix est vraiment là",
        "Comment ça marche",
        "Clôture dans 8 jours",
        "Proposer des idées",
        "Organiser un concours",
    ];
    let mut step = 0;
    for (lang, texts) in [("en-GB,en", &english[..]), ("fr-FR,fr", &french[..])] {
        let mut browser = Browser::start(&app, lang, &suffix, step).await;
        let short = &lang[..2];
        for (width, height) in [(1280, 900), (390, 844)] {
            browser.client.set_window_size(width, height).await.unwrap();
            browser.goto("/").await;
            browser.expect(texts).await;
            browser.fits(width).await;
            browser.shot(&format!("home-{short}-{width}")).await;
            // Submit ideas: the open contests, then one of them.
            browser.find("#way-submit").await.click().await.unwrap();
            let url = browser.client.current_url().await.unwrap();
            assert_eq!(url.fragment(), Some("s-home_open"), "the open contests");
            browser.shot(&format!("cards-{short}-{width}")).await;
            browser
                .click("#home_open-list a[href^=\"/contests/\"]")
                .await;
            browser.expect(&["Greener packaging"]).await;
            browser.fits(width).await;
            // Run a contest: sign-up, then on to the dashboard.
            browser.goto("/").await;
            browser.click("#way-run").await;
            assert_eq!(browser.path().await, "/register?next=%2Fdashboard");
            assert!(
                browser.exists("#brand-hint").await,
                "the brand's next steps"
            );
            browser.fits(width).await;
            browser.shot(&format!("run-{short}-{width}")).await;
        }
        // A brand signs up from there and lands, signed in, on the dashboard.
        let email = format!("brand-{short}@brand.example");
        browser.fill("#email", &email).await;
        browser.fill("#display_name", "Brenda").await;
        browser.fill("#password", PASSWORD).await;
        browser
            .click("form[action=\"/register\"] button[type=submit]")
            .await;
        assert_eq!(browser.path().await, "/dashboard");
        browser.fits(390).await;
        browser.shot(&format!("dashboard-{short}-390")).await;
        browser.sign_out().await;
        step = browser.step();
        browser.close().await;
    }
    app.finish().await;
}
