//! `buf.yaml` (versions v1beta1, v1 and v2): the `breaking:` section and
//! where the module roots are, so a buf user's file works unchanged.
//!
//! ```yaml
//! version: v2
//! modules:
//!   - path: proto
//!     excludes: [proto/vendor]
//! breaking:
//!   use: [FILE]
//!   except: [FIELD_SAME_JSON_NAME]
//!   ignore: [proto/legacy]
//!   ignore_only:
//!     FIELD_NO_DELETE: [proto/foo/bar.proto]
//!   ignore_unstable_packages: true
//! ```
//!
//! Ignore paths are kept relative to the module root (import-path space),
//! whatever the version wrote them relative to.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

use super::rules::ConfigVersion;

/// The `breaking:` section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Breaking {
    pub use_: Vec<String>,
    pub except: Vec<String>,
    /// Paths (files or directories) whose findings are dropped.
    pub ignore: Vec<String>,
    /// Rule id or category -> paths.
    pub ignore_only: BTreeMap<String, Vec<String>>,
    pub ignore_unstable_packages: bool,
}

/// A module: a root directory of `.proto` files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    /// Relative to the directory holding buf.yaml (`.` for itself).
    pub path: String,
    /// Directories (relative to the buf.yaml directory) left out.
    pub excludes: Vec<String>,
    pub breaking: Breaking,
}

/// A parsed buf.yaml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufYaml {
    pub version: ConfigVersion,
    pub modules: Vec<Module>,
}

impl Default for BufYaml {
    /// No buf.yaml: buf checks with v1 defaults over the directory.
    fn default() -> Self {
        BufYaml {
            version: ConfigVersion::V1,
            modules: vec![Module {
                path: ".".into(),
                excludes: Vec::new(),
                breaking: Breaking::default(),
            }],
        }
    }
}

fn strings(y: &Yaml, what: &str) -> Result<Vec<String>, String> {
    match y {
        Yaml::BadValue | Yaml::Null => Ok(Vec::new()),
        Yaml::Array(a) => a
            .iter()
            .map(|v| match v {
                Yaml::String(s) => Ok(s.clone()),
                Yaml::Integer(i) => Ok(i.to_string()),
                _ => Err(format!("{what}: expected a list of strings")),
            })
            .collect(),
        Yaml::String(s) => Ok(vec![s.clone()]),
        _ => Err(format!("{what}: expected a list of strings")),
    }
}

fn clean(p: &str) -> String {
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// Makes `p` (relative to the buf.yaml directory) relative to `root`.
fn relative_to(p: &str, root: &str) -> String {
    let p = clean(p);
    if root == "." {
        return p;
    }
    match p.strip_prefix(root) {
        Some("") => ".".into(),
        Some(rest) if rest.starts_with('/') => rest[1..].to_string(),
        _ => p,
    }
}

fn breaking(y: &Yaml, root: &str, rebase: bool) -> Result<Breaking, String> {
    let mut b = Breaking::default();
    if y.is_badvalue() || y.is_null() {
        return Ok(b);
    }
    if y.as_hash().is_none() {
        return Err("breaking: expected a mapping".into());
    }
    let fix = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|p| {
                if rebase {
                    relative_to(&p, root)
                } else {
                    clean(&p)
                }
            })
            .collect()
    };
    b.use_ = strings(&y["use"], "breaking.use")?;
    b.except = strings(&y["except"], "breaking.except")?;
    b.ignore = fix(strings(&y["ignore"], "breaking.ignore")?);
    if let Some(h) = y["ignore_only"].as_hash() {
        for (k, v) in h {
            let k = k
                .as_str()
                .ok_or("breaking.ignore_only: keys must be rule ids")?;
            b.ignore_only
                .insert(k.to_string(), fix(strings(v, "breaking.ignore_only")?));
        }
    }
    b.ignore_unstable_packages = match &y["ignore_unstable_packages"] {
        Yaml::Boolean(v) => *v,
        Yaml::BadValue | Yaml::Null => false,
        _ => return Err("breaking.ignore_unstable_packages: expected true or false".into()),
    };
    Ok(b)
}

/// Parses buf.yaml text.
pub fn parse(text: &str) -> Result<BufYaml, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    let Some(doc) = docs.first() else {
        return Ok(BufYaml::default());
    };
    let version = match &doc["version"] {
        Yaml::String(v) => {
            ConfigVersion::parse(v).ok_or_else(|| format!("unknown buf.yaml version \"{v}\""))?
        }
        Yaml::BadValue | Yaml::Null => ConfigVersion::V1Beta1,
        _ => return Err("version: expected a string".into()),
    };
    let mut modules = Vec::new();
    match version {
        ConfigVersion::V2 => {
            let top = breaking(&doc["breaking"], ".", false)?;
            let top_raw = &doc["breaking"];
            match doc["modules"].as_vec() {
                Some(list) if !list.is_empty() => {
                    for m in list {
                        let path = clean(m["path"].as_str().unwrap_or("."));
                        let own = &m["breaking"];
                        let b = if own.is_badvalue() || own.is_null() {
                            breaking(top_raw, &path, true)?
                        } else {
                            breaking(own, &path, true)?
                        };
                        let excludes = strings(&m["excludes"], "modules.excludes")?
                            .iter()
                            .map(|e| clean(e))
                            .collect();
                        modules.push(Module {
                            path,
                            excludes,
                            breaking: b,
                        });
                    }
                }
                _ => modules.push(Module {
                    path: ".".into(),
                    excludes: Vec::new(),
                    breaking: top,
                }),
            }
        }
        ConfigVersion::V1 => {
            let b = breaking(&doc["breaking"], ".", false)?;
            let excludes = strings(&doc["build"]["excludes"], "build.excludes")?
                .iter()
                .map(|e| clean(e))
                .collect();
            modules.push(Module {
                path: ".".into(),
                excludes,
                breaking: b,
            });
        }
        ConfigVersion::V1Beta1 => {
            let b = breaking(&doc["breaking"], ".", false)?;
            let roots = strings(&doc["build"]["roots"], "build.roots")?;
            let excludes: Vec<String> = strings(&doc["build"]["excludes"], "build.excludes")?
                .iter()
                .map(|e| clean(e))
                .collect();
            let roots = if roots.is_empty() {
                vec![".".to_string()]
            } else {
                roots
            };
            for r in roots {
                modules.push(Module {
                    path: clean(&r),
                    excludes: excludes.clone(),
                    breaking: b.clone(),
                });
            }
        }
    }
    Ok(BufYaml { version, modules })
}

/// The buf.yaml in `dir`, if there is one.
pub fn find(dir: &Path) -> Option<PathBuf> {
    ["buf.yaml", "buf.yml"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// Reads and parses a buf.yaml file.
pub fn load(path: &Path) -> Result<BufYaml, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_modules_and_rebased_ignores() {
        let y = parse(
            "version: v2\nmodules:\n  - path: proto\nbreaking:\n  use: [WIRE]\n  ignore: [proto/a/b.proto]\n  ignore_only:\n    FIELD_NO_DELETE: [proto/c]\n  ignore_unstable_packages: true\n",
        )
        .unwrap();
        assert_eq!(y.version, ConfigVersion::V2);
        let m = &y.modules[0];
        assert_eq!(m.path, "proto");
        assert_eq!(m.breaking.use_, ["WIRE"]);
        assert_eq!(m.breaking.ignore, ["a/b.proto"]);
        assert_eq!(m.breaking.ignore_only["FIELD_NO_DELETE"], ["c"]);
        assert!(m.breaking.ignore_unstable_packages);
    }

    #[test]
    fn v1beta1_roots_and_v1() {
        let y = parse(
            "version: v1beta1\nbuild:\n  roots: [a, ./b/]\nbreaking:\n  except: [FILE_NO_DELETE]\n",
        )
        .unwrap();
        assert_eq!(y.modules.len(), 2);
        assert_eq!(y.modules[1].path, "b");
        assert_eq!(y.modules[0].breaking.except, ["FILE_NO_DELETE"]);
        let y = parse("version: v1\nbreaking:\n  use:\n    - PACKAGE\n").unwrap();
        assert_eq!(y.version, ConfigVersion::V1);
        assert_eq!(y.modules[0].breaking.use_, ["PACKAGE"]);
        assert!(parse("version: v9\n").is_err());
        assert!(parse("version: v1\nbreaking: [x]\n").is_err());
    }
}
