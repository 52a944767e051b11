#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    protoforge_fuzz::harness::parser(data);
});
