//! Outgoing mail: the outbox (written in the caller's transaction), rendering from
//! `templates/emails/<name>/`, the transports, the links mail carries, and the worker that
//! delivers.
//!
//! Mail sits below the use cases: it imports the store and the settings, never `app` or `web`
//! (the layer test checks). What it needs from its caller comes as [`MailSettingsOf`] and
//! [`Links`].

pub mod links;
pub mod render;
pub mod transport;
pub mod worker;

use chrono::{DateTime, Utc};
use diesel::QueryResult;

use crate::config::MailSettings;
use crate::store::{self, DbConnection};

pub use links::Links;
pub use transport::{MemoryMailbox, SentMail, Transport};

/// Whatever holds the mail settings: the settings themselves, and `app::Ctx`, which every use
/// case has, so that a use case queues mail with its context while mail names no type of the
/// layers above it.
pub trait MailSettingsOf {
    fn mail_settings(&self) -> &MailSettings;
}

impl MailSettingsOf for MailSettings {
    fn mail_settings(&self) -> &MailSettings {
        self
    }
}

impl<T: MailSettingsOf + ?Sized> MailSettingsOf for std::sync::Arc<T> {
    fn mail_settings(&self) -> &MailSettings {
        (**self).mail_settings()
    }
}

impl<T: MailSettingsOf + ?Sized> MailSettingsOf for &T {
    fn mail_settings(&self) -> &MailSettings {
        (**self).mail_settings()
    }
}

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
    settings: &(impl MailSettingsOf + ?Sized),
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
    let interval = i64::from(settings.mail_settings().per_recipient_interval_seconds);
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
            status: crate::domain::status::MailStatus::Pending.as_str(),
            next_attempt_at: store::to_db(send_at),
            created_at: store::to_db(now),
        },
    )?;
    Ok(Some(id))
}

/// Whether a person may turn a template's mail off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Optional: sent only while its recipient keeps this category on; checked when queued and
    /// again when delivered.
    Optional(Category),
    /// Always sent: mail about one's account or a payout, or about one's own entry, jury duty
    /// or contest (receipts, invitations to a jury, phases, results).
    Always,
}

impl Kind {
    pub fn category(self) -> Option<Category> {
        match self {
            Kind::Optional(category) => Some(category),
            Kind::Always => None,
        }
    }
}

/// Every email template under `templates/emails/`, once each, with its kind: the one source of
/// truth both directions (template → category, category → templates) read. A test fails when a
/// template folder is missing here, or listed without a folder.
pub const TEMPLATES: &[(&str, Kind)] = &[
    ("announcement", Kind::Optional(Category::Announcements)),
    ("contest_invitation", Kind::Optional(Category::BrandNews)),
    ("contest_opened", Kind::Optional(Category::BrandNews)),
    ("draft_reminder", Kind::Optional(Category::Reminders)),
    ("funding_confirmed", Kind::Always),
    ("idea_disqualified", Kind::Always),
    ("idea_receipt", Kind::Always),
    ("judging_started", Kind::Always),
    ("jury_invitation", Kind::Always),
    ("jury_reminder", Kind::Optional(Category::Reminders)),
    ("organization_invitation", Kind::Always),
    ("password_reset", Kind::Always),
    ("payout_due", Kind::Always),
    ("payout_paid", Kind::Always),
    ("phase_changed", Kind::Always),
    ("results", Kind::Always),
    ("round_closed", Kind::Always),
    ("round_result", Kind::Always),
    ("verify_email", Kind::Always),
];

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

    /// The kind a template belongs to, if it can be turned off: read from [`TEMPLATES`].
    pub fn of(template: &str) -> Option<Category> {
        TEMPLATES
            .iter()
            .find(|(name, _)| *name == template)
            .and_then(|(_, kind)| kind.category())
    }

    /// The templates of this kind: read from [`TEMPLATES`], so that turning a kind off stops
    /// every mail of it, queued or not.
    pub fn templates(self) -> Vec<&'static str> {
        TEMPLATES
            .iter()
            .filter(|(_, kind)| kind.category() == Some(self))
            .map(|(name, _)| *name)
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every template folder has exactly one entry in [`TEMPLATES`], and every entry a folder.
    #[test]
    fn every_template_has_exactly_one_kind() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/emails");
        let mut folders: Vec<String> = std::fs::read_dir(dir)
            .expect("the email templates")
            .map(|e| e.expect("an entry"))
            .filter(|e| e.file_type().expect("a type").is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        folders.sort();
        let mut listed: Vec<String> = TEMPLATES.iter().map(|(n, _)| (*n).to_owned()).collect();
        listed.sort();
        let before = listed.len();
        listed.dedup();
        assert_eq!(before, listed.len(), "a template is listed twice");
        assert_eq!(folders, listed);
    }

    #[test]
    fn both_directions_agree() {
        for (name, kind) in TEMPLATES {
            assert_eq!(Category::of(name), kind.category(), "{name}");
        }
        for category in Category::ALL {
            assert!(!category.templates().is_empty(), "{category:?}");
            for name in category.templates() {
                assert_eq!(Category::of(name), Some(category));
            }
        }
        assert!(
            Category::BrandNews
                .templates()
                .contains(&"contest_invitation")
        );
        assert_eq!(Category::of("no_such_template"), None);
    }
}
