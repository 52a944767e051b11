//! Generates Rust, service code included, with protoforge's Rust backend
//! for the committed fixture set (fixtures/grpc/grpcfix.pb) under several
//! parameter sets, and for every descriptor set in
//! `$PROTOFORGE_GRPC_FDS_DIR` (made by scripts/grpc-compile-test.sh with
//! protoc: the googleapis slice). For each, tonic-prost-build 0.14's
//! output with the same settings is written next to ours, so that the
//! tests can compare the service modules.
//!
//! Layout in OUT_DIR: `ours/<variant>/` and `tonic/<variant>/` (each with
//! a `mod.rs`), and `variants.txt` listing the variants.

use std::path::{Path, PathBuf};

use prost::Message as _;
use protoforge::backend::rust::RustBackend;
use protoforge::backend::{write_files, Backend, Param};
use protoforge::descriptor::pool::Pool;
use protoforge::descriptor::{decode, FileDescriptorSet};

/// A parameter set applied to the fixture set: our parameters, and the
/// same settings for tonic-prost-build.
struct Variant {
    name: &'static str,
    params: &'static [&'static str],
    tonic: fn(tonic_prost_build::Builder) -> tonic_prost_build::Builder,
    /// Generate the well-known types too (compile_well_known_types).
    wkt: bool,
}

const VARIANTS: &[Variant] = &[
    Variant {
        name: "defaults",
        params: &[],
        tonic: |b| b,
        wkt: false,
    },
    Variant {
        name: "stubs_arc_self",
        params: &["generate_default_stubs", "use_arc_self=true"],
        tonic: |b| b.generate_default_stubs(true).use_arc_self(true),
        wkt: false,
    },
    Variant {
        name: "no_transport",
        params: &["build_transport=false"],
        tonic: |b| b.build_transport(false),
        wkt: false,
    },
    Variant {
        name: "client_only",
        params: &[
            "build_server=false",
            "client_attribute=Echo=#[allow(clippy::all)]",
            "client_mod_attribute=v1=#[allow(unused_imports)]",
        ],
        tonic: |b| {
            b.build_server(false)
                .client_attribute("Echo", "#[allow(clippy::all)]")
                .client_mod_attribute("v1", "#[allow(unused_imports)]")
        },
        wkt: false,
    },
    Variant {
        name: "server_only",
        params: &[
            "build_client=false",
            "server_attribute=Echo=#[allow(clippy::all)]",
            "server_mod_attribute=.=#[allow(unused_imports)]",
            "trait_attribute=Echo=#[allow(clippy::all)]",
            "generate_default_stubs=true",
        ],
        tonic: |b| {
            b.build_client(false)
                .server_attribute("Echo", "#[allow(clippy::all)]")
                .server_mod_attribute(".", "#[allow(unused_imports)]")
                .trait_attribute("Echo", "#[allow(clippy::all)]")
                .generate_default_stubs(true)
        },
        wkt: false,
    },
    Variant {
        name: "wkt_codec_extern",
        params: &[
            "compile_well_known_types",
            "codec_path=crate::codec::Renamed",
            "extern_path=.grpcfix.shared=crate::shared_ext",
            "disable_comments=.",
        ],
        tonic: |b| {
            b.compile_well_known_types(true)
                .codec_path("crate::codec::Renamed")
                .extern_path(".grpcfix.shared", "crate::shared_ext")
        },
        wkt: true,
    },
];

fn generate(pool: &Pool, files: &[String], params: &[&str], dir: &Path) {
    let params: Vec<Param> = params.iter().map(|p| Param::parse(p)).collect();
    let out = RustBackend.generate(pool, files, &params);
    for d in &out.diagnostics {
        println!("cargo:warning={}: {}", d.code, d.message);
    }
    assert!(!out.has_errors(), "generation failed for {}", dir.display());
    std::fs::create_dir_all(dir).unwrap();
    write_files(dir, &out.files).unwrap();
}

fn tonic(bytes: &[u8], builder: tonic_prost_build::Builder, dir: &Path) {
    let fds = prost_types::FileDescriptorSet::decode(bytes).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    builder
        .out_dir(dir)
        .include_file("mod.rs")
        .emit_rerun_if_changed(false)
        .compile_fds(fds)
        .unwrap();
}

fn main() {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-env-changed=PROTOFORGE_GRPC_FDS_DIR");
    println!("cargo::rustc-check-cfg=cfg(set_gapis)");
    let mut listed = Vec::new();

    let fixture = manifest.join("../../fixtures/grpc/grpcfix.pb");
    println!("cargo:rerun-if-changed={}", fixture.display());
    let bytes = std::fs::read(&fixture).unwrap();
    let set: FileDescriptorSet = decode(&bytes).unwrap();
    let pool = Pool::new(set.file);
    for v in VARIANTS {
        let files: Vec<String> = pool
            .files
            .iter()
            .filter(|f| v.wkt || f.package() != "google.protobuf")
            .map(|f| f.name().to_string())
            .collect();
        generate(&pool, &files, v.params, &out_dir.join("ours").join(v.name));
        let builder = (v.tonic)(tonic_prost_build::configure());
        tonic(&bytes, builder, &out_dir.join("tonic").join(v.name));
        listed.push(v.name.to_string());
    }

    if let Ok(dir) = std::env::var("PROTOFORGE_GRPC_FDS_DIR") {
        println!("cargo:rerun-if-changed={dir}");
        let path = Path::new(&dir).join("gapis.pb");
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).unwrap();
        let set: FileDescriptorSet = decode(&bytes).unwrap();
        let pool = Pool::new(set.file);
        let files: Vec<String> = pool
            .files
            .iter()
            .filter(|f| f.package() != "google.protobuf")
            .map(|f| f.name().to_string())
            .collect();
        generate(&pool, &files, &[], &out_dir.join("ours").join("gapis"));
        tonic(
            &bytes,
            tonic_prost_build::configure(),
            &out_dir.join("tonic").join("gapis"),
        );
        println!("cargo::rustc-cfg=set_gapis");
        listed.push("gapis".to_string());
    }
    std::fs::write(out_dir.join("variants.txt"), listed.join("\n")).unwrap();
}
