//! proto3: no extension ranges or MessageSets, extensions only of options
//! messages, no explicit defaults, no closed enums, no groups.
//!
//! Rule ids: `proto3-extension-range`, `proto3-message-set`,
//! `proto3-extension`, `proto3-default`, `proto3-closed-enum`,
//! `proto3-group`.

use crate::descriptor::field_descriptor_proto::Type;
use crate::descriptor::{DescriptorProto, FieldDescriptorProto};

use super::features::{values, ENUM_TYPE};
#[allow(unused_imports)]
use super::getters::*;
use super::{features, join, path, Cx};

/// The extendees proto3 files may extend: the options messages.
fn allowed_extendee(name: &str) -> bool {
    matches!(
        name,
        "google.protobuf.FileOptions"
            | "google.protobuf.MessageOptions"
            | "google.protobuf.FieldOptions"
            | "google.protobuf.EnumOptions"
            | "google.protobuf.EnumValueOptions"
            | "google.protobuf.ServiceOptions"
            | "google.protobuf.MethodOptions"
            | "google.protobuf.OneofOptions"
            | "google.protobuf.ExtensionRangeOptions"
    )
}

pub(crate) fn validate(cx: &mut Cx<'_>) {
    let fd = cx.fd;
    let pkg = fd.package().to_string();
    for (i, f) in fd.extension.iter().enumerate() {
        field(cx, f, &[7, i as i32], None);
    }
    for (i, m) in fd.message_type.iter().enumerate() {
        message(cx, m, &[4, i as i32], &pkg);
    }
}

fn message(cx: &mut Cx<'_>, m: &DescriptorProto, p: &[i32], scope: &str) {
    let name = join(scope, m.name());
    for (i, n) in m.nested_type.iter().enumerate() {
        message(cx, n, &path(p, &[3, i as i32]), &name);
    }
    for (i, f) in m.field.iter().enumerate() {
        field(cx, f, &path(p, &[2, i as i32]), Some(&name));
    }
    for (i, f) in m.extension.iter().enumerate() {
        field(cx, f, &path(p, &[6, i as i32]), None);
    }
    if !m.extension_range.is_empty() {
        cx.push(
            cx.diag(
                "proto3-extension-range",
                cx.at(&path(p, &[5, 0]), &[]),
                "",
                "Extension ranges are not allowed in proto3.",
            )
            .with_note("proto3 messages cannot be extended; consider google.protobuf.Any"),
        );
    }
    if m.options
        .as_ref()
        .and_then(|o| o.message_set_wire_format)
        .unwrap_or(false)
    {
        cx.push(cx.diag(
            "proto3-message-set",
            cx.name_at(p),
            "",
            "MessageSet is not supported in proto3.",
        ));
    }
}

fn field(cx: &mut Cx<'_>, f: &FieldDescriptorProto, p: &[i32], container: Option<&str>) {
    let extendee = f.extendee().trim_start_matches('.').to_string();
    if f.extendee.is_some() && !allowed_extendee(&extendee) {
        cx.push(
            cx.diag(
                "proto3-extension",
                cx.at(p, &[2]),
                "",
                "Extensions in proto3 are only allowed for defining options.",
            )
            .with_note("proto3 files may only extend the google.protobuf.*Options messages"),
        );
    }
    if f.default_value.is_some() {
        cx.push(cx.diag(
            "proto3-default",
            cx.at(p, &[7]),
            "",
            "Explicit default values are not allowed in proto3.",
        ));
    }
    if f.r#type == Some(Type::TYPE_ENUM) {
        let t = f.type_name().trim_start_matches('.');
        if features::enum_features(cx, t).is_some_and(|r| r[ENUM_TYPE] == values::CLOSED) {
            let containing = container.map_or(extendee.clone(), str::to_string);
            cx.push(cx.diag(
                "proto3-closed-enum",
                cx.type_at(p),
                "closed enum",
                format!(
                    "Enum type \"{t}\" is not an open enum, but is used in \"{containing}\" which is a proto3 message type."
                ),
            ));
        }
    }
    if f.r#type == Some(Type::TYPE_GROUP) {
        cx.push(cx.diag(
            "proto3-group",
            cx.type_at(p),
            "",
            "Groups are not supported in proto3 syntax.",
        ));
    }
}
