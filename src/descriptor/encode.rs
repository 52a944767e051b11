//! Serialization in the exact byte layout protobuf C++ produces.
//!
//! Known fields are written in field-number order (the message macro in
//! `types.rs` lists them that way), then the message's `unknown` bytes
//! verbatim. Only fields that descriptor.proto marks `[packed = true]` are
//! packed.
//!
//! Sizes are computed in one pre-order pass into a flat `Vec<usize>` (one slot
//! per message instance), and the write pass then consumes those slots in the
//! same order, so every nested message is sized exactly once: linear in the
//! size of the tree no matter how deep it is.

use super::types::ProtoEnum;
use super::wire::{int32_len, put_int32, put_tag, put_varint, tag_len, varint_len, WireType};

/// A message that can be serialized.
pub trait Encode {
    /// Number of bytes [`Encode::encode`] will append.
    fn encoded_len(&self) -> usize {
        let mut sizes = Vec::new();
        self.compute_sizes(&mut sizes)
    }

    /// Appends the serialized message to `buf`.
    fn encode(&self, buf: &mut Vec<u8>) {
        // Small messages (options, mostly) are encoded one by one in great
        // numbers: each thread keeps its slots list for the next one.
        thread_local! {
            static SIZES: std::cell::Cell<Vec<usize>> = const { std::cell::Cell::new(Vec::new()) };
        }
        let mut sizes = SIZES.with(|s| s.take());
        sizes.clear();
        let len = self.compute_sizes(&mut sizes);
        buf.reserve(len);
        let mut cursor = 0;
        self.write_sized(buf, &sizes, &mut cursor);
        if sizes.capacity() <= 4096 {
            SIZES.with(|s| s.set(sizes));
        }
    }

    /// Pushes this message's size into its pre-order slot (then the slots of
    /// its nested messages) and returns that size. Building block of
    /// [`Encode::encode`]; callers normally do not need it.
    #[doc(hidden)]
    fn compute_sizes(&self, sizes: &mut Vec<usize>) -> usize;

    /// Writes this message's body, consuming its slot and its nested
    /// messages' slots from `sizes` starting at `*cursor`.
    #[doc(hidden)]
    fn write_sized(&self, buf: &mut Vec<u8>, sizes: &[usize], cursor: &mut usize);
}

/// Boxed messages (the options of descriptor elements) encode as the
/// message itself.
impl<T: Encode> Encode for Box<T> {
    fn compute_sizes(&self, sizes: &mut Vec<usize>) -> usize {
        (**self).compute_sizes(sizes)
    }

    fn write_sized(&self, buf: &mut Vec<u8>, sizes: &[usize], cursor: &mut usize) {
        (**self).write_sized(buf, sizes, cursor)
    }
}

/// Reserves the pre-order slot for a message about to be sized.
#[doc(hidden)]
#[inline]
pub fn begin_size(sizes: &mut Vec<usize>) -> usize {
    sizes.push(0);
    sizes.len() - 1
}

#[inline]
fn len_delimited_len(number: u32, body: usize) -> usize {
    tag_len(number) + varint_len(body as u64) + body
}

/// Size and write helpers, one module per field kind used in `types.rs`.
/// Each has `size(number, &field, sizes) -> usize` and
/// `write(number, &field, buf, sizes, cursor)`.
#[doc(hidden)]
pub mod kinds {
    use super::*;

    macro_rules! scalar_kind {
        ($opt:ident, $rep:ident, $t:ty, $wt:expr, |$v:ident| $len:expr, |$b:ident, $w:ident| $put:expr) => {
            pub mod $opt {
                use super::*;
                #[inline]
                pub fn size(number: u32, f: &Option<$t>, _s: &mut Vec<usize>) -> usize {
                    match f {
                        Some($v) => tag_len(number) + $len,
                        None => 0,
                    }
                }
                #[inline]
                pub fn write(
                    number: u32,
                    f: &Option<$t>,
                    $b: &mut Vec<u8>,
                    _s: &[usize],
                    _c: &mut usize,
                ) {
                    if let Some($w) = f {
                        put_tag($b, number, $wt);
                        $put;
                    }
                }
            }
            /// Repeated, not packed: one tag per element.
            pub mod $rep {
                use super::*;
                #[inline]
                pub fn size(number: u32, f: &[$t], _s: &mut Vec<usize>) -> usize {
                    f.iter().map(|$v| tag_len(number) + $len).sum()
                }
                #[inline]
                pub fn write(
                    number: u32,
                    f: &[$t],
                    $b: &mut Vec<u8>,
                    _s: &[usize],
                    _c: &mut usize,
                ) {
                    for $w in f {
                        put_tag($b, number, $wt);
                        $put;
                    }
                }
            }
        };
    }

    scalar_kind!(
        opt_int32,
        rep_int32,
        i32,
        WireType::Varint,
        |v| int32_len(*v),
        |b, v| put_int32(b, *v)
    );
    scalar_kind!(
        opt_int64,
        rep_int64,
        i64,
        WireType::Varint,
        |v| varint_len(*v as u64),
        |b, v| put_varint(b, *v as u64)
    );
    scalar_kind!(
        opt_uint64,
        rep_uint64,
        u64,
        WireType::Varint,
        |v| varint_len(*v),
        |b, v| put_varint(b, *v)
    );
    scalar_kind!(
        opt_bool,
        rep_bool,
        bool,
        WireType::Varint,
        |v| {
            let _ = v;
            1
        },
        |b, v| b.push(u8::from(*v))
    );
    scalar_kind!(
        opt_double,
        rep_double,
        f64,
        WireType::Fixed64,
        |v| {
            let _ = v;
            8
        },
        |b, v| b.extend_from_slice(&v.to_bits().to_le_bytes())
    );
    scalar_kind!(
        opt_string,
        rep_string,
        String,
        WireType::LengthDelimited,
        |v| varint_len(v.len() as u64) + v.len(),
        |b, v| {
            put_varint(b, v.len() as u64);
            b.extend_from_slice(v.as_bytes())
        }
    );
    scalar_kind!(
        opt_bytes,
        rep_bytes,
        Vec<u8>,
        WireType::LengthDelimited,
        |v| varint_len(v.len() as u64) + v.len(),
        |b, v| {
            put_varint(b, v.len() as u64);
            b.extend_from_slice(v)
        }
    );

    /// `repeated int32 ... [packed = true]`: one length-delimited record,
    /// omitted entirely when empty.
    pub mod packed_int32 {
        use super::*;
        #[inline]
        fn body(f: &[i32]) -> usize {
            // All in 0..128 (one byte each) exactly when their bits OR'd
            // together are: the usual case, checked without a branch each.
            if f.iter().fold(0u32, |acc, &v| acc | v as u32) < 0x80 {
                f.len()
            } else {
                f.iter().map(|v| int32_len(*v)).sum()
            }
        }
        pub fn size(number: u32, f: &[i32], _s: &mut Vec<usize>) -> usize {
            if f.is_empty() {
                0
            } else {
                len_delimited_len(number, body(f))
            }
        }
        pub fn write(number: u32, f: &[i32], b: &mut Vec<u8>, _s: &[usize], _c: &mut usize) {
            if f.is_empty() {
                return;
            }
            let n = body(f);
            b.reserve(n + 10);
            put_tag(b, number, WireType::LengthDelimited);
            put_varint(b, n as u64);
            if n == f.len() {
                // Every value takes one byte (source paths, almost always):
                // copy them without a varint loop each.
                b.extend(f.iter().map(|&v| v as u8));
            } else {
                for v in f {
                    put_int32(b, *v);
                }
            }
        }
    }

    /// Optional enum (an `int32` varint on the wire).
    pub mod opt_enum {
        use super::*;
        #[inline]
        pub fn size<E: ProtoEnum>(number: u32, f: &Option<E>, _s: &mut Vec<usize>) -> usize {
            match f {
                Some(v) => tag_len(number) + int32_len(v.value()),
                None => 0,
            }
        }
        #[inline]
        pub fn write<E: ProtoEnum>(
            number: u32,
            f: &Option<E>,
            b: &mut Vec<u8>,
            _s: &[usize],
            _c: &mut usize,
        ) {
            if let Some(v) = f {
                put_tag(b, number, WireType::Varint);
                put_int32(b, v.value());
            }
        }
    }

    /// Repeated enum, not packed.
    pub mod rep_enum {
        use super::*;
        #[inline]
        pub fn size<E: ProtoEnum>(number: u32, f: &[E], _s: &mut Vec<usize>) -> usize {
            f.iter()
                .map(|v| tag_len(number) + int32_len(v.value()))
                .sum()
        }
        #[inline]
        pub fn write<E: ProtoEnum>(
            number: u32,
            f: &[E],
            b: &mut Vec<u8>,
            _s: &[usize],
            _c: &mut usize,
        ) {
            for v in f {
                put_tag(b, number, WireType::Varint);
                put_int32(b, v.value());
            }
        }
    }

    /// Optional sub-message (written even when empty, as long as present).
    pub mod opt_msg {
        use super::*;
        pub fn size<T: Encode>(number: u32, f: &Option<T>, s: &mut Vec<usize>) -> usize {
            match f {
                Some(m) => len_delimited_len(number, m.compute_sizes(s)),
                None => 0,
            }
        }
        pub fn write<T: Encode>(
            number: u32,
            f: &Option<T>,
            b: &mut Vec<u8>,
            s: &[usize],
            c: &mut usize,
        ) {
            if let Some(m) = f {
                write_one(number, m, b, s, c);
            }
        }
    }

    /// Repeated sub-message.
    pub mod rep_msg {
        use super::*;
        pub fn size<T: Encode>(number: u32, f: &[T], s: &mut Vec<usize>) -> usize {
            f.iter()
                .map(|m| len_delimited_len(number, m.compute_sizes(s)))
                .sum()
        }
        pub fn write<T: Encode>(number: u32, f: &[T], b: &mut Vec<u8>, s: &[usize], c: &mut usize) {
            for m in f {
                write_one(number, m, b, s, c);
            }
        }
    }

    #[inline]
    fn write_one<T: Encode>(number: u32, m: &T, b: &mut Vec<u8>, s: &[usize], c: &mut usize) {
        put_tag(b, number, WireType::LengthDelimited);
        put_varint(b, s[*c] as u64);
        m.write_sized(b, s, c);
    }
}

#[cfg(test)]
mod tests {
    // The expected bytes below were checked against Python protobuf's
    // descriptor_pb2 (SerializeToString of the same message).
    use super::super::types::*;
    use super::super::{decode, encode_to_vec};
    use super::Encode;

    fn hex(b: &[u8]) -> String {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn empty_message_is_empty() {
        assert!(encode_to_vec(&FileDescriptorSet::default()).is_empty());
        assert_eq!(FileDescriptorProto::default().encoded_len(), 0);
    }

    #[test]
    fn fields_in_number_order_and_unknown_last() {
        // extendee (2) is declared after number (3) etc. in descriptor.proto
        // text, but must be written in number order.
        let f = FieldDescriptorProto {
            name: Some("a".into()),
            extendee: Some(".M".into()),
            number: Some(1),
            label: Some(field_descriptor_proto::Label::LABEL_OPTIONAL),
            r#type: Some(field_descriptor_proto::Type::TYPE_INT32),
            proto3_optional: Some(true),
            unknown: vec![0xf8, 0x3e, 0x07], // field 999 varint 7
            ..Default::default()
        };
        let b = encode_to_vec(&f);
        assert_eq!(
            hex(&b),
            "0a 01 61 12 02 2e 4d 18 01 20 01 28 05 88 01 01 f8 3e 07"
        );
        assert_eq!(b.len(), f.encoded_len());
    }

    #[test]
    fn negative_int32_is_ten_bytes() {
        let r = descriptor_proto::ReservedRange {
            start: Some(-1),
            end: None,
            unknown: vec![],
        };
        assert_eq!(hex(&encode_to_vec(&r)), "08 ff ff ff ff ff ff ff ff ff 01");
    }

    #[test]
    fn packed_values_of_every_width() {
        // Expected bytes from Python protobuf (Location with this path and
        // span, SerializeToString).
        let loc = source_code_info::Location {
            path: [4, 200].as_slice().into(),
            span: [-1, 300, 5, 70000].as_slice().into(),
            ..Default::default()
        };
        assert_eq!(
            encode_to_vec(&loc),
            [
                10, 3, 4, 200, 1, 18, 16, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1, 172, 2,
                5, 240, 162, 4
            ]
        );
    }

    #[test]
    fn packed_only_where_declared() {
        let loc = source_code_info::Location {
            path: [4, 0].as_slice().into(),
            span: [1, 2, 300].as_slice().into(),
            ..Default::default()
        };
        assert_eq!(hex(&encode_to_vec(&loc)), "0a 02 04 00 12 04 01 02 ac 02");
        // empty packed field is omitted altogether
        assert!(encode_to_vec(&source_code_info::Location::default()).is_empty());
        // public_dependency / weak_dependency are not packed
        let file = FileDescriptorProto {
            public_dependency: vec![0, 1],
            weak_dependency: vec![2],
            ..Default::default()
        };
        assert_eq!(hex(&encode_to_vec(&file)), "50 00 50 01 58 02");
        // FieldOptions.targets (repeated enum) is not packed either
        let opts = FieldOptions {
            targets: vec![
                field_options::OptionTargetType::TARGET_TYPE_FILE,
                field_options::OptionTargetType::TARGET_TYPE_FIELD,
            ],
            ..Default::default()
        };
        assert_eq!(hex(&encode_to_vec(&opts)), "98 01 01 98 01 04");
    }

    #[test]
    fn present_empty_submessage_is_written() {
        let m = DescriptorProto {
            options: Some(Box::new(MessageOptions::default())),
            ..Default::default()
        };
        assert_eq!(hex(&encode_to_vec(&m)), "3a 00");
    }

    #[test]
    fn nested_lengths_are_right() {
        // three levels of nested messages with a long body at the bottom
        let leaf = DescriptorProto {
            name: Some("x".repeat(200)),
            ..Default::default()
        };
        let mid = DescriptorProto {
            nested_type: vec![leaf.clone(), leaf],
            ..Default::default()
        };
        let top = FileDescriptorProto {
            message_type: vec![mid],
            ..Default::default()
        };
        let set = FileDescriptorSet {
            file: vec![top],
            unknown: vec![],
        };
        let b = encode_to_vec(&set);
        assert_eq!(b.len(), set.encoded_len());
        let back: FileDescriptorSet = decode(&b).unwrap();
        assert_eq!(back, set);
    }

    #[test]
    fn deep_nesting_sizes_each_message_once() {
        // One size slot per message instance: nothing is sized twice, so
        // encoding stays linear however deep the tree is.
        let mut m = DescriptorProto::default();
        for _ in 0..1000 {
            m = DescriptorProto {
                nested_type: vec![m],
                ..Default::default()
            };
        }
        let mut sizes = Vec::new();
        let len = m.compute_sizes(&mut sizes);
        assert_eq!(sizes.len(), 1001);
        assert_eq!(encode_to_vec(&m).len(), len);
        // Unwind the chain iteratively so dropping it cannot recurse deeply.
        let mut cur = m;
        while let Some(next) = cur.nested_type.pop() {
            cur = next;
        }
    }

    #[test]
    fn double_and_bytes_layout() {
        let u = UninterpretedOption {
            positive_int_value: Some(u64::MAX),
            negative_int_value: Some(-2),
            double_value: Some(1.5),
            string_value: Some(vec![0, 255]),
            ..Default::default()
        };
        assert_eq!(
            hex(&encode_to_vec(&u)),
            "20 ff ff ff ff ff ff ff ff ff 01 \
             28 fe ff ff ff ff ff ff ff ff 01 \
             31 00 00 00 00 00 00 f8 3f \
             3a 02 00 ff"
        );
    }
}
