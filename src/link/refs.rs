//! The type references of a file as written, each with the scope it is
//! looked up from: what the unused-import check replays after linking,
//! when the syntax tree has already been freed.
//!
//! protoc builds a file element by element and looks each referenced name
//! up from the full name of the element holding it; every file a lookup
//! touches counts as used. The references kept here are the ones that
//! check needs: field types (a map's value type looked up from its entry's
//! `value` field), extendees, and method input and output types. Scalar
//! type keywords are no references: protoc's parser takes them as scalars
//! without any lookup.

use crate::syntax::ast::{self, ExtendItem, FieldType, FileItem, MessageItem, OneofItem};

/// One reference: the name as written, its scope, and whether only types
/// (messages and enums) may end a relative lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TypeRef {
    name: Box<str>,
    scope: u32,
    types_only: bool,
}

/// A file's type references, in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeRefs {
    /// Full names of the scopes lookups start from (the package first).
    scopes: Vec<Box<str>>,
    refs: Vec<TypeRef>,
    /// Edition UNSTABLE, whose scalar keywords differ.
    unstable: bool,
}

impl TypeRefs {
    /// The references of `file`, whose package is `package`; `unstable`
    /// for edition UNSTABLE.
    pub fn collect(file: &ast::File, package: &str, unstable: bool) -> TypeRefs {
        let mut out = TypeRefs {
            unstable,
            ..TypeRefs::default()
        };
        let top = out.scope(package.to_string());
        for item in &file.items {
            match item {
                FileItem::Message(m) => {
                    let s = out.scope(join(package, &m.name.name));
                    out.message(&m.items, s);
                }
                FileItem::Extend(x) => out.extend(x, top),
                FileItem::Service(sv) => {
                    let s = out.scope(join(package, &sv.name.name));
                    for i in &sv.items {
                        if let ast::ServiceItem::Method(m) = i {
                            out.push(&m.input.ty.as_str(), s, false);
                            out.push(&m.output.ty.as_str(), s, false);
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Each reference as (name, scope, types only), in source order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, bool)> + '_ {
        self.refs
            .iter()
            .map(|r| (&*r.name, &*self.scopes[r.scope as usize], r.types_only))
    }

    pub fn len(&self) -> usize {
        self.refs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }

    fn scope(&mut self, name: String) -> u32 {
        self.scopes.push(name.into_boxed_str());
        (self.scopes.len() - 1) as u32
    }

    fn push(&mut self, name: &str, scope: u32, types_only: bool) {
        self.refs.push(TypeRef {
            name: name.into(),
            scope,
            types_only,
        });
    }

    fn message(&mut self, items: &[MessageItem], scope: u32) {
        for item in items {
            match item {
                MessageItem::Field(f) => self.field(f, scope),
                MessageItem::Oneof(o) => {
                    for i in &o.items {
                        if let OneofItem::Field(f) = i {
                            self.field(f, scope);
                        }
                    }
                }
                MessageItem::Message(m) => {
                    let s = self.nested(scope, &m.name.name);
                    self.message(&m.items, s);
                }
                MessageItem::Extend(x) => self.extend(x, scope),
                _ => {}
            }
        }
    }

    fn is_scalar(&self, t: &ast::TypeName) -> bool {
        super::lower::scalar_type(t, self.unstable).is_some()
    }

    fn nested(&mut self, scope: u32, name: &str) -> u32 {
        let full = join(&self.scopes[scope as usize], name);
        self.scope(full)
    }

    fn extend(&mut self, x: &ast::Extend, scope: u32) {
        let extendee = x.extendee.text();
        for i in &x.items {
            if let ExtendItem::Field(f) = i {
                self.push(&extendee, scope, false);
                self.field(f, scope);
            }
        }
    }

    /// A field's type: a named type, a map's value type (looked up from the
    /// entry's `value` field), or a group's body (a message in `scope`).
    fn field(&mut self, f: &ast::Field, scope: u32) {
        match &f.ty {
            FieldType::Named(t) => {
                if !self.is_scalar(t) {
                    self.push(&t.as_str(), scope, true);
                }
            }
            FieldType::Map { value, .. } => {
                if !self.is_scalar(value) {
                    let s = self.nested(scope, &f.name.name);
                    self.push(&value.as_str(), s, true);
                }
            }
            FieldType::Group { body, .. } => {
                let s = self.nested(scope, &f.name.name);
                self.message(body, s);
            }
        }
    }
}

fn join(scope: &str, name: &str) -> String {
    crate::descriptor::join_name(scope, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<(String, String, bool)> {
        refs_in(text, false)
    }

    fn refs_in(text: &str, unstable: bool) -> Vec<(String, String, bool)> {
        let r = crate::syntax::parser::parse_with("t.proto", text, false);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        TypeRefs::collect(&r.file, "p", unstable)
            .iter()
            .map(|(n, s, t)| (n.to_string(), s.to_string(), t))
            .collect()
    }

    #[test]
    fn scopes_follow_the_elements_that_hold_the_references() {
        let got = refs(
            "syntax = \"proto2\"; package p;
             message M {
               optional .a.B x = 1;
               map<string, V> m = 2;
               map<string, string> s = 5;
               oneof o { C c = 3; }
               message N { optional D d = 1; }
               optional group G = 4 { optional E e = 1; }
               extend F { optional H h = 10; optional int32 i = 11; }
             }
             extend X { optional Y y = 1; }
             service S { rpc R(In) returns (stream q.Out); }",
        );
        let want = [
            (".a.B", "p.M", true),
            ("V", "p.M.m", true),
            ("C", "p.M", true),
            ("D", "p.M.N", true),
            ("E", "p.M.G", true),
            ("F", "p.M", false),
            ("H", "p.M", true),
            ("F", "p.M", false),
            ("X", "p", false),
            ("Y", "p", true),
            ("In", "p.S", false),
            ("q.Out", "p.S", false),
        ];
        let want: Vec<(String, String, bool)> = want
            .iter()
            .map(|(n, s, t)| (n.to_string(), s.to_string(), *t))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn scalar_keywords_are_not_references() {
        let text = "syntax = \"proto2\"; package p;
                    message M { optional varint32 a = 1; optional int32 b = 2; }";
        let varint = vec![("varint32".to_string(), "p.M".to_string(), true)];
        assert_eq!(refs_in(text, false), varint);
        assert_eq!(refs_in(text, true), Vec::new());
    }
}
