//! "What needs you now", the top of the management page: the opening checklist in draft,
//! then the jury, the entries, the judging progress and the payouts, by phase, in the reader's
//! language.

use serde::Serialize;

use crate::app::contests::{self, ContestView};
use crate::domain::status::{JurorStatus, PayoutStatus};
use crate::web::i18n;

use super::super::super::{kit, t};
use super::Management;

/// One line of the opening checklist.
#[derive(Debug, Serialize)]
struct CheckRow {
    ok: bool,
    text: String,
    /// What to do about it (empty when done).
    todo: String,
    /// Where to do it (`#fundings`, the editor).
    href: String,
}

/// "What needs you now": the top of the page, for the contest's phase, its sentences in the
/// reader's language.
#[derive(Debug, Default, Serialize)]
pub(super) struct Guide {
    /// Draft: every condition of opening, and whether all are met.
    checks: Vec<CheckRow>,
    can_open: bool,
    /// Once open: the invitations nobody accepted yet (empty when none), and who they went to.
    pending: String,
    pending_emails: String,
    /// How many jurors accepted, out of those the rules ask for.
    accepted: String,
    /// Ideas submitted so far.
    entries: String,
    /// Judging: jurors done and sheets scored; whether some are left.
    progress: String,
    unfinished: bool,
    /// Awarded: payouts paid, and what is still due.
    payouts: String,
}

/// The opening checklist as the page lists it, in the reader's language.
fn check_rows(list: &contests::Checklist, contest: &ContestView, lang: &str) -> Vec<CheckRow> {
    let edit = format!("/contests/{}/edit", contest.id);
    list.checks
        .iter()
        .map(|check| {
            let ok = check.ok();
            let (text, todo, href) = match check {
                contests::Check::Texts { .. } => (
                    t(
                        lang,
                        if ok {
                            "guide_check_texts_ok"
                        } else {
                            "guide_check_texts"
                        },
                    ),
                    t(lang, "guide_check_texts_todo"),
                    edit.clone(),
                ),
                contests::Check::Dates { problems } => {
                    let far = problems.iter().any(|p| p.path == "rules.judging_deadline");
                    let todo = if far {
                        "guide_check_dates_far"
                    } else {
                        "guide_check_dates_todo"
                    };
                    (
                        t(
                            lang,
                            if ok {
                                "guide_check_dates_ok"
                            } else {
                                "guide_check_dates"
                            },
                        ),
                        t(lang, todo),
                        edit.clone(),
                    )
                }
                contests::Check::Escrow {
                    funded_cents,
                    pool_cents,
                    currency,
                } => {
                    let money = |cents: i64| i18n::money(cents, currency, lang);
                    let values = [
                        ("funded", money(*funded_cents)),
                        ("pool", money(*pool_cents)),
                        ("missing", money((pool_cents - funded_cents).max(0))),
                    ];
                    let values: Vec<(&str, &str)> =
                        values.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    (
                        kit::t_with(lang, "guide_check_escrow", &values),
                        kit::t_with(lang, "guide_check_escrow_todo", &values),
                        "#fundings".to_owned(),
                    )
                }
                contests::Check::Jurors {
                    counted,
                    accepted,
                    needed,
                } => {
                    let values = [
                        ("counted", counted.to_string()),
                        ("accepted", accepted.to_string()),
                        ("needed", needed.to_string()),
                        ("missing", (needed - counted).max(0).to_string()),
                    ];
                    let values: Vec<(&str, &str)> =
                        values.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    (
                        kit::t_with(lang, "guide_check_jurors", &values),
                        kit::t_with(lang, "guide_check_jurors_todo", &values),
                        "#jurors".to_owned(),
                    )
                }
            };
            let todo = if ok { String::new() } else { todo };
            CheckRow {
                ok,
                text,
                todo,
                href,
            }
        })
        .collect()
}

impl Guide {
    pub(super) fn of(m: &Management, lang: &str) -> Guide {
        let c = &m.contest;
        let text = |key: &str, values: &[(&str, String)]| {
            let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
            kit::t_with(lang, key, &values)
        };
        let mut guide = Guide::default();
        if let Some(list) = &m.checklist {
            guide.checks = check_rows(list, c, lang);
            guide.can_open = list.passes();
        }
        let pending: Vec<&str> = (m.jurors.iter())
            .filter(|j| j.status == JurorStatus::Invited)
            .map(|j| j.email.as_str())
            .collect();
        if !pending.is_empty() {
            guide.pending = text("guide_pending_jurors", &[("n", pending.len().to_string())]);
            guide.pending_emails = pending.join(", ");
        }
        let needed = kit::rules(c).map_or(0, |r| r.min_jurors);
        guide.accepted = text(
            "guide_jurors_accepted",
            &[
                ("n", (m.jurors.len() - pending.len()).to_string()),
                ("needed", needed.to_string()),
            ],
        );
        let entries = (m.ideas.iter())
            .filter(|i| i.status != crate::domain::ideas::Status::Withdrawn)
            .filter(|i| i.submitted_at.is_some())
            .count();
        guide.entries = text("guide_entries", &[("n", entries.to_string())]);
        let done = (m.progress.iter())
            .filter(|p| p.scored >= p.assigned)
            .count();
        let scored: usize = m.progress.iter().map(|p| p.scored).sum();
        let assigned: usize = m.progress.iter().map(|p| p.assigned).sum();
        guide.unfinished = scored < assigned;
        let key = if m.progress.is_empty() {
            "guide_judging_no_juror"
        } else {
            "guide_judging_progress"
        };
        guide.progress = text(
            key,
            &[
                ("done", done.to_string()),
                ("total", m.progress.len().to_string()),
                ("scored", scored.to_string()),
                ("assigned", assigned.to_string()),
            ],
        );
        if let Some(results) = &m.results {
            let due: Vec<_> = (results.payouts.iter())
                .filter(|p| p.status == PayoutStatus::Due)
                .collect();
            let due_cents = due.iter().map(|p| p.amount_cents).sum();
            let values = [
                ("paid", (results.payouts.len() - due.len()).to_string()),
                ("total", results.payouts.len().to_string()),
                ("amount", i18n::money(due_cents, &c.currency, lang)),
            ];
            let key = if due.is_empty() {
                "guide_payouts_all_paid"
            } else {
                "guide_payouts"
            };
            guide.payouts = text(key, &values);
        }
        guide
    }
}
