//! The contest editor's errors (issue 19): each on the input it is about, one message per
//! input naming its field, in the reader's language, listed in a summary whose links all lead
//! to an input of the page; and the notice after a saved draft.

use chrono::Duration;
use reqwest::header::LOCATION;

use crate::both_backends;
use crate::helpers::{
    LoggedIn, PASSWORD, TestApp, browser, csrf_of, draft, logged_in, page, test_epoch,
};

both_backends!(
    each_editor_error_is_on_its_input_once_and_named,
    the_editor_speaks_french_on_a_french_page,
    a_saved_draft_says_so_and_others_may_not_save_it,
    a_sign_up_signs_in_and_goes_back_but_never_elsewhere,
    account_form_errors_are_named_on_their_inputs_in_french,
    a_criterion_description_is_written_in_the_editor,
);

fn at(days: i64) -> String {
    (test_epoch() + Duration::days(days))
        .format("%Y-%m-%dT12:00")
        .to_string()
}

/// A complete editor form, `changes` applied.
fn form(csrf: &str, organization: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let (opens, deadline, judged) = (at(2), at(12), at(20));
    let mut form: Vec<(String, String)> = [
        ("csrf", csrf),
        ("organization_id", organization),
        ("title", "Greener packaging"),
        ("brief", "Less plastic."),
        ("opens_at", &opens),
        ("submission_deadline", &deadline),
        ("judging_deadline", &judged),
        ("criterion_0_label", "Impact"),
        ("criterion_0_weight", "3"),
        ("criterion_0_max", "10"),
        ("currency", "EUR"),
        ("prize_0_label", "First prize"),
        ("prize_0_amount", "5000"),
        ("minimum_score", "60"),
        ("fallback_policy", "best_anyway"),
        ("fallback_n", "2"),
        ("no_entry_beneficiary", "The Ocean Fund"),
        ("max_ideas_per_person", "1"),
        ("blind_judging", "on"),
        ("eligibility", "Anyone of age."),
        ("ip_terms", "Authors keep their rights."),
        ("min_jurors", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (key, value) in changes {
        match form.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = (*value).to_owned(),
            None => form.push(((*key).to_owned(), (*value).to_owned())),
        }
    }
    form
}

async fn save(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(String, String)],
) -> (u16, String, String) {
    let answer = client.post(app.url(path)).form(form).send().await.unwrap();
    let status = answer.status().as_u16();
    let location = answer
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, answer.text().await.unwrap())
}

/// The text of every `<p id="…-error" class="field-error">`, by the id of its input.
fn field_errors(html: &str) -> Vec<(String, String)> {
    html.split("<p id=\"")
        .skip(1)
        .filter_map(|rest| {
            let (id, rest) = rest.split_once("\" class=\"field-error\">")?;
            let (text, _) = rest.split_once("</p>")?;
            Some((id.strip_suffix("-error")?.to_owned(), text.to_owned()))
        })
        .collect()
}

/// The summary's links: (target id, text).
fn summary_links(html: &str) -> Vec<(String, String)> {
    let Some(start) = html.find("class=\"error-summary\"") else {
        return Vec::new();
    };
    let summary = &html[start..start + html[start..].find("</div>").unwrap()];
    summary
        .split("<a href=\"#")
        .skip(1)
        .filter_map(|rest| {
            let (id, rest) = rest.split_once("\">")?;
            let (text, _) = rest.split_once("</a>")?;
            Some((id.to_owned(), text.to_owned()))
        })
        .collect()
}

/// Checks that each message sits on its input (which points to it) and that the summary
/// links to existing inputs with the same messages; returns the messages by input.
fn check_placed(html: &str) -> Vec<(String, String)> {
    let errors = field_errors(html);
    let links = summary_links(html);
    assert_eq!(links, errors, "the summary lists each message, in order");
    for (id, _) in &errors {
        assert_eq!(html.matches(&format!("id=\"{id}\"")).count(), 1, "{id}");
        assert!(
            html.contains(&format!("aria-describedby=\"{id}-error\""))
                || html.contains(&format!(" {id}-error\"")),
            "{id} is described by its message"
        );
    }
    errors
}

async fn each_editor_error_is_on_its_input_once_and_named(app: &TestApp) {
    let organization = draft(app).await.organization;
    let LoggedIn { client, csrf } = logged_in(app, "owner@acme.example", None).await;
    let sent = form(
        &csrf,
        &organization,
        &[
            ("criterion_0_weight", "0"),
            ("prize_0_amount", "lots"),
            ("criterion_1_label", "Cost"),
            ("prize_1_label", ""),
            ("prize_1_amount", "300"),
        ],
    );
    let (status, _, html) = save(&client, app, "/contests/new", &sent).await;
    assert_eq!(status, 422, "{html}");
    let errors = check_placed(&html);
    let expected = [
        (
            "criterion_0_weight",
            "Criterion 1 — weight: use a whole number from 1 to 100.",
        ),
        (
            "criterion_1_weight",
            "Criterion 2 — weight: use a whole number from 1 to 100.",
        ),
        (
            "criterion_1_max",
            "Criterion 2 — highest score: use a whole number from 1 to 100.",
        ),
        (
            "prize_0_amount",
            "Prize 1 — amount: use an amount greater than zero, such as 1500 or 1500.50.",
        ),
        ("prize_1_label", "Prize 2 — name: fill this in."),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(id, m)| ((*id).to_owned(), (*m).to_owned()))
        .collect();
    assert_eq!(errors, expected);
    assert!(html.contains("class=\"error-summary\" role=\"alert\" tabindex=\"-1\""));
    // A weight's message is not on the criterion's name, an amount's not on the label.
    assert!(!html.contains("id=\"criterion_0_label-error\""));
    assert!(!html.contains("id=\"prize_0_label-error\""));

    // An empty prize list is named; blank cells say one thing.
    let sent = form(
        &csrf,
        &organization,
        &[("prize_0_label", ""), ("prize_0_amount", "")],
    );
    let (status, _, html) = save(&client, app, "/contests/new", &sent).await;
    assert_eq!(status, 422);
    let errors = check_placed(&html);
    assert_eq!(
        errors,
        [(
            "prize_0_label".to_owned(),
            "Prizes: list from 1 to 20 prizes.".to_owned()
        )]
    );
    assert!(!html.contains("Use a whole number. Use a whole number."));

    // The dates, the title and the fallback's number, each named.
    let sent = form(
        &csrf,
        &organization,
        &[
            ("title", " "),
            ("submission_deadline", &at(1)),
            ("fallback_policy", "split_top"),
            ("fallback_n", "0"),
        ],
    );
    let (_, _, html) = save(&client, app, "/contests/new", &sent).await;
    let errors = check_placed(&html);
    let ids: Vec<&str> = errors.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["title", "submission_deadline", "fallback_n"]);
    assert_eq!(errors[0].1, "Title: fill this in.");
    assert_eq!(
        errors[1].1,
        "Submission deadline: must come after the opening."
    );
    // Nothing was created.
    let dashboard = page(&client, app, "/dashboard", None).await.html;
    assert_eq!(dashboard.matches("/manage\"").count(), 1, "{dashboard}");
}

async fn the_editor_speaks_french_on_a_french_page(app: &TestApp) {
    let organization = draft(app).await.organization;
    let LoggedIn { client, csrf } = logged_in(app, "owner@acme.example", None).await;
    // The language chosen on a page sticks (a cookie), as a reader of French does.
    let french = page(&client, app, "/contests/new?lang=fr", None).await.html;
    assert!(french.contains("Un nouveau concours"));
    let sent = form(
        &csrf,
        &organization,
        &[("criterion_0_weight", "0"), ("prize_0_amount", "beaucoup")],
    );
    let (status, _, html) = save(&client, app, "/contests/new", &sent).await;
    assert_eq!(status, 422);
    assert!(html.contains("Il y a un problème"), "{html}");
    let errors = check_placed(&html);
    assert_eq!(
        errors,
        [
            (
                "criterion_0_weight".to_owned(),
                "Critère 1 — poids\u{202f}: indiquez un nombre entier de 1 à 100.".to_owned()
            ),
            (
                "prize_0_amount".to_owned(),
                "Prix 1 — montant\u{202f}: indiquez un montant supérieur à zéro, par exemple 1500 ou 1500,50."
                    .to_owned()
            ),
        ]
    );
    assert!(!html.contains("Use a whole number"), "no English left");
}

async fn a_saved_draft_says_so_and_others_may_not_save_it(app: &TestApp) {
    let crate::helpers::Draft {
        owner,
        organization,
        contest,
    } = draft(app).await;
    let LoggedIn { client, csrf } = logged_in(app, "owner@acme.example", None).await;
    let edit = format!("/contests/{contest}/edit");
    let (status, location, _) = save(&client, app, &edit, &form(&csrf, &organization, &[])).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("{edit}?done=saved").as_str())
    );
    let html = page(&client, app, &location, None).await.html;
    assert!(html.contains(
        "<p class=\"notice success\" role=\"status\" data-focus>Your changes to the draft are saved."
    ));
    assert!(html.contains(&format!(
        "{contest}&#x2F;manage\">Back to the contest’s page"
    )));
    // An unknown key shows nothing.
    let html = page(&client, app, &format!("{edit}?done=nonsense"), None)
        .await
        .html;
    assert!(!html.contains("notice success"));

    // Someone else's draft: neither saved nor told apart from no draft.
    app.person("stranger@else.example", "Stranger").await;
    let LoggedIn {
        client: stranger,
        csrf,
    } = logged_in(app, "stranger@else.example", None).await;
    let (status, _, html) = save(
        &stranger,
        app,
        &edit,
        &form(&csrf, &organization, &[("title", "Taken over")]),
    )
    .await;
    assert_eq!(status, 404, "{html}");
    // A signed-out reader is sent to sign in.
    let anonymous = crate::helpers::browser();
    let answer = anonymous
        .post(app.url(&edit))
        .form(&[("title", "x")])
        .send()
        .await
        .unwrap();
    assert!(
        answer.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
    let stored = app
        .get(&format!("/api/v1/contests/{contest}"), Some(&owner))
        .await
        .json();
    assert_eq!(stored["title"], "Greener packaging");
}

/// Signs up through the page, `next` as given (or none), with `referer`; the answer's status
/// and location.
async fn sign_up(
    app: &TestApp,
    email: &str,
    next: Option<&str>,
    referer: Option<&str>,
) -> (reqwest::Client, u16, String) {
    let client = browser();
    let mut request = client.get(app.url("/register"));
    if let Some(referer) = referer {
        request = request.header("referer", referer);
    }
    let form = request.send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&form);
    // The form carries the way back it was given.
    let shown_next = form
        .split("name=\"next\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .replace("&#x2F;", "/");
    let next = next.map(str::to_owned).unwrap_or(shown_next);
    let answer = client
        .post(app.url("/register"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("display_name", "New Person"),
            ("password", PASSWORD),
            ("next", next.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let location = answer
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (client, status, location)
}

async fn a_sign_up_signs_in_and_goes_back_but_never_elsewhere(app: &TestApp) {
    // From a contest's page (the Referer): back there, signed in.
    let back = app.url("/contests/some-contest");
    let (client, status, location) = sign_up(app, "one@example.org", None, Some(&back)).await;
    assert_eq!((status, location.as_str()), (303, "/contests/some-contest"));
    assert!(
        page(&client, app, "/", None).await.html.contains("/logout"),
        "signed in"
    );
    // No way back: home, signed in.
    let (client, status, location) = sign_up(app, "two@example.org", None, None).await;
    assert_eq!((status, location.as_str()), (303, "/"));
    assert!(page(&client, app, "/", None).await.html.contains("/logout"));
    // Another site's page as Referer is no way back.
    let (_, _, location) = sign_up(
        app,
        "three@example.org",
        None,
        Some("https://evil.example/x"),
    )
    .await;
    assert_eq!(location, "/");
    // Open redirects are refused.
    for (i, evil) in ["//evil.example", "https://evil.example", "/\\evil.example"]
        .into_iter()
        .enumerate()
    {
        let email = format!("evil{i}@example.org");
        let (_, status, location) = sign_up(app, &email, Some(evil), None).await;
        assert_eq!((status, location.as_str()), (303, "/"), "{evil}");
    }
    // The sign-in page's link to sign up keeps the way back.
    let login = page(&browser(), app, "/login?next=/contests/abc", None)
        .await
        .html;
    assert!(
        login.contains("href=\"/register?next=&#x2F;contests&#x2F;abc\""),
        "{login}"
    );
}

async fn account_form_errors_are_named_on_their_inputs_in_french(app: &TestApp) {
    app.person("taken@example.org", "Taken").await;
    let client = browser();
    let form = page(&client, app, "/register?lang=fr", None).await.html;
    let csrf = csrf_of(&form);
    let answer = client
        .post(app.url("/register"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "taken@example.org"),
            ("display_name", "Nouvelle"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 409);
    let html = answer.text().await.unwrap();
    assert_eq!(
        check_placed(&html),
        [(
            "email".to_owned(),
            "Adresse e-mail\u{202f}: un compte utilise déjà cette adresse\u{202f}; connectez-vous plutôt."
                .to_owned()
        )]
    );
    let answer = client
        .post(app.url("/register"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", ""),
            ("display_name", ""),
            ("password", "court"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 422);
    let html = answer.text().await.unwrap();
    let ids: Vec<String> = check_placed(&html).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["email", "display_name", "password"]);
    assert!(html.contains("Mot de passe\u{202f}: 10 caractères au moins."));

    // Sign-in: blank fields, then a wrong password, each on its input, in French.
    let form = page(&client, app, "/login", None).await.html;
    let csrf = csrf_of(&form);
    let answer = client
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", ""), ("password", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 422);
    let html = answer.text().await.unwrap();
    assert_eq!(check_placed(&html).len(), 2);
    assert!(html.contains("Adresse e-mail\u{202f}: à remplir."));
    let answer = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "taken@example.org"),
            ("password", "not the password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    let html = answer.text().await.unwrap();
    assert_eq!(check_placed(&html).len(), 1);
    assert!(html.contains("ne correspondent à aucun compte"));
}

/// A criterion's description (what its score means) is typed in the editor, kept in the
/// rules, shown back, refused on its own input when it cannot be one, and absent when blank.
async fn a_criterion_description_is_written_in_the_editor(app: &TestApp) {
    let crate::helpers::Draft {
        owner,
        organization,
        contest,
    } = draft(app).await;
    let LoggedIn { client, csrf } = logged_in(app, "owner@acme.example", None).await;
    let edit = format!("/contests/{contest}/edit");
    let meaning = "10: changes the market; 1: changes nothing";
    let typed = form(
        &csrf,
        &organization,
        &[("criterion_0_description", meaning)],
    );
    let (status, _, html) = save(&client, app, &edit, &typed).await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(
        first_criterion(app, &owner, &contest).await["description"],
        meaning
    );
    let html = page(&client, app, &edit, None).await.html;
    assert!(html.contains("id=\"criterion_0_description\""));
    assert!(html.contains("value=\"10: changes the market; 1: changes nothing\""));

    let long = "x".repeat(501);
    let typed = form(
        &csrf,
        &organization,
        &[("criterion_0_description", long.as_str())],
    );
    let (status, _, html) = save(&client, app, &edit, &typed).await;
    assert_eq!(status, 422, "{html}");
    let errors = check_placed(&html);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "criterion_0_description");
    assert!(
        errors[0]
            .1
            .starts_with("Criterion 1 — what the score means"),
        "{errors:?}"
    );
    assert_eq!(
        first_criterion(app, &owner, &contest).await["description"],
        meaning,
        "nothing saved"
    );

    let typed = form(&csrf, &organization, &[("criterion_0_description", "  ")]);
    let (status, _, _) = save(&client, app, &edit, &typed).await;
    assert_eq!(status, 303);
    let criterion = first_criterion(app, &owner, &contest).await;
    assert!(criterion.get("description").is_none(), "{criterion}");
}

async fn first_criterion(app: &TestApp, owner: &str, contest: &str) -> serde_json::Value {
    app.get(&format!("/api/v1/contests/{contest}"), Some(owner))
        .await
        .json()["rules"]["criteria"][0]
        .clone()
}
