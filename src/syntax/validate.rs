//! Checks protoc's parser makes right after reading a file: rules that
//! depend on the syntax or edition, labels where they are not allowed,
//! literal ranges. Name resolution and everything that needs other files
//! belongs to later stages.

use super::ast::*;
use crate::diagnostics::Diagnostic;

/// Which language a file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Proto2,
    Proto3,
    Edition(u32),
}

impl Dialect {
    pub fn of(file: &File) -> Dialect {
        match &file.syntax {
            None => Dialect::Proto2,
            Some(s) => match s.kind {
                SyntaxKind::Syntax if s.value.value == b"proto3" => Dialect::Proto3,
                SyntaxKind::Syntax => Dialect::Proto2,
                SyntaxKind::Edition => Dialect::Edition(
                    std::str::from_utf8(&s.value.value)
                        .ok()
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(2023),
                ),
            },
        }
    }
    fn editions(self) -> bool {
        matches!(self, Dialect::Edition(_))
    }
}

struct V<'a> {
    name: &'a str,
    toks: &'a [(super::lexer::Tok<'a>, Span)],
    dialect: Dialect,
    diags: Vec<Diagnostic>,
}

impl V<'_> {
    fn err(&mut self, span: Span, msg: impl Into<String>) {
        self.diags
            .push(Diagnostic::error("syntax", msg).at(self.name, span.range(), ""));
    }

    fn int(&mut self, i: &IntLit) {
        if i.value.is_none() {
            self.err(i.span, "Integer out of range.");
        }
    }

    fn field_number(&mut self, i: &IntLit) {
        if i.negative {
            self.err(i.span, "Expected field number.");
        } else {
            self.int(i);
        }
    }

    fn ranges(&mut self, ranges: &[Range]) {
        for r in ranges {
            self.int(&r.start);
            if let Some(RangeEnd::Int(e)) = &r.end {
                self.int(e);
            }
        }
    }

    fn reserved(&mut self, r: &Reserved) {
        match r {
            Reserved::Ranges { ranges, .. } => self.ranges(ranges),
            Reserved::Names { names, .. } => {
                for n in names {
                    match (n, self.dialect.editions()) {
                        (ReservedName::Ident(i), false) => {
                            self.err(i.span, "Reserved names must be string literals. (Only editions supports identifiers.)")
                        }
                        (ReservedName::Str(s), true) => {
                            self.err(s.span, "Reserved names must be identifiers in editions, not string literals.")
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    fn value(&mut self, v: &OptionValue) {
        match v {
            OptionValue::Ident {
                negative: true,
                ident,
                ..
            } if ident.name != "inf" && ident.name != "nan" => {
                // protoc notices once it has read the identifier.
                let i = self.toks.partition_point(|t| t.1.start < ident.span.end);
                let at = self.toks.get(i).map_or(ident.span, |t| t.1);
                self.err(at, "Identifier after '-' symbol must be inf or nan.");
            }
            OptionValue::Int(i) => {
                let _ = i;
            }
            _ => {}
        }
    }

    fn compact(&mut self, opts: &Option<CompactOptions>) {
        let Some(c) = opts else { return };
        let mut seen: Vec<&str> = Vec::new();
        for o in &c.options {
            self.value(&o.value);
            if let [p] = o.name.parts.as_slice() {
                let n = p.name.parts.first().map_or("", |i| i.name.as_str());
                if !p.is_extension && (n == "default" || n == "json_name") {
                    if seen.contains(&n) {
                        self.err(p.span, format!("Already set option \"{n}\"."));
                    }
                    seen.push(n);
                }
            }
        }
    }

    fn visibility(&mut self, vis: &Option<(Visibility, Span)>) {
        if let Some((_, span)) = vis {
            if !matches!(self.dialect, Dialect::Edition(e) if e >= 2024) {
                self.err(*span, "Expected top-level statement (e.g. \"message\").");
            }
        }
    }

    /// A field in a message, oneof or extend block.
    fn field(&mut self, f: &Field, in_oneof: bool, in_extend: bool) {
        let is_map = matches!(f.ty, FieldType::Map { .. });
        if let Some((label, span)) = f.label {
            if in_oneof {
                self.err(
                    span,
                    "Fields in oneofs must not have labels (required / optional / repeated).",
                );
            } else if is_map {
                if let FieldType::Map { span: ms, .. } = &f.ty {
                    self.err(
                        Span::new(ms.start as usize + 3, ms.start as usize + 4),
                        "Field labels (required/optional/repeated) are not allowed on map fields.",
                    );
                }
            } else if self.dialect.editions() && label != Label::Repeated {
                let word = if label == Label::Optional {
                    "optional"
                } else {
                    "required"
                };
                self.err(
                    span,
                    format!(
                        "Label \"{word}\" is not supported in editions. By default, all singular fields have presence \
                         unless features.field_presence is set."
                    ),
                );
            }
        } else if self.dialect == Dialect::Proto2
            && !in_oneof
            && !is_map
            && !matches!(f.ty, FieldType::Group { .. })
        {
            let at = match &f.ty {
                FieldType::Named(t) => t.span,
                _ => f.span,
            };
            self.err(at, "Expected \"required\", \"optional\", or \"repeated\".");
        }
        if let FieldType::Map { span, .. } = &f.ty {
            let lt = Span::new(span.start as usize + 3, span.start as usize + 4);
            if in_oneof {
                self.err(lt, "Map fields are not allowed in oneofs.");
            } else if in_extend {
                self.err(lt, "Map fields are not allowed to be extensions.");
            }
        }
        if let FieldType::Group { keyword, body, .. } = &f.ty {
            if self.dialect.editions() {
                self.err(
                    f.label.map_or(*keyword, |l| l.1),
                    "Group syntax is no longer supported in editions. To get group behavior you can specify \
                     features.message_encoding = DELIMITED on a message field.",
                );
            } else if !f.name.name.starts_with(|c: char| c.is_ascii_uppercase()) {
                self.err(f.name.span, "Group names must start with a capital letter.");
            }
            self.message_items(body);
        }
        self.field_number(&f.number);
        self.compact(&f.options);
    }

    fn message_items(&mut self, items: &[MessageItem]) {
        for item in items {
            match item {
                MessageItem::Field(f) => self.field(f, false, false),
                MessageItem::Oneof(o) => {
                    for it in &o.items {
                        match it {
                            OneofItem::Field(f) => self.field(f, true, false),
                            OneofItem::Option(o) => self.value(&o.value),
                            OneofItem::Empty(_) => {}
                        }
                    }
                }
                MessageItem::Message(m) => self.message(m),
                MessageItem::Enum(e) => self.enumeration(e),
                MessageItem::Extend(e) => self.extend(e),
                MessageItem::Extensions(x) => {
                    self.ranges(&x.ranges);
                    self.compact(&x.options);
                }
                MessageItem::Reserved(r) => self.reserved(r),
                MessageItem::Option(o) => self.value(&o.value),
                MessageItem::Empty(_) => {}
            }
        }
    }

    fn message(&mut self, m: &Message) {
        self.visibility(&m.visibility);
        self.message_items(&m.items);
    }

    fn extend(&mut self, e: &Extend) {
        for it in &e.items {
            if let ExtendItem::Field(f) = it {
                self.field(f, false, true);
            }
        }
    }

    fn enumeration(&mut self, e: &Enum) {
        self.visibility(&e.visibility);
        for it in &e.items {
            match it {
                EnumItem::Value(v) => {
                    self.int(&v.number);
                    self.compact(&v.options);
                }
                EnumItem::Option(o) => self.value(&o.value),
                EnumItem::Reserved(r) => self.reserved(r),
                EnumItem::Empty(_) => {}
            }
        }
    }
}

/// Runs the parser-level checks on a parsed file.
pub fn validate<'a>(
    name: &'a str,
    file: &File,
    toks: &'a [(super::lexer::Tok<'a>, Span)],
) -> Vec<Diagnostic> {
    let mut v = V {
        name,
        toks,
        dialect: Dialect::of(file),
        diags: Vec::new(),
    };
    if let Some(s) = &file.syntax {
        let text = s.value.lossy();
        match s.kind {
            SyntaxKind::Syntax if text != "proto2" && text != "proto3" => v.err(
                s.value.span,
                format!("Unrecognized syntax identifier \"{text}\".  This parser only recognizes \"proto2\" and \"proto3\"."),
            ),
            SyntaxKind::Edition => match text.as_str() {
                // UNSTABLE is accepted for descriptor sets; only code
                // generators refuse it.
                "2023" | "2024" | "UNSTABLE" => {}
                "2026" | "99997_TEST_ONLY" | "99998_TEST_ONLY" | "99999_TEST_ONLY" | "MAX" => {
                    v.err(s.span, format!("Edition {text} is later than the maximum supported edition 2024"))
                }
                "LEGACY" | "1_TEST_ONLY" | "2_TEST_ONLY" | "UNKNOWN" => {
                    v.err(s.span, format!("Edition {text} is earlier than the minimum supported edition PROTO2"))
                }
                _ => v.err(s.value.span, format!("Unknown edition \"{text}\".")),
            },
            _ => {}
        }
    }
    for item in &file.items {
        match item {
            FileItem::Import(i)
                if i.kind == ImportKind::Option
                    && !matches!(v.dialect, Dialect::Edition(e) if e >= 2024) =>
            {
                v.err(
                    i.kind_span.unwrap_or(i.span),
                    "option import is not supported before edition 2024.",
                );
            }
            FileItem::Option(o) => v.value(&o.value),
            FileItem::Message(m) => v.message(m),
            FileItem::Enum(e) => v.enumeration(e),
            FileItem::Extend(e) => v.extend(e),
            FileItem::Service(s) => {
                for it in &s.items {
                    match it {
                        ServiceItem::Option(o) => v.value(&o.value),
                        ServiceItem::Method(m) => {
                            for mi in m.body.iter().flatten() {
                                if let MethodItem::Option(o) = mi {
                                    v.value(&o.value);
                                }
                            }
                        }
                        ServiceItem::Empty(_) => {}
                    }
                }
            }
            _ => {}
        }
    }
    v.diags
}
