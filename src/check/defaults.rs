//! Default values: not on repeated or message fields, and an existing value
//! of the field's enum type.
//!
//! Rule ids: `default-on-repeated`, `default-on-message`,
//! `default-enum-not-identifier`, `default-enum-unknown-value`.

#[allow(unused_imports)]
use super::getters::*;
use crate::descriptor::field_descriptor_proto::Type;
use crate::descriptor::FieldDescriptorProto;

use super::{is_repeated, Cx};

/// Build-time rule: repeated fields have no default.
pub(crate) fn build_field(cx: &mut Cx<'_>, f: &FieldDescriptorProto, p: &[i32]) {
    if f.default_value.is_some() && is_repeated(f) {
        cx.push(
            cx.diag(
                "default-on-repeated",
                cx.at(p, &[7]),
                "",
                "Repeated fields can't have default values.",
            )
            .with_note("a repeated field is empty by default"),
        );
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Cross-link rules: message fields have no default; an enum default names
/// a value of the field's enum.
pub(crate) fn cross_link_field(cx: &mut Cx<'_>, f: &FieldDescriptorProto, p: &[i32]) {
    let Some(dv) = f.default_value.as_deref() else {
        return;
    };
    match f.r#type {
        Some(Type::TYPE_MESSAGE) => {
            cx.push(cx.diag(
                "default-on-message",
                cx.at(p, &[7]),
                "",
                "Messages can't have default values.",
            ));
        }
        Some(Type::TYPE_ENUM) => {
            if !is_identifier(dv) {
                cx.push(cx.diag(
                    "default-enum-not-identifier",
                    cx.at(p, &[7]),
                    "expected the name of a value",
                    "Default value for an enum field must be an identifier.",
                ));
                return;
            }
            let t = f.type_name().trim_start_matches('.');
            let Some(e) = cx.linked.schema.enum_type(t) else {
                return;
            };
            if !e.value.iter().any(|v| v.name() == dv) {
                let names: Vec<&str> = e.value.iter().take(5).map(|v| v.name()).collect();
                let mut d = cx.diag(
                    "default-enum-unknown-value",
                    cx.at(p, &[7]),
                    "not a value of this enum",
                    format!("Enum type \"{t}\" has no value named \"{dv}\"."),
                );
                if !names.is_empty() {
                    d = d.with_note(format!("values of {t}: {}", names.join(", ")));
                }
                cx.push(d);
            }
        }
        _ => {}
    }
}
