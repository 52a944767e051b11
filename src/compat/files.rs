//! File-level sameness: FILE_SAME_PACKAGE, FILE_SAME_SYNTAX and the
//! FILE_SAME_<option> rules.

use crate::descriptor::{FileDescriptorProto, FileOptions};

use super::{q, At, Ctx, Was};

/// A file option rule: id, option name, FileOptions field number, and the
/// value as buf prints it (unset options print their default).
type OptionRule = (&'static str, &'static str, i32, fn(&FileOptions) -> String);

fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn b(v: Option<bool>, default: bool) -> String {
    v.unwrap_or(default).to_string()
}

const OPTION_RULES: &[OptionRule] = &[
    ("FILE_SAME_CC_ENABLE_ARENAS", "cc_enable_arenas", 31, |o| {
        b(o.cc_enable_arenas, true)
    }),
    (
        "FILE_SAME_CC_GENERIC_SERVICES",
        "cc_generic_services",
        16,
        |o| b(o.cc_generic_services, false),
    ),
    ("FILE_SAME_CSHARP_NAMESPACE", "csharp_namespace", 37, |o| {
        s(&o.csharp_namespace)
    }),
    ("FILE_SAME_GO_PACKAGE", "go_package", 11, |o| {
        s(&o.go_package)
    }),
    (
        "FILE_SAME_JAVA_GENERIC_SERVICES",
        "java_generic_services",
        17,
        |o| b(o.java_generic_services, false),
    ),
    (
        "FILE_SAME_JAVA_MULTIPLE_FILES",
        "java_multiple_files",
        10,
        |o| b(o.java_multiple_files, false),
    ),
    (
        "FILE_SAME_JAVA_OUTER_CLASSNAME",
        "java_outer_classname",
        8,
        |o| s(&o.java_outer_classname),
    ),
    ("FILE_SAME_JAVA_PACKAGE", "java_package", 1, |o| {
        s(&o.java_package)
    }),
    (
        "FILE_SAME_OBJC_CLASS_PREFIX",
        "objc_class_prefix",
        36,
        |o| s(&o.objc_class_prefix),
    ),
    ("FILE_SAME_OPTIMIZE_FOR", "optimize_for", 9, |o| {
        o.optimize_for
            .map(|m| format!("{m:?}"))
            .unwrap_or_else(|| "SPEED".into())
    }),
    ("FILE_SAME_PHP_CLASS_PREFIX", "php_class_prefix", 40, |o| {
        s(&o.php_class_prefix)
    }),
    (
        "FILE_SAME_PHP_METADATA_NAMESPACE",
        "php_metadata_namespace",
        44,
        |o| s(&o.php_metadata_namespace),
    ),
    ("FILE_SAME_PHP_NAMESPACE", "php_namespace", 41, |o| {
        s(&o.php_namespace)
    }),
    (
        "FILE_SAME_PY_GENERIC_SERVICES",
        "py_generic_services",
        18,
        |o| b(o.py_generic_services, false),
    ),
    ("FILE_SAME_RUBY_PACKAGE", "ruby_package", 45, |o| {
        s(&o.ruby_package)
    }),
    ("FILE_SAME_SWIFT_PREFIX", "swift_prefix", 39, |o| {
        s(&o.swift_prefix)
    }),
];

pub fn check(ctx: &mut Ctx) {
    let default_opts = FileOptions::default();
    for (oi, of) in ctx.old.files.iter().enumerate() {
        let Some(&ni) = ctx.new.file_by_name.get(of.name()) else {
            continue;
        };
        let nf = &ctx.new.files[ni];
        let (old_fd, new_fd): (&FileDescriptorProto, &FileDescriptorProto) = (of.fd(), nf.fd());
        if ctx.on("FILE_SAME_PACKAGE") {
            same(
                ctx,
                "FILE_SAME_PACKAGE",
                "package",
                (oi, ni),
                &[2],
                old_fd.package(),
                new_fd.package(),
            );
        }
        if ctx.on("FILE_SAME_SYNTAX") {
            let (a, b) = (of.syntax.name(), nf.syntax.name());
            same(ctx, "FILE_SAME_SYNTAX", "syntax", (oi, ni), &[12], a, b);
        }
        let oo = old_fd.options.as_deref().unwrap_or(&default_opts);
        let no = new_fd.options.as_deref().unwrap_or(&default_opts);
        for (rule, name, number, get) in OPTION_RULES {
            if !ctx.on(rule) {
                continue;
            }
            let what = format!("option \"{name}\"");
            same(
                ctx,
                rule,
                &what,
                (oi, ni),
                &[8, *number],
                &get(oo),
                &get(no),
            );
        }
    }
}

fn same(
    ctx: &mut Ctx,
    rule: &'static str,
    what: &str,
    (oi, ni): (usize, usize),
    path: &[i32],
    old: &str,
    new: &str,
) {
    if old == new {
        return;
    }
    let at = match ctx.new.at(ni, path) {
        Some(l) => At::Loc(l),
        None => At::File(ni),
    };
    let was = match ctx.old.at(oi, path) {
        Some(l) => Was::Loc(l),
        None => Was::File(oi),
    };
    let msg = format!("File {what} changed from {} to {}.", q(old), q(new));
    ctx.add(rule, at, was, msg);
}
