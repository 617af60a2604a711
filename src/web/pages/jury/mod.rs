//! The pages of jurors: accepting a jury invitation, scoring the entries, declaring a conflict
//! of interest.
//!
//! Jurors' pages work without JavaScript; `assets/jury.js` only adds keyboard shortcuts.

mod conflict;
mod invitation;
mod score;
mod sheet;

use actix_web::web;

/// The routes of these pages (after those of [`super::ideas::routes`]).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/jury-invitations/{token}")
            .route(web::get().to(invitation::invitation_page))
            .route(web::post().to(invitation::invitation_accept)),
    )
    .route("/contests/{id}/jury", web::get().to(score::jury_page))
    .route(
        "/contests/{id}/jury/entries/{entry_id}/scores",
        web::post().to(sheet::scores_post),
    )
    .route(
        "/contests/{id}/jury/entries/{entry_id}/conflict",
        web::post().to(conflict::conflict_post),
    );
}
