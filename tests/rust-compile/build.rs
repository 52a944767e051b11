//! Generates Rust with protoforge's Rust backend for every descriptor set
//! in `$PROTOFORGE_RUST_FDS_DIR` (made by scripts/rust-compile-test.sh with
//! protoc) and for the committed fixture set, under several option sets.
//! For proto2/proto3 sets, prost-build's output is written next to ours so
//! that the tests can compare the two.
//!
//! Layout in OUT_DIR: `ours/<set>/` (our files + mod.rs),
//! `prost/<set>/` (prost-build's), and `sets.txt` listing the sets.

use std::path::{Path, PathBuf};

use prost::Message as _;
use protoforge::backend::rust::RustBackend;
use protoforge::backend::{write_files, Backend, Param};
use protoforge::descriptor::pool::Pool;
use protoforge::descriptor::{decode, FileDescriptorSet};

/// Option sets applied to the fixture set (name, parameters).
const FIXTURE_VARIANTS: &[(&str, &[&str])] = &[
    ("fixtures", &[]),
    (
        "fixtures_options",
        &[
            "btree_map=.",
            "bytes=.",
            "boxed=.rustfix.scalars.Presence.message_always_optional",
            "boxed=.rustfix.scalars.WithOneofs.choice.small",
            "type_attribute=.rustfix.scalars.Small=#[derive(PartialOrd)]",
            "message_attribute=.rustfix.scalars=#[allow(clippy::all)]",
            "enum_attribute=.rustfix.scalars.Color=#[allow(clippy::all)]",
            "field_attribute=.rustfix.scalars.Small.a=#[allow(unused)]",
            "disable_comments=.",
            "skip_debug=.rustfix.scalars.Small",
            "retain_enum_prefix",
            "enable_type_names",
            "type_name_domain=.=type.example.com",
            "default_package_filename=rootless",
        ],
    ),
    ("fixtures_wkt", &["compile_well_known_types"]),
];

fn generate(pool: &Pool, files: &[String], params: &[Param], dir: &Path) {
    // Messages only, as prost-build writes them: service code needs tonic
    // and is compiled by tests/grpc-compile.
    let mut params = params.to_vec();
    params.push(Param::parse("build_server=false"));
    params.push(Param::parse("build_client=false"));
    let out = RustBackend.generate(pool, files, &params);
    for d in &out.diagnostics {
        println!("cargo:warning={}: {}", d.code, d.message);
    }
    assert!(!out.has_errors(), "generation failed for {}", dir.display());
    std::fs::create_dir_all(dir).unwrap();
    write_files(dir, &out.files).unwrap();
}

fn main() {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-env-changed=PROTOFORGE_RUST_FDS_DIR");
    let mut sets: Vec<(String, PathBuf)> = Vec::new();
    let fixture = manifest.join("../../fixtures/rust/rustfix.pb");
    println!("cargo:rerun-if-changed={}", fixture.display());
    if let Ok(dir) = std::env::var("PROTOFORGE_RUST_FDS_DIR") {
        println!("cargo:rerun-if-changed={dir}");
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pb"))
            .collect();
        found.sort();
        for p in found {
            println!("cargo:rerun-if-changed={}", p.display());
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            sets.push((name, p));
        }
    }
    let mut listed = Vec::new();
    for name in ["tm3", "tm2", "unittest", "gapis"] {
        println!("cargo::rustc-check-cfg=cfg(set_{name})");
    }
    for (name, path) in &sets {
        println!("cargo::rustc-cfg=set_{name}");
        let bytes = std::fs::read(path).unwrap();
        let set: FileDescriptorSet = decode(&bytes).unwrap();
        let editions = set
            .file
            .iter()
            .any(|f| f.syntax.as_deref() == Some("editions"));
        let pool = Pool::new(set.file);
        let files: Vec<String> = pool
            .files
            .iter()
            .filter(|f| f.package() != "google.protobuf")
            .map(|f| f.name().to_string())
            .collect();
        generate(&pool, &files, &[], &out_dir.join("ours").join(name));
        if !editions {
            // prost-build generates every file of the set it is given.
            let fds = prost_types::FileDescriptorSet::decode(&bytes[..]).unwrap();
            let dir = out_dir.join("prost").join(name);
            std::fs::create_dir_all(&dir).unwrap();
            prost_build::Config::new()
                .out_dir(&dir)
                .include_file("mod.rs")
                .compile_fds(fds)
                .unwrap();
        }
        listed.push(format!(
            "{name} {}",
            if editions { "editions" } else { "legacy" }
        ));
    }
    // The committed fixtures, under each option set.
    let bytes = std::fs::read(&fixture).unwrap();
    let set: FileDescriptorSet = decode(&bytes).unwrap();
    let pool = Pool::new(set.file);
    for (variant, params) in FIXTURE_VARIANTS {
        let params: Vec<Param> = params.iter().map(|p| Param::parse(p)).collect();
        let files: Vec<String> = pool
            .files
            .iter()
            .filter(|f| *variant == "fixtures_wkt" || f.package() != "google.protobuf")
            .map(|f| f.name().to_string())
            .collect();
        generate(&pool, &files, &params, &out_dir.join("ours").join(variant));
    }
    // The plain fixtures once more in the source tree, for the
    // `#[path = "…/mod.rs"] mod …;` way of using the output.
    let files: Vec<String> = pool
        .files
        .iter()
        .filter(|f| f.package() != "google.protobuf")
        .map(|f| f.name().to_string())
        .collect();
    generate(&pool, &files, &[], &manifest.join("gen"));
    std::fs::write(out_dir.join("sets.txt"), listed.join("\n")).unwrap();
}
