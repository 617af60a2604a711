//! The upload checks: the type sniffed from the bytes, and the name shown for the file. The
//! input is a file name, a 0x00 byte, then the file's bytes (a name never holds NUL that
//! matters: it is removed as a control character); without a 0x00, all of it is both.
//! The decoding lives in the library (`concours_fuzz::upload_input`), shared with the replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| concours_fuzz::upload_input(data));
