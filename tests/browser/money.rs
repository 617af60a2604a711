//! Money people can act on (issue 19): a winner gives an IBAN on "My payouts", then the admin
//! records the payout paid through its summary, which shows that IBAN; in English and in
//! French, on a laptop and on a phone. The data is the demo's (two innovators share the prizes
//! of "Zero-waste packaging").

use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_winner_gives_an_iban_and_the_admin_pays_it_sqlite() {
    a_winner_gives_an_iban_and_the_admin_pays_it(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_winner_gives_an_iban_and_the_admin_pays_it_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    a_winner_gives_an_iban_and_the_admin_pays_it(Backend::Postgres).await;
}

/// The addresses of the demo's payees, in the order the admin's page lists their payouts.
fn winners(app: &TestApp) -> Vec<String> {
    use concours::store::schema::{ideas, payouts, users};
    use diesel::prelude::*;
    payouts::table
        .inner_join(ideas::table.on(ideas::id.nullable().eq(payouts::idea_id)))
        .inner_join(users::table.on(users::id.eq(ideas::author_id)))
        .order((payouts::contest_id.asc(), payouts::position.asc()))
        .select(users::email)
        .load(&mut *app.conn())
        .unwrap()
}

const ADMIN: &str = "admin@demo.concours.example";

/// Signs in with the demo's password, in French when `french`.
async fn sign_in(browser: &mut Browser, email: &str, french: bool) {
    browser.goto("/login").await;
    browser.fill("#email", email).await;
    browser.fill("#password", concours::demo::PASSWORD).await;
    browser
        .click("form[action=\"/login\"] button[type=submit]")
        .await;
    assert!(!browser.path().await.starts_with("/login"), "signed in");
    // The demo's accounts speak English: the reader chooses French in the top bar (once; the
    // choice is remembered).
    if french && browser.exists("header.site a[hreflang=\"fr\"]").await {
        browser.click("header.site a[hreflang=\"fr\"]").await;
    }
}

/// A screenshot at a laptop's width, then at a phone's (which the page must fit).
async fn both_widths(browser: &mut Browser, name: &str) {
    browser.shot(&format!("{name}-laptop")).await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.fits(390).await;
    browser.shot(&format!("{name}-phone")).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
}

/// Texts of one language.
struct Words {
    my_payouts: &'static str,
    saved: &'static str,
    summary: &'static str,
    paid: &'static str,
    history: &'static str,
}

/// The winner `email` gives `iban`; the admin pays it through the summary; the winner sees it
/// paid.
async fn give_and_pay(
    browser: &mut Browser,
    email: &str,
    iban: &str,
    grouped: &str,
    w: &Words,
    name: &str,
) {
    let french = name.ends_with("fr");
    sign_in(browser, email, french).await;
    browser.goto("/me/payouts").await;
    browser
        .expect(&[w.my_payouts, "Zero-waste packaging"])
        .await;
    both_widths(browser, &format!("payouts-{name}")).await;
    browser
        .fill("form[action$=\"/details\"] input[name=iban]", iban)
        .await;
    browser
        .click("form[action$=\"/details\"] button[type=submit]")
        .await;
    browser.expect(&[w.saved, grouped]).await;
    both_widths(browser, &format!("payouts-saved-{name}")).await;
    browser.sign_out().await;

    sign_in(browser, ADMIN, french).await;
    browser.goto("/admin").await;
    both_widths(browser, &format!("admin-{name}")).await;
    browser
        .click("form[action^=\"/admin/payouts/\"] button[type=submit]")
        .await;
    browser.expect(&[w.summary, grouped]).await;
    both_widths(browser, &format!("admin-payout-summary-{name}")).await;
    browser.fill("#reference", &format!("TX-{name}")).await;
    browser.click("button.danger.confirm").await;
    browser.expect(&[w.paid]).await;
    both_widths(browser, &format!("admin-paid-{name}")).await;
    browser.sign_out().await;

    sign_in(browser, email, french).await;
    browser.goto("/me/payouts").await;
    browser.expect(&[w.history, &format!("TX-{name}")]).await;
    both_widths(browser, &format!("payouts-history-{name}")).await;
    browser.sign_out().await;
}

async fn a_winner_gives_an_iban_and_the_admin_pays_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let secret = concours::startup::jwt_secret(&app.ctx.settings).unwrap();
    concours::demo::run(&app.ctx.settings, &app.pool, &secret).unwrap();
    app.tick().await;
    let suffix = format!("{}-money", backend.name());
    let winners = winners(&app);
    assert_eq!(winners.len(), 2, "{winners:?}");

    let mut browser = Browser::start(&app, "en-GB,en", &suffix, 0).await;
    give_and_pay(
        &mut browser,
        &winners[0],
        "gb82west12345698765432",
        "GB82 WEST 1234 5698 7654 32",
        &Words {
            my_payouts: "My payouts",
            saved: "Your payout details are saved.",
            summary: "Summary",
            paid: "The payout is recorded as paid",
            history: "Paid on",
        },
        "en",
    )
    .await;
    let step = browser.step();
    browser.close().await;

    let mut french = Browser::start(&app, "fr-FR,fr", &suffix, step).await;
    give_and_pay(
        &mut french,
        &winners[1],
        "FR14 2004 1010 0505 0001 3M02 606",
        "FR14 2004 1010 0505 0001 3M02 606",
        &Words {
            my_payouts: "Mes versements",
            saved: "Vos coordonnées de versement sont enregistrées.",
            summary: "Récapitulatif",
            paid: "Le versement est enregistré comme payé",
            history: "Versé le",
        },
        "fr",
    )
    .await;
    french.close().await;
    app.finish().await;
}
