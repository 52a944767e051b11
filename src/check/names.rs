//! Names: symbol visibility across files (`export` / `local` and
//! `default_symbol_visibility`), and the naming style edition 2024
//! enforces by default.
//!
//! Rule ids: `symbol-not-visible`, `naming-style`.

use std::ops::Range;

use crate::descriptor::pool::{enum_at, message_at, SymbolKind};
use crate::descriptor::SymbolVisibility;

use super::features::{values, DEFAULT_SYMBOL_VISIBILITY, ENFORCE_NAMING_STYLE};
#[allow(unused_imports)]
use super::getters::*;
use super::walk::Elem;
use super::{features, Cx};

/// Whether `name` (a resolved full name) may be used from the file being
/// checked; reports protoc's error at `at(cx)` when not (the span is looked
/// up only then).
pub(crate) fn check_visible(cx: &mut Cx<'_>, name: &str, at: impl FnOnce(&Cx<'_>) -> Range<usize>) {
    let name = name.trim_start_matches('.');
    let Some(e) = cx.linked.schema.symbols.get(name) else {
        return;
    };
    if e.file == cx.file || !matches!(e.kind, SymbolKind::Message | SymbolKind::Enum) {
        return;
    }
    let ofd = &cx.linked.files()[e.file];
    let explicit = match e.kind {
        SymbolKind::Message => message_at(ofd, e.path).and_then(|m| m.visibility),
        _ => enum_at(ofd, e.path).and_then(|x| x.visibility),
    };
    // The file-level default that applied, when no explicit marking did.
    let default = match explicit {
        Some(SymbolVisibility::VISIBILITY_EXPORT) => return,
        Some(SymbolVisibility::VISIBILITY_LOCAL) => None,
        _ => {
            let f = features::resolve_at(cx, e.file, &[]);
            let d = f[DEFAULT_SYMBOL_VISIBILITY];
            let visible = match d {
                values::EXPORT_ALL | 0 => true,
                values::EXPORT_TOP_LEVEL => e.path.len() == 2,
                _ => false,
            };
            if visible {
                return;
            }
            Some(d)
        }
    };
    let other = &cx.loaded.files[e.file].name;
    let head = format!(
        "Symbol \"{name}\", defined in \"{other}\"  is not visible from \"{}\".",
        cx.name
    );
    let why = match default {
        None => "It is explicitly marked 'local' and cannot be accessed outside its own file"
            .to_string(),
        Some(d) => {
            let value = cx.defs.value_name(DEFAULT_SYMBOL_VISIBILITY, d);
            format!(
                "It defaulted to local from file-level 'option features.default_symbol_visibility = '{value}'; and cannot be accessed outside its own file"
            )
        }
    };
    let def_at = cx
        .linked
        .spans
        .file(cx.loaded, e.file)
        .get(&[e.path, &[1]].concat())
        .map(|s| s.range());
    let at = at(cx);
    let mut d = cx.diag(
        "symbol-not-visible",
        at,
        "not visible here",
        format!("{head} {why}"),
    );
    if let Some(r) = def_at {
        d = d.with_secondary(other.clone(), r, "defined here");
    }
    cx.push(d.with_note("mark the definition `export` to use it from other files"));
}

/// Cross-link: visibility of every type reference of the file.
pub(crate) fn cross_link(cx: &mut Cx<'_>) {
    for i in 0..cx.items.len() {
        let p = cx.items[i].path.clone();
        match cx.items[i].elem {
            Elem::Field(f, _) => {
                if let Some(x) = &f.extendee {
                    check_visible(cx, x, |cx| cx.at(&p, &[2]));
                }
                if let Some(t) = &f.type_name {
                    check_visible(cx, t, |cx| cx.type_at(&p));
                }
            }
            Elem::Method(m) => {
                if let Some(t) = &m.input_type {
                    check_visible(cx, t, |cx| cx.at(&p, &[2]));
                }
                if let Some(t) = &m.output_type {
                    check_visible(cx, t, |cx| cx.at(&p, &[3]));
                }
            }
            _ => {}
        }
    }
}

// ------------------------------------------------------------ naming style

fn title_case(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && !s.contains('_')
}

fn lower_snake(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn upper_snake(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

const OPT_OUT: &str =
    "(features.enforce_naming_style = STYLE_LEGACY can be used to opt out of this check)";

fn style(cx: &mut Cx<'_>, i: Option<usize>, ok: bool, what: &str, name: &str, rule: &str) {
    let enforced = match i {
        Some(i) => cx.item_features[i].get(ENFORCE_NAMING_STYLE),
        None => cx.file_features.get(ENFORCE_NAMING_STYLE),
    };
    if ok || enforced == values::STYLE_LEGACY || enforced == 0 {
        return;
    }
    let at = match i {
        Some(i) => {
            let p = cx.items[i].path.clone();
            cx.name_at(&p)
        }
        None => cx.name_at(&[]),
    };
    cx.push(cx.diag(
        "naming-style",
        at,
        "",
        format!("{what} name {name} should {rule} {OPT_OUT}"),
    ));
}

pub(crate) fn validate_file(cx: &mut Cx<'_>) {
    let pkg = cx.fd.package().to_string();
    if pkg.is_empty() {
        return;
    }
    let ok = pkg.split('.').all(lower_snake);
    style(cx, None, ok, "Package", &pkg, "be lower_snake_case");
}

pub(crate) fn validate_message(cx: &mut Cx<'_>, i: usize) {
    let Elem::Message(m) = cx.items[i].elem else {
        return;
    };
    let n = m.name();
    style(cx, Some(i), title_case(n), "Message", n, "be TitleCase");
}

pub(crate) fn validate_field(cx: &mut Cx<'_>, i: usize) {
    let Elem::Field(f, _) = cx.items[i].elem else {
        return;
    };
    let n = f.name();
    style(
        cx,
        Some(i),
        lower_snake(n),
        "Field",
        n,
        "be lower_snake_case",
    );
}

pub(crate) fn validate_oneof(cx: &mut Cx<'_>, i: usize) {
    let Elem::Oneof(o) = cx.items[i].elem else {
        return;
    };
    let n = o.name();
    style(
        cx,
        Some(i),
        lower_snake(n),
        "Oneof",
        n,
        "be lower_snake_case",
    );
}

pub(crate) fn validate_enum(cx: &mut Cx<'_>, i: usize) {
    let Elem::Enum(e) = cx.items[i].elem else {
        return;
    };
    let n = e.name();
    style(cx, Some(i), title_case(n), "Enum", n, "be TitleCase");
}

pub(crate) fn validate_enum_value(cx: &mut Cx<'_>, i: usize) {
    let Elem::EnumValue(v) = cx.items[i].elem else {
        return;
    };
    let n = v.name();
    style(
        cx,
        Some(i),
        upper_snake(n),
        "Enum value",
        n,
        "be UPPER_SNAKE_CASE",
    );
}

pub(crate) fn validate_service(cx: &mut Cx<'_>, i: usize) {
    let Elem::Service(s) = cx.items[i].elem else {
        return;
    };
    let n = s.name();
    style(cx, Some(i), title_case(n), "Service", n, "be TitleCase");
}

pub(crate) fn validate_method(cx: &mut Cx<'_>, i: usize) {
    let Elem::Method(m) = cx.items[i].elem else {
        return;
    };
    let n = m.name();
    let ok = n.starts_with(|c: char| c.is_ascii_uppercase());
    style(cx, Some(i), ok, "Method", n, "begin with a capital letter");
}
