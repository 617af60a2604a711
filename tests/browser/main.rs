//! End-to-end tests in headless Chromium (Debian's `chromium` and `chromium-driver`): the pages
//! as people use them, on SQLite and on PostgreSQL, with a screenshot of every step saved to
//! `$CONCOURS_ARTIFACTS` (default: `browser-artifacts` in the target folder).
//!
//! Run: `cargo test --test browser -- --test-threads 1` (PostgreSQL from `TEST_POSTGRES_URL`;
//! without it, the PostgreSQL half is skipped).

mod calls;
mod checking;
mod support;

mod editor;
mod entry;
mod guide;
mod home;
mod journey;
mod juries;
mod money;
mod results;
mod rounds;
mod structure;
mod structured_results;
mod xss;

mod layout;
mod scoring;
