//! JSON handlers under `/api/v1`, one module per part of API.md.

pub mod accounts;
pub mod appreciation;
pub mod award;
pub mod contests;
pub mod health;
pub mod ideas;
pub mod insight;
pub mod jury;
pub mod notifications;
pub mod organizations;
pub mod payouts;
pub mod profiles;
pub mod rounds;
pub mod talent;
