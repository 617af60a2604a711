//! The crowd beside the jury: after the award of a contest whose rules publish the ideas,
//! everyone may read them and signed-in people may mark the ones they like (once each, never
//! their own). Marks are shown beside the jury's ranking, never mixed into it.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::access::{self, Action, Actor};
use super::contests::load_visible;
use super::{AppError, AppResult, Ctx, ErrorCode};
use crate::store::{self, DbConnection, write_tx};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicIdea {
    pub idea_id: String,
    pub title: String,
    pub summary: String,
    /// The text, as sanitised HTML.
    pub body_html: String,
    pub author: String,
    /// The jury's rank and score (out of 100), as published.
    pub rank: usize,
    pub score: Option<f64>,
    /// How many people marked it.
    pub marks: i64,
    /// Whether the caller marked it.
    pub marked_by_me: bool,
    /// Whether the caller wrote it (and so cannot mark it).
    pub mine: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicIdeas {
    pub contest_id: String,
    /// In the jury's order.
    pub ideas: Vec<PublicIdea>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Appreciation {
    pub idea_id: String,
    pub marks: i64,
    pub marked_by_me: bool,
}

fn not_public() -> AppError {
    AppError::conflict(
        ErrorCode::NotPublic,
        "The ideas of this contest are not public: its rules keep them private, or it is not awarded yet.",
    )
}

/// The contest, if its ideas are public now (awarded, and the rules publish them).
fn published(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<store::contests::Contest> {
    let contest = load_visible(conn, actor, contest_id)?;
    if contest.awarded_at.is_none() || !super::contests::parse_rules(&contest)?.publish_ideas {
        return Err(not_public());
    }
    Ok(contest)
}

pub fn public_ideas(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<PublicIdeas> {
    let contest = published(conn, actor, contest_id)?;
    let results = super::award::results(conn, actor, contest_id)?;
    let me = actor.user().map(|u| u.id.as_str());
    let (counts, mine) = store::profiles::marks_of_contest(conn, contest_id, me)?;
    let counts: HashMap<String, i64> = counts.into_iter().collect();
    let mine: HashSet<String> = mine.into_iter().collect();
    let ideas: HashMap<String, store::ideas::Idea> =
        store::ideas::submitted_of_contest(conn, contest_id)?
            .into_iter()
            .map(|idea| (idea.id.clone(), idea))
            .collect();
    let list = results
        .ranking
        .iter()
        .filter_map(|row| {
            let idea = ideas.get(&row.entry_id)?;
            Some(PublicIdea {
                idea_id: idea.id.clone(),
                title: idea.title.clone(),
                summary: idea.summary.clone(),
                body_html: crate::markdown::to_safe_html(&idea.body),
                author: row.author.clone(),
                rank: row.rank,
                score: row.score,
                marks: counts.get(&idea.id).copied().unwrap_or(0),
                marked_by_me: mine.contains(&idea.id),
                mine: me == Some(idea.author_id.as_str()),
            })
        })
        .collect();
    Ok(PublicIdeas {
        contest_id: contest.id,
        ideas: list,
    })
}

/// Marks (`on`) or unmarks an idea of a contest whose ideas are public.
pub fn mark(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    idea_id: &str,
    on: bool,
) -> AppResult<Appreciation> {
    let idea = store::ideas::find(conn, idea_id)?.ok_or_else(|| AppError::not_found("idea"))?;
    let contest = published(conn, actor, &idea.contest_id).map_err(|e| {
        if matches!(e, AppError::NotFound(_)) {
            AppError::not_found("idea")
        } else {
            e
        }
    })?;
    let ranked = super::award::results(conn, actor, &contest.id)?
        .ranking
        .iter()
        .any(|row| row.entry_id == idea.id);
    if !ranked {
        return Err(AppError::not_found("idea"));
    }
    access::require(
        conn,
        actor,
        Action::AppreciateIdea {
            author_id: &idea.author_id,
        },
    )?;
    let verified = actor.user().is_some_and(|u| u.email_verified);
    if !verified {
        return Err(AppError::EmailNotVerified(
            "Verify your email address first: one mark per real person.".into(),
        ));
    }
    let user_id = actor.user().map(|u| u.id.clone()).unwrap_or_default();
    let marks = write_tx(conn, |conn| {
        store::profiles::set_mark(conn, idea_id, &user_id, on, store::to_db(ctx.now()))
    })?;
    Ok(Appreciation {
        idea_id: idea_id.to_owned(),
        marks,
        marked_by_me: on,
    })
}
