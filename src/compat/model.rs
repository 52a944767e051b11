//! One side of a comparison: the files of an image, indexed by the names
//! and numbers the rules pair elements on, with resolved edition features
//! and source locations.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::source_code_info::Location;
use crate::descriptor::wire::{Reader, WireType};
use crate::descriptor::*;
use crate::descriptor::{decode, DecodeError};

/// A file of an input, with where to show it.
#[derive(Clone, Debug)]
pub struct ImageFile {
    pub fd: FileDescriptorProto,
    /// Files that are only there because something imports them (a buf
    /// image marks them; `--exclude-imports` drops them).
    pub is_import: bool,
    /// The path printed in findings (buf prints the path on disk for
    /// directory inputs and the file name for images).
    pub display: String,
    /// The .proto text, when known (directory inputs, or descriptor sets
    /// with a source root): used to place a few locations exactly as buf's
    /// compiler records them, and for the side-by-side view.
    pub source: Option<Arc<str>>,
    /// Undecoded `source_code_info` of a file read from a descriptor set;
    /// decoded on first use, so that checking two large sets stays small
    /// in memory.
    pub raw_source_info: Option<RawBytes>,
    pub(crate) parsed_source_info: OnceLock<Option<SourceCodeInfo>>,
}

/// A slice of a shared buffer.
#[derive(Clone, Debug)]
pub struct RawBytes {
    pub data: Arc<[u8]>,
    pub start: usize,
    pub end: usize,
}

impl RawBytes {
    pub fn bytes(&self) -> &[u8] {
        self.data.get(self.start..self.end).unwrap_or(&[])
    }
}

impl ImageFile {
    /// A file with everything in its descriptor.
    pub fn new(fd: FileDescriptorProto, is_import: bool, display: String) -> ImageFile {
        ImageFile {
            fd,
            is_import,
            display,
            source: None,
            raw_source_info: None,
            parsed_source_info: OnceLock::new(),
        }
    }

    /// The file's source code info, decoding it on first use.
    pub fn source_info(&self) -> Option<&SourceCodeInfo> {
        if let Some(s) = &self.fd.source_code_info {
            return Some(s);
        }
        self.parsed_source_info
            .get_or_init(|| {
                self.raw_source_info
                    .as_ref()
                    .and_then(|r| decode::<SourceCodeInfo>(r.bytes()).ok())
            })
            .as_ref()
    }
}

/// The files of one input.
#[derive(Clone, Debug, Default)]
pub struct Image {
    pub files: Vec<ImageFile>,
}

impl Image {
    /// Wraps a descriptor set: a buf image marks imports in the extension
    /// field 8042 (`buf_extension`, field 1 `is_import`); a protoc set has
    /// no marks, so every file counts.
    pub fn from_set(set: FileDescriptorSet) -> Image {
        let files = set
            .file
            .into_iter()
            .map(|fd| {
                let is_import = buf_is_import(&fd.unknown);
                let display = fd.name().to_string();
                ImageFile::new(fd, is_import, display)
            })
            .collect();
        Image { files }
    }

    /// Reads a serialized descriptor set (or buf image) file by file,
    /// keeping each file's source code info undecoded until a finding
    /// needs it.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Image, DecodeError> {
        let data: Arc<[u8]> = bytes.into();
        let mut files = Vec::new();
        let mut r = Reader::new(&data);
        while !r.is_empty() {
            let (n, wt) = r.read_tag()?;
            if n != 1 || wt != WireType::LengthDelimited {
                r.skip_field(n, wt, 100)?;
                continue;
            }
            let body = r.read_len_delimited()?;
            let body_start = r.pos() - body.len();
            let mut fd: FileDescriptorProto = decode(body)?;
            fd.source_code_info = None;
            let raw_source_info = field_range(body, 9).map(|(s, e)| RawBytes {
                data: data.clone(),
                start: body_start + s,
                end: body_start + e,
            });
            let is_import = buf_is_import(&fd.unknown);
            let display = fd.name().to_string();
            let mut f = ImageFile::new(fd, is_import, display);
            f.raw_source_info = raw_source_info;
            files.push(f);
        }
        Ok(Image { files })
    }
}

/// The byte range of the (last) length-delimited field `number`.
fn field_range(bytes: &[u8], number: u32) -> Option<(usize, usize)> {
    let mut r = Reader::new(bytes);
    let mut found = None;
    while !r.is_empty() {
        let (n, wt) = r.read_tag().ok()?;
        if n == number && wt == WireType::LengthDelimited {
            let body = r.read_len_delimited().ok()?;
            found = Some((r.pos() - body.len(), r.pos()));
        } else {
            r.skip_field(n, wt, 100).ok()?;
        }
    }
    found
}

/// Reads `buf_extension.is_import` from the unknown bytes of a file.
fn buf_is_import(unknown: &[u8]) -> bool {
    let Some(ext) = last_len_field(unknown, 8042) else {
        return false;
    };
    last_varint_field(ext, 1).is_some_and(|v| v != 0)
}

/// The last length-delimited field `number` in `bytes`, if any.
pub(crate) fn last_len_field(bytes: &[u8], number: u32) -> Option<&[u8]> {
    let mut r = Reader::new(bytes);
    let mut found = None;
    while !r.is_empty() {
        let (n, wt) = r.read_tag().ok()?;
        if n == number && wt == WireType::LengthDelimited {
            found = Some(r.read_len_delimited().ok()?);
        } else {
            r.skip_field(n, wt, 0).ok()?;
        }
    }
    found
}

/// The last varint field `number` in `bytes`, if any.
pub(crate) fn last_varint_field(bytes: &[u8], number: u32) -> Option<u64> {
    let mut r = Reader::new(bytes);
    let mut found = None;
    while !r.is_empty() {
        let (n, wt) = r.read_tag().ok()?;
        if n == number && wt == WireType::Varint {
            found = Some(r.read_varint().ok()?);
        } else {
            r.skip_field(n, wt, 0).ok()?;
        }
    }
    found
}

/// How a file declares its syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Proto2,
    Proto3,
    Editions(i32),
}

impl Syntax {
    fn of(fd: &FileDescriptorProto) -> Syntax {
        match fd.syntax.as_deref() {
            Some("proto3") => Syntax::Proto3,
            Some("editions") => {
                Syntax::Editions(fd.edition.map(|e| e.0).unwrap_or(Edition::EDITION_2023.0))
            }
            _ => Syntax::Proto2,
        }
    }

    /// The name buf prints for FILE_SAME_SYNTAX.
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Proto2 => "proto2",
            Syntax::Proto3 => "proto3",
            Syntax::Editions(_) => "editions",
        }
    }
}

/// Resolved feature values (numbers of the `FeatureSet` enums and of the
/// C++ and Java language features).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    pub presence: i32,
    pub enum_type: i32,
    pub utf8: i32,
    pub message_encoding: i32,
    pub json_format: i32,
    /// `pb.CppFeatures.StringType`: 1 VIEW, 2 CORD, 3 STRING.
    pub cpp_string_type: i32,
    /// `pb.JavaFeatures.Utf8Validation`: 1 DEFAULT, 2 VERIFY.
    pub java_utf8: i32,
}

pub const PRESENCE_EXPLICIT: i32 = 1;
pub const PRESENCE_IMPLICIT: i32 = 2;
pub const PRESENCE_LEGACY_REQUIRED: i32 = 3;
pub const ENUM_CLOSED: i32 = 2;
pub const ENCODING_DELIMITED: i32 = 2;
pub const JSON_ALLOW: i32 = 1;

impl Features {
    /// Defaults of a syntax or edition (see FeatureSet's edition_defaults).
    pub fn defaults(syntax: Syntax) -> Features {
        let (proto2, edition) = match syntax {
            Syntax::Proto2 => (true, 998),
            Syntax::Proto3 => (false, 999),
            Syntax::Editions(e) => (false, e),
        };
        Features {
            presence: if proto2 || edition >= 1000 {
                PRESENCE_EXPLICIT
            } else {
                PRESENCE_IMPLICIT
            },
            enum_type: if proto2 { ENUM_CLOSED } else { 1 },
            utf8: if proto2 { 3 } else { 2 },
            message_encoding: 1,
            json_format: if proto2 { 2 } else { JSON_ALLOW },
            cpp_string_type: if edition >= 1001 { 1 } else { 3 },
            java_utf8: 1,
        }
    }

    /// Applies the features set on an element.
    pub fn merge(mut self, set: Option<&FeatureSet>) -> Features {
        let Some(set) = set else {
            return self;
        };
        let pick = |cur: &mut i32, v: Option<i32>| {
            if let Some(v) = v.filter(|v| *v != 0) {
                *cur = v;
            }
        };
        pick(&mut self.presence, set.field_presence.map(|v| v.0));
        pick(&mut self.enum_type, set.enum_type.map(|v| v.0));
        pick(&mut self.utf8, set.utf8_validation.map(|v| v.0));
        pick(
            &mut self.message_encoding,
            set.message_encoding.map(|v| v.0),
        );
        pick(&mut self.json_format, set.json_format.map(|v| v.0));
        if !set.unknown.is_empty() {
            if let Some(cpp) = last_len_field(&set.unknown, 1000) {
                pick(
                    &mut self.cpp_string_type,
                    last_varint_field(cpp, 2).map(|v| v as i32),
                );
            }
            if let Some(java) = last_len_field(&set.unknown, 1001) {
                pick(
                    &mut self.java_utf8,
                    last_varint_field(java, 2).map(|v| v as i32),
                );
            }
        }
        self
    }
}

/// A 1-based span as buf prints it (end column is exclusive + 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start_line: u32,
    pub start_col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    pub fn from_location(l: &Location) -> Span {
        let s = &l.span;
        let g = |i: usize| s.get(i).copied().unwrap_or(0).max(0) as u32 + 1;
        if s.len() == 4 {
            Span {
                start_line: g(0),
                start_col: g(1),
                end_line: g(2),
                end_col: g(3),
            }
        } else {
            Span {
                start_line: g(0),
                start_col: g(1),
                end_line: g(0),
                end_col: g(2),
            }
        }
    }

    /// What buf prints when a finding has a file but no location.
    pub const FILE_START: Span = Span {
        start_line: 1,
        start_col: 1,
        end_line: 1,
        end_col: 1,
    };
}

/// A file with its source locations (indexed on first use).
pub struct FileView<'a> {
    pub img: &'a ImageFile,
    pub syntax: Syntax,
    pub features: Features,
    /// Indices of the file's messages, enums, extensions and services.
    pub msgs: Vec<usize>,
    pub enums: Vec<usize>,
    pub exts: Vec<usize>,
    pub svcs: Vec<usize>,
    locs: OnceLock<HashMap<&'a [i32], &'a Location>>,
}

impl<'a> FileView<'a> {
    pub fn fd(&self) -> &'a FileDescriptorProto {
        &self.img.fd
    }

    pub fn name(&self) -> &'a str {
        self.img.fd.name()
    }

    fn all_locations(&self) -> &'a [Location] {
        self.img
            .source_info()
            .map(|s| s.location.as_slice())
            .unwrap_or(&[])
    }

    pub fn has_locations(&self) -> bool {
        !self.all_locations().is_empty()
    }

    /// The first location with exactly this path.
    pub fn loc(&self, path: &[i32]) -> Option<&'a Location> {
        let all = self.all_locations();
        if all.is_empty() {
            return None;
        }
        let map = self.locs.get_or_init(|| {
            let mut m = HashMap::with_capacity(all.len());
            for l in all {
                m.entry(l.path.as_slice()).or_insert(l);
            }
            m
        });
        map.get(path).copied()
    }

    /// Location of an option value nested below `path` (e.g. a custom
    /// feature): the deepest recorded ancestor that is at least
    /// `min_len` long, or the first recorded descendant.
    pub fn option_loc(&self, path: &[i32], min_len: usize) -> Option<&'a Location> {
        let mut best: Option<&Location> = None;
        for l in self.all_locations() {
            let lp = l.path.as_slice();
            if lp.len() >= min_len
                && path.starts_with(lp)
                && best.is_none_or(|b| lp.len() > b.path.len())
            {
                best = Some(l);
            } else if lp.starts_with(path) {
                return Some(l);
            }
        }
        best
    }
}

/// A message.
pub struct Msg<'a> {
    pub file: usize,
    pub path: Vec<i32>,
    pub d: &'a DescriptorProto,
    pub full: String,
    /// Full name without the package.
    pub nested: String,
    pub parent: Option<usize>,
    pub features: Features,
    /// Indices into [`Side::fields`] of the message's own fields.
    pub fields: Vec<usize>,
}

impl Msg<'_> {
    pub fn is_map_entry(&self) -> bool {
        self.d
            .options
            .as_ref()
            .and_then(|o| o.map_entry)
            .unwrap_or(false)
    }
}

/// An enum.
pub struct Enm<'a> {
    pub file: usize,
    pub path: Vec<i32>,
    pub d: &'a EnumDescriptorProto,
    pub full: String,
    pub nested: String,
    pub features: Features,
}

/// A field or an extension.
pub struct Fld<'a> {
    pub file: usize,
    pub path: Vec<i32>,
    pub d: &'a FieldDescriptorProto,
    /// The message holding a field, or the scope an extension is declared in.
    pub parent: Option<usize>,
    pub is_ext: bool,
    pub full: String,
    pub nested: String,
    pub features: Features,
}

impl Fld<'_> {
    pub fn number(&self) -> i32 {
        self.d.number.unwrap_or(0)
    }

    pub fn ty(&self) -> Type {
        self.d.r#type.unwrap_or(Type(0))
    }

    pub fn label(&self) -> Label {
        self.d.label.unwrap_or(Label::LABEL_OPTIONAL)
    }

    pub fn type_name(&self) -> &str {
        self.d.type_name.as_deref().unwrap_or("")
    }

    pub fn extendee(&self) -> &str {
        self.d.extendee.as_deref().unwrap_or("")
    }
}

/// A service.
pub struct Svc<'a> {
    pub file: usize,
    pub path: Vec<i32>,
    pub d: &'a ServiceDescriptorProto,
    pub full: String,
}

/// One side of the comparison, indexed.
pub struct Side<'a> {
    pub files: Vec<FileView<'a>>,
    pub file_by_name: HashMap<&'a str, usize>,
    pub msgs: Vec<Msg<'a>>,
    pub msg_by_full: HashMap<String, usize>,
    pub enums: Vec<Enm<'a>>,
    pub enum_by_full: HashMap<String, usize>,
    pub fields: Vec<Fld<'a>>,
    /// Indices into `fields` of every extension.
    pub exts: Vec<usize>,
    pub svcs: Vec<Svc<'a>>,
    pub svc_by_full: HashMap<String, usize>,
}

fn join(scope: &str, name: &str) -> String {
    crate::descriptor::join_name(scope, name)
}

fn sub(path: &[i32], a: i32, b: usize) -> Vec<i32> {
    let mut p = Vec::with_capacity(path.len() + 2);
    p.extend_from_slice(path);
    p.push(a);
    p.push(b as i32);
    p
}

impl<'a> Side<'a> {
    pub fn new(image: &'a Image) -> Side<'a> {
        let mut side = Side {
            files: Vec::with_capacity(image.files.len()),
            file_by_name: HashMap::new(),
            msgs: Vec::new(),
            msg_by_full: HashMap::new(),
            enums: Vec::new(),
            enum_by_full: HashMap::new(),
            fields: Vec::new(),
            exts: Vec::new(),
            svcs: Vec::new(),
            svc_by_full: HashMap::new(),
        };
        for (fi, img) in image.files.iter().enumerate() {
            let fd = &img.fd;
            let syntax = Syntax::of(fd);
            let features = Features::defaults(syntax)
                .merge(fd.options.as_ref().and_then(|o| o.features.as_ref()));
            side.files.push(FileView {
                img,
                syntax,
                features,
                msgs: Vec::new(),
                enums: Vec::new(),
                exts: Vec::new(),
                svcs: Vec::new(),
                locs: OnceLock::new(),
            });
            side.file_by_name.entry(fd.name()).or_insert(fi);
            let pkg = fd.package();
            for (i, m) in fd.message_type.iter().enumerate() {
                side.add_message(fi, pkg, "", None, m, vec![4, i as i32], features);
            }
            for (i, e) in fd.enum_type.iter().enumerate() {
                side.add_enum(fi, pkg, "", e, vec![5, i as i32], features);
            }
            for (i, x) in fd.extension.iter().enumerate() {
                side.add_field(fi, pkg, "", None, x, vec![7, i as i32], features, true);
            }
            for (i, s) in fd.service.iter().enumerate() {
                let full = join(pkg, s.name());
                side.svc_by_full
                    .entry(full.clone())
                    .or_insert(side.svcs.len());
                side.files[fi].svcs.push(side.svcs.len());
                side.svcs.push(Svc {
                    file: fi,
                    path: vec![6, i as i32],
                    d: s,
                    full,
                });
            }
        }
        side
    }

    #[allow(clippy::too_many_arguments)]
    fn add_message(
        &mut self,
        fi: usize,
        pkg: &str,
        scope: &str,
        parent: Option<usize>,
        m: &'a DescriptorProto,
        path: Vec<i32>,
        scope_features: Features,
    ) {
        let nested = join(scope, m.name());
        let full = join(pkg, &nested);
        let features = scope_features.merge(m.options.as_ref().and_then(|o| o.features.as_ref()));
        let idx = self.msgs.len();
        self.msg_by_full.entry(full.clone()).or_insert(idx);
        self.files[fi].msgs.push(idx);
        self.msgs.push(Msg {
            file: fi,
            path: path.clone(),
            d: m,
            full,
            nested: nested.clone(),
            parent,
            features,
            fields: Vec::new(),
        });
        for (i, f) in m.field.iter().enumerate() {
            let mut ff = features;
            if let Some(o) = f.oneof_index.and_then(|o| m.oneof_decl.get(o as usize)) {
                ff = ff.merge(o.options.as_ref().and_then(|o| o.features.as_ref()));
            }
            let fidx = self.fields.len();
            self.add_field(fi, pkg, &nested, Some(idx), f, sub(&path, 2, i), ff, false);
            self.msgs[idx].fields.push(fidx);
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            self.add_message(fi, pkg, &nested, Some(idx), n, sub(&path, 3, i), features);
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.add_enum(fi, pkg, &nested, e, sub(&path, 4, i), features);
        }
        for (i, x) in m.extension.iter().enumerate() {
            self.add_field(
                fi,
                pkg,
                &nested,
                Some(idx),
                x,
                sub(&path, 6, i),
                features,
                true,
            );
        }
    }

    fn add_enum(
        &mut self,
        fi: usize,
        pkg: &str,
        scope: &str,
        e: &'a EnumDescriptorProto,
        path: Vec<i32>,
        scope_features: Features,
    ) {
        let nested = join(scope, e.name());
        let full = join(pkg, &nested);
        let features = scope_features.merge(e.options.as_ref().and_then(|o| o.features.as_ref()));
        self.enum_by_full
            .entry(full.clone())
            .or_insert(self.enums.len());
        self.files[fi].enums.push(self.enums.len());
        self.enums.push(Enm {
            file: fi,
            path,
            d: e,
            full,
            nested,
            features,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn add_field(
        &mut self,
        fi: usize,
        pkg: &str,
        scope: &str,
        parent: Option<usize>,
        f: &'a FieldDescriptorProto,
        path: Vec<i32>,
        scope_features: Features,
        is_ext: bool,
    ) {
        let nested = join(scope, f.name());
        let full = join(pkg, &nested);
        let features = scope_features.merge(f.options.as_ref().and_then(|o| o.features.as_deref()));
        if is_ext {
            self.exts.push(self.fields.len());
            self.files[fi].exts.push(self.fields.len());
        }
        self.fields.push(Fld {
            file: fi,
            path,
            d: f,
            parent,
            is_ext,
            full,
            nested,
            features,
        });
    }

    pub fn file_of_msg(&self, m: &Msg) -> &FileView<'a> {
        &self.files[m.file]
    }

    /// The message a field's `type_name` names, if it is in this image.
    pub fn msg_by_type_name(&self, type_name: &str) -> Option<&Msg<'a>> {
        self.msg_by_full
            .get(type_name.strip_prefix('.').unwrap_or(type_name))
            .map(|&i| &self.msgs[i])
    }

    pub fn enum_by_type_name(&self, type_name: &str) -> Option<&Enm<'a>> {
        self.enum_by_full
            .get(type_name.strip_prefix('.').unwrap_or(type_name))
            .map(|&i| &self.enums[i])
    }

    /// Whether a field is a map (repeated, typed by a map entry).
    pub fn is_map(&self, f: &Fld) -> bool {
        f.label() == Label::LABEL_REPEATED
            && f.ty() == Type::TYPE_MESSAGE
            && self
                .msg_by_type_name(f.type_name())
                .is_some_and(|m| m.is_map_entry())
    }

    /// The field's kind as protobuf-go reports it: a message field with
    /// DELIMITED encoding under editions is a group.
    pub fn kind(&self, f: &Fld) -> Type {
        let t = f.ty();
        if t == Type::TYPE_MESSAGE
            && matches!(self.files[f.file].syntax, Syntax::Editions(_))
            && f.features.message_encoding == ENCODING_DELIMITED
            && !self.is_map(f)
            && !self.parent_is_map_entry(f)
        {
            return Type::TYPE_GROUP;
        }
        t
    }

    fn parent_is_map_entry(&self, f: &Fld) -> bool {
        !f.is_ext && f.parent.is_some_and(|p| self.msgs[p].is_map_entry())
    }

    pub fn cardinality(&self, f: &Fld) -> Cardinality {
        if f.label() == Label::LABEL_REPEATED {
            return if self.is_map(f) {
                Cardinality::Map
            } else {
                Cardinality::Repeated
            };
        }
        let editions = matches!(self.files[f.file].syntax, Syntax::Editions(_));
        if f.label() == Label::LABEL_REQUIRED
            || (editions && f.features.presence == PRESENCE_LEGACY_REQUIRED)
        {
            return Cardinality::Required;
        }
        let kind = self.kind(f);
        let presence = f.is_ext
            || kind == Type::TYPE_MESSAGE
            || kind == Type::TYPE_GROUP
            || f.d.oneof_index.is_some()
            || match self.files[f.file].syntax {
                Syntax::Proto2 => true,
                Syntax::Proto3 => f.d.proto3_optional.unwrap_or(false),
                Syntax::Editions(_) => f.features.presence != PRESENCE_IMPLICIT,
            };
        if presence {
            Cardinality::Explicit
        } else {
            Cardinality::Implicit
        }
    }

    /// Whether an oneof of a message is the synthetic one of a proto3
    /// `optional` field.
    pub fn oneof_is_synthetic(&self, m: &Msg, index: usize) -> bool {
        let mut members =
            m.d.field
                .iter()
                .filter(|f| f.oneof_index == Some(index as i32));
        match (members.next(), members.next()) {
            (Some(f), None) => f.proto3_optional.unwrap_or(false),
            _ => false,
        }
    }

    /// Location of a message, falling back to its map field's type for a
    /// synthesized map entry.
    pub fn msg_loc(&self, m: &Msg) -> Option<Loc> {
        let f = &self.files[m.file];
        if let Some(l) = f.loc(&m.path) {
            return Some(Loc::new(m.file, l));
        }
        self.map_entry_loc(m)
    }

    fn map_entry_loc(&self, m: &Msg) -> Option<Loc> {
        let f = &self.files[m.file];
        if !m.is_map_entry() || !f.has_locations() {
            return None;
        }
        let parent = &self.msgs[m.parent?];
        let field = parent.fields.iter().map(|&i| &self.fields[i]).find(|x| {
            x.ty() == Type::TYPE_MESSAGE
                && x.label() == Label::LABEL_REPEATED
                && x.type_name().strip_prefix('.').unwrap_or(x.type_name()) == m.full
        })?;
        self.field_sub_loc(field, 6)
    }

    /// A location at `path`, or (for fields of map entries) the map
    /// field's type.
    pub fn field_sub_loc(&self, f: &Fld, tail: i32) -> Option<Loc> {
        let fv = &self.files[f.file];
        let mut p = f.path.clone();
        if tail == 6 && f.ty() == Type::TYPE_GROUP {
            // protoc records a group's type at the `group` keyword (5) and
            // its type name at the name; buf's compiler records the type
            // name at the keyword.
            p.push(5);
            if let Some(l) = fv.loc(&p) {
                let mut l = Loc::new(f.file, l);
                if let Some(last) = l.path.last_mut() {
                    *last = 6;
                }
                return Some(l);
            }
            p.pop();
        }
        p.push(tail);
        if let Some(l) = fv.loc(&p) {
            return Some(Loc::new(f.file, l));
        }
        self.field_map_fallback(f)
    }

    /// The location of a field's `default = value` option. protoc records
    /// only the value; buf's compiler starts at the `default` keyword, so
    /// the start is moved back to it (found in the source text when known,
    /// else assumed to follow the `[` when the default is the first option).
    pub fn default_loc(&self, f: &Fld) -> Option<Loc> {
        let fv = &self.files[f.file];
        let mut p = f.path.clone();
        p.push(7);
        let mut loc = Loc::new(f.file, fv.loc(&p)?);
        if let Some(text) = fv.img.source.as_deref() {
            if let Some((line, col)) = keyword_before(text, loc.span.start_line, loc.span.start_col)
            {
                loc.span.start_line = line;
                loc.span.start_col = col;
            }
            return Some(loc);
        }
        p.pop();
        p.push(8);
        if let Some(opts) = fv.loc(&p) {
            let o = Span::from_location(opts);
            let earlier_option = fv.all_locations().iter().any(|l| {
                let lp = l.path.as_slice();
                let under = (lp.len() == p.len() + 1 && lp.starts_with(&p))
                    || (lp.len() == p.len()
                        && lp[..lp.len() - 1] == p[..p.len() - 1]
                        && lp[lp.len() - 1] == 10);
                let s = Span::from_location(l);
                under
                    && (s.start_line, s.start_col) < (loc.span.start_line, loc.span.start_col)
                    && (s.start_line, s.start_col) > (o.start_line, o.start_col)
            });
            if !earlier_option && o.start_line == loc.span.start_line {
                loc.span.start_col = o.start_col + 1;
            }
        }
        Some(loc)
    }

    fn field_map_fallback(&self, f: &Fld) -> Option<Loc> {
        if f.is_ext {
            return None;
        }
        let m = &self.msgs[f.parent?];
        self.map_entry_loc(m)
    }

    pub fn field_loc(&self, f: &Fld) -> Option<Loc> {
        if let Some(l) = self.files[f.file].loc(&f.path) {
            return Some(Loc::new(f.file, l));
        }
        self.field_map_fallback(f)
    }

    /// A location at an exact path, no fallback.
    pub fn at(&self, file: usize, path: &[i32]) -> Option<Loc> {
        self.files[file].loc(path).map(|l| Loc::new(file, l))
    }

    pub fn path_plus(&self, file: usize, base: &[i32], tail: &[i32]) -> Option<Loc> {
        let mut p = base.to_vec();
        p.extend_from_slice(tail);
        self.at(file, &p)
    }
}

/// Finds `default` `=` right before the 1-based (line, col) position in
/// `text` (columns count bytes, a tab advancing to the next multiple of 8).
fn keyword_before(text: &str, line: u32, col: u32) -> Option<(u32, u32)> {
    let l = text.lines().nth(line.checked_sub(1)? as usize)?;
    // byte offset of the column
    let mut c = 0u32;
    let mut offset = l.len();
    for (i, ch) in l.char_indices() {
        if c + 1 >= col {
            offset = i;
            break;
        }
        c = if ch == '\t' {
            (c / 8 + 1) * 8
        } else {
            c + ch.len_utf8() as u32
        };
    }
    let before = l[..offset].trim_end();
    let before = before.strip_suffix('=')?.trim_end();
    let start = before.strip_suffix("default")?.len();
    let mut c = 0u32;
    for ch in l[..start].chars() {
        c = if ch == '\t' {
            (c / 8 + 1) * 8
        } else {
            c + ch.len_utf8() as u32
        };
    }
    Some((line, c + 1))
}

/// A resolved source location in one of the side's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loc {
    pub file: usize,
    pub path: Vec<i32>,
    pub span: Span,
}

impl Loc {
    pub fn new(file: usize, l: &Location) -> Loc {
        Loc {
            file,
            path: l.path.to_vec(),
            span: Span::from_location(l),
        }
    }
}

/// Field cardinality as the rules name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cardinality {
    Explicit,
    Implicit,
    Required,
    Repeated,
    Map,
}

impl Cardinality {
    pub fn name(self) -> &'static str {
        match self {
            Cardinality::Explicit => "optional with explicit presence",
            Cardinality::Implicit => "optional with implicit presence",
            Cardinality::Required => "required",
            Cardinality::Repeated => "repeated",
            Cardinality::Map => "map",
        }
    }

    pub fn wire_group(self) -> u8 {
        match self {
            Cardinality::Explicit | Cardinality::Implicit => 1,
            Cardinality::Required => 2,
            Cardinality::Repeated | Cardinality::Map => 3,
        }
    }

    pub fn wire_json_group(self) -> u8 {
        match self {
            Cardinality::Map => 4,
            c => c.wire_group(),
        }
    }
}

/// protobuf-go's lower-case kind names.
pub fn kind_name(t: Type) -> &'static str {
    match t {
        Type::TYPE_DOUBLE => "double",
        Type::TYPE_FLOAT => "float",
        Type::TYPE_INT64 => "int64",
        Type::TYPE_UINT64 => "uint64",
        Type::TYPE_INT32 => "int32",
        Type::TYPE_FIXED64 => "fixed64",
        Type::TYPE_FIXED32 => "fixed32",
        Type::TYPE_BOOL => "bool",
        Type::TYPE_STRING => "string",
        Type::TYPE_GROUP => "group",
        Type::TYPE_MESSAGE => "message",
        Type::TYPE_BYTES => "bytes",
        Type::TYPE_UINT32 => "uint32",
        Type::TYPE_ENUM => "enum",
        Type::TYPE_SFIXED32 => "sfixed32",
        Type::TYPE_SFIXED64 => "sfixed64",
        Type::TYPE_SINT32 => "sint32",
        Type::TYPE_SINT64 => "sint64",
        _ => "<unknown>",
    }
}
