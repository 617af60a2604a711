//! Canonical JSON. A JSON document is canonicalised as it is; other bytes drive a generator of
//! JSON values (floats, large integers, any Unicode in keys and strings).
#![no_main]

use arbitrary::Unstructured;
use concours_fuzz::canonical;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let value = match serde_json::from_slice(data) {
        Ok(value) => value,
        Err(_) => match canonical::value(&mut Unstructured::new(data), 4) {
            Ok(value) => value,
            Err(_) => return,
        },
    };
    canonical::check(&value);
});
