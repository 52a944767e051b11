//! Stage 3: from syntax trees to linked descriptors.
//!
//! `lower` turns each file into the descriptor protoc's parser would build;
//! `symbols` and `resolve` bind every type reference; `options` interprets
//! option statements against `schema`; `finish` produces what protoc writes
//! in default mode (canonical option order, source-retention options
//! stripped) or with `--retain_options`.

pub mod dynamic;
pub mod features;
pub mod finish;
pub mod lower;
pub mod options;
mod recent;
pub mod refs;
pub mod resolve;
pub mod schema;
pub mod source_info;
pub mod symbols;

use rayon::prelude::*;

use self::lower::{OptionsKind, PendingOption};
use self::options::{Interpreted, Interpreter};
use self::refs::TypeRefs;
use self::schema::{Combined, SchemaData};
use self::source_info::{LazySpans, LocationForm};
use self::symbols::Symbols;
use crate::descriptor::FileDescriptorProto;
use crate::diagnostics::Diagnostic;
use crate::load::Loaded;
use crate::syntax::ast::ImportKind;

/// Every loaded file, linked.
pub struct Linked {
    /// Files (indexed like `Loaded::files`), symbols and encoding facts.
    pub schema: SchemaData,
    /// Each file's descriptor paths to byte spans, made when asked for.
    pub spans: LazySpans,
    pub diagnostics: Vec<Diagnostic>,
    /// Each file's type references as written, for the unused-import check.
    pub type_refs: Vec<TypeRefs>,
}

impl Linked {
    pub fn files(&self) -> &[FileDescriptorProto] {
        &self.schema.files
    }

    pub fn combined(&self) -> Combined<'_> {
        Combined::new(&self.schema, schema::builtin())
    }
}

/// Lowers and resolves the files of `loaded` (no option interpretation):
/// enough to serve as a schema.
pub fn lower_and_resolve(loaded: &Loaded) -> SchemaData {
    let lowered = loaded
        .files
        .par_iter()
        .map(|f| lower::lower_with(f, false))
        .collect();
    let (schema, _, _, _, _) = lower_resolve(loaded, lowered);
    schema
}

type Pending = Vec<lower::Pending>;
/// One file's interpreted options (element path, kind, records) and diagnostics.
type FileOptionsResult = (Vec<(Vec<i32>, OptionsKind, Interpreted)>, Vec<Diagnostic>);

fn lower_resolve(
    loaded: &Loaded,
    lowered: Vec<lower::Lowered>,
) -> (
    SchemaData,
    LazySpans,
    Pending,
    Vec<Diagnostic>,
    Vec<TypeRefs>,
) {
    crate::trace::phase("lower");
    let mut files = Vec::with_capacity(lowered.len());
    let spans = LazySpans::new(lowered.len());
    let mut pending = Vec::with_capacity(lowered.len());
    let mut type_refs = Vec::with_capacity(lowered.len());
    let mut flags = Vec::with_capacity(lowered.len());
    let mut diags = Vec::new();
    for l in lowered {
        files.push(l.proto);
        pending.push(l.options);
        flags.push(l.flags);
        diags.extend(l.diagnostics);
        type_refs.push(l.refs);
    }
    let deps: Vec<Vec<Option<usize>>> = loaded
        .files
        .iter()
        .map(|f| {
            f.imports
                .iter()
                .filter(|i| i.kind != ImportKind::Option)
                .map(|i| i.file)
                .collect()
        })
        .collect();
    let option_deps: Vec<Vec<Option<usize>>> = loaded
        .files
        .iter()
        .map(|f| {
            f.imports
                .iter()
                .filter(|i| i.kind == ImportKind::Option)
                .map(|i| i.file)
                .collect()
        })
        .collect();
    let symbols = Symbols::build(&files, &deps, &option_deps);
    crate::trace::phase("symbols: visibility");
    let names: Vec<String> = loaded.files.iter().map(|f| f.name.clone()).collect();
    for d in &symbols.duplicates {
        diags.extend(duplicate_diagnostics(d, &names, &spans, loaded, &files));
    }
    diags.extend(resolve::resolve_all(
        &mut files, &symbols, &names, &spans, loaded,
    ));
    crate::trace::phase("resolve");
    let schema = SchemaData::new(files, symbols, flags);
    crate::trace::phase("schema data");
    (schema, spans, pending, diags, type_refs)
}

/// protoc's report of a name defined twice, at the second definition's name.
fn duplicate_diagnostics(
    d: &symbols::Duplicate,
    names: &[String],
    spans: &LazySpans,
    loaded: &Loaded,
    files: &[FileDescriptorProto],
) -> Vec<Diagnostic> {
    use crate::descriptor::pool::{message_at, SymbolKind};
    let name_span = |e: &symbols::Site| {
        let s = spans.file(loaded, e.file);
        s.get(&[&e.path[..], &[1]].concat())
            .or_else(|| s.get(&e.path))
    };
    let here = &names[d.second.file];
    let span = name_span(&d.second);
    // A map's entry message has no place in the source: protoc names only
    // the file, then blames the map's message.
    let is_map_entry = |e: &symbols::Site| {
        e.kind == SymbolKind::Message
            && message_at(&files[e.file], &e.path)
                .and_then(|m| m.options.as_ref())
                .and_then(|o| o.map_entry)
                .unwrap_or(false)
    };
    let (scope, short) = match d.name.rsplit_once('.') {
        Some((scope, short)) => (scope, short),
        None => ("", d.name.as_str()),
    };
    let message = if d.first.file != d.second.file {
        if d.first.kind == SymbolKind::Package {
            format!(
                "\"{}\" is already defined (as something other than a package) in file \"{}\".",
                d.name, names[d.first.file]
            )
        } else {
            format!(
                "\"{}\" is already defined in file \"{}\".",
                d.name, names[d.first.file]
            )
        }
    } else if scope.is_empty() {
        format!("\"{short}\" is already defined.")
    } else {
        format!("\"{short}\" is already defined in \"{scope}\".")
    };
    let mut first = Diagnostic::error("duplicate-symbol", message.clone());
    if let Some(span) = span {
        first = first.at(here, span.range(), "defined again here");
    } else {
        first.message = format!("{here}: {message}");
    }
    if let Some(s) = name_span(&d.first) {
        first = first.with_secondary(&names[d.first.file], s.range(), "first defined here");
    }
    let mut out = vec![first];
    let entry = [&d.second, &d.first].into_iter().find(|e| is_map_entry(e));
    if let Some(entry) = entry {
        let other = if std::ptr::eq(entry, &d.second) {
            &d.first
        } else {
            &d.second
        };
        let parent = &entry.path[..entry.path.len().saturating_sub(2)];
        let at = spans
            .file(loaded, entry.file)
            .get(&[parent, &[1]].concat())
            .unwrap_or_default();
        let what = match other.kind {
            SymbolKind::Field => "field",
            SymbolKind::Enum => "enum",
            SymbolKind::Oneof => "oneof",
            SymbolKind::Extension => "extension",
            _ => "nested message type",
        };
        out.push(
            Diagnostic::error(
                "map-entry-conflict",
                format!("Expanded map entry type {short} conflicts with an existing {what}."),
            )
            .at(&names[entry.file], at.range(), ""),
        );
    }
    if d.second.kind == SymbolKind::EnumValue && d.first.file == d.second.file {
        out.push(Diagnostic::error(
            "enum-value-scope",
            format!(
                "Note that enum values use C++ scoping rules, meaning that enum values are siblings of their type, not \
                 children of it.  Therefore, \"{short}\" must be unique within \"{scope}\", not just within \"{}\".",
                d.enum_name.as_deref().unwrap_or("")
            ),
        )
        .at(here, span.unwrap_or_default().range(), ""));
    }
    out
}

/// The full name of the element of `fd` at `path` that carries options;
/// option names are looked up relative to it. The file itself gives its
/// package plus a placeholder, so that lookups start in the package; an
/// extension range gives its message's name, an enum value is named in
/// its enum's scope. `None` for a path that names no such element.
fn element_name(fd: &FileDescriptorProto, path: &[i32]) -> Option<String> {
    use crate::descriptor::EnumDescriptorProto;
    fn push(name: &mut String, part: &str) {
        if !name.is_empty() {
            name.push('.');
        }
        name.push_str(part);
    }
    fn at<T>(v: &[T], i: i32) -> Option<&T> {
        v.get(usize::try_from(i).ok()?)
    }
    fn en(mut name: String, e: &EnumDescriptorProto, rest: &[i32]) -> Option<String> {
        match rest {
            [] => push(&mut name, e.name()),
            [2, v] => push(&mut name, at(&e.value, *v)?.name()),
            _ => return None,
        }
        Some(name)
    }
    let mut name = fd.package().to_string();
    match path {
        [] => push(&mut name, "_"),
        [5, i, rest @ ..] => return en(name, at(&fd.enum_type, *i)?, rest),
        [7, i] => push(&mut name, at(&fd.extension, *i)?.name()),
        [6, i, rest @ ..] => {
            let s = at(&fd.service, *i)?;
            push(&mut name, s.name());
            match rest {
                [] => {}
                [2, j] => push(&mut name, at(&s.method, *j)?.name()),
                _ => return None,
            }
        }
        [4, i, rest @ ..] => {
            let mut m = at(&fd.message_type, *i)?;
            push(&mut name, m.name());
            let mut rest = rest;
            loop {
                match rest {
                    [] | [5, _] => break,
                    [3, j, tail @ ..] => {
                        m = at(&m.nested_type, *j)?;
                        push(&mut name, m.name());
                        rest = tail;
                    }
                    [4, k, tail @ ..] => return en(name, at(&m.enum_type, *k)?, tail),
                    [2, k] => {
                        push(&mut name, at(&m.field, *k)?.name());
                        break;
                    }
                    [6, k] => {
                        push(&mut name, at(&m.extension, *k)?.name());
                        break;
                    }
                    [8, k] => {
                        push(&mut name, at(&m.oneof_decl, *k)?.name());
                        break;
                    }
                    _ => return None,
                }
            }
        }
        _ => return None,
    }
    Some(name)
}

/// Links every file of `loaded`: lower, resolve, interpret options.
pub fn link(loaded: &Loaded) -> Linked {
    let lowered = loaded
        .files
        .par_iter()
        .map(|f| lower::lower_with(f, true))
        .collect();
    link_lowered(loaded, lowered)
}

/// Like [`link`]; without `source_info` the files carry no source locations
/// (cheaper when nobody asked for them). Files the loader has already
/// lowered ([`LoadOptions::lower`]) are taken as they are. Each file's
/// syntax tree is released once it is lowered
/// ([`SourceFile::release_ast`]): on a large set the trees are nearly half
/// of the peak memory, and nothing after lowering needs them but the rare
/// diagnostic, which parses again.
///
/// [`LoadOptions::lower`]: crate::load::LoadOptions::lower
/// [`SourceFile::release_ast`]: crate::load::SourceFile::release_ast
pub fn link_with(loaded: &mut Loaded, source_info: bool) -> Linked {
    let lowered = loaded
        .files
        .par_iter_mut()
        .map(|f| {
            let l = match f.lowered.take() {
                Some(l) if (l.locations != LocationForm::None) == source_info => l,
                _ => lower::lower_with(f, source_info),
            };
            f.release_ast();
            l
        })
        .collect();
    link_lowered(loaded, lowered)
}

fn link_lowered(loaded: &Loaded, lowered: Vec<lower::Lowered>) -> Linked {
    let (mut schema, spans, pending, mut diagnostics, type_refs) = lower_resolve(loaded, lowered);
    let names: Vec<String> = loaded.files.iter().map(|f| f.name.clone()).collect();
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let builtin = schema::builtin();
        // Each file's statements are freed as soon as they are interpreted.
        let results: Vec<FileOptionsResult> = pending
            .into_par_iter()
            .enumerate()
            .map(|(fi, statements)| {
                let mut it = Interpreter {
                    schema: Combined::new(&schema, builtin),
                    file: fi,
                    file_name: &names[fi],
                    snippets: &statements.snippets,
                    diags: Vec::new(),
                    recent_extensions: Default::default(),
                };
                // Statements grouped by element, in order of first appearance.
                type Opts<'o> = smallvec::SmallVec<[&'o PendingOption; 2]>;
                let mut groups: Vec<(Vec<i32>, OptionsKind, Opts<'_>)> = Vec::new();
                let mut group_of: rustc_hash::FxHashMap<(&[i32], OptionsKind), usize> =
                    Default::default();
                for (target, o) in statements.iter() {
                    match group_of.get(&(target, o.kind)) {
                        Some(&g) => groups[g].2.push(o),
                        None => {
                            group_of.insert((target, o.kind), groups.len());
                            groups.push((target.to_vec(), o.kind, smallvec::smallvec![o]));
                        }
                    }
                }
                let fd = &schema.files[fi];
                let out = groups
                    .into_iter()
                    .map(|(target, kind, opts)| {
                        let scope = element_name(fd, &target).unwrap_or_default();
                        let r = it.interpret(kind, &scope, &target, &opts);
                        (target, kind, r)
                    })
                    .collect();
                (out, it.diags)
            })
            .collect();
        crate::trace::phase("interpret options");
        let mut per_file = Vec::with_capacity(results.len());
        for (interpreted, diags) in results {
            diagnostics.extend(diags);
            per_file.push(interpreted);
        }
        schema
            .files
            .par_iter_mut()
            .zip(per_file)
            .for_each(|(fd, interpreted)| {
                // The option locations' paths, set all at once: locations
                // in wire form are walked once per call.
                let mut paths = Vec::new();
                for (target, kind, r) in interpreted {
                    finish::apply_records(fd, &target, kind, &r.records);
                    paths.extend(r.paths);
                }
                if let Some(info) = fd.source_code_info.as_mut() {
                    info.set_paths(paths);
                }
            });
    }
    crate::trace::phase("apply options");
    Linked {
        schema,
        spans,
        diagnostics,
        type_refs,
    }
}
