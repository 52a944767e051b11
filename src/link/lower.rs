//! Lowering: one syntax tree to the `FileDescriptorProto` protoc's parser
//! would produce for it, before any name is resolved.

use crate::descriptor::{Edition, FileDescriptorProto};
use crate::diagnostics::Diagnostic;
use crate::load::SourceFile;
use crate::syntax::ast::{FileItem, ImportKind, SyntaxKind};

/// Lowers one parsed file.
pub fn lower(file: &SourceFile) -> (FileDescriptorProto, Vec<Diagnostic>) {
    let mut fd = FileDescriptorProto {
        name: Some(file.name.clone()),
        ..Default::default()
    };
    if let Some(s) = &file.ast.syntax {
        let v = s.value.lossy();
        match s.kind {
            SyntaxKind::Syntax if v == "proto3" => fd.syntax = Some(v),
            SyntaxKind::Syntax => {}
            SyntaxKind::Edition => {
                fd.syntax = Some("editions".into());
                fd.edition = match v.as_str() {
                    "2023" => Some(Edition::EDITION_2023),
                    "2024" => Some(Edition::EDITION_2024),
                    _ => None,
                };
            }
        }
    }
    for item in &file.ast.items {
        match item {
            FileItem::Package(p) => fd.package = Some(p.name.text()),
            FileItem::Import(i) => {
                let idx = fd.dependency.len() as i32;
                match i.kind {
                    ImportKind::Option => {
                        fd.option_dependency.push(i.path.lossy());
                        continue;
                    }
                    ImportKind::Public => fd.public_dependency.push(idx),
                    ImportKind::Weak => fd.weak_dependency.push(idx),
                    ImportKind::Default => {}
                }
                fd.dependency.push(i.path.lossy());
            }
            _ => {}
        }
    }
    (fd, Vec::new())
}
