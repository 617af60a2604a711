//! The Markdown renderer and sanitiser. UTF-8 input is rendered as it is (the corpus holds
//! real briefs and known attacks); input starting with a byte that is never UTF-8 (0xFF)
//! drives a generator that assembles attack fragments.
#![no_main]

use arbitrary::Unstructured;
use concours_fuzz::markdown;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(rest) = data.strip_prefix(&[0xFF]) {
        if let Ok(source) = markdown::generate(&mut Unstructured::new(rest)) {
            markdown::check(&source);
        }
    } else {
        markdown::check(&String::from_utf8_lossy(data));
    }
});
