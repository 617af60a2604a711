//! Who may do what, per object, decided in one place that refuses by default.
//!
//! Every use case states what it is about to do as an [`Action`] and calls [`require`] before
//! touching anything. Each action has exactly one rule below; the match is exhaustive, so a new
//! action cannot be added without deciding who may perform it, and every rule starts from "no".

use crate::store::{self, DbConnection, contests::Contest, ideas::Idea};

use super::AppError;

/// The person behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    User(UserActor),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserActor {
    pub id: String,
    pub is_admin: bool,
    pub email_verified: bool,
}

impl Actor {
    pub fn user(&self) -> Option<&UserActor> {
        match self {
            Actor::Anonymous => None,
            Actor::User(user) => Some(user),
        }
    }
}

/// Something a person asks to do, with the object it concerns.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// See or sign out of one's own account.
    UseOwnAccount,
    /// Create an organisation (a brand, whose name the platform's mail then carries): a
    /// verified address only (finding 16.12).
    CreateOrganization,
    /// Make the platform mail someone else: invitations to an organisation, a jury or a
    /// contest, announcements. A verified address only, so that an account nobody answers for
    /// cannot use the platform's name and domain to write to strangers (finding 16.12). Asked
    /// together with the rule for the object (e.g. `ManageMembers`), never instead of it.
    MailOthers,
    /// Leave an organisation: its members only (`ManageMembers` removes someone else).
    LeaveOrganization { organization_id: &'a str },
    /// See an organisation's details and members.
    ViewOrganization { organization_id: &'a str },
    /// Add members to an organisation.
    ManageMembers { organization_id: &'a str },
    /// Create a contest in an organisation.
    CreateContest { organization_id: &'a str },
    /// See the organisation's talent pool (who took part in its past contests).
    ViewTalent { organization_id: &'a str },
    /// Mark a published idea one likes: anyone signed in, but not its author.
    AppreciateIdea { author_id: &'a str },
    /// See a person's page: theirs, or one they made public.
    ViewProfile { user_id: &'a str, public: bool },
    /// See a contest, its rules, announcements and audit log.
    ViewContest { contest: &'a Contest },
    /// Edit, fund, open a contest; publish announcements.
    ManageContest { contest: &'a Contest },
    /// See the fundings recorded for a contest.
    ViewFundings { contest: &'a Contest },
    /// Confirm that escrowed money arrived; list fundings awaiting confirmation.
    ConfirmFundings,
    /// Read or give the details a payout is paid to: its payee only (admins read them through
    /// `ConfirmFundings`, when they pay it).
    PayoutDetails { payee_id: Option<&'a str> },
    /// Submit or save an idea in a contest one can see.
    SubmitIdea,
    /// Read an idea and its attachments.
    ViewIdea {
        idea: &'a Idea,
        contest: &'a Contest,
    },
    /// Edit, withdraw, attach files to an idea.
    EditIdea { idea: &'a Idea },
    /// Read and score the entries of a contest as one of its jurors.
    Judge { contest: &'a Contest },
}

/// The outcome of a rule, before it becomes an error.
enum Decision {
    Allow,
    /// Refused; the object may be named (403, or 401 for an anonymous caller).
    Deny,
    /// Refused, and the caller may not even learn that the object exists (404).
    Hide,
    /// Refused until the caller has verified their email address (403 email_not_verified).
    Unverified,
}

/// Succeeds only when a rule grants `action` to `actor`.
pub fn require(conn: &mut DbConnection, actor: &Actor, action: Action) -> Result<(), AppError> {
    let object = object_name(action);
    let decision = decide(conn, actor, action)?;
    if !matches!(decision, Decision::Allow) {
        // The security audit trail: who was refused what (never a token, never the object's
        // content). Kept by the log collector, apart from the public per-contest chain.
        tracing::warn!(
            target: "concours::audit",
            user_id = actor.user().map_or("anonymous", |u| u.id.as_str()),
            object,
            hidden = matches!(decision, Decision::Hide),
            "access refused"
        );
    }
    match decision {
        Decision::Allow => Ok(()),
        Decision::Deny if matches!(actor, Actor::Anonymous) => {
            Err(AppError::Unauthorized("Sign in first.".into()))
        }
        Decision::Deny => Err(AppError::Forbidden("You may not do this.".into())),
        Decision::Unverified => Err(AppError::EmailNotVerified(
            "Verify your email address first: until then the platform writes to no one but you."
                .into(),
        )),
        Decision::Hide => Err(AppError::not_found(object)),
    }
}

/// Whether `actor` belongs to the organisation.
fn is_member(
    conn: &mut DbConnection,
    actor: &Actor,
    organization_id: &str,
) -> Result<bool, AppError> {
    Ok(match actor {
        Actor::Anonymous => false,
        Actor::User(user) => {
            store::organizations::role_of(conn, organization_id, &user.id)?.is_some()
        }
    })
}

fn is_admin(actor: &Actor) -> bool {
    actor.user().is_some_and(|u| u.is_admin)
}

fn decide(conn: &mut DbConnection, actor: &Actor, action: Action) -> Result<Decision, AppError> {
    use Decision::{Allow, Deny, Hide, Unverified};
    Ok(match action {
        Action::AppreciateIdea { author_id } => match actor {
            Actor::Anonymous => Deny,
            Actor::User(user) if user.id == author_id => Deny,
            Actor::User(_) => Allow,
        },
        Action::ViewProfile { user_id, public } => {
            if public || actor.user().is_some_and(|u| u.id == user_id) {
                Allow
            } else {
                Hide
            }
        }
        Action::UseOwnAccount => match actor {
            Actor::User(_) => Allow,
            Actor::Anonymous => Deny,
        },
        Action::CreateOrganization | Action::MailOthers => match actor {
            Actor::User(user) if user.email_verified || user.is_admin => Allow,
            Actor::User(_) => Unverified,
            Actor::Anonymous => Deny,
        },
        Action::LeaveOrganization { organization_id } => {
            if is_member(conn, actor, organization_id)? {
                Allow
            } else if matches!(actor, Actor::Anonymous) {
                Deny
            } else {
                Hide
            }
        }
        Action::ViewOrganization { organization_id } => {
            if is_member(conn, actor, organization_id)? || is_admin(actor) {
                Allow
            } else if matches!(actor, Actor::Anonymous) {
                Deny
            } else {
                Hide
            }
        }
        Action::ManageMembers { organization_id } => match actor {
            Actor::Anonymous => Deny,
            Actor::User(user) => {
                match store::organizations::role_of(conn, organization_id, &user.id)?.as_deref() {
                    Some("owner") => Allow,
                    Some(_) => Deny,
                    None => Hide,
                }
            }
        },
        Action::CreateContest { organization_id } | Action::ViewTalent { organization_id } => {
            if is_member(conn, actor, organization_id)? {
                Allow
            } else if matches!(actor, Actor::Anonymous) {
                Deny
            } else {
                Hide
            }
        }
        Action::ViewContest { contest } => {
            if contest.is_opened()
                || is_admin(actor)
                || is_member(conn, actor, &contest.organization_id)?
            {
                Allow
            } else {
                Hide
            }
        }
        Action::ManageContest { contest } => {
            if is_member(conn, actor, &contest.organization_id)? {
                Allow
            } else if contest.is_opened() || is_admin(actor) {
                // Those who can see the contest learn they may not change it.
                Deny
            } else {
                Hide
            }
        }
        Action::ViewFundings { contest } => {
            if is_admin(actor) || is_member(conn, actor, &contest.organization_id)? {
                Allow
            } else if contest.is_opened() {
                Deny
            } else {
                Hide
            }
        }
        Action::ConfirmFundings => {
            if is_admin(actor) {
                Allow
            } else {
                Deny
            }
        }
        Action::PayoutDetails { payee_id } => match actor {
            Actor::User(user) if payee_id == Some(user.id.as_str()) => Allow,
            Actor::Anonymous => Deny,
            Actor::User(_) => Hide,
        },
        Action::SubmitIdea => match actor {
            Actor::User(_) => Allow,
            Actor::Anonymous => Deny,
        },
        Action::ViewIdea { idea, contest } => {
            let author = actor.user().is_some_and(|u| u.id == idea.author_id);
            // The organisation reads ideas once submitted (without their author while
            // judging is blind; the idea object carries no author); drafts are private.
            let organisation = idea.status != crate::domain::ideas::Status::Draft
                && is_member(conn, actor, &contest.organization_id)?;
            if author || is_admin(actor) || organisation {
                Allow
            } else if matches!(actor, Actor::Anonymous) {
                Deny
            } else {
                Hide
            }
        }
        Action::EditIdea { idea } => match actor {
            Actor::User(user) if user.id == idea.author_id => Allow,
            Actor::Anonymous => Deny,
            Actor::User(_) => Hide,
        },
        Action::Judge { contest } => match actor {
            Actor::Anonymous => Deny,
            Actor::User(user) => {
                // A juror who has since joined the organising organisation is refused while
                // a member: they could read the contest's figures beside the entries.
                if store::jury::membership(conn, &contest.id, &user.id)?.is_some()
                    && !is_member(conn, actor, &contest.organization_id)?
                {
                    Allow
                } else if contest.is_opened() {
                    Deny
                } else {
                    Hide
                }
            }
        },
    })
}

fn object_name(action: Action) -> &'static str {
    match action {
        Action::UseOwnAccount | Action::CreateOrganization | Action::MailOthers => "account",
        Action::ViewProfile { .. } => "person",
        Action::AppreciateIdea { .. } => "idea",
        Action::ViewOrganization { .. }
        | Action::ManageMembers { .. }
        | Action::LeaveOrganization { .. }
        | Action::CreateContest { .. }
        | Action::ViewTalent { .. } => "organisation",
        Action::ViewContest { .. } | Action::ManageContest { .. } | Action::ViewFundings { .. } => {
            "contest"
        }
        Action::ConfirmFundings => "funding",
        Action::PayoutDetails { .. } => "payout",
        Action::SubmitIdea | Action::ViewIdea { .. } | Action::EditIdea { .. } => "idea",
        Action::Judge { .. } => "contest",
    }
}
