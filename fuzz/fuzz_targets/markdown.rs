//! The Markdown renderer and sanitiser. UTF-8 input is rendered as it is (the corpus holds
//! real briefs and known attacks); input starting with a byte that is never UTF-8 (0xFF)
//! drives a generator that assembles attack fragments.
//! The decoding lives in the library (`concours_fuzz::markdown_input`), shared with the replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| concours_fuzz::markdown_input(data));
