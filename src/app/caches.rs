//! What the use cases keep in memory between requests, owned by `Ctx` (built with it at
//! start-up) rather than hidden in process-wide statics: each `Ctx` (each test, each CLI
//! command) starts with empty caches, and nothing outlives it.
//!
//! Both caches hold only what can never change once kept, so they need no invalidation: a
//! contest's frozen rules (keyed by their hash) and the map from a contest's opaque entry ids
//! to its ideas (an entry id is a keyed hash of the idea's id). Each is bounded by clearing it
//! when full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::domain::rules::Rules;

/// How many contests' frozen rules are kept before the cache starts again.
const MAX_FROZEN: usize = 1024;
/// How many contests' entry-id maps are kept before the cache starts again.
const MAX_ENTRY_MAPS: usize = 256;

/// For one contest: opaque entry id → idea id.
pub type EntryMap = HashMap<String, String>;

#[derive(Default)]
pub struct Caches {
    /// Parsed frozen rules, keyed by `contest id:rules hash`.
    frozen: Mutex<HashMap<String, Rules>>,
    /// Per contest id, its entry-id map.
    entry_maps: Mutex<HashMap<String, Arc<EntryMap>>>,
}

/// A poisoned lock only means another request panicked while holding it; what it guards is a
/// cache of values that are complete when inserted, so it is still good.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Caches {
    pub fn frozen_rules(&self, key: &str) -> Option<Rules> {
        lock(&self.frozen).get(key).cloned()
    }

    pub fn keep_frozen_rules(&self, key: String, rules: Rules) {
        let mut kept = lock(&self.frozen);
        if kept.len() >= MAX_FROZEN {
            kept.clear();
        }
        kept.insert(key, rules);
    }

    pub fn entry_map(&self, contest_id: &str) -> Option<Arc<EntryMap>> {
        lock(&self.entry_maps).get(contest_id).cloned()
    }

    pub fn keep_entry_map(&self, contest_id: String, map: EntryMap) {
        let mut maps = lock(&self.entry_maps);
        if maps.len() >= MAX_ENTRY_MAPS {
            maps.clear();
        }
        maps.insert(contest_id, Arc::new(map));
    }
}

/// Sizes only: the cached rules and ids are no one's business in a log line.
impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches")
            .field("frozen", &lock(&self.frozen).len())
            .field("entry_maps", &lock(&self.entry_maps).len())
            .finish()
    }
}
