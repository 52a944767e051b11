//! Field-level rules, on fields paired by number within a message and on
//! extensions paired by extendee and number: type, cardinality, name,
//! json_name, default, oneof, jstype, C++ string type, UTF-8 validation
//! (standard and Java), and the wire / wire+JSON compatible variants.

use std::collections::HashMap;

use crate::descriptor::field_descriptor_proto::Type;
use crate::descriptor::field_options::{CType, JSType};

use super::defaults::default_of;
use super::model::{kind_name, Fld, Side, Syntax};
use super::{field_description, q, At, Ctx, Was};

pub fn check(ctx: &mut Ctx) {
    let (old, new) = (ctx.old, ctx.new);
    let mut pairs = Vec::new();
    for om in &old.msgs {
        let Some(&ni) = new.msg_by_full.get(&om.full) else {
            continue;
        };
        let nm = &new.msgs[ni];
        let by_number: HashMap<i32, usize> = nm
            .fields
            .iter()
            .rev()
            .map(|&f| (new.fields[f].number(), f))
            .collect();
        let mut seen = std::collections::HashSet::new();
        for &of in &om.fields {
            let n = old.fields[of].number();
            if !seen.insert(n) {
                continue;
            }
            if let Some(&nf) = by_number.get(&n) {
                pairs.push((of, nf));
            }
        }
    }
    let ext_key = |side: &Side, i: usize| {
        let f = &side.fields[i];
        (f.extendee().to_string(), f.number())
    };
    let new_exts: HashMap<(String, i32), usize> = new
        .exts
        .iter()
        .rev()
        .map(|&i| (ext_key(new, i), i))
        .collect();
    for &oi in &old.exts {
        if let Some(&ni) = new_exts.get(&ext_key(old, oi)) {
            pairs.push((oi, ni));
        }
    }
    for (oi, ni) in pairs {
        let (of, nf) = (&old.fields[oi], &new.fields[ni]);
        pair(ctx, of, nf);
    }
}

fn loc_or(l: Option<super::model::Loc>, f: impl FnOnce() -> At) -> At {
    match l {
        Some(l) => At::Loc(l),
        None => f(),
    }
}

fn was_or(l: Option<super::model::Loc>, f: impl FnOnce() -> Was) -> Was {
    match l {
        Some(l) => Was::Loc(l),
        None => f(),
    }
}

fn field_at(side: &Side, f: &Fld) -> At {
    loc_or(side.field_loc(f), || At::File(f.file))
}

fn field_was(side: &Side, f: &Fld) -> Was {
    was_or(side.field_loc(f), || Was::File(f.file))
}

fn both_map_entry_fields(ctx: &Ctx, of: &Fld, nf: &Fld) -> bool {
    let in_entry =
        |side: &Side, f: &Fld| !f.is_ext && f.parent.is_some_and(|p| side.msgs[p].is_map_entry());
    in_entry(ctx.old, of) && in_entry(ctx.new, nf)
}

fn pair(ctx: &mut Ctx, of: &Fld, nf: &Fld) {
    let (old, new) = (ctx.old, ctx.new);
    let cardinality_rules = [
        ("FIELD_SAME_CARDINALITY", 0u8),
        ("FIELD_WIRE_COMPATIBLE_CARDINALITY", 1),
        ("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", 2),
    ];
    if cardinality_rules.iter().any(|r| ctx.on(r.0)) && !both_map_entry_fields(ctx, of, nf) {
        let (a, b) = (old.cardinality(of), new.cardinality(nf));
        for (rule, mode) in cardinality_rules {
            if !ctx.on(rule) {
                continue;
            }
            let differ = match mode {
                0 => a != b,
                1 => a.wire_group() != b.wire_group(),
                _ => a.wire_json_group() != b.wire_json_group(),
            };
            if differ {
                let msg = format!(
                    "{} changed cardinality from {} to {}.",
                    field_description(new, nf, true),
                    q(a.name()),
                    q(b.name())
                );
                ctx.add(rule, field_at(new, nf), field_was(old, of), msg);
            }
        }
    }
    if ctx.on("FIELD_SAME_CPP_STRING_TYPE") {
        cpp_string_type(ctx, of, nf);
    }
    if ctx.on("FIELD_SAME_JAVA_UTF8_VALIDATION") {
        java_utf8(ctx, of, nf);
    }
    if ctx.on("FIELD_SAME_JSTYPE") {
        jstype(ctx, of, nf);
    }
    if ctx.on("FIELD_SAME_TYPE") {
        same_type(ctx, of, nf);
    }
    if ctx.on("FIELD_WIRE_COMPATIBLE_TYPE") {
        compatible_type(ctx, of, nf, false);
    }
    if ctx.on("FIELD_WIRE_JSON_COMPATIBLE_TYPE") {
        compatible_type(ctx, of, nf, true);
    }
    if ctx.on("FIELD_SAME_UTF8_VALIDATION") {
        utf8(ctx, of, nf);
    }
    if ctx.on("FIELD_SAME_JSON_NAME") && !of.is_ext {
        let (a, b) = (
            of.d.json_name.as_deref().unwrap_or(""),
            nf.d.json_name.as_deref().unwrap_or(""),
        );
        if a != b {
            let at = loc_or(new.field_sub_exact(nf, &[10]), || field_at(new, nf));
            let was = was_or(old.field_sub_exact(of, &[10]), || field_was(old, of));
            let msg = format!(
                "{} changed option \"json_name\" from {} to {}.",
                field_description(new, nf, true),
                q(a),
                q(b)
            );
            ctx.add("FIELD_SAME_JSON_NAME", at, was, msg);
        }
    }
    if ctx.on("FIELD_SAME_NAME") {
        let (a, b) = if of.is_ext {
            (of.full.as_str(), nf.full.as_str())
        } else {
            (of.d.name(), nf.d.name())
        };
        if a != b {
            let at = loc_or(new.field_sub_loc(nf, 1), || At::File(nf.file));
            let was = was_or(old.field_sub_loc(of, 1), || Was::File(of.file));
            let msg = format!(
                "{} changed name from {} to {}.",
                field_description(new, nf, false),
                q(a),
                q(b)
            );
            ctx.add("FIELD_SAME_NAME", at, was, msg);
        }
    }
    if ctx.on("FIELD_SAME_DEFAULT") {
        same_default(ctx, of, nf);
    }
    if ctx.on("FIELD_SAME_ONEOF") && !of.is_ext {
        same_oneof(ctx, of, nf);
    }
}

impl Side<'_> {
    /// A location below a field, exactly at `field path + tail`.
    pub fn field_sub_exact(&self, f: &Fld, tail: &[i32]) -> Option<super::model::Loc> {
        self.path_plus(f.file, &f.path, tail)
    }
}

fn is_string_or_bytes(t: Type) -> bool {
    t == Type::TYPE_STRING || t == Type::TYPE_BYTES
}

/// (string type, is STRING_PIECE) of a string or bytes field.
fn cpp_type(side: &Side, f: &Fld) -> (i32, bool) {
    let syntax = side.files[f.file].syntax;
    let before_2024 = match syntax {
        Syntax::Editions(e) => e < 1001,
        _ => true,
    };
    if before_2024 {
        if let Some(ct) = f.d.options.as_ref().and_then(|o| o.ctype) {
            match ct {
                CType::CORD => return (2, false),
                CType::STRING_PIECE => return (3, true),
                CType::STRING => return (3, false),
                _ if !matches!(syntax, Syntax::Editions(_)) => return (3, false),
                _ => {}
            }
        }
    }
    (f.features.cpp_string_type, false)
}

fn cpp_name(t: i32, piece: bool) -> &'static str {
    if piece {
        return "STRING_PIECE";
    }
    match t {
        1 => "VIEW",
        2 => "CORD",
        3 => "STRING",
        _ => "STRING_TYPE_UNKNOWN",
    }
}

fn cpp_string_type(ctx: &mut Ctx, of: &Fld, nf: &Fld) {
    let (old, new) = (ctx.old, ctx.new);
    if both_map_entry_fields(ctx, of, nf) {
        return;
    }
    if !is_string_or_bytes(old.kind(of)) || !is_string_or_bytes(new.kind(nf)) {
        return;
    }
    let (pa, pp) = cpp_type(old, of);
    let (na, np) = cpp_type(new, nf);
    if (pa != na || pp != np) && !(pp && na == 3) {
        let feature = |side: &Side, f: &Fld| {
            let mut p = f.path.clone();
            p.extend_from_slice(&[8, 21, 1000, 2]);
            side.files[f.file]
                .option_loc(&p, f.path.len() + 2)
                .map(|l| super::model::Loc::new(f.file, l))
        };
        let at = loc_or(
            new.field_sub_exact(nf, &[8, 1])
                .or_else(|| feature(new, nf)),
            || field_at(new, nf),
        );
        let was = was_or(
            old.field_sub_exact(of, &[8, 1])
                .or_else(|| feature(old, of)),
            || field_was(old, of),
        );
        let msg = format!(
            "{} changed C++ string type from {} to {}.",
            field_description(new, nf, true),
            q(cpp_name(pa, pp)),
            q(cpp_name(na, np))
        );
        ctx.add("FIELD_SAME_CPP_STRING_TYPE", at, was, msg);
    }
}

fn utf8_name(v: i32) -> &'static str {
    match v {
        2 => "VERIFY",
        3 => "NONE",
        _ => "UTF8_VALIDATION_UNKNOWN",
    }
}

fn java_utf8_value(side: &Side, f: &Fld) -> i32 {
    let default = f.features.utf8;
    let fv = &side.files[f.file];
    let check = fv
        .fd()
        .options
        .as_ref()
        .and_then(|o| o.java_string_check_utf8);
    if !matches!(fv.syntax, Syntax::Editions(_)) || check.is_some() {
        return if check == Some(true) { 2 } else { default };
    }
    if f.features.java_utf8 == 2 {
        2
    } else {
        default
    }
}

fn java_utf8(ctx: &mut Ctx, of: &Fld, nf: &Fld) {
    let (old, new) = (ctx.old, ctx.new);
    if old.kind(of) != Type::TYPE_STRING || new.kind(nf) != Type::TYPE_STRING {
        return;
    }
    let (a, b) = (java_utf8_value(old, of), java_utf8_value(new, nf));
    if a == b {
        return;
    }
    let place = |side: &Side, f: &Fld| {
        side.at(f.file, &[8, 27]).or_else(|| {
            let mut p = f.path.clone();
            p.extend_from_slice(&[8, 21, 1001, 2]);
            side.files[f.file]
                .option_loc(&p, f.path.len() + 2)
                .map(|l| super::model::Loc::new(f.file, l))
        })
    };
    let at = loc_or(place(new, nf), || field_at(new, nf));
    let was = was_or(place(old, of), || field_was(old, of));
    let msg = format!(
        "{} changed Java string UTF8 validation from {} to {}.",
        field_description(new, nf, true),
        q(utf8_name(a)),
        q(utf8_name(b))
    );
    ctx.add("FIELD_SAME_JAVA_UTF8_VALIDATION", at, was, msg);
}

fn is_64bit_int(t: Type) -> bool {
    matches!(
        t,
        Type::TYPE_INT64
            | Type::TYPE_SINT64
            | Type::TYPE_UINT64
            | Type::TYPE_FIXED64
            | Type::TYPE_SFIXED64
    )
}

fn jstype(ctx: &mut Ctx, of: &Fld, nf: &Fld) {
    let (old, new) = (ctx.old, ctx.new);
    if !is_64bit_int(of.ty()) || !is_64bit_int(nf.ty()) {
        return;
    }
    let get = |f: &Fld| {
        f.d.options
            .as_ref()
            .and_then(|o| o.jstype)
            .unwrap_or(JSType::JS_NORMAL)
    };
    let (a, b) = (get(of), get(nf));
    if a != b {
        let at = loc_or(new.field_sub_exact(nf, &[8, 6]), || field_at(new, nf));
        let was = was_or(old.field_sub_exact(of, &[8, 6]), || field_was(old, of));
        let msg = format!(
            "{} changed option \"jstype\" from {} to {}.",
            field_description(new, nf, true),
            q(&format!("{a:?}")),
            q(&format!("{b:?}"))
        );
        ctx.add("FIELD_SAME_JSTYPE", at, was, msg);
    }
}

fn pretty_kind(side: &Side, f: &Fld) -> &'static str {
    let k = side.kind(f);
    if k == Type::TYPE_GROUP && side.files[f.file].syntax != Syntax::Proto2 {
        "message (delimited encoding)"
    } else {
        kind_name(k)
    }
}

fn is_named(k: Type) -> bool {
    matches!(k, Type::TYPE_MESSAGE | Type::TYPE_ENUM | Type::TYPE_GROUP)
}

/// "changed type from kind to kind", located at the type (or type name).
fn changed_kind(ctx: &mut Ctx, rule: &'static str, of: &Fld, nf: &Fld, extra: &str) {
    let (old, new) = (ctx.old, ctx.new);
    let type_loc = |side: &Side, f: &Fld| {
        let tail = if is_named(side.kind(f)) { 6 } else { 5 };
        side.field_sub_loc(f, tail)
    };
    let at = loc_or(type_loc(new, nf), || At::File(nf.file));
    let was = was_or(type_loc(old, of), || Was::File(of.file));
    let extra = if extra.trim().is_empty() {
        String::new()
    } else {
        format!(" {}", extra.trim())
    };
    let msg = format!(
        "{} changed type from {} to {}.{extra}",
        field_description(new, nf, true),
        q(pretty_kind(old, of)),
        q(pretty_kind(new, nf))
    );
    ctx.add(rule, at, was, msg);
}

/// "changed type from name to name", located at the type name.
fn changed_type_name(ctx: &mut Ctx, rule: &'static str, of: &Fld, nf: &Fld) {
    let (old, new) = (ctx.old, ctx.new);
    let at = loc_or(new.field_sub_loc(nf, 6), || At::File(nf.file));
    let was = was_or(old.field_sub_loc(of, 6), || Was::File(of.file));
    let trim = |s: &str| s.strip_prefix('.').unwrap_or(s).to_string();
    let msg = format!(
        "{} changed type from {} to {}.",
        field_description(new, nf, true),
        q(&trim(of.type_name())),
        q(&trim(nf.type_name()))
    );
    ctx.add(rule, at, was, msg);
}

fn same_type(ctx: &mut Ctx, of: &Fld, nf: &Fld) {
    let (old, new) = (ctx.old, ctx.new);
    if old.kind(of) != new.kind(nf) {
        changed_kind(ctx, "FIELD_SAME_TYPE", of, nf, "");
        return;
    }
    if is_named(nf.ty()) && of.type_name() != nf.type_name() {
        changed_type_name(ctx, "FIELD_SAME_TYPE", of, nf);
    }
}

fn wire_group(t: Type) -> u8 {
    match t {
        Type::TYPE_INT32
        | Type::TYPE_INT64
        | Type::TYPE_UINT32
        | Type::TYPE_UINT64
        | Type::TYPE_BOOL => 1,
        Type::TYPE_SINT32 | Type::TYPE_SINT64 => 2,
        Type::TYPE_STRING => 3,
        Type::TYPE_BYTES => 4,
        Type::TYPE_FIXED32 | Type::TYPE_SFIXED32 => 5,
        Type::TYPE_FIXED64 | Type::TYPE_SFIXED64 => 6,
        Type::TYPE_DOUBLE => 7,
        Type::TYPE_FLOAT => 8,
        Type::TYPE_GROUP => 9,
        Type::TYPE_MESSAGE => 10,
        Type::TYPE_ENUM => 11,
        _ => 0,
    }
}

fn wire_json_group(t: Type) -> u8 {
    match t {
        Type::TYPE_INT32 | Type::TYPE_UINT32 => 1,
        Type::TYPE_INT64 | Type::TYPE_UINT64 => 2,
        Type::TYPE_FIXED32 | Type::TYPE_SFIXED32 => 3,
        Type::TYPE_FIXED64 | Type::TYPE_SFIXED64 => 4,
        Type::TYPE_BOOL => 5,
        Type::TYPE_SINT32 => 6,
        Type::TYPE_SINT64 => 7,
        Type::TYPE_STRING => 8,
        Type::TYPE_BYTES => 9,
        Type::TYPE_DOUBLE => 10,
        Type::TYPE_FLOAT => 11,
        Type::TYPE_GROUP => 12,
        Type::TYPE_MESSAGE => 13,
        Type::TYPE_ENUM => 14,
        _ => 0,
    }
}

const WIRE_NOTE: &str =
    "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.";
const BYTES_TO_STRING_NOTE: &str = "Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible.";
const WIRE_JSON_NOTE: &str = "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.";

fn compatible_type(ctx: &mut Ctx, of: &Fld, nf: &Fld, json: bool) {
    let (old, new) = (ctx.old, ctx.new);
    let rule = if json {
        "FIELD_WIRE_JSON_COMPATIBLE_TYPE"
    } else {
        "FIELD_WIRE_COMPATIBLE_TYPE"
    };
    let (ok, nk) = (old.kind(of), new.kind(nf));
    if json {
        if wire_json_group(ok) != wire_json_group(nk) {
            changed_kind(ctx, rule, of, nf, WIRE_JSON_NOTE);
            return;
        }
    } else if wire_group(ok) != wire_group(nk) {
        if ok == Type::TYPE_STRING && nk == Type::TYPE_BYTES {
            return;
        }
        let extra = if ok == Type::TYPE_BYTES && nk == Type::TYPE_STRING {
            format!("{WIRE_NOTE} {BYTES_TO_STRING_NOTE}")
        } else {
            WIRE_NOTE.to_string()
        };
        changed_kind(ctx, rule, of, nf, &extra);
        return;
    }
    let t = if json { nk } else { nf.ty() };
    if of.type_name() == nf.type_name() {
        return;
    }
    match t {
        Type::TYPE_ENUM => {
            let (Some(oe), Some(ne)) = (
                old.enum_by_type_name(of.type_name()),
                new.enum_by_type_name(nf.type_name()),
            ) else {
                return;
            };
            let subset = oe.d.value.iter().all(|ov| {
                ne.d.value
                    .iter()
                    .any(|nv| nv.name() == ov.name() && nv.number == ov.number)
            });
            if oe.d.name() != ne.d.name() || !subset {
                changed_type_name(ctx, rule, of, nf);
            }
        }
        Type::TYPE_GROUP | Type::TYPE_MESSAGE => changed_type_name(ctx, rule, of, nf),
        _ => {}
    }
}

fn utf8(ctx: &mut Ctx, of: &Fld, nf: &Fld) {
    let (old, new) = (ctx.old, ctx.new);
    if old.kind(of) != Type::TYPE_STRING || new.kind(nf) != Type::TYPE_STRING {
        return;
    }
    let (a, b) = (of.features.utf8, nf.features.utf8);
    if a != b {
        let at = loc_or(new.field_sub_exact(nf, &[8, 21, 4]), || field_at(new, nf));
        let was = was_or(old.field_sub_exact(of, &[8, 21, 4]), || field_was(old, of));
        let msg = format!(
            "{} changed UTF8 validation from {} to {}.",
            field_description(new, nf, true),
            utf8_name(a),
            utf8_name(b)
        );
        ctx.add("FIELD_SAME_UTF8_VALIDATION", at, was, msg);
    }
}

fn can_have_default(side: &Side, f: &Fld) -> bool {
    !matches!(
        side.cardinality(f),
        super::model::Cardinality::Repeated | super::model::Cardinality::Map
    ) && !matches!(side.kind(f), Type::TYPE_MESSAGE | Type::TYPE_GROUP)
}

fn same_default(ctx: &mut Ctx, of: &Fld, nf: &Fld) {
    let (old, new) = (ctx.old, ctx.new);
    if !can_have_default(old, of) || !can_have_default(new, nf) {
        return;
    }
    let (a, b) = (default_of(old, of), default_of(new, nf));
    if a.value.is_zero() && b.value.is_zero() {
        return;
    }
    if a.value.same(&b.value) {
        return;
    }
    let at = loc_or(new.default_loc(nf), || field_at(new, nf));
    let was = was_or(old.default_loc(of), || field_was(old, of));
    let msg = format!(
        "{} changed default value from {} to {}.",
        field_description(new, nf, true),
        a.printable,
        b.printable
    );
    ctx.add("FIELD_SAME_DEFAULT", at, was, msg);
}

/// The name of the real (non-synthetic) oneof a field is in.
fn oneof_name<'s>(side: &'s Side<'_>, f: &Fld<'_>) -> Option<&'s str> {
    let idx = f.d.oneof_index? as usize;
    let m = &side.msgs[f.parent?];
    if side.oneof_is_synthetic(m, idx) {
        return None;
    }
    m.d.oneof_decl.get(idx).map(|o| o.name())
}

fn same_oneof(ctx: &mut Ctx, of: &Fld, nf: &Fld) {
    let (old, new) = (ctx.old, ctx.new);
    let (a, b) = (oneof_name(old, of), oneof_name(new, nf));
    let msg = match (a, b) {
        (None, None) => return,
        (Some(a), Some(b)) if a == b => return,
        // buf 1.75 prints a stray "q" after the field description here.
        (Some(a), Some(b)) => format!(
            "{}q moved from oneof {} to oneof {}.",
            field_description(new, nf, true),
            q(a),
            q(b)
        ),
        (Some(_), None) => format!(
            "{} moved from inside to outside a oneof.",
            field_description(new, nf, true)
        ),
        (None, Some(_)) => format!(
            "{} moved from outside to inside a oneof.",
            field_description(new, nf, true)
        ),
    };
    ctx.add(
        "FIELD_SAME_ONEOF",
        field_at(new, nf),
        field_was(old, of),
        msg,
    );
}
