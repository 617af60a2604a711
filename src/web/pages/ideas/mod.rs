//! The pages of innovators: submitting and editing ideas, withdrawing them, attaching files,
//! my ideas, and marking a published idea.
//!
//! Every form posts back to the page it came from; an error a person can cause is shown on that
//! page, beside its field, with what they typed kept.

pub(crate) mod appreciate;
pub(crate) mod attach;
pub(crate) mod cta;
pub(crate) mod mine;
pub(crate) mod remove;
pub(crate) mod shared;
pub(crate) mod show;
pub(crate) mod submit;
pub(crate) mod upload;
pub(crate) mod withdraw;
