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

use crate::descriptor::pool::SymbolKind;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{self, ImportKind};

use super::{options, Cx};

struct Lookups<'c, 'a> {
    cx: &'c Cx<'a>,
    /// Candidate files not yet found used, reported at the end. Once none
    /// is left the answer is known and the remaining lookups are skipped
    /// (most files use all their imports, many of them early).
    pending: Vec<usize>,
}

impl Lookups<'_, '_> {
    fn done(&self) -> bool {
        self.pending.is_empty()
    }

    fn mark_used(&mut self, file: usize) {
        self.pending.retain(|&f| f != file);
    }

    /// protoc's FindSymbol: marks the defining file used and answers
    /// whether the symbol may be used from this file.
    fn find(&mut self, name: &str) -> Option<(SymbolKind, bool)> {
        let syms = &self.cx.linked.schema.symbols;
        let e = syms.entries.get(name)?;
        let me = self.cx.file;
        let deps = &syms.visible_for_options[me];
        if e.kind != SymbolKind::Package && (e.file == me || deps.contains(&e.file)) {
            self.mark_used(e.file);
        }
        let (found, _) = syms.find(name, me, true);
        found.map(|e| {
            let aggregate = e.is_aggregate();
            (e.kind, aggregate)
        })
    }

    /// protoc's relative lookup of `name` made by an element of `scope`:
    /// `scope.first`, then in each enclosing scope, then `name` alone.
    fn lookup(&mut self, name: &str, scope: &str, types_only: bool) {
        if self.done() {
            return;
        }
        let name = name.trim();
        if let Some(abs) = name.strip_prefix('.') {
            self.find(abs);
            return;
        }
        let first = name.split('.').next().unwrap_or(name);
        let mut candidate = String::with_capacity(scope.len() + name.len() + 1);
        let mut scope = scope;
        loop {
            if scope.is_empty() {
                self.find(name);
                return;
            }
            candidate.clear();
            candidate.push_str(scope);
            candidate.push('.');
            candidate.push_str(first);
            if let Some((kind, aggregate)) = self.find(&candidate) {
                if first.len() < name.len() {
                    if aggregate {
                        candidate.truncate(scope.len() + 1);
                        candidate.push_str(name);
                        self.find(&candidate);
                        return;
                    }
                } else if !types_only || matches!(kind, SymbolKind::Message | SymbolKind::Enum) {
                    return;
                }
            }
            scope = scope.rfind('.').map_or("", |dot| &scope[..dot]);
        }
    }
}

fn join(scope: &str, name: &str) -> String {
    crate::descriptor::join_name(scope, name)
}

/// The type references of a message body (or of a file's top level, with
/// `scope` its package), as written in the syntax tree: each is looked up
/// from the full name of the element that holds it, as protoc does while
/// building the file.
fn message_refs(l: &mut Lookups<'_, '_>, items: &[ast::MessageItem], scope: &str) {
    for item in items {
        if l.done() {
            return;
        }
        match item {
            ast::MessageItem::Field(f) => field_refs(l, f, scope),
            ast::MessageItem::Oneof(o) => {
                for i in &o.items {
                    if let ast::OneofItem::Field(f) = i {
                        field_refs(l, f, scope);
                    }
                }
            }
            ast::MessageItem::Message(m) => message_refs(l, &m.items, &join(scope, &m.name.name)),
            ast::MessageItem::Extend(x) => extend_refs(l, x, scope),
            _ => {}
        }
    }
}

fn extend_refs(l: &mut Lookups<'_, '_>, x: &ast::Extend, scope: &str) {
    let extendee = x.extendee.text();
    for i in &x.items {
        if let ast::ExtendItem::Field(f) = i {
            l.lookup(&extendee, scope, false);
            field_refs(l, f, scope);
        }
    }
}

/// A field's type: a named type, a map's value type (looked up from the
/// entry's `value` field), or a group's body (a message in `scope`).
fn field_refs(l: &mut Lookups<'_, '_>, f: &ast::Field, scope: &str) {
    match &f.ty {
        ast::FieldType::Named(t) => l.lookup(&t.as_str(), scope, true),
        // Looked up from the map entry's `value` field.
        ast::FieldType::Map { value, .. } => {
            l.lookup(&value.as_str(), &join(scope, &f.name.name), true)
        }
        ast::FieldType::Group { body, .. } => message_refs(l, body, &join(scope, &f.name.name)),
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
    let mut pending: Vec<usize> = candidates.iter().map(|&(_, d)| d).collect();
    pending.sort_unstable();
    pending.dedup();
    let mut l = Lookups { cx, pending };
    // Type references, from the syntax tree (so no spans are needed).
    let package = fd.package();
    for item in &source.ast.items {
        if l.done() {
            return;
        }
        match item {
            ast::FileItem::Message(m) => {
                message_refs(&mut l, &m.items, &join(package, &m.name.name))
            }
            ast::FileItem::Extend(x) => extend_refs(&mut l, x, package),
            ast::FileItem::Service(sv) => {
                let service = join(package, &sv.name.name);
                for i in &sv.items {
                    if let ast::ServiceItem::Method(m) = i {
                        l.lookup(&m.input.ty.as_str(), &service, false);
                        l.lookup(&m.output.ty.as_str(), &service, false);
                    }
                }
            }
            _ => {}
        }
    }
    if l.done() {
        return;
    }
    // Options: the options message itself, extensions and enum values.
    for o in options::all_options(cx) {
        if l.done() {
            return;
        }
        if o.bytes.is_empty() {
            continue;
        }
        l.find(o.message);
        let mut files: Vec<usize> = Vec::new();
        options::walk(cx, &o.bytes, o.message, 0, &mut |f, _| {
            if f.field.extendee.is_some() {
                files.extend(f.file);
            }
            files.extend(f.enum_file);
        });
        let deps = &cx.linked.schema.symbols.visible_for_options[cx.file];
        for f in files {
            if deps.contains(&f) {
                l.mark_used(f);
            }
        }
    }
    let unused = l.pending;
    for (k, d) in candidates {
        if !unused.contains(&d) {
            continue;
        }
        let imp = &source.imports[k];
        let d = Diagnostic::warning("import-unused", format!("Import {} is unused.", imp.name))
            .at(cx.name, imp.span.range(), "nothing from this file is used")
            .with_note("remove the import, or use `import public` to re-export it");
        cx.push(d);
    }
}
