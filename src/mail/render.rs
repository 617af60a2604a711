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
    let amounts = crate::domain::money::mail_amounts(&data, &message.locale);
    let mut context = Context::from_value(data)
        .map_err(|e| anyhow::anyhow!("the context of {} is not an object: {e}", message.id))?;
    // Amounts in the recipient's language, each in its currency's minor unit.
    for (key, text) in amounts {
        context.insert(key, &text);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn message(locale: &str, context: serde_json::Value) -> OutboxMessage {
        let at = chrono::NaiveDateTime::default();
        OutboxMessage {
            id: "m".into(),
            template: "funding_confirmed".into(),
            recipient: "owner@acme.example".into(),
            locale: locale.into(),
            context: context.to_string(),
            status: crate::domain::status::MailStatus::Pending,
            attempts: 0,
            next_attempt_at: at,
            claimed_until: None,
            last_error: None,
            created_at: at,
            sent_at: None,
        }
    }

    #[test]
    fn amounts_are_written_in_the_recipient_s_language_and_minor_unit() {
        let tera = crate::templates::load().unwrap();
        let mut context = serde_json::json!({"display_name": "Olive", "contest_title": "T",
            "contest_url": "http://x/contests/c", "fully_funded": true});
        crate::domain::money::into_mail_context(&mut context, "amount", 1_000, "BHD");
        crate::domain::money::into_mail_context(&mut context, "funded", 150_000, "JPY");
        crate::domain::money::into_mail_context(&mut context, "prize_pool", 123_456, "EUR");
        let en = render(&tera, "http://x", &message("en", context.clone()), None).unwrap();
        assert!(en.text.contains("A funding of 1.000 BHD"), "{}", en.text);
        assert!(
            en.text.contains("150,000 JPY of a 1,234.56 EUR"),
            "{}",
            en.text
        );
        let fr = render(&tera, "http://x", &message("fr", context.clone()), None).unwrap();
        assert!(fr.text.contains("Un versement de 1,000 BHD"), "{}", fr.text);
        assert!(
            fr.text
                .contains("150\u{202f}000 JPY sur une dotation de 1\u{202f}234,56 EUR"),
            "{}",
            fr.text
        );
        assert!(fr.html.contains("1,000 BHD"), "{}", fr.html);
        // A message queued before (amounts as English text only) still renders as written.
        let old = serde_json::json!({"display_name": "O", "contest_title": "T",
            "contest_url": "u", "fully_funded": false, "amount": "10.00 EUR",
            "funded": "10.00 EUR", "prize_pool": "20.00 EUR"});
        let fr = render(&tera, "http://x", &message("fr", old), None).unwrap();
        assert!(fr.text.contains("10.00 EUR"), "{}", fr.text);
    }
}
