//! Unused imports, a warning as protoc prints it: `Import x.proto is
//! unused.`, one per import, for the files named on the command line.
//!
//! protoc's rule, reproduced here: an import counts as used once any name
//! lookup made while building the file finds a symbol (not a package)
//! defined in it — while resolving types, extendees and method types
//! (every scope tried along the way counts), option names, enum-valued
//! options, and the options messages themselves (any option statement uses
//! descriptor.proto when the file imports it). Public imports are never
//! reported, nor are imports of files that themselves have public imports.
//!
//! Rule id: `import-unused`.

use std::collections::HashSet;

use crate::descriptor::pool::SymbolKind;
use crate::descriptor::FieldDescriptorProto;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::ImportKind;

use super::walk::Elem;
use super::{options, Cx};

struct Lookups<'c, 'a> {
    cx: &'c Cx<'a>,
    used: HashSet<usize>,
}

impl Lookups<'_, '_> {
    /// protoc's FindSymbol: marks the defining file used and answers
    /// whether the symbol may be used from this file.
    fn find(&mut self, name: &str) -> Option<(SymbolKind, bool)> {
        let syms = &self.cx.linked.schema.symbols;
        let e = syms.entries.get(name)?;
        let me = self.cx.file;
        let deps = &syms.visible_for_options[me];
        if e.kind != SymbolKind::Package && (e.file == me || deps.contains(&e.file)) {
            self.used.insert(e.file);
        }
        let (found, _) = syms.find(name, me, true);
        found.map(|e| {
            let aggregate = e.is_aggregate();
            (e.kind, aggregate)
        })
    }

    /// protoc's relative lookup of `name` from scope `relative_to`.
    fn lookup(&mut self, name: &str, relative_to: &str, types_only: bool) {
        let name = name.trim();
        if let Some(abs) = name.strip_prefix('.') {
            self.find(abs);
            return;
        }
        let first = name.split('.').next().unwrap_or(name);
        let mut scope = relative_to.to_string();
        loop {
            let Some(dot) = scope.rfind('.') else {
                self.find(name);
                return;
            };
            scope.truncate(dot);
            let candidate = format!("{scope}.{first}");
            if let Some((kind, aggregate)) = self.find(&candidate) {
                if first.len() < name.len() {
                    if aggregate {
                        self.find(&format!("{scope}.{name}"));
                        return;
                    }
                } else if !types_only || matches!(kind, SymbolKind::Message | SymbolKind::Enum) {
                    return;
                }
            }
        }
    }
}

/// The type name as written at `path` (without whitespace or comments).
fn written(cx: &Cx<'_>, path: &[i32]) -> Option<String> {
    let r = cx.span(path)?;
    let text = cx.text.get(r)?;
    Some(text.chars().filter(|c| !c.is_whitespace()).collect())
}

fn field_refs(l: &mut Lookups<'_, '_>, f: &FieldDescriptorProto, p: &[i32], full: &str) {
    let cx = l.cx;
    if f.extendee.is_some() {
        if let Some(x) = written(cx, &[p, &[2]].concat()) {
            l.lookup(&x, full, false);
        }
    }
    if f.type_name.is_some()
        && f.r#type != Some(crate::descriptor::field_descriptor_proto::Type::TYPE_GROUP)
    {
        if let Some(t) = written(cx, &[p, &[6]].concat()) {
            match t.strip_prefix("map<") {
                Some(rest) => {
                    // The value type of a map: after the first comma.
                    if let Some((_, v)) = rest.split_once(',') {
                        let v = v.trim_end_matches('>');
                        l.lookup(v, &format!("{full}.value"), true);
                    }
                }
                None => l.lookup(&t, full, true),
            }
        }
    }
}

pub(crate) fn unused(cx: &mut Cx<'_>) {
    let source = &cx.loaded.files[cx.file];
    let fd = cx.fd;
    // Candidates: imports that are not public, of files without public
    // imports of their own.
    let candidates: Vec<(usize, usize)> = source
        .imports
        .iter()
        .enumerate()
        .filter(|(_, i)| i.kind != ImportKind::Public)
        .filter_map(|(k, i)| Some((k, i.file?)))
        .filter(|&(_, d)| cx.linked.files()[d].public_dependency.is_empty())
        .collect();
    if candidates.is_empty() {
        return;
    }
    let mut l = Lookups {
        cx,
        used: HashSet::new(),
    };
    for item in &cx.items {
        match item.elem {
            Elem::Field(f, _) => field_refs(&mut l, f, &item.path, &item.full_name),
            Elem::Method(m) => {
                for (k, t) in [(2, &m.input_type), (3, &m.output_type)] {
                    if t.is_some() {
                        if let Some(w) = written(cx, &[&item.path[..], &[k]].concat()) {
                            l.lookup(&w, &item.full_name, false);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Options: the options message itself, extensions and enum values.
    for o in options::all_options(cx) {
        if o.bytes.is_empty() {
            continue;
        }
        l.find(o.message);
        let mut files: Vec<usize> = Vec::new();
        options::walk(cx, &o.bytes, o.message, 0, &mut |f| {
            if f.field.extendee.is_some() {
                files.extend(f.file);
            }
            files.extend(f.enum_file);
        });
        let deps = &cx.linked.schema.symbols.visible_for_options[cx.file];
        for f in files {
            if deps.contains(&f) {
                l.used.insert(f);
            }
        }
    }
    let _ = fd;
    let used = l.used;
    for (k, d) in candidates {
        if used.contains(&d) {
            continue;
        }
        let imp = &source.imports[k];
        let d = Diagnostic::warning("import-unused", format!("Import {} is unused.", imp.name))
            .at(cx.name, imp.span.range(), "nothing from this file is used")
            .with_note("remove the import, or use `import public` to re-export it");
        cx.push(d);
    }
}
