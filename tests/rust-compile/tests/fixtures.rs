//! The generated fixture code behaves as the .proto files say.

use prost::Message;
use protoforge_rust_compile::{fixtures, fixtures_options, fixtures_wkt};

use fixtures::rustfix::{editions, legacy, scalars};

#[test]
fn proto2_defaults_reach_prost() {
    let d = legacy::Defaults::default();
    assert_eq!(d.i32(), -42);
    assert_eq!(d.i64(), i64::MIN);
    assert_eq!(d.u32(), u32::MAX);
    assert_eq!(d.u64(), u64::MAX);
    assert_eq!(d.s32(), 0x7f);
    assert_eq!(d.f64(), 0o17);
    assert_eq!(d.f(), 1.5e10);
    assert_eq!(d.d(), -2.25);
    assert_eq!(d.inf(), f64::INFINITY);
    assert_eq!(d.neg_inf(), f32::NEG_INFINITY);
    assert!(d.nan().is_nan());
    assert!(d.b());
    assert_eq!(d.s(), "quote \" backslash \\ tab \t unicode é");
    assert_eq!(d.by(), b"\x00\x01\xff \"x\" \\");
    assert_eq!(d.mood(), legacy::Mood::Happy);
    assert_eq!(d.aliased_default(), legacy::Mood::Happy);
    assert_eq!(d.color(), scalars::Color::Green);
    assert_eq!(d.empty_default(), "");
    // Nothing is on the wire until set.
    assert!(d.encode_to_vec().is_empty());
}

#[test]
fn presence_follows_syntax_and_features() {
    let p = scalars::Presence {
        maybe_int: Some(0),
        ..Default::default()
    };
    // An explicitly set zero is written; an implicit zero is not.
    assert_eq!(p.encode_to_vec(), [0x08, 0x00]);
    let f = editions::Features {
        implicit_int: 0,
        explicit_int: Some(0),
        required_int: 0,
        ..Default::default()
    };
    let bytes = f.encode_to_vec();
    // explicit_int (2) and required_int (3) are written, implicit_int not.
    assert_eq!(&bytes[..4], [0x10, 0x00, 0x18, 0x00]);
}

#[test]
fn repeated_encoding_and_delimited() {
    let f = editions::Features {
        packed: vec![1, 2],
        expanded: vec![1, 2],
        delimited_child: Some(editions::Child { name: "x".into() }),
        ..Default::default()
    };
    let bytes = f.encode_to_vec();
    // field 5 as a group: start tag 0x2b, end tag 0x2c
    assert!(bytes.windows(2).any(|w| w == [0x2b, 0x0a]));
    assert!(bytes.contains(&0x2c));
    // field 7 packed: tag 0x3a, length 2
    assert!(bytes.windows(4).any(|w| w == [0x3a, 0x02, 0x01, 0x02]));
    // field 8 expanded: tag 0x40 twice
    assert!(bytes.windows(4).any(|w| w == [0x40, 0x01, 0x40, 0x02]));
    assert_eq!(editions::Features::decode(&bytes[..]).unwrap(), f);
    let e = editions::Expanded {
        values: vec![-1],
        packed: vec![7],
        closed: vec![2],
        flag: Some(false),
    };
    let bytes = e.encode_to_vec();
    assert_eq!(&bytes[..2], [0x08, 0x01]); // sint32 -1, expanded
    assert_eq!(&bytes[2..4], [0x12, 0x08]); // fixed64 packed, 8 bytes
}

#[test]
fn closed_enum_without_zero_starts_valid() {
    // ClosedEnum's first value is 1: the field defaults to it.
    let r = legacy::Required::default();
    assert_eq!(r.mood(), legacy::Mood::Sad);
    assert_eq!(r.mood, 1);
    let f = editions::Features::default();
    assert_eq!(f.closed(), editions::ClosedEnum::One);
}

#[test]
fn enums_strip_prefixes_and_keep_names() {
    assert_eq!(scalars::Color::Unspecified as i32, 0);
    assert_eq!(scalars::Color::Color2 as i32, 3);
    assert_eq!(scalars::Color::Blue.as_str_name(), "BLUE");
    assert_eq!(
        scalars::Color::from_str_name("COLOR_RED"),
        Some(scalars::Color::Red)
    );
    assert_eq!(scalars::Aliased::One.as_str_name(), "ALIASED_ONE");
    use fixtures::rustfix::r#type::v1 as kw;
    assert_eq!(kw::r#match::Kind::Self_.as_str_name(), "KIND_SELF");
    let s = kw::Self_ {
        r#type: "t".into(),
        self_: 1,
        r#async: true,
        r#ref: Some(kw::self_::Ref::Fn(3)),
        ..Default::default()
    };
    assert_eq!(kw::Self_::decode(&s.encode_to_vec()[..]).unwrap(), s);
    // retain_enum_prefix keeps the full names
    assert_eq!(
        fixtures_options::rustfix::scalars::Color::ColorRed.as_str_name(),
        "COLOR_RED"
    );
}

#[test]
fn recursion_is_boxed_and_oneof_names_do_not_clash() {
    let t = scalars::Tree {
        left: Some(Box::new(scalars::Tree::default())),
        link: Some(scalars::tree::Link::Next(
            Box::new(scalars::Tree::default()),
        )),
        children: vec![scalars::Tree::default()],
        ..Default::default()
    };
    assert_eq!(scalars::Tree::decode(&t.encode_to_vec()[..]).unwrap(), t);
    let w = scalars::WithOneofs {
        kind: Some(scalars::with_oneofs::KindOneOf::KindMessage(
            scalars::with_oneofs::Kind { name: "k".into() },
        )),
        ..Default::default()
    };
    assert_eq!(
        scalars::WithOneofs::decode(&w.encode_to_vec()[..]).unwrap(),
        w
    );
}

#[test]
fn derives_follow_prost_build() {
    fn copy_eq_hash<T: Copy + Eq + std::hash::Hash>() {}
    copy_eq_hash::<scalars::Small>();
    copy_eq_hash::<editions::OpenEnum>();
}

#[test]
fn options_change_types() {
    use fixtures_options::rustfix::scalars as o;
    let m = o::Maps::default();
    let _: &std::collections::BTreeMap<String, String> = &m.string_to_string;
    let _: &std::collections::BTreeMap<i32, bytes::Bytes> = &m.int_to_bytes;
    let s = o::Scalars::default();
    let _: &bytes::Bytes = &s.f_bytes;
    let p = o::Presence::default();
    let _: &Option<Box<o::Small>> = &p.message_always_optional;
    assert_eq!(
        <o::Small as prost::Name>::type_url(),
        "type.example.com/rustfix.scalars.Small"
    );
    assert_eq!(
        <o::Small as prost::Name>::full_name(),
        "rustfix.scalars.Small"
    );
    // skip_debug: Small has no derived Debug; the crate implements it.
    assert_eq!(format!("{:?}", o::Small::default()), "Small");
    // default_package_filename only renames the file; the module is the root.
    let _ = fixtures_options::Rootless::default();
}

#[test]
fn well_known_types_can_be_generated() {
    let w = fixtures_wkt::rustfix::scalars::WellKnown {
        maybe_bool: Some(fixtures_wkt::google::protobuf::BoolValue { value: true }),
        ..Default::default()
    };
    let mapped = fixtures::rustfix::scalars::WellKnown {
        maybe_bool: Some(true),
        ..Default::default()
    };
    assert_eq!(w.encode_to_vec(), mapped.encode_to_vec());
}

#[test]
fn path_and_include_forms_agree() {
    let a = protoforge_rust_compile::fixtures_by_path::rustfix::scalars::Small {
        a: 1,
        c: 2,
        b: None,
    };
    let b = fixtures::rustfix::scalars::Small {
        a: 1,
        c: 2,
        b: None,
    };
    assert_eq!(a.encode_to_vec(), b.encode_to_vec());
}
