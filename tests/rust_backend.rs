//! The Rust backend on protoc's descriptor set for fixtures/rust/rustfix
//! (see fixtures/rust/README.md): insta snapshots of the generated files,
//! and one test per option showing the change it is documented to make.
//! Compilation against prost and the wire round trip live in
//! tests/rust-compile (scripts/rust-compile-test.sh).

use std::collections::BTreeMap;

use protoforge::backend::rust::RustBackend;
use protoforge::backend::{Backend, Generated, Param};
use protoforge::descriptor::pool::Pool;
use protoforge::descriptor::{decode, FileDescriptorSet};
use protoforge::diagnostics::Severity;

const FIXTURE: &[u8] = include_bytes!("../fixtures/rust/rustfix.pb");

fn pool() -> Pool {
    let set: FileDescriptorSet = decode(FIXTURE).expect("fixture decodes");
    Pool::new(set.file)
}

/// The fixture files (not the well-known types they import).
fn inputs(pool: &Pool) -> Vec<String> {
    pool.files
        .iter()
        .filter(|f| f.package() != "google.protobuf")
        .map(|f| f.name().to_string())
        .collect()
}

fn run(params: &[&str]) -> Generated {
    let pool = pool();
    let params: Vec<Param> = params.iter().map(|p| Param::parse(p)).collect();
    RustBackend.generate(&pool, &inputs(&pool), &params)
}

/// File name → text, for a run that must succeed.
fn files(params: &[&str]) -> BTreeMap<String, String> {
    let out = run(params);
    let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    out.files
        .into_iter()
        .map(|f| (f.name, String::from_utf8(f.content).expect("utf-8")))
        .collect()
}

fn file(params: &[&str], name: &str) -> String {
    files(params)
        .remove(name)
        .unwrap_or_else(|| panic!("{name} not generated"))
}

/// The item (struct/enum plus its attributes and docs) declaring `decl`,
/// e.g. "pub struct Small {".
fn item<'a>(text: &'a str, decl: &str) -> &'a str {
    let at = text
        .find(decl)
        .unwrap_or_else(|| panic!("{decl} not found"));
    // back up to the end of the previous item
    let start = text[..at].rfind("\n}\n").map_or(0, |i| i + 3);
    let end = text[at..].find("\n}\n").map_or(text.len(), |i| at + i + 2);
    &text[start..end]
}

#[test]
fn snapshots() {
    let out = files(&[]);
    assert_eq!(
        out.keys().collect::<Vec<_>>(),
        [
            "_.rs",
            "mod.rs",
            "rustfix.editions.rs",
            "rustfix.legacy.rs",
            "rustfix.r#type.v1.rs",
            "rustfix.scalars.rs"
        ]
    );
    for (name, text) in &out {
        insta::assert_snapshot!(name.as_str(), text);
    }
}

#[test]
fn output_is_deterministic_and_order_independent() {
    let pool = pool();
    let mut names = inputs(&pool);
    let a = RustBackend.generate(&pool, &names, &[]);
    names.reverse();
    let b = RustBackend.generate(&pool, &names, &[]);
    assert_eq!(a.files, b.files);
}

#[test]
fn extensions_are_skipped_with_one_warning() {
    let out = run(&[]);
    let warnings: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.starts_with("2 extensions skipped"));
    let legacy = file(&[], "rustfix.legacy.rs");
    assert!(!legacy.contains("ext_int") && !legacy.contains("nested_ext"));
}

#[test]
fn files_to_generate_limit_the_output() {
    let pool = pool();
    let out = RustBackend.generate(&pool, &["rustfix/nopkg.proto".to_string()], &[]);
    let names: Vec<_> = out.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["_.rs", "mod.rs"]);
    let bad = RustBackend.generate(&pool, &["nope.proto".to_string()], &[]);
    assert!(bad.has_errors());
}

#[test]
fn bad_options_are_errors() {
    for p in [
        "no_such_option=1",
        "extern_path=relative=::x",
        "type_attribute=.a",
        "btree_map",
        "retain_enum_prefix=perhaps",
    ] {
        let out = run(&[p]);
        assert!(out.has_errors(), "{p}");
        assert!(out.files.is_empty(), "{p}");
    }
    // An attribute that is not Rust is reported, not written.
    let out = run(&["type_attribute=.rustfix.scalars.Small=#[derive("]);
    assert!(out.has_errors());
}

#[test]
fn option_btree_map() {
    let plain = file(&[], "rustfix.scalars.rs");
    assert!(!plain.contains("BTreeMap"));
    let all = file(&["btree_map=."], "rustfix.scalars.rs");
    assert!(!all.contains("HashMap"));
    assert!(all.contains("#[prost(btree_map = \"string, string\", tag = \"1\")]"));
    assert!(all.contains(
        "pub string_to_string: ::prost::alloc::collections::BTreeMap<\n        ::prost::alloc::string::String,"
    ));
    // one field by full path; the rest stay HashMaps
    let one = file(
        &["btree_map=.rustfix.scalars.Maps.int_to_bytes"],
        "rustfix.scalars.rs",
    );
    let maps = item(&one, "pub struct Maps {");
    assert_eq!(maps.matches("BTreeMap<").count(), 1);
    assert!(maps.contains("pub int_to_bytes: ::prost::alloc::collections::BTreeMap<"));
    // a path without a leading dot matches as a suffix
    let suffix = file(&["btree_map=Maps.int_to_bytes"], "rustfix.scalars.rs");
    assert_eq!(item(&suffix, "pub struct Maps {"), maps);
}

#[test]
fn option_bytes() {
    let out = file(&["bytes=."], "rustfix.scalars.rs");
    assert!(out.contains(
        "#[prost(bytes = \"bytes\", tag = \"12\")]\n    pub f_bytes: ::prost::bytes::Bytes,"
    ));
    assert!(out.contains("pub blobs: ::prost::alloc::vec::Vec<::prost::bytes::Bytes>"));
    // oneof members say so in their attribute
    assert!(out
        .contains("#[prost(bytes = \"bytes\", tag = \"5\")]\n        Raw(::prost::bytes::Bytes),"));
    let plain = file(&[], "rustfix.scalars.rs");
    assert!(plain.contains("#[prost(bytes = \"vec\", tag = \"12\")]"));
    assert!(
        plain.contains("#[prost(bytes, tag = \"5\")]\n        Raw(::prost::alloc::vec::Vec<u8>),")
    );
}

#[test]
fn option_boxed() {
    let out = file(
        &[
            "boxed=.rustfix.scalars.Presence.message_always_optional",
            "boxed=.rustfix.scalars.WithOneofs.choice.small",
        ],
        "rustfix.scalars.rs",
    );
    assert!(out.contains(
        "#[prost(message, optional, boxed, tag = \"5\")]\n    pub message_always_optional: ::core::option::Option<\n        ::prost::alloc::boxed::Box<Small>,\n    >,"
    ));
    assert!(out.contains("Small(::prost::alloc::boxed::Box<super::Small>),"));
    // a boxed field is no longer Copy
    let plain = file(&[], "rustfix.scalars.rs");
    assert!(item(&plain, "pub enum Choice {").contains("Small(super::Small),"));
}

#[test]
fn option_type_message_enum_and_field_attributes() {
    let out = file(
        &[
            "type_attribute=.rustfix.scalars.Small=#[derive(PartialOrd)]",
            "type_attribute=.rustfix.scalars.Color=#[derive(::core::default::Default)]",
            "message_attribute=.rustfix.scalars=#[doc(alias = \"msg\")]",
            "enum_attribute=.rustfix.scalars=#[doc(alias = \"enm\")]",
            "field_attribute=Small.a=#[doc(alias = \"fld\")]",
        ],
        "rustfix.scalars.rs",
    );
    let small = item(&out, "pub struct Small {");
    assert!(small.contains("#[derive(PartialOrd)]\n#[doc(alias = \"msg\")]\n#[derive(Clone, Copy"));
    assert!(small
        .contains("#[prost(int32, tag = \"1\")]\n    #[doc(alias = \"fld\")]\n    pub a: i32,"));
    let color = item(&out, "pub enum Color {");
    assert!(color.contains("#[derive(::core::default::Default)]\n#[doc(alias = \"enm\")]"));
    // message_attribute reaches messages only, enum_attribute enums and
    // oneof enums only
    assert_eq!(out.matches("#[doc(alias = \"msg\")]").count(), 14);
    assert!(!color.contains("alias = \"msg\""));
    assert!(item(&out, "pub enum Choice {").contains("#[doc(alias = \"enm\")]"));
    assert!(!item(&out, "pub struct Scalars {").contains("enm"));
    assert_eq!(out.matches("#[doc(alias = \"fld\")]").count(), 1);
}

#[test]
fn option_extern_path() {
    let out = files(&["extern_path=.rustfix.scalars=::other_crate::scalars"]);
    assert!(!out.contains_key("rustfix.scalars.rs"));
    let legacy = &out["rustfix.legacy.rs"];
    assert!(legacy.contains("enumeration = \"::other_crate::scalars::Color\""));
    let kw = &out["rustfix.r#type.v1.rs"];
    assert!(kw.contains("::other_crate::scalars::outer::middle::Inner"));
    assert!(!out["mod.rs"].contains("pub mod scalars"));
    // an exact path names one type
    let one = files(&["extern_path=.rustfix.scalars.Color=crate::MyColor"]);
    assert!(one["rustfix.legacy.rs"].contains("enumeration = \"crate::MyColor\""));
    assert!(!one["rustfix.scalars.rs"].contains("pub enum Color {"));
}

#[test]
fn option_disable_comments() {
    let plain = file(&[], "rustfix.scalars.rs");
    assert!(plain.contains("/// Every scalar type, singular."));
    let one = file(
        &["disable_comments=.rustfix.scalars.Scalars"],
        "rustfix.scalars.rs",
    );
    assert!(!one.contains("/// Every scalar type, singular."));
    assert!(one.contains("/// Repeated fields: packed by default"));
    let all = files(&["disable_comments=."]);
    for (name, text) in &all {
        for line in text.lines().filter(|l| l.trim_start().starts_with("///")) {
            // only the backend's own docs remain
            assert!(
                line.contains("nested in `")
                    || line.contains("protobuf definition")
                    || line.contains("stable for as long"),
                "{name}: {line}"
            );
        }
    }
}

#[test]
fn option_skip_debug() {
    let out = file(
        &[
            "skip_debug=.rustfix.scalars.Small",
            "skip_debug=.rustfix.scalars.WithOneofs",
            "skip_debug=.rustfix.scalars.Color",
        ],
        "rustfix.scalars.rs",
    );
    assert!(item(&out, "pub struct Small {")
        .contains("::prost::Message)]\n#[prost(skip_debug)]\npub struct Small"));
    assert!(item(&out, "pub enum Choice {").contains("#[prost(skip_debug)]"));
    let color = item(&out, "pub enum Color {");
    assert!(color.contains(
        "#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Enumeration)]"
    ));
    let plain = file(&[], "rustfix.scalars.rs");
    assert!(!plain.contains("skip_debug"));
}

#[test]
fn option_retain_enum_prefix() {
    let plain = file(&[], "rustfix.scalars.rs");
    assert!(plain.contains("    Red = 1,"));
    assert!(plain.contains("    Color2 = 3,"));
    let out = file(&["retain_enum_prefix"], "rustfix.scalars.rs");
    assert!(out.contains("    ColorRed = 1,"));
    assert!(out.contains("Self::ColorRed => \"COLOR_RED\","));
    // defaults name the variant the same way
    let legacy = file(&["retain_enum_prefix"], "rustfix.legacy.rs");
    assert!(legacy.contains("default = \"MoodHappy\""));
    assert!(file(&[], "rustfix.legacy.rs").contains("default = \"Happy\""));
}

#[test]
fn option_enable_type_names_and_domain() {
    let plain = file(&[], "rustfix.scalars.rs");
    assert!(!plain.contains("::prost::Name"));
    let out = file(&["enable_type_names"], "rustfix.scalars.rs");
    assert!(out.contains("impl ::prost::Name for Small {\n    const NAME: &'static str = \"Small\";\n    const PACKAGE: &'static str = \"rustfix.scalars\";"));
    assert!(out.contains("\"rustfix.scalars.Outer.Middle.Inner\".into()"));
    assert!(out.contains("\"/rustfix.scalars.Small\".into()"));
    let dom = file(
        &[
            "enable_type_names",
            "type_name_domain=.rustfix=type.example.com",
        ],
        "rustfix.scalars.rs",
    );
    assert!(dom.contains("\"type.example.com/rustfix.scalars.Small\".into()"));
}

#[test]
fn option_compile_well_known_types() {
    let pool = pool();
    let all: Vec<String> = pool.files.iter().map(|f| f.name().to_string()).collect();
    let out = RustBackend.generate(&pool, &all, &[Param::parse("compile_well_known_types")]);
    assert!(!out.has_errors());
    let get = |n: &str| {
        out.files
            .iter()
            .find(|f| f.name == n)
            .map(|f| String::from_utf8(f.content.clone()).unwrap())
            .unwrap_or_else(|| panic!("{n}"))
    };
    let wkt = get("google.protobuf.rs");
    assert!(wkt.contains("pub struct Timestamp {"));
    assert!(wkt.contains("pub struct BoolValue {"));
    let scalars = get("rustfix.scalars.rs");
    assert!(scalars.contains("super::super::google::protobuf::Timestamp"));
    assert!(scalars.contains("super::super::google::protobuf::BoolValue"));
    // without the option the well-known types are prost-types and wrappers
    // are plain Rust values
    let mapped = file(&[], "rustfix.scalars.rs");
    assert!(mapped.contains("::core::option::Option<::prost_types::Timestamp>"));
    assert!(mapped.contains("pub maybe_bool: ::core::option::Option<bool>,"));
    assert!(mapped.contains("pub nothing: ::core::option::Option<()>,"));
}

#[test]
fn option_default_package_filename() {
    let out = files(&["default_package_filename=rootless"]);
    assert!(out.contains_key("rootless.rs"));
    assert!(!out.contains_key("_.rs"));
    assert!(out["mod.rs"].contains("include!(\"rootless.rs\");"));
    assert!(run(&["default_package_filename=mod"]).has_errors());
}

/// `protoforge compile --rust_out` on the fixture sources gives the same
/// files as the backend run on protoc's descriptor set.
#[test]
fn cli_rust_out_matches_protoc_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/rust");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_protoforge"))
        .current_dir(root)
        .args(["compile", "-I", ".", "--rust_out"])
        .arg(dir.path())
        .arg("--rust_opt=enable_type_names")
        .args([
            "rustfix/scalars.proto",
            "rustfix/legacy.proto",
            "rustfix/editions.proto",
            "rustfix/type/keywords.proto",
            "rustfix/nopkg.proto",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    for (name, text) in files(&["enable_type_names"]) {
        let got = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        assert_eq!(got, text, "{name}");
    }
}
