//! Compatibility checking: `protoforge breaking`.
//!
//! Two images (the new input and the one it is checked against) are
//! indexed ([`model::Side`]), paired element by element the way buf pairs
//! them (files by path, messages/enums/services by full name, fields by
//! number, enum values by number, RPCs by name, extensions by extendee and
//! number), and each enabled rule adds [`Finding`]s located in the new file.
//!
//! Rule families live one per file: [`deletions`] (files, packages and
//! top-level elements), [`files`] (file options, syntax, package),
//! [`messages`], [`fields`], [`enums`] and [`services`]. Rule ids,
//! categories and message texts follow buf 1.75, so a `buf.yaml` and the
//! CI annotations built on them keep working.

pub mod cli;
pub mod config;
pub mod defaults;
pub mod deletions;
pub mod enums;
pub mod fields;
pub mod files;
pub mod ignore;
pub mod input;
pub mod messages;
pub mod model;
pub mod report;
pub mod rules;
pub mod services;

use std::collections::BTreeSet;

pub use model::{Image, ImageFile};
use model::{Loc, Side, Span};

/// One breaking change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    /// Path shown for the new file (`None` when the change has no place in
    /// the new input, e.g. a deleted file).
    pub path: Option<String>,
    /// Where in that file; `None` prints as 1:1.
    pub span: Option<Span>,
    /// Rule id.
    pub rule: &'static str,
    /// buf's wording.
    pub message: String,
    /// Proto file name (import path) of the new file, for ignores.
    pub file_name: Option<String>,
    /// Source path of the location in the new file, for comment ignores.
    pub source_path: Vec<i32>,
    /// The old file and place, for ignores and the side-by-side view.
    pub against_file: Option<String>,
    pub against_display: Option<String>,
    pub against_span: Option<Span>,
    /// Texts of the new and old files when known, for the human format.
    pub source: Option<std::sync::Arc<str>>,
    pub against_source: Option<std::sync::Arc<str>>,
}

impl Finding {
    /// The span buf prints (1:1 when there is none).
    pub fn shown_span(&self) -> Span {
        self.span.unwrap_or(Span::FILE_START)
    }

    /// buf's order: path, position, rule, message.
    pub fn sort_key(&self) -> (String, Span, &'static str, &str) {
        (
            self.path.clone().unwrap_or_default(),
            self.shown_span(),
            self.rule,
            &self.message,
        )
    }
}

/// Rule context: both sides, the enabled rules and the findings so far.
pub struct Ctx<'s, 'a> {
    pub new: &'s Side<'a>,
    pub old: &'s Side<'a>,
    rules: &'s BTreeSet<&'static str>,
    pub out: Vec<Finding>,
}

/// Where a finding goes in the new input.
#[derive(Clone, Debug)]
pub enum At {
    /// A source location.
    Loc(Loc),
    /// A file of the new side, without a location.
    File(usize),
    /// Nowhere in the new input.
    Nowhere,
}

impl From<Option<Loc>> for At {
    fn from(l: Option<Loc>) -> At {
        match l {
            Some(l) => At::Loc(l),
            None => At::Nowhere,
        }
    }
}

/// Where a finding was in the old input.
#[derive(Clone, Debug)]
pub enum Was {
    Loc(Loc),
    File(usize),
    None,
}

impl From<Option<Loc>> for Was {
    fn from(l: Option<Loc>) -> Was {
        match l {
            Some(l) => Was::Loc(l),
            None => Was::None,
        }
    }
}

impl<'s, 'a> Ctx<'s, 'a> {
    pub fn on(&self, rule: &str) -> bool {
        self.rules.contains(rule)
    }

    pub fn add(&mut self, rule: &'static str, at: At, was: Was, message: String) {
        let mut f = Finding {
            path: None,
            span: None,
            rule,
            message,
            file_name: None,
            source_path: Vec::new(),
            against_file: None,
            against_display: None,
            against_span: None,
            source: None,
            against_source: None,
        };
        let file = match &at {
            At::Loc(l) => {
                f.span = Some(l.span);
                f.source_path = l.path.clone();
                Some(l.file)
            }
            At::File(i) => Some(*i),
            At::Nowhere => None,
        };
        if let Some(i) = file {
            let fv = &self.new.files[i];
            f.path = Some(fv.img.display.clone());
            f.file_name = Some(fv.name().to_string());
            f.source = fv.img.source.clone();
        }
        let old_file = match &was {
            Was::Loc(l) => {
                f.against_span = Some(l.span);
                Some(l.file)
            }
            Was::File(i) => Some(*i),
            Was::None => None,
        };
        if let Some(i) = old_file {
            let fv = &self.old.files[i];
            f.against_file = Some(fv.name().to_string());
            f.against_display = Some(fv.img.display.clone());
            f.against_source = fv.img.source.clone();
        }
        self.out.push(f);
    }
}

/// What to check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Rule ids to run.
    pub rules: BTreeSet<&'static str>,
    /// Leave out files that are only imports.
    pub exclude_imports: bool,
}

/// Runs the enabled rules on `new` against `old`. Findings come back
/// sorted and without duplicates, before any ignore is applied.
pub fn check(new: &Image, old: &Image, opts: &CheckOptions) -> Vec<Finding> {
    let strip = |img: &Image| Image {
        files: img.files.iter().filter(|f| !f.is_import).cloned().collect(),
    };
    let (new_owned, old_owned);
    let (new, old) = if opts.exclude_imports {
        new_owned = strip(new);
        old_owned = strip(old);
        (&new_owned, &old_owned)
    } else {
        (new, old)
    };
    let new_side = Side::new(new);
    let old_side = Side::new(old);
    let mut ctx = Ctx {
        new: &new_side,
        old: &old_side,
        rules: &opts.rules,
        out: Vec::new(),
    };
    deletions::check(&mut ctx);
    files::check(&mut ctx);
    messages::check(&mut ctx);
    fields::check(&mut ctx);
    enums::check(&mut ctx);
    services::check(&mut ctx);
    let mut out = ctx.out;
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup_by(|a, b| a.sort_key() == b.sort_key());
    out
}

/// `with name "x"` descriptions of fields, as buf words them.
pub(crate) fn field_description(side: &Side, f: &model::Fld, with_name: bool) -> String {
    let name = if with_name {
        let n = if f.is_ext {
            f.full.as_str()
        } else {
            f.d.name()
        };
        format!(" with name \"{}\"", go_escape(n))
    } else {
        String::new()
    };
    if f.is_ext {
        format!(
            "Extension \"{}\"{name} on message \"{}\"",
            f.number(),
            go_escape(f.extendee().strip_prefix('.').unwrap_or(f.extendee()))
        )
    } else {
        let parent = f.parent.map(|p| side.msgs[p].d.name()).unwrap_or("");
        format!(
            "Field \"{}\"{name} on message \"{}\"",
            f.number(),
            go_escape(parent)
        )
    }
}

/// The inside of Go's `%q` for a string: escapes quotes, backslashes and
/// non-printable characters.
pub(crate) fn go_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's `%q`.
pub(crate) fn q(s: &str) -> String {
    format!("\"{}\"", go_escape(s))
}
