//! The rules parser and validator. A JSON document is parsed as it is (the corpus holds real
//! rules); other bytes drive a generator of near-valid rules documents.
//! The decoding lives in the library (`concours_fuzz::rules_input`), shared with the replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| concours_fuzz::rules_input(data));
