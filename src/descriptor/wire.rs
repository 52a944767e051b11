//! Low-level protobuf wire format: varints, tags, and a bounds-checked reader.
//!
//! Everything here is byte-order exact: fixed-width values are little endian,
//! varints are base-128 with the least significant group first, and negative
//! `int32` values are sign-extended to 64 bits (ten bytes on the wire), the way
//! protobuf C++ writes them.

use super::decode::DecodeError;

/// Largest field number protobuf allows (2^29 - 1).
pub const MAX_FIELD_NUMBER: u32 = (1 << 29) - 1;

/// Nesting limit for sub-messages and groups while decoding, the same default
/// protobuf C++ uses.
pub const RECURSION_LIMIT: u32 = 100;

/// The wire types that may appear in a tag (6 and 7 are invalid).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WireType {
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

impl WireType {
    /// Maps the low three bits of a tag to a wire type.
    pub fn from_bits(bits: u32) -> Option<WireType> {
        match bits {
            0 => Some(WireType::Varint),
            1 => Some(WireType::Fixed64),
            2 => Some(WireType::LengthDelimited),
            3 => Some(WireType::StartGroup),
            4 => Some(WireType::EndGroup),
            5 => Some(WireType::Fixed32),
            _ => None,
        }
    }
}

/// Number of bytes `value` takes as a varint (1..=10).
#[inline]
pub fn varint_len(value: u64) -> usize {
    // Each byte carries 7 bits; a zero still needs one byte.
    let bits = 64 - (value | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Number of bytes an `int32` takes as a varint: negative values are
/// sign-extended to 64 bits and so always take ten bytes.
#[inline]
pub fn int32_len(value: i32) -> usize {
    varint_len(value as i64 as u64)
}

/// Number of bytes the tag of field `number` takes (wire type does not matter).
#[inline]
pub fn tag_len(number: u32) -> usize {
    varint_len(u64::from(number) << 3)
}

/// Appends `value` as a varint.
#[inline]
pub fn put_varint(buf: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        buf.push((value as u8) | 0x80);
        value >>= 7;
    }
    buf.push(value as u8);
}

/// Appends an `int32` varint (sign-extended when negative).
#[inline]
pub fn put_int32(buf: &mut Vec<u8>, value: i32) {
    put_varint(buf, value as i64 as u64);
}

/// Appends the tag for field `number` with wire type `wt`.
#[inline]
pub fn put_tag(buf: &mut Vec<u8>, number: u32, wt: WireType) {
    put_varint(buf, (u64::from(number) << 3) | wt as u64);
}

/// Bounds-checked cursor over a byte slice. Every read either succeeds or
/// returns a [`DecodeError`]; nothing here panics.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Current offset into the slice.
    #[inline]
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The whole underlying slice.
    #[inline]
    pub fn buf(&self) -> &'a [u8] {
        self.buf
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    #[inline]
    fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// Reads a varint of at most ten bytes. Bits beyond 64 are dropped, as
    /// protobuf C++ does; an eleventh byte is an error.
    pub fn read_varint(&mut self) -> Result<u64, DecodeError> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let Some(&byte) = self.buf.get(self.pos) else {
                return Err(DecodeError::Truncated);
            };
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::MalformedVarint)
    }

    /// Reads a tag and splits it into field number and wire type.
    pub fn read_tag(&mut self) -> Result<(u32, WireType), DecodeError> {
        let raw = self.read_varint()?;
        if raw > u64::from(u32::MAX) {
            return Err(DecodeError::InvalidTag(raw));
        }
        let raw = raw as u32;
        let number = raw >> 3;
        if number == 0 {
            return Err(DecodeError::InvalidTag(u64::from(raw)));
        }
        let wt = WireType::from_bits(raw & 7).ok_or(DecodeError::InvalidWireType(raw & 7))?;
        Ok((number, wt))
    }

    pub fn read_fixed32(&mut self) -> Result<u32, DecodeError> {
        let bytes = self.read_exact(4)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(bytes);
        Ok(u32::from_le_bytes(a))
    }

    pub fn read_fixed64(&mut self) -> Result<u64, DecodeError> {
        let bytes = self.read_exact(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(a))
    }

    /// Takes the next `n` bytes.
    pub fn read_exact(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(DecodeError::Truncated);
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// Reads a length prefix and then that many bytes.
    pub fn read_len_delimited(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.read_varint()?;
        // protobuf C++ reads the length as a signed 32-bit value.
        if len > i32::MAX as u64 {
            return Err(DecodeError::LengthOverflow);
        }
        let len = len as usize;
        if len > self.remaining() {
            return Err(DecodeError::Truncated);
        }
        self.read_exact(len)
    }

    /// Skips the body of a field whose tag (`number`, `wt`) was just read.
    /// Groups are skipped through their matching end tag; each nested group
    /// costs one level of `depth`.
    pub fn skip_field(&mut self, number: u32, wt: WireType, depth: u32) -> Result<(), DecodeError> {
        match wt {
            WireType::Varint => {
                self.read_varint()?;
            }
            WireType::Fixed64 => {
                self.read_exact(8)?;
            }
            WireType::Fixed32 => {
                self.read_exact(4)?;
            }
            WireType::LengthDelimited => {
                self.read_len_delimited()?;
            }
            WireType::StartGroup => {
                if depth == 0 {
                    return Err(DecodeError::RecursionLimit);
                }
                loop {
                    if self.is_empty() {
                        return Err(DecodeError::Truncated);
                    }
                    let (n, w) = self.read_tag()?;
                    if w == WireType::EndGroup {
                        if n != number {
                            return Err(DecodeError::GroupMismatch);
                        }
                        break;
                    }
                    self.skip_field(n, w, depth - 1)?;
                }
            }
            WireType::EndGroup => return Err(DecodeError::GroupMismatch),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: u64) -> Vec<u8> {
        let mut b = Vec::new();
        put_varint(&mut b, v);
        b
    }

    #[test]
    fn varint_lengths_match_encoding() {
        let samples = [
            0u64,
            1,
            127,
            128,
            16383,
            16384,
            (1 << 21) - 1,
            1 << 21,
            u32::MAX as u64,
            1 << 35,
            1 << 56,
            (1 << 63) - 1,
            u64::MAX,
        ];
        for v in samples {
            let b = enc(v);
            assert_eq!(b.len(), varint_len(v), "len of {v}");
            let mut r = Reader::new(&b);
            assert_eq!(r.read_varint().unwrap(), v);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn known_varint_bytes() {
        assert_eq!(enc(0), [0x00]);
        assert_eq!(enc(1), [0x01]);
        assert_eq!(enc(300), [0xac, 0x02]);
        let mut b = Vec::new();
        put_int32(&mut b, -1);
        assert_eq!(
            b,
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        );
        assert_eq!(int32_len(-1), 10);
        assert_eq!(int32_len(i32::MIN), 10);
        assert_eq!(int32_len(i32::MAX), 5);
    }

    #[test]
    fn varint_errors() {
        assert_eq!(
            Reader::new(&[0x80]).read_varint(),
            Err(DecodeError::Truncated)
        );
        assert_eq!(Reader::new(&[]).read_varint(), Err(DecodeError::Truncated));
        let eleven = [0xffu8; 11];
        assert_eq!(
            Reader::new(&eleven).read_varint(),
            Err(DecodeError::MalformedVarint)
        );
    }

    #[test]
    fn tag_errors() {
        // field number 0
        assert!(matches!(
            Reader::new(&[0x00]).read_tag(),
            Err(DecodeError::InvalidTag(_))
        ));
        // wire types 6 and 7
        assert_eq!(
            Reader::new(&[0x0e]).read_tag(),
            Err(DecodeError::InvalidWireType(6))
        );
        assert_eq!(
            Reader::new(&[0x0f]).read_tag(),
            Err(DecodeError::InvalidWireType(7))
        );
        // tag above 32 bits
        let mut b = Vec::new();
        put_varint(&mut b, 1 << 40);
        assert!(matches!(
            Reader::new(&b).read_tag(),
            Err(DecodeError::InvalidTag(_))
        ));
        // largest legal field number
        let mut b = Vec::new();
        put_tag(&mut b, MAX_FIELD_NUMBER, WireType::Fixed32);
        assert_eq!(
            Reader::new(&b).read_tag(),
            Ok((MAX_FIELD_NUMBER, WireType::Fixed32))
        );
        assert_eq!(b.len(), tag_len(MAX_FIELD_NUMBER));
    }

    #[test]
    fn skip_groups() {
        // group 1 { field 2 varint 5; group 3 { } } end 1
        let bytes = [0x0b, 0x10, 0x05, 0x1b, 0x1c, 0x0c, 0xff];
        let mut r = Reader::new(&bytes);
        let (n, w) = r.read_tag().unwrap();
        r.skip_field(n, w, RECURSION_LIMIT).unwrap();
        assert_eq!(r.pos(), 6);
        // mismatched end
        let bad = [0x0b, 0x14];
        let mut r = Reader::new(&bad);
        let (n, w) = r.read_tag().unwrap();
        assert_eq!(
            r.skip_field(n, w, RECURSION_LIMIT),
            Err(DecodeError::GroupMismatch)
        );
        // unterminated
        let bad = [0x0b, 0x10, 0x05];
        let mut r = Reader::new(&bad);
        let (n, w) = r.read_tag().unwrap();
        assert_eq!(
            r.skip_field(n, w, RECURSION_LIMIT),
            Err(DecodeError::Truncated)
        );
        // depth exhausted
        let mut r = Reader::new(&bytes);
        let (n, w) = r.read_tag().unwrap();
        assert_eq!(r.skip_field(n, w, 1), Err(DecodeError::RecursionLimit));
    }

    #[test]
    fn length_errors() {
        assert_eq!(
            Reader::new(&[0x05, 1, 2]).read_len_delimited(),
            Err(DecodeError::Truncated)
        );
        let mut b = Vec::new();
        put_varint(&mut b, u64::MAX);
        assert_eq!(
            Reader::new(&b).read_len_delimited(),
            Err(DecodeError::LengthOverflow)
        );
        assert_eq!(
            Reader::new(&[1, 2, 3]).read_fixed32(),
            Err(DecodeError::Truncated)
        );
        assert_eq!(
            Reader::new(&[0; 7]).read_fixed64(),
            Err(DecodeError::Truncated)
        );
    }
}
