//! Canonical JSON. A JSON document is canonicalised as it is; other bytes drive a generator of
//! JSON values (floats, large integers, any Unicode in keys and strings).
//! The decoding lives in the library (`concours_fuzz::canonical_json_input`), shared with the replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| concours_fuzz::canonical_json_input(data));
