//! The symbol table of a whole compilation: every full name, what it is,
//! which file defines it, and which files each file may see.
//!
//! The table is compact: each file's names are written one after another
//! into one string and its descriptor paths into one `Vec<i32>`, and the
//! hash table holds only (file, item) index pairs, hashed by name. For
//! googleapis (about 310,000 names) that is a few allocations per file
//! instead of three per name.

use std::collections::HashSet;
use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::descriptor::pool::SymbolKind;
use crate::descriptor::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

/// One defined name, borrowed from the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    pub kind: SymbolKind,
    pub file: usize,
    /// Descriptor path inside the file (source-info paths); empty for packages.
    pub path: &'a [i32],
}

impl Entry<'_> {
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

    fn to_site(self) -> Site {
        Site {
            kind: self.kind,
            file: self.file,
            path: self.path.to_vec(),
        }
    }
}

/// An owned copy of an [`Entry`] (kept for duplicate definitions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub kind: SymbolKind,
    pub file: usize,
    pub path: Vec<i32>,
}

impl Site {
    pub fn entry(&self) -> Entry<'_> {
        Entry {
            kind: self.kind,
            file: self.file,
            path: &self.path,
        }
    }
}

/// A name defined twice.
#[derive(Clone, Debug)]
pub struct Duplicate {
    pub name: String,
    pub first: Site,
    pub second: Site,
    /// For an enum value defined twice: the (short) name of its enum.
    pub enum_name: Option<String>,
}

/// A set of file indices.
pub type FileSet = HashSet<usize, rustc_hash::FxBuildHasher>;

/// No item: the parent of a top-level name.
const ROOT: u32 = u32::MAX;

/// One name a file defines. Only its last component is stored; the rest
/// is its parent's name, so `a.b.M.f` shares `a.b.M` with its siblings.
#[derive(Clone, Copy, Debug)]
struct Item {
    /// The item whose full name is this one's scope (`ROOT`: none).
    parent: u32,
    /// The last component, in the file's `text`.
    short: (u32, u32),
    path: (u32, u32),
    kind: SymbolKind,
    /// Whether the table holds this item (false for a later duplicate or a
    /// package another file already declared).
    in_table: bool,
    /// For an enum value: the index of its enum's item; `ROOT` otherwise.
    enum_item: u32,
}

/// The names one file defines, in protoc's order.
#[derive(Debug, Default)]
struct FileNames {
    text: String,
    paths: Vec<i32>,
    items: Vec<Item>,
    /// Each item's full-name hash; dropped once the table is built.
    hashes: Vec<u64>,
    /// [`nested_bit`] of each item not at the root; dropped once the
    /// table is built.
    nested: Vec<u32>,
}

impl FileNames {
    fn short(&self, item: u32) -> &str {
        let (s, e) = self.items[item as usize].short;
        &self.text[s as usize..e as usize]
    }

    /// Whether `item`'s full name is `name`, compared component by
    /// component from the end, up the parent chain.
    fn is_named(&self, item: u32, name: &str) -> bool {
        let text = self.text.as_bytes();
        let mut rest = name.as_bytes();
        let mut i = item as usize;
        loop {
            let Some(it) = self.items.get(i) else {
                return false;
            };
            let short = text
                .get(it.short.0 as usize..it.short.1 as usize)
                .unwrap_or(&[]);
            if it.parent == ROOT {
                return rest == short;
            }
            // `rest` must be `scope.short` with a non-empty scope.
            let Some(dot) = rest.len().checked_sub(short.len() + 1) else {
                return false;
            };
            if dot == 0 || rest[dot] != b'.' || rest[dot + 1..] != *short {
                return false;
            }
            rest = &rest[..dot];
            i = it.parent as usize;
        }
    }

    /// `item`'s full name, written into `out`.
    fn write_name(&self, item: u32, out: &mut String) {
        let mut chain = Vec::new();
        let mut i = item;
        while i != ROOT {
            chain.push(i);
            i = self.items[i as usize].parent;
        }
        for (k, &i) in chain.iter().rev().enumerate() {
            if k > 0 {
                out.push('.');
            }
            out.push_str(self.short(i));
        }
    }

    fn name(&self, item: u32) -> String {
        let mut s = String::new();
        self.write_name(item, &mut s);
        s
    }

    fn entry(&self, file: usize, item: u32) -> Entry<'_> {
        let it = &self.items[item as usize];
        Entry {
            kind: it.kind,
            file,
            path: &self.paths[it.path.0 as usize..it.path.1 as usize],
        }
    }
}

/// A name in the table, written out on demand.
#[derive(Clone, Copy)]
pub struct FullName<'a> {
    names: &'a FileNames,
    item: u32,
}

impl std::fmt::Display for FullName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.names.name(self.item))
    }
}

/// All names of a compilation.
#[derive(Debug, Default)]
pub struct Symbols {
    names: Vec<FileNames>,
    /// (file, item) of each name, hashed by the full name, in a power of
    /// two of tables by the hash ([`shard_of`]).
    table: Vec<HashTable<(u32, u32)>>,
    pub packages: Vec<String>,
    /// For each file: itself, its direct imports and whatever they re-export
    /// through `import public`.
    pub visible: Vec<FileSet>,
    /// The same plus `import option` files (and their public imports):
    /// what option names may refer to.
    pub visible_for_options: Vec<FileSet>,
    pub duplicates: Vec<Duplicate>,
    /// A one-hash Bloom filter of the short names of everything not at the
    /// root: a relative reference whose first part is not in it can only
    /// be found at the root, and scoped lookup skips the enclosing scopes
    /// (each a hash probe that misses the cache). Empty: not built, every
    /// name may be nested.
    nested_short: Vec<u64>,
}

fn hash(name: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(name)
}

/// The table, of `shards` (a power of two), of a name's hash: bits that
/// hashbrown uses neither for the slot (the low ones) nor for the tag (the
/// top seven).
fn shard_of(h: u64, shards: usize) -> usize {
    (h >> 40) as usize & (shards - 1)
}

/// One table of names while it is built.
struct Shard {
    table: HashTable<(u32, u32)>,
    /// Names not in the table: later definitions of a name.
    left_out: Vec<(u32, u32)>,
    /// The duplicates among them, with their (file, item).
    duplicates: Vec<((u32, u32), Duplicate)>,
}

/// Bits in [`Symbols::nested_short`]: 2^22, half a MiB.
const NESTED_BITS: u32 = 22;

/// Where a short name falls in [`Symbols::nested_short`].
fn nested_bit(short: &str) -> u32 {
    (hash(short) >> (64 - NESTED_BITS)) as u32
}

/// Collects the names one file defines, in protoc's order.
struct Collector {
    out: FileNames,
    /// The descriptor path of the element being walked.
    stack: Vec<i32>,
    /// The full name of the scope being walked.
    scope: String,
}

impl Collector {
    /// Adds `name` in the current scope (whose item is `parent`) at the
    /// current path plus `tail`; returns the item's index.
    fn add(&mut self, parent: u32, name: &str, kind: SymbolKind, tail: &[i32]) -> u32 {
        let scope_len = self.scope.len();
        if scope_len > 0 {
            self.scope.push('.');
        }
        self.scope.push_str(name);
        self.out.hashes.push(hash(&self.scope));
        if parent != ROOT {
            self.out.nested.push(nested_bit(name));
        }
        self.scope.truncate(scope_len);
        let out = &mut self.out;
        let start = out.text.len() as u32;
        out.text.push_str(name);
        let p0 = out.paths.len() as u32;
        out.paths.extend_from_slice(&self.stack);
        out.paths.extend_from_slice(tail);
        out.items.push(Item {
            parent,
            short: (start, out.text.len() as u32),
            path: (p0, out.paths.len() as u32),
            kind,
            in_table: true,
            enum_item: ROOT,
        });
        (out.items.len() - 1) as u32
    }

    /// Enters the scope of `name` (the current scope's child).
    fn enter(&mut self, name: &str) -> usize {
        let len = self.scope.len();
        if len > 0 {
            self.scope.push('.');
        }
        self.scope.push_str(name);
        len
    }

    fn leave(&mut self, len: usize) {
        self.scope.truncate(len);
    }

    /// The message's own item is `item`; `self.stack` is its path and
    /// `self.scope` its full name.
    fn message(&mut self, item: u32, m: &DescriptorProto) {
        for (i, f) in m.field.iter().enumerate() {
            self.add(item, f.name(), SymbolKind::Field, &[2, i as i32]);
        }
        for (i, o) in m.oneof_decl.iter().enumerate() {
            self.add(item, o.name(), SymbolKind::Oneof, &[8, i as i32]);
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            let child = self.add(item, n.name(), SymbolKind::Message, &[3, i as i32]);
            self.stack.extend([3, i as i32]);
            let len = self.enter(n.name());
            self.message(child, n);
            self.leave(len);
            self.stack.truncate(self.stack.len() - 2);
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.stack.extend([4, i as i32]);
            self.enum_(item, e);
            self.stack.truncate(self.stack.len() - 2);
        }
        for (i, x) in m.extension.iter().enumerate() {
            self.add(item, x.name(), SymbolKind::Extension, &[6, i as i32]);
        }
    }

    /// `self.stack` is the enum's path; `scope` the item of its scope.
    fn enum_(&mut self, scope: u32, e: &EnumDescriptorProto) {
        let enum_item = self.add(scope, e.name(), SymbolKind::Enum, &[]);
        for (i, v) in e.value.iter().enumerate() {
            // C++ scoping: values are siblings of their enum.
            let item = self.add(scope, v.name(), SymbolKind::EnumValue, &[2, i as i32]);
            self.out.items[item as usize].enum_item = enum_item;
        }
    }

    fn file(f: &FileDescriptorProto) -> FileNames {
        let mut c = Collector {
            out: FileNames::default(),
            stack: Vec::new(),
            scope: String::new(),
        };
        // Sized up front: growing these a step at a time, then shrinking
        // them to fit, copied each several times over.
        let mut n = Counts::default();
        n.file(f);
        c.out.text.reserve_exact(n.text);
        c.out.paths.reserve_exact(n.paths);
        c.out.items.reserve_exact(n.items);
        c.out.hashes.reserve_exact(n.items);
        c.out.nested.reserve_exact(n.items);
        let pkg = f.package();
        // The package and each of its prefixes (`a`, `a.b`, `a.b.c`).
        let mut scope = ROOT;
        if !pkg.is_empty() {
            for part in pkg.split('.') {
                scope = c.add(scope, part, SymbolKind::Package, &[]);
                c.enter(part);
            }
        }
        for (i, m) in f.message_type.iter().enumerate() {
            let item = c.add(scope, m.name(), SymbolKind::Message, &[4, i as i32]);
            c.stack.extend([4, i as i32]);
            let len = c.enter(m.name());
            c.message(item, m);
            c.leave(len);
            c.stack.clear();
        }
        for (i, e) in f.enum_type.iter().enumerate() {
            c.stack.extend([5, i as i32]);
            c.enum_(scope, e);
            c.stack.clear();
        }
        for (i, x) in f.extension.iter().enumerate() {
            c.add(scope, x.name(), SymbolKind::Extension, &[7, i as i32]);
        }
        for (i, sv) in f.service.iter().enumerate() {
            let item = c.add(scope, sv.name(), SymbolKind::Service, &[6, i as i32]);
            c.stack.extend([6, i as i32]);
            let len = c.enter(sv.name());
            for (j, m) in sv.method.iter().enumerate() {
                c.add(item, m.name(), SymbolKind::Method, &[2, j as i32]);
            }
            c.leave(len);
            c.stack.clear();
        }
        debug_assert_eq!(
            (c.out.items.len(), c.out.paths.len(), c.out.text.len()),
            (n.items, n.paths, n.text)
        );
        c.out
    }
}

/// How much one file's names take: items, path elements and name bytes,
/// counted as [`Collector`] adds them.
#[derive(Default)]
struct Counts {
    items: usize,
    paths: usize,
    text: usize,
}

impl Counts {
    fn add(&mut self, name: &str, path_len: usize) {
        self.items += 1;
        self.paths += path_len;
        self.text += name.len();
    }

    fn file(&mut self, f: &FileDescriptorProto) {
        let pkg = f.package();
        if !pkg.is_empty() {
            for part in pkg.split('.') {
                self.add(part, 0);
            }
        }
        for m in &f.message_type {
            self.add(m.name(), 2);
            self.message(m, 2);
        }
        for e in &f.enum_type {
            self.enum_(e, 2);
        }
        for x in &f.extension {
            self.add(x.name(), 2);
        }
        for sv in &f.service {
            self.add(sv.name(), 2);
            for m in &sv.method {
                self.add(m.name(), 4);
            }
        }
    }

    /// `depth`: the length of the message's own path.
    fn message(&mut self, m: &DescriptorProto, depth: usize) {
        for f in &m.field {
            self.add(f.name(), depth + 2);
        }
        for o in &m.oneof_decl {
            self.add(o.name(), depth + 2);
        }
        for n in &m.nested_type {
            self.add(n.name(), depth + 2);
            self.message(n, depth + 2);
        }
        for e in &m.enum_type {
            self.enum_(e, depth + 2);
        }
        for x in &m.extension {
            self.add(x.name(), depth + 2);
        }
    }

    fn enum_(&mut self, e: &EnumDescriptorProto, depth: usize) {
        self.add(e.name(), depth);
        for v in &e.value {
            self.add(v.name(), depth + 2);
        }
    }
}

/// Whether item `a` of `an` and item `b` of `bn` have the same full name,
/// compared part by part up both parent chains (last parts first: most
/// candidates differ there).
fn same_name(an: &FileNames, mut a: u32, bn: &FileNames, mut b: u32) -> bool {
    loop {
        let (Some(ia), Some(ib)) = (an.items.get(a as usize), bn.items.get(b as usize)) else {
            return false;
        };
        if an.short(a) != bn.short(b) {
            return false;
        }
        if ia.parent == ROOT || ib.parent == ROOT {
            return ia.parent == ib.parent;
        }
        a = ia.parent;
        b = ib.parent;
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
        let mut names: Vec<FileNames> = files.par_iter().map(Collector::file).collect();
        crate::trace::phase("symbols: collect");
        let total = names.iter().map(|n| n.items.len()).sum::<usize>();
        let hashes: Vec<Vec<u64>> = names
            .iter_mut()
            .map(|n| std::mem::take(&mut n.hashes))
            .collect();
        // One table per thread, each taking the names whose hash falls in
        // it, in file order (every table reads all the hashes). What counts
        // as the first definition of a name is the same as in one table: a
        // name has one table.
        let count = rayon::current_num_threads()
            .clamp(1, 16)
            .next_power_of_two();
        let shards: Vec<Shard> = (0..count)
            .into_par_iter()
            .map(|shard| {
                let mut out = Shard {
                    table: HashTable::with_capacity(total / count + total / (count * 8) + 16),
                    left_out: Vec::new(),
                    duplicates: Vec::new(),
                };
                for (fi, hashes) in hashes.iter().enumerate() {
                    let file = &names[fi];
                    for (ii, &h) in hashes.iter().enumerate() {
                        if shard_of(h, count) != shard {
                            continue;
                        }
                        let ii = ii as u32;
                        let found = out
                            .table
                            .find(h, |&(f, i)| same_name(&names[f as usize], i, file, ii))
                            .copied();
                        let Some((f, i)) = found else {
                            out.table.insert_unique(h, (fi as u32, ii), |&(f, i)| {
                                hash(&names[f as usize].name(i))
                            });
                            continue;
                        };
                        out.left_out.push((fi as u32, ii));
                        let item = file.items[ii as usize];
                        let first = names[f as usize].entry(f as usize, i);
                        if item.kind == SymbolKind::Package && first.kind == SymbolKind::Package {
                            continue;
                        }
                        let enum_name = (item.enum_item != ROOT)
                            .then(|| file.short(item.enum_item).to_string());
                        out.duplicates.push((
                            (fi as u32, ii),
                            Duplicate {
                                name: file.name(ii),
                                first: first.to_site(),
                                second: file.entry(fi, ii).to_site(),
                                enum_name,
                            },
                        ));
                    }
                }
                out
            })
            .collect();
        let mut table = Vec::with_capacity(count);
        let mut duplicates = Vec::new();
        for shard in shards {
            table.push(shard.table);
            for (fi, ii) in shard.left_out {
                names[fi as usize].items[ii as usize].in_table = false;
            }
            duplicates.extend(shard.duplicates);
        }
        // In file order, as found by one pass over all files.
        duplicates.sort_by_key(|(at, _)| *at);
        let duplicates = duplicates.into_iter().map(|(_, d)| d).collect();
        let mut nested_short = vec![0u64; 1 << (NESTED_BITS - 6)];
        for n in &mut names {
            for b in std::mem::take(&mut n.nested) {
                nested_short[(b >> 6) as usize] |= 1 << (b & 63);
            }
        }
        crate::trace::phase("symbols: merge");
        let mut s = Symbols {
            names,
            table,
            nested_short,
            packages: files.iter().map(|f| f.package().to_string()).collect(),
            duplicates,
            ..Default::default()
        };
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

    /// Whether something not at the root may have the short name `short`
    /// (false: certainly not).
    pub fn may_be_nested(&self, short: &str) -> bool {
        if self.nested_short.is_empty() {
            return true;
        }
        let b = nested_bit(short);
        self.nested_short[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }

    /// The definition of a full name (no leading dot), whoever may see it.
    pub fn get(&self, name: &str) -> Option<Entry<'_>> {
        let h = hash(name);
        let table = self.table.get(shard_of(h, self.table.len().max(1)))?;
        let &(f, i) = table.find(h, |&(f, i)| self.names[f as usize].is_named(i, name))?;
        Some(self.names[f as usize].entry(f as usize, i))
    }

    /// Every name in the table with its definition, in file order and
    /// protoc's order within a file.
    pub fn iter(&self) -> impl Iterator<Item = (FullName<'_>, Entry<'_>)> + '_ {
        self.names.iter().enumerate().flat_map(|(fi, n)| {
            n.items
                .iter()
                .enumerate()
                .filter(|(_, it)| it.in_table)
                .map(move |(ii, _)| {
                    let item = ii as u32;
                    (FullName { names: n, item }, n.entry(fi, item))
                })
        })
    }

    /// How many names the table holds.
    pub fn len(&self) -> usize {
        self.table.iter().map(HashTable::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// protoc's FindSymbol: the entry if `from` may see it. The second value
    /// names the file that defines a symbol `from` could not see.
    pub fn find(
        &self,
        name: &str,
        from: usize,
        for_options: bool,
    ) -> (Option<Entry<'_>>, Option<usize>) {
        match self.get(name) {
            Some(e) => self.visible_entry(e, name, from, for_options),
            None => (None, None),
        }
    }

    /// [`find`](Self::find) for the entry `get(name)` gave.
    pub fn visible_entry<'s>(
        &self,
        e: Entry<'s>,
        name: &str,
        from: usize,
        for_options: bool,
    ) -> (Option<Entry<'s>>, Option<usize>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> FileDescriptorProto {
        let r = crate::syntax::parser::parse_with("t.proto", text, false);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        super::super::lower::lower_parsed(
            "t.proto",
            text,
            &r.file,
            crate::link::source_info::LocationForm::None,
        )
        .proto
    }

    fn table(texts: &[&str]) -> Symbols {
        let files: Vec<_> = texts.iter().map(|t| file(t)).collect();
        let none = vec![Vec::new(); files.len()];
        Symbols::build(&files, &none, &none)
    }

    #[test]
    fn nested_short_names_filter_scoped_lookups() {
        let s = table(&[
            "syntax = \"proto3\"; package top.mid; message Outer { message Inner { int32 leaf = 1; } enum E { V = 0; } }",
        ]);
        // Everything below the root may be nested; a root-only name (the
        // package's first part) and names never defined are not (barring a
        // Bloom false positive, which only costs the full search).
        for n in ["mid", "Outer", "Inner", "leaf", "E", "V"] {
            assert!(s.may_be_nested(n), "{n}");
        }
        let absent = ["top", "google", "nothing_here", "Zz"];
        assert!(absent.iter().filter(|n| s.may_be_nested(n)).count() <= 1);
        assert!(Symbols::default().may_be_nested("anything"));
    }

    #[test]
    fn names_kinds_and_paths_in_protoc_order() {
        let s = table(&["syntax = \"proto3\"; package a.b;
             message M {
               int32 x = 1;
               oneof o { int32 y = 2; }
               message N { string z = 1; }
               enum E { E0 = 0; }
             }
             enum F { F0 = 0; F1 = 1; }
             service S { rpc R(M) returns (M); }"]);
        let got: Vec<(String, SymbolKind, Vec<i32>)> = s
            .iter()
            .map(|(n, e)| (n.to_string(), e.kind, e.path.to_vec()))
            .collect();
        use SymbolKind::*;
        let want: Vec<(&str, SymbolKind, Vec<i32>)> = vec![
            ("a", Package, vec![]),
            ("a.b", Package, vec![]),
            ("a.b.M", Message, vec![4, 0]),
            ("a.b.M.x", Field, vec![4, 0, 2, 0]),
            ("a.b.M.y", Field, vec![4, 0, 2, 1]),
            ("a.b.M.o", Oneof, vec![4, 0, 8, 0]),
            ("a.b.M.N", Message, vec![4, 0, 3, 0]),
            ("a.b.M.N.z", Field, vec![4, 0, 3, 0, 2, 0]),
            ("a.b.M.E", Enum, vec![4, 0, 4, 0]),
            ("a.b.M.E0", EnumValue, vec![4, 0, 4, 0, 2, 0]),
            ("a.b.F", Enum, vec![5, 0]),
            ("a.b.F0", EnumValue, vec![5, 0, 2, 0]),
            ("a.b.F1", EnumValue, vec![5, 0, 2, 1]),
            ("a.b.S", Service, vec![6, 0]),
            ("a.b.S.R", Method, vec![6, 0, 2, 0]),
        ];
        let want: Vec<_> = want
            .into_iter()
            .map(|(n, k, p)| (n.to_string(), k, p))
            .collect();
        assert_eq!(got, want);
        assert_eq!(s.len(), 15);
        for (n, _, p) in &want {
            assert_eq!(s.get(n).map(|e| e.path.to_vec()), Some(p.clone()), "{n}");
        }
        assert_eq!(s.get("a.b.M.E.E0"), None);
        assert_eq!(s.get("b"), None);
        assert!(s.duplicates.is_empty());
    }

    #[test]
    fn tables_per_thread_give_what_one_table_gives() {
        // Many names, and duplicates across files (`D`, the enum value
        // `X`) and within one (`M3.N`), spread over every table.
        let texts: Vec<String> = (0..24)
            .map(|i| {
                let extra = if i == 3 {
                    "message N {} message N {}"
                } else {
                    ""
                };
                format!(
                    "syntax = \"proto3\"; package p.q{};\n\
                     message M{i} {{ message N {{}} {extra} }}\n\
                     message D {{}} enum E{i} {{ E{i}_ZERO = 0; X = 1; }}\n",
                    i % 3
                )
            })
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let build = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| table(&texts))
        };
        let one = build(1);
        assert_eq!(one.table.len(), 1);
        assert!(one.duplicates.len() > 40, "{}", one.duplicates.len());
        let names = |s: &Symbols| -> Vec<String> {
            s.iter()
                .map(|(n, e)| format!("{n} {} {:?}", e.file, e.path))
                .collect()
        };
        for threads in [2, 3, 8] {
            let s = build(threads);
            assert_eq!(s.table.len(), threads.next_power_of_two());
            assert_eq!(s.len(), one.len());
            assert_eq!(names(&s), names(&one));
            assert_eq!(
                format!("{:?}", s.duplicates),
                format!("{:?}", one.duplicates)
            );
            for n in names(&one) {
                let name = n.split(' ').next().unwrap();
                assert_eq!(s.get(name).map(|e| e.file), one.get(name).map(|e| e.file));
            }
        }
    }

    #[test]
    fn the_first_definition_wins_and_later_ones_are_duplicates() {
        let s = table(&[
            "syntax = \"proto3\"; package p; message M {} enum E { V = 0; }",
            "syntax = \"proto3\"; package p.M; enum G { V = 0; }",
            "syntax = \"proto3\"; package p; enum H { V = 0; }",
        ]);
        let m = s.get("p.M").expect("p.M");
        assert_eq!((m.kind, m.file), (SymbolKind::Message, 0));
        assert_eq!(s.get("p").map(|e| e.file), Some(0));
        let dups: Vec<_> = s
            .duplicates
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.first.kind,
                    d.first.file,
                    d.second.kind,
                    d.second.file,
                    d.enum_name.as_deref(),
                )
            })
            .collect();
        use SymbolKind::*;
        assert_eq!(
            dups,
            vec![
                ("p.M", Message, 0, Package, 1, None),
                ("p.V", EnumValue, 0, EnumValue, 2, Some("H")),
            ]
        );
        // The table keeps the first definition of each name.
        assert_eq!(s.get("p.M.V").map(|e| e.file), Some(1));
        assert_eq!(
            s.get("p.V").map(|e| e.path.to_vec()),
            Some(vec![5, 0, 2, 0])
        );
    }
}
