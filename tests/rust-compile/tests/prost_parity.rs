//! For proto2/proto3 descriptor sets, protoforge's Rust output must equal
//! prost-build's once doc comments and the header line are set aside (the
//! wording of generated docs and the comment escaping are ours).

use std::path::Path;

fn code_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.starts_with("///") && !t.starts_with("// This file is @generated")
        })
        .collect()
}

#[test]
fn same_code_as_prost_build() {
    let out = Path::new(env!("OUT_DIR"));
    let sets = std::fs::read_to_string(out.join("sets.txt")).unwrap();
    let mut compared = 0;
    for line in sets.lines() {
        let Some((name, "legacy")) = line.split_once(' ') else {
            continue;
        };
        let prost_dir = out.join("prost").join(name);
        let ours_dir = out.join("ours").join(name);
        let mut prost_files: Vec<String> = std::fs::read_dir(&prost_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let mut our_files: Vec<String> = std::fs::read_dir(&ours_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        prost_files.sort();
        our_files.sort();
        assert_eq!(our_files, prost_files, "{name}: file names");
        for f in &prost_files {
            let a = std::fs::read_to_string(prost_dir.join(f)).unwrap();
            let b = std::fs::read_to_string(ours_dir.join(f)).unwrap();
            let (a, b) = (code_lines(&a), code_lines(&b));
            if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
                panic!(
                    "{name}/{f}: first difference at code line {i}:\n prost-build: {:?}\n protoforge:  {:?}",
                    a.get(i),
                    b.get(i)
                );
            }
            compared += 1;
        }
    }
    eprintln!("compared {compared} files with prost-build's");
}
