//! The call to action of a contest's public page, for the reader as an innovator: "Submit an
//! idea" only while they can, else their draft, their idea, or when submissions open.

use serde::Serialize;

use crate::app::contests::ContestView;
use crate::app::ideas::EntryState;
use crate::domain::lifecycle::Phase;

use super::shared::ContestInfo;

/// What the contest page offers the reader (`entry` in `templates/contests/show.html`).
#[derive(Debug, Default, Serialize)]
pub(crate) struct CallToAction {
    /// "Submit an idea": submissions are open and the reader may still enter.
    pub submit: bool,
    /// "Prepare a draft": the contest opens later and the reader has no draft yet.
    pub prepare: bool,
    /// "Continue your draft", to this idea.
    pub draft_id: Option<String>,
    /// "See your idea", to this idea.
    pub idea_id: Option<String>,
    /// "Submissions open on …", before they do.
    pub opens: String,
    /// The reader has entered as many ideas as the contest accepts.
    pub limit_reached: bool,
}

pub(crate) fn call_to_action(
    contest: &ContestView,
    entry: &EntryState,
    lang: &str,
) -> CallToAction {
    let no_draft = entry.draft_id.is_none();
    match contest.phase {
        Phase::Submission => CallToAction {
            submit: entry.may_enter && no_draft,
            draft_id: entry.draft_id.clone(),
            idea_id: entry.submitted_id.clone(),
            limit_reached: !entry.may_enter && entry.submitted_id.is_some(),
            ..Default::default()
        },
        Phase::Upcoming => CallToAction {
            prepare: entry.may_enter && no_draft,
            draft_id: entry.draft_id.clone(),
            opens: super::shared::t_with(
                lang,
                "entry_cta_opens",
                &[("date", &ContestInfo::of(contest, lang).opens_at)],
            ),
            ..Default::default()
        },
        Phase::Judging | Phase::Awarded => CallToAction {
            idea_id: entry.submitted_id.clone(),
            ..Default::default()
        },
        Phase::Draft => CallToAction::default(),
    }
}
