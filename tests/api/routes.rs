//! The pages' routes are added in an order that does not matter (`web::routes`): the same
//! database served by two applications, one with the pages' routes as listed and one with them
//! reversed, answers every page the same, byte for byte, signed out and signed in.

use std::sync::Arc;

use actix_web::http::Method;
use actix_web::{App, test, web};
use concours::startup;
use concours::web::error;
use concours::web::routes::{self, Order};

use crate::both_backends;
use crate::helpers::{Opened, TestApp, opened};

both_backends!(every_page_answers_the_same_whichever_order_its_routes_are_added_in);

/// One answer, as compared: status, headers (sorted), body.
type Answer = (u16, Vec<(String, String)>, Vec<u8>);

async fn every_page_answers_the_same_whichever_order_its_routes_are_added_in(app: &TestApp) {
    let Opened { owner, contest } = opened(app).await;
    let org = app
        .get(&format!("/api/v1/contests/{contest}"), Some(&owner))
        .await
        .json()["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = app.get("/api/v1/me", Some(&owner)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (state, _worker, _scheduler) = startup::build_background(
        app.settings.clone(),
        Arc::new(app.clock.clone()),
        app.mailbox.clone(),
    )
    .unwrap();
    macro_rules! service {
        ($order:expr) => {{
            let app = App::new()
                .app_data(web::Data::new(state.clone()))
                .app_data(web::FormConfig::default().limit(64 * 1024))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(web::QueryConfig::default().error_handler(error::query_error));
            let (app, _) = routes::mount_in(app, $order).split_for_parts();
            test::init_service(app.default_service(web::to(error::not_found))).await
        }};
    }
    let listed = service!(Order::AsListed);
    let reversed = service!(Order::Reversed);

    let c = contest.as_str();
    let gets = [
        "/".to_owned(),
        "/assets/concours.css".to_owned(),
        "/contests/new".to_owned(),
        "/contests/new?organization=".to_owned() + &org,
        format!("/contests/{c}"),
        "/contests/nope".to_owned(),
        "/contests/newer".to_owned(),
        "/contests/ne".to_owned(),
        format!("/contests/{c}/results"),
        format!("/contests/{c}/insight"),
        format!("/contests/{c}/edit"),
        format!("/contests/{c}/manage"),
        format!("/contests/{c}/jury"),
        format!("/contests/{c}/submit"),
        format!("/contests/{c}/open"),
        "/contests/new/results".to_owned(),
        format!("/organizations/{org}/talent"),
        "/organizations/new".to_owned(),
        "/login?next=/settings".to_owned(),
        "/register".to_owned(),
        "/verify?token=x".to_owned(),
        "/settings".to_owned(),
        "/unsubscribe?email=a%40b.example&kind=reminders&sig=x".to_owned(),
        "/password-reset".to_owned(),
        "/password-reset?token=x".to_owned(),
        format!("/people/{me}"),
        "/organization-invitations/nope".to_owned(),
        "/jury-invitations/nope".to_owned(),
        "/dashboard".to_owned(),
        "/admin".to_owned(),
        "/me/ideas".to_owned(),
        "/ideas/nope".to_owned(),
        "/ideas/nope/edit".to_owned(),
        "/no/such/page".to_owned(),
    ];
    // Without a valid CSRF token: every form is refused, nothing changes between the two.
    let posts = [
        "/contests/new".to_owned(),
        format!("/contests/{c}"),
        format!("/contests/{c}/edit"),
        format!("/contests/{c}/open"),
        format!("/contests/{c}/submit"),
        format!("/contests/{c}/manage/announce"),
        format!("/contests/{c}/manage/fundings"),
        format!("/contests/{c}/manage/jurors"),
        format!("/contests/{c}/manage/jury-settings"),
        format!("/contests/{c}/manage/remind"),
        format!("/contests/{c}/manage/announcements"),
        format!("/contests/{c}/manage/award"),
        format!("/contests/{c}/manage/ideas/nope/disqualify"),
        format!("/contests/{c}/jury/entries/nope/scores"),
        format!("/contests/{c}/jury/entries/nope/conflict"),
        "/organizations/new".to_owned(),
        format!("/organizations/{org}/follow"),
        format!("/organizations/{org}/invite"),
        format!("/organizations/{org}/leave"),
        format!("/organizations/{org}/talent/invite"),
        "/organization-invitations/nope".to_owned(),
        "/jury-invitations/nope".to_owned(),
        "/login".to_owned(),
        "/logout".to_owned(),
        "/register".to_owned(),
        "/verify".to_owned(),
        "/settings".to_owned(),
        "/settings/profile".to_owned(),
        "/settings/delete".to_owned(),
        "/password-reset".to_owned(),
        "/unsubscribe?email=a%40b.example&kind=reminders&sig=x".to_owned(),
        "/ideas/nope/submit".to_owned(),
        "/ideas/nope/withdraw".to_owned(),
        "/admin/contest/nope".to_owned(),
        "/admin/fundings/nope".to_owned(),
        "/admin/payouts/nope".to_owned(),
    ];
    // Posted with this reader's token, so that the form's own handler answers (an empty form:
    // a field error, or a refusal of the phase; nothing is written): a catch-all that took the
    // request instead would answer the not-found page in one order and not in the other.
    let with_token = [
        format!("/contests/{c}/manage/fundings"),
        format!("/contests/{c}/manage/jurors"),
        format!("/contests/{c}/manage/jury-settings"),
        format!("/contests/{c}/manage/announcements"),
        format!("/contests/{c}/manage/award"),
        format!("/contests/{c}/manage/nope"),
    ];
    let csrf = "c".repeat(64);
    let requests = gets
        .iter()
        .map(|path| (Method::GET, path, "forged"))
        .chain(posts.iter().map(|path| (Method::POST, path, "forged")))
        .chain(
            with_token
                .iter()
                .map(|path| (Method::POST, path, csrf.as_str())),
        );
    let mut compared = 0;
    for (method, path, token) in requests {
        for session in [None, Some(owner.as_str())] {
            let request = || {
                let mut request = test::TestRequest::default()
                    .method(method.clone())
                    .uri(path)
                    .cookie(actix_web::cookie::Cookie::new(
                        "concours_csrf",
                        csrf.clone(),
                    ));
                if let Some(token) = session {
                    let cookie = actix_web::cookie::Cookie::new("concours_session", token);
                    request = request.cookie(cookie);
                }
                if method == Method::POST {
                    request = request.set_form([("csrf", token)]);
                }
                request.to_request()
            };
            let first: Answer = answer(test::call_service(&listed, request()).await).await;
            let second: Answer = answer(test::call_service(&reversed, request()).await).await;
            assert_eq!(
                (first.0, &first.1),
                (second.0, &second.1),
                "{method} {path} (signed in: {})",
                session.is_some()
            );
            assert!(first.2 == second.2, "{method} {path}: the bodies differ");
            compared += 1;
        }
    }
    assert_eq!(compared, 2 * (gets.len() + posts.len() + with_token.len()));
}

async fn answer<B: actix_web::body::MessageBody>(
    response: actix_web::dev::ServiceResponse<B>,
) -> Answer {
    let status = response.status().as_u16();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    headers.sort();
    let body = test::read_body(response).await.to_vec();
    (status, headers, body)
}
