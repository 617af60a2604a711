//! The upload checks: the type sniffed from the bytes, and the name shown for the file. The
//! input is a file name, a 0x00 byte, then the file's bytes (a name never holds NUL that
//! matters: it is removed as a control character); without a 0x00, all of it is both.
#![no_main]

use concours_fuzz::upload;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (name, bytes) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, data),
    };
    upload::check(&String::from_utf8_lossy(name), bytes);
});
