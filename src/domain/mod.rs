//! The rules of the game, pure: no framework, no database, no clock (the caller passes `now`).

pub mod account;
pub mod award;
pub mod banking;
pub mod canonical;
pub mod clean;
pub mod ideas;
pub mod jury;
pub mod lifecycle;
pub mod money;
pub mod organization;
pub mod rules;
pub mod scoresheet;
pub mod stats;
pub mod status;
pub mod text;
