//! Built-in well-known type schemas.
//!
//! protoforge resolves imports such as `google/protobuf/timestamp.proto`
//! without needing protoc's include directory on disk: the schema text is
//! compiled into the binary. The texts under `src/load/wkt/` are our own
//! hand-written versions; their declarations match protoc's so that the
//! resulting descriptors are byte-identical (checked by
//! `scripts/check-wkt.sh` against protoc 35.1).

/// Virtual import paths of every built-in file, in a fixed order.
pub const BUILTIN_NAMES: &[&str] = &[
    "google/protobuf/any.proto",
    "google/protobuf/api.proto",
    "google/protobuf/descriptor.proto",
    "google/protobuf/duration.proto",
    "google/protobuf/empty.proto",
    "google/protobuf/field_mask.proto",
    "google/protobuf/source_context.proto",
    "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto",
    "google/protobuf/type.proto",
    "google/protobuf/wrappers.proto",
    "google/protobuf/compiler/plugin.proto",
    "google/protobuf/cpp_features.proto",
    "google/protobuf/java_features.proto",
    "google/protobuf/go_features.proto",
];

/// Returns the schema text of a built-in file, keyed by its virtual import
/// path (e.g. `"google/protobuf/any.proto"`), or `None` if `name` is not
/// built in. The match is exact: no path normalisation is applied.
pub fn builtin(name: &str) -> Option<&'static str> {
    let text = match name {
        "google/protobuf/any.proto" => include_str!("wkt/google/protobuf/any.proto"),
        "google/protobuf/api.proto" => include_str!("wkt/google/protobuf/api.proto"),
        "google/protobuf/descriptor.proto" => {
            include_str!("wkt/google/protobuf/descriptor.proto")
        }
        "google/protobuf/duration.proto" => include_str!("wkt/google/protobuf/duration.proto"),
        "google/protobuf/empty.proto" => include_str!("wkt/google/protobuf/empty.proto"),
        "google/protobuf/field_mask.proto" => {
            include_str!("wkt/google/protobuf/field_mask.proto")
        }
        "google/protobuf/source_context.proto" => {
            include_str!("wkt/google/protobuf/source_context.proto")
        }
        "google/protobuf/struct.proto" => include_str!("wkt/google/protobuf/struct.proto"),
        "google/protobuf/timestamp.proto" => include_str!("wkt/google/protobuf/timestamp.proto"),
        "google/protobuf/type.proto" => include_str!("wkt/google/protobuf/type.proto"),
        "google/protobuf/wrappers.proto" => include_str!("wkt/google/protobuf/wrappers.proto"),
        "google/protobuf/compiler/plugin.proto" => {
            include_str!("wkt/google/protobuf/compiler/plugin.proto")
        }
        "google/protobuf/cpp_features.proto" => {
            include_str!("wkt/google/protobuf/cpp_features.proto")
        }
        "google/protobuf/java_features.proto" => {
            include_str!("wkt/google/protobuf/java_features.proto")
        }
        "google/protobuf/go_features.proto" => {
            include_str!("wkt/google/protobuf/go_features.proto")
        }
        _ => return None,
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_name_resolves_and_is_non_empty() {
        assert_eq!(BUILTIN_NAMES.len(), 15);
        for name in BUILTIN_NAMES {
            let text = builtin(name).unwrap_or_else(|| panic!("{name} is not built in"));
            assert!(!text.trim().is_empty(), "{name} is empty");
        }
    }

    #[test]
    fn names_are_unique() {
        let set: HashSet<_> = BUILTIN_NAMES.iter().collect();
        assert_eq!(set.len(), BUILTIN_NAMES.len());
    }

    #[test]
    fn unknown_names_are_not_built_in() {
        for name in [
            "",
            "any.proto",
            "google/protobuf/Any.proto",
            "/google/protobuf/any.proto",
            "./google/protobuf/any.proto",
            "google/protobuf/unittest.proto",
            "google/protobuf/cpp_features",
        ] {
            assert!(builtin(name).is_none(), "{name:?} should not be built in");
        }
    }

    /// Each text is wired to the right file: it declares the expected
    /// package and the message the file is known for.
    #[test]
    fn texts_match_their_names() {
        // (path under google/protobuf/, package, a declaration it must hold)
        let expect: &[(&str, &str, &str)] = &[
            ("any", "google.protobuf", "message Any "),
            ("api", "google.protobuf", "message Api "),
            (
                "descriptor",
                "google.protobuf",
                "message FileDescriptorSet ",
            ),
            ("duration", "google.protobuf", "message Duration "),
            ("empty", "google.protobuf", "message Empty "),
            ("field_mask", "google.protobuf", "message FieldMask "),
            (
                "source_context",
                "google.protobuf",
                "message SourceContext ",
            ),
            ("struct", "google.protobuf", "message Struct "),
            ("timestamp", "google.protobuf", "message Timestamp "),
            ("type", "google.protobuf", "message Type "),
            ("wrappers", "google.protobuf", "message BytesValue "),
            (
                "compiler/plugin",
                "google.protobuf.compiler",
                "message CodeGeneratorRequest ",
            ),
            ("cpp_features", "pb", "message CppFeatures "),
            ("java_features", "pb", "message JavaFeatures "),
            ("go_features", "pb", "message GoFeatures "),
        ];
        assert_eq!(expect.len(), BUILTIN_NAMES.len());
        for (stem, package, decl) in expect {
            let name = format!("google/protobuf/{stem}.proto");
            assert!(BUILTIN_NAMES.contains(&name.as_str()), "{name} not listed");
            let text = builtin(&name).unwrap_or_else(|| panic!("{name} is not built in"));
            assert!(
                text.contains(&format!("\npackage {package};\n")),
                "{name}: package {package} not declared"
            );
            assert!(text.contains(decl), "{name}: `{decl}` not found");
        }
    }
}
