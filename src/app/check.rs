//! The invariant checker behind `concours check`: finds states the rules forbid. The
//! integration tests run it after every test; later issues add the contest invariants.

use crate::store::{self, DbConnection};

/// One broken invariant, described for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub invariant: &'static str,
    pub detail: String,
}

/// Every violation found; empty when all is well.
pub fn run(conn: &mut DbConnection) -> anyhow::Result<Vec<Violation>> {
    let mut found = Vec::new();
    for organization_id in store::organizations::without_owner(conn)? {
        found.push(Violation {
            invariant: "every organisation has an owner",
            detail: format!("organisation {organization_id} has none"),
        });
    }
    for message in store::outbox::with_status(conn, "pending")? {
        if serde_json::from_str::<serde_json::Value>(&message.context).is_err() {
            found.push(Violation {
                invariant: "every queued message can be rendered",
                detail: format!(
                    "outbox message {} has a context that is not JSON",
                    message.id
                ),
            });
        }
    }
    for funding_id in store::fundings::confirmed_without_credit(conn)? {
        found.push(Violation {
            invariant: "every confirmed funding credits the escrow once",
            detail: format!("funding {funding_id} has no ledger entry"),
        });
    }
    for (idea_id, revision) in store::ideas::revisions_outside_window(conn)? {
        found.push(Violation {
            invariant: "no idea is accepted outside its submission window",
            detail: format!("idea {idea_id}, revision {revision}"),
        });
    }
    for (juror_id, idea_id) in store::jury::scores_despite_conflict(conn)? {
        found.push(Violation {
            invariant: "no juror scores an entry they are in conflict with",
            detail: format!("juror {juror_id}, idea {idea_id}"),
        });
    }
    for (contest_id, user_id) in store::jury::accepted_pairs(conn)? {
        if store::ideas::has_entered(conn, &contest_id, &user_id)? {
            found.push(Violation {
                invariant: "nobody both sits on a contest's jury and enters it",
                detail: format!("contest {contest_id}, user {user_id}"),
            });
        }
    }
    for (contest_id, pool, paid) in store::awards::totals(conn)? {
        if pool != paid {
            found.push(Violation {
                invariant: "the payouts of an awarded contest add up to its prize pool",
                detail: format!("contest {contest_id}: pool {pool}, payouts {paid}"),
            });
        }
    }
    for contest_id in store::awards::inconsistent(conn)? {
        found.push(Violation {
            invariant: "one award per contest, and a contest is awarded exactly when it has one",
            detail: format!("contest {contest_id}"),
        });
    }
    for contest_id in store::audit::contest_ids(conn)? {
        let chain = store::audit::chain(conn, &contest_id)?;
        if let Err(problem) = super::audit::verify_chain(&contest_id, &chain) {
            found.push(Violation {
                invariant: "every audit chain is intact",
                detail: format!("contest {contest_id}: {problem}"),
            });
        }
    }
    Ok(found)
}
