//! The home page's cards: never a draft; the brand, a plain-text teaser, how long is left.

use chrono::Duration;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Draft, TestApp, admin, draft, fund, invite_juror, page, signed_in};

both_backends!(
    the_home_cards_name_the_brand_and_the_time_left_and_never_a_draft,
    signing_up_to_run_a_contest_signs_in_and_goes_on_to_the_dashboard,
);

async fn signing_up_to_run_a_contest_signs_in_and_goes_on_to_the_dashboard(app: &TestApp) {
    for (email, next, lands) in [
        ("brenda@brand.example", "/dashboard", "/dashboard"),
        ("mallory@brand.example", "//evil.example/", "/"),
    ] {
        let client = crate::helpers::browser();
        let form = page(&client, app, &format!("/register?next={next}"), Some("en"))
            .await
            .html;
        assert!(form.contains("name=\"next\""), "{form}");
        let csrf = crate::helpers::csrf_of(&form);
        let answer = client
            .post(app.url("/register"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("display_name", "Brenda"),
                ("password", crate::helpers::PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 303, "{email}");
        assert_eq!(answer.headers()["location"], lands);
        let there = page(&client, app, lands, Some("en")).await;
        assert_eq!(there.status, 200);
        assert!(there.html.contains("Sign out"), "signed in: {}", there.html);
    }
    // Without `next` (nor a page of the site before), the sign-up goes home, signed in too
    // (issue 19).
    let client = crate::helpers::browser();
    let form = page(&client, app, "/register", Some("en")).await.html;
    assert!(form.contains("name=\"next\" value=\"&#x2F;\""));
}

async fn the_home_cards_name_the_brand_and_the_time_left_and_never_a_draft(app: &TestApp) {
    let Draft { owner, contest, .. } = draft(app).await;
    // A draft is listed nowhere on the home page, not even for its own brand.
    for client in [crate::helpers::browser(), signed_in(app, &owner)] {
        let home = page(&client, app, "/", Some("en")).await.html;
        assert!(
            !home.contains("Greener packaging") && !home.contains(&contest),
            "{home}"
        );
    }
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "juror@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);

    let home = page(&crate::helpers::browser(), app, "/", Some("en"))
        .await
        .html;
    assert!(home.contains("Greener packaging") && home.contains("Acme"));
    assert!(
        home.contains("<p class=\"teaser user-text\">Ideas for less plastic.</p>"),
        "the teaser is plain text: {home}"
    );
    assert!(home.contains("Opens in 1 day"), "{home}");
    assert!(
        home.contains("Run a contest") && home.contains("href=\"/register?next=%2Fdashboard\"")
    );
    assert!(
        !home.contains("entries</p>"),
        "no count below the first bucket"
    );

    app.advance(Duration::days(2));
    let home = page(&crate::helpers::browser(), app, "/", Some("en"))
        .await
        .html;
    assert!(home.contains("Closes in 8 days"), "{home}");
    let accueil = page(&crate::helpers::browser(), app, "/", Some("fr"))
        .await
        .html;
    assert!(
        accueil.contains("Clôture dans 8 jours") && accueil.contains("Proposer des idées"),
        "{accueil}"
    );
}
