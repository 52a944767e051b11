//! `protoc-gen-forge`: protoforge's Rust backend as a protoc plugin.
//!
//! ```text
//! protoc --plugin=protoc-gen-forge=PATH --forge_out=[PARAMS:]DIR --forge_opt=KEY=VALUE …
//! ```
//!
//! Reads a `CodeGeneratorRequest` on stdin and writes a
//! `CodeGeneratorResponse` on stdout. The parameters are those of
//! `protoforge compile --rust_opt` (`btree_map=.`, `bytes=.`,
//! `extern_path=.pkg=::krate`, …), comma-separated as protoc joins them.
//! Problems with the schema or the parameters go in the response's `error`
//! field (protoc prints them as `--forge_out: …`), with exit status 0;
//! warnings go to stderr. An unreadable request is reported on stderr with
//! exit status 1.

/// The binaries' allocator (see the `mimalloc` feature in Cargo.toml).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: protoforge::allocator::Mimalloc = protoforge::allocator::Mimalloc;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use protoforge::backend::rust::RustBackend;
use protoforge::descriptor::compiler::CodeGeneratorRequest;
use protoforge::descriptor::{decode, encode_to_vec};
use protoforge::diagnostics::{render, ErrorFormat, Sources};

const USAGE: &str = "\
protoc-gen-forge: protoforge's prost-compatible Rust generator as a protoc plugin.

Usage: protoc --plugin=protoc-gen-forge=PATH --forge_out=[PARAMS:]DIR [--forge_opt=KEY=VALUE …] FILES

It reads a CodeGeneratorRequest on standard input and writes a
CodeGeneratorResponse on standard output; protoc runs it. Parameters are
those of `protoforge compile --rust_opt`, for example btree_map=.,
bytes=., extern_path=.pkg=::krate, type_attribute=.pkg.Msg=#[derive(Eq)].
";

fn main() -> ExitCode {
    #[cfg(feature = "mimalloc")]
    protoforge::allocator::keep_memory();
    match std::env::args().nth(1).as_deref() {
        None => {}
        Some("--version" | "-V") => {
            println!("protoc-gen-forge {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some("--help" | "-h") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("protoc-gen-forge: unexpected argument {other:?}\n\n{USAGE}");
            return ExitCode::FAILURE;
        }
    }
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{USAGE}");
        return ExitCode::FAILURE;
    }
    let mut input = Vec::new();
    if let Err(e) = stdin.read_to_end(&mut input) {
        eprintln!("protoc-gen-forge: cannot read standard input: {e}");
        return ExitCode::FAILURE;
    }
    let request: CodeGeneratorRequest = match decode(&input) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "protoc-gen-forge: standard input is not a CodeGeneratorRequest ({e}); \
                 this program is run by protoc (--plugin=protoc-gen-forge=PATH --forge_out=DIR)"
            );
            return ExitCode::FAILURE;
        }
    };
    let (response, warnings) = protoforge::plugin::serve(&RustBackend, request);
    if !warnings.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = render(
            &warnings,
            &Sources::new(),
            ErrorFormat::Gcc,
            false,
            &mut err,
        );
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out
        .write_all(&encode_to_vec(&response))
        .and_then(|_| out.flush())
    {
        eprintln!("protoc-gen-forge: cannot write the response: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
