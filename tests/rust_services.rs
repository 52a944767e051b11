//! The Rust backend's gRPC service code on protoc's descriptor set for
//! fixtures/grpc (see fixtures/grpc/README.md): insta snapshots of the
//! generated files, of one service per streaming kind, and of the change
//! each service parameter makes (as a line diff against the defaults).
//! Compilation against tonic 0.14 and the comparison with
//! tonic-prost-build live in tests/grpc-compile
//! (scripts/grpc-compile-test.sh).

use std::collections::BTreeMap;

use protoforge::backend::rust::RustBackend;
use protoforge::backend::{Backend, Generated, Param};
use protoforge::descriptor::pool::Pool;
use protoforge::descriptor::{decode, FileDescriptorProto, FileDescriptorSet};

const FIXTURE: &[u8] = include_bytes!("../fixtures/grpc/grpcfix.pb");
const KINDS: &str = "grpcfix/kinds.proto";
const KINDS_RS: &str = "grpcfix.kinds.v1.rs";

fn set_files() -> Vec<FileDescriptorProto> {
    let set: FileDescriptorSet = decode(FIXTURE).expect("fixture decodes");
    set.file
}

fn pool() -> Pool {
    Pool::new(set_files())
}

/// The fixture files (not the well-known types they import).
fn inputs(pool: &Pool) -> Vec<String> {
    pool.files
        .iter()
        .filter(|f| f.package() != "google.protobuf")
        .map(|f| f.name().to_string())
        .collect()
}

fn run_on(pool: &Pool, names: &[String], params: &[&str]) -> Generated {
    let params: Vec<Param> = params.iter().map(|p| Param::parse(p)).collect();
    RustBackend.generate(pool, names, &params)
}

fn run(params: &[&str]) -> Generated {
    let pool = pool();
    run_on(&pool, &inputs(&pool), params)
}

fn ok_files(out: Generated) -> BTreeMap<String, String> {
    let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    out.files
        .into_iter()
        .map(|f| (f.name, String::from_utf8(f.content).expect("utf-8")))
        .collect()
}

fn files(params: &[&str]) -> BTreeMap<String, String> {
    ok_files(run(params))
}

fn kinds(params: &[&str]) -> String {
    files(params)
        .remove(KINDS_RS)
        .expect("kinds file generated")
}

/// A unified-style line diff (no context), `-` for lines only in `a`,
/// `+` for lines only in `b`, each hunk headed by its line numbers.
fn diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    // LCS table from the back.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    let mut in_hunk = false;
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
            in_hunk = false;
            continue;
        }
        if !in_hunk {
            out.push_str(&format!("@@ -{} +{} @@\n", i + 1, j + 1));
            in_hunk = true;
        }
        if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_str(&format!("-{}\n", a[i]));
            i += 1;
        } else {
            out.push_str(&format!("+{}\n", b[j]));
            j += 1;
        }
    }
    out
}

/// From the first service module to the end of the file.
fn service_part(text: &str) -> &str {
    let at = text
        .find("/// Generated client implementations.")
        .or_else(|| text.find("/// Generated server implementations."))
        .expect("service code present");
    &text[at..]
}

#[test]
fn snapshots() {
    let out = files(&[]);
    assert_eq!(
        out.keys().collect::<Vec<_>>(),
        [
            "_.rs",
            "grpc.health.v1.rs",
            "grpcfix.kinds.v1.rs",
            "grpcfix.shared.rs",
            "mod.rs",
            "userservice.v1.rs"
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
    let a = run_on(&pool, &names, &[]);
    names.reverse();
    let b = run_on(&pool, &names, &[]);
    assert_eq!(a.files, b.files);
}

/// The kinds file with `Echo` reduced to one method and the other
/// services dropped (source info too, since its paths would no longer fit).
fn one_method(method: &str) -> String {
    let mut files = set_files();
    let f = files
        .iter_mut()
        .find(|f| f.name() == KINDS)
        .expect("kinds.proto");
    f.source_code_info = None;
    f.service.retain(|s| s.name() == "Echo");
    f.service[0].method.retain(|m| m.name() == method);
    assert_eq!(f.service[0].method.len(), 1, "{method}");
    let pool = Pool::new(files);
    let out = ok_files(run_on(&pool, &[KINDS.to_string()], &[]));
    service_part(&out[KINDS_RS]).to_string()
}

#[test]
fn each_streaming_kind() {
    for (method, snap) in [
        ("Unary", "kind_unary"),
        ("ServerStream", "kind_server_streaming"),
        ("ClientStream", "kind_client_streaming"),
        ("BidiStream", "kind_bidi_streaming"),
    ] {
        let text = one_method(method);
        insta::assert_snapshot!(snap, text);
    }
}

#[test]
fn kinds_use_the_right_tonic_calls() {
    let text = kinds(&[]);
    for (call, svc, arg) in [
        (
            "self.inner.unary(req, path, codec)",
            "tonic::server::UnaryService<super::Ping>",
            "request: impl tonic::IntoRequest<super::Ping>",
        ),
        (
            "self.inner.server_streaming(req, path, codec)",
            "tonic::server::ServerStreamingService<super::Ping>",
            "request: impl tonic::IntoRequest<super::Ping>",
        ),
        (
            "self.inner.client_streaming(req, path, codec)",
            "tonic::server::ClientStreamingService<super::Ping>",
            "request: impl tonic::IntoStreamingRequest<Message = super::Ping>",
        ),
        (
            "self.inner.streaming(req, path, codec)",
            "tonic::server::StreamingService<super::Ping>",
            "request: impl tonic::IntoStreamingRequest<Message = super::Ping>",
        ),
    ] {
        assert!(text.contains(call), "{call}");
        assert!(text.contains(svc), "{svc}");
        assert!(text.contains(arg), "{arg}");
    }
    // Every RPC is routed by its full wire path.
    for m in [
        "Unary",
        "ServerStream",
        "ClientStream",
        "BidiStream",
        "OldUnary",
        "Nested",
        "Empty",
        "Wrapped",
        "Match",
        "get_v2_thing",
    ] {
        let route = format!("\"/grpcfix.kinds.v1.Echo/{m}\" => {{");
        assert!(text.contains(&route), "{route}");
    }
    assert!(text.contains("pub const SERVICE_NAME: &str = \"grpcfix.kinds.v1.Echo\";"));
    assert!(text.contains("(tonic::Code::Unimplemented as i32).into()"));
}

#[test]
fn names_and_types() {
    let text = kinds(&[]);
    // tonic-build's module names and stream/Svc names.
    for s in [
        "pub mod echo_client {",
        "pub mod echo_server {",
        "pub mod http_gateway_v2_client {",
        "pub struct HttpGatewayV2Client<T> {",
        "pub trait HttpGatewayV2: std::marker::Send",
        "pub mod nothing_server {",
        "type ServerStreamStream:",
        "type get_v2_thingStream:",
        "struct get_v2_thingSvc<T: Echo>(pub Arc<T>);",
        "pub async fn r#match(",
        "pub async fn get_v2_thing(",
    ] {
        assert!(text.contains(s), "{s}");
    }
    // Types: nested, cross-package, well-known.
    for s in [
        "impl tonic::IntoRequest<super::ping::Inner>",
        "tonic::Response<super::super::super::shared::Shared>",
        "impl tonic::IntoRequest<()>",
        "impl tonic::IntoRequest<::prost::alloc::string::String>",
        "tonic::Response<::prost_types::Timestamp>",
    ] {
        assert!(text.contains(s), "{s}");
    }
    let nopkg = &files(&[])["_.rs"];
    assert!(nopkg.contains("\"/Lonely/Call\" => {"));
    assert!(nopkg.contains("pub const SERVICE_NAME: &str = \"Lonely\";"));
    assert!(nopkg.contains("impl tonic::IntoRequest<super::Bare>"));
}

#[test]
fn deprecated_and_docs() {
    let text = kinds(&[]);
    // Deprecated RPCs: #[deprecated] on the client method only, as tonic does.
    assert_eq!(text.matches("#[deprecated]").count(), 1);
    assert!(text.contains(
        "    /// Old: use Unary.\n        #[deprecated]\n        pub async fn old_unary("
    ));
    // Leading comments become docs, made safe for rustdoc; trailing ones do not.
    assert!(text.contains("/// Echoes what it is sent, in every call pattern."));
    assert!(text.contains(
        "/// A second paragraph with \\[brackets\\] and a bare URL: <https://grpc.io/docs>."
    ));
    assert!(!text.contains("trailing comments are not docs"));
    // A service path covers its methods, as a message path covers fields.
    let off = kinds(&["disable_comments=.grpcfix.kinds.v1.Echo"]);
    assert!(!off.contains("/// Echoes what it is sent"));
    assert!(!off.contains("/// Server streaming: several pongs for one ping."));
    assert!(off.contains("/// Acronyms and underscores in the service name."));
    let one = kinds(&["disable_comments=.grpcfix.kinds.v1.Echo.ServerStream"]);
    assert!(one.contains("/// Echoes what it is sent"));
    assert!(!one.contains("/// Server streaming: several pongs for one ping."));
}

/// The change each parameter makes to the kinds file.
#[test]
fn parameters() {
    let base = kinds(&[]);
    for (snap, params) in [
        ("param_build_server_false", &["build_server=false"][..]),
        ("param_build_client_false", &["build_client=false"]),
        ("param_build_transport_false", &["build_transport=false"]),
        ("param_generate_default_stubs", &["generate_default_stubs"]),
        ("param_use_arc_self", &["use_arc_self=true"]),
        (
            "param_server_attribute",
            &["server_attribute=Echo=#[derive(Default)]"],
        ),
        (
            "param_client_attribute",
            &["client_attribute=.grpcfix.kinds.v1.Echo=#[allow(missing_docs)]"],
        ),
        (
            "param_server_mod_attribute",
            &["server_mod_attribute=.grpcfix=#[cfg(feature = \"server\")]"],
        ),
        (
            "param_client_mod_attribute",
            &["client_mod_attribute=.=#[cfg(feature = \"client\")]"],
        ),
        (
            "param_trait_attribute",
            &["trait_attribute=HTTPGateway_v2=#[allow(unused)]"],
        ),
        ("param_codec_path", &["codec_path=crate::MyCodec"]),
        (
            "param_disable_comments",
            &["disable_comments=.grpcfix.kinds.v1.Echo.Unary"],
        ),
        (
            "param_extern_path",
            &[
                "extern_path=.grpcfix.shared=::shared_crate",
                "extern_path=.google.protobuf.StringValue=::std::string::String",
            ],
        ),
        (
            "param_compile_well_known_types",
            &["compile_well_known_types"],
        ),
    ] {
        let text = kinds(params);
        let d = diff(&base, &text);
        assert!(!d.is_empty(), "{snap}: no change");
        insta::assert_snapshot!(snap, d);
    }
}

#[test]
fn client_and_server_off_leave_messages_only() {
    let out = files(&["build_server=false", "build_client=false"]);
    for (name, text) in &out {
        assert!(!text.contains("tonic"), "{name}");
    }
    // The health file still has its messages.
    assert!(out["grpc.health.v1.rs"].contains("pub struct HealthCheckRequest"));
    // A file with only services and no messages would produce nothing.
    let mut set = set_files();
    let f = set.iter_mut().find(|f| f.name() == KINDS).unwrap();
    f.message_type.clear();
    f.service.retain(|s| s.name() == "Nothing");
    let pool = Pool::new(set);
    let names = vec![KINDS.to_string()];
    let none = ok_files(run_on(
        &pool,
        &names,
        &["build_server=false", "build_client=false"],
    ));
    assert_eq!(none.keys().collect::<Vec<_>>(), ["mod.rs"]);
    let some = ok_files(run_on(&pool, &names, &[]));
    assert!(some[KINDS_RS].contains("pub mod nothing_server {"));
}

#[test]
fn bad_service_parameters_are_errors() {
    for p in [
        "build_server=maybe",
        "use_arc_self=2",
        "server_attribute=Echo",
        "client_mod_attribute",
        "codec_path",
        "codec_path=not a path!",
        "trait_attribute=Echo=#[derive(",
    ] {
        let out = run(&[p]);
        assert!(out.has_errors(), "{p}");
        assert!(out.files.is_empty(), "{p}");
    }
}

#[test]
fn diff_helper_reports_changes() {
    assert_eq!(diff("a\nb\nc\n", "a\nb\nc\n"), "");
    assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "@@ -2 +2 @@\n-b\n+x\n");
    assert_eq!(diff("a\n", "a\nb\n"), "@@ -2 +2 @@\n+b\n");
}
