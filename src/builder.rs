//! The build-script front door: compile `.proto` files to Rust from
//! `build.rs`, with no protoc anywhere.
//!
//! ```no_run
//! // build.rs
//! fn main() -> std::io::Result<()> {
//!     protoforge::Builder::new()
//!         .include("proto")
//!         .btree_map(["."])
//!         .compile(&["proto/shop/v1/cart.proto"])
//! }
//! ```
//!
//! and in the crate:
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/mod.rs"));
//! ```
//!
//! [`Builder::compile`] runs the same pipeline as `protoforge compile
//! --rust_out=$OUT_DIR`: it writes `mod.rs` (the module tree) and one file
//! per protobuf package, prints `cargo:rerun-if-changed` for every input
//! and every file they import, and renders diagnostics the way the command
//! line does. The generator settings are named after prost-build's and
//! tonic-build's methods; each becomes one parameter of the Rust backend
//! (the names `--rust_opt` takes).

use std::io;
use std::path::{Path, PathBuf};

use crate::backend::{write_files, Backend, Param};
use crate::compile::{compile_linked, CompileOptions};
use crate::descriptor::pool::Pool;
use crate::diagnostics::{render, Diagnostic, ErrorFormat};
use crate::plugin::Requests;

/// Compiles `.proto` files to Rust in a build script.
#[derive(Clone, Debug)]
pub struct Builder {
    includes: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    descriptor_set_path: Option<PathBuf>,
    params: Vec<Param>,
    emit_rerun_if_changed: bool,
    builtin_wkt: bool,
    error_format: ErrorFormat,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// A builder with no include paths, writing to `$OUT_DIR`.
    pub fn new() -> Builder {
        Builder {
            includes: Vec::new(),
            out_dir: None,
            descriptor_set_path: None,
            params: Vec::new(),
            emit_rerun_if_changed: true,
            builtin_wkt: true,
            error_format: ErrorFormat::Human,
        }
    }

    /// Adds an include path (protoc's `-I`), searched in the order added.
    /// Without any, the current directory is the include path, as with
    /// protoc.
    pub fn include(mut self, dir: impl AsRef<Path>) -> Self {
        self.includes.push(dir.as_ref().to_path_buf());
        self
    }

    /// Adds several include paths.
    pub fn includes<I, P>(mut self, dirs: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        self.includes
            .extend(dirs.into_iter().map(|d| d.as_ref().to_path_buf()));
        self
    }

    /// Where to write the generated files (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Also writes a `FileDescriptorSet` of the inputs and their imports,
    /// with source info (what prost-build's `file_descriptor_set_path`
    /// writes).
    pub fn descriptor_set_path(mut self, path: impl AsRef<Path>) -> Self {
        self.descriptor_set_path = Some(path.as_ref().to_path_buf());
        self
    }

    /// prost-build's name for [`Builder::descriptor_set_path`].
    pub fn file_descriptor_set_path(self, path: impl AsRef<Path>) -> Self {
        self.descriptor_set_path(path)
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default: yes).
    pub fn emit_rerun_if_changed(mut self, on: bool) -> Self {
        self.emit_rerun_if_changed = on;
        self
    }

    /// Whether the well-known types may come from protoforge's built-in
    /// copies when no include path has them (default: yes).
    pub fn builtin_well_known_types(mut self, on: bool) -> Self {
        self.builtin_wkt = on;
        self
    }

    /// How diagnostics are printed (default: the human format).
    pub fn error_format(mut self, format: ErrorFormat) -> Self {
        self.error_format = format;
        self
    }

    /// Adds a raw backend parameter, `key` or `key=value`, exactly as
    /// `--rust_opt` takes it.
    pub fn param(mut self, param: impl AsRef<str>) -> Self {
        self.params.push(Param::parse(param.as_ref()));
        self
    }

    fn kv(mut self, key: &str, value: String) -> Self {
        self.params.push(Param {
            key: key.to_string(),
            value: Some(value),
        });
        self
    }

    fn paths<I, S>(mut self, key: &str, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for p in paths {
            self = self.kv(key, p.as_ref().to_string());
        }
        self
    }

    /// Map fields matching these paths become `BTreeMap`s (`"."`: all).
    pub fn btree_map<I, S>(self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.paths("btree_map", paths)
    }

    /// `bytes` fields matching these paths become `bytes::Bytes`.
    pub fn bytes<I, S>(self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.paths("bytes", paths)
    }

    /// Boxes the message field at `path`.
    pub fn boxed(self, path: impl AsRef<str>) -> Self {
        self.kv("boxed", path.as_ref().to_string())
    }

    /// Adds `attribute` to messages, enums and oneofs matching `path`.
    pub fn type_attribute(self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.kv(
            "type_attribute",
            format!("{}={}", path.as_ref(), attribute.as_ref()),
        )
    }

    /// Adds `attribute` to message structs matching `path`.
    pub fn message_attribute(self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.kv(
            "message_attribute",
            format!("{}={}", path.as_ref(), attribute.as_ref()),
        )
    }

    /// Adds `attribute` to enums (and oneof enums) matching `path`.
    pub fn enum_attribute(self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.kv(
            "enum_attribute",
            format!("{}={}", path.as_ref(), attribute.as_ref()),
        )
    }

    /// Adds `attribute` to fields matching `path`.
    pub fn field_attribute(self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.kv(
            "field_attribute",
            format!("{}={}", path.as_ref(), attribute.as_ref()),
        )
    }

    /// Uses the existing Rust type `rust_path` for the protobuf package or
    /// type `proto_path` (fully qualified, leading dot) instead of
    /// generating it.
    pub fn extern_path(self, proto_path: impl AsRef<str>, rust_path: impl AsRef<str>) -> Self {
        self.kv(
            "extern_path",
            format!("{}={}", proto_path.as_ref(), rust_path.as_ref()),
        )
    }

    /// Leaves out doc comments for elements matching these paths.
    pub fn disable_comments<I, S>(self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.paths("disable_comments", paths)
    }

    /// Does not derive `Debug` for types matching these paths.
    pub fn skip_debug<I, S>(self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.paths("skip_debug", paths)
    }

    /// Keeps enum value prefixes (`COLOR_RED` stays `ColorRed`).
    pub fn retain_enum_prefix(self) -> Self {
        self.kv("retain_enum_prefix", "true".into())
    }

    /// Implements `prost::Name` for every message.
    pub fn enable_type_names(self) -> Self {
        self.kv("enable_type_names", "true".into())
    }

    /// The type URL domain for `prost::Name::type_url` of types matching
    /// these paths.
    pub fn type_name_domain<I, S>(self, paths: I, domain: impl AsRef<str>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut b = self;
        for p in paths {
            b = b.kv(
                "type_name_domain",
                format!("{}={}", p.as_ref(), domain.as_ref()),
            );
        }
        b
    }

    /// The file name (without `.rs`) for files with no package (`_`).
    pub fn default_package_filename(self, name: impl AsRef<str>) -> Self {
        self.kv("default_package_filename", name.as_ref().to_string())
    }

    /// Generates the well-known types instead of using `prost-types`.
    pub fn compile_well_known_types(self) -> Self {
        self.kv("compile_well_known_types", "true".into())
    }

    /// Whether to generate gRPC servers for services (tonic-build's name).
    pub fn build_server(self, on: bool) -> Self {
        self.kv("build_server", on.to_string())
    }

    /// Whether to generate gRPC clients for services (tonic-build's name).
    pub fn build_client(self, on: bool) -> Self {
        self.kv("build_client", on.to_string())
    }

    /// Whether generated servers and clients use tonic's transport
    /// (tonic-build's name).
    pub fn build_transport(self, on: bool) -> Self {
        self.kv("build_transport", on.to_string())
    }

    /// Whether server traits get default method bodies answering
    /// `UNIMPLEMENTED` (tonic-build's name).
    pub fn generate_default_stubs(self, on: bool) -> Self {
        self.kv("generate_default_stubs", on.to_string())
    }

    /// Whether server trait methods take `self: Arc<Self>` (tonic-build's
    /// name).
    pub fn use_arc_self(self, on: bool) -> Self {
        self.kv("use_arc_self", on.to_string())
    }

    /// The codec type generated code uses (default
    /// `tonic_prost::ProstCodec`).
    pub fn codec_path(self, path: impl AsRef<str>) -> Self {
        self.kv("codec_path", path.as_ref().to_string())
    }

    /// Adds `attribute` to the server types of services matching `path`.
    pub fn server_attribute(self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.kv(
            "server_attribute",
            format!("{}={}", path.as_ref(), attribute.as_ref()),
        )
    }

    /// Adds `attribute` to the server modules of services matching `path`.
    pub fn server_mod_attribute(self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.kv(
            "server_mod_attribute",
            format!("{}={}", path.as_ref(), attribute.as_ref()),
        )
    }

    /// Adds `attribute` to the server traits of services matching `path`.
    pub fn trait_attribute(self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.kv(
            "trait_attribute",
            format!("{}={}", path.as_ref(), attribute.as_ref()),
        )
    }

    /// Adds `attribute` to the client types of services matching `path`.
    pub fn client_attribute(self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.kv(
            "client_attribute",
            format!("{}={}", path.as_ref(), attribute.as_ref()),
        )
    }

    /// Adds `attribute` to the client modules of services matching `path`.
    pub fn client_mod_attribute(self, path: impl AsRef<str>, attribute: impl AsRef<str>) -> Self {
        self.kv(
            "client_mod_attribute",
            format!("{}={}", path.as_ref(), attribute.as_ref()),
        )
    }

    /// The backend parameters collected so far, in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// Compiles `protos` (paths, or names relative to an include path)
    /// and writes the Rust files. Errors are rendered on stderr and also
    /// returned (plain text) in the error.
    pub fn compile<P: AsRef<Path>>(&self, protos: &[P]) -> io::Result<()> {
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        "OUT_DIR is not set: call out_dir() outside a build script",
                    )
                })?,
        };
        let inputs: Vec<String> = protos
            .iter()
            .map(|p| p.as_ref().to_string_lossy().into_owned())
            .collect();
        let opts = CompileOptions {
            roots: self.includes.clone(),
            builtin_wkt: self.builtin_wkt,
            include_imports: true,
            include_source_info: true,
            retain_options: false,
        };
        let (comp, linked) = compile_linked(&inputs, &opts);
        if self.emit_rerun_if_changed {
            for line in rerun_lines(&comp, &inputs) {
                println!("{line}");
            }
        }
        let sources = comp.sources();
        let mut stderr = io::stderr();
        let _ = render(
            &comp.diagnostics,
            &sources,
            self.error_format,
            false,
            &mut stderr,
        );
        cargo_warnings(&comp.diagnostics, &sources);
        let linked = match linked {
            Some(l) if !comp.has_errors() => l,
            _ => return Err(failure(&comp.diagnostics, &sources)),
        };
        let requests = Requests::new(&comp, &linked);
        let pool = Pool::new(requests.proto_file.clone());
        let out = crate::backend::rust::RustBackend.generate(
            &pool,
            &requests.file_to_generate,
            &self.params,
        );
        let _ = render(
            &out.diagnostics,
            &sources,
            self.error_format,
            false,
            &mut stderr,
        );
        cargo_warnings(&out.diagnostics, &sources);
        if out.has_errors() {
            return Err(failure(&out.diagnostics, &sources));
        }
        std::fs::create_dir_all(&out_dir)?;
        write_files(&out_dir, &out.files)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", out_dir.display())))?;
        if let Some(path) = &self.descriptor_set_path {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            crate::output::write_atomic(path, &comp.descriptor_set())
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        }
        Ok(())
    }
}

/// `cargo:rerun-if-changed` for every input as given and every file read
/// from disk (inputs and imports), each once.
fn rerun_lines(comp: &crate::compile::Compilation, inputs: &[String]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut lines = Vec::new();
    let disk = comp
        .loaded
        .files
        .iter()
        .filter_map(|f| f.path.as_ref().map(|p| p.display().to_string()));
    for p in inputs.iter().cloned().chain(disk) {
        if seen.insert(p.clone()) {
            lines.push(format!("cargo:rerun-if-changed={p}"));
        }
    }
    lines
}

/// Warnings as `cargo:warning` lines, so that cargo shows them.
fn cargo_warnings(diags: &[Diagnostic], sources: &crate::diagnostics::Sources) {
    let warnings: Vec<Diagnostic> = diags.iter().filter(|d| !d.is_error()).cloned().collect();
    if warnings.is_empty() || std::env::var_os("CARGO").is_none() {
        return;
    }
    let mut buf = Vec::new();
    let _ = render(&warnings, sources, ErrorFormat::Gcc, false, &mut buf);
    for line in String::from_utf8_lossy(&buf).lines() {
        println!("cargo:warning={line}");
    }
}

fn failure(diags: &[Diagnostic], sources: &crate::diagnostics::Sources) -> io::Error {
    let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    let mut buf = Vec::new();
    let _ = render(&errors, sources, ErrorFormat::Gcc, false, &mut buf);
    let text = String::from_utf8_lossy(&buf).trim_end().to_string();
    io::Error::new(
        io::ErrorKind::InvalidInput,
        if text.is_empty() {
            "protoforge: compilation failed".to_string()
        } else {
            format!("protoforge: compilation failed:\n{text}")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_use_backend_names() {
        let b = Builder::new()
            .btree_map(["."])
            .bytes([".a", ".b"])
            .type_attribute(".a.M", "#[derive(Eq)]")
            .extern_path(".ext", "::ext")
            .build_server(false)
            .retain_enum_prefix()
            .param("enable_type_names");
        let got: Vec<String> = b
            .params()
            .iter()
            .map(|p| match &p.value {
                Some(v) => format!("{}={v}", p.key),
                None => p.key.clone(),
            })
            .collect();
        assert_eq!(
            got,
            [
                "btree_map=.",
                "bytes=.a",
                "bytes=.b",
                "type_attribute=.a.M=#[derive(Eq)]",
                "extern_path=.ext=::ext",
                "build_server=false",
                "retain_enum_prefix=true",
                "enable_type_names",
            ]
        );
    }

    #[test]
    fn every_method_names_a_backend_parameter() {
        let b = Builder::new()
            .btree_map(["."])
            .bytes(["."])
            .boxed(".a.M.f")
            .type_attribute(".", "#[derive(Eq)]")
            .message_attribute(".", "#[derive(Eq)]")
            .enum_attribute(".", "#[derive(Eq)]")
            .field_attribute(".", "#[allow(unused)]")
            .extern_path(".ext", "::ext")
            .disable_comments(["."])
            .skip_debug([".a"])
            .retain_enum_prefix()
            .enable_type_names()
            .type_name_domain(["."], "example.com")
            .default_package_filename("root")
            .compile_well_known_types()
            .build_server(true)
            .build_client(false)
            .build_transport(false)
            .generate_default_stubs(true)
            .use_arc_self(true)
            .codec_path("crate::Codec")
            .server_attribute(".", "#[allow(unused)]")
            .server_mod_attribute(".", "#[allow(unused)]")
            .trait_attribute(".", "#[allow(unused)]")
            .client_attribute(".", "#[allow(unused)]")
            .client_mod_attribute(".", "#[allow(unused)]");
        if let Err(e) = crate::backend::rust::Options::parse(b.params()) {
            panic!("{e:?}");
        }
    }

    #[test]
    fn compiles_into_out_dir_and_lists_imports() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("proto");
        std::fs::create_dir_all(src.join("a")).unwrap();
        std::fs::write(
            src.join("a/dep.proto"),
            "syntax = \"proto3\";\npackage a;\nmessage Dep { int32 x = 1; }\n",
        )
        .unwrap();
        std::fs::write(
            src.join("a/top.proto"),
            "syntax = \"proto3\";\npackage a;\nimport \"a/dep.proto\";\n\
             import \"google/protobuf/timestamp.proto\";\n\
             message Top { Dep d = 1; google.protobuf.Timestamp t = 2; }\n",
        )
        .unwrap();
        let out = tmp.path().join("out");
        let fds = tmp.path().join("fds/set.pb");
        Builder::new()
            .include(&src)
            .out_dir(&out)
            .descriptor_set_path(&fds)
            .emit_rerun_if_changed(false)
            .compile(&[src.join("a/top.proto")])
            .unwrap();
        let rs = std::fs::read_to_string(out.join("a.rs")).unwrap();
        assert!(rs.contains("pub struct Top"));
        assert!(std::fs::read_to_string(out.join("mod.rs"))
            .unwrap()
            .contains("a.rs"));
        assert!(!std::fs::read(&fds).unwrap().is_empty());

        let inputs = vec![src.join("a/top.proto").display().to_string()];
        let opts = CompileOptions {
            roots: vec![src.clone()],
            builtin_wkt: true,
            ..Default::default()
        };
        let (comp, _) = compile_linked(&inputs, &opts);
        let lines = rerun_lines(&comp, &inputs);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].ends_with("dep.proto"), "{lines:?}");
    }

    #[test]
    fn errors_are_returned() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("bad.proto"),
            "syntax = \"proto3\";\nmessage {\n",
        )
        .unwrap();
        let err = Builder::new()
            .include(tmp.path())
            .out_dir(tmp.path().join("out"))
            .emit_rerun_if_changed(false)
            .compile(&["bad.proto"])
            .unwrap_err();
        assert!(err.to_string().contains("bad.proto:2:"), "{err}");
        let err = Builder::new()
            .include(tmp.path())
            .out_dir(tmp.path().join("out"))
            .param("no_such_option")
            .emit_rerun_if_changed(false)
            .compile(&["bad.proto"])
            .unwrap_err();
        assert!(err.to_string().contains("compilation failed"), "{err}");
    }
}
