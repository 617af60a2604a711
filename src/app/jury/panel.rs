//! Who scores what: the blind panels, the opaque entry ids, the assignment when judging starts
//! and the check an early award must pass.

use super::*;

/// The entries a juror scores, in blind order, without the ones they are in conflict with.
pub(super) struct Panel {
    /// (number, idea) in blind order; only the juror's non-conflicted assigned entries.
    pub(super) entries: Vec<(usize, Idea)>,
}

/// The entries in the running, in blind order, and the round being judged: the same for every
/// juror of a contest, so loaded once when every juror's panel is needed.
pub(super) struct Field {
    eligible: Vec<(Idea, String)>,
    /// Indexes into `eligible`, in blind order.
    order: Vec<usize>,
    /// The round being judged: only its entrants are on the jurors' lists.
    pub(super) stage: crate::app::rounds::Stage,
    /// The keys of the rules' tracks: a juror invited to one of them scores its entries only.
    tracks: Vec<String>,
}

impl Field {
    pub(super) fn load(conn: &mut DbConnection, contest: &Contest) -> AppResult<Field> {
        let rules = super::super::contests::parse_rules(contest)?;
        let closings = if rules.rounds.is_empty() {
            Vec::new()
        } else {
            store::rounds::of_contest(conn, &contest.id)?
        };
        let stage = crate::app::rounds::stage_of(&rules, &closings);
        let tracks = rules.tracks.iter().map(|t| t.key.clone()).collect();
        let eligible = store::ideas::eligible_with_author_email(conn, &contest.id)?;
        let ids: Vec<&str> = eligible.iter().map(|(idea, _)| idea.id.as_str()).collect();
        let position: std::collections::HashMap<&str, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let order = rules::blind_order(&contest.id, &ids)
            .into_iter()
            .map(|id| position[id])
            .collect();
        Ok(Field {
            eligible,
            order,
            stage,
            tracks,
        })
    }
}

/// The track a juror scores, when the rules have it (None: every track).
pub(super) fn panel_track<'a>(juror: &'a Juror, tracks: &[String]) -> Option<&'a str> {
    juror
        .track
        .as_deref()
        .filter(|t| tracks.iter().any(|k| k == t))
}

pub(super) fn panel_in(
    conn: &mut DbConnection,
    contest: &Contest,
    juror: &Juror,
    field: &Field,
) -> AppResult<Panel> {
    let assigned: Option<HashSet<String>> = match contest.reviews_per_entry {
        None => None,
        Some(_) => Some(
            store::jury::assigned_ideas(conn, &juror.id)?
                .into_iter()
                .collect(),
        ),
    };
    let declared: HashSet<String> = store::jury::declared_conflicts(conn, &juror.id)?
        .into_iter()
        .collect();
    let juror_user = juror.user_id.clone().unwrap_or_default();
    let track = panel_track(juror, &field.tracks);
    // Entries are numbered among those this juror may know of: a gap would tell them that an
    // entry by someone close to them exists. An entry they declared a conflict with keeps its
    // number, so that the others do not move.
    let mut entries = Vec::new();
    let mut number = 0;
    for i in &field.order {
        let (idea, author_email) = &field.eligible[*i];
        let in_list = assigned.as_ref().is_none_or(|a| a.contains(&idea.id))
            && field.stage.admits(&idea.id)
            && track.is_none_or(|t| idea.track.as_deref() == Some(t));
        let detected =
            rules::detected_conflict(&juror_user, &juror.email, &idea.author_id, author_email);
        if !in_list || detected {
            continue;
        }
        number += 1;
        if !declared.contains(&idea.id) {
            entries.push((number, idea.clone()));
        }
    }
    Ok(Panel { entries })
}

/// Why an organiser may not award before the judging deadline, if they may not: an early award
/// needs a real jury (at least `min_jurors` accepted jurors, and at least one), every juror's
/// list complete, and every eligible entry scored by at least one juror. Without these an
/// organiser could invite jurors who never accept, award the moment judging starts, and let
/// the fallback rule pay unscored entries by their submission time. The award at the judging
/// deadline needs none of this: it runs whatever the jury did, so that the prize is paid.
pub fn early_award_blocker(
    conn: &mut DbConnection,
    contest: &Contest,
    min_jurors: u32,
) -> AppResult<Option<&'static str>> {
    let field = Field::load(conn, contest)?;
    let jurors = store::jury::accepted_with_users(conn, &contest.id)?;
    if jurors.is_empty() || jurors.len() < min_jurors as usize {
        return Ok(Some(
            "Fewer jurors have accepted than the rules require; the award runs by itself at the judging deadline.",
        ));
    }
    if field.stage.key != crate::domain::rules::FINAL_ROUND {
        return Ok(Some(
            "An earlier round is still being judged; the award comes after the final round.",
        ));
    }
    let mut scored: HashSet<String> = HashSet::new();
    for (juror, ..) in jurors {
        let panel = panel_in(conn, contest, &juror, &field)?;
        let (progress, sheets) = progress_of(conn, &juror, &panel.entries, &field.stage.key)?;
        if progress.scored < progress.assigned {
            return Ok(Some(
                "Some jurors have entries left to score; the award runs by itself at the judging deadline.",
            ));
        }
        scored.extend(sheets.into_iter().map(|sheet| sheet.idea_id));
    }
    if (field.eligible.iter())
        .filter(|(idea, _)| field.stage.admits(&idea.id))
        .any(|(idea, _)| !scored.contains(&idea.id))
    {
        return Ok(Some(
            "Some entries have no score sheet yet; the award runs by itself at the judging deadline.",
        ));
    }
    Ok(None)
}

/// Finds one of the juror's entries by its opaque id; a conflicted one is refused with the
/// same 404 as an id that is not on the juror's list.
///
/// The same answer as looking it up in the juror's panel, without building the panel: the
/// opaque id is resolved through a map kept per contest, then only that idea is checked
/// (still in the running, on the juror's list, no conflict detected or declared).
pub(super) fn entry_of(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    juror: &Juror,
    eid: &str,
) -> AppResult<Idea> {
    let not_found = || AppError::not_found("entry");
    let idea_id = idea_of_entry(ctx, conn, contest, eid)?.ok_or_else(not_found)?;
    let idea = store::ideas::find(conn, &idea_id)?.ok_or_else(not_found)?;
    let author = store::users::find(conn, &idea.author_id)?;
    let (Some(author), crate::domain::ideas::Status::Submitted) = (author, idea.status) else {
        return Err(not_found());
    };
    let assigned = contest.reviews_per_entry.is_none()
        || store::jury::assigned_ideas(conn, &juror.id)?.contains(&idea.id);
    if !assigned {
        return Err(not_found());
    }
    // Only the round being judged, and the juror's track: an entry of another round or track
    // answers as one that does not exist.
    let stage = crate::app::rounds::stage(ctx, conn, contest)?;
    let tracks: Vec<String> = (rules_of(ctx, contest)?.tracks.into_iter())
        .map(|t| t.key)
        .collect();
    let in_track = panel_track(juror, &tracks).is_none_or(|t| idea.track.as_deref() == Some(t));
    if !stage.admits(&idea.id) || !in_track {
        return Err(not_found());
    }
    let juror_user = juror.user_id.clone().unwrap_or_default();
    let detected =
        rules::detected_conflict(&juror_user, &juror.email, &idea.author_id, &author.email);
    // A conflict answers exactly like an entry that is not on the list: a distinct answer
    // would tell the juror which entry ids belong to someone close to them.
    if detected || store::jury::declared_conflicts(conn, &juror.id)?.contains(&idea.id) {
        return Err(not_found());
    }
    Ok(idea)
}

/// The idea an opaque entry id stands for, in this contest. An entry id is a keyed hash of the
/// idea's id, so the map never changes for an idea; it is built once per contest (when a
/// juror first opens an entry, in judging, when no idea can be added) and again only for an
/// id it does not know.
fn idea_of_entry(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    eid: &str,
) -> AppResult<Option<String>> {
    if let Some(hit) = ctx
        .caches
        .entry_map(&contest.id)
        .and_then(|map| map.get(eid).cloned())
    {
        return Ok(Some(hit));
    }
    let map: crate::app::caches::EntryMap = store::ideas::overview_of_contest(conn, &contest.id)?
        .into_iter()
        .map(|idea| (entry_id(&ctx.entry_salt, &contest.id, &idea.id), idea.id))
        .collect();
    let found = map.get(eid).cloned();
    ctx.caches.keep_entry_map(contest.id.clone(), map);
    Ok(found)
}

/// When judging starts: entries are assigned (if the contest limits reviews per entry) and the
/// jurors are told. In the transition's transaction.
pub fn start_judging(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let jurors = store::jury::accepted_with_users(conn, &contest.id)?;
    if let Some(per_entry) = contest.reviews_per_entry {
        let eligible = store::ideas::eligible_with_author_email(conn, &contest.id)?;
        let ids: Vec<&str> = eligible.iter().map(|(i, _)| i.id.as_str()).collect();
        let order: Vec<String> = rules::blind_order(&contest.id, &ids)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let juror_ids: Vec<String> = jurors.iter().map(|(j, ..)| j.id.clone()).collect();
        let mut conflicts = HashSet::new();
        for (juror, ..) in &jurors {
            let declared = store::jury::declared_conflicts(conn, &juror.id)?;
            for (idea, author_email) in &eligible {
                let user = juror.user_id.clone().unwrap_or_default();
                if declared.contains(&idea.id)
                    || rules::detected_conflict(&user, &juror.email, &idea.author_id, author_email)
                {
                    conflicts.insert((juror.id.clone(), idea.id.clone()));
                }
            }
        }
        let pairs = rules::assign(&order, &juror_ids, &conflicts, per_entry as usize);
        store::jury::insert_assignments(conn, &pairs)?;
    }
    for (juror, _, locale, display_name) in &jurors {
        let context = juror_mail_context(ctx, contest, display_name);
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "judging_started",
                to: &juror.email,
                locale,
                context,
            },
        )?;
    }
    Ok(())
}
