//! The judging structure of a contest (issue 20) as the pages explain it: each earlier round
//! with its end, its criteria and who goes on, the final, the categories (tracks) with their
//! prizes, and how sheets make a score when it is not the mean; in the reader's language.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::app::rounds::{RoundRef, RoundView};
use crate::domain::rules::{Advance, AdvanceRule, Aggregation, Criterion, FINAL_ROUND, Rules};
use crate::web::i18n;

use super::super::kit;

/// An instant for a `<time>` element: its text and its `datetime`.
#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct When {
    pub text: String,
    pub iso: String,
}

impl When {
    pub fn of(at: DateTime<Utc>, lang: &str) -> When {
        When {
            text: i18n::date(at, lang),
            iso: at.to_rfc3339_opts(SecondsFormat::Secs, true),
        }
    }
}

/// The label of a round in the reader's language: the final one is named by the catalogue.
pub(crate) fn round_label(key: &str, label: &str, lang: &str) -> String {
    if key == FINAL_ROUND {
        kit::t(lang, "structure_final")
    } else {
        label.to_owned()
    }
}

/// The round being judged, as the pages name it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RoundNow {
    pub key: String,
    pub label: String,
    pub ends: When,
}

impl RoundNow {
    pub fn of(round: &RoundRef, lang: &str) -> RoundNow {
        RoundNow {
            key: round.key.clone(),
            label: round_label(&round.key, &round.label, lang),
            ends: When::of(round.ends_at, lang),
        }
    }
}

/// One round as the contest page explains it.
#[derive(Debug, Serialize)]
pub(crate) struct RoundShown {
    pub label: String,
    pub ends: When,
    pub is_final: bool,
    /// Each criterion in words (the final's are the main criteria, shown apart).
    pub criteria: Vec<String>,
    pub advance: String,
    /// `judging`, `closed` or `pending` (empty before the contest opened).
    pub status: String,
    pub status_text: String,
}

/// A category with its prizes: (label, amount).
#[derive(Debug, Serialize)]
pub(crate) struct TrackShown {
    pub key: String,
    pub label: String,
    pub prizes: Vec<(String, String)>,
}

/// The structure of a contest; everything empty for a contest without rounds or tracks.
#[derive(Debug, Serialize, Default)]
pub(crate) struct Structure {
    pub intro: String,
    pub rounds: Vec<RoundShown>,
    pub tracks: Vec<TrackShown>,
    pub pool: String,
    pub aggregation: String,
}

fn criterion(c: &Criterion, lang: &str) -> String {
    kit::t_with(
        lang,
        "structure_criterion",
        &[
            ("label", &c.label),
            ("weight", &c.weight.to_string()),
            ("max", &c.max.to_string()),
        ],
    )
}

/// `10th` / `10e`, `1re` in French (an idea is feminine).
fn ordinal(n: u32, lang: &str) -> String {
    i18n::ordinal(n as usize, lang, i18n::Gender::Feminine)
}

/// "The 10 best-scored ideas go on to the final, with any tied with the 10th."
pub(crate) fn advance_sentence(advance: &Advance, next: Option<&str>, lang: &str) -> String {
    let to = match next {
        None => kit::t(lang, "structure_to_final"),
        Some(label) => kit::t_with(lang, "structure_to_round", &[("label", label)]),
    };
    match advance.rule {
        AdvanceRule::Top(n) => {
            let scope = if advance.per_track {
                kit::t(lang, "structure_in_each")
            } else {
                String::new()
            };
            let key = if n == 1 {
                "structure_advance_top_one"
            } else {
                "structure_advance_top"
            };
            kit::t_with(
                lang,
                key,
                &[
                    ("n", &n.to_string()),
                    ("nth", &ordinal(n, lang)),
                    ("in", &scope),
                    ("to", &to),
                ],
            )
        }
        AdvanceRule::MinScore(score) => {
            let scope = if advance.per_track {
                kit::t(lang, "structure_in_each_min")
            } else {
                String::new()
            };
            kit::t_with(
                lang,
                "structure_advance_min",
                &[("score", &score.to_string()), ("in", &scope), ("to", &to)],
            )
        }
    }
}

/// What a round's status says: being judged, or how many went on once closed.
pub(crate) fn status_text(view: &RoundView, lang: &str) -> String {
    match view.status {
        "judging" => kit::t(lang, "structure_status_judging"),
        "closed" => match (&view.advanced, view.entrants) {
            (Some(advanced), Some(entrants)) => kit::t_with(
                lang,
                "structure_status_closed",
                &[
                    ("advanced", &advanced.len().to_string()),
                    ("entrants", &entrants.to_string()),
                ],
            ),
            _ => kit::t(lang, "structure_status_done"),
        },
        _ => kit::t(lang, "structure_status_pending"),
    }
}

/// The structure of `rules`, with the rounds' status when the contest is open (`views`, from
/// `app::rounds::rounds`: every round, the final last).
pub(crate) fn of(rules: &Rules, views: &[RoundView], currency: &str, lang: &str) -> Structure {
    let money = |cents: i64| i18n::money(cents, currency, lang);
    let mut rounds = Vec::new();
    if !rules.rounds.is_empty() {
        for (i, round) in rules.rounds.iter().enumerate() {
            let next = rules.rounds.get(i + 1).map(|r| r.label.as_str());
            let view = views.iter().find(|v| v.key == round.key);
            rounds.push(RoundShown {
                label: round.label.clone(),
                ends: When::of(round.ends_at, lang),
                is_final: false,
                criteria: round.criteria.iter().map(|c| criterion(c, lang)).collect(),
                advance: advance_sentence(&round.advance, next, lang),
                status: view.map(|v| v.status.to_owned()).unwrap_or_default(),
                status_text: view.map(|v| status_text(v, lang)).unwrap_or_default(),
            });
        }
        let view = views.iter().find(|v| v.key == FINAL_ROUND);
        rounds.push(RoundShown {
            label: kit::t(lang, "structure_final"),
            ends: When::of(rules.judging_deadline, lang),
            is_final: true,
            criteria: Vec::new(),
            advance: kit::t(lang, "structure_final_decides"),
            status: view.map(|v| v.status.to_owned()).unwrap_or_default(),
            status_text: view.map(|v| status_text(v, lang)).unwrap_or_default(),
        });
    }
    let tracks = (rules.tracks.iter())
        .map(|t| TrackShown {
            key: t.key.clone(),
            label: t.label.clone(),
            prizes: (t.prizes.iter())
                .map(|p| (p.label.clone(), money(p.amount_cents)))
                .collect(),
        })
        .collect();
    let aggregation = match rules.aggregation() {
        Aggregation::Mean => String::new(),
        Aggregation::Median => kit::t(lang, "structure_aggregation_median"),
        Aggregation::TrimmedMean => kit::t(lang, "structure_aggregation_trimmed_mean"),
    };
    Structure {
        intro: if rules.rounds.is_empty() {
            String::new()
        } else {
            kit::t_with(
                lang,
                "structure_intro_rounds",
                &[("count", &(rules.rounds.len() + 1).to_string())],
            )
        },
        rounds,
        tracks,
        pool: kit::t_with(
            lang,
            "structure_pool",
            &[("pool", &money(rules.prize_pool_cents()))],
        ),
        aggregation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_as_people_write_them() {
        let en: Vec<String> = [1, 2, 3, 4, 10, 11, 12, 13, 21, 22, 101, 111]
            .iter()
            .map(|n| ordinal(*n, "en"))
            .collect();
        assert_eq!(
            en,
            [
                "1st", "2nd", "3rd", "4th", "10th", "11th", "12th", "13th", "21st", "22nd",
                "101st", "111th"
            ]
        );
        assert_eq!(ordinal(1, "fr"), "1re");
        assert_eq!(ordinal(10, "fr"), "10e");
    }

    #[test]
    fn who_goes_on_is_one_sentence() {
        let top = Advance {
            rule: AdvanceRule::Top(10),
            per_track: false,
        };
        assert_eq!(
            advance_sentence(&top, None, "en"),
            "The 10 best-scored ideas go on to the final, with any tied with the 10th."
        );
        let min = Advance {
            rule: AdvanceRule::MinScore(60),
            per_track: true,
        };
        assert_eq!(
            advance_sentence(&min, Some("Shortlist"), "en"),
            "Every idea scoring at least 60 out of 100 goes on to the round “Shortlist”, in each category."
        );
        let per_track = Advance {
            rule: AdvanceRule::Top(3),
            per_track: true,
        };
        assert_eq!(
            advance_sentence(&per_track, None, "fr"),
            "Les 3 idées les mieux notées de chaque catégorie passent en finale, ainsi que toutes celles à égalité avec la 3e."
        );
    }
}
