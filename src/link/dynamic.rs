//! Schema-driven re-serialization of option messages.
//!
//! protoc writes options the way a dynamic message (one that knows every
//! extension of the compilation) serializes them: fields in field-number
//! order, repeated statements of one message-typed option merged, singular
//! scalars set twice keeping the last value, packable repeated fields packed
//! when the field says so, and fields the schema does not know kept verbatim
//! after the known ones. Aggregate (`{ … }`) option values are serialized the
//! same way. Stripping source-retention options happens here too.

use std::collections::BTreeMap;

use crate::descriptor::field_descriptor_proto::{Label, Type};
use crate::descriptor::wire::{put_tag, put_varint, Reader, WireType};
use crate::descriptor::FieldDescriptorProto;

/// What the serializer needs to know about one field.
#[derive(Clone, Debug)]
pub struct FieldInfo<'a> {
    pub field: &'a FieldDescriptorProto,
    /// Repeated scalars are written packed.
    pub packed: bool,
    /// Message fields are written as groups (TYPE_GROUP or DELIMITED encoding).
    pub delimited: bool,
    /// `[retention = RETENTION_SOURCE]`: dropped when stripping.
    pub source_retention: bool,
}

impl FieldInfo<'_> {
    pub fn ty(&self) -> Type {
        self.field.r#type.unwrap_or(Type::TYPE_MESSAGE)
    }
    pub fn is_repeated(&self) -> bool {
        self.field.label == Some(Label::LABEL_REPEATED)
    }
    pub fn is_message(&self) -> bool {
        matches!(self.ty(), Type::TYPE_MESSAGE | Type::TYPE_GROUP)
    }
    /// The message type's full name, without the leading dot.
    pub fn message_type(&self) -> &str {
        let t = self.field.type_name.as_deref().unwrap_or("");
        t.strip_prefix('.').unwrap_or(t)
    }
}

/// Field lookup for messages by full name (no leading dot).
pub trait Schema {
    /// Field (or extension) `number` of message `message`.
    fn field(&self, message: &str, number: i32) -> Option<FieldInfo<'_>>;
    /// Whether `message` uses the MessageSet wire format
    /// (`option message_set_wire_format = true`).
    fn is_message_set(&self, _message: &str) -> bool {
        false
    }
}

/// The natural wire type of a field's values.
pub fn wire_type_of(ty: Type, delimited: bool) -> WireType {
    match ty {
        Type::TYPE_DOUBLE | Type::TYPE_FIXED64 | Type::TYPE_SFIXED64 => WireType::Fixed64,
        Type::TYPE_FLOAT | Type::TYPE_FIXED32 | Type::TYPE_SFIXED32 => WireType::Fixed32,
        Type::TYPE_STRING | Type::TYPE_BYTES => WireType::LengthDelimited,
        Type::TYPE_GROUP => WireType::StartGroup,
        Type::TYPE_MESSAGE if delimited => WireType::StartGroup,
        Type::TYPE_MESSAGE => WireType::LengthDelimited,
        _ => WireType::Varint,
    }
}

/// One value of a field.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Varint(u64),
    Fixed32(u32),
    Fixed64(u64),
    Bytes(Vec<u8>),
    Message(DynMessage),
}

#[derive(Clone, Debug, PartialEq)]
struct Slot {
    number: i32,
    repeated: bool,
    packed: bool,
    wire: WireType,
    vals: Vec<Val>,
}

/// A message as a map from field number to values, plus unknown bytes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DynMessage {
    fields: BTreeMap<i32, Slot>,
    unknown: Vec<u8>,
    /// Extensions are written as MessageSet items.
    message_set: bool,
}

/// Why bytes could not be read against the schema.
#[derive(Debug)]
pub struct DynError;

const MAX_DEPTH: u32 = 100;

impl DynMessage {
    /// Parses `bytes` as message `name`, merging into `self`.
    pub fn merge(
        &mut self,
        bytes: &[u8],
        name: &str,
        schema: &dyn Schema,
        depth: u32,
    ) -> Result<(), DynError> {
        if depth > MAX_DEPTH {
            return Err(DynError);
        }
        self.message_set = schema.is_message_set(name);
        let mut r = Reader::new(bytes);
        while !r.is_empty() {
            let start = r.pos();
            let (number, wt) = r.read_tag().map_err(|_| DynError)?;
            if self.message_set && number == 1 && wt == WireType::StartGroup {
                // A MessageSet item: { type_id = 2; message = 3 }.
                let (type_id, body) = read_item(&mut r)?;
                let mut rec = Vec::new();
                put_tag(&mut rec, type_id, WireType::LengthDelimited);
                put_varint(&mut rec, body.len() as u64);
                rec.extend_from_slice(body);
                self.merge(&rec, name, schema, depth)?;
                continue;
            }
            let info = schema.field(name, number as i32);
            let Some(info) = info else {
                r.skip_field(number, wt, MAX_DEPTH - depth)
                    .map_err(|_| DynError)?;
                self.unknown.extend_from_slice(&bytes[start..r.pos()]);
                continue;
            };
            let natural = wire_type_of(info.ty(), info.delimited);
            let packed_input = wt == WireType::LengthDelimited
                && info.is_repeated()
                && !matches!(natural, WireType::LengthDelimited | WireType::StartGroup);
            if wt != natural && !packed_input {
                r.skip_field(number, wt, MAX_DEPTH - depth)
                    .map_err(|_| DynError)?;
                self.unknown.extend_from_slice(&bytes[start..r.pos()]);
                continue;
            }
            let mut vals = Vec::new();
            if packed_input {
                let body = r.read_len_delimited().map_err(|_| DynError)?;
                let mut inner = Reader::new(body);
                while !inner.is_empty() {
                    vals.push(read_scalar(&mut inner, natural)?);
                }
            } else {
                match natural {
                    WireType::LengthDelimited if info.is_message() => {
                        let body = r.read_len_delimited().map_err(|_| DynError)?;
                        let mut m = self.take_message(number as i32, info.is_repeated());
                        m.merge(body, info.message_type(), schema, depth + 1)?;
                        vals.push(Val::Message(m));
                    }
                    WireType::StartGroup => {
                        let body_start = r.pos();
                        r.skip_field(number, wt, MAX_DEPTH - depth)
                            .map_err(|_| DynError)?;
                        let body = &bytes[body_start..r.pos()];
                        // Drop the end-group tag.
                        let end_tag_len = crate::descriptor::wire::tag_len(number);
                        let body = &body[..body.len().saturating_sub(end_tag_len)];
                        let mut m = self.take_message(number as i32, info.is_repeated());
                        m.merge(body, info.message_type(), schema, depth + 1)?;
                        vals.push(Val::Message(m));
                    }
                    _ => vals.push(read_scalar(&mut r, natural)?),
                }
            }
            let slot = self.fields.entry(number as i32).or_insert_with(|| Slot {
                number: number as i32,
                repeated: info.is_repeated(),
                packed: info.packed,
                wire: natural,
                vals: Vec::new(),
            });
            if slot.repeated {
                slot.vals.extend(vals);
            } else if let Some(v) = vals.pop() {
                slot.vals = vec![v];
            }
        }
        Ok(())
    }

    /// For a singular message field, the value merged so far (removed so it
    /// can be merged into); for a repeated one, a fresh message.
    fn take_message(&mut self, number: i32, repeated: bool) -> DynMessage {
        if repeated {
            return DynMessage::default();
        }
        match self.fields.get_mut(&number).and_then(|s| s.vals.pop()) {
            Some(Val::Message(m)) => m,
            _ => DynMessage::default(),
        }
    }

    /// Drops every field whose schema says `retention = RETENTION_SOURCE`,
    /// at any depth; returns the field-number paths of what was dropped.
    pub fn strip_source_retention(&mut self, name: &str, schema: &dyn Schema) -> Vec<Vec<i32>> {
        let mut removed = Vec::new();
        // One definition lookup per field: removed, or kept and searched.
        self.fields.retain(|&n, slot| {
            let Some(info) = schema.field(name, n) else {
                return true;
            };
            if info.source_retention {
                removed.push(vec![n]);
                return false;
            }
            for v in &mut slot.vals {
                if let Val::Message(m) = v {
                    for mut p in m.strip_source_retention(info.message_type(), schema) {
                        p.insert(0, slot.number);
                        removed.push(p);
                    }
                }
            }
            true
        });
        removed
    }

    /// Serializes in field-number order, unknown fields last.
    pub fn write(&self, out: &mut Vec<u8>) {
        for slot in self.fields.values() {
            let number = slot.number as u32;
            if slot.repeated
                && slot.packed
                && !matches!(slot.wire, WireType::LengthDelimited | WireType::StartGroup)
            {
                if slot.vals.is_empty() {
                    continue;
                }
                let mut body = Vec::new();
                for v in &slot.vals {
                    write_scalar(v, &mut body);
                }
                put_tag(out, number, WireType::LengthDelimited);
                put_varint(out, body.len() as u64);
                out.extend_from_slice(&body);
                continue;
            }
            if self.message_set && slot.number != 0 {
                // Extensions of a MessageSet: one item group per value.
                if let Some(Val::Message(_)) = slot.vals.first() {
                    for v in &slot.vals {
                        let Val::Message(m) = v else { continue };
                        let body = m.to_bytes();
                        put_tag(out, 1, WireType::StartGroup);
                        put_tag(out, 2, WireType::Varint);
                        put_varint(out, number as u64);
                        put_tag(out, 3, WireType::LengthDelimited);
                        put_varint(out, body.len() as u64);
                        out.extend_from_slice(&body);
                        put_tag(out, 1, WireType::EndGroup);
                    }
                    continue;
                }
            }
            for v in &slot.vals {
                match (v, slot.wire) {
                    (Val::Message(m), WireType::StartGroup) => {
                        put_tag(out, number, WireType::StartGroup);
                        m.write(out);
                        put_tag(out, number, WireType::EndGroup);
                    }
                    (Val::Message(m), _) => {
                        let mut body = Vec::new();
                        m.write(&mut body);
                        put_tag(out, number, WireType::LengthDelimited);
                        put_varint(out, body.len() as u64);
                        out.extend_from_slice(&body);
                    }
                    (Val::Bytes(b), _) => {
                        put_tag(out, number, WireType::LengthDelimited);
                        put_varint(out, b.len() as u64);
                        out.extend_from_slice(b);
                    }
                    (v, wt) => {
                        put_tag(out, number, wt);
                        write_scalar(v, out);
                    }
                }
            }
        }
        out.extend_from_slice(&self.unknown);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.unknown.is_empty()
    }
}

/// Reads the rest of a MessageSet item group: (type_id, message bytes).
fn read_item<'b>(r: &mut Reader<'b>) -> Result<(u32, &'b [u8]), DynError> {
    let mut type_id = 0u32;
    let mut body: &[u8] = &[];
    loop {
        let (n, wt) = r.read_tag().map_err(|_| DynError)?;
        match (n, wt) {
            (1, WireType::EndGroup) => return Ok((type_id, body)),
            (2, WireType::Varint) => type_id = r.read_varint().map_err(|_| DynError)? as u32,
            (3, WireType::LengthDelimited) => {
                body = r.read_len_delimited().map_err(|_| DynError)?
            }
            (n, wt) => r.skip_field(n, wt, MAX_DEPTH).map_err(|_| DynError)?,
        }
    }
}

fn read_scalar(r: &mut Reader<'_>, wt: WireType) -> Result<Val, DynError> {
    Ok(match wt {
        WireType::Varint => Val::Varint(r.read_varint().map_err(|_| DynError)?),
        WireType::Fixed32 => Val::Fixed32(r.read_fixed32().map_err(|_| DynError)?),
        WireType::Fixed64 => Val::Fixed64(r.read_fixed64().map_err(|_| DynError)?),
        WireType::LengthDelimited => {
            Val::Bytes(r.read_len_delimited().map_err(|_| DynError)?.to_vec())
        }
        _ => return Err(DynError),
    })
}

fn write_scalar(v: &Val, out: &mut Vec<u8>) {
    match v {
        Val::Varint(x) => put_varint(out, *x),
        Val::Fixed32(x) => out.extend_from_slice(&x.to_le_bytes()),
        Val::Fixed64(x) => out.extend_from_slice(&x.to_le_bytes()),
        Val::Bytes(b) => {
            put_varint(out, b.len() as u64);
            out.extend_from_slice(b);
        }
        Val::Message(m) => {
            let body = m.to_bytes();
            put_varint(out, body.len() as u64);
            out.extend_from_slice(&body);
        }
    }
}

/// Whether [`canonicalize`] (with `strip`) would return `bytes` (fields of
/// a message of type `name`, all numbered `min` or more) unchanged and
/// remove nothing: every field is known, none has source retention, their
/// numbers do not go down, only repeated unpacked fields repeat, packed
/// ones come as one record, and messages inside are canonical too. A
/// quick scan with no allocation; `false` when unsure.
pub fn is_canonical(bytes: &[u8], name: &str, schema: &dyn Schema, min: u32, depth: u32) -> bool {
    if depth > MAX_DEPTH || schema.is_message_set(name) {
        return false;
    }
    let mut r = Reader::new(bytes);
    let mut last = 0u32;
    while !r.is_empty() {
        let Ok((number, wt)) = r.read_tag() else {
            return false;
        };
        let Some(info) = schema.field(name, number as i32) else {
            return false;
        };
        if info.source_retention || number < min.max(last) {
            return false;
        }
        let natural = wire_type_of(info.ty(), info.delimited);
        let scalar = !matches!(natural, WireType::LengthDelimited | WireType::StartGroup);
        let packed = info.is_repeated() && info.packed && scalar;
        if number == last && (!info.is_repeated() || packed) {
            return false;
        }
        last = number;
        if packed {
            if wt != WireType::LengthDelimited {
                return false;
            }
            let Ok(body) = r.read_len_delimited() else {
                return false;
            };
            let mut inner = Reader::new(body);
            while !inner.is_empty() {
                if read_scalar(&mut inner, natural).is_err() {
                    return false;
                }
            }
            continue;
        }
        if wt != natural {
            return false;
        }
        match natural {
            WireType::StartGroup => return false,
            WireType::LengthDelimited => {
                let Ok(body) = r.read_len_delimited() else {
                    return false;
                };
                if info.is_message()
                    && !is_canonical(body, info.message_type(), schema, 0, depth + 1)
                {
                    return false;
                }
            }
            _ => {
                if read_scalar(&mut r, natural).is_err() {
                    return false;
                }
            }
        }
    }
    true
}

/// Re-serializes `bytes` (a message of type `name`) canonically; with
/// `strip`, source-retention fields are dropped and their paths returned.
/// Bytes that do not parse are returned unchanged.
pub fn canonicalize(
    bytes: &[u8],
    name: &str,
    schema: &dyn Schema,
    strip: bool,
) -> (Vec<u8>, Vec<Vec<i32>>) {
    let mut m = DynMessage::default();
    if m.merge(bytes, name, schema, 0).is_err() {
        return (bytes.to_vec(), Vec::new());
    }
    let removed = if strip {
        m.strip_source_retention(name, schema)
    } else {
        Vec::new()
    };
    (m.to_bytes(), removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct S(HashMap<(String, i32), (FieldDescriptorProto, bool, bool)>);
    impl Schema for S {
        fn field(&self, message: &str, number: i32) -> Option<FieldInfo<'_>> {
            self.0
                .get(&(message.to_string(), number))
                .map(|(f, packed, src)| FieldInfo {
                    field: f,
                    packed: *packed,
                    delimited: false,
                    source_retention: *src,
                })
        }
    }
    fn fd(ty: Type, label: Label, type_name: Option<&str>) -> FieldDescriptorProto {
        FieldDescriptorProto {
            r#type: Some(ty),
            label: Some(label),
            type_name: type_name.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn sorts_merges_packs_and_strips() {
        let mut m = HashMap::new();
        m.insert(
            ("O".to_string(), 5),
            (
                fd(Type::TYPE_MESSAGE, Label::LABEL_OPTIONAL, Some(".M")),
                false,
                false,
            ),
        );
        m.insert(
            ("O".to_string(), 3),
            (
                fd(Type::TYPE_INT32, Label::LABEL_REPEATED, None),
                true,
                false,
            ),
        );
        m.insert(
            ("O".to_string(), 4),
            (
                fd(Type::TYPE_INT32, Label::LABEL_OPTIONAL, None),
                false,
                true,
            ),
        );
        m.insert(
            ("M".to_string(), 1),
            (
                fd(Type::TYPE_INT32, Label::LABEL_OPTIONAL, None),
                false,
                false,
            ),
        );
        m.insert(
            ("M".to_string(), 2),
            (
                fd(Type::TYPE_INT32, Label::LABEL_OPTIONAL, None),
                false,
                false,
            ),
        );
        let s = S(m);
        // 5 { 2: 7 }, 3: 1, 4: 9 (source), 5 { 1: 8 }, 3: 2, 99: 1 (unknown)
        let input = [
            0x2a, 2, 0x10, 7, 0x18, 1, 0x20, 9, 0x2a, 2, 0x08, 8, 0x18, 2, 0x98, 0x06, 1,
        ];
        let (out, removed) = canonicalize(&input, "O", &s, true);
        assert_eq!(removed, vec![vec![4]]);
        assert_eq!(
            out,
            vec![0x1a, 2, 1, 2, 0x2a, 4, 0x08, 8, 0x10, 7, 0x98, 0x06, 1]
        );

        // The quick scan says "canonical" only where canonicalizing changes
        // nothing.
        let canonical = |b: &[u8]| is_canonical(b, "O", &s, 0, 0);
        let cases: [(&[u8], bool); 9] = [
            // 3: [1, 2] packed, 5 { 1: 8, 2: 7 }
            (&[0x1a, 2, 1, 2, 0x2a, 4, 0x08, 8, 0x10, 7], true),
            (&[], true),
            // out of order
            (&[0x2a, 2, 0x08, 8, 0x1a, 1, 1], false),
            // a singular message twice (merged)
            (&[0x2a, 2, 0x08, 8, 0x2a, 2, 0x10, 7], false),
            // a packed field unpacked, or in two records
            (&[0x18, 1], false),
            (&[0x1a, 1, 1, 0x1a, 1, 2], false),
            // source retention
            (&[0x20, 9], false),
            // unknown field, and a message out of order inside
            (&[0x98, 0x06, 1], false),
            (&[0x2a, 4, 0x10, 7, 0x08, 8], false),
        ];
        for (b, want) in cases {
            assert_eq!(canonical(b), want, "{b:?}");
            let (again, removed) = canonicalize(b, "O", &s, true);
            // Unknown fields stay as they are, but the scan does not know
            // where: it declines.
            let unknown = b == [0x98, 0x06, 1];
            let unchanged = again.as_slice() == b && removed.is_empty();
            assert_eq!(unchanged, want || unknown, "{b:?}");
        }
        // Numbers below `min` are not canonical extensions.
        assert!(!is_canonical(&[0x1a, 1, 1], "O", &s, 4, 0));
    }
}
