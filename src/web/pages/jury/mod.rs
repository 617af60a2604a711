//! The pages of jurors: accepting a jury invitation, scoring the entries, declaring a conflict
//! of interest.
//!
//! Jurors' pages work without JavaScript; `assets/jury.js` only adds keyboard shortcuts.

pub(crate) mod conflict;
pub(crate) mod invitation;
pub(crate) mod mine;
pub(crate) mod score;
pub(crate) mod sheet;
