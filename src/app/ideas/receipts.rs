//! Receipts: what is recorded when an idea is submitted or revised, and the keyed commitments
//! that let an author prove it later without the audit log naming them.

use super::*;

/// Records revision `n` of an idea with its receipt, its audit event and the receipt email.
/// The caller holds the write transaction and has checked the phase with `now`.
pub(super) fn record_submission(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    idea: &Idea,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let rules_hash = contest
        .rules_hash
        .clone()
        .ok_or_else(|| AppError::internal("an opened contest has a rules hash"))?;
    let files = store::ideas::attachments_of(conn, &idea.id)?;
    let revision = store::ideas::Revision {
        idea_id: idea.id.clone(),
        revision: idea.revision + 1,
        title: idea.title.clone(),
        summary: idea.summary.clone(),
        body: idea.body.clone(),
        content_sha256: receipt_digest(idea, &files),
        received_at: store::to_db(now),
        rules_hash,
    };
    store::ideas::record_revision(conn, &revision, idea.first_submitted_at.is_none())?;
    // The audit chain is public: it names the idea and its digest, never its author.
    audit::record(
        conn,
        &contest.id,
        now,
        if revision.revision == 1 {
            "idea_submitted"
        } else {
            "idea_revised"
        },
        json!({"commitment": commitment(ctx, &idea.id, &format!("{}:{}", revision.revision, revision.content_sha256))}),
    )?;
    let author = store::users::find(conn, &idea.author_id)?
        .ok_or_else(|| AppError::internal("author vanished"))?;
    let mut context = notify::contest_context(ctx, contest);
    context["display_name"] = json!(author.display_name);
    context["idea_title"] = json!(idea.title);
    context["sha256"] = json!(revision.content_sha256);
    // The receipt carries the key of this idea's audit commitments: with it, and only with it,
    // the author finds their events in the public chain.
    context["audit_key"] = json!(audit_key(ctx, &idea.id));
    context["received_at"] = json!(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    context["revision"] = json!(revision.revision);
    context["idea_url"] = json!(format!("{}/ideas/{}", ctx.settings.public_url(), idea.id));
    context["attachments"] = json!(
        files
            .iter()
            .map(|f| json!({"filename": f.filename, "size": f.size, "sha256": f.sha256}))
            .collect::<Vec<_>>()
    );
    mail::enqueue(
        ctx,
        conn,
        now,
        &Outgoing {
            template: "idea_receipt",
            to: &author.email,
            locale: &author.locale,
            context,
        },
    )?;
    Ok(())
}

/// The receipt's digest of `idea` with `files` (`domain::ideas::receipt_digest`).
fn receipt_digest(idea: &Idea, files: &[store::ideas::Attachment]) -> String {
    let files: Vec<_> = (files.iter())
        .map(|f| crate::domain::ideas::FileDigest {
            filename: &f.filename,
            size: f.size,
            sha256: &f.sha256,
        })
        .collect();
    crate::domain::ideas::receipt_digest(
        &idea.title,
        &idea.summary,
        &idea.body,
        &files,
        idea.track.as_deref(),
    )
}

/// The key of one idea's audit commitments: HMAC-SHA256 of its id under a key derived from the
/// server's secret. Its author gets it in their receipt; nobody else can compute it, so knowing
/// an idea's id and text (as a juror does) is not enough to find its events in the chain.
pub fn audit_key(ctx: &Ctx, idea_id: &str) -> String {
    hmac_hex(
        format!("concours audit commitments:{}", ctx.entry_salt).as_bytes(),
        idea_id.as_bytes(),
    )
}

/// What the public audit chain records of an event about an idea: `HMAC-SHA256(audit_key,
/// event)`, which its author can check with the key in their receipt and which tells nobody
/// else which entry it concerns, so that a juror cannot learn from the chain when an entry
/// came in. (Events recorded before this was keyed hold `SHA-256("{idea id}:{event}")`; the
/// chain's hashes cover them as they were, so old chains still verify.)
pub fn commitment(ctx: &Ctx, idea_id: &str, event: &str) -> String {
    hmac_hex(audit_key(ctx, idea_id).as_bytes(), event.as_bytes())
}

fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}
