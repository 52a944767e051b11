//! Writes our lowering of a list of files as a `FileDescriptorSet`, for
//! `scripts/check-lower.py` to compare with protoc's output. Ignored by
//! default; driven by environment variables:
//!
//! * `LOWER_ROOTS`: include roots, `:`-separated;
//! * `LOWER_LIST`: a file naming one input (virtual name) per line;
//! * `LOWER_OUT`: where to write the descriptor set;
//! * `LOWER_SIDE`: where to write, per file, the option locations (one line
//!   `file<TAB>location index<TAB>path prefix length` each) and diagnostics.

use protoforge::descriptor::{encode_to_vec, FileDescriptorSet};
use protoforge::link::lower::lower;
use protoforge::load::{load, LoadOptions};

#[test]
#[ignore]
fn lower_corpus() {
    let (Ok(roots), Ok(list), Ok(out), Ok(side)) = (
        std::env::var("LOWER_ROOTS"),
        std::env::var("LOWER_LIST"),
        std::env::var("LOWER_OUT"),
        std::env::var("LOWER_SIDE"),
    ) else {
        eprintln!("LOWER_ROOTS, LOWER_LIST, LOWER_OUT, LOWER_SIDE not set; nothing to do");
        return;
    };
    let inputs: Vec<String> = std::fs::read_to_string(&list)
        .expect("read LOWER_LIST")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let loaded = load(
        &inputs,
        &LoadOptions {
            roots: roots.split(':').map(Into::into).collect(),
            builtin_wkt: false,
            skip_comments: false,
            lower: false,
            release_text: false,
            wire_locations: false,
        },
    );
    let mut set = FileDescriptorSet::default();
    let mut notes = String::new();
    for d in &loaded.diagnostics {
        notes.push_str(&format!("load\t{}\n", d.message));
    }
    for &i in &loaded.inputs {
        let file = &loaded.files[i];
        let lowered = lower(file);
        for (target, o) in lowered.options.iter() {
            if let Some(ix) = o.location_index {
                notes.push_str(&format!(
                    "opt\t{}\t{}\t{}\n",
                    file.name,
                    ix,
                    target.len() + 1
                ));
            }
        }
        for d in &lowered.diagnostics {
            notes.push_str(&format!("diag\t{}\t{}\n", file.name, d.message));
        }
        set.file.push(lowered.proto);
    }
    std::fs::write(&out, encode_to_vec(&set)).expect("write LOWER_OUT");
    std::fs::write(&side, notes).expect("write LOWER_SIDE");
}
