//! Building `SourceCodeInfo` the way protoc's parser records it: one
//! location per recorded element, in the order the parser opens them, with
//! spans in protoc's 0-based line/column counting (tabs advance to the next
//! multiple of 8) and the comments protoc attaches.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::descriptor::source_code_info::{
    EncodedLocations, Location, LocationComments, LocationPath, LocationSpan,
};
use crate::descriptor::SourceCodeInfo;
use crate::load::{Loaded, SourceFile};
use crate::syntax::ast::{Comments, Span};

/// Width of a tab stop in protoc's column counting.
const TAB_WIDTH: usize = 8;

/// The byte offset where each line of `text` starts (the first is 0).
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    starts
}

/// Maps byte offsets to protoc's (line, column) without rescanning the text
/// from the start for every lookup.
pub struct LineIndex<'a> {
    text: &'a [u8],
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// Whether the text has a tab anywhere (most have none, and then a
    /// column is a byte count).
    has_tabs: bool,
    /// The line of the last lookup: locations come mostly in text order.
    hint: Cell<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text: text.as_bytes(),
            starts: line_starts(text),
            has_tabs: memchr::memchr(b'\t', text.as_bytes()).is_some(),
            hint: Cell::new(0),
        }
    }

    /// The line holding `offset` (at most the text's length).
    fn line_of(&self, offset: usize) -> usize {
        let on = |l: usize| {
            self.starts[l] <= offset && self.starts.get(l + 1).is_none_or(|&next| offset < next)
        };
        let h = self.hint.get();
        let line = if h < self.starts.len() && on(h) {
            h
        } else if h + 1 < self.starts.len() && on(h + 1) {
            h + 1
        } else {
            self.starts.partition_point(|&s| s <= offset) - 1
        };
        self.hint.set(line);
        line
    }

    /// The 0-based (line, column) of `offset`, as protoc's tokenizer counts.
    pub fn line_col(&self, offset: usize) -> (i32, i32) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let before = &self.text[self.starts[line]..offset];
        let col = if !self.has_tabs || !before.contains(&b'\t') {
            before.len()
        } else {
            before.iter().fold(0usize, |col, &b| {
                if b == b'\t' {
                    col + TAB_WIDTH - col % TAB_WIDTH
                } else {
                    col + 1
                }
            })
        };
        (line as i32, col as i32)
    }

    /// protoc's span encoding: `[line, col, end_col]` when the span starts
    /// and ends on one line, `[line, col, end_line, end_col]` otherwise.
    pub fn span(&self, span: Span) -> LocationSpan {
        let (l0, c0) = self.line_col(span.start as usize);
        let (l1, c1) = self.line_col(span.end.max(span.start) as usize);
        if l0 == l1 {
            LocationSpan::from_slice(&[l0, c0, c1])
        } else {
            LocationSpan::from_slice(&[l0, c0, l1, c1])
        }
    }
}

/// A descriptor path's byte span in its file: the span of the first
/// location recorded under that path.
pub type SpanMap = HashMap<Vec<i32>, Span>;

/// The span maps of every file of a compilation, each made the first time
/// a diagnostic asks for one (most files never need theirs).
#[derive(Debug, Default)]
pub struct LazySpans {
    cells: Vec<OnceLock<SpanMap>>,
}

impl LazySpans {
    /// Room for `files` files, none made yet.
    pub fn new(files: usize) -> Self {
        LazySpans {
            cells: (0..files).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The spans of file `index` of `loaded` (none for an unknown index).
    pub fn file<'a>(&'a self, loaded: &'a Loaded, index: usize) -> FileSpans<'a> {
        FileSpans {
            cell: self.cells.get(index),
            file: loaded.files.get(index),
        }
    }
}

/// One file's span map, made on the first lookup.
#[derive(Clone, Copy)]
pub struct FileSpans<'a> {
    cell: Option<&'a OnceLock<SpanMap>>,
    file: Option<&'a SourceFile>,
}

impl FileSpans<'_> {
    /// The byte span recorded for `path`, if any.
    pub fn get(&self, path: &[i32]) -> Option<Span> {
        let (cell, file) = (self.cell?, self.file?);
        cell.get_or_init(|| super::lower::lower_spans(file))
            .get(path)
            .copied()
    }
}

/// How a lowering records source locations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocationForm {
    /// Not at all.
    None,
    /// As [`Location`]s, for whatever reads them.
    Structs,
    /// In wire form ([`EncodedLocations`]), for a descriptor set only.
    Wire,
}

/// Where recorded locations go.
enum Sink {
    None,
    Structs(Vec<Location>),
    Wire(EncodedLocations),
}

impl Sink {
    fn len(&self) -> usize {
        match self {
            Sink::None => 0,
            Sink::Structs(l) => l.len(),
            Sink::Wire(w) => w.len(),
        }
    }

    /// Appends a location whose path is `parts` one after the other; returns
    /// its index (`usize::MAX` when nothing is kept).
    fn push(&mut self, parts: &[&[i32]], span: LocationSpan, comments: Option<&Comments>) -> usize {
        match self {
            Sink::None => usize::MAX,
            Sink::Structs(locations) => {
                let mut path = LocationPath::with_capacity(parts.iter().map(|p| p.len()).sum());
                for p in parts {
                    path.extend_from_slice(p);
                }
                let mut loc = Location {
                    path,
                    span,
                    ..Default::default()
                };
                if let Some(c) = comments {
                    loc.set_comments(LocationComments {
                        leading: c.leading.clone(),
                        trailing: c.trailing.clone(),
                        detached: c.detached.clone(),
                        unknown: Vec::new(),
                    });
                }
                locations.push(loc);
                locations.len() - 1
            }
            Sink::Wire(w) => {
                match comments {
                    Some(c) => w.push(
                        parts,
                        &span,
                        c.leading.as_deref(),
                        c.trailing.as_deref(),
                        &c.detached,
                    ),
                    None => w.push(parts, &span, None, None, &[]),
                }
                w.len() - 1
            }
        }
    }
}

/// Collects locations in the order they are added.
pub struct SourceInfoBuilder<'a> {
    text: &'a str,
    /// Built on first use: a file lowered without source info never needs it.
    index: Option<LineIndex<'a>>,
    /// Whether the span map is built.
    record_spans: bool,
    locations: Sink,
    /// Descriptor path to the byte span of its first location.
    spans: SpanMap,
}

impl<'a> SourceInfoBuilder<'a> {
    /// A builder that keeps both locations and the span map.
    pub fn new(text: &'a str) -> Self {
        Self::with_recording(text, LocationForm::Structs, true)
    }

    /// A builder that keeps locations in the given form and builds the
    /// span map when `record_spans` is set; with neither it only hands out
    /// location indices (all `usize::MAX`).
    pub fn with_recording(text: &'a str, form: LocationForm, record_spans: bool) -> Self {
        // About one location per 60 bytes of schema text, and 0.7 bytes of
        // wire-form locations per byte of text (googleapis): room up front
        // instead of regrowing a large vector a dozen times. Wire-form
        // locations are recorded in a buffer reused from file to file and
        // copied out at their exact size when the file is done.
        let guess = text.len() / 48 + 8;
        let wire_guess = text.len() / 4 * 3 + 64;
        SourceInfoBuilder {
            text,
            index: None,
            record_spans,
            locations: match form {
                LocationForm::None => Sink::None,
                LocationForm::Structs => Sink::Structs(Vec::with_capacity(guess)),
                LocationForm::Wire => Sink::Wire(EncodedLocations::recording(wire_guess)),
            },
            spans: HashMap::new(),
        }
    }

    fn records(&self) -> bool {
        !matches!(self.locations, Sink::None)
    }

    fn index(&mut self) -> &LineIndex<'a> {
        let text = self.text;
        self.index.get_or_insert_with(|| LineIndex::new(text))
    }

    /// Number of locations recorded so far (the index the next one gets).
    pub fn len(&self) -> usize {
        self.locations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether adding a location does anything at all (a file lowered
    /// without source info, the usual case, records nothing).
    #[inline]
    fn idle(&self) -> bool {
        !self.record_spans && matches!(self.locations, Sink::None)
    }

    /// Records a location at `base` followed by `more`, without comments.
    #[inline]
    pub fn add_sub(&mut self, base: &[i32], more: &[i32], span: Span) {
        if !self.idle() {
            self.record(&[base, more], span, None);
        }
    }

    /// Records a location without comments; returns its index.
    #[inline]
    pub fn add(&mut self, path: &[i32], span: Span) -> usize {
        self.add_with(path, span, None)
    }

    /// Records a location, with the comments of its declaration when given;
    /// returns its index.
    #[inline]
    pub fn add_with(&mut self, path: &[i32], span: Span, comments: Option<&Comments>) -> usize {
        if self.idle() {
            return usize::MAX;
        }
        self.record(&[path], span, comments)
    }

    /// Records a location whose path is `parts` one after the other; the
    /// path is only put together where something keeps it.
    fn record(&mut self, parts: &[&[i32]], span: Span, comments: Option<&Comments>) -> usize {
        if self.record_spans {
            self.spans.entry(parts.concat()).or_insert(span);
        }
        if !self.records() {
            return usize::MAX;
        }
        let span = self.index().span(span);
        self.locations.push(parts, span, comments)
    }

    /// Records a location whose span is `at` to the very start of the
    /// text (`end_at_origin`), the span protoc gives a file with no tokens.
    pub fn add_raw(&mut self, path: &[i32], at: Span, end_at_origin: bool) -> usize {
        if self.record_spans {
            self.spans.entry(path.to_vec()).or_insert(at);
        }
        if !self.records() {
            return usize::MAX;
        }
        let (l, c) = self.index().line_col(at.start as usize);
        let span = match (end_at_origin, l) {
            (true, 0) => LocationSpan::from_slice(&[0, c, 0]),
            (true, _) => LocationSpan::from_slice(&[l, c, 0, 0]),
            (false, _) => self.index().span(at),
        };
        self.locations.push(&[path], span, None)
    }

    pub fn finish(self) -> (SourceCodeInfo, SpanMap) {
        let info = match self.locations {
            Sink::None => SourceCodeInfo::default(),
            Sink::Structs(location) => SourceCodeInfo {
                location,
                ..Default::default()
            },
            Sink::Wire(encoded) => SourceCodeInfo {
                encoded: encoded.sealed(),
                ..Default::default()
            },
        };
        (info, self.spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_tabs_to_multiples_of_eight() {
        let idx = LineIndex::new("a\tb\n\tc d\n");
        assert_eq!(idx.line_col(0), (0, 0));
        assert_eq!(idx.line_col(2), (0, 8));
        assert_eq!(idx.line_col(5), (1, 8));
        assert_eq!(idx.line_col(7), (1, 10));
        assert_eq!(idx.line_col(100), (2, 0));
        // Lookups out of text order find the same positions.
        assert_eq!(idx.line_col(0), (0, 0));
        assert_eq!(idx.line_col(7), (1, 10));
        assert_eq!(idx.line_col(3), (0, 9));
        assert_eq!(idx.line_col(4), (1, 0));
    }

    #[test]
    fn spans_use_three_numbers_on_one_line() {
        let idx = LineIndex::new("ab\ncd\n");
        assert_eq!(idx.span(Span::new(0, 2))[..], [0, 0, 2]);
        assert_eq!(idx.span(Span::new(1, 5))[..], [0, 1, 1, 2]);
    }

    #[test]
    fn first_location_wins_in_span_map() {
        let mut b = SourceInfoBuilder::new("x y\n");
        b.add(&[4, 0], Span::new(0, 1));
        b.add(&[4, 0], Span::new(2, 3));
        let (info, spans) = b.finish();
        assert_eq!(info.location.len(), 2);
        assert_eq!(spans[&vec![4, 0]], Span::new(0, 1));
    }
}
