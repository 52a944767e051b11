//! Enums: at least one value, no aliases without `allow_alias`, a zero
//! first value for open enums, and value names that stay distinct once the
//! enum's name is stripped from them and case is ignored.
//!
//! Rule ids: `enum-empty`, `enum-value-alias`, `enum-first-value-nonzero`,
//! `enum-value-name-conflict`.

#[allow(unused_imports)]
use super::getters::*;
use rustc_hash::FxHashMap;
use std::collections::HashSet;

use crate::descriptor::{Edition, EnumDescriptorProto};

use super::features::{values, ENUM_TYPE};
use super::walk::Elem;
use super::{path, ranges, Cx};

/// Build-time rules of one enum.
pub(crate) fn build(cx: &mut Cx<'_>, e: &EnumDescriptorProto, p: &[i32], scope: &str) {
    if e.value.is_empty() {
        cx.push(
            cx.diag(
                "enum-empty",
                cx.name_at(p),
                "declares no values",
                "Enums must contain at least one value.",
            )
            .with_note("an enum needs a value to serve as the default of fields of its type"),
        );
    }
    ranges::enum_ranges(cx, e, p, scope);
}

/// protoc's prefix stripping: drops the enum's name from the start of a
/// value name, ignoring case and underscores.
fn strip_prefix<'s>(prefix: &str, name: &'s str) -> &'s str {
    let prefix: Vec<u8> = prefix
        .bytes()
        .filter(|&b| b != b'_')
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let b = name.as_bytes();
    let (mut i, mut j) = (0, 0);
    while i < b.len() && j < prefix.len() {
        if b[i] == b'_' {
            i += 1;
            continue;
        }
        if b[i].to_ascii_lowercase() != prefix[j] {
            return name;
        }
        i += 1;
        j += 1;
    }
    if j < prefix.len() {
        return name;
    }
    while i < b.len() && b[i] == b'_' {
        i += 1;
    }
    if i == b.len() {
        return name;
    }
    &name[i..]
}

fn pascal_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = true;
    for c in s.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Validation-time rules of the enum item `i`.
pub(crate) fn validate(cx: &mut Cx<'_>, i: usize) {
    let Elem::Enum(e) = cx.items[i].elem else {
        return;
    };
    let p = cx.items[i].path.clone();
    let scope = cx.items[i].scope.clone();
    let value_full = |name: &str| super::join(&scope, name);

    // Names that collide once the prefix is stripped.
    let legacy = e
        .options
        .as_ref()
        .and_then(|o| o.deprecated_legacy_json_field_conflicts)
        .unwrap_or(false)
        && cx.edition == Edition::EDITION_PROTO2;
    let mut stripped: FxHashMap<String, usize> =
        FxHashMap::with_capacity_and_hasher(e.value.len(), Default::default());
    for (k, v) in e.value.iter().enumerate() {
        let key = pascal_case(strip_prefix(e.name(), v.name()));
        match stripped.get(&key) {
            Some(&first) => {
                let other = &e.value[first];
                if other.name() != v.name() && other.number() != v.number() {
                    let msg = format!(
                        "Enum name {} has the same name as {} if you ignore case and strip out the enum name prefix (if any). (If you are using allow_alias, please assign the same number to each enum value name.)",
                        v.name(),
                        other.name()
                    );
                    let at = cx.at(&path(&p, &[2, k as i32]), &[1]);
                    let first_at = cx.at(&path(&p, &[2, first as i32]), &[1]);
                    let mut d = if legacy {
                        crate::diagnostics::Diagnostic::warning("enum-value-name-conflict", msg)
                            .at(cx.name, at, "")
                    } else {
                        cx.diag("enum-value-name-conflict", at, "", msg)
                    };
                    d = d
                        .with_secondary(cx.name, first_at, format!("both become \"{key}\""))
                        .with_note("code generators strip the enum name and change the case of value names");
                    cx.push(d);
                }
            }
            None => {
                stripped.insert(key, k);
            }
        }
    }

    // Open enums start at zero.
    if cx.item_features[i].get(ENUM_TYPE) != values::CLOSED {
        if let Some(v) = e.value.first() {
            if v.number() != 0 {
                cx.push(
                    cx.diag(
                        "enum-first-value-nonzero",
                        cx.at(&path(&p, &[2, 0]), &[2]),
                        "must be 0",
                        "The first enum value must be zero for open enums.",
                    )
                    .with_note("the first value is the default of open enum fields"),
                );
            }
        }
    }

    // Aliases.
    let allow = e.options.as_ref().and_then(|o| o.allow_alias) == Some(true);
    if !allow {
        let mut first: FxHashMap<i32, usize> =
            FxHashMap::with_capacity_and_hasher(e.value.len(), Default::default());
        for (k, v) in e.value.iter().enumerate() {
            match first.get(&v.number()) {
                Some(&f) => {
                    let used: HashSet<i64> = e.value.iter().map(|v| v.number() as i64).collect();
                    let mut next = v.number() as i64 + 1;
                    while used.contains(&next) {
                        next += 1;
                    }
                    let mut msg = format!(
                        "\"{}\" uses the same enum value as \"{}\". If this is intended, set 'option allow_alias = true;' to the enum definition.",
                        value_full(v.name()),
                        value_full(e.value[f].name())
                    );
                    if next < i32::MAX as i64 {
                        msg.push_str(&format!(" The next available enum value is {next}."));
                    }
                    let d = cx
                        .diag(
                            "enum-value-alias",
                            cx.at(&path(&p, &[2, k as i32]), &[2]),
                            "",
                            msg,
                        )
                        .with_secondary(
                            cx.name,
                            cx.at(&path(&p, &[2, f as i32]), &[2]),
                            "first used here",
                        );
                    cx.push(d);
                }
                None => {
                    first.insert(v.number(), k);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_enum_name_prefix_like_protoc() {
        assert_eq!(strip_prefix("FooBar", "FOO_BAR_BAZ"), "BAZ");
        assert_eq!(strip_prefix("FooBar", "FOOBAR_BAZ"), "BAZ");
        assert_eq!(strip_prefix("FooBar", "FOO_BAR"), "FOO_BAR");
        assert_eq!(strip_prefix("FooBar", "BAZ"), "BAZ");
        assert_eq!(pascal_case("FOO_BAR"), "FooBar");
    }
}
