//! Rust mirrors of the messages in `google/protobuf/descriptor.proto` and
//! `google/protobuf/compiler/plugin.proto` (protobuf v35.1).
//!
//! Conventions:
//! * proto2 singular scalars and sub-messages are `Option<T>`, repeated
//!   fields are `Vec<T>`. Struct fields are listed in field-number order,
//!   which is also the order they are written on the wire.
//! * Enums are open newtypes over `i32` with one associated const per
//!   declared value (named exactly as in the .proto file), so any number can
//!   be held; the decoder follows proto2 closed-enum rules and keeps
//!   undeclared numbers in `unknown` instead (see `decode.rs`).
//! * Every message has `pub unknown: Vec<u8>`: the raw bytes of fields it
//!   does not know (custom options, extensions), in the order met, written
//!   back verbatim after the known fields.
//! * Nested messages and enums live in a snake_case module named after the
//!   enclosing message (`descriptor_proto::ExtensionRange`,
//!   `field_descriptor_proto::Type`); plugin.proto types live in `compiler`.

use std::fmt;

use super::decode::kinds as dk;
use super::decode::{Decode, DecodeError};
use super::encode::kinds as ek;
use super::encode::{begin_size, Encode};
use super::wire::{Reader, WireType};

/// Behaviour shared by the enum newtypes.
pub trait ProtoEnum: Copy {
    /// Wraps any number, declared or not.
    fn from_i32(value: i32) -> Self;
    /// The number on the wire.
    fn value(self) -> i32;
    /// The declared name of this value, if the enum declares it.
    fn name(self) -> Option<&'static str>;
    /// Whether the enum declares this value.
    fn is_known(self) -> bool {
        self.name().is_some()
    }
}

macro_rules! proto_enum {
    (
        $(#[$m:meta])*
        $name:ident { $first:ident = $fval:literal $(, $variant:ident = $val:literal)* $(,)? }
    ) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i32);

        impl $name {
            pub const $first: $name = $name($fval);
            $(pub const $variant: $name = $name($val);)*

            /// Every declared value, in declaration order.
            pub const VALUES: &'static [$name] = &[$name::$first $(, $name::$variant)*];

            /// Looks a value up by its declared name.
            pub fn from_name(name: &str) -> Option<$name> {
                $name::VALUES
                    .iter()
                    .copied()
                    .find(|v| ProtoEnum::name(*v) == Some(name))
            }
        }

        impl ProtoEnum for $name {
            fn from_i32(value: i32) -> Self {
                $name(value)
            }
            fn value(self) -> i32 {
                self.0
            }
            fn name(self) -> Option<&'static str> {
                match self.0 {
                    $fval => Some(stringify!($first)),
                    $($val => Some(stringify!($variant)),)*
                    _ => None,
                }
            }
        }

        /// The first declared value, as proto2 does.
        impl Default for $name {
            fn default() -> Self {
                $name::$first
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match ProtoEnum::name(*self) {
                    Some(n) => f.write_str(n),
                    None => write!(f, "{}({})", stringify!($name), self.0),
                }
            }
        }

        impl From<i32> for $name {
            fn from(v: i32) -> Self {
                $name(v)
            }
        }

        impl From<$name> for i32 {
            fn from(v: $name) -> i32 {
                v.0
            }
        }
    };
}

macro_rules! message {
    (
        $(#[$m:meta])*
        $name:ident {
            $( $(#[$fm:meta])* $num:literal => $field:ident : $ty:ty = $kind:ident ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $( $(#[$fm])* pub $field: $ty, )*
            /// Raw bytes of fields this message does not know, in the order
            /// met; written back verbatim after the known fields.
            pub unknown: Vec<u8>,
        }

        impl $name {
            /// Numbers of the known fields, in wire (= number) order.
            pub const FIELD_NUMBERS: &'static [u32] = &[$($num),*];
        }

        impl Encode for $name {
            #[allow(unused_variables, unused_mut)]
            fn compute_sizes(&self, sizes: &mut Vec<usize>) -> usize {
                let slot = begin_size(sizes);
                let mut n = self.unknown.len();
                $( n += ek::$kind::size($num, &self.$field, sizes); )*
                sizes[slot] = n;
                n
            }

            #[allow(unused_variables)]
            fn write_sized(&self, buf: &mut Vec<u8>, sizes: &[usize], cursor: &mut usize) {
                *cursor += 1;
                $( ek::$kind::write($num, &self.$field, buf, sizes, cursor); )*
                buf.extend_from_slice(&self.unknown);
            }
        }

        impl Decode for $name {
            #[allow(unused_variables)]
            fn merge_field(
                &mut self,
                number: u32,
                wt: WireType,
                r: &mut Reader<'_>,
                depth: u32,
            ) -> Result<bool, DecodeError> {
                $(
                    if number == $num {
                        return dk::$kind::merge(&mut self.$field, &mut self.unknown, number, wt, r, depth);
                    }
                )*
                Ok(false)
            }

            fn unknown_fields(&self) -> &[u8] {
                &self.unknown
            }

            fn unknown_fields_mut(&mut self) -> &mut Vec<u8> {
                &mut self.unknown
            }
        }
    };
}

proto_enum! {
    /// `google.protobuf.Edition`.
    Edition {
        EDITION_UNKNOWN = 0,
        EDITION_LEGACY = 900,
        EDITION_PROTO2 = 998,
        EDITION_PROTO3 = 999,
        EDITION_2023 = 1000,
        EDITION_2024 = 1001,
        EDITION_2026 = 1002,
        EDITION_UNSTABLE = 9999,
        EDITION_1_TEST_ONLY = 1,
        EDITION_2_TEST_ONLY = 2,
        EDITION_99997_TEST_ONLY = 99997,
        EDITION_99998_TEST_ONLY = 99998,
        EDITION_99999_TEST_ONLY = 99999,
        EDITION_MAX = 0x7FFFFFFF,
    }
}

proto_enum! {
    /// `google.protobuf.SymbolVisibility`.
    SymbolVisibility {
        VISIBILITY_UNSET = 0,
        VISIBILITY_LOCAL = 1,
        VISIBILITY_EXPORT = 2,
    }
}

message! {
    /// `google.protobuf.FileDescriptorSet`.
    FileDescriptorSet {
        1 => file: Vec<FileDescriptorProto> = rep_msg,
    }
}

message! {
    /// `google.protobuf.FileDescriptorProto`.
    FileDescriptorProto {
        1 => name: Option<String> = opt_string,
        2 => package: Option<String> = opt_string,
        3 => dependency: Vec<String> = rep_string,
        4 => message_type: Vec<DescriptorProto> = rep_msg,
        5 => enum_type: Vec<EnumDescriptorProto> = rep_msg,
        6 => service: Vec<ServiceDescriptorProto> = rep_msg,
        7 => extension: Vec<FieldDescriptorProto> = rep_msg,
        8 => options: Option<Box<FileOptions>> = opt_msg,
        9 => source_code_info: Option<SourceCodeInfo> = opt_msg,
        /// Not packed.
        10 => public_dependency: Vec<i32> = rep_int32,
        /// Not packed.
        11 => weak_dependency: Vec<i32> = rep_int32,
        12 => syntax: Option<String> = opt_string,
        14 => edition: Option<Edition> = opt_enum,
        15 => option_dependency: Vec<String> = rep_string,
    }
}

message! {
    /// `google.protobuf.DescriptorProto`.
    DescriptorProto {
        1 => name: Option<String> = opt_string,
        2 => field: Vec<FieldDescriptorProto> = rep_msg,
        3 => nested_type: Vec<DescriptorProto> = rep_msg,
        4 => enum_type: Vec<EnumDescriptorProto> = rep_msg,
        5 => extension_range: Vec<descriptor_proto::ExtensionRange> = rep_msg,
        6 => extension: Vec<FieldDescriptorProto> = rep_msg,
        7 => options: Option<Box<MessageOptions>> = opt_msg,
        8 => oneof_decl: Vec<OneofDescriptorProto> = rep_msg,
        9 => reserved_range: Vec<descriptor_proto::ReservedRange> = rep_msg,
        10 => reserved_name: Vec<String> = rep_string,
        11 => visibility: Option<SymbolVisibility> = opt_enum,
    }
}

/// Types nested in `DescriptorProto`.
pub mod descriptor_proto {
    use super::*;

    message! {
        /// `google.protobuf.DescriptorProto.ExtensionRange`.
        ExtensionRange {
            /// Inclusive.
            1 => start: Option<i32> = opt_int32,
            /// Exclusive.
            2 => end: Option<i32> = opt_int32,
            3 => options: Option<Box<ExtensionRangeOptions>> = opt_msg,
        }
    }

    message! {
        /// `google.protobuf.DescriptorProto.ReservedRange`.
        ReservedRange {
            /// Inclusive.
            1 => start: Option<i32> = opt_int32,
            /// Exclusive.
            2 => end: Option<i32> = opt_int32,
        }
    }
}

message! {
    /// `google.protobuf.ExtensionRangeOptions`.
    ExtensionRangeOptions {
        2 => declaration: Vec<extension_range_options::Declaration> = rep_msg,
        3 => verification: Option<extension_range_options::VerificationState> = opt_enum,
        50 => features: Option<FeatureSet> = opt_msg,
        999 => uninterpreted_option: Vec<UninterpretedOption> = rep_msg,
    }
}

/// Types nested in `ExtensionRangeOptions`.
pub mod extension_range_options {
    use super::*;

    message! {
        /// `google.protobuf.ExtensionRangeOptions.Declaration`.
        Declaration {
            1 => number: Option<i32> = opt_int32,
            2 => full_name: Option<String> = opt_string,
            3 => r#type: Option<String> = opt_string,
            5 => reserved: Option<bool> = opt_bool,
            6 => repeated: Option<bool> = opt_bool,
        }
    }

    proto_enum! {
        /// `google.protobuf.ExtensionRangeOptions.VerificationState`.
        VerificationState {
            DECLARATION = 0,
            UNVERIFIED = 1,
        }
    }
}

message! {
    /// `google.protobuf.FieldDescriptorProto`.
    FieldDescriptorProto {
        1 => name: Option<String> = opt_string,
        2 => extendee: Option<String> = opt_string,
        3 => number: Option<i32> = opt_int32,
        4 => label: Option<field_descriptor_proto::Label> = opt_enum,
        5 => r#type: Option<field_descriptor_proto::Type> = opt_enum,
        6 => type_name: Option<String> = opt_string,
        7 => default_value: Option<String> = opt_string,
        8 => options: Option<Box<FieldOptions>> = opt_msg,
        9 => oneof_index: Option<i32> = opt_int32,
        10 => json_name: Option<String> = opt_string,
        17 => proto3_optional: Option<bool> = opt_bool,
    }
}

/// Types nested in `FieldDescriptorProto`.
pub mod field_descriptor_proto {
    use super::*;

    proto_enum! {
        /// `google.protobuf.FieldDescriptorProto.Type`.
        Type {
            TYPE_DOUBLE = 1,
            TYPE_FLOAT = 2,
            TYPE_INT64 = 3,
            TYPE_UINT64 = 4,
            TYPE_INT32 = 5,
            TYPE_FIXED64 = 6,
            TYPE_FIXED32 = 7,
            TYPE_BOOL = 8,
            TYPE_STRING = 9,
            TYPE_GROUP = 10,
            TYPE_MESSAGE = 11,
            TYPE_BYTES = 12,
            TYPE_UINT32 = 13,
            TYPE_ENUM = 14,
            TYPE_SFIXED32 = 15,
            TYPE_SFIXED64 = 16,
            TYPE_SINT32 = 17,
            TYPE_SINT64 = 18,
        }
    }

    proto_enum! {
        /// `google.protobuf.FieldDescriptorProto.Label`.
        Label {
            LABEL_OPTIONAL = 1,
            LABEL_REPEATED = 3,
            LABEL_REQUIRED = 2,
        }
    }
}

message! {
    /// `google.protobuf.OneofDescriptorProto`.
    OneofDescriptorProto {
        1 => name: Option<String> = opt_string,
        2 => options: Option<Box<OneofOptions>> = opt_msg,
    }
}

message! {
    /// `google.protobuf.EnumDescriptorProto`.
    EnumDescriptorProto {
        1 => name: Option<String> = opt_string,
        2 => value: Vec<EnumValueDescriptorProto> = rep_msg,
        3 => options: Option<Box<EnumOptions>> = opt_msg,
        4 => reserved_range: Vec<enum_descriptor_proto::EnumReservedRange> = rep_msg,
        5 => reserved_name: Vec<String> = rep_string,
        6 => visibility: Option<SymbolVisibility> = opt_enum,
    }
}

/// Types nested in `EnumDescriptorProto`.
pub mod enum_descriptor_proto {
    use super::*;

    message! {
        /// `google.protobuf.EnumDescriptorProto.EnumReservedRange`.
        EnumReservedRange {
            /// Inclusive.
            1 => start: Option<i32> = opt_int32,
            /// Inclusive.
            2 => end: Option<i32> = opt_int32,
        }
    }
}

message! {
    /// `google.protobuf.EnumValueDescriptorProto`.
    EnumValueDescriptorProto {
        1 => name: Option<String> = opt_string,
        2 => number: Option<i32> = opt_int32,
        3 => options: Option<Box<EnumValueOptions>> = opt_msg,
    }
}

message! {
    /// `google.protobuf.ServiceDescriptorProto`.
    ServiceDescriptorProto {
        1 => name: Option<String> = opt_string,
        2 => method: Vec<MethodDescriptorProto> = rep_msg,
        3 => options: Option<Box<ServiceOptions>> = opt_msg,
    }
}

message! {
    /// `google.protobuf.MethodDescriptorProto`.
    MethodDescriptorProto {
        1 => name: Option<String> = opt_string,
        2 => input_type: Option<String> = opt_string,
        3 => output_type: Option<String> = opt_string,
        4 => options: Option<Box<MethodOptions>> = opt_msg,
        5 => client_streaming: Option<bool> = opt_bool,
        6 => server_streaming: Option<bool> = opt_bool,
    }
}

message! {
    /// `google.protobuf.FileOptions`.
    FileOptions {
        1 => java_package: Option<String> = opt_string,
        8 => java_outer_classname: Option<String> = opt_string,
        9 => optimize_for: Option<file_options::OptimizeMode> = opt_enum,
        10 => java_multiple_files: Option<bool> = opt_bool,
        11 => go_package: Option<String> = opt_string,
        16 => cc_generic_services: Option<bool> = opt_bool,
        17 => java_generic_services: Option<bool> = opt_bool,
        18 => py_generic_services: Option<bool> = opt_bool,
        20 => java_generate_equals_and_hash: Option<bool> = opt_bool,
        23 => deprecated: Option<bool> = opt_bool,
        27 => java_string_check_utf8: Option<bool> = opt_bool,
        31 => cc_enable_arenas: Option<bool> = opt_bool,
        36 => objc_class_prefix: Option<String> = opt_string,
        37 => csharp_namespace: Option<String> = opt_string,
        39 => swift_prefix: Option<String> = opt_string,
        40 => php_class_prefix: Option<String> = opt_string,
        41 => php_namespace: Option<String> = opt_string,
        44 => php_metadata_namespace: Option<String> = opt_string,
        45 => ruby_package: Option<String> = opt_string,
        50 => features: Option<FeatureSet> = opt_msg,
        999 => uninterpreted_option: Vec<UninterpretedOption> = rep_msg,
    }
}

/// Types nested in `FileOptions`.
pub mod file_options {
    use super::*;

    proto_enum! {
        /// `google.protobuf.FileOptions.OptimizeMode`.
        OptimizeMode {
            SPEED = 1,
            CODE_SIZE = 2,
            LITE_RUNTIME = 3,
        }
    }
}

message! {
    /// `google.protobuf.MessageOptions`.
    MessageOptions {
        1 => message_set_wire_format: Option<bool> = opt_bool,
        2 => no_standard_descriptor_accessor: Option<bool> = opt_bool,
        3 => deprecated: Option<bool> = opt_bool,
        7 => map_entry: Option<bool> = opt_bool,
        11 => deprecated_legacy_json_field_conflicts: Option<bool> = opt_bool,
        12 => features: Option<FeatureSet> = opt_msg,
        999 => uninterpreted_option: Vec<UninterpretedOption> = rep_msg,
    }
}

message! {
    /// `google.protobuf.FieldOptions`.
    FieldOptions {
        1 => ctype: Option<field_options::CType> = opt_enum,
        2 => packed: Option<bool> = opt_bool,
        3 => deprecated: Option<bool> = opt_bool,
        5 => lazy: Option<bool> = opt_bool,
        6 => jstype: Option<field_options::JSType> = opt_enum,
        10 => weak: Option<bool> = opt_bool,
        15 => unverified_lazy: Option<bool> = opt_bool,
        16 => debug_redact: Option<bool> = opt_bool,
        17 => retention: Option<field_options::OptionRetention> = opt_enum,
        /// Not packed.
        19 => targets: Vec<field_options::OptionTargetType> = rep_enum,
        20 => edition_defaults: Vec<field_options::EditionDefault> = rep_msg,
        /// Boxed: few fields set features, and every field with options
        /// carries this struct.
        21 => features: Option<Box<FeatureSet>> = opt_msg,
        /// Boxed: set only in descriptor.proto itself, and every field with
        /// options carries this struct.
        22 => feature_support: Option<Box<field_options::FeatureSupport>> = opt_msg,
        999 => uninterpreted_option: Vec<UninterpretedOption> = rep_msg,
    }
}

/// Types nested in `FieldOptions`.
pub mod field_options {
    use super::*;

    proto_enum! {
        /// `google.protobuf.FieldOptions.CType`.
        CType {
            STRING = 0,
            CORD = 1,
            STRING_PIECE = 2,
        }
    }

    proto_enum! {
        /// `google.protobuf.FieldOptions.JSType`.
        JSType {
            JS_NORMAL = 0,
            JS_STRING = 1,
            JS_NUMBER = 2,
        }
    }

    proto_enum! {
        /// `google.protobuf.FieldOptions.OptionRetention`.
        OptionRetention {
            RETENTION_UNKNOWN = 0,
            RETENTION_RUNTIME = 1,
            RETENTION_SOURCE = 2,
        }
    }

    proto_enum! {
        /// `google.protobuf.FieldOptions.OptionTargetType`.
        OptionTargetType {
            TARGET_TYPE_UNKNOWN = 0,
            TARGET_TYPE_FILE = 1,
            TARGET_TYPE_EXTENSION_RANGE = 2,
            TARGET_TYPE_MESSAGE = 3,
            TARGET_TYPE_FIELD = 4,
            TARGET_TYPE_ONEOF = 5,
            TARGET_TYPE_ENUM = 6,
            TARGET_TYPE_ENUM_ENTRY = 7,
            TARGET_TYPE_SERVICE = 8,
            TARGET_TYPE_METHOD = 9,
        }
    }

    message! {
        /// `google.protobuf.FieldOptions.EditionDefault`.
        EditionDefault {
            /// Textproto value.
            2 => value: Option<String> = opt_string,
            3 => edition: Option<Edition> = opt_enum,
        }
    }

    message! {
        /// `google.protobuf.FieldOptions.FeatureSupport`.
        FeatureSupport {
            1 => edition_introduced: Option<Edition> = opt_enum,
            2 => edition_deprecated: Option<Edition> = opt_enum,
            3 => deprecation_warning: Option<String> = opt_string,
            4 => edition_removed: Option<Edition> = opt_enum,
            5 => removal_error: Option<String> = opt_string,
        }
    }
}

message! {
    /// `google.protobuf.OneofOptions`.
    OneofOptions {
        1 => features: Option<FeatureSet> = opt_msg,
        999 => uninterpreted_option: Vec<UninterpretedOption> = rep_msg,
    }
}

message! {
    /// `google.protobuf.EnumOptions`.
    EnumOptions {
        2 => allow_alias: Option<bool> = opt_bool,
        3 => deprecated: Option<bool> = opt_bool,
        6 => deprecated_legacy_json_field_conflicts: Option<bool> = opt_bool,
        7 => features: Option<FeatureSet> = opt_msg,
        999 => uninterpreted_option: Vec<UninterpretedOption> = rep_msg,
    }
}

message! {
    /// `google.protobuf.EnumValueOptions`.
    EnumValueOptions {
        1 => deprecated: Option<bool> = opt_bool,
        2 => features: Option<FeatureSet> = opt_msg,
        3 => debug_redact: Option<bool> = opt_bool,
        4 => feature_support: Option<field_options::FeatureSupport> = opt_msg,
        999 => uninterpreted_option: Vec<UninterpretedOption> = rep_msg,
    }
}

message! {
    /// `google.protobuf.ServiceOptions`.
    ServiceOptions {
        33 => deprecated: Option<bool> = opt_bool,
        34 => features: Option<FeatureSet> = opt_msg,
        999 => uninterpreted_option: Vec<UninterpretedOption> = rep_msg,
    }
}

message! {
    /// `google.protobuf.MethodOptions`.
    MethodOptions {
        33 => deprecated: Option<bool> = opt_bool,
        34 => idempotency_level: Option<method_options::IdempotencyLevel> = opt_enum,
        35 => features: Option<FeatureSet> = opt_msg,
        999 => uninterpreted_option: Vec<UninterpretedOption> = rep_msg,
    }
}

/// Types nested in `MethodOptions`.
pub mod method_options {
    use super::*;

    proto_enum! {
        /// `google.protobuf.MethodOptions.IdempotencyLevel`.
        IdempotencyLevel {
            IDEMPOTENCY_UNKNOWN = 0,
            NO_SIDE_EFFECTS = 1,
            IDEMPOTENT = 2,
        }
    }
}

message! {
    /// `google.protobuf.UninterpretedOption`.
    UninterpretedOption {
        2 => name: Vec<uninterpreted_option::NamePart> = rep_msg,
        3 => identifier_value: Option<String> = opt_string,
        4 => positive_int_value: Option<u64> = opt_uint64,
        5 => negative_int_value: Option<i64> = opt_int64,
        6 => double_value: Option<f64> = opt_double,
        7 => string_value: Option<Vec<u8>> = opt_bytes,
        8 => aggregate_value: Option<String> = opt_string,
    }
}

/// Types nested in `UninterpretedOption`.
pub mod uninterpreted_option {
    use super::*;

    message! {
        /// `google.protobuf.UninterpretedOption.NamePart`. Both fields are
        /// `required` in the .proto; the decoder does not enforce that.
        NamePart {
            1 => name_part: Option<String> = opt_string,
            2 => is_extension: Option<bool> = opt_bool,
        }
    }
}

message! {
    /// `google.protobuf.FeatureSet`. Language features such as `pb.cpp`
    /// (extensions 1000 and up) stay in `unknown`.
    FeatureSet {
        1 => field_presence: Option<feature_set::FieldPresence> = opt_enum,
        2 => enum_type: Option<feature_set::EnumType> = opt_enum,
        3 => repeated_field_encoding: Option<feature_set::RepeatedFieldEncoding> = opt_enum,
        4 => utf8_validation: Option<feature_set::Utf8Validation> = opt_enum,
        5 => message_encoding: Option<feature_set::MessageEncoding> = opt_enum,
        6 => json_format: Option<feature_set::JsonFormat> = opt_enum,
        7 => enforce_naming_style: Option<feature_set::EnforceNamingStyle> = opt_enum,
        8 => default_symbol_visibility:
            Option<feature_set::visibility_feature::DefaultSymbolVisibility> = opt_enum,
    }
}

/// Types nested in `FeatureSet`.
pub mod feature_set {
    use super::*;

    proto_enum! {
        /// `google.protobuf.FeatureSet.FieldPresence`.
        FieldPresence {
            FIELD_PRESENCE_UNKNOWN = 0,
            EXPLICIT = 1,
            IMPLICIT = 2,
            LEGACY_REQUIRED = 3,
        }
    }

    proto_enum! {
        /// `google.protobuf.FeatureSet.EnumType`.
        EnumType {
            ENUM_TYPE_UNKNOWN = 0,
            OPEN = 1,
            CLOSED = 2,
        }
    }

    proto_enum! {
        /// `google.protobuf.FeatureSet.RepeatedFieldEncoding`.
        RepeatedFieldEncoding {
            REPEATED_FIELD_ENCODING_UNKNOWN = 0,
            PACKED = 1,
            EXPANDED = 2,
        }
    }

    proto_enum! {
        /// `google.protobuf.FeatureSet.Utf8Validation`.
        Utf8Validation {
            UTF8_VALIDATION_UNKNOWN = 0,
            VERIFY = 2,
            NONE = 3,
        }
    }

    proto_enum! {
        /// `google.protobuf.FeatureSet.MessageEncoding`.
        MessageEncoding {
            MESSAGE_ENCODING_UNKNOWN = 0,
            LENGTH_PREFIXED = 1,
            DELIMITED = 2,
        }
    }

    proto_enum! {
        /// `google.protobuf.FeatureSet.JsonFormat`.
        JsonFormat {
            JSON_FORMAT_UNKNOWN = 0,
            ALLOW = 1,
            LEGACY_BEST_EFFORT = 2,
        }
    }

    proto_enum! {
        /// `google.protobuf.FeatureSet.EnforceNamingStyle`.
        EnforceNamingStyle {
            ENFORCE_NAMING_STYLE_UNKNOWN = 0,
            STYLE2024 = 1,
            STYLE_LEGACY = 2,
            STYLE2026 = 3,
        }
    }

    message! {
        /// `google.protobuf.FeatureSet.VisibilityFeature` (no fields; it only
        /// scopes the enum below).
        VisibilityFeature {}
    }

    /// Types nested in `FeatureSet.VisibilityFeature`.
    pub mod visibility_feature {
        use super::*;

        proto_enum! {
            /// `google.protobuf.FeatureSet.VisibilityFeature.DefaultSymbolVisibility`.
            DefaultSymbolVisibility {
                DEFAULT_SYMBOL_VISIBILITY_UNKNOWN = 0,
                EXPORT_ALL = 1,
                EXPORT_TOP_LEVEL = 2,
                LOCAL_ALL = 3,
                STRICT = 4,
            }
        }
    }
}

message! {
    /// `google.protobuf.FeatureSetDefaults`.
    FeatureSetDefaults {
        1 => defaults: Vec<feature_set_defaults::FeatureSetEditionDefault> = rep_msg,
        4 => minimum_edition: Option<Edition> = opt_enum,
        5 => maximum_edition: Option<Edition> = opt_enum,
    }
}

/// Types nested in `FeatureSetDefaults`.
pub mod feature_set_defaults {
    use super::*;

    message! {
        /// `google.protobuf.FeatureSetDefaults.FeatureSetEditionDefault`.
        FeatureSetEditionDefault {
            3 => edition: Option<Edition> = opt_enum,
            4 => overridable_features: Option<FeatureSet> = opt_msg,
            5 => fixed_features: Option<FeatureSet> = opt_msg,
        }
    }
}

/// `google.protobuf.SourceCodeInfo`.
///
/// Written by hand rather than with `message!` for `encoded`: locations
/// may also be held already in wire form, which is all a compilation that
/// only writes a descriptor set needs of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceCodeInfo {
    /// Field 1.
    pub location: Vec<source_code_info::Location>,
    /// More of field 1, in wire form: written before `location`. Never
    /// filled by decoding; see [`source_code_info::EncodedLocations`].
    pub encoded: source_code_info::EncodedLocations,
    /// Raw bytes of fields this message does not know, in the order met;
    /// written back verbatim after the known fields.
    pub unknown: Vec<u8>,
}

impl SourceCodeInfo {
    /// Numbers of the known fields, in wire (= number) order.
    pub const FIELD_NUMBERS: &'static [u32] = &[1];

    /// How many locations it holds, in either form.
    pub fn len(&self) -> usize {
        self.encoded.len() + self.location.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gives the locations numbered in `edits` (in the order recorded,
    /// wire-form ones first) their new paths; numbers past the end are
    /// ignored.
    pub fn set_paths(&mut self, edits: Vec<(usize, Vec<i32>)>) {
        let first = self.encoded.len();
        let mut wire = Vec::new();
        for (i, path) in edits {
            if i < first {
                wire.push((i, path));
            } else if let Some(l) = self.location.get_mut(i - first) {
                l.path = path.into();
            }
        }
        self.encoded.set_paths(wire);
    }

    /// Keeps only the locations whose path `keep` accepts.
    pub fn retain_paths(&mut self, mut keep: impl FnMut(&[i32]) -> bool) {
        self.encoded.retain_paths(&mut keep);
        self.location.retain(|l| keep(&l.path));
    }
}

impl Encode for SourceCodeInfo {
    fn compute_sizes(&self, sizes: &mut Vec<usize>) -> usize {
        let slot = begin_size(sizes);
        let n = self.encoded.byte_len()
            + ek::rep_msg::size(1, &self.location, sizes)
            + self.unknown.len();
        sizes[slot] = n;
        n
    }

    fn write_sized(&self, buf: &mut Vec<u8>, sizes: &[usize], cursor: &mut usize) {
        *cursor += 1;
        if !crate::descriptor::apart::skip_locations(buf.len()) {
            self.encoded.for_each_piece(|p| buf.extend_from_slice(p));
        }
        ek::rep_msg::write(1, &self.location, buf, sizes, cursor);
        buf.extend_from_slice(&self.unknown);
    }
}

impl Decode for SourceCodeInfo {
    fn merge_field(
        &mut self,
        number: u32,
        wt: WireType,
        r: &mut Reader<'_>,
        depth: u32,
    ) -> Result<bool, DecodeError> {
        if number == 1 {
            return dk::rep_msg::merge(&mut self.location, &mut self.unknown, number, wt, r, depth);
        }
        Ok(false)
    }

    fn unknown_fields(&self) -> &[u8] {
        &self.unknown
    }

    fn unknown_fields_mut(&mut self) -> &mut Vec<u8> {
        &mut self.unknown
    }
}

/// Types nested in `SourceCodeInfo`.
pub mod source_code_info {
    use super::*;

    /// A location's path: most have at most six elements, held inline.
    pub type LocationPath = smallvec::SmallVec<[i32; 6]>;

    /// A location's span: three or four elements, held inline.
    pub type LocationSpan = smallvec::SmallVec<[i32; 4]>;

    /// `google.protobuf.SourceCodeInfo.Location`.
    ///
    /// Written by hand rather than with `message!` to stay small (64
    /// bytes): a large schema has millions of locations, most without
    /// comments and with short paths. Path and span are inline; the three
    /// comment fields and any unknown fields share one box, there only when
    /// one of them is set.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Location {
        /// Field 1, packed.
        pub path: LocationPath,
        /// Field 2, packed; 3 or 4 elements.
        pub span: LocationSpan,
        /// Fields 3, 4 and 6, and unknown fields.
        pub comments: Option<Box<LocationComments>>,
    }

    /// The comment fields of a [`Location`], and the rare rest.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct LocationComments {
        /// Field 3, `leading_comments`.
        pub leading: Option<String>,
        /// Field 4, `trailing_comments`.
        pub trailing: Option<String>,
        /// Field 6, `leading_detached_comments`.
        pub detached: Vec<String>,
        /// Raw bytes of the location's fields not known here, in the order
        /// met; written back verbatim after the known fields.
        pub unknown: Vec<u8>,
    }

    impl LocationComments {
        fn is_empty(&self) -> bool {
            self.leading.is_none()
                && self.trailing.is_none()
                && self.detached.is_empty()
                && self.unknown.is_empty()
        }
    }

    /// Locations in wire form: each a whole `location` field of
    /// `SourceCodeInfo` (tag, length, message), back to back, written out
    /// as they are. A large schema has millions of locations: made straight
    /// into bytes they take a fraction of the memory of [`Location`]s and
    /// cost nothing more to write. Where each one starts is found again by
    /// walking the fields, only when they are edited.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct EncodedLocations {
        bytes: Vec<u8>,
        /// How many locations `bytes` holds.
        count: usize,
        /// Locations given new paths after they were recorded, in order:
        /// each replaces a field of `bytes` with one in `patched`. The
        /// recorded bytes are never moved: they are written out around
        /// the replacements.
        patches: Vec<Patch>,
        patched: Vec<u8>,
    }

    /// `bytes[start..end]` (one location's field) reads as
    /// `patched[at..at + len]`.
    #[derive(Clone, Copy, Debug, PartialEq)]
    struct Patch {
        start: usize,
        end: usize,
        at: usize,
        len: usize,
    }

    use crate::descriptor::wire::put_varint;

    /// Appends an `int32` varint, one byte without a loop when it fits.
    #[inline(always)]
    fn put_int32_fast(b: &mut Vec<u8>, v: i32) {
        if (v as u32) < 0x80 {
            b.push(v as u8);
        } else {
            put_varint(b, v as i64 as u64);
        }
    }

    /// Sets the one-byte length placeholder at `at` to the number of bytes
    /// after it, widening it when that takes more than one byte.
    #[inline(always)]
    fn patch_len(b: &mut Vec<u8>, at: usize) {
        set_len_at(b, at, b.len() - at - 1);
    }

    /// Sets the one-byte length placeholder at `at` to `len`, widening it
    /// when that takes more than one byte.
    #[inline(always)]
    fn set_len_at(b: &mut Vec<u8>, at: usize, len: usize) {
        if len < 0x80 {
            b[at] = len as u8;
        } else {
            widen_len(b, at, len);
        }
    }

    /// [`patch_len`]'s rare case: a length of two bytes or more.
    #[cold]
    #[inline(never)]
    fn widen_len(b: &mut Vec<u8>, at: usize, len: usize) {
        let mut v = Vec::with_capacity(10);
        put_varint(&mut v, len as u64);
        let (old, extra) = (b.len(), v.len() - 1);
        b.resize(old + extra, 0);
        b.copy_within(at + 1..old, at + 1 + extra);
        b[at..at + v.len()].copy_from_slice(&v);
    }

    /// Appends a string field with the tag byte `tag`.
    fn put_string(b: &mut Vec<u8>, tag: u8, s: &str) {
        b.push(tag);
        put_varint(b, s.len() as u64);
        b.extend_from_slice(s.as_bytes());
    }

    impl EncodedLocations {
        /// Empty, with room for about `bytes` bytes.
        pub fn with_capacity(bytes: usize) -> Self {
            EncodedLocations {
                bytes: Vec::with_capacity(bytes),
                ..Default::default()
            }
        }

        /// Empty, for recording a file's locations: the room comes from
        /// this thread's spare buffer when it has about `bytes`, and
        /// [`sealed`](Self::sealed) hands it back.
        pub fn recording(bytes: usize) -> Self {
            EncodedLocations {
                bytes: crate::spare::take_with_room(&crate::spare::LOCATIONS, bytes),
                ..Default::default()
            }
        }

        /// The same locations in a buffer of their size; the working
        /// buffer is kept for the next [`recording`](Self::recording) on
        /// this thread. A guessed capacity left over in every file costs
        /// memory that huge pages back whether it is written or not: about
        /// 70 MiB over googleapis.
        pub fn sealed(self) -> Self {
            let exact = self.bytes.to_vec();
            crate::spare::keep_roomier(&crate::spare::LOCATIONS, self.bytes, usize::MAX);
            EncodedLocations {
                bytes: exact,
                count: self.count,
                patches: self.patches,
                patched: self.patched,
            }
        }

        /// How many locations it holds.
        pub fn len(&self) -> usize {
            self.count
        }

        pub fn is_empty(&self) -> bool {
            self.count == 0
        }

        /// How many bytes the locations' fields take, as written.
        pub fn byte_len(&self) -> usize {
            let replaced: usize = self.patches.iter().map(|p| p.end - p.start).sum();
            self.bytes.len() + self.patched.len() - replaced
        }

        /// The locations' fields as written, in pieces: recorded bytes and
        /// the fields that replace some of them, in order.
        pub fn for_each_piece<'s>(&'s self, mut f: impl FnMut(&'s [u8])) {
            let mut from = 0;
            for p in &self.patches {
                f(&self.bytes[from..p.start]);
                f(&self.patched[p.at..p.at + p.len]);
                from = p.end;
            }
            f(&self.bytes[from..]);
        }

        /// The replacements written into the recorded bytes.
        fn apply_patches(&mut self) {
            if self.patches.is_empty() {
                return;
            }
            let mut out = Vec::with_capacity(self.byte_len());
            self.for_each_piece(|p| out.extend_from_slice(p));
            self.bytes = out;
            self.patches = Vec::new();
            self.patched = Vec::new();
        }

        /// Where the field that starts at `at` in `b` ends. The tag byte
        /// 0x0a, a varint length and that many bytes (written by `push`
        /// and `put_with_path` only): only the length is read.
        fn field_end(b: &[u8], at: usize) -> usize {
            let (mut len, mut shift, mut i) = (0usize, 0, at + 1);
            while let Some(&byte) = b.get(i) {
                i += 1;
                len |= usize::from(byte & 0x7f) << shift;
                shift += 7;
                if byte < 0x80 || shift > 63 {
                    break;
                }
            }
            i.saturating_add(len).min(b.len())
        }

        /// Appends a location whose path is `path` (its parts one after
        /// the other): the bytes [`Location`]'s encoding gives for the same
        /// values.
        pub fn push(
            &mut self,
            path: &[&[i32]],
            span: &[i32],
            leading: Option<&str>,
            trailing: Option<&str>,
            detached: &[String],
        ) {
            // One pass: each length is written as one byte once its field
            // is complete, and widened in the rare case it needs more.
            let b = &mut self.bytes;
            self.count += 1;
            b.push(0x0a);
            let whole = b.len();
            b.push(0);
            for (tag, values) in [(0x0a, path), (0x12, &[span][..])] {
                if values.iter().all(|v| v.is_empty()) {
                    continue;
                }
                b.push(tag);
                let at = b.len();
                b.push(0);
                for p in values {
                    for &v in *p {
                        put_int32_fast(b, v);
                    }
                }
                patch_len(b, at);
            }
            // The whole length is known before the comments are written:
            // set now, a length too long for one byte moves only the path
            // and span, not the comments after them.
            let field = |len: usize| 1 + crate::descriptor::wire::varint_len(len as u64) + len;
            let comments: usize = [leading, trailing]
                .into_iter()
                .flatten()
                .chain(detached.iter().map(String::as_str))
                .map(|t| field(t.len()))
                .sum();
            set_len_at(b, whole, b.len() - whole - 1 + comments);
            for (tag, text) in [(0x1a, leading), (0x22, trailing)] {
                if let Some(t) = text {
                    put_string(b, tag, t);
                }
            }
            for d in detached {
                put_string(b, 0x32, d);
            }
        }

        /// Each location's field, in order (replacements included).
        fn fields(&self) -> impl Iterator<Item = &[u8]> + '_ {
            let b = &self.bytes;
            let mut patches = self.patches.iter().peekable();
            let mut at = 0;
            std::iter::from_fn(move || {
                if at >= b.len() {
                    return None;
                }
                if let Some(p) = patches.next_if(|p| p.start == at) {
                    at = p.end;
                    return Some(&self.patched[p.at..p.at + p.len]);
                }
                let end = Self::field_end(b, at);
                let field = &b[at..end];
                at = end;
                Some(field)
            })
        }

        /// The body of a location field (its tag and length skipped).
        fn body(field: &[u8]) -> &[u8] {
            let mut r = Reader::new(field);
            r.read_tag()
                .and_then(|_| r.read_len_delimited())
                .unwrap_or_default()
        }

        /// Appends `field` with `path` for its location's path.
        fn put_with_path(out: &mut Vec<u8>, field: &[u8], path: &[i32]) {
            // The path, if any, is the first of the location's fields.
            let body = Self::body(field);
            let mut rest = Reader::new(body);
            if body.first() == Some(&0x0a) {
                let _ = rest.read_tag().and_then(|_| rest.read_len_delimited());
            }
            let rest = &body[rest.pos()..];
            out.reserve(rest.len() + 2 * path.len() + 8);
            let whole = out.len() + 1;
            out.push(0x0a);
            out.push(0);
            if !path.is_empty() {
                out.push(0x0a);
                out.push(0);
                let at = out.len() - 1;
                for &v in path {
                    put_int32_fast(out, v);
                }
                patch_len(out, at);
            }
            out.extend_from_slice(rest);
            patch_len(out, whole);
        }

        /// The path of the location in `field`, read without decoding the
        /// rest.
        fn path_of(field: &[u8]) -> LocationPath {
            let mut path = LocationPath::new();
            let body = Self::body(field);
            if body.first() != Some(&0x0a) {
                return path;
            }
            let mut r = Reader::new(body);
            let Ok(values) = r.read_tag().and_then(|_| r.read_len_delimited()) else {
                return path;
            };
            let mut r = Reader::new(values);
            while let Ok(v) = r.read_varint() {
                path.push(v as i32);
            }
            path
        }

        /// Every location, decoded.
        pub fn to_locations(&self) -> Vec<Location> {
            self.fields()
                .map(|f| crate::descriptor::decode(Self::body(f)).unwrap_or_default())
                .collect()
        }

        /// Gives the locations numbered in `edits` new paths (numbers past
        /// the end are ignored); the rest keep their bytes, which stay
        /// where they are: the edited locations are written apart and
        /// take the place of the old ones when the bytes are read.
        pub fn set_paths(&mut self, mut edits: Vec<(usize, Vec<i32>)>) {
            edits.retain(|(i, _)| *i < self.len());
            if edits.is_empty() {
                return;
            }
            self.apply_patches();
            // A later edit of the same location wins, as assignments would
            // (the sort is stable).
            edits.sort_by_key(|(i, _)| *i);
            let mut edits = edits.into_iter().peekable();
            let (mut at, mut index) = (0, 0);
            while at < self.bytes.len() {
                let end = Self::field_end(&self.bytes, at);
                let mut path = None;
                while let Some((_, p)) = edits.next_if(|(i, _)| *i == index) {
                    path = Some(p);
                }
                if let Some(path) = path {
                    let from = self.patched.len();
                    Self::put_with_path(&mut self.patched, &self.bytes[at..end], &path);
                    self.patches.push(Patch {
                        start: at,
                        end,
                        at: from,
                        len: self.patched.len() - from,
                    });
                }
                if edits.peek().is_none() {
                    break;
                }
                at = end;
                index += 1;
            }
        }

        /// Keeps only the locations whose path `keep` accepts.
        pub fn retain_paths(&mut self, keep: &mut impl FnMut(&[i32]) -> bool) {
            if self.fields().all(|f| keep(&Self::path_of(f))) {
                return;
            }
            let mut out = EncodedLocations::with_capacity(self.bytes.len());
            for f in self.fields() {
                if keep(&Self::path_of(f)) {
                    out.bytes.extend_from_slice(f);
                    out.count += 1;
                }
            }
            *self = out;
        }
    }

    impl Location {
        /// Numbers of the known fields, in wire (= number) order.
        pub const FIELD_NUMBERS: &'static [u32] = &[1, 2, 3, 4, 6];

        pub fn leading_comments(&self) -> Option<&str> {
            self.comments.as_ref()?.leading.as_deref()
        }

        pub fn trailing_comments(&self) -> Option<&str> {
            self.comments.as_ref()?.trailing.as_deref()
        }

        pub fn leading_detached_comments(&self) -> &[String] {
            self.comments.as_ref().map_or(&[], |c| &c.detached)
        }

        /// Sets the comment fields; no box is kept when all are empty.
        pub fn set_comments(&mut self, c: LocationComments) {
            self.comments = (!c.is_empty()).then(|| Box::new(c));
        }
    }

    impl Encode for Location {
        fn compute_sizes(&self, sizes: &mut Vec<usize>) -> usize {
            let slot = begin_size(sizes);
            let mut n = ek::packed_int32::size(1, &self.path, sizes);
            n += ek::packed_int32::size(2, &self.span, sizes);
            if let Some(c) = &self.comments {
                n += ek::opt_string::size(3, &c.leading, sizes);
                n += ek::opt_string::size(4, &c.trailing, sizes);
                n += ek::rep_string::size(6, &c.detached, sizes);
                n += c.unknown.len();
            }
            sizes[slot] = n;
            n
        }

        fn write_sized(&self, buf: &mut Vec<u8>, sizes: &[usize], cursor: &mut usize) {
            *cursor += 1;
            ek::packed_int32::write(1, &self.path, buf, sizes, cursor);
            ek::packed_int32::write(2, &self.span, buf, sizes, cursor);
            if let Some(c) = &self.comments {
                ek::opt_string::write(3, &c.leading, buf, sizes, cursor);
                ek::opt_string::write(4, &c.trailing, buf, sizes, cursor);
                ek::rep_string::write(6, &c.detached, buf, sizes, cursor);
                buf.extend_from_slice(&c.unknown);
            }
        }
    }

    impl Decode for Location {
        fn merge_field(
            &mut self,
            number: u32,
            wt: WireType,
            r: &mut Reader<'_>,
            depth: u32,
        ) -> Result<bool, DecodeError> {
            match number {
                1 | 2 => {
                    let (mut v, mut u) = (Vec::new(), Vec::new());
                    let known = dk::packed_int32::merge(&mut v, &mut u, number, wt, r, depth)?;
                    if number == 1 {
                        self.path.extend(v);
                    } else {
                        self.span.extend(v);
                    }
                    if !u.is_empty() {
                        self.unknown_fields_mut().extend(u);
                    }
                    Ok(known)
                }
                3 | 4 | 6 => {
                    let c = self.comments.get_or_insert_with(Box::default);
                    let u = &mut c.unknown;
                    let known = match number {
                        3 => dk::opt_string::merge(&mut c.leading, u, number, wt, r, depth),
                        4 => dk::opt_string::merge(&mut c.trailing, u, number, wt, r, depth),
                        _ => dk::rep_string::merge(&mut c.detached, u, number, wt, r, depth),
                    };
                    if c.is_empty() {
                        self.comments = None;
                    }
                    known
                }
                _ => Ok(false),
            }
        }

        fn unknown_fields(&self) -> &[u8] {
            self.comments.as_ref().map_or(&[], |c| &c.unknown)
        }

        fn unknown_fields_mut(&mut self) -> &mut Vec<u8> {
            &mut self.comments.get_or_insert_with(Box::default).unknown
        }
    }
}

message! {
    /// `google.protobuf.GeneratedCodeInfo`.
    GeneratedCodeInfo {
        1 => annotation: Vec<generated_code_info::Annotation> = rep_msg,
    }
}

/// Types nested in `GeneratedCodeInfo`.
pub mod generated_code_info {
    use super::*;

    message! {
        /// `google.protobuf.GeneratedCodeInfo.Annotation`.
        Annotation {
            /// Packed.
            1 => path: Vec<i32> = packed_int32,
            2 => source_file: Option<String> = opt_string,
            3 => begin: Option<i32> = opt_int32,
            4 => end: Option<i32> = opt_int32,
            5 => semantic: Option<annotation::Semantic> = opt_enum,
        }
    }

    /// Types nested in `GeneratedCodeInfo.Annotation`.
    pub mod annotation {
        use super::*;

        proto_enum! {
            /// `google.protobuf.GeneratedCodeInfo.Annotation.Semantic`.
            Semantic {
                NONE = 0,
                SET = 1,
                ALIAS = 2,
            }
        }
    }
}

/// Messages of `google/protobuf/compiler/plugin.proto`
/// (package `google.protobuf.compiler`).
pub mod compiler {
    use super::*;

    message! {
        /// `google.protobuf.compiler.Version`.
        Version {
            1 => major: Option<i32> = opt_int32,
            2 => minor: Option<i32> = opt_int32,
            3 => patch: Option<i32> = opt_int32,
            4 => suffix: Option<String> = opt_string,
        }
    }

    message! {
        /// `google.protobuf.compiler.CodeGeneratorRequest`.
        CodeGeneratorRequest {
            1 => file_to_generate: Vec<String> = rep_string,
            2 => parameter: Option<String> = opt_string,
            3 => compiler_version: Option<Version> = opt_msg,
            15 => proto_file: Vec<FileDescriptorProto> = rep_msg,
            17 => source_file_descriptors: Vec<FileDescriptorProto> = rep_msg,
        }
    }

    message! {
        /// `google.protobuf.compiler.CodeGeneratorResponse`.
        CodeGeneratorResponse {
            1 => error: Option<String> = opt_string,
            2 => supported_features: Option<u64> = opt_uint64,
            3 => minimum_edition: Option<i32> = opt_int32,
            4 => maximum_edition: Option<i32> = opt_int32,
            15 => file: Vec<code_generator_response::File> = rep_msg,
        }
    }

    /// Types nested in `CodeGeneratorResponse`.
    pub mod code_generator_response {
        use super::*;

        proto_enum! {
            /// `google.protobuf.compiler.CodeGeneratorResponse.Feature`.
            Feature {
                FEATURE_NONE = 0,
                FEATURE_PROTO3_OPTIONAL = 1,
                FEATURE_SUPPORTS_EDITIONS = 2,
            }
        }

        message! {
            /// `google.protobuf.compiler.CodeGeneratorResponse.File`.
            File {
                1 => name: Option<String> = opt_string,
                2 => insertion_point: Option<String> = opt_string,
                15 => content: Option<String> = opt_string,
                16 => generated_code_info: Option<GeneratedCodeInfo> = opt_msg,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::encode_to_vec;
    use source_code_info::{EncodedLocations, Location, LocationComments};

    /// A location as [`EncodedLocations::push`] takes one.
    struct Loc {
        path: Vec<i32>,
        span: Vec<i32>,
        leading: Option<String>,
        trailing: Option<String>,
        detached: Vec<String>,
    }

    impl Loc {
        fn plain(path: &[i32], span: &[i32]) -> Loc {
            Loc {
                path: path.to_vec(),
                span: span.to_vec(),
                leading: None,
                trailing: None,
                detached: Vec::new(),
            }
        }

        fn location(&self) -> Location {
            let mut l = Location {
                path: self.path.as_slice().into(),
                span: self.span.as_slice().into(),
                ..Default::default()
            };
            l.set_comments(LocationComments {
                leading: self.leading.clone(),
                trailing: self.trailing.clone(),
                detached: self.detached.clone(),
                unknown: Vec::new(),
            });
            l
        }
    }

    /// Locations of every shape the writer has a case for: one-byte and
    /// multi-byte values and lengths, negative numbers, an empty path,
    /// short and long comments.
    fn sample() -> Vec<Loc> {
        let long = "x".repeat(300);
        vec![
            Loc::plain(&[], &[0, 0, 12, 1]),
            Loc::plain(&[4, 0], &[3, 0, 7, 1]),
            Loc::plain(&[4, 0, 2, 1, 1], &[200, 2, 30]),
            Loc::plain(&[4, 130, 2, 70000], &[5, 2, 9]),
            Loc::plain(&[8, -1], &[1, 0, 5]),
            Loc {
                leading: Some(" A message.\n".into()),
                trailing: Some(" trailing\n".into()),
                detached: vec![" one\n".into(), " two\n".into()],
                ..Loc::plain(&[4, 1], &[10, 0, 12, 1])
            },
            Loc {
                leading: Some(long.clone()),
                ..Loc::plain(&[4, 2], &[20, 0, 30, 1])
            },
            Loc {
                detached: vec![long],
                ..Loc::plain(&[5, 0, 2, 3], &[300, 4, 40])
            },
            // A path whose packed values take 128 bytes and more.
            Loc::plain(&(0..130).collect::<Vec<i32>>(), &[400, 0, 401, 2]),
        ]
    }

    fn encoded(locs: &[Loc]) -> EncodedLocations {
        let mut e = EncodedLocations::default();
        for l in locs {
            let (a, b) = l.path.split_at(l.path.len() / 2);
            e.push(
                &[a, b],
                &l.span,
                l.leading.as_deref(),
                l.trailing.as_deref(),
                &l.detached,
            );
        }
        e
    }

    fn as_structs(locs: &[Loc]) -> SourceCodeInfo {
        SourceCodeInfo {
            location: locs.iter().map(Loc::location).collect(),
            ..Default::default()
        }
    }

    fn as_wire(e: EncodedLocations) -> SourceCodeInfo {
        SourceCodeInfo {
            encoded: e,
            ..Default::default()
        }
    }

    #[test]
    fn wire_locations_encode_as_locations_do() {
        let locs = sample();
        let e = encoded(&locs);
        assert_eq!(e.len(), locs.len());
        assert_eq!(
            encode_to_vec(&as_wire(e.clone())),
            encode_to_vec(&as_structs(&locs))
        );
        let back: Vec<Location> = e.to_locations();
        assert_eq!(back, as_structs(&locs).location);
    }

    #[test]
    fn wire_paths_are_set_apart_from_the_recorded_bytes() {
        // Longer paths, the same location twice (the last wins),
        // neighbours, the first and the last location.
        let edits = vec![
            (7, vec![5, 0, 2, 3, 999, 1]),
            (1, vec![4, 0, 7]),
            (2, vec![4, 0, 2, 1, 1, 8, 50000]),
            (1, vec![4, 0, 7, 3]),
            (0, vec![8]),
            (42, vec![1]),
            (8, (0..200).collect()),
        ];
        // And with one shorter path.
        let mut shorter = edits.clone();
        shorter.push((3, vec![4]));
        for edits in [edits, shorter] {
            let mut want = as_structs(&sample());
            for (i, p) in &edits {
                if let Some(l) = want.location.get_mut(*i) {
                    l.path = p.as_slice().into();
                }
            }
            let mut got = as_wire(encoded(&sample()));
            got.set_paths(edits.clone());
            assert_eq!(got.encoded.to_locations(), want.location);
            assert_eq!(encode_to_vec(&got), encode_to_vec(&want));
            // Wire-form locations come first, then the structs.
            let mut both = as_wire(encoded(&sample()[..4]));
            both.location = as_structs(&sample()[4..]).location;
            both.set_paths(edits);
            assert_eq!(encode_to_vec(&both), encode_to_vec(&want));
        }
    }

    #[test]
    fn wire_paths_set_twice_keep_both_edits() {
        let mut want = as_structs(&sample());
        let mut got = as_wire(encoded(&sample()));
        for edits in [
            vec![(2, vec![4, 0, 2, 1, 1, 8, 1])],
            vec![(5, vec![4, 1, 7, 2])],
        ] {
            for (i, p) in &edits {
                want.location[*i].path = p.as_slice().into();
            }
            got.set_paths(edits);
        }
        assert_eq!(got.encoded.to_locations(), want.location);
        assert_eq!(encode_to_vec(&got), encode_to_vec(&want));
    }

    #[test]
    fn a_file_set_written_in_pieces_is_the_set_encoded_whole() {
        let mut info = as_wire(encoded(&sample()));
        info.set_paths(vec![(1, vec![4, 0, 7, 3]), (8, vec![5])]);
        let files = vec![
            FileDescriptorProto {
                name: Some("a.proto".into()),
                source_code_info: Some(info),
                syntax: Some("proto3".into()),
                ..Default::default()
            },
            FileDescriptorProto {
                name: Some("b.proto".into()),
                ..Default::default()
            },
        ];
        let whole = encode_to_vec(&FileDescriptorSet {
            file: files.clone(),
            ..Default::default()
        });
        assert_eq!(crate::descriptor::encode_file_set(&files), whole);
        let parts = crate::descriptor::encode_file_set_parts(&files);
        assert_eq!(parts.iter().map(|p| p.len()).sum::<usize>(), whole.len());
    }

    #[test]
    fn wire_locations_are_dropped_by_path() {
        let keep = |p: &[i32]| !p.starts_with(&[4, 0]);
        let mut want = as_structs(&sample());
        want.retain_paths(keep);
        assert_eq!(want.len(), 7);
        let mut got = as_wire(encoded(&sample()));
        got.retain_paths(keep);
        assert_eq!(got.len(), 7);
        assert_eq!(encode_to_vec(&got), encode_to_vec(&want));
    }

    /// The macros write fields in listed order, so every message must list
    /// its fields in strictly ascending number order.
    #[test]
    fn fields_listed_in_number_order() {
        let all: &[(&str, &[u32])] = &[
            ("FileDescriptorSet", FileDescriptorSet::FIELD_NUMBERS),
            ("FileDescriptorProto", FileDescriptorProto::FIELD_NUMBERS),
            ("DescriptorProto", DescriptorProto::FIELD_NUMBERS),
            (
                "ExtensionRange",
                descriptor_proto::ExtensionRange::FIELD_NUMBERS,
            ),
            (
                "ReservedRange",
                descriptor_proto::ReservedRange::FIELD_NUMBERS,
            ),
            (
                "ExtensionRangeOptions",
                ExtensionRangeOptions::FIELD_NUMBERS,
            ),
            (
                "Declaration",
                extension_range_options::Declaration::FIELD_NUMBERS,
            ),
            ("FieldDescriptorProto", FieldDescriptorProto::FIELD_NUMBERS),
            ("OneofDescriptorProto", OneofDescriptorProto::FIELD_NUMBERS),
            ("EnumDescriptorProto", EnumDescriptorProto::FIELD_NUMBERS),
            (
                "EnumReservedRange",
                enum_descriptor_proto::EnumReservedRange::FIELD_NUMBERS,
            ),
            (
                "EnumValueDescriptorProto",
                EnumValueDescriptorProto::FIELD_NUMBERS,
            ),
            (
                "ServiceDescriptorProto",
                ServiceDescriptorProto::FIELD_NUMBERS,
            ),
            (
                "MethodDescriptorProto",
                MethodDescriptorProto::FIELD_NUMBERS,
            ),
            ("FileOptions", FileOptions::FIELD_NUMBERS),
            ("MessageOptions", MessageOptions::FIELD_NUMBERS),
            ("FieldOptions", FieldOptions::FIELD_NUMBERS),
            (
                "EditionDefault",
                field_options::EditionDefault::FIELD_NUMBERS,
            ),
            (
                "FeatureSupport",
                field_options::FeatureSupport::FIELD_NUMBERS,
            ),
            ("OneofOptions", OneofOptions::FIELD_NUMBERS),
            ("EnumOptions", EnumOptions::FIELD_NUMBERS),
            ("EnumValueOptions", EnumValueOptions::FIELD_NUMBERS),
            ("ServiceOptions", ServiceOptions::FIELD_NUMBERS),
            ("MethodOptions", MethodOptions::FIELD_NUMBERS),
            ("UninterpretedOption", UninterpretedOption::FIELD_NUMBERS),
            ("NamePart", uninterpreted_option::NamePart::FIELD_NUMBERS),
            ("FeatureSet", FeatureSet::FIELD_NUMBERS),
            (
                "VisibilityFeature",
                feature_set::VisibilityFeature::FIELD_NUMBERS,
            ),
            ("FeatureSetDefaults", FeatureSetDefaults::FIELD_NUMBERS),
            (
                "FeatureSetEditionDefault",
                feature_set_defaults::FeatureSetEditionDefault::FIELD_NUMBERS,
            ),
            ("SourceCodeInfo", SourceCodeInfo::FIELD_NUMBERS),
            ("Location", source_code_info::Location::FIELD_NUMBERS),
            ("GeneratedCodeInfo", GeneratedCodeInfo::FIELD_NUMBERS),
            ("Annotation", generated_code_info::Annotation::FIELD_NUMBERS),
            ("Version", compiler::Version::FIELD_NUMBERS),
            (
                "CodeGeneratorRequest",
                compiler::CodeGeneratorRequest::FIELD_NUMBERS,
            ),
            (
                "CodeGeneratorResponse",
                compiler::CodeGeneratorResponse::FIELD_NUMBERS,
            ),
            (
                "File",
                compiler::code_generator_response::File::FIELD_NUMBERS,
            ),
        ];
        for (name, nums) in all {
            assert!(
                nums.windows(2).all(|w| w[0] < w[1]),
                "{name}: {nums:?} not ascending"
            );
        }
    }

    #[test]
    fn enum_names_and_values() {
        use field_descriptor_proto::{Label, Type};
        assert_eq!(Type::TYPE_SINT64.value(), 18);
        assert_eq!(Type::from_name("TYPE_GROUP"), Some(Type::TYPE_GROUP));
        assert_eq!(Type::from_name("nope"), None);
        assert_eq!(Type::VALUES.len(), 18);
        assert_eq!(format!("{:?}", Label::LABEL_REPEATED), "LABEL_REPEATED");
        assert_eq!(format!("{:?}", Label(7)), "Label(7)");
        assert!(!Label(7).is_known());
        assert_eq!(Label::default(), Label::LABEL_OPTIONAL);
        assert_eq!(Edition::EDITION_MAX.value(), i32::MAX);
        assert_eq!(i32::from(Edition::EDITION_2024), 1001);
        assert_eq!(Edition::from(1000), Edition::EDITION_2023);
        assert_eq!(
            feature_set::Utf8Validation(1).name(),
            None,
            "1 is reserved in Utf8Validation"
        );
    }
}

/// `name()` accessors returning `""` when the name is unset, as protobuf's
/// generated getters do.
macro_rules! name_getter {
    ($($t:ty),* $(,)?) => {$(
        impl $t {
            pub fn name(&self) -> &str {
                self.name.as_deref().unwrap_or("")
            }
        }
    )*};
}

name_getter!(
    FileDescriptorProto,
    DescriptorProto,
    FieldDescriptorProto,
    OneofDescriptorProto,
    EnumDescriptorProto,
    EnumValueDescriptorProto,
    ServiceDescriptorProto,
    MethodDescriptorProto,
);

impl FileDescriptorProto {
    /// The package, `""` when unset.
    pub fn package(&self) -> &str {
        self.package.as_deref().unwrap_or("")
    }
}
