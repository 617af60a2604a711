//! Joining the jury: invitations, their acceptance, the public roster, and how many jurors
//! score each entry.

use super::*;

/// A member invites someone to the jury, before judging ends.
pub fn invite(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: NewJuror,
) -> AppResult<JurorView> {
    let email = Email::parse(&input.email).map_err(|m| AppError::field("email", m))?;
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        // Mails people other than the caller (finding 16.12).
        crate::app::access::require(conn, actor, crate::app::access::Action::MailOthers)?;
        let now = ctx.now();
        if now >= store::from_db(contest.judging_deadline)
            || phase_of(&contest, now) == Phase::Awarded
        {
            return Err(AppError::conflict(
                ErrorCode::JudgingClosed,
                "Judging has ended; no more jurors can join.",
            ));
        }
        if let Some(invitee) = store::users::find_by_email(conn, email.as_str())? {
            refuse_organiser(conn, &contest, &invitee.id)?;
        }
        // A panel per track: the track must be one of the rules' (the draft's until opening).
        let track = match input
            .track
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => None,
            Some(track) => {
                let rules = super::super::contests::parse_rules(&contest)?;
                if rules.track(track).is_none() {
                    return Err(AppError::field(
                        "track",
                        if rules.tracks.is_empty() {
                            "This contest has no tracks; leave the track out.".to_owned()
                        } else {
                            let keys: Vec<&str> =
                                rules.tracks.iter().map(|t| t.key.as_str()).collect();
                            format!("Choose one of the rules' tracks: {}.", keys.join(", "))
                        },
                    ));
                }
                Some(track.to_owned())
            }
        };
        if store::jury::find_by_email(conn, contest_id, email.as_str())?.is_some() {
            return Err(AppError::conflict(
                ErrorCode::AlreadyInvited,
                format!("{email} is already invited."),
            ));
        }
        let token = crate::app::accounts::new_secret_token();
        let inviter = actor.user().expect("members are signed in");
        let juror = Juror {
            id: store::new_id(),
            contest_id: contest_id.to_owned(),
            email: email.as_str().to_owned(),
            user_id: None,
            token_hash: crate::app::accounts::token_digest(&token),
            status: crate::domain::status::JurorStatus::Invited,
            invited_by: inviter.id.clone(),
            invited_at: store::to_db(now),
            expires_at: store::to_db(now + Duration::days(INVITATION_TTL_DAYS)),
            accepted_at: None,
            track,
        };
        store::jury::insert(conn, &juror)?;
        audit::record(
            conn,
            contest_id,
            now,
            "juror_invited",
            // Nothing that could later number the jurors of the published score sheet.
            json!({}),
        )?;
        let existing = store::users::find_by_email(conn, email.as_str())?;
        let mut context = notify::contest_context(ctx, &contest);
        context["link"] = json!(format!(
            "{}/jury-invitations/{token}",
            ctx.settings.public_url()
        ));
        context["display_name"] = json!(existing.as_ref().map(|u| u.display_name.clone()));
        context["expires_at"] = json!(
            (now + Duration::days(INVITATION_TTL_DAYS))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        let locale = existing
            .as_ref()
            .map_or("en".to_owned(), |u| u.locale.clone());
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "jury_invitation",
                to: email.as_str(),
                locale: &locale,
                context,
            },
        )?;
        Ok(view(juror, None))
    })
}

/// A member of the organising organisation never sits on its contest's jury: a juror reads the
/// entries, and a member reads the contest's figures and its authors once awarded; together
/// they would unblind the judging. 409 `organizer_on_jury`.
fn refuse_organiser(conn: &mut DbConnection, contest: &Contest, user_id: &str) -> AppResult<()> {
    if store::organizations::role_of(conn, &contest.organization_id, user_id)?.is_some() {
        return Err(AppError::conflict(
            ErrorCode::OrganizerOnJury,
            "Members of the organising organisation cannot sit on its contest's jury.",
        ));
    }
    Ok(())
}

/// The invitations of a contest, for its members.
pub fn list(conn: &mut DbConnection, actor: &Actor, contest_id: &str) -> AppResult<Vec<JurorView>> {
    let contest = load_visible(conn, actor, contest_id)?;
    access::require(conn, actor, Action::ManageContest { contest: &contest })?;
    Ok(store::jury::of_contest(conn, contest_id)?
        .into_iter()
        .map(|(juror, name)| view(juror, name))
        .collect())
}

/// The jury as the public sees it once the contest is open: the names of those who accepted.
pub fn roster(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Vec<RosterEntry>> {
    load_visible(conn, actor, contest_id)?;
    Ok(store::jury::of_contest(conn, contest_id)?
        .into_iter()
        .filter_map(|(_, name)| name.map(|display_name| RosterEntry { display_name }))
        .collect())
}

/// Accepts an invitation: the signed-in account must have the invited, verified address.
pub fn accept(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    token: &str,
) -> AppResult<JurorView> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in").clone();
    let digest = crate::app::accounts::token_digest(token.trim());
    write_tx(conn, |conn| {
        let invalid = || AppError::NotFound("This invitation link is not valid.".into());
        let juror = store::jury::find_by_token(conn, &digest)?.ok_or_else(invalid)?;
        let account = store::users::find(conn, &user.id)?.ok_or_else(invalid)?;
        if juror.status == crate::domain::status::JurorStatus::Accepted {
            return if juror.user_id.as_deref() == Some(user.id.as_str()) {
                Ok(view(juror, Some(account.display_name)))
            } else {
                Err(invalid())
            };
        }
        if account.email != juror.email {
            return Err(AppError::Forbidden(
                "This invitation was sent to another address; sign in with the account of that address.".into(),
            ));
        }
        if ctx.settings.auth.require_verified_email && !account.email_verified() {
            return Err(AppError::EmailNotVerified(
                "Verify your email address before joining a jury.".into(),
            ));
        }
        let contest = store::contests::find(conn, &juror.contest_id)?.ok_or_else(invalid)?;
        refuse_organiser(conn, &contest, &user.id)?;
        let now = ctx.now();
        if store::from_db(juror.expires_at) <= now {
            return Err(AppError::conflict(
                ErrorCode::TokenExpired,
                "This invitation has expired; ask the organisers for a new one.",
            ));
        }
        // The same lock a submission takes: an acceptance and a first submission by the same
        // person cannot both commit.
        store::backend::lock_author_in_contest(conn, &juror.contest_id, &user.id)?;
        if store::ideas::has_entered(conn, &juror.contest_id, &user.id)? {
            return Err(juror_and_author());
        }
        store::jury::accept(conn, &juror.id, &user.id, store::to_db(now))?;
        audit::record(
            conn,
            &juror.contest_id,
            now,
            "juror_joined",
            // The roster is public, but the chain must not tie a juror to a moment that a
            // score sheet could be matched against.
            json!({}),
        )?;
        let juror = store::jury::find_by_token(conn, &digest)?.ok_or_else(invalid)?;
        Ok(view(juror, Some(account.display_name)))
    })
}

/// The one answer for a person who would hold two of a contest's roles (author, juror,
/// organiser), whichever came first.
pub fn juror_and_author() -> AppError {
    AppError::conflict(
        ErrorCode::ConflictOfInterest,
        "Nobody can hold two roles in one contest: its authors, its jurors and its organisers are different people.",
    )
}

/// Chooses how many jurors score each entry, before judging starts.
pub fn configure(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    input: JurySettings,
) -> AppResult<JurySettings> {
    if input.reviews_per_entry == Some(0) || input.reviews_per_entry.is_some_and(|n| n > 100) {
        return Err(AppError::field(
            "reviews_per_entry",
            "Use 1 to 100, or null for every juror.",
        ));
    }
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        if matches!(
            phase_of(&contest, ctx.now()),
            Phase::Judging | Phase::Awarded
        ) {
            return Err(AppError::conflict(
                ErrorCode::InvalidPhase,
                "Judging has started; the assignment is fixed.",
            ));
        }
        store::jury::set_reviews_per_entry(
            conn,
            contest_id,
            input.reviews_per_entry.map(|n| n as i32),
        )?;
        Ok(input)
    })
}

// The invitation behind a link, as its page shows it (read-only; `accept` checks everything).

pub use crate::domain::status::InvitationOutcome;

/// An invitation as its page shows it: the outcome, and the contest if the reader may see it
/// (before it opens, a contest is its organisation's: the page then names no contest).
#[derive(Debug)]
pub struct InvitationView {
    pub outcome: InvitationOutcome,
    pub contest: Option<crate::app::contests::ContestView>,
}

/// The invitation behind a link, for its page. Read-only: [`accept`] is the use case that
/// checks the address, the roles and the expiry.
pub fn invitation(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    token: &str,
) -> AppResult<InvitationView> {
    let digest = crate::app::accounts::token_digest(token.trim());
    let Some(juror) = store::jury::find_by_token(conn, &digest)? else {
        return Ok(InvitationView {
            outcome: InvitationOutcome::Invalid,
            contest: None,
        });
    };
    let me = actor.user().map(|u| u.id.as_str());
    let outcome = match (juror.status, juror.user_id.as_deref()) {
        (crate::domain::status::JurorStatus::Accepted, Some(user)) if Some(user) == me => {
            InvitationOutcome::Accepted
        }
        (crate::domain::status::JurorStatus::Accepted, _) => InvitationOutcome::Invalid,
        (crate::domain::status::JurorStatus::Invited, _) => InvitationOutcome::Ask,
    };
    let contest = crate::app::contests::show(ctx, conn, actor, &juror.contest_id).ok();
    Ok(InvitationView { outcome, contest })
}
