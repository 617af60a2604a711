//! Outgoing mail: the outbox (written in the caller's transaction), rendering from
//! `templates/emails/<name>/`, the transports, and the worker that delivers.

pub mod render;
pub mod transport;
pub mod worker;

use chrono::{DateTime, Utc};
use diesel::QueryResult;

use crate::store::{self, DbConnection};

pub use transport::{MemoryMailbox, SentMail, Transport};

/// A message to queue: the template under `templates/emails/`, its recipient and language, and
/// the data the template shows.
#[derive(Debug)]
pub struct Outgoing<'a> {
    pub template: &'a str,
    pub to: &'a str,
    pub locale: &'a str,
    pub context: serde_json::Value,
}

/// Queues a message in the caller's transaction, so it exists exactly when the change it reports
/// does. Returns the message's id, which its Message-ID is made from.
pub fn enqueue(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    message: &Outgoing,
) -> QueryResult<String> {
    let id = store::new_id();
    let context = message.context.to_string();
    store::outbox::insert(
        conn,
        &store::outbox::NewOutboxMessage {
            id: &id,
            template: message.template,
            recipient: message.to,
            locale: message.locale,
            context: &context,
            status: "pending",
            next_attempt_at: store::to_db(now),
            created_at: store::to_db(now),
        },
    )?;
    Ok(id)
}

/// The stable Message-ID of an outbox message: a resend after a crash carries the same one.
pub fn message_id(outbox_id: &str, domain: &str) -> String {
    format!("<{outbox_id}@{domain}>")
}
