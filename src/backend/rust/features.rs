//! Edition feature resolution for the Rust backend.
//!
//! protoc writes only the features spelled out in the source; the resolved
//! values are left to each generator. This module computes the handful the
//! Rust backend needs: field presence, enum openness, repeated encoding,
//! message encoding and UTF-8 validation. Defaults per edition follow
//! descriptor.proto's `edition_defaults`; proto2 and proto3 files are mapped
//! onto their legacy equivalents (`required`, `[packed]`, groups, proto3
//! `optional`).
//!
//! Once the linker resolves features itself this module can be replaced by
//! reading its results; nothing else in the backend looks at raw features.

use crate::descriptor::feature_set::{
    EnumType, FieldPresence, MessageEncoding, RepeatedFieldEncoding, Utf8Validation,
};
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::pool::{message_at, Pool, SymbolKind};
use crate::descriptor::{
    Edition, EnumDescriptorProto, FeatureSet, FieldDescriptorProto, FileDescriptorProto,
};

/// Resolved values of the features the Rust backend acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    pub field_presence: FieldPresence,
    pub enum_type: EnumType,
    pub repeated_field_encoding: RepeatedFieldEncoding,
    pub utf8_validation: Utf8Validation,
    pub message_encoding: MessageEncoding,
}

/// The edition a file is written in: `edition` for editions files, else
/// proto2 (no `syntax`, or `"proto2"`) or proto3.
pub fn file_edition(file: &FileDescriptorProto) -> Edition {
    match file.syntax.as_deref() {
        Some("editions") => file.edition.unwrap_or(Edition::EDITION_2023),
        Some("proto3") => Edition::EDITION_PROTO3,
        _ => Edition::EDITION_PROTO2,
    }
}

impl Features {
    /// The defaults of an edition.
    pub fn defaults(edition: Edition) -> Features {
        if edition.0 <= Edition::EDITION_PROTO2.0 {
            Features {
                field_presence: FieldPresence::EXPLICIT,
                enum_type: EnumType::CLOSED,
                repeated_field_encoding: RepeatedFieldEncoding::EXPANDED,
                utf8_validation: Utf8Validation::NONE,
                message_encoding: MessageEncoding::LENGTH_PREFIXED,
            }
        } else if edition == Edition::EDITION_PROTO3 {
            Features {
                field_presence: FieldPresence::IMPLICIT,
                enum_type: EnumType::OPEN,
                repeated_field_encoding: RepeatedFieldEncoding::PACKED,
                utf8_validation: Utf8Validation::VERIFY,
                message_encoding: MessageEncoding::LENGTH_PREFIXED,
            }
        } else {
            Features {
                field_presence: FieldPresence::EXPLICIT,
                enum_type: EnumType::OPEN,
                repeated_field_encoding: RepeatedFieldEncoding::PACKED,
                utf8_validation: Utf8Validation::VERIFY,
                message_encoding: MessageEncoding::LENGTH_PREFIXED,
            }
        }
    }

    /// These features with the explicitly set ones of `set` laid over them.
    pub fn merge(self, set: Option<&FeatureSet>) -> Features {
        let Some(s) = set else { return self };
        fn pick<T: Copy + PartialEq + Default>(explicit: Option<T>, inherited: T) -> T {
            match explicit {
                Some(v) if v != T::default() => v,
                _ => inherited,
            }
        }
        Features {
            field_presence: pick(s.field_presence, self.field_presence),
            enum_type: pick(s.enum_type, self.enum_type),
            repeated_field_encoding: pick(s.repeated_field_encoding, self.repeated_field_encoding),
            utf8_validation: pick(s.utf8_validation, self.utf8_validation),
            message_encoding: pick(s.message_encoding, self.message_encoding),
        }
    }

    /// The features of a file.
    pub fn of_file(file: &FileDescriptorProto) -> Features {
        Features::defaults(file_edition(file))
            .merge(file.options.as_ref().and_then(|o| o.features.as_ref()))
    }

    /// The features of a message nested in a scope with features `self`.
    pub fn of_message(self, m: &crate::descriptor::DescriptorProto) -> Features {
        self.merge(m.options.as_ref().and_then(|o| o.features.as_ref()))
    }

    /// The features of an oneof declared in a message with features `self`.
    pub fn of_oneof(self, o: &crate::descriptor::OneofDescriptorProto) -> Features {
        self.merge(o.options.as_ref().and_then(|o| o.features.as_ref()))
    }

    /// The features of an enum declared in a scope with features `self`.
    pub fn of_enum(self, e: &EnumDescriptorProto) -> Features {
        self.merge(e.options.as_ref().and_then(|o| o.features.as_ref()))
    }

    /// The features of a field whose scope (message, or oneof for oneof
    /// members) has features `self`, including what proto2 and proto3
    /// express with labels, types and the `packed` option.
    pub fn of_field(self, edition: Edition, f: &FieldDescriptorProto) -> Features {
        let mut r = self.merge(f.options.as_ref().and_then(|o| o.features.as_deref()));
        let legacy = edition.0 < Edition::EDITION_2023.0;
        if legacy {
            if f.label == Some(Label::LABEL_REQUIRED) {
                r.field_presence = FieldPresence::LEGACY_REQUIRED;
            }
            if f.r#type == Some(Type::TYPE_GROUP) {
                r.message_encoding = MessageEncoding::DELIMITED;
            }
            if let Some(packed) = f.options.as_ref().and_then(|o| o.packed) {
                r.repeated_field_encoding = if packed {
                    RepeatedFieldEncoding::PACKED
                } else {
                    RepeatedFieldEncoding::EXPANDED
                };
            }
        }
        if f.proto3_optional == Some(true) {
            r.field_presence = FieldPresence::EXPLICIT;
        }
        // Message fields always track presence; repeated fields never do.
        let is_message = matches!(f.r#type, Some(Type::TYPE_MESSAGE | Type::TYPE_GROUP));
        if is_message && r.field_presence == FieldPresence::IMPLICIT {
            r.field_presence = FieldPresence::EXPLICIT;
        }
        r
    }
}

/// The resolved features of the enum named `full_name` (leading dot
/// accepted), or `None` when the pool does not have it.
pub fn enum_features(pool: &Pool, full_name: &str) -> Option<Features> {
    let sym = pool.lookup(full_name)?;
    if sym.kind != SymbolKind::Enum {
        return None;
    }
    let file = pool.files.get(sym.file)?;
    let mut f = Features::of_file(file);
    // Walk the message scopes on the way to the enum: [4, i, (3, j)*, 4, k]
    // or [5, i] for a top-level enum.
    let path = &sym.path;
    let enum_desc = crate::descriptor::pool::enum_at(file, path)?;
    if path.len() >= 4 {
        let scope = &path[..path.len() - 2];
        let mut i = 2;
        while i <= scope.len() {
            let m = message_at(file, &scope[..i])?;
            f = f.of_message(m);
            i += 2;
        }
    }
    Some(f.of_enum(enum_desc))
}

/// Whether the enum named `full_name` is closed (unknown values are not
/// kept in the field). `None` when unknown to the pool.
pub fn enum_is_closed(pool: &Pool, full_name: &str) -> Option<bool> {
    enum_features(pool, full_name).map(|f| f.enum_type == EnumType::CLOSED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{DescriptorProto, FieldOptions, FileOptions};

    fn file(syntax: Option<&str>, edition: Option<Edition>) -> FileDescriptorProto {
        FileDescriptorProto {
            name: Some("a.proto".into()),
            syntax: syntax.map(str::to_string),
            edition,
            ..Default::default()
        }
    }

    #[test]
    fn edition_defaults() {
        let p2 = Features::of_file(&file(None, None));
        assert_eq!(p2.field_presence, FieldPresence::EXPLICIT);
        assert_eq!(p2.enum_type, EnumType::CLOSED);
        assert_eq!(p2.repeated_field_encoding, RepeatedFieldEncoding::EXPANDED);
        let p3 = Features::of_file(&file(Some("proto3"), None));
        assert_eq!(p3.field_presence, FieldPresence::IMPLICIT);
        assert_eq!(p3.enum_type, EnumType::OPEN);
        assert_eq!(p3.repeated_field_encoding, RepeatedFieldEncoding::PACKED);
        let e23 = Features::of_file(&file(Some("editions"), Some(Edition::EDITION_2023)));
        assert_eq!(e23.field_presence, FieldPresence::EXPLICIT);
        assert_eq!(e23.enum_type, EnumType::OPEN);
        assert_eq!(e23.utf8_validation, Utf8Validation::VERIFY);
    }

    #[test]
    fn explicit_features_override_in_order() {
        let mut f = file(Some("editions"), Some(Edition::EDITION_2023));
        f.options = Some(Box::new(FileOptions {
            features: Some(FeatureSet {
                field_presence: Some(FieldPresence::IMPLICIT),
                ..Default::default()
            }),
            ..Default::default()
        }));
        let file_f = Features::of_file(&f);
        assert_eq!(file_f.field_presence, FieldPresence::IMPLICIT);
        let field = FieldDescriptorProto {
            r#type: Some(Type::TYPE_INT32),
            label: Some(Label::LABEL_OPTIONAL),
            options: Some(Box::new(FieldOptions {
                features: Some(Box::new(FeatureSet {
                    field_presence: Some(FieldPresence::LEGACY_REQUIRED),
                    ..Default::default()
                })),
                ..Default::default()
            })),
            ..Default::default()
        };
        let m = DescriptorProto::default();
        let ff = file_f
            .of_message(&m)
            .of_field(Edition::EDITION_2023, &field);
        assert_eq!(ff.field_presence, FieldPresence::LEGACY_REQUIRED);
        // a message-typed field keeps presence under IMPLICIT
        let msg_field = FieldDescriptorProto {
            r#type: Some(Type::TYPE_MESSAGE),
            ..Default::default()
        };
        assert_eq!(
            file_f
                .of_field(Edition::EDITION_2023, &msg_field)
                .field_presence,
            FieldPresence::EXPLICIT
        );
    }

    #[test]
    fn legacy_labels_become_features() {
        let base = Features::defaults(Edition::EDITION_PROTO2);
        let req = FieldDescriptorProto {
            label: Some(Label::LABEL_REQUIRED),
            r#type: Some(Type::TYPE_INT32),
            ..Default::default()
        };
        assert_eq!(
            base.of_field(Edition::EDITION_PROTO2, &req).field_presence,
            FieldPresence::LEGACY_REQUIRED
        );
        let group = FieldDescriptorProto {
            r#type: Some(Type::TYPE_GROUP),
            ..Default::default()
        };
        assert_eq!(
            base.of_field(Edition::EDITION_PROTO2, &group)
                .message_encoding,
            MessageEncoding::DELIMITED
        );
        let packed = FieldDescriptorProto {
            label: Some(Label::LABEL_REPEATED),
            r#type: Some(Type::TYPE_INT32),
            options: Some(Box::new(FieldOptions {
                packed: Some(true),
                ..Default::default()
            })),
            ..Default::default()
        };
        assert_eq!(
            base.of_field(Edition::EDITION_PROTO2, &packed)
                .repeated_field_encoding,
            RepeatedFieldEncoding::PACKED
        );
        let p3 = Features::defaults(Edition::EDITION_PROTO3);
        let opt = FieldDescriptorProto {
            r#type: Some(Type::TYPE_INT32),
            proto3_optional: Some(true),
            ..Default::default()
        };
        assert_eq!(
            p3.of_field(Edition::EDITION_PROTO3, &opt).field_presence,
            FieldPresence::EXPLICIT
        );
    }
}
