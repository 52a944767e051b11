//! `prost-build-gen SET.pb OUT_DIR`: runs prost-build's generator on a
//! descriptor set that protoc already wrote, the way a build script using
//! `compile_fds` does. scripts/bench-rust.sh times it beside protoc and
//! `protoforge compile --rust_out`.

use prost::Message;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: prost-build-gen SET.pb OUT_DIR");
        std::process::exit(2);
    }
    let bytes = std::fs::read(&args[1]).unwrap_or_else(|e| {
        eprintln!("{}: {e}", args[1]);
        std::process::exit(1)
    });
    let set = prost_types::FileDescriptorSet::decode(bytes.as_slice()).unwrap_or_else(|e| {
        eprintln!("{}: {e}", args[1]);
        std::process::exit(1)
    });
    if let Err(e) = prost_build::Config::new()
        .out_dir(&args[2])
        .compile_fds(set)
    {
        eprintln!("prost-build: {e}");
        std::process::exit(1);
    }
}
