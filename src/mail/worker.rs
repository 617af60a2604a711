//! The outbox worker: claims due messages, renders and sends them, then records the outcome.
//!
//! Claiming sets a lease (`claimed_until`) in a write transaction (rows locked with `FOR UPDATE
//! SKIP LOCKED` on PostgreSQL), so two workers never send the same message; a worker that dies
//! mid-send leaves a lease that expires, and the message is sent again with the same Message-ID.
//! Temporary failures are retried with exponential backoff and jitter; permanent ones, and
//! messages out of attempts, are marked failed with the reason. Just before sending, the
//! recipient's preference is read again: mail of a kind they turned off meanwhile is settled as
//! skipped, never sent.

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as TimeDelta;
use lettre::message::Mailbox;
use rand::Rng;
use tera::Tera;

use crate::clock::Clock;
use crate::config::MailSettings;
use crate::store::{self, Pool, outbox::OutboxMessage, write_tx};

use super::transport::Transport;
use super::{Links, message_id, render};

/// Everything the worker needs; cheap to clone.
#[derive(Clone)]
pub struct Worker {
    pool: Pool,
    clock: Arc<dyn Clock>,
    settings: Arc<MailSettings>,
    links: Links,
    tera: Arc<Tera>,
    transport: Transport,
    from: Mailbox,
}

/// What a [`Worker`] is built from besides the pool: start-up gathers it from the settings and
/// the application's context.
pub struct Setup {
    pub clock: Arc<dyn Clock>,
    pub settings: MailSettings,
    pub links: Links,
    pub tera: Arc<Tera>,
    pub transport: Transport,
}

impl Worker {
    pub fn new(pool: Pool, setup: Setup) -> anyhow::Result<Worker> {
        let from = setup
            .settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("mail.from is not a valid address: {e}"))?;
        Ok(Worker {
            pool,
            clock: setup.clock,
            settings: Arc::new(setup.settings),
            links: setup.links,
            tera: setup.tera,
            transport: setup.transport,
            from,
        })
    }

    /// Delivers what is due now; returns how many messages were settled (sent or failed).
    pub async fn run_once(&self) -> anyhow::Result<usize> {
        use futures_util::stream::{self, StreamExt};

        let claimed = self.claim().await?;
        let count = claimed.len();
        // Several messages in flight at once: one SMTP exchange is mostly waiting for the
        // server. Every delivery runs to its end, so that none is left claimed but unrecorded
        // because another failed.
        let concurrency = self.settings.concurrency.max(1) as usize;
        let outcomes: Vec<anyhow::Result<()>> = stream::iter(claimed)
            .map(|message| self.deliver(message))
            .buffer_unordered(concurrency)
            .collect()
            .await;
        outcomes.into_iter().collect::<anyhow::Result<()>>()?;
        Ok(count)
    }

    /// Runs until `shutdown` resolves, waking every `mail.poll_ms`.
    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.settings.poll_ms);
        loop {
            match self.run_once().await {
                // A full batch: there may be more waiting, so go on at once.
                Ok(n) if n as u32 >= self.settings.batch_size => continue,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "mail delivery pass failed")
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn claim(&self) -> anyhow::Result<Vec<OutboxMessage>> {
        let pool = self.pool.clone();
        let (clock, settings) = (self.clock.clone(), self.settings.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            let now = clock.now();
            let lease = TimeDelta::seconds(i64::from(settings.claim_lease_seconds));
            let claimed = write_tx(&mut conn, |conn| {
                store::outbox::claim_due(
                    conn,
                    store::to_db(now),
                    store::to_db(now + lease),
                    i64::from(settings.batch_size),
                )
            })?;
            Ok(claimed)
        })
        .await?
    }

    /// Whether the recipient turned this message's kind off since it was queued; if so the
    /// message is settled as skipped. Opt-outs win at delivery, whatever queued the message.
    async fn skip_if_unwanted(&self, message: &OutboxMessage) -> anyhow::Result<bool> {
        let Some(category) = super::Category::of(&message.template) else {
            return Ok(false);
        };
        let pool = self.pool.clone();
        let (id, recipient) = (message.id.clone(), message.recipient.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            let wanted = store::notifications::preferences_by_email(&mut conn, &recipient)?
                .is_none_or(|(_, preferences)| category.wanted(&preferences));
            if !wanted {
                store::outbox::mark_skipped(&mut conn, &id, category.as_str())?;
            }
            Ok(!wanted)
        })
        .await?
    }

    async fn deliver(&self, message: OutboxMessage) -> anyhow::Result<()> {
        if self.skip_if_unwanted(&message).await? {
            tracing::info!(
                outbox_id = %message.id,
                template = %message.template,
                "mail skipped: its recipient turned this kind off"
            );
            return Ok(());
        }
        let settings = &self.settings;
        let message_id = message_id(&message.id, &settings.message_id_domain);
        let unsubscribe = super::Category::of(&message.template)
            .map(|category| self.links.unsubscribe_url(&message.recipient, category));
        let outcome = match render::render(
            &self.tera,
            self.links.public_url(),
            &message,
            unsubscribe.as_deref(),
        ) {
            Ok(rendered) => {
                self.transport
                    .send(&self.from, &message.recipient, &message_id, &rendered)
                    .await
            }
            Err(error) => Err(super::transport::SendError {
                permanent: true,
                message: format!("{error:#}"),
            }),
        };
        let now = self.clock.now();
        let retry_at = match &outcome {
            Ok(()) => None,
            Err(error) if error.permanent => None,
            Err(_) if message.attempts + 1 >= settings.max_attempts as i32 => None,
            Err(_) => Some(now + backoff(settings.retry_base_ms, message.attempts)),
        };
        match &outcome {
            Ok(()) => {
                tracing::info!(outbox_id = %message.id, template = %message.template, "mail sent")
            }
            Err(error) => tracing::warn!(
                outbox_id = %message.id,
                template = %message.template,
                permanent = error.permanent,
                will_retry = retry_at.is_some(),
                error = %error.message,
                "mail not sent"
            ),
        }
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            match outcome {
                Ok(()) => store::outbox::mark_sent(&mut conn, &message.id, store::to_db(now))?,
                Err(error) => store::outbox::mark_attempt_failed(
                    &mut conn,
                    &message.id,
                    &error.message,
                    retry_at.map(store::to_db),
                )?,
            }
            Ok(())
        })
        .await?
    }
}

/// The wait before attempt `attempts + 1`: base × 2^attempts, capped at an hour, with ±25 %
/// jitter so that many failures do not all come back at once.
pub fn backoff(base_ms: u64, attempts: i32) -> TimeDelta {
    let exponent = attempts.clamp(0, 20) as u32;
    let delay = base_ms.saturating_mul(1u64 << exponent).min(3_600_000);
    let jitter = rand::rng().random_range(0.75..=1.25);
    TimeDelta::milliseconds((delay as f64 * jitter) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempts in 0..30 {
            let delay = backoff(1000, attempts).num_milliseconds();
            let nominal = (1000u64 << attempts.min(20)).min(3_600_000) as i64;
            assert!(
                delay >= nominal * 3 / 4 && delay <= nominal * 5 / 4,
                "{attempts}: {delay}"
            );
        }
    }
}
