//! Who hears about what: queues the messages a change causes, in the change's transaction.

use serde_json::{Value, json};

use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, contests::Contest};

use super::{AppResult, Ctx};

/// What every contest email shows: its title, a link to it, and its rules hash once frozen.
pub fn contest_context(ctx: &Ctx, contest: &Contest) -> Value {
    json!({
        "contest_id": contest.id,
        "contest_title": contest.title,
        "contest_url": format!("{}/contests/{}", ctx.settings.public_url(), contest.id),
        "rules_hash": contest.rules_hash,
    })
}

fn merged(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

/// Mails `template` to every member of the contest's organisation.
pub fn organization(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    template: &str,
    extra: Value,
) -> AppResult<usize> {
    let members = store::organizations::members(conn, &contest.organization_id)?;
    let context = merged(contest_context(ctx, contest), extra);
    let now = ctx.now();
    for member in &members {
        let context = merged(
            context.clone(),
            json!({"display_name": member.display_name}),
        );
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template,
                to: &member.email,
                locale: &member.locale,
                context,
            },
        )?;
    }
    Ok(members.len())
}

/// The people an announcement concerns, once each: (email, locale, display name) of those who
/// submitted an idea to the contest, and the jurors who accepted.
pub fn participants(
    conn: &mut DbConnection,
    contest: &Contest,
) -> AppResult<Vec<(String, String, String)>> {
    let mut people = store::ideas::submitting_authors(conn, &contest.id)?;
    for (juror, _, locale, display_name) in store::jury::accepted_with_users(conn, &contest.id)? {
        if !people.iter().any(|(email, _, _)| *email == juror.email) {
            people.push((juror.email, locale, display_name));
        }
    }
    Ok(people)
}
