//! Proto comments as rustdoc.
//!
//! Comments become one `///` line each (leading comment, a blank line,
//! then the trailing comment; detached comments are dropped). They are
//! made safe for rustdoc:
//!
//! * indented code blocks are fenced as ```` ```text ```` and fences with no
//!   language (or a Rust one) are marked `text`, so no comment ever becomes
//!   a doctest;
//! * `[x]` not followed by `(` or `[` is escaped so it is not read as an
//!   intra-doc link;
//! * bare `http(s)://` URLs are wrapped in `<…>`.

/// rustdoc code block attributes that still mean "this is Rust".
const RUSTDOC_ATTRS: &[&str] = &[
    "rust",
    "ignore",
    "no_run",
    "should_panic",
    "compile_fail",
    "test_harness",
    "standalone_crate",
    "allow_fail",
];

/// Doc lines (each to be written as `///` + line) for a location's
/// comments.
pub fn doc_lines(leading: Option<&str>, trailing: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let lead = leading.map(sanitize).unwrap_or_default();
    let trail = trailing.map(sanitize).unwrap_or_default();
    out.extend(lead.iter().cloned());
    if !lead.is_empty() && !trail.is_empty() {
        out.push(String::new());
    }
    out.extend(trail);
    out
}

fn indent_of(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4 - n % 4,
            _ => break,
        }
    }
    n
}

/// An opening or closing fence: (marker char, run length, info string).
fn fence(line: &str) -> Option<(char, usize, &str)> {
    if indent_of(line) >= 4 {
        return None;
    }
    let t = line.trim_start();
    let c = t.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = t.chars().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    let info = t[n..].trim();
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((c, n, info))
}

fn is_rust_info(info: &str) -> bool {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .all(|t| RUSTDOC_ATTRS.contains(&t) || t.starts_with("edition"))
}

/// Turns one comment (protoc's text: lines after `//`, or the inside of a
/// block comment) into doc lines.
pub fn sanitize(comment: &str) -> Vec<String> {
    // Lines, each without the one space conventionally written after `//`.
    let lines: Vec<&str> = comment
        .lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut open_fence: Option<(char, usize)> = None;
    let mut in_indented = false;
    let mut prev_blank = true;
    for line in lines {
        let blank = line.trim().is_empty();
        if let Some((c, n)) = open_fence {
            if matches!(fence(line), Some((c2, n2, "")) if c2 == c && n2 >= n) {
                open_fence = None;
            }
            out.push(line.to_string());
            prev_blank = blank;
            continue;
        }
        if in_indented {
            if blank || indent_of(line) >= 4 {
                out.push(line.to_string());
                prev_blank = blank;
                continue;
            }
            close_indented(&mut out);
            in_indented = false;
        }
        if let Some((c, n, info)) = fence(line) {
            let indent = &line[..line.len() - line.trim_start().len()];
            let marker: String = std::iter::repeat_n(c, n).collect();
            let info = if is_rust_info(info) {
                if info.is_empty() {
                    "text".to_string()
                } else {
                    format!("text,{info}")
                }
            } else {
                info.to_string()
            };
            out.push(format!("{indent}{marker}{info}"));
            open_fence = Some((c, n));
            prev_blank = false;
            continue;
        }
        if !blank && prev_blank && indent_of(line) >= 4 {
            out.push("```text".to_string());
            out.push(line.to_string());
            in_indented = true;
            prev_blank = false;
            continue;
        }
        out.push(escape_inline(line));
        prev_blank = blank;
    }
    if in_indented {
        close_indented(&mut out);
    }
    if open_fence.is_some() {
        // An unterminated fence would swallow whatever rustdoc appends.
        out.push("```".to_string());
    }
    // Lines become `///` + line: give text a leading space, keep blank
    // lines empty.
    out.into_iter()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", l.trim_end())
            }
        })
        .collect()
}

/// Ends an indented block turned into a fence, moving blank lines that
/// belonged to the gap after it outside the fence.
fn close_indented(out: &mut Vec<String>) {
    let mut blanks = 0;
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
        blanks += 1;
    }
    out.push("```".to_string());
    out.extend(std::iter::repeat_n(String::new(), blanks));
}

/// Escapes brackets that rustdoc would take for links and wraps bare URLs,
/// outside inline code spans.
fn escape_inline(line: &str) -> String {
    // Most lines have nothing to escape: no code span, bracket, `<` or URL.
    if !line.bytes().any(|b| matches!(b, b'`' | b'[' | b']' | b'<')) && !line.contains("http") {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    // Which characters are inside `code` spans.
    let mut in_code = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            // find a closing run of the same length
            let mut j = i + run;
            let mut close = None;
            while j < chars.len() {
                if chars[j] == '`' {
                    let r = chars[j..].iter().take_while(|&&c| c == '`').count();
                    if r == run {
                        close = Some(j);
                        break;
                    }
                    j += r;
                } else {
                    j += 1;
                }
            }
            match close {
                Some(j) => {
                    for flag in &mut in_code[i..j + run] {
                        *flag = true;
                    }
                    i = j + run;
                }
                None => i += run,
            }
        } else {
            i += 1;
        }
    }
    // Bracket pairs to escape.
    let mut escape = vec![false; chars.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (k, &c) in chars.iter().enumerate() {
        if in_code[k] || (k > 0 && chars[k - 1] == '\\') {
            continue;
        }
        match c {
            '[' => stack.push(k),
            ']' => {
                if let Some(open) = stack.pop() {
                    // `[text](url)` stays a link; anything else would be
                    // read as an intra-doc or reference link.
                    if chars.get(k + 1) != Some(&'(') {
                        escape[open] = true;
                        escape[k] = true;
                    }
                }
            }
            _ => {}
        }
    }
    let mut s = String::with_capacity(line.len() + 8);
    let mut k = 0;
    while k < chars.len() {
        if !in_code[k] && starts_url(&chars[k..]) {
            let prev = if k > 0 { Some(chars[k - 1]) } else { None };
            let mut end = k;
            while end < chars.len() && !chars[end].is_whitespace() && !in_code[end] {
                if matches!(chars[end], ')' | '>' | '"' | '\'' | '<') {
                    break;
                }
                end += 1;
            }
            while end > k && matches!(chars[end - 1], '.' | ',' | ';' | ':' | '!' | '?') {
                end -= 1;
            }
            let url: String = chars[k..end].iter().collect();
            let link_target = prev == Some('(') && k >= 2 && chars[k - 2] == ']';
            if prev == Some('<') || link_target || url.contains(['[', ']']) {
                s.push_str(&url);
            } else {
                s.push('<');
                s.push_str(&url);
                s.push('>');
            }
            k = end;
            continue;
        }
        // `<word` would be taken for an HTML tag (autolinks we write stay).
        let html = chars[k] == '<'
            && !in_code[k]
            && chars
                .get(k + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == '/' || *c == '!')
            && !starts_url(&chars[k + 1..]);
        if escape[k] || html {
            s.push('\\');
        }
        s.push(chars[k]);
        k += 1;
    }
    s
}

/// Whether `c` starts with `http://` or `https://` and something after it.
/// Asked at every character of every comment: no allocation.
fn starts_url(c: &[char]) -> bool {
    let starts =
        |scheme: &str| c.len() > scheme.len() && c.iter().zip(scheme.chars()).all(|(a, b)| *a == b);
    c.first() == Some(&'h') && (starts("http://") || starts("https://"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_recognised_by_scheme_and_need_a_rest() {
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        assert!(starts_url(&chars("http://x")));
        assert!(starts_url(&chars("https://x")));
        assert!(!starts_url(&chars("http://")));
        assert!(!starts_url(&chars("https://")));
        assert!(!starts_url(&chars("htp://x")));
        assert!(!starts_url(&chars("ftp://x")));
        assert!(!starts_url(&chars("")));
    }

    #[test]
    fn plain_lines_get_one_space() {
        assert_eq!(sanitize(" Hello.\n World\n"), [" Hello.", " World"]);
        assert_eq!(sanitize("NoSpace\n\n"), [" NoSpace", ""]);
    }

    #[test]
    fn leading_then_trailing() {
        assert_eq!(doc_lines(Some(" a\n"), Some(" b\n")), [" a", "", " b"]);
        assert_eq!(doc_lines(None, Some(" b\n")), [" b"]);
        assert!(doc_lines(None, None).is_empty());
    }

    #[test]
    fn indented_code_is_fenced_as_text() {
        let got = sanitize(" Example:\n\n     foo = bar;\n     baz();\n\n Done.\n");
        assert_eq!(
            got,
            [
                " Example:",
                "",
                " ```text",
                "     foo = bar;",
                "     baz();",
                " ```",
                "",
                " Done."
            ]
        );
        // indentation continuing a paragraph is not code
        assert_eq!(sanitize(" a\n     b\n"), [" a", "     b"]);
    }

    #[test]
    fn fences_without_language_become_text() {
        assert_eq!(sanitize(" ```\n x\n ```\n"), [" ```text", " x", " ```"]);
        assert_eq!(sanitize(" ```rust\n x\n ```\n")[0], " ```text,rust");
        assert_eq!(sanitize(" ```json\n {}\n ```\n")[0], " ```json");
        // unterminated fences are closed
        assert_eq!(sanitize(" ```\n x\n"), [" ```text", " x", " ```"]);
        // brackets inside fences stay as written
        assert_eq!(sanitize(" ```\n [a]\n ```\n")[1], " [a]");
    }

    #[test]
    fn brackets_and_urls() {
        assert_eq!(
            escape_inline("see [foo] and [bar](x)"),
            "see \\[foo\\] and [bar](x)"
        );
        assert_eq!(escape_inline("a[0][1]"), "a\\[0\\]\\[1\\]");
        assert_eq!(
            escape_inline("[Commit][google.Commit]"),
            "\\[Commit\\]\\[google.Commit\\]"
        );
        assert_eq!(escape_inline("a <b> c < d"), "a \\<b> c < d");
        assert_eq!(
            escape_inline("see (https://x.y/z)."),
            "see (<https://x.y/z>)."
        );
        assert_eq!(escape_inline("`[x]` [y]"), "`[x]` \\[y\\]");
        assert_eq!(
            escape_inline("go to https://example.com/a."),
            "go to <https://example.com/a>."
        );
        assert_eq!(
            escape_inline("[link](https://example.com)"),
            "[link](https://example.com)"
        );
        assert_eq!(escape_inline("<https://x.y>"), "<https://x.y>");
    }
}
