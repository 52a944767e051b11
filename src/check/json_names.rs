//! JSON names: unique within a message (default and custom names), and
//! custom names that do not look like extensions.
//!
//! Rule ids: `json-name-conflict` (a warning under `LEGACY_BEST_EFFORT`
//! when a default name is involved, as protoc), `json-name-invalid`.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::descriptor::Edition;
use crate::diagnostics::Diagnostic;
use crate::link::lower::{is_json_name, json_name};

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
    if legacy && cx.edition != Edition::EDITION_PROTO3 {
        return;
    }
    // Default JSON names, made once for both passes.
    // The descriptor's own name is the default one unless it is custom.
    let defaults: Vec<Cow<'_, str>> = m
        .field
        .iter()
        .map(|f| match f.json_name.as_deref() {
            Some(j) if is_json_name(f.name(), j) => Cow::Borrowed(j),
            _ => Cow::Owned(json_name(f.name())),
        })
        .collect();
    check(cx, i, false, &defaults);
    // Without a custom name the second pass meets the same names as the
    // first, and reports only conflicts that involve a custom one.
    let custom = m
        .field
        .iter()
        .zip(&defaults)
        .any(|(f, d)| f.json_name.as_deref().is_some_and(|j| j != d.as_ref()));
    if !legacy && custom {
        check(cx, i, true, &defaults);
    }
}

fn check(cx: &mut Cx<'_>, i: usize, use_custom: bool, defaults: &[Cow<'_, str>]) {
    let Elem::Message(m) = cx.items[i].elem else {
        return;
    };
    // A field's name in this pass, and whether it is a custom one.
    let name_of = |k: usize| -> (&str, bool) {
        let default = defaults[k].as_ref();
        match m.field[k].json_name.as_deref() {
            Some(j) if use_custom && j != default => (j, true),
            _ => (default, false),
        }
    };
    let p = cx.items[i].path.clone();
    let best_effort = cx.item_features[i].get(JSON_FORMAT) == values::LEGACY_BEST_EFFORT;
    // Name -> the first field that has it.
    let mut seen: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(m.field.len(), Default::default());
    for (k, f) in m.field.iter().enumerate() {
        let (name, custom) = name_of(k);
        if custom && name.starts_with('[') && name.ends_with(']') {
            let fp = path(&p, &[2, k as i32]);
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
        let Some(&prev) = seen.get(name) else {
            seen.insert(name, k);
            continue;
        };
        let (prev_name, prev_custom) = name_of(prev);
        if use_custom && !custom && !prev_custom {
            continue;
        }
        let kind = |c: bool| if c { "custom" } else { "default" };
        let suffix = if name != prev_name {
            format!(" (\"{prev_name}\")")
        } else {
            String::new()
        };
        let msg = format!(
            "The {} JSON name of field \"{}\" (\"{name}\") conflicts with the {} JSON name of field \"{}\"{suffix}.",
            kind(custom),
            f.name(),
            kind(prev_custom),
            m.field[prev].name()
        );
        let involves_default = !custom || !prev_custom;
        let fp = path(&p, &[2, k as i32]);
        let at = cx.at(&fp, &[1]);
        let first = cx.at(&path(&p, &[2, prev as i32]), &[1]);
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
