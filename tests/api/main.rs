//! Integration tests: the real server over HTTP, on SQLite and on PostgreSQL.
//!
//! The PostgreSQL half needs `TEST_POSTGRES_URL` (scripts/test.sh starts a server and sets it);
//! without it, a bare `cargo test` runs the SQLite half and skips the other, saying so once.

mod helpers;

mod account_attacks;
mod accounts;
mod appreciation;
mod attachments;
mod award;
mod blind;
mod cli;
mod contests;
mod crash;
mod editor_errors;
mod entry;
mod files;
mod guide;
mod health;
mod home;
mod ideas;
mod insight;
mod integrity;
mod juries;
mod jury;
mod mail;
mod matrix;
mod money;
mod notifications;
mod optouts;
mod organizations;
mod pages;
mod pages_manage;
mod pages_participate;
mod pages_structure;
mod payout_details;
mod profiles;
mod proxies;
mod redirects;
mod results_page;
mod routes;
mod scoring;
mod sessions;
mod smtp;
mod structure;
mod talent;
mod text;
