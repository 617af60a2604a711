//! Outgoing mail: the outbox (written in the caller's transaction), rendering from
//! `templates/emails/<name>/`, the transports, and the worker that delivers.

pub mod render;
pub mod transport;
pub mod worker;

use chrono::{DateTime, Utc};
use diesel::QueryResult;

use crate::app::Ctx;
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
/// does. Returns the message's id, which its Message-ID is made from; `None` when its recipient
/// turned this kind of mail off.
///
/// Mail that is not about the account or a payout is spaced out per recipient
/// (`mail.per_recipient_interval_seconds`): a person concerned by many events at once gets them
/// at a bounded rate.
pub fn enqueue(
    ctx: &Ctx,
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    message: &Outgoing,
) -> QueryResult<Option<String>> {
    let category = Category::of(message.template);
    if let Some(category) = category
        && let Some((_, preferences)) =
            store::notifications::preferences_by_email(conn, message.to)?
        && !category.wanted(&preferences)
    {
        return Ok(None);
    }
    let interval = i64::from(ctx.settings.mail.per_recipient_interval_seconds);
    let mut send_at = now;
    if interval > 0
        && !Category::is_urgent(message.template)
        && let Some(latest) = store::notifications::latest_planned(conn, message.to)?
    {
        let next = store::from_db(latest) + chrono::Duration::seconds(interval);
        send_at = send_at.max(next);
    }
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
            next_attempt_at: store::to_db(send_at),
            created_at: store::to_db(now),
        },
    )?;
    Ok(Some(id))
}

/// The kinds of mail a person may turn off. Account mail (verification, password reset) and
/// payout mail belong to none: they are always sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Announcements,
    Reminders,
    BrandNews,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::Announcements,
        Category::Reminders,
        Category::BrandNews,
    ];

    /// The kind a template belongs to, if it can be turned off.
    pub fn of(template: &str) -> Option<Category> {
        match template {
            "announcement" => Some(Category::Announcements),
            "draft_reminder" | "jury_reminder" => Some(Category::Reminders),
            "contest_opened" | "contest_invitation" => Some(Category::BrandNews),
            _ => None,
        }
    }

    /// The templates of this kind.
    pub fn templates(self) -> &'static [&'static str] {
        match self {
            Category::Announcements => &["announcement"],
            Category::Reminders => &["draft_reminder", "jury_reminder"],
            Category::BrandNews => &["contest_opened"],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Announcements => "announcements",
            Category::Reminders => "reminders",
            Category::BrandNews => "brand_news",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == value)
    }

    pub fn wanted(self, p: &store::notifications::Preferences) -> bool {
        match self {
            Category::Announcements => p.announcements,
            Category::Reminders => p.reminders,
            Category::BrandNews => p.brand_news,
        }
    }

    /// Mail a person is waiting for right now: never held back by the spacing.
    pub fn is_urgent(template: &str) -> bool {
        matches!(template, "verify_email" | "password_reset")
    }
}

/// The stable Message-ID of an outbox message: a resend after a crash carries the same one.
pub fn message_id(outbox_id: &str, domain: &str) -> String {
    format!("<{outbox_id}@{domain}>")
}
