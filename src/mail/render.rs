//! Turns an outbox row into a message: subject, plain text and HTML from
//! `templates/emails/<name>/{subject.txt,body.txt,body.html}`.

use tera::{Context, Tera};

use crate::store::outbox::OutboxMessage;

/// A message ready for a transport.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one-click unsubscribe link (RFC 8058), for mail a person may turn off.
    pub unsubscribe_url: Option<String>,
}

/// Renders `message`; an error here is a bug in a template or its data, not worth a retry.
/// `unsubscribe_url`, for mail a person may turn off, is shown in the footer.
pub fn render(
    tera: &Tera,
    public_url: &str,
    message: &OutboxMessage,
    unsubscribe_url: Option<&str>,
) -> anyhow::Result<Rendered> {
    let data: serde_json::Value = serde_json::from_str(&message.context)?;
    let mut context = Context::from_value(data)
        .map_err(|e| anyhow::anyhow!("the context of {} is not an object: {e}", message.id))?;
    context.insert("public_url", public_url);
    context.insert("locale", &message.locale);
    context.insert("recipient", &message.recipient);
    context.insert("unsubscribe_url", &unsubscribe_url.unwrap_or_default());
    let base = format!("emails/{}", message.template);
    let render = |file: &str| {
        tera.render(&format!("{base}/{file}"), &context)
            .map_err(|e| anyhow::anyhow!("rendering {base}/{file}: {e:?}"))
    };
    let subject = render("subject.txt")?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Rendered {
        subject,
        text: render("body.txt")?,
        html: render("body.html")?,
        unsubscribe_url: unsubscribe_url.map(str::to_owned),
    })
}
