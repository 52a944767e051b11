//! Message-level rules: FIELD_NO_DELETE (and the _UNLESS_ variants),
//! ONEOF_NO_DELETE, RESERVED_MESSAGE_NO_DELETE,
//! EXTENSION_MESSAGE_NO_DELETE, MESSAGE_SAME_REQUIRED_FIELDS,
//! MESSAGE_SAME_JSON_FORMAT and MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR.

use std::collections::{BTreeMap, BTreeSet};

use crate::descriptor::field_descriptor_proto::Label;

use super::model::{Loc, Msg, Side, JSON_ALLOW};
use super::{field_description, q, At, Ctx, Was};

/// Largest field number, inclusive.
pub const MESSAGE_MAX: i32 = 536_870_911;
/// Largest extension number of a message-set message, inclusive.
pub const MESSAGE_SET_MAX: i32 = 2_147_483_646;
/// Largest enum number, inclusive.
pub const ENUM_MAX: i32 = i32::MAX;

pub fn check(ctx: &mut Ctx) {
    for (oi, om) in ctx.old.msgs.iter().enumerate() {
        let Some(&ni) = ctx.new.msg_by_full.get(&om.full) else {
            continue;
        };
        field_no_delete(ctx, oi, ni);
        if ctx.on("ONEOF_NO_DELETE") {
            oneof_no_delete(ctx, oi, ni);
        }
        if ctx.on("RESERVED_MESSAGE_NO_DELETE") {
            reserved(ctx, oi, ni);
        }
        if ctx.on("EXTENSION_MESSAGE_NO_DELETE") {
            extension_ranges(ctx, oi, ni);
        }
        if ctx.on("MESSAGE_SAME_REQUIRED_FIELDS") {
            required_fields(ctx, oi, ni);
        }
        if ctx.on("MESSAGE_SAME_JSON_FORMAT") {
            json_format(ctx, oi, ni);
        }
        if ctx.on("MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR") {
            descriptor_accessor(ctx, oi, ni);
        }
    }
}

/// The location of a message, or its file when it has none.
pub(crate) fn msg_at(side: &Side, m: &Msg) -> At {
    match side.msg_loc(m) {
        Some(l) => At::Loc(l),
        None => At::File(m.file),
    }
}

pub(crate) fn msg_was(side: &Side, m: &Msg) -> Was {
    match side.msg_loc(m) {
        Some(l) => Was::Loc(l),
        None => Was::File(m.file),
    }
}

fn numbers(side: &Side, m: &Msg) -> BTreeMap<i32, usize> {
    let mut out = BTreeMap::new();
    for &f in &m.fields {
        out.entry(side.fields[f].number()).or_insert(f);
    }
    out
}

fn field_no_delete(ctx: &mut Ctx, oi: usize, ni: usize) {
    let rules = [
        ("FIELD_NO_DELETE", false, false),
        ("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", true, false),
        ("FIELD_NO_DELETE_UNLESS_NAME_RESERVED", false, true),
    ];
    if !rules.iter().any(|r| ctx.on(r.0)) {
        return;
    }
    let (old, new) = (ctx.old, ctx.new);
    let (om, nm) = (&old.msgs[oi], &new.msgs[ni]);
    let new_numbers = numbers(new, nm);
    for (number, fi) in numbers(old, om) {
        if new_numbers.contains_key(&number) {
            continue;
        }
        let of = &old.fields[fi];
        for (rule, if_number, if_name) in rules {
            if !ctx.on(rule) {
                continue;
            }
            let allowed = (if_number && number_reserved(nm, number))
                || (if_name && nm.d.reserved_name.iter().any(|n| n == of.d.name()));
            if allowed {
                continue;
            }
            let suffix = if if_number {
                format!(" without reserving the number \"{number}\"")
            } else if if_name {
                format!(" without reserving the name {}", q(of.d.name()))
            } else {
                String::new()
            };
            let desc = field_description(old, of, true);
            let desc = lower_first(&desc);
            let msg = format!("Previously present {desc} was deleted{suffix}.");
            ctx.add(rule, msg_at(new, nm), msg_was(old, om), msg);
        }
    }
}

fn number_reserved(m: &Msg, number: i32) -> bool {
    m.d.reserved_range.iter().any(|r| {
        let (s, e) = (r.start.unwrap_or(0), r.end.unwrap_or(0));
        number >= s && number < e
    })
}

pub(crate) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn oneof_no_delete(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (om, nm) = (&old.msgs[oi], &new.msgs[ni]);
    let present: BTreeSet<&str> = nm.d.oneof_decl.iter().map(|o| o.name()).collect();
    let mut seen = BTreeSet::new();
    for (i, o) in om.d.oneof_decl.iter().enumerate() {
        if present.contains(o.name()) || !seen.insert(o.name()) {
            continue;
        }
        if old.oneof_is_synthetic(om, i) {
            continue;
        }
        let msg = format!(
            "Previously present oneof {} on message {} was deleted.",
            q(o.name()),
            q(nm.d.name())
        );
        ctx.add("ONEOF_NO_DELETE", msg_at(new, nm), msg_was(old, om), msg);
    }
}

fn reserved(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (om, nm) = (&old.msgs[oi], &new.msgs[ni]);
    let ranges = |m: &Msg| -> Vec<(i32, i32)> {
        m.d.reserved_range
            .iter()
            .map(|r| (r.start.unwrap_or(0), r.end.unwrap_or(0).saturating_sub(1)))
            .collect()
    };
    let max = message_max(nm);
    let prev_max = message_max(om);
    tag_ranges(
        ctx,
        "RESERVED_MESSAGE_NO_DELETE",
        "reserved",
        ("message", nm.d.name(), max, prev_max),
        (|| msg_at(new, nm), || msg_was(old, om)),
        &ranges(om),
        &ranges(nm),
    );
    let names: BTreeSet<&str> = nm.d.reserved_name.iter().map(String::as_str).collect();
    let mut seen = BTreeSet::new();
    for n in &om.d.reserved_name {
        if names.contains(n.as_str()) || !seen.insert(n.as_str()) {
            continue;
        }
        let msg = format!(
            "Previously present reserved name {} on message {} was deleted.",
            q(n),
            q(nm.d.name())
        );
        ctx.add(
            "RESERVED_MESSAGE_NO_DELETE",
            msg_at(new, nm),
            msg_was(old, om),
            msg,
        );
    }
}

fn message_max(m: &Msg) -> i32 {
    if m.d
        .options
        .as_ref()
        .and_then(|o| o.message_set_wire_format)
        .unwrap_or(false)
    {
        MESSAGE_SET_MAX
    } else {
        MESSAGE_MAX
    }
}

fn extension_ranges(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (om, nm) = (&old.msgs[oi], &new.msgs[ni]);
    let ranges = |m: &Msg| -> Vec<(i32, i32)> {
        m.d.extension_range
            .iter()
            .map(|r| (r.start.unwrap_or(0), r.end.unwrap_or(0).saturating_sub(1)))
            .collect()
    };
    tag_ranges(
        ctx,
        "EXTENSION_MESSAGE_NO_DELETE",
        "extension",
        ("message", nm.d.name(), message_max(nm), message_max(om)),
        (|| msg_at(new, nm), || msg_was(old, om)),
        &ranges(om),
        &ranges(nm),
    );
}

/// Reports every old inclusive range that lost numbers in the new ranges.
/// `element` is (kind word, name, max of the new element, max of the old).
pub(crate) fn tag_ranges<A: Fn() -> At, F: Fn() -> Was>(
    ctx: &mut Ctx,
    rule: &'static str,
    range_kind: &str,
    element: (&str, &str, i32, i32),
    (at, was): (A, F),
    old: &[(i32, i32)],
    new: &[(i32, i32)],
) {
    if old.is_empty() {
        return;
    }
    let (kind, name, max, prev_max) = element;
    let merged = collapse(new);
    for &(start, end) in old {
        let missing = find_missing(start, end, &merged);
        if missing.is_empty() {
            continue;
        }
        let prev = range_string(start, end, prev_max);
        let removed: Vec<String> = missing
            .iter()
            .map(|&(s, e)| {
                if s == e {
                    format!("[{s}]")
                } else if e == max {
                    format!("[{s},max]")
                } else {
                    format!("[{s},{e}]")
                }
            })
            .collect();
        let msg = format!(
            "Previously present {range_kind} range {} on {kind} {} is missing values: {} were removed.",
            q(&prev),
            q(name),
            removed.join(", ")
        );
        ctx.add(rule, at(), was(), msg);
    }
}

fn range_string(start: i32, end: i32, max: i32) -> String {
    if start == end {
        format!("[{start}]")
    } else if end == max {
        format!("[{start},max]")
    } else {
        format!("[{start},{end}]")
    }
}

/// Sorts and merges overlapping or adjacent inclusive ranges.
fn collapse(ranges: &[(i32, i32)]) -> Vec<(i64, i64)> {
    let mut v: Vec<(i64, i64)> = ranges.iter().map(|&(s, e)| (s as i64, e as i64)).collect();
    v.sort();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// The parts of `[start, end]` not covered by `merged`.
fn find_missing(start: i32, end: i32, merged: &[(i64, i64)]) -> Vec<(i32, i32)> {
    let (mut cur, end) = (start as i64, end as i64);
    let mut out = Vec::new();
    for &(s, e) in merged {
        if e < cur {
            continue;
        }
        if s > end {
            break;
        }
        if s > cur {
            out.push((cur as i32, (s - 1) as i32));
        }
        cur = e + 1;
        if cur > end {
            return out;
        }
    }
    if cur <= end {
        out.push((cur as i32, end as i32));
    }
    out
}

fn required_fields(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (om, nm) = (&old.msgs[oi], &new.msgs[ni]);
    let required = |side: &Side, m: &Msg| -> BTreeMap<i32, usize> {
        m.fields
            .iter()
            .copied()
            .filter(|&f| side.fields[f].label() == Label::LABEL_REQUIRED)
            .map(|f| (side.fields[f].number(), f))
            .collect()
    };
    let (oldr, newr) = (required(old, om), required(new, nm));
    for n in oldr.keys() {
        if !newr.contains_key(n) {
            let msg = format!(
                "Message {} had required field \"{n}\" deleted. Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.",
                q(om.d.name())
            );
            ctx.add(
                "MESSAGE_SAME_REQUIRED_FIELDS",
                msg_at(new, nm),
                msg_was(old, om),
                msg,
            );
        }
    }
    for (n, &f) in &newr {
        if !oldr.contains_key(n) {
            let msg = format!(
                "Message {} had required field \"{n}\" added. Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.",
                q(nm.d.name())
            );
            let at: At = new.field_loc(&new.fields[f]).into();
            ctx.add("MESSAGE_SAME_REQUIRED_FIELDS", at, Was::None, msg);
        }
    }
}

pub(crate) fn json_format_name(v: i32) -> &'static str {
    match v {
        1 => "ALLOW",
        2 => "LEGACY_BEST_EFFORT",
        _ => "JSON_FORMAT_UNKNOWN",
    }
}

fn json_format(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (om, nm) = (&old.msgs[oi], &new.msgs[ni]);
    let (a, b) = (om.features.json_format, nm.features.json_format);
    if a == JSON_ALLOW && b != JSON_ALLOW {
        let at = backup(new.path_plus(nm.file, &nm.path, &[7, 12, 6]), || {
            msg_at(new, nm)
        });
        let was = match old.path_plus(om.file, &om.path, &[7, 12, 6]) {
            Some(l) => Was::Loc(l),
            None => msg_was(old, om),
        };
        let msg = format!(
            "Message {} JSON format support changed from {} to {}.",
            q(nm.d.name()),
            json_format_name(a),
            json_format_name(b)
        );
        ctx.add("MESSAGE_SAME_JSON_FORMAT", at, was, msg);
    }
}

pub(crate) fn backup(l: Option<Loc>, f: impl FnOnce() -> At) -> At {
    match l {
        Some(l) => At::Loc(l),
        None => f(),
    }
}

fn descriptor_accessor(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (om, nm) = (&old.msgs[oi], &new.msgs[ni]);
    let get = |m: &Msg| {
        m.d.options
            .as_ref()
            .and_then(|o| o.no_standard_descriptor_accessor)
            .unwrap_or(false)
    };
    if !get(om) && get(nm) {
        let at = match new.path_plus(nm.file, &nm.path, &[7, 2]) {
            Some(l) => At::Loc(l),
            None => At::File(nm.file),
        };
        let was: Was = old.path_plus(om.file, &om.path, &[7, 2]).into();
        ctx.add(
            "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
            at,
            was,
            "Message option \"no_standard_descriptor_accessor\" changed from \"false\" to \"true\"."
                .to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_parts_of_ranges() {
        let merged = collapse(&[(12, 15)]);
        assert_eq!(find_missing(10, 20, &merged), vec![(10, 11), (16, 20)]);
        assert_eq!(find_missing(30, 30, &merged), vec![(30, 30)]);
        assert_eq!(find_missing(12, 14, &merged), vec![]);
        let merged = collapse(&[(1, 3), (4, 6), (10, 12)]);
        assert_eq!(merged, vec![(1, 6), (10, 12)]);
        assert_eq!(find_missing(0, 11, &merged), vec![(0, 0), (7, 9)]);
    }
}
