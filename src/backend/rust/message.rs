//! Rust items for one .proto file: message structs, oneof enums, enums,
//! and the nested modules holding what a message declares.

use super::Emit;
use crate::syntax::lexer::unescape_c;
use rustc_hash::FxHashMap as HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::features::{file_edition, Features};
use super::options::{BytesKind, MapKind};
use super::{comments, ident, Context, Scope};
use crate::descriptor::feature_set::{FieldPresence, MessageEncoding, RepeatedFieldEncoding};
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::source_code_info::Location;
use crate::descriptor::{
    DescriptorProto, Edition, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    OneofDescriptorProto,
};
use crate::diagnostics::Diagnostic;

/// Generates the items of one file.
pub struct FileGen<'c, 'a> {
    ctx: &'c Context<'a>,
    file: &'a FileDescriptorProto,
    edition: Edition,
    locations: HashMap<&'a [i32], &'a Location>,
    pub diagnostics: Vec<Diagnostic>,
    /// Extensions seen (and skipped).
    pub extensions: usize,
}

/// A oneof with the fields that belong to it.
struct Oneof<'a> {
    index: usize,
    decl: &'a OneofDescriptorProto,
    fields: Vec<(usize, &'a FieldDescriptorProto)>,
    type_name: String,
}

/// What a field looks like to prost.
struct FieldShape {
    /// `int32`, `message`, `enumeration = "Path"`, …
    tag: String,
    /// The Rust type of one value (before `Vec`/`Option`/`Box`).
    ty: String,
    bytes: Option<BytesKind>,
}

fn is_packable(t: Type) -> bool {
    !matches!(
        t,
        Type::TYPE_STRING | Type::TYPE_BYTES | Type::TYPE_MESSAGE | Type::TYPE_GROUP
    )
}

fn scalar_tag(t: Type) -> Option<&'static str> {
    Some(match t {
        Type::TYPE_DOUBLE => "double",
        Type::TYPE_FLOAT => "float",
        Type::TYPE_INT64 => "int64",
        Type::TYPE_UINT64 => "uint64",
        Type::TYPE_INT32 => "int32",
        Type::TYPE_FIXED64 => "fixed64",
        Type::TYPE_FIXED32 => "fixed32",
        Type::TYPE_BOOL => "bool",
        Type::TYPE_STRING => "string",
        Type::TYPE_BYTES => "bytes",
        Type::TYPE_UINT32 => "uint32",
        Type::TYPE_SFIXED32 => "sfixed32",
        Type::TYPE_SFIXED64 => "sfixed64",
        Type::TYPE_SINT32 => "sint32",
        Type::TYPE_SINT64 => "sint64",
        _ => return None,
    })
}

fn scalar_rust(t: Type) -> Option<&'static str> {
    Some(match t {
        Type::TYPE_DOUBLE => "f64",
        Type::TYPE_FLOAT => "f32",
        Type::TYPE_INT64 | Type::TYPE_SINT64 | Type::TYPE_SFIXED64 => "i64",
        Type::TYPE_UINT64 | Type::TYPE_FIXED64 => "u64",
        Type::TYPE_INT32 | Type::TYPE_SINT32 | Type::TYPE_SFIXED32 | Type::TYPE_ENUM => "i32",
        Type::TYPE_UINT32 | Type::TYPE_FIXED32 => "u32",
        Type::TYPE_BOOL => "bool",
        Type::TYPE_STRING => "::prost::alloc::string::String",
        _ => return None,
    })
}

impl super::Emit for FileGen<'_, '_> {
    fn error(&mut self, msg: String) {
        let name = self.file.name().to_string();
        self.diagnostics
            .push(Diagnostic::error("rust-codegen", format!("{name}: {msg}")));
    }
}

impl<'c, 'a> FileGen<'c, 'a> {
    pub fn new(ctx: &'c Context<'a>, file: &'a FileDescriptorProto) -> Self {
        let mut locations = HashMap::default();
        if let Some(sci) = &file.source_code_info {
            for loc in &sci.location {
                locations.entry(loc.path.as_slice()).or_insert(loc);
            }
        }
        FileGen {
            ctx,
            file,
            edition: file_edition(file),
            locations,
            diagnostics: Vec::new(),
            extensions: 0,
        }
    }

    /// A Rust path or type (`super::foo::Bar`, `::prost_types::Any`, `()`).
    fn path(&mut self, text: &str) -> TokenStream {
        self.tokens(text, "type path")
    }

    fn docs(&self, path: &[i32], fq: &str, field: Option<&str>) -> TokenStream {
        let disabled = match field {
            Some(f) => self.ctx.opts.disable_comments.matches(&format!("{fq}.{f}")),
            None => self.ctx.opts.disable_comments.matches(fq),
        };
        if disabled {
            return TokenStream::new();
        }
        let Some(loc) = self.locations.get(path) else {
            return TokenStream::new();
        };
        let lines = comments::doc_lines(loc.leading_comments(), loc.trailing_comments());
        self.ctx.doc_attr(lines)
    }

    fn user_attrs(&mut self, map: &super::options::PathMap<String>, fq: &str) -> TokenStream {
        let texts: Vec<String> = map.all(fq).cloned().collect();
        let mut t = TokenStream::new();
        for a in texts {
            t.extend(self.tokens(&a, "attribute"));
        }
        t
    }

    /// Every item of the file.
    pub fn file(&mut self) -> TokenStream {
        let file = self.file;
        let features = Features::of_file(file);
        let scope = Scope {
            package: file.package().to_string(),
            type_path: Vec::new(),
        };
        self.extensions += file.extension.len();
        let mut t = TokenStream::new();
        for (i, m) in file.message_type.iter().enumerate() {
            t.extend(self.message(m, &scope, features, vec![4, i as i32]));
        }
        for (i, e) in file.enum_type.iter().enumerate() {
            t.extend(self.enumeration(e, &scope, features, vec![5, i as i32]));
        }
        t
    }

    fn is_map_field(&self, f: &FieldDescriptorProto) -> Option<&'a DescriptorProto> {
        if f.label != Some(Label::LABEL_REPEATED) || f.r#type != Some(Type::TYPE_MESSAGE) {
            return None;
        }
        let m = self.ctx.pool.message(f.type_name.as_deref()?)?;
        m.options
            .as_ref()
            .and_then(|o| o.map_entry)
            .unwrap_or(false)
            .then_some(m)
    }

    fn message(
        &mut self,
        m: &'a DescriptorProto,
        scope: &Scope,
        parent: Features,
        path: Vec<i32>,
    ) -> TokenStream {
        let name = m.name();
        let fq = scope.fq(name);
        if self.ctx.resolve_extern(&fq).is_some() {
            return TokenStream::new();
        }
        let features = parent.of_message(m);
        let inner = scope.nested(name);
        self.extensions += m.extension.len();
        let rust_name = ident::camel(name);
        let mod_name = ident::snake(name);

        // Oneofs (synthetic ones of proto3 `optional` excluded) with their
        // members; other fields in declaration order.
        let mut oneofs: Vec<Oneof> = Vec::new();
        let mut plain: Vec<(usize, &'a FieldDescriptorProto)> = Vec::new();
        for (i, f) in m.field.iter().enumerate() {
            match f.oneof_index {
                Some(o) if f.proto3_optional != Some(true) => {
                    let Some(decl) = usize::try_from(o).ok().and_then(|o| m.oneof_decl.get(o))
                    else {
                        self.error(format!("{fq}.{}: oneof index {o} out of range", f.name()));
                        continue;
                    };
                    match oneofs.iter_mut().find(|x| x.index == o as usize) {
                        Some(x) => x.fields.push((i, f)),
                        None => oneofs.push(Oneof {
                            index: o as usize,
                            decl,
                            fields: vec![(i, f)],
                            type_name: String::new(),
                        }),
                    }
                }
                _ => plain.push((i, f)),
            }
        }
        oneofs.sort_by_key(|o| o.index);
        for o in &mut oneofs {
            let camel = ident::camel(o.decl.name());
            let clash = m
                .nested_type
                .iter()
                .map(|n| n.name())
                .chain(m.enum_type.iter().map(|e| e.name()))
                .any(|n| ident::camel(n) == camel);
            o.type_name = if clash {
                format!("{camel}OneOf")
            } else {
                camel
            };
        }

        let mut fields = TokenStream::new();
        for &(i, f) in &plain {
            let mut fpath = path.clone();
            fpath.extend([2, i as i32]);
            let ff = features.of_field(self.edition, f);
            let t = match self.is_map_field(f) {
                Some(entry) => self.map_field(&fq, scope, f, entry, &fpath),
                None => self.field(&fq, scope, f, ff, &fpath),
            };
            fields.extend(t);
        }
        for o in &oneofs {
            let mut opath = path.clone();
            opath.extend([8, o.index as i32]);
            let docs = self.docs(&opath, &fq, None);
            let attr = format!(
                "#[prost(oneof = \"{mod_name}::{}\", tags = \"{}\")]",
                o.type_name,
                o.fields
                    .iter()
                    .map(|(_, f)| f.number.unwrap_or(0).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let attr = self.tokens(&attr, "oneof attribute");
            let fattrs = self.user_attrs(
                &self.ctx.opts.field_attributes,
                &format!("{fq}.{}", o.decl.name()),
            );
            let fname = self.ident(&ident::snake(o.decl.name()));
            let ty = self.path(&format!("{mod_name}::{}", o.type_name));
            fields.extend(quote! {
                #docs
                #attr
                #fattrs
                pub #fname: ::core::option::Option<#ty>,
            });
        }

        let docs = self.docs(&path, &fq, None);
        let tattrs = self.user_attrs(&self.ctx.opts.type_attributes, &fq);
        let mattrs = self.user_attrs(&self.ctx.opts.message_attributes, &fq);
        let copy = self.ctx.can_derive_copy(&fq).then(|| quote!(Copy,));
        let eq = self.ctx.can_derive_eq(&fq).then(|| quote!(Eq, Hash,));
        let skip_debug = self
            .ctx
            .opts
            .skip_debug
            .matches(&fq)
            .then(|| quote!(#[prost(skip_debug)]));
        let sname = self.ident(&rust_name);
        let mut t = quote! {
            #docs
            #tattrs
            #mattrs
            #[derive(Clone, #copy PartialEq, #eq ::prost::Message)]
            #skip_debug
            pub struct #sname {
                #fields
            }
        };

        // The nested module: nested messages (not map entries), enums and
        // oneof enums.
        let nested: Vec<(usize, &'a DescriptorProto)> = m
            .nested_type
            .iter()
            .enumerate()
            .filter(|(_, n)| {
                !n.options
                    .as_ref()
                    .and_then(|o| o.map_entry)
                    .unwrap_or(false)
            })
            .collect();
        if !nested.is_empty() || !m.enum_type.is_empty() || !oneofs.is_empty() {
            let mut body = TokenStream::new();
            for (i, n) in nested {
                let mut npath = path.clone();
                npath.extend([3, i as i32]);
                body.extend(self.message(n, &inner, features, npath));
            }
            for (i, e) in m.enum_type.iter().enumerate() {
                let mut epath = path.clone();
                epath.extend([4, i as i32]);
                body.extend(self.enumeration(e, &inner, features, epath));
            }
            for o in &oneofs {
                body.extend(self.oneof_enum(&fq, &inner, o, features, &path));
            }
            let doc = format!(" Messages, enums and oneofs nested in `{name}`.");
            let mname = self.ident(&mod_name);
            t.extend(quote! {
                #[doc = #doc]
                pub mod #mname {
                    #body
                }
            });
        }

        if self.ctx.opts.enable_type_names {
            let package = self.file.package().to_string();
            let full = fq.trim_start_matches('.').to_string();
            let domain = self
                .ctx
                .opts
                .type_name_domains
                .best(&fq)
                .cloned()
                .unwrap_or_default();
            let url = format!("{domain}/{full}");
            let simple = name.to_string();
            let sname = self.ident(&rust_name);
            t.extend(quote! {
                impl ::prost::Name for #sname {
                    const NAME: &'static str = #simple;
                    const PACKAGE: &'static str = #package;
                    fn full_name() -> ::prost::alloc::string::String {
                        #full.into()
                    }
                    fn type_url() -> ::prost::alloc::string::String {
                        #url.into()
                    }
                }
            });
        }
        t
    }

    /// The prost type tag and Rust type of a field, resolved from `scope`.
    fn shape(
        &mut self,
        fq_msg: &str,
        scope: &Scope,
        f: &FieldDescriptorProto,
        delimited: bool,
        in_map: bool,
    ) -> Option<FieldShape> {
        let Some(t) = f.r#type else {
            self.error(format!("{fq_msg}.{}: field has no resolved type", f.name()));
            return None;
        };
        let resolve = |g: &mut Self| -> Option<String> {
            let tn = f.type_name.as_deref().unwrap_or("");
            match g.ctx.resolve_ident(scope, tn) {
                Some(p) if tn.starts_with('.') => Some(p),
                _ => {
                    g.error(format!(
                        "{fq_msg}.{}: type \"{tn}\" is not resolved to a full name",
                        f.name()
                    ));
                    None
                }
            }
        };
        Some(match t {
            Type::TYPE_BYTES => {
                let kind = self.ctx.opts.bytes_kind(&format!("{fq_msg}.{}", f.name()));
                FieldShape {
                    tag: "bytes".into(),
                    ty: match kind {
                        BytesKind::Vec => "::prost::alloc::vec::Vec<u8>".into(),
                        BytesKind::Bytes => "::prost::bytes::Bytes".into(),
                    },
                    bytes: Some(kind),
                }
            }
            Type::TYPE_ENUM => {
                let p = resolve(self)?;
                FieldShape {
                    tag: if in_map {
                        format!("enumeration({p})")
                    } else {
                        format!("enumeration = \"{p}\"")
                    },
                    ty: "i32".into(),
                    bytes: None,
                }
            }
            Type::TYPE_MESSAGE | Type::TYPE_GROUP => {
                let p = resolve(self)?;
                let group = t == Type::TYPE_GROUP || delimited;
                FieldShape {
                    tag: if group { "group" } else { "message" }.into(),
                    ty: p,
                    bytes: None,
                }
            }
            other => match (scalar_tag(other), scalar_rust(other)) {
                (Some(tag), Some(ty)) => FieldShape {
                    tag: tag.into(),
                    ty: ty.into(),
                    bytes: None,
                },
                _ => {
                    self.error(format!("{fq_msg}.{}: unknown field type", f.name()));
                    return None;
                }
            },
        })
    }

    /// The `default = "…"` value for a field with a proto2/editions default.
    fn default_literal(&mut self, fq_msg: &str, f: &FieldDescriptorProto) -> Option<String> {
        let d = f.default_value.as_deref()?;
        let text = match f.r#type? {
            Type::TYPE_BYTES => {
                let mut s = String::from("b\"");
                for b in unescape_c(d) {
                    s.extend(std::ascii::escape_default(b).map(char::from));
                }
                s.push('"');
                s
            }
            Type::TYPE_ENUM => {
                let tn = f.type_name.as_deref()?;
                let Some(e) = self.ctx.pool.enum_type(tn) else {
                    self.error(format!("{fq_msg}.{}: enum {tn} not found", f.name()));
                    return None;
                };
                let Some(number) = e
                    .value
                    .iter()
                    .find(|v| v.name() == d)
                    .and_then(|v| v.number)
                else {
                    self.error(format!(
                        "{fq_msg}.{}: default \"{d}\" is not a value of {tn}",
                        f.name()
                    ));
                    return None;
                };
                // The variant kept for that number (aliases collapse into the
                // first value with it).
                let first = e.value.iter().find(|v| v.number == Some(number))?;
                self.variant_name(e, first.name())
            }
            _ => d.to_string(),
        };
        Some(Literal::string(&text).to_string())
    }

    /// The variant to start a non-optional field of a closed enum with when
    /// the enum's first value is not 0.
    fn closed_enum_default(&self, f: &FieldDescriptorProto) -> Option<String> {
        let tn = f.type_name.as_deref()?;
        if !super::features::enum_is_closed(self.ctx.pool, tn)? {
            return None;
        }
        let e = self.ctx.pool.enum_type(tn)?;
        let first = e.value.first()?;
        if first.number.unwrap_or(0) == 0 {
            return None;
        }
        Some(self.variant_name(e, first.name()))
    }

    fn variant_name(&self, e: &EnumDescriptorProto, value: &str) -> String {
        let v = ident::camel(value);
        if self.ctx.opts.retain_enum_prefix {
            v
        } else {
            ident::strip_enum_prefix(&ident::camel(e.name()), &v)
        }
    }

    fn field(
        &mut self,
        fq_msg: &str,
        scope: &Scope,
        f: &FieldDescriptorProto,
        features: Features,
        path: &[i32],
    ) -> TokenStream {
        let Some(t) = f.r#type else {
            self.error(format!("{fq_msg}.{}: field has no resolved type", f.name()));
            return TokenStream::new();
        };
        let delimited = features.message_encoding == MessageEncoding::DELIMITED;
        let Some(shape) = self.shape(fq_msg, scope, f, delimited, false) else {
            return TokenStream::new();
        };
        let repeated = f.label == Some(Label::LABEL_REPEATED);
        let is_msg = matches!(t, Type::TYPE_MESSAGE | Type::TYPE_GROUP);
        let required = !repeated && features.field_presence == FieldPresence::LEGACY_REQUIRED;
        let optional = !repeated && !required && features.field_presence == FieldPresence::EXPLICIT;
        let boxed = !repeated
            && is_msg
            && (self
                .ctx
                .is_recursive(f.type_name.as_deref().unwrap_or(""), fq_msg)
                || self.ctx.boxed_by_option(fq_msg, None, f.name()));

        let mut parts = vec![shape.tag.clone()];
        if let Some(kind) = shape.bytes {
            parts[0] = format!(
                "bytes = \"{}\"",
                match kind {
                    BytesKind::Vec => "vec",
                    BytesKind::Bytes => "bytes",
                }
            );
        }
        if repeated {
            parts.push("repeated".into());
            if is_packable(t) && features.repeated_field_encoding != RepeatedFieldEncoding::PACKED {
                parts.push("packed = \"false\"".into());
            }
        } else if required {
            parts.push("required".into());
        } else if optional {
            parts.push("optional".into());
        }
        if boxed {
            parts.push("boxed".into());
        }
        parts.push(format!("tag = \"{}\"", f.number.unwrap_or(0)));
        if let Some(d) = self.default_literal(fq_msg, f) {
            parts.push(format!("default = {d}"));
        } else if t == Type::TYPE_ENUM && !repeated && !optional {
            // A closed enum's default is its first value, which need not be
            // 0; a field without an Option must start out valid.
            if let Some(v) = self.closed_enum_default(f) {
                parts.push(format!("default = {}", Literal::string(&v)));
            }
        }
        let attr = self.tokens(
            &format!("#[prost({})]", parts.join(", ")),
            "field attribute",
        );

        let mut ty = shape.ty;
        if boxed {
            ty = format!("::prost::alloc::boxed::Box<{ty}>");
        }
        if repeated {
            ty = format!("::prost::alloc::vec::Vec<{ty}>");
        } else if optional {
            ty = format!("::core::option::Option<{ty}>");
        }
        let ty = self.path(&ty);
        let docs = self.docs(path, fq_msg, Some(f.name()));
        let deprecated = deprecated(f).then(|| quote!(#[deprecated]));
        let fattrs = self.user_attrs(
            &self.ctx.opts.field_attributes,
            &format!("{fq_msg}.{}", f.name()),
        );
        let name = self.ident(&ident::snake(f.name()));
        quote! {
            #docs
            #deprecated
            #attr
            #fattrs
            pub #name: #ty,
        }
    }

    fn map_field(
        &mut self,
        fq_msg: &str,
        scope: &Scope,
        f: &FieldDescriptorProto,
        entry: &DescriptorProto,
        path: &[i32],
    ) -> TokenStream {
        let key = entry.field.iter().find(|x| x.number == Some(1));
        let value = entry.field.iter().find(|x| x.number == Some(2));
        let (Some(key), Some(value)) = (key, value) else {
            self.error(format!(
                "{fq_msg}.{}: map entry lacks key or value",
                f.name()
            ));
            return TokenStream::new();
        };
        // bytes keys/values follow the `bytes` option of the map field.
        let mut key = key.clone();
        let mut value = value.clone();
        key.name = f.name.clone();
        value.name = f.name.clone();
        let (Some(k), Some(v)) = (
            self.shape(fq_msg, scope, &key, false, true),
            self.shape(fq_msg, scope, &value, false, true),
        ) else {
            return TokenStream::new();
        };
        let kind = self.ctx.opts.map_kind(&format!("{fq_msg}.{}", f.name()));
        let attr = format!(
            "#[prost({} = \"{}, {}\", tag = \"{}\")]",
            match kind {
                MapKind::HashMap => "map",
                MapKind::BTreeMap => "btree_map",
            },
            k.tag,
            v.tag,
            f.number.unwrap_or(0)
        );
        let attr = self.tokens(&attr, "map attribute");
        let ty = match kind {
            MapKind::HashMap => format!("::std::collections::HashMap<{}, {}>", k.ty, v.ty),
            MapKind::BTreeMap => {
                format!("::prost::alloc::collections::BTreeMap<{}, {}>", k.ty, v.ty)
            }
        };
        let ty = self.path(&ty);
        let docs = self.docs(path, fq_msg, Some(f.name()));
        let deprecated = deprecated(f).then(|| quote!(#[deprecated]));
        let fattrs = self.user_attrs(
            &self.ctx.opts.field_attributes,
            &format!("{fq_msg}.{}", f.name()),
        );
        let name = self.ident(&ident::snake(f.name()));
        quote! {
            #docs
            #deprecated
            #attr
            #fattrs
            pub #name: #ty,
        }
    }

    fn oneof_enum(
        &mut self,
        fq_msg: &str,
        inner: &Scope,
        o: &Oneof<'a>,
        msg_features: Features,
        msg_path: &[i32],
    ) -> TokenStream {
        let oneof_fq = format!("{fq_msg}.{}", o.decl.name());
        let features = msg_features.of_oneof(o.decl);
        let mut opath = msg_path.to_vec();
        opath.extend([8, o.index as i32]);
        let docs = self.docs(&opath, fq_msg, None);
        let tattrs = self.user_attrs(&self.ctx.opts.type_attributes, &oneof_fq);
        let eattrs = self.user_attrs(&self.ctx.opts.enum_attributes, &oneof_fq);
        let oneof_name = o.decl.name();
        let copy = o
            .fields
            .iter()
            .all(|(_, f)| self.ctx.field_can_derive_copy(fq_msg, f, Some(oneof_name)))
            .then(|| quote!(Copy,));
        let eq = o
            .fields
            .iter()
            .all(|(_, f)| self.ctx.field_can_derive_eq(fq_msg, f))
            .then(|| quote!(Eq, Hash,));
        let skip_debug = self
            .ctx
            .opts
            .skip_debug
            .matches(fq_msg)
            .then(|| quote!(#[prost(skip_debug)]));
        let mut variants = TokenStream::new();
        for &(i, f) in &o.fields {
            let ff = features.of_field(self.edition, f);
            let delimited = ff.message_encoding == MessageEncoding::DELIMITED;
            let Some(shape) = self.shape(fq_msg, inner, f, delimited, false) else {
                continue;
            };
            let is_msg = matches!(f.r#type, Some(Type::TYPE_MESSAGE | Type::TYPE_GROUP));
            let boxed = is_msg
                && (self
                    .ctx
                    .is_recursive(f.type_name.as_deref().unwrap_or(""), fq_msg)
                    || self.ctx.boxed_by_option(fq_msg, Some(oneof_name), f.name()));
            let mut tag = shape.tag.clone();
            if shape.bytes == Some(BytesKind::Bytes) {
                tag = "bytes = \"bytes\"".into();
            }
            let parts = [tag, format!("tag = \"{}\"", f.number.unwrap_or(0))];
            let attr = self.tokens(
                &format!("#[prost({})]", parts.join(", ")),
                "oneof field attribute",
            );
            let ty = if boxed {
                format!("::prost::alloc::boxed::Box<{}>", shape.ty)
            } else {
                shape.ty
            };
            let ty = self.path(&ty);
            let mut fpath = msg_path.to_vec();
            fpath.extend([2, i as i32]);
            let docs = self.docs(&fpath, fq_msg, Some(f.name()));
            let deprecated = deprecated(f).then(|| quote!(#[deprecated]));
            let fattrs = self.user_attrs(
                &self.ctx.opts.field_attributes,
                &format!("{oneof_fq}.{}", f.name()),
            );
            let vname = self.ident(&ident::camel(f.name()));
            variants.extend(quote! {
                #docs
                #deprecated
                #attr
                #fattrs
                #vname(#ty),
            });
        }
        let name = self.ident(&o.type_name);
        quote! {
            #docs
            #tattrs
            #eattrs
            #[derive(Clone, #copy PartialEq, #eq ::prost::Oneof)]
            #skip_debug
            pub enum #name {
                #variants
            }
        }
    }

    fn enumeration(
        &mut self,
        e: &EnumDescriptorProto,
        scope: &Scope,
        _parent: Features,
        path: Vec<i32>,
    ) -> TokenStream {
        let fq = scope.fq(e.name());
        if self.ctx.resolve_extern(&fq).is_some() {
            return TokenStream::new();
        }
        if e.value.is_empty() {
            self.error(format!("{fq}: enum has no values"));
            return TokenStream::new();
        }
        // One variant per number: aliases collapse into the first name.
        let mut seen_numbers = rustc_hash::FxHashSet::default();
        let mut seen_names: HashMap<String, &str> = HashMap::default();
        let mut variants = Vec::new();
        for (i, v) in e.value.iter().enumerate() {
            let number = v.number.unwrap_or(0);
            if !seen_numbers.insert(number) {
                continue;
            }
            let vname = self.variant_name(e, v.name());
            if let Some(prev) = seen_names.insert(vname.clone(), v.name()) {
                self.error(format!(
                    "{fq}: values {prev} and {} both become the Rust variant {vname}; \
                     try the retain_enum_prefix option",
                    v.name()
                ));
                return TokenStream::new();
            }
            variants.push((i, v, vname, number));
        }
        let mut body = TokenStream::new();
        let mut as_str = TokenStream::new();
        let mut from_str = TokenStream::new();
        for (i, v, vname, number) in &variants {
            let mut vpath = path.clone();
            vpath.extend([2, *i as i32]);
            let docs = self.docs(&vpath, &fq, Some(v.name()));
            let fattrs = self.user_attrs(
                &self.ctx.opts.field_attributes,
                &format!("{fq}.{}", v.name()),
            );
            let dep = v
                .options
                .as_ref()
                .and_then(|o| o.deprecated)
                .unwrap_or(false);
            let deprecated = dep.then(|| quote!(#[deprecated]));
            let allow = dep.then(|| quote!(#[allow(deprecated)]));
            let id = self.ident(vname);
            let num = Literal::i32_unsuffixed(*number);
            let proto_name = v.name();
            body.extend(quote! {
                #docs
                #fattrs
                #deprecated
                #id = #num,
            });
            as_str.extend(quote! { #allow Self::#id => #proto_name, });
            from_str.extend(quote! { #proto_name => Some(#allow Self::#id), });
        }
        let docs = self.docs(&path, &fq, None);
        let tattrs = self.user_attrs(&self.ctx.opts.type_attributes, &fq);
        let eattrs = self.user_attrs(&self.ctx.opts.enum_attributes, &fq);
        let debug = (!self.ctx.opts.skip_debug.matches(&fq)).then(|| quote!(Debug,));
        let name = self.ident(&ident::camel(e.name()));
        quote! {
            #docs
            #tattrs
            #eattrs
            #[derive(Clone, Copy, #debug PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Enumeration)]
            #[repr(i32)]
            pub enum #name {
                #body
            }
            impl #name {
                /// The name of this value as written in the protobuf definition;
                /// stable for as long as the definition keeps it.
                pub fn as_str_name(&self) -> &'static str {
                    match self {
                        #as_str
                    }
                }
                /// The value written with this name in the protobuf definition.
                pub fn from_str_name(value: &str) -> ::core::option::Option<Self> {
                    match value {
                        #from_str
                        _ => None,
                    }
                }
            }
        }
    }
}

fn deprecated(f: &FieldDescriptorProto) -> bool {
    f.options
        .as_ref()
        .and_then(|o| o.deprecated)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_unescape() {
        assert_eq!(unescape_c(r"\000\001\377"), [0, 1, 255]);
        assert_eq!(unescape_c(r#"a\"b\\c\n"#), b"a\"b\\c\n");
        assert_eq!(unescape_c(r"\x41\x4"), b"A\x04");
        assert_eq!(unescape_c(r"\?\'"), b"?'");
        assert_eq!(unescape_c("tail\\"), b"tail\\");
    }
}
