//! The contest editor builds a judging structure (issue 20), in headless Chromium, English and
//! French, laptop and phone: how sheets are combined, two tracks with their prizes (no overall
//! prize), one round before the final with its own criteria. A round ending after the judging
//! deadline is refused beside its end; fixed, the draft saves, and the JSON API shows the
//! stored rules with the round and the tracks; the editor shows them back.

use chrono::Duration;
use serde_json::json;

use crate::calls::{api, person, post};
use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_builds_rounds_and_tracks_sqlite() {
    the_editor_builds_rounds_and_tracks(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_builds_rounds_and_tracks_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    the_editor_builds_rounds_and_tracks(Backend::Postgres).await;
}

const OWNER: &str = "owner@acme.example";

/// Types the brief, two tracks and one round ending `round_end` into a new contest's editor.
async fn fill_structure(browser: &mut Browser, round_end: &str, shot: &str) {
    browser.fill("#title", "Refills").await;
    browser.fill("#brief", "Ideas for less plastic.").await;
    browser.fill("#no_entry_beneficiary", "A fund").await;
    browser.fill("#eligibility", "Anyone").await;
    browser.fill("#ip_terms", "Authors keep them").await;
    // The structure is folded away until opened.
    let track = browser.find("#track_0_label").await;
    assert!(!track.is_displayed().await.unwrap(), "folded");
    browser
        .client
        .execute(
            "document.querySelector('details.structure').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    browser.shot(shot).await;
    let summary = browser.find("details.structure summary").await;
    summary.click().await.unwrap();
    browser.set_value("#aggregation", "median").await;
    for (t, label, amount) in [(0, "Retail", "1000"), (1, "Logistics", "800")] {
        browser.fill(&format!("#track_{t}_label"), label).await;
        browser
            .fill(&format!("#track_{t}_prize_0_label"), "First")
            .await;
        browser
            .fill(&format!("#track_{t}_prize_0_amount"), amount)
            .await;
    }
    browser.fill("#track_0_prize_1_label", "Second").await;
    browser.fill("#track_0_prize_1_amount", "500").await;
    browser.fill("#round_0_label", "Shortlist").await;
    browser.set_value("#round_0_ends_at", round_end).await;
    browser.fill("#round_0_advance_n", "2").await;
    browser.tick("#round_0_per_track").await;
    browser.fill("#round_0_criterion_0_label", "Fit").await;
    browser.fill("#round_0_criterion_0_weight", "1").await;
    browser.fill("#round_0_criterion_0_max", "5").await;
}

async fn the_editor_builds_rounds_and_tracks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = person(&app, OWNER, "Olive").await;
    post(
        &app,
        "/api/v1/organizations",
        Some(&owner),
        json!({"name": "Acme"}),
        201,
    )
    .await;
    let suffix = format!("{}-structure", backend.name());
    // The editor's default judging deadline is in 51 days, at noon.
    let day = |d: i64| {
        (app.now() + Duration::days(d))
            .format("%Y-%m-%dT12:00")
            .to_string()
    };
    let cases = [
        (
            "en-GB,en",
            "Round 1 — end: must come before the judging deadline, when the final round ends.",
        ),
        (
            "fr-FR,fr",
            "Tour 1 — fin\u{202f}: doit venir avant la fin de l’évaluation, quand la finale se termine.",
        ),
    ];
    let mut step = 0;
    for (lang, late_message) in cases {
        let short = &lang[..2];
        let mut browser = Browser::start(&app, lang, &suffix, step).await;
        browser.sign_in(OWNER).await;
        // Her account speaks English; the language menu's choice is remembered over it.
        browser.goto(&format!("/?lang={short}")).await;
        for (width, height) in [(1280, 900), (390, 844)] {
            browser.client.set_window_size(width, height).await.unwrap();
            browser.goto("/contests/new").await;
            browser.fits(width).await;
            let folded = format!("structure-folded-{short}-{width}");
            fill_structure(&mut browser, &day(60), &folded).await;
            browser.fits(width).await;
            browser
                .shot(&format!("structure-filled-{short}-{width}"))
                .await;
            browser
                .client
                .execute(
                    "document.getElementById('track_0_label').scrollIntoView({block: 'start'})",
                    vec![],
                )
                .await
                .unwrap();
            browser
                .shot(&format!("structure-tracks-{short}-{width}"))
                .await;
            browser
                .click("form[action=\"/contests/new\"] button[type=submit]")
                .await;
            // Refused: the one problem beside the round's end, the section open.
            let message = browser
                .find("#round_0_ends_at-error")
                .await
                .text()
                .await
                .unwrap();
            assert_eq!(message, late_message);
            let summary = browser
                .find(".error-summary ul")
                .await
                .text()
                .await
                .unwrap();
            assert_eq!(summary, late_message, "one problem");
            assert!(
                browser
                    .exists(".error-summary a[href=\"#round_0_ends_at\"]")
                    .await
            );
            assert!(browser.exists("details.structure[open]").await);
            let kept = browser
                .find("#track_1_label")
                .await
                .prop("value")
                .await
                .unwrap();
            assert_eq!(kept.as_deref(), Some("Logistics"), "what was typed is kept");
            browser
                .client
                .execute(
                    "document.getElementById('round_0_ends_at').scrollIntoView({block: 'center'})",
                    vec![],
                )
                .await
                .unwrap();
            browser.fits(width).await;
            browser
                .shot(&format!("structure-error-{short}-{width}"))
                .await;
            // Fixed, it saves.
            browser.set_value("#round_0_ends_at", &day(44)).await;
            browser
                .click("form[action=\"/contests/new\"] button[type=submit]")
                .await;
            let path = browser.path().await;
            let id = path
                .strip_prefix("/contests/")
                .and_then(|rest| rest.strip_suffix("/manage"))
                .unwrap_or_else(|| panic!("saved, on the management page: {path}"))
                .to_owned();
            let contest = api(
                &app,
                reqwest::Method::GET,
                &format!("/api/v1/contests/{id}"),
                Some(&owner),
                json!(null),
                200,
            )
            .await;
            let rules = &contest["rules"];
            assert_eq!(rules["aggregation"], json!("median"));
            assert_eq!(rules["prizes"], json!([]));
            assert_eq!(
                rules["tracks"],
                json!([
                    {"key": "retail", "label": "Retail", "prizes": [
                        {"label": "First", "amount_cents": 100_000},
                        {"label": "Second", "amount_cents": 50_000}]},
                    {"key": "logistics", "label": "Logistics", "prizes": [
                        {"label": "First", "amount_cents": 80_000}]}
                ])
            );
            let ends_at = format!("{}:00Z", day(44));
            assert_eq!(
                rules["rounds"],
                json!([{"key": "shortlist", "label": "Shortlist", "ends_at": ends_at,
                    "criteria": [{"key": "fit", "label": "Fit", "weight": 1, "max": 5}],
                    "advance": {"top": 2, "per_track": true}}])
            );
            assert_eq!(contest["prize_pool_cents"], json!(230_000));
            // The editor shows the structure back, open.
            browser.goto(&format!("/contests/{id}/edit")).await;
            assert!(browser.exists("details.structure[open]").await);
            let end = browser
                .find("#round_0_ends_at")
                .await
                .prop("value")
                .await
                .unwrap();
            assert_eq!(end.as_deref(), Some(day(44).as_str()));
            browser
                .client
                .execute(
                    "document.querySelector('details.structure').scrollIntoView({block: 'start'})",
                    vec![],
                )
                .await
                .unwrap();
            browser.fits(width).await;
            browser
                .shot(&format!("structure-saved-{short}-{width}"))
                .await;
        }
        browser.sign_out().await;
        step = browser.step();
        browser.close().await;
    }
    app.finish().await;
}
