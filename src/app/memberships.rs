//! Joining and leaving an organisation (finding 16.7): nobody is made a member without
//! consent. An owner invites an address; the platform mails it a single-use link; the person
//! who signs in with that verified address accepts. The answer to the owner is the same
//! whether or not the address has an account. Members leave when they like; an owner hands
//! ownership over before leaving, so that the account deletion flow works for them.
//!
//! An organisation always keeps an owner: its last owner cannot leave (409 `last_owner`).
//! While other members remain, they hand ownership over first. A sole member of an
//! organisation that never held a contest deletes it instead, explicitly
//! (`DELETE /organizations/{id}`, [`super::organizations::delete`]), rather than a "leave" that
//! silently deletes it; one that held a contest (its contests, money and audit chain must keep
//! an owner who answers for them) stays until ownership has been handed to someone invited
//! for it.

use crate::domain::status::InvitationOutcome;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::account::Email;
use crate::domain::organization::Role;
use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, organizations::Invitation, write_tx};

use super::access::{self, Action, Actor};
use super::organizations::{MemberView, NewMember};
use super::{AppError, AppResult, Ctx, ErrorCode, Validator};

/// How long an invitation link works.
pub const INVITATION_TTL_DAYS: i64 = 14;

/// Invitations one organisation may send within `auth.login_window_seconds`.
const INVITATIONS_PER_WINDOW: u32 = 30;

/// The answer to an invitation: the same whether or not the address has an account.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationSent {
    /// Always `invited`.
    pub status: &'static str,
    pub organization_id: String,
    pub email: String,
    pub role: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOwner {
    /// The member who becomes the owner; the caller stays a member.
    pub user_id: String,
}

/// What the invitation page shows before accepting.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationInfo {
    pub organization_id: String,
    pub organization_name: String,
    pub outcome: InvitationOutcome,
}

/// An owner invites an address to join; the platform mails it a link that works once.
pub fn invite(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    organization_id: &str,
    input: NewMember,
) -> AppResult<InvitationSent> {
    access::require(conn, actor, Action::ManageMembers { organization_id })?;
    access::require(conn, actor, Action::MailOthers)?;
    let inviter = actor.user().expect("owners are signed in").clone();
    let mut v = Validator::new();
    let email = v.check("email", Email::parse(&input.email));
    let role = match input.role.as_deref() {
        None => Some(Role::Member),
        Some(raw) => v.check("role", Role::parse(raw).ok_or("Choose member or owner.")),
    };
    v.finish()?;
    let (Some(email), Some(role)) = (email, role) else {
        unreachable!("the validator reported every missing value");
    };
    write_tx(conn, |conn| {
        let organization = store::organizations::find(conn, organization_id)?
            .ok_or_else(|| AppError::not_found("organisation"))?;
        // Members are listed to the owner already: saying so tells them nothing new.
        let members = store::organizations::members(conn, organization_id)?;
        if members.iter().any(|m| m.email == email.as_str()) {
            return Err(AppError::conflict(
                ErrorCode::AlreadyMember,
                format!("{email} is already a member."),
            ));
        }
        super::rate_limit(
            ctx,
            conn,
            &format!("org_invite:{organization_id}"),
            INVITATIONS_PER_WINDOW,
        )?;
        // And per recipient, with every other mail a person can have sent to an address: many
        // organisations cannot take turns at one mailbox.
        super::mail_request_limit(ctx, conn, &[format!("mail:to:{}", email.as_str())])?;
        let now = ctx.now();
        let expires_at = now + Duration::days(INVITATION_TTL_DAYS);
        let token = super::accounts::new_secret_token();
        store::organizations::insert_invitation(
            conn,
            &Invitation {
                id: store::new_id(),
                organization_id: organization_id.to_owned(),
                email: email.as_str().to_owned(),
                role: role.as_str().to_owned(),
                token_hash: super::accounts::token_digest(&token),
                invited_by: inviter.id.clone(),
                created_at: store::to_db(now),
                expires_at: store::to_db(expires_at),
                accepted_at: None,
                accepted_by: None,
            },
        )?;
        // In the invitee's language when they have an account, else in the inviter's.
        let existing = store::users::find_by_email(conn, email.as_str())?;
        let locale = match &existing {
            Some(user) => user.locale.clone(),
            None => {
                store::users::find(conn, &inviter.id)?.map_or_else(|| "en".to_owned(), |u| u.locale)
            }
        };
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "organization_invitation",
                to: email.as_str(),
                locale: &locale,
                context: json!({
                    "organization_name": organization.name,
                    "display_name": existing.as_ref().map(|u| u.display_name.clone()),
                    "has_account": existing.is_some(),
                    "link": format!(
                        "{}/organization-invitations/{token}",
                        ctx.settings.public_url()
                    ),
                    "register_link": format!("{}/register", ctx.settings.public_url()),
                    "expires_at": expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                }),
            },
        )?;
        Ok(InvitationSent {
            status: "invited",
            organization_id: organization_id.to_owned(),
            email: email.as_str().to_owned(),
            role: role.as_str().to_owned(),
            expires_at,
        })
    })
}

fn invalid_link() -> AppError {
    AppError::NotFound("This invitation link is not valid.".into())
}

/// What the invitation behind `token` is, for the page that offers to accept it.
pub fn invitation(
    conn: &mut DbConnection,
    actor: &Actor,
    token: &str,
) -> AppResult<InvitationInfo> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in");
    let digest = super::accounts::token_digest(token.trim());
    let Some(invitation) = store::organizations::find_invitation(conn, &digest)? else {
        return Err(invalid_link());
    };
    let organization =
        store::organizations::find(conn, &invitation.organization_id)?.ok_or_else(invalid_link)?;
    let outcome = match invitation.accepted_by.as_deref() {
        Some(by) if by == user.id => InvitationOutcome::Accepted,
        Some(_) => InvitationOutcome::Invalid,
        None => InvitationOutcome::Ask,
    };
    Ok(InvitationInfo {
        organization_id: organization.id,
        organization_name: organization.name,
        outcome,
    })
}

/// Accepts an invitation: the signed-in account must have the invited address, verified.
pub fn accept(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    token: &str,
) -> AppResult<MemberView> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in").clone();
    let digest = super::accounts::token_digest(token.trim());
    write_tx(conn, |conn| {
        let invitation =
            store::organizations::find_invitation(conn, &digest)?.ok_or_else(invalid_link)?;
        let account = store::users::find(conn, &user.id)?.ok_or_else(invalid_link)?;
        let member = |conn: &mut DbConnection| -> AppResult<MemberView> {
            let (role, since) = store::organizations::members(conn, &invitation.organization_id)?
                .into_iter()
                .find(|m| m.user_id == account.id)
                .map(|m| (m.role, m.created_at))
                .ok_or_else(invalid_link)?;
            Ok(MemberView {
                organization_id: invitation.organization_id.clone(),
                user_id: account.id.clone(),
                email: account.email.clone(),
                display_name: account.display_name.clone(),
                role,
                since: store::from_db(since),
            })
        };
        if let Some(by) = invitation.accepted_by.as_deref() {
            // Used: a second click by the same person shows the membership; anyone else
            // learns nothing.
            return if by == account.id {
                member(conn)
            } else {
                Err(invalid_link())
            };
        }
        if account.email != invitation.email {
            return Err(AppError::Forbidden(
                "This invitation was sent to another address; sign in with the account of that address.".into(),
            ));
        }
        if !account.email_verified() {
            return Err(AppError::EmailNotVerified(
                "Verify your email address before joining an organisation.".into(),
            ));
        }
        let now = ctx.now();
        if store::from_db(invitation.expires_at) <= now {
            return Err(AppError::conflict(
                ErrorCode::TokenExpired,
                "This invitation has expired; ask the organisation for a new one.",
            ));
        }
        if store::organizations::has_stake_in_running_contest(
            conn,
            &invitation.organization_id,
            &account.id,
        )? {
            return Err(super::jury::juror_and_author());
        }
        if !store::organizations::accept_invitation(
            conn,
            &invitation.id,
            &account.id,
            store::to_db(now),
        )? {
            return Err(invalid_link());
        }
        if store::organizations::role_of(conn, &invitation.organization_id, &account.id)?.is_none()
        {
            store::organizations::add_member(
                conn,
                &invitation.organization_id,
                &account.id,
                &invitation.role,
                store::to_db(now),
            )?;
        }
        member(conn)
    })
}

/// Ends a membership: the member themself, or an owner for someone else. The last owner
/// stays until they hand ownership over (see the module's documentation).
pub fn remove(
    conn: &mut DbConnection,
    actor: &Actor,
    organization_id: &str,
    user_id: &str,
) -> AppResult<()> {
    let me = actor.user().map(|u| u.id.as_str());
    if me == Some(user_id) {
        access::require(conn, actor, Action::LeaveOrganization { organization_id })?;
    } else {
        access::require(conn, actor, Action::ManageMembers { organization_id })?;
    }
    write_tx(conn, |conn| {
        store::organizations::lock(conn, organization_id)?;
        let role = store::organizations::role_of(conn, organization_id, user_id)?
            .ok_or_else(|| AppError::not_found("member"))?;
        let (members, owners) = store::organizations::head_count(conn, organization_id)?;
        if role == Role::Owner.as_str() && owners == 1 {
            if members == 1 && !store::organizations::has_contests(conn, organization_id)? {
                return Err(AppError::conflict(
                    ErrorCode::LastOwner,
                    "You are its only member: delete the organisation instead.",
                ));
            }
            return Err(AppError::conflict(
                ErrorCode::LastOwner,
                "An organisation keeps an owner: hand ownership to another member first.",
            ));
        }
        store::organizations::remove_member(conn, organization_id, user_id)?;
        Ok(())
    })
}

/// An owner hands ownership to another member and stays a member.
pub fn transfer(
    conn: &mut DbConnection,
    actor: &Actor,
    organization_id: &str,
    input: NewOwner,
) -> AppResult<MemberView> {
    access::require(conn, actor, Action::ManageMembers { organization_id })?;
    let me = actor.user().expect("owners are signed in").id.clone();
    write_tx(conn, |conn| {
        store::organizations::lock(conn, organization_id)?;
        let members = store::organizations::members(conn, organization_id)?;
        let Some(heir) = members.into_iter().find(|m| m.user_id == input.user_id) else {
            return Err(AppError::field(
                "user_id",
                "Choose a member of the organisation (invite them first).",
            ));
        };
        store::organizations::set_role(conn, organization_id, &heir.user_id, "owner")?;
        if heir.user_id != me {
            store::organizations::set_role(conn, organization_id, &me, "member")?;
        }
        Ok(MemberView {
            organization_id: organization_id.to_owned(),
            user_id: heir.user_id,
            email: heir.email,
            display_name: heir.display_name,
            role: "owner".into(),
            since: store::from_db(heir.created_at),
        })
    })
}
