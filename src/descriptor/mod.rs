//! protoforge's own model of `google/protobuf/descriptor.proto` (and the
//! plugin protocol) with a wire codec that reproduces protobuf C++ byte for
//! byte: known fields in field-number order, packing only where
//! descriptor.proto declares it, unknown fields (custom options, extensions)
//! kept verbatim and written last.
//!
//! ```text
//! let set: FileDescriptorSet = decode(&bytes)?;
//! assert_eq!(encode_to_vec(&set), bytes);
//! ```

// This is a complete model of descriptor.proto and plugin.proto; in a binary
// crate not every message, enum or helper is used, and that is expected.
#![allow(dead_code)]

pub mod decode;
pub mod encode;
pub mod pool;
pub mod types;
pub mod wire;

#[allow(unused_imports)]
pub use decode::{decode, Decode, DecodeError};
#[allow(unused_imports)]
pub use encode::Encode;
#[allow(unused_imports)]
pub use types::*;

/// `scope.name`, or `name` alone in the root scope: a full name. Made with
/// one allocation of the exact size (`format!` is several times slower,
/// and full names are made by the million).
pub fn join_name(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        return name.to_string();
    }
    let mut s = String::with_capacity(scope.len() + 1 + name.len());
    s.push_str(scope);
    s.push('.');
    s.push_str(name);
    s
}

/// Serializes `m` into a fresh buffer of exactly the right size.
pub fn encode_to_vec<T: Encode>(m: &T) -> Vec<u8> {
    let mut buf = Vec::new();
    m.encode(&mut buf);
    buf
}

/// Serializes a `FileDescriptorSet` holding `files`, without building one
/// (no copy of the descriptors is made). Files are encoded in parallel,
/// then joined in order.
pub fn encode_file_set(files: &[FileDescriptorProto]) -> Vec<u8> {
    let parts = encode_file_set_parts(files);
    let mut out = Vec::with_capacity(parts.iter().map(EncodedFile::len).sum());
    for p in &parts {
        p.for_each_piece(|b| out.extend_from_slice(b));
    }
    out
}

/// One file of a descriptor set, encoded (tag and length first), but for
/// its wire-form source locations: those are not copied, and are written
/// out from where they are.
pub struct EncodedFile<'a> {
    bytes: Vec<u8>,
    /// Where in `bytes` the locations go, and the locations.
    locations: Option<(usize, &'a types::source_code_info::EncodedLocations)>,
}

impl<'a> EncodedFile<'a> {
    /// Its length in bytes, locations included.
    pub fn len(&self) -> usize {
        self.bytes.len() + self.locations.map_or(0, |(_, l)| l.byte_len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Its bytes, in pieces whose concatenation is the encoded file.
    pub fn for_each_piece<'s>(&'s self, mut f: impl FnMut(&'s [u8]))
    where
        'a: 's,
    {
        match self.locations {
            None => f(&self.bytes),
            Some((at, locations)) => {
                f(&self.bytes[..at]);
                locations.for_each_piece(&mut f);
                f(&self.bytes[at..]);
            }
        }
    }
}

/// The bytes of [`encode_file_set`], one [`EncodedFile`] per file, whose
/// concatenation is the set: for writing out without joining them first.
pub fn encode_file_set_parts(files: &[FileDescriptorProto]) -> Vec<EncodedFile<'_>> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|f| {
            let mut sizes = Vec::new();
            let len = f.compute_sizes(&mut sizes);
            let locations = f.source_code_info.as_ref().map(|i| &i.encoded);
            let apart = locations.map_or(0, |l| l.byte_len());
            let mut buf = Vec::with_capacity(len - apart + 6);
            wire::put_tag(&mut buf, 1, wire::WireType::LengthDelimited);
            wire::put_varint(&mut buf, len as u64);
            let mut cursor = 0;
            let at = apart::encode_apart(|| f.write_sized(&mut buf, &sizes, &mut cursor));
            EncodedFile {
                bytes: buf,
                locations: at.zip(locations),
            }
        })
        .collect()
}

/// Encoding a file with its wire-form source locations left out of the
/// buffer (see [`EncodedFile`]).
pub(crate) mod apart {
    use std::cell::Cell;

    thread_local! {
        /// While a file is encoded apart, where its locations were to be
        /// written (`usize::MAX` until they are met); `None` otherwise.
        static AT: Cell<Option<usize>> = const { Cell::new(None) };
    }

    /// Asked where wire-form locations are to be written at offset `at`:
    /// whether to leave them out (the offset is then noted).
    pub fn skip_locations(at: usize) -> bool {
        AT.with(|c| match c.get() {
            Some(_) => {
                c.set(Some(at));
                true
            }
            None => false,
        })
    }

    /// Runs `encode` with locations left out; returns the offset where
    /// they belong, if any were met.
    pub fn encode_apart(encode: impl FnOnce()) -> Option<usize> {
        AT.with(|c| c.set(Some(usize::MAX)));
        encode();
        AT.with(|c| c.replace(None)).filter(|&at| at != usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `bytes` as a descriptor set and checks that re-encoding gives
    /// the identical bytes; returns the decoded set.
    fn assert_round_trip(what: &str, bytes: &[u8]) -> FileDescriptorSet {
        let set: FileDescriptorSet =
            decode(bytes).unwrap_or_else(|e| panic!("{what}: decode failed: {e}"));
        let again = encode_to_vec(&set);
        assert_eq!(set.encoded_len(), bytes.len(), "{what}: encoded_len");
        if again != bytes {
            let at = again
                .iter()
                .zip(bytes)
                .position(|(a, b)| a != b)
                .unwrap_or(again.len().min(bytes.len()));
            panic!(
                "{what}: re-encoding differs at byte {at} (got {} bytes, want {})",
                again.len(),
                bytes.len()
            );
        }
        // Encoding the files one by one gives the same bytes as the set.
        assert!(
            encode_file_set(&set.file) == bytes,
            "{what}: encode_file_set"
        );
        // A decoded-and-re-encoded set decodes to the same value.
        let back: FileDescriptorSet = decode(&again).expect("re-decode");
        assert_eq!(back, set, "{what}: value changed on second decode");
        set
    }

    fn file<'a>(set: &'a FileDescriptorSet, name: &str) -> &'a FileDescriptorProto {
        set.file
            .iter()
            .find(|f| f.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{name} not in set"))
    }

    /// protoc 35.1 output for google/protobuf/unittest.proto (edition 2023)
    /// with imports and source info.
    #[test]
    fn protoc_fixture_unittest() {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/descriptor/unittest.pb"
        ));
        let set = assert_round_trip("unittest.pb", bytes);
        let f = file(&set, "google/protobuf/unittest.proto");
        assert_eq!(f.edition, Some(Edition::EDITION_2023));
        assert!(f
            .source_code_info
            .as_ref()
            .is_some_and(|s| !s.location.is_empty()));
        assert!(f
            .message_type
            .iter()
            .any(|m| m.name.as_deref() == Some("TestAllTypes")));
    }

    /// protoc 35.1 output for unittest_custom_options.proto (proto2) with
    /// --retain_options: custom options must survive as unknown fields.
    #[test]
    fn protoc_fixture_custom_options() {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/descriptor/unittest_custom_options.pb"
        ));
        let set = assert_round_trip("unittest_custom_options.pb", bytes);
        let f = file(&set, "google/protobuf/unittest_custom_options.proto");
        // protoc leaves `syntax` unset for proto2 files.
        assert_eq!(f.syntax, None);
        assert_eq!(f.edition, None);
        let opts = f.options.as_ref().expect("file options");
        // option (file_opt1) = 9876543210 lives in the unknown bytes
        assert!(!opts.unknown.is_empty());
        assert!(f
            .message_type
            .iter()
            .any(|m| m.options.as_ref().is_some_and(|o| !o.unknown.is_empty())));
    }

    /// protoc 35.1 output for unittest_features.proto (edition 2024) with
    /// imports, source info and --retain_options.
    #[test]
    fn protoc_fixture_editions() {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/descriptor/unittest_features.pb"
        ));
        let set = assert_round_trip("unittest_features.pb", bytes);
        let f = file(&set, "google/protobuf/unittest_features.proto");
        assert_eq!(f.edition, Some(Edition::EDITION_2024));
        assert_eq!(f.syntax.as_deref(), Some("editions"));
        // descriptor.proto itself rides along and carries FieldOptions with
        // edition_defaults and feature_support.
        let d = file(&set, "google/protobuf/descriptor.proto");
        let fs = d
            .message_type
            .iter()
            .find(|m| m.name.as_deref() == Some("FeatureSet"))
            .expect("FeatureSet");
        let fp = fs
            .field
            .iter()
            .find(|x| x.number == Some(1))
            .expect("field 1");
        let fo = fp.options.as_ref().expect("options");
        assert_eq!(fo.edition_defaults.len(), 3);
        assert!(fo.feature_support.is_some());
    }

    /// The CodeGeneratorRequest protoc 35.1 hands a plugin.
    #[test]
    fn protoc_fixture_codegen_request() {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/descriptor/codegen_request.pb"
        ));
        let req: compiler::CodeGeneratorRequest = decode(bytes).expect("decode");
        assert_eq!(encode_to_vec(&req), bytes);
        assert_eq!(req.parameter.as_deref(), Some("p1,p2=x"));
        assert_eq!(
            req.file_to_generate,
            ["google/protobuf/unittest_import.proto"]
        );
        let v = req.compiler_version.as_ref().expect("version");
        assert_eq!((v.major, v.minor, v.patch), (Some(7), Some(35), Some(1)));
        assert_eq!(v.suffix.as_deref(), Some(""));
        assert_eq!(req.proto_file.len(), 2);
        assert_eq!(req.source_file_descriptors.len(), 1);
        assert!(req.unknown.is_empty());
    }

    /// A CodeGeneratorResponse serialized by Python protobuf.
    #[test]
    fn fixture_codegen_response() {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/descriptor/codegen_response.pb"
        ));
        let resp: compiler::CodeGeneratorResponse = decode(bytes).expect("decode");
        assert_eq!(encode_to_vec(&resp), bytes);
        assert_eq!(resp.supported_features, Some(3));
        assert_eq!(resp.file.len(), 2);
        let ann = &resp.file[0]
            .generated_code_info
            .as_ref()
            .expect("generated_code_info")
            .annotation[0];
        assert_eq!(ann.path, [4, 0, 2, 1]);
        assert_eq!(ann.end, Some(-1));
        assert_eq!(
            ann.semantic,
            Some(generated_code_info::annotation::Semantic::SET)
        );
        assert_eq!(resp.file[1].insertion_point.as_deref(), Some("scope"));
    }

    /// Round-trips any descriptor set named by PROTOFORGE_CORPUS_PB, e.g. one
    /// made with `protoc --include_imports --include_source_info` over
    /// googleapis. Run with `cargo test -- --ignored corpus_round_trip`.
    #[test]
    #[ignore]
    fn corpus_round_trip() {
        let Ok(path) = std::env::var("PROTOFORGE_CORPUS_PB") else {
            eprintln!("PROTOFORGE_CORPUS_PB not set; nothing to check");
            return;
        };
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let set = assert_round_trip(&path, &bytes);
        eprintln!(
            "{path}: {} files, {} bytes round-tripped",
            set.file.len(),
            bytes.len()
        );
    }
}
