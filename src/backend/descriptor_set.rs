//! The descriptor-set writer as a backend: one `FileDescriptorSet` file.
//!
//! Parameters: `name=FILE` (default `descriptor_set.pb`),
//! `include_imports` (every file of the pool, in pool order, instead of
//! only the files to generate) and `include_source_info` (keep
//! `source_code_info`; dropped otherwise).

use super::{Backend, Generated, GeneratedFile, Param};
use crate::descriptor::pool::Pool;
use crate::descriptor::{encode_to_vec, FileDescriptorSet};
use crate::diagnostics::Diagnostic;

pub struct DescriptorSetBackend;

impl Backend for DescriptorSetBackend {
    fn name(&self) -> &'static str {
        "descriptor_set"
    }

    fn generate(&self, pool: &Pool, files_to_generate: &[String], params: &[Param]) -> Generated {
        let mut out = Generated::default();
        let mut name = "descriptor_set.pb".to_string();
        let mut include_imports = false;
        let mut include_source_info = false;
        for p in params {
            match (p.key.as_str(), p.value.as_deref()) {
                ("name", Some(v)) if !v.is_empty() => name = v.to_string(),
                ("include_imports", None | Some("true")) => include_imports = true,
                ("include_source_info", None | Some("true")) => include_source_info = true,
                _ => out.diagnostics.push(Diagnostic::error(
                    "backend-option",
                    format!("unknown descriptor_set option \"{}\"", p.key),
                )),
            }
        }
        for f in files_to_generate {
            if pool.file_by_name(f).is_none() {
                out.diagnostics.push(Diagnostic::error(
                    "backend-input",
                    format!("{f}: not among the compiled files"),
                ));
            }
        }
        if out.has_errors() {
            return out;
        }
        let file = pool
            .files
            .iter()
            .filter(|f| {
                include_imports || files_to_generate.iter().any(|n| Some(n) == f.name.as_ref())
            })
            .map(|f| {
                let mut f = f.clone();
                if !include_source_info {
                    f.source_code_info = None;
                }
                f
            })
            .collect();
        let set = FileDescriptorSet {
            file,
            unknown: Vec::new(),
        };
        out.files.push(GeneratedFile {
            name,
            content: encode_to_vec(&set),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{decode, FileDescriptorProto, SourceCodeInfo};

    fn pool() -> Pool {
        let f = |n: &str| FileDescriptorProto {
            name: Some(n.into()),
            source_code_info: Some(SourceCodeInfo::default()),
            ..Default::default()
        };
        Pool::new(vec![f("dep.proto"), f("main.proto")])
    }

    #[test]
    fn writes_requested_files_only_by_default() {
        let out = DescriptorSetBackend.generate(&pool(), &["main.proto".into()], &[]);
        assert!(!out.has_errors());
        let set: FileDescriptorSet = decode(&out.files[0].content).unwrap();
        assert_eq!(set.file.len(), 1);
        assert!(set.file[0].source_code_info.is_none());
        let out = DescriptorSetBackend.generate(
            &pool(),
            &["main.proto".into()],
            &Param::parse_list("include_imports,include_source_info,name=x.pb"),
        );
        assert_eq!(out.files[0].name, "x.pb");
        let set: FileDescriptorSet = decode(&out.files[0].content).unwrap();
        assert_eq!(set.file.len(), 2);
        assert!(set.file[1].source_code_info.is_some());
    }

    #[test]
    fn unknown_inputs_and_options_are_errors() {
        let out =
            DescriptorSetBackend.generate(&pool(), &["nope.proto".into()], &[Param::parse("zz")]);
        assert_eq!(out.diagnostics.len(), 2);
        assert!(out.files.is_empty());
    }
}
