//! The dashboard of a brand member (`/dashboard`): their organisations, each with its
//! contests, and the form that creates an organisation.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use crate::app::access::Actor;
use crate::app::{contests, organizations};
use crate::web::AppState;

use super::super::{CsrfForm, Page, SignedInPage, see_other, t};
use super::{ContestRow, render_view};

#[derive(Debug, Serialize)]
struct OrganizationRow {
    id: String,
    name: String,
    role: String,
    /// Owners see the form that invites members.
    owner: bool,
    /// Owners of one that never held a contest may delete it.
    deletable: bool,
    contests: Vec<ContestRow>,
}

/// What the dashboard shows.
#[derive(Debug, Serialize)]
struct DashboardView {
    organizations: Vec<OrganizationRow>,
    is_admin: bool,
    /// The name typed into the form that creates an organisation (when it failed).
    organization_name: String,
    /// The success notice of the form just sent (`?done=`), empty when none.
    done: String,
}

/// The dashboard's success notices, by the `done` key its forms come back with.
const NOTICES: [(&str, &str); 4] = [
    ("created", "dashboard_done_created"),
    ("invited", "dashboard_done_invited"),
    ("left", "dashboard_done_left"),
    ("deleted", "dashboard_done_deleted"),
];

/// The `done` key a dashboard form came back with.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Done {
    done: String,
}

/// Renders the dashboard, with `context` carrying the error of a failed form if any.
async fn render_dashboard(
    state: &AppState,
    page: &Page,
    context: Context,
    organization_name: String,
    done: &str,
    status: StatusCode,
) -> HttpResponse {
    let (actor, lang) = (page.actor.clone(), page.lang);
    let is_admin = matches!(&page.actor, Actor::User(u) if u.is_admin);
    let view = state
        .run(move |ctx, conn| {
            let all = contests::list(ctx, conn, &actor)?;
            Ok(organizations::mine(conn, &actor)?
                .into_iter()
                .map(|org| {
                    let contests: Vec<ContestRow> = all
                        .iter()
                        .filter(|c| c.organization_id == org.id)
                        .map(|c| ContestRow::of(c, lang))
                        .collect();
                    let owner = org.role.as_deref() == Some("owner");
                    OrganizationRow {
                        deletable: owner && contests.is_empty(),
                        contests,
                        owner,
                        role: t(
                            lang,
                            &format!("role_{}", org.role.as_deref().unwrap_or("member")),
                        ),
                        id: org.id,
                        name: org.name,
                    }
                })
                .collect())
        })
        .await
        .map(|organizations| DashboardView {
            organizations,
            is_admin,
            organization_name,
            done: NOTICES
                .iter()
                .find(|(key, _)| *key == done)
                .map(|(_, text)| t(lang, text))
                .unwrap_or_default(),
        });
    render_view(page, state, "manage/dashboard.html", context, view, status)
}

pub(crate) async fn dashboard(
    state: web::Data<AppState>,
    page: SignedInPage,
    done: web::Query<Done>,
) -> HttpResponse {
    let context = page.context();
    render_dashboard(
        &state,
        &page,
        context,
        String::new(),
        &done.done,
        StatusCode::OK,
    )
    .await
}

/// The form that creates an organisation.
#[derive(Debug, Deserialize)]
pub(crate) struct OrganizationForm {
    #[serde(default)]
    name: String,
}

pub(crate) async fn create_organization(
    state: web::Data<AppState>,
    page: SignedInPage,
    form: CsrfForm<OrganizationForm>,
) -> HttpResponse {
    let name = form.into_inner().name;
    let actor = page.actor.clone();
    let input = organizations::NewOrganization { name: name.clone() };
    match state
        .run(move |ctx, conn| organizations::create(ctx, conn, &actor, input))
        .await
    {
        Ok(_) => page.finish(see_other("/dashboard?done=created")),
        Err(error) => {
            let mut context = page.context();
            let status = page.insert_error(&mut context, &error);
            render_dashboard(&state, &page, context, name, "", status).await
        }
    }
}
