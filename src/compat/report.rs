//! Printing findings: buf's `text`, `json`, `msvs`, `github-actions` and
//! `junit` formats, and our `human` format with the old and new source
//! side by side.

use std::io::{self, Write};

use super::Finding;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col:message`
    Text,
    /// One JSON object per line (buf's fields).
    Json,
    /// `path(line,col) : error RULE : message`
    Msvs,
    /// GitHub Actions `::error` workflow commands.
    #[value(name = "github-actions")]
    GithubActions,
    /// JUnit XML, one test suite per file.
    Junit,
    /// Snippets of the old and new source with the rule and message.
    Human,
}

const NO_PATH: &str = "<input>";

pub fn write(findings: &[Finding], format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Text => findings.iter().try_for_each(|f| {
            let s = f.shown_span();
            writeln!(
                out,
                "{}:{}:{}:{}",
                f.path.as_deref().unwrap_or(NO_PATH),
                s.start_line,
                s.start_col,
                f.message
            )
        }),
        Format::Json => findings.iter().try_for_each(|f| {
            let s = f.shown_span();
            let path = match &f.path {
                Some(p) => format!("\"path\":{},", json_string(p)),
                None => String::new(),
            };
            writeln!(
                out,
                "{{{path}\"start_line\":{},\"start_column\":{},\"end_line\":{},\"end_column\":{},\"type\":{},\"message\":{}}}",
                s.start_line,
                s.start_col,
                s.end_line,
                s.end_col,
                json_string(f.rule),
                json_string(&f.message)
            )
        }),
        Format::Msvs => findings.iter().try_for_each(|f| {
            let s = f.shown_span();
            writeln!(
                out,
                "{}({},{}) : error {} : {}",
                f.path.as_deref().unwrap_or(NO_PATH),
                s.start_line,
                s.start_col,
                f.rule,
                f.message
            )
        }),
        Format::GithubActions => findings.iter().try_for_each(|f| {
            let file = f.path.as_deref().unwrap_or(NO_PATH);
            match f.span {
                Some(s) => writeln!(
                    out,
                    "::error file={},line={},col={},endLine={},endColumn={}::{}",
                    gh_property(file),
                    s.start_line,
                    s.start_col,
                    s.end_line,
                    s.end_col,
                    gh_data(&f.message)
                ),
                None => writeln!(
                    out,
                    "::error file={}::{}",
                    gh_property(file),
                    gh_data(&f.message)
                ),
            }
        }),
        Format::Junit => junit(findings, out),
        Format::Human => human(findings, out),
    }
}

/// A JSON string the way Go's encoding/json writes it (HTML characters
/// escaped too).
pub fn json_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '<' => o.push_str("\\u003c"),
            '>' => o.push_str("\\u003e"),
            '&' => o.push_str("\\u0026"),
            '\u{2028}' => o.push_str("\\u2028"),
            '\u{2029}' => o.push_str("\\u2029"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// XML text escaping as Go's encoding/xml does it.
fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("&#34;"),
            '\'' => o.push_str("&#39;"),
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\t' => o.push_str("&#x9;"),
            '\n' => o.push_str("&#xA;"),
            '\r' => o.push_str("&#xD;"),
            c => o.push(c),
        }
    }
    o
}

fn junit(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    // Suites in order of first appearance.
    let mut suites: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in findings {
        let p = f.path.clone().unwrap_or_else(|| NO_PATH.to_string());
        match suites.iter_mut().find(|(n, _)| *n == p) {
            Some((_, v)) => v.push(f),
            None => suites.push((p, vec![f])),
        }
    }
    writeln!(out, "<testsuites>")?;
    for (path, fs) in &suites {
        let name = path.strip_suffix(".proto").unwrap_or(path);
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">",
            xml(name),
            fs.len(),
            fs.len()
        )?;
        for f in fs {
            let case = match f.span {
                Some(s) => format!("{}_{}_{}", f.rule, s.start_line, s.start_col),
                None => f.rule.to_string(),
            };
            let s = f.shown_span();
            let text = format!("{path}:{}:{}:{}", s.start_line, s.start_col, f.message);
            writeln!(out, "    <testcase name=\"{}\">", xml(&case))?;
            writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\"></failure>",
                xml(&text),
                xml(f.rule)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Lines `from..=to` (1-based, at most 6) of a file's text, or of the
/// file on disk when the text is not known.
fn snippet(
    text: Option<&str>,
    path: Option<&str>,
    from: u32,
    to: u32,
) -> Option<Vec<(u32, String)>> {
    let owned;
    let text = match text {
        Some(t) => t,
        None => {
            owned = std::fs::read_to_string(path?).ok()?;
            owned.as_str()
        }
    };
    let lines: Vec<(u32, String)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, l.to_string()))
        .filter(|(n, _)| *n >= from && *n <= to.min(from + 5))
        .collect();
    (!lines.is_empty()).then_some(lines)
}

fn human(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        writeln!(out, "error[{}]: {}", f.rule, f.message)?;
        let new_at = match (&f.path, f.span) {
            (Some(p), Some(s)) => format!("{p}:{}:{}", s.start_line, s.start_col),
            (Some(p), None) => p.clone(),
            (None, _) => NO_PATH.to_string(),
        };
        let old_at = match (&f.against_display, f.against_span) {
            (Some(p), Some(s)) => format!("{p}:{}:{}", s.start_line, s.start_col),
            (Some(p), None) => p.clone(),
            (None, _) => "-".to_string(),
        };
        writeln!(out, "  --> new {new_at}")?;
        writeln!(out, "  --> old {old_at}")?;
        let new_lines = f
            .span
            .and_then(|s| {
                snippet(
                    f.source.as_deref(),
                    f.path.as_deref(),
                    s.start_line,
                    s.end_line,
                )
            })
            .unwrap_or_default();
        let old_lines = f
            .against_span
            .and_then(|s| {
                snippet(
                    f.against_source.as_deref(),
                    f.against_display.as_deref(),
                    s.start_line,
                    s.end_line,
                )
            })
            .unwrap_or_default();
        if !new_lines.is_empty() || !old_lines.is_empty() {
            let width = old_lines
                .iter()
                .map(|(_, l)| l.chars().count())
                .max()
                .unwrap_or(0)
                .clamp(10, 60);
            writeln!(out, "   {:>4} | {:<width$} | {:>4} | new", "", "old", "")?;
            for i in 0..old_lines.len().max(new_lines.len()) {
                let (on, ol) = old_lines
                    .get(i)
                    .map(|(n, l)| (n.to_string(), l.as_str()))
                    .unwrap_or_default();
                let (nn, nl) = new_lines
                    .get(i)
                    .map(|(n, l)| (n.to_string(), l.as_str()))
                    .unwrap_or_default();
                let ol: String = ol.chars().take(width).collect();
                writeln!(out, "   {on:>4} | {ol:<width$} | {nn:>4} | {nl}")?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat::model::Span;

    fn finding(path: Option<&str>, span: Option<Span>) -> Finding {
        Finding {
            path: path.map(str::to_string),
            span,
            rule: "FIELD_NO_DELETE",
            message: "Previously present field \"2\" was deleted.".into(),
            file_name: None,
            source_path: vec![],
            against_file: None,
            against_display: None,
            against_span: None,
            source: None,
            against_source: None,
        }
    }

    #[test]
    fn formats() {
        let s = Span {
            start_line: 4,
            start_col: 1,
            end_line: 7,
            end_col: 2,
        };
        let fs = [finding(None, None), finding(Some("a.proto"), Some(s))];
        let run = |f| {
            let mut v = Vec::new();
            write(&fs, f, &mut v).unwrap();
            String::from_utf8(v).unwrap()
        };
        assert_eq!(
            run(Format::Text),
            "<input>:1:1:Previously present field \"2\" was deleted.\na.proto:4:1:Previously present field \"2\" was deleted.\n"
        );
        assert!(run(Format::Json).starts_with("{\"start_line\":1,"));
        assert!(run(Format::Json).contains("{\"path\":\"a.proto\",\"start_line\":4,\"start_column\":1,\"end_line\":7,\"end_column\":2,\"type\":\"FIELD_NO_DELETE\""));
        assert!(run(Format::Msvs).contains("a.proto(4,1) : error FIELD_NO_DELETE : "));
        assert!(run(Format::GithubActions)
            .contains("::error file=a.proto,line=4,col=1,endLine=7,endColumn=2::"));
        assert!(run(Format::Junit).contains("<testcase name=\"FIELD_NO_DELETE_4_1\">"));
        assert_eq!(json_string("<a&b>"), "\"\\u003ca\\u0026b\\u003e\"");
    }
}
