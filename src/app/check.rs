//! The invariant checker behind `concours check`: finds states the rules forbid (organisations,
//! the outbox, submission windows, conflicts of interest, awards and payouts, audit chains,
//! escrow). The integration tests run it after every test.

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
    for message in store::outbox::with_status(conn, crate::domain::status::MailStatus::Pending)? {
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
    for escrow in store::fundings::escrows(conn)? {
        found.extend(escrow_violations(&escrow));
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

/// What is wrong with one contest's escrow: money in another currency than its prizes, more
/// than it promises, money confirmed after opening, and, once open, escrow that is not exactly
/// its pool (opening needs it all; nothing is added afterwards, and there is no refund ledger).
fn escrow_violations(escrow: &store::fundings::Escrow) -> Vec<Violation> {
    let mut found = Vec::new();
    let contest = &escrow.contest_id;
    for (currency, amount) in &escrow.foreign {
        found.push(Violation {
            invariant: "escrow is held in the contest's currency",
            detail: format!(
                "contest {contest} promises {}, but holds {amount} in {currency}",
                escrow.currency
            ),
        });
    }
    for funding_id in &escrow.confirmed_after_opening {
        found.push(Violation {
            invariant: "no funding is confirmed after its contest opened",
            detail: format!("contest {contest}, funding {funding_id}"),
        });
    }
    let (funded, pool) = (escrow.funded_cents, escrow.prize_pool_cents);
    if escrow.opened_at.is_some() && funded != pool {
        found.push(Violation {
            invariant: "the escrow of an open contest is exactly its prize pool",
            detail: format!(
                "contest {contest}: pool {pool}, escrow {funded} ({})",
                escrow.currency
            ),
        });
    } else if escrow.opened_at.is_none() && funded > pool {
        found.push(Violation {
            invariant: "the escrow of a draft never exceeds its prize pool",
            detail: format!(
                "contest {contest}: pool {pool}, escrow {funded} ({})",
                escrow.currency
            ),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::fundings::Escrow;

    fn escrow(opened: bool, funded: i64) -> Escrow {
        Escrow {
            contest_id: "c".into(),
            currency: "EUR".into(),
            prize_pool_cents: 700_000,
            opened_at: opened.then(chrono::NaiveDateTime::default),
            funded_cents: funded,
            foreign: Vec::new(),
            confirmed_after_opening: Vec::new(),
        }
    }

    fn invariants(escrow: &Escrow) -> Vec<&'static str> {
        escrow_violations(escrow)
            .into_iter()
            .map(|v| v.invariant)
            .collect()
    }

    #[test]
    fn escrow_that_is_not_the_pool_is_flagged() {
        assert!(invariants(&escrow(true, 700_000)).is_empty());
        assert!(invariants(&escrow(false, 300_000)).is_empty());
        // 17.7: ten billion more on an awarded contest.
        let mut late = escrow(true, 700_000 + 10_000_000_000);
        late.confirmed_after_opening.push("f".into());
        assert_eq!(
            invariants(&late),
            [
                "no funding is confirmed after its contest opened",
                "the escrow of an open contest is exactly its prize pool"
            ]
        );
        assert_eq!(
            invariants(&escrow(true, 500_000)),
            ["the escrow of an open contest is exactly its prize pool"]
        );
        assert_eq!(
            invariants(&escrow(false, 800_000)),
            ["the escrow of a draft never exceeds its prize pool"]
        );
        // 16.1: confirmed in IDR, promised in EUR.
        let mut foreign = escrow(true, 0);
        foreign.foreign.push(("IDR".into(), 700_000));
        assert_eq!(
            invariants(&foreign),
            [
                "escrow is held in the contest's currency",
                "the escrow of an open contest is exactly its prize pool"
            ]
        );
    }
}
