//! The symbol table of a whole compilation: every full name, what it is,
//! which file defines it, and which files each file may see.

use std::collections::{HashMap, HashSet};

use crate::descriptor::pool::SymbolKind;
use crate::descriptor::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

/// One defined name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: SymbolKind,
    pub file: usize,
    /// Descriptor path inside the file (source-info paths); empty for packages.
    pub path: Vec<i32>,
}

impl Entry {
    /// protoc's "aggregate": something whose name can start a longer name.
    pub fn is_aggregate(&self) -> bool {
        matches!(
            self.kind,
            SymbolKind::Message | SymbolKind::Package | SymbolKind::Enum | SymbolKind::Service
        )
    }
    pub fn is_type(&self) -> bool {
        matches!(self.kind, SymbolKind::Message | SymbolKind::Enum)
    }
}

/// A name defined twice.
#[derive(Clone, Debug)]
pub struct Duplicate {
    pub name: String,
    pub first: Entry,
    pub second: Entry,
    /// For an enum value defined twice: the (short) name of its enum.
    pub enum_name: Option<String>,
}

/// Full name to definition, hashed with a fast non-cryptographic hash
/// (names come from the schema, not from an adversary choosing collisions
/// against a service).
pub type SymbolMap = HashMap<String, Entry, rustc_hash::FxBuildHasher>;

/// A set of file indices.
pub type FileSet = HashSet<usize, rustc_hash::FxBuildHasher>;

/// All names of a compilation.
#[derive(Debug, Default)]
pub struct Symbols {
    pub entries: SymbolMap,
    pub packages: Vec<String>,
    /// For each file: itself, its direct imports and whatever they re-export
    /// through `import public`.
    pub visible: Vec<FileSet>,
    /// The same plus `import option` files (and their public imports):
    /// what option names may refer to.
    pub visible_for_options: Vec<FileSet>,
    pub duplicates: Vec<Duplicate>,
}

fn join(scope: &str, name: &str) -> String {
    crate::descriptor::join_name(scope, name)
}

/// One name a file defines, as collected before the table is merged; for
/// an enum value, the short name of its enum.
type Defined = (String, Entry, Option<String>);

/// Collects the names one file defines, in protoc's order.
struct Collector {
    file: usize,
    out: Vec<Defined>,
}

impl Collector {
    fn add(&mut self, name: String, kind: SymbolKind, path: Vec<i32>) {
        let file = self.file;
        self.out.push((name, Entry { kind, file, path }, None));
    }

    fn message(&mut self, scope: &str, m: &DescriptorProto, path: Vec<i32>) {
        let name = join(scope, m.name());
        let sub = |k: i32, i: usize| [&path[..], &[k, i as i32]].concat();
        for (i, f) in m.field.iter().enumerate() {
            self.add(join(&name, f.name()), SymbolKind::Field, sub(2, i));
        }
        for (i, o) in m.oneof_decl.iter().enumerate() {
            self.add(join(&name, o.name()), SymbolKind::Oneof, sub(8, i));
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            self.add(join(&name, n.name()), SymbolKind::Message, sub(3, i));
            self.message(&name, n, sub(3, i));
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.enum_(&name, e, sub(4, i));
        }
        for (i, x) in m.extension.iter().enumerate() {
            self.add(join(&name, x.name()), SymbolKind::Extension, sub(6, i));
        }
    }

    fn enum_(&mut self, scope: &str, e: &EnumDescriptorProto, path: Vec<i32>) {
        self.add(join(scope, e.name()), SymbolKind::Enum, path.clone());
        for (i, v) in e.value.iter().enumerate() {
            // C++ scoping: values are siblings of their enum.
            let entry = Entry {
                kind: SymbolKind::EnumValue,
                file: self.file,
                path: [&path[..], &[2, i as i32]].concat(),
            };
            self.out
                .push((join(scope, v.name()), entry, Some(e.name().to_string())));
        }
    }

    fn file(file: usize, f: &FileDescriptorProto) -> Vec<Defined> {
        let mut c = Collector {
            file,
            out: Vec::new(),
        };
        let pkg = f.package();
        for (i, m) in f.message_type.iter().enumerate() {
            c.add(join(pkg, m.name()), SymbolKind::Message, vec![4, i as i32]);
            c.message(pkg, m, vec![4, i as i32]);
        }
        for (i, e) in f.enum_type.iter().enumerate() {
            c.enum_(pkg, e, vec![5, i as i32]);
        }
        for (i, x) in f.extension.iter().enumerate() {
            c.add(
                join(pkg, x.name()),
                SymbolKind::Extension,
                vec![7, i as i32],
            );
        }
        for (i, sv) in f.service.iter().enumerate() {
            let name = join(pkg, sv.name());
            c.add(name.clone(), SymbolKind::Service, vec![6, i as i32]);
            for (j, m) in sv.method.iter().enumerate() {
                c.add(
                    join(&name, m.name()),
                    SymbolKind::Method,
                    vec![6, i as i32, 2, j as i32],
                );
            }
        }
        c.out
    }
}

impl Symbols {
    /// Builds the table. `deps[i]` lists the files file `i` imports (indices,
    /// `None` when missing), in import order. Each file's names are collected
    /// in parallel, then merged in file order (which decides what counts as
    /// the first definition of a duplicate).
    pub fn build(
        files: &[FileDescriptorProto],
        deps: &[Vec<Option<usize>>],
        option_deps: &[Vec<Option<usize>>],
    ) -> Symbols {
        use rayon::prelude::*;
        let defined: Vec<Vec<Defined>> = files
            .par_iter()
            .enumerate()
            .map(|(fi, f)| Collector::file(fi, f))
            .collect();
        let total = defined.iter().map(Vec::len).sum::<usize>();
        let mut s = Symbols {
            packages: files.iter().map(|f| f.package().to_string()).collect(),
            entries: SymbolMap::with_capacity_and_hasher(total + files.len(), Default::default()),
            ..Default::default()
        };
        for (fi, (f, names)) in files.iter().zip(defined).enumerate() {
            let pkg = f.package();
            if !pkg.is_empty() {
                for (end, _) in pkg.match_indices('.').chain([(pkg.len(), "")]) {
                    s.add_package(&pkg[..end], fi);
                }
            }
            for (name, entry, enum_name) in names {
                s.add(name, entry, enum_name);
            }
        }
        s.visible = (0..files.len())
            .into_par_iter()
            .map(|i| visible_from(i, files, deps))
            .collect();
        s.visible_for_options = (0..files.len())
            .into_par_iter()
            .map(|i| {
                let mut v = s.visible[i].clone();
                for d in option_deps[i].iter().flatten() {
                    v.extend(visible_from(*d, files, deps));
                }
                v
            })
            .collect();
        s
    }

    fn add_package(&mut self, name: &str, file: usize) {
        match self.entries.get(name) {
            Some(e) if e.kind == SymbolKind::Package => {}
            Some(e) => self.duplicates.push(Duplicate {
                enum_name: None,
                name: name.to_string(),
                first: e.clone(),
                second: Entry {
                    kind: SymbolKind::Package,
                    file,
                    path: Vec::new(),
                },
            }),
            None => {
                self.entries.insert(
                    name.to_string(),
                    Entry {
                        kind: SymbolKind::Package,
                        file,
                        path: Vec::new(),
                    },
                );
            }
        }
    }

    /// Adds a name; a name already taken is recorded as a duplicate (with
    /// the enum's name for an enum value).
    fn add(&mut self, name: String, entry: Entry, enum_name: Option<String>) {
        match self.entries.get(&name) {
            Some(first) => self.duplicates.push(Duplicate {
                enum_name,
                name,
                first: first.clone(),
                second: entry,
            }),
            None => {
                self.entries.insert(name, entry);
            }
        }
    }

    /// protoc's FindSymbol: the entry if `from` may see it. The second value
    /// names the file that defines a symbol `from` could not see.
    pub fn find(
        &self,
        name: &str,
        from: usize,
        for_options: bool,
    ) -> (Option<&Entry>, Option<usize>) {
        let Some(e) = self.entries.get(name) else {
            return (None, None);
        };
        let vis = if for_options {
            &self.visible_for_options[from]
        } else {
            &self.visible[from]
        };
        if vis.contains(&e.file) {
            return (Some(e), None);
        }
        if e.kind == SymbolKind::Package {
            // A package is visible when any visible file is in it.
            let in_pkg = |f: usize| {
                let p = &self.packages[f];
                p == name
                    || (p.len() > name.len()
                        && p.starts_with(name)
                        && p.as_bytes()[name.len()] == b'.')
            };
            if vis.iter().any(|&f| in_pkg(f)) {
                return (Some(e), None);
            }
        }
        (None, Some(e.file))
    }
}

/// The files `file` may refer to: itself, its imports, and files reached
/// from those through chains of public imports.
fn visible_from(
    file: usize,
    files: &[FileDescriptorProto],
    deps: &[Vec<Option<usize>>],
) -> FileSet {
    let mut seen = FileSet::default();
    seen.insert(file);
    let mut queue: Vec<usize> = deps[file]
        .iter()
        .flatten()
        .copied()
        .filter(|&d| seen.insert(d))
        .collect();
    while let Some(d) = queue.pop() {
        for &p in &files[d].public_dependency {
            if let Some(Some(pd)) = deps[d].get(p as usize) {
                if seen.insert(*pd) {
                    queue.push(*pd);
                }
            }
        }
    }
    seen
}
