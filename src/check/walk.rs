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
    /// Shared: checks copy an item's path and name before reporting.
    pub path: Rc<[i32]>,
    pub full_name: Rc<str>,
    pub elem: Elem<'a>,
    /// The item features are inherited from; `None` for the file.
    pub parent: Option<usize>,
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
        scope: &str,
        parent: Option<usize>,
    ) {
        let name: Rc<str> = join(scope, m.name()).into();
        let me = self.push(Item {
            path: p.clone(),
            full_name: name.clone(),
            elem: Elem::Message(m),
            parent,
        });
        // Oneofs first: their fields inherit from them.
        let oneofs: Vec<usize> = m
            .oneof_decl
            .iter()
            .enumerate()
            .map(|(i, o)| Item {
                path: path(&p, &[8, i as i32]),
                full_name: join(&name, o.name()).into(),
                elem: Elem::Oneof(o),
                parent: Some(me),
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|it| self.push(it))
            .collect();
        for (i, f) in m.field.iter().enumerate() {
            let parent = f
                .oneof_index
                .and_then(|k| oneofs.get(k as usize).copied())
                .unwrap_or(me);
            self.push(Item {
                path: path(&p, &[2, i as i32]),
                full_name: join(&name, f.name()).into(),
                elem: Elem::Field(f, Some(m)),
                parent: Some(parent),
            });
        }
        for (i, r) in m.extension_range.iter().enumerate() {
            self.push(Item {
                path: path(&p, &[5, i as i32]),
                full_name: name.clone(),
                elem: Elem::ExtensionRange(r),
                parent: Some(me),
            });
        }
        for (i, f) in m.extension.iter().enumerate() {
            self.push(Item {
                path: path(&p, &[6, i as i32]),
                full_name: join(&name, f.name()).into(),
                elem: Elem::Field(f, None),
                parent: Some(me),
            });
        }
        for (i, n) in m.nested_type.iter().enumerate() {
            self.message(n, path(&p, &[3, i as i32]), &name, Some(me));
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            self.enum_(e, path(&p, &[4, i as i32]), &name, Some(me));
        }
    }

    fn enum_(
        &mut self,
        e: &'a EnumDescriptorProto,
        p: Rc<[i32]>,
        scope: &str,
        parent: Option<usize>,
    ) {
        let me = self.push(Item {
            path: p.clone(),
            full_name: join(scope, e.name()).into(),
            elem: Elem::Enum(e),
            parent,
        });
        for (i, v) in e.value.iter().enumerate() {
            self.push(Item {
                path: path(&p, &[2, i as i32]),
                // Enum values are siblings of their enum.
                full_name: join(scope, v.name()).into(),
                elem: Elem::EnumValue(v),
                parent: Some(me),
            });
        }
    }
}

/// Every element of `fd` in protoc's visiting order.
pub(crate) fn items(fd: &FileDescriptorProto) -> Vec<Item<'_>> {
    let mut w = Walker { out: Vec::new() };
    let pkg = fd.package();
    for (i, m) in fd.message_type.iter().enumerate() {
        w.message(m, Rc::from([4, i as i32]), pkg, None);
    }
    for (i, e) in fd.enum_type.iter().enumerate() {
        w.enum_(e, Rc::from([5, i as i32]), pkg, None);
    }
    for (i, f) in fd.extension.iter().enumerate() {
        w.push(Item {
            path: Rc::from([7, i as i32]),
            full_name: join(pkg, f.name()).into(),
            elem: Elem::Field(f, None),
            parent: None,
        });
    }
    for (i, s) in fd.service.iter().enumerate() {
        let name: Rc<str> = join(pkg, s.name()).into();
        let me = w.push(Item {
            path: Rc::from([6, i as i32]),
            full_name: name.clone(),
            elem: Elem::Service(s),
            parent: None,
        });
        for (j, m) in s.method.iter().enumerate() {
            w.push(Item {
                path: Rc::from([6, i as i32, 2, j as i32]),
                full_name: join(&name, m.name()).into(),
                elem: Elem::Method(m),
                parent: Some(me),
            });
        }
    }
    w.out
}
