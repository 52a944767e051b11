//! A set of linked files with lookup by fully-qualified name.
//!
//! Backends and the compatibility checker work on a [`Pool`]: the
//! descriptors of every file (from our linker, a descriptor set on disk or a
//! plugin request) and an index from full names (`pkg.Msg.Inner`, no leading
//! dot) to where each element lives.

use std::collections::HashMap;

use super::types::*;

/// What a name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Package,
    Message,
    Enum,
    /// Enum values are scoped as siblings of their enum (C++ rules).
    EnumValue,
    Field,
    Extension,
    Oneof,
    Service,
    Method,
}

/// Where an element lives: its file and its descriptor path (the same paths
/// as `SourceCodeInfo`: `[4, i]` a message, `[4, i, 3, j]` a nested one, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub kind: SymbolKind,
    pub file: usize,
    pub path: Vec<i32>,
}

/// Linked files and their name index.
#[derive(Clone, Debug, Default)]
pub struct Pool {
    pub files: Vec<FileDescriptorProto>,
    symbols: HashMap<String, Symbol>,
    by_file_name: HashMap<String, usize>,
}

fn join(scope: &str, name: &str) -> String {
    crate::descriptor::join_name(scope, name)
}

impl Pool {
    /// Indexes `files`. When two elements share a name the first one wins
    /// (the linker reports such clashes; the pool only looks things up).
    pub fn new(files: Vec<FileDescriptorProto>) -> Pool {
        let mut pool = Pool {
            files,
            ..Default::default()
        };
        for fi in 0..pool.files.len() {
            let file = &pool.files[fi];
            if let Some(n) = &file.name {
                pool.by_file_name.entry(n.clone()).or_insert(fi);
            }
            let mut entries = Vec::new();
            let pkg = file.package.clone().unwrap_or_default();
            if !pkg.is_empty() {
                let mut acc = String::new();
                for part in pkg.split('.') {
                    acc = join(&acc, part);
                    entries.push((acc.clone(), SymbolKind::Package, Vec::new()));
                }
            }
            for (i, m) in file.message_type.iter().enumerate() {
                index_message(&mut entries, &pkg, m, vec![4, i as i32]);
            }
            for (i, e) in file.enum_type.iter().enumerate() {
                index_enum(&mut entries, &pkg, e, vec![5, i as i32]);
            }
            for (i, x) in file.extension.iter().enumerate() {
                entries.push((
                    join(&pkg, x.name()),
                    SymbolKind::Extension,
                    vec![7, i as i32],
                ));
            }
            for (i, s) in file.service.iter().enumerate() {
                let sname = join(&pkg, s.name());
                for (j, m) in s.method.iter().enumerate() {
                    entries.push((
                        join(&sname, m.name()),
                        SymbolKind::Method,
                        vec![6, i as i32, 2, j as i32],
                    ));
                }
                entries.push((sname, SymbolKind::Service, vec![6, i as i32]));
            }
            for (name, kind, path) in entries {
                pool.symbols.entry(name).or_insert(Symbol {
                    kind,
                    file: fi,
                    path,
                });
            }
        }
        pool
    }

    /// The index of a file by its name.
    pub fn file_index(&self, name: &str) -> Option<usize> {
        self.by_file_name.get(name).copied()
    }

    pub fn file_by_name(&self, name: &str) -> Option<&FileDescriptorProto> {
        self.file_index(name).map(|i| &self.files[i])
    }

    /// Looks up a fully-qualified name (a leading dot is accepted).
    pub fn lookup(&self, name: &str) -> Option<&Symbol> {
        self.symbols.get(name.strip_prefix('.').unwrap_or(name))
    }

    /// Every indexed name, in no particular order.
    pub fn symbols(&self) -> impl Iterator<Item = (&str, &Symbol)> {
        self.symbols.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn message(&self, name: &str) -> Option<&DescriptorProto> {
        let s = self.lookup(name)?;
        (s.kind == SymbolKind::Message).then(|| message_at(&self.files[s.file], &s.path))?
    }

    pub fn enum_type(&self, name: &str) -> Option<&EnumDescriptorProto> {
        let s = self.lookup(name)?;
        (s.kind == SymbolKind::Enum).then(|| enum_at(&self.files[s.file], &s.path))?
    }

    pub fn service(&self, name: &str) -> Option<&ServiceDescriptorProto> {
        let s = self.lookup(name)?;
        if s.kind != SymbolKind::Service {
            return None;
        }
        self.files[s.file].service.get(*s.path.get(1)? as usize)
    }

    /// A field or extension by full name.
    pub fn field(&self, name: &str) -> Option<&FieldDescriptorProto> {
        let s = self.lookup(name)?;
        if !matches!(s.kind, SymbolKind::Field | SymbolKind::Extension) {
            return None;
        }
        field_at(&self.files[s.file], &s.path)
    }

    /// The file that defines a symbol.
    pub fn file_of(&self, name: &str) -> Option<&FileDescriptorProto> {
        self.lookup(name).map(|s| &self.files[s.file])
    }
}

fn index_message(
    out: &mut Vec<(String, SymbolKind, Vec<i32>)>,
    scope: &str,
    m: &DescriptorProto,
    path: Vec<i32>,
) {
    let name = join(scope, m.name());
    for (i, f) in m.field.iter().enumerate() {
        out.push((
            join(&name, f.name()),
            SymbolKind::Field,
            [&path[..], &[2, i as i32]].concat(),
        ));
    }
    for (i, o) in m.oneof_decl.iter().enumerate() {
        out.push((
            join(&name, o.name()),
            SymbolKind::Oneof,
            [&path[..], &[8, i as i32]].concat(),
        ));
    }
    for (i, n) in m.nested_type.iter().enumerate() {
        index_message(out, &name, n, [&path[..], &[3, i as i32]].concat());
    }
    for (i, e) in m.enum_type.iter().enumerate() {
        index_enum(out, &name, e, [&path[..], &[4, i as i32]].concat());
    }
    for (i, x) in m.extension.iter().enumerate() {
        out.push((
            join(&name, x.name()),
            SymbolKind::Extension,
            [&path[..], &[6, i as i32]].concat(),
        ));
    }
    out.push((name, SymbolKind::Message, path));
}

fn index_enum(
    out: &mut Vec<(String, SymbolKind, Vec<i32>)>,
    scope: &str,
    e: &EnumDescriptorProto,
    path: Vec<i32>,
) {
    for (i, v) in e.value.iter().enumerate() {
        out.push((
            join(scope, v.name()),
            SymbolKind::EnumValue,
            [&path[..], &[2, i as i32]].concat(),
        ));
    }
    out.push((join(scope, e.name()), SymbolKind::Enum, path));
}

/// The message at a descriptor path (`[4, i, 3, j, …]`).
pub fn message_at<'a>(file: &'a FileDescriptorProto, path: &[i32]) -> Option<&'a DescriptorProto> {
    let (&[4, i], rest) = path.split_at_checked(2)? else {
        return None;
    };
    let mut m = file.message_type.get(i as usize)?;
    let mut rest = rest;
    while let [3, j, tail @ ..] = rest {
        m = m.nested_type.get(*j as usize)?;
        rest = tail;
    }
    rest.is_empty().then_some(m)
}

/// The enum at a descriptor path (`[5, i]` or a message path + `[4, j]`).
pub fn enum_at<'a>(file: &'a FileDescriptorProto, path: &[i32]) -> Option<&'a EnumDescriptorProto> {
    match path {
        [5, i] => file.enum_type.get(*i as usize),
        [parent @ .., 4, j] => message_at(file, parent)?.enum_type.get(*j as usize),
        _ => None,
    }
}

/// The field or extension at a descriptor path.
pub fn field_at<'a>(
    file: &'a FileDescriptorProto,
    path: &[i32],
) -> Option<&'a FieldDescriptorProto> {
    match path {
        [7, i] => file.extension.get(*i as usize),
        [parent @ .., 2, j] => message_at(file, parent)?.field.get(*j as usize),
        [parent @ .., 6, j] => message_at(file, parent)?.extension.get(*j as usize),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(name: &str) -> DescriptorProto {
        DescriptorProto {
            name: Some(name.into()),
            ..Default::default()
        }
    }

    #[test]
    fn indexes_nested_names_and_enum_values_as_siblings() {
        let mut outer = msg("Outer");
        outer.nested_type.push(msg("Inner"));
        outer.enum_type.push(EnumDescriptorProto {
            name: Some("Kind".into()),
            value: vec![EnumValueDescriptorProto {
                name: Some("KIND_A".into()),
                ..Default::default()
            }],
            ..Default::default()
        });
        outer.field.push(FieldDescriptorProto {
            name: Some("x".into()),
            ..Default::default()
        });
        let file = FileDescriptorProto {
            name: Some("a.proto".into()),
            package: Some("p.q".into()),
            message_type: vec![outer],
            ..Default::default()
        };
        let pool = Pool::new(vec![file]);
        assert_eq!(pool.message(".p.q.Outer.Inner").unwrap().name(), "Inner");
        assert_eq!(
            pool.lookup("p.q.Outer.KIND_A").unwrap().kind,
            SymbolKind::EnumValue
        );
        assert_eq!(
            pool.lookup("p.q.Outer.KIND_A").unwrap().path,
            vec![4, 0, 4, 0, 2, 0]
        );
        assert_eq!(pool.enum_type("p.q.Outer.Kind").unwrap().value.len(), 1);
        assert_eq!(pool.field("p.q.Outer.x").unwrap().name(), "x");
        assert_eq!(pool.lookup("p").unwrap().kind, SymbolKind::Package);
        assert!(pool.message("p.q.Outer.x").is_none());
    }
}
