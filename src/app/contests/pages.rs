//! What the public pages show of contests: a contest's page (its jury, announcements, brand
//! and where the reader stands) and the home page's cards.

use super::*;

/// What a contest's public page shows, beyond the contest itself: who judges it, its
/// announcements, the brand behind it and where the reader stands (member of the brand,
/// follower, juror).
#[derive(Debug)]
pub struct ContestPage {
    pub contest: ContestView,
    /// The names of the jurors who accepted.
    pub jury: Vec<crate::app::jury::RosterEntry>,
    pub announcements: Vec<crate::app::announcements::AnnouncementView>,
    /// The organisation's name.
    pub brand: String,
    /// The reader belongs to the organisation that runs the contest.
    pub is_member: bool,
    /// The reader follows the organisation's news.
    pub following: bool,
    /// The reader is an accepted juror of the contest.
    pub is_juror: bool,
    /// When the page was read (for the countdown).
    pub now: DateTime<Utc>,
}

/// A contest's public page, as the reader may see it (404 for what they may not).
pub fn page(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<ContestPage> {
    let contest = show(ctx, conn, actor, contest_id)?;
    let jury = crate::app::jury::roster(conn, actor, contest_id)?;
    let announcements = crate::app::announcements::list(conn, actor, contest_id)?;
    let is_member = actor.user().is_some()
        && crate::app::organizations::mine(conn, actor)?
            .iter()
            .any(|o| o.id == contest.organization_id);
    let following = crate::app::notifications::is_following(conn, actor, &contest.organization_id)?;
    let is_juror = match actor.user() {
        Some(user) => store::jury::membership(conn, &contest.id, &user.id)?.is_some(),
        None => false,
    };
    let brand = crate::app::organizations::brand_name(conn, &contest.organization_id)?;
    Ok(ContestPage {
        contest,
        jury,
        announcements,
        brand,
        is_member,
        following,
        is_juror,
        now: ctx.now(),
    })
}

/// A contest as the home page's card shows it: only what its public page shows too.
#[derive(Debug)]
pub struct ContestCard {
    pub contest: ContestView,
    /// The organisation's name (the contest page names it too).
    pub brand: String,
    /// The brief's first line, as plain text, at most 160 characters.
    pub teaser: String,
    /// How many entries, bucketed: `Some(n)` reads "n or more", `None` fewer than the first
    /// bucket. SECURITY.md promises that no count lets a reader learn who wrote what; an exact,
    /// live count would let anyone who watches it tell when one person submitted (or withdrew).
    /// So the count is of ideas ever submitted (it never goes down, withdrawals do not show)
    /// and only its bucket (10, 25, 50, 100, 250, 500, 1000) is public.
    pub entries_at_least: Option<i64>,
    /// The next deadline of the contest's timeline (opening, submission, judging); `None`
    /// once awarded.
    pub next_deadline: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// The buckets of a public entry count (see `ContestCard::entries_at_least`).
const ENTRY_BUCKETS: [i64; 7] = [1000, 500, 250, 100, 50, 25, 10];

fn entry_bucket(count: i64) -> Option<i64> {
    ENTRY_BUCKETS.into_iter().find(|&b| count >= b)
}

/// The first non-empty line of a Markdown brief as plain text, cut at 160 characters.
pub fn teaser(brief: &str) -> String {
    let line = brief
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let line = line
        .trim_start_matches(['#', '>', '-', '*', '+', ' '])
        .trim_start();
    // Links keep their words: `[text](url)` becomes `text`.
    let mut plain = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        plain.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end + 1))
        }) {
            Some((close, next)) => {
                plain.push_str(&after[..close]);
                rest = &after[next..];
            }
            None => {
                plain.push('[');
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    let plain: String = plain
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '<' | '>'))
        .collect();
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain.chars().count() <= 160 {
        return plain;
    }
    let cut: String = plain.chars().take(159).collect();
    format!("{}…", cut.trim_end())
}

/// The cards of the home page: every contest that has opened (never a draft, not even the
/// caller's own), newest first.
pub fn cards(ctx: &Ctx, conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<ContestCard>> {
    let now = ctx.now();
    let mut cards = Vec::new();
    for contest in list(ctx, conn, actor)? {
        if contest.phase == Phase::Draft {
            continue;
        }
        let rules = Rules::parse(&contest.rules).ok();
        let next_deadline = rules.and_then(|r| match contest.phase {
            Phase::Upcoming => Some(r.opens_at),
            Phase::Submission => Some(r.submission_deadline),
            Phase::Judging => Some(r.judging_deadline),
            _ => None,
        });
        let count = store::ideas::submitted_of_contest(conn, &contest.id)?.len();
        cards.push(ContestCard {
            brand: crate::app::organizations::brand_name(conn, &contest.organization_id)?,
            teaser: teaser(&contest.brief),
            entries_at_least: entry_bucket(i64::try_from(count).unwrap_or(i64::MAX)),
            next_deadline,
            now,
            contest,
        });
    }
    Ok(cards)
}

#[cfg(test)]
mod card_tests {
    use super::{entry_bucket, teaser};

    #[test]
    fn a_teaser_is_the_first_line_in_plain_text() {
        assert_eq!(
            teaser("\n## Ideas for **less plastic** — see [the site](https://x.example).\nMore."),
            "Ideas for less plastic — see the site."
        );
        let long = "a".repeat(300);
        assert_eq!(teaser(&long).chars().count(), 160);
    }

    #[test]
    fn entry_counts_are_bucketed() {
        assert_eq!(entry_bucket(0), None);
        assert_eq!(entry_bucket(9), None);
        assert_eq!(entry_bucket(10), Some(10));
        assert_eq!(entry_bucket(49), Some(25));
        assert_eq!(entry_bucket(5000), Some(1000));
    }
}
