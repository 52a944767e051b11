//! Option interpretation: option statements to bytes of the options
//! messages, with protoc's name lookup, value checks and error messages.
//!
//! Each statement becomes one record (field tag + value, nested for
//! `(a).b.c` names) appended after the options message's known fields; the
//! message is then re-read, so standard options land in their fields and
//! custom ones stay, in statement order, as unknown fields — exactly what
//! protoc writes with `--retain_options`. The default mode's canonical order
//! is produced later by [`super::dynamic::canonicalize`].

use super::dynamic::{wire_type_of, DynMessage};
use super::lower::{OptionsKind, PendingOption};
use super::recent::Recent;
use super::schema::{Combined, SchemaData};
use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::pool::SymbolKind;
use crate::descriptor::wire::{put_tag, put_varint, WireType};
use crate::descriptor::FieldDescriptorProto;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{IntLit, OptionValue, Span, TextField, TextFieldName, TextValue};
use std::cell::RefCell;
use std::rc::Rc;

/// The full name of the options message for each kind.
pub fn options_message(kind: OptionsKind) -> &'static str {
    match kind {
        OptionsKind::File => "google.protobuf.FileOptions",
        OptionsKind::Message => "google.protobuf.MessageOptions",
        OptionsKind::Field => "google.protobuf.FieldOptions",
        OptionsKind::Oneof => "google.protobuf.OneofOptions",
        OptionsKind::Enum => "google.protobuf.EnumOptions",
        OptionsKind::EnumValue => "google.protobuf.EnumValueOptions",
        OptionsKind::Service => "google.protobuf.ServiceOptions",
        OptionsKind::Method => "google.protobuf.MethodOptions",
        OptionsKind::ExtensionRange => "google.protobuf.ExtensionRangeOptions",
    }
}

/// The interpreted options of one element.
#[derive(Debug, Default)]
pub struct Interpreted {
    /// Records to append to the options message, in statement order.
    pub records: Vec<u8>,
    /// (index of the statement's source location, interpreted path).
    pub paths: Vec<(usize, Vec<i32>)>,
}

/// One resolved step of an option name.
struct Step<'a> {
    field: &'a FieldDescriptorProto,
    delimited: bool,
    /// An extension's full name (its declaring scope's); a regular field's
    /// is its message's name and its own, joined only when an error shows it.
    extension: Option<Rc<str>>,
}

/// A field's full name for messages, joined only when shown.
enum FullName<'s> {
    /// A regular field: its message's full name and its own name.
    Field(&'s str, &'s str),
    Extension(&'s str),
}

impl std::fmt::Display for FullName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FullName::Field("", name) | FullName::Extension(name) => f.write_str(name),
            FullName::Field(message, name) => write!(f, "{message}.{name}"),
        }
    }
}

/// Extension lookups by (name, scope the lookup starts from).
pub type RecentExtensions = Recent<(String, String), Option<Rc<str>>, 4>;

pub struct Interpreter<'a> {
    pub schema: Combined<'a>,
    /// Index of the file being interpreted in `schema.own`.
    pub file: usize,
    pub file_name: &'a str,
    /// The pieces of the file's text that the options need (literal spans
    /// index into the file).
    pub snippets: &'a crate::link::lower::Snippets,
    pub diags: Vec<Diagnostic>,
    /// The last few extension names resolved, by name and the scope the
    /// lookup starts from (the element's parent): the fields of a message
    /// tend to set the same custom options.
    pub recent_extensions: RefCell<RecentExtensions>,
}

fn put_len(out: &mut Vec<u8>, number: i32, body: &[u8]) {
    put_tag(out, number as u32, WireType::LengthDelimited);
    put_varint(out, body.len() as u64);
    out.extend_from_slice(body);
}

impl<'a> Interpreter<'a> {
    fn error(&mut self, span: Span, message: String) {
        self.diags
            .push(Diagnostic::error("option", message).at(self.file_name, span.range(), ""));
    }

    fn step(
        &self,
        extension: Option<Rc<str>>,
        field: &'a FieldDescriptorProto,
        data: &'a SchemaData,
        file: usize,
        path: &[i32],
    ) -> Step<'a> {
        let info = data.info(file, path, field);
        Step {
            field,
            delimited: info.delimited,
            extension,
        }
    }

    /// Finds field `name` of message `message` (regular fields only).
    fn regular_field(&self, message: &str, name: &str) -> Option<Step<'a>> {
        let (data, file, path, m) = self.schema.message(message)?;
        let i = m.field.iter().position(|f| f.name() == name)?;
        let mut p: smallvec::SmallVec<[i32; 16]> = smallvec::SmallVec::from_slice(path);
        p.extend([2, i as i32]);
        Some(self.step(None, &m.field[i], data, file, &p))
    }

    /// Resolves an extension name relative to `scope` and checks it extends `message`.
    fn extension_field(&self, name: &str, scope: &str, message: &str) -> Result<Step<'a>, ()> {
        let own = self.schema.own;
        let full = self.resolve_extension(name, scope).ok_or(())?;
        let e = own.symbols.get(&full).ok_or(())?;
        let (file, path) = (e.file, e.path);
        if e.kind != SymbolKind::Extension {
            return Err(());
        }
        let f = crate::descriptor::pool::field_at(&own.files[file], path).ok_or(())?;
        let extendee = f.extendee.as_deref().unwrap_or("");
        if extendee.strip_prefix('.').unwrap_or(extendee) != message {
            return Err(());
        }
        Ok(self.step(Some(full), f, own, file, path))
    }

    /// protoc's scoped lookup of an extension name, remembered for the
    /// last few names and scopes. The lookup starts from the scope that
    /// encloses `scope` (the element's own name is never searched): that
    /// part alone is the key, which the fields of one message share.
    fn resolve_extension(&self, name: &str, scope: &str) -> Option<Rc<str>> {
        let from = scope.rsplit_once('.').map_or("", |(outer, _)| outer);
        self.recent_extensions.borrow_mut().get_or_insert_with(
            |(n, s)| n == name && s == from,
            || {
                let own = self.schema.own;
                let full = super::resolve::lookup_any(&own.symbols, self.file, name, scope);
                ((name.to_string(), from.to_string()), full.map(Rc::from))
            },
        )
    }

    /// Interprets the statements of one element. Stops at the first error,
    /// as protoc does.
    pub fn interpret(
        &mut self,
        kind: OptionsKind,
        scope: &str,
        target_path: &[i32],
        opts: &[&PendingOption],
    ) -> Interpreted {
        let mut out = Interpreted::default();
        let mut set_paths: Vec<(smallvec::SmallVec<[i32; 4]>, bool)> = Vec::new();
        let mut repeated_counts: rustc_hash::FxHashMap<Vec<i32>, i32> = Default::default();
        let base = options_message(kind);
        for o in opts {
            // Resolve the name, part by part.
            let mut steps: smallvec::SmallVec<[Step<'a>; 2]> = smallvec::SmallVec::new();
            let mut message: &'a str = base;
            let mut failed = false;
            for (i, (part, is_extension)) in o.name_parts().enumerate() {
                if i > 0 {
                    let prev = steps.last().expect("a previous step");
                    if !matches!(
                        prev.field.r#type,
                        Some(Type::TYPE_MESSAGE | Type::TYPE_GROUP)
                    ) {
                        let upto = o.name_upto(i);
                        self.error(
                            o.name_span,
                            format!("Option \"{upto}\" is an atomic type, not a message."),
                        );
                        failed = true;
                        break;
                    }
                    if prev.field.label == Some(Label::LABEL_REPEATED) {
                        let upto = o.name_upto(i);
                        self.error(
                            o.name_span,
                            format!(
                                "Option field \"{upto}\" is a repeated message. Repeated message options must be \
                                 initialized using an aggregate value."
                            ),
                        );
                        failed = true;
                        break;
                    }
                    let t = prev.field.type_name.as_deref().unwrap_or("");
                    message = t.strip_prefix('.').unwrap_or(t);
                }
                let found = if is_extension {
                    self.extension_field(part, scope, message).ok()
                } else {
                    self.regular_field(message, part)
                };
                match found {
                    Some(s) => steps.push(s),
                    None => {
                        self.error(
                            o.name_span,
                            format!(
                                "Option \"{}\" unknown. Ensure that your proto definition file imports the proto which \
                                 defines the option (i.e. via import option after edition 2024).",
                                o.name_upto(i + 1)
                            ),
                        );
                        failed = true;
                        break;
                    }
                }
            }
            if failed {
                break;
            }
            let numbers: smallvec::SmallVec<[i32; 4]> =
                steps.iter().map(|s| s.field.number.unwrap_or(0)).collect();
            let last = steps.last().expect("at least one name part");
            let repeated = last.field.label == Some(Label::LABEL_REPEATED);
            // protoc: a singular option (or any part of one) may be set once.
            if !repeated {
                let clash = set_paths.iter().any(|(p, rep)| {
                    let n = p.len().min(numbers.len());
                    !rep && p[..n] == numbers[..n]
                });
                if clash {
                    let written = &o.name;
                    self.error(
                        o.name_span,
                        format!("Option \"{written}\" was already set."),
                    );
                    break;
                }
            }
            set_paths.push((numbers.clone(), repeated));
            // The value.
            let Some(value) = self.value(last, message, &o.value.to_value(), scope) else {
                break;
            };
            // Nest the record from the innermost step outwards.
            let mut record = value;
            for s in steps[..steps.len() - 1].iter().rev() {
                let mut outer = Vec::new();
                let n = s.field.number.unwrap_or(0);
                if s.field.r#type == Some(Type::TYPE_GROUP) || s.delimited {
                    put_tag(&mut outer, n as u32, WireType::StartGroup);
                    outer.extend_from_slice(&record);
                    put_tag(&mut outer, n as u32, WireType::EndGroup);
                } else {
                    put_len(&mut outer, n, &record);
                }
                record = outer;
            }
            out.records.extend_from_slice(&record);
            if let Some(loc) = o.location_index {
                let mut path = target_path.to_vec();
                path.push(kind.options_field_number());
                path.extend(&numbers);
                if repeated {
                    let c = repeated_counts.entry(path.clone()).or_insert(0);
                    path.push(*c);
                    *c += 1;
                }
                out.paths.push((loc as usize, path));
            }
        }
        out
    }

    /// Encodes the value of the last step (tag included).
    /// `message` is the full name of the message `step`'s field is in.
    fn value(
        &mut self,
        step: &Step<'a>,
        message: &str,
        value: &OptionValue,
        scope: &str,
    ) -> Option<Vec<u8>> {
        let f = step.field;
        let number = f.number.unwrap_or(0) as u32;
        let ty = f.r#type.unwrap_or(Type::TYPE_MESSAGE);
        let fname = match &step.extension {
            Some(full) => FullName::Extension(full),
            None => FullName::Field(message, f.name()),
        };
        let mut out = Vec::new();
        let span = value.span();
        match ty {
            Type::TYPE_MESSAGE | Type::TYPE_GROUP => {
                let OptionValue::Aggregate(a) = value else {
                    let short = f.name();
                    self.error(
                        span,
                        format!(
                            "Option \"{fname}\" is a message. To set the entire message, use syntax like \"{short} = {{ \
                             <proto text format> }}\". To set fields within it, use syntax like \"{short}.foo = value\"."
                        ),
                    );
                    return None;
                };
                let t = f.type_name.as_deref().unwrap_or("");
                let t = t.strip_prefix('.').unwrap_or(t).to_string();
                let mut m = DynMessage::default();
                // Pending options keep only the aggregate's span: parse its
                // text now.
                let inner = Span::new(
                    a.span.start as usize + 1,
                    (a.span.end as usize).saturating_sub(1),
                );
                let body = self.snippets.get(inner.range()).unwrap_or("");
                let (fields, errors) = crate::syntax::text_format::parse_at(
                    body,
                    inner.start as usize,
                    inner.end as usize,
                );
                // The fields before a syntax error come first in the text:
                // their own errors are the ones protoc meets first.
                let result = self
                    .text_message(&mut m, &t, &fields, scope)
                    .and_then(|()| match errors.into_iter().next() {
                        Some((_, msg)) => Err(msg),
                        None => Ok(()),
                    });
                if let Err(msg) = result {
                    let short = f.name();
                    self.error(
                        span,
                        format!("Error while parsing option value for \"{short}\": {msg}"),
                    );
                    return None;
                }
                let body = m.to_bytes();
                if ty == Type::TYPE_GROUP || step.delimited {
                    put_tag(&mut out, number, WireType::StartGroup);
                    out.extend_from_slice(&body);
                    put_tag(&mut out, number, WireType::EndGroup);
                } else {
                    put_len(&mut out, number as i32, &body);
                }
                Some(out)
            }
            _ => {
                let wt = wire_type_of(ty, false);
                put_tag(&mut out, number, wt);
                if let Err(msg) = self.scalar_into(&mut out, f, value, &fname) {
                    self.error(span, msg);
                    return None;
                }
                Some(out)
            }
        }
    }

    /// Appends a scalar option value (no tag) to `out`, or gives protoc's
    /// complaint (callers drop or truncate `out` then).
    fn scalar_into(
        &self,
        out: &mut Vec<u8>,
        f: &FieldDescriptorProto,
        value: &OptionValue,
        fname: &dyn std::fmt::Display,
    ) -> Result<(), String> {
        let ty = f.r#type.unwrap_or(Type::TYPE_MESSAGE);
        let int = |v: &OptionValue| -> Option<(bool, u64)> {
            match v {
                OptionValue::Int(IntLit {
                    negative,
                    value: Some(x),
                    ..
                }) => Some((*negative, *x)),
                _ => None,
            }
        };
        let range_err = |lo: &str, hi: &str, t: &str| {
            format!("Value out of range, {lo} to {hi}, for {t} option \"{fname}\".")
        };
        let int_err = |lo: &str, hi: &str, t: &str| {
            format!("Value must be integer, from {lo} to {hi}, for {t} option \"{fname}\".")
        };
        match ty {
            Type::TYPE_INT32 | Type::TYPE_SINT32 | Type::TYPE_SFIXED32 => {
                let (lo, hi, t) = ("-2147483648", "2147483647", "int32");
                let (neg, x) = int(value).ok_or_else(|| int_err(lo, hi, t))?;
                let v: i64 = if neg {
                    -(x.min(1 << 40) as i64)
                } else {
                    x.min(1 << 40) as i64
                };
                if v < i32::MIN as i64 || v > i32::MAX as i64 {
                    return Err(range_err(lo, hi, t));
                }
                let v = v as i32;
                match ty {
                    Type::TYPE_SINT32 => put_varint(out, ((v << 1) ^ (v >> 31)) as u32 as u64),
                    Type::TYPE_SFIXED32 => out.extend_from_slice(&v.to_le_bytes()),
                    _ => put_varint(out, v as i64 as u64),
                }
            }
            Type::TYPE_INT64 | Type::TYPE_SINT64 | Type::TYPE_SFIXED64 => {
                let (lo, hi, t) = ("-9223372036854775808", "9223372036854775807", "int64");
                let (neg, x) = int(value).ok_or_else(|| int_err(lo, hi, t))?;
                let v: i64 = if neg {
                    if x > 1 << 63 {
                        return Err(range_err(lo, hi, t));
                    }
                    (x as i128).wrapping_neg() as i64
                } else {
                    i64::try_from(x).map_err(|_| range_err(lo, hi, t))?
                };
                match ty {
                    Type::TYPE_SINT64 => put_varint(out, ((v << 1) ^ (v >> 63)) as u64),
                    Type::TYPE_SFIXED64 => out.extend_from_slice(&v.to_le_bytes()),
                    _ => put_varint(out, v as u64),
                }
            }
            Type::TYPE_UINT32 | Type::TYPE_FIXED32 => {
                let (lo, hi, t) = ("0", "4294967295", "uint32");
                let (neg, x) = int(value).ok_or_else(|| int_err(lo, hi, t))?;
                if neg {
                    return Err(int_err(lo, hi, t));
                }
                let v = u32::try_from(x).map_err(|_| range_err(lo, hi, t))?;
                if ty == Type::TYPE_FIXED32 {
                    out.extend_from_slice(&v.to_le_bytes());
                } else {
                    put_varint(out, v as u64);
                }
            }
            Type::TYPE_UINT64 | Type::TYPE_FIXED64 => {
                let (lo, hi, t) = ("0", "18446744073709551615", "uint64");
                let (neg, x) = int(value).ok_or_else(|| int_err(lo, hi, t))?;
                if neg {
                    return Err(int_err(lo, hi, t));
                }
                if ty == Type::TYPE_FIXED64 {
                    out.extend_from_slice(&x.to_le_bytes());
                } else {
                    put_varint(out, x);
                }
            }
            Type::TYPE_FLOAT | Type::TYPE_DOUBLE => {
                let t = if ty == Type::TYPE_FLOAT {
                    "float"
                } else {
                    "double"
                };
                let v = match value {
                    OptionValue::Float { value, .. } => *value,
                    OptionValue::Int(IntLit {
                        negative,
                        value,
                        span,
                    }) => {
                        // protoc reads a decimal integer too large for
                        // uint64 as a double (hex and octal ones are
                        // rejected by the parser).
                        let x = match value {
                            Some(x) => *x as f64,
                            None => self
                                .snippets
                                .get(span.range())
                                .and_then(crate::link::lower::decimal_as_double)
                                .unwrap_or(f64::INFINITY),
                        };
                        if *negative {
                            -x
                        } else {
                            x
                        }
                    }
                    OptionValue::Ident {
                        negative, ident, ..
                    } if ident.name == "inf" || ident.name == "nan" => {
                        let x = if ident.name == "inf" {
                            f64::INFINITY
                        } else {
                            f64::NAN
                        };
                        if *negative {
                            -x
                        } else {
                            x
                        }
                    }
                    _ => return Err(format!("Value must be number for {t} option \"{fname}\".")),
                };
                // protoc writes NaN without a sign.
                let v = if v.is_nan() { f64::NAN } else { v };
                if ty == Type::TYPE_FLOAT {
                    out.extend_from_slice(&(v as f32).to_le_bytes());
                } else {
                    out.extend_from_slice(&v.to_le_bytes());
                }
            }
            Type::TYPE_BOOL => match value {
                OptionValue::Ident {
                    negative: false,
                    ident,
                    ..
                } if ident.name == "true" || ident.name == "false" => {
                    put_varint(out, u64::from(ident.name == "true"));
                }
                _ => {
                    return Err(format!(
                        "Value must be \"true\" or \"false\" for boolean option \"{fname}\"."
                    ))
                }
            },
            Type::TYPE_ENUM => {
                let OptionValue::Ident {
                    negative: false,
                    ident,
                    ..
                } = value
                else {
                    return Err(format!(
                        "Value must be identifier for enum-valued option \"{fname}\"."
                    ));
                };
                let t = f.type_name.as_deref().unwrap_or("");
                let t = t.strip_prefix('.').unwrap_or(t);
                let e = self.schema.enum_type(t);
                let v = e.and_then(|e| e.value.iter().find(|v| v.name() == ident.name));
                let Some(v) = v else {
                    return Err(format!(
                        "Enum type \"{t}\" has no value named \"{}\" for option \"{fname}\".",
                        ident.name
                    ));
                };
                put_varint(out, v.number.unwrap_or(0) as i64 as u64);
            }
            Type::TYPE_STRING | Type::TYPE_BYTES => {
                let OptionValue::Str(s) = value else {
                    return Err(format!(
                        "Value must be quoted string for string option \"{fname}\"."
                    ));
                };
                put_varint(out, s.value.len() as u64);
                out.extend_from_slice(&s.value);
            }
            _ => return Err(format!("Unsupported option type for \"{fname}\".")),
        }
        Ok(())
    }

    /// Fills `m` (of type `message`) from text-format fields.
    fn text_message(
        &self,
        m: &mut DynMessage,
        message: &str,
        fields: &[TextField],
        scope: &str,
    ) -> Result<(), String> {
        let mut bytes = Vec::new();
        let mut seen: Vec<i32> = Vec::new();
        for tf in fields {
            let (step, any) = match &tf.name {
                TextFieldName::Ident(id) => {
                    let s = self.regular_field(message, &id.name).or_else(|| {
                        // Groups are named by their type in text format.
                        let (_, _, _, d) = self.schema.message(message)?;
                        let lower = id.name.to_ascii_lowercase();
                        let f = d.field.iter().find(|f| {
                            f.r#type == Some(Type::TYPE_GROUP)
                                && f.name() == lower
                                && f.type_name
                                    .as_deref()
                                    .is_some_and(|t| t.rsplit('.').next() == Some(&id.name))
                        })?;
                        self.regular_field(message, f.name())
                    });
                    match s {
                        Some(s) => (s, None),
                        None => {
                            return Err(format!(
                                "Message type \"{message}\" has no field named \"{}\".",
                                id.name
                            ))
                        }
                    }
                }
                TextFieldName::Extension(t) => {
                    match self.extension_field(&t.as_str(), scope, message) {
                        Ok(s) => (s, None),
                        Err(()) => {
                            return Err(format!(
                        "Extension \"{}\" is not defined or is not an extension of \"{message}\".",
                        t.text()
                    ))
                        }
                    }
                }
                TextFieldName::Any { prefix, type_name } => {
                    if message != "google.protobuf.Any" {
                        return Err(format!(
                            "Message type \"{message}\" has no field named \"[{prefix}/{}]\".",
                            type_name.text()
                        ));
                    }
                    let (Some(url), Some(_)) = (
                        self.regular_field(message, "type_url"),
                        self.regular_field(message, "value"),
                    ) else {
                        return Err("Any type has no type_url field.".into());
                    };
                    (url, Some((prefix.clone(), type_name.text())))
                }
            };
            if let Some((prefix, tname)) = any {
                let TextValue::Message { fields, .. } = &tf.value else {
                    return Err("Expected message value for Any.".into());
                };
                let full = tname.strip_prefix('.').unwrap_or(&tname).to_string();
                if self.schema.message(&full).is_none() {
                    return Err(format!(
                        "Could not find type \"{prefix}/{tname}\" stored in google.protobuf.Any."
                    ));
                }
                let mut inner = DynMessage::default();
                self.text_message(&mut inner, &full, fields, scope)?;
                let url = format!("{prefix}/{tname}");
                put_len(&mut bytes, 1, url.as_bytes());
                put_len(&mut bytes, 2, &inner.to_bytes());
                continue;
            }
            let f = step.field;
            let number = f.number.unwrap_or(0);
            let repeated = f.label == Some(Label::LABEL_REPEATED);
            if !repeated {
                if seen.contains(&number) {
                    return Err(format!(
                        "Non-repeated field \"{}\" is specified multiple times.",
                        f.name()
                    ));
                }
                seen.push(number);
            }
            let values: Vec<&TextValue> = match &tf.value {
                TextValue::List { values, .. } => {
                    if !repeated {
                        return Err(format!("Field \"{}\" is not a repeated field.", f.name()));
                    }
                    values.iter().collect()
                }
                v => vec![v],
            };
            for v in values {
                self.text_value(&mut bytes, &step, v, scope)?;
            }
        }
        m.merge(&bytes, message, &self.schema, 0)
            .map_err(|_| "Could not serialize the value.".to_string())?;
        Ok(())
    }

    fn text_value(
        &self,
        out: &mut Vec<u8>,
        step: &Step<'a>,
        v: &TextValue,
        scope: &str,
    ) -> Result<(), String> {
        let f = step.field;
        let number = f.number.unwrap_or(0);
        let ty = f.r#type.unwrap_or(Type::TYPE_MESSAGE);
        let fname = f.name();
        if matches!(ty, Type::TYPE_MESSAGE | Type::TYPE_GROUP) {
            let TextValue::Message { fields, .. } = v else {
                return Err(format!("Expected \"{{\", found \"{}\".", text_of(v)));
            };
            let t = f.type_name.as_deref().unwrap_or("");
            let t = t.strip_prefix('.').unwrap_or(t);
            let mut m = DynMessage::default();
            self.text_message(&mut m, t, fields, scope)?;
            let body = m.to_bytes();
            if ty == Type::TYPE_GROUP || step.delimited {
                put_tag(out, number as u32, WireType::StartGroup);
                out.extend_from_slice(&body);
                put_tag(out, number as u32, WireType::EndGroup);
            } else {
                put_len(out, number, &body);
            }
            return Ok(());
        }
        // Reuse the option-value rules with text format's extra spellings.
        let as_option = match v {
            TextValue::Ident {
                negative,
                ident,
                span,
            } => {
                let name = ident.name.as_str();
                match (ty, name) {
                    (Type::TYPE_BOOL, "t" | "True") => ident_value("true", *span),
                    (Type::TYPE_BOOL, "f" | "False") => ident_value("false", *span),
                    (Type::TYPE_FLOAT | Type::TYPE_DOUBLE, n)
                        if n.eq_ignore_ascii_case("inf") || n.eq_ignore_ascii_case("infinity") =>
                    {
                        OptionValue::Ident {
                            negative: *negative,
                            ident: crate::syntax::ast::Ident {
                                name: "inf".into(),
                                span: *span,
                            },
                            span: *span,
                        }
                    }
                    (Type::TYPE_FLOAT | Type::TYPE_DOUBLE, n) if n.eq_ignore_ascii_case("nan") => {
                        OptionValue::Ident {
                            negative: *negative,
                            ident: crate::syntax::ast::Ident {
                                name: "nan".into(),
                                span: *span,
                            },
                            span: *span,
                        }
                    }
                    _ => OptionValue::Ident {
                        negative: *negative,
                        ident: ident.clone(),
                        span: *span,
                    },
                }
            }
            TextValue::Int(i) => {
                if matches!(ty, Type::TYPE_FLOAT | Type::TYPE_DOUBLE) {
                    // Text format wants decimal digits for a float field.
                    let digits = self.snippets.get(i.span.range()).unwrap_or("");
                    let digits = digits.trim_start_matches(['-', ' ', '\t', '\n', '\r']);
                    if digits.len() > 1 && digits.starts_with('0') {
                        return Err(format!("Expect a decimal number, got: {digits}"));
                    }
                }
                match ty {
                    Type::TYPE_BOOL if i.value == Some(0) || i.value == Some(1) => {
                        ident_value(if i.value == Some(1) { "true" } else { "false" }, i.span)
                    }
                    Type::TYPE_ENUM => {
                        // Enums may be given by number.
                        let n = i.as_i64().unwrap_or(0);
                        put_tag(out, number as u32, WireType::Varint);
                        put_varint(out, n as u64);
                        return Ok(());
                    }
                    _ => OptionValue::Int(i.clone()),
                }
            }
            TextValue::Float { value, span } => OptionValue::Float {
                value: *value,
                span: *span,
            },
            TextValue::Str(s) => OptionValue::Str(s.clone()),
            TextValue::Message { .. } | TextValue::List { .. } => {
                return Err(format!("Expected value for field \"{fname}\"."));
            }
        };
        let start = out.len();
        put_tag(out, number as u32, wire_type_of(ty, false));
        self.scalar_into(out, f, &as_option, &fname).map_err(|_| {
            out.truncate(start);
            format!("Invalid value for field \"{fname}\": {}", text_of(v))
        })
    }
}

fn ident_value(name: &str, span: Span) -> OptionValue {
    OptionValue::Ident {
        negative: false,
        ident: crate::syntax::ast::Ident {
            name: name.into(),
            span,
        },
        span,
    }
}

fn text_of(v: &TextValue) -> String {
    match v {
        TextValue::Ident { ident, .. } => ident.name.as_str().to_owned(),
        TextValue::Int(i) => format!(
            "{}{}",
            if i.negative { "-" } else { "" },
            i.value.unwrap_or(0)
        ),
        TextValue::Float { value, .. } => value.to_string(),
        TextValue::Str(s) => format!("\"{}\"", s.lossy()),
        TextValue::Message { .. } => "{".into(),
        TextValue::List { .. } => "[".into(),
    }
}
