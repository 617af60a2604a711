//! Oracles and input generators shared by the fuzz targets in `fuzz_targets/`.
//!
//! Every target takes raw bytes. When the bytes are what the code under test really receives
//! (a JSON document, a Markdown text, an upload), they are used as they are, so that the seed
//! corpora are realistic files; otherwise the same bytes drive a structure-aware generator
//! (`arbitrary::Unstructured`) that builds inputs the raw form would rarely reach.
//!
//! The checks assert the contracts documented in `src/`; a failed assertion is a finding.

pub mod canonical;
pub mod html;
pub mod markdown;
pub mod rules;
pub mod upload;

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};

/// Whether the known, not yet fixed, finding `id` is to be ignored in this run:
/// `FUZZ_IGNORE=float-roundtrip,name-bidi`. It lets a long run look past a reported bug for
/// the next one; CI never sets it. The ids are in fuzz/README.md.
pub fn ignored(id: &str) -> bool {
    static IGNORED: OnceLock<Vec<String>> = OnceLock::new();
    IGNORED
        .get_or_init(|| {
            std::env::var("FUZZ_IGNORE")
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .iter()
        .any(|known| known == id)
}

/// One of `items`, chosen by the fuzzer.
pub fn pick<'a, T: ?Sized>(u: &mut Unstructured<'_>, items: &'a [&'a T]) -> Result<&'a T> {
    Ok(*u.choose(items)?)
}
