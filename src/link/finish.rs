//! Writing interpreted options into descriptors, and producing protoc's
//! default-mode output from the linked (retain-mode) descriptors.

use super::dynamic::{canonicalize, is_canonical};
use super::lower::OptionsKind;
use super::options::options_message;
use super::schema::Combined;
use crate::descriptor::{
    decode, encode_to_vec, Decode, DescriptorProto, Encode, EnumDescriptorProto, FeatureSet,
    FileDescriptorProto,
};

/// Options messages, which all carry a `features` field.
pub trait HasFeatures {
    fn features_mut(&mut self) -> Option<&mut FeatureSet>;
    /// Whether default-mode output writes these options exactly as our
    /// encoder does: no custom options or feature extensions (unknown
    /// bytes, which protoc re-serializes canonically) and no field that
    /// source retention could remove.
    fn kept_as_is(&self) -> bool {
        self.unknown_bytes().is_empty() && self.known_kept_as_is()
    }
    /// [`HasFeatures::kept_as_is`] but for the unknown bytes (custom options
    /// and feature extensions).
    fn known_kept_as_is(&self) -> bool;
    fn unknown_bytes(&self) -> &[u8];
}

/// The built-in `FeatureSet` fields with source retention are
/// `enforce_naming_style` and `default_symbol_visibility`.
fn features_kept_as_is(f: Option<&FeatureSet>) -> bool {
    f.is_none_or(|f| {
        f.unknown.is_empty()
            && f.enforce_naming_style.is_none()
            && f.default_symbol_visibility.is_none()
    })
}

/// An options message's `features` field, inline or boxed
/// (`FieldOptions` boxes it).
trait FeatureSlot {
    fn slot(&self) -> Option<&FeatureSet>;
    fn slot_mut(&mut self) -> Option<&mut FeatureSet>;
}

impl FeatureSlot for Option<FeatureSet> {
    fn slot(&self) -> Option<&FeatureSet> {
        self.as_ref()
    }
    fn slot_mut(&mut self) -> Option<&mut FeatureSet> {
        self.as_mut()
    }
}

impl FeatureSlot for Option<Box<FeatureSet>> {
    fn slot(&self) -> Option<&FeatureSet> {
        self.as_deref()
    }
    fn slot_mut(&mut self) -> Option<&mut FeatureSet> {
        self.as_deref_mut()
    }
}

macro_rules! has_features {
    ($($t:ty $(=> |$o:ident| $extra:expr)?),*) => {$(
        impl HasFeatures for $t {
            fn features_mut(&mut self) -> Option<&mut FeatureSet> {
                self.features.slot_mut()
            }
            fn known_kept_as_is(&self) -> bool {
                features_kept_as_is(self.features.slot())
                    $(&& { let $o = self; $extra })?
            }
            fn unknown_bytes(&self) -> &[u8] {
                &self.unknown
            }
        }
    )*};
}

impl<T: HasFeatures> HasFeatures for Box<T> {
    fn features_mut(&mut self) -> Option<&mut FeatureSet> {
        (**self).features_mut()
    }
    fn known_kept_as_is(&self) -> bool {
        (**self).known_kept_as_is()
    }
    fn unknown_bytes(&self) -> &[u8] {
        (**self).unknown_bytes()
    }
}

has_features!(
    crate::descriptor::FileOptions,
    crate::descriptor::MessageOptions,
    crate::descriptor::FieldOptions => |o| o.edition_defaults.is_empty() && o.feature_support.is_none(),
    crate::descriptor::OneofOptions,
    crate::descriptor::EnumOptions,
    crate::descriptor::EnumValueOptions,
    crate::descriptor::ServiceOptions,
    crate::descriptor::MethodOptions,
    // `declaration` and `verification` have source retention.
    crate::descriptor::ExtensionRangeOptions => |o| o.declaration.is_empty() && o.verification.is_none()
);

/// The FeatureSet extensions compiled into protoc itself (`pb.cpp` and
/// `pb.java`): protoc parses them as known fields when it re-reads
/// interpreted options, so repeated statements merge into one canonical
/// record, written before the extensions it does not know (`pb.go`).
const KNOWN_FEATURE_EXTENSIONS: [(u32, &str); 2] =
    [(1000, "pb.CppFeatures"), (1001, "pb.JavaFeatures")];

fn merge_known_feature_extensions(fs: &mut FeatureSet, schema: &Combined<'_>) {
    use crate::descriptor::wire::{put_tag, put_varint, Reader, WireType};
    let mut known: [Option<Vec<u8>>; 2] = [None, None];
    let mut rest = Vec::new();
    let mut r = Reader::new(&fs.unknown);
    while !r.is_empty() {
        let start = r.pos();
        let Ok((n, wt)) = r.read_tag() else { return };
        let slot = KNOWN_FEATURE_EXTENSIONS.iter().position(|k| k.0 == n);
        match (slot, wt) {
            (Some(i), WireType::LengthDelimited) => {
                let Ok(body) = r.read_len_delimited() else {
                    return;
                };
                known[i]
                    .get_or_insert_with(Vec::new)
                    .extend_from_slice(body);
            }
            _ => {
                if r.skip_field(n, wt, 100).is_err() {
                    return;
                }
                rest.extend_from_slice(&fs.unknown[start..r.pos()]);
            }
        }
    }
    if known.iter().all(Option::is_none) {
        return;
    }
    let mut out = Vec::new();
    for (i, body) in known.iter().enumerate() {
        let Some(body) = body else { continue };
        let (number, name) = KNOWN_FEATURE_EXTENSIONS[i];
        let (canon, _) = canonicalize(body, name, schema, false);
        put_tag(&mut out, number, WireType::LengthDelimited);
        put_varint(&mut out, canon.len() as u64);
        out.extend_from_slice(&canon);
    }
    out.extend_from_slice(&rest);
    fs.unknown = out;
}

/// Replaces the options in `slot` by what `f` makes of them: `f` gets a
/// function that encodes the current options (empty when there are none)
/// and returns the new bytes, or `None` to remove the options message.
/// With `create`, a missing options message is created first.
fn rewrite<T: Encode + Decode + Default + HasFeatures>(
    slot: &mut Option<T>,
    create: bool,
    f: &mut OptionsEdit<'_>,
) {
    if slot.is_none() && !create {
        return;
    }
    let current = || slot.as_ref().map(encode_to_vec).unwrap_or_default();
    let Some(new) = f(&current) else {
        *slot = None;
        return;
    };
    // The bytes came from our own encoder plus well-formed records; should
    // they still not parse, the options are left as they were.
    if let Ok(mut v) = decode::<T>(&new) {
        if let Some(fs) = v.features_mut() {
            // The language feature messages are protoforge's built-in ones,
            // as they are protoc's compiled-in ones.
            let builtin = super::schema::builtin();
            merge_known_feature_extensions(fs, &Combined::new(builtin, builtin));
        }
        *slot = Some(v);
    }
}

/// An edit of one options message (see [`rewrite`]).
type OptionsEdit<'e> = dyn FnMut(&dyn Fn() -> Vec<u8>) -> Option<Vec<u8>> + 'e;

fn message_mut<'a, 'p>(
    fd: &'a mut FileDescriptorProto,
    path: &'p [i32],
) -> Option<(&'a mut DescriptorProto, &'p [i32])> {
    let ([4, i], rest) = path.split_at_checked(2)? else {
        return None;
    };
    let mut m = fd.message_type.get_mut(*i as usize)?;
    let mut rest = rest;
    while let [3, j, tail @ ..] = rest {
        m = m.nested_type.get_mut(*j as usize)?;
        rest = tail;
    }
    Some((m, rest))
}

fn enum_mut<'a, 'p>(
    fd: &'a mut FileDescriptorProto,
    path: &'p [i32],
) -> Option<(&'a mut EnumDescriptorProto, &'p [i32])> {
    if let [5, i, rest @ ..] = path {
        return Some((fd.enum_type.get_mut(*i as usize)?, rest));
    }
    let (m, rest) = message_mut(fd, path)?;
    match rest {
        [4, k, tail @ ..] => Some((m.enum_type.get_mut(*k as usize)?, tail)),
        _ => None,
    }
}

/// Calls `f` on the encoded options of the element at `path`.
fn with_options(
    fd: &mut FileDescriptorProto,
    path: &[i32],
    kind: OptionsKind,
    create: bool,
    f: &mut OptionsEdit<'_>,
) {
    match kind {
        OptionsKind::File => rewrite(&mut fd.options, create, f),
        OptionsKind::Message => {
            if let Some((m, [])) = message_mut(fd, path) {
                rewrite(&mut m.options, create, f);
            }
        }
        OptionsKind::Field => match path {
            [7, i] => {
                if let Some(x) = fd.extension.get_mut(*i as usize) {
                    rewrite(&mut x.options, create, f);
                }
            }
            _ => match message_mut(fd, path) {
                Some((m, [2, k])) => {
                    if let Some(x) = m.field.get_mut(*k as usize) {
                        rewrite(&mut x.options, create, f);
                    }
                }
                Some((m, [6, k])) => {
                    if let Some(x) = m.extension.get_mut(*k as usize) {
                        rewrite(&mut x.options, create, f);
                    }
                }
                _ => {}
            },
        },
        OptionsKind::Oneof => {
            if let Some((m, [8, k])) = message_mut(fd, path) {
                if let Some(o) = m.oneof_decl.get_mut(*k as usize) {
                    rewrite(&mut o.options, create, f);
                }
            }
        }
        OptionsKind::ExtensionRange => {
            if let Some((m, [5, k])) = message_mut(fd, path) {
                if let Some(r) = m.extension_range.get_mut(*k as usize) {
                    rewrite(&mut r.options, create, f);
                }
            }
        }
        OptionsKind::Enum => {
            if let Some((e, [])) = enum_mut(fd, path) {
                rewrite(&mut e.options, create, f);
            }
        }
        OptionsKind::EnumValue => {
            if let Some((e, [2, k])) = enum_mut(fd, path) {
                if let Some(v) = e.value.get_mut(*k as usize) {
                    rewrite(&mut v.options, create, f);
                }
            }
        }
        OptionsKind::Service => {
            if let [6, i] = path {
                if let Some(s) = fd.service.get_mut(*i as usize) {
                    rewrite(&mut s.options, create, f);
                }
            }
        }
        OptionsKind::Method => {
            if let [6, i, 2, j] = path {
                if let Some(m) = fd
                    .service
                    .get_mut(*i as usize)
                    .and_then(|s| s.method.get_mut(*j as usize))
                {
                    rewrite(&mut m.options, create, f);
                }
            }
        }
    }
}

/// Appends interpreted option records to an element's options, then
/// re-reads them: standard options land in their fields, custom ones stay
/// as unknown fields in statement order (protoc's `--retain_options` form).
pub fn apply_records(
    fd: &mut FileDescriptorProto,
    path: &[i32],
    kind: OptionsKind,
    records: &[u8],
) {
    if records.is_empty() {
        return;
    }
    with_options(fd, path, kind, true, &mut |current| {
        let mut bytes = current();
        bytes.extend_from_slice(records);
        Some(bytes)
    });
}

/// Every element of a file that has an options message: (path, kind, the
/// options encoded).
fn option_sites(
    fd: &FileDescriptorProto,
    schema: &Combined<'_>,
) -> Vec<(Vec<i32>, OptionsKind, Vec<u8>)> {
    struct Sites<'a, 's, 'f> {
        list: Vec<(Vec<i32>, OptionsKind, Vec<u8>)>,
        schema: &'a Combined<'s>,
        /// Custom options found canonical: many elements carry the same.
        canonical: rustc_hash::FxHashSet<(OptionsKind, &'f [u8])>,
    }
    // Options that default mode keeps as they are need no site: known
    // fields as our encoder writes them, custom options (extensions,
    // numbered 1000 and up) already in canonical form.
    fn site<'f, T: Encode + HasFeatures>(
        out: &mut Sites<'_, '_, 'f>,
        o: &'f Option<T>,
        path: Vec<i32>,
        kind: OptionsKind,
    ) {
        if let Some(o) = o {
            let unknown = o.unknown_bytes();
            let kept = o.kept_as_is()
                || (o.known_kept_as_is()
                    && (out.canonical.contains(&(kind, unknown))
                        || (is_canonical(unknown, options_message(kind), out.schema, 1000, 0)
                            && out.canonical.insert((kind, unknown)))));
            if !kept {
                out.list.push((path, kind, encode_to_vec(o)));
            }
        }
    }
    fn en<'f>(out: &mut Sites<'_, '_, 'f>, e: &'f EnumDescriptorProto, path: Vec<i32>) {
        site(out, &e.options, path.clone(), OptionsKind::Enum);
        for (i, v) in e.value.iter().enumerate() {
            let p = || [&path[..], &[2, i as i32]].concat();
            if v.options.is_some() {
                site(out, &v.options, p(), OptionsKind::EnumValue);
            }
        }
    }
    fn msg<'f>(out: &mut Sites<'_, '_, 'f>, m: &'f DescriptorProto, path: Vec<i32>) {
        let sub = |k: i32, i: usize| [&path[..], &[k, i as i32]].concat();
        site(out, &m.options, path.clone(), OptionsKind::Message);
        for (i, f) in m.field.iter().enumerate() {
            if f.options.is_some() {
                site(out, &f.options, sub(2, i), OptionsKind::Field);
            }
        }
        for (i, f) in m.extension.iter().enumerate() {
            if f.options.is_some() {
                site(out, &f.options, sub(6, i), OptionsKind::Field);
            }
        }
        for (i, o) in m.oneof_decl.iter().enumerate() {
            if o.options.is_some() {
                site(out, &o.options, sub(8, i), OptionsKind::Oneof);
            }
        }
        for (i, r) in m.extension_range.iter().enumerate() {
            if r.options.is_some() {
                site(out, &r.options, sub(5, i), OptionsKind::ExtensionRange);
            }
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            msg(out, n, sub(3, i));
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            en(out, e, sub(4, i));
        }
    }
    let mut out = Sites {
        list: Vec::new(),
        schema,
        canonical: Default::default(),
    };
    site(&mut out, &fd.options, Vec::new(), OptionsKind::File);
    for (i, m) in fd.message_type.iter().enumerate() {
        msg(&mut out, m, vec![4, i as i32]);
    }
    for (i, e) in fd.enum_type.iter().enumerate() {
        en(&mut out, e, vec![5, i as i32]);
    }
    for (i, f) in fd.extension.iter().enumerate() {
        if f.options.is_some() {
            site(&mut out, &f.options, vec![7, i as i32], OptionsKind::Field);
        }
    }
    for (i, s) in fd.service.iter().enumerate() {
        site(
            &mut out,
            &s.options,
            vec![6, i as i32],
            OptionsKind::Service,
        );
        for (j, m) in s.method.iter().enumerate() {
            if m.options.is_some() {
                site(
                    &mut out,
                    &m.options,
                    vec![6, i as i32, 2, j as i32],
                    OptionsKind::Method,
                );
            }
        }
    }
    out.list
}

/// protoc's default-mode form of a linked file: every options message
/// re-serialized in field-number order with repeated statements merged, and
/// source-retention options removed together with their source locations.
pub fn strip_for_output(fd: &FileDescriptorProto, schema: &Combined<'_>) -> FileDescriptorProto {
    let (mut out, removed) = strip_options(fd, schema);
    drop_locations(out.source_code_info.as_mut(), &removed);
    out
}

/// The options half of [`strip_for_output`]: a copy of `fd` with its
/// options in default-mode form, and the paths whose source locations must
/// go (see [`drop_locations`]).
pub fn strip_options(
    fd: &FileDescriptorProto,
    schema: &Combined<'_>,
) -> (FileDescriptorProto, Vec<Vec<i32>>) {
    let plan = plan_strip(fd, schema);
    let mut out = fd.clone();
    let removed = apply_strip(&mut out, plan);
    (out, removed)
}

/// What [`strip_options`] does to one file, worked out without changing
/// it, so that files can be stripped in place once nothing else reads
/// them: the new bytes of each options message (`None`: removed), and the
/// paths whose source locations go.
pub struct StripPlan {
    sites: Vec<(Vec<i32>, OptionsKind, Option<Vec<u8>>)>,
    removed: Vec<Vec<i32>>,
}

/// Works out the default-mode form of `fd`'s options.
pub fn plan_strip(fd: &FileDescriptorProto, schema: &Combined<'_>) -> StripPlan {
    let mut sites = Vec::new();
    let mut removed_paths: Vec<Vec<i32>> = Vec::new();
    for (path, kind, bytes) in option_sites(fd, schema) {
        let name = options_message(kind);
        let (b, mut removed) = canonicalize(&bytes, name, schema, true);
        // Options emptied by stripping disappear, and their `[…]`
        // location with them (an options message that was empty from the
        // start, as for `rpc X(A) returns (B) {}`, stays).
        let new = if b.is_empty() && !removed.is_empty() {
            removed.push(Vec::new());
            None
        } else {
            Some(b)
        };
        for r in removed {
            let mut p = path.clone();
            p.push(kind.options_field_number());
            p.extend(r);
            removed_paths.push(p);
        }
        sites.push((path, kind, new));
    }
    StripPlan {
        sites,
        removed: removed_paths,
    }
}

/// Applies a [`plan_strip`] plan to the file it was made from; returns the
/// paths whose source locations must go.
pub fn apply_strip(fd: &mut FileDescriptorProto, plan: StripPlan) -> Vec<Vec<i32>> {
    for (path, kind, new) in plan.sites {
        let mut new = Some(new);
        with_options(fd, &path, kind, false, &mut |_| new.take().flatten());
    }
    plan.removed
}

/// Removes the locations at or under any of `removed` (options that
/// default-mode output drops).
pub fn drop_locations(info: Option<&mut crate::descriptor::SourceCodeInfo>, removed: &[Vec<i32>]) {
    if removed.is_empty() {
        return;
    }
    if let Some(info) = info {
        info.retain_paths(|path| !removed.iter().any(|p| path.starts_with(p)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::extension_range_options::Declaration;
    use crate::descriptor::feature_set::EnforceNamingStyle;
    use crate::descriptor::{ExtensionRangeOptions, FieldOptions, FileOptions};

    #[test]
    fn options_kept_as_is_have_nothing_to_canonicalize_or_strip() {
        let plain = FieldOptions {
            deprecated: Some(true),
            ..Default::default()
        };
        assert!(plain.kept_as_is());
        assert!(Box::new(plain.clone()).kept_as_is());
        // A custom option (unknown bytes) is re-serialized canonically.
        let custom = FieldOptions {
            unknown: vec![0xb8, 0x3e, 1],
            ..plain.clone()
        };
        assert!(!custom.kept_as_is());
        // Source-retention features, and feature extensions.
        let naming = FileOptions {
            features: Some(FeatureSet {
                enforce_naming_style: Some(EnforceNamingStyle::STYLE2024),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(!naming.kept_as_is());
        let ext = FileOptions {
            features: Some(FeatureSet {
                unknown: vec![0xea, 0x07, 0],
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(!ext.kept_as_is());
        // Declarations have source retention.
        let ranges = ExtensionRangeOptions {
            declaration: vec![Declaration::default()],
            ..Default::default()
        };
        assert!(!ranges.kept_as_is());
        assert!(ExtensionRangeOptions::default().kept_as_is());
    }
}
