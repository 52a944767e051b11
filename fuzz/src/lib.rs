//! Fuzz harnesses for protoforge. Each `harness::*` function takes raw
//! bytes and must never panic; the fuzz targets call them, and the main
//! crate's `tests/bad_input_regressions.rs` replays every saved crash input
//! through the same functions.

pub mod harness;
