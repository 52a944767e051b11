//! Inputs of `protoforge breaking`, in buf's forms:
//!
//! * a directory of `.proto` files (module roots from its buf.yaml, or
//!   `-I` roots), compiled with our compiler;
//! * a descriptor set: protoc `-o` output or a buf image (`.binpb`, `.pb`,
//!   `.bin`, or any file with `#format=binpb`);
//! * a git reference: `path/.git#branch=main`, `#tag=v1`, `#ref=HEAD~1`,
//!   with `subdir=proto`; files are read from the object store, the work
//!   tree is never touched.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::compile::{compile, CompileOptions};
use crate::diagnostics::{render, ErrorFormat};

use super::config::{self, BufYaml};
use super::model::{Image, ImageFile};

/// A loaded input.
pub struct Loaded {
    pub image: Image,
    /// The buf.yaml that came with a directory (or git) input.
    pub config: Option<BufYaml>,
}

/// How the user named an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    Dir(PathBuf),
    DescriptorSet(PathBuf),
    Git {
        repo: PathBuf,
        rev: String,
        subdir: Option<String>,
    },
}

/// Parses an input argument.
pub fn parse_spec(arg: &str) -> Result<Spec, String> {
    let (path, opts) = match arg.split_once('#') {
        Some((p, o)) => (p, o),
        None => (arg, ""),
    };
    let path = if path.is_empty() { "." } else { path };
    let mut format = None;
    let mut rev = None;
    let mut subdir = None;
    for kv in opts.split(',').filter(|s| !s.is_empty()) {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| format!("{arg}: expected key=value after '#', got \"{kv}\""))?;
        match k {
            "format" => format = Some(v.to_string()),
            "branch" | "tag" | "ref" | "commit" => rev = Some(v.to_string()),
            "subdir" => subdir = Some(v.trim_matches('/').to_string()),
            "depth" | "recurse_submodules" | "compression" | "strip_components" => {}
            _ => return Err(format!("{arg}: unknown input option \"{k}\"")),
        }
    }
    let p = PathBuf::from(path);
    let is_git = format.as_deref() == Some("git") || path.ends_with(".git") || rev.is_some();
    if is_git {
        return Ok(Spec::Git {
            repo: p,
            rev: rev.unwrap_or_else(|| "HEAD".into()),
            subdir,
        });
    }
    let is_set = matches!(format.as_deref(), Some("binpb" | "bin"))
        || [".binpb", ".pb", ".bin"].iter().any(|e| path.ends_with(e))
        || p.is_file();
    if is_set {
        Ok(Spec::DescriptorSet(p))
    } else {
        Ok(Spec::Dir(p))
    }
}

/// Loads an input. `roots` are `-I` roots for a directory without
/// buf.yaml; `config_override` replaces the directory's buf.yaml.
/// `source_root`, for a descriptor set, is where its .proto texts can be
/// read (for exact locations and snippets).
pub fn load(
    spec: &Spec,
    roots: &[PathBuf],
    config_override: Option<&BufYaml>,
    source_root: Option<&Path>,
) -> Result<Loaded, String> {
    match spec {
        Spec::DescriptorSet(p) => {
            let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let mut image = Image::from_bytes(bytes)
                .map_err(|e| format!("{}: not a descriptor set: {e}", p.display()))?;
            if let Some(root) = source_root {
                for f in &mut image.files {
                    f.source = std::fs::read_to_string(root.join(f.fd.name()))
                        .ok()
                        .map(Into::into);
                }
            }
            Ok(Loaded {
                image,
                config: config_override.cloned(),
            })
        }
        Spec::Dir(d) => load_dir(d, d, roots, config_override),
        Spec::Git { repo, rev, subdir } => {
            let tmp = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
            export_git(repo, rev, subdir.as_deref(), tmp.path())?;
            let dir = match subdir {
                Some(s) if !s.is_empty() => tmp.path().join(s),
                _ => tmp.path().to_path_buf(),
            };
            // Findings name files as they are in the repository.
            let shown = match subdir {
                Some(s) if !s.is_empty() => PathBuf::from(s),
                _ => PathBuf::new(),
            };
            load_dir(&dir, &shown, roots, config_override)
        }
    }
}

fn join_display(base: &Path, rest: &str) -> String {
    if base.as_os_str().is_empty() || base == Path::new(".") {
        rest.to_string()
    } else {
        base.join(rest).to_string_lossy().into_owned()
    }
}

/// Every `.proto` file under `root`, as names relative to it, minus the
/// excluded directories (given relative to `base`).
fn proto_files(base: &Path, root: &Path, excludes: &[PathBuf]) -> Vec<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if excludes.iter().any(|e| base.join(e) == dir) {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in rd.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() || (ft.is_symlink() && path.is_dir()) {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "proto") {
                if let Ok(rel) = path.strip_prefix(root) {
                    out.insert(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    out.into_iter().collect()
}

fn load_dir(
    dir: &Path,
    shown: &Path,
    roots: &[PathBuf],
    config_override: Option<&BufYaml>,
) -> Result<Loaded, String> {
    if !dir.is_dir() {
        return Err(format!("{}: no such directory", dir.display()));
    }
    let found = match config_override {
        Some(c) => Some(c.clone()),
        None => match config::find(dir) {
            Some(p) => Some(config::load(&p)?),
            None => None,
        },
    };
    let cfg = found.clone().unwrap_or_default();
    // (disk root, display root) per module; -I roots when no buf.yaml says.
    let mut module_roots: Vec<(PathBuf, PathBuf)> = Vec::new();
    if found.is_none() && !roots.is_empty() {
        for r in roots {
            module_roots.push((dir.join(r), shown.join(r)));
        }
    } else {
        for m in &cfg.modules {
            if m.path == "." {
                module_roots.push((dir.to_path_buf(), shown.to_path_buf()));
            } else {
                module_roots.push((dir.join(&m.path), shown.join(&m.path)));
            }
        }
    }
    let excludes: Vec<PathBuf> = cfg
        .modules
        .iter()
        .flat_map(|m| m.excludes.iter().map(PathBuf::from))
        .collect();
    let mut inputs = Vec::new();
    let mut display = std::collections::HashMap::new();
    for (root, show) in &module_roots {
        for name in proto_files(dir, root, &excludes) {
            inputs.push(root.join(&name).to_string_lossy().into_owned());
            display.insert(name.clone(), join_display(show, &name));
        }
    }
    let opts = CompileOptions {
        roots: module_roots.iter().map(|(r, _)| r.clone()).collect(),
        builtin_wkt: true,
        include_imports: true,
        include_source_info: true,
        retain_options: false,
    };
    let result = compile(&inputs, &opts);
    if result.has_errors() {
        let mut buf = Vec::new();
        let _ = render(
            &result.diagnostics,
            &result.sources(),
            ErrorFormat::Human,
            false,
            &mut buf,
        );
        return Err(String::from_utf8_lossy(&buf).trim_end().to_string());
    }
    let texts: std::collections::HashMap<String, std::sync::Arc<str>> = result
        .loaded
        .files
        .iter()
        .map(|f| (f.name.clone(), f.text().clone()))
        .collect();
    let files = result
        .files
        .into_iter()
        .map(|fd| {
            let name = fd.name().to_string();
            let shown = display.get(&name).cloned();
            let source = texts.get(&name).cloned();
            let mut f = ImageFile::new(fd, shown.is_none(), shown.unwrap_or(name));
            f.source = source;
            f
        })
        .collect();
    Ok(Loaded {
        image: Image { files },
        config: found,
    })
}

fn git(repo: &Path) -> Command {
    let mut c = Command::new("git");
    let is_git_dir = repo.extension().is_some_and(|e| e == "git")
        || (repo.join("HEAD").is_file() && repo.join("objects").is_dir());
    if is_git_dir {
        c.arg("--git-dir").arg(repo);
    } else {
        c.arg("-C").arg(repo);
    }
    c
}

fn run_git(mut c: Command) -> Result<Vec<u8>, String> {
    let out = c
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// Writes the files of `rev` (under `subdir`) into `dest`, reading blobs
/// with `git cat-file --batch`.
fn export_git(repo: &Path, rev: &str, subdir: Option<&str>, dest: &Path) -> Result<(), String> {
    let mut c = git(repo);
    c.args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{rev}^{{commit}}"));
    let commit = run_git(c)
        .ok()
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| format!("{}: unknown revision \"{rev}\"", repo.display()))?;
    let mut c = git(repo);
    c.args(["ls-tree", "-r", "-z", "--name-only", &commit]);
    if let Some(s) = subdir.filter(|s| !s.is_empty()) {
        c.arg("--").arg(s);
    }
    let listing = run_git(c)?;
    let names: Vec<String> = listing
        .split(|&b| b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .filter(|n| n.ends_with(".proto") || n.ends_with("buf.yaml") || n.ends_with("buf.yml"))
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let mut c = git(repo);
    c.args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("git: no stdin")?;
    let requests: String = names.iter().map(|n| format!("{commit}:{n}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .ok_or("git: no stdout")?
        .read_to_end(&mut out)
        .map_err(|e| format!("git: {e}"))?;
    let _ = writer.join();
    let _ = child.wait();
    let mut pos = 0;
    for name in &names {
        let end = out[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("git: short cat-file output")?;
        let header = String::from_utf8_lossy(&out[pos..pos + end]).into_owned();
        pos += end + 1;
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("git: {name}: {header}"))?;
        let body = out
            .get(pos..pos + size)
            .ok_or("git: short cat-file output")?;
        pos += size + 1;
        let target = dest.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, body).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            parse_spec(".git#branch=main,subdir=proto").unwrap(),
            Spec::Git {
                repo: ".git".into(),
                rev: "main".into(),
                subdir: Some("proto".into())
            }
        );
        assert_eq!(
            parse_spec("x.binpb").unwrap(),
            Spec::DescriptorSet("x.binpb".into())
        );
        assert_eq!(
            parse_spec("some/dir/that/does/not/exist").unwrap(),
            Spec::Dir("some/dir/that/does/not/exist".into())
        );
        assert!(parse_spec("a#bogus=1").is_err());
    }
}
