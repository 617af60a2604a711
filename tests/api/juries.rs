//! My juries (issue 19): a juror finds their seats from the menu, with their own progress and
//! the judging deadline; nothing about the other jurors or the authors; nothing for a stranger
//! or a person only invited; a signed-out reader is sent to sign in.

use reqwest::Method;
use reqwest::header::LOCATION;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{Page, TestApp, browser, invite_juror, judging, page, signed_in};

both_backends!(my_juries_lists_my_seats_and_my_progress_only);

async fn my_juries_lists_my_seats_and_my_progress_only(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example", "two@lab.example"]).await;
    let jury = format!("/contests/{}/jury", j.contest);

    // The first juror scores one entry.
    let path = format!("/api/v1{jury}/entries");
    let entries = app.get(&path, Some(&j.jurors[0])).await.expect(200).json();
    let first = entries["entries"][0]["entry_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.request(
        Method::PUT,
        &format!("{path}/{first}/scores"),
        Some(&j.jurors[0]),
        Some(json!({"scores": {"impact": 7, "feasibility": 3}})),
    )
    .await
    .expect(200);

    // Signed out: to the sign-in page, and back.
    let anonymous = browser().get(app.url("/me/juries")).send().await.unwrap();
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()[LOCATION], "/login?next=/me/juries");

    // The menu leads there; the page shows my seat, my progress, the deadline, the way in.
    let one = signed_in(app, &j.jurors[0]);
    let home = page(&one, app, "/", None).await.html;
    assert!(home.contains("href=\"/me/juries\"") && home.contains(">My juries<"));
    let Page { status, html } = page(&one, app, "/me/juries", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Greener packaging"), "{html}");
    assert!(html.contains("1 of 3 entries scored"), "{html}");
    assert!(html.contains("Judging deadline"));
    assert!(html.contains(&format!("href=\"{jury}\"")));
    // Nothing of the other juror, nothing of the authors.
    for secret in ["two@lab.example", "Juror 2", "0 of 2"] {
        assert!(!html.contains(secret), "{secret} shown to another juror");
    }
    for author in &j.authors {
        assert!(!html.contains(&author.email) && !html.contains(&author.name));
        assert!(!html.contains(&author.id));
    }

    // The second juror sees their own progress: none yet, and the entry they cannot judge
    // (an author of their own organisation) is not counted.
    let two = signed_in(app, &j.jurors[1]);
    let html = page(&two, app, "/me/juries", None).await.html;
    assert!(html.contains("0 of 2 entries scored"), "{html}");
    assert!(!html.contains("1 of 3") && !html.contains("one@jury.example"));

    // In French.
    let html = page(&one, app, "/me/juries?lang=fr", None).await.html;
    assert!(html.contains("Mes jurys") && html.contains("sur 3"));
    assert!(html.contains("Fin de l’évaluation"));

    // A stranger (an author) has no seat; nor has a person only invited: the invitation is
    // accepted through the link of its mail, with its checks.
    let stranger = signed_in(app, &j.authors[0].token);
    let html = page(&stranger, app, "/me/juries", None).await.html;
    assert!(html.contains("You do not sit on any jury yet."));
    assert!(!html.contains("Greener packaging") && !html.contains(&jury));
    invite_juror(app, &j.owner, &j.contest, "pat@jury.example").await;
    let pat = app.person("pat@jury.example", "Pat").await.token;
    let html = page(&signed_in(app, &pat), app, "/me/juries", None)
        .await
        .html;
    assert!(html.contains("You do not sit on any jury yet."));
    assert!(html.contains("arrives by email") && !html.contains(&jury));
}
