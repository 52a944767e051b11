//! Glue between the lexer, the LALRPOP grammar and the diagnostics.

use std::cell::RefCell;

use lalrpop_util::{ErrorRecovery, ParseError};

use super::ast::*;
use super::lexer::{gap_comments, tokenize, unescape, Tok};
use super::text_format;
use crate::diagnostics::Diagnostic;

/// Deepest nesting of brackets the parser accepts; beyond it the file is
/// rejected before parsing, so no later stage recurses without bound.
pub const MAX_BRACKET_DEPTH: usize = 128;
/// protoc's limit on nested message definitions.
pub const MAX_MESSAGE_DEPTH: usize = 32;

/// The outcome of parsing one file: the tree (as much as could be
/// recovered) and every problem found.
#[derive(Debug)]
pub struct ParseResult {
    pub file: File,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParseResult {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// State shared with the grammar's actions.
pub struct Ctx<'a> {
    name: &'a str,
    text: &'a str,
    toks: &'a [(Tok<'a>, Span)],
    diags: RefCell<Vec<Diagnostic>>,
    /// Set once a syntax error is reported: recovered errors that follow are
    /// only kept when they start past the last reported one.
    last_error_end: RefCell<Option<u32>>,
}

impl<'a> Ctx<'a> {
    fn error(&self, span: Span, message: impl Into<String>) {
        self.diags
            .borrow_mut()
            .push(Diagnostic::error("syntax", message).at(self.name, span.range(), ""));
    }

    fn tok_index(&self, offset: usize) -> Option<usize> {
        self.toks
            .binary_search_by_key(&(offset as u32), |t| t.1.start)
            .ok()
    }

    fn tok_text(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.text[t.1.range()])
    }

    /// Comments for a declaration starting at `start` whose
    /// end-of-declaration token (`;` or `{`) starts at `end_tok`.
    pub fn comments(&self, start: usize, end_tok: usize) -> Comments {
        let mut c = Comments::default();
        if let Some(i) = self.tok_index(start) {
            let prev = if i == 0 {
                None
            } else {
                Some(self.toks[i - 1].1.end as usize)
            };
            let g = gap_comments(self.text, prev, start, self.tok_text(i));
            c.leading = g.leading;
            c.detached = g.detached;
        }
        if let Some(j) = self.tok_index(end_tok) {
            let from = self.toks[j].1.end as usize;
            let to = self
                .toks
                .get(j + 1)
                .map_or(self.text.len(), |t| t.1.start as usize);
            c.trailing = gap_comments(self.text, Some(from), to, self.tok_text(j + 1)).trailing;
        }
        c
    }

    /// Concatenates adjacent string literals.
    pub fn string(&self, parts: &[&str], span: Span) -> StrLit {
        let mut value = Vec::new();
        for p in parts {
            value.extend(unescape(p));
        }
        StrLit { value, span }
    }

    /// Parses the text of an aggregate value `{ … }`.
    pub fn aggregate(&self, span: Span) -> Aggregate {
        let inner = Span::new(
            span.start as usize + 1,
            (span.end as usize).saturating_sub(1),
        );
        let (fields, errors) = text_format::parse(self.text, inner);
        for (span, msg) in errors {
            self.error(span, msg);
        }
        Aggregate { span, fields }
    }

    pub fn message(&self, m: Message) -> Message {
        m
    }

    #[allow(clippy::type_complexity)]
    pub fn field(
        &self,
        l: usize,
        label: Option<(Label, Span)>,
        ty: FieldType,
        t: (Ident, IntLit, Option<CompactOptions>, usize, usize),
    ) -> Field {
        let (name, number, options, e, r) = t;
        Field {
            label,
            ty,
            name,
            number,
            options,
            span: Span::new(l, r),
            comments: self.comments(l, e),
        }
    }

    #[allow(clippy::type_complexity)]
    pub fn group(
        &self,
        l: usize,
        label: Option<(Label, Span)>,
        keyword: Span,
        t: (
            Ident,
            IntLit,
            Option<CompactOptions>,
            usize,
            Vec<MessageItem>,
            Span,
            usize,
        ),
    ) -> Field {
        let (name, number, options, e, body, body_span, r) = t;
        Field {
            label,
            ty: FieldType::Group {
                keyword,
                body,
                body_span,
            },
            name,
            number,
            options,
            span: Span::new(l, r),
            comments: self.comments(l, e),
        }
    }

    /// Records a recovered syntax error and returns the span it covers.
    pub fn recover(&self, e: ErrorRecovery<usize, Tok<'a>, ()>, context: &str) -> Span {
        let span = match &e.error {
            ParseError::UnrecognizedToken { token, .. } | ParseError::ExtraToken { token } => {
                Span::new(token.0, token.2)
            }
            ParseError::UnrecognizedEof { location, .. }
            | ParseError::InvalidToken { location } => Span::new(*location, *location),
            ParseError::User { .. } => Span::default(),
        };
        self.report(&e.error, context);
        let end = e.dropped_tokens.last().map_or(span.end, |t| t.2 as u32);
        Span {
            start: span.start,
            end: end.max(span.end),
        }
    }

    fn report(&self, e: &ParseError<usize, Tok<'a>, ()>, context: &str) {
        let (span, message) = match e {
            ParseError::UnrecognizedToken { token, expected } => (
                Span::new(token.0, token.2),
                expected_message(expected, context),
            ),
            ParseError::ExtraToken { token } => (Span::new(token.0, token.2), context.to_string()),
            ParseError::UnrecognizedEof { location, expected } => {
                let _ = expected;
                (
                    Span::new(*location, *location),
                    "Reached end of input.".to_string(),
                )
            }
            ParseError::InvalidToken { location } => (
                Span::new(*location, *location),
                "Invalid token.".to_string(),
            ),
            ParseError::User { .. } => return,
        };
        let mut last = self.last_error_end.borrow_mut();
        if last.is_some_and(|end| span.start < end) {
            return;
        }
        *last = Some(span.end.max(span.start + 1));
        drop(last);
        self.error(span, message);
    }
}

/// Words a protoc user recognises, for the "Expected …" message.
fn expected_message(expected: &[String], context: &str) -> String {
    let has = |t: &str| expected.iter().any(|e| e == t);
    let only =
        |ts: &[&str]| !expected.is_empty() && expected.iter().all(|e| ts.contains(&e.as_str()));
    if only(&["\";\""]) {
        return "Expected \";\".".into();
    }
    if only(&["\"{\""]) {
        return "Expected \"{\".".into();
    }
    if only(&["\"=\""]) {
        return "Expected \"=\".".into();
    }
    if only(&["\"]\"", "\",\""]) {
        return "Expected \"]\".".into();
    }
    if only(&["\")\""]) || only(&["\")\"", "\".\""]) {
        return "Expected \")\".".into();
    }
    if only(&["\";\"", "\"[\""]) || only(&["\";\"", "\"[\"", "\",\""]) {
        return "Expected \";\".".into();
    }
    if has("INT") && !has("IDENT") {
        return if has("\"-\"") && expected.len() <= 2 {
            "Expected integer.".into()
        } else {
            "Expected field number.".into()
        };
    }
    if has("STR") && !has("IDENT") {
        return "Expected string.".into();
    }
    if has("IDENT") && has("\"{\"") && has("STR") {
        return "Expected option value.".into();
    }
    if has("IDENT") && !has("\"message\"") && !has("\"}\"") {
        return "Expected identifier.".into();
    }
    context.to_string()
}

/// Parses one file. `name` is used in diagnostics only.
pub fn parse(name: &str, text: &str) -> ParseResult {
    let tokens = tokenize(text);
    let mut diagnostics: Vec<Diagnostic> = tokens
        .errors
        .iter()
        .map(|e| Diagnostic::error("syntax", e.message.clone()).at(name, e.span.range(), ""))
        .collect();

    if let Some(span) = too_deep(&tokens.toks) {
        diagnostics.push(
            Diagnostic::error(
                "nesting-limit",
                "Reached maximum recursion limit for nested messages.",
            )
            .at(name, span.range(), "")
            .with_note(format!(
                "brackets may nest at most {MAX_BRACKET_DEPTH} deep"
            )),
        );
        return ParseResult {
            file: File::default(),
            diagnostics,
        };
    }

    let ctx = Ctx {
        name,
        text,
        toks: &tokens.toks,
        diags: RefCell::new(Vec::new()),
        last_error_end: RefCell::new(None),
    };
    let stream = tokens
        .toks
        .iter()
        .map(|(t, s)| Ok::<_, ()>((s.start as usize, *t, s.end as usize)));
    let result = super::grammar::FileParser::new().parse(&ctx, stream);
    let file = match result {
        Ok(file) => file,
        Err(e) => {
            ctx.report(&e, "Expected top-level statement (e.g. \"message\").");
            File::default()
        }
    };
    diagnostics.extend(ctx.diags.into_inner());
    check_message_depth(name, &file, &mut diagnostics);
    diagnostics.sort_by_key(|d| d.primary.as_ref().map(|p| p.location.span.start));
    ParseResult { file, diagnostics }
}

fn too_deep(toks: &[(Tok<'_>, Span)]) -> Option<Span> {
    let mut depth = 0usize;
    for (t, s) in toks {
        match t {
            Tok::Sym('{' | '[' | '(' | '<') => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Some(*s);
                }
            }
            Tok::Sym('}' | ']' | ')' | '>') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// protoc stops at 32 levels of nested messages (groups count).
fn check_message_depth(name: &str, file: &File, diags: &mut Vec<Diagnostic>) {
    fn walk(name: &str, items: &[MessageItem], depth: usize, diags: &mut Vec<Diagnostic>) {
        for item in items {
            match item {
                MessageItem::Message(m) => visit(name, m.span, &m.items, depth + 1, diags),
                MessageItem::Field(Field {
                    ty: FieldType::Group { body, keyword, .. },
                    ..
                }) => visit(name, *keyword, body, depth + 1, diags),
                MessageItem::Oneof(o) => {
                    for it in &o.items {
                        if let OneofItem::Field(Field {
                            ty: FieldType::Group { body, keyword, .. },
                            ..
                        }) = it
                        {
                            visit(name, *keyword, body, depth + 1, diags);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    fn visit(
        name: &str,
        span: Span,
        items: &[MessageItem],
        depth: usize,
        diags: &mut Vec<Diagnostic>,
    ) {
        if depth >= MAX_MESSAGE_DEPTH {
            diags.push(
                Diagnostic::error(
                    "nesting-limit",
                    "Reached maximum recursion limit for nested messages.",
                )
                .at(name, span.start as usize..span.start as usize + 7, ""),
            );
            return;
        }
        walk(name, items, depth, diags);
    }
    for item in &file.items {
        if let FileItem::Message(m) = item {
            visit(name, m.span, &m.items, 1, diags);
        }
    }
}
