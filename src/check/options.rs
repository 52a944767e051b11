//! Options against their definitions: the lifetimes of features and
//! options (introduced, deprecated, removed editions) and option targets.
//!
//! The interpreted options of every element are walked field by field
//! (extensions included), each field looked up in its definition: the
//! compilation's own files first, then the built-in descriptor.proto and
//! feature files.
//!
//! Rule ids: `option-not-introduced`, `option-removed`,
//! `option-deprecated` (a warning), `option-target`.

use crate::descriptor::field_descriptor_proto::Type;
use crate::descriptor::field_options::{FeatureSupport, OptionTargetType};
use crate::descriptor::pool::message_at;
use crate::descriptor::wire::{Reader, WireType};
use crate::descriptor::{encode_to_vec, FieldDescriptorProto, FileDescriptorProto};

#[allow(unused_imports)]
use super::getters::*;
use super::walk::Elem;
use super::{edition_name, join, Cx};

/// One option field found in an options message.
#[derive(Clone, Copy)]
pub(crate) struct Found<'a> {
    pub field: &'a FieldDescriptorProto,
    /// The compilation file that defines the field; `None` for the
    /// built-in files.
    pub file: Option<usize>,
    /// For enum fields: the compilation file of the enum type.
    pub enum_file: Option<usize>,
    /// For extensions: the file that declares it and the path there.
    ext: Option<(&'a FileDescriptorProto, &'a [i32])>,
}

impl Found<'_> {
    /// The field's full name; `message` is the options message it was
    /// found in. Made only when asked for (a report, a lifetime check).
    pub fn full_name(&self, message: &str) -> Option<String> {
        match self.ext {
            Some((fd, path)) => full_name_at(fd, path),
            None => Some(join(message, self.field.name())),
        }
    }
}

/// The full name of the field at `path` in `fd`.
fn full_name_at(fd: &FileDescriptorProto, path: &[i32]) -> Option<String> {
    let (parent, f) = match path {
        [7, i] => (None, fd.extension.get(*i as usize)?),
        [p @ .., 6, i] => (Some(p), message_at(fd, p)?.extension.get(*i as usize)?),
        [p @ .., 2, i] => (Some(p), message_at(fd, p)?.field.get(*i as usize)?),
        _ => return None,
    };
    let mut scope = fd.package().to_string();
    if let Some(p) = parent {
        let mut k = 2;
        while k <= p.len() {
            scope = join(&scope, message_at(fd, &p[..k])?.name());
            k += 2;
        }
    }
    Some(join(&scope, f.name()))
}

/// [`find`], remembered for the file: the same few option fields are
/// set on element after element.
fn lookup<'a>(cx: &Cx<'a>, message: &'a str, number: i32) -> Option<Found<'a>> {
    if let Some(found) = cx.option_fields.borrow().get(&(message, number)) {
        return *found;
    }
    let found = find(cx, message, number);
    cx.option_fields
        .borrow_mut()
        .insert((message, number), found);
    found
}

fn find<'a>(cx: &Cx<'a>, message: &str, number: i32) -> Option<Found<'a>> {
    let own = &cx.linked.schema;
    let builtin = &cx.defs.linked.schema;
    let enum_file = |f: &FieldDescriptorProto| -> Option<usize> {
        if f.r#type != Some(Type::TYPE_ENUM) {
            return None;
        }
        let e = own.symbols.get(f.type_name().trim_start_matches('.'))?;
        Some(e.file)
    };
    if let Some((file, _, m)) = own.message(message) {
        if let Some(f) = m.field.iter().find(|f| f.number() == number) {
            return Some(Found {
                field: f,
                file: Some(file),
                enum_file: enum_file(f),
                ext: None,
            });
        }
    } else if let Some((_, _, m)) = builtin.message(message) {
        if let Some(f) = m.field.iter().find(|f| f.number() == number) {
            return Some(Found {
                field: f,
                file: None,
                enum_file: enum_file(f),
                ext: None,
            });
        }
    }
    if let Some((file, path, f)) = own.extension(message, number) {
        return Some(Found {
            field: f,
            file: Some(file),
            enum_file: enum_file(f),
            ext: Some((&own.files[file], path)),
        });
    }
    let (file, path, f) = builtin.extension(message, number)?;
    Some(Found {
        field: f,
        file: None,
        enum_file: enum_file(f),
        ext: Some((&builtin.files[file], path)),
    })
}

/// Calls `each` for every field set in `bytes` (an encoded `message`),
/// with the name of the message it is in, recursing into message-typed
/// fields. Each field is reported once per message instance.
pub(crate) fn walk<'a>(
    cx: &Cx<'a>,
    bytes: &[u8],
    message: &'a str,
    depth: u32,
    each: &mut dyn FnMut(&Found<'a>, &str),
) {
    if depth > 32 {
        return;
    }
    let mut r = Reader::new(bytes);
    // Field numbers met so far (options messages set few fields).
    let mut seen: Vec<u32> = Vec::new();
    while !r.is_empty() {
        let Ok((n, wt)) = r.read_tag() else { return };
        let found = lookup(cx, message, n as i32);
        let body = if wt == WireType::LengthDelimited {
            match r.read_len_delimited() {
                Ok(b) => Some(b),
                Err(_) => return,
            }
        } else {
            if r.skip_field(n, wt, 32).is_err() {
                return;
            }
            None
        };
        let Some(found) = found else { continue };
        if let (Some(b), Some(Type::TYPE_MESSAGE)) = (body, found.field.r#type) {
            let t = found.field.type_name().trim_start_matches('.');
            walk(cx, b, t, depth + 1, each);
        }
        if !seen.contains(&n) {
            seen.push(n);
            each(&found, message);
        }
    }
}

/// The options of an element, encoded, with the options message's name
/// and protoc's name for the kind of entity.
pub(crate) fn options_of(
    elem: &Elem<'_>,
) -> Option<(Vec<u8>, &'static str, OptionTargetType, &'static str)> {
    use OptionTargetType as T;
    Some(match *elem {
        Elem::Message(m) => {
            let mut o = m.options.clone()?;
            if o.map_entry == Some(true) {
                o.map_entry = None;
            }
            (
                encode_to_vec(&o),
                "google.protobuf.MessageOptions",
                T::TARGET_TYPE_MESSAGE,
                "message",
            )
        }
        Elem::Field(f, _) => (
            encode_to_vec(f.options.as_ref()?),
            "google.protobuf.FieldOptions",
            T::TARGET_TYPE_FIELD,
            "field",
        ),
        Elem::Oneof(o) => (
            encode_to_vec(o.options.as_ref()?),
            "google.protobuf.OneofOptions",
            T::TARGET_TYPE_ONEOF,
            "oneof",
        ),
        Elem::ExtensionRange(r) => (
            encode_to_vec(r.options.as_ref()?),
            "google.protobuf.ExtensionRangeOptions",
            T::TARGET_TYPE_EXTENSION_RANGE,
            "extension range",
        ),
        Elem::Enum(e) => (
            encode_to_vec(e.options.as_ref()?),
            "google.protobuf.EnumOptions",
            T::TARGET_TYPE_ENUM,
            "enum",
        ),
        Elem::EnumValue(v) => (
            encode_to_vec(v.options.as_ref()?),
            "google.protobuf.EnumValueOptions",
            T::TARGET_TYPE_ENUM_ENTRY,
            "enum entry",
        ),
        Elem::Service(s) => (
            encode_to_vec(s.options.as_ref()?),
            "google.protobuf.ServiceOptions",
            T::TARGET_TYPE_SERVICE,
            "service",
        ),
        Elem::Method(m) => (
            encode_to_vec(m.options.as_ref()?),
            "google.protobuf.MethodOptions",
            T::TARGET_TYPE_METHOD,
            "method",
        ),
    })
}

/// One element's options, encoded.
pub(crate) struct ElementOptions {
    pub path: std::rc::Rc<[i32]>,
    pub bytes: Vec<u8>,
    /// The options message, e.g. `google.protobuf.FieldOptions`.
    pub message: &'static str,
    pub target: OptionTargetType,
    /// protoc's name for the kind of element, e.g. `field`.
    pub entity: &'static str,
    /// The first element with the very same options (message and bytes),
    /// if it comes earlier: many elements carry the same options
    /// (`[(google.api.field_behavior) = REQUIRED]`), and what depends only
    /// on the options need not be worked out again.
    pub same_as: Option<usize>,
}

/// Every options message of the file, encoded once for the checks that
/// read them.
pub(crate) fn all_options(cx: &Cx<'_>) -> std::rc::Rc<[ElementOptions]> {
    cx.all_options
        .get_or_init(|| encode_all_options(cx).into())
        .clone()
}

fn encode_all_options(cx: &Cx<'_>) -> Vec<ElementOptions> {
    let mut out = Vec::new();
    if let Some(o) = &cx.fd.options {
        out.push(ElementOptions {
            path: std::rc::Rc::from([]),
            bytes: encode_to_vec(o),
            message: "google.protobuf.FileOptions",
            target: OptionTargetType::TARGET_TYPE_FILE,
            entity: "file",
            same_as: None,
        });
    }
    for item in &cx.items {
        if let Some((bytes, message, target, entity)) = options_of(&item.elem) {
            out.push(ElementOptions {
                path: item.path.clone(),
                bytes,
                message,
                target,
                entity,
                same_as: None,
            });
        }
    }
    let mut first: rustc_hash::FxHashMap<(&str, &[u8]), usize> = Default::default();
    let same: Vec<Option<usize>> = out
        .iter()
        .enumerate()
        .map(|(i, o)| match first.entry((o.message, &o.bytes)) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
                None
            }
        })
        .collect();
    for (o, s) in out.iter_mut().zip(same) {
        o.same_as = s;
    }
    out
}

/// An option field set on an element, with what its definition says.
struct SetOption {
    /// Index into the option list of the statement that set it (its span
    /// is looked up only for a report).
    at: usize,
    name: String,
    targets: Vec<OptionTargetType>,
    support: Option<FeatureSupport>,
    target: OptionTargetType,
    entity: &'static str,
}

/// Lifetimes of every option and feature set, then option targets.
pub(crate) fn validate(cx: &mut Cx<'_>) {
    let all = all_options(cx);
    let edition = cx.edition;
    let mut found: Vec<SetOption> = Vec::new();
    // Whether each element's options set nothing with a target or a
    // lifetime: the same options on a later element are not walked again.
    let mut clean = vec![false; all.len()];
    for (at, o) in all.iter().enumerate() {
        if o.same_as.is_some_and(|first| clean[first]) {
            continue;
        }
        let before = found.len();
        walk(cx, &o.bytes, o.message, 0, &mut |f, message| {
            let opts = f.field.options.as_ref();
            // Only options with targets or a lifetime have anything to check.
            if opts.is_none_or(|o| o.targets.is_empty() && o.feature_support.is_none()) {
                return;
            }
            let Some(name) = f.full_name(message) else {
                return;
            };
            found.push(SetOption {
                at,
                name,
                targets: opts.map(|o| o.targets.clone()).unwrap_or_default(),
                support: opts.and_then(|o| o.feature_support.as_deref().cloned()),
                target: o.target,
                entity: o.entity,
            });
        });
        clean[at] = found.len() == before;
    }
    for SetOption {
        at, name, support, ..
    } in &found
    {
        let Some(s) = support else { continue };
        if let Some(intro) = s.edition_introduced {
            if edition.0 < intro.0 {
                cx.push(cx.diag(
                    "option-not-introduced",
                    cx.name_at(&all[*at].path),
                    "",
                    format!(
                        "{name} wasn't introduced until edition {} and can't be used in edition {}",
                        edition_name(intro),
                        edition_name(edition)
                    ),
                ));
            }
        }
        match (s.edition_removed, s.edition_deprecated) {
            (Some(rm), _) if edition.0 >= rm.0 => {
                let why = s
                    .removal_error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default();
                cx.push(cx.diag(
                    "option-removed",
                    cx.name_at(&all[*at].path),
                    "",
                    format!(
                        "{name} has been removed in edition {}{why}",
                        edition_name(rm)
                    ),
                ));
            }
            (_, Some(dep)) if edition.0 >= dep.0 => {
                cx.push(
                    crate::diagnostics::Diagnostic::warning(
                        "option-deprecated",
                        format!(
                            "{name} has been deprecated in edition {}: {}",
                            edition_name(dep),
                            s.deprecation_warning.as_deref().unwrap_or("")
                        ),
                    )
                    .at(cx.name, cx.name_at(&all[*at].path), ""),
                );
            }
            _ => {}
        }
    }
    for SetOption {
        at,
        name,
        targets,
        target,
        entity,
        ..
    } in &found
    {
        if !targets.is_empty() && !targets.contains(target) {
            let allowed: Vec<String> = targets
                .iter()
                .map(|t| {
                    crate::descriptor::types::ProtoEnum::name(*t)
                        .unwrap_or("?")
                        .trim_start_matches("TARGET_TYPE_")
                        .to_ascii_lowercase()
                        .replace('_', " ")
                })
                .collect();
            cx.push(
                cx.diag(
                    "option-target",
                    cx.name_at(&all[*at].path),
                    "",
                    format!("Option {name} cannot be set on an entity of type `{entity}`."),
                )
                .with_note(format!("{name} may be set on: {}", allowed.join(", "))),
            );
        }
    }
}
