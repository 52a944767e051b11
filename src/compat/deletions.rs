//! Deleted files, packages and named elements: FILE_NO_DELETE,
//! PACKAGE_NO_DELETE, {MESSAGE,ENUM,SERVICE,EXTENSION}_NO_DELETE and their
//! PACKAGE_* variants.
//!
//! A deleted nested element is reported on the closest enclosing message
//! that still exists in the new file; otherwise on the file itself (no
//! location), or nowhere when the whole file is gone.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::model::{Loc, Side};
use super::{q, At, Ctx, Was};

pub fn check(ctx: &mut Ctx) {
    file_no_delete(ctx);
    package_no_delete(ctx);
    for kind in [Kind::Message, Kind::Enum, Kind::Extension, Kind::Service] {
        if ctx.on(kind.file_rule()) {
            file_scope(ctx, kind);
        }
        if ctx.on(kind.package_rule()) {
            package_scope(ctx, kind);
        }
    }
}

fn file_no_delete(ctx: &mut Ctx) {
    if !ctx.on("FILE_NO_DELETE") {
        return;
    }
    for (i, f) in ctx.old.files.iter().enumerate() {
        if !ctx.new.file_by_name.contains_key(f.name()) {
            let msg = format!("Previously present file {} was deleted.", q(f.name()));
            ctx.add("FILE_NO_DELETE", At::Nowhere, Was::File(i), msg);
        }
    }
}

fn package_no_delete(ctx: &mut Ctx) {
    if !ctx.on("PACKAGE_NO_DELETE") {
        return;
    }
    let packages = |side: &Side| {
        let mut m: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, f) in side.files.iter().enumerate() {
            m.entry(f.fd().package().to_string()).or_default().push(i);
        }
        m
    };
    let new = packages(ctx.new);
    for (pkg, files) in packages(ctx.old) {
        if new.contains_key(&pkg) {
            continue;
        }
        // buf attaches the first old file (by name) so ignores can match.
        let first = files
            .iter()
            .copied()
            .min_by(|&a, &b| ctx.old.files[a].name().cmp(ctx.old.files[b].name()));
        let was = first.map(Was::File).unwrap_or(Was::None);
        let msg = format!("Previously present package {} was deleted.", q(&pkg));
        ctx.add("PACKAGE_NO_DELETE", At::Nowhere, was, msg);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Message,
    Enum,
    Extension,
    Service,
}

impl Kind {
    fn file_rule(self) -> &'static str {
        match self {
            Kind::Message => "MESSAGE_NO_DELETE",
            Kind::Enum => "ENUM_NO_DELETE",
            Kind::Extension => "EXTENSION_NO_DELETE",
            Kind::Service => "SERVICE_NO_DELETE",
        }
    }

    fn package_rule(self) -> &'static str {
        match self {
            Kind::Message => "PACKAGE_MESSAGE_NO_DELETE",
            Kind::Enum => "PACKAGE_ENUM_NO_DELETE",
            Kind::Extension => "PACKAGE_EXTENSION_NO_DELETE",
            Kind::Service => "PACKAGE_SERVICE_NO_DELETE",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Kind::Message => "message",
            Kind::Enum => "enum",
            Kind::Extension => "extension",
            Kind::Service => "service",
        }
    }
}

/// (nested name, element index) of the elements of one kind in a file.
fn elements(side: &Side, file: usize, kind: Kind) -> Vec<(String, usize)> {
    let fv = &side.files[file];
    match kind {
        Kind::Message => fv
            .msgs
            .iter()
            .map(|&i| (side.msgs[i].nested.clone(), i))
            .collect(),
        Kind::Enum => fv
            .enums
            .iter()
            .map(|&i| (side.enums[i].nested.clone(), i))
            .collect(),
        Kind::Extension => fv
            .exts
            .iter()
            .map(|&i| (side.fields[i].nested.clone(), i))
            .collect(),
        Kind::Service => fv
            .svcs
            .iter()
            .map(|&i| (side.svcs[i].d.name().to_string(), i))
            .collect(),
    }
}

/// The location of an element (computed only for reported ones: it
/// decodes the file's source info).
fn element_loc(side: &Side, kind: Kind, i: usize) -> Option<Loc> {
    match kind {
        Kind::Message => side.msg_loc(&side.msgs[i]),
        Kind::Enum => side.at(side.enums[i].file, &side.enums[i].path),
        Kind::Extension => side.field_loc(&side.fields[i]),
        Kind::Service => side.at(side.svcs[i].file, &side.svcs[i].path),
    }
}

/// Where a deleted element is reported in the new file: its closest
/// enclosing message that still exists there, else the file.
fn deleted_at(side: &Side, file: usize, nested: &str, kind: Kind) -> At {
    if kind != Kind::Service && nested.contains('.') {
        let names: HashMap<&str, usize> = side.files[file]
            .msgs
            .iter()
            .map(|&i| (side.msgs[i].nested.as_str(), i))
            .collect();
        let parts: Vec<&str> = nested.split('.').collect();
        for i in (1..parts.len()).rev() {
            if let Some(&m) = names.get(parts[..i].join(".").as_str()) {
                let m = &side.msgs[m];
                return match side.msg_loc(m) {
                    Some(l) => At::Loc(l),
                    None => At::File(file),
                };
            }
        }
    }
    At::File(file)
}

fn file_scope(ctx: &mut Ctx, kind: Kind) {
    for (oi, of) in ctx.old.files.iter().enumerate() {
        let Some(&ni) = ctx.new.file_by_name.get(of.name()) else {
            continue;
        };
        let present: HashSet<String> = elements(ctx.new, ni, kind)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        for (name, idx) in elements(ctx.old, oi, kind) {
            if present.contains(&name) {
                continue;
            }
            let at = deleted_at(ctx.new, ni, &name, kind);
            let was = match element_loc(ctx.old, kind, idx) {
                Some(l) => Was::Loc(l),
                None => Was::File(oi),
            };
            let msg = format!(
                "Previously present {} {} was deleted from file.",
                kind.word(),
                q(&name)
            );
            ctx.add(kind.file_rule(), at, was, msg);
        }
    }
}

fn package_scope(ctx: &mut Ctx, kind: Kind) {
    // package -> nested name -> (file, element index)
    type ByPackage = HashMap<String, HashMap<String, (usize, usize)>>;
    let collect = |side: &Side| -> ByPackage {
        let mut m: ByPackage = HashMap::new();
        // A package only counts once it has a message, enum or extension
        // (a package whose last enum went is not compared for enums at
        // all); for services every file's package counts.
        for (i, f) in side.files.iter().enumerate() {
            if kind == Kind::Service {
                m.entry(f.fd().package().to_string()).or_default();
            }
            for (name, idx) in elements(side, i, kind) {
                m.entry(f.fd().package().to_string())
                    .or_default()
                    .entry(name)
                    .or_insert((i, idx));
            }
        }
        m
    };
    let new = collect(ctx.new);
    let old = collect(ctx.old);
    for (pkg, old_names) in &old {
        let Some(new_names) = new.get(pkg) else {
            continue;
        };
        for (name, &(oi, idx)) in old_names {
            if new_names.contains_key(name) {
                continue;
            }
            let msg = format!(
                "Previously present {} {} was deleted from package {}.",
                kind.word(),
                q(name),
                q(pkg)
            );
            let at = match ctx.new.file_by_name.get(ctx.old.files[oi].name()) {
                Some(&ni) if kind == Kind::Service => At::File(ni),
                // A deleted nested message is placed on its closest parent
                // among the package's messages (in whichever file).
                Some(&ni) if kind == Kind::Message => {
                    let parts: Vec<&str> = name.split('.').collect();
                    let parent = (1..parts.len())
                        .rev()
                        .find_map(|i| new_names.get(parts[..i].join(".").as_str()));
                    match parent.and_then(|&(_, m)| ctx.new.msg_loc(&ctx.new.msgs[m])) {
                        Some(l) => At::Loc(l),
                        None => At::File(ni),
                    }
                }
                Some(&ni) => deleted_at(ctx.new, ni, name, kind),
                None => At::Nowhere,
            };
            let was = match element_loc(ctx.old, kind, idx) {
                Some(l) => Was::Loc(l),
                None => Was::File(oi),
            };
            ctx.add(kind.package_rule(), at, was, msg);
        }
    }
}
