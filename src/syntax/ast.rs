//! The syntax tree of one `.proto` file. Every node carries the byte span it
//! was parsed from; every declaration carries its comments, attributed as
//! protoc attributes them.

/// A byte range in a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// The comments of one declaration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommentText {
    pub leading: Option<String>,
    pub trailing: Option<String>,
    pub detached: Vec<String>,
}

impl CommentText {
    pub fn is_empty(&self) -> bool {
        self.leading.is_none() && self.trailing.is_none() && self.detached.is_empty()
    }
}

/// Comments attached to a declaration: one pointer, null for none (most
/// declarations, and all of them when comments are not kept), so syntax
/// trees stay small. Reads and writes go through [`CommentText`].
#[derive(Clone, Default)]
pub struct Comments(Option<Box<CommentText>>);

static NO_COMMENTS: CommentText = CommentText {
    leading: None,
    trailing: None,
    detached: Vec::new(),
};

impl Comments {
    /// `text`, stored only when there is some.
    pub fn new(text: CommentText) -> Self {
        Comments((!text.is_empty()).then(|| Box::new(text)))
    }
}

impl std::ops::Deref for Comments {
    type Target = CommentText;
    fn deref(&self) -> &CommentText {
        self.0.as_deref().unwrap_or(&NO_COMMENTS)
    }
}

impl std::ops::DerefMut for Comments {
    fn deref_mut(&mut self) -> &mut CommentText {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for Comments {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Comments {}

impl std::fmt::Debug for Comments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// A simple name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: compact_str::CompactString,
    pub span: Span,
}

/// A dotted name such as `foo.bar.Baz`, or `.foo.Bar` when `absolute`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeName {
    pub absolute: bool,
    pub parts: Vec<Ident>,
    pub span: Span,
}

impl TypeName {
    /// The name as written, borrowed when it is one relative part (the
    /// common case), made otherwise.
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match self.parts.as_slice() {
            [one] if !self.absolute => std::borrow::Cow::Borrowed(&one.name),
            _ => std::borrow::Cow::Owned(self.text()),
        }
    }

    /// The name as written, with a leading dot when absolute.
    pub fn text(&self) -> String {
        let len = self.parts.iter().map(|p| p.name.len() + 1).sum::<usize>();
        let mut s = String::with_capacity(len);
        self.push_to(&mut s);
        s
    }

    /// Appends [`TypeName::text`] to `out`.
    pub fn push_to(&self, out: &mut String) {
        if self.absolute {
            out.push('.');
        }
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&p.name);
        }
    }
}

/// One or more adjacent string literals, concatenated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrLit {
    pub value: Vec<u8>,
    pub span: Span,
}

impl StrLit {
    pub fn lossy(&self) -> String {
        String::from_utf8_lossy(&self.value).into_owned()
    }
}

/// An integer with an optional minus sign. `value` is `None` when the
/// literal did not fit in 64 bits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntLit {
    pub negative: bool,
    pub value: Option<u64>,
    pub span: Span,
}

impl IntLit {
    /// The value as i64 if it fits.
    pub fn as_i64(&self) -> Option<i64> {
        let v = self.value?;
        if self.negative {
            if v <= i64::MAX as u64 + 1 {
                Some((v as i128).wrapping_neg() as i64)
            } else {
                None
            }
        } else {
            i64::try_from(v).ok()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxKind {
    Syntax,
    Edition,
}

/// `syntax = "proto3";` or `edition = "2023";`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxDecl {
    pub kind: SyntaxKind,
    pub value: StrLit,
    pub span: Span,
    pub comments: Comments,
}

/// A whole file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    pub syntax: Option<SyntaxDecl>,
    pub items: Vec<FileItem>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FileItem {
    Package(Package),
    Import(Import),
    Option(OptionDecl),
    Message(Message),
    Enum(Enum),
    Service(Service),
    Extend(Extend),
    Empty(Span),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub name: TypeName,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    Default,
    Public,
    Weak,
    /// `import option "x.proto";` (edition 2024).
    Option,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub kind: ImportKind,
    /// Span of the `public` / `weak` / `option` modifier.
    pub kind_span: Option<Span>,
    pub path: StrLit,
    pub span: Span,
    pub comments: Comments,
}

/// One component of an option name: `foo` or `(foo.bar)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionNamePart {
    pub name: TypeName,
    pub is_extension: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionName {
    pub parts: Vec<OptionNamePart>,
    pub span: Span,
}

/// A value on the right of `=` in an option.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    /// An identifier, possibly negated (`-inf`).
    Ident {
        negative: bool,
        ident: Ident,
        span: Span,
    },
    Int(IntLit),
    Float {
        value: f64,
        span: Span,
    },
    Str(StrLit),
    /// `{ … }`: the text between the braces, parsed as text format.
    Aggregate(Aggregate),
}

impl OptionValue {
    pub fn span(&self) -> Span {
        match self {
            OptionValue::Ident { span, .. } | OptionValue::Float { span, .. } => *span,
            OptionValue::Int(i) => i.span,
            OptionValue::Str(s) => s.span,
            OptionValue::Aggregate(a) => a.span,
        }
    }
}

/// An option statement (`option x = 1;`) or one entry of a `[…]` list.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionDecl {
    pub name: OptionName,
    pub value: OptionValue,
    pub span: Span,
    pub comments: Comments,
}

/// `[a = 1, b = 2]` after a field, enum value or extension range.
#[derive(Clone, Debug, PartialEq)]
pub struct CompactOptions {
    pub options: Vec<OptionDecl>,
    pub span: Span,
}

/// An aggregate (text format) option value.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// Span including the braces.
    pub span: Span,
    pub fields: Vec<TextField>,
    /// Syntax errors in the text (span, message); reported when the
    /// option is interpreted.
    pub errors: Vec<(Span, String)>,
}

/// The name of a text-format field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextFieldName {
    Ident(Ident),
    /// `[pkg.ext]`
    Extension(TypeName),
    /// `[type.googleapis.com/pkg.Type]`: the prefix before the last `/` and the type.
    Any {
        prefix: String,
        type_name: TypeName,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct TextField {
    pub name: TextFieldName,
    pub name_span: Span,
    pub value: TextValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TextValue {
    Ident {
        negative: bool,
        ident: Ident,
        span: Span,
    },
    Int(IntLit),
    Float {
        value: f64,
        span: Span,
    },
    Str(StrLit),
    Message {
        fields: Vec<TextField>,
        span: Span,
    },
    List {
        values: Vec<TextValue>,
        span: Span,
    },
}

impl TextValue {
    pub fn span(&self) -> Span {
        match self {
            TextValue::Ident { span, .. }
            | TextValue::Float { span, .. }
            | TextValue::Message { span, .. }
            | TextValue::List { span, .. } => *span,
            TextValue::Int(i) => i.span,
            TextValue::Str(s) => s.span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    Export,
    Local,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub visibility: Option<(Visibility, Span)>,
    pub name: Ident,
    pub items: Vec<MessageItem>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MessageItem {
    Field(Box<Field>),
    Oneof(Oneof),
    Message(Message),
    Enum(Enum),
    Extend(Extend),
    Extensions(Extensions),
    Reserved(Reserved),
    Option(OptionDecl),
    Empty(Span),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Optional,
    Required,
    Repeated,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldType {
    Named(TypeName),
    Map {
        key: TypeName,
        value: TypeName,
        span: Span,
    },
    /// A group: the field's type is a message declared inline.
    Group {
        keyword: Span,
        body: Vec<MessageItem>,
        body_span: Span,
    },
}

/// A field, a map field or a group.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub label: Option<(Label, Span)>,
    pub ty: FieldType,
    pub name: Ident,
    pub number: IntLit,
    pub options: Option<CompactOptions>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OneofItem {
    Field(Box<Field>),
    Option(OptionDecl),
    Empty(Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Oneof {
    pub name: Ident,
    pub items: Vec<OneofItem>,
    pub span: Span,
    pub comments: Comments,
}

#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum ExtendItem {
    Field(Box<Field>),
    Empty(Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Extend {
    pub extendee: TypeName,
    pub items: Vec<ExtendItem>,
    pub span: Span,
    pub comments: Comments,
}

/// The upper end of a range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeEnd {
    Int(IntLit),
    Max(Span),
}

/// `N`, `N to M` or `N to max`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: IntLit,
    pub end: Option<RangeEnd>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Extensions {
    pub ranges: Vec<Range>,
    pub options: Option<CompactOptions>,
    pub span: Span,
    pub comments: Comments,
}

/// A reserved name: a string literal (proto2/proto3) or an identifier (editions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReservedName {
    Str(StrLit),
    Ident(Ident),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reserved {
    Ranges {
        ranges: Vec<Range>,
        span: Span,
        comments: Comments,
    },
    Names {
        names: Vec<ReservedName>,
        span: Span,
        comments: Comments,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub visibility: Option<(Visibility, Span)>,
    pub name: Ident,
    pub items: Vec<EnumItem>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EnumItem {
    Value(Box<EnumValue>),
    Option(OptionDecl),
    Reserved(Reserved),
    Empty(Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    pub name: Ident,
    pub number: IntLit,
    pub options: Option<CompactOptions>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub name: Ident,
    pub items: Vec<ServiceItem>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ServiceItem {
    Method(Box<Method>),
    Option(OptionDecl),
    Empty(Span),
}

/// One side of an RPC: `(stream foo.Bar)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodType {
    pub stream: Option<Span>,
    pub ty: TypeName,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Method {
    pub name: Ident,
    pub input: MethodType,
    pub output: MethodType,
    /// `None` for `rpc X(A) returns (B);`, `Some` for a `{ … }` body.
    pub body: Option<Vec<MethodItem>>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MethodItem {
    Option(OptionDecl),
    Empty(Span),
}
