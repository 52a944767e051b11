//! The text-format flavour used inside aggregate option values (`{ … }`).
//!
//! protoc hands the text between the braces to its text-format parser, which
//! has its own lexical rules: `#` comments, `f` suffixes on floats, `<…>` as
//! message delimiters, `,` or `;` between fields and `[…]` lists.

use logos::Logos;

use super::ast::*;
use super::lexer::unescape;

#[derive(Logos, Debug, Clone, Copy, PartialEq)]
#[logos(skip r"[ \t\n\r\x0B\x0C]+")]
#[logos(skip r"//[^\n]*")]
enum T {
    #[token("/*", skip_block_comment)]
    BlockComment,
    // protoc joins the tokens of an aggregate with single spaces before
    // parsing them as text format, so a `#` comment runs to the end of the
    // value, not of the line.
    #[token("#", skip_rest)]
    HashComment,
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Word,
    #[regex(r"0[xX][0-9A-Fa-f]+")]
    #[regex(r"[0-9]+")]
    Int,
    #[regex(
        r"([0-9]+\.[0-9]*([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)[fF]?"
    )]
    #[regex(r"[0-9]+[fF]")]
    Float,
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    #[regex(r#"'([^'\\\n]|\\[^\n])*'"#)]
    Str,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("<")]
    LAngle,
    #[token(">")]
    RAngle,
    #[token("[")]
    LBrack,
    #[token("]")]
    RBrack,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token("-")]
    Minus,
    #[token(".")]
    Dot,
    #[token("/")]
    Slash,
}

fn skip_block_comment(lex: &mut logos::Lexer<T>) -> logos::Skip {
    let rest = lex.remainder();
    let mut n = rest.find("*/").map_or(rest.len(), |p| p + 2);
    while !rest.is_char_boundary(n) {
        n += 1;
    }
    lex.bump(n);
    logos::Skip
}

fn skip_rest(lex: &mut logos::Lexer<T>) -> logos::Skip {
    lex.bump(lex.remainder().len());
    logos::Skip
}

struct P<'a> {
    /// The text parsed; `base` is its offset in the file, which spans use.
    body: &'a str,
    base: usize,
    toks: Vec<(Option<T>, Span)>,
    pos: usize,
    end: Span,
    errors: Vec<(Span, String)>,
}

/// Parses `text[span]` as the fields of a text-format message. Returns what
/// could be parsed and the errors (span, message) found.
pub fn parse(text: &str, span: Span) -> (Vec<TextField>, Vec<(Span, String)>) {
    let body = text.get(span.range()).unwrap_or("");
    parse_at(body, span.start as usize, span.end as usize)
}

/// [`parse`] for `body` alone, which starts at byte `base` of its file (so
/// that spans are the file's) and ends at `end`.
pub fn parse_at(body: &str, base: usize, end: usize) -> (Vec<TextField>, Vec<(Span, String)>) {
    let toks = T::lexer(body)
        .spanned()
        .map(|(t, r)| (t.ok(), Span::new(base + r.start, base + r.end)))
        .collect();
    let mut p = P {
        body,
        base,
        toks,
        pos: 0,
        end: Span::new(end, end),
        errors: Vec::new(),
    };
    let fields = p.fields(None);
    if p.errors.is_empty() && p.pos < p.toks.len() {
        let s = p.span();
        p.err(s, format!("Expected identifier, got: {}", p.cur_text()));
    }
    (fields, p.errors)
}

impl<'a> P<'a> {
    /// The text under `s`, a span of the file.
    fn slice(&self, s: Span) -> &'a str {
        let start = (s.start as usize).saturating_sub(self.base);
        let end = (s.end as usize).saturating_sub(self.base);
        self.body.get(start..end).unwrap_or("")
    }
    fn peek(&self) -> Option<T> {
        self.toks.get(self.pos).and_then(|t| t.0)
    }
    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }
    fn span(&self) -> Span {
        self.toks.get(self.pos).map_or(self.end, |t| t.1)
    }
    fn cur_text(&self) -> &'a str {
        self.toks.get(self.pos).map_or("", |t| self.slice(t.1))
    }
    fn bump(&mut self) -> Span {
        let s = self.span();
        self.pos += 1;
        s
    }
    fn eat(&mut self, t: T) -> bool {
        if self.peek() == Some(t) && !self.at_end() {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn err(&mut self, span: Span, msg: String) {
        self.errors.push((span, msg));
    }
    fn expect(&mut self, t: T, what: &str) -> bool {
        if self.eat(t) {
            return true;
        }
        let s = self.span();
        let found = if self.at_end() {
            "end of input".to_string()
        } else {
            format!("\"{}\"", self.cur_text())
        };
        self.err(s, format!("Expected \"{what}\", found {found}."));
        false
    }

    /// Fields until `close` (or end of input when `close` is `None`).
    fn fields(&mut self, close: Option<T>) -> Vec<TextField> {
        let mut out = Vec::new();
        loop {
            if self.at_end() {
                if close.is_some() {
                    let s = self.span();
                    // protoc looks for the next field's name.
                    self.err(s, "Expected identifier, got: ".into());
                }
                return out;
            }
            if close.is_some() && self.peek() == close {
                return out;
            }
            match self.field() {
                Some(f) => out.push(f),
                None => return out,
            }
            if !self.eat(T::Comma) {
                self.eat(T::Semi);
            }
        }
    }

    fn type_name(&mut self) -> Option<TypeName> {
        let start = self.span();
        let mut parts = Vec::new();
        loop {
            if self.peek() != Some(T::Word) {
                let s = self.span();
                let t = self.cur_text().to_string();
                self.err(s, format!("Expected identifier, got: {t}"));
                return None;
            }
            let s = self.bump();
            parts.push(Ident {
                name: self.slice(s).into(),
                span: s,
            });
            if !self.eat(T::Dot) {
                break;
            }
        }
        let end = parts.last().map_or(start, |p| p.span);
        Some(TypeName {
            absolute: false,
            parts,
            span: start.join(end),
        })
    }

    fn field(&mut self) -> Option<TextField> {
        let start = self.span();
        let name = if self.eat(T::LBrack) {
            let first = self.type_name()?;
            let mut name = TextFieldName::Extension(first.clone());
            if self.peek() == Some(T::Slash) {
                // `[prefix/pkg.Type]`: the prefix may itself contain slashes.
                let mut prefix = first.text();
                let mut last;
                loop {
                    self.bump();
                    last = self.type_name()?;
                    if self.peek() != Some(T::Slash) {
                        break;
                    }
                    prefix.push('/');
                    prefix.push_str(&last.text());
                }
                name = TextFieldName::Any {
                    prefix,
                    type_name: last,
                };
            }
            if !self.expect(T::RBrack, "]") {
                return None;
            }
            name
        } else if self.peek() == Some(T::Word) {
            let s = self.bump();
            TextFieldName::Ident(Ident {
                name: self.slice(s).into(),
                span: s,
            })
        } else {
            let s = self.span();
            let t = self.cur_text().to_string();
            self.err(s, format!("Expected identifier, got: {t}"));
            return None;
        };
        let name_span = start.join(self.toks[self.pos - 1].1);
        let colon = self.eat(T::Colon);
        let value = match self.peek() {
            Some(T::LBrace | T::LAngle) => self.message_value()?,
            // Without a colon, a list must hold messages.
            Some(T::LBrack)
                if colon
                    || matches!(
                        self.toks.get(self.pos + 1).and_then(|t| t.0),
                        Some(T::LBrace | T::LAngle)
                    ) =>
            {
                self.list()?
            }
            _ if !colon => {
                let s = self.span();
                let found = self.cur_text().to_string();
                self.err(s, format!("Expected \":\", found \"{found}\"."));
                return None;
            }
            _ => self.scalar()?,
        };
        let span = start.join(value.span());
        Some(TextField {
            name,
            name_span,
            value,
            span,
        })
    }

    fn message_value(&mut self) -> Option<TextValue> {
        let open = self.bump();
        let close = if self.slice(open).starts_with('{') {
            T::RBrace
        } else {
            T::RAngle
        };
        let fields = self.fields(Some(close));
        let end = self.span();
        if !self.expect(close, if close == T::RBrace { "}" } else { ">" }) {
            return None;
        }
        Some(TextValue::Message {
            fields,
            span: open.join(end),
        })
    }

    fn list(&mut self) -> Option<TextValue> {
        let open = self.bump();
        let mut values = Vec::new();
        let end = if self.peek() == Some(T::RBrack) {
            self.bump()
        } else {
            loop {
                let v = match self.peek() {
                    Some(T::LBrace | T::LAngle) => self.message_value()?,
                    _ => self.scalar()?,
                };
                values.push(v);
                // protoc: a value is followed by `]` or by a comma.
                if self.peek() == Some(T::RBrack) {
                    break self.bump();
                }
                if !self.expect(T::Comma, ",") {
                    return None;
                }
            }
        };
        Some(TextValue::List {
            values,
            span: open.join(end),
        })
    }

    fn scalar(&mut self) -> Option<TextValue> {
        let start = self.span();
        let negative = self.eat(T::Minus);
        let s = self.span();
        let text = self.cur_text();
        let whole = start.join(s);
        let v = match self.peek() {
            Some(T::Int) if !self.at_end() => {
                self.bump();
                let value =
                    if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
                        u64::from_str_radix(h, 16).ok()
                    } else if text.len() > 1 && text.starts_with('0') {
                        u64::from_str_radix(&text[1..], 8).ok()
                    } else {
                        text.parse().ok()
                    };
                TextValue::Int(IntLit {
                    negative,
                    value,
                    span: whole,
                })
            }
            Some(T::Float) if !self.at_end() => {
                self.bump();
                let t = text.trim_end_matches(['f', 'F']);
                let v: f64 = t.trim_end_matches('.').parse().unwrap_or(f64::NAN);
                TextValue::Float {
                    value: if negative { -v } else { v },
                    span: whole,
                }
            }
            Some(T::Word) if !self.at_end() => {
                self.bump();
                TextValue::Ident {
                    negative,
                    ident: Ident {
                        name: text.into(),
                        span: s,
                    },
                    span: whole,
                }
            }
            Some(T::Str) if !negative && !self.at_end() => {
                let mut value = Vec::new();
                let mut end = s;
                while self.peek() == Some(T::Str) && !self.at_end() {
                    end = self.bump();
                    value.extend(unescape(self.slice(end)));
                }
                TextValue::Str(StrLit {
                    value,
                    span: s.join(end),
                })
            }
            _ => {
                let found = if self.at_end() {
                    "end of input".to_string()
                } else {
                    format!("\"{text}\"")
                };
                self.err(s, format!("Expected value, found {found}."));
                return None;
            }
        };
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (Vec<TextField>, Vec<(Span, String)>) {
        parse(s, Span::new(0, s.len()))
    }

    #[test]
    fn scalars_lists_and_nesting() {
        let (f, e) = p(
            "a: 1 b: -2.5f c: \"x\" 'y' d { e: FOO } f < g: [1, 2] >; h: [{x: 1}, <y: 2>] # c\n",
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(f.len(), 6);
        match &f[2].value {
            TextValue::Str(s) => assert_eq!(s.value, b"xy"),
            v => panic!("{v:?}"),
        }
        match &f[1].value {
            TextValue::Float { value, .. } => assert_eq!(*value, -2.5),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn extension_and_any_names() {
        let (f, e) = p("[foo.bar]: 1 [type.googleapis.com/pkg.T] { x: 1 }");
        assert!(e.is_empty(), "{e:?}");
        assert!(matches!(&f[0].name, TextFieldName::Extension(t) if t.text() == "foo.bar"));
        match &f[1].name {
            TextFieldName::Any { prefix, type_name } => {
                assert_eq!(prefix, "type.googleapis.com");
                assert_eq!(type_name.text(), "pkg.T");
            }
            n => panic!("{n:?}"),
        }
    }

    #[test]
    fn errors_do_not_panic() {
        for s in [
            "a", "a:", "a {", "[", "[a/", "a: [1,", "a: -", "}", "a: 1 }",
        ] {
            let (_, e) = p(s);
            assert!(!e.is_empty(), "{s:?} should fail");
        }
    }
}
