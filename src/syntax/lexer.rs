//! The tokenizer: logos does the scanning, this module adds protoc's rules
//! (literal validation, comment attribution) on top.

use std::borrow::Cow;

use logos::Logos;

use super::ast::Span;

/// Raw token kinds as logos scans them.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(skip r"[ \t\n\r\x0B\x0C]+")]
enum Raw {
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Word,
    #[regex(r"0[xX][0-9A-Fa-f]+")]
    HexInt,
    #[regex(r"0[0-7]*")]
    OctInt,
    #[regex(r"0[0-7]*[89][0-9]*")]
    BadOctInt,
    #[regex(r"[1-9][0-9]*")]
    DecInt,
    #[regex(r"[0-9]+\.[0-9]*([eE][+-]?[0-9]+)?")]
    #[regex(r"\.[0-9]+([eE][+-]?[0-9]+)?")]
    #[regex(r"[0-9]+[eE][+-]?[0-9]+")]
    Float,
    #[token("\"", |lex| scan_string(lex, b'"'))]
    #[token("'", |lex| scan_string(lex, b'\''))]
    Str,
    #[token("//", scan_line_comment)]
    LineComment,
    #[token("/*", scan_block_comment)]
    BlockComment,
    /// The punctuation of the grammar, matched here rather than through
    /// the error path (which every other byte takes).
    #[regex(r"[{}()\[\]<>;,=.:+\-/]")]
    Punct,
}

/// How a string or block comment scan ended.
fn scan_string(lex: &mut logos::Lexer<Raw>, quote: u8) {
    let rest = lex.remainder().as_bytes();
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b'\\' if i + 1 < rest.len() && !matches!(rest[i + 1], b'\n' | 0) => i += 2,
            // protoc's scanner stops at a NUL byte as at the end of the text.
            b'\n' | 0 => break,
            c if c == quote => {
                i += 1;
                break;
            }
            _ => i += 1,
        }
    }
    bump_chars(lex, i);
}

/// Comments end at a NUL byte too: protoc's scanner takes it for the end
/// of the text, then complains about it and reads on after it.
fn scan_line_comment(lex: &mut logos::Lexer<Raw>) {
    let rest = lex.remainder().as_bytes();
    let n = match memchr::memchr2(b'\n', 0, rest) {
        Some(p) if rest[p] == 0 => p,
        Some(p) => p + 1,
        None => rest.len(),
    };
    bump_chars(lex, n);
}

fn scan_block_comment(lex: &mut logos::Lexer<Raw>) {
    let rest = lex.remainder().as_bytes();
    // The first "*/", unless a NUL comes before it; a NUL is looked for
    // only up to the end of the comment, not in the rest of the file.
    let end = memchr::memmem::find(rest, b"*/");
    let n = match memchr::memchr(0, &rest[..end.unwrap_or(rest.len())]) {
        Some(nul) => nul,
        None => end.map_or(rest.len(), |p| p + 2),
    };
    bump_chars(lex, n);
}

/// Advances by `n` bytes, rounded up to a char boundary.
fn bump_chars(lex: &mut logos::Lexer<Raw>, mut n: usize) {
    let rest = lex.remainder();
    while n < rest.len() && !rest.is_char_boundary(n) {
        n += 1;
    }
    lex.bump(n.min(rest.len()));
}

/// Token kinds the parser sees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tok<'a> {
    Ident(&'a str),
    /// An integer literal; `None` when it does not fit in u64.
    Int(Option<u64>),
    Float(f64),
    /// A string literal, still quoted and escaped (see [`unescape`]).
    Str(&'a str),
    Sym(char),
    // keywords
    Syntax,
    Edition,
    Package,
    Import,
    Public,
    Weak,
    Option,
    Message,
    Enum,
    Service,
    Rpc,
    Returns,
    Stream,
    Extend,
    Extensions,
    Reserved,
    To,
    Max,
    Oneof,
    Map,
    Optional,
    Required,
    Repeated,
    Group,
    Export,
    Local,
}

impl<'a> Tok<'a> {
    fn word(s: &'a str) -> Tok<'a> {
        match s {
            "syntax" => Tok::Syntax,
            "edition" => Tok::Edition,
            "package" => Tok::Package,
            "import" => Tok::Import,
            "public" => Tok::Public,
            "weak" => Tok::Weak,
            "option" => Tok::Option,
            "message" => Tok::Message,
            "enum" => Tok::Enum,
            "service" => Tok::Service,
            "rpc" => Tok::Rpc,
            "returns" => Tok::Returns,
            "stream" => Tok::Stream,
            "extend" => Tok::Extend,
            "extensions" => Tok::Extensions,
            "reserved" => Tok::Reserved,
            "to" => Tok::To,
            "max" => Tok::Max,
            "oneof" => Tok::Oneof,
            "map" => Tok::Map,
            "optional" => Tok::Optional,
            "required" => Tok::Required,
            "repeated" => Tok::Repeated,
            "group" => Tok::Group,
            "export" => Tok::Export,
            "local" => Tok::Local,
            _ => Tok::Ident(s),
        }
    }

    /// How protoc would print this token in an error message.
    pub fn describe(&self, text: &str) -> String {
        match self {
            Tok::Sym(c) => format!("\"{c}\""),
            _ => format!("\"{text}\""),
        }
    }
}

/// A comment as it appears in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub block: bool,
}

/// A lexer error with protoc's wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub span: Span,
    pub message: String,
    /// Index of the token being read when the error was found (protoc
    /// reports errors in that order).
    pub tok: usize,
}

/// The result of tokenizing one file.
#[derive(Debug, Default)]
pub struct Tokens<'a> {
    /// Significant tokens with their byte spans.
    pub toks: Vec<(Tok<'a>, Span)>,
    pub errors: Vec<LexError>,
    /// Scanning stopped early at the error limit of [`tokenize_limited`]:
    /// the tokens cover a prefix of the text only.
    pub stopped: bool,
}

/// Keeps the room of a token vector no longer needed for the next file
/// lexed on this thread. Token vectors are the largest short-lived
/// allocation of parsing (32 bytes a token); made new for every file, their
/// ever-changing sizes kept fresh memory coming, and each new page costs a
/// fault and a clear. The tokens of an unusually large file are freed as
/// before: their room would stay unused most of the time.
pub fn recycle_tokens(toks: Vec<(Tok<'_>, Span)>) {
    crate::spare::keep_roomier(&crate::spare::TOKENS, retype(toks), 1 << 17);
}

/// The room of `v`, emptied, for tokens of another lifetime: the same type
/// otherwise, so collecting in place keeps the allocation.
fn retype<'b>(mut v: Vec<(Tok<'_>, Span)>) -> Vec<(Tok<'b>, Span)> {
    v.clear();
    // Not a `filter`: the item type changes (nothing is kept either way).
    #[allow(clippy::unnecessary_filter_map)]
    v.into_iter().filter_map(|_| None).collect()
}

fn sp(r: std::ops::Range<usize>) -> Span {
    Span::new(r.start, r.end)
}

/// Tokenizes a whole file. Comments are skipped here: they are recovered
/// from the gaps between tokens by [`gap_comments`] when declarations need them.
pub fn tokenize(text: &str) -> Tokens<'_> {
    tokenize_limited(text, usize::MAX)
}

/// Like [`tokenize`], but stops once more than `max_errors` errors were
/// found: binary garbage has an error in almost every byte, and keeping
/// them all would take many times the file's size in memory.
pub fn tokenize_limited(text: &str, max_errors: usize) -> Tokens<'_> {
    // About one token per eight bytes in real schemas (comments included):
    // room up front instead of a dozen regrowths of a large vector, kept
    // from the last file lexed on this thread when it has enough.
    let mut out = Tokens {
        toks: retype(crate::spare::take_with_room(
            &crate::spare::TOKENS,
            text.len() / 8,
        )),
        ..Tokens::default()
    };
    // A UTF-8 byte order mark at the very start is ignored, as protoc does.
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lex = Raw::lexer(&text[start..]);
    let mut last_number_end: Option<usize> = None;
    let mut last_control_end: Option<usize> = None;
    while let Some(res) = lex.next() {
        if out.errors.len() > max_errors {
            out.stopped = true;
            break;
        }
        let r = lex.span();
        let r = r.start + start..r.end + start;
        let s = &text[r.clone()];
        // protoc: a number directly followed by a letter needs a space.
        if let Some(end) = last_number_end.take() {
            if end == r.start && matches!(res, Ok(Raw::Word)) {
                out.errors.push(LexError {
                    tok: out.toks.len().saturating_sub(1),
                    span: Span::new(r.start, r.start + 1),
                    message: "Need space between number and identifier.".into(),
                });
            }
        }
        let tok = match res {
            Ok(Raw::Word) => Tok::word(s),
            Ok(Raw::DecInt) => {
                last_number_end = Some(r.end);
                Tok::Int(s.parse().ok())
            }
            Ok(Raw::HexInt) => {
                last_number_end = Some(r.end);
                Tok::Int(u64::from_str_radix(&s[2..], 16).ok())
            }
            Ok(Raw::OctInt) => {
                last_number_end = Some(r.end);
                Tok::Int(if s.len() == 1 {
                    Some(0)
                } else {
                    u64::from_str_radix(&s[1..], 8).ok()
                })
            }
            Ok(Raw::BadOctInt) => {
                last_number_end = Some(r.end);
                let bad = s.find(['8', '9']).unwrap_or(0);
                out.errors.push(LexError {
                    tok: out.toks.len(),
                    span: Span::new(r.start + bad, r.start + bad + 1),
                    message: "Numbers starting with leading zero must be in octal.".into(),
                });
                Tok::Int(None)
            }
            Ok(Raw::Float) => {
                last_number_end = Some(r.end);
                Tok::Float(parse_float(s))
            }
            Ok(Raw::Str) => {
                check_string(
                    s,
                    r.start,
                    text.as_bytes().get(r.end) == Some(&b'\n'),
                    out.toks.len(),
                    &mut out.errors,
                );
                Tok::Str(s)
            }
            Ok(Raw::LineComment) => continue,
            Ok(Raw::BlockComment) => {
                if let Some(p) = s[2..].find("/*") {
                    let at = r.start + 3 + p;
                    if !s.ends_with("*/") || at + 2 < r.end {
                        out.errors.push(LexError {
                            tok: out.toks.len(),
                            span: Span::new(at, at + 2),
                            message:
                                "\"/*\" inside block comment.  Block comments cannot be nested."
                                    .into(),
                        });
                    }
                }
                if !s.ends_with("*/") || s.len() < 4 {
                    out.errors.push(LexError {
                        tok: out.toks.len(),
                        span: Span::new(r.end, r.end),
                        message: "End-of-file inside block comment.".into(),
                    });
                    out.errors.push(LexError {
                        tok: out.toks.len(),
                        span: Span::new(r.start, r.start + 2),
                        message: "  Comment started here.".into(),
                    });
                }
                continue;
            }
            Ok(Raw::Punct) => Tok::Sym(s.bytes().next().map_or('?', char::from)),
            Err(()) => {
                let c = s.chars().next().unwrap_or('\u{fffd}');
                if c.is_ascii_graphic() {
                    Tok::Sym(c)
                } else if c.is_ascii() {
                    // protoc skips control characters, reporting each run once.
                    if last_control_end != Some(r.start) {
                        out.errors.push(LexError {
                            tok: out.toks.len(),
                            span: sp(r.clone()),
                            message: "Invalid control characters encountered in text.".into(),
                        });
                    }
                    last_control_end = Some(r.end);
                    continue;
                } else {
                    // protoc reads bytes: every byte of the character is a
                    // token of its own, each with its own complaint.
                    for (i, b) in s.bytes().enumerate() {
                        out.errors.push(LexError {
                            tok: out.toks.len(),
                            span: Span::new(r.start + i, r.start + i + 1),
                            message: format!("Interpreting non ascii codepoint {b}."),
                        });
                        out.toks.push((
                            Tok::Sym('\u{fffd}'),
                            Span::new(r.start + i, r.start + i + 1),
                        ));
                    }
                    continue;
                }
            }
        };
        out.toks.push((tok, sp(r)));
    }
    out
}

fn parse_float(s: &str) -> f64 {
    // Rust's parser takes `1.`, `.5` and exponents as protoc writes them.
    s.parse().unwrap_or(f64::NAN)
}

/// Validates a quoted literal (escapes, termination) with protoc's wording.
/// `at_newline`: the literal was cut short by the end of its line.
fn check_string(s: &str, base: usize, at_newline: bool, tok: usize, errors: &mut Vec<LexError>) {
    let b = s.as_bytes();
    let quote = b[0];
    let mut i = 1;
    loop {
        if i >= b.len() {
            let (at, message) = if at_newline {
                (
                    base + b.len(),
                    "Multiline strings are not allowed. Did you miss a \"?.",
                )
            } else {
                (base + b.len(), "Unexpected end of string.")
            };
            // At the end of the text there is no character to point at.
            let end = if at_newline { at + 1 } else { at };
            errors.push(LexError {
                tok,
                span: Span::new(at, end),
                message: message.into(),
            });
            return;
        }
        match b[i] {
            c if c == quote => return,
            b'\\' => {
                let next = b.get(i + 1).copied();
                let at = Span::new(
                    (base + i + 1).min(base + b.len()),
                    (base + i + 2).min(base + b.len()),
                );
                match next {
                    Some(
                        b'a'
                        | b'b'
                        | b'f'
                        | b'n'
                        | b'r'
                        | b't'
                        | b'v'
                        | b'\\'
                        | b'?'
                        | b'\''
                        | b'"'
                        | b'0'..=b'7',
                    ) => i += 2,
                    Some(b'x' | b'X') => {
                        if b.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
                            i += 3;
                        } else {
                            errors.push(LexError {
                                tok,
                                span: Span::new(
                                    (base + i + 2).min(base + b.len()),
                                    (base + i + 3).min(base + b.len()),
                                ),
                                message: "Expected hex digits for escape sequence.".into(),
                            });
                            i += 2;
                        }
                    }
                    Some(b'u') if count_hex(b, i + 2) >= 4 => i += 6,
                    Some(b'U') if count_hex(b, i + 2) >= 8 => i += 10,
                    Some(b'u' | b'U') => {
                        errors.push(LexError {
                            tok,
                            span: at,
                            message: "Expected four hex digits for \\u escape sequence.".into(),
                        });
                        i += 2;
                    }
                    _ => {
                        errors.push(LexError {
                            tok,
                            span: at,
                            message: "Invalid escape sequence in string literal.".into(),
                        });
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
}

fn count_hex(b: &[u8], from: usize) -> usize {
    b[from.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_hexdigit())
        .count()
}

/// Decodes a quoted, escaped literal into bytes (protoc's rules: octal up to
/// three digits, `\x` up to two hex digits, `\u`/`\U` as UTF-8).
pub fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return Vec::new();
    }
    let quote = b[0];
    let end = if b[b.len() - 1] == quote {
        b.len() - 1
    } else {
        b.len()
    };
    unescape_bytes(&b[1..end.max(1)])
}

/// Decodes C-style escapes (protoc's rules: octal up to three digits, `\x`
/// up to two hex digits, `\u`/`\U` as UTF-8, others as the escaped byte).
/// Used for string literals and for the C-escaped `default_value` of bytes
/// fields in descriptors.
pub fn unescape_c(s: &str) -> Vec<u8> {
    unescape_bytes(s.as_bytes())
}

fn unescape_bytes(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        // Plain bytes up to the next backslash, in one copy.
        let Some(run) = memchr::memchr(b'\\', &b[i..]) else {
            out.extend_from_slice(&b[i..]);
            break;
        };
        out.extend_from_slice(&b[i..i + run]);
        i += run;
        if i + 1 >= b.len() {
            out.push(b'\\');
            i += 1;
            continue;
        }
        let e = b[i + 1];
        i += 2;
        match e {
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                let mut n = 1;
                while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    v = v * 8 + u32::from(b[i] - b'0');
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
            }
            b'x' | b'X' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && i < b.len() && b[i].is_ascii_hexdigit() {
                    v = v * 16 + (b[i] as char).to_digit(16).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
            }
            b'u' | b'U' => {
                let len = if e == b'u' { 4 } else { 8 };
                let digits = &b[i..(i + len).min(b.len())];
                i += digits.len();
                let v = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| u32::from_str_radix(d, 16).ok())
                    .unwrap_or(0);
                let ch = char::from_u32(v).unwrap_or('\u{fffd}');
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            other => out.push(other),
        }
    }
    out
}

/// Comments found between two tokens, attributed the way protoc's tokenizer
/// attributes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GapComments {
    /// A comment trailing the previous token.
    pub trailing: Option<String>,
    /// Comments attached to neither token.
    pub detached: Vec<String>,
    /// A comment leading the next token.
    pub leading: Option<String>,
}

/// Attributes the comments in `text[from..to]`, the gap between the previous
/// token (ending at `from`; `None` at the start of the file) and the next
/// token (starting at `to`, whose text is `next`; empty at end of input).
///
/// This replays the algorithm of protoc's tokenizer: a comment on the same
/// line as the previous token trails it; a run of line comments (or one
/// block comment) directly above the next token leads it; blank lines detach;
/// a lone comment between two tokens on the same line goes nowhere.
pub fn gap_comments(text: &str, from: Option<usize>, to: usize, next: &str) -> GapComments {
    let b = text.as_bytes();
    let to = to.min(b.len());
    // Where the gap starts.
    let base = from.unwrap_or(0).min(to);
    // Every comment starts with a '/': most gaps are only white space.
    if memchr::memchr(b'/', &b[base..to]).is_none() {
        return GapComments::default();
    }
    let mut c = Collector {
        can_attach_to_prev: from.is_some(),
        ..Collector::default()
    };
    let mut i = base;
    // Only "same line?" questions are asked: no newline between the two.
    let same_line = |p: usize, q: usize| memchr::memchr(b'\n', &b[p.min(q)..p.max(q)]).is_none();
    // Where a comment trailing the previous token ends.
    let mut trailing_end: Option<usize> = None;
    let skip_ws = |i: &mut usize| {
        while *i < to && matches!(b[*i], b' ' | b'\t' | b'\r' | 0x0B | 0x0C) {
            *i += 1;
        }
    };
    let starts = |i: usize, pat: &[u8]| b[i..to].starts_with(pat);
    if from.is_none() {
        if text.starts_with('\u{feff}') {
            i = 3;
        }
        c.can_attach_to_prev = false;
    } else {
        skip_ws(&mut i);
        c.room = to - i;
        if starts(i, b"//") {
            let (body, ni) = line_comment(text, i, to);
            i = ni;
            trailing_end = Some(i.saturating_sub(1));
            c.line_comment(body);
            c.flush();
        } else if starts(i, b"/*") {
            let (body, ni) = block_comment(text, i, to);
            i = ni;
            trailing_end = Some(i);
            // A block comment on the previous token's line trails it, even
            // when more follows on that line (protoc 35.1); should the next
            // token follow on the same line, the comment is detached below.
            c.block_comment(body);
            c.flush();
            skip_ws(&mut i);
            if i < to && b[i] == b'\n' {
                i += 1;
            }
        } else if i < to && b[i] == b'\n' {
            i += 1;
        } else {
            return GapComments::default();
        }
    }
    loop {
        skip_ws(&mut i);
        c.room = to - i;
        if starts(i, b"//") {
            let (body, ni) = line_comment(text, i, to);
            i = ni;
            c.line_comment(body);
        } else if starts(i, b"/*") {
            let (body, ni) = block_comment(text, i, to);
            i = ni;
            c.block_comment(body);
            skip_ws(&mut i);
            if i < to && b[i] == b'\n' {
                i += 1;
            }
        } else if i < to && b[i] == b'\n' {
            i += 1;
            c.flush();
            c.can_attach_to_prev = false;
        } else {
            // At the next token (or end of input).
            let at_end = next.is_empty();
            if at_end || next == "}" || next == "]" || next == ")" {
                c.flush();
            }
            if !at_end {
                let on_line = |p: Option<usize>| p.is_some_and(|p| same_line(p, to));
                if on_line(from) || on_line(trailing_end) {
                    c.maybe_detach();
                }
            }
            return c.finish();
        }
    }
}

/// The body of the line comment at `i` (after its `//`, up to and with its
/// newline, or up to `to`) and where it ends.
fn line_comment(text: &str, i: usize, to: usize) -> (Cow<'_, str>, usize) {
    let b = text.as_bytes();
    let start = i + 2;
    let end = memchr::memchr(b'\n', &b[start..to]).map_or(to, |p| start + p + 1);
    (slice_text(text, start, end), end)
}

/// The body of the block comment at `i` as protoc keeps it, and where it
/// ends (after its `*/`, or at `to` when unterminated).
fn block_comment(text: &str, i: usize, to: usize) -> (Cow<'_, str>, usize) {
    let b = text.as_bytes();
    let start = i + 2;
    let close = memchr::memmem::find(&b[start..to], b"*/");
    let (end, next) = close.map_or((to, to), |p| (start + p, start + p + 2));
    let body = &b[start..end];
    if memchr::memchr(b'\n', body).is_none() {
        return (slice_text(text, start, end), next);
    }
    let mut out = Vec::with_capacity(body.len());
    let mut j = start;
    while j < end {
        out.push(b[j]);
        if b[j] == b'\n' {
            j += 1;
            // protoc drops the indentation and one leading '*' of each
            // continuation line.
            while j < end && matches!(b[j], b' ' | b'\t' | b'\r' | 0x0B | 0x0C) {
                j += 1;
            }
            if j < end && b[j] == b'*' {
                j += 1;
            }
            continue;
        }
        j += 1;
    }
    (Cow::Owned(String::from_utf8_lossy(&out).into_owned()), next)
}

/// `text[start..end]`; ends inside a character (never made by the callers,
/// which cut at ASCII bytes and token starts) are read lossily.
fn slice_text(text: &str, start: usize, end: usize) -> Cow<'_, str> {
    match text.get(start..end) {
        Some(s) => Cow::Borrowed(s),
        None => String::from_utf8_lossy(&text.as_bytes()[start..end]),
    }
}

#[derive(Default)]
struct Collector {
    buffer: String,
    /// The rest of the gap from the comment being read (set before each
    /// one): more than the comment text still to come. A new comment block
    /// reserves it at once rather than growing line by line.
    room: usize,
    has_comment: bool,
    is_line: bool,
    can_attach_to_prev: bool,
    attached_prev: bool,
    count: usize,
    out: GapComments,
}

impl Collector {
    fn line_comment(&mut self, body: Cow<'_, str>) {
        if self.has_comment && !self.is_line {
            self.flush();
        }
        self.has_comment = true;
        self.is_line = true;
        self.push(&body);
    }
    fn block_comment(&mut self, body: Cow<'_, str>) {
        if self.has_comment {
            self.flush();
        }
        self.has_comment = true;
        self.is_line = false;
        self.push(&body);
    }
    fn push(&mut self, body: &str) {
        if self.buffer.capacity() == 0 {
            self.buffer.reserve(self.room);
        }
        self.buffer.push_str(body);
    }
    fn flush(&mut self) {
        if !self.has_comment {
            return;
        }
        let body = std::mem::take(&mut self.buffer);
        if self.can_attach_to_prev {
            self.out
                .trailing
                .get_or_insert_with(String::new)
                .push_str(&body);
            self.attached_prev = true;
            self.can_attach_to_prev = false;
        } else {
            self.out.detached.push(body);
        }
        self.has_comment = false;
        self.count += 1;
    }
    fn maybe_detach(&mut self) {
        let count = self.count + usize::from(self.has_comment);
        if count == 1 {
            if self.attached_prev {
                if let Some(t) = self.out.trailing.take() {
                    self.out.detached.insert(0, t);
                }
            }
            self.can_attach_to_prev = false;
            self.flush();
        }
    }
    fn finish(mut self) -> GapComments {
        if self.has_comment {
            self.out.leading = Some(std::mem::take(&mut self.buffer));
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok<'_>> {
        tokenize(text).toks.into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn recycled_token_room_is_lexed_into_again() {
        let big = "a ".repeat(5000);
        let first = tokenize_limited(&big, 10).toks;
        let (room, at) = (first.capacity(), first.as_ptr() as usize);
        assert!(room >= 5000);
        recycle_tokens(first);
        let text = String::from("message M {}");
        let again = tokenize_limited(&text, 10).toks;
        assert_eq!(again.len(), 4);
        assert_eq!((again.capacity(), again.as_ptr() as usize), (room, at));
    }

    #[test]
    fn line_comments_end_at_newline_or_nul() {
        assert_eq!(kinds("a // b c\nd"), [Tok::Ident("a"), Tok::Ident("d")]);
        assert_eq!(kinds("a // b"), [Tok::Ident("a")]);
        // A NUL ends the comment; what follows it is read again.
        let t = tokenize("a // b\0c\nd");
        assert!(t.toks.iter().any(|(t, _)| *t == Tok::Ident("c")));
    }

    #[test]
    fn block_comments_end_at_the_first_close_or_a_nul_before_it() {
        assert_eq!(kinds("a /* b */ c"), [Tok::Ident("a"), Tok::Ident("c")]);
        // A NUL after the comment does not shorten it.
        assert_eq!(
            kinds("a /* b */ c\0")[..2],
            [Tok::Ident("a"), Tok::Ident("c")]
        );
        // A NUL inside it ends it there.
        let t = tokenize("a /* b\0 d */");
        assert!(t.toks.iter().any(|(t, _)| *t == Tok::Ident("d")));
        // Unterminated: runs to the end, with an error.
        let t = tokenize("a /* b c");
        assert_eq!(t.toks.len(), 1);
        assert!(t
            .errors
            .iter()
            .any(|e| e.message.contains("End-of-file inside block comment")));
    }
}
