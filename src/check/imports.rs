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
use crate::syntax::ast::ImportKind;

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
        let e = syms.get(name)?;
        let me = self.cx.file;
        let deps = &syms.visible_for_options[me];
        if e.kind != SymbolKind::Package && (e.file == me || deps.contains(&e.file)) {
            self.mark_used(e.file);
        }
        let (found, _) = syms.visible_entry(e, name, me, true);
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

pub(crate) fn unused(cx: &mut Cx<'_>) {
    let source = &cx.loaded.files[cx.file];
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
    // Type references, as written, each from the scope protoc looks it
    // up from.
    let refs = cx.linked.type_refs.get(cx.file);
    for (name, scope, types_only) in refs.into_iter().flat_map(|r| r.iter()) {
        if l.done() {
            return;
        }
        l.lookup(name, scope, types_only);
    }
    if l.done() {
        return;
    }
    // Options: the options message itself, extensions and enum values.
    // Each distinct options record is walked once.
    for o in options::all_options(cx).iter() {
        if l.done() {
            return;
        }
        if o.bytes.is_empty() || o.same_as.is_some() {
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
