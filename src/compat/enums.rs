//! Enum rules: ENUM_VALUE_NO_DELETE (and the _UNLESS_ variants),
//! ENUM_VALUE_SAME_NAME, ENUM_SAME_TYPE, ENUM_SAME_JSON_FORMAT and
//! RESERVED_ENUM_NO_DELETE. Enums pair by full name, values by number.

use std::collections::{BTreeMap, BTreeSet};

use super::messages::{json_format_name, tag_ranges, ENUM_MAX};
use super::model::{Enm, Loc, Side, ENUM_CLOSED, JSON_ALLOW};
use super::{q, At, Ctx, Was};

pub fn check(ctx: &mut Ctx) {
    for (oi, oe) in ctx.old.enums.iter().enumerate() {
        let Some(&ni) = ctx.new.enum_by_full.get(&oe.full) else {
            continue;
        };
        value_no_delete(ctx, oi, ni);
        if ctx.on("ENUM_VALUE_SAME_NAME") {
            same_name(ctx, oi, ni);
        }
        if ctx.on("ENUM_SAME_TYPE") {
            same_type(ctx, oi, ni);
        }
        if ctx.on("ENUM_SAME_JSON_FORMAT") {
            json_format(ctx, oi, ni);
        }
        if ctx.on("RESERVED_ENUM_NO_DELETE") {
            reserved(ctx, oi, ni);
        }
    }
}

fn enum_at(side: &Side, e: &Enm) -> At {
    match side.at(e.file, &e.path) {
        Some(l) => At::Loc(l),
        None => At::File(e.file),
    }
}

fn enum_was(side: &Side, e: &Enm) -> Was {
    match side.at(e.file, &e.path) {
        Some(l) => Was::Loc(l),
        None => Was::File(e.file),
    }
}

/// number -> (name -> value index)
fn by_number<'a>(e: &Enm<'a>) -> BTreeMap<i32, BTreeMap<&'a str, usize>> {
    let mut m: BTreeMap<i32, BTreeMap<&str, usize>> = BTreeMap::new();
    for (i, v) in e.d.value.iter().enumerate() {
        m.entry(v.number.unwrap_or(0))
            .or_default()
            .entry(v.name())
            .or_insert(i);
    }
    m
}

fn quoted_list<'a>(names: impl Iterator<Item = &'a &'a str>) -> String {
    names.map(|n| q(n)).collect::<Vec<_>>().join(", ")
}

fn value_no_delete(ctx: &mut Ctx, oi: usize, ni: usize) {
    let rules = [
        ("ENUM_VALUE_NO_DELETE", false, false),
        ("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", true, false),
        ("ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", false, true),
    ];
    if !rules.iter().any(|r| ctx.on(r.0)) {
        return;
    }
    let (old, new) = (ctx.old, ctx.new);
    let (oe, ne) = (&old.enums[oi], &new.enums[ni]);
    let new_numbers = by_number(ne);
    for (number, names) in by_number(oe) {
        if new_numbers.contains_key(&number) {
            continue;
        }
        for (rule, if_number, if_name) in rules {
            if !ctx.on(rule) {
                continue;
            }
            let allowed = if if_number {
                ne.d.reserved_range
                    .iter()
                    .any(|r| number >= r.start.unwrap_or(0) && number <= r.end.unwrap_or(0))
            } else if if_name {
                names
                    .keys()
                    .all(|n| ne.d.reserved_name.iter().any(|r| r == n))
            } else {
                false
            };
            if allowed {
                continue;
            }
            let suffix = if if_number {
                format!(" without reserving the number \"{number}\"")
            } else if if_name {
                let s = if names.len() > 1 { "s" } else { "" };
                format!(
                    " without reserving the name{s} {}",
                    quoted_list(names.keys())
                )
            } else {
                String::new()
            };
            let msg = format!(
                "Previously present enum value \"{number}\" on enum {} was deleted{suffix}.",
                q(ne.d.name())
            );
            ctx.add(rule, enum_at(new, ne), enum_was(old, oe), msg);
        }
    }
}

fn number_loc(side: &Side, e: &Enm, value: usize) -> Option<Loc> {
    side.path_plus(e.file, &e.path, &[2, value as i32, 2])
}

fn same_name(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (oe, ne) = (&old.enums[oi], &new.enums[ni]);
    let old_numbers = by_number(oe);
    for (number, names) in by_number(ne) {
        let Some(prev) = old_numbers.get(&number) else {
            continue;
        };
        // Every old name must survive; new aliases are fine.
        if prev.keys().all(|n| names.contains_key(n)) {
            continue;
        }
        let s = if prev.len() > 1 && names.len() > 1 {
            "s"
        } else {
            ""
        };
        let msg = format!(
            "Enum value \"{number}\" on enum {} changed name{s} from {} to {}.",
            q(ne.d.name()),
            quoted_list(prev.keys()),
            quoted_list(names.keys())
        );
        for (name, &vi) in &names {
            let at: At = number_loc(new, ne, vi).into();
            let was: Was = prev
                .get(name)
                .and_then(|&pi| number_loc(old, oe, pi))
                .into();
            ctx.add("ENUM_VALUE_SAME_NAME", at, was, msg.clone());
        }
    }
}

fn same_type(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (oe, ne) = (&old.enums[oi], &new.enums[ni]);
    let (a, b) = (
        oe.features.enum_type == ENUM_CLOSED,
        ne.features.enum_type == ENUM_CLOSED,
    );
    if a == b {
        return;
    }
    let name = |closed: bool| if closed { "closed" } else { "open" };
    let at = match new.path_plus(ne.file, &ne.path, &[3, 7, 2]) {
        Some(l) => At::Loc(l),
        None => enum_at(new, ne),
    };
    let was = match old.path_plus(oe.file, &oe.path, &[3, 7, 2]) {
        Some(l) => Was::Loc(l),
        None => enum_was(old, oe),
    };
    let msg = format!(
        "Enum {} changed from {} to {}.",
        q(ne.d.name()),
        name(a),
        name(b)
    );
    ctx.add("ENUM_SAME_TYPE", at, was, msg);
}

fn json_format(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (oe, ne) = (&old.enums[oi], &new.enums[ni]);
    let (a, b) = (oe.features.json_format, ne.features.json_format);
    if a != JSON_ALLOW || b == JSON_ALLOW {
        return;
    }
    let at = match new.path_plus(ne.file, &ne.path, &[3, 7, 6]) {
        Some(l) => At::Loc(l),
        None => enum_at(new, ne),
    };
    let was = match old.path_plus(oe.file, &oe.path, &[3, 7, 6]) {
        Some(l) => Was::Loc(l),
        None => enum_was(old, oe),
    };
    let msg = format!(
        "Enum {} JSON format support changed from {} to {}.",
        q(ne.d.name()),
        json_format_name(a),
        json_format_name(b)
    );
    ctx.add("ENUM_SAME_JSON_FORMAT", at, was, msg);
}

fn reserved(ctx: &mut Ctx, oi: usize, ni: usize) {
    let (old, new) = (ctx.old, ctx.new);
    let (oe, ne) = (&old.enums[oi], &new.enums[ni]);
    let ranges = |e: &Enm| -> Vec<(i32, i32)> {
        e.d.reserved_range
            .iter()
            .map(|r| (r.start.unwrap_or(0), r.end.unwrap_or(0)))
            .collect()
    };
    tag_ranges(
        ctx,
        "RESERVED_ENUM_NO_DELETE",
        "reserved",
        ("enum", ne.d.name(), ENUM_MAX, ENUM_MAX),
        (|| enum_at(new, ne), || enum_was(old, oe)),
        &ranges(oe),
        &ranges(ne),
    );
    let names: BTreeSet<&str> = ne.d.reserved_name.iter().map(String::as_str).collect();
    let mut seen = BTreeSet::new();
    for n in &oe.d.reserved_name {
        if names.contains(n.as_str()) || !seen.insert(n.as_str()) {
            continue;
        }
        let msg = format!(
            "Previously present reserved name {} on enum {} was deleted.",
            q(n),
            q(ne.d.name())
        );
        ctx.add(
            "RESERVED_ENUM_NO_DELETE",
            enum_at(new, ne),
            enum_was(old, oe),
            msg,
        );
    }
}
