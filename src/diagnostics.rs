//! One diagnostic type for every stage, and the renderers that print it.
//!
//! Spans are byte ranges into a file's text. Files are identified by their
//! virtual name (the name protoc would print, relative to an include root).

use crate::link::source_info::line_starts;
use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

/// A byte range in a named file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// Virtual file name (e.g. `google/api/http.proto`).
    pub file: String,
    /// Byte range in the file's text.
    pub span: Range<usize>,
}

/// A span with an explanatory message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

/// A problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable identifier, e.g. `syntax`, `import-cycle`, `field-number-duplicate`.
    pub code: &'static str,
    /// The headline, worded as protoc words it where protoc has a message.
    pub message: String,
    /// Where the problem is. `None` for problems with no place in a file
    /// (a missing input file named on the command line).
    pub primary: Option<Label>,
    /// Other places worth looking at ("first defined here").
    pub secondary: Vec<Label>,
    /// Free-form help lines.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Sets the primary location; the label text may be empty.
    pub fn at(
        mut self,
        file: impl Into<String>,
        span: Range<usize>,
        label: impl Into<String>,
    ) -> Self {
        self.primary = Some(Label {
            location: Location {
                file: file.into(),
                span,
            },
            message: label.into(),
        });
        self
    }

    pub fn with_secondary(
        mut self,
        file: impl Into<String>,
        span: Range<usize>,
        label: impl Into<String>,
    ) -> Self {
        self.secondary.push(Label {
            location: Location {
                file: file.into(),
                span,
            },
            message: label.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

// ---------------------------------------------------------------------------
// Source text lookup
// ---------------------------------------------------------------------------

/// Gives the renderers the text of a file by its virtual name.
///
/// A file that is not available yields `None`; renderers then print what
/// they can without line and column numbers.
pub trait SourceLookup {
    fn source(&self, file: &str) -> Option<&str>;
}

impl<S: std::hash::BuildHasher> SourceLookup for std::collections::HashMap<String, String, S> {
    fn source(&self, file: &str) -> Option<&str> {
        self.get(file).map(String::as_str)
    }
}

impl<S: std::hash::BuildHasher> SourceLookup
    for std::collections::HashMap<String, std::sync::Arc<str>, S>
{
    fn source(&self, file: &str) -> Option<&str> {
        self.get(file).map(|text| &**text)
    }
}

impl SourceLookup for std::collections::BTreeMap<String, String> {
    fn source(&self, file: &str) -> Option<&str> {
        self.get(file).map(String::as_str)
    }
}

/// A small name-to-text map, for callers that have no file table of their own.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: std::collections::HashMap<String, std::sync::Arc<str>>,
}

impl Sources {
    pub fn new() -> Self {
        Sources::default()
    }

    /// Adds (or replaces) the text of `name`.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<std::sync::Arc<str>>) {
        self.files.insert(name.into(), text.into());
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(|text| &**text)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl SourceLookup for Sources {
    fn source(&self, file: &str) -> Option<&str> {
        self.get(file)
    }
}

// ---------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------

/// Width of a tab stop in protoc's column counting.
const TAB_WIDTH: usize = 8;

/// The 0-based (line, column) of byte `offset` in `text`, counted the way
/// protoc's tokenizer counts: every byte (including each byte of a multi-byte
/// UTF-8 sequence and `\r`) advances the column by one, a tab advances it to
/// the next multiple of 8, and `\n` starts a new line at column 0.
///
/// Offsets past the end are treated as the end of the text. Offsets inside a
/// UTF-8 sequence are fine since only bytes are counted.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let (line, line_start) = match before.iter().rposition(|&b| b == b'\n') {
        Some(nl) => (
            before[..nl].iter().filter(|&&b| b == b'\n').count() + 1,
            nl + 1,
        ),
        None => (0, 0),
    };
    let col = before[line_start..].iter().fold(0usize, |col, &b| {
        if b == b'\t' {
            col + TAB_WIDTH - col % TAB_WIDTH
        } else {
            col + 1
        }
    });
    (line, col)
}

/// A resolved location, all numbers 1-based. The end is exclusive: it is the
/// position just after the last byte of the span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Position {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// `line_col` from a table of line starts: O(log lines + line length)
/// instead of O(offset), for files with many diagnostics.
fn line_col_indexed(text: &str, starts: &[usize], offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let line = starts.partition_point(|&s| s <= offset).saturating_sub(1);
    let from = starts.get(line).copied().unwrap_or(0);
    let before = &text.as_bytes()[from..offset];
    if !before.contains(&b'\t') {
        // No tabs (the usual case): the column is the byte count, found
        // without looking at each byte.
        return (line, before.len());
    }
    let col = before.iter().fold(0usize, |col, &b| {
        if b == b'\t' {
            col + TAB_WIDTH - col % TAB_WIDTH
        } else {
            col + 1
        }
    });
    (line, col)
}

thread_local! {
    /// Line starts of the file most recently resolved (diagnostics come in
    /// runs per file), keyed by its name and length.
    static LINE_CACHE: std::cell::RefCell<(String, usize, Vec<usize>)> =
        const { std::cell::RefCell::new((String::new(), usize::MAX, Vec::new())) };
}

fn resolve(location: &Location, sources: &dyn SourceLookup) -> Option<Position> {
    let text = sources.source(&location.file)?;
    let start = location.span.start;
    let end = location.span.end.max(start);
    let ((line, col), (end_line, end_col)) = LINE_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.0 != location.file || c.1 != text.len() {
            *c = (location.file.clone(), text.len(), line_starts(text));
        }
        (
            line_col_indexed(text, &c.2, start),
            line_col_indexed(text, &c.2, end),
        )
    });
    Some(Position {
        line: line + 1,
        column: col + 1,
        end_line: end_line + 1,
        end_column: end_col + 1,
    })
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/// Output style for diagnostics (`--error-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ErrorFormat {
    /// Rich snippets with labels and notes.
    Human,
    /// protoc's own `file:line:column: message` lines.
    Gcc,
    /// One JSON object per line.
    Json,
    /// GitHub Actions workflow commands (`::error file=…::message`).
    Github,
}

/// Number of error-severity diagnostics.
pub fn count_errors(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// Number of warning-severity diagnostics.
pub fn count_warnings(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| !d.is_error()).count()
}

/// Writes `diags` to `out` in the chosen format.
///
/// `color` only affects [`ErrorFormat::Human`]. Files missing from `sources`
/// never cause an error: their diagnostics are printed without positions.
pub fn render(
    diags: &[Diagnostic],
    sources: &dyn SourceLookup,
    format: ErrorFormat,
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        ErrorFormat::Gcc => diags.iter().try_for_each(|d| render_gcc(d, sources, out)),
        ErrorFormat::Json => diags.iter().try_for_each(|d| render_json(d, sources, out)),
        ErrorFormat::Github => diags
            .iter()
            .try_for_each(|d| render_github(d, sources, out)),
        ErrorFormat::Human => render_human(diags, sources, color, out),
    }
}

// --- gcc -------------------------------------------------------------------

fn render_gcc(
    d: &Diagnostic,
    sources: &dyn SourceLookup,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let prefix = match d.severity {
        Severity::Error => "",
        Severity::Warning => "warning: ",
    };
    match &d.primary {
        Some(label) => match resolve(&label.location, sources) {
            Some(pos) => writeln!(
                out,
                "{}:{}:{}: {}{}",
                label.location.file, pos.line, pos.column, prefix, d.message
            ),
            None => writeln!(out, "{}: {}{}", label.location.file, prefix, d.message),
        },
        None => writeln!(out, "{}{}", prefix, d.message),
    }
}

// --- json ------------------------------------------------------------------

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Appends `s` to `buf` as a JSON string literal, quotes included.
fn json_string(buf: &mut String, s: &str) {
    use std::fmt::Write as _;
    buf.push('"');
    for c in s.chars() {
        match c {
            '"' => buf.push_str("\\\""),
            '\\' => buf.push_str("\\\\"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            '\t' => buf.push_str("\\t"),
            '\u{8}' => buf.push_str("\\b"),
            '\u{c}' => buf.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(buf, "\\u{:04x}", c as u32);
            }
            c => buf.push(c),
        }
    }
    buf.push('"');
}

fn json_opt_number(buf: &mut String, n: Option<usize>) {
    match n {
        Some(n) => buf.push_str(&n.to_string()),
        None => buf.push_str("null"),
    }
}

/// Appends `"file":…,"line":…,"column":…,"end_line":…,"end_column":…`.
fn json_location(buf: &mut String, location: Option<&Location>, sources: &dyn SourceLookup) {
    let pos = location.and_then(|l| resolve(l, sources));
    buf.push_str("\"file\":");
    match location {
        Some(l) => json_string(buf, &l.file),
        None => buf.push_str("null"),
    }
    buf.push_str(",\"line\":");
    json_opt_number(buf, pos.map(|p| p.line));
    buf.push_str(",\"column\":");
    json_opt_number(buf, pos.map(|p| p.column));
    buf.push_str(",\"end_line\":");
    json_opt_number(buf, pos.map(|p| p.end_line));
    buf.push_str(",\"end_column\":");
    json_opt_number(buf, pos.map(|p| p.end_column));
}

fn render_json(
    d: &Diagnostic,
    sources: &dyn SourceLookup,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut buf = String::with_capacity(128);
    buf.push_str("{\"severity\":");
    json_string(&mut buf, severity_name(d.severity));
    buf.push_str(",\"code\":");
    json_string(&mut buf, d.code);
    buf.push_str(",\"message\":");
    json_string(&mut buf, &d.message);
    buf.push(',');
    json_location(&mut buf, d.primary.as_ref().map(|l| &l.location), sources);
    // The primary label's own text, which has no slot in the location fields.
    buf.push_str(",\"label\":");
    match d.primary.as_ref().filter(|l| !l.message.is_empty()) {
        Some(l) => json_string(&mut buf, &l.message),
        None => buf.push_str("null"),
    }
    buf.push_str(",\"labels\":[");
    for (i, label) in d.secondary.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        buf.push('{');
        json_location(&mut buf, Some(&label.location), sources);
        buf.push_str(",\"message\":");
        json_string(&mut buf, &label.message);
        buf.push('}');
    }
    buf.push_str("],\"notes\":[");
    for (i, note) in d.notes.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        json_string(&mut buf, note);
    }
    buf.push_str("]}\n");
    out.write_all(buf.as_bytes())
}

// --- github ----------------------------------------------------------------

/// Escapes the message part of a workflow command.
fn github_escape_data(s: &str) -> String {
    let mut escaped = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Escapes a `key=value` property of a workflow command.
fn github_escape_property(s: &str) -> String {
    let mut escaped = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            ':' => escaped.push_str("%3A"),
            ',' => escaped.push_str("%2C"),
            c => escaped.push(c),
        }
    }
    escaped
}

fn render_github(
    d: &Diagnostic,
    sources: &dyn SourceLookup,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(label) = &d.primary {
        props.push(("file", github_escape_property(&label.location.file)));
        if let Some(pos) = resolve(&label.location, sources) {
            props.push(("line", pos.line.to_string()));
            props.push(("col", pos.column.to_string()));
            props.push(("endLine", pos.end_line.to_string()));
            props.push(("endColumn", pos.end_column.to_string()));
        }
    }
    if !d.code.is_empty() {
        props.push(("title", github_escape_property(d.code)));
    }

    let mut message = d.message.clone();
    for label in &d.secondary {
        message.push('\n');
        message.push_str(&label.location.file);
        if let Some(pos) = resolve(&label.location, sources) {
            message.push_str(&format!(":{}:{}", pos.line, pos.column));
        }
        if !label.message.is_empty() {
            message.push_str(": ");
            message.push_str(&label.message);
        }
    }
    for note in &d.notes {
        message.push('\n');
        message.push_str(note);
    }

    let mut line = String::from("::");
    line.push_str(severity_name(d.severity));
    for (i, (key, value)) in props.iter().enumerate() {
        line.push(if i == 0 { ' ' } else { ',' });
        line.push_str(key);
        line.push('=');
        line.push_str(value);
    }
    line.push_str("::");
    line.push_str(&github_escape_data(&message));
    line.push('\n');
    out.write_all(line.as_bytes())
}

// --- human (codespan-reporting) --------------------------------------------

/// The files of one `render` call, indexed for codespan-reporting. Columns
/// shown in snippet headers follow [`line_col`], so they agree with the gcc
/// format.
struct FileTable<'s> {
    files: Vec<TableFile<'s>>,
    /// File name to index in `files`.
    ids: std::collections::HashMap<&'s str, usize>,
}

struct TableFile<'s> {
    name: &'s str,
    text: &'s str,
    line_starts: Vec<usize>,
}

impl<'s> FileTable<'s> {
    fn new() -> Self {
        FileTable {
            files: Vec::new(),
            ids: std::collections::HashMap::new(),
        }
    }

    /// The id of `name`, adding it on first use; `None` if its text is unknown.
    fn id(&mut self, name: &'s str, sources: &'s dyn SourceLookup) -> Option<usize> {
        if let Some(&id) = self.ids.get(name) {
            return Some(id);
        }
        let text = sources.source(name)?;
        self.files.push(TableFile {
            name,
            text,
            line_starts: line_starts(text),
        });
        self.ids.insert(name, self.files.len() - 1);
        Some(self.files.len() - 1)
    }

    fn file(&self, id: usize) -> Result<&TableFile<'s>, codespan_reporting::files::Error> {
        self.files
            .get(id)
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }
}

impl TableFile<'_> {
    fn line_start(&self, line_index: usize) -> Result<usize, codespan_reporting::files::Error> {
        match line_index.cmp(&self.line_starts.len()) {
            std::cmp::Ordering::Less => Ok(self.line_starts[line_index]),
            std::cmp::Ordering::Equal => Ok(self.text.len()),
            std::cmp::Ordering::Greater => Err(codespan_reporting::files::Error::LineTooLarge {
                given: line_index,
                max: self.line_starts.len() - 1,
            }),
        }
    }
}

impl<'a> codespan_reporting::files::Files<'a> for FileTable<'_> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.file(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.file(id)?.text)
    }

    fn line_index(
        &'a self,
        id: usize,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let file = self.file(id)?;
        Ok(match file.line_starts.binary_search(&byte_index) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        })
    }

    fn line_range(
        &'a self,
        id: usize,
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let file = self.file(id)?;
        Ok(file.line_start(line_index)?..file.line_start(line_index + 1)?)
    }

    fn column_number(
        &'a self,
        id: usize,
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let file = self.file(id)?;
        let start = file.line_start(_line_index)?;
        let from = start.min(byte_index).min(file.text.len());
        let col = file.text.as_bytes()[from..byte_index.min(file.text.len())]
            .iter()
            .fold(0usize, |col, &b| {
                if b == b'\t' {
                    col + TAB_WIDTH - col % TAB_WIDTH
                } else {
                    col + 1
                }
            });
        Ok(col + 1)
    }
}

/// Clamps `span` into `text` on character boundaries, so that codespan can
/// slice the text with it: the start moves back and the end moves forward to
/// the nearest boundary; an empty or reversed span stays empty at its start.
fn clamp_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    if span.end <= span.start {
        return start..start;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// Converts one label for codespan, or into a note when its file's text is
/// not available.
fn human_label<'s>(
    table: &mut FileTable<'s>,
    sources: &'s dyn SourceLookup,
    label: &'s Label,
    primary: bool,
    labels: &mut Vec<codespan_reporting::diagnostic::Label<usize>>,
    notes: &mut Vec<String>,
) {
    use codespan_reporting::diagnostic as cs;
    let file = label.location.file.as_str();
    match table.id(file, sources) {
        Some(id) => {
            let span = clamp_span(table.files[id].text, &label.location.span);
            let converted = if primary {
                cs::Label::primary(id, span)
            } else {
                cs::Label::secondary(id, span)
            };
            labels.push(converted.with_message(label.message.clone()));
        }
        None => notes.push(if label.message.is_empty() {
            format!("in {file}")
        } else {
            format!("{file}: {}", label.message)
        }),
    }
}

fn render_human(
    diags: &[Diagnostic],
    sources: &dyn SourceLookup,
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use codespan_reporting::diagnostic as cs;
    use codespan_reporting::term::{self, termcolor};

    let mut table = FileTable::new();
    let mut converted = Vec::with_capacity(diags.len());
    for d in diags {
        let severity = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let mut labels = Vec::new();
        let mut notes = Vec::new();
        if let Some(primary) = &d.primary {
            human_label(&mut table, sources, primary, true, &mut labels, &mut notes);
        }
        for secondary in &d.secondary {
            human_label(
                &mut table,
                sources,
                secondary,
                false,
                &mut labels,
                &mut notes,
            );
        }
        notes.extend(d.notes.iter().cloned());

        let mut diagnostic = cs::Diagnostic::new(severity)
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(notes);
        if !d.code.is_empty() {
            diagnostic = diagnostic.with_code(d.code);
        }
        converted.push(diagnostic);
    }

    let config = term::Config {
        // Tab stops as protoc counts them, so snippets line up with the
        // columns printed in the headers.
        tab_width: TAB_WIDTH,
        ..term::Config::default()
    };
    let emit_all = |writer: &mut dyn termcolor::WriteColor| -> std::io::Result<()> {
        for diagnostic in &converted {
            term::emit(writer, &config, &table, diagnostic).map_err(|e| match e {
                codespan_reporting::files::Error::Io(io) => io,
                other => std::io::Error::other(other.to_string()),
            })?;
        }
        Ok(())
    };
    if color {
        emit_all(&mut termcolor::Ansi::new(out))
    } else {
        emit_all(&mut termcolor::NoColor::new(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Arc;

    fn rendered(
        diags: &[Diagnostic],
        sources: &dyn SourceLookup,
        format: ErrorFormat,
        color: bool,
    ) -> String {
        let mut out = Vec::new();
        render(diags, sources, format, color, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn one_file(name: &str, text: &str) -> Sources {
        let mut sources = Sources::new();
        sources.add(name, text);
        sources
    }

    /// Span of the last occurrence of `token` in `text`.
    fn span_of(text: &str, token: &str) -> Range<usize> {
        let start = text.rfind(token).unwrap();
        start..start + token.len()
    }

    // --- line_col ----------------------------------------------------------

    #[test]
    fn line_col_counts_lines_and_bytes() {
        let text = "ab\ncd\n\nxyz";
        assert_eq!(line_col(text, 0), (0, 0));
        assert_eq!(line_col(text, 2), (0, 2));
        assert_eq!(line_col(text, 3), (1, 0));
        assert_eq!(line_col(text, 5), (1, 2));
        assert_eq!(line_col(text, 6), (2, 0));
        assert_eq!(line_col(text, 7), (3, 0));
        assert_eq!(line_col(text, 9), (3, 2));
        assert_eq!(line_col("", 0), (0, 0));
    }

    #[test]
    fn indexed_line_col_agrees_with_line_col() {
        for text in ["", "ab\ncd\n\nxyz", "a\tb\n\t\tc\r\nd\te", "\u{e9}\tx\ny"] {
            let starts = line_starts(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    line_col_indexed(text, &starts, offset),
                    line_col(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn line_col_tabs_advance_to_next_multiple_of_eight() {
        assert_eq!(line_col("\tx", 1), (0, 8));
        assert_eq!(line_col("abc\tx", 4), (0, 8));
        assert_eq!(line_col("abcdefg\tx", 8), (0, 8));
        // A tab exactly on a stop moves a full stop further.
        assert_eq!(line_col("abcdefgh\tx", 9), (0, 16));
        assert_eq!(line_col("\t\tx", 2), (0, 16));
        assert_eq!(line_col("a\tb\tc", 4), (0, 16));
        // The column restarts on each line.
        assert_eq!(line_col("abcde\n\tx", 7), (1, 8));
    }

    #[test]
    fn line_col_counts_utf8_bytes_and_carriage_returns() {
        // "é" is two bytes; protoc counts each byte as a column.
        let text = "\u{e9}\u{e9}x";
        assert_eq!(line_col(text, 4), (0, 4));
        // An offset inside a UTF-8 sequence is fine.
        assert_eq!(line_col(text, 1), (0, 1));
        assert_eq!(line_col(text, 3), (0, 3));
        assert_eq!(line_col("a\r\nb", 1), (0, 1));
        assert_eq!(line_col("a\r\nb", 2), (0, 2));
        assert_eq!(line_col("a\r\nb", 3), (1, 0));
        assert_eq!(line_col("a\rb", 2), (0, 2));
    }

    #[test]
    fn line_col_past_the_end_is_the_end() {
        let text = "ab\n\tc";
        assert_eq!(line_col(text, text.len()), (1, 9));
        assert_eq!(line_col(text, text.len() + 1), (1, 9));
        assert_eq!(line_col(text, usize::MAX), (1, 9));
        assert_eq!(line_col("", 10), (0, 0));
        assert_eq!(line_col("x\n", 100), (1, 0));
    }

    // --- gcc ---------------------------------------------------------------

    #[test]
    fn gcc_error_warning_and_no_location() {
        let text = "syntax = \"proto3\";\nimport \"a.proto\";\nmessage B {}\n";
        let sources = one_file("b.proto", text);
        let diags = vec![
            Diagnostic::error("syntax", "Expected \"{\".")
                .at("b.proto", span_of(text, "B"), "here")
                .with_secondary("b.proto", 0..6, "not printed")
                .with_note("not printed either"),
            Diagnostic::warning("unused-import", "Import a.proto is unused.").at(
                "b.proto",
                span_of(text, "import \"a.proto\";"),
                "",
            ),
            Diagnostic::error("file-not-found", "nope.proto: File not found."),
            Diagnostic::warning("w", "Something odd."),
        ];
        assert_eq!(
            rendered(&diags, &sources, ErrorFormat::Gcc, false),
            "b.proto:3:9: Expected \"{\".\n\
             b.proto:2:1: warning: Import a.proto is unused.\n\
             nope.proto: File not found.\n\
             warning: Something odd.\n"
        );
    }

    /// Columns in gcc mode follow protoc's tokenizer. Checked against protoc
    /// 35.1 with, e.g.,
    ///   printf 'syntax = "proto3";\n\tfoo bar;\n' > /tmp/pfdiag/x.proto
    ///   python3 -m grpc_tools.protoc -I/tmp/pfdiag --descriptor_set_out=/dev/null /tmp/pfdiag/x.proto
    /// which printed `/tmp/pfdiag/x.proto:2:9: Expected top-level statement (e.g. "message").`
    /// (the tab moves `foo` to 0-based column 8). Likewise
    ///   `message abc\t1`            -> `t.proto:2:17: Expected "{".`
    ///   `message abcdefgh\t1`       -> `t2.proto:2:25: Expected "{".`
    ///   `message /*é\té*/\tabc\t1`  -> `u.proto:2:33: Expected "{".` (é is 2 bytes)
    ///   `message abc\r1` (CRLF file) -> `r.proto:2:13: Expected "{".`
    /// `gcc_matches_live_protoc` re-runs these when protoc is available.
    #[test]
    fn gcc_tab_columns_match_protoc() {
        for (file, text, token, message, expected) in protoc_cases() {
            let sources = one_file(file, text);
            let diag = Diagnostic::error("syntax", message).at(file, span_of(text, token), "");
            assert_eq!(
                rendered(&[diag], &sources, ErrorFormat::Gcc, false),
                expected,
                "{file}"
            );
        }
    }

    type ProtocCase = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    );

    fn protoc_cases() -> Vec<ProtocCase> {
        vec![
            (
                "x.proto",
                "syntax = \"proto3\";\n\tfoo bar;\n",
                "foo",
                "Expected top-level statement (e.g. \"message\").",
                "x.proto:2:9: Expected top-level statement (e.g. \"message\").\n",
            ),
            (
                "t.proto",
                "syntax = \"proto3\";\nmessage abc\t1\n",
                "1",
                "Expected \"{\".",
                "t.proto:2:17: Expected \"{\".\n",
            ),
            (
                "t2.proto",
                "syntax = \"proto3\";\nmessage abcdefgh\t1\n",
                "1",
                "Expected \"{\".",
                "t2.proto:2:25: Expected \"{\".\n",
            ),
            (
                "u.proto",
                "syntax = \"proto3\";\nmessage /*\u{e9}\t\u{e9}*/\tabc\t1\n",
                "1",
                "Expected \"{\".",
                "u.proto:2:33: Expected \"{\".\n",
            ),
            (
                "r.proto",
                "syntax = \"proto3\";\r\nmessage abc\r1\n",
                "1",
                "Expected \"{\".",
                "r.proto:2:13: Expected \"{\".\n",
            ),
        ]
    }

    /// Runs the cases above through the real protoc when it is installed
    /// (`python3 -m grpc_tools.protoc`), and compares whole lines.
    #[test]
    fn gcc_matches_live_protoc() {
        use std::process::Command;
        let available = Command::new("python3")
            .args(["-m", "grpc_tools.protoc", "--version"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !available {
            eprintln!("skipping: python3 -m grpc_tools.protoc not available");
            return;
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("pf-diag-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();

        let mut cases: Vec<(&str, &str, Diagnostic)> = protoc_cases()
            .into_iter()
            .map(|(file, text, token, message, _)| {
                (
                    file,
                    text,
                    Diagnostic::error("syntax", message).at(file, span_of(text, token), ""),
                )
            })
            .collect();
        // A warning, which needs a second file.
        std::fs::write(dir.join("a.proto"), "syntax = \"proto3\";\nmessage A {}\n").unwrap();
        let b = "syntax = \"proto3\";\n\timport \"a.proto\";\nmessage B {}\n";
        cases.push((
            "b.proto",
            b,
            Diagnostic::warning("unused-import", "Import a.proto is unused.").at(
                "b.proto",
                span_of(b, "import"),
                "",
            ),
        ));

        for (file, text, diag) in cases {
            std::fs::write(dir.join(file), text).unwrap();
            let output = Command::new("python3")
                .args([
                    "-m",
                    "grpc_tools.protoc",
                    "-I.",
                    "--descriptor_set_out=/dev/null",
                    file,
                ])
                .current_dir(&dir)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr.lines().next().unwrap_or("").to_string() + "\n";
            let sources = one_file(file, text);
            assert_eq!(
                rendered(&[diag], &sources, ErrorFormat::Gcc, false),
                first,
                "{file}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn gcc_missing_source_prints_file_only() {
        let diag = Diagnostic::error("x", "Bad thing.").at("gone.proto", 5..9, "here");
        let warn = Diagnostic::warning("x", "Odd thing.").at("gone.proto", 5..9, "");
        assert_eq!(
            rendered(&[diag, warn], &Sources::new(), ErrorFormat::Gcc, false),
            "gone.proto: Bad thing.\ngone.proto: warning: Odd thing.\n"
        );
    }

    // --- json --------------------------------------------------------------

    #[test]
    fn json_full_diagnostic() {
        let text = "message A {\n  int32 x = 1;\n  int32 y = 1;\n}\n";
        let sources = one_file("a.proto", text);
        let first = text.find("1;").unwrap();
        let diag = Diagnostic::error(
            "field-number-duplicate",
            "Field number 1 has already been used.",
        )
        .at("a.proto", span_of(text, "1"), "reused")
        .with_secondary("a.proto", first..first + 1, "first used here")
        .with_note("note one")
        .with_note("note two");
        assert_eq!(
            rendered(&[diag], &sources, ErrorFormat::Json, false),
            "{\"severity\":\"error\",\"code\":\"field-number-duplicate\",\
             \"message\":\"Field number 1 has already been used.\",\
             \"file\":\"a.proto\",\"line\":3,\"column\":13,\"end_line\":3,\"end_column\":14,\
             \"label\":\"reused\",\
             \"labels\":[{\"file\":\"a.proto\",\"line\":2,\"column\":13,\"end_line\":2,\"end_column\":14,\
             \"message\":\"first used here\"}],\
             \"notes\":[\"note one\",\"note two\"]}\n"
        );
    }

    #[test]
    fn json_multi_line_span_and_tabs() {
        let text = "message A {\n\tint32 x = 1;\n}\n";
        let sources = one_file("a.proto", text);
        let diag = Diagnostic::warning("w", "whole message").at("a.proto", 0..text.len() - 1, "");
        let tab = Diagnostic::error("e", "after tab").at("a.proto", span_of(text, "int32"), "");
        let out = rendered(&[diag, tab], &sources, ErrorFormat::Json, false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("{\"severity\":\"warning\",\"code\":\"w\""),
            "{}",
            lines[0]
        );
        assert!(lines[0]
            .contains("\"line\":1,\"column\":1,\"end_line\":3,\"end_column\":2,\"label\":null"));
        assert!(lines[1].contains("\"line\":2,\"column\":9,\"end_line\":2,\"end_column\":14"));
    }

    #[test]
    fn json_without_location_uses_null() {
        let diag = Diagnostic::error("file-not-found", "nope.proto: File not found.");
        let missing = Diagnostic::error("x", "m")
            .at("gone.proto", 1..2, "")
            .with_secondary("gone.proto", 0..1, "s");
        let out = rendered(&[diag, missing], &Sources::new(), ErrorFormat::Json, false);
        assert_eq!(
            out,
            "{\"severity\":\"error\",\"code\":\"file-not-found\",\"message\":\"nope.proto: File not found.\",\
             \"file\":null,\"line\":null,\"column\":null,\"end_line\":null,\"end_column\":null,\
             \"label\":null,\"labels\":[],\"notes\":[]}\n\
             {\"severity\":\"error\",\"code\":\"x\",\"message\":\"m\",\
             \"file\":\"gone.proto\",\"line\":null,\"column\":null,\"end_line\":null,\"end_column\":null,\
             \"label\":null,\"labels\":[{\"file\":\"gone.proto\",\"line\":null,\"column\":null,\
             \"end_line\":null,\"end_column\":null,\"message\":\"s\"}],\"notes\":[]}\n"
        );
    }

    #[test]
    fn json_escaping() {
        let mut buf = String::new();
        json_string(
            &mut buf,
            "a\"b\\c\nd\re\tf\u{1}g\u{8}\u{c}\u{1f}\u{7f}h\u{e9}\u{2028}",
        );
        assert_eq!(
            buf,
            "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\b\\f\\u001f\\u007fh\u{e9}\u{2028}\""
        );
        // Escaping applies to every string field, file names included.
        let diag = Diagnostic::error("c", "say \"hi\"\n").at("dir\\x\".proto", 0..0, "");
        let out = rendered(&[diag], &Sources::new(), ErrorFormat::Json, false);
        assert!(out.contains("\"message\":\"say \\\"hi\\\"\\n\""), "{out}");
        assert!(out.contains("\"file\":\"dir\\\\x\\\".proto\""), "{out}");
        assert_eq!(out.matches('\n').count(), 1, "one line per diagnostic");
    }

    // --- github ------------------------------------------------------------

    #[test]
    fn github_error_and_warning() {
        let text = "syntax = \"proto3\";\n\tfoo bar;\n";
        let sources = one_file("x.proto", text);
        let diags = vec![
            Diagnostic::error("syntax", "Expected top-level statement (e.g. \"message\").").at(
                "x.proto",
                span_of(text, "foo"),
                "",
            ),
            Diagnostic::warning("unused-import", "Import a.proto is unused.").at(
                "x.proto",
                0..6,
                "",
            ),
            Diagnostic::error("file-not-found", "nope.proto: File not found."),
            Diagnostic::error("", "no code").at("gone.proto", 0..1, ""),
        ];
        assert_eq!(
            rendered(&diags, &sources, ErrorFormat::Github, false),
            "::error file=x.proto,line=2,col=9,endLine=2,endColumn=12,title=syntax::\
             Expected top-level statement (e.g. \"message\").\n\
             ::warning file=x.proto,line=1,col=1,endLine=1,endColumn=7,title=unused-import::\
             Import a.proto is unused.\n\
             ::error title=file-not-found::nope.proto: File not found.\n\
             ::error file=gone.proto::no code\n"
        );
    }

    #[test]
    fn github_escaping() {
        assert_eq!(github_escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(
            github_escape_property("50% a:b,c\r\nd"),
            "50%25 a%3Ab%2Cc%0D%0Ad"
        );
        let diag = Diagnostic::error("code:x,y", "100% wrong\nsecond line")
            .at("C:\\dir,x.proto", 0..0, "")
            .with_secondary("other.proto", 0..1, "see")
            .with_note("a note");
        let out = rendered(&[diag], &Sources::new(), ErrorFormat::Github, false);
        assert_eq!(
            out,
            "::error file=C%3A\\dir%2Cx.proto,title=code%3Ax%2Cy::\
             100%25 wrong%0Asecond line%0Aother.proto: see%0Aa note\n"
        );
    }

    // --- human -------------------------------------------------------------

    #[test]
    fn human_snippet_with_labels_and_notes() {
        let text = "message A {\n\tint32 x = 1;\n\tint32 y = 1;\n}\n";
        let sources = one_file("a.proto", text);
        let first = text.find("1;").unwrap();
        let diag = Diagnostic::error(
            "field-number-duplicate",
            "Field number 1 has already been used.",
        )
        .at("a.proto", span_of(text, "1"), "reused here")
        .with_secondary("a.proto", first..first + 1, "first used here")
        .with_note("pick another number");
        let out = rendered(&[diag], &sources, ErrorFormat::Human, false);
        let expected = [
            "error[field-number-duplicate]: Field number 1 has already been used.",
            "  ┌─ a.proto:3:19",
            "  │",
            "2 │         int32 x = 1;",
            "  │                   - first used here",
            "3 │         int32 y = 1;",
            "  │                   ^ reused here",
            "  │",
            "  = pick another number",
        ];
        let got: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert_eq!(got[..expected.len()], expected[..], "{out}");
        assert!(!out.contains('\u{1b}'), "no color codes without color");
    }

    #[test]
    fn human_header_column_agrees_with_gcc() {
        let text = "syntax = \"proto3\";\nmessage /*\u{e9}\t\u{e9}*/\tabc\t1\n";
        let sources = one_file("u.proto", text);
        let diag =
            Diagnostic::error("syntax", "Expected \"{\".").at("u.proto", span_of(text, "1"), "");
        let human = rendered(
            std::slice::from_ref(&diag),
            &sources,
            ErrorFormat::Human,
            false,
        );
        assert!(human.contains("┌─ u.proto:2:33"), "{human}");
        let gcc = rendered(&[diag], &sources, ErrorFormat::Gcc, false);
        assert_eq!(gcc, "u.proto:2:33: Expected \"{\".\n");
    }

    #[test]
    fn human_multi_line_span() {
        let text = "message A {\n  int32 x = 1;\n}\n";
        let sources = one_file("a.proto", text);
        let diag =
            Diagnostic::warning("w", "whole message").at("a.proto", 0..text.len() - 1, "this one");
        let out = rendered(&[diag], &sources, ErrorFormat::Human, false);
        assert!(out.starts_with("warning[w]: whole message\n"), "{out}");
        assert!(out.contains("┌─ a.proto:1:1"), "{out}");
        assert!(out.contains("1 │ ╭ message A {"), "{out}");
        assert!(out.contains("3 │ │ }"), "{out}");
        assert!(out.contains("╰─^ this one"), "{out}");
    }

    #[test]
    fn human_missing_source_degrades_to_header() {
        let text = "message A {}\n";
        let sources = one_file("a.proto", text);
        let diags = vec![
            Diagnostic::error("x", "in a missing file").at("gone.proto", 3..7, "here"),
            Diagnostic::error("", "no place at all"),
            Diagnostic::error("y", "mixed")
                .at("a.proto", span_of(text, "A"), "")
                .with_secondary("other.proto", 0..1, ""),
        ];
        let out = rendered(&diags, &sources, ErrorFormat::Human, false);
        let got: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert_eq!(got[0], "error[x]: in a missing file");
        assert_eq!(got[1].trim(), "= gone.proto: here");
        assert!(!out.contains("┌─ gone.proto"), "{out}");
        assert!(got.contains(&"error: no place at all"), "{out}");
        assert!(out.contains("┌─ a.proto:1:9"), "{out}");
        assert!(out.contains("= in other.proto"), "{out}");
    }

    #[test]
    fn human_color_only_when_asked() {
        let text = "message A {}\n";
        let sources = one_file("a.proto", text);
        let diag = Diagnostic::error("x", "m").at("a.proto", 0..7, "l");
        let plain = rendered(
            std::slice::from_ref(&diag),
            &sources,
            ErrorFormat::Human,
            false,
        );
        let colored = rendered(&[diag], &sources, ErrorFormat::Human, true);
        assert!(!plain.contains('\u{1b}'));
        assert!(colored.contains("\u{1b}["), "{colored:?}");
        // Same text once the escape sequences are removed.
        let mut stripped = String::new();
        let mut rest = colored.as_str();
        while let Some(i) = rest.find('\u{1b}') {
            stripped.push_str(&rest[..i]);
            let after = &rest[i..];
            let end = after.find('m').unwrap();
            rest = &after[end + 1..];
        }
        stripped.push_str(rest);
        assert_eq!(stripped, plain);
    }

    // --- robustness --------------------------------------------------------

    #[test]
    fn odd_spans_never_panic() {
        let texts = [
            "",
            "x",
            "\u{e9}\u{e9}\n\t\u{1f600}\r\n",
            "a\nb\nc\n",
            "\n\n\n",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % (bound as u64 + 1)) as usize
        };
        for text in texts {
            let sources = one_file("f.proto", text);
            for _ in 0..200 {
                let a = next(text.len() + 3);
                let b = next(text.len() + 3);
                let c = next(text.len() + 3);
                let diags = vec![
                    Diagnostic::error("e", "m")
                        .at("f.proto", a..b, "p")
                        .with_secondary("f.proto", c..a, "s"),
                    Diagnostic::warning("w", "m").at("f.proto", b..usize::MAX, ""),
                    Diagnostic::error("e", "m").at("f.proto", usize::MAX..usize::MAX, "x"),
                ];
                for format in [
                    ErrorFormat::Human,
                    ErrorFormat::Gcc,
                    ErrorFormat::Json,
                    ErrorFormat::Github,
                ] {
                    for color in [false, true] {
                        let mut out = Vec::new();
                        render(&diags, &sources, format, color, &mut out).unwrap();
                        assert!(!out.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn out_of_range_offsets_clamp_to_end() {
        let text = "ab\n\tc";
        let sources = one_file("f.proto", text);
        let diag = Diagnostic::error("e", "m").at("f.proto", 100..200, "");
        assert_eq!(
            rendered(
                std::slice::from_ref(&diag),
                &sources,
                ErrorFormat::Gcc,
                false
            ),
            "f.proto:2:10: m\n"
        );
        let json = rendered(
            std::slice::from_ref(&diag),
            &sources,
            ErrorFormat::Json,
            false,
        );
        assert!(
            json.contains("\"line\":2,\"column\":10,\"end_line\":2,\"end_column\":10"),
            "{json}"
        );
        let human = rendered(&[diag], &sources, ErrorFormat::Human, false);
        assert!(human.contains("┌─ f.proto:2:10"), "{human}");
        assert_eq!(clamp_span(text, &(100..200)), 5..5);
        assert_eq!(clamp_span("\u{e9}x", &(1..1)), 0..0);
        assert_eq!(clamp_span("\u{e9}x", &(0..1)), 0..2);
        assert_eq!(clamp_span("abc", &Range { start: 2, end: 1 }), 2..2);
    }

    // --- helpers and lookups ----------------------------------------------

    #[test]
    fn source_lookup_impls() {
        let mut owned: HashMap<String, String> = HashMap::new();
        owned.insert("a.proto".into(), "A".into());
        let mut shared: HashMap<String, Arc<str>> = HashMap::new();
        shared.insert("b.proto".into(), Arc::from("B"));
        let mut sources = Sources::new();
        assert!(sources.is_empty());
        sources.add("c.proto", "C");
        sources.add("c.proto", String::from("C2"));
        assert_eq!(sources.len(), 1);

        let lookups: [&dyn SourceLookup; 3] = [&owned, &shared, &sources];
        assert_eq!(lookups[0].source("a.proto"), Some("A"));
        assert_eq!(lookups[1].source("b.proto"), Some("B"));
        assert_eq!(lookups[2].source("c.proto"), Some("C2"));
        assert_eq!(lookups[0].source("b.proto"), None);
        assert_eq!(lookups[2].source("a.proto"), None);
    }

    #[test]
    fn counts() {
        let diags = vec![
            Diagnostic::error("a", "x"),
            Diagnostic::warning("b", "y"),
            Diagnostic::error("c", "z"),
        ];
        assert_eq!(count_errors(&diags), 2);
        assert_eq!(count_warnings(&diags), 1);
        assert_eq!(count_errors(&[]), 0);
    }

    #[test]
    fn error_format_parses_from_cli_names() {
        use clap::ValueEnum;
        let names: Vec<String> = ErrorFormat::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        assert_eq!(names, ["human", "gcc", "json", "github"]);
        assert_eq!(ErrorFormat::from_str("gcc", false), Ok(ErrorFormat::Gcc));
        assert!(ErrorFormat::from_str("msvs", false).is_err());
    }
}
