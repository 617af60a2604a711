//! The rules parser and validator. A JSON document is parsed as it is (the corpus holds real
//! rules); other bytes drive a generator of near-valid rules documents.
#![no_main]

use arbitrary::Unstructured;
use concours_fuzz::rules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let value = match serde_json::from_slice(data) {
        Ok(value) => value,
        Err(_) => match rules::generate(&mut Unstructured::new(data)) {
            Ok(value) => value,
            Err(_) => return,
        },
    };
    rules::check(&value);
});
