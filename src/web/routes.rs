//! Every route of Concours, wired in one place. API routes carry their OpenAPI description;
//! the document at `/api/v1/openapi.json` is generated from exactly this list.

use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::{App, Error, web};
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
        .service(api::award::mark_paid)
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

/// Adds every route to `app`.
pub fn mount<T>(app: App<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    app.into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api::health::healthz)
        .service(scope::scope("/api/v1").configure(api_v1))
        .map(|app| {
            // The pages' own routes first: `/contests/new` before `/contests/{id}`.
            app.configure(pages::manage::routes)
                .configure(pages::insight::routes)
                .configure(pages::ideas::routes)
                .configure(pages::jury::routes)
                .configure(pages::settings::routes)
                .configure(pages::organizations::routes)
                .route("/", web::get().to(pages::contests::home))
                .route("/assets/{file:.*}", web::get().to(pages::assets::serve))
                .route("/contests/{id}", web::get().to(pages::contests::show))
                .route(
                    "/contests/{id}/results",
                    web::get().to(pages::contests::results),
                )
                .service(
                    web::resource("/login")
                        .route(web::get().to(pages::accounts::login_form))
                        .route(web::post().to(pages::accounts::login_submit)),
                )
                .service(
                    web::resource("/register")
                        .route(web::get().to(pages::accounts::register_form))
                        .route(web::post().to(pages::accounts::register_submit)),
                )
                .route("/logout", web::post().to(pages::accounts::logout))
                .service(
                    web::resource("/verify")
                        .route(web::get().to(pages::accounts::verify_form))
                        .route(web::post().to(pages::accounts::verify_submit)),
                )
        })
}

/// The OpenAPI document of every API route, as served.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, document) = mount(App::new()).split_for_parts();
    document
}
