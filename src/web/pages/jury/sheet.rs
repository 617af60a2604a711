//! Saving a juror's score sheet for an entry; an error shows the scoring page again with what
//! was typed.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::app::jury::{self, ScoreSheet};
use crate::web::AppState;
use crate::web::pages::{CsrfForm, SignedInPage, see_other, url_escape};

use super::score::{JuryPageState, Selection, TypedSheet, render_jury};

/// The score form: one `score_<criterion key>` field per criterion (named by the contest's
/// rules, hence a map), the comment, and `finish` on the juror's last entry to score.
#[derive(Debug, Deserialize)]
pub(crate) struct ScoreForm {
    #[serde(default)]
    comment: Option<String>,
    #[serde(flatten)]
    fields: BTreeMap<String, String>,
}

pub(crate) async fn scores_post(
    state: web::Data<AppState>,
    page: SignedInPage,
    path: web::Path<(String, String)>,
    form: CsrfForm<ScoreForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let (contest_id, entry_id) = path.into_inner();
    // Set by the form when this entry is the juror's last one to score; it only chooses where
    // the juror lands, never what is saved.
    let finish = form.fields.contains_key("finish");
    let mut typed = TypedSheet {
        entry_id: entry_id.clone(),
        comment: form.comment,
        ..Default::default()
    };
    let mut scores = BTreeMap::new();
    for (name, value) in &form.fields {
        if let Some(key) = name.strip_prefix("score_") {
            typed.scores.insert(key.to_owned(), value.clone());
            // A blank or unreadable score is left out: the use case says it is missing.
            if let Ok(number) = value.trim().parse::<i64>() {
                scores.insert(key.to_owned(), number);
            }
        }
    }
    let sheet = ScoreSheet {
        scores,
        comment: typed.comment.clone(),
    };
    let (contest, entry) = (contest_id.clone(), entry_id.clone());
    match page
        .run(&state, move |ctx, conn, actor| {
            jury::save_scores(ctx, conn, actor, &contest, &entry, sheet)
        })
        .await
    {
        // The last entry's button ("Save and finish") leads to the juror's progress; any other
        // to the next entry still to score.
        Ok(_) if finish => page.finish(see_other(&format!(
            "/contests/{}/jury?done=finished",
            url_escape(&contest_id)
        ))),
        Ok(_) => page.finish(see_other(&format!(
            "/contests/{}/jury?after={}&done=saved",
            url_escape(&contest_id),
            url_escape(&entry_id)
        ))),
        Err(error) => {
            let extra = JuryPageState {
                typed: Some(typed),
                error: Some(error),
                notice: None,
            };
            render_jury(&state, &page, contest_id, Selection::Entry(entry_id), extra).await
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use actix_web::FromRequest;

    use super::ScoreForm;
    use crate::web::pages::{CSRF_COOKIE, CsrfForm};

    #[actix_web::test]
    async fn a_score_form_gives_its_scores_by_field_name_and_its_comment() {
        let token = "b".repeat(64);
        let (req, mut payload) = actix_web::test::TestRequest::post()
            .cookie(actix_web::cookie::Cookie::new(CSRF_COOKIE, token.clone()))
            .set_form([
                ("csrf", token.as_str()),
                ("score_impact", "7"),
                ("score_impact", "8"),
                ("score_cost", " 3 "),
                ("comment", "Clear."),
            ])
            .to_http_parts();
        let form = CsrfForm::<ScoreForm>::from_request(&req, &mut payload)
            .await
            .unwrap()
            .into_inner();
        assert_eq!(form.comment.as_deref(), Some("Clear."));
        let scores: BTreeMap<&str, &str> = form
            .fields
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("score_")?, v.as_str())))
            .collect();
        // The last of two fields of one name counts, as it always did.
        assert_eq!(scores, BTreeMap::from([("cost", " 3 "), ("impact", "8")]));
        assert!(!form.fields.contains_key("csrf"));
    }
}
