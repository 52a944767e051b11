//! Editions and features: features only under editions, known feature
//! values, file defaults, and the field-level feature rules.
//!
//! Rule ids: `features-outside-editions`, `feature-value-unknown`,
//! `file-default-required`, `java-string-check-utf8`,
//! `packed-under-editions`, `implicit-presence-default`,
//! `implicit-presence-closed-enum`, `extension-legacy-required`,
//! `field-presence-not-allowed`, `repeated-encoding-not-repeated`,
//! `utf8-validation-not-string`, `packed-not-packable-feature`,
//! `message-encoding-not-message`.

use crate::descriptor::field_descriptor_proto::Type;
use crate::descriptor::Edition;

use super::features::{
    features_of, values, Resolved, CORE_FEATURES, ENUM_TYPE, FIELD_PRESENCE, MESSAGE_ENCODING,
    REPEATED_FIELD_ENCODING, UTF8_VALIDATION,
};
#[allow(unused_imports)]
use super::getters::*;
use super::walk::Elem;
use super::{features, is_packable_type, is_repeated, Cx};

fn is_legacy(cx: &Cx<'_>) -> bool {
    cx.edition.0 < Edition::EDITION_2023.0
}

/// Feature resolution errors, in protoc's visiting order.
pub(crate) fn resolve(cx: &mut Cx<'_>) {
    let legacy = is_legacy(cx);
    let file_set = cx.fd.options.as_ref().and_then(|o| o.features.as_ref());
    if legacy && file_set.is_some() {
        let at = cx.span(&[8]).unwrap_or_else(|| cx.editions_at());
        cx.push(
            cx.diag(
                "features-outside-editions",
                cx.editions_at(),
                "",
                "Features are only valid under editions.",
            )
            .with_secondary(cx.name, at, "features set here")
            .with_note("proto2 and proto3 files use options such as packed instead of features"),
        );
    } else if !legacy {
        let r = cx.file_features;
        unknown_values(cx, &r, cx.editions_at());
    }
    for i in 0..cx.items.len() {
        if features_of(&cx.items[i].elem).is_none() {
            continue;
        }
        let p = cx.items[i].path.clone();
        let at = cx.name_at(&p);
        if legacy {
            cx.push(
                cx.diag(
                    "features-outside-editions",
                    at,
                    "",
                    "Features are only valid under editions.",
                )
                .with_note(
                    "proto2 and proto3 files use options such as packed instead of features",
                ),
            );
        } else {
            let r = cx.item_features[i];
            unknown_values(cx, &r, at);
        }
    }
}

fn unknown_values(cx: &mut Cx<'_>, r: &Resolved, at: std::ops::Range<usize>) {
    for feature in CORE_FEATURES {
        if r.get(feature) != 0 {
            continue;
        }
        let Some(f) = cx.defs.feature_field(feature) else {
            continue;
        };
        let mut value = cx.defs.value_name(feature, 0);
        if f.type_name()
            .ends_with("VisibilityFeature.DefaultSymbolVisibility")
        {
            value = format!("VisibilityFeature::{value}");
        }
        let msg = format!(
            "Feature field `{}` must resolve to a known value, found {value}",
            f.name()
        );
        cx.push(cx.diag("feature-value-unknown", at.clone(), "", msg));
    }
}

/// File-level rules under editions.
pub(crate) fn validate_file(cx: &mut Cx<'_>) {
    if is_legacy(cx) {
        return;
    }
    if cx.file_features.get(FIELD_PRESENCE) == values::LEGACY_REQUIRED {
        cx.push(
            cx.diag(
                "file-default-required",
                cx.editions_at(),
                "",
                "Required presence can't be specified by default.",
            )
            .with_note("set features.field_presence = LEGACY_REQUIRED on the fields that need it"),
        );
    }
    if cx
        .fd
        .options
        .as_ref()
        .and_then(|o| o.java_string_check_utf8)
        == Some(true)
    {
        cx.push(cx.diag(
            "java-string-check-utf8",
            cx.editions_at(),
            "",
            "File option java_string_check_utf8 is not allowed under editions. Use the (pb.java).utf8_validation feature to control this behavior.",
        ));
    }
}

/// Field-level feature rules under editions.
pub(crate) fn validate_field(cx: &mut Cx<'_>, i: usize) {
    if is_legacy(cx) {
        return;
    }
    let Elem::Field(f, container) = cx.items[i].elem else {
        return;
    };
    let p = cx.items[i].path.clone();
    let at = cx.name_at(&p);
    let r = cx.item_features[i];
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    if f.options.as_ref().and_then(|o| o.packed).is_some() {
        errors.push((
            "packed-under-editions",
            "Field option packed is not allowed under editions.  Use the repeated_field_encoding feature to control this behavior.",
        ));
    }
    if f.default_value.is_some() && r.get(FIELD_PRESENCE) == values::IMPLICIT {
        errors.push((
            "implicit-presence-default",
            "Implicit presence fields can't specify defaults.",
        ));
    }
    // Repeated fields inherit the presence feature but have no presence.
    let repeated =
        f.label == Some(crate::descriptor::field_descriptor_proto::Label::LABEL_REPEATED);
    if f.r#type == Some(Type::TYPE_ENUM) && !repeated && r.get(FIELD_PRESENCE) == values::IMPLICIT {
        let t = f.type_name().trim_start_matches('.');
        if features::enum_features(cx, t).is_some_and(|e| e[ENUM_TYPE] != values::OPEN) {
            errors.push((
                "implicit-presence-closed-enum",
                "Implicit presence enum fields must always be open.",
            ));
        }
    }
    let is_ext = container.is_none();
    if is_ext && r.get(FIELD_PRESENCE) == values::LEGACY_REQUIRED {
        errors.push(("extension-legacy-required", "Extensions can't be required."));
    }
    let in_map_entry = container.is_some_and(|m| {
        m.options
            .as_ref()
            .and_then(|o| o.map_entry)
            .unwrap_or(false)
    });
    if !in_map_entry {
        let message_type = matches!(f.r#type, Some(Type::TYPE_MESSAGE | Type::TYPE_GROUP));
        let map = message_type && is_map_type(cx, f.type_name());
        if let Some(v) = r.explicit[FIELD_PRESENCE] {
            if f.oneof_index.is_some() {
                errors.push((
                    "field-presence-not-allowed",
                    "Oneof fields can't specify field presence.",
                ));
            } else if is_repeated(f) {
                errors.push((
                    "field-presence-not-allowed",
                    "Repeated fields can't specify field presence.",
                ));
            } else if is_ext && v != values::LEGACY_REQUIRED {
                errors.push((
                    "field-presence-not-allowed",
                    "Extensions can't specify field presence.",
                ));
            } else if message_type && v == values::IMPLICIT {
                errors.push((
                    "field-presence-not-allowed",
                    "Message fields can't specify implicit presence.",
                ));
            }
        }
        if !is_repeated(f) && r.has(REPEATED_FIELD_ENCODING) {
            errors.push((
                "repeated-encoding-not-repeated",
                "Only repeated fields can specify repeated field encoding.",
            ));
        }
        let string_map = map && map_has_string(cx, f.type_name());
        if f.r#type != Some(Type::TYPE_STRING) && !string_map && r.has(UTF8_VALIDATION) {
            errors.push((
                "utf8-validation-not-string",
                "Only string fields can specify utf8 validation.",
            ));
        }
        let packable = is_repeated(f) && is_packable_type(f.r#type);
        if !packable && r.explicit[REPEATED_FIELD_ENCODING] == Some(values::PACKED) {
            errors.push((
                "packed-not-packable-feature",
                "Only repeated primitive fields can specify PACKED repeated field encoding.",
            ));
        }
        if (!message_type || map) && r.has(MESSAGE_ENCODING) {
            errors.push((
                "message-encoding-not-message",
                "Only message fields can specify message encoding.",
            ));
        }
    }
    for (code, msg) in errors {
        cx.push(cx.diag(code, at.clone(), "", msg));
    }
}

fn map_entry<'a>(cx: &Cx<'a>, type_name: &str) -> Option<&'a crate::descriptor::DescriptorProto> {
    let (_, _, m) = cx
        .linked
        .schema
        .message(type_name.trim_start_matches('.'))?;
    m.options
        .as_ref()
        .and_then(|o| o.map_entry)
        .unwrap_or(false)
        .then_some(m)
}

fn is_map_type(cx: &Cx<'_>, type_name: &str) -> bool {
    map_entry(cx, type_name).is_some()
}

fn map_has_string(cx: &Cx<'_>, type_name: &str) -> bool {
    map_entry(cx, type_name)
        .is_some_and(|m| m.field.iter().any(|f| f.r#type == Some(Type::TYPE_STRING)))
}
