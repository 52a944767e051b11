//! Property tests of the front end: no input makes the tokenizer or the
//! parser panic, and every span they report lies within the text.

use proptest::prelude::*;

use protoforge::diagnostics::Diagnostic;
use protoforge::syntax::lexer::tokenize;
use protoforge::syntax::parse;

/// Checks the invariants shared by every property.
fn check(text: &str) -> Result<(), TestCaseError> {
    let tokens = tokenize(text);
    let mut last_end = 0u32;
    for (_, span) in &tokens.toks {
        prop_assert!(span.start <= span.end, "token span {span:?} is reversed");
        prop_assert!(
            span.end as usize <= text.len(),
            "token span {span:?} past the end"
        );
        prop_assert!(
            span.start >= last_end,
            "token span {span:?} overlaps the previous token"
        );
        last_end = span.end;
    }
    for e in &tokens.errors {
        prop_assert!(
            e.span.start <= e.span.end && e.span.end as usize <= text.len(),
            "lexer error span {:?} outside 0..{}",
            e.span,
            text.len()
        );
    }

    let result = parse("prop.proto", text);
    for d in &result.diagnostics {
        check_diagnostic(text, d)?;
    }
    Ok(())
}

fn check_diagnostic(text: &str, d: &Diagnostic) -> Result<(), TestCaseError> {
    prop_assert!(!d.message.is_empty(), "empty diagnostic message");
    let labels = d.primary.iter().chain(d.secondary.iter());
    for label in labels {
        let span = &label.location.span;
        prop_assert_eq!(label.location.file.as_str(), "prop.proto");
        prop_assert!(
            span.start <= span.end && span.end <= text.len(),
            "diagnostic {:?} has span {:?} outside 0..{}",
            d.message,
            span,
            text.len()
        );
    }
    Ok(())
}

/// Pieces of `.proto` text: keywords, names, literals (good and bad),
/// punctuation, comments and whitespace.
fn piece() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "syntax",
        "edition",
        "package",
        "import",
        "public",
        "weak",
        "option",
        "message",
        "enum",
        "service",
        "rpc",
        "returns",
        "stream",
        "extend",
        "extensions",
        "reserved",
        "to",
        "max",
        "oneof",
        "map",
        "optional",
        "required",
        "repeated",
        "group",
        "export",
        "local",
        "int32",
        "string",
        "bytes",
        "double",
        "inf",
        "nan",
        "true",
        "false",
        "google.protobuf.Any",
        ".a.b.C",
        "\"proto2\"",
        "\"proto3\"",
        "\"2023\"",
        "\"2024\"",
        "'single'",
        "\"esc\\n\\x41\\101\\u00e9\"",
        "\"bad\\q\"",
        "\"unterminated",
        "\"multi\nline\"",
        "0",
        "1",
        "42",
        "-1",
        "0x1F",
        "017",
        "08",
        "1e5",
        "1.",
        ".5",
        "2.5E-3",
        "99999999999999999999",
        "1abc",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        ";",
        ",",
        ".",
        "=",
        "-",
        ":",
        "/",
        "#",
        "+",
        "?",
        "@",
        "\\",
        "/* block */",
        "// line\n",
        "/* unterminated",
        "/* /* nested */",
        "[type.googleapis.com/a.B]",
        "[(ext).field]",
        " ",
        "  ",
        "\n",
        "\t",
        "\r\n",
        "\u{0}",
        "\u{7}",
        "\u{e9}",
        "\u{1F600}",
        "\u{feff}",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        8 => fixed,
        1 => "[A-Za-z_][A-Za-z0-9_]{0,8}",
        1 => "[0-9]{1,25}",
    ]
}

/// A sequence of pieces, mostly separated by spaces.
fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec((piece(), prop::bool::weighted(0.8)), 0..80).prop_map(|parts| {
        let mut s = String::new();
        for (p, space) in parts {
            s.push_str(&p);
            if space {
                s.push(' ');
            }
        }
        s
    })
}

/// A small valid file to mutate.
const SEED: &str = r#"syntax = "proto2";
package a.b;
import public "x.proto";
option (my.opt) = { a: 1 b: [1, 2] c { d: "e" } [ext.f]: -inf };
message M {
  optional int32 a = 1 [default = -0x10, (x).y = "z"];
  repeated group G = 2 { required string s = 3; }
  map<string, M> m = 4;
  oneof o { string t = 5; }
  extensions 100 to max [declaration = { number: 100 }];
  reserved 6, 7 to 9;
  reserved "n";
  message N { enum E { E0 = 0; E1 = -1 [deprecated = true]; } }
  extend M { optional int32 x = 100; }
}
enum E { option allow_alias = true; A = 0; B = 0; reserved 5 to max; }
service S { rpc R(stream M) returns (stream M) { option deprecated = true; } rpc Q(M) returns (M); }
"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        check(&text)?;
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        check(&text)?;
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        check(&text)?;
    }

    #[test]
    fn soup_after_a_valid_prefix_never_panics(cut in 0..SEED.len(), soup in token_soup()) {
        // Splice soup into a valid file at a char boundary, so the parser is
        // deep inside declarations when the junk arrives.
        let mut cut = cut;
        while !SEED.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = format!("{}{}{}", &SEED[..cut], soup, &SEED[cut..]);
        check(&text)?;
    }

    #[test]
    fn deleting_a_range_of_a_valid_file_never_panics(a in 0..SEED.len(), len in 0usize..40) {
        let b = (a + len).min(SEED.len());
        let text = format!("{}{}", &SEED[..a], &SEED[b..]);
        check(&text)?;
    }

    #[test]
    fn deep_nesting_never_panics(
        depth in 0usize..300,
        open in prop::sample::select(vec!["message M {", "{", "[", "(", "<", "option x = {a", "optional group G = 1 {"]),
        close in prop::bool::ANY,
    ) {
        let mut text = String::from("syntax = \"proto2\";\n");
        for _ in 0..depth {
            text.push_str(open);
            text.push(' ');
        }
        if close {
            for _ in 0..depth {
                text.push_str("} ");
            }
        }
        check(&text)?;
    }
}

#[test]
fn the_seed_file_is_valid() {
    // The mutation properties start from a file we accept without complaint.
    let result = parse("seed.proto", SEED);
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
}
