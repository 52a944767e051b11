//! Every element of a file, flattened in protoc's visiting order, with its
//! descriptor path, full name and the element its features are inherited
//! from.

use crate::descriptor::{
    descriptor_proto, DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto,
    FieldDescriptorProto, FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto,
    ServiceDescriptorProto,
};

use std::rc::Rc;

use super::join;

/// `base` followed by `more`, in one allocation.
fn path(base: &[i32], more: &[i32]) -> Rc<[i32]> {
    base.iter().chain(more).copied().collect()
}

/// What an item is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Elem<'a> {
    Message(&'a DescriptorProto),
    /// A field or extension; `Some(message)` for fields of a message (not
    /// extensions), the containing message.
    Field(&'a FieldDescriptorProto, Option<&'a DescriptorProto>),
    Oneof(&'a OneofDescriptorProto),
    ExtensionRange(&'a descriptor_proto::ExtensionRange),
    Enum(&'a EnumDescriptorProto),
    EnumValue(&'a EnumValueDescriptorProto),
    Service(&'a ServiceDescriptorProto),
    Method(&'a MethodDescriptorProto),
}

#[derive(Clone, Debug)]
pub(crate) struct Item<'a> {
    /// Shared: checks copy an item's path before reporting.
    pub path: Rc<[i32]>,
    /// The full name is `scope.name` (just `name` in the root scope): the
    /// scope is shared by siblings, the whole name made when asked for.
    /// Enum values are named in their enum's scope, an extension range
    /// takes its message's name.
    pub scope: Rc<str>,
    pub name: &'a str,
    pub elem: Elem<'a>,
    /// The item features are inherited from; `None` for the file.
    pub parent: Option<usize>,
}

impl Item<'_> {
    pub fn full_name(&self) -> String {
        join(&self.scope, self.name)
    }

    pub fn full_name_len(&self) -> usize {
        if self.scope.is_empty() {
            self.name.len()
        } else {
            self.scope.len() + 1 + self.name.len()
        }
    }
}

struct Walker<'a> {
    out: Vec<Item<'a>>,
}

impl<'a> Walker<'a> {
    fn push(&mut self, item: Item<'a>) -> usize {
        self.out.push(item);
        self.out.len() - 1
    }

    fn message(
        &mut self,
        m: &'a DescriptorProto,
        p: Rc<[i32]>,
        scope: &Rc<str>,
        parent: Option<usize>,
    ) {
        let me = self.push(Item {
            path: p.clone(),
            scope: scope.clone(),
            name: m.name(),
            elem: Elem::Message(m),
            parent,
        });
        let full: Rc<str> = join(scope, m.name()).into();
        // Oneofs first: their fields inherit from them.
        let first_oneof = self.out.len();
        for (i, o) in m.oneof_decl.iter().enumerate() {
            self.push(Item {
                path: path(&p, &[8, i as i32]),
                scope: full.clone(),
                name: o.name(),
                elem: Elem::Oneof(o),
                parent: Some(me),
            });
        }
        let oneofs = m.oneof_decl.len();
        for (i, f) in m.field.iter().enumerate() {
            let parent = f
                .oneof_index
                .and_then(|k| usize::try_from(k).ok())
                .filter(|&k| k < oneofs)
                .map_or(me, |k| first_oneof + k);
            self.push(Item {
                path: path(&p, &[2, i as i32]),
                scope: full.clone(),
                name: f.name(),
                elem: Elem::Field(f, Some(m)),
                parent: Some(parent),
            });
        }
        for (i, r) in m.extension_range.iter().enumerate() {
            self.push(Item {
                path: path(&p, &[5, i as i32]),
                scope: scope.clone(),
                name: m.name(),
                elem: Elem::ExtensionRange(r),
                parent: Some(me),
            });
        }
        for (i, f) in m.extension.iter().enumerate() {
            self.push(Item {
                path: path(&p, &[6, i as i32]),
                scope: full.clone(),
                name: f.name(),
                elem: Elem::Field(f, None),
                parent: Some(me),
            });
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            self.message(n, path(&p, &[3, i as i32]), &full, Some(me));
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.enum_(e, path(&p, &[4, i as i32]), &full, Some(me));
        }
    }

    fn enum_(
        &mut self,
        e: &'a EnumDescriptorProto,
        p: Rc<[i32]>,
        scope: &Rc<str>,
        parent: Option<usize>,
    ) {
        let me = self.push(Item {
            path: p.clone(),
            scope: scope.clone(),
            name: e.name(),
            elem: Elem::Enum(e),
            parent,
        });
        for (i, v) in e.value.iter().enumerate() {
            self.push(Item {
                path: path(&p, &[2, i as i32]),
                // Enum values are siblings of their enum.
                scope: scope.clone(),
                name: v.name(),
                elem: Elem::EnumValue(v),
                parent: Some(me),
            });
        }
    }
}

/// Every element of `fd` in protoc's visiting order.
pub(crate) fn items(fd: &FileDescriptorProto) -> Vec<Item<'_>> {
    let mut w = Walker { out: Vec::new() };
    let pkg: Rc<str> = fd.package().into();
    for (i, m) in fd.message_type.iter().enumerate() {
        w.message(m, Rc::from([4, i as i32]), &pkg, None);
    }
    for (i, e) in fd.enum_type.iter().enumerate() {
        w.enum_(e, Rc::from([5, i as i32]), &pkg, None);
    }
    for (i, f) in fd.extension.iter().enumerate() {
        w.push(Item {
            path: Rc::from([7, i as i32]),
            scope: pkg.clone(),
            name: f.name(),
            elem: Elem::Field(f, None),
            parent: None,
        });
    }
    for (i, s) in fd.service.iter().enumerate() {
        let me = w.push(Item {
            path: Rc::from([6, i as i32]),
            scope: pkg.clone(),
            name: s.name(),
            elem: Elem::Service(s),
            parent: None,
        });
        let full: Rc<str> = join(&pkg, s.name()).into();
        for (j, m) in s.method.iter().enumerate() {
            w.push(Item {
                path: Rc::from([6, i as i32, 2, j as i32]),
                scope: full.clone(),
                name: m.name(),
                elem: Elem::Method(m),
                parent: Some(me),
            });
        }
    }
    w.out
}
