//! Where messages go: a real SMTP server, `.eml` files in a folder, or memory (tests).

use std::sync::{Arc, Mutex};

use lettre::message::{Mailbox, MultiPart, header};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::{MailSettings, MailTransportKind};

use super::render::Rendered;

/// A message as the memory transport keeps it.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The memory transport's store; clones share it.
#[derive(Debug, Clone, Default)]
pub struct MemoryMailbox(Arc<Mutex<Vec<SentMail>>>);

impl MemoryMailbox {
    pub fn messages(&self) -> Vec<SentMail> {
        self.0.lock().expect("mailbox lock").clone()
    }

    pub fn to(&self, recipient: &str) -> Vec<SentMail> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.eq_ignore_ascii_case(recipient))
            .collect()
    }
}

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    Memory(MemoryMailbox),
}

/// Why a send failed, and whether trying again may help.
#[derive(Debug)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

impl Transport {
    /// The transport the settings ask for; `memory` is the given mailbox.
    pub fn from_settings(
        settings: &MailSettings,
        mailbox: MemoryMailbox,
    ) -> anyhow::Result<Transport> {
        Ok(match settings.transport {
            MailTransportKind::Smtp => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.smtp_url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("mail.smtp_url: {e}"))?
                    // One pooled connection per message in flight (lettre keeps 10 by default).
                    .pool_config(
                        lettre::transport::smtp::PoolConfig::new()
                            .max_size(settings.concurrency.max(1)),
                    )
                    .build(),
            ),
            MailTransportKind::File => {
                crate::files::create_private_dir(&settings.file_dir).map_err(|e| {
                    anyhow::anyhow!(
                        "mail.file_dir: cannot create {}: {e}",
                        settings.file_dir.display()
                    )
                })?;
                Transport::File(AsyncFileTransport::<Tokio1Executor>::new(
                    &settings.file_dir,
                ))
            }
            MailTransportKind::Memory => Transport::Memory(mailbox),
        })
    }

    pub async fn send(
        &self,
        from: &Mailbox,
        to: &str,
        message_id: &str,
        rendered: &Rendered,
    ) -> Result<(), SendError> {
        // A bare address only, never `Name <address>`: the mailbox written to is the address
        // stored, character for character (see `domain::account::Email`).
        let address: lettre::Address = to.parse().map_err(|e| SendError {
            permanent: true,
            message: format!("the address {to:?} is not valid: {e}"),
        })?;
        if address.to_string() != to {
            return Err(SendError {
                permanent: true,
                message: format!("the address {to:?} is not a bare address"),
            });
        }
        let to_mailbox = Mailbox::new(None, address);
        let mut builder = Message::builder()
            .from(from.clone())
            .to(to_mailbox)
            .subject(&rendered.subject)
            .message_id(Some(message_id.to_owned()))
            .header(header::MIME_VERSION_1_0);
        if let Some(url) = &rendered.unsubscribe_url {
            // RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe button.
            builder = builder
                .raw_header(header::HeaderValue::new(
                    header::HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(header::HeaderValue::new(
                    header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                rendered.text.clone(),
                rendered.html.clone(),
            ))
            .map_err(|e| SendError {
                permanent: true,
                message: format!("the message cannot be built: {e}"),
            })?;
        match self {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
            Transport::File(file) => file.send(message).await.map(drop).map_err(|e| SendError {
                permanent: false,
                message: e.to_string(),
            }),
            Transport::Memory(mailbox) => {
                mailbox.0.lock().expect("mailbox lock").push(SentMail {
                    message_id: message_id.to_owned(),
                    to: to.to_owned(),
                    subject: rendered.subject.clone(),
                    text: rendered.text.clone(),
                    html: rendered.html.clone(),
                });
                Ok(())
            }
        }
    }
}
