//! Extensions: numbers inside the extendee's extension ranges and unique,
//! not required, MessageSet rules, no `json_name`, the largest extension
//! number, and extension declarations.
//!
//! Rule ids: `extension-required`, `extension-number-not-declared`,
//! `extension-number-duplicate` (an error within one file, a warning
//! across files, as protoc), `extension-number-too-large`,
//! `message-set-field`, `message-set-extension-type`,
//! `extension-json-name`, `extension-declaration-number-outside-range`,
//! `extension-declaration-number-duplicate`,
//! `extension-declaration-incomplete`, `extension-declaration-name-duplicate`,
//! `extension-declaration-name-invalid`, `extension-declaration-unverified`,
//! `extension-declaration-reserved`, `extension-declaration-mismatch`,
//! `extension-declaration-missing`.

#[allow(unused_imports)]
use super::getters::*;
use std::collections::HashSet;

use crate::descriptor::extension_range_options::VerificationState;
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::{DescriptorProto, FieldDescriptorProto};
use crate::link::lower::json_name;

use super::walk::Elem;
use super::{path, Cx, MAX_NUMBER};

/// Build-time rule: extensions are never required.
pub(crate) fn build_field(cx: &mut Cx<'_>, f: &FieldDescriptorProto, p: &[i32], full: &str) {
    if f.label == Some(Label::LABEL_REQUIRED) {
        cx.push(
            cx.diag(
                "extension-required",
                cx.type_at(p),
                "",
                format!("The extension {full} cannot be required."),
            )
            .with_note("messages that do not know the extension could never be complete"),
        );
    }
}

/// The message an extension extends, with its file.
pub(crate) fn extendee<'a>(
    cx: &Cx<'a>,
    f: &FieldDescriptorProto,
) -> Option<(usize, &'a DescriptorProto)> {
    let name = f.extendee.as_deref()?.trim_start_matches('.');
    let (file, _, m) = cx.linked.schema.message(name)?;
    Some((file, m))
}

fn in_ranges(m: &DescriptorProto, n: i32) -> Option<usize> {
    m.extension_range
        .iter()
        .position(|r| r.start() <= n && n < r.end())
}

/// Cross-link rules of one extension: its number is declared by the
/// extendee and not used by another extension.
pub(crate) fn cross_link_field(
    cx: &mut Cx<'_>,
    f: &FieldDescriptorProto,
    p: &[i32],
    full: &str,
    seen: &mut Vec<(String, i32, String)>,
) {
    let Some(x) = f.extendee.as_deref() else {
        return;
    };
    let x = x.trim_start_matches('.').to_string();
    let n = f.number();
    if let Some((_, m)) = extendee(cx, f) {
        if in_ranges(m, n).is_none() {
            let mut d = cx.diag(
                "extension-number-not-declared",
                cx.at(p, &[3]),
                "outside the extension ranges",
                format!("\"{x}\" does not declare {n} as an extension number."),
            );
            let ranges: Vec<String> = m
                .extension_range
                .iter()
                .map(|r| {
                    if r.end() - 1 == r.start() {
                        r.start().to_string()
                    } else {
                        format!("{} to {}", r.start(), r.end() - 1)
                    }
                })
                .collect();
            d = d.with_note(if ranges.is_empty() {
                format!("{x} declares no extension ranges")
            } else {
                format!("{x} declares extensions {}", ranges.join(", "))
            });
            cx.push(d);
        }
    }
    if let Some((_, _, other)) = seen.iter().find(|(e, k, _)| *e == x && *k == n) {
        cx.push(cx.diag(
            "extension-number-duplicate",
            cx.at(p, &[3]),
            "",
            format!(
                "Extension number {n} has already been used in \"{x}\" by extension \"{other}\"."
            ),
        ));
        return;
    }
    seen.push((x.clone(), n, full.to_string()));
    // Extensions of files built before this one: the first such file.
    let me = cx.shared.order_pos[cx.file];
    let earlier = cx.shared.extensions.get(&(x.clone(), n)).and_then(|list| {
        list.iter()
            .filter(|(o, _)| cx.shared.order_pos[*o] < me)
            .min_by_key(|(o, _)| cx.shared.order_pos[*o])
    });
    if let Some((o, other)) = earlier {
        cx.push(
            crate::diagnostics::Diagnostic::warning(
                "extension-number-duplicate",
                format!(
                    "Extension number {n} has already been used in \"{x}\" by extension \"{other}\" defined in {}.",
                    cx.loaded.files[*o].name
                ),
            )
            .at(cx.name, cx.at(p, &[3]), ""),
        );
    }
}

/// Validation of a message's extension ranges: the largest number and the
/// declarations.
pub(crate) fn validate_ranges(cx: &mut Cx<'_>, i: usize) {
    let Elem::Message(m) = cx.items[i].elem else {
        return;
    };
    let p = cx.items[i].path.clone();
    let message_set = m
        .options
        .as_ref()
        .and_then(|o| o.message_set_wire_format)
        .unwrap_or(false);
    let max: i64 = if message_set {
        i32::MAX as i64
    } else {
        MAX_NUMBER as i64
    };
    let mut names: HashSet<String> = HashSet::new();
    for (k, r) in m.extension_range.iter().enumerate() {
        let rp = path(&p, &[5, k as i32]);
        let at = cx.at(&rp, &[]);
        if r.end() as i64 > max + 1 {
            cx.push(cx.diag(
                "extension-number-too-large",
                at.clone(),
                "",
                format!("Extension numbers cannot be greater than {max}."),
            ));
        }
        let Some(opts) = &r.options else { continue };
        if opts.declaration.is_empty() {
            continue;
        }
        if opts.verification == Some(VerificationState::UNVERIFIED) {
            cx.push(cx.diag(
                "extension-declaration-unverified",
                at,
                "",
                "Cannot mark the extension range as UNVERIFIED when it has extension(s) declared.",
            ));
            return;
        }
        let mut numbers = HashSet::new();
        for d in &opts.declaration {
            let n = d.number();
            if n < r.start() || n >= r.end() {
                cx.push(cx.diag(
                    "extension-declaration-number-outside-range",
                    at.clone(),
                    "",
                    format!("Extension declaration number {n} is not in the extension range."),
                ));
            }
            if !numbers.insert(n) {
                cx.push(cx.diag(
                    "extension-declaration-number-duplicate",
                    at.clone(),
                    "",
                    format!("Extension declaration number {n} is declared multiple times."),
                ));
            }
            match (&d.full_name, &d.r#type) {
                (Some(name), Some(ty)) => {
                    if !names.insert(name.clone()) {
                        cx.push(cx.diag(
                            "extension-declaration-name-duplicate",
                            at.clone(),
                            "",
                            format!("Extension field name \"{name}\" is declared multiple times."),
                        ));
                        return;
                    }
                    if let Some(e) = declared_symbol_error(name) {
                        cx.push(cx.diag("extension-declaration-name-invalid", at.clone(), "", e));
                    }
                    if !is_scalar_name(ty) {
                        if let Some(e) = declared_symbol_error(ty) {
                            cx.push(cx.diag(
                                "extension-declaration-name-invalid",
                                at.clone(),
                                "",
                                e,
                            ));
                        }
                    }
                }
                (full_name, ty) => {
                    if full_name.is_some() != ty.is_some() || d.reserved != Some(true) {
                        cx.push(cx.diag(
                            "extension-declaration-incomplete",
                            at.clone(),
                            "",
                            format!(
                                "Extension declaration #{n} should have both \"full_name\" and \"type\" set."
                            ),
                        ));
                    }
                }
            }
        }
    }
}

fn is_scalar_name(t: &str) -> bool {
    matches!(
        t,
        "double"
            | "float"
            | "int64"
            | "uint64"
            | "int32"
            | "fixed32"
            | "fixed64"
            | "bool"
            | "string"
            | "bytes"
            | "uint32"
            | "enum"
            | "sfixed32"
            | "sfixed64"
            | "sint32"
            | "sint64"
    )
}

fn declared_symbol_error(s: &str) -> Option<String> {
    let Some(rest) = s.strip_prefix('.') else {
        return Some(format!(
            "\"{s}\" must have a leading dot to indicate the fully-qualified scope."
        ));
    };
    let valid = !rest.is_empty()
        && rest.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
    (!valid).then(|| format!("\"{s}\" contains invalid identifiers."))
}

/// protoc's name of a field's type: the scalar keyword, or the full name
/// (with a leading dot) of a message or enum.
fn type_name_of(f: &FieldDescriptorProto) -> String {
    match f.r#type {
        Some(Type::TYPE_MESSAGE | Type::TYPE_ENUM | Type::TYPE_GROUP) => f.type_name().to_string(),
        Some(t) => {
            let n = crate::descriptor::types::ProtoEnum::name(t).unwrap_or("");
            n.strip_prefix("TYPE_").unwrap_or(n).to_ascii_lowercase()
        }
        None => String::new(),
    }
}

/// Validation of one field or extension: MessageSet rules.
pub(crate) fn validate_message_set(cx: &mut Cx<'_>, i: usize) {
    let Elem::Field(f, container) = cx.items[i].elem else {
        return;
    };
    let p = cx.items[i].path.clone();
    let is_ext = container.is_none();
    let containing = if is_ext {
        extendee(cx, f).map(|(_, m)| m)
    } else {
        container
    };
    let message_set = containing
        .and_then(|m| m.options.as_ref())
        .and_then(|o| o.message_set_wire_format)
        .unwrap_or(false);
    if message_set {
        if is_ext {
            if f.label != Some(Label::LABEL_OPTIONAL) || f.r#type != Some(Type::TYPE_MESSAGE) {
                cx.push(cx.diag(
                    "message-set-extension-type",
                    cx.type_at(&p),
                    "",
                    "Extensions of MessageSets must be optional messages.",
                ));
            }
        } else {
            cx.push(cx.diag(
                "message-set-field",
                cx.at(&p, &[1]),
                "",
                "MessageSets cannot have fields, only extensions.",
            ));
        }
    }
}

/// Validation of one extension: no `json_name`, and the extension
/// declarations of its range.
pub(crate) fn validate_field(cx: &mut Cx<'_>, i: usize) {
    let Elem::Field(f, container) = cx.items[i].elem else {
        return;
    };
    let is_ext = container.is_none();
    if !is_ext {
        return;
    }
    let p = cx.items[i].path.clone();
    let full = cx.items[i].full_name();
    if f.json_name
        .as_deref()
        .is_some_and(|j| j != json_name(f.name()))
    {
        cx.push(cx.diag(
            "extension-json-name",
            cx.at(&p, &[10]),
            "",
            "option json_name is not allowed on extension fields.",
        ));
    }
    declarations(cx, f, &p, &full);
}

fn declarations(cx: &mut Cx<'_>, f: &FieldDescriptorProto, p: &[i32], full: &str) {
    let x = f.extendee().trim_start_matches('.');
    if x.starts_with("google.protobuf.") && x.ends_with("Options") {
        return;
    }
    let Some((_, m)) = extendee(cx, f) else {
        return;
    };
    let Some(k) = in_ranges(m, f.number()) else {
        return;
    };
    let Some(opts) = &m.extension_range[k].options else {
        return;
    };
    let n = f.number();
    let at = cx.at(p, &[2]);
    if let Some(d) = opts.declaration.iter().find(|d| d.number() == n) {
        if d.reserved() {
            cx.push(cx.diag(
                "extension-declaration-reserved",
                at,
                "",
                format!(
                    "Cannot use number {n} for extension field {full}, as it is reserved in the extension declarations for message {x}."
                ),
            ));
            return;
        }
        if let Some(ty) = d.r#type.as_deref().filter(|t| !t.is_empty()) {
            let actual = type_name_of(f);
            let expected = if is_scalar_name(ty) || ty.starts_with('.') {
                ty.to_string()
            } else {
                format!(".{ty}")
            };
            if expected != actual {
                cx.push(cx.diag(
                    "extension-declaration-mismatch",
                    at.clone(),
                    "",
                    format!(
                        "\"{x}\" extension field {n} is expected to be type \"{expected}\", not \"{actual}\"."
                    ),
                ));
            }
        }
        if let Some(name) = d.full_name.as_deref().filter(|t| !t.is_empty()) {
            let actual = format!(".{full}");
            if name != actual {
                cx.push(cx.diag(
                    "extension-declaration-mismatch",
                    at.clone(),
                    "",
                    format!(
                        "\"{x}\" extension field {n} is expected to have field name \"{name}\", not \"{actual}\"."
                    ),
                ));
            }
        }
        let repeated = d.repeated();
        if repeated != (f.label == Some(Label::LABEL_REPEATED)) {
            cx.push(cx.diag(
                "extension-declaration-mismatch",
                at,
                "",
                format!(
                    "\"{x}\" extension field {n} is expected to be {}.",
                    if repeated { "repeated" } else { "optional" }
                ),
            ));
        }
        return;
    }
    if !opts.declaration.is_empty() || opts.verification == Some(VerificationState::DECLARATION) {
        cx.push(cx.diag(
            "extension-declaration-missing",
            at,
            "",
            format!(
                "Missing extension declaration for field {full} with number {n} in extendee message {x}. An extension range must declare for all extension fields if its verification state is DECLARATION or there's any declaration in the range already. Otherwise, consider splitting up the range."
            ),
        ));
    }
}
