//! Code generation backends.
//!
//! A [`Backend`] turns linked descriptors into output files the way a
//! protoc plugin does: it receives the whole [`Pool`] (every file, imports
//! included), the names of the files to generate, and parameters as a list
//! of `key=value` pairs; it returns files (name relative to the output
//! directory, content) and diagnostics. Backends never touch the file
//! system; [`write_files`] does that for the command line.
//!
//! * [`descriptor_set::DescriptorSetBackend`] writes a `FileDescriptorSet`.
//! * [`rust::RustBackend`] writes prost-compatible Rust.

use std::path::{Path, PathBuf};

use crate::compile::{compile, CompileOptions};
use crate::descriptor::pool::Pool;
use crate::diagnostics::Diagnostic;

pub mod descriptor_set;
pub mod rust;

/// One backend parameter: `key=value`, or a bare `key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub key: String,
    pub value: Option<String>,
}

impl Param {
    /// Splits `key=value` at the first `=`.
    pub fn parse(s: &str) -> Param {
        match s.split_once('=') {
            Some((k, v)) => Param {
                key: k.to_string(),
                value: Some(v.to_string()),
            },
            None => Param {
                key: s.to_string(),
                value: None,
            },
        }
    }

    /// Splits a protoc plugin parameter string (`a=1,b,c=x`) at commas.
    pub fn parse_list(s: &str) -> Vec<Param> {
        s.split(',')
            .filter(|p| !p.is_empty())
            .map(Param::parse)
            .collect()
    }
}

/// A generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output directory, `/`-separated.
    pub name: String,
    pub content: Vec<u8>,
}

/// What a backend produced.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    pub files: Vec<GeneratedFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Generated {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A code generator over linked descriptors.
pub trait Backend {
    /// The name in `--NAME_out` and `--NAME_opt`.
    fn name(&self) -> &'static str;

    /// Generates output for `files_to_generate` (file names as in the
    /// pool). The pool holds these files and everything they import.
    fn generate(&self, pool: &Pool, files_to_generate: &[String], params: &[Param]) -> Generated;
}

/// Every backend protoforge knows, by name.
pub fn by_name(name: &str) -> Option<Box<dyn Backend>> {
    match name {
        "rust" => Some(Box::new(rust::RustBackend)),
        "descriptor_set" => Some(Box::new(descriptor_set::DescriptorSetBackend)),
        _ => None,
    }
}

/// Writes generated files under `dir`, creating directories as needed.
/// File names must be relative and must not leave `dir`; every name is
/// checked before anything is written, so a bad one leaves no output.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    for f in files {
        let safe = !f.name.is_empty()
            && Path::new(&f.name)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("refusing to write outside the output directory: {}", f.name),
            ));
        }
    }
    for f in files {
        let path = dir.join(&f.name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        crate::output::write_atomic(&path, &f.content)?;
    }
    Ok(())
}

/// The outcome of a backend run from the command line.
#[derive(Debug, Default)]
pub struct CliRun {
    /// The backend's diagnostics (compilation diagnostics are the caller's).
    pub diagnostics: Vec<Diagnostic>,
    /// Why nothing was written, if so; print as `--NAME_out: <error>`.
    pub error: Option<String>,
}

/// Splits protoc's `--X_out` value: `PARAMS:DIR` at the first `:`, or
/// just `DIR`. A single letter before the colon is taken for a Windows
/// drive, not for parameters.
pub fn split_out_arg(arg: &str) -> (Vec<Param>, PathBuf) {
    match arg.split_once(':') {
        Some((params, dir)) if params.len() != 1 => (Param::parse_list(params), PathBuf::from(dir)),
        _ => (Vec::new(), PathBuf::from(arg)),
    }
}

/// The command line's `--X_out=[PARAMS:]DIR` and `--X_opt=KEY=VALUE`:
/// compiles `inputs` with their imports and source info, runs `backend`
/// over the inputs (parameters from `--X_out` first, then each `--X_opt`)
/// and writes its files under DIR. Nothing is written when there are
/// errors.
pub fn run_cli(
    backend: &dyn Backend,
    inputs: &[String],
    opts: &CompileOptions,
    out_arg: &str,
    opt_args: &[String],
) -> CliRun {
    let (mut params, dir) = split_out_arg(out_arg);
    if !dir.is_dir() {
        return CliRun {
            diagnostics: Vec::new(),
            error: Some(format!("{}/: No such file or directory", dir.display())),
        };
    }
    params.extend(opt_args.iter().map(|o| Param::parse(o)));
    let mut opts = opts.clone();
    opts.include_imports = true;
    opts.include_source_info = true;
    let result = compile(inputs, &opts);
    if result.has_errors() {
        return CliRun {
            diagnostics: result.diagnostics,
            error: Some("compilation failed".into()),
        };
    }
    let names: Vec<String> = result
        .loaded
        .inputs
        .iter()
        .filter_map(|&i| result.loaded.files.get(i).map(|f| f.name.clone()))
        .collect();
    let pool = Pool::new(result.files);
    let out = backend.generate(&pool, &names, &params);
    let mut run = CliRun {
        error: None,
        diagnostics: out.diagnostics.clone(),
    };
    if out.has_errors() {
        run.error = Some("code generation failed".into());
    } else if let Err(e) = write_files(&dir, &out.files) {
        run.error = Some(format!("{}: {e}", dir.display()));
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params() {
        assert_eq!(
            Param::parse("a=b=c"),
            Param {
                key: "a".into(),
                value: Some("b=c".into())
            }
        );
        assert_eq!(Param::parse("flag").value, None);
        let l = Param::parse_list("x=1,,y");
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].key, "y");
    }

    #[test]
    fn write_files_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x.rs", "/abs.rs", ""] {
            let f = GeneratedFile {
                name: bad.into(),
                content: vec![],
            };
            assert!(write_files(dir.path(), &[f]).is_err(), "{bad}");
        }
        let ok = GeneratedFile {
            name: "a/b.rs".into(),
            content: b"x".to_vec(),
        };
        write_files(dir.path(), &[ok]).unwrap();
        assert_eq!(std::fs::read(dir.path().join("a/b.rs")).unwrap(), b"x");
    }

    #[test]
    fn write_files_writes_nothing_when_a_later_name_is_bad() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            GeneratedFile {
                name: "first.rs".into(),
                content: b"x".to_vec(),
            },
            GeneratedFile {
                name: "../second.rs".into(),
                content: b"y".to_vec(),
            },
        ];
        assert!(write_files(dir.path(), &files).is_err());
        assert!(!dir.path().join("first.rs").exists());
    }

    #[test]
    fn out_arg_forms() {
        let (p, d) = split_out_arg("btree_map=.,bytes=.:gen");
        assert_eq!(p.len(), 2);
        assert_eq!(d, PathBuf::from("gen"));
        let (p, d) = split_out_arg("out/dir");
        assert!(p.is_empty());
        assert_eq!(d, PathBuf::from("out/dir"));
        let (p, d) = split_out_arg("C:/x");
        assert!(p.is_empty());
        assert_eq!(d, PathBuf::from("C:/x"));
    }

    #[test]
    fn backends_by_name() {
        assert_eq!(by_name("rust").unwrap().name(), "rust");
        assert!(by_name("nope").is_none());
    }
}
