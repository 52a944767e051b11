//! `optimize_for = LITE_RUNTIME`: what lite and non-lite files may import,
//! extend and define.
//!
//! Rule ids: `lite-import`, `lite-extension`, `lite-service`.

use crate::descriptor::file_options::OptimizeMode;
use crate::descriptor::FileDescriptorProto;

use super::walk::Elem;
use super::Cx;

fn is_lite(fd: &FileDescriptorProto) -> bool {
    fd.options.as_ref().and_then(|o| o.optimize_for) == Some(OptimizeMode::LITE_RUNTIME)
}

/// Non-lite files may not import lite ones.
pub(crate) fn validate_file(cx: &mut Cx<'_>) {
    if is_lite(cx.fd) {
        return;
    }
    let source = &cx.loaded.files[cx.file];
    for imp in &source.imports {
        let Some(d) = imp.file else { continue };
        if is_lite(&cx.linked.files()[d]) {
            cx.push(cx.diag(
                "lite-import",
                imp.span.range(),
                "imports a lite file",
                format!(
                    "Files that do not use optimize_for = LITE_RUNTIME cannot import files which do use this option.  This file is not lite, but it imports \"{}\" which is.",
                    imp.name
                ),
            ));
            break;
        }
    }
}

/// Lite files may not extend non-lite messages.
pub(crate) fn validate_field(cx: &mut Cx<'_>, i: usize) {
    let Elem::Field(f, None) = cx.items[i].elem else {
        return;
    };
    if !is_lite(cx.fd) {
        return;
    }
    let Some((file, _)) = super::extensions::extendee(cx, f) else {
        return;
    };
    if !is_lite(&cx.linked.files()[file]) {
        let p = cx.items[i].path.clone();
        cx.push(cx.diag(
            "lite-extension",
            cx.at(&p, &[2]),
            "",
            "Extensions to non-lite types can only be declared in non-lite files.  Note that you cannot extend a non-lite type to contain a lite type, but the reverse is allowed.",
        ));
    }
}

/// Lite files with services must turn generic services off.
pub(crate) fn validate_service(cx: &mut Cx<'_>, i: usize) {
    let Elem::Service(_) = cx.items[i].elem else {
        return;
    };
    let Some(o) = cx.fd.options.as_ref() else {
        return;
    };
    if is_lite(cx.fd)
        && (o.cc_generic_services == Some(true) || o.java_generic_services == Some(true))
    {
        let p = cx.items[i].path.clone();
        cx.push(cx.diag(
            "lite-service",
            cx.name_at(&p),
            "",
            "Files with optimize_for = LITE_RUNTIME cannot define services unless you set both options cc_generic_services and java_generic_services to false.",
        ));
    }
}
