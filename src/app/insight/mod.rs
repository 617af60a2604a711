//! What a brand learns from its contest, while it runs and afterwards: participation over time,
//! judging progress, how the scores spread, how each juror scored against the panel and how
//! much the panel agreed; and the organisation's exports. For the organisation's members.
//!
//! It informs and never changes anything: the ranking stays the one the frozen rules define.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::Value;

use super::access::{self, Action, Actor};
use super::contests::{load_visible, phase_of, rules_of};
use super::{AppError, AppResult, Ctx, ErrorCode};
use crate::domain::award::sheet_score;
use crate::domain::lifecycle::Phase;
use crate::domain::stats::{self, Summary};
use crate::store::{self, DbConnection};

mod dashboard;
mod export;

pub use dashboard::{record_source, stats, tag};
pub use export::{Csv, Export, export};

/// A contest's figures (`GET /api/v1/contests/{id}/stats`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContestStats {
    pub contest_id: String,
    /// `draft`, `upcoming`, `submission`, `judging` or `awarded`.
    #[schema(value_type = String)]
    pub phase: Phase,
    /// People with at least one idea, draft or submitted.
    pub participants: usize,
    /// People with at least one idea submitted (now or earlier).
    pub submitters: usize,
    pub ideas: IdeaCounts,
    /// One point per day from the opening to today (or the submission deadline), cumulative.
    pub timeline: Vec<Day>,
    /// From the opening to the first submitted idea; null until there is one.
    pub seconds_to_first_idea: Option<i64>,
    /// From the opening to the hundredth submitted idea; null until there are a hundred.
    pub seconds_to_hundredth_idea: Option<i64>,
    pub judging: JudgingStats,
    /// Per criterion of the rules: how the jurors' scores spread. Until the award the
    /// histogram is empty and the summary null: a distribution of the scores would tell
    /// the organisers how the entries stand while the jury is still judging.
    pub criteria: Vec<CriterionStats>,
    /// Sheet scores out of 100 (the rules' weighted formula), over every sheet saved; null
    /// until the award.
    #[schema(value_type = Option<Object>)]
    pub sheet_scores: Option<Summary>,
    /// How the jurors scored; null until two sheets exist. Until the award only each juror's
    /// sheet count and offset from the panel (see [`CalibrationView`]).
    pub calibration: Option<CalibrationView>,
    /// Where participants came from, most first: the `ref` or `utm_source` tag of the contest
    /// link they opened, or the site that linked to it; `direct` when nothing said. In a
    /// contest judged blind, until the award: only sources of at least
    /// [`MIN_SOURCE_BUCKET`] participants are named, everyone else is counted under `other`
    /// (which includes `direct`), and only participants who came before `sources_as_of`.
    pub sources: Vec<SourceCount>,
    /// When `sources` is a daily figure (blind judging, before the award): the start of the
    /// UTC day it was counted at. Null when the counts are live.
    pub sources_as_of: Option<DateTime<Utc>>,
}

/// The smallest source a blind contest names before its award: a smaller one would let an
/// organiser who sent someone a personal link (`?ref=lea-0417`) see when that person entered.
pub const MIN_SOURCE_BUCKET: usize = 5;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceCount {
    pub source: String,
    /// The `utm_campaign` tag; empty when none.
    pub campaign: String,
    pub participants: usize,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct IdeaCounts {
    pub drafts: usize,
    pub submitted: usize,
    pub withdrawn: usize,
    pub disqualified: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Day {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Ideas submitted by the end of that day (first submissions).
    pub submitted: usize,
    /// People who had submitted by the end of that day.
    pub submitters: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JudgingStats {
    pub jurors: usize,
    pub sheets_saved: usize,
    /// Sheets the jurors' lists call for (entries assigned, conflicts left out).
    pub sheets_expected: usize,
    pub per_juror: Vec<super::jury::JurorProgress>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CriterionStats {
    pub key: String,
    pub label: String,
    pub weight: u32,
    pub max: u32,
    /// How many scores of 0, 1, … `max`.
    pub histogram: Vec<u64>,
    #[schema(value_type = Option<Object>)]
    pub summary: Option<Summary>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalibrationView {
    pub jurors: Vec<JurorCalibrationView>,
    /// Per entry: its means and ranks. Empty until the award: they are the ranking.
    pub entries: Vec<EntryCalibrationView>,
    /// Kendall's W over the entries every juror scored: 0 = no agreement on the order, 1 = the
    /// same order from everyone. Null until the award.
    pub kendalls_w: Option<f64>,
    /// How many entries `kendalls_w` is computed over.
    pub w_entries: usize,
    /// `none`, `weak`, `moderate`, `strong` or `very_strong`.
    pub agreement: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JurorCalibrationView {
    pub display_name: String,
    pub sheets: usize,
    /// Mean sheet score out of 100; null until the award (no one sees a juror's scores before).
    pub mean: Option<f64>,
    /// Null until the award.
    pub sd: Option<f64>,
    /// Mean difference from the other jurors on the same entries: negative is harsher.
    pub offset_from_panel: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryCalibrationView {
    pub title: String,
    pub sheets: usize,
    /// Mean sheet score out of 100, and the rank it gives.
    pub raw_mean: f64,
    pub raw_rank: usize,
    /// Mean of the jurors' z-scores (each juror's scores measured against their own mean and
    /// spread), and the rank it would give: if it differs much from the raw rank, a harsh or
    /// lenient juror weighed on the outcome.
    pub z_mean: f64,
    pub z_rank: usize,
    /// The rank in the published results, once awarded.
    pub official_rank: Option<usize>,
}

/// The contest, if the caller may see its figures: the organisation's members.
fn load_insight(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<store::contests::Contest> {
    let contest = load_visible(conn, actor, contest_id)?;
    access::require(conn, actor, Action::ManageContest { contest: &contest })?;
    Ok(contest)
}

#[cfg(test)]
mod tests;
