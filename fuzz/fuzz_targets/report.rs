//! Every request of `yishe.report.v1` from the fuzzer's bytes: never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| yishe_hostile::report(data));
