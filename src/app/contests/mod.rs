//! Contests, the brand's side: drafts, reading, opening (which freezes the rules), and the
//! published rules document whose SHA-256 is the contest's `rules_hash`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::canonical;
use crate::domain::lifecycle::{self, Phase};
use crate::domain::rules::Rules;
use crate::domain::text;
use crate::store::{self, DbConnection, contests::Contest, write_tx};

use super::access::{self, Action, Actor};
use super::{AppError, AppResult, Ctx, ErrorCode, Validator, audit, notify};

mod checklist;
mod pages;

pub use checklist::{Check, Checklist, checklist, open_checklist};
pub use pages::{ContestCard, ContestPage, cards, page, teaser};

/// A contest as API.md describes it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContestView {
    pub id: String,
    pub organization_id: String,
    pub title: String,
    pub brief: String,
    #[schema(value_type = Object)]
    pub rules: Value,
    /// `draft`, `upcoming`, `submission`, `judging` or `awarded`.
    #[schema(value_type = String)]
    pub phase: Phase,
    /// SHA-256 (hex) of the canonical rules document; null in draft.
    pub rules_hash: Option<String>,
    pub opened_at: Option<DateTime<Utc>>,
    pub prize_pool_cents: i64,
    /// ISO 4217 code; every `…_cents` amount is in its minor unit (yen for JPY, fils for BHD).
    pub currency: String,
    /// Confirmed escrowed money in `currency` (fundings in another currency never count).
    pub funded_cents: i64,
    /// The round being judged (the final one for a contest without rounds); null outside
    /// judging.
    pub round: Option<crate::app::rounds::RoundRef>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContest {
    pub organization_id: String,
    pub title: String,
    /// Markdown.
    pub brief: String,
    /// The rules document of DESIGN.md (Rules).
    #[schema(value_type = Object)]
    pub rules: Value,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContestPatch {
    pub title: Option<String>,
    pub brief: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub rules: Option<Value>,
}

const MAX_TITLE: usize = 200;
const MAX_BRIEF: usize = 50_000;

/// The stored rules of a contest; they were valid when written.
pub fn rules_of(ctx: &Ctx, contest: &Contest) -> AppResult<Rules> {
    // Frozen rules never change: parsed once per contest and kept in `ctx.caches`, keyed by
    // their hash.
    let key = contest
        .rules_hash
        .as_ref()
        .map(|hash| format!("{}:{hash}", contest.id));
    if let Some(rules) = key.as_deref().and_then(|key| ctx.caches.frozen_rules(key)) {
        return Ok(rules);
    }
    let rules = parse_rules(contest)?;
    if let Some(key) = key {
        ctx.caches.keep_frozen_rules(key, rules.clone());
    }
    Ok(rules)
}

/// The stored rules of a contest, parsed again: for the use cases that are not handed a `Ctx`
/// (and so its cache); the same answer as `rules_of`.
pub fn parse_rules(contest: &Contest) -> AppResult<Rules> {
    let value: Value = serde_json::from_str(&contest.rules).map_err(AppError::internal)?;
    Rules::parse(&value)
        .map_err(|_| AppError::internal(format!("contest {} holds invalid rules", contest.id)))
}

/// The phase of a contest now. Nothing stores it.
pub fn phase_of(contest: &Contest, now: DateTime<Utc>) -> Phase {
    let timeline = lifecycle::Timeline {
        opens_at: store::from_db(contest.opens_at),
        submission_deadline: store::from_db(contest.submission_deadline),
        judging_deadline: store::from_db(contest.judging_deadline),
    };
    lifecycle::phase(
        contest.is_opened(),
        &timeline,
        contest.awarded_at.is_some(),
        now,
    )
}

pub fn view(
    conn: &mut DbConnection,
    contest: &Contest,
    now: DateTime<Utc>,
) -> AppResult<ContestView> {
    let phase = phase_of(contest, now);
    let round = if phase == Phase::Judging {
        let rules = parse_rules(contest)?;
        let closings = if rules.rounds.is_empty() {
            Vec::new()
        } else {
            store::rounds::of_contest(conn, &contest.id)?
        };
        Some(crate::app::rounds::stage_of(&rules, &closings).view())
    } else {
        None
    };
    Ok(ContestView {
        id: contest.id.clone(),
        organization_id: contest.organization_id.clone(),
        title: contest.title.clone(),
        brief: contest.brief.clone(),
        rules: serde_json::from_str(&contest.rules).map_err(AppError::internal)?,
        phase,
        rules_hash: contest.rules_hash.clone(),
        opened_at: contest.opened_at.map(store::from_db),
        prize_pool_cents: contest.prize_pool_cents,
        currency: contest.currency.clone(),
        funded_cents: store::fundings::funded_cents(conn, &contest.id, &contest.currency)?,
        round,
    })
}

/// Loads a contest the caller may see, or answers 404.
pub fn load_visible(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Contest> {
    let contest =
        store::contests::find(conn, contest_id)?.ok_or_else(|| AppError::not_found("contest"))?;
    access::require(conn, actor, Action::ViewContest { contest: &contest })?;
    Ok(contest)
}

/// Reads a contest, if the caller may manage it: the read-only twin of `load_managed`, for
/// pages that only show it. It takes no row lock (a lock outside a write transaction would
/// only queue up behind the writers for nothing).
pub fn find_managed(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Contest> {
    let contest = store::contests::find(conn, contest_id)?;
    managed(conn, actor, contest)
}

/// Loads a contest for a change, locked until the transaction ends, if the caller may manage it.
/// Only inside a write transaction; a page that only reads uses `find_managed`.
pub fn load_managed(
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<Contest> {
    let contest = store::contests::find_for_update(conn, contest_id)?;
    managed(conn, actor, contest)
}

/// The contest, if there is one and the caller may manage it (404 otherwise, or 403).
fn managed(conn: &mut DbConnection, actor: &Actor, contest: Option<Contest>) -> AppResult<Contest> {
    let contest = contest.ok_or_else(|| AppError::not_found("contest"))?;
    access::require(conn, actor, Action::ManageContest { contest: &contest })?;
    Ok(contest)
}

fn checked_text(
    v: &mut Validator,
    path: &str,
    raw: &str,
    max: usize,
    lines: text::Lines,
) -> Option<String> {
    v.check(path, text::check(raw, max, lines))
}

/// The rules' typed texts, checked for hidden characters (drafts only: see
/// `Rules::check_characters`).
fn check_rule_texts(v: &mut Validator, rules: &Rules) {
    for e in rules.check_characters() {
        v.add(&e.path, e.message);
    }
}

/// Validates a whole draft at once: title, brief and every rule.
fn validate(title: &str, brief: &str, rules: &Value) -> AppResult<(String, String, Rules)> {
    let mut v = Validator::new();
    let title = checked_text(&mut v, "title", title, MAX_TITLE, text::Lines::Single);
    let brief = checked_text(&mut v, "brief", brief, MAX_BRIEF, text::Lines::Multi);
    let rules = match Rules::parse(rules) {
        Ok(rules) => {
            check_rule_texts(&mut v, &rules);
            Some(rules)
        }
        Err(errors) => {
            for e in errors {
                v.add(&e.path, e.message);
            }
            None
        }
    };
    v.finish()?;
    match (title, brief, rules) {
        (Some(t), Some(b), Some(r)) => Ok((t, b, r)),
        _ => unreachable!("the validator reported every missing value"),
    }
}

/// Creates a draft in an organisation the caller belongs to.
pub fn create(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    input: NewContest,
) -> AppResult<ContestView> {
    access::require(
        conn,
        actor,
        Action::CreateContest {
            organization_id: &input.organization_id,
        },
    )?;
    let user = actor.user().expect("members are signed in");
    let (title, brief, rules) = validate(&input.title, &input.brief, &input.rules)?;
    write_tx(conn, |conn| {
        let now = ctx.now();
        let id = store::new_id();
        let rules_text = canonical::to_string(&rules.to_json());
        store::contests::insert(
            conn,
            &id,
            &input.organization_id,
            &user.id,
            &draft_content(&title, &brief, &rules, &rules_text, now),
        )?;
        audit::record(
            conn,
            &id,
            now,
            "contest_created",
            json!({"title": title, "organization_id": input.organization_id}),
        )?;
        let contest = store::contests::find(conn, &id)?
            .ok_or_else(|| AppError::internal("contest vanished"))?;
        view(conn, &contest, now)
    })
}

fn draft_content<'a>(
    title: &'a str,
    brief: &'a str,
    rules: &'a Rules,
    rules_text: &'a str,
    now: DateTime<Utc>,
) -> store::contests::DraftContent<'a> {
    store::contests::DraftContent {
        title,
        brief,
        rules: rules_text,
        currency: &rules.currency,
        prize_pool_cents: rules.prize_pool_cents(),
        opens_at: store::to_db(rules.opens_at),
        submission_deadline: store::to_db(rules.submission_deadline),
        judging_deadline: store::to_db(rules.judging_deadline),
        updated_at: store::to_db(now),
    }
}

fn frozen() -> AppError {
    AppError::conflict(
        ErrorCode::RulesFrozen,
        "This contest is open: its title, brief and rules are frozen. Publish an announcement to clarify them.",
    )
}

/// Once money is confirmed for a draft, its currency is fixed (`currency_locked`) and its pool
/// may not fall below the escrow (`over_funded`): confirmed money is never re-read in another
/// currency, and the escrow of a contest never exceeds what it promises.
fn escrow_allows(conn: &mut DbConnection, contest: &Contest, rules: &Rules) -> AppResult<()> {
    let funded = store::fundings::funded_cents(conn, &contest.id, &contest.currency)?;
    if funded == 0 {
        return Ok(());
    }
    if rules.currency != contest.currency {
        return Err(AppError::conflict(
            ErrorCode::CurrencyLocked,
            format!(
                "{} is already confirmed in escrow for this contest; its currency stays {}.",
                crate::domain::money::format_cents(funded, &contest.currency),
                contest.currency
            ),
        ));
    }
    if rules.prize_pool_cents() < funded {
        return Err(AppError::conflict(
            ErrorCode::OverFunded,
            format!(
                "{} is already confirmed in escrow; the prizes must add up to at least that.",
                crate::domain::money::format_cents(funded, &contest.currency)
            ),
        ));
    }
    Ok(())
}

/// Changes a draft. Once the contest is open, every change is refused with `rules_frozen`.
pub fn update(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
    patch: ContestPatch,
) -> AppResult<ContestView> {
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        if contest.is_opened() {
            return Err(frozen());
        }
        // Who changed it goes to the security log, not the public chain.
        let user = actor.user().expect("members are signed in");
        tracing::info!(target: "concours::audit", user = %user.id, contest = %contest_id, "draft updated");
        let current_rules: Value =
            serde_json::from_str(&contest.rules).map_err(AppError::internal)?;
        let (title, brief, rules) = validate(
            patch.title.as_deref().unwrap_or(&contest.title),
            patch.brief.as_deref().unwrap_or(&contest.brief),
            patch.rules.as_ref().unwrap_or(&current_rules),
        )?;
        escrow_allows(conn, &contest, &rules)?;
        let now = ctx.now();
        let rules_text = canonical::to_string(&rules.to_json());
        if !store::contests::update_draft(
            conn,
            contest_id,
            &draft_content(&title, &brief, &rules, &rules_text, now),
        )? {
            return Err(frozen());
        }
        let mut changed = Vec::new();
        if title != contest.title {
            changed.push("title");
        }
        if brief != contest.brief {
            changed.push("brief");
        }
        if rules_text != contest.rules {
            changed.push("rules");
        }
        audit::record(
            conn,
            contest_id,
            now,
            "contest_updated",
            json!({"changed": changed}),
        )?;
        let contest = store::contests::find(conn, contest_id)?
            .ok_or_else(|| AppError::not_found("contest"))?;
        view(conn, &contest, now)
    })
}

pub fn show(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<ContestView> {
    let contest = load_visible(conn, actor, contest_id)?;
    view(conn, &contest, ctx.now())
}

/// Every opened contest, and the caller's organisations' drafts; newest first.
pub fn list(ctx: &Ctx, conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<ContestView>> {
    let user_id = actor.user().map(|u| u.id.as_str());
    let now = ctx.now();
    store::contests::visible_to(conn, user_id)?
        .iter()
        .map(|contest| view(conn, contest, now))
        .collect()
}

/// The document a contest's `rules_hash` commits to: its ids, title, brief and rules.
fn rules_document(contest: &Contest, rules: &Rules) -> String {
    canonical::to_string(&json!({
        "contest_id": contest.id,
        "organization_id": contest.organization_id,
        "title": contest.title,
        "brief": contest.brief,
        "rules": rules.to_json(),
    }))
}

/// The canonical rules document: once opened, the frozen bytes whose SHA-256 is `rules_hash`;
/// in draft, what they would be now.
pub fn rules_text(conn: &mut DbConnection, actor: &Actor, contest_id: &str) -> AppResult<String> {
    let contest = load_visible(conn, actor, contest_id)?;
    match &contest.rules_document {
        Some(document) => Ok(document.clone()),
        None => Ok(rules_document(&contest, &parse_rules(&contest)?)),
    }
}

/// Opens a contest: checks the rules again (the deadline must be ahead) and the confirmed
/// escrow, then freezes title, brief and rules under their hash. From here on the contest
/// will end awarded, whatever happens.
pub fn open(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    contest_id: &str,
) -> AppResult<ContestView> {
    write_tx(conn, |conn| {
        let contest = load_managed(conn, actor, contest_id)?;
        // Mails people other than the caller (finding 16.12).
        super::access::require(conn, actor, super::access::Action::MailOthers)?;
        if contest.is_opened() {
            return Err(AppError::conflict(
                ErrorCode::InvalidPhase,
                "This contest is already open.",
            ));
        }
        let now = ctx.now();
        let rules = rules_of(ctx, &contest)?;
        // Every condition at once: the same list the management page shows.
        if let Some(refusal) = open_checklist(conn, &contest, &rules, now)?.refusal() {
            return Err(refusal);
        }
        let pool = rules.prize_pool_cents();
        let document = rules_document(&contest, &rules);
        let hash = canonical::sha256_hex(document.as_bytes());
        if !store::contests::open(conn, contest_id, &document, &hash, store::to_db(now))? {
            return Err(AppError::conflict(
                ErrorCode::InvalidPhase,
                "This contest is already open.",
            ));
        }
        let user = actor.user().expect("members are signed in");
        tracing::info!(target: "concours::audit", user = %user.id, contest = %contest_id, "contest opened");
        audit::record(
            conn,
            contest_id,
            now,
            "contest_opened",
            json!({"rules_hash": hash, "prize_pool_cents": pool, "currency": rules.currency}),
        )?;
        let opened = store::contests::find(conn, contest_id)?
            .ok_or_else(|| AppError::not_found("contest"))?;
        let mut prize_pool = json!({});
        crate::domain::money::into_mail_context(
            &mut prize_pool,
            "prize_pool",
            pool,
            &rules.currency,
        );
        notify::organization(ctx, conn, &opened, "contest_opened", prize_pool.clone())?;
        super::notifications::contest_opened(ctx, conn, &opened, prize_pool)?;
        view(conn, &opened, now)
    })
}
