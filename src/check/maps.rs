//! Map fields: key types, enum values whose first value is zero, and entry
//! messages written by hand.
//!
//! Rule ids: `map-entry-explicit`, `map-key-type`, `map-key-enum`,
//! `map-value-enum-first-nonzero`.

use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::DescriptorProto;

#[allow(unused_imports)]
use super::getters::*;
use super::walk::Elem;
use super::Cx;

pub(crate) fn validate(cx: &mut Cx<'_>, i: usize) {
    let Elem::Field(f, container) = cx.items[i].elem else {
        return;
    };
    if f.r#type != Some(Type::TYPE_MESSAGE) {
        return;
    }
    let t = f.type_name().trim_start_matches('.').to_string();
    let Some((_, _, entry)) = cx.linked.schema.message(&t) else {
        return;
    };
    if !entry
        .options
        .as_ref()
        .and_then(|o| o.map_entry)
        .unwrap_or(false)
    {
        return;
    }
    let p = cx.items[i].path.clone();
    // The span is looked up only for a report.
    let at = |cx: &Cx<'_>| cx.type_at(&p);
    let containing = match container {
        Some(_) => cx.items[i].scope.to_string(),
        None => f.extendee().trim_start_matches('.').to_string(),
    };
    if !well_formed(entry, f.label, f.name(), &t, &containing) {
        cx.push(
            cx.diag(
                "map-entry-explicit",
                at(cx),
                "",
                "map_entry should not be set explicitly. Use map<KeyType, ValueType> instead.",
            )
            .with_note("map_entry is reserved for the messages protoc generates for map fields"),
        );
        return;
    }
    let key = &entry.field[0];
    let value = &entry.field[1];
    match key.r#type {
        Some(Type::TYPE_ENUM) => cx.push(cx.diag(
            "map-key-enum",
            at(cx),
            "",
            "Key in map fields cannot be enum types.",
        )),
        Some(
            Type::TYPE_FLOAT
            | Type::TYPE_DOUBLE
            | Type::TYPE_MESSAGE
            | Type::TYPE_GROUP
            | Type::TYPE_BYTES,
        ) => cx.push(
            cx.diag(
                "map-key-type",
                at(cx),
                "",
                "Key in map fields cannot be float/double, bytes or message types.",
            )
            .with_note("map keys must be integral, bool or string types"),
        ),
        _ => {}
    }
    if value.r#type == Some(Type::TYPE_ENUM) {
        let vt = value.type_name().trim_start_matches('.');
        if let Some(e) = cx.linked.schema.enum_type(vt) {
            if e.value.first().is_some_and(|v| v.number() != 0) {
                cx.push(cx.diag(
                    "map-value-enum-first-nonzero",
                    at(cx),
                    "",
                    "Enum value in map must define 0 as the first value.",
                ));
            }
        }
    }
}

fn well_formed(
    entry: &DescriptorProto,
    label: Option<Label>,
    field_name: &str,
    entry_full: &str,
    containing: &str,
) -> bool {
    let parent = entry_full.rsplit_once('.').map_or("", |(s, _)| s);
    if !entry.extension.is_empty()
        || label != Some(Label::LABEL_REPEATED)
        || !entry.extension_range.is_empty()
        || !entry.nested_type.is_empty()
        || !entry.enum_type.is_empty()
        || entry.field.len() != 2
        || entry.name() != crate::link::lower::map_entry_name(field_name)
        || parent != containing
    {
        return false;
    }
    let ok = |f: &crate::descriptor::FieldDescriptorProto, n: i32, name: &str| {
        f.label == Some(Label::LABEL_OPTIONAL) && f.number() == n && f.name() == name
    };
    ok(&entry.field[0], 1, "key") && ok(&entry.field[1], 2, "value")
}

/// `option map_entry = …;` written in a message: protoc reserves the option
/// for the entries it generates.
pub(crate) fn explicit_map_entry(cx: &mut Cx<'_>) {
    // Looking at option statements needs the file's spans: skip the files
    // that cannot have one.
    if !cx.source.mentions_map_entry() {
        return;
    }
    for i in 0..cx.items.len() {
        let Elem::Message(_) = cx.items[i].elem else {
            continue;
        };
        let p = cx.items[i].path.clone();
        for k in 0.. {
            let Some(r) = cx.span(&[&p[..], &[7, 999, k]].concat()) else {
                break;
            };
            let Some(text) = cx.source.text().get(r.clone()) else {
                continue;
            };
            let body = text.strip_prefix("option").unwrap_or(text);
            let trimmed = body.trim_start();
            let name_len = trimmed
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(trimmed.len());
            if &trimmed[..name_len] != "map_entry" {
                continue;
            }
            let start = r.start + (text.len() - trimmed.len());
            cx.push(
                cx.diag(
                    "map-entry-explicit",
                    start..start + name_len,
                    "",
                    "map_entry should not be set explicitly. Use map<KeyType, ValueType> instead.",
                )
                .with_note("declare the field as map<KeyType, ValueType>; protoc generates the entry message"),
            );
        }
    }
}
