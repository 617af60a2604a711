//! Organisations (brands): create one, list and read them. Members join by invitation
//! ([`super::memberships`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::organization::{Role, check_name, slugify};
use crate::store::{self, DbConnection, write_tx};

use super::access::{self, Action, Actor};
use super::{AppError, AppResult, Ctx, ErrorCode};

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationView {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// The caller's role in it, when the caller is a member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// The address to invite; it need not have an account yet.
    pub email: String,
    /// `member` (the default) or `owner`.
    #[serde(default)]
    pub role: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub organization_id: String,
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationDetails {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub members: Vec<MemberView>,
}

/// Creates an organisation; its creator becomes its owner.
pub fn create(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    input: NewOrganization,
) -> AppResult<OrganizationView> {
    access::require(conn, actor, Action::CreateOrganization)?;
    let user = actor.user().expect("the rule admits signed-in people only");
    let name = check_name(&input.name).map_err(|m| AppError::field("name", m))?;
    let base = slugify(&name);
    write_tx(conn, |conn| {
        let slug = free_slug(conn, &base)?;
        let id = store::new_id();
        let now = store::to_db(ctx.now());
        store::organizations::insert(conn, &id, &name, &slug, now)?;
        store::organizations::add_member(conn, &id, &user.id, Role::Owner.as_str(), now)?;
        Ok(OrganizationView {
            id,
            name: name.clone(),
            slug,
            role: Some(Role::Owner.as_str().into()),
        })
    })
}

/// `base`, or `base-2`, `base-3`… whichever is free first.
fn free_slug(conn: &mut DbConnection, base: &str) -> AppResult<String> {
    if !store::organizations::slug_taken(conn, base)? {
        return Ok(base.to_owned());
    }
    for n in 2..1000 {
        let candidate = format!("{base}-{n}");
        if !store::organizations::slug_taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Ok(format!("{base}-{}", &store::new_id()[..8]))
}

/// The organisations the caller belongs to.
pub fn mine(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<OrganizationView>> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in");
    Ok(store::organizations::of_user(conn, &user.id)?
        .into_iter()
        .map(|(org, role)| OrganizationView {
            id: org.id,
            name: org.name,
            slug: org.slug,
            role: Some(role),
        })
        .collect())
}

pub fn show(
    conn: &mut DbConnection,
    actor: &Actor,
    organization_id: &str,
) -> AppResult<OrganizationDetails> {
    access::require(conn, actor, Action::ViewOrganization { organization_id })?;
    let org = store::organizations::find(conn, organization_id)?
        .ok_or_else(|| AppError::not_found("organisation"))?;
    let members = store::organizations::members(conn, organization_id)?
        .into_iter()
        .map(|m| MemberView {
            organization_id: org.id.clone(),
            user_id: m.user_id,
            email: m.email,
            display_name: m.display_name,
            role: m.role,
            since: store::from_db(m.created_at),
        })
        .collect();
    Ok(OrganizationDetails {
        id: org.id,
        name: org.name,
        slug: org.slug,
        members,
    })
}

/// Deletes an organisation that never held a contest: its owners only, whoever else is a
/// member (an owner may remove each of them anyway). One that held a contest stays, since its
/// contests, money and audit chain keep an owner who answers for them (409 `has_contests`).
/// Its invitations, memberships and followers go with it.
pub fn delete(conn: &mut DbConnection, actor: &Actor, organization_id: &str) -> AppResult<()> {
    access::require(conn, actor, Action::ManageMembers { organization_id })?;
    write_tx(conn, |conn| {
        store::organizations::lock(conn, organization_id)?;
        if store::organizations::has_contests(conn, organization_id)? {
            return Err(AppError::conflict(
                ErrorCode::HasContests,
                "An organisation that held a contest stays: its contests, money and audit chain need it.",
            ));
        }
        store::organizations::delete_empty(conn, organization_id).map_err(AppError::from)
    })
}

/// An organisation's name as its brand shows on its contests' pages: public, so no access
/// check; empty when there is no such organisation (the page then shows no name).
pub fn brand_name(conn: &mut DbConnection, organization_id: &str) -> AppResult<String> {
    Ok(store::organizations::find(conn, organization_id)?
        .map(|o| o.name)
        .unwrap_or_default())
}
