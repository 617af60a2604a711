//! The pages of innovators: submitting and editing ideas, withdrawing them, attaching files,
//! my ideas, and marking a published idea.
//!
//! Every form posts back to the page it came from; an error a person can cause is shown on that
//! page, beside its field, with what they typed kept.

mod appreciate;
mod attach;
mod mine;
pub(crate) mod shared;
mod show;
mod submit;
mod withdraw;

use actix_web::web;

/// The routes of these pages (the jury's follow them: see [`super::jury::routes`]).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/contests/{id}/submit")
            .route(web::get().to(submit::submit_form))
            .route(web::post().to(submit::submit_post)),
    )
    .route("/ideas/{id}", web::get().to(show::idea_page))
    .route("/ideas/{id}/edit", web::post().to(show::edit_post))
    .route(
        "/ideas/{id}/submit",
        web::post().to(show::submit_draft_post),
    )
    .service(
        web::resource("/ideas/{id}/withdraw")
            .route(web::get().to(withdraw::withdraw_form))
            .route(web::post().to(withdraw::withdraw_post)),
    )
    .route(
        "/ideas/{id}/attachments",
        web::post().to(attach::attach_post),
    )
    .route("/me/ideas", web::get().to(mine::my_ideas))
    .route(
        "/ideas/{id}/appreciation",
        web::post().to(appreciate::appreciate),
    );
}
