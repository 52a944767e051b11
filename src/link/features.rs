//! Editions feature resolution: the effective `FeatureSet` of every element
//! of a linked file.
//!
//! protoc never writes resolved features, but checks and backends need them.
//! The defaults of each edition are read from the `edition_defaults`
//! annotations on the fields of `google.protobuf.FeatureSet` and of the
//! language extensions (`pb.cpp`, `pb.java`, `pb.go`) in the built-in
//! descriptor.proto and feature files, as protoc reads its compiled-in
//! copies. proto2 and proto3 files resolve as `EDITION_PROTO2` and
//! `EDITION_PROTO3`, with protoc's legacy inference for fields (`required`
//! is `LEGACY_REQUIRED`, groups are `DELIMITED`, `[packed = true]` is
//! `PACKED`, proto3 `[packed = false]` is `EXPANDED`) and proto2's
//! `java_string_check_utf8` as `pb.java` `VERIFY`.
//!
//! Inheritance: file → message → nested message, field, oneof, extension
//! range, enum, extension declared in the message; enum → enum value;
//! service → method; a field in a oneof inherits from the oneof; an
//! extension inherits from the scope it is declared in. Merging is protobuf
//! merge semantics (a child's explicit value wins, the language extension
//! messages merge field by field), done by the schema-driven serializer so
//! that each resolved set is canonical: known features in field order, one
//! record per language extension.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::dynamic::DynMessage;
use super::schema::{builtin, Combined};
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::wire::{put_tag, put_varint, Reader, WireType};
use crate::descriptor::{
    decode, encode_to_vec, DescriptorProto, Edition, EnumDescriptorProto, FeatureSet,
    FileDescriptorProto,
};

const FEATURE_SET: &str = "google.protobuf.FeatureSet";

/// Field numbers of the language extensions of `FeatureSet`.
pub const CPP: u32 = 1000;
pub const JAVA: u32 = 1001;
pub const GO: u32 = 1002;

/// The resolved features of one file's elements, by descriptor path
/// (`[]` is the file, `[4, 0, 2, 1]` the second field of the first
/// message, and so on).
#[derive(Clone, Debug)]
pub struct ResolvedFeatures {
    pub edition: Edition,
    by_path: HashMap<Vec<i32>, FeatureSet>,
}

impl ResolvedFeatures {
    /// The resolved features of the element at `path`, if there is one.
    pub fn get(&self, path: &[i32]) -> Option<&FeatureSet> {
        self.by_path.get(path)
    }

    /// The file's resolved features.
    pub fn file(&self) -> &FeatureSet {
        &self.by_path[&Vec::new()]
    }

    /// Every (path, features) pair, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&[i32], &FeatureSet)> {
        self.by_path.iter().map(|(p, f)| (p.as_slice(), f))
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }
}

/// The edition a file resolves its features in.
pub fn edition_of(file: &FileDescriptorProto) -> Edition {
    match file.syntax.as_deref() {
        Some("proto3") => Edition::EDITION_PROTO3,
        Some("editions") => file.edition.unwrap_or(Edition::EDITION_2023),
        _ => Edition::EDITION_PROTO2,
    }
}

/// The value of field `field` (a bool or enum) of language extension `ext`
/// (`CPP`, `JAVA`, `GO`) in `features`.
pub fn language_feature(features: &FeatureSet, ext: u32, field: u32) -> Option<u64> {
    let mut found = None;
    let mut r = Reader::new(&features.unknown);
    while !r.is_empty() {
        let (n, wt) = r.read_tag().ok()?;
        if n == ext && wt == WireType::LengthDelimited {
            let body = r.read_len_delimited().ok()?;
            let mut inner = Reader::new(body);
            while !inner.is_empty() {
                let (m, wt) = inner.read_tag().ok()?;
                if m == field && wt == WireType::Varint {
                    found = Some(inner.read_varint().ok()?);
                } else {
                    inner.skip_field(m, wt, 0).ok()?;
                }
            }
        } else {
            r.skip_field(n, wt, 0).ok()?;
        }
    }
    found
}

/// The built-in descriptor.proto and feature files with their options
/// interpreted (the `edition_defaults` are option values).
fn feature_files() -> &'static [FileDescriptorProto] {
    super::schema::builtin_linked().1.files()
}

fn schema() -> Combined<'static> {
    Combined::new(builtin(), builtin())
}

/// Finds a message or enum of the feature files by full name (no dot).
fn find_message(name: &str) -> Option<&'static DescriptorProto> {
    fn walk<'a>(
        ms: &'a [DescriptorProto],
        prefix: &str,
        name: &str,
    ) -> Option<&'a DescriptorProto> {
        for m in ms {
            let full = format!("{prefix}.{}", m.name());
            if full == name {
                return Some(m);
            }
            if name.starts_with(&format!("{full}.")) {
                if let Some(x) = walk(&m.nested_type, &full, name) {
                    return Some(x);
                }
            }
        }
        None
    }
    feature_files()
        .iter()
        .find_map(|f| walk(&f.message_type, f.package(), name))
}

fn find_enum(name: &str) -> Option<&'static EnumDescriptorProto> {
    fn walk<'a>(
        ms: &'a [DescriptorProto],
        es: &'a [EnumDescriptorProto],
        prefix: &str,
        name: &str,
    ) -> Option<&'a EnumDescriptorProto> {
        if let Some(e) = es.iter().find(|e| format!("{prefix}.{}", e.name()) == name) {
            return Some(e);
        }
        ms.iter().find_map(|m| {
            let full = format!("{prefix}.{}", m.name());
            walk(&m.nested_type, &m.enum_type, &full, name)
        })
    }
    feature_files()
        .iter()
        .find_map(|f| walk(&f.message_type, &f.enum_type, f.package(), name))
}

/// The default value of every feature field of `message` in `edition`,
/// serialized: for each field, the `edition_defaults` entry with the
/// latest edition not after `edition`.
fn message_defaults(message: &DescriptorProto, edition: i32) -> Vec<u8> {
    let mut out = Vec::new();
    for f in &message.field {
        let Some(opts) = &f.options else { continue };
        let best = opts
            .edition_defaults
            .iter()
            .filter(|d| d.edition.is_some_and(|e| e.0 <= edition))
            .max_by_key(|d| d.edition.map_or(0, |e| e.0));
        let Some(text) = best.and_then(|d| d.value.as_deref()) else {
            continue;
        };
        let number = f.number.unwrap_or(0) as u32;
        let value = match f.r#type {
            Some(Type::TYPE_BOOL) => match text {
                "true" => Some(1),
                "false" => Some(0),
                _ => None,
            },
            Some(Type::TYPE_ENUM) => {
                let t = f.type_name.as_deref().unwrap_or("");
                find_enum(t.strip_prefix('.').unwrap_or(t)).and_then(|e| {
                    e.value
                        .iter()
                        .find(|v| v.name() == text)
                        .map(|v| v.number.unwrap_or(0) as i64 as u64)
                })
            }
            Some(Type::TYPE_INT32 | Type::TYPE_INT64 | Type::TYPE_UINT32 | Type::TYPE_UINT64) => {
                text.parse::<i64>()
                    .map(|v| v as u64)
                    .ok()
                    .or_else(|| text.parse::<u64>().ok())
            }
            _ => None,
        };
        if let Some(v) = value {
            put_tag(&mut out, number, WireType::Varint);
            put_varint(&mut out, v);
        }
    }
    out
}

/// The defaults of `edition`: `FeatureSet`'s own features plus one record
/// for each language extension declared in the built-in feature files.
pub fn edition_defaults(edition: Edition) -> FeatureSet {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<i32, FeatureSet>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(f) = cache.lock().ok().and_then(|c| c.get(&edition.0).cloned()) {
        return f;
    }
    let mut bytes = find_message(FEATURE_SET)
        .map(|m| message_defaults(m, edition.0))
        .unwrap_or_default();
    for file in feature_files() {
        for x in &file.extension {
            if x.extendee.as_deref() != Some(".google.protobuf.FeatureSet") {
                continue;
            }
            let t = x.type_name.as_deref().unwrap_or("");
            let Some(m) = find_message(t.strip_prefix('.').unwrap_or(t)) else {
                continue;
            };
            let body = message_defaults(m, edition.0);
            put_tag(
                &mut bytes,
                x.number.unwrap_or(0) as u32,
                WireType::LengthDelimited,
            );
            put_varint(&mut bytes, body.len() as u64);
            bytes.extend_from_slice(&body);
        }
    }
    let resolved = canonical(&[&bytes]);
    if let Ok(mut c) = cache.lock() {
        c.insert(edition.0, resolved.clone());
    }
    resolved
}

/// Merges serialized feature sets in order (later ones win) into one
/// canonical `FeatureSet`.
fn canonical(parts: &[&[u8]]) -> FeatureSet {
    let schema = schema();
    let mut m = DynMessage::default();
    for p in parts {
        if m.merge(p, FEATURE_SET, &schema, 0).is_err() {
            // Not readable against the schema: plain concatenation still
            // has merge semantics.
            let all: Vec<u8> = parts.concat();
            return decode::<FeatureSet>(&all).unwrap_or_default();
        }
    }
    decode::<FeatureSet>(&m.to_bytes()).unwrap_or_default()
}

struct Resolver {
    edition: Edition,
    legacy: bool,
    out: HashMap<Vec<i32>, FeatureSet>,
}

impl Resolver {
    /// Records and returns the features of `path`: `parent` merged with the
    /// element's explicit (and inferred) features.
    fn add(&mut self, path: Vec<i32>, parent: &[u8], own: &[u8]) -> Vec<u8> {
        let fs = if own.is_empty() {
            canonical(&[parent])
        } else {
            canonical(&[parent, own])
        };
        let bytes = encode_to_vec(&fs);
        self.out.insert(path, fs);
        bytes
    }

    fn field(
        &mut self,
        path: Vec<i32>,
        parent: &[u8],
        f: &crate::descriptor::FieldDescriptorProto,
    ) {
        let mut own = explicit(f.options.as_ref().and_then(|o| o.features.as_deref()));
        if self.legacy {
            let mut inferred = FeatureSet::default();
            if f.label == Some(Label::LABEL_REQUIRED) {
                inferred.field_presence =
                    Some(crate::descriptor::feature_set::FieldPresence::LEGACY_REQUIRED);
            }
            if f.r#type == Some(Type::TYPE_GROUP) {
                inferred.message_encoding =
                    Some(crate::descriptor::feature_set::MessageEncoding::DELIMITED);
            }
            let packed = f.options.as_ref().and_then(|o| o.packed);
            use crate::descriptor::feature_set::RepeatedFieldEncoding as R;
            match (self.edition, packed) {
                (Edition::EDITION_PROTO2, Some(true)) => {
                    inferred.repeated_field_encoding = Some(R::PACKED)
                }
                (Edition::EDITION_PROTO3, Some(false)) => {
                    inferred.repeated_field_encoding = Some(R::EXPANDED)
                }
                _ => {}
            }
            own.extend_from_slice(&encode_to_vec(&inferred));
        }
        self.add(path, parent, &own);
    }

    fn message(&mut self, path: Vec<i32>, parent: &[u8], m: &DescriptorProto) {
        let own = explicit(m.options.as_ref().and_then(|o| o.features.as_ref()));
        let here = self.add(path.clone(), parent, &own);
        let at = |kind: i32, i: usize| [&path[..], &[kind, i as i32]].concat();
        let mut oneofs = Vec::new();
        for (i, o) in m.oneof_decl.iter().enumerate() {
            let own = explicit(o.options.as_ref().and_then(|o| o.features.as_ref()));
            oneofs.push(self.add(at(8, i), &here, &own));
        }
        for (i, f) in m.field.iter().enumerate() {
            let parent = f
                .oneof_index
                .and_then(|o| oneofs.get(o as usize))
                .cloned()
                .unwrap_or_else(|| here.clone());
            self.field(at(2, i), &parent, f);
        }
        for (i, x) in m.extension.iter().enumerate() {
            self.field(at(6, i), &here, x);
        }
        for (i, r) in m.extension_range.iter().enumerate() {
            let own = explicit(r.options.as_ref().and_then(|o| o.features.as_ref()));
            self.add(at(5, i), &here, &own);
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            self.message(at(3, i), &here, n);
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.enumeration(at(4, i), &here, e);
        }
    }

    fn enumeration(&mut self, path: Vec<i32>, parent: &[u8], e: &EnumDescriptorProto) {
        let own = explicit(e.options.as_ref().and_then(|o| o.features.as_ref()));
        let here = self.add(path.clone(), parent, &own);
        for (i, v) in e.value.iter().enumerate() {
            let own = explicit(v.options.as_ref().and_then(|o| o.features.as_ref()));
            self.add([&path[..], &[2, i as i32]].concat(), &here, &own);
        }
    }
}

fn explicit(f: Option<&FeatureSet>) -> Vec<u8> {
    f.map(encode_to_vec).unwrap_or_default()
}

/// Resolves the features of every element of `file` (a linked file, as in
/// `Linked::files()`; default-mode stripping keeps features).
pub fn resolve_file(file: &FileDescriptorProto) -> ResolvedFeatures {
    let edition = edition_of(file);
    let legacy = edition.0 < Edition::EDITION_2023.0;
    let mut r = Resolver {
        edition,
        legacy,
        out: HashMap::new(),
    };
    let defaults = encode_to_vec(&edition_defaults(edition));
    let mut own = explicit(file.options.as_ref().and_then(|o| o.features.as_ref()));
    if edition == Edition::EDITION_PROTO2
        && file
            .options
            .as_ref()
            .and_then(|o| o.java_string_check_utf8)
            .unwrap_or(false)
    {
        // pb.JavaFeatures.utf8_validation (2) = VERIFY (2).
        own.extend_from_slice(&[0xca, 0x3e, 0x02, 0x10, 0x02]);
    }
    let top = r.add(Vec::new(), &defaults, &own);
    for (i, m) in file.message_type.iter().enumerate() {
        r.message(vec![4, i as i32], &top, m);
    }
    for (i, e) in file.enum_type.iter().enumerate() {
        r.enumeration(vec![5, i as i32], &top, e);
    }
    for (i, x) in file.extension.iter().enumerate() {
        r.field(vec![7, i as i32], &top, x);
    }
    for (i, s) in file.service.iter().enumerate() {
        let own = explicit(s.options.as_ref().and_then(|o| o.features.as_ref()));
        let here = r.add(vec![6, i as i32], &top, &own);
        for (j, m) in s.method.iter().enumerate() {
            let own = explicit(m.options.as_ref().and_then(|o| o.features.as_ref()));
            r.add(vec![6, i as i32, 2, j as i32], &here, &own);
        }
    }
    ResolvedFeatures {
        edition,
        by_path: r.out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::feature_set::visibility_feature::DefaultSymbolVisibility as V;
    use crate::descriptor::feature_set::*;

    fn link_one(text: &str) -> FileDescriptorProto {
        let dir = std::env::temp_dir().join(format!(
            "pf-features-{}-{:x}",
            std::process::id(),
            text.len() * 31 + text.bytes().map(usize::from).sum::<usize>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("t.proto"), text).unwrap();
        let loaded = crate::load::load(
            &["t.proto".to_string()],
            &crate::load::LoadOptions {
                roots: vec![dir.clone()],
                builtin_wkt: true,
                skip_comments: false,
                lower: false,
                release_text: false,
                wire_locations: false,
            },
        );
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        let linked = super::super::link(&loaded);
        assert!(
            !linked.diagnostics.iter().any(|d| d.is_error()),
            "{:?}",
            linked.diagnostics
        );
        let i = loaded.inputs[0];
        let _ = std::fs::remove_dir_all(&dir);
        linked.files()[i].clone()
    }

    /// The table in /work/shared/FACTS.md (checked against protoc 35.1).
    #[test]
    fn defaults_per_edition_match_protoc_table() {
        #[allow(clippy::type_complexity)]
        let rows: [(
            Edition,
            FieldPresence,
            EnumType,
            RepeatedFieldEncoding,
            Utf8Validation,
            JsonFormat,
            EnforceNamingStyle,
            V,
        ); 4] = [
            (
                Edition::EDITION_PROTO2,
                FieldPresence::EXPLICIT,
                EnumType::CLOSED,
                RepeatedFieldEncoding::EXPANDED,
                Utf8Validation::NONE,
                JsonFormat::LEGACY_BEST_EFFORT,
                EnforceNamingStyle::STYLE_LEGACY,
                V::EXPORT_ALL,
            ),
            (
                Edition::EDITION_PROTO3,
                FieldPresence::IMPLICIT,
                EnumType::OPEN,
                RepeatedFieldEncoding::PACKED,
                Utf8Validation::VERIFY,
                JsonFormat::ALLOW,
                EnforceNamingStyle::STYLE_LEGACY,
                V::EXPORT_ALL,
            ),
            (
                Edition::EDITION_2023,
                FieldPresence::EXPLICIT,
                EnumType::OPEN,
                RepeatedFieldEncoding::PACKED,
                Utf8Validation::VERIFY,
                JsonFormat::ALLOW,
                EnforceNamingStyle::STYLE_LEGACY,
                V::EXPORT_ALL,
            ),
            (
                Edition::EDITION_2024,
                FieldPresence::EXPLICIT,
                EnumType::OPEN,
                RepeatedFieldEncoding::PACKED,
                Utf8Validation::VERIFY,
                JsonFormat::ALLOW,
                EnforceNamingStyle::STYLE2024,
                V::EXPORT_TOP_LEVEL,
            ),
        ];
        for (ed, presence, en, rep, utf8, json, naming, vis) in rows {
            let d = edition_defaults(ed);
            assert_eq!(d.field_presence, Some(presence), "{ed:?}");
            assert_eq!(d.enum_type, Some(en), "{ed:?}");
            assert_eq!(d.repeated_field_encoding, Some(rep), "{ed:?}");
            assert_eq!(d.utf8_validation, Some(utf8), "{ed:?}");
            assert_eq!(
                d.message_encoding,
                Some(MessageEncoding::LENGTH_PREFIXED),
                "{ed:?}"
            );
            assert_eq!(d.json_format, Some(json), "{ed:?}");
            assert_eq!(d.enforce_naming_style, Some(naming), "{ed:?}");
            assert_eq!(d.default_symbol_visibility, Some(vis), "{ed:?}");
        }
    }

    /// Language feature defaults, from the feature files' annotations
    /// (cpp_features.proto, java_features.proto, go_features.proto).
    #[test]
    fn language_defaults() {
        let p2 = edition_defaults(Edition::EDITION_PROTO2);
        let p3 = edition_defaults(Edition::EDITION_PROTO3);
        let e23 = edition_defaults(Edition::EDITION_2023);
        let e24 = edition_defaults(Edition::EDITION_2024);
        // pb.cpp.legacy_closed_enum: true before proto3, false after.
        assert_eq!(language_feature(&p2, CPP, 1), Some(1));
        assert_eq!(language_feature(&p3, CPP, 1), Some(0));
        // pb.cpp.string_type: STRING (3) until 2024, VIEW (1) from 2024.
        assert_eq!(language_feature(&e23, CPP, 2), Some(3));
        assert_eq!(language_feature(&e24, CPP, 2), Some(1));
        // pb.java.utf8_validation: DEFAULT (1).
        assert_eq!(language_feature(&e23, JAVA, 2), Some(1));
        // pb.go.api_level: UNSPECIFIED (0) until 2024, OPAQUE (3) in 2024.
        assert_eq!(language_feature(&e23, GO, 2), Some(0));
        assert_eq!(language_feature(&e24, GO, 2), Some(3));
        // pb.go.legacy_unmarshal_json_enum: true for proto2, false after.
        assert_eq!(language_feature(&p2, GO, 1), Some(1));
        assert_eq!(language_feature(&p3, GO, 1), Some(0));
        // One record per extension, in field-number order.
        let mut r = Reader::new(&e24.unknown);
        let mut numbers = Vec::new();
        while !r.is_empty() {
            let (n, wt) = r.read_tag().unwrap();
            numbers.push(n);
            r.skip_field(n, wt, 0).unwrap();
        }
        assert_eq!(numbers, vec![CPP, JAVA, GO]);
    }

    #[test]
    fn inheritance_in_editions() {
        let fd = link_one(
            r#"edition = "2023";
package t;
import "google/protobuf/cpp_features.proto";
option features.field_presence = IMPLICIT;
option features.enum_type = CLOSED;
option features.(pb.cpp).string_type = CORD;
message M {
  option features.json_format = LEGACY_BEST_EFFORT;
  int32 a = 1;
  int32 b = 2 [features.field_presence = EXPLICIT];
  oneof o {
    string c = 3;
  }
  message N {
    repeated int32 d = 1 [features.repeated_field_encoding = EXPANDED];
    string e = 2 [features.(pb.cpp).string_type = VIEW];
  }
  extend M { int32 x = 100; }
  extensions 100 to 200;
  map<string, int32> m = 4 [features.utf8_validation = NONE];
}
enum E {
  option features.enum_type = OPEN;
  E0 = 0;
}
extend M { string y = 101 [features.field_presence = EXPLICIT]; }
service S { rpc R(M) returns (M); }
"#,
        );
        let r = resolve_file(&fd);
        assert_eq!(r.edition, Edition::EDITION_2023);
        let get = |p: &[i32]| r.get(p).unwrap_or_else(|| panic!("no features at {p:?}"));
        // File.
        assert_eq!(get(&[]).field_presence, Some(FieldPresence::IMPLICIT));
        assert_eq!(language_feature(get(&[]), CPP, 2), Some(2)); // CORD
                                                                 // Message: own json_format, file's presence.
        let m = get(&[4, 0]);
        assert_eq!(m.json_format, Some(JsonFormat::LEGACY_BEST_EFFORT));
        assert_eq!(m.field_presence, Some(FieldPresence::IMPLICIT));
        // Fields.
        assert_eq!(
            get(&[4, 0, 2, 0]).field_presence,
            Some(FieldPresence::IMPLICIT)
        );
        assert_eq!(
            get(&[4, 0, 2, 1]).field_presence,
            Some(FieldPresence::EXPLICIT)
        );
        // Field in a oneof: the oneof is resolved, the field under it.
        assert!(r.get(&[4, 0, 8, 0]).is_some());
        assert_eq!(
            get(&[4, 0, 2, 2]).json_format,
            Some(JsonFormat::LEGACY_BEST_EFFORT)
        );
        // Nested message fields; language features merge field by field.
        let n = [4, 0, 3, 0];
        assert_eq!(
            get(&[&n[..], &[2, 0]].concat()).repeated_field_encoding,
            Some(RepeatedFieldEncoding::EXPANDED)
        );
        let e = get(&[&n[..], &[2, 1]].concat());
        assert_eq!(language_feature(e, CPP, 2), Some(1)); // VIEW
        assert_eq!(language_feature(e, CPP, 1), Some(0)); // legacy_closed_enum kept
                                                          // Extension in M: from M's scope.
        assert_eq!(
            get(&[4, 0, 6, 0]).json_format,
            Some(JsonFormat::LEGACY_BEST_EFFORT)
        );
        // Extension range.
        assert!(r.get(&[4, 0, 5, 0]).is_some());
        // Map entry (nested type 1) and its value field: features copied
        // from the map field.
        let entry = [4, 0, 3, 1];
        assert_eq!(
            get(&[&entry[..], &[2, 1]].concat()).utf8_validation,
            Some(Utf8Validation::NONE)
        );
        // Enum overrides, values inherit.
        assert_eq!(get(&[5, 0]).enum_type, Some(EnumType::OPEN));
        assert_eq!(get(&[5, 0, 2, 0]).enum_type, Some(EnumType::OPEN));
        // Top-level extension: from the file, not from M.
        let y = get(&[7, 0]);
        assert_eq!(y.field_presence, Some(FieldPresence::EXPLICIT));
        assert_eq!(y.json_format, Some(JsonFormat::ALLOW));
        // Service and method.
        assert_eq!(get(&[6, 0, 2, 0]).enum_type, Some(EnumType::CLOSED));
    }

    #[test]
    fn legacy_files_map_to_features() {
        let fd = link_one(
            r#"syntax = "proto2";
option java_string_check_utf8 = true;
message M {
  required int32 a = 1;
  optional group G = 2 { optional int32 x = 3; }
  repeated int32 p = 4 [packed = true];
  repeated int32 q = 5;
}
enum E { E0 = 0; }
"#,
        );
        let r = resolve_file(&fd);
        assert_eq!(r.edition, Edition::EDITION_PROTO2);
        assert_eq!(language_feature(r.file(), JAVA, 2), Some(2)); // VERIFY
        let f = |i: i32| r.get(&[4, 0, 2, i]).unwrap();
        assert_eq!(f(0).field_presence, Some(FieldPresence::LEGACY_REQUIRED));
        assert_eq!(f(1).message_encoding, Some(MessageEncoding::DELIMITED));
        assert_eq!(
            f(2).repeated_field_encoding,
            Some(RepeatedFieldEncoding::PACKED)
        );
        assert_eq!(
            f(3).repeated_field_encoding,
            Some(RepeatedFieldEncoding::EXPANDED)
        );
        assert_eq!(r.get(&[5, 0]).unwrap().enum_type, Some(EnumType::CLOSED));

        let fd = link_one(
            r#"syntax = "proto3";
message M {
  repeated int32 p = 1;
  repeated int32 q = 2 [packed = false];
  optional int32 o = 3;
  string s = 4;
}
"#,
        );
        let r = resolve_file(&fd);
        assert_eq!(r.edition, Edition::EDITION_PROTO3);
        let f = |i: i32| r.get(&[4, 0, 2, i]).unwrap();
        assert_eq!(
            f(0).repeated_field_encoding,
            Some(RepeatedFieldEncoding::PACKED)
        );
        assert_eq!(
            f(1).repeated_field_encoding,
            Some(RepeatedFieldEncoding::EXPANDED)
        );
        assert_eq!(f(3).utf8_validation, Some(Utf8Validation::VERIFY));
        // The synthetic oneof is an element too.
        assert!(r.get(&[4, 0, 8, 0]).is_some());
    }

    #[test]
    fn edition_2024_defaults_apply() {
        let fd = link_one(
            r#"edition = "2024";
message M {
  int32 a = 1;
  oneof o {
    option features.enforce_naming_style = STYLE_LEGACY;
    int32 b = 2;
  }
}
"#,
        );
        let r = resolve_file(&fd);
        assert_eq!(r.edition, Edition::EDITION_2024);
        assert_eq!(
            r.get(&[4, 0, 2, 0]).unwrap().enforce_naming_style,
            Some(EnforceNamingStyle::STYLE2024)
        );
        // A field in a oneof inherits from the oneof.
        assert_eq!(
            r.get(&[4, 0, 2, 1]).unwrap().enforce_naming_style,
            Some(EnforceNamingStyle::STYLE_LEGACY)
        );
        // File, message, two fields, oneof.
        assert_eq!(r.len(), 5);
    }
}
