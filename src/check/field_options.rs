//! Field options: `packed` only on repeated scalars, `lazy` only on
//! messages, `jstype` only on 64-bit integers, no `ctype` from edition 2024.
//!
//! Rule ids: `packed-not-packable`, `lazy-not-message`, `jstype-type`,
//! `ctype-in-edition-2024`.

use crate::descriptor::field_descriptor_proto::Type;
use crate::descriptor::field_options::JSType;
use crate::descriptor::Edition;

use super::walk::Elem;
use super::{is_packable_type, is_repeated, Cx};

/// `ctype`, `lazy` and `packed`.
pub(crate) fn validate(cx: &mut Cx<'_>, i: usize) {
    let Elem::Field(f, _) = cx.items[i].elem else {
        return;
    };
    let Some(o) = &f.options else { return };
    let p = cx.items[i].path.clone();
    if o.ctype.is_some() && cx.edition.0 >= Edition::EDITION_2024.0 {
        cx.push(cx.diag(
            "ctype-in-edition-2024",
            cx.type_at(&p),
            "",
            "ctype option is not allowed under edition 2024 and beyond. Use the feature string_type = VIEW|CORD|STRING|... instead.",
        ));
    }
    if (o.lazy == Some(true) || o.unverified_lazy == Some(true))
        && f.r#type != Some(Type::TYPE_MESSAGE)
    {
        cx.push(cx.diag(
            "lazy-not-message",
            cx.type_at(&p),
            "",
            "[lazy = true] can only be specified for submessage fields.",
        ));
    }
    if o.packed == Some(true) && !(is_repeated(f) && is_packable_type(f.r#type)) {
        cx.push(
            cx.diag(
                "packed-not-packable",
                cx.type_at(&p),
                "",
                "[packed = true] can only be specified for repeated primitive fields.",
            )
            .with_note("only repeated numeric, bool and enum fields can be packed"),
        );
    }
}

/// `jstype`.
pub(crate) fn validate_jstype(cx: &mut Cx<'_>, i: usize) {
    let Elem::Field(f, _) = cx.items[i].elem else {
        return;
    };
    let Some(js) = f.options.as_ref().and_then(|o| o.jstype) else {
        return;
    };
    if js == JSType::JS_NORMAL {
        return;
    }
    let p = cx.items[i].path.clone();
    let int64 = matches!(
        f.r#type,
        Some(
            Type::TYPE_UINT64
                | Type::TYPE_INT64
                | Type::TYPE_SINT64
                | Type::TYPE_FIXED64
                | Type::TYPE_SFIXED64
        )
    );
    if int64 {
        if js == JSType::JS_STRING || js == JSType::JS_NUMBER {
            return;
        }
        let name =
            crate::descriptor::types::ProtoEnum::name(js).map_or(js.0.to_string(), str::to_string);
        cx.push(cx.diag(
            "jstype-type",
            cx.type_at(&p),
            "",
            format!("Illegal jstype for int64, uint64, sint64, fixed64 or sfixed64 field: {name}"),
        ));
    } else {
        cx.push(cx.diag(
            "jstype-type",
            cx.type_at(&p),
            "",
            "jstype is only allowed on int64, uint64, sint64, fixed64 or sfixed64 fields.",
        ));
    }
}
