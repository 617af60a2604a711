//! The scheduler: wakes every `jobs.tick_ms` and runs what the passage of time triggers. Each
//! job is safe to run from several instances at once (it claims its work in the database).
//! Each tick: housekeeping (expired tokens, old rate-limit counters, sign-in addresses and
//! idempotency keys), then `app::phases::run_due` (phase transitions with their mail, draft and
//! juror reminders, the automatic award at the judging deadline), then the mail fan-outs
//! (`app::notifications::run_fanouts`).

use std::sync::Arc;
use std::time::Duration;

use crate::app::Ctx;
use crate::store::{self, Pool, write_tx};

/// How long an address an account signed in from stays "known" to the sign-in limits without
/// a new sign-in from it.
pub const SIGN_IN_ADDRESSES_KEPT_DAYS: i64 = 180;

#[derive(Clone)]
pub struct Scheduler {
    pool: Pool,
    ctx: Arc<Ctx>,
}

impl Scheduler {
    pub fn new(pool: Pool, ctx: Arc<Ctx>) -> Scheduler {
        Scheduler { pool, ctx }
    }

    /// One pass over every job.
    pub async fn tick(&self) -> anyhow::Result<()> {
        let pool = self.pool.clone();
        let ctx = self.ctx.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            let now = ctx.now();
            // Counters live as long as the longest window that reads them.
            let window = i64::from(
                ctx.settings
                    .auth
                    .login_window_seconds
                    .max(ctx.settings.auth.mail_requests_window_seconds),
            );
            write_tx(&mut conn, |conn| {
                store::tokens::purge_expired(conn, store::to_db(now))?;
                store::rate_limits::purge_older_than(
                    conn,
                    store::to_db(now - chrono::Duration::seconds(window)),
                )?;
                store::users::forget_addresses_before(
                    conn,
                    store::to_db(now - chrono::Duration::days(SIGN_IN_ADDRESSES_KEPT_DAYS)),
                )?;
                store::idempotency::purge_older_than(
                    conn,
                    store::to_db(
                        now - chrono::Duration::hours(
                            crate::app::idempotency::REMEMBERED_FOR_HOURS,
                        ),
                    ),
                )?;
                Ok::<_, diesel::result::Error>(())
            })?;
            crate::app::phases::run_due(&ctx, &mut conn).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            crate::app::notifications::run_fanouts(&ctx, &mut conn)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            Ok(())
        })
        .await?
    }

    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        let period = Duration::from_millis(self.ctx.settings.jobs.tick_ms);
        loop {
            if let Err(error) = self.tick().await {
                tracing::warn!(error = %format!("{error:#}"), "scheduler tick failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(period) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}
