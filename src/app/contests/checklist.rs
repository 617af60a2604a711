//! The opening checklist: every condition a draft must meet to open, each checked on its own
//! so that the brand sees all of them at once. [`super::open`] refuses with this same list; the
//! management page shows it before the confirmation that opening freezes the rules.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::money::format_cents;
use crate::domain::rules::Rules;
use crate::domain::status::JurorStatus;
use crate::domain::text;
use crate::store::{self, DbConnection, contests::Contest};

use super::super::{AppError, AppResult, Ctx, ErrorCode, FieldError, Validator};
use super::access::Actor;
use super::{MAX_BRIEF, MAX_TITLE, check_rule_texts, checked_text, find_managed, rules_of};

/// One condition of opening, and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "key", rename_all = "snake_case")]
pub enum Check {
    /// Title, brief and rule texts carry no hidden characters and fit their limits.
    Texts { problems: Vec<FieldError> },
    /// The submission deadline is ahead, and the award within the horizon.
    Dates { problems: Vec<FieldError> },
    /// The whole prize pool is confirmed in escrow (in the contest's currency).
    Escrow {
        funded_cents: i64,
        pool_cents: i64,
        currency: String,
    },
    /// Enough jurors invited (accepted, or invited and not expired).
    Jurors {
        counted: i64,
        accepted: i64,
        needed: i64,
    },
}

impl Check {
    /// Whether this condition is met.
    pub fn ok(&self) -> bool {
        match self {
            Check::Texts { problems } | Check::Dates { problems } => problems.is_empty(),
            Check::Escrow {
                funded_cents,
                pool_cents,
                ..
            } => funded_cents >= pool_cents,
            Check::Jurors {
                counted, needed, ..
            } => counted >= needed,
        }
    }
}

/// Every condition of opening, in the order the page lists them.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub checks: Vec<Check>,
}

impl Checklist {
    /// Whether the contest may open.
    pub fn passes(&self) -> bool {
        self.checks.iter().all(Check::ok)
    }

    /// The refusal `open` answers with, naming every failing condition: invalid texts or dates
    /// first (422, every field), else 409 with the code of the first failing condition
    /// (`not_funded`, then `not_enough_jurors`) and a message that names each of them.
    pub fn refusal(&self) -> Option<AppError> {
        let mut fields = Vec::new();
        let mut conflicts: Vec<(ErrorCode, String)> = Vec::new();
        for check in self.checks.iter().filter(|c| !c.ok()) {
            match check {
                Check::Texts { problems } | Check::Dates { problems } => {
                    fields.extend(problems.iter().cloned());
                }
                Check::Escrow {
                    funded_cents,
                    pool_cents,
                    currency,
                } => conflicts.push((
                    ErrorCode::NotFunded,
                    format!(
                        "Confirmed escrow covers {} of the {} prize pool; record a funding and have an admin confirm it.",
                        format_cents(*funded_cents, currency),
                        format_cents(*pool_cents, currency),
                    ),
                )),
                Check::Jurors {
                    counted, needed, ..
                } => conflicts.push((
                    ErrorCode::NotEnoughJurors,
                    format!(
                        "The rules ask for at least {needed} juror(s) invited before opening; {counted} are."
                    ),
                )),
            }
        }
        if !fields.is_empty() {
            return Some(AppError::Validation(fields));
        }
        let code = conflicts.first()?.0;
        let message = (conflicts.iter().map(|(_, m)| m.as_str()))
            .collect::<Vec<_>>()
            .join(" ");
        Some(AppError::conflict(code, message))
    }
}

/// Every condition of opening `contest` (a draft) at `now`, each checked whatever the others
/// found.
pub fn open_checklist(
    conn: &mut DbConnection,
    contest: &Contest,
    rules: &Rules,
    now: DateTime<Utc>,
) -> AppResult<Checklist> {
    // A draft written before texts were checked is checked once more, before its title, brief
    // and rules are frozen.
    let mut texts = Validator::new();
    checked_text(
        &mut texts,
        "title",
        &contest.title,
        MAX_TITLE,
        text::Lines::Single,
    );
    checked_text(
        &mut texts,
        "brief",
        &contest.brief,
        MAX_BRIEF,
        text::Lines::Multi,
    );
    check_rule_texts(&mut texts, rules);
    let jurors = store::jury::of_contest(conn, &contest.id)?;
    // A panel names one of the rules' tracks: one edited away since the invitation would leave
    // its juror with nothing to score.
    for (juror, _) in &jurors {
        if let Some(track) = juror.track.as_deref().filter(|t| rules.track(t).is_none()) {
            texts.add(
                "rules.tracks",
                format!(
                    "{} is invited to score the category “{track}”, which the rules do not have: add it back, or invite them again without it.",
                    juror.email
                ),
            );
        }
    }
    let dates = match rules.check_can_open(now) {
        Ok(()) => Vec::new(),
        Err(errors) => (errors.into_iter())
            .map(|e| FieldError {
                path: e.path,
                message: e.message,
            })
            .collect(),
    };
    // Only confirmed money in the contest's currency counts.
    let funded_cents = store::fundings::funded_cents(conn, &contest.id, &rules.currency)?;
    let counted = store::jury::count_active(conn, &contest.id, store::to_db(now))?;
    let accepted = (jurors.iter())
        .filter(|(j, _)| j.status == JurorStatus::Accepted)
        .count();
    Ok(Checklist {
        checks: vec![
            Check::Texts {
                problems: match texts.finish() {
                    Ok(()) => Vec::new(),
                    Err(AppError::Validation(problems)) => problems,
                    Err(other) => return Err(other),
                },
            },
            Check::Dates { problems: dates },
            Check::Escrow {
                funded_cents,
                pool_cents: rules.prize_pool_cents(),
                currency: rules.currency.clone(),
            },
            Check::Jurors {
                counted,
                accepted: i64::try_from(accepted).unwrap_or(i64::MAX),
                needed: i64::from(rules.min_jurors),
            },
        ],
    })
}

/// The opening checklist of a draft the caller manages, as the page shows it; `None` once the
/// contest is open.
pub fn checklist(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Option<Checklist>> {
    let contest = find_managed(conn, actor, contest_id)?;
    if contest.is_opened() {
        return Ok(None);
    }
    let rules = rules_of(ctx, &contest)?;
    open_checklist(conn, &contest, &rules, ctx.now()).map(Some)
}
