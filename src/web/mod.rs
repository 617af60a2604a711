//! The HTTP boundary (actix-web): every route wired in [`routes`], JSON handlers in [`api`],
//! HTML pages in [`pages`], authentication extractors in [`auth`], errors in [`error`].
//! Handlers extract, call one use case of `app`, and render.

pub mod api;
pub mod auth;
pub mod cache;
pub mod error;
pub mod i18n;
pub mod idempotency;
pub mod json;
pub mod openapi;
pub mod pages;
pub mod routes;
pub mod svg;
pub mod telemetry;

use std::sync::Arc;

use actix_web::web;
use tera::Tera;

use crate::app::passwords::{PasswordOutcome, Staged};
use crate::app::{AppError, AppResult, Ctx};
use crate::store::{DbConnection, Pool};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub ctx: Arc<Ctx>,
    pub pool: Pool,
    pub tera: Arc<Tera>,
    /// The OpenAPI document, built once from the routes at start-up.
    pub openapi_json: Arc<String>,
    /// The contest page and JSON as anonymous readers get them.
    pub public_cache: Arc<cache::PublicCache>,
    /// Password hashes computed at once (`auth.hash_concurrency`): a flood of sign-ins waits
    /// here, holding neither a database connection nor more than that many threads.
    pub hashing: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Runs a use case on the blocking thread pool with a pooled connection, so that database
    /// calls and password hashing never hold up the async executor.
    pub async fn run<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx, &mut DbConnection) -> AppResult<T> + Send + 'static,
    {
        let ctx = self.ctx.clone();
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&ctx, &mut conn)
        })
        .await
        .map_err(AppError::internal)?
    }

    /// Runs a use case that hashes or verifies a password (see `app::passwords`): its first
    /// stage with a connection, the hashing on the bounded pool with none, its second stage
    /// with a connection again.
    pub async fn run_staged<S, T, F, G>(&self, stage: F, finish: G) -> AppResult<T>
    where
        S: Send + 'static,
        T: Send + 'static,
        F: FnOnce(&Ctx, &mut DbConnection) -> AppResult<Staged<S>> + Send + 'static,
        G: FnOnce(&Ctx, &mut DbConnection, S, PasswordOutcome) -> AppResult<T> + Send + 'static,
    {
        let Staged { state, work } = self.run(stage).await?;
        let outcome = {
            let _permit = self.hashing.acquire().await.map_err(AppError::internal)?;
            web::block(move || work.run())
                .await
                .map_err(AppError::internal)??
        };
        self.run(move |ctx, conn| finish(ctx, conn, state, outcome))
            .await
    }
}
