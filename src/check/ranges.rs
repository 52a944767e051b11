//! Reserved and extension ranges: bounds, overlaps, names reserved twice;
//! the same for enums, and enum values on reserved numbers or names.
//!
//! Rule ids: `reserved-number-nonpositive`, `reserved-range-backwards`,
//! `reserved-range-overlap`, `reserved-name-duplicate`,
//! `extension-number-nonpositive`, `extension-range-backwards`,
//! `extension-range-overlap`, `extension-range-overlaps-reserved`,
//! `enum-reserved-range-backwards`, `enum-reserved-range-overlap`,
//! `enum-reserved-name-duplicate`, `enum-value-number-reserved`,
//! `enum-value-name-reserved`.

#[allow(unused_imports)]
use super::getters::*;
use std::collections::HashSet;

use crate::descriptor::descriptor_proto::{ExtensionRange, ReservedRange};
use crate::descriptor::{DescriptorProto, EnumDescriptorProto};

use super::numbers::Hints;
use super::{path, Cx};

/// The checks shared by extension and reserved ranges of a message.
struct RangeRule {
    nonpositive: &'static str,
    nonpositive_label: &'static str,
    nonpositive_message: &'static str,
    backwards: &'static str,
    backwards_message: &'static str,
}

fn build_range(
    cx: &mut Cx<'_>,
    hints: &mut Hints,
    rule: &RangeRule,
    (start, end): (i32, i32),
    p: &[i32],
    message: &[i32],
) {
    if start > 0 && start < end {
        return;
    }
    let at = cx.at(p, &[]);
    if start <= 0 {
        hints.request(message, at.clone(), start, end);
        cx.push(cx.diag(
            rule.nonpositive,
            at.clone(),
            rule.nonpositive_label,
            rule.nonpositive_message,
        ));
    }
    if start >= end {
        cx.push(cx.diag(
            rule.backwards,
            at,
            "the end is before the start",
            rule.backwards_message,
        ));
    }
}

pub(crate) fn build_extension_range(
    cx: &mut Cx<'_>,
    hints: &mut Hints,
    r: &ExtensionRange,
    p: &[i32],
    message: &[i32],
) {
    let rule = RangeRule {
        nonpositive: "extension-number-nonpositive",
        nonpositive_label: "extension numbers start at 1",
        nonpositive_message: "Extension numbers must be positive integers.",
        backwards: "extension-range-backwards",
        backwards_message: "Extension range end number must be greater than start number.",
    };
    build_range(cx, hints, &rule, (r.start(), r.end()), p, message);
}

pub(crate) fn build_reserved_range(
    cx: &mut Cx<'_>,
    hints: &mut Hints,
    r: &ReservedRange,
    p: &[i32],
    message: &[i32],
) {
    let rule = RangeRule {
        nonpositive: "reserved-number-nonpositive",
        nonpositive_label: "field numbers start at 1",
        nonpositive_message: "Reserved numbers must be positive integers.",
        backwards: "reserved-range-backwards",
        backwards_message: "Reserved range end number must be greater than start number.",
    };
    build_range(cx, hints, &rule, (r.start(), r.end()), p, message);
}

/// Overlapping reserved ranges and names reserved twice.
pub(crate) fn message_ranges(cx: &mut Cx<'_>, m: &DescriptorProto, p: &[i32], full: &str) {
    let _ = full;
    for (i, r1) in m.reserved_range.iter().enumerate() {
        for (j, r2) in m.reserved_range.iter().enumerate().skip(i + 1) {
            if r1.end() > r2.start() && r2.end() > r1.start() {
                let d = cx
                    .diag(
                        "reserved-range-overlap",
                        cx.at(&path(p, &[9, i as i32]), &[]),
                        "",
                        format!(
                            "Reserved range {} to {} overlaps with already-defined range {} to {}.",
                            r2.start(),
                            r2.end() - 1,
                            r1.start(),
                            r1.end() - 1
                        ),
                    )
                    .with_secondary(
                        cx.name,
                        cx.at(&path(p, &[9, j as i32]), &[]),
                        "overlapping range",
                    );
                cx.push(d);
            }
        }
    }
    let mut seen = HashSet::new();
    for (k, n) in m.reserved_name.iter().enumerate() {
        if !seen.insert(n.as_str()) {
            let mut d = cx.diag(
                "reserved-name-duplicate",
                cx.name_at(p),
                "",
                format!("Field name \"{n}\" is reserved multiple times."),
            );
            if let Some(s) = cx.span(&path(p, &[10, k as i32])) {
                d = d.with_secondary(cx.name, s, "reserved again here");
            }
            cx.push(d);
        }
    }
}

/// Extension ranges overlapping reserved ranges or each other.
pub(crate) fn extension_ranges(cx: &mut Cx<'_>, m: &DescriptorProto, p: &[i32]) {
    for (i, r1) in m.extension_range.iter().enumerate() {
        let at = cx.at(&path(p, &[5, i as i32]), &[]);
        for (j, r2) in m.reserved_range.iter().enumerate() {
            if r1.end() > r2.start() && r2.end() > r1.start() {
                let d = cx
                    .diag(
                        "extension-range-overlaps-reserved",
                        at.clone(),
                        "",
                        format!(
                            "Extension range {} to {} overlaps with reserved range {} to {}.",
                            r1.start(),
                            r1.end() - 1,
                            r2.start(),
                            r2.end() - 1
                        ),
                    )
                    .with_secondary(
                        cx.name,
                        cx.at(&path(p, &[9, j as i32]), &[]),
                        "reserved here",
                    );
                cx.push(d);
            }
        }
        for (j, r2) in m.extension_range.iter().enumerate().skip(i + 1) {
            if r1.end() > r2.start() && r2.end() > r1.start() {
                let d = cx
                    .diag(
                        "extension-range-overlap",
                        at.clone(),
                        "",
                        format!(
                            "Extension range {} to {} overlaps with already-defined range {} to {}.",
                            r2.start(),
                            r2.end() - 1,
                            r1.start(),
                            r1.end() - 1
                        ),
                    )
                    .with_secondary(cx.name, cx.at(&path(p, &[5, j as i32]), &[]), "overlapping range");
                cx.push(d);
            }
        }
    }
}

/// Enum reserved ranges and names, and values that use them.
pub(crate) fn enum_ranges(cx: &mut Cx<'_>, e: &EnumDescriptorProto, p: &[i32], scope: &str) {
    for (i, r) in e.reserved_range.iter().enumerate() {
        if r.start() > r.end() {
            cx.push(cx.diag(
                "enum-reserved-range-backwards",
                cx.at(&path(p, &[4, i as i32]), &[]),
                "the end is before the start",
                "Reserved range end number must be greater than start number.",
            ));
        }
    }
    for (i, r1) in e.reserved_range.iter().enumerate() {
        for (j, r2) in e.reserved_range.iter().enumerate().skip(i + 1) {
            if r1.end() >= r2.start() && r2.end() >= r1.start() {
                let d = cx
                    .diag(
                        "enum-reserved-range-overlap",
                        cx.at(&path(p, &[4, i as i32]), &[]),
                        "",
                        format!(
                            "Reserved range {} to {} overlaps with already-defined range {} to {}.",
                            r2.start(),
                            r2.end(),
                            r1.start(),
                            r1.end()
                        ),
                    )
                    .with_secondary(
                        cx.name,
                        cx.at(&path(p, &[4, j as i32]), &[]),
                        "overlapping range",
                    );
                cx.push(d);
            }
        }
    }
    let mut seen = HashSet::new();
    for (k, n) in e.reserved_name.iter().enumerate() {
        if !seen.insert(n.as_str()) {
            let mut d = cx.diag(
                "enum-reserved-name-duplicate",
                cx.name_at(p),
                "",
                format!("Enum value \"{n}\" is reserved multiple times."),
            );
            if let Some(s) = cx.span(&path(p, &[5, k as i32])) {
                d = d.with_secondary(cx.name, s, "reserved again here");
            }
            cx.push(d);
        }
    }
    let _ = scope;
    for (i, v) in e.value.iter().enumerate() {
        let vp = path(p, &[2, i as i32]);
        for (j, r) in e.reserved_range.iter().enumerate() {
            if r.start() <= v.number() && v.number() <= r.end() {
                let d = cx
                    .diag(
                        "enum-value-number-reserved",
                        cx.at(&path(p, &[4, j as i32]), &[]),
                        "reserved here",
                        format!(
                            "Enum value \"{}\" uses reserved number {}.",
                            v.name(),
                            v.number()
                        ),
                    )
                    .with_secondary(cx.name, cx.at(&vp, &[2]), "used here");
                cx.push(d);
            }
        }
        if e.reserved_name.iter().any(|r| r == v.name()) {
            let mut d = cx.diag(
                "enum-value-name-reserved",
                cx.at(&vp, &[1]),
                "this name is reserved",
                format!("Enum value \"{}\" is reserved.", v.name()),
            );
            if let Some(k) = e.reserved_name.iter().position(|r| r == v.name()) {
                if let Some(s) = cx.span(&path(p, &[5, k as i32])) {
                    d = d.with_secondary(cx.name, s, "reserved here");
                }
            }
            cx.push(d);
        }
    }
}
