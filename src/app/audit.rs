//! The audit log: every change of a contest's life is an event in an append-only hash chain,
//! `hash = SHA-256(prev_hash || canonical JSON of {seq, at, kind, contest_id, data})`, so that
//! anyone holding the chain can check that nothing was removed, reordered or rewritten.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::canonical;
use crate::store::{self, DbConnection, audit::AuditEvent, backend};

/// The `prev_hash` of a chain's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as published.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub seq: i64,
    pub at: String,
    pub kind: String,
    #[schema(value_type = Object)]
    pub data: Value,
    pub prev_hash: String,
    pub hash: String,
}

fn at_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn event_hash(
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    kind: &str,
    contest_id: &str,
    data: &Value,
) -> String {
    let event = json!({
        "seq": seq,
        "at": at_text(at),
        "kind": kind,
        "contest_id": contest_id,
        "data": data,
    });
    canonical::sha256_hex(format!("{prev_hash}{}", canonical::to_string(&event)).as_bytes())
}

/// Appends an event to a contest's chain, in the caller's write transaction.
pub fn record(
    conn: &mut DbConnection,
    contest_id: &str,
    at: DateTime<Utc>,
    kind: &str,
    data: Value,
) -> diesel::QueryResult<()> {
    // Appends to one chain queue up behind the contest's row lock.
    backend::lock_row_contest(conn, contest_id)?;
    // Microseconds: what both databases keep, so the hash can be recomputed from the row.
    let at = at.trunc_subsecs(6);
    let (seq, prev_hash) = match store::audit::last(conn, contest_id)? {
        Some(last) => (last.seq + 1, last.hash),
        None => (1, GENESIS.to_owned()),
    };
    let hash = event_hash(&prev_hash, seq, at, kind, contest_id, &data);
    store::audit::insert(
        conn,
        &AuditEvent {
            contest_id: contest_id.to_owned(),
            seq,
            at: store::to_db(at),
            kind: kind.to_owned(),
            data: canonical::to_string(&data),
            prev_hash,
            hash,
        },
    )
}

pub fn view(event: AuditEvent) -> EventView {
    EventView {
        seq: event.seq,
        at: at_text(store::from_db(event.at)),
        kind: event.kind,
        data: serde_json::from_str(&event.data).unwrap_or(Value::Null),
        prev_hash: event.prev_hash,
        hash: event.hash,
    }
}

/// Checks a chain, oldest first: consecutive numbers from 1, each linked to the one before,
/// each hash recomputed. Returns the first problem found.
pub fn verify_chain(contest_id: &str, events: &[AuditEvent]) -> Result<(), String> {
    let mut expected_prev = GENESIS.to_owned();
    for (i, event) in events.iter().enumerate() {
        let seq = i as i64 + 1;
        if event.seq != seq {
            return Err(format!("event {seq} is missing (found {})", event.seq));
        }
        if event.prev_hash != expected_prev {
            return Err(format!("event {seq} does not link to the event before it"));
        }
        let data: Value = serde_json::from_str(&event.data)
            .map_err(|_| format!("event {seq} has data that is not JSON"))?;
        let hash = event_hash(
            &event.prev_hash,
            event.seq,
            store::from_db(event.at),
            &event.kind,
            contest_id,
            &data,
        );
        if hash != event.hash {
            return Err(format!("event {seq} does not match its hash"));
        }
        expected_prev = event.hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditEvent> {
        let mut events = Vec::new();
        let mut prev = GENESIS.to_owned();
        for i in 0..n {
            let at = DateTime::from_timestamp(1_800_000_000 + i as i64, 123_456_000).unwrap();
            let data = json!({"n": i});
            let hash = event_hash(&prev, i as i64 + 1, at, "test", "c1", &data);
            events.push(AuditEvent {
                contest_id: "c1".into(),
                seq: i as i64 + 1,
                at: store::to_db(at),
                kind: "test".into(),
                data: canonical::to_string(&data),
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        events
    }

    #[test]
    fn a_sound_chain_verifies() {
        assert_eq!(verify_chain("c1", &chain(5)), Ok(()));
        assert_eq!(verify_chain("c1", &[]), Ok(()));
    }

    #[test]
    fn any_change_breaks_the_chain() {
        let mut edited = chain(4);
        edited[2].data = r#"{"n":99}"#.into();
        assert!(verify_chain("c1", &edited).unwrap_err().contains("event 3"));

        let mut removed = chain(4);
        removed.remove(1);
        assert!(verify_chain("c1", &removed).is_err());

        let mut reordered = chain(4);
        reordered.swap(1, 2);
        assert!(verify_chain("c1", &reordered).is_err());

        let mut retimed = chain(3);
        retimed[0].at += chrono::Duration::seconds(1);
        assert!(verify_chain("c1", &retimed).is_err());

        // The same events under another contest's id do not verify either.
        assert!(verify_chain("c2", &chain(2)).is_err());
    }
}
