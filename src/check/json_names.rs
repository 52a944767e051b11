//! JSON names: unique within a message (default and custom names), and
//! custom names that do not look like extensions.
//!
//! Rule ids: `json-name-conflict` (a warning under `LEGACY_BEST_EFFORT`
//! when a default name is involved, as protoc), `json-name-invalid`.

use std::collections::HashMap;

use crate::descriptor::Edition;
use crate::diagnostics::Diagnostic;
use crate::link::lower::json_name;

use super::features::{values, JSON_FORMAT};
use super::walk::Elem;
use super::{path, Cx};

pub(crate) fn validate(cx: &mut Cx<'_>, i: usize) {
    let Elem::Message(m) = cx.items[i].elem else {
        return;
    };
    let legacy = m
        .options
        .as_ref()
        .and_then(|o| o.deprecated_legacy_json_field_conflicts)
        .unwrap_or(false);
    if legacy {
        if cx.edition == Edition::EDITION_PROTO3 {
            check(cx, i, false);
        }
    } else {
        check(cx, i, false);
        check(cx, i, true);
    }
}

struct Details {
    field: usize,
    name: String,
    custom: bool,
}

fn check(cx: &mut Cx<'_>, i: usize, use_custom: bool) {
    let Elem::Message(m) = cx.items[i].elem else {
        return;
    };
    let p = cx.items[i].path.clone();
    let best_effort = cx.item_features[i].get(JSON_FORMAT) == values::LEGACY_BEST_EFFORT;
    let mut seen: HashMap<String, Details> = HashMap::new();
    for (k, f) in m.field.iter().enumerate() {
        let default = json_name(f.name());
        let (name, custom) = match f.json_name.as_deref() {
            Some(j) if use_custom && j != default => (j.to_string(), true),
            _ => (default, false),
        };
        let fp = path(&p, &[2, k as i32]);
        if custom && name.starts_with('[') && name.ends_with(']') {
            cx.push(cx.diag(
                "json-name-invalid",
                cx.at(&fp, &[1]),
                "",
                format!(
                    "The custom JSON name of field \"{}\" (\"{name}\") is invalid: JSON names may not start with '[' and end with ']'.",
                    f.name()
                ),
            ));
            continue;
        }
        let Some(prev) = seen.get(&name) else {
            seen.insert(
                name.clone(),
                Details {
                    field: k,
                    name,
                    custom,
                },
            );
            continue;
        };
        if use_custom && !custom && !prev.custom {
            continue;
        }
        let kind = |c: bool| if c { "custom" } else { "default" };
        let suffix = if name != prev.name {
            format!(" (\"{}\")", prev.name)
        } else {
            String::new()
        };
        let msg = format!(
            "The {} JSON name of field \"{}\" (\"{name}\") conflicts with the {} JSON name of field \"{}\"{suffix}.",
            kind(custom),
            f.name(),
            kind(prev.custom),
            m.field[prev.field].name()
        );
        let involves_default = !custom || !prev.custom;
        let at = cx.at(&fp, &[1]);
        let first = cx.at(&path(&p, &[2, prev.field as i32]), &[1]);
        let d = if best_effort && involves_default {
            Diagnostic::warning("json-name-conflict", msg).at(cx.name, at, "")
        } else {
            Diagnostic::error("json-name-conflict", msg).at(cx.name, at, "")
        };
        cx.push(
            d.with_secondary(cx.name, first, "the other field")
                .with_note("set json_name on one of the fields to tell them apart in JSON"),
        );
    }
}
