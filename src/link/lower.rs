//! Lowering: one syntax tree to the `FileDescriptorProto` protoc's parser
//! would produce for it, before any name is resolved or option interpreted.
//!
//! What comes out, and what is left to the linker:
//!
//! * Names, numbers, labels, nested structure, map entries, groups, oneofs
//!   (synthetic ones for proto3 `optional` included), ranges, reserved names,
//!   `json_name` (explicit, or computed from the field name as protoc's
//!   descriptor output always carries it) and visibility are final.
//! * `type` is set for scalar keyword types and groups; named types have only
//!   `type_name`, as written (no leading-dot resolution). `extendee`,
//!   `input_type` and `output_type` are as written.
//! * `default_value` is final for scalar keyword types (formatted as protoc
//!   writes it: `%.15g`/`%.17g` doubles, `%.6g`/`%.9g` floats, decimal ints,
//!   C-escaped bytes). For named types it holds the token text as written
//!   (protoc's parser stores exactly that); the linker must check it against
//!   the resolved enum (an enum value name) or reject it for messages.
//! * Options: an (empty) options message exists wherever protoc's parser
//!   creates one; the option statements themselves are in
//!   [`Lowered::options`], to be interpreted by the linker. `map_entry` is the
//!   only option already set.
//! * Source code info holds every location protoc's parser records, in its
//!   order. An option statement or `[…]` entry is recorded once, at
//!   `[…target, <options field>, 999, i]`, where `i` counts the options of
//!   that element; protoc's parser also records sub-locations for the option
//!   name parts and value, but option interpretation always deletes those, so
//!   they are not produced here. The linker rewrites the placeholder path to
//!   the interpreted option's path, as protoc's option interpreter does.

use compact_str::CompactString;
use std::collections::HashSet;

use super::refs::TypeRefs;
use super::schema::{FileFlags, Flags};
use super::source_info::{LocationForm, SourceInfoBuilder, SpanMap};
use crate::descriptor::field_descriptor_proto::{Label as FLabel, Type};
use crate::descriptor::{
    descriptor_proto, enum_descriptor_proto, DescriptorProto, Edition, EnumDescriptorProto,
    EnumValueDescriptorProto, FieldDescriptorProto, FileDescriptorProto, MessageOptions,
    MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto, SymbolVisibility,
};
use crate::diagnostics::Diagnostic;
use crate::load::SourceFile;
use crate::syntax::ast::{
    self, EnumItem, ExtendItem, FieldType, FileItem, ImportKind, IntLit, Label, MessageItem,
    MethodItem, OneofItem, OptionDecl, OptionValue, RangeEnd, Reserved, ReservedName, ServiceItem,
    Span, SyntaxKind, Visibility,
};

/// Which options message an option statement belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptionsKind {
    File,
    Message,
    Field,
    Oneof,
    Enum,
    EnumValue,
    Service,
    Method,
    ExtensionRange,
}

impl OptionsKind {
    /// The field number of `options` in the element's descriptor message.
    pub fn options_field_number(self) -> i32 {
        match self {
            OptionsKind::File | OptionsKind::Field => 8,
            OptionsKind::Message => 7,
            OptionsKind::Oneof => 2,
            OptionsKind::ExtensionRange => 3,
            OptionsKind::Enum | OptionsKind::EnumValue | OptionsKind::Service => 3,
            OptionsKind::Method => 4,
        }
    }
}

/// An option statement (or `[…]` entry) waiting to be interpreted.
#[derive(Clone, Debug)]
pub struct PendingOption {
    /// Where [`Pending::target`] finds the descriptor path of the element
    /// that owns the options.
    target: u32,
    pub kind: OptionsKind,
    /// The name as written, without spaces or comments: parts joined by
    /// dots, extension parts in parentheses (`(google.api.http).get`).
    pub name: CompactString,
    pub name_span: Span,
    /// The value. An aggregate keeps only its span: its text is parsed
    /// again when the option is interpreted, so that no text-format tree
    /// waits in memory for the whole compilation.
    pub value: PendingValue,
    /// Index into `proto.source_code_info.location` of the location recorded
    /// for this option (path `[..target, options field, 999, i]`). `None` for
    /// options protoc copies without a location (a map field's `features` and
    /// `enforce_utf8`, copied to the entry's key and value fields).
    pub location_index: Option<u32>,
}

impl PendingOption {
    /// A compact copy of an option statement, taken before the syntax tree
    /// is freed.
    fn new(
        target: u32,
        kind: OptionsKind,
        decl: &OptionDecl,
        location_index: Option<usize>,
    ) -> PendingOption {
        let len = decl.name.parts.iter().flat_map(|p| &p.name.parts);
        // Most names fit inline (24 bytes): no allocation.
        let mut name = CompactString::with_capacity(len.map(|i| i.name.len() + 3).sum());
        for (i, p) in decl.name.parts.iter().enumerate() {
            if i > 0 {
                name.push('.');
            }
            if p.is_extension {
                name.push('(');
            }
            if p.name.absolute {
                name.push('.');
            }
            for (j, part) in p.name.parts.iter().enumerate() {
                if j > 0 {
                    name.push('.');
                }
                name.push_str(&part.name);
            }
            if p.is_extension {
                name.push(')');
            }
        }
        let value = match &decl.value {
            OptionValue::Ident {
                negative,
                ident,
                span,
            } => PendingValue::Ident {
                negative: *negative,
                name: ident.name.clone(),
                name_span: ident.span,
                span: *span,
            },
            OptionValue::Int(i) => PendingValue::Int(i.clone()),
            OptionValue::Float { value, span } => PendingValue::Float {
                value: *value,
                span: *span,
            },
            OptionValue::Str(s) => PendingValue::Str {
                value: s.value.as_slice().into(),
                span: s.span,
            },
            OptionValue::Aggregate(a) => PendingValue::Aggregate(a.span),
        };
        PendingOption {
            target,
            kind,
            name,
            name_span: decl.name.span,
            value,
            // Without source info the builder records no location and
            // answers `usize::MAX`: there is no path to fix up later.
            location_index: location_index
                .filter(|&i| i != usize::MAX)
                .and_then(|i| u32::try_from(i).ok()),
        }
    }

    /// The parts of the name: each part's (dotted) name and whether it is
    /// an extension, `(…)`.
    pub fn name_parts(&self) -> impl Iterator<Item = (&str, bool)> + '_ {
        let mut rest = &*self.name;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let len = part_len(rest);
            let part = &rest[..len];
            rest = &rest[len..];
            rest = rest.strip_prefix('.').unwrap_or(rest);
            match part.strip_prefix('(') {
                Some(inner) => Some((inner.strip_suffix(')').unwrap_or(inner), true)),
                None => Some((part, false)),
            }
        })
    }

    /// The first `n` parts of the name as written.
    pub fn name_upto(&self, n: usize) -> &str {
        let mut end = 0;
        for i in 0..n {
            if i > 0 && self.name[end..].starts_with('.') {
                end += 1;
            }
            end += part_len(&self.name[end..]);
        }
        &self.name[..end]
    }
}

/// An option value kept compactly until it is interpreted.
#[derive(Clone, Debug, PartialEq)]
pub enum PendingValue {
    Ident {
        negative: bool,
        name: CompactString,
        name_span: Span,
        span: Span,
    },
    Int(ast::IntLit),
    Float {
        value: f64,
        span: Span,
    },
    Str {
        value: Box<[u8]>,
        span: Span,
    },
    /// Only the span (braces included): the text is parsed again.
    Aggregate(Span),
}

impl PendingValue {
    /// The value as the syntax tree had it; an aggregate comes back with
    /// no fields parsed.
    pub fn to_value(&self) -> OptionValue {
        match self {
            PendingValue::Ident {
                negative,
                name,
                name_span,
                span,
            } => OptionValue::Ident {
                negative: *negative,
                ident: ast::Ident {
                    name: name.clone(),
                    span: *name_span,
                },
                span: *span,
            },
            PendingValue::Int(i) => OptionValue::Int(i.clone()),
            PendingValue::Float { value, span } => OptionValue::Float {
                value: *value,
                span: *span,
            },
            PendingValue::Str { value, span } => OptionValue::Str(ast::StrLit {
                value: value.to_vec(),
                span: *span,
            }),
            PendingValue::Aggregate(span) => OptionValue::Aggregate(ast::Aggregate {
                span: *span,
                fields: Vec::new(),
                errors: Vec::new(),
            }),
        }
    }
}

/// The pieces of a file's text that its pending options still need once
/// the text itself may be gone: aggregate values and integers too large for
/// u64, each with its offset in the file.
#[derive(Clone, Debug, Default)]
pub struct Snippets {
    /// (offset, text), by offset.
    pieces: Vec<(u32, Box<str>)>,
}

impl Snippets {
    fn add(&mut self, text: &str, span: Span) {
        let Some(piece) = text.get(span.range()) else {
            return;
        };
        let at = self.pieces.partition_point(|p| p.0 <= span.start);
        if at > 0 && self.pieces[at - 1].0 == span.start {
            return;
        }
        self.pieces.insert(at, (span.start, piece.into()));
    }

    /// The text under `range` (offsets in the file), when one piece holds
    /// all of it.
    pub fn get(&self, range: std::ops::Range<usize>) -> Option<&str> {
        let at = self.pieces.partition_point(|p| p.0 as usize <= range.start);
        let (start, piece) = self.pieces.get(at.checked_sub(1)?)?;
        let start = *start as usize;
        piece.get(range.start - start..range.end.checked_sub(start)?)
    }
}

/// One file's pending options, with the descriptor paths of their
/// elements written once each into a shared list.
#[derive(Clone, Debug, Default)]
pub struct Pending {
    pub list: Vec<PendingOption>,
    /// The text the options' values still need.
    pub snippets: Snippets,
    /// Each target path as its length followed by its elements; options of
    /// one element in a row share one entry.
    targets: Vec<i32>,
}

impl Pending {
    fn push(
        &mut self,
        text: &str,
        target: &[i32],
        kind: OptionsKind,
        decl: &OptionDecl,
        location_index: Option<usize>,
    ) {
        match &decl.value {
            OptionValue::Aggregate(a) => self.snippets.add(text, a.span),
            OptionValue::Int(i) if i.value.is_none() => self.snippets.add(text, i.span),
            _ => {}
        }
        let last = self.list.last().map(|o| o.target);
        let at = match last {
            Some(at) if self.target_at(at) == target => at,
            _ => {
                let at = self.targets.len() as u32;
                self.targets.push(target.len() as i32);
                self.targets.extend_from_slice(target);
                at
            }
        };
        self.list
            .push(PendingOption::new(at, kind, decl, location_index));
    }

    fn target_at(&self, at: u32) -> &[i32] {
        let at = at as usize;
        let len = self.targets.get(at).copied().unwrap_or(0) as usize;
        self.targets.get(at + 1..at + 1 + len).unwrap_or(&[])
    }

    /// Descriptor path of the element that owns `o`'s options: `[]` for the
    /// file, `[4, 0]` for message 0, `[4, 0, 2, 1]` for its field 1, …
    pub fn target(&self, o: &PendingOption) -> &[i32] {
        self.target_at(o.target)
    }

    /// Each option with its target, in source order.
    pub fn iter(&self) -> impl Iterator<Item = (&[i32], &PendingOption)> + '_ {
        self.list.iter().map(|o| (self.target(o), o))
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn shrink_to_fit(&mut self) {
        self.list.shrink_to_fit();
        self.targets.shrink_to_fit();
    }
}

/// The length of the first part of a joined option name: up to the next
/// dot, or the whole `(…)` of an extension.
fn part_len(name: &str) -> usize {
    if name.starts_with('(') {
        name.find(')').map_or(name.len(), |c| c + 1)
    } else {
        name.find('.').unwrap_or(name.len())
    }
}

/// The result of lowering one file.
#[derive(Debug)]
pub struct Lowered {
    /// The descriptor; `source_code_info` is always filled.
    pub proto: FileDescriptorProto,
    /// Descriptor path to the byte span of that element (the first location
    /// recorded under the path); empty unless asked for.
    pub spans: SpanMap,
    /// Every option statement and `[…]` entry, in source order (options
    /// copied to map entry fields follow their map field's options).
    pub options: Pending,
    /// The encoding-relevant settings among those options, by element.
    pub flags: FileFlags,
    pub diagnostics: Vec<Diagnostic>,
    /// The type references, for the unused-import check (made by
    /// [`lower_with`] and [`lower_parsed`] only).
    pub refs: TypeRefs,
    /// The form of the locations in `proto.source_code_info`.
    pub locations: LocationForm,
}

/// Lowers one parsed file, with source locations and the span map.
pub fn lower(file: &SourceFile) -> Lowered {
    file.with_ast(|ast| lower_recording(&file.name, file.text(), ast, LocationForm::Structs, true))
}

/// Lowers one parsed file; without `source_info`, `proto.source_code_info`
/// holds no locations. The span map is left empty: [`lower_spans`] makes it
/// when a diagnostic needs it. Also gives the file's type references.
pub fn lower_with(file: &SourceFile, source_info: bool) -> Lowered {
    let form = if source_info {
        LocationForm::Structs
    } else {
        LocationForm::None
    };
    file.with_ast(|ast| lower_parsed(&file.name, file.text(), ast, form))
}

/// [`lower_with`] for a tree not (yet) in a [`SourceFile`], with the
/// locations in the form given.
pub fn lower_parsed(name: &str, text: &str, ast: &ast::File, form: LocationForm) -> Lowered {
    let mut l = lower_recording(name, text, ast, form, false);
    let unstable = l.proto.edition == Some(Edition::EDITION_UNSTABLE);
    l.refs = TypeRefs::collect(ast, l.proto.package(), unstable);
    l
}

/// The span map of one file alone (lowering it again, keeping nothing
/// else): what diagnostics about a file need, made only for files that have
/// some.
pub fn lower_spans(file: &SourceFile) -> SpanMap {
    file.with_ast(|ast| {
        lower_recording(&file.name, file.text(), ast, LocationForm::None, true).spans
    })
}

fn lower_recording(
    name: &str,
    text: &str,
    ast: &ast::File,
    locations: LocationForm,
    spans: bool,
) -> Lowered {
    let mut l = Lowerer {
        name,
        text,
        syntax: Syntax::Proto2,
        edition: None,
        info: SourceInfoBuilder::with_recording(text, locations, spans),
        options: Pending::default(),
        flags: FileFlags::default(),
        diags: Vec::new(),
    };
    let mut proto = l.file(ast);
    proto.name = Some(name.to_string());
    let (info, spans) = l.info.finish();
    proto.source_code_info = Some(info);
    Lowered {
        proto,
        spans,
        options: {
            let mut o = l.options;
            o.shrink_to_fit();
            o
        },
        flags: l.flags,
        diagnostics: l.diags,
        refs: TypeRefs::default(),
        locations,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Syntax {
    Proto2,
    Proto3,
    Editions,
}

/// Where a field is declared.
#[derive(Clone, Copy)]
struct FieldCtx<'t> {
    oneof_index: Option<i32>,
    extendee: Option<&'t ast::TypeName>,
}

/// Largest field number plus one: the exclusive end `max` stands for.
const MAX_FIELD_END: i32 = 536_870_912;

struct Lowerer<'a> {
    name: &'a str,
    text: &'a str,
    syntax: Syntax,
    edition: Option<Edition>,
    info: SourceInfoBuilder<'a>,
    options: Pending,
    flags: FileFlags,
    diags: Vec<Diagnostic>,
}

fn path(base: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = Vec::with_capacity(base.len() + more.len());
    p.extend_from_slice(base);
    p.extend_from_slice(more);
    p
}

impl<'a> Lowerer<'a> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::error("syntax", message).at(self.name, span.range(), ""));
    }

    /// Offset of the next token at or after `from`, skipping whitespace and
    /// comments.
    fn next_token(&self, from: usize) -> usize {
        let b = self.text.as_bytes();
        let mut i = from.min(b.len());
        if i == 0 && b.starts_with(b"\xEF\xBB\xBF") {
            i = 3;
        }
        loop {
            // protoc's whitespace: also vertical tab, which
            // `is_ascii_whitespace` leaves out.
            while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                i += 1;
            }
            if b[i..].starts_with(b"//") {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            } else if b[i..].starts_with(b"/*") {
                i = match self.text[i + 2..].find("*/") {
                    Some(j) => i + 2 + j + 2,
                    None => b.len(),
                };
            } else {
                return i;
            }
        }
    }

    /// The one-byte (or empty at end of input) span of the token at `at`.
    fn token_at(&self, at: usize) -> Span {
        let end = if at < self.text.len() { at + 1 } else { at };
        Span::new(at, end)
    }

    /// Records an option statement/entry: its location and its pending entry.
    fn option(&mut self, target: &[i32], kind: OptionsKind, index: usize, decl: &'a OptionDecl) {
        let p = path(target, &[kind.options_field_number(), 999, index as i32]);
        let comments = (!decl.comments.is_empty()).then_some(&decl.comments);
        let loc = self.info.add_with(&p, decl.span, comments);
        self.note_flags(target, decl);
        self.options.push(self.text, target, kind, decl, Some(loc));
    }

    fn note_flags(&mut self, target: &[i32], decl: &OptionDecl) {
        match self.flags.get_mut(target) {
            Some(f) => f.note(decl),
            None => {
                let mut f = Flags::default();
                f.note(decl);
                // Most statements (custom options above all) set no flag:
                // an element without an entry has the default flags.
                if f != Flags::default() {
                    self.flags.insert(target.to_vec(), f);
                }
            }
        }
    }

    /// An `option …;` statement: the statement's location under the options
    /// field, then the option itself.
    fn option_statement(
        &mut self,
        target: &[i32],
        kind: OptionsKind,
        index: usize,
        decl: &'a OptionDecl,
    ) {
        self.info
            .add_sub(target, &[kind.options_field_number()], decl.span);
        self.option(target, kind, index, decl);
    }

    // ------------------------------------------------------------ file

    fn file(&mut self, file: &'a ast::File) -> FileDescriptorProto {
        let mut fd = FileDescriptorProto::default();
        let first = self.next_token(0);
        let last = file
            .items
            .iter()
            .map(file_item_span)
            .chain(file.syntax.as_ref().map(|s| s.span))
            .map(|s| s.end as usize)
            .max();
        match last {
            Some(last) => {
                self.info.add(&[], Span::new(first, last.max(first)));
            }
            // No token at all: protoc's root location starts at the end of
            // input and ends where the (empty) start token ended, at 0:0.
            None => {
                self.info.add_raw(&[], Span::new(first, first), true);
            }
        }

        if let Some(s) = &file.syntax {
            let v = s.value.lossy();
            self.info.add_with(&[12], s.span, Some(&s.comments));
            match s.kind {
                SyntaxKind::Syntax => match v.as_str() {
                    "proto2" => self.syntax = Syntax::Proto2,
                    "proto3" => {
                        self.syntax = Syntax::Proto3;
                        fd.syntax = Some(v);
                    }
                    _ => self.error(
                        s.value.span,
                        format!(
                            "Unrecognized syntax identifier \"{v}\".  This parser only recognizes \"proto2\" and \"proto3\"."
                        ),
                    ),
                },
                SyntaxKind::Edition => {
                    self.syntax = Syntax::Editions;
                    fd.syntax = Some("editions".into());
                    // Any edition protoc knows by name; whether it is
                    // supported is checked later, as protoc does.
                    self.edition = Edition::from_name(&format!("EDITION_{v}")).filter(|e| {
                        ![
                            Edition::EDITION_UNKNOWN,
                            Edition::EDITION_PROTO2,
                            Edition::EDITION_PROTO3,
                        ]
                        .contains(e)
                    });
                    if self.edition.is_none() {
                        self.error(s.value.span, format!("Unknown edition \"{v}\"."));
                    }
                    fd.edition = self.edition;
                }
            }
        }
        let edition_2024 = self.edition.is_some_and(|e| e.0 >= Edition::EDITION_2024.0);

        let mut seen_option_import = false;
        let mut file_option_count = 0;
        for item in &file.items {
            match item {
                FileItem::Package(p) => {
                    if fd.package.is_some() {
                        self.error(p.span, "Multiple package definitions.");
                    }
                    self.info.add_with(&[2], p.span, Some(&p.comments));
                    fd.package = Some(p.name.text());
                }
                FileItem::Import(i) => {
                    let after_import = i.kind_span.unwrap_or(i.path.span);
                    match i.kind {
                        ImportKind::Option => {
                            if !edition_2024 {
                                self.error(
                                    after_import,
                                    "option import is not supported before edition 2024.",
                                );
                            }
                            seen_option_import = true;
                            let idx = fd.option_dependency.len() as i32;
                            self.info.add_with(&[15, idx], i.span, Some(&i.comments));
                            fd.option_dependency.push(i.path.lossy());
                            continue;
                        }
                        _ if seen_option_import => self.error(
                            after_import,
                            "imports should precede any option imports to ensure proto files can roundtrip.",
                        ),
                        _ => {}
                    }
                    let idx = fd.dependency.len() as i32;
                    self.info.add_with(&[3, idx], i.span, Some(&i.comments));
                    match i.kind {
                        ImportKind::Public => {
                            let j = fd.public_dependency.len() as i32;
                            self.info.add(&[10, j], after_import);
                            fd.public_dependency.push(idx);
                        }
                        ImportKind::Weak => {
                            if edition_2024 {
                                self.error(after_import, "weak import is not supported in edition 2024 and above. Consider using option import instead.");
                            }
                            let j = fd.weak_dependency.len() as i32;
                            self.info.add(&[11, j], after_import);
                            fd.weak_dependency.push(idx);
                        }
                        _ => {}
                    }
                    fd.dependency.push(i.path.lossy());
                }
                FileItem::Option(o) => {
                    fd.options.get_or_insert_with(Box::default);
                    self.option_statement(&[], OptionsKind::File, file_option_count, o);
                    file_option_count += 1;
                }
                FileItem::Message(m) => {
                    let p = [4, fd.message_type.len() as i32];
                    if m.visibility.is_some() && !edition_2024 {
                        self.error(m.span, "Expected top-level statement (e.g. \"message\").");
                    }
                    let msg = self.message(m, &p);
                    fd.message_type.push(msg);
                }
                FileItem::Enum(e) => {
                    let p = [5, fd.enum_type.len() as i32];
                    if e.visibility.is_some() && !edition_2024 {
                        self.error(e.span, "Expected top-level statement (e.g. \"message\").");
                    }
                    let en = self.enum_(e, &p);
                    fd.enum_type.push(en);
                }
                FileItem::Service(s) => {
                    let p = [6, fd.service.len() as i32];
                    let sv = self.service(s, &p);
                    fd.service.push(sv);
                }
                FileItem::Extend(x) => {
                    self.extend(x, &[7], &mut fd.extension, &mut fd.message_type, &[4]);
                }
                FileItem::Empty(_) => {}
            }
        }
        // These grew by doubling; they live for the whole compilation.
        fd.message_type.shrink_to_fit();
        fd.enum_type.shrink_to_fit();
        fd.service.shrink_to_fit();
        fd.extension.shrink_to_fit();
        fd.dependency.shrink_to_fit();
        fd
    }

    // ------------------------------------------------------------ messages

    /// Start of a message or enum location: its keyword, after any
    /// visibility modifier.
    fn decl_start(&self, visibility: Option<(Visibility, Span)>, span: Span) -> usize {
        match visibility {
            Some((_, v)) => self.next_token(v.end as usize),
            None => span.start as usize,
        }
    }

    fn message(&mut self, m: &'a ast::Message, p: &[i32]) -> DescriptorProto {
        let start = self.decl_start(m.visibility, m.span);
        self.info
            .add_with(p, Span::new(start, m.span.end as usize), Some(&m.comments));
        self.info.add_sub(p, &[1], m.name.span);
        let mut msg = DescriptorProto {
            name: Some(m.name.name.as_str().to_owned()),
            visibility: m.visibility.map(|(v, _)| match v {
                Visibility::Export => SymbolVisibility::VISIBILITY_EXPORT,
                Visibility::Local => SymbolVisibility::VISIBILITY_LOCAL,
            }),
            ..Default::default()
        };
        self.message_body(&m.items, p, &mut msg);
        msg
    }

    fn message_body(&mut self, items: &'a [MessageItem], p: &[i32], msg: &mut DescriptorProto) {
        let mut option_count = 0;
        let mut message_set = false;
        // Room for the elements up front: growing vectors of large
        // descriptors copies them over and over.
        let (mut fields, mut nested, mut enums) = (0, 0, 0);
        for item in items {
            match item {
                MessageItem::Field(f) => {
                    fields += 1;
                    // A map's entry or a group's body is a nested message.
                    if matches!(f.ty, FieldType::Map { .. } | FieldType::Group { .. }) {
                        nested += 1;
                    }
                }
                MessageItem::Oneof(o) => fields += o.items.len(),
                MessageItem::Message(_) => nested += 1,
                MessageItem::Enum(_) => enums += 1,
                _ => {}
            }
        }
        msg.field.reserve(fields);
        msg.nested_type.reserve(nested);
        msg.enum_type.reserve(enums);
        for item in items {
            match item {
                MessageItem::Field(f) => {
                    let fp = path(p, &[2, msg.field.len() as i32]);
                    let ctx = FieldCtx {
                        oneof_index: None,
                        extendee: None,
                    };
                    let field = self.field(f, &fp, ctx, &mut msg.nested_type, &path(p, &[3]));
                    msg.field.push(field);
                }
                MessageItem::Oneof(o) => {
                    let k = msg.oneof_decl.len() as i32;
                    let op = path(p, &[8, k]);
                    self.info.add_with(&op, o.span, Some(&o.comments));
                    self.info.add_sub(&op, &[1], o.name.span);
                    msg.oneof_decl.push(OneofDescriptorProto {
                        name: Some(o.name.name.as_str().to_owned()),
                        ..Default::default()
                    });
                    let mut oneof_options = 0;
                    if o.items.is_empty() {
                        self.missing_field(self.token_at(o.span.end as usize - 1), false);
                    }
                    for it in &o.items {
                        match it {
                            OneofItem::Option(d) => {
                                msg.oneof_decl[k as usize]
                                    .options
                                    .get_or_insert_with(Box::default);
                                self.option_statement(&op, OptionsKind::Oneof, oneof_options, d);
                                oneof_options += 1;
                            }
                            OneofItem::Field(f) => {
                                let fp = path(p, &[2, msg.field.len() as i32]);
                                let ctx = FieldCtx {
                                    oneof_index: Some(k),
                                    extendee: None,
                                };
                                let field =
                                    self.field(f, &fp, ctx, &mut msg.nested_type, &path(p, &[3]));
                                msg.field.push(field);
                            }
                            OneofItem::Empty(s) => self.missing_field(*s, false),
                        }
                    }
                }
                MessageItem::Message(n) => {
                    let np = path(p, &[3, msg.nested_type.len() as i32]);
                    let nested = self.message(n, &np);
                    msg.nested_type.push(nested);
                }
                MessageItem::Enum(e) => {
                    let ep = path(p, &[4, msg.enum_type.len() as i32]);
                    let en = self.enum_(e, &ep);
                    msg.enum_type.push(en);
                }
                MessageItem::Extend(x) => {
                    self.extend(
                        x,
                        &path(p, &[6]),
                        &mut msg.extension,
                        &mut msg.nested_type,
                        &path(p, &[3]),
                    );
                }
                MessageItem::Extensions(x) => self.extensions(x, p, msg),
                MessageItem::Reserved(r) => self.message_reserved(r, p, msg),
                MessageItem::Option(d) => {
                    if is_simple_option(d, "message_set_wire_format") {
                        message_set = matches!(&d.value, OptionValue::Ident { negative: false, ident, .. } if ident.name == "true");
                    }
                    msg.options.get_or_insert_with(Box::default);
                    self.option_statement(p, OptionsKind::Message, option_count, d);
                    option_count += 1;
                }
                MessageItem::Empty(_) => {}
            }
        }
        // `max` in a message's ranges depends on message_set_wire_format.
        let max_end = if message_set { i32::MAX } else { MAX_FIELD_END };
        for r in &mut msg.extension_range {
            if r.end == Some(-1) {
                r.end = Some(max_end);
            }
        }
        for r in &mut msg.reserved_range {
            if r.end == Some(-1) {
                r.end = Some(max_end);
            }
        }
        if self.syntax == Syntax::Proto3 {
            synthetic_oneofs(msg);
        }
    }

    /// A field number: non-negative, at most 2^31-1.
    fn unsigned_number(&mut self, lit: &IntLit, negative_msg: &str) -> i32 {
        if lit.negative {
            self.error(lit.span, negative_msg);
            return 0;
        }
        match lit.value {
            Some(v) if v <= i32::MAX as u64 => v as i32,
            _ => {
                self.error(lit.span, "Integer out of range.");
                0
            }
        }
    }

    /// An enum number: any i32.
    fn signed_number(&mut self, lit: &IntLit) -> i32 {
        match lit.as_i64() {
            Some(v) if i32::try_from(v).is_ok() => v as i32,
            _ => {
                self.error(lit.span, "Integer out of range.");
                0
            }
        }
    }

    fn extensions(&mut self, x: &'a ast::Extensions, p: &[i32], msg: &mut DescriptorProto) {
        let sp = path(p, &[5]);
        self.info.add_with(&sp, x.span, Some(&x.comments));
        let first = msg.extension_range.len();
        for r in &x.ranges {
            let k = msg.extension_range.len() as i32;
            let rp = path(&sp, &[k]);
            let (start, end) = self.message_range(r, &rp, "Expected field number range.");
            msg.extension_range.push(descriptor_proto::ExtensionRange {
                start: Some(start),
                end: Some(end),
                ..Default::default()
            });
        }
        let Some(opts) = &x.options else { return };
        // protoc records the `[…]` list once, under the first range, and then
        // copies those locations to every range of the statement.
        for k in first..msg.extension_range.len() {
            msg.extension_range[k].options = Some(Box::default());
            let rp = path(&sp, &[k as i32]);
            self.info.add_sub(&rp, &[3], opts.span);
            for (i, d) in opts.options.iter().enumerate() {
                self.option(&rp, OptionsKind::ExtensionRange, i, d);
            }
        }
    }

    /// A message's extension or reserved range at `rp`: its locations and
    /// (start, exclusive end); `max` is -1 until the message's maximum is known.
    fn message_range(&mut self, r: &ast::Range, rp: &[i32], start_error: &str) -> (i32, i32) {
        self.info.add(rp, r.span);
        self.info.add_sub(rp, &[1], r.start.span);
        let start = self.unsigned_number(&r.start, start_error);
        let end = match &r.end {
            Some(RangeEnd::Int(e)) => {
                self.info.add_sub(rp, &[2], e.span);
                self.unsigned_number(e, "Expected integer.").wrapping_add(1)
            }
            Some(RangeEnd::Max(m)) => {
                self.info.add_sub(rp, &[2], *m);
                -1
            }
            None => {
                self.info.add_sub(rp, &[2], r.start.span);
                start.wrapping_add(1)
            }
        };
        (start, end)
    }

    fn message_reserved(&mut self, r: &Reserved, p: &[i32], msg: &mut DescriptorProto) {
        match r {
            Reserved::Ranges {
                ranges,
                span,
                comments,
            } => {
                let sp = path(p, &[9]);
                self.info.add_with(&sp, *span, Some(comments));
                for (n, r) in ranges.iter().enumerate() {
                    let k = msg.reserved_range.len() as i32;
                    let rp = path(&sp, &[k]);
                    let msg_text = if n == 0 {
                        "Expected field name or number range."
                    } else {
                        "Expected field number range."
                    };
                    let (start, end) = self.message_range(r, &rp, msg_text);
                    msg.reserved_range.push(descriptor_proto::ReservedRange {
                        start: Some(start),
                        end: Some(end),
                        ..Default::default()
                    });
                }
            }
            Reserved::Names {
                names,
                span,
                comments,
            } => {
                let sp = path(p, &[10]);
                self.info.add_with(&sp, *span, Some(comments));
                for n in names {
                    let k = msg.reserved_name.len() as i32;
                    let (name, nspan) = self.reserved_name(n);
                    self.info.add_sub(&sp, &[k], nspan);
                    msg.reserved_name.push(name);
                }
            }
        }
    }

    fn reserved_name(&mut self, n: &ReservedName) -> (String, Span) {
        match n {
            ReservedName::Str(s) => {
                if self.syntax == Syntax::Editions {
                    self.error(
                        s.span,
                        "Reserved names must be identifiers in editions, not string literals.",
                    );
                }
                (s.lossy(), s.span)
            }
            ReservedName::Ident(i) => {
                if self.syntax != Syntax::Editions {
                    self.error(
                        i.span,
                        "Reserved names must be string literals. (Only editions supports identifiers.)",
                    );
                }
                (i.name.as_str().to_owned(), i.span)
            }
        }
    }

    fn extend(
        &mut self,
        x: &'a ast::Extend,
        xp: &[i32],
        fields: &mut Vec<FieldDescriptorProto>,
        nested: &mut Vec<DescriptorProto>,
        nested_prefix: &[i32],
    ) {
        self.info.add_with(xp, x.span, Some(&x.comments));
        // protoc's extend block expects a field first and after every field,
        // so `{}` and empty statements are errors.
        if x.items.is_empty() {
            self.missing_field(self.token_at(x.span.end as usize - 1), true);
        }
        for item in &x.items {
            if let ExtendItem::Empty(s) = item {
                self.missing_field(*s, true);
            }
            if let ExtendItem::Field(f) = item {
                let fp = path(xp, &[fields.len() as i32]);
                let ctx = FieldCtx {
                    oneof_index: None,
                    extendee: Some(&x.extendee),
                };
                let field = self.field(f, &fp, ctx, nested, nested_prefix);
                fields.push(field);
            }
        }
    }

    // ------------------------------------------------------------ fields

    fn field(
        &mut self,
        f: &'a ast::Field,
        fp: &[i32],
        ctx: FieldCtx<'_>,
        nested: &mut Vec<DescriptorProto>,
        nested_prefix: &[i32],
    ) -> FieldDescriptorProto {
        let is_group = matches!(f.ty, FieldType::Group { .. });
        self.info
            .add_with(fp, f.span, (!is_group).then_some(&f.comments));
        let mut fd = FieldDescriptorProto {
            oneof_index: ctx.oneof_index,
            ..Default::default()
        };
        if let Some(x) = ctx.extendee {
            self.info.add_sub(fp, &[2], x.span);
            fd.extendee = Some(x.text());
        }

        // Label.
        let type_start = match &f.ty {
            FieldType::Named(t) => t.span.start,
            FieldType::Map { span, .. } => span.start,
            FieldType::Group { keyword, .. } => keyword.start,
        } as usize;
        match f.label {
            Some((_, lspan)) if ctx.oneof_index.is_some() => {
                self.error(
                    lspan,
                    "Fields in oneofs must not have labels (required / optional / repeated).",
                );
                fd.label = Some(FLabel::LABEL_OPTIONAL);
            }
            Some((label, lspan)) => {
                self.info.add_sub(fp, &[4], lspan);
                fd.label = Some(match label {
                    Label::Optional => FLabel::LABEL_OPTIONAL,
                    Label::Required => FLabel::LABEL_REQUIRED,
                    Label::Repeated => FLabel::LABEL_REPEATED,
                });
                match (self.syntax, label) {
                    (Syntax::Proto3, Label::Optional) => fd.proto3_optional = Some(true),
                    (Syntax::Proto3, Label::Required) => self.error(
                        self.token_at(type_start),
                        "Required fields are not allowed in proto3.",
                    ),
                    (Syntax::Editions, Label::Optional) => self.error(
                        lspan,
                        "Label \"optional\" is not supported in editions. By default, all singular fields have presence unless features.field_presence is set.",
                    ),
                    (Syntax::Editions, Label::Required) => self.error(
                        lspan,
                        "Label \"required\" is not supported in editions, use features.field_presence = LEGACY_REQUIRED.",
                    ),
                    _ => {}
                }
            }
            None if ctx.oneof_index.is_some() => fd.label = Some(FLabel::LABEL_OPTIONAL),
            None => {}
        }

        // Type.
        let mut map_types = None;
        match &f.ty {
            FieldType::Map { key, value, span } => {
                let lt = self.token_at(self.next_token(span.start as usize + 3));
                if ctx.oneof_index.is_some() {
                    self.error(lt, "Map fields are not allowed in oneofs.");
                } else if f.label.is_some() {
                    self.error(
                        lt,
                        "Field labels (required/optional/repeated) are not allowed on map fields.",
                    );
                } else if ctx.extendee.is_some() {
                    self.error(lt, "Map fields are not allowed to be extensions.");
                }
                fd.label = Some(FLabel::LABEL_REPEATED);
                fd.proto3_optional = None;
                self.info.add_sub(fp, &[6], *span);
                map_types = Some((key, value));
            }
            FieldType::Named(t) => {
                self.default_label(&mut fd, type_start);
                match self.scalar_type(t) {
                    Some(ty) => {
                        self.info.add_sub(fp, &[5], t.span);
                        fd.r#type = Some(ty);
                    }
                    None => {
                        self.info.add_sub(fp, &[6], t.span);
                        fd.type_name = Some(t.text());
                    }
                }
            }
            FieldType::Group { keyword, .. } => {
                self.default_label(&mut fd, type_start);
                if self.syntax == Syntax::Editions {
                    self.error(*keyword, "Group syntax is no longer supported in editions. To get group behavior you can specify features.message_encoding = DELIMITED on a message field.");
                }
                self.info.add_sub(fp, &[5], *keyword);
                fd.r#type = Some(Type::TYPE_GROUP);
            }
        }

        // Name and number.
        self.info.add_sub(fp, &[1], f.name.span);
        fd.name = Some(f.name.name.as_str().to_owned());
        self.info.add_sub(fp, &[3], f.number.span);
        fd.number = Some(self.unsigned_number(&f.number, "Expected field number."));

        // Options, default value and json_name.
        let mut recorded: Vec<&'a OptionDecl> = Vec::new();
        if let Some(opts) = &f.options {
            self.info.add_sub(fp, &[8], opts.span);
            let mut count = 0;
            for d in &opts.options {
                if is_simple_option(d, "default") {
                    if fd.default_value.is_some() {
                        self.error(d.name.span, "Already set option \"default\".");
                    }
                    self.info.add_sub(fp, &[7], d.value.span());
                    fd.default_value = self.default_value(fd.r#type, &d.value);
                } else if is_simple_option(d, "json_name") {
                    if fd.json_name.is_some() {
                        self.error(d.name.span, "Already set option \"json_name\".");
                    }
                    self.info.add_sub(fp, &[10], d.span);
                    self.info.add_sub(fp, &[10], d.value.span());
                    match &d.value {
                        OptionValue::Str(s) => fd.json_name = Some(s.lossy()),
                        v => self.error(v.span(), "Expected string for JSON name."),
                    }
                } else {
                    fd.options.get_or_insert_with(Box::default);
                    self.option(fp, OptionsKind::Field, count, d);
                    recorded.push(d);
                    count += 1;
                }
            }
        }

        // Groups: the nested message shares the field's span and comments.
        if let FieldType::Group { body, .. } = &f.ty {
            let gp = path(nested_prefix, &[nested.len() as i32]);
            self.info.add_with(&gp, f.span, Some(&f.comments));
            self.info.add_sub(&gp, &[1], f.name.span);
            self.info.add_sub(fp, &[6], f.name.span);
            let name = f.name.name.as_str().to_owned();
            if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
                self.error(f.name.span, "Group names must start with a capital letter.");
            }
            fd.name = Some(name.to_ascii_lowercase());
            fd.type_name = Some(name.clone());
            let mut group = DescriptorProto {
                name: Some(name),
                ..Default::default()
            };
            self.message_body(body, &gp, &mut group);
            nested.push(group);
        }

        // Maps: the generated entry message.
        if let Some((key, value)) = map_types {
            let entry_name = map_entry_name(&f.name.name);
            let ep = path(nested_prefix, &[nested.len() as i32]);
            fd.type_name = Some(entry_name.clone());
            let kv_types = [self.scalar_type(key), self.scalar_type(value)];
            let mut kv = [("key", 1, key), ("value", 2, value)].map(|(n, num, t)| {
                let mut x = FieldDescriptorProto {
                    name: Some(n.into()),
                    number: Some(num),
                    label: Some(FLabel::LABEL_OPTIONAL),
                    json_name: Some(n.into()),
                    ..Default::default()
                };
                match kv_types[num as usize - 1] {
                    Some(ty) => x.r#type = Some(ty),
                    None => x.type_name = Some(t.text()),
                }
                x
            });
            // protoc copies the map field's `features` (and, for string
            // keys/values, `enforce_utf8`) options to the key and value.
            for d in recorded {
                let Some(first) = d.name.parts.first() else {
                    continue;
                };
                let name = first.name.as_str();
                let is_features = !first.is_extension && name == "features";
                let is_utf8 =
                    !first.is_extension && d.name.parts.len() == 1 && name == "enforce_utf8";
                for (i, x) in kv.iter_mut().enumerate() {
                    if is_features || (is_utf8 && x.r#type == Some(Type::TYPE_STRING)) {
                        x.options.get_or_insert_with(Box::default);
                        let target = path(&ep, &[2, i as i32]);
                        self.note_flags(&target, d);
                        self.options
                            .push(self.text, &target, OptionsKind::Field, d, None);
                    }
                }
            }
            nested.push(DescriptorProto {
                name: Some(entry_name),
                field: kv.into_iter().collect(),
                options: Some(Box::new(MessageOptions {
                    map_entry: Some(true),
                    ..Default::default()
                })),
                ..Default::default()
            });
        }

        if fd.json_name.is_none() {
            fd.json_name = fd.name.as_deref().map(json_name);
        }
        fd
    }

    /// The scalar type named by `t`, reporting names obsolete in this edition.
    fn scalar_type(&mut self, t: &ast::TypeName) -> Option<Type> {
        let unstable = self.edition == Some(Edition::EDITION_UNSTABLE);
        let (ty, obsolete) = scalar_type(t, unstable)?;
        if let Some(instead) = obsolete {
            self.error(
                t.span,
                format!(
                    "Type '{}' is obsolete in unstable editions, use '{instead}' instead.",
                    t.parts[0].name
                ),
            );
        }
        Some(ty)
    }

    /// protoc's errors where a field must start but `;` or `}` stands.
    fn missing_field(&mut self, at: Span, needs_label: bool) {
        if needs_label && self.syntax == Syntax::Proto2 {
            self.error(at, "Expected \"required\", \"optional\", or \"repeated\".");
        }
        self.error(at, "Expected type name.");
    }

    /// A field written without a label: optional in proto3 and editions, an
    /// error in proto2.
    fn default_label(&mut self, fd: &mut FieldDescriptorProto, type_start: usize) {
        if fd.label.is_some() {
            return;
        }
        if self.syntax == Syntax::Proto2 {
            self.error(
                self.token_at(type_start),
                "Expected \"required\", \"optional\", or \"repeated\".",
            );
        }
        fd.label = Some(FLabel::LABEL_OPTIONAL);
    }

    /// The default value as protoc writes it for a scalar type; the token
    /// text as written for a named type (resolved by the linker).
    fn default_value(&mut self, ty: Option<Type>, v: &OptionValue) -> Option<String> {
        let span = v.span();
        let Some(ty) = ty else {
            if let OptionValue::Ident {
                negative: true,
                ident,
                ..
            } = v
            {
                self.error(ident.span, "Expected \"]\".");
                return Some("-".into());
            }
            if let OptionValue::Int(IntLit { negative: true, .. }) | OptionValue::Float { .. } = v {
                let text = &self.text[span.range()];
                if let Some(rest) = text.strip_prefix('-') {
                    let at = self.next_token(span.start as usize + 1);
                    self.error(self.token_at(at), "Expected \"]\".");
                    let _ = rest;
                    return Some("-".into());
                }
            }
            return Some(self.text[span.range()].to_string());
        };
        let signed_max = match ty {
            Type::TYPE_INT32 | Type::TYPE_SINT32 | Type::TYPE_SFIXED32 => Some(i32::MAX as u64),
            Type::TYPE_INT64 | Type::TYPE_SINT64 | Type::TYPE_SFIXED64 => Some(i64::MAX as u64),
            _ => None,
        };
        let unsigned_max = match ty {
            Type::TYPE_UINT32 | Type::TYPE_FIXED32 => Some(u32::MAX as u64),
            Type::TYPE_UINT64 | Type::TYPE_FIXED64 => Some(u64::MAX),
            _ => None,
        };
        if let Some(max) = signed_max {
            let OptionValue::Int(i) = v else {
                self.error(span, "Expected integer for field default value.");
                return Some(String::new());
            };
            let limit = max + i.negative as u64;
            return match i.value {
                Some(n) if n <= limit => Some(if i.negative && n != 0 {
                    format!("-{n}")
                } else {
                    n.to_string()
                }),
                _ => {
                    self.error(span, "Integer out of range.");
                    Some(String::new())
                }
            };
        }
        if let Some(max) = unsigned_max {
            let OptionValue::Int(i) = v else {
                self.error(span, "Expected integer for field default value.");
                return Some(String::new());
            };
            if i.negative {
                self.error(span, "Unsigned field can't have negative default value.");
            }
            return match i.value {
                Some(n) if n <= max => Some(n.to_string()),
                _ => {
                    self.error(span, "Integer out of range.");
                    Some(String::new())
                }
            };
        }
        match ty {
            Type::TYPE_FLOAT | Type::TYPE_DOUBLE => {
                let value = match v {
                    OptionValue::Int(i) => match i.value {
                        Some(n) => {
                            let x = n as f64;
                            if i.negative {
                                -x
                            } else {
                                x
                            }
                        }
                        // protoc reads a decimal integer too large for
                        // uint64 as a double; hex and octal ones are errors.
                        None => match decimal_as_double(&self.text[i.span.range()]) {
                            Some(x) if i.negative => -x,
                            Some(x) => x,
                            None => {
                                self.error(span, "Integer out of range.");
                                0.0
                            }
                        },
                    },
                    OptionValue::Float { value, .. } => *value,
                    OptionValue::Ident {
                        negative, ident, ..
                    } if ident.name == "inf" || ident.name == "nan" => {
                        let x = if ident.name == "inf" {
                            f64::INFINITY
                        } else {
                            f64::NAN
                        };
                        if *negative {
                            -x
                        } else {
                            x
                        }
                    }
                    _ => {
                        self.error(span, "Expected number.");
                        return Some(String::new());
                    }
                };
                Some(if ty == Type::TYPE_FLOAT {
                    simple_ftoa(value as f32)
                } else {
                    simple_dtoa(value)
                })
            }
            Type::TYPE_BOOL => match v {
                OptionValue::Ident {
                    negative: false,
                    ident,
                    ..
                } if ident.name == "true" || ident.name == "false" => {
                    Some(ident.name.as_str().to_owned())
                }
                _ => {
                    self.error(span, "Expected \"true\" or \"false\".");
                    None
                }
            },
            Type::TYPE_STRING => match v {
                OptionValue::Str(s) => Some(s.lossy()),
                _ => {
                    self.error(span, "Expected string for field default value.");
                    Some(String::new())
                }
            },
            Type::TYPE_BYTES => match v {
                OptionValue::Str(s) => Some(c_escape(&s.value)),
                _ => {
                    self.error(span, "Expected string.");
                    Some(String::new())
                }
            },
            _ => {
                self.error(span, "Messages can't have default values.");
                None
            }
        }
    }

    // ------------------------------------------------------------ enums

    fn enum_(&mut self, e: &'a ast::Enum, p: &[i32]) -> EnumDescriptorProto {
        let start = self.decl_start(e.visibility, e.span);
        self.info
            .add_with(p, Span::new(start, e.span.end as usize), Some(&e.comments));
        self.info.add_sub(p, &[1], e.name.span);
        let mut en = EnumDescriptorProto {
            name: Some(e.name.name.as_str().to_owned()),
            visibility: e.visibility.map(|(v, _)| match v {
                Visibility::Export => SymbolVisibility::VISIBILITY_EXPORT,
                Visibility::Local => SymbolVisibility::VISIBILITY_LOCAL,
            }),
            ..Default::default()
        };
        let mut option_count = 0;
        let mut allow_alias: Option<bool> = None;
        en.value.reserve(
            e.items
                .iter()
                .filter(|i| matches!(i, EnumItem::Value(_)))
                .count(),
        );
        for item in &e.items {
            match item {
                EnumItem::Value(v) => {
                    let vp = path(p, &[2, en.value.len() as i32]);
                    self.info.add_with(&vp, v.span, Some(&v.comments));
                    self.info.add_sub(&vp, &[1], v.name.span);
                    self.info.add_sub(&vp, &[2], v.number.span);
                    let number = self.signed_number(&v.number);
                    let mut value = EnumValueDescriptorProto {
                        name: Some(v.name.name.as_str().to_owned()),
                        number: Some(number),
                        ..Default::default()
                    };
                    if let Some(opts) = &v.options {
                        self.info.add_sub(&vp, &[3], opts.span);
                        value.options = Some(Box::default());
                        for (i, d) in opts.options.iter().enumerate() {
                            self.option(&vp, OptionsKind::EnumValue, i, d);
                        }
                    }
                    en.value.push(value);
                }
                EnumItem::Option(d) => {
                    if allow_alias.is_none() && is_simple_option(d, "allow_alias") {
                        allow_alias = Some(
                            matches!(&d.value, OptionValue::Ident { negative: false, ident, .. } if ident.name == "true"),
                        );
                    }
                    en.options.get_or_insert_with(Box::default);
                    self.option_statement(p, OptionsKind::Enum, option_count, d);
                    option_count += 1;
                }
                EnumItem::Reserved(Reserved::Ranges {
                    ranges,
                    span,
                    comments,
                }) => {
                    let sp = path(p, &[4]);
                    self.info.add_with(&sp, *span, Some(comments));
                    for r in ranges {
                        let rp = path(&sp, &[en.reserved_range.len() as i32]);
                        self.info.add(&rp, r.span);
                        self.info.add_sub(&rp, &[1], r.start.span);
                        let start = self.signed_number(&r.start);
                        let end = match &r.end {
                            Some(RangeEnd::Int(x)) => {
                                self.info.add_sub(&rp, &[2], x.span);
                                self.signed_number(x)
                            }
                            Some(RangeEnd::Max(m)) => {
                                self.info.add_sub(&rp, &[2], *m);
                                i32::MAX
                            }
                            None => {
                                // protoc's end location is the first token of
                                // the start number: the `-` of a negative one.
                                let s = r.start.span;
                                let tok = if r.start.negative {
                                    self.token_at(s.start as usize)
                                } else {
                                    s
                                };
                                self.info.add_sub(&rp, &[2], tok);
                                start
                            }
                        };
                        en.reserved_range
                            .push(enum_descriptor_proto::EnumReservedRange {
                                start: Some(start),
                                end: Some(end),
                                ..Default::default()
                            });
                    }
                }
                EnumItem::Reserved(Reserved::Names {
                    names,
                    span,
                    comments,
                }) => {
                    let sp = path(p, &[5]);
                    self.info.add_with(&sp, *span, Some(comments));
                    for n in names {
                        let k = en.reserved_name.len() as i32;
                        let (name, nspan) = self.reserved_name(n);
                        self.info.add_sub(&sp, &[k], nspan);
                        en.reserved_name.push(name);
                    }
                }
                EnumItem::Empty(_) => {}
            }
        }
        // protoc reports these at the token after the closing brace.
        let after = self.token_at(self.next_token(e.span.end as usize));
        let name = e.name.name.as_str();
        match allow_alias {
            Some(false) => self.error(
                after,
                format!("\"{name}\" declares 'option allow_alias = false;' which has no effect. Please remove the declaration."),
            ),
            Some(true) => {
                let mut seen = HashSet::new();
                if en.value.iter().all(|v| seen.insert(v.number)) {
                    self.error(
                        after,
                        format!("\"{name}\" declares support for enum aliases but no enum values share field numbers. Please remove the unnecessary 'option allow_alias = true;' declaration."),
                    );
                }
            }
            None => {}
        }
        en
    }

    // ------------------------------------------------------------ services

    fn service(&mut self, s: &'a ast::Service, p: &[i32]) -> ServiceDescriptorProto {
        self.info.add_with(p, s.span, Some(&s.comments));
        self.info.add_sub(p, &[1], s.name.span);
        let mut sv = ServiceDescriptorProto {
            name: Some(s.name.name.as_str().to_owned()),
            ..Default::default()
        };
        let mut option_count = 0;
        sv.method.reserve(
            s.items
                .iter()
                .filter(|i| matches!(i, ServiceItem::Method(_)))
                .count(),
        );
        for item in &s.items {
            match item {
                ServiceItem::Option(d) => {
                    sv.options.get_or_insert_with(Box::default);
                    self.option_statement(p, OptionsKind::Service, option_count, d);
                    option_count += 1;
                }
                ServiceItem::Method(m) => {
                    let mp = path(p, &[2, sv.method.len() as i32]);
                    let method = self.method(m, &mp);
                    sv.method.push(method);
                }
                ServiceItem::Empty(_) => {}
            }
        }
        sv
    }

    fn method(&mut self, m: &'a ast::Method, mp: &[i32]) -> MethodDescriptorProto {
        self.info.add_with(mp, m.span, Some(&m.comments));
        self.info.add_sub(mp, &[1], m.name.span);
        let mut md = MethodDescriptorProto {
            name: Some(m.name.name.as_str().to_owned()),
            ..Default::default()
        };
        if let Some(s) = m.input.stream {
            self.info.add_sub(mp, &[5], s);
            md.client_streaming = Some(true);
        }
        self.info.add_sub(mp, &[2], m.input.ty.span);
        md.input_type = Some(m.input.ty.text());
        if let Some(s) = m.output.stream {
            self.info.add_sub(mp, &[6], s);
            md.server_streaming = Some(true);
        }
        self.info.add_sub(mp, &[3], m.output.ty.span);
        md.output_type = Some(m.output.ty.text());
        if let Some(body) = &m.body {
            md.options = Some(Box::default());
            let mut count = 0;
            for item in body {
                if let MethodItem::Option(d) = item {
                    self.option_statement(mp, OptionsKind::Method, count, d);
                    count += 1;
                }
            }
        }
        md
    }
}

fn file_item_span(item: &FileItem) -> Span {
    match item {
        FileItem::Package(p) => p.span,
        FileItem::Import(i) => i.span,
        FileItem::Option(o) => o.span,
        FileItem::Message(m) => m.span,
        FileItem::Enum(e) => e.span,
        FileItem::Service(s) => s.span,
        FileItem::Extend(x) => x.span,
        FileItem::Empty(s) => *s,
    }
}

/// Whether `d` is the plain (non-extension, one-part) option `name`.
fn is_simple_option(d: &OptionDecl, name: &str) -> bool {
    d.name.parts.len() == 1
        && !d.name.parts[0].is_extension
        && d.name.parts[0].name.parts.len() == 1
        && d.name.parts[0].name.parts[0].name == name
}

/// The scalar type a type name stands for, if it is a scalar keyword.
/// Edition UNSTABLE renames the integer types: `int32` is fixed-width there,
/// the varint encodings are `varint32`, `uvarint32`, `zigzag32`, … and the old
/// names of the others are obsolete (the second value: the name to use).
pub(super) fn scalar_type(
    t: &ast::TypeName,
    unstable: bool,
) -> Option<(Type, Option<&'static str>)> {
    if t.absolute || t.parts.len() != 1 {
        return None;
    }
    let name = t.parts[0].name.as_str();
    if unstable {
        let renamed = match name {
            "int32" => Some((Type::TYPE_SFIXED32, None)),
            "int64" => Some((Type::TYPE_SFIXED64, None)),
            "uint32" => Some((Type::TYPE_FIXED32, None)),
            "uint64" => Some((Type::TYPE_FIXED64, None)),
            "varint32" => Some((Type::TYPE_INT32, None)),
            "varint64" => Some((Type::TYPE_INT64, None)),
            "uvarint32" => Some((Type::TYPE_UINT32, None)),
            "uvarint64" => Some((Type::TYPE_UINT64, None)),
            "zigzag32" => Some((Type::TYPE_SINT32, None)),
            "zigzag64" => Some((Type::TYPE_SINT64, None)),
            "sint32" => Some((Type::TYPE_SINT32, Some("zigzag32"))),
            "sint64" => Some((Type::TYPE_SINT64, Some("zigzag64"))),
            "fixed32" => Some((Type::TYPE_FIXED32, Some("uint32"))),
            "fixed64" => Some((Type::TYPE_FIXED64, Some("uint64"))),
            "sfixed32" => Some((Type::TYPE_SFIXED32, Some("int32"))),
            "sfixed64" => Some((Type::TYPE_SFIXED64, Some("int64"))),
            _ => None,
        };
        if renamed.is_some() {
            return renamed;
        }
    }
    Some((
        match name {
            "double" => Type::TYPE_DOUBLE,
            "float" => Type::TYPE_FLOAT,
            "int64" => Type::TYPE_INT64,
            "uint64" => Type::TYPE_UINT64,
            "int32" => Type::TYPE_INT32,
            "fixed64" => Type::TYPE_FIXED64,
            "fixed32" => Type::TYPE_FIXED32,
            "bool" => Type::TYPE_BOOL,
            "string" => Type::TYPE_STRING,
            "bytes" => Type::TYPE_BYTES,
            "uint32" => Type::TYPE_UINT32,
            "sfixed32" => Type::TYPE_SFIXED32,
            "sfixed64" => Type::TYPE_SFIXED64,
            "sint32" => Type::TYPE_SINT32,
            "sint64" => Type::TYPE_SINT64,
            _ => return None,
        },
        None,
    ))
}

/// Adds a one-field oneof for every proto3 `optional` field, after the
/// declared oneofs, named `_<field>` (or the field name when it already
/// starts with `_`), prefixed with `X` until no field or oneof has the name.
fn synthetic_oneofs(msg: &mut DescriptorProto) {
    if !msg.field.iter().any(|f| f.proto3_optional == Some(true)) {
        return;
    }
    let mut names: HashSet<String> = msg
        .field
        .iter()
        .filter_map(|f| f.name.clone())
        .chain(msg.oneof_decl.iter().filter_map(|o| o.name.clone()))
        .collect();
    for i in 0..msg.field.len() {
        if msg.field[i].proto3_optional != Some(true) {
            continue;
        }
        let field_name = msg.field[i].name.clone().unwrap_or_default();
        let mut name = if field_name.starts_with('_') {
            field_name
        } else {
            format!("_{field_name}")
        };
        while names.contains(&name) {
            name.insert(0, 'X');
        }
        names.insert(name.clone());
        msg.field[i].oneof_index = Some(msg.oneof_decl.len() as i32);
        msg.oneof_decl.push(OneofDescriptorProto {
            name: Some(name),
            ..Default::default()
        });
    }
}

/// `foo_bar` → `FooBarEntry`: the name protoc gives a map field's entry.
pub fn map_entry_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 5);
    let mut upper = true;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out.push_str("Entry");
    out
}

/// protoc's default JSON name: underscores dropped, the letter after each
/// one upper-cased.
pub fn json_name(field: &str) -> String {
    let mut out = Vec::with_capacity(field.len());
    out.extend(json_name_bytes(field));
    // Only ASCII bytes were dropped or changed: still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Whether `candidate` is [`json_name`]`(field)`, without making it.
pub fn is_json_name(field: &str, candidate: &str) -> bool {
    json_name_bytes(field).eq(candidate.bytes())
}

/// The bytes of [`json_name`]`(field)`: underscores go; the character after
/// each run of them is upper-cased (ASCII only: bytes of other characters
/// are never changed).
fn json_name_bytes(field: &str) -> impl Iterator<Item = u8> + '_ {
    let mut upper = false;
    field.bytes().filter_map(move |b| {
        if b == b'_' {
            upper = true;
            return None;
        }
        let b = if upper { b.to_ascii_uppercase() } else { b };
        upper = false;
        Some(b)
    })
}

/// C's `%.{precision}g`.
fn format_g(v: f64, precision: usize) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let p = precision.max(1);
    let sci = format!("{:.*e}", p - 1, v);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let strip = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if exp < -4 || exp >= p as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", strip(mantissa), sign, exp.unsigned_abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        strip(&format!("{v:.decimals$}"))
    }
}

/// The magnitude of a decimal integer literal as a double (`None` for hex
/// and octal literals); a leading `-` in the text is skipped.
pub(crate) fn decimal_as_double(text: &str) -> Option<f64> {
    let t = text.trim_start();
    let t = t.strip_prefix('-').map_or(t, str::trim_start);
    if t.len() > 1 && t.starts_with('0') || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// protoc's `SimpleDtoa`: the shortest of `%.15g` and `%.17g` that reads
/// back as the same double.
fn simple_dtoa(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.into();
    }
    let s = format_g(v, 15);
    if s.parse::<f64>().ok() == Some(v) {
        s
    } else {
        format_g(v, 17)
    }
}

/// protoc's `SimpleFtoa`: `%.6g`, or `%.9g` when that does not read back.
fn simple_ftoa(v: f32) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.into();
    }
    let s = format_g(v as f64, 6);
    // protoc's round-trip check reads the short form back with strtof,
    // which reports a subnormal result as a range error: subnormal floats
    // always get the long form.
    if (v.is_normal() || v == 0.0) && s.parse::<f32>().ok() == Some(v) {
        return s;
    }
    format_g(v as f64, 9)
}

/// protoc's `CEscape`: C escapes for quotes, backslash and `\n\r\t`, three
/// octal digits for every other byte outside printable ASCII.
fn c_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{decode, FileDescriptorSet};
    use std::collections::HashMap;

    fn source(name: &str, text: &str) -> SourceFile {
        // The parser may report some of the same rules itself; only the
        // tree matters here.
        let parsed = crate::syntax::parse(name, text);
        let mut file = SourceFile::from_text(name, text);
        file.ast = Some(parsed.file);
        file
    }

    /// Diagnostics as protoc prints them: `line:col: message`, 1-based.
    fn errors(text: &str) -> Vec<String> {
        let file = source("t.proto", text);
        let lowered = lower(&file);
        lowered
            .diagnostics
            .iter()
            .map(|d| {
                let at = d.primary.as_ref().unwrap().location.span.start;
                let (l, c) = crate::diagnostics::line_col(text, at);
                format!("{}:{}: {}", l + 1, c + 1, d.message)
            })
            .collect()
    }

    /// Errors protoc 35.1's parser reports for these inputs (positions and
    /// wording copied from its output).
    #[test]
    fn parser_errors_match_protoc() {
        let cases: &[(&str, &str)] = &[
            (
                r#"syntax="proto2"; message M { int32 x = 1; }"#,
                r#"1:30: Expected "required", "optional", or "repeated"."#,
            ),
            (
                r#"syntax="proto2"; message M { optional int32 x = -1; }"#,
                "1:49: Expected field number.",
            ),
            (
                r#"syntax="proto2"; message M { optional int32 x = 3000000000; }"#,
                "1:49: Integer out of range.",
            ),
            (
                r#"syntax="proto2"; message M { reserved foo; }"#,
                "1:39: Reserved names must be string literals. (Only editions supports identifiers.)",
            ),
            (
                r#"edition="2023"; message M { reserved "foo"; }"#,
                "1:38: Reserved names must be identifiers in editions, not string literals.",
            ),
            (
                r#"syntax="proto3"; message M { required int32 x = 1; }"#,
                "1:39: Required fields are not allowed in proto3.",
            ),
            (
                r#"syntax="proto2"; message M { optional group foo = 1 {} }"#,
                "1:45: Group names must start with a capital letter.",
            ),
            (
                r#"syntax="proto2"; message M { oneof o { map<int32,int32> m = 1; } }"#,
                "1:43: Map fields are not allowed in oneofs.",
            ),
            (
                r#"syntax="proto2"; message M { repeated map<int32,int32> m = 1; }"#,
                "1:42: Field labels (required/optional/repeated) are not allowed on map fields.",
            ),
            (
                r#"syntax="proto2"; message M { oneof o { optional int32 m = 1; } }"#,
                "1:40: Fields in oneofs must not have labels (required / optional / repeated).",
            ),
            (
                r#"syntax="proto2"; message M {} extend M { map<int32,int32> m = 1; }"#,
                "1:45: Map fields are not allowed to be extensions.",
            ),
            (
                "syntax=\"proto2\"; enum E { option allow_alias = false; A = 0; }\n",
                "2:1: \"E\" declares 'option allow_alias = false;' which has no effect. Please remove the declaration.",
            ),
            (
                "syntax=\"proto2\"; enum E { option allow_alias = true; A = 0; }\n",
                "2:1: \"E\" declares support for enum aliases but no enum values share field numbers. Please remove the unnecessary 'option allow_alias = true;' declaration.",
            ),
            (
                r#"syntax="proto2"; message M { extensions -1 to 5; }"#,
                "1:41: Expected field number range.",
            ),
            (
                r#"syntax="proto2"; message M { optional int32 x = 1 [default = 1.5]; }"#,
                "1:62: Expected integer for field default value.",
            ),
            (
                r#"syntax="proto2"; message M { optional M x = 1 [default = -1]; }"#,
                r#"1:59: Expected "]"."#,
            ),
            (
                r#"syntax="proto2"; message M { optional int32 x = 1 [default = 1, default = 2]; }"#,
                r#"1:65: Already set option "default"."#,
            ),
            (
                r#"syntax="proto2"; message M { optional bool x = 1 [default = 1]; }"#,
                r#"1:61: Expected "true" or "false"."#,
            ),
            (
                r#"edition="2024"; import weak "e1.proto";"#,
                "1:24: weak import is not supported in edition 2024 and above. Consider using option import instead.",
            ),
            (
                r#"syntax="proto3"; import option "e1.proto";"#,
                "1:25: option import is not supported before edition 2024.",
            ),
            (
                r#"syntax="proto4";"#,
                r#"1:8: Unrecognized syntax identifier "proto4".  This parser only recognizes "proto2" and "proto3"."#,
            ),
            (r#"edition="2022";"#, r#"1:9: Unknown edition "2022"."#),
            (
                r#"edition = "UNSTABLE"; message M { sint32 a = 1; }"#,
                "1:35: Type 'sint32' is obsolete in unstable editions, use 'zigzag32' instead.",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(errors(text), vec![want.to_string()], "{text}");
        }
        assert_eq!(
            errors(r#"edition="2023"; message M { optional group Foo = 1 {} }"#),
            [
                "1:29: Label \"optional\" is not supported in editions. By default, all singular fields have presence unless features.field_presence is set.",
                "1:38: Group syntax is no longer supported in editions. To get group behavior you can specify features.message_encoding = DELIMITED on a message field.",
            ]
        );
        assert_eq!(
            errors(r#"syntax="proto2"; message M{} extend M { ; }"#),
            [
                "1:41: Expected \"required\", \"optional\", or \"repeated\".",
                "1:41: Expected type name.",
            ]
        );
        assert_eq!(
            errors(r#"syntax="proto3"; message M{} extend M {}"#),
            ["1:40: Expected type name."]
        );
        assert_eq!(
            errors(r#"syntax="proto2"; message M{ oneof o {} }"#),
            ["1:38: Expected type name."]
        );
        assert_eq!(
            errors(r#"edition="2024"; import option "a.proto"; import public "b.proto";"#),
            ["1:49: imports should precede any option imports to ensure proto files can roundtrip."]
        );
    }

    #[test]
    fn pending_options_keep_the_text_their_values_need() {
        let text = "syntax = \"proto2\";\nmessage M {\n  option (x) = { a: 1 b { c: 0x2 } };\n  optional double f = 1 [(y) = 18446744073709551616, (z) = 5, (w) = {}];\n}\n";
        let file = source("t.proto", text);
        let lowered = lower(&file);
        let s = &lowered.options.snippets;
        let at = text.find("{ a").unwrap();
        let close = text[at..].find("} }").unwrap() + at + 3;
        assert_eq!(s.get(at..close), Some("{ a: 1 b { c: 0x2 } }"));
        // Any part of a piece, by file offsets.
        let c = text.find("0x2").unwrap();
        assert_eq!(s.get(c..c + 3), Some("0x2"));
        let big = text.find("1844").unwrap();
        assert_eq!(s.get(big..big + 20), Some("18446744073709551616"));
        let empty = text.find("{}").unwrap();
        assert_eq!(s.get(empty + 1..empty + 1), Some(""));
        // Small integers need no text; nothing spans two pieces or lies
        // outside them.
        let five = text.find("= 5").unwrap() + 2;
        assert_eq!(s.get(five..five + 1), None);
        assert_eq!(s.get(0..5), None);
        assert_eq!(s.get(c..big + 1), None);
    }

    #[test]
    fn pending_option_names_keep_their_parts() {
        let text = "syntax = \"proto2\";\nmessage M {\n  option (a.b).c.(.d.e) = 1;\n  option ( x ) . y = { z: 1 };\n  optional int32 f = 1 [deprecated = true];\n}\n";
        let file = source("t.proto", text);
        let lowered = lower(&file);
        type Summary = (String, Vec<(String, bool)>, Vec<String>);
        let got: Vec<Summary> = lowered
            .options
            .list
            .iter()
            .map(|o| {
                let parts: Vec<(String, bool)> = o
                    .name_parts()
                    .map(|(p, ext)| (p.to_string(), ext))
                    .collect();
                let upto = (0..=parts.len())
                    .map(|n| o.name_upto(n).to_string())
                    .collect();
                (o.name.to_string(), parts, upto)
            })
            .collect();
        let s = |x: &str| x.to_string();
        assert_eq!(
            got,
            vec![
                (
                    s("(a.b).c.(.d.e)"),
                    vec![(s("a.b"), true), (s("c"), false), (s(".d.e"), true)],
                    vec![s(""), s("(a.b)"), s("(a.b).c"), s("(a.b).c.(.d.e)")],
                ),
                (
                    s("(x).y"),
                    vec![(s("x"), true), (s("y"), false)],
                    vec![s(""), s("(x)"), s("(x).y")],
                ),
                (
                    s("deprecated"),
                    vec![(s("deprecated"), false)],
                    vec![s(""), s("deprecated")],
                ),
            ]
        );
        // The aggregate keeps its span (braces included) and no parsed fields.
        let PendingValue::Aggregate(span) = lowered.options.list[1].value else {
            panic!("an aggregate: {:?}", lowered.options.list[1].value);
        };
        assert_eq!(&text[span.range()], "{ z: 1 }");
    }

    #[test]
    fn pending_options_point_at_their_locations() {
        let text = "syntax = \"proto3\";\noption java_package = \"x\";\nmessage M {\n  map<string, int32> m = 1 [features.x = 1, deprecated = true];\n}\n";
        let file = source("t.proto", text);
        let lowered = lower(&file);
        let info = lowered.proto.source_code_info.as_ref().unwrap();
        let summary: Vec<(Vec<i32>, OptionsKind, Option<Vec<i32>>)> = lowered
            .options
            .iter()
            .map(|(target, o)| {
                (
                    target.to_vec(),
                    o.kind,
                    o.location_index
                        .map(|i| info.location[i as usize].path.to_vec()),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (vec![], OptionsKind::File, Some(vec![8, 999, 0])),
                (
                    vec![4, 0, 2, 0],
                    OptionsKind::Field,
                    Some(vec![4, 0, 2, 0, 8, 999, 0])
                ),
                (
                    vec![4, 0, 2, 0],
                    OptionsKind::Field,
                    Some(vec![4, 0, 2, 0, 8, 999, 1])
                ),
                (vec![4, 0, 3, 0, 2, 0], OptionsKind::Field, None),
                (vec![4, 0, 3, 0, 2, 1], OptionsKind::Field, None),
            ]
        );
        let m = text.find("M {").unwrap();
        assert_eq!(lowered.spans[&vec![4, 0, 1]], Span::new(m, m + 1));
        let entry = &lowered.proto.message_type[0].nested_type[0];
        assert_eq!(entry.name.as_deref(), Some("MEntry"));
        assert!(entry.field.iter().all(|f| f.options.is_some()));
    }

    // ---------------------------------------------------------- goldens

    /// Masks what the linker decides, as scripts/check-lower.py does.
    fn empty_options<T: Default>(o: &mut Option<T>) {
        if o.is_some() {
            *o = Some(T::default());
        }
    }

    fn mask_field(f: &mut FieldDescriptorProto) {
        if matches!(f.r#type, Some(Type::TYPE_MESSAGE | Type::TYPE_ENUM)) {
            f.r#type = None;
        }
        if f.r#type.is_none() || f.r#type == Some(Type::TYPE_GROUP) {
            f.type_name = None;
        }
        f.extendee = None;
        empty_options(&mut f.options);
    }

    fn mask_message(m: &mut DescriptorProto) {
        let map_entry = m.options.as_ref().and_then(|o| o.map_entry);
        empty_options(&mut m.options);
        if let Some(o) = &mut m.options {
            o.map_entry = map_entry;
        }
        m.field.iter_mut().for_each(mask_field);
        m.extension.iter_mut().for_each(mask_field);
        m.nested_type.iter_mut().for_each(mask_message);
        m.enum_type.iter_mut().for_each(mask_enum);
        m.oneof_decl
            .iter_mut()
            .for_each(|o| empty_options(&mut o.options));
        m.extension_range
            .iter_mut()
            .for_each(|r| empty_options(&mut r.options));
    }

    fn mask_enum(e: &mut EnumDescriptorProto) {
        empty_options(&mut e.options);
        e.value
            .iter_mut()
            .for_each(|v| empty_options(&mut v.options));
    }

    fn mask(
        mut fd: FileDescriptorProto,
        option_locs: &HashMap<usize, usize>,
    ) -> FileDescriptorProto {
        empty_options(&mut fd.options);
        fd.message_type.iter_mut().for_each(mask_message);
        fd.enum_type.iter_mut().for_each(mask_enum);
        fd.extension.iter_mut().for_each(mask_field);
        for s in &mut fd.service {
            empty_options(&mut s.options);
            for m in &mut s.method {
                m.input_type = None;
                m.output_type = None;
                empty_options(&mut m.options);
            }
        }
        if let Some(info) = &mut fd.source_code_info {
            for (i, loc) in info.location.iter_mut().enumerate() {
                if let Some(&keep) = option_locs.get(&i) {
                    loc.path.truncate(keep);
                }
            }
        }
        fd
    }

    /// Every `fixtures/lower/*.proto` lowers to what protoc 35.1 wrote for
    /// it (`*.pb`, see fixtures/lower/README.md), up to the linker's part.
    #[test]
    fn fixtures_match_protoc_goldens() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lower");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("fixtures/lower")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".proto"))
            .collect();
        names.sort();
        assert!(names.len() >= 5, "fixtures missing: {names:?}");
        for name in names {
            let loaded = crate::load::load(
                std::slice::from_ref(&name),
                &crate::load::LoadOptions {
                    roots: vec![dir.clone()],
                    builtin_wkt: true,
                    skip_comments: false,
                    lower: false,
                    release_text: false,
                    wire_locations: false,
                },
            );
            let file = &loaded.files[loaded.inputs[0]];
            let lowered = lower(file);
            assert!(
                lowered.diagnostics.is_empty(),
                "{name}: {:?}",
                lowered.diagnostics
            );
            let golden_path = dir.join(name.replace(".proto", ".pb"));
            let bytes = std::fs::read(&golden_path).expect("golden .pb");
            let set: FileDescriptorSet = decode(&bytes).expect("decode golden");
            let golden = set.file.into_iter().next().expect("one file");
            let locs: HashMap<usize, usize> = lowered
                .options
                .iter()
                .filter_map(|(t, o)| Some((o.location_index? as usize, t.len() + 1)))
                .collect();
            let want = mask(golden, &locs);
            let got = mask(lowered.proto, &locs);
            if want != got {
                let w = format!("{want:#?}");
                let g = format!("{got:#?}");
                let at = w
                    .lines()
                    .zip(g.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let ctx = |s: &str| {
                    s.lines()
                        .skip(at.saturating_sub(8))
                        .take(16)
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                panic!(
                    "{name} differs from protoc at line {at}:\n--- protoc\n{}\n--- ours\n{}",
                    ctx(&w),
                    ctx(&g)
                );
            }
        }
    }

    #[test]
    fn g_formatting_matches_c() {
        assert_eq!(format_g(1.0, 6), "1");
        assert_eq!(format_g(0.1, 15), "0.1");
        assert_eq!(format_g(1e-5, 6), "1e-05");
        assert_eq!(format_g(123456789.0, 6), "1.23457e+08");
        assert_eq!(format_g(1e100, 15), "1e+100");
        assert_eq!(format_g(-0.0, 15), "-0");
        assert_eq!(simple_dtoa(1.2345678901234567), "1.2345678901234567");
        assert_eq!(simple_ftoa(1.234_567_9), "1.23456788");
        assert_eq!(simple_dtoa(1e-320), "9.99988867182683e-321");
    }

    #[test]
    fn names() {
        assert_eq!(map_entry_name("foo_bar"), "FooBarEntry");
        assert_eq!(map_entry_name("_x1y"), "X1yEntry");
        assert_eq!(json_name("foo_bar_baz"), "fooBarBaz");
        assert_eq!(json_name("_foo"), "Foo");
        // Non-ASCII letters pass through unchanged, even after '_'.
        assert_eq!(json_name("a_é_b"), "aéB");
        // Runs of underscores, and a trailing one.
        assert_eq!(json_name("a__b_"), "aB");
        assert_eq!(json_name("__"), "");
        assert_eq!(json_name("x_1y"), "x1y");
        // is_json_name agrees with json_name, and only with it.
        for f in ["foo_bar_baz", "_foo", "a_é_b", "a__b_", "__", "x_1y", ""] {
            assert!(is_json_name(f, &json_name(f)), "{f}");
            assert!(!is_json_name(f, &format!("{}x", json_name(f))), "{f}");
        }
        assert!(!is_json_name("foo_bar", "fooBa"));
        assert!(!is_json_name("foo_bar", "foo_bar"));
    }

    #[test]
    fn escapes_bytes_like_protoc() {
        assert_eq!(
            c_escape(b"a\x01\n\"'\\\x7f\xff"),
            "a\\001\\n\\\"\\'\\\\\\177\\377"
        );
    }
}
