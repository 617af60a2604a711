//! My juries: the contests where the reader sits on the jury, each with its progress, its
//! judging deadline and the way to its scoring page.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::app::jury::{self, MySeat};
use crate::domain::lifecycle::Phase;
use crate::web::AppState;
use crate::web::i18n;
use crate::web::pages::ideas::shared::{base_context, with_view};
use crate::web::pages::{Page, SignedInPage};

/// A seat as the page shows it.
#[derive(Serialize)]
struct SeatRow {
    contest_id: String,
    contest_title: String,
    phase_label: String,
    /// Judging runs: the scoring page is where the work is.
    judging: bool,
    /// What stands: "3 of 5 entries scored", "Judging starts on …", "Awarded".
    status: String,
    /// Every entry assigned is scored.
    done: bool,
    deadline: String,
    /// The round being judged and its end, when the rules have rounds (empty otherwise).
    round: String,
    action: String,
}

#[derive(Serialize)]
struct MyJuriesView {
    seats: Vec<SeatRow>,
    not_yet_open: String,
}

fn row(page: &Page, seat: MySeat) -> SeatRow {
    let lang = page.lang;
    let judging = seat.phase == Phase::Judging;
    let (status, done) = match (&seat.progress, seat.phase) {
        (_, Phase::Awarded) => (page.t("my_juries_awarded"), true),
        (Some(p), _) => (
            page.t_with(
                "scoring_progress",
                &[
                    ("scored", &p.scored.to_string()),
                    ("assigned", &p.assigned.to_string()),
                ],
            ),
            p.scored >= p.assigned,
        ),
        (None, _) => (
            page.t_with(
                "my_juries_starts",
                &[("date", &i18n::date(seat.submission_deadline, lang))],
            ),
            false,
        ),
    };
    let action = match seat.phase {
        Phase::Judging if done => page.t("my_juries_review"),
        Phase::Judging => page.t("my_juries_score"),
        _ => page.t("my_juries_open"),
    };
    SeatRow {
        contest_id: seat.contest_id,
        contest_title: seat.contest_title,
        phase_label: page.t(&format!("phase_{}", seat.phase.as_str())),
        judging,
        status,
        done,
        deadline: i18n::date(seat.judging_deadline, lang),
        round: seat.round.as_ref().map_or_else(String::new, |r| {
            let label = crate::web::pages::contests::structure::round_label(&r.key, &r.label, lang);
            page.t_with(
                "structure_seat_round",
                &[("label", &label), ("date", &i18n::date(r.ends_at, lang))],
            )
        }),
        action,
    }
}

pub(crate) async fn my_juries(state: web::Data<AppState>, page: SignedInPage) -> HttpResponse {
    let mine = match page.run(&state, jury::mine).await {
        Ok(mine) => mine,
        Err(error) => return page.error(&state.tera, error),
    };
    let not_yet_open = match mine.not_yet_open {
        0 => String::new(),
        n => page.t_with("my_juries_not_yet_open", &[("count", &n.to_string())]),
    };
    let view = MyJuriesView {
        seats: mine.seats.into_iter().map(|s| row(&page, s)).collect(),
        not_yet_open,
    };
    let context = with_view(base_context(&page), &view);
    page.render(&state.tera, "jury/mine.html", &context)
}
