//! The `protoforge` command line.

/// The binaries' allocator (see the `mimalloc` feature in Cargo.toml).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: protoforge::allocator::Mimalloc = protoforge::allocator::Mimalloc;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use protoforge::compile::{compile_then_exit, CompileOptions};
use protoforge::diagnostics::{render, ErrorFormat};
use protoforge::output::write_atomic_with;

#[derive(Parser)]
#[command(
    name = "protoforge",
    version,
    about = "A pure-Rust Protocol Buffers compiler"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile .proto files (protoc-compatible flags).
    Compile(CompileArgs),
    /// Check a schema for breaking changes against another version (buf's rules).
    Breaking(protoforge::compat::cli::BreakingArgs),
}

#[derive(Args)]
struct CompileArgs {
    /// Directory to search for imports; repeatable, searched in order
    /// (default: the current directory). Also written -IDIR.
    #[arg(
        short = 'I',
        long = "proto_path",
        visible_alias = "proto-path",
        value_name = "PATH"
    )]
    proto_path: Vec<PathBuf>,

    /// Write a FileDescriptorSet (protobuf binary) to FILE.
    #[arg(
        short = 'o',
        long = "descriptor_set_out",
        visible_alias = "descriptor-set-out",
        value_name = "FILE"
    )]
    descriptor_set_out: Option<PathBuf>,

    /// With --descriptor_set_out, also include every imported file.
    #[arg(long = "include_imports", visible_alias = "include-imports")]
    include_imports: bool,

    /// With --descriptor_set_out, keep source code info (locations and comments).
    #[arg(long = "include_source_info", visible_alias = "include-source-info")]
    include_source_info: bool,

    /// With --descriptor_set_out, keep options with source retention.
    #[arg(long = "retain_options", visible_alias = "retain-options")]
    retain_options: bool,

    /// Write prost-compatible Rust into DIR (one file per package, plus
    /// mod.rs). Also written --rust_out=OPTIONS:DIR.
    #[arg(long = "rust_out", visible_alias = "rust-out", value_name = "DIR")]
    rust_out: Option<String>,

    /// A Rust backend option, KEY=VALUE (repeatable): btree_map, bytes,
    /// boxed, type_attribute, extern_path, enable_type_names, …
    #[arg(
        long = "rust_opt",
        visible_alias = "rust-opt",
        value_name = "KEY=VALUE"
    )]
    rust_opt: Vec<String>,

    /// Treat warnings as errors: exit 1 and write nothing when any is reported.
    #[arg(long = "fatal_warnings", visible_alias = "fatal-warnings")]
    fatal_warnings: bool,

    /// How to print diagnostics.
    #[arg(
        long = "error-format",
        visible_alias = "error_format",
        value_enum,
        default_value = "human"
    )]
    error_format: ErrorFormat,

    /// Never use the built-in well-known types; find them on the include path only.
    #[arg(long = "no-builtin-wkt")]
    no_builtin_wkt: bool,

    /// The .proto files to compile (paths, or names relative to an include path).
    #[arg(value_name = "PROTO_FILES")]
    files: Vec<String>,
}

/// Expands `@file` arguments: one argument per line, as protoc reads them.
fn expand_args() -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (i, a) in std::env::args().enumerate() {
        match a.strip_prefix('@') {
            Some(path) if i > 0 => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
                out.extend(text.lines().filter(|l| !l.is_empty()).map(str::to_string));
            }
            _ => out.push(a),
        }
    }
    Ok(out)
}

fn run_compile(args: CompileArgs, mut outputs: protoforge::plugin::Outputs) -> ExitCode {
    if args.files.is_empty() {
        eprintln!("Missing input file.");
        return ExitCode::FAILURE;
    }
    let opts = CompileOptions {
        roots: args.proto_path,
        builtin_wkt: !args.no_builtin_wkt,
        include_imports: args.include_imports,
        include_source_info: args.include_source_info,
        retain_options: args.retain_options,
    };
    if let Some(out) = &args.rust_out {
        outputs.push_builtin("rust", out, &args.rust_opt);
    }
    // One compilation serves every output.
    // Without generators the linked files are only leftovers, forgotten
    // at the end with the rest.
    let (result, mut linked, leftovers) = if outputs.is_empty() {
        let (result, leftovers) = compile_then_exit(&args.files, &opts);
        (result, None, leftovers)
    } else if args.descriptor_set_out.is_some() {
        let (result, linked) = protoforge::compile::compile_linked(&args.files, &opts);
        (result, linked, None)
    } else {
        // Generators only: no descriptor set to make.
        let (result, linked) = protoforge::compile::compile_linked_without_set(&args.files, &opts);
        (result, linked, None)
    };
    let color = args.error_format == ErrorFormat::Human && std::io::stderr().is_terminal();
    let errors = protoforge::diagnostics::count_errors(&result.diagnostics);
    let warnings = protoforge::diagnostics::count_warnings(&result.diagnostics);
    let report = |out: &mut dyn Write| {
        let _ = render(
            &result.diagnostics,
            &result.sources(),
            args.error_format,
            color,
            out,
        );
        // protoc prints no summary; the gcc, json and github formats stay
        // machine-readable, the human one ends with a count.
        if args.error_format == ErrorFormat::Human && errors + warnings > 0 {
            let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
            let _ = writeln!(
                out,
                "{}, {}{}",
                plural(errors, "error"),
                plural(warnings, "warning"),
                if errors > 0 {
                    "; nothing was written"
                } else {
                    ""
                }
            );
        }
    };
    // With only a descriptor set to write, the report (rendering re-reads
    // the files it quotes) is made on a thread of its own while the set is
    // written, and printed afterwards.
    let overlap = errors == 0 && !(args.fatal_warnings && warnings > 0) && linked.is_none();
    let mut written = None;
    if let (true, Some(out)) = (overlap, &args.descriptor_set_out) {
        let mut rendered = Vec::new();
        rayon::in_place_scope(|s| {
            s.spawn(|_| report(&mut rendered));
            written = Some(write_atomic_with(out, |w| result.write_descriptor_set(w)));
        });
        let _ = std::io::stderr().lock().write_all(&rendered);
    } else {
        // Buffered: rendering writes many small pieces, and stderr is not.
        let mut stderr = std::io::BufWriter::new(std::io::stderr().lock());
        report(&mut stderr);
        let _ = stderr.flush();
    }
    protoforge::trace::phase("report");
    if result.has_errors() {
        return ExitCode::FAILURE;
    }
    if args.fatal_warnings && warnings > 0 {
        eprintln!("Warnings are errors (--fatal_warnings); nothing was written.");
        return ExitCode::FAILURE;
    }
    if let Some(linked) = &mut linked {
        // Generators and plugins first, then the descriptor set, as protoc.
        let sources = result.sources();
        let mut report = |d: &[protoforge::diagnostics::Diagnostic]| {
            let mut err = std::io::stderr().lock();
            let _ = render(d, &sources, args.error_format, color, &mut err);
        };
        if !outputs.run(&result, linked, &mut report, &mut std::io::stderr()) {
            return ExitCode::FAILURE;
        }
    }
    if let Some(out) = &args.descriptor_set_out {
        let written =
            written.unwrap_or_else(|| write_atomic_with(out, |w| result.write_descriptor_set(w)));
        if let Err(e) = written {
            eprintln!("{}: {e}", out.display());
            return ExitCode::FAILURE;
        }
        protoforge::trace::phase("encode and write");
    }
    // The process ends here: skip freeing gigabytes of descriptors one by one.
    std::mem::forget(result);
    std::mem::forget(linked);
    std::mem::forget(leftovers);
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    #[cfg(feature = "mimalloc")]
    protoforge::allocator::keep_memory();
    protoforge::trace::phase("start");
    let args = match expand_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // protoc's dynamic --NAME_out / --NAME_opt / --plugin flags.
    let (args, outputs) = match protoforge::plugin::take_output_args(args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let cli = Cli::parse_from(args);
    match cli.command {
        Command::Compile(a) => run_compile(a, outputs),
        Command::Breaking(a) => protoforge::compat::cli::run(a),
    }
}
