//! Answers that everyone gets alike (the contest page and the contest JSON for an anonymous
//! reader), kept in memory and revalidated with ETags.
//!
//! A contest is mostly frozen once open, and the last hour before a deadline brings everyone to
//! its page at once. An entry is served again only while nothing can have changed it:
//! - no write transaction committed through this process's pool since it was computed (the
//!   pool's generation, which start-up hands the cache: see [`PublicCache::generation`]);
//! - less than [`FRESH_FOR`] has passed, on the wall clock and on the application's clock (the
//!   phase and the countdown follow the clock; another instance's writes show within that time).
//!
//! Every answer, cached or not, carries a strong ETag of its bytes, and a matching
//! `If-None-Match` gets 304 with no body.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH, VARY};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, HttpResponseBuilder};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// How long an entry may be served without recomputing it.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

/// At most this many entries (contests × languages); beyond, the cache starts again empty.
const MAX_ENTRIES: usize = 4096;

#[derive(Clone)]
pub struct Entry {
    pub body: Bytes,
    pub etag: String,
    generation: u64,
    stored: Instant,
    clock: DateTime<Utc>,
}

pub struct PublicCache {
    entries: Mutex<HashMap<String, Entry>>,
    generation: Box<dyn Fn() -> u64 + Send + Sync>,
}

impl PublicCache {
    /// A cache that reads `generation` to tell whether the database may have changed: a count
    /// that grows with every write committed (start-up gives the pool's), so that the web
    /// layer needs nothing of the store.
    pub fn new(generation: impl Fn() -> u64 + Send + Sync + 'static) -> PublicCache {
        PublicCache {
            entries: Mutex::default(),
            generation: Box::new(generation),
        }
    }

    /// The database's generation now: read it *before* computing what is then [`put`](Self::put).
    pub fn generation(&self) -> u64 {
        (self.generation)()
    }

    /// The entry for `key`, if it is still what would be computed now.
    pub fn get(&self, key: &str, now: DateTime<Utc>) -> Option<Entry> {
        self.lookup(key, now, self.generation())
    }

    fn lookup(&self, key: &str, now: DateTime<Utc>, generation: u64) -> Option<Entry> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(key)?;
        let fresh = entry.generation == generation
            && entry.stored.elapsed() < FRESH_FOR
            && (now - entry.clock)
                .to_std()
                .is_ok_and(|age| age < FRESH_FOR);
        fresh.then(|| entry.clone())
    }

    /// Keeps `body`, computed from the database as it was at `generation` (read *before*
    /// computing) and at `now` on the application's clock.
    pub fn put(&self, key: String, body: Bytes, generation: u64, now: DateTime<Utc>) -> Entry {
        let entry = Entry {
            etag: etag_of(&body),
            body,
            generation,
            stored: Instant::now(),
            clock: now,
        };
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, entry.clone());
        entry
    }
}

/// A strong ETag: the first 128 bits of the SHA-256 of the bytes, in hex.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(bytes)[..16]))
}

/// Whether the request's `If-None-Match` names `etag` (or is `*`); weak tags compare equal, as
/// RFC 9110 asks for `If-None-Match`.
pub fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

/// 200 with `body`, or 304 when the reader already has it; `public` answers may be kept by
/// shared caches (they hold nothing personal), the others only by the reader's browser. Both
/// must be revalidated on every use.
pub fn respond(
    req: &HttpRequest,
    etag: &str,
    public: bool,
    vary: &str,
    content_type: &str,
    body: Bytes,
) -> HttpResponse {
    if not_modified(req, etag) {
        let mut response = HttpResponse::NotModified();
        headers(&mut response, etag, public, vary);
        response.finish()
    } else {
        let mut response = HttpResponse::Ok();
        headers(&mut response, etag, public, vary);
        response.content_type(content_type).body(body)
    }
}

fn headers(response: &mut HttpResponseBuilder, etag: &str, public: bool, vary: &str) {
    response
        .insert_header((ETAG, etag.to_owned()))
        .insert_header((
            CACHE_CONTROL,
            if public {
                "public, no-cache"
            } else {
                "private, no-cache"
            },
        ))
        .insert_header((VARY, vary.to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        let tag = etag_of(b"x");
        for header in [
            tag.clone(),
            format!("W/{tag}"),
            format!("\"other\", {tag}"),
            "*".to_owned(),
        ] {
            let req = TestRequest::default()
                .insert_header((IF_NONE_MATCH, header.as_str()))
                .to_http_request();
            assert!(not_modified(&req, &tag), "{header}");
        }
        let req = TestRequest::default()
            .insert_header((IF_NONE_MATCH, "\"other\""))
            .to_http_request();
        assert!(!not_modified(&req, &tag));
        assert!(!not_modified(
            &TestRequest::default().to_http_request(),
            &tag
        ));
    }

    #[test]
    fn an_entry_is_stale_after_a_write_or_when_the_clock_moves() {
        let cache = PublicCache::new(|| 0);
        let now = Utc::now();
        let stored = cache.put("k".into(), Bytes::from_static(b"a"), 7, now);
        assert_eq!(stored.etag, etag_of(b"a"));
        let hit = cache.lookup("k", now, 7).expect("fresh");
        assert_eq!(hit.body, Bytes::from_static(b"a"));
        assert!(
            cache.lookup("k", now, 8).is_none(),
            "a write committed since"
        );
        let later = now + chrono::Duration::seconds(2);
        assert!(cache.lookup("k", later, 7).is_none(), "the clock moved on");
        let earlier = now - chrono::Duration::seconds(2);
        assert!(
            cache.lookup("k", earlier, 7).is_none(),
            "the clock went back"
        );
        assert!(cache.lookup("other", now, 7).is_none());
        std::thread::sleep(FRESH_FOR);
        assert!(cache.lookup("k", now, 7).is_none(), "too old");
    }
}
