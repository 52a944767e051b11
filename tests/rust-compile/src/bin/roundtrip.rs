//! `roundtrip TYPE IN OUT`: decodes IN as the generated Rust type for the
//! protobuf message TYPE, re-encodes it and writes OUT. Used by
//! scripts/rust-roundtrip.py. Exit status 2 for an unknown TYPE, 1 when
//! decoding fails.
#![deny(warnings)]

use std::process::ExitCode;

use prost::Message;

#[allow(dead_code)]
fn again<T: Message + Default>(bytes: &[u8]) -> Result<Vec<u8>, prost::DecodeError> {
    Ok(T::decode(bytes)?.encode_to_vec())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: roundtrip TYPE IN OUT");
        return ExitCode::from(2);
    }
    #[allow(unused_variables)]
    let bytes = match std::fs::read(&args[2]) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: {e}", args[2]);
            return ExitCode::from(2);
        }
    };
    #[allow(unused_imports)]
    use protoforge_rust_compile as g;
    let result: Option<Result<Vec<u8>, prost::DecodeError>> = match args[1].as_str() {
        #[cfg(set_tm3)]
        "protobuf_test_messages.proto3.TestAllTypesProto3" => Some(again::<
            g::tm3::protobuf_test_messages::proto3::TestAllTypesProto3,
        >(&bytes)),
        #[cfg(set_tm2)]
        "protobuf_test_messages.proto2.TestAllTypesProto2" => Some(again::<
            g::tm2::protobuf_test_messages::proto2::TestAllTypesProto2,
        >(&bytes)),
        #[cfg(set_unittest)]
        "proto2_unittest.TestAllTypes" => {
            Some(again::<g::unittest::proto2_unittest::TestAllTypes>(&bytes))
        }
        #[cfg(set_unittest)]
        "proto2_unittest.TestPackedTypes" => Some(again::<
            g::unittest::proto2_unittest::TestPackedTypes,
        >(&bytes)),
        #[cfg(set_unittest)]
        "proto2_unittest.TestUnpackedTypes" => Some(again::<
            g::unittest::proto2_unittest::TestUnpackedTypes,
        >(&bytes)),
        #[cfg(set_gapis)]
        "google.pubsub.v1.PubsubMessage" => {
            Some(again::<g::gapis::google::pubsub::v1::PubsubMessage>(&bytes))
        }
        _ => None,
    };
    match result {
        None => {
            eprintln!("unknown type {}", args[1]);
            ExitCode::from(2)
        }
        Some(Err(e)) => {
            eprintln!("decode {}: {e}", args[1]);
            ExitCode::FAILURE
        }
        Some(Ok(out)) => match std::fs::write(&args[3], out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{}: {e}", args[3]);
                ExitCode::from(2)
            }
        },
    }
}
