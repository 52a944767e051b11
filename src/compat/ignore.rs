//! Dropping findings: buf.yaml's `ignore`, `ignore_only` and
//! `ignore_unstable_packages`, and our comment ignores.
//!
//! A comment ignore is a line `protoforge:breaking:ignore RULE_ID` in the
//! leading or trailing comment of the element a finding is located on, or
//! of any element enclosing it (a comment on the `package` or `syntax`
//! statement covers the whole file). buf has no such thing for breaking
//! changes; its lint ignores look the same with `buf:lint:ignore`.

use super::config::Breaking;
use super::model::Image;
use super::rules::{self, ConfigVersion};
use super::Finding;

/// The comment directive.
pub const DIRECTIVE: &str = "protoforge:breaking:ignore";

fn path_matches(name: &str, ignore: &str) -> bool {
    ignore == "."
        || name == ignore
        || (name.len() > ignore.len()
            && name.starts_with(ignore)
            && name.as_bytes()[ignore.len()] == b'/')
}

/// Whether a package has an unstable version component (`v1alpha1`,
/// `v2beta`, `v1p1beta1`, `v1test`, …).
pub fn is_unstable_package(pkg: &str) -> bool {
    pkg.split('.').any(|part| {
        let Some(rest) = part.strip_prefix('v') else {
            return false;
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        let mut rest = &rest[digits..];
        if rest.starts_with("test") {
            return true;
        }
        // optional pN
        if let Some(r) = rest.strip_prefix('p') {
            let d = r.bytes().take_while(u8::is_ascii_digit).count();
            if d > 0 {
                rest = &r[d..];
            }
        }
        let tail = rest
            .strip_prefix("alpha")
            .or_else(|| rest.strip_prefix("beta"));
        matches!(tail, Some(t) if t.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn package_of<'a>(img: &'a Image, name: &str) -> Option<&'a str> {
    img.files
        .iter()
        .find(|f| f.fd.name() == name)
        .map(|f| f.fd.package())
}

/// Applies the configuration's ignores.
pub fn apply_config(
    findings: Vec<Finding>,
    b: &Breaking,
    version: ConfigVersion,
    new: &Image,
    old: &Image,
) -> Vec<Finding> {
    let names = |f: &Finding| -> Vec<String> {
        f.file_name
            .iter()
            .chain(f.against_file.iter())
            .cloned()
            .collect()
    };
    findings
        .into_iter()
        .filter(|f| {
            let files = names(f);
            if files
                .iter()
                .any(|n| b.ignore.iter().any(|i| path_matches(n, i)))
            {
                return false;
            }
            for (key, paths) in &b.ignore_only {
                let applies = key == f.rule
                    || rules::rule(f.rule).is_some_and(|r| {
                        r.categories(version)
                            .is_some_and(|c| c.contains(&key.as_str()))
                    });
                if applies
                    && files
                        .iter()
                        .any(|n| paths.iter().any(|p| path_matches(n, p)))
                {
                    return false;
                }
            }
            if b.ignore_unstable_packages {
                let new_pkg = f.file_name.as_deref().and_then(|n| package_of(new, n));
                let old_pkg = f.against_file.as_deref().and_then(|n| package_of(old, n));
                if new_pkg.into_iter().chain(old_pkg).any(is_unstable_package) {
                    return false;
                }
            }
            true
        })
        .collect()
}

/// Whether `comment` carries the directive for `rule`.
fn comment_ignores(comment: &str, rule: &str) -> bool {
    comment.lines().any(|line| {
        let line = line.trim();
        line.strip_prefix(DIRECTIVE)
            .map(|rest| rest.split_whitespace().any(|r| r == rule))
            .unwrap_or(false)
    })
}

/// Drops findings whose element (or an enclosing one) in the new file has
/// a `protoforge:breaking:ignore RULE_ID` comment.
pub fn apply_comments(findings: Vec<Finding>, new: &Image) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| {
            let Some(name) = f.file_name.as_deref() else {
                return true;
            };
            let Some(file) = new.files.iter().find(|x| x.fd.name() == name) else {
                return true;
            };
            let Some(info) = file.source_info() else {
                return true;
            };
            !info.location.iter().any(|l| {
                let encloses =
                    f.source_path.starts_with(&l.path) || l.path[..] == [2] || l.path[..] == [12];
                encloses
                    && l.leading_comments()
                        .into_iter()
                        .chain(l.trailing_comments())
                        .chain(
                            l.leading_detached_comments()
                                .iter()
                                .map(String::as_str)
                                .filter(|_| l.path[..] == [12]),
                        )
                        .any(|c| comment_ignores(c, f.rule))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unstable_packages() {
        for p in [
            "a.v1alpha1",
            "a.v1beta",
            "a.v1p1beta1",
            "a.v2test",
            "x.v1test1.y",
        ] {
            assert!(is_unstable_package(p), "{p}");
        }
        for p in ["a.v1", "a.vbeta1", "a.v1gamma", "alpha", ""] {
            assert!(!is_unstable_package(p), "{p}");
        }
    }

    #[test]
    fn paths_and_comments() {
        assert!(path_matches("a/b.proto", "a"));
        assert!(path_matches("a/b.proto", "a/b.proto"));
        assert!(!path_matches("ab/c.proto", "a"));
        assert!(comment_ignores(
            " protoforge:breaking:ignore FIELD_NO_DELETE\n",
            "FIELD_NO_DELETE"
        ));
        assert!(!comment_ignores(
            " protoforge:breaking:ignore FIELD_SAME_TYPE",
            "FIELD_NO_DELETE"
        ));
    }
}
