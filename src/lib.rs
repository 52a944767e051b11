//! protoforge: a pure-Rust Protocol Buffers schema compiler.

#[cfg(feature = "mimalloc")]
pub mod allocator;
pub mod backend;
pub mod builder;
pub mod check;
pub mod compat;
pub mod compile;
pub mod descriptor;
pub mod diagnostics;
pub mod link;
pub mod load;
pub mod output;
pub mod plugin;
mod spare;
pub mod syntax;
pub mod trace;

pub use builder::Builder;
