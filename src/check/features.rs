//! Feature resolution: edition defaults, inheritance from the enclosing
//! element, and what proto2 and proto3 files imply.
//!
//! The feature definitions (their edition defaults, lifetimes and targets)
//! are read from descriptor.proto itself, linked once with its options
//! interpreted, so that nothing about them is restated here.

#[allow(unused_imports)]
use super::getters::*;
use std::sync::OnceLock;

use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::pool::message_at;
use crate::descriptor::{DescriptorProto, Edition, FeatureSet, FieldDescriptorProto};
use crate::link::Linked;

use super::walk::Elem;
use super::Cx;

/// FeatureSet field numbers of the core features.
pub(crate) const FIELD_PRESENCE: usize = 1;
pub(crate) const ENUM_TYPE: usize = 2;
pub(crate) const REPEATED_FIELD_ENCODING: usize = 3;
pub(crate) const UTF8_VALIDATION: usize = 4;
pub(crate) const MESSAGE_ENCODING: usize = 5;
pub(crate) const JSON_FORMAT: usize = 6;
pub(crate) const ENFORCE_NAMING_STYLE: usize = 7;
pub(crate) const DEFAULT_SYMBOL_VISIBILITY: usize = 8;
const CORE: usize = 9;
/// Every core feature, by field number.
pub(crate) const CORE_FEATURES: [usize; 8] = [1, 2, 3, 4, 5, 6, 7, 8];

/// The values of the core features that the rules look at, by name.
pub(crate) mod values {
    pub const IMPLICIT: i32 = 2;
    pub const LEGACY_REQUIRED: i32 = 3;
    pub const OPEN: i32 = 1;
    pub const CLOSED: i32 = 2;
    pub const PACKED: i32 = 1;
    pub const EXPANDED: i32 = 2;
    pub const DELIMITED: i32 = 2;
    pub const LEGACY_BEST_EFFORT: i32 = 2;
    pub const STYLE_LEGACY: i32 = 2;
    pub const EXPORT_ALL: i32 = 1;
    pub const EXPORT_TOP_LEVEL: i32 = 2;
}

/// The resolved core features of one element, and the ones it sets itself.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Resolved {
    pub values: [i32; CORE],
    pub explicit: [Option<i32>; CORE],
}

impl Resolved {
    pub fn get(&self, feature: usize) -> i32 {
        self.values[feature]
    }
    pub fn has(&self, feature: usize) -> bool {
        self.explicit[feature].is_some()
    }
}

/// descriptor.proto and the language feature files, linked with their
/// options interpreted.
pub(crate) struct Defs {
    pub linked: &'static Linked,
    /// `defaults` of every declared edition, worked out once (the checks
    /// ask for them about once per element).
    by_edition: Vec<(Edition, [i32; CORE])>,
}

impl Defs {
    pub fn get() -> &'static Defs {
        static DEFS: OnceLock<Defs> = OnceLock::new();
        DEFS.get_or_init(|| {
            let mut d = Defs {
                linked: &crate::link::schema::builtin_linked().1,
                by_edition: Vec::new(),
            };
            d.by_edition = Edition::VALUES
                .iter()
                .map(|&e| (e, d.compute_defaults(e)))
                .collect();
            d
        })
    }

    /// A message of the built-in files by full name.
    pub fn message(&self, name: &str) -> Option<&DescriptorProto> {
        let (_, _, m) = self.linked.schema.message(name)?;
        Some(m)
    }

    /// The defaults of every core feature in `edition`.
    pub fn defaults(&self, edition: Edition) -> [i32; CORE] {
        match self.by_edition.iter().find(|(e, _)| *e == edition) {
            Some((_, d)) => *d,
            None => self.compute_defaults(edition),
        }
    }

    fn compute_defaults(&self, edition: Edition) -> [i32; CORE] {
        let mut out = [0; CORE];
        let Some(fs) = self.message("google.protobuf.FeatureSet") else {
            return out;
        };
        for f in &fs.field {
            let n = f.number() as usize;
            if n >= CORE {
                continue;
            }
            let Some(opts) = &f.options else { continue };
            let best = opts
                .edition_defaults
                .iter()
                .filter(|d| d.edition.is_some_and(|e| e.0 <= edition.0))
                .max_by_key(|d| d.edition.map_or(0, |e| e.0));
            if let Some(d) = best {
                out[n] = self.enum_number(f, d.value.as_deref().unwrap_or(""));
            }
        }
        out
    }

    /// The number of enum value `name` of the enum type of field `f`.
    pub fn enum_number(&self, f: &FieldDescriptorProto, name: &str) -> i32 {
        let t = f.type_name().trim_start_matches('.');
        let schema = &self.linked.schema;
        let Some(e) = schema.enum_type(t) else {
            return 0;
        };
        e.value
            .iter()
            .find(|v| v.name() == name)
            .map_or(0, |v| v.number())
    }

    /// The name of value `number` of the enum type of FeatureSet field
    /// `feature`.
    pub fn value_name(&self, feature: usize, number: i32) -> String {
        let Some(fs) = self.message("google.protobuf.FeatureSet") else {
            return number.to_string();
        };
        let Some(f) = fs.field.iter().find(|f| f.number() as usize == feature) else {
            return number.to_string();
        };
        let t = f.type_name().trim_start_matches('.');
        self.linked
            .schema
            .enum_type(t)
            .and_then(|e| e.value.iter().find(|v| v.number() == number))
            .map_or(number.to_string(), |v| v.name().to_string())
    }

    /// The FeatureSet field named by number.
    pub fn feature_field(&self, feature: usize) -> Option<&FieldDescriptorProto> {
        let fs = self.message("google.protobuf.FeatureSet")?;
        fs.field.iter().find(|f| f.number() as usize == feature)
    }

    /// The message at `path` of built-in file `file`.
    #[allow(dead_code)]
    pub fn message_at(&self, file: usize, path: &[i32]) -> Option<&DescriptorProto> {
        message_at(&self.linked.schema.files[file], path)
    }
}

/// The core features a FeatureSet sets explicitly.
pub(crate) fn explicit(fs: Option<&FeatureSet>) -> [Option<i32>; CORE] {
    let mut out = [None; CORE];
    let Some(fs) = fs else { return out };
    out[FIELD_PRESENCE] = fs.field_presence.map(|v| v.0);
    out[ENUM_TYPE] = fs.enum_type.map(|v| v.0);
    out[REPEATED_FIELD_ENCODING] = fs.repeated_field_encoding.map(|v| v.0);
    out[UTF8_VALIDATION] = fs.utf8_validation.map(|v| v.0);
    out[MESSAGE_ENCODING] = fs.message_encoding.map(|v| v.0);
    out[JSON_FORMAT] = fs.json_format.map(|v| v.0);
    out[ENFORCE_NAMING_STYLE] = fs.enforce_naming_style.map(|v| v.0);
    out[DEFAULT_SYMBOL_VISIBILITY] = fs.default_symbol_visibility.map(|v| v.0);
    out
}

/// The FeatureSet an element's options carry, if any.
pub(crate) fn features_of<'a>(elem: &Elem<'a>) -> Option<&'a FeatureSet> {
    match *elem {
        Elem::Message(m) => m.options.as_ref()?.features.as_ref(),
        Elem::Field(f, _) => f.options.as_ref()?.features.as_deref(),
        Elem::Oneof(o) => o.options.as_ref()?.features.as_ref(),
        Elem::ExtensionRange(r) => r.options.as_ref()?.features.as_ref(),
        Elem::Enum(e) => e.options.as_ref()?.features.as_ref(),
        Elem::EnumValue(v) => v.options.as_ref()?.features.as_ref(),
        Elem::Service(s) => s.options.as_ref()?.features.as_ref(),
        Elem::Method(m) => m.options.as_ref()?.features.as_ref(),
    }
}

/// What proto2 and proto3 fields imply for features.
fn legacy_field(f: &FieldDescriptorProto, edition: Edition, values: &mut [Option<i32>; CORE]) {
    if f.label == Some(Label::LABEL_REQUIRED) {
        values[FIELD_PRESENCE] = Some(values::LEGACY_REQUIRED);
    }
    if f.r#type == Some(Type::TYPE_GROUP) {
        values[MESSAGE_ENCODING] = Some(values::DELIMITED);
    }
    let packed = f.options.as_ref().and_then(|o| o.packed);
    if packed == Some(true) {
        values[REPEATED_FIELD_ENCODING] = Some(values::PACKED);
    }
    if edition == Edition::EDITION_PROTO3 && packed == Some(false) {
        values[REPEATED_FIELD_ENCODING] = Some(values::EXPANDED);
    }
}

fn merge(parent: &[i32; CORE], set: &[Option<i32>; CORE]) -> [i32; CORE] {
    let mut out = *parent;
    for i in 0..CORE {
        if let Some(v) = set[i] {
            out[i] = v;
        }
    }
    out
}

/// Resolves the features of the file and of every item of `cx`.
pub(crate) fn resolve_all(cx: &mut Cx<'_>) {
    let legacy = cx.edition.0 < Edition::EDITION_2023.0;
    let defaults = cx.defs.defaults(cx.edition);
    let file_explicit = explicit(cx.fd.options.as_ref().and_then(|o| o.features.as_ref()));
    cx.file_features = Resolved {
        values: merge(&defaults, &file_explicit),
        explicit: file_explicit,
    };
    let mut out: Vec<Resolved> = Vec::with_capacity(cx.items.len());
    for item in &cx.items {
        let parent = match item.parent {
            Some(p) => out[p].values,
            None => cx.file_features.values,
        };
        let own = explicit(features_of(&item.elem));
        let mut applied = own;
        if legacy {
            if let Elem::Field(f, _) = item.elem {
                legacy_field(f, cx.edition, &mut applied);
            }
        }
        out.push(Resolved {
            values: merge(&parent, &applied),
            explicit: own,
        });
    }
    cx.item_features = out;
}

/// The resolved features of the element at `path` of compilation file
/// `file` (any file, not only the one being checked).
pub(crate) fn resolve_at(cx: &Cx<'_>, file: usize, path: &[i32]) -> [i32; CORE] {
    use crate::descriptor::pool::enum_at;
    let fd = &cx.linked.files()[file];
    let edition = match fd.syntax.as_deref() {
        Some("proto3") => Edition::EDITION_PROTO3,
        Some("editions") => fd.edition.unwrap_or(Edition::EDITION_2023),
        _ => Edition::EDITION_PROTO2,
    };
    let mut out = cx.defs.defaults(edition);
    out = merge(
        &out,
        &explicit(fd.options.as_ref().and_then(|o| o.features.as_ref())),
    );
    let mut k = 2;
    while k <= path.len() {
        let prefix = &path[..k];
        let fs = match prefix {
            [.., 4, _] | [.., 3, _] if message_at(fd, prefix).is_some() => message_at(fd, prefix)
                .and_then(|m| m.options.as_ref())
                .and_then(|o| o.features.as_ref()),
            _ => enum_at(fd, prefix)
                .and_then(|e| e.options.as_ref())
                .and_then(|o| o.features.as_ref()),
        };
        out = merge(&out, &explicit(fs));
        k += 2;
    }
    out
}

/// The resolved features of an enum of the compilation, by full name.
pub(crate) fn enum_features(cx: &Cx<'_>, name: &str) -> Option<[i32; CORE]> {
    let e = cx.linked.schema.symbols.get(name)?;
    if e.kind != crate::descriptor::pool::SymbolKind::Enum {
        return None;
    }
    Some(resolve_at(cx, e.file, e.path))
}
