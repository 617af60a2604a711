//! Money, attacked: escrow confirmed in one currency read in another, escrow beyond the pool,
//! fundings after opening, bank references guessed from the public chain, and amounts in
//! currencies without (or with three) decimals shown as hundredths.

use chrono::Duration;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both_backends;
use crate::helpers::{LoggedIn, Page, TestApp, admin, fund, invite_juror, logged_in, page, rules};

both_backends!(
    escrow_confirmed_in_idr_never_opens_a_contest_promising_euros,
    escrow_never_exceeds_the_prize_pool,
    nothing_is_funded_or_confirmed_after_opening,
    funding_references_are_keyed_in_the_public_chain,
    amounts_are_shown_in_each_currency_s_minor_unit,
    forms_read_amounts_in_the_currency_s_unit,
);

/// A brand: its owner and its organisation.
struct Brand {
    /// The owner's token.
    owner: String,
    organization: String,
}

/// The brand: its owner's token and its organisation.
async fn brand(app: &TestApp) -> Brand {
    let owner = app.person("owner@acme.example", "Olive").await.token;
    let org = app.organization(&owner, "Acme").await;
    Brand {
        owner,
        organization: org,
    }
}

/// The default rules in `currency` with these prizes (minor units).
fn rules_in(app: &TestApp, currency: &str, prizes: &[i64]) -> Value {
    let mut rules = rules(app);
    rules["currency"] = json!(currency);
    rules["prizes"] = prizes
        .iter()
        .enumerate()
        .map(|(i, amount)| json!({"label": format!("Prize {}", i + 1), "amount_cents": amount}))
        .collect();
    rules
}

/// A draft of the brand's in `currency`; returns its id.
async fn draft_in(app: &TestApp, owner: &str, org: &str, currency: &str, prizes: &[i64]) -> String {
    app.post(
        "/api/v1/contests",
        Some(owner),
        json!({"organization_id": org, "title": format!("Contest in {currency}"),
               "brief": "b", "rules": rules_in(app, currency, prizes)}),
    )
    .await
    .expect(201)
    .json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn record(app: &TestApp, owner: &str, contest: &str, body: Value) -> crate::helpers::Answer {
    app.post(
        &format!("/api/v1/contests/{contest}/fundings"),
        Some(owner),
        body,
    )
    .await
}

async fn patch_rules(
    app: &TestApp,
    owner: &str,
    contest: &str,
    rules: Value,
) -> crate::helpers::Answer {
    app.request(
        reqwest::Method::PATCH,
        &format!("/api/v1/contests/{contest}"),
        Some(owner),
        Some(json!({"rules": rules})),
    )
    .await
}

/// Issue 16.1: 400000 recorded and confirmed while the draft says IDR, then the currency
/// PATCHed to EUR before opening.
async fn escrow_confirmed_in_idr_never_opens_a_contest_promising_euros(app: &TestApp) {
    let Brand {
        owner,
        organization: org,
    } = brand(app).await;
    let admin = admin(app).await;
    let contest = draft_in(app, &owner, &org, "IDR", &[400_000]).await;
    invite_juror(app, &owner, &contest, "juror@jury.example").await;

    // A funding names its currency, or gets the draft's; another one is refused.
    record(
        app,
        &owner,
        &contest,
        json!({"amount_cents": 400_000, "reference": "WIRE", "currency": "EUR"}),
    )
    .await
    .expect_error(422, "validation_failed");
    let funding = record(
        app,
        &owner,
        &contest,
        json!({"amount_cents": 400_000, "reference": "WIRE", "currency": "IDR"}),
    )
    .await
    .expect(201)
    .json();
    assert_eq!(funding["currency"], "IDR");
    let id = funding["id"].as_str().unwrap();
    let confirm = format!("/api/v1/admin/fundings/{id}/confirm");

    // The admin confirms an amount in a currency: naming another is refused.
    for wrong in [
        json!({"currency": "EUR"}),
        json!({"amount_cents": 4_000}),
        json!({"amount_cents": 400_000, "currency": "EUR"}),
    ] {
        app.post(&confirm, Some(&admin), wrong)
            .await
            .expect_error(409, "funding_mismatch");
    }
    app.post(&confirm, Some(&admin), json!({"currency": 5}))
        .await
        .expect_error(400, "bad_request");
    // An array is not a confirmation (serde would read `[null, null]` as one naming nothing).
    app.post(&confirm, Some(&admin), json!([null, null]))
        .await
        .expect_error(400, "bad_request");
    let confirmed = app
        .post(
            &confirm,
            Some(&admin),
            json!({"amount_cents": 400_000, "currency": "IDR"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        (&confirmed["status"], &confirmed["currency"]),
        (&json!("confirmed"), &json!("IDR"))
    );

    // The attack: the draft's currency switched to EUR after the confirmation. Refused.
    patch_rules(app, &owner, &contest, rules_in(app, "EUR", &[400_000]))
        .await
        .expect_error(409, "currency_locked");
    let path = format!("/api/v1/contests/{contest}");
    let shown = app.get(&path, Some(&owner)).await.expect(200).json();
    assert_eq!(
        (&shown["currency"], &shown["funded_cents"]),
        (&json!("IDR"), &json!(400_000))
    );
    let ledger = app
        .get(&format!("{path}/fundings"), Some(&owner))
        .await
        .expect(200)
        .json();
    assert_eq!(ledger["fundings"][0]["currency"], "IDR");

    // Second way in: a funding still pending when the currency changes is never confirmed in
    // the new currency, and opening waits for escrow in EUR.
    let other = draft_in(app, &owner, &org, "IDR", &[400_000]).await;
    invite_juror(app, &owner, &other, "juror@jury.example").await;
    let pending = record(
        app,
        &owner,
        &other,
        json!({"amount_cents": 400_000, "reference": "WIRE-2"}),
    )
    .await
    .expect(201)
    .json();
    assert_eq!(pending["currency"], "IDR");
    patch_rules(app, &owner, &other, rules_in(app, "EUR", &[400_000]))
        .await
        .expect(200);
    // The admin's escrow page shows the funding in its own currency, not the contest's.
    let client = logged_in(app, "admin@concours.example", None).await.client;
    let Page { status, html } = page(&client, app, "/admin", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("4,000.00 IDR"), "{html}");
    assert!(!html.contains("4,000.00 EUR"), "{html}");
    let pending_id = pending["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/admin/fundings/{pending_id}/confirm"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect_error(409, "currency_mismatch");
    app.post(
        &format!("/api/v1/contests/{other}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect_error(409, "not_funded");
    let shown = app
        .get(&format!("/api/v1/contests/{other}"), Some(&owner))
        .await
        .json();
    assert_eq!(
        (&shown["currency"], &shown["funded_cents"]),
        (&json!("EUR"), &json!(0))
    );
    // Escrow in EUR opens it, in EUR.
    fund(app, &owner, &admin, &other, 400_000).await;
    let opened = app
        .post(
            &format!("/api/v1/contests/{other}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(
        (&opened["currency"], &opened["funded_cents"]),
        (&json!("EUR"), &json!(400_000))
    );
}

/// Escrow beyond the pool has no way out (no refund ledger): it is never confirmed, and the
/// pool may not shrink below what is confirmed.
async fn escrow_never_exceeds_the_prize_pool(app: &TestApp) {
    let Brand {
        owner,
        organization: org,
    } = brand(app).await;
    let admin = admin(app).await;
    let contest = draft_in(app, &owner, &org, "EUR", &[500_000, 200_000]).await;
    fund(app, &owner, &admin, &contest, 500_000).await;
    let extra = record(
        app,
        &owner,
        &contest,
        json!({"amount_cents": 300_000, "reference": "WIRE-2"}),
    )
    .await
    .expect(201)
    .json();
    let confirm = format!(
        "/api/v1/admin/fundings/{}/confirm",
        extra["id"].as_str().unwrap()
    );
    app.post(&confirm, Some(&admin), json!({}))
        .await
        .expect_error(409, "over_funded");
    patch_rules(app, &owner, &contest, rules_in(app, "EUR", &[400_000]))
        .await
        .expect_error(409, "over_funded");
    // Raising the prizes makes room.
    patch_rules(
        app,
        &owner,
        &contest,
        rules_in(app, "EUR", &[600_000, 200_000]),
    )
    .await
    .expect(200);
    app.post(&confirm, Some(&admin), json!({}))
        .await
        .expect(200);
    let shown = app
        .get(&format!("/api/v1/contests/{contest}"), Some(&owner))
        .await
        .json();
    assert_eq!(shown["funded_cents"], 800_000);
}

/// Issue 17.7: a 10-billion funding recorded and confirmed on an open, then awarded, contest.
async fn nothing_is_funded_or_confirmed_after_opening(app: &TestApp) {
    let Brand {
        owner,
        organization: org,
    } = brand(app).await;
    let admin = admin(app).await;
    let contest = draft_in(app, &owner, &org, "EUR", &[500_000, 200_000]).await;
    fund(app, &owner, &admin, &contest, 600_000).await;
    // Left pending at opening: it can no longer be confirmed, and no admin is asked to.
    let left = record(
        app,
        &owner,
        &contest,
        json!({"amount_cents": 100_000, "reference": "LATE"}),
    )
    .await
    .expect(201)
    .json();
    fund(app, &owner, &admin, &contest, 100_000).await;
    invite_juror(app, &owner, &contest, "juror@jury.example").await;
    let path = format!("/api/v1/contests/{contest}");
    app.post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect(200);
    let left_confirm = format!(
        "/api/v1/admin/fundings/{}/confirm",
        left["id"].as_str().unwrap()
    );
    app.post(&left_confirm, Some(&admin), json!({}))
        .await
        .expect_error(409, "invalid_phase");
    let waiting = app
        .get("/api/v1/admin/fundings", Some(&admin))
        .await
        .expect(200)
        .json();
    assert_eq!(waiting["fundings"], json!([]));
    let huge = json!({"amount_cents": 10_000_000_000_i64, "reference": "HUGE"});
    record(app, &owner, &contest, huge.clone())
        .await
        .expect_error(409, "invalid_phase");

    // Awarded (nobody entered): still nothing.
    app.advance(Duration::days(20));
    app.scheduler.tick().await.unwrap();
    let (owner, admin) = (
        app.login("owner@acme.example").await,
        app.login("admin@concours.example").await,
    );
    app.get(&format!("{path}/results"), None).await.expect(200);
    record(app, &owner, &contest, huge)
        .await
        .expect_error(409, "invalid_phase");
    app.post(&left_confirm, Some(&admin), json!({}))
        .await
        .expect_error(409, "invalid_phase");
    let public = app.get(&path, None).await.expect(200).json();
    assert_eq!(public["funded_cents"], 700_000);
    // The invariant checker (run after every test) holds: escrow is exactly the pool.
}

/// Issue 17.8: a funding's bank reference is committed to in the public chain with a keyed
/// HMAC, so a short reference is not found by hashing guesses; earlier events still verify.
async fn funding_references_are_keyed_in_the_public_chain(app: &TestApp) {
    let Brand {
        owner,
        organization: org,
    } = brand(app).await;
    let admin = admin(app).await;
    let contest = draft_in(app, &owner, &org, "EUR", &[500_000, 200_000]).await;
    // An event of the form written before, as an existing chain holds it.
    {
        let mut conn = app.conn();
        concours::app::audit::record(
            &mut conn,
            &contest,
            chrono::Utc::now(),
            "funding_recorded",
            json!({"funding_id": "old", "amount_cents": 1,
                   "reference_sha256": hex::encode(Sha256::digest(b"OLD-1"))}),
        )
        .unwrap();
    }
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "juror@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    let chain = app
        .get(&format!("/api/v1/contests/{contest}/audit"), None)
        .await
        .expect(200);
    // The reference `fund` sends; a guesser hashes it.
    let guess = hex::encode(Sha256::digest(b"TRANSFER-42"));
    assert!(!chain.text.contains(&guess), "{}", chain.text);
    assert!(!chain.text.contains("TRANSFER-42"));
    let events = chain.json()["events"].as_array().unwrap().clone();
    let recorded: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "funding_recorded")
        .map(|e| &e["data"])
        .collect();
    assert_eq!(recorded.len(), 2);
    let new = recorded[1];
    assert!(new.get("reference_sha256").is_none(), "{new}");
    let hmac = new["reference_hmac"].as_str().unwrap();
    assert_eq!(hmac.len(), 64);
    assert_eq!(new["currency"], "EUR");
    // The whole chain, old event included, verifies (the checker after the test does too).
    let stored = concours::store::audit::chain(&mut app.conn(), &contest).unwrap();
    concours::app::audit::verify_chain(&contest, &stored).unwrap();
}

/// Issue 17.9: amounts in JPY (no decimals), EUR (two) and BHD (three) read in their own
/// minor unit in mails, pages, the admin's payout page and the CSV, in English and French.
async fn amounts_are_shown_in_each_currency_s_minor_unit(app: &TestApp) {
    let Brand {
        owner,
        organization: org,
    } = brand(app).await;
    let admin = admin(app).await;
    // (currency, prizes in minor units, English, French, CSV)
    let cases = [
        (
            "JPY",
            150_000,
            "150,000 JPY",
            "150\u{202f}000 JPY",
            "150000",
        ),
        (
            "EUR",
            150_000,
            "1,500.00 EUR",
            "1\u{202f}500,00 EUR",
            "1500.00",
        ),
        ("BHD", 1_000, "1.000 BHD", "1,000 BHD", "1.000"),
    ];
    let mut contests = Vec::new();
    for (currency, pool, ..) in cases {
        let contest = draft_in(app, &owner, &org, currency, &[pool]).await;
        fund(app, &owner, &admin, &contest, pool).await;
        invite_juror(app, &owner, &contest, "juror@jury.example").await;
        app.post(
            &format!("/api/v1/contests/{contest}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect(200);
        contests.push(contest);
    }
    // Mails: the confirmation and the opening.
    let mails = app.mail_to("owner@acme.example").await;
    for (currency, _, english, ..) in cases {
        let about: Vec<_> = mails.iter().filter(|m| m.text.contains(currency)).collect();
        assert!(!about.is_empty(), "mails about {currency}");
        assert!(
            about.iter().any(|m| m.text.contains(english)),
            "{currency}: {:?}",
            about.iter().map(|m| &m.text).collect::<Vec<_>>()
        );
    }
    assert!(!mails.iter().any(|m| m.text.contains("10.00 BHD")));
    assert!(!mails.iter().any(|m| m.text.contains("1,500.00 JPY")));

    // Pages in both languages.
    let client = crate::helpers::browser();
    for ((_, _, english, french, _), contest) in cases.iter().zip(&contests) {
        let en = page(&client, app, &format!("/contests/{contest}"), Some("en"))
            .await
            .html;
        assert!(en.contains(english), "{english}: {en}");
        let fr = page(&client, app, &format!("/contests/{contest}"), Some("fr"))
            .await
            .html;
        assert!(fr.contains(french), "{french}: {fr}");
    }

    // Awarded (nobody entered): the beneficiary is due the pool, on the admin's page and in
    // the CSV.
    app.advance(Duration::days(20));
    app.scheduler.tick().await.unwrap();
    for lang in ["en", "fr"] {
        let client = logged_in(app, "admin@concours.example", None).await.client;
        let Page { status, html } = page(&client, app, &format!("/admin?lang={lang}"), None).await;
        assert_eq!(status, 200);
        for (_, _, english, french, _) in cases {
            let expected = if lang == "fr" { french } else { english };
            assert!(html.contains(expected), "{lang} {expected}: {html}");
        }
        assert!(!html.contains("10.00 BHD") && !html.contains("10,00 BHD"));
        assert!(!html.contains("1,500.00 JPY") && !html.contains("1\u{202f}500,00 JPY"));
    }
    let owner = app.login("owner@acme.example").await;
    for ((currency, _, _, _, plain), contest) in cases.iter().zip(&contests) {
        let csv = app
            .get(
                &format!("/api/v1/contests/{contest}/exports/payouts.csv"),
                Some(&owner),
            )
            .await
            .expect(200);
        assert!(
            csv.text.contains(&format!("\"{plain}\",\"{currency}\"")),
            "{}",
            csv.text
        );
    }
}

/// The brand's funding form and the admin's confirmation read amounts in the contest's
/// currency: `1.5` in a BHD contest is 1500 fils, not 150.
async fn forms_read_amounts_in_the_currency_s_unit(app: &TestApp) {
    let Brand {
        owner,
        organization: org,
    } = brand(app).await;
    admin(app).await;
    let contest = draft_in(app, &owner, &org, "BHD", &[1_500, 500]).await;
    let LoggedIn {
        client: brand,
        csrf,
    } = logged_in(app, "owner@acme.example", None).await;
    let edit = page(&brand, app, &format!("/contests/{contest}/edit"), None)
        .await
        .html;
    assert!(
        edit.contains(r#"value="1.500""#) && edit.contains(r#"value="0.500""#),
        "{edit}"
    );
    let manage = format!("/contests/{contest}/manage");
    let html = page(&brand, app, &manage, None).await.html;
    assert!(html.contains("2.000 BHD"), "{html}");
    let send = |amount: &'static str| {
        let (brand, csrf, path) = (brand.clone(), csrf.clone(), format!("{manage}/fundings"));
        async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("amount", amount),
                ("reference", "B-1"),
            ];
            brand.post(app.url(&path)).form(&form).send().await.unwrap()
        }
    };
    assert_eq!(send("1.2345").await.status(), 422);
    assert_eq!(send("1.5").await.status(), 303);
    let fundings = app
        .get(
            &format!("/api/v1/contests/{contest}/fundings"),
            Some(&owner),
        )
        .await
        .json();
    let funding = &fundings["fundings"][0];
    assert_eq!(
        (&funding["amount_cents"], &funding["currency"]),
        (&json!(1_500), &json!("BHD"))
    );
    // The admin's form names what the admin saw; another amount is refused.
    let LoggedIn {
        client: staff,
        csrf: staff_csrf,
    } = logged_in(app, "admin@concours.example", None).await;
    let escrow = page(&staff, app, "/admin", None).await.html;
    assert!(escrow.contains("1.500 BHD"), "{escrow}");
    assert!(
        escrow.contains(r#"name="amount_cents" value="1500""#),
        "{escrow}"
    );
    let path = app.url(&format!(
        "/admin/fundings/{}",
        funding["id"].as_str().unwrap()
    ));
    let refused = staff
        .post(path.clone())
        .form(&[
            ("csrf", staff_csrf.as_str()),
            ("amount_cents", "15"),
            ("currency", "BHD"),
            ("confirm", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    let confirmed = staff
        .post(path)
        .form(&[
            ("csrf", staff_csrf.as_str()),
            ("amount_cents", "1500"),
            ("currency", "BHD"),
            ("confirm", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);
    let shown = app
        .get(&format!("/api/v1/contests/{contest}"), Some(&owner))
        .await
        .json();
    assert_eq!(shown["funded_cents"], 1_500);
}
