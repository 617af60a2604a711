//! Attaching a file to an idea. The form is multipart, so its CSRF field is read with the file
//! (the kit's `CsrfForm` reads urlencoded forms only).

use actix_multipart::Multipart;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::app::AppError;
use crate::app::ideas::{self, Upload};
use crate::web::AppState;
use crate::web::pages::SignedInPage;

use super::show::{Done, IdeaPageState, change_idea, render_idea};

/// Reads the upload form: its CSRF field and one file, within the size limit.
async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<(String, Upload), AppError> {
    let too_large = || AppError::TooLarge(format!("An attachment has at most {limit} bytes."));
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit + 16 * 1024) {
        return Err(too_large());
    }
    let unreadable = |_| AppError::field("file", "Choose a file to upload.");
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut csrf = String::new();
    let mut upload: Option<Upload> = None;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .unwrap_or("attachment")
            .to_owned();
        let mut bytes = Vec::new();
        let cap = if name == "file" { limit } else { 1024 };
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if bytes.len() + chunk.len() > cap {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" if upload.is_none() => upload = Some(Upload { filename, bytes }),
            _ => {}
        }
    }
    let upload = upload
        .filter(|u| !u.bytes.is_empty())
        .ok_or_else(|| AppError::field("file", "Choose a file to upload."))?;
    Ok((csrf, upload))
}

pub(crate) async fn attach_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let id = id.into_inner();
    let limit = state.ctx.settings.ideas.max_attachment_bytes as usize;
    // Whether this person may attach to this idea now, before the body is read (issue 16.14).
    let idea_id = id.clone();
    if let Err(error) = page
        .run(&state, move |ctx, conn, actor| {
            ideas::may_attach(ctx, conn, actor, &idea_id)
        })
        .await
    {
        return render_idea(&state, &page, id, IdeaPageState::failed(error)).await;
    }
    let upload = match read_upload(&req, payload, limit).await {
        Ok((csrf, upload)) if page.csrf_ok(&csrf) => upload,
        Ok(_) => return page.csrf_refused(&state.tera),
        Err(error) => return render_idea(&state, &page, id, IdeaPageState::failed(error)).await,
    };
    let prepared = match web::block(move || ideas::prepare(upload)).await {
        Ok(Ok(prepared)) => prepared,
        Ok(Err(error)) => {
            return render_idea(&state, &page, id, IdeaPageState::failed(error)).await;
        }
        Err(error) => {
            let error = AppError::internal(error);
            return render_idea(&state, &page, id, IdeaPageState::failed(error)).await;
        }
    };
    change_idea(
        &state,
        &page,
        id,
        Done::Attached,
        IdeaPageState::default(),
        |ctx, conn, actor, id| ideas::attach(ctx, conn, actor, id, prepared),
    )
    .await
}
