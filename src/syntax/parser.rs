//! Glue between the lexer, the LALRPOP grammar and the diagnostics.

use std::cell::{RefCell, RefMut};

use lalrpop_util::{ErrorRecovery, ParseError};

use super::ast::*;
use super::lexer::{gap_comments, recycle_tokens, tokenize_limited, unescape, Tok};
use super::text_format;
use crate::diagnostics::Diagnostic;

/// Deepest nesting of brackets the parser accepts; beyond it the file is
/// rejected before parsing, so no later stage recurses without bound.
pub const MAX_BRACKET_DEPTH: usize = 128;
/// Syntax errors reported for one file before the rest are summarized.
pub const MAX_ERRORS_PER_FILE: usize = 1000;
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
    /// Whether declarations get their comments.
    keep_comments: bool,
    toks: &'a [(Tok<'a>, Span)],
    diags: RefCell<Vec<Diagnostic>>,
    /// Set once a syntax error is reported: recovered errors that follow are
    /// only kept when they start past the last reported one.
    last_error_end: RefCell<Option<u32>>,
    /// Regions protoc would skip after a syntax error (start, end): checks
    /// on what was parsed there are not reported.
    skipped: RefCell<Vec<(u32, u32)>>,
    /// The last gap whose comments were attributed, with the parts not yet
    /// handed out: the gap after one declaration is the gap before the
    /// next, so most gaps are asked for twice, once for each part.
    last_gap: RefCell<LastGap>,
}

/// A gap (previous token's end, next token's start) and the parts of its
/// comments not yet handed out (`None` once taken).
#[derive(Default)]
struct LastGap {
    from: Option<usize>,
    to: usize,
    /// The leading comment and the detached ones.
    leading: Option<(Option<String>, Vec<String>)>,
    trailing: Option<Option<String>>,
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
        // Tokens made of single bytes of a multi-byte character have no text.
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.1.range()))
            .unwrap_or("")
    }

    /// A `;` where protoc expects a field (oneof and extend bodies).
    pub fn misplaced_semicolon(&self, span: Span, context: Context) -> Span {
        if context == Context::Extend {
            self.error(
                span,
                "Expected \"required\", \"optional\", or \"repeated\".",
            );
        }
        self.error(span, "Expected type name.");
        span
    }

    /// Comments for a declaration starting at `start` whose
    /// end-of-declaration token (`;` or `{`) starts at `end_tok`.
    pub fn comments(&self, start: usize, end_tok: usize) -> Comments {
        let mut c = CommentText::default();
        if !self.keep_comments {
            return Comments::default();
        }
        if let Some(i) = self.tok_index(start) {
            let prev = if i == 0 {
                None
            } else {
                Some(self.toks[i - 1].1.end as usize)
            };
            let mut g = self.gap(prev, start, i, |g| g.leading.is_some());
            (c.leading, c.detached) = g.leading.take().unwrap_or_default();
        }
        if let Some(j) = self.tok_index(end_tok) {
            let from = self.toks[j].1.end as usize;
            let to = self
                .toks
                .get(j + 1)
                .map_or(self.text.len(), |t| t.1.start as usize);
            let mut g = self.gap(Some(from), to, j + 1, |g| g.trailing.is_some());
            c.trailing = g.trailing.take().flatten();
        }
        Comments::new(c)
    }

    /// The gap `from..to` before token `next`: the last one when it is the
    /// same gap and `has` the part wanted, else the gap scanned afresh.
    fn gap(
        &self,
        from: Option<usize>,
        to: usize,
        next: usize,
        has: impl Fn(&LastGap) -> bool,
    ) -> RefMut<'_, LastGap> {
        let mut g = self.last_gap.borrow_mut();
        if g.from != from || g.to != to || !has(&g) {
            let c = gap_comments(self.text, from, to, self.tok_text(next));
            *g = LastGap {
                from,
                to,
                leading: Some((c.leading, c.detached)),
                trailing: Some(c.trailing),
            };
        }
        g
    }

    /// Concatenates adjacent string literals.
    pub fn string(&self, first: &str, more: &[&str], span: Span) -> StrLit {
        let mut value = unescape(first);
        for p in more {
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
        // Errors in the text are reported when the option is interpreted,
        // as protoc does, with the option's name.
        let (fields, errors) = text_format::parse(self.text, inner);
        Aggregate {
            span,
            fields,
            errors,
        }
    }

    pub fn message(&self, m: Message) -> Message {
        m
    }

    #[allow(clippy::type_complexity)]
    // The grammar hands tails over boxed: every value on the parser's stack
    // is as large as the largest one, and moving them is much of parsing.
    #[allow(clippy::boxed_local)]
    pub fn field(
        &self,
        l: usize,
        label: Option<(Label, Span)>,
        ty: FieldType,
        t: Box<(Ident, IntLit, Option<CompactOptions>, usize, usize)>,
    ) -> Box<Field> {
        let (name, number, options, e, r) = *t;
        Box::new(Field {
            label,
            ty,
            name,
            number,
            options,
            span: Span::new(l, r),
            comments: self.comments(l, e),
        })
    }

    #[allow(clippy::type_complexity, clippy::boxed_local)]
    pub fn group(
        &self,
        l: usize,
        label: Option<(Label, Span)>,
        keyword: Span,
        t: Box<(
            Ident,
            IntLit,
            Option<CompactOptions>,
            usize,
            Vec<MessageItem>,
            Span,
            usize,
        )>,
    ) -> Box<Field> {
        let (name, number, options, e, body, body_span, r) = *t;
        Box::new(Field {
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
        })
    }

    /// Records a recovered syntax error and returns the span it covers.
    pub fn recover(&self, e: ErrorRecovery<usize, Tok<'a>, ()>, context: Context) -> Span {
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

    fn report(&self, e: &ParseError<usize, Tok<'a>, ()>, context: Context) {
        let mut extra = None;
        let (span, message) = match e {
            ParseError::UnrecognizedToken { token, expected } => {
                let i = self.tok_index(token.0);
                let prev = i.and_then(|i| i.checked_sub(1)).map(|j| self.toks[j].0);
                let prev2 = i.and_then(|i| i.checked_sub(2)).map(|j| self.toks[j].0);
                if context == Context::Top && token.1 == Tok::Sym('}') {
                    // Right after a skipped statement protoc only says this.
                    let last = *self.last_error_end.borrow();
                    let just_skipped = last.is_some_and(|end| {
                        let from = self.toks.partition_point(|t| t.1.start < end);
                        self.toks
                            .get(from)
                            .is_some_and(|t| t.1.start as usize == token.0)
                    });
                    if just_skipped {
                        self.error(Span::new(token.0, token.2), "Unmatched \"}\".");
                        *self.last_error_end.borrow_mut() = Some(token.2 as u32);
                        return;
                    }
                    extra = Some("Unmatched \"}\".".to_string());
                }
                (
                    Span::new(token.0, token.2),
                    expected_message(expected, context, prev, prev2),
                )
            }
            ParseError::ExtraToken { token } => {
                (Span::new(token.0, token.2), context.fallback().to_string())
            }
            ParseError::UnrecognizedEof { expected, .. } => {
                let end = self.text.len();
                let message = if expected.iter().any(|e| e == "\"}\"") {
                    format!(
                        "Reached end of input in {} (missing '}}').",
                        self.open_block()
                    )
                } else {
                    let n = self.toks.len();
                    let prev = n.checked_sub(1).map(|j| self.toks[j].0);
                    let prev2 = n.checked_sub(2).map(|j| self.toks[j].0);
                    expected_message(expected, context, prev, prev2)
                };
                (Span::new(end, end), message)
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
        // Like protoc, skip the rest of the statement: errors inside it are
        // consequences of this one.
        let end = self
            .statement_end(span.start as usize)
            .max(span.end.max(span.start + 1));
        *last = Some(end);
        drop(last);
        self.skipped.borrow_mut().push((span.start, end));
        self.error(span, message);
        if let Some(m) = extra {
            self.error(span, m);
        }
    }

    /// Where protoc resumes after a syntax error at `offset`: after the next
    /// `;` or balanced `{…}` block, or before an unmatched `}`.
    fn statement_end(&self, offset: usize) -> u32 {
        let i = self.toks.partition_point(|t| (t.1.start as usize) < offset);
        let mut depth = 0usize;
        for (t, sp) in &self.toks[i..] {
            match t {
                Tok::Sym('{') => depth += 1,
                Tok::Sym('}') if depth == 0 => return sp.start,
                Tok::Sym('}') => {
                    depth -= 1;
                    if depth == 0 {
                        return sp.end;
                    }
                }
                Tok::Sym(';') if depth == 0 => return sp.end,
                _ => {}
            }
        }
        self.text.len() as u32
    }

    /// The kind of the innermost block still open at the end of the file.
    fn open_block(&self) -> &'static str {
        let mut stack: Vec<&'static str> = Vec::new();
        for (i, (t, _)) in self.toks.iter().enumerate() {
            match t {
                Tok::Sym('{') => {
                    // The keyword that opened the block, looking back a few tokens.
                    let kind = self.toks[..i]
                        .iter()
                        .rev()
                        .take(16)
                        .find_map(|(t, _)| match t {
                            Tok::Message | Tok::Group => Some("message definition"),
                            Tok::Enum => Some("enum definition"),
                            Tok::Service => Some("service definition"),
                            Tok::Rpc => Some("method options"),
                            Tok::Oneof => Some("oneof definition"),
                            Tok::Extend => Some("extend definition"),
                            Tok::Option | Tok::Sym('=') | Tok::Sym(':') => Some("aggregate value"),
                            Tok::Sym(';' | '{' | '}') => Some("message definition"),
                            _ => None,
                        })
                        .unwrap_or("message definition");
                    stack.push(kind);
                }
                Tok::Sym('}') => {
                    stack.pop();
                }
                _ => {}
            }
        }
        stack.last().copied().unwrap_or("message definition")
    }
}

/// Where a syntax error happened, for protoc's wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Top,
    Message,
    Oneof,
    Extend,
    Enum,
    Service,
    Method,
}

impl Context {
    fn fallback(self) -> &'static str {
        match self {
            Context::Top => "Expected top-level statement (e.g. \"message\").",
            Context::Message | Context::Extend => {
                "Expected \"required\", \"optional\", or \"repeated\"."
            }
            Context::Oneof => "Expected type name.",
            Context::Enum => "Expected enum constant name.",
            Context::Service => "Expected \"rpc\" or \"option\".",
            Context::Method => "Expected \"option\".",
        }
    }
}

/// protoc's "Expected …" message for an unexpected token, from what the
/// grammar would have accepted and the tokens just before it.
fn expected_message(
    expected: &[String],
    context: Context,
    prev: Option<Tok<'_>>,
    prev2: Option<Tok<'_>>,
) -> String {
    let has = |t: &str| expected.iter().any(|e| e == t);
    let only =
        |ts: &[&str]| !expected.is_empty() && expected.iter().all(|e| ts.contains(&e.as_str()));
    match prev {
        Some(Tok::Message) if has("IDENT") => return "Expected message name.".into(),
        Some(Tok::Enum) if has("IDENT") => return "Expected enum name.".into(),
        Some(Tok::Service) if has("IDENT") => return "Expected service name.".into(),
        Some(Tok::Rpc) if has("IDENT") => return "Expected method name.".into(),
        Some(Tok::Oneof) if has("IDENT") => return "Expected oneof name.".into(),
        Some(Tok::Extend) => return "Expected type name.".into(),
        Some(Tok::Import | Tok::Public | Tok::Weak) if has("STR") => {
            return "Expected a string naming the file to import.".into()
        }
        Some(Tok::Sym('=')) if matches!(prev2, Some(Tok::Syntax | Tok::Edition)) => {
            return "Expected syntax identifier.".into()
        }
        Some(Tok::To) => return "Expected integer.".into(),
        Some(Tok::Extensions | Tok::Reserved) if has("INT") => {
            return "Expected field number range.".into()
        }
        Some(Tok::Returns) => return "Expected \"(\".".into(),
        Some(Tok::Map) if has("IDENT") => return "Expected field name.".into(),
        _ => {}
    }
    if only(&["\"=\""]) {
        if let Some(Tok::Ident(_)) | None = prev {
            match context {
                Context::Enum => return "Missing numeric value for enum constant.".into(),
                Context::Message | Context::Oneof | Context::Extend
                    if !matches!(prev2, Some(Tok::Option | Tok::Sym('.' | ')' | '[' | ','))) =>
                {
                    return "Missing field number.".into()
                }
                _ => {}
            }
        }
        return "Expected \"=\".".into();
    }
    if prev == Some(Tok::Sym('=')) && has("INT") {
        if has("STR") || has("\"{\"") {
            return "Expected option value.".into();
        }
        return if context == Context::Enum {
            "Expected integer."
        } else {
            "Expected field number."
        }
        .into();
    }
    if expected.len() == 1 {
        let e = &expected[0];
        if e.starts_with('"') {
            return format!("Expected {e}.");
        }
    }
    if has("\"-\"")
        && has("INT")
        && prev == Some(Tok::Sym(','))
        && matches!(context, Context::Message | Context::Enum)
    {
        return "Expected field number range.".into();
    }
    for close in ["\">\"", "\")\"", "\"]\""] {
        if has(close) && has("\".\"") && !has("IDENT") {
            return format!("Expected {close}.");
        }
    }
    if has("\";\"") && (has("\"[\"") || has("STR") || only(&["\";\"", "\",\""])) {
        return "Expected \";\".".into();
    }
    if has("\"]\"") && has("\",\"") {
        return "Expected \"]\".".into();
    }
    if has("\")\"") && has("\".\"") && !has("IDENT") {
        return "Expected \")\".".into();
    }
    if has("IDENT") && has("\".\"") {
        // Inside a field, after its type: the field name is missing.
        return if prev.is_some_and(|p| matches!(p, Tok::Ident(_))) || has("\"=\"") {
            "Expected field name.".into()
        } else {
            "Expected type name.".into()
        };
    }
    if has("STR") && !has("IDENT") {
        return "Expected string.".into();
    }
    if has("IDENT") && !has("\"message\"") && !has("\"}\"") && !has("\"optional\"") {
        if matches!(prev, Some(Tok::Sym('<' | ',' | '('))) {
            return "Expected type name.".into();
        }
        return "Expected identifier.".into();
    }
    context.fallback().to_string()
}

/// Parses one file. `name` is used in diagnostics only.
pub fn parse(name: &str, text: &str) -> ParseResult {
    parse_with(name, text, true)
}

/// Like [`parse`]; without `comments`, declarations carry no comments
/// (attributing them is a good part of parsing, and only source info and
/// generated documentation use them).
pub fn parse_with(name: &str, text: &str, comments: bool) -> ParseResult {
    // Past MAX_ERRORS_PER_FILE errors nothing more is shown, so scanning
    // and parsing stop there: memory and time stay bounded on garbage.
    // The errors shown are the same, as both stages work front to back
    // and errors are reported in reading order.
    let tokens = tokenize_limited(text, MAX_ERRORS_PER_FILE);
    let mut diagnostics: Vec<Diagnostic> = tokens
        .errors
        .iter()
        .map(|e| Diagnostic::error("syntax", e.message.clone()).at(name, e.span.range(), ""))
        .collect();

    if let Some(span) = too_deep(&tokens.toks) {
        let nesting = Diagnostic::error(
            "nesting-limit",
            "Reached maximum recursion limit for nested messages.",
        )
        .at(name, span.range(), "")
        .with_note(format!(
            "brackets may nest at most {MAX_BRACKET_DEPTH} deep"
        ));
        // The cap on errors holds here too, and the nesting error is kept.
        if diagnostics.len() >= MAX_ERRORS_PER_FILE {
            diagnostics.truncate(MAX_ERRORS_PER_FILE - 1);
            diagnostics.push(nesting);
            diagnostics.push(too_many_errors(name, "More errors".to_string()));
        } else {
            diagnostics.push(nesting);
        }
        return ParseResult {
            file: File::default(),
            diagnostics,
        };
    }

    let ctx = Ctx {
        name,
        text,
        keep_comments: comments,
        toks: &tokens.toks,
        diags: RefCell::new(Vec::new()),
        last_error_end: RefCell::new(None),
        skipped: RefCell::new(Vec::new()),
        last_gap: RefCell::default(),
    };
    let stream = tokens
        .toks
        .iter()
        .take_while(|_| ctx.diags.borrow().len() <= MAX_ERRORS_PER_FILE)
        .map(|(t, s)| Ok::<_, ()>((s.start as usize, *t, s.end as usize)));
    let result = super::grammar::FileParser::new().parse(&ctx, stream);
    let parse_stopped = ctx.diags.borrow().len() > MAX_ERRORS_PER_FILE;
    let file = match result {
        Ok(file) => file,
        Err(e) => {
            ctx.report(&e, Context::Top);
            File::default()
        }
    };
    // protoc reports in reading order: by token, a token's lexer errors first.
    let mut keyed: Vec<(usize, u8, Diagnostic)> = tokens
        .errors
        .iter()
        .zip(diagnostics)
        .map(|(e, d)| (e.tok, 0, d))
        .collect();
    let skipped = ctx.skipped.take();
    let mut later = ctx.diags.into_inner();
    let mut checks = Vec::new();
    check_message_depth(name, &file, &mut checks);
    checks.extend(super::validate::validate(name, &file, &tokens.toks));
    checks.retain(|d| {
        let at = d
            .primary
            .as_ref()
            .map_or(0, |p| p.location.span.start as u32);
        !skipped.iter().any(|&(a, b)| at >= a && at < b)
    });
    later.extend(checks);
    for d in later {
        let at = d
            .primary
            .as_ref()
            .map_or(usize::MAX, |p| p.location.span.start);
        let tok = tokens.toks.partition_point(|t| (t.1.start as usize) < at);
        keyed.push((tok, 1, d));
    }
    keyed.sort_by_key(|k| (k.0, k.1));
    let mut diagnostics: Vec<Diagnostic> = keyed.into_iter().map(|k| k.2).collect();
    if diagnostics.len() > MAX_ERRORS_PER_FILE {
        let more = diagnostics.len() - MAX_ERRORS_PER_FILE;
        diagnostics.truncate(MAX_ERRORS_PER_FILE);
        // When scanning or parsing stopped early the rest was never counted.
        let stopped = tokens.stopped || parse_stopped;
        let more = if stopped {
            "More errors".to_string()
        } else {
            format!("{more} more errors")
        };
        diagnostics.push(too_many_errors(name, more));
    }
    recycle_tokens(tokens.toks);
    ParseResult { file, diagnostics }
}

/// The last diagnostic of a file that has more errors than are shown.
fn too_many_errors(name: &str, more: String) -> Diagnostic {
    Diagnostic::error(
        "too-many-errors",
        format!("{name}: {more} not shown (at most {MAX_ERRORS_PER_FILE} are reported per file)."),
    )
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
                MessageItem::Field(f) => {
                    if let FieldType::Group { body, keyword, .. } = &f.ty {
                        visit(name, *keyword, body, depth + 1, diags);
                    }
                }
                MessageItem::Oneof(o) => {
                    for it in &o.items {
                        if let OneofItem::Field(f) = it {
                            if let FieldType::Group { body, keyword, .. } = &f.ty {
                                visit(name, *keyword, body, depth + 1, diags);
                            }
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
