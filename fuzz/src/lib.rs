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

/// The rules target: a JSON document as it is, other bytes through the generator.
pub fn rules_input(data: &[u8]) {
    let value = match serde_json::from_slice(data) {
        Ok(value) => value,
        Err(_) => match rules::generate(&mut Unstructured::new(data)) {
            Ok(value) => value,
            Err(_) => return,
        },
    };
    rules::check(&value);
}

/// The canonical JSON target: a JSON document as it is, other bytes through the generator.
pub fn canonical_json_input(data: &[u8]) {
    let value = match serde_json::from_slice(data) {
        Ok(value) => value,
        Err(_) => match canonical::value(&mut Unstructured::new(data), 4) {
            Ok(value) => value,
            Err(_) => return,
        },
    };
    canonical::check(&value);
}

/// The Markdown target: text as it is; after a leading 0xFF (never UTF-8), the generator.
pub fn markdown_input(data: &[u8]) {
    if let Some(rest) = data.strip_prefix(&[0xFF]) {
        if let Ok(source) = markdown::generate(&mut Unstructured::new(rest)) {
            markdown::check(&source);
        }
    } else {
        markdown::check(&String::from_utf8_lossy(data));
    }
}

/// The upload target: `name NUL bytes`; without a NUL, all of it is both.
pub fn upload_input(data: &[u8]) {
    let (name, bytes) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, data),
    };
    upload::check(&String::from_utf8_lossy(name), bytes);
}

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// Every target by name, for the replay test.
pub const TARGETS: [(&str, Target); 4] = [
    ("rules", rules_input),
    ("canonical_json", canonical_json_input),
    ("markdown", markdown_input),
    ("upload", upload_input),
];

/// One of `items`, chosen by the fuzzer.
pub fn pick<'a, T: ?Sized>(u: &mut Unstructured<'_>, items: &'a [&'a T]) -> Result<&'a T> {
    Ok(*u.choose(items)?)
}

/// The kept corpora and the saved regressions, replayed through the same checks without
/// libFuzzer or a sanitizer: a plain `cargo test` (run by the README's test command) fails when
/// a change brings back a finding or breaks an input that once passed.
#[cfg(test)]
mod replay {
    use std::path::Path;

    #[test]
    fn every_kept_input_passes_its_target() {
        // Run from the root crate (test `fuzz_replay`) or from this one.
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = if manifest.join("fuzz/corpus").is_dir() {
            manifest.join("fuzz")
        } else {
            manifest.to_owned()
        };
        let mut replayed = 0;
        for (target, run) in super::TARGETS {
            for folder in ["corpus", "regressions"] {
                let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
                    continue;
                };
                let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
                files.sort();
                for file in files {
                    let data = std::fs::read(&file).unwrap();
                    if let Err(panic) = std::panic::catch_unwind(|| run(&data)) {
                        let message = panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                            .unwrap_or_default();
                        panic!("{target}: {} fails: {message}", file.display());
                    }
                    replayed += 1;
                }
            }
        }
        assert!(replayed > 1000, "only {replayed} inputs found");
    }
}
