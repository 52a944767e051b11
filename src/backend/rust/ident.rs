//! Rust identifiers for protobuf names, following prost-build's naming so
//! that generated code is interchangeable: snake_case for fields and
//! modules, UpperCamelCase for types and variants, raw identifiers for
//! keywords and a trailing `_` for names that cannot be raw.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that are keywords in some Rust edition and can be written as raw
/// identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static",
    "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual",
    "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NON_RAW_KEYWORDS: &[&str] = &["_", "crate", "extern", "self", "Self", "super"];

/// Makes `name` usable as a Rust identifier.
pub fn escape(name: &str) -> String {
    if RAW_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else if NON_RAW_KEYWORDS.contains(&name) {
        format!("{name}_")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else if name.is_empty() {
        "_".repeat(2)
    } else {
        name.to_string()
    }
}

/// `FooBar` → `foo_bar`, escaped.
pub fn snake(name: &str) -> String {
    escape(&name.to_snake_case())
}

/// `foo_bar` → `FooBar`, escaped.
pub fn camel(name: &str) -> String {
    escape(&name.to_upper_camel_case())
}

/// Drops the enum's own name from the front of a variant name
/// (`Color` + `ColorRed` → `Red`) when what is left starts with an
/// uppercase letter; otherwise keeps the variant as it was.
pub fn strip_enum_prefix(enum_camel: &str, variant_camel: &str) -> String {
    match variant_camel.strip_prefix(enum_camel) {
        Some(rest) if rest.starts_with(|c: char| c.is_uppercase()) => escape(rest),
        _ => escape(variant_camel),
    }
}

/// The module path of a package: `google.pubsub.v1` → `google::pubsub::v1`
/// as snake-cased, escaped segments.
pub fn package_segments(package: &str) -> Vec<String> {
    package
        .split('.')
        .filter(|s| !s.is_empty())
        .map(snake)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords() {
        assert_eq!(escape("type"), "r#type");
        assert_eq!(escape("gen"), "r#gen");
        assert_eq!(escape("self"), "self_");
        assert_eq!(escape("Self"), "Self_");
        assert_eq!(escape("super"), "super_");
        assert_eq!(escape("_"), "__");
        assert_eq!(escape("1x"), "_1x");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn cases() {
        assert_eq!(snake("FooBar"), "foo_bar");
        assert_eq!(snake("XMLHttpRequest"), "xml_http_request");
        assert_eq!(snake("_field_name3"), "field_name3");
        assert_eq!(snake("field__name4_"), "field_name4");
        assert_eq!(snake("While"), "r#while");
        assert_eq!(camel("foo_bar"), "FooBar");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(camel("FOREIGN_FOO"), "ForeignFoo");
        assert_eq!(package_segments("google.type"), ["google", "r#type"]);
        assert_eq!(package_segments(""), Vec::<String>::new());
    }

    #[test]
    fn enum_prefix() {
        assert_eq!(strip_enum_prefix("Color", "ColorRed"), "Red");
        // the rest must start with an uppercase letter
        assert_eq!(strip_enum_prefix("Foo", "Foobar"), "Foobar");
        assert_eq!(strip_enum_prefix("Foo", "Foo1"), "Foo1");
        assert_eq!(strip_enum_prefix("Kind", "KindSelf"), "Self_");
        assert_eq!(strip_enum_prefix("Foo", "Bar"), "Bar");
    }
}
