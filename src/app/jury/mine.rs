//! My juries: the contests where the signed-in reader sits on the jury, with their progress and
//! the judging deadline.
//!
//! Only accepted seats are listed. A pending invitation is accepted through the link of its
//! mail (`accept`, which checks the token, the address, the roles and the expiry): accepting
//! by contest id for whoever holds the invited address would drop the token's proof that the
//! reader reads that mailbox, which matters wherever addresses need not be verified.

use super::*;

/// One seat on a jury, as its owner sees it: nothing about the other jurors or the authors.
#[derive(Debug, Serialize)]
pub struct MySeat {
    pub contest_id: String,
    pub contest_title: String,
    pub phase: Phase,
    pub submission_deadline: DateTime<Utc>,
    pub judging_deadline: DateTime<Utc>,
    /// Entries scored of entries assigned, once judging has started (before, nobody knows
    /// which entries a juror will score).
    pub progress: Option<Progress>,
    /// The round being judged, when the rules have rounds (progress is that round's).
    pub round: Option<crate::app::rounds::RoundRef>,
}

/// The reader's seats, and how many contests they sit on that are not open yet (a contest
/// before its opening belongs to its organisation: it is not named here).
#[derive(Debug, Serialize)]
pub struct MyJuries {
    pub seats: Vec<MySeat>,
    pub not_yet_open: usize,
}

/// The seats of the signed-in reader, judging ones first.
pub fn mine(ctx: &Ctx, conn: &mut DbConnection, actor: &Actor) -> AppResult<MyJuries> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in");
    let now = ctx.now();
    let mut seats = Vec::new();
    let mut not_yet_open = 0;
    for juror in store::jury::memberships_of(conn, &user.id)? {
        if juror.status != crate::domain::status::JurorStatus::Accepted {
            continue;
        }
        let Some(contest) = store::contests::find(conn, &juror.contest_id)? else {
            continue;
        };
        if !contest.is_opened() {
            not_yet_open += 1;
            continue;
        }
        // The same checks as the scoring page: a juror who has since joined the organising
        // organisation has no seat to show.
        let (contest, juror) = match as_juror(conn, actor, &contest.id) {
            Ok(found) => found,
            Err(AppError::Forbidden(_) | AppError::NotFound(_)) => continue,
            Err(error) => return Err(error),
        };
        let phase = phase_of(&contest, now);
        let (progress, round) = if matches!(phase, Phase::Judging | Phase::Awarded) {
            let field = Field::load(conn, &contest)?;
            let panel = panel_in(conn, &contest, &juror, &field)?;
            let progress = progress_of(conn, &juror, &panel.entries, &field.stage.key)?.0;
            let round =
                (field.stage.has_rounds && phase == Phase::Judging).then(|| field.stage.view());
            (Some(progress), round)
        } else {
            (None, None)
        };
        seats.push(MySeat {
            contest_id: contest.id,
            contest_title: contest.title,
            phase,
            submission_deadline: store::from_db(contest.submission_deadline),
            judging_deadline: store::from_db(contest.judging_deadline),
            progress,
            round,
        });
    }
    let rank = |phase: Phase| match phase {
        Phase::Judging => 0,
        Phase::Upcoming | Phase::Submission => 1,
        _ => 2,
    };
    seats.sort_by(|a, b| {
        (rank(a.phase), a.judging_deadline).cmp(&(rank(b.phase), b.judging_deadline))
    });
    Ok(MyJuries {
        seats,
        not_yet_open,
    })
}
