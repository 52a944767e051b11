//! Field numbers: positive, at most 2^29-1, outside protoc's own range,
//! unique within a message, clear of reserved numbers and extension ranges;
//! reserved names; and protoc's suggestions of free numbers.
//!
//! This file also drives protoc's *build* phase, whose order the other
//! families' build-time rules follow.
//!
//! Rule ids: `field-number-nonpositive`, `field-number-too-large`,
//! `field-number-implementation-reserved`, `field-number-duplicate`,
//! `field-number-reserved`, `field-name-reserved`,
//! `field-number-in-extension-range`, `field-number-suggestion`.

#[allow(unused_imports)]
use super::getters::*;
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use crate::descriptor::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

use super::{defaults, enums, extensions, join, path, ranges, Cx, MAX_NUMBER};

const FIRST_RESERVED: i32 = 19_000;
const LAST_RESERVED: i32 = 19_999;

/// protoc's request for suggestions on one message: how many numbers to
/// suggest and where the first reason was reported.
#[derive(Default)]
pub(crate) struct Hints {
    pub by_message: HashMap<Vec<i32>, (i32, Range<usize>)>,
}

impl Hints {
    pub fn request(&mut self, message: &[i32], at: Range<usize>, start: i32, end: i32) {
        let fit = |v: i64| v.clamp(0, MAX_NUMBER as i64);
        let e = self.by_message.entry(message.to_vec()).or_insert((0, at));
        let add = fit(fit(end as i64) - fit(start as i64));
        e.0 = fit(e.0 as i64 + add) as i32;
    }
}

/// Longest full name protoc accepts (it stores name lengths in 16 bits).
const MAX_NAME_LEN: usize = 65_535;
/// Longest package name protoc accepts.
const MAX_PACKAGE_LEN: usize = 511;
/// Most components a package name may have.
const MAX_PACKAGE_DEPTH: usize = 101;

/// protoc's build phase over the whole file. Returns false when the file
/// cannot be built at all (its package is refused): protoc reports nothing
/// else about it.
pub(crate) fn build(cx: &mut Cx<'_>) -> bool {
    let fd: &FileDescriptorProto = cx.fd;
    let mut hints = Hints::default();
    let pkg = fd.package().to_string();
    if pkg.len() > MAX_PACKAGE_LEN {
        let at = cx.name_at(&[]);
        cx.error("package-too-long", at, "Package name is too long");
        return false;
    }
    if pkg.split('.').count() > MAX_PACKAGE_DEPTH {
        let at = cx.name_at(&[]);
        cx.push(
            cx.diag("package-too-deep", at, "", "Exceeds Maximum Package Depth")
                .with_note(format!(
                    "a package name may have at most {MAX_PACKAGE_DEPTH} components"
                )),
        );
        return false;
    }
    long_names(cx);
    for (i, m) in fd.message_type.iter().enumerate() {
        build_message(cx, &mut hints, m, &[4, i as i32], &pkg);
    }
    for (i, e) in fd.enum_type.iter().enumerate() {
        enums::build(cx, e, &[5, i as i32], &pkg);
    }
    for (i, f) in fd.extension.iter().enumerate() {
        build_field(cx, &mut hints, f, &[7, i as i32], &pkg, None, true);
    }
    cx.hints = hints;
    true
}

/// The full name of message `m` in `scope` as later reports give it:
/// protoc calls a message whose name it refused "unknown".
pub(crate) fn message_name(scope: &str, m: &DescriptorProto) -> String {
    let name = join(scope, m.name());
    if name.len() > MAX_NAME_LEN {
        "unknown".to_string()
    } else {
        name
    }
}

/// Full names longer than protoc can store, reported before anything else
/// in the file; what such an element contains is not looked at.
fn long_names(cx: &mut Cx<'_>) {
    let mut refused = vec![false; cx.items.len()];
    for i in 0..cx.items.len() {
        if cx.items[i].parent.is_some_and(|p| refused[p]) {
            refused[i] = true;
            continue;
        }
        if cx.items[i].full_name_len() > MAX_NAME_LEN {
            refused[i] = true;
            let at = cx.name_at(&cx.items[i].path);
            cx.push(
                cx.diag("name-too-long", at, "", "Name too long.")
                    .with_note(format!(
                        "a full name may be at most {MAX_NAME_LEN} bytes long"
                    )),
            );
        }
    }
}

fn build_message(cx: &mut Cx<'_>, hints: &mut Hints, m: &DescriptorProto, p: &[i32], scope: &str) {
    let name = message_name(scope, m);
    for (i, f) in m.field.iter().enumerate() {
        build_field(
            cx,
            hints,
            f,
            &path(p, &[2, i as i32]),
            &name,
            Some(p),
            false,
        );
    }
    for (i, e) in m.enum_type.iter().enumerate() {
        enums::build(cx, e, &path(p, &[4, i as i32]), &name);
    }
    for (i, r) in m.extension_range.iter().enumerate() {
        ranges::build_extension_range(cx, hints, r, &path(p, &[5, i as i32]), p);
    }
    for (i, f) in m.extension.iter().enumerate() {
        build_field(cx, hints, f, &path(p, &[6, i as i32]), &name, Some(p), true);
    }
    for (i, r) in m.reserved_range.iter().enumerate() {
        ranges::build_reserved_range(cx, hints, r, &path(p, &[9, i as i32]), p);
    }
    for (i, n) in m.nested_type.iter().enumerate() {
        build_message(cx, hints, n, &path(p, &[3, i as i32]), &name);
    }
    ranges::message_ranges(cx, m, p, &name);
    fields_against_ranges(cx, hints, m, p, &name);
    ranges::extension_ranges(cx, m, p);
}

fn build_field(
    cx: &mut Cx<'_>,
    hints: &mut Hints,
    f: &FieldDescriptorProto,
    p: &[i32],
    scope: &str,
    message: Option<&[i32]>,
    is_extension: bool,
) {
    if is_extension {
        extensions::build_field(cx, f, p, &join(scope, f.name()));
    }
    defaults::build_field(cx, f, p);
    let n = f.number();
    let fine = n > 0
        && (is_extension || n <= MAX_NUMBER)
        && !(FIRST_RESERVED..=LAST_RESERVED).contains(&n);
    if fine {
        // Spans are made only for files that need them: look none up here.
        return;
    }
    let at = cx.at(p, &[3]);
    let hint_key = message.map(<[i32]>::to_vec).unwrap_or_default();
    if n <= 0 {
        hints.request(&hint_key, at.clone(), 0, 1);
        cx.push(cx.diag(
            "field-number-nonpositive",
            at,
            "field numbers start at 1",
            "Field numbers must be positive integers.",
        ));
    } else if !is_extension && n > MAX_NUMBER {
        hints.request(&hint_key, at.clone(), 0, 1);
        cx.push(cx.diag(
            "field-number-too-large",
            at,
            "largest field number is 536870911",
            format!("Field numbers cannot be greater than {MAX_NUMBER}."),
        ));
    } else if (FIRST_RESERVED..=LAST_RESERVED).contains(&n) {
        cx.push(
            cx.diag(
                "field-number-implementation-reserved",
                at,
                "reserved for protobuf itself",
                "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation.",
            ),
        );
    }
}

/// Fields inside extension ranges or reserved ranges, or with reserved names.
fn fields_against_ranges(
    cx: &mut Cx<'_>,
    hints: &mut Hints,
    m: &DescriptorProto,
    p: &[i32],
    full: &str,
) {
    let _ = full;
    for (i, f) in m.field.iter().enumerate() {
        // The field's path is made only for a report.
        let fp = || path(p, &[2, i as i32]);
        let n = f.number();
        for (j, r) in m.extension_range.iter().enumerate() {
            if r.start() <= n && n < r.end() {
                let rp = path(p, &[5, j as i32]);
                let at = cx.at(&rp, &[]);
                hints.request(p, at.clone(), 0, 1);
                let d = cx
                    .diag(
                        "field-number-in-extension-range",
                        at,
                        "this extension range",
                        format!(
                            "Extension range {} to {} includes field \"{}\" ({n}).",
                            r.start(),
                            r.end() - 1,
                            f.name()
                        ),
                    )
                    .with_secondary(cx.name, cx.at(&fp(), &[3]), "the field's number");
                cx.push(d);
            }
        }
        for (j, r) in m.reserved_range.iter().enumerate() {
            if r.start() <= n && n < r.end() {
                let rp = path(p, &[9, j as i32]);
                let at = cx.at(&rp, &[]);
                hints.request(p, at.clone(), 0, 1);
                let d = cx
                    .diag(
                        "field-number-reserved",
                        at,
                        "reserved here",
                        format!("Field \"{}\" uses reserved number {n}.", f.name()),
                    )
                    .with_secondary(cx.name, cx.at(&fp(), &[3]), "used here");
                cx.push(d);
            }
        }
        if m.reserved_name.iter().any(|r| r == f.name()) {
            let mut d = cx.diag(
                "field-name-reserved",
                cx.at(&fp(), &[1]),
                "this name is reserved",
                format!("Field name \"{}\" is reserved.", f.name()),
            );
            if let Some(k) = m.reserved_name.iter().position(|r| r == f.name()) {
                if let Some(s) = cx.span(&path(p, &[10, k as i32])) {
                    d = d.with_secondary(cx.name, s, "reserved here");
                }
            }
            cx.push(d);
        }
    }
}

/// The message a field's number belongs to: its own message for fields.
pub(crate) fn duplicate(cx: &mut Cx<'_>, m: &DescriptorProto, p: &[i32], full: &str) {
    let mut seen: HashMap<i32, usize> = HashMap::default();
    for (i, f) in m.field.iter().enumerate() {
        let n = f.number();
        match seen.get(&n) {
            Some(&first) => {
                let next = match next_available(m) {
                    Some(k) => format!("Next available field number is {k}."),
                    None => "There are no available field numbers.".to_string(),
                };
                let fp = path(p, &[2, i as i32]);
                let d = cx
                    .diag(
                        "field-number-duplicate",
                        cx.at(&fp, &[3]),
                        "used again here",
                        format!(
                            "Field number {n} has already been used in \"{full}\" by field \"{}\". {next}",
                            m.field[first].name()
                        ),
                    )
                    .with_secondary(
                        cx.name,
                        cx.at(&path(p, &[2, first as i32]), &[3]),
                        "first used here",
                    );
                cx.push(d);
            }
            None => {
                seen.insert(n, i);
            }
        }
    }
}

/// The number protoc proposes after a duplicate: the smallest one no field,
/// reserved range or extension range of the message takes (and 1 whenever
/// some field has a number below 1, as protoc 35.1 does).
fn next_available(m: &DescriptorProto) -> Option<i32> {
    if m.field.iter().any(|f| f.number() <= 0) {
        return Some(1);
    }
    let mut used: Vec<(i64, i64)> = m
        .field
        .iter()
        .chain(&m.extension)
        .map(|f| (f.number() as i64, f.number() as i64 + 1))
        .chain(
            m.reserved_range
                .iter()
                .map(|r| (r.start() as i64, r.end() as i64)),
        )
        .chain(
            m.extension_range
                .iter()
                .map(|r| (r.start() as i64, r.end() as i64)),
        )
        .collect();
    used.sort();
    let mut next: i64 = 1;
    for (from, to) in used {
        if from > next {
            break;
        }
        next = next.max(to);
    }
    (next <= MAX_NUMBER as i64).then_some(next as i32)
}

/// protoc's "Suggested field numbers" for top-level messages that had
/// number errors.
pub(crate) fn suggest(cx: &mut Cx<'_>) {
    let fd = cx.fd;
    for (i, m) in fd.message_type.iter().enumerate() {
        let p = vec![4, i as i32];
        let Some((count, at)) = cx.hints.by_message.get(&p).cloned() else {
            continue;
        };
        let mut left = count.min(3);
        if left <= 0 {
            continue;
        }
        let mut used: Vec<(i64, i64)> = Vec::new();
        let max = MAX_NUMBER as i64;
        for f in m.field.iter().chain(&m.extension) {
            let n = f.number() as i64;
            if n > 0 && n <= max {
                used.push((n, n + 1));
            }
        }
        for (s, e) in m
            .reserved_range
            .iter()
            .map(|r| (r.start(), r.end()))
            .chain(m.extension_range.iter().map(|r| (r.start(), r.end())))
        {
            let s = (s as i64).clamp(0, max + 1);
            let e = (e as i64).clamp(0, max + 1);
            if s < e {
                used.push((s, e));
            }
        }
        used.push((max, max + 1));
        used.push((FIRST_RESERVED as i64, LAST_RESERVED as i64));
        used.sort();
        let mut current: i64 = 1;
        let mut out = Vec::new();
        for (from, to) in used {
            while current < from && left > 0 {
                out.push(current.to_string());
                current += 1;
                left -= 1;
            }
            if left == 0 {
                break;
            }
            current = current.max(to);
        }
        let full = join(fd.package(), m.name());
        let d = cx
            .diag(
                "field-number-suggestion",
                at,
                "",
                format!("Suggested field numbers for {full}: {}", out.join(", ")),
            )
            .with_note("protoc's suggestion of free field numbers for this message");
        cx.push(d);
    }
}
