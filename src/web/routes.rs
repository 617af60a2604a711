//! Every route of Concours, wired in one place, in an order that does not matter. API routes
//! carry their OpenAPI description; the document at `/api/v1/openapi.json` is generated from
//! exactly this list.

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::{App, Error, guard, web};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, UtoipaApp, scope};

use super::{api, pages};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Concours API",
        version = "1",
        description = "Idea contests judged by a jury: frozen rules, blind judging, a guaranteed prize."
    ),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The routes under `/api/v1`.
fn api_v1(cfg: &mut ServiceConfig) {
    cfg.service(api::health::openapi)
        .service(api::accounts::register)
        .service(api::accounts::verify)
        .service(api::accounts::resend_verification)
        .service(api::accounts::login)
        .service(api::accounts::logout)
        .service(api::accounts::me)
        .service(api::organizations::create)
        .service(api::organizations::list_mine)
        .service(api::organizations::show)
        .service(api::organizations::delete_organization)
        .service(api::organizations::add_member)
        .service(api::organizations::accept_invitation)
        .service(api::organizations::remove_member)
        .service(api::organizations::transfer_ownership)
        .service(api::contests::create)
        .service(api::contests::list)
        .service(api::contests::show)
        .service(api::contests::update)
        .service(api::contests::rules)
        .service(api::contests::open)
        .service(api::contests::record_funding)
        .service(api::contests::list_fundings)
        .service(api::contests::pending_fundings)
        .service(api::contests::confirm_funding)
        .service(api::contests::announce)
        .service(api::contests::list_announcements)
        .service(api::contests::audit)
        .service(api::ideas::create)
        .service(api::ideas::mine)
        .service(api::ideas::show)
        .service(api::ideas::update)
        .service(api::ideas::submit)
        .service(api::ideas::withdraw)
        .service(api::ideas::attach)
        .service(api::ideas::download)
        .service(api::jury::invite)
        .service(api::jury::list)
        .service(api::jury::roster)
        .service(api::jury::accept)
        .service(api::jury::configure)
        .service(api::jury::entries)
        .service(api::jury::save_scores)
        .service(api::jury::declare_conflict)
        .service(api::jury::attachment)
        .service(api::jury::progress)
        .service(api::jury::remind)
        .service(api::jury::disqualify)
        .service(api::award::award_now)
        .service(api::award::results)
        .service(api::award::scoresheet)
        .service(api::rounds::list)
        .service(api::award::mark_paid)
        .service(api::payouts::mine)
        .service(api::payouts::give_details)
        .service(api::insight::stats)
        .service(api::insight::export)
        .service(api::talent::pool)
        .service(api::talent::invite)
        .service(api::profiles::mine)
        .service(api::profiles::update)
        .service(api::profiles::show)
        .service(api::profiles::export)
        .service(api::profiles::delete_account)
        .service(api::appreciation::public_ideas)
        .service(api::appreciation::mark)
        .service(api::appreciation::unmark)
        .service(api::notifications::preferences)
        .service(api::notifications::update_preferences)
        .service(api::notifications::list_following)
        .service(api::notifications::follow)
        .service(api::notifications::unfollow)
        .service(api::notifications::request_reset)
        .service(api::notifications::confirm_reset);
}

/// A contest's id in the path of its page: any one segment but `new`, so that the contest
/// page can never answer `/contests/new` (the contest editor's), whichever is added first.
/// (Ids are UUIDs, but a malformed id must keep reaching the contest page, whose 404 is the
/// reader's own page, with their sign-in and language, not the bare 404 of unknown paths.)
const CONTEST: &str = "/contests/{id:(?:[^n/][^/]*|n(?:[^e/][^/]*)?|ne(?:[^w/][^/]*)?|new[^/]+)}";

/// Wires one page route (or one resource, its methods together).
type Wiring = fn(&mut web::ServiceConfig);

/// The forms of the management page that have a route of their own,
/// `/contests/{id}/manage/<form>`; `/contests/{id}/manage/{action}` answers the others.
const MANAGE_FORMS: [&str; 6] = [
    "fundings",
    "jurors",
    "jury-settings",
    "remind",
    "announcements",
    "award",
];

/// The admin's forms with a route of their own, `/admin/<kind>/{id}`.
const ADMIN_FORMS: [&str; 2] = ["fundings", "payouts"];

/// The request's path, without its query, split into its segments (`/a/b` → `a`, `b`).
fn segments<'a>(ctx: &'a guard::GuardContext<'_>) -> impl Iterator<Item = &'a str> {
    ctx.head().uri.path().split('/').skip(1)
}

/// Whether the path's last segment is one of `names`.
fn last_segment_is(ctx: &guard::GuardContext<'_>, names: &[&str]) -> bool {
    segments(ctx).last().is_some_and(|s| names.contains(&s))
}

/// Whether the path's second segment is one of `names`.
fn second_segment_is(ctx: &guard::GuardContext<'_>, names: &[&str]) -> bool {
    segments(ctx).nth(1).is_some_and(|s| names.contains(&s))
}

/// The pages' routes. The order they are added in does not matter: no request matches two of
/// them. Paths of different lengths never meet; where two paths of the same length differ by
/// a fixed segment against an `{id}`, the `{id}` is constrained not to match it (the one such
/// pair: [`CONTEST`] against `/contests/new`); a catch-all that answers unknown forms with
/// the not-found page is guarded to step aside for the forms that have a route
/// ([`MANAGE_FORMS`], [`ADMIN_FORMS`]); a route added with `.route` guards its method, so a
/// GET-only route lets a POST to the same path through to the route that takes it.
/// `tests/api/routes.rs` adds them in reverse and checks that every page answers the same.
fn pages() -> Vec<Wiring> {
    use pages::ideas::{appreciate, attach, mine, remove, show, submit, withdraw};
    use pages::jury::{conflict, invitation, score, sheet};
    use pages::manage::{actions, admin, contest, dashboard, editor};
    use pages::{accounts, assets, contests, insight, mail_links, organizations, settings};
    vec![
        // The brand's pages: the dashboard, the contest editor, the management page and its
        // forms, the admin's page.
        |cfg| {
            cfg.route("/dashboard", web::get().to(dashboard::dashboard));
        },
        |cfg| {
            let create = web::post().to(dashboard::create_organization);
            cfg.route("/organizations/new", create);
        },
        |cfg| {
            cfg.service(
                web::resource("/contests/new")
                    .route(web::get().to(editor::new_contest_form))
                    .route(web::post().to(editor::new_contest_submit)),
            );
        },
        |cfg| {
            cfg.service(
                web::resource("/contests/{id}/edit")
                    .route(web::get().to(editor::edit_form))
                    .route(web::post().to(editor::edit_submit)),
            );
        },
        |cfg| {
            cfg.route("/contests/{id}/manage", web::get().to(contest::manage));
        },
        |cfg| {
            let post = web::post().to(actions::record_funding);
            cfg.route("/contests/{id}/manage/fundings", post);
        },
        |cfg| {
            let post = web::post().to(actions::invite_juror);
            cfg.route("/contests/{id}/manage/jurors", post);
        },
        |cfg| {
            let post = web::post().to(actions::configure_jury);
            cfg.route("/contests/{id}/manage/jury-settings", post);
        },
        |cfg| {
            cfg.route(
                "/contests/{id}/manage/remind",
                web::post().to(actions::remind),
            );
        },
        |cfg| {
            let post = web::post().to(actions::announce);
            cfg.route("/contests/{id}/manage/announcements", post);
        },
        |cfg| {
            cfg.route(
                "/contests/{id}/manage/award",
                web::post().to(actions::award),
            );
        },
        |cfg| {
            // Any other action: not found (after the sign-in and CSRF checks, as always). It
            // steps aside for the forms above, whichever is added first.
            let other = web::post()
                .guard(guard::fn_guard(|ctx| !last_segment_is(ctx, &MANAGE_FORMS)))
                .to(actions::unknown_action);
            cfg.route("/contests/{id}/manage/{action}", other);
        },
        |cfg| {
            let post = web::post().to(actions::disqualify);
            cfg.route("/contests/{id}/manage/ideas/{idea}/disqualify", post);
        },
        |cfg| {
            cfg.service(
                web::resource("/contests/{id}/open")
                    .route(web::get().to(contest::open_form))
                    .route(web::post().to(actions::open_submit)),
            );
        },
        |cfg| {
            cfg.route("/admin", web::get().to(admin::admin));
        },
        |cfg| {
            let post = web::post().to(admin::confirm_funding);
            cfg.route("/admin/fundings/{id}", post);
        },
        |cfg| {
            cfg.route("/admin/payouts/{id}", web::post().to(admin::mark_paid));
        },
        |cfg| {
            let other = web::post()
                .guard(guard::fn_guard(|ctx| !second_segment_is(ctx, &ADMIN_FORMS)))
                .to(admin::unknown_kind);
            cfg.route("/admin/{kind}/{id}", other);
        },
        // The innovators' pages.
        |cfg| {
            cfg.service(
                web::resource("/contests/{id}/submit")
                    .route(web::get().to(submit::submit_form))
                    .route(web::post().to(submit::submit_post)),
            );
        },
        |cfg| {
            cfg.route("/ideas/{id}", web::get().to(show::idea_page));
        },
        |cfg| {
            cfg.route("/ideas/{id}/edit", web::post().to(show::edit_post));
        },
        |cfg| {
            let post = web::post().to(show::submit_draft_post);
            cfg.route("/ideas/{id}/submit", post);
        },
        |cfg| {
            cfg.service(
                web::resource("/ideas/{id}/withdraw")
                    .route(web::get().to(withdraw::withdraw_form))
                    .route(web::post().to(withdraw::withdraw_post)),
            );
        },
        |cfg| {
            let post = web::post().to(attach::attach_post);
            cfg.route("/ideas/{id}/attachments", post);
        },
        |cfg| {
            cfg.route("/me/ideas", web::get().to(mine::my_ideas));
        },
        |cfg| {
            cfg.service(
                web::resource("/ideas/{id}/attachments/{attachment}/remove")
                    .route(web::get().to(remove::remove_form))
                    .route(web::post().to(remove::remove_post)),
            );
        },
        |cfg| {
            let post = web::post().to(remove::resend_post);
            cfg.route("/ideas/{id}/verification", post);
        },
        |cfg| {
            cfg.route("/me/payouts", web::get().to(pages::payouts::my_payouts));
        },
        |cfg| {
            let post = web::post().to(pages::payouts::give_details);
            cfg.route("/me/payouts/{id}/details", post);
        },
        |cfg| {
            let post = web::post().to(appreciate::appreciate);
            cfg.route("/ideas/{id}/appreciation", post);
        },
        // The jurors' pages.
        |cfg| {
            cfg.service(
                web::resource("/jury-invitations/{token}")
                    .route(web::get().to(invitation::invitation_page))
                    .route(web::post().to(invitation::invitation_accept)),
            );
        },
        |cfg| {
            cfg.route("/me/juries", web::get().to(pages::jury::mine::my_juries));
        },
        |cfg| {
            cfg.route("/contests/{id}/jury", web::get().to(score::jury_page));
        },
        |cfg| {
            let post = web::post().to(sheet::scores_post);
            cfg.route("/contests/{id}/jury/entries/{entry_id}/scores", post);
        },
        |cfg| {
            let post = web::post().to(conflict::conflict_post);
            cfg.route("/contests/{id}/jury/entries/{entry_id}/conflict", post);
        },
        // Everyone's pages.
        |cfg| {
            cfg.route("/", web::get().to(contests::home));
        },
        |cfg| {
            cfg.route("/assets/{file:.*}", web::get().to(assets::serve));
        },
        |cfg| {
            cfg.route(CONTEST, web::get().to(contests::show));
        },
        |cfg| {
            cfg.route(
                "/contests/{id}/results",
                web::get().to(pages::results::results),
            );
        },
        |cfg| {
            cfg.route("/contests/{id}/insight", web::get().to(insight::dashboard));
        },
        |cfg| {
            cfg.route("/organizations/{id}/talent", web::get().to(insight::talent));
        },
        |cfg| {
            let invite = web::post().to(insight::invite);
            cfg.route("/organizations/{id}/talent/invite", invite);
        },
        |cfg| {
            cfg.service(
                web::resource("/login")
                    .route(web::get().to(accounts::login_form))
                    .route(web::post().to(accounts::login_submit)),
            );
        },
        |cfg| {
            cfg.service(
                web::resource("/register")
                    .route(web::get().to(accounts::register_form))
                    .route(web::post().to(accounts::register_submit)),
            );
        },
        |cfg| {
            cfg.route("/logout", web::post().to(accounts::logout));
        },
        |cfg| {
            cfg.service(
                web::resource("/verify")
                    .route(web::get().to(accounts::verify_form))
                    .route(web::post().to(accounts::verify_submit)),
            );
        },
        |cfg| {
            cfg.service(
                web::resource("/settings")
                    .route(web::get().to(settings::settings))
                    .route(web::post().to(settings::save_settings)),
            );
        },
        |cfg| {
            cfg.route("/settings/profile", web::post().to(settings::save_profile));
        },
        |cfg| {
            cfg.route("/settings/delete", web::post().to(settings::delete_account));
        },
        |cfg| {
            cfg.route(
                "/organizations/{id}/follow",
                web::post().to(settings::follow),
            );
        },
        |cfg| {
            cfg.route("/people/{id}", web::get().to(settings::person));
        },
        |cfg| {
            cfg.service(
                web::resource("/unsubscribe")
                    .route(web::get().to(mail_links::unsubscribe_form))
                    .route(web::post().to(mail_links::unsubscribe_submit)),
            );
        },
        |cfg| {
            cfg.service(
                web::resource("/password-reset")
                    .route(web::get().to(mail_links::reset_form))
                    .route(web::post().to(mail_links::reset_submit)),
            );
        },
        |cfg| {
            cfg.service(
                web::resource("/organization-invitations/{token}")
                    .route(web::get().to(organizations::invitation_page))
                    .route(web::post().to(organizations::invitation_accept)),
            );
        },
        |cfg| {
            let invite = web::post().to(organizations::invite_post);
            cfg.route("/organizations/{id}/invite", invite);
        },
        |cfg| {
            let leave = web::post().to(organizations::leave_post);
            cfg.route("/organizations/{id}/leave", leave);
        },
        |cfg| {
            let delete = web::post().to(organizations::delete_post);
            cfg.route("/organizations/{id}/delete", delete);
        },
    ]
}

/// The order [`mount_in`] adds the pages' routes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// As [`pages`] lists them (what the server does).
    AsListed,
    /// The other way round: for the test that the order does not matter.
    Reversed,
}

/// Adds every route to `app`.
pub fn mount<T>(app: App<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    mount_in(app, Order::AsListed)
}

/// Adds every route to `app`, the pages' routes in `order`. The API's routes are all under
/// `/api/v1` (and `/healthz`), where no page is.
pub fn mount_in<T>(app: App<T>, order: Order) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    let mut pages = pages();
    if order == Order::Reversed {
        pages.reverse();
    }
    app.into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api::health::healthz)
        .service(scope::scope("/api/v1").configure(api_v1))
        .map(|app| {
            pages
                .into_iter()
                .fold(app, |app, wiring| app.configure(wiring))
        })
}

/// The OpenAPI document of every API route, as served.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, document) = mount(App::new()).split_for_parts();
    document
}
