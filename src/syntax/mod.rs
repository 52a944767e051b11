//! Stage 1: text to syntax tree.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod text_format;
pub mod validate;

#[allow(
    clippy::all,
    clippy::pedantic,
    unused_parens,
    unused_imports,
    dead_code
)]
mod grammar {
    include!(concat!(env!("OUT_DIR"), "/proto.rs"));
}

pub use parser::{parse, parse_with, ParseResult};
