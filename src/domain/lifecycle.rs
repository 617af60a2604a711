//! The contest lifecycle. A contest's phase is a pure function of whether it was opened, its
//! frozen timeline, the clock and whether it was awarded; nothing stores it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a contest stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Rules editable; visible to the organisation only.
    Draft,
    /// Opened (rules frozen), submissions not yet accepted.
    Upcoming,
    /// Ideas accepted until the submission deadline (exclusive).
    Submission,
    /// The jury scores; the award runs at the latest at the judging deadline.
    Judging,
    /// Final.
    Awarded,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Upcoming => "upcoming",
            Phase::Submission => "submission",
            Phase::Judging => "judging",
            Phase::Awarded => "awarded",
        }
    }
}

/// The three instants of the rules, strictly increasing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    pub opens_at: DateTime<Utc>,
    pub submission_deadline: DateTime<Utc>,
    pub judging_deadline: DateTime<Utc>,
}

/// The phase at `now`. Submissions are open on `[opens_at, submission_deadline)`: the deadline
/// itself is already too late. Judging runs from the submission deadline until the award,
/// which happens at the latest at the judging deadline (by the scheduler).
pub fn phase(opened: bool, timeline: &Timeline, awarded: bool, now: DateTime<Utc>) -> Phase {
    if !opened {
        Phase::Draft
    } else if awarded {
        Phase::Awarded
    } else if now < timeline.opens_at {
        Phase::Upcoming
    } else if now < timeline.submission_deadline {
        Phase::Submission
    } else {
        Phase::Judging
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn timeline(start: i64, a: i64, b: i64) -> Timeline {
        let base = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        Timeline {
            opens_at: base + Duration::seconds(start),
            submission_deadline: base + Duration::seconds(start + a),
            judging_deadline: base + Duration::seconds(start + a + b),
        }
    }

    #[test]
    fn the_deadline_itself_is_late() {
        let t = timeline(0, 100, 100);
        let one = Duration::milliseconds(1);
        assert_eq!(phase(true, &t, false, t.opens_at - one), Phase::Upcoming);
        assert_eq!(phase(true, &t, false, t.opens_at), Phase::Submission);
        assert_eq!(
            phase(true, &t, false, t.submission_deadline - one),
            Phase::Submission
        );
        assert_eq!(
            phase(true, &t, false, t.submission_deadline),
            Phase::Judging
        );
        assert_eq!(
            phase(true, &t, false, t.judging_deadline + one),
            Phase::Judging
        );
        assert_eq!(phase(true, &t, true, t.judging_deadline), Phase::Awarded);
        assert_eq!(phase(false, &t, false, t.submission_deadline), Phase::Draft);
    }

    proptest! {
        #[test]
        fn phases_never_go_back_in_time(
            start in -1000i64..1000, a in 1i64..1000, b in 1i64..1000,
            x in -3000i64..3000, y in -3000i64..3000,
        ) {
            let t = timeline(start, a, b);
            let base = t.opens_at - Duration::seconds(start);
            let (early, late) = (x.min(y), x.max(y));
            let p1 = phase(true, &t, false, base + Duration::seconds(early));
            let p2 = phase(true, &t, false, base + Duration::seconds(late));
            prop_assert!(p1 <= p2);
        }

        #[test]
        fn a_draft_is_a_draft_whatever_the_clock(x in -3000i64..3000, awarded: bool) {
            let t = timeline(0, 10, 10);
            prop_assert_eq!(phase(false, &t, awarded, t.opens_at + Duration::seconds(x)), Phase::Draft);
        }

        #[test]
        fn only_the_award_ends_judging(x in 0i64..100_000) {
            let t = timeline(0, 10, 10);
            let now = t.submission_deadline + Duration::seconds(x);
            prop_assert_eq!(phase(true, &t, false, now), Phase::Judging);
            prop_assert_eq!(phase(true, &t, true, now), Phase::Awarded);
        }
    }
}
