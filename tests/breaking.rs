//! `protoforge breaking` on the old/new pairs of fixtures/breaking/.
//!
//! Each case holds `{old,new}/` sources, `{old,new}.pb` (protoc 35.1
//! descriptor sets of them, with imports and source info) and `buf.json`
//! (what buf 1.75 reported for the two directories). Both are made by
//! `scripts/breaking-compare.py --record`. This test runs our checker on
//! the descriptor sets and requires buf's findings exactly (same rule ids,
//! locations and messages), and snapshots our text output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use protoforge::compat::cli::evaluate;
use protoforge::compat::config::{self, BufYaml};
use protoforge::compat::input::{self, Spec};
use protoforge::compat::report::{self, Format};
use protoforge::compat::Finding;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/breaking")
}

type Row = (Option<String>, u32, u32, u32, u32, String, String);

/// A minimal reader for the flat JSON objects of buf.json.
fn parse_buf_json(text: &str) -> BTreeSet<Row> {
    fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
        let pat = format!("\"{key}\": ");
        let start = line.find(&pat)? + pat.len();
        Some(&line[start..])
    }
    fn string(rest: &str) -> String {
        let mut out = String::new();
        let mut chars = rest[1..].chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            out.push(c);
                        }
                    }
                    Some(c) => out.push(c),
                    None => break,
                },
                c => out.push(c),
            }
        }
        out
    }
    fn number(rest: &str) -> u32 {
        rest.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    }
    text.lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| {
            (
                field(l, "path").map(string),
                number(field(l, "start_line").unwrap_or("0")),
                number(field(l, "start_column").unwrap_or("0")),
                number(field(l, "end_line").unwrap_or("0")),
                number(field(l, "end_column").unwrap_or("0")),
                string(field(l, "type").unwrap_or("\"\"")),
                string(field(l, "message").unwrap_or("\"\"")),
            )
        })
        .collect()
}

struct Case {
    name: String,
    dir: PathBuf,
    cfg: BufYaml,
    root: String,
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = std::fs::read_dir(fixtures())
        .expect("fixtures/breaking")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("new.pb").is_file())
        .map(|dir| {
            let cfg_path = dir.join("new/buf.yaml");
            let cfg = if cfg_path.is_file() {
                config::load(&cfg_path).expect("buf.yaml")
            } else {
                BufYaml::default()
            };
            let root = cfg
                .modules
                .first()
                .map(|m| m.path.clone())
                .unwrap_or_else(|| ".".into());
            Case {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                dir,
                cfg,
                root,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn run(case: &Case) -> Vec<Finding> {
    let single_root = case.cfg.modules.len() == 1;
    let load = |side: &str| {
        let src = case.dir.join(side).join(&case.root);
        input::load(
            &Spec::DescriptorSet(case.dir.join(format!("{side}.pb"))),
            &[],
            Some(&case.cfg),
            single_root.then_some(src.as_path()),
        )
        .expect("descriptor set loads")
    };
    let (new, old) = (load("new"), load("old"));
    evaluate(&new, &old, &case.cfg, false)
        .expect("configuration resolves")
        .0
}

/// Our findings with paths made relative to the input directory, as the
/// recorded buf output has them.
fn rows(case: &Case, findings: &[Finding]) -> BTreeSet<Row> {
    findings
        .iter()
        .map(|f| {
            let s = f.shown_span();
            let path = f.path.as_ref().map(|p| {
                let roots: Vec<&str> = case.cfg.modules.iter().map(|m| m.path.as_str()).collect();
                roots
                    .iter()
                    .filter(|r| **r != ".")
                    .find(|r| case.dir.join("new").join(r).join(p).is_file())
                    .map(|r| format!("{r}/{p}"))
                    .unwrap_or_else(|| p.clone())
            });
            (
                path,
                s.start_line,
                s.start_col,
                s.end_line,
                s.end_col,
                f.rule.to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

#[test]
fn fixtures_match_buf() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in cases().iter().filter(|c| !c.name.starts_with('_')) {
        let golden = std::fs::read_to_string(case.dir.join("buf.json")).expect("buf.json");
        let want = parse_buf_json(&golden);
        let got = rows(case, &run(case));
        compared += 1;
        if want != got {
            failures.push(format!(
                "{}:\n  buf only: {:#?}\n  ours only: {:#?}",
                case.name,
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    assert!(compared >= 64, "only {compared} cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixture_snapshots() {
    for case in cases() {
        let findings = run(&case);
        let mut out = Vec::new();
        report::write(&findings, Format::Text, &mut out).unwrap();
        insta::assert_snapshot!(
            case.name.trim_start_matches('_').to_string(),
            String::from_utf8(out).unwrap()
        );
    }
}

#[test]
fn comment_ignores_drop_only_the_named_rule() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "_comment_ignore")
        .expect("_comment_ignore case");
    let got: Vec<(String, String)> = run(&case)
        .iter()
        .map(|f| (f.rule.to_string(), f.message.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "FIELD_SAME_TYPE".to_string(),
                "Field \"4\" with name \"d\" on message \"M\" changed type from \"int32\" to \"int64\"."
                    .to_string()
            ),
            (
                "FIELD_NO_DELETE".to_string(),
                "Previously present field \"1\" with name \"x\" on message \"N\" was deleted."
                    .to_string()
            ),
        ]
    );
}

#[test]
fn exit_codes_and_list_rules() {
    let exe = env!("CARGO_BIN_EXE_protoforge");
    let dir = fixtures().join("field_same_type");
    let status = std::process::Command::new(exe)
        .args(["breaking"])
        .arg(dir.join("new.pb"))
        .arg("--against")
        .arg(dir.join("old.pb"))
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(100));
    let same = std::process::Command::new(exe)
        .args(["breaking"])
        .arg(dir.join("old.pb"))
        .arg("--against")
        .arg(dir.join("old.pb"))
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(0));
    assert!(same.stdout.is_empty());
    let bad = std::process::Command::new(exe)
        .args(["breaking", "Cargo.toml.binpb", "--against", "nope.binpb"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let list = std::process::Command::new(exe)
        .args(["breaking", "--list-rules"])
        .output()
        .unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    assert_eq!(list.status.code(), Some(0));
    // header + 64 live v2 rules + the deprecated MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT
    assert_eq!(text.lines().count(), 66);
    assert!(text.contains("FIELD_SAME_TYPE"));
}
