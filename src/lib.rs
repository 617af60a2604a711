//! Concours: idea contests judged by a jury, with rules that freeze when a contest opens and a
//! prize that is paid, to the cent and exactly once, even when no idea is good enough.
//!
//! Data flows one way: `web` → `app` → (`domain`, `store`, `mail`); `domain` imports nothing
//! of the project and no framework. `tests/layers.rs` fails when a lower layer names a higher
//! one; ARCHITECTURE.md says what goes where.

pub mod app;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod files;
pub mod jobs;
pub mod mail;
pub mod markdown;
pub mod proxies;
pub mod startup;
pub mod store;
pub mod templates;
pub mod web;
