//! Everything the tests share, in one place: the harness (the application on a fresh database,
//! the HTTP calls to it, the `concours` process as deployed) and the fixtures that put it in a
//! given state (people, contests, a jury at work, files to attach, pages as a browser reads
//! them). Tests import from here (`use crate::helpers::{...}`), never from one another.
//!
//! A fixture that makes several things returns a named struct, so that a test reads
//! `draft.contest` or `Draft { owner, contest, .. }` rather than the second item of a tuple.

mod app;
mod attachments;
mod contests;
mod database;
mod insight;
mod jury;
mod organizations;
mod pages;
mod people;
mod served;

pub use app::{
    Answer, TestApp, TestSettings, spawn_app, spawn_app_with, test_epoch, test_settings,
};
pub use attachments::{TINY_JPEG, jpeg_with, pdf_document, tiny_pdf};
pub use contests::{
    Draft, Opened, admin, draft, fund, invite_juror, opened, opened_open_judging, rules, rules_at,
};
pub use database::{Backend, skip_postgres};
pub use insight::{ATTACK, FORMULA, arrive_and_submit, judged, judged_with};
pub use jury::{Author, Judging, judging, juror, jury_invitation_token};
pub use organizations::{join, organization_invitation_token};
pub use pages::{LoggedIn, Page, browser, csrf_of, logged_in, page, signed_in, text_of};
pub use people::{PASSWORD, Person, extract_link};
pub use served::{Reply, Server, concours, free_port};

/// Declares each listed `async fn name(app: &TestApp)` as two tests, `name::sqlite` and
/// `name::postgres`, each on a fresh instance, each followed by the invariant checker. Without
/// `TEST_POSTGRES_URL`, `name::postgres` is skipped (see [`skip_postgres`]).
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await;
                    super::$name(&app).await;
                    app.assert_invariants().await;
                    app.stop().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::helpers::skip_postgres() {
                        return;
                    }
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await;
                    super::$name(&app).await;
                    app.assert_invariants().await;
                    app.stop().await;
                }
            }
        )*
    };
}
