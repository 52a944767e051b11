//! Stage 4: protoc's validation rules over linked descriptors.
//!
//! Each family of rules lives in its own file; every rule has an id (the
//! diagnostic code), a fixture under `fixtures/errors/<family>/` that makes it
//! fire and a twin that keeps it quiet.
//!
//! protoc builds one file at a time, dependencies first, in phases; later
//! phases only run when the earlier ones found no error, and we keep that
//! structure so that the same errors come out in the same order:
//!
//! 1. *build*: numbers, ranges, reserved names, empty enums, required
//!    extensions, repeated defaults ([`numbers`], [`ranges`], [`enums`],
//!    [`defaults`]);
//! 2. *cross-link*: extension numbers against the extendee, duplicate field
//!    and extension numbers, enum defaults, symbol visibility, then protoc's
//!    field-number suggestions ([`extensions`], [`numbers`], [`defaults`],
//!    [`names`]);
//! 3. *features and option targets* ([`editions`], [`options`]);
//! 4. *validation* of the file, then of every element in protoc's visiting
//!    order ([`proto3`], [`lite`], [`json_names`], [`field_options`],
//!    [`maps`], [`enums`], [`editions`], [`extensions`], [`names`]);
//! 5. unused imports, a warning ([`imports`]).
//!
//! A file whose dependency failed here is not checked further; protoc
//! reports the import instead.

mod defaults;
mod editions;
mod enums;
mod extensions;
mod features;
mod field_options;
mod getters;
mod imports;
mod json_names;
mod lite;
mod maps;
mod names;
mod numbers;
mod options;
mod proto3;
mod ranges;
mod walk;

use std::ops::Range;

use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::{Edition, FieldDescriptorProto, FileDescriptorProto};
use crate::diagnostics::Diagnostic;
use crate::link::source_info::FileSpans;
use crate::link::Linked;
use crate::load::Loaded;

pub(crate) use walk::{Elem, Item};

/// Runs every check on the linked files; returns errors and warnings.
pub fn run(loaded: &Loaded, linked: &Linked) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let defs = features::Defs::get();
    let mut is_input = vec![false; loaded.files.len()];
    for &i in &loaded.inputs {
        is_input[i] = true;
    }
    let shared = Shared::new(loaded, linked);
    // Every file is checked on its own, in parallel; the results are then
    // taken in protoc's order, where a file whose dependency failed reports
    // the import instead of its own findings.
    let checked: Vec<Option<(bool, Vec<Diagnostic>)>> = loaded
        .order
        .par_iter()
        .map(|&fi| {
            let fd = linked.files().get(fi)?;
            let mut cx = Cx::new(loaded, linked, defs, &shared, fi, fd);
            cx.check(is_input[fi]);
            Some((cx.has_errors(), cx.diags))
        })
        .collect();
    crate::trace::phase("check: files");
    let mut out = Vec::new();
    let mut failed = vec![false; loaded.files.len()];
    for (&fi, result) in loaded.order.iter().zip(checked) {
        let Some((has_errors, diags)) = result else {
            continue;
        };
        let source = &loaded.files[fi];
        // A dependency that failed here: protoc reports the import and the
        // file is not built any further.
        let mut dep_failed = false;
        for imp in &source.imports {
            if let Some(d) = imp.file {
                if failed[d] {
                    dep_failed = true;
                    out.push(
                        Diagnostic::error(
                            "import-not-found",
                            format!("Import \"{}\" was not found or had errors.", imp.name),
                        )
                        .at(
                            &source.name,
                            imp.span.range(),
                            "the imported file has errors",
                        ),
                    );
                }
            }
        }
        if dep_failed {
            failed[fi] = true;
            continue;
        }
        failed[fi] = has_errors;
        out.extend(diags);
    }
    out
}

/// Facts about the whole compilation that the checks of every file use.
pub(crate) struct Shared {
    /// Each file's position in protoc's build order.
    pub order_pos: Vec<usize>,
    /// (extendee full name without the dot, number) -> every extension of
    /// it: (file, extension full name), sorted by file then path.
    pub extensions: rustc_hash::FxHashMap<(String, i32), Vec<(usize, String)>>,
    /// Whether any file can make a symbol invisible to others: an edition
    /// 2024 (or later) file, or an explicit `export` / `local` anywhere.
    /// Without one, every type reference is visible and the visibility
    /// check has nothing to look up.
    pub visibility_rules: bool,
}

impl Shared {
    fn new(loaded: &Loaded, linked: &Linked) -> Shared {
        let mut order_pos = vec![usize::MAX; loaded.files.len()];
        for (k, &f) in loaded.order.iter().enumerate() {
            order_pos[f] = k;
        }
        let mut found: Vec<(&str, i32, usize, &[i32], String)> = Vec::new();
        for (name, e) in linked.schema.symbols.iter() {
            if e.kind != crate::descriptor::pool::SymbolKind::Extension {
                continue;
            }
            let Some(f) = linked
                .files()
                .get(e.file)
                .and_then(|fd| crate::descriptor::pool::field_at(fd, e.path))
            else {
                continue;
            };
            if let Some(x) = f.extendee.as_deref() {
                found.push((
                    x.trim_start_matches('.'),
                    f.number.unwrap_or(0),
                    e.file,
                    e.path,
                    name.to_string(),
                ));
            }
        }
        found.sort_unstable_by(|a, b| (a.2, a.3).cmp(&(b.2, b.3)));
        let mut extensions: rustc_hash::FxHashMap<(String, i32), Vec<(usize, String)>> =
            Default::default();
        for (x, n, file, _, name) in found {
            extensions
                .entry((x.to_string(), n))
                .or_default()
                .push((file, name));
        }
        let visibility_rules = linked.files().iter().any(|fd| {
            fd.edition
                .is_some_and(|e| i32::from(e) >= i32::from(Edition::EDITION_2024))
                || fd.enum_type.iter().any(|e| e.visibility.is_some())
                || fd.message_type.iter().any(has_visibility)
        });
        Shared {
            order_pos,
            extensions,
            visibility_rules,
        }
    }
}

/// Whether `m` or anything nested in it is marked `export` or `local`.
fn has_visibility(m: &crate::descriptor::DescriptorProto) -> bool {
    m.visibility.is_some()
        || m.enum_type.iter().any(|e| e.visibility.is_some())
        || m.nested_type.iter().any(has_visibility)
}

/// The checking context of one file.
pub(crate) struct Cx<'a> {
    pub loaded: &'a Loaded,
    pub linked: &'a Linked,
    pub defs: &'a features::Defs,
    pub shared: &'a Shared,
    pub file: usize,
    pub name: &'a str,
    pub source: &'a crate::load::SourceFile,
    pub fd: &'a FileDescriptorProto,
    pub spans: FileSpans<'a>,
    /// EDITION_PROTO2, EDITION_PROTO3 or the file's edition.
    pub edition: Edition,
    /// Every element in protoc's visiting order.
    pub items: Vec<Item<'a>>,
    /// Resolved features of the file and of each item.
    pub file_features: features::Resolved,
    pub item_features: Vec<features::Resolved>,
    /// protoc's requests for field-number suggestions, by message path.
    pub hints: numbers::Hints,
    pub diags: Vec<Diagnostic>,
    /// Option fields looked up so far, by options message and number.
    pub option_fields:
        std::cell::RefCell<rustc_hash::FxHashMap<(&'a str, i32), Option<options::Found<'a>>>>,
    /// Every element's options, encoded (see [`options::all_options`]).
    pub all_options: std::cell::OnceCell<std::rc::Rc<[options::ElementOptions]>>,
}

impl<'a> Cx<'a> {
    fn new(
        loaded: &'a Loaded,
        linked: &'a Linked,
        defs: &'a features::Defs,
        shared: &'a Shared,
        file: usize,
        fd: &'a FileDescriptorProto,
    ) -> Self {
        let edition = match fd.syntax.as_deref() {
            Some("proto3") => Edition::EDITION_PROTO3,
            Some("editions") => fd.edition.unwrap_or(Edition::EDITION_2023),
            _ => Edition::EDITION_PROTO2,
        };
        let items = walk::items(fd);
        let mut cx = Cx {
            loaded,
            linked,
            defs,
            shared,
            file,
            name: &loaded.files[file].name,
            source: &loaded.files[file],
            fd,
            spans: linked.spans.file(loaded, file),
            edition,
            items,
            file_features: features::Resolved::default(),
            item_features: Vec::new(),
            hints: numbers::Hints::default(),
            diags: Vec::new(),
            option_fields: Default::default(),
            all_options: Default::default(),
        };
        features::resolve_all(&mut cx);
        cx
    }

    fn check(&mut self, is_input: bool) {
        // 1. Build.
        if !numbers::build(self) {
            return;
        }
        // 2. Cross-link.
        self.cross_link();
        if self.shared.visibility_rules {
            names::cross_link(self);
        }
        numbers::suggest(self);
        if self.has_errors() {
            return;
        }
        // 3. Options: explicit map entries, features, lifetimes, targets.
        maps::explicit_map_entry(self);
        editions::resolve(self);
        if self.has_errors() {
            return;
        }
        options::validate(self);
        if self.has_errors() {
            return;
        }
        // 4. Validation.
        self.validate();
        if self.has_errors() {
            return;
        }
        // 5. Unused imports.
        if is_input {
            imports::unused(self);
        }
    }

    /// protoc's ValidateOptions, file first, then each element.
    fn validate(&mut self) {
        editions::validate_file(self);
        lite::validate_file(self);
        if self.edition == Edition::EDITION_PROTO3 {
            proto3::validate(self);
        }
        names::validate_file(self);
        for i in 0..self.items.len() {
            match self.items[i].elem {
                Elem::Message(_) => {
                    json_names::validate(self, i);
                    extensions::validate_ranges(self, i);
                    names::validate_message(self, i);
                }
                Elem::Field(..) => {
                    editions::validate_field(self, i);
                    field_options::validate(self, i);
                    extensions::validate_message_set(self, i);
                    lite::validate_field(self, i);
                    maps::validate(self, i);
                    field_options::validate_jstype(self, i);
                    extensions::validate_field(self, i);
                    names::validate_field(self, i);
                }
                Elem::Enum(_) => {
                    enums::validate(self, i);
                    names::validate_enum(self, i);
                }
                Elem::EnumValue(_) => names::validate_enum_value(self, i),
                Elem::Oneof(_) => names::validate_oneof(self, i),
                Elem::Service(_) => {
                    lite::validate_service(self, i);
                    names::validate_service(self, i);
                }
                Elem::Method(_) => names::validate_method(self, i),
                Elem::ExtensionRange(_) => {}
            }
        }
    }

    /// protoc's cross-linking order: nested messages first, then fields
    /// and extensions of each message, then the file's extensions.
    fn cross_link(&mut self) {
        let fd = self.fd;
        let pkg = fd.package().to_string();
        let mut seen = Vec::new();
        for (i, m) in fd.message_type.iter().enumerate() {
            self.cross_link_message(m, &[4, i as i32], &pkg, &mut seen);
        }
        for (i, f) in fd.extension.iter().enumerate() {
            let full = join(&pkg, f.name());
            self.cross_link_field(f, &[7, i as i32], &full, &mut seen);
        }
    }

    fn cross_link_message(
        &mut self,
        m: &'a crate::descriptor::DescriptorProto,
        p: &[i32],
        scope: &str,
        seen: &mut Vec<(String, i32, String)>,
    ) {
        let name = numbers::message_name(scope, m);
        for (i, n) in m.nested_type.iter().enumerate() {
            self.cross_link_message(n, &path(p, &[3, i as i32]), &name, seen);
        }
        for (i, f) in m.field.iter().enumerate() {
            // Only defaults and extensions have anything to cross-link.
            if f.default_value.is_none() && f.extendee.is_none() {
                continue;
            }
            let full = join(&name, f.name());
            self.cross_link_field(f, &path(p, &[2, i as i32]), &full, seen);
        }
        numbers::duplicate(self, m, p, &name);
        for (i, f) in m.extension.iter().enumerate() {
            let full = join(&name, f.name());
            self.cross_link_field(f, &path(p, &[6, i as i32]), &full, seen);
        }
    }

    fn cross_link_field(
        &mut self,
        f: &'a FieldDescriptorProto,
        p: &[i32],
        full: &str,
        seen: &mut Vec<(String, i32, String)>,
    ) {
        defaults::cross_link_field(self, f, p);
        extensions::cross_link_field(self, f, p, full, seen);
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    // ------------------------------------------------------------ spans

    /// The span recorded for `path`, if any.
    pub fn span(&self, path: &[i32]) -> Option<Range<usize>> {
        self.spans.get(path).map(|s| s.range())
    }

    /// The span of `path` + `suffix`, else of `path`, else the file start.
    pub fn at(&self, path: &[i32], suffix: &[i32]) -> Range<usize> {
        let full: Vec<i32> = path.iter().chain(suffix).copied().collect();
        self.span(&full).or_else(|| self.span(path)).unwrap_or(0..0)
    }

    /// protoc's NAME location of an element: its name token. For the file,
    /// the package statement.
    pub fn name_at(&self, path: &[i32]) -> Range<usize> {
        if path.is_empty() {
            return self.span(&[2]).unwrap_or_else(|| self.editions_at());
        }
        self.at(path, &[1])
    }

    /// protoc's TYPE location of a field: its type (keyword or name).
    pub fn type_at(&self, path: &[i32]) -> Range<usize> {
        let p5: Vec<i32> = path.iter().chain(&[5]).copied().collect();
        self.span(&p5).unwrap_or_else(|| self.at(path, &[6]))
    }

    /// protoc's EDITIONS location of the file: the syntax or edition
    /// statement.
    pub fn editions_at(&self) -> Range<usize> {
        self.span(&[12]).unwrap_or(0..0)
    }

    // ------------------------------------------------------------ reports

    pub fn error(&mut self, code: &'static str, at: Range<usize>, message: impl Into<String>) {
        let d = Diagnostic::error(code, message).at(self.name, at, "");
        self.diags.push(d);
    }

    /// Pushes a diagnostic built by the caller.
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// A diagnostic located in this file.
    pub fn diag(
        &self,
        code: &'static str,
        at: Range<usize>,
        label: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(code, message).at(self.name, at, label)
    }
}

// ------------------------------------------------------------ helpers

pub(crate) fn join(scope: &str, name: &str) -> String {
    crate::descriptor::join_name(scope, name)
}

pub(crate) fn path(base: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = Vec::with_capacity(base.len() + more.len());
    p.extend_from_slice(base);
    p.extend_from_slice(more);
    p
}

pub(crate) fn is_repeated(f: &FieldDescriptorProto) -> bool {
    f.label == Some(Label::LABEL_REPEATED)
}

/// Scalar numeric types: the ones protoc can pack.
pub(crate) fn is_packable_type(t: Option<Type>) -> bool {
    !matches!(
        t,
        None | Some(Type::TYPE_STRING | Type::TYPE_BYTES | Type::TYPE_MESSAGE | Type::TYPE_GROUP)
    )
}

/// protoc's name for an edition in messages: `2023`, `PROTO2`, …
pub(crate) fn edition_name(e: Edition) -> String {
    match crate::descriptor::types::ProtoEnum::name(e) {
        Some(n) => n.strip_prefix("EDITION_").unwrap_or(n).to_string(),
        None => e.0.to_string(),
    }
}

/// Largest field number.
pub(crate) const MAX_NUMBER: i32 = 536_870_911;
