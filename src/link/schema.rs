//! Message schemas for option interpretation: the compilation's own files
//! (after name resolution) plus the built-in `descriptor.proto`, which
//! defines the standard options messages whether or not a file imports it.

use std::cell::RefCell;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::dynamic::{FieldInfo, Schema};
use super::recent::Recent;
use super::symbols::Symbols;
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::pool::{message_at, SymbolKind};
use crate::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};
use crate::syntax::ast::{OptionDecl, OptionValue, TextFieldName, TextValue};

/// Explicit settings that decide how a field is encoded, read from the
/// option statements before they are interpreted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub packed: Option<bool>,
    pub source_retention: bool,
    /// `features.repeated_field_encoding`: Some(true) = PACKED, Some(false) = EXPANDED.
    pub repeated_packed: Option<bool>,
    /// `features.message_encoding = DELIMITED`.
    pub delimited: Option<bool>,
    /// `message_set_wire_format = true` (on a message).
    pub message_set: bool,
}

impl Flags {
    /// Takes in the encoding-relevant setting of one option statement of
    /// the element, if it has one (statements are noted in source order).
    pub fn note(&mut self, decl: &OptionDecl) {
        let f = self;
        let parts = &decl.name.parts;
        if parts.iter().any(|p| p.is_extension) {
            return;
        }
        let ident = match &decl.value {
            OptionValue::Ident {
                ident,
                negative: false,
                ..
            } => Some(ident.name.as_str()),
            _ => None,
        };
        let first = parts.first().map(|p| p.name.as_str());
        let second = parts.get(1).map(|p| p.name.as_str());
        let names = (first.as_deref(), second.as_deref(), parts.len());
        match (names, ident) {
            ((Some("packed"), _, 1), Some(v)) => f.packed = Some(v == "true"),
            ((Some("retention"), _, 1), Some(v)) => f.source_retention = v == "RETENTION_SOURCE",
            ((Some("message_set_wire_format"), _, 1), Some(v)) => f.message_set = v == "true",
            ((Some("features"), Some("repeated_field_encoding"), 2), Some(v)) => {
                f.repeated_packed = Some(v == "PACKED")
            }
            ((Some("features"), Some("message_encoding"), 2), Some(v)) => {
                f.delimited = Some(v == "DELIMITED")
            }
            ((Some("features"), _, 1), None) => {
                if let OptionValue::Aggregate(a) = &decl.value {
                    for tf in &a.fields {
                        if let (TextFieldName::Ident(n), TextValue::Ident { ident, .. }) =
                            (&tf.name, &tf.value)
                        {
                            match n.name.as_str() {
                                "repeated_field_encoding" => {
                                    f.repeated_packed = Some(ident.name == "PACKED")
                                }
                                "message_encoding" => f.delimited = Some(ident.name == "DELIMITED"),
                                _ => {}
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Each element's flags, by descriptor path, for the elements of one file
/// that have option statements.
pub type FileFlags = FxHashMap<Vec<i32>, Flags>;

/// The linked files of one compilation, indexed for option interpretation.
pub struct SchemaData {
    pub files: Vec<FileDescriptorProto>,
    pub symbols: Symbols,
    /// Extendee full name -> number -> (file, path) of the extension.
    extensions: FxHashMap<String, FxHashMap<i32, (usize, Vec<i32>)>>,
    /// Per file: element path -> explicit flags of fields, messages and
    /// the file itself (looked up without allocating).
    flags: Vec<FileFlags>,
}

fn ext_key(extendee: &str) -> String {
    extendee.strip_prefix('.').unwrap_or(extendee).to_string()
}

impl SchemaData {
    pub fn new(
        files: Vec<FileDescriptorProto>,
        symbols: Symbols,
        flags: Vec<FileFlags>,
    ) -> SchemaData {
        let mut extensions: FxHashMap<String, FxHashMap<i32, (usize, Vec<i32>)>> =
            FxHashMap::default();
        for (_, e) in symbols.iter() {
            if e.kind == SymbolKind::Extension {
                if let Some(f) = crate::descriptor::pool::field_at(&files[e.file], e.path) {
                    if let (Some(x), Some(n)) = (&f.extendee, f.number) {
                        extensions
                            .entry(ext_key(x))
                            .or_default()
                            .entry(n)
                            .or_insert((e.file, e.path.to_vec()));
                    }
                }
            }
        }
        SchemaData {
            files,
            symbols,
            extensions,
            flags,
        }
    }

    /// A message by full name: (file, path, descriptor).
    pub fn message(&self, name: &str) -> Option<(usize, &[i32], &DescriptorProto)> {
        let e = self.symbols.get(name)?;
        if e.kind != SymbolKind::Message {
            return None;
        }
        let m = message_at(&self.files[e.file], e.path)?;
        Some((e.file, e.path, m))
    }

    pub fn enum_type(&self, name: &str) -> Option<&EnumDescriptorProto> {
        let e = self.symbols.get(name)?;
        if e.kind != SymbolKind::Enum {
            return None;
        }
        crate::descriptor::pool::enum_at(&self.files[e.file], e.path)
    }

    /// An extension of `extendee` by number.
    pub fn extension(
        &self,
        extendee: &str,
        number: i32,
    ) -> Option<(usize, &[i32], &FieldDescriptorProto)> {
        let (f, p) = self.extensions.get(extendee)?.get(&number)?;
        Some((
            *f,
            p,
            crate::descriptor::pool::field_at(&self.files[*f], p)?,
        ))
    }

    /// Encoding facts for the field at (file, path).
    pub fn info<'a>(
        &'a self,
        file: usize,
        path: &[i32],
        field: &'a FieldDescriptorProto,
    ) -> FieldInfo<'a> {
        let flags = self.flags.get(file);
        let flag = |p: &[i32]| flags.and_then(|f| f.get(p));
        let own = flag(path).copied().unwrap_or_default();
        let fd = &self.files[file];
        let editions = fd.syntax.as_deref() == Some("editions");
        let proto3 = fd.syntax.as_deref() == Some("proto3");
        // Feature inheritance: the field, its enclosing messages, the file.
        let inherited = |get: fn(&Flags) -> Option<bool>| -> Option<bool> {
            if let Some(v) = get(&own) {
                return Some(v);
            }
            let mut p = path;
            while p.len() > 2 {
                p = &p[..p.len() - 2];
                if let Some(v) = flag(p).and_then(get) {
                    return Some(v);
                }
            }
            flag(&[]).and_then(get)
        };
        let ty = field.r#type.unwrap_or(Type::TYPE_MESSAGE);
        let scalar = !matches!(
            ty,
            Type::TYPE_STRING | Type::TYPE_BYTES | Type::TYPE_MESSAGE | Type::TYPE_GROUP
        );
        let repeated = field.label == Some(Label::LABEL_REPEATED);
        let packed = repeated
            && scalar
            && match own.packed {
                Some(p) => p,
                None if editions => inherited(|f| f.repeated_packed).unwrap_or(true),
                None => proto3,
            };
        // Map fields and the fields of map entries are always
        // length-prefixed, whatever `message_encoding` says.
        let is_map_entry = |m: Option<&DescriptorProto>| {
            m.and_then(|m| m.options.as_ref())
                .and_then(|o| o.map_entry)
                .unwrap_or(false)
        };
        let map_related = || {
            let t = field.type_name.as_deref().unwrap_or("");
            let in_entry = path.len() >= 2
                && path[path.len() - 2] == 2
                && is_map_entry(message_at(fd, &path[..path.len() - 2]));
            in_entry || is_map_entry(self.message(t.strip_prefix('.').unwrap_or(t)).map(|m| m.2))
        };
        let delimited = ty == Type::TYPE_MESSAGE
            && editions
            && inherited(|f| f.delimited).unwrap_or(false)
            && !map_related();
        FieldInfo {
            field,
            packed,
            delimited,
            source_retention: own.source_retention,
        }
    }

    /// The field numbered `number` of message `m` (at `path` in `file`).
    fn member_info<'a>(
        &'a self,
        file: usize,
        path: &[i32],
        m: &'a DescriptorProto,
        number: i32,
    ) -> Option<FieldInfo<'a>> {
        let i = m.field.iter().position(|f| f.number == Some(number))?;
        // The field's path, on the stack when short enough.
        let mut buf = [0i32; 32];
        let info = if path.len() + 2 <= buf.len() {
            buf[..path.len()].copy_from_slice(path);
            buf[path.len()] = 2;
            buf[path.len() + 1] = i as i32;
            self.info(file, &buf[..path.len() + 2], &m.field[i])
        } else {
            self.info(file, &[path, &[2, i as i32]].concat(), &m.field[i])
        };
        Some(info)
    }
}

/// The compilation's files in front of the built-in descriptor.proto.
pub struct Combined<'a> {
    pub own: &'a SchemaData,
    pub builtin: &'a SchemaData,
    /// The last few messages looked up by name: option values name the same
    /// handful of options messages over and over.
    recent: RefCell<Recent<String, Option<FoundMessage<'a>>, 4>>,
}

/// A message found by [`Combined::message`]: where it was found, its file
/// and path there, and the message.
pub type FoundMessage<'a> = (&'a SchemaData, usize, &'a [i32], &'a DescriptorProto);

impl<'a> Combined<'a> {
    pub fn new(own: &'a SchemaData, builtin: &'a SchemaData) -> Self {
        Combined {
            own,
            builtin,
            recent: RefCell::default(),
        }
    }

    pub fn message(&self, name: &str) -> Option<FoundMessage<'a>> {
        self.recent.borrow_mut().get_or_insert_with(
            |n| n == name,
            || {
                let found = match self.own.message(name) {
                    Some((f, p, m)) => Some((self.own, f, p, m)),
                    None => self
                        .builtin
                        .message(name)
                        .map(|(f, p, m)| (self.builtin, f, p, m)),
                };
                (name.to_string(), found)
            },
        )
    }

    pub fn enum_type(&self, name: &str) -> Option<&'a EnumDescriptorProto> {
        self.own
            .enum_type(name)
            .or_else(|| self.builtin.enum_type(name))
    }
}

impl SchemaData {
    fn message_set_at(&self, file: usize, path: &[i32]) -> bool {
        self.flags
            .get(file)
            .and_then(|f| f.get(path))
            .is_some_and(|f| f.message_set)
    }
}

impl Schema for Combined<'_> {
    fn is_message_set(&self, message: &str) -> bool {
        self.message(message)
            .is_some_and(|(data, file, path, _)| data.message_set_at(file, path))
    }

    fn field(&self, message: &str, number: i32) -> Option<FieldInfo<'_>> {
        let (data, file, path, m) = self.message(message)?;
        if let Some(info) = data.member_info(file, path, m, number) {
            return Some(info);
        }
        // Extensions come from the compilation, then (for a built-in
        // message) from the built-in files.
        if let Some((f, p, x)) = self.own.extension(message, number) {
            return Some(self.own.info(f, p, x));
        }
        if std::ptr::eq(data, self.own) {
            return None;
        }
        self.builtin
            .extension(message, number)
            .map(|(f, p, x)| self.builtin.info(f, p, x))
    }
}

static BUILTIN: OnceLock<SchemaData> = OnceLock::new();

/// The files of [`builtin`], loaded and linked (options interpreted; no
/// source info).
pub fn builtin_linked() -> &'static (crate::load::Loaded, super::Linked) {
    static LINKED: OnceLock<(crate::load::Loaded, super::Linked)> = OnceLock::new();
    LINKED.get_or_init(|| {
        let mut loaded = crate::load::load_builtin(&BUILTIN_FILES);
        let linked = super::link_with(&mut loaded, false);
        (loaded, linked)
    })
}

const BUILTIN_FILES: [&str; 4] = [
    "google/protobuf/descriptor.proto",
    "google/protobuf/cpp_features.proto",
    "google/protobuf/java_features.proto",
    "google/protobuf/go_features.proto",
];

/// The built-in descriptor.proto and feature files, lowered and resolved.
pub fn builtin() -> &'static SchemaData {
    BUILTIN.get_or_init(|| {
        let loaded = crate::load::load_builtin(&BUILTIN_FILES);
        super::lower_and_resolve(&loaded)
    })
}
