//! `concours demo`: a brand, contests in every phase (one awarded through its fallback rule),
//! innovators, ideas and jurors, so that a newcomer sees Concours at work at once. Everything
//! goes through the same use cases as the API, with a clock that walks through the past.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::app::access::{Actor, UserActor};
use crate::app::{Ctx, accounts, contests, fundings, ideas, jury, organizations, phases};
use crate::clock::ManualClock;
use crate::config::Settings;
use crate::store::{self, DbConnection, Pool};

/// The password of every demo account.
pub const PASSWORD: &str = "concours-demo";

/// The accounts created, to sign in with: (email, role).
pub const ACCOUNTS: [(&str, &str); 7] = [
    (
        "brand@demo.concours.example",
        "brand manager (owner of Demo Brand)",
    ),
    (
        "admin@demo.concours.example",
        "platform admin (confirms fundings and payouts)",
    ),
    ("ines@innovators.example", "innovator"),
    ("omar@innovators.example", "innovator"),
    ("lea@innovators.example", "innovator"),
    ("juror1@jury.concours.example", "juror"),
    ("juror2@jury.concours.example", "juror"),
];

fn fail(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn rules(
    opens: DateTime<Utc>,
    deadline: DateTime<Utc>,
    judged: DateTime<Utc>,
    minimum: u32,
    fallback: Value,
) -> Value {
    json!({
        "opens_at": at(opens), "submission_deadline": at(deadline), "judging_deadline": at(judged),
        "criteria": [
            {"key": "impact", "label": "Impact", "weight": 3, "max": 10},
            {"key": "feasibility", "label": "Feasibility", "weight": 2, "max": 10},
            {"key": "originality", "label": "Originality", "weight": 1, "max": 5}
        ],
        "currency": "EUR",
        "prizes": [{"label": "First prize", "amount_cents": 300_000}, {"label": "Second prize", "amount_cents": 100_000}],
        "minimum_score": minimum, "fallback": fallback,
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 2, "blind_judging": true,
        "eligibility": "Anyone of age, anywhere.",
        "ip_terms": "Authors keep their rights; Demo Brand may evaluate the ideas.",
        "min_jurors": 2
    })
}

/// Fills the database; refuses when the demo is already there.
pub fn run(settings: &Settings, pool: &Pool, secret: &[u8]) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let conn: &mut DbConnection = &mut conn;
    if store::users::find_by_email(conn, ACCOUNTS[0].0)?.is_some() {
        anyhow::bail!("the demo is already in this database");
    }
    let now = Utc::now();
    let clock = ManualClock::new(now - Duration::days(41));
    let ctx = Ctx::new(settings.clone(), Arc::new(clock.clone()), secret);
    let mut people: BTreeMap<&str, Actor> = BTreeMap::new();
    for (email, _) in ACCOUNTS {
        let name = email.split('@').next().unwrap_or("demo");
        let mut display = name.to_owned();
        display[..1].make_ascii_uppercase();
        let account = accounts::register(
            &ctx,
            conn,
            accounts::Registration {
                email: email.into(),
                password: PASSWORD.into(),
                display_name: display,
                locale: None,
            },
        )
        .map_err(fail)?;
        store::users::mark_verified(conn, &account.id, store::to_db(clock_now(&clock)))?;
        people.insert(
            email,
            Actor::User(UserActor {
                id: account.id,
                is_admin: false,
                email_verified: true,
            }),
        );
    }
    accounts::grant_admin(conn, ACCOUNTS[1].0).map_err(fail)?;
    if let Some(Actor::User(admin)) = people.get_mut(ACCOUNTS[1].0) {
        admin.is_admin = true;
    }
    let brand = people[ACCOUNTS[0].0].clone();
    let admin = people[ACCOUNTS[1].0].clone();
    let org = organizations::create(
        &ctx,
        conn,
        &brand,
        organizations::NewOrganization {
            name: "Demo Brand".into(),
        },
    )
    .map_err(fail)?;

    let make = |title: &str,
                brief: &str,
                rules: Value,
                open: bool,
                conn: &mut DbConnection|
     -> anyhow::Result<String> {
        let contest = contests::create(
            &ctx,
            conn,
            &brand,
            contests::NewContest {
                organization_id: org.id.clone(),
                title: title.into(),
                brief: brief.into(),
                rules,
            },
        )
        .map_err(fail)?;
        if open {
            let funding = fundings::record(
                &ctx,
                conn,
                &brand,
                &contest.id,
                fundings::NewFunding {
                    amount_cents: 400_000,
                    reference: "DEMO-WIRE".into(),
                    currency: None,
                },
            )
            .map_err(fail)?;
            fundings::confirm(&ctx, conn, &admin, &funding.id, Default::default()).map_err(fail)?;
            for juror in [
                "juror1@jury.concours.example",
                "juror2@jury.concours.example",
            ] {
                jury::invite(
                    &ctx,
                    conn,
                    &brand,
                    &contest.id,
                    jury::NewJuror {
                        email: juror.into(),
                        track: None,
                    },
                )
                .map_err(fail)?;
            }
            contests::open(&ctx, conn, &brand, &contest.id).map_err(fail)?;
        }
        Ok(contest.id)
    };

    // 1. Awarded, through its fallback rule: nobody reaches 90, so the prizes are shared.
    let awarded = make(
        "Zero-waste packaging",
        "Packaging that leaves **nothing** behind. The jury sets the bar high.",
        rules(
            now - Duration::days(40),
            now - Duration::days(25),
            now - Duration::days(10),
            90,
            json!({"policy": "split_top", "n": 2}),
        ),
        true,
        conn,
    )?;
    accept_jurors(&ctx, conn, &people, &awarded)?;
    clock.set(now - Duration::days(30));
    submit(
        &ctx,
        conn,
        &people,
        &awarded,
        &[
            ("ines", "Refill stations"),
            ("omar", "Edible cups"),
            ("lea", "Deposit boxes"),
        ],
    )?;
    clock.set(now - Duration::days(20));
    // The scheduler's work, as it would have happened: judging starts, then the award.
    phases::run_due(&ctx, conn).map_err(fail)?;
    score_all(&ctx, conn, &people, &awarded, &[7, 6, 5])?;
    clock.set(now - Duration::days(10));
    phases::run_due(&ctx, conn).map_err(fail)?;
    if store::awards::find(conn, &awarded)?.is_none() {
        anyhow::bail!("the demo's judged contest was not awarded; see the log");
    }

    // 2. Being judged now, in a shortlist round before the final one, by the median.
    clock.set(now - Duration::days(21));
    let mut judged_rules = rules(
        now - Duration::days(20),
        now - Duration::days(1),
        now + Duration::days(14),
        60,
        json!({"policy": "best_anyway"}),
    );
    judged_rules["aggregation"] = json!("median");
    judged_rules["rounds"] = json!([{
        "key": "shortlist", "label": "Shortlist", "ends_at": at(now + Duration::days(5)),
        "criteria": [{"key": "promise", "label": "Promise", "weight": 1, "max": 10,
            "description": "How far the idea could go, if it works."}],
        "advance": {"top": 1}
    }]);
    let judging = make(
        "Quieter cities",
        "How can a city become *quieter* without slowing down?",
        judged_rules,
        true,
        conn,
    )?;
    accept_jurors(&ctx, conn, &people, &judging)?;
    clock.set(now - Duration::days(10));
    submit(
        &ctx,
        conn,
        &people,
        &judging,
        &[
            ("ines", "Green walls"),
            ("omar", "Night deliveries by bike"),
        ],
    )?;

    // 3. Open for ideas.
    clock.set(now - Duration::days(6));
    let open = make(
        "Better school lunches",
        "Ideas for healthier, tastier school lunches on the same budget.",
        rules(
            now - Duration::days(5),
            now + Duration::days(20),
            now + Duration::days(40),
            60,
            json!({"policy": "split_all"}),
        ),
        true,
        conn,
    )?;
    clock.set(now - Duration::days(2));
    submit(
        &ctx,
        conn,
        &people,
        &open,
        &[("lea", "A garden in every school")],
    )?;

    // 4. Coming soon, and 5. a draft only the brand sees.
    clock.set(now - Duration::hours(1));
    make(
        "Repair, don't replace",
        "Make repairing things the easy choice.",
        rules(
            now + Duration::days(7),
            now + Duration::days(37),
            now + Duration::days(60),
            50,
            json!({"policy": "best_anyway"}),
        ),
        true,
        conn,
    )?;
    make(
        "Next year's challenge (draft)",
        "Still being written.",
        rules(
            now + Duration::days(60),
            now + Duration::days(90),
            now + Duration::days(120),
            50,
            json!({"policy": "best_anyway"}),
        ),
        false,
        conn,
    )?;
    Ok(())
}

fn clock_now(clock: &ManualClock) -> DateTime<Utc> {
    use crate::clock::Clock;
    clock.now()
}

fn accept_jurors(
    ctx: &Ctx,
    conn: &mut DbConnection,
    people: &BTreeMap<&str, Actor>,
    contest_id: &str,
) -> anyhow::Result<()> {
    for email in [
        "juror1@jury.concours.example",
        "juror2@jury.concours.example",
    ] {
        let juror = store::jury::find_by_email(conn, contest_id, email)?
            .ok_or_else(|| anyhow::anyhow!("no invitation"))?;
        let Actor::User(user) = &people[email] else {
            continue;
        };
        store::jury::accept(conn, &juror.id, &user.id, store::to_db(ctx.now()))?;
    }
    Ok(())
}

fn submit(
    ctx: &Ctx,
    conn: &mut DbConnection,
    people: &BTreeMap<&str, Actor>,
    contest_id: &str,
    list: &[(&str, &str)],
) -> anyhow::Result<()> {
    for (who, title) in list {
        let email = ACCOUNTS
            .iter()
            .map(|(email, _)| *email)
            .find(|email| email.starts_with(&format!("{who}@")))
            .expect("a demo account");
        let actor = &people[email];
        ideas::create(
            ctx,
            conn,
            actor,
            contest_id,
            ideas::NewIdea {
                title: (*title).into(),
                summary: format!("{title}, in one sentence."),
                body: format!("## {title}\n\nWhat it is, who it helps, and how we would test it."),
                accept_terms: true,
                draft: false,
                track: None,
            },
        )
        .map_err(fail)?;
    }
    Ok(())
}

/// Each juror scores every entry, the n-th entry (blind order) with impact `levels[n]`.
fn score_all(
    ctx: &Ctx,
    conn: &mut DbConnection,
    people: &BTreeMap<&str, Actor>,
    contest_id: &str,
    levels: &[i64],
) -> anyhow::Result<()> {
    for (k, email) in [
        "juror1@jury.concours.example",
        "juror2@jury.concours.example",
    ]
    .into_iter()
    .enumerate()
    {
        let actor = &people[email];
        let list = jury::entries(ctx, conn, actor, contest_id).map_err(fail)?;
        for (n, entry) in list.entries.iter().enumerate() {
            let impact = levels.get(n).copied().unwrap_or(5) + k as i64 - 1;
            let scores: BTreeMap<String, i64> = [
                ("impact".to_owned(), impact.clamp(0, 10)),
                ("feasibility".to_owned(), 6),
                ("originality".to_owned(), 3),
            ]
            .into();
            jury::save_scores(
                ctx,
                conn,
                actor,
                contest_id,
                &entry.entry_id,
                jury::ScoreSheet {
                    scores,
                    comment: Some("A promising start; show how you would test it.".into()),
                },
            )
            .map_err(fail)?;
        }
    }
    Ok(())
}
