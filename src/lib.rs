//! protoforge: a pure-Rust Protocol Buffers schema compiler.

pub mod descriptor;
pub mod diagnostics;
pub mod syntax;
