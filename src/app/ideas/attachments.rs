//! Attachments: checking an upload, attaching it, and serving it back (to its author, or blind
//! to a juror).

use super::*;

/// An uploaded file, read whole and within the size limit by the HTTP layer.
#[derive(Debug)]
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// An upload recognised by its content and stripped of its metadata, ready to be stored.
#[derive(Debug)]
pub struct CleanUpload {
    filename: String,
    kind: FileKind,
    bytes: Vec<u8>,
    received_sha256: String,
    removed: Vec<&'static str>,
}

/// Recognises an upload by its content and removes its metadata (issue 16.4). No database:
/// the HTTP layer runs it on the blocking pool before it takes a connection. A file that
/// starts like a PDF, PNG or JPEG but cannot be read as one, or an encrypted PDF, is refused
/// (422) rather than stored with what it may say about its author.
pub fn prepare(upload: Upload) -> AppResult<CleanUpload> {
    let kind = rules::sniff(&upload.bytes).ok_or_else(|| {
        AppError::UnsupportedType(
            "Attach a PDF, PNG, JPEG or plain-text file; this file is none of those.".into(),
        )
    })?;
    let cleaned = crate::domain::clean::clean(kind, &upload.bytes).map_err(|refusal| {
        let what = match kind {
            FileKind::Pdf => "PDF",
            FileKind::Png => "PNG image",
            FileKind::Jpeg => "JPEG image",
            FileKind::Text => "text file",
        };
        match refusal {
            Refusal::Unreadable => AppError::field(
                "file",
                format!(
                    "This {what} cannot be read (it may be damaged or truncated); export it \
                     again and attach the new file."
                ),
            ),
            Refusal::Encrypted => AppError::field(
                "file",
                "This PDF is encrypted or password-protected, so its metadata cannot be \
                 removed; save it without protection and attach it again.",
            ),
        }
    })?;
    Ok(CleanUpload {
        filename: display_filename_for(kind, &upload.filename),
        kind,
        received_sha256: sha256_hex(&upload.bytes),
        bytes: cleaned.bytes,
        removed: cleaned.removed,
    })
}

/// Whether `actor` may attach a file to the idea now: theirs, in its window, under the count
/// limit. Checked before the HTTP layer reads the upload's body (issue 16.14), so that nobody
/// makes the server buffer megabytes for an idea they may not change; `attach` checks it all
/// again in its transaction.
pub fn may_attach(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
) -> AppResult<()> {
    let idea = reload(conn, idea_id)?;
    access::require(conn, actor, Action::EditIdea { idea: &idea })?;
    let contest = store::contests::find(conn, &idea.contest_id)?
        .ok_or_else(|| AppError::not_found("contest"))?;
    require_changeable(&idea, &contest, ctx.now())?;
    require_room(ctx, conn, idea_id)
}

fn require_room(ctx: &Ctx, conn: &mut DbConnection, idea_id: &str) -> AppResult<()> {
    let existing = store::ideas::attachments_of(conn, idea_id)?;
    if existing.len() as u32 >= ctx.settings.ideas.max_attachments {
        return Err(too_many_files(ctx));
    }
    Ok(())
}

/// The refusal of one file too many.
pub(super) fn too_many_files(ctx: &Ctx) -> AppError {
    let max = ctx.settings.ideas.max_attachments;
    AppError::TooLarge(format!("An idea has at most {max} attachments."))
}

/// Stores a prepared file with an idea, in the caller's transaction (which has checked that
/// the author may, and that there is room).
pub(super) fn store_upload(
    conn: &mut DbConnection,
    idea_id: &str,
    upload: &CleanUpload,
    now: DateTime<Utc>,
) -> AppResult<store::ideas::Attachment> {
    let attachment = store::ideas::Attachment {
        id: store::new_id(),
        idea_id: idea_id.to_owned(),
        filename: upload.filename.clone(),
        content_type: upload.kind.content_type().into(),
        size: upload.bytes.len() as i64,
        sha256: sha256_hex(&upload.bytes),
        created_at: store::to_db(now),
        received_sha256: Some(upload.received_sha256.clone()),
    };
    store::ideas::insert_attachment(conn, &attachment, &upload.bytes)?;
    Ok(attachment)
}

/// Attaches a prepared file to an idea, in the same window as edits.
pub fn attach(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    upload: CleanUpload,
) -> AppResult<AttachmentView> {
    write_tx(conn, |conn| {
        let (idea, contest) = load_own(conn, actor, idea_id)?;
        limit_writes(ctx, conn, actor)?;
        let now = ctx.now();
        require_changeable(&idea, &contest, now)?;
        require_room(ctx, conn, idea_id)?;
        let attachment = store_upload(conn, &idea.id, &upload, now)?;
        if idea.status == Status::Submitted {
            audit::record(
                conn,
                &contest.id,
                now,
                "attachment_added",
                json!({"commitment": commitment(ctx, &idea.id, &attachment.sha256)}),
            )?;
            // The receipt lists the files: a submitted idea's new file gets a new one.
            record_submission(ctx, conn, &contest, &idea, now)?;
        }
        Ok(AttachmentView {
            id: attachment.id,
            filename: attachment.filename,
            size: attachment.size,
            content_type: attachment.content_type,
            sha256: attachment.sha256,
            received_sha256: attachment.received_sha256,
            metadata_removed: Some(upload.removed.iter().map(|c| (*c).to_owned()).collect()),
        })
    })
}

/// Removes a file from an idea, by its author, in the same window as edits (a draft from the
/// opening, a submitted idea until the deadline; never a withdrawn or disqualified idea's).
/// Another person's file, or a file of another idea, is not found (404). A submitted idea gets
/// a new receipt without the file, and the audit chain a commitment to its removal.
pub fn remove_attachment(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    attachment_id: &str,
) -> AppResult<()> {
    write_tx(conn, |conn| {
        let (idea, contest) = load_own(conn, actor, idea_id)?;
        let attachment = store::ideas::find_attachment(conn, attachment_id)?
            .filter(|a| a.idea_id == idea.id)
            .ok_or_else(|| AppError::not_found("attachment"))?;
        limit_writes(ctx, conn, actor)?;
        let now = ctx.now();
        require_changeable(&idea, &contest, now)?;
        store::ideas::delete_attachment(conn, &attachment.id)?;
        if idea.status == Status::Submitted {
            let event = format!("removed:{}", attachment.sha256);
            audit::record(
                conn,
                &contest.id,
                now,
                "attachment_removed",
                json!({"commitment": commitment(ctx, &idea.id, &event)}),
            )?;
            record_submission(ctx, conn, &contest, &idea, now)?;
        }
        Ok(())
    })
}

/// The shown name, with an extension that matches what the file really is.
fn display_filename_for(kind: FileKind, raw: &str) -> String {
    let name = rules::display_filename(raw);
    let extension = match kind {
        FileKind::Pdf => "pdf",
        FileKind::Png => "png",
        FileKind::Jpeg => "jpg",
        FileKind::Text => "txt",
    };
    let stem = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(stem, _)| stem);
    let stem = if stem.is_empty() { "attachment" } else { stem };
    format!("{stem}.{extension}")
}

/// A file to send: its name, type and bytes, for those who may see the idea.
pub fn download(
    conn: &mut DbConnection,
    actor: &Actor,
    attachment_id: &str,
) -> AppResult<(store::ideas::Attachment, Vec<u8>)> {
    let attachment = store::ideas::find_attachment(conn, attachment_id)?
        .ok_or_else(|| AppError::not_found("attachment"))?;
    let idea = reload(conn, &attachment.idea_id)?;
    let contest = store::contests::find(conn, &idea.contest_id)?
        .ok_or_else(|| AppError::not_found("attachment"))?;
    access::require(
        conn,
        actor,
        Action::ViewIdea {
            idea: &idea,
            contest: &contest,
        },
    )
    .map_err(|e| {
        if matches!(e, AppError::Forbidden(_)) {
            AppError::not_found("attachment")
        } else {
            e
        }
    })?;
    let author = actor.user().is_some_and(|u| u.id == idea.author_id);
    let mut attachment = attachment;
    if !author
        && contest.awarded_at.is_none()
        && crate::app::contests::parse_rules(&contest).is_ok_and(|r| r.blind_judging)
    {
        let number = store::ideas::attachments_of(conn, &idea.id)?
            .iter()
            .position(|a| a.id == attachment.id)
            .unwrap_or(0);
        attachment.filename = blind_filename(number + 1, &attachment.content_type);
    }
    let bytes = store::ideas::attachment_bytes(conn, attachment_id)?;
    let bytes = served_bytes(&attachment, bytes, author)?;
    Ok((attachment, bytes))
}

/// The bytes a reader gets. Files stored since metadata is removed at upload are served as
/// stored; a file stored before (no `received_sha256`) is cleaned on the way out for everyone
/// but its author, and withheld (409 `attachment_unreadable`) if it cannot be.
pub fn served_bytes(
    attachment: &store::ideas::Attachment,
    bytes: Vec<u8>,
    author: bool,
) -> AppResult<Vec<u8>> {
    if author || attachment.received_sha256.is_some() {
        return Ok(bytes);
    }
    let Some(kind) = rules::sniff(&bytes) else {
        return Ok(bytes);
    };
    crate::domain::clean::clean(kind, &bytes)
        .map(|cleaned| cleaned.bytes)
        .map_err(|_| {
            AppError::conflict(
                ErrorCode::AttachmentUnreadable,
                "This file was stored before attachments lost their metadata, and it cannot be \
                 read to remove it; its author can attach it again.",
            )
        })
}
