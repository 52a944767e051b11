//! Parsing with protobuf C++ semantics for proto2 messages.
//!
//! * Repeated scalar fields accept both packed and unpacked encodings.
//! * Fields with unknown numbers, and known fields that arrive with the wrong
//!   wire type, are kept byte-for-byte in the message's `unknown`, in the
//!   order met.
//! * Enums in descriptor.proto are closed (proto2): a value the enum does not
//!   declare is kept in `unknown` as a varint field, exactly where protobuf
//!   C++ keeps it, so decode-then-encode matches C++ parse-then-serialize.
//! * A singular field seen twice: the last scalar wins, sub-messages merge.
//! * Malformed input gives a [`DecodeError`], never a panic.

use std::fmt;

use super::types::ProtoEnum;
use super::wire::{put_tag, put_varint, Reader, WireType, RECURSION_LIMIT};

/// Why a byte string could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Input ended in the middle of a value, or a length ran past the end.
    Truncated,
    /// A varint longer than ten bytes.
    MalformedVarint,
    /// A tag with field number 0 or wider than 32 bits (raw tag value).
    InvalidTag(u64),
    /// Wire type 6 or 7.
    InvalidWireType(u32),
    /// An end-group tag with no matching start group, or with another
    /// field number.
    GroupMismatch,
    /// A length prefix larger than 2^31 - 1.
    LengthOverflow,
    /// Sub-messages or groups nested deeper than 100 levels.
    RecursionLimit,
    /// A `string` field that is not valid UTF-8.
    InvalidUtf8,
    /// A packed record whose body does not end on an element boundary.
    BadPacked,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated => f.write_str("unexpected end of input"),
            DecodeError::MalformedVarint => f.write_str("malformed varint"),
            DecodeError::InvalidTag(t) => write!(f, "invalid tag {t}"),
            DecodeError::InvalidWireType(w) => write!(f, "invalid wire type {w}"),
            DecodeError::GroupMismatch => f.write_str("mismatched end-group tag"),
            DecodeError::LengthOverflow => f.write_str("length prefix too large"),
            DecodeError::RecursionLimit => f.write_str("message nesting exceeds recursion limit"),
            DecodeError::InvalidUtf8 => f.write_str("string field is not valid UTF-8"),
            DecodeError::BadPacked => f.write_str("malformed packed repeated field"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A message that can be parsed from protobuf wire format.
pub trait Decode: Default {
    /// Merges one field whose tag was just read. Returns `Ok(false)` when the
    /// field is not one this message knows with this wire type; the caller
    /// then keeps it as unknown bytes. Used by [`decode`]; callers normally
    /// do not need it.
    #[doc(hidden)]
    fn merge_field(
        &mut self,
        number: u32,
        wt: WireType,
        r: &mut Reader<'_>,
        depth: u32,
    ) -> Result<bool, DecodeError>;

    /// The raw bytes of fields this message does not know.
    fn unknown_fields(&self) -> &[u8];

    /// Mutable access to the unknown bytes.
    fn unknown_fields_mut(&mut self) -> &mut Vec<u8>;

    /// Parses `bytes` and merges them into `self` (protobuf `MergeFrom`
    /// semantics).
    fn merge_from_bytes(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        merge_message(self, &mut Reader::new(bytes), RECURSION_LIMIT)
    }
}

/// Boxed messages decode as the message itself.
impl<T: Decode> Decode for Box<T> {
    fn merge_field(
        &mut self,
        number: u32,
        wt: WireType,
        r: &mut Reader<'_>,
        depth: u32,
    ) -> Result<bool, DecodeError> {
        (**self).merge_field(number, wt, r, depth)
    }

    fn unknown_fields(&self) -> &[u8] {
        (**self).unknown_fields()
    }

    fn unknown_fields_mut(&mut self) -> &mut Vec<u8> {
        (**self).unknown_fields_mut()
    }
}

/// Parses a whole message from `bytes`.
pub fn decode<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut m = T::default();
    m.merge_from_bytes(bytes)?;
    Ok(m)
}

/// Reads fields until the reader is exhausted. `depth` is how many more
/// levels of nesting are allowed below this message.
#[doc(hidden)]
pub fn merge_message<T: Decode>(
    msg: &mut T,
    r: &mut Reader<'_>,
    depth: u32,
) -> Result<(), DecodeError> {
    while !r.is_empty() {
        let start = r.pos();
        let (number, wt) = r.read_tag()?;
        if wt == WireType::EndGroup {
            return Err(DecodeError::GroupMismatch);
        }
        if !msg.merge_field(number, wt, r, depth)? {
            r.skip_field(number, wt, depth)?;
            let raw = &r.buf()[start..r.pos()];
            msg.unknown_fields_mut().extend_from_slice(raw);
        }
    }
    Ok(())
}

/// Merge helpers, one module per field kind used in `types.rs`. Each has
/// `merge(&mut field, &mut unknown, number, wt, reader, depth) -> Result<bool>`
/// returning `Ok(false)` when the wire type does not fit the field.
#[doc(hidden)]
pub mod kinds {
    use super::*;

    fn read_string(r: &mut Reader<'_>) -> Result<String, DecodeError> {
        let b = r.read_len_delimited()?;
        String::from_utf8(b.to_vec()).map_err(|_| DecodeError::InvalidUtf8)
    }

    /// Reads every element of a packed record with `one`.
    fn packed<T>(
        r: &mut Reader<'_>,
        out: &mut Vec<T>,
        mut one: impl FnMut(&mut Reader<'_>) -> Result<T, DecodeError>,
    ) -> Result<(), DecodeError> {
        let body = r.read_len_delimited()?;
        let mut pr = Reader::new(body);
        while !pr.is_empty() {
            let v = one(&mut pr).map_err(|e| match e {
                DecodeError::Truncated => DecodeError::BadPacked,
                e => e,
            })?;
            out.push(v);
        }
        Ok(())
    }

    macro_rules! scalar_kind {
        ($opt:ident, $rep:ident, $t:ty, $wt:pat, $packable:expr, |$r:ident| $read:expr) => {
            pub mod $opt {
                use super::*;
                pub fn merge(
                    f: &mut Option<$t>,
                    _u: &mut Vec<u8>,
                    _n: u32,
                    wt: WireType,
                    $r: &mut Reader<'_>,
                    _d: u32,
                ) -> Result<bool, DecodeError> {
                    if !matches!(wt, $wt) {
                        return Ok(false);
                    }
                    *f = Some($read?);
                    Ok(true)
                }
            }
            pub mod $rep {
                use super::*;
                pub fn merge(
                    f: &mut Vec<$t>,
                    _u: &mut Vec<u8>,
                    _n: u32,
                    wt: WireType,
                    r: &mut Reader<'_>,
                    _d: u32,
                ) -> Result<bool, DecodeError> {
                    if matches!(wt, $wt) {
                        let $r = r;
                        f.push($read?);
                        return Ok(true);
                    }
                    if $packable && wt == WireType::LengthDelimited {
                        packed(r, f, |$r| $read)?;
                        return Ok(true);
                    }
                    Ok(false)
                }
            }
        };
    }

    scalar_kind!(opt_int32, rep_int32, i32, WireType::Varint, true, |r| r
        .read_varint()
        .map(|v| v as i32));
    scalar_kind!(opt_int64, rep_int64, i64, WireType::Varint, true, |r| r
        .read_varint()
        .map(|v| v as i64));
    scalar_kind!(opt_uint64, rep_uint64, u64, WireType::Varint, true, |r| r
        .read_varint());
    scalar_kind!(opt_bool, rep_bool, bool, WireType::Varint, true, |r| r
        .read_varint()
        .map(|v| v != 0));
    scalar_kind!(opt_double, rep_double, f64, WireType::Fixed64, true, |r| r
        .read_fixed64()
        .map(f64::from_bits));
    scalar_kind!(
        opt_string,
        rep_string,
        String,
        WireType::LengthDelimited,
        false,
        |r| read_string(r)
    );
    scalar_kind!(
        opt_bytes,
        rep_bytes,
        Vec<u8>,
        WireType::LengthDelimited,
        false,
        |r| r.read_len_delimited().map(<[u8]>::to_vec)
    );

    /// Declared packed; unpacked input is accepted too.
    pub mod packed_int32 {
        pub use super::rep_int32::merge;
    }

    /// Keeps an undeclared enum value as an unknown varint field.
    fn push_unknown_enum(u: &mut Vec<u8>, number: u32, raw: u64) {
        put_tag(u, number, WireType::Varint);
        put_varint(u, raw);
    }

    pub mod opt_enum {
        use super::*;
        pub fn merge<E: ProtoEnum>(
            f: &mut Option<E>,
            u: &mut Vec<u8>,
            n: u32,
            wt: WireType,
            r: &mut Reader<'_>,
            _d: u32,
        ) -> Result<bool, DecodeError> {
            if wt != WireType::Varint {
                return Ok(false);
            }
            let raw = r.read_varint()?;
            let e = E::from_i32(raw as i32);
            if e.is_known() {
                *f = Some(e);
            } else {
                push_unknown_enum(u, n, raw);
            }
            Ok(true)
        }
    }

    pub mod rep_enum {
        use super::*;
        pub fn merge<E: ProtoEnum>(
            f: &mut Vec<E>,
            u: &mut Vec<u8>,
            n: u32,
            wt: WireType,
            r: &mut Reader<'_>,
            _d: u32,
        ) -> Result<bool, DecodeError> {
            let mut raws = Vec::new();
            match wt {
                WireType::Varint => raws.push(r.read_varint()?),
                WireType::LengthDelimited => packed(r, &mut raws, |pr| pr.read_varint())?,
                _ => return Ok(false),
            }
            for raw in raws {
                let e = E::from_i32(raw as i32);
                if e.is_known() {
                    f.push(e);
                } else {
                    push_unknown_enum(u, n, raw);
                }
            }
            Ok(true)
        }
    }

    fn merge_sub<T: Decode>(m: &mut T, r: &mut Reader<'_>, depth: u32) -> Result<(), DecodeError> {
        if depth == 0 {
            return Err(DecodeError::RecursionLimit);
        }
        let body = r.read_len_delimited()?;
        merge_message(m, &mut Reader::new(body), depth - 1)
    }

    pub mod opt_msg {
        use super::*;
        pub fn merge<T: Decode>(
            f: &mut Option<T>,
            _u: &mut Vec<u8>,
            _n: u32,
            wt: WireType,
            r: &mut Reader<'_>,
            d: u32,
        ) -> Result<bool, DecodeError> {
            if wt != WireType::LengthDelimited {
                return Ok(false);
            }
            merge_sub(f.get_or_insert_with(T::default), r, d)?;
            Ok(true)
        }
    }

    pub mod rep_msg {
        use super::*;
        pub fn merge<T: Decode>(
            f: &mut Vec<T>,
            _u: &mut Vec<u8>,
            _n: u32,
            wt: WireType,
            r: &mut Reader<'_>,
            d: u32,
        ) -> Result<bool, DecodeError> {
            if wt != WireType::LengthDelimited {
                return Ok(false);
            }
            let mut m = T::default();
            merge_sub(&mut m, r, d)?;
            f.push(m);
            Ok(true)
        }
    }
}

#[cfg(test)]
mod tests {
    // Expected re-encodings below were checked against Python protobuf's
    // descriptor_pb2 (parse, then SerializeToString).
    use super::super::types::*;
    use super::super::{encode_to_vec, Encode};
    use super::*;

    #[test]
    fn unknown_fields_kept_in_order() {
        // name="a", field 100 fixed32, field 2 (extendee) string, field 100
        // again as a group with a varint inside, field 102 fixed64, field 103
        // varint.
        let bytes: Vec<u8> = vec![
            0x0a, 0x01, b'a', // name
            0xa5, 0x06, 1, 2, 3, 4, // 100: fixed32
            0x12, 0x01, b'b', // extendee
            0xab, 0x06, 0x08, 0x01, 0xac, 0x06, // 100: group { 1: 1 }
            0xb1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, // 102: fixed64
            0xb8, 0x06, 0x2a, // 103: varint 42
        ];
        let f: FieldDescriptorProto = decode(&bytes).unwrap();
        assert_eq!(f.name.as_deref(), Some("a"));
        assert_eq!(f.extendee.as_deref(), Some("b"));
        assert_eq!(
            f.unknown,
            [
                0xa5, 0x06, 1, 2, 3, 4, 0xab, 0x06, 0x08, 0x01, 0xac, 0x06, 0xb1, 0x06, 1, 2, 3, 4,
                5, 6, 7, 8, 0xb8, 0x06, 0x2a
            ]
        );
        // re-encoding puts known fields in number order, then unknowns
        let mut expect = vec![0x0a, 0x01, b'a', 0x12, 0x01, b'b'];
        expect.extend_from_slice(&f.unknown);
        assert_eq!(encode_to_vec(&f), expect);
    }

    #[test]
    fn location_unknown_fields_kept_after_known_ones() {
        // path [1], field 7 varint 5 (unknown), leading comment "c".
        let bytes = [0x0a, 0x01, 0x01, 0x38, 0x05, 0x1a, 0x01, b'c'];
        let l: source_code_info::Location = decode(&bytes).unwrap();
        assert_eq!(l.unknown_fields(), [0x38, 0x05]);
        assert_eq!(l.leading_comments(), Some("c"));
        assert_eq!(
            encode_to_vec(&l),
            [0x0a, 0x01, 0x01, 0x1a, 0x01, b'c', 0x38, 0x05]
        );
        // A location without comments or unknown fields keeps no box.
        let plain: source_code_info::Location = decode(&[0x0a, 0x01, 0x01]).unwrap();
        assert!(plain.comments.is_none());
        #[cfg(target_pointer_width = "64")]
        assert_eq!(std::mem::size_of::<source_code_info::Location>(), 64);
    }

    #[test]
    fn packed_and_unpacked_both_accepted() {
        // public_dependency (10) packed, weak_dependency (11) unpacked
        let bytes = [0x52, 0x02, 0x01, 0x02, 0x58, 0x03, 0x58, 0x04];
        let f: FileDescriptorProto = decode(&bytes).unwrap();
        assert_eq!(f.public_dependency, [1, 2]);
        assert_eq!(f.weak_dependency, [3, 4]);
        // Location.path (packed) given unpacked
        let bytes = [0x08, 0x04, 0x08, 0x00, 0x12, 0x01, 0x07];
        let l: source_code_info::Location = decode(&bytes).unwrap();
        assert_eq!(l.path[..], [4, 0]);
        assert_eq!(l.span[..], [7]);
        // re-encoded with the declared packing
        assert_eq!(
            encode_to_vec(&l),
            [0x0a, 0x02, 0x04, 0x00, 0x12, 0x01, 0x07]
        );
    }

    #[test]
    fn wrong_wire_type_goes_to_unknown() {
        // name (1) as varint instead of string
        let bytes = [0x08, 0x05];
        let f: FileDescriptorProto = decode(&bytes).unwrap();
        assert_eq!(f.name, None);
        assert_eq!(f.unknown, bytes);
        assert_eq!(encode_to_vec(&f), bytes);
    }

    #[test]
    fn undeclared_enum_values_kept_as_unknown() {
        // FieldDescriptorProto.type = 99, label = 1
        let bytes = [0x28, 0x63, 0x20, 0x01];
        let f: FieldDescriptorProto = decode(&bytes).unwrap();
        assert_eq!(f.r#type, None);
        assert_eq!(f.label, Some(field_descriptor_proto::Label::LABEL_OPTIONAL));
        assert_eq!(f.unknown, [0x28, 0x63]);
        assert_eq!(encode_to_vec(&f), [0x20, 0x01, 0x28, 0x63]);
        // negative edition value survives too
        let bytes = [
            0x70, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        let f: FileDescriptorProto = decode(&bytes).unwrap();
        assert_eq!(f.edition, None);
        assert_eq!(encode_to_vec(&f), bytes);
        // packed repeated enum with one undeclared value
        let bytes = [0x9a, 0x01, 0x03, 0x01, 0x63, 0x04];
        let o: FieldOptions = decode(&bytes).unwrap();
        assert_eq!(
            o.targets,
            [
                field_options::OptionTargetType::TARGET_TYPE_FILE,
                field_options::OptionTargetType::TARGET_TYPE_FIELD
            ]
        );
        assert_eq!(o.unknown, [0x98, 0x01, 0x63]);
        assert_eq!(
            encode_to_vec(&o),
            [0x98, 0x01, 0x01, 0x98, 0x01, 0x04, 0x98, 0x01, 0x63]
        );
    }

    #[test]
    fn repeated_singular_fields_last_wins_and_messages_merge() {
        // options { deprecated: true } name "x" name "y" options { map_entry: true }
        let bytes = [
            0x3a, 0x02, 0x18, 0x01, 0x0a, 0x01, b'x', 0x0a, 0x01, b'y', 0x3a, 0x02, 0x38, 0x01,
        ];
        let m: DescriptorProto = decode(&bytes).unwrap();
        assert_eq!(m.name.as_deref(), Some("y"));
        let o = m.options.unwrap();
        assert_eq!(o.deprecated, Some(true));
        assert_eq!(o.map_entry, Some(true));
    }

    #[test]
    fn malformed_inputs_error() {
        let cases: &[(&[u8], DecodeError)] = &[
            (&[0x0a], DecodeError::Truncated),
            (&[0x0a, 0x05, b'a'], DecodeError::Truncated),
            (&[0x18, 0x80], DecodeError::Truncated),
            (
                &[
                    0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
                ],
                DecodeError::MalformedVarint,
            ),
            (&[0x0e, 0x00], DecodeError::InvalidWireType(6)),
            (&[0x0f, 0x00], DecodeError::InvalidWireType(7)),
            (&[0x00], DecodeError::InvalidTag(0)),
            (&[0x0c], DecodeError::GroupMismatch),
            (&[0xab, 0x06, 0xb4, 0x06], DecodeError::GroupMismatch),
            (&[0xab, 0x06], DecodeError::Truncated),
            (&[0x0a, 0x02, 0xff, 0xfe], DecodeError::InvalidUtf8),
            (&[0x52, 0x03, 0x01], DecodeError::Truncated),
            (&[0xa5, 0x06, 1, 2], DecodeError::Truncated),
            (&[0x22, 0x02, 0x0a, 0x05], DecodeError::Truncated),
        ];
        for (bytes, want) in cases {
            let got = decode::<DescriptorProto>(bytes);
            assert_eq!(got.as_ref().err(), Some(want), "input {bytes:02x?}");
        }
        // packed public_dependency whose last varint is cut
        assert_eq!(
            decode::<FileDescriptorProto>(&[0x52, 0x02, 0x01, 0x80]).err(),
            Some(DecodeError::BadPacked)
        );
    }

    /// `levels` nested DescriptorProto.nested_type records, innermost empty.
    fn nested(levels: usize) -> Vec<u8> {
        let mut m = DescriptorProto::default();
        for _ in 0..levels {
            m = DescriptorProto {
                nested_type: vec![m],
                ..Default::default()
            };
        }
        encode_to_vec(&m)
    }

    #[test]
    fn recursion_limit_is_100() {
        let ok = nested(100);
        assert!(decode::<DescriptorProto>(&ok).is_ok());
        let bad = nested(101);
        assert_eq!(
            decode::<DescriptorProto>(&bad).err(),
            Some(DecodeError::RecursionLimit)
        );
        // unknown groups count toward the same limit
        let mut g = Vec::new();
        for _ in 0..101 {
            g.extend_from_slice(&[0xab, 0x06]);
        }
        for _ in 0..101 {
            g.extend_from_slice(&[0xac, 0x06]);
        }
        assert_eq!(
            decode::<DescriptorProto>(&g).err(),
            Some(DecodeError::RecursionLimit)
        );
        assert!(decode::<DescriptorProto>(&g[2..g.len() - 2]).is_ok());
    }

    #[test]
    fn merge_from_bytes_appends() {
        let mut s = FileDescriptorSet::default();
        let one = encode_to_vec(&FileDescriptorSet {
            file: vec![FileDescriptorProto {
                name: Some("a.proto".into()),
                ..Default::default()
            }],
            unknown: vec![],
        });
        s.merge_from_bytes(&one).unwrap();
        s.merge_from_bytes(&one).unwrap();
        assert_eq!(s.file.len(), 2);
        assert_eq!(s.encoded_len(), 2 * one.len());
    }

    #[test]
    fn no_panic_on_truncations_of_valid_input() {
        let m = FileDescriptorProto {
            name: Some("x.proto".into()),
            message_type: vec![DescriptorProto {
                name: Some("M".into()),
                field: vec![FieldDescriptorProto {
                    name: Some("f".into()),
                    number: Some(-5),
                    options: Some(Box::new(FieldOptions {
                        packed: Some(true),
                        unknown: vec![0xab, 0x06, 0x08, 0x01, 0xac, 0x06],
                        ..Default::default()
                    })),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            source_code_info: Some(SourceCodeInfo {
                location: vec![source_code_info::Location {
                    path: [4, 0, 2, 0].as_slice().into(),
                    span: [1, 2, 3].as_slice().into(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        };
        let b = encode_to_vec(&m);
        assert_eq!(decode::<FileDescriptorProto>(&b).unwrap(), m);
        for cut in 0..b.len() {
            let _ = decode::<FileDescriptorProto>(&b[..cut]);
            let mut flipped = b.clone();
            flipped[cut] ^= 0xff;
            let _ = decode::<FileDescriptorProto>(&flipped);
        }
    }

    mod fuzz {
        use super::super::super::types::*;
        use super::super::super::{decode, encode_to_vec};
        use proptest::prelude::*;

        /// A valid descriptor set with nesting, packed fields, unknown
        /// fields (a group among them) and negative numbers, to mutate.
        fn seed() -> Vec<u8> {
            let file = FileDescriptorProto {
                name: Some("s.proto".into()),
                dependency: vec!["d.proto".into()],
                public_dependency: vec![0],
                message_type: vec![DescriptorProto {
                    name: Some("M".into()),
                    field: vec![FieldDescriptorProto {
                        name: Some("f".into()),
                        number: Some(1),
                        label: Some(field_descriptor_proto::Label::LABEL_REPEATED),
                        options: Some(Box::new(FieldOptions {
                            targets: vec![field_options::OptionTargetType::TARGET_TYPE_FIELD],
                            unknown: vec![0xab, 0x06, 0x08, 0x01, 0xac, 0x06],
                            ..Default::default()
                        })),
                        ..Default::default()
                    }],
                    reserved_range: vec![descriptor_proto::ReservedRange {
                        start: Some(-3),
                        end: Some(9),
                        unknown: vec![],
                    }],
                    ..Default::default()
                }],
                source_code_info: Some(SourceCodeInfo {
                    location: vec![source_code_info::Location {
                        path: [4, 0].as_slice().into(),
                        span: [1, 0, 12].as_slice().into(),
                        comments: Some(Box::new(source_code_info::LocationComments {
                            leading: Some(" hi\n".into()),
                            ..Default::default()
                        })),
                    }],
                    ..Default::default()
                }),
                edition: Some(Edition::EDITION_2023),
                ..Default::default()
            };
            encode_to_vec(&FileDescriptorSet {
                file: vec![file],
                unknown: vec![],
            })
        }

        /// Whatever decodes must re-encode to bytes that decode and
        /// re-encode to themselves (encode . decode is idempotent).
        fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
            if let Ok(set) = decode::<FileDescriptorSet>(bytes) {
                let once = encode_to_vec(&set);
                let again: FileDescriptorSet =
                    decode(&once).map_err(|e| TestCaseError::fail(format!("re-decode: {e}")))?;
                prop_assert_eq!(encode_to_vec(&again), once);
            }
            Ok(())
        }

        proptest! {
            #[test]
            fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
                check(&bytes)?;
            }

            #[test]
            fn mutated_valid_input(
                edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
                cut in any::<usize>(),
            ) {
                let mut b = seed();
                for (at, v) in edits {
                    let i = at % b.len();
                    b[i] = v;
                }
                let keep = b.len() - cut % (b.len() / 4 + 1);
                b.truncate(keep);
                check(&b)?;
            }
        }
    }
}
