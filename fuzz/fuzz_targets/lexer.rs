#![no_main]

libfuzzer_sys::fuzz_target!(init: protoforge_fuzz::harness::single_thread(), |data: &[u8]| {
    protoforge_fuzz::harness::lexer(data);
});
