//! A contest's results page: the outcome in one plain sentence per payout, the ranking with
//! each idea's id in the score sheet, the payouts, and what anyone needs to check it all (the
//! score sheet, its fingerprint, and `assets/check.js`, which recomputes everything in the
//! browser).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::app::award::{PayoutView, RankingRow, Results, Tie, TieBreak};
use crate::app::{appreciation, award, contests};
use crate::domain::rules::{Fallback, Rules};
use crate::web::AppState;
use crate::web::i18n;

use super::contests::{Card, card};
use super::{Page, kit};

/// A row of the ranking, in the reader's language.
#[derive(Serialize)]
struct Row<'a> {
    rank: usize,
    entry_id: &'a str,
    title: &'a str,
    author: &'a str,
    /// The author's person id, when they have a public page (`/people/{id}`).
    author_page: Option<String>,
    /// The score as published (for the check), and as people read it.
    score: Option<f64>,
    score_text: String,
    /// What the idea won: prize labels and amounts, empty when nothing.
    prize: String,
}

/// A payout on the results page, in the reader's language.
#[derive(Serialize)]
struct Payout<'a> {
    recipient: &'a str,
    /// The recipient's person id, when they have a public page.
    recipient_page: Option<String>,
    entry_id: Option<&'a str>,
    amount_cents: i64,
    amount: String,
    reason_key: &'a str,
    reason: String,
    status: String,
}

/// What the results page shows, beside the reader's context.
#[derive(Serialize)]
struct ResultsShow<'a> {
    contest: Card,
    results: &'a Results,
    sentences: Vec<String>,
    ranking: Vec<Row<'a>>,
    payouts: Vec<Payout<'a>>,
    public_ideas: Option<appreciation::PublicIdeas>,
    total: String,
    /// `concours verify <this>`: the contest's address in the API.
    api_address: String,
    /// The texts `assets/check.js` shows, in the reader's language.
    check_texts: Vec<(&'static str, String)>,
}

/// The keys of the texts `assets/check.js` reads from its section's `data-` attributes.
const CHECK_TEXTS: [&str; 12] = [
    "check_running",
    "check_failed",
    "check_all_ok",
    "check_some_wrong",
    "check_sheet_hash",
    "check_canonical",
    "check_rules_hash",
    "check_rules_same",
    "check_ranking",
    "check_payouts",
    "check_pool",
    "check_computed",
];

/// `1st`, `2nd`, `23rd` / `1er`, `2e`.
fn ordinal(n: usize, lang: &str) -> String {
    if lang == "fr" {
        return if n == 1 {
            "1er".into()
        } else {
            format!("{n}e")
        };
    }
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn score_text(score: Option<f64>, lang: &str) -> String {
    match score {
        Some(score) => kit::t_with(
            lang,
            "results_weighted_score",
            &[("score", &i18n::number(score, 1, lang))],
        ),
        None => kit::t(lang, "results_not_scored"),
    }
}

/// The outcome in plain sentences: one per payout, and before the shares of a split, one that
/// says why there is a split.
struct Outcome<'a> {
    lang: &'a str,
    currency: &'a str,
    rules: &'a Rules,
    rows: HashMap<&'a str, &'a RankingRow>,
}

impl Outcome<'_> {
    fn money(&self, cents: i64) -> String {
        i18n::money(cents, self.currency, self.lang)
    }

    /// "No idea reached 60/100" / "Only 2 ideas reached 60/100".
    fn reached(&self, qualified: usize) -> String {
        let minimum = self.rules.minimum_score.to_string();
        let key = match qualified {
            0 => "results_reached_none",
            1 => "results_reached_one",
            _ => "results_reached_many",
        };
        kit::t_with(
            self.lang,
            key,
            &[("min", &minimum), ("n", &qualified.to_string())],
        )
    }

    /// Title, author and score of an entry, for the sentences.
    fn entry(&self, entry_id: Option<&str>) -> [(&'static str, String); 3] {
        let row = entry_id.and_then(|id| self.rows.get(id));
        [
            ("title", row.map(|r| r.title.clone()).unwrap_or_default()),
            ("author", row.map(|r| r.author.clone()).unwrap_or_default()),
            ("score", score_text(row.and_then(|r| r.score), self.lang)),
        ]
    }

    fn say(&self, key: &str, values: &[(&str, String)]) -> String {
        let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        kit::t_with(self.lang, key, &values)
    }

    /// The sentences, and per payout (in order) the label of what it is.
    fn tell(&self, results: &Results) -> (Vec<String>, Vec<String>) {
        let payouts = &results.payouts;
        let qualified = payouts.iter().filter(|p| p.reason == "prize").count();
        let unclaimed: i64 = self
            .rules
            .prizes
            .iter()
            .skip(qualified)
            .map(|p| p.amount_cents)
            .sum();
        let shares = payouts.iter().filter(|p| p.reason == "fallback").count();
        let mut sentences = Vec::new();
        let mut labels = Vec::new();
        let (mut prize, mut fallback) = (0, 0);
        for p in payouts {
            let amount = ("amount", self.money(p.amount_cents));
            let [title, author, score] = self.entry(p.entry_id.as_deref());
            match p.reason.as_str() {
                "prize" => {
                    let label = self.prize_label(prize);
                    prize += 1;
                    sentences.push(self.say(
                        "results_sentence_prize",
                        &[
                            ("ordinal", ordinal(prize, self.lang)),
                            ("label", label.clone()),
                            amount,
                            title,
                            author,
                            score,
                        ],
                    ));
                    labels.push(label);
                }
                "fallback" => {
                    let reached = ("reached", self.reached(qualified));
                    match self.rules.fallback {
                        Fallback::BestAnyway => {
                            let label = self.prize_label(qualified + fallback);
                            sentences.push(self.say(
                                "results_sentence_best_anyway",
                                &[
                                    reached,
                                    ("ordinal", ordinal(qualified + fallback + 1, self.lang)),
                                    ("label", label.clone()),
                                    amount,
                                    title,
                                    author,
                                    score,
                                ],
                            ));
                            labels.push(label);
                        }
                        Fallback::SplitTop { .. } | Fallback::SplitAll => {
                            if fallback == 0 {
                                let key = if shares == 1 {
                                    "results_sentence_split_one"
                                } else {
                                    "results_sentence_split"
                                };
                                sentences.push(self.say(
                                    key,
                                    &[
                                        reached,
                                        ("n", shares.to_string()),
                                        ("total", self.money(unclaimed)),
                                    ],
                                ));
                            }
                            sentences.push(
                                self.say("results_sentence_share", &[amount, title, author, score]),
                            );
                            labels.push(kit::t(self.lang, "results_prize_share"));
                        }
                    }
                    fallback += 1;
                }
                _ => {
                    let beneficiary = ("beneficiary", p.recipient.clone());
                    let key = if results.ranking.is_empty() {
                        "results_sentence_no_entry"
                    } else {
                        "results_sentence_rest"
                    };
                    sentences.push(self.say(key, &[amount, beneficiary]));
                    labels.push(kit::t(self.lang, "reason_no_entries"));
                }
            }
        }
        (sentences, labels)
    }

    fn prize_label(&self, index: usize) -> String {
        self.rules
            .prizes
            .get(index)
            .map(|p| p.label.clone())
            .unwrap_or_default()
    }
}

/// One sentence per tie of the ranking: what put the higher idea first.
fn tie_sentences(ties: &[Tie], results: &Results, lang: &str) -> Vec<String> {
    let title = |id: &str| {
        results
            .ranking
            .iter()
            .find(|r| r.entry_id == id)
            .map(|r| (r.title.as_str(), r.score))
    };
    ties.iter()
        .filter_map(|tie| {
            let ((above, score), (below, _)) = (title(&tie.above)?, title(&tie.below)?);
            let score = i18n::number(score?, 1, lang);
            let mut values = vec![("above", above), ("below", below), ("score", &score)];
            let key = match &tie.by {
                TieBreak::Criterion(label) => {
                    values.push(("criterion", label));
                    "results_tie_criterion"
                }
                TieBreak::EarlierSubmission => "results_tie_submission",
                TieBreak::EntryId => "results_tie_id",
            };
            Some(kit::t_with(lang, key, &values))
        })
        .collect()
}

fn person_page(authors: &HashMap<String, String>, entry_id: Option<&str>) -> Option<String> {
    entry_id.and_then(|id| authors.get(id)).cloned()
}

fn payout<'a>(
    p: &'a PayoutView,
    currency: &str,
    lang: &str,
    authors: &HashMap<String, String>,
) -> Payout<'a> {
    Payout {
        recipient: &p.recipient,
        recipient_page: person_page(authors, p.entry_id.as_deref()),
        entry_id: p.entry_id.as_deref(),
        amount_cents: p.amount_cents,
        amount: i18n::money(p.amount_cents, currency, lang),
        reason_key: &p.reason,
        reason: kit::t(lang, &format!("reason_{}", p.reason)),
        status: kit::t(lang, &format!("status_{}", p.status)),
    }
}

pub async fn results(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> HttpResponse {
    let actor = page.actor.clone();
    let id = id.into_inner();
    let loaded = state
        .run(move |ctx, conn| {
            let contest = contests::show(ctx, conn, &actor, &id)?;
            let results = award::results(conn, &actor, &id)?;
            let authors = award::public_authors(conn, &actor, &id)?;
            let ties = award::ties(conn, &actor, &id)?;
            // The ideas themselves, when the rules publish them, with the crowd's marks.
            let public = appreciation::public_ideas(conn, &actor, &id).ok();
            Ok((contest, results, authors, ties, public))
        })
        .await;
    let (contest, mut results, authors, ties, public_ideas) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return page.error(&state.tera, error),
    };
    let lang = page.lang;
    // Someone who deleted their account is named in the reader's language.
    let former = kit::t(lang, "results_former_participant");
    for row in &mut results.ranking {
        if row.author == award::FORMER_PARTICIPANT {
            row.author.clone_from(&former);
        }
    }
    for p in &mut results.payouts {
        if p.entry_id.is_some() && p.recipient == award::FORMER_PARTICIPANT {
            p.recipient.clone_from(&former);
        }
    }
    let currency = contest.currency.as_str();
    let (mut sentences, labels) = match kit::rules(&contest) {
        Some(rules) => Outcome {
            lang,
            currency,
            rules: &rules,
            rows: results
                .ranking
                .iter()
                .map(|r| (r.entry_id.as_str(), r))
                .collect(),
        }
        .tell(&results),
        None => (Vec::new(), vec![String::new(); results.payouts.len()]),
    };
    sentences.extend(tie_sentences(&ties, &results, lang));
    let mut won: HashMap<&str, Vec<String>> = HashMap::new();
    for (p, label) in results.payouts.iter().zip(&labels) {
        if let Some(entry) = &p.entry_id {
            let amount = i18n::money(p.amount_cents, currency, lang);
            won.entry(entry)
                .or_default()
                .push(format!("{label}, {amount}"));
        }
    }
    let ranking = results
        .ranking
        .iter()
        .map(|r| Row {
            rank: r.rank,
            entry_id: &r.entry_id,
            title: &r.title,
            author: &r.author,
            author_page: person_page(&authors, Some(&r.entry_id)),
            score: r.score,
            score_text: r
                .score
                .map(|s| i18n::number(s, 1, lang))
                .unwrap_or_else(|| kit::t(lang, "results_not_scored")),
            prize: won
                .get(r.entry_id.as_str())
                .map(|w| w.join(" · "))
                .unwrap_or_default(),
        })
        .collect();
    let view = ResultsShow {
        contest: card(&contest, lang),
        sentences,
        ranking,
        payouts: results
            .payouts
            .iter()
            .map(|p| payout(p, currency, lang, &authors))
            .collect(),
        results: &results,
        public_ideas,
        total: i18n::money(results.total_paid_cents, currency, lang),
        api_address: format!(
            "{}/api/v1/contests/{}",
            state.ctx.settings.public_url().trim_end_matches('/'),
            contest.id
        ),
        check_texts: CHECK_TEXTS
            .iter()
            .map(|key| (*key, kit::t(lang, key)))
            .collect(),
    };
    page.render(&state.tera, "contests/results.html", &page.view(&view))
}

#[cfg(test)]
mod tests {
    use super::ordinal;

    #[test]
    fn ordinals_in_both_languages() {
        let en: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101]
            .iter()
            .map(|n| ordinal(*n, "en"))
            .collect();
        assert_eq!(
            en,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"
            ]
        );
        assert_eq!(ordinal(1, "fr"), "1er");
        assert_eq!(ordinal(2, "fr"), "2e");
    }
}
