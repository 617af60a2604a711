//! Who may do what, per object, decided in one place that refuses by default.
//!
//! Every use case states what it is about to do as an [`Action`] and calls [`require`] before
//! touching anything. Each action has exactly one rule below; the match is exhaustive, so a new
//! action cannot be added without deciding who may perform it, and every rule starts from "no".

use crate::store::{self, DbConnection};

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
    CreateOrganization,
    /// See an organisation's details and members.
    ViewOrganization {
        organization_id: &'a str,
    },
    /// Add members to an organisation.
    ManageMembers {
        organization_id: &'a str,
    },
}

/// The outcome of a rule, before it becomes an error.
enum Decision {
    Allow,
    /// Refused; the object may be named (403, or 401 for an anonymous caller).
    Deny,
    /// Refused, and the caller may not even learn that the object exists (404).
    Hide,
}

/// Succeeds only when a rule grants `action` to `actor`.
pub fn require(conn: &mut DbConnection, actor: &Actor, action: Action) -> Result<(), AppError> {
    match decide(conn, actor, action)? {
        Decision::Allow => Ok(()),
        Decision::Deny if matches!(actor, Actor::Anonymous) => {
            Err(AppError::Unauthorized("Sign in first.".into()))
        }
        Decision::Deny => Err(AppError::Forbidden("You may not do this.".into())),
        Decision::Hide => Err(AppError::not_found(object_name(action))),
    }
}

fn decide(conn: &mut DbConnection, actor: &Actor, action: Action) -> Result<Decision, AppError> {
    let Actor::User(user) = actor else {
        // No action of this list is open to anonymous callers.
        return Ok(Decision::Deny);
    };
    Ok(match action {
        Action::UseOwnAccount | Action::CreateOrganization => Decision::Allow,
        Action::ViewOrganization { organization_id } => {
            match store::organizations::role_of(conn, organization_id, &user.id)? {
                Some(_) => Decision::Allow,
                None if user.is_admin => Decision::Allow,
                None => Decision::Hide,
            }
        }
        Action::ManageMembers { organization_id } => {
            match store::organizations::role_of(conn, organization_id, &user.id)?.as_deref() {
                Some("owner") => Decision::Allow,
                Some(_) => Decision::Deny,
                None => Decision::Hide,
            }
        }
    })
}

fn object_name(action: Action) -> &'static str {
    match action {
        Action::UseOwnAccount | Action::CreateOrganization => "account",
        Action::ViewOrganization { .. } | Action::ManageMembers { .. } => "organisation",
    }
}
