//! A contest's results page: the outcome in one plain sentence per payout, the ranking with
//! each idea's id in the score sheet, the payouts, and what anyone needs to check it all (the
//! score sheet, its fingerprint, and `assets/check.js`, which recomputes everything in the
//! browser).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::app::award::{PayoutView, RankingRow, Results, Tie, TieBreak};
use crate::app::{appreciation, award, contests};
use crate::domain::rules::{FINAL_ROUND, Fallback, Prize, Rules};
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
    /// The entry's track (its key for the check, its label for people), with tracks.
    track: Option<&'a str>,
    track_label: String,
    /// The key of the last round it reached (for the check) and its label, with rounds.
    round: &'a str,
    round_label: String,
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
    /// The track whose prize it is (key for the check, label for people), with tracks.
    track: Option<&'a str>,
    track_label: String,
}

/// The outcome sentences of one stage of the allocation: the overall prizes (`title` None
/// without tracks) or one track's, with its label.
#[derive(Serialize)]
struct Stage {
    title: Option<String>,
    sentences: Vec<String>,
}

/// What the results page shows, beside the reader's context.
#[derive(Serialize)]
struct ResultsShow<'a> {
    contest: Card,
    results: &'a Results,
    /// The outcome, stage by stage (one untitled stage without tracks).
    stages: Vec<Stage>,
    /// Whether the rules have tracks, or rounds: the ranking then shows each entry's track, or
    /// the round it reached.
    with_tracks: bool,
    with_rounds: bool,
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

/// `1st`, `2nd`, `23rd` / `1er`, `2e` (a prize: masculine in French).
fn ordinal(n: usize, lang: &str) -> String {
    i18n::ordinal(n, lang, i18n::Gender::Masculine)
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
    fn reached(&self, qualified: usize, track: Option<&str>) -> String {
        let minimum = self.rules.minimum_score.to_string();
        let key = match qualified {
            0 => "results_reached_none",
            1 => "results_reached_one",
            _ => "results_reached_many",
        };
        kit::t_with(
            self.lang,
            &Self::key(track, key),
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

    /// The sentences per stage (the overall prizes, then each track in the rules' order), and
    /// per payout (in order) the label of what it is.
    fn tell(&self, results: &Results) -> (Vec<Stage>, Vec<String>) {
        let mut labels = vec![String::new(); results.payouts.len()];
        let mut stages = Vec::new();
        let with_tracks = !self.rules.tracks.is_empty();
        let overall = (with_tracks && !self.rules.prizes.is_empty())
            .then(|| kit::t(self.lang, "results_overall_prizes"));
        let mut all = vec![(None, overall, &self.rules.prizes)];
        for track in &self.rules.tracks {
            all.push((Some(track), Some(track.label.clone()), &track.prizes));
        }
        for (track, title, prizes) in all {
            let key = track.map(|t| t.key.as_str());
            let indices: Vec<usize> = (0..results.payouts.len())
                .filter(|i| results.payouts[*i].track.as_deref() == key)
                .collect();
            if indices.is_empty() {
                continue;
            }
            let sentences = self.tell_stage(results, prizes, key, &indices, &mut labels);
            stages.push(Stage { title, sentences });
        }
        (stages, labels)
    }

    /// A text of a track's stage when there is one (`key` + `_track`), else `key`.
    fn key(track: Option<&str>, key: &str) -> String {
        match track {
            Some(_) => format!("{key}_track"),
            None => key.to_owned(),
        }
    }

    /// The sentences of one stage: its payouts (`indices` into the results' payouts) under its
    /// `prizes`, inside its track when it has one; fills in the payouts' labels.
    fn tell_stage(
        &self,
        results: &Results,
        prizes: &[Prize],
        track: Option<&str>,
        indices: &[usize],
        labels: &mut [String],
    ) -> Vec<String> {
        let payouts: Vec<&PayoutView> = indices.iter().map(|i| &results.payouts[*i]).collect();
        let qualified = payouts.iter().filter(|p| p.reason == "prize").count();
        let unclaimed: i64 = prizes.iter().skip(qualified).map(|p| p.amount_cents).sum();
        let shares = payouts.iter().filter(|p| p.reason == "fallback").count();
        let label_of = |index: usize| {
            prizes
                .get(index)
                .map(|p| p.label.clone())
                .unwrap_or_default()
        };
        let mut sentences = Vec::new();
        let (mut prize, mut fallback) = (0, 0);
        for (p, index) in payouts.iter().zip(indices) {
            let amount = ("amount", self.money(p.amount_cents));
            let [title, author, score] = self.entry(p.entry_id.as_deref());
            match p.reason.as_str() {
                "prize" => {
                    let label = label_of(prize);
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
                    labels[*index] = label;
                }
                "fallback" => {
                    let reached = ("reached", self.reached(qualified, track));
                    match self.rules.fallback {
                        Fallback::BestAnyway => {
                            let label = label_of(qualified + fallback);
                            sentences.push(self.say(
                                &Self::key(track, "results_sentence_best_anyway"),
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
                            labels[*index] = label;
                        }
                        Fallback::SplitTop { .. } | Fallback::SplitAll => {
                            if fallback == 0 {
                                let key = if shares == 1 {
                                    "results_sentence_split_one"
                                } else {
                                    "results_sentence_split"
                                };
                                sentences.push(self.say(
                                    &Self::key(track, key),
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
                            labels[*index] = kit::t(self.lang, "results_prize_share");
                        }
                    }
                    fallback += 1;
                }
                _ => {
                    let beneficiary = ("beneficiary", p.recipient.clone());
                    let empty = match track {
                        None => results.ranking.is_empty(),
                        Some(key) => !results
                            .ranking
                            .iter()
                            .any(|r| r.track.as_deref() == Some(key)),
                    };
                    let key = if empty {
                        "results_sentence_no_entry"
                    } else {
                        "results_sentence_rest"
                    };
                    sentences.push(self.say(&Self::key(track, key), &[amount, beneficiary]));
                    labels[*index] = kit::t(self.lang, "reason_no_entries");
                }
            }
        }
        sentences
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

/// A track's label, by its key: "Overall" for none (the overall prizes).
fn track_label(rules: Option<&Rules>, track: Option<&str>, lang: &str) -> String {
    match track {
        None => kit::t(lang, "results_track_overall"),
        Some(key) => rules
            .and_then(|r| r.track(key))
            .map_or_else(|| key.to_owned(), |t| t.label.clone()),
    }
}

/// A round's label, by its key: the final round's in the reader's language.
fn round_label(rules: Option<&Rules>, round: &str, lang: &str) -> String {
    if round == FINAL_ROUND {
        return kit::t(lang, "results_round_final");
    }
    rules
        .and_then(|r| r.rounds.iter().find(|x| x.key == round))
        .map_or_else(|| round.to_owned(), |r| r.label.clone())
}

fn payout<'a>(
    p: &'a PayoutView,
    currency: &str,
    lang: &str,
    authors: &HashMap<String, String>,
    rules: Option<&Rules>,
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
        track: p.track.as_deref(),
        track_label: track_label(rules, p.track.as_deref(), lang),
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
    let rules = kit::rules(&contest);
    let (mut stages, labels) = match &rules {
        Some(rules) => Outcome {
            lang,
            currency,
            rules,
            rows: results
                .ranking
                .iter()
                .map(|r| (r.entry_id.as_str(), r))
                .collect(),
        }
        .tell(&results),
        None => (Vec::new(), vec![String::new(); results.payouts.len()]),
    };
    let with_tracks = rules.as_ref().is_some_and(|r| !r.tracks.is_empty());
    let with_rounds = rules.as_ref().is_some_and(|r| !r.rounds.is_empty());
    let ties = tie_sentences(&ties, &results, lang);
    if !ties.is_empty() {
        // Without tracks the ties follow the prizes in the one list, as they always did.
        match stages.last_mut() {
            Some(stage) if !with_tracks => stage.sentences.extend(ties),
            _ => stages.push(Stage {
                title: with_tracks.then(|| kit::t(lang, "results_ties_title")),
                sentences: ties,
            }),
        }
    }
    let rules = rules.as_ref();
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
            track: r.track.as_deref(),
            track_label: r
                .track
                .as_deref()
                .map(|t| track_label(rules, Some(t), lang))
                .unwrap_or_default(),
            round: &r.round_reached,
            round_label: round_label(rules, &r.round_reached, lang),
        })
        .collect();
    let view = ResultsShow {
        contest: card(&contest, lang),
        stages,
        with_tracks,
        with_rounds,
        ranking,
        payouts: results
            .payouts
            .iter()
            .map(|p| payout(p, currency, lang, &authors, rules))
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
