//! Name resolution: every type reference (field types, extendees, method
//! input and output) to its fully-qualified name, with protoc's scoping rules
//! and error messages.

use rayon::prelude::*;

use super::source_info::{FileSpans, LazySpans};
use super::symbols::{Entry, Symbols};
use crate::descriptor::field_descriptor_proto::Type;
use crate::descriptor::pool::SymbolKind;
use crate::descriptor::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};
use crate::diagnostics::Diagnostic;
use crate::load::Loaded;

/// What a reference must resolve to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// A field type: scopes holding only non-types are skipped.
    Type,
    /// An extendee or RPC type: any symbol, then it must be a message.
    Message,
    /// An extension named in an option: any symbol, also from `import option` files.
    OptionName,
}

/// A successful lookup, or why it failed.
enum Lookup<'a> {
    Found(String, Entry<'a>),
    /// Not found. `hidden` is the last name that exists but is not visible
    /// from this file (and its file); `innermost` the full name a dotted
    /// reference was bound to in an inner scope.
    Failed {
        hidden: Option<(String, usize)>,
        innermost: Option<String>,
    },
}

/// protoc's relative lookup: try `name`'s first component in each enclosing
/// scope of `relative_to`, innermost first; a dotted name must then resolve
/// completely inside the scope where its first component was found.
fn lookup<'a>(
    syms: &'a Symbols,
    from: usize,
    name: &str,
    relative_to: &str,
    want: Want,
) -> Lookup<'a> {
    let mut hidden = None;
    let for_options = want == Want::OptionName;
    let mut find = |n: &str| {
        let (e, h) = syms.find(n, from, for_options);
        if let Some(f) = h {
            hidden = Some((n.to_string(), f));
        }
        e
    };
    if let Some(abs) = name.strip_prefix('.') {
        return match find(abs) {
            Some(e) => Lookup::Found(abs.to_string(), e),
            None => Lookup::Failed {
                hidden,
                innermost: None,
            },
        };
    }
    let first = name.split('.').next().unwrap_or(name);
    // Only the root can hold `first` when nothing nested is called that.
    let mut scope = if syms.may_be_nested(first) {
        relative_to
    } else {
        ""
    };
    // One buffer for every `scope.first` candidate.
    let mut candidate = String::with_capacity(relative_to.len() + 1 + first.len());
    while let Some(dot) = memchr::memrchr(b'.', scope.as_bytes()) {
        scope = &scope[..dot];
        candidate.clear();
        candidate.push_str(scope);
        candidate.push('.');
        candidate.push_str(first);
        if let Some(e) = find(&candidate) {
            if first.len() < name.len() {
                if e.is_aggregate() {
                    let full = dotted(scope, name);
                    return match find(&full) {
                        Some(e) => Lookup::Found(full, e),
                        None => Lookup::Failed {
                            hidden,
                            innermost: Some(full),
                        },
                    };
                }
            } else if want != Want::Type || e.is_type() {
                return Lookup::Found(candidate, e);
            }
        }
    }
    match find(name) {
        Some(e) => Lookup::Found(name.to_string(), e),
        None => Lookup::Failed {
            hidden,
            innermost: None,
        },
    }
}

/// Looks `name` up from file `from` relative to `relative_to`, accepting any
/// kind of symbol (protoc's LOOKUP_ALL); returns the full name.
pub fn lookup_any(syms: &Symbols, from: usize, name: &str, relative_to: &str) -> Option<String> {
    match lookup(syms, from, name, relative_to, Want::OptionName) {
        Lookup::Found(full, _) => Some(full),
        Lookup::Failed { .. } => None,
    }
}

struct FileCtx<'a> {
    syms: &'a Symbols,
    index: usize,
    names: &'a [String],
    spans: FileSpans<'a>,
    diags: Vec<Diagnostic>,
}

impl FileCtx<'_> {
    fn span_of(&self, path: &[i32]) -> std::ops::Range<usize> {
        self.spans.get(path).map_or(0..0, |s| s.range())
    }

    fn error(&mut self, path: &[i32], code: &'static str, message: String) {
        let range = self.span_of(path);
        self.diags
            .push(Diagnostic::error(code, message).at(&self.names[self.index], range, ""));
    }

    /// Resolves `name` or reports why it cannot be; returns the full name
    /// (without the leading dot) and what it is.
    fn resolve(
        &mut self,
        name: &str,
        relative_to: &str,
        want: Want,
        path: &[i32],
    ) -> Option<(String, SymbolKind)> {
        match lookup(self.syms, self.index, name, relative_to, want) {
            Lookup::Found(full, e) => Some((full, e.kind)),
            Lookup::Failed { hidden, innermost } => {
                if hidden.is_none() && innermost.is_none() {
                    self.error(
                        path,
                        "undefined-symbol",
                        format!("\"{name}\" is not defined."),
                    );
                }
                if let Some((hidden_name, f)) = hidden {
                    let msg = format!(
                        "\"{hidden_name}\" seems to be defined in \"{}\", which is not imported by \"{}\".  To use it \
                         here, please add the necessary import.",
                        self.names[f], self.names[self.index]
                    );
                    self.error(path, "symbol-not-imported", msg);
                }
                if let Some(full) = innermost {
                    let msg = format!(
                        "\"{name}\" is resolved to \"{full}\", which is not defined. The innermost scope is searched \
                         first in name resolution. Consider using a leading '.'(i.e., \".{name}\") to start from the \
                         outermost scope."
                    );
                    self.error(path, "innermost-scope", msg);
                }
                None
            }
        }
    }

    fn field(&mut self, f: &mut FieldDescriptorProto, scope: &str, path: &[i32]) {
        let full_name = join(scope, f.name());
        if let Some(extendee) = f.extendee.clone() {
            let p = [path, &[2]].concat();
            if let Some((full, kind)) = self.resolve(&extendee, &full_name, Want::Message, &p) {
                if kind == SymbolKind::Message {
                    f.extendee = Some(format!(".{full}"));
                } else {
                    self.error(
                        &p,
                        "not-a-message",
                        format!("\"{extendee}\" is not a message type."),
                    );
                }
            }
        }
        let Some(type_name) = f.type_name.clone() else {
            return;
        };
        let p = [path, &[6]].concat();
        let Some((full, kind)) = self.resolve(&type_name, &full_name, Want::Type, &p) else {
            return;
        };
        match kind {
            SymbolKind::Message => {
                if f.r#type.is_none() {
                    f.r#type = Some(Type::TYPE_MESSAGE);
                } else if f.r#type != Some(Type::TYPE_MESSAGE) && f.r#type != Some(Type::TYPE_GROUP)
                {
                    self.error(&p, "not-a-type", format!("\"{type_name}\" is not a type."));
                    return;
                }
            }
            SymbolKind::Enum => {
                if f.r#type.is_none() {
                    f.r#type = Some(Type::TYPE_ENUM);
                } else if f.r#type != Some(Type::TYPE_ENUM) {
                    self.error(
                        &p,
                        "not-a-message",
                        format!("\"{type_name}\" is not a message type."),
                    );
                    return;
                }
            }
            _ => {
                self.error(&p, "not-a-type", format!("\"{type_name}\" is not a type."));
                return;
            }
        }
        f.type_name = Some(format!(".{full}"));
    }

    fn message(&mut self, m: &mut DescriptorProto, scope: &str, path: &[i32]) {
        let name = join(scope, m.name());
        // Paths are built on the stack; scalar fields have nothing to
        // resolve and are skipped before anything is built for them.
        let at = |tag: i32, i: usize| -> smallvec::SmallVec<[i32; 12]> {
            path.iter().copied().chain([tag, i as i32]).collect()
        };
        for (i, f) in m.field.iter_mut().enumerate() {
            if f.type_name.is_some() || f.extendee.is_some() {
                self.field(f, &name, &at(2, i));
            }
        }
        for (i, f) in m.extension.iter_mut().enumerate() {
            self.field(f, &name, &at(6, i));
        }
        for (i, n) in m.nested_type.iter_mut().enumerate() {
            self.message(n, &name, &at(3, i));
        }
    }

    fn file(&mut self, fd: &mut FileDescriptorProto) {
        let pkg = fd.package().to_string();
        for (i, m) in fd.message_type.iter_mut().enumerate() {
            self.message(m, &pkg, &[4, i as i32]);
        }
        for (i, f) in fd.extension.iter_mut().enumerate() {
            self.field(f, &pkg, &[7, i as i32]);
        }
        for (i, s) in fd.service.iter_mut().enumerate() {
            let sname = join(&pkg, s.name());
            for (j, m) in s.method.iter_mut().enumerate() {
                let mname = join(&sname, m.name());
                for (k, slot) in [(2, &mut m.input_type), (3, &mut m.output_type)] {
                    let Some(t) = slot.clone() else { continue };
                    let p = [6, i as i32, 2, j as i32, k];
                    if let Some((full, kind)) = self.resolve(&t, &mname, Want::Message, &p) {
                        if kind == SymbolKind::Message {
                            *slot = Some(format!(".{full}"));
                        } else {
                            self.error(
                                &p,
                                "not-a-message",
                                format!("\"{t}\" is not a message type."),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// `a.b`, always with the dot.
fn dotted(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + 1 + b.len());
    s.push_str(a);
    s.push('.');
    s.push_str(b);
    s
}

fn join(scope: &str, name: &str) -> String {
    crate::descriptor::join_name(scope, name)
}

/// Resolves every reference in `files` in place. `names` are the files'
/// names; `spans` gives source spans for the diagnostics.
pub fn resolve_all(
    files: &mut [FileDescriptorProto],
    syms: &Symbols,
    names: &[String],
    spans: &LazySpans,
    loaded: &Loaded,
) -> Vec<Diagnostic> {
    files
        .par_iter_mut()
        .enumerate()
        .map(|(index, fd)| {
            let mut ctx = FileCtx {
                syms,
                index,
                names,
                spans: spans.file(loaded, index),
                diags: Vec::new(),
            };
            ctx.file(fd);
            ctx.diags
        })
        .flatten()
        .collect()
}
