//! Service rules: RPC_NO_DELETE and the RPC_SAME_* rules. Services pair by
//! full name, RPCs by name.

use std::collections::BTreeMap;

use crate::descriptor::method_options::IdempotencyLevel;
use crate::descriptor::MethodDescriptorProto;

use super::model::Svc;
use super::{q, At, Ctx, Was};

pub fn check(ctx: &mut Ctx) {
    for os in &ctx.old.svcs {
        let Some(&ni) = ctx.new.svc_by_full.get(&os.full) else {
            continue;
        };
        let ns = &ctx.new.svcs[ni];
        pair(ctx, os, ns);
    }
}

fn methods<'a>(s: &Svc<'a>) -> BTreeMap<&'a str, usize> {
    let mut m = BTreeMap::new();
    for (i, x) in s.d.method.iter().enumerate() {
        m.entry(x.name()).or_insert(i);
    }
    m
}

fn pair(ctx: &mut Ctx, os: &Svc, ns: &Svc) {
    let (old, new) = (ctx.old, ctx.new);
    let (om, nm) = (methods(os), methods(ns));
    let svc_at = || match new.at(ns.file, &ns.path) {
        Some(l) => At::Loc(l),
        None => At::File(ns.file),
    };
    let svc_was = || match old.at(os.file, &os.path) {
        Some(l) => Was::Loc(l),
        None => Was::File(os.file),
    };
    for (name, &oi) in &om {
        let Some(&ni) = nm.get(name) else {
            if ctx.on("RPC_NO_DELETE") {
                let msg = format!(
                    "Previously present RPC {} on service {} was deleted.",
                    q(name),
                    q(ns.d.name())
                );
                ctx.add("RPC_NO_DELETE", svc_at(), svc_was(), msg);
            }
            continue;
        };
        let (a, b) = (&os.d.method[oi], &ns.d.method[ni]);
        let mpath = |s: &Svc, i: usize, tail: &[i32]| {
            let mut p = s.path.clone();
            p.extend_from_slice(&[2, i as i32]);
            p.extend_from_slice(tail);
            p
        };
        let at = |tail: &[i32]| match new.at(ns.file, &mpath(ns, ni, tail)) {
            Some(l) => At::Loc(l),
            None => At::File(ns.file),
        };
        let was = |tail: &[i32]| match old.at(os.file, &mpath(os, oi, tail)) {
            Some(l) => Was::Loc(l),
            None => Was::File(os.file),
        };
        let rpc = format!("RPC {} on service {}", q(name), q(ns.d.name()));
        for (rule, side, get) in [
            (
                "RPC_SAME_CLIENT_STREAMING",
                "client",
                (|m: &MethodDescriptorProto| m.client_streaming.unwrap_or(false))
                    as fn(&MethodDescriptorProto) -> bool,
            ),
            ("RPC_SAME_SERVER_STREAMING", "server", |m| {
                m.server_streaming.unwrap_or(false)
            }),
        ] {
            if ctx.on(rule) && get(a) != get(b) {
                let kind = |s: bool| if s { "streaming" } else { "unary" };
                let msg = format!(
                    "{rpc} changed from {side} {} to {side} {}.",
                    kind(get(a)),
                    kind(get(b))
                );
                ctx.add(rule, at(&[]), was(&[]), msg);
            }
        }
        let trim = |s: &Option<String>| {
            let s = s.as_deref().unwrap_or("");
            s.strip_prefix('.').unwrap_or(s).to_string()
        };
        for (rule, what, tail, get) in [
            (
                "RPC_SAME_REQUEST_TYPE",
                "request",
                2,
                (|m: &MethodDescriptorProto| m.input_type.clone())
                    as fn(&MethodDescriptorProto) -> Option<String>,
            ),
            ("RPC_SAME_RESPONSE_TYPE", "response", 3, |m| {
                m.output_type.clone()
            }),
        ] {
            let (x, y) = (trim(&get(a)), trim(&get(b)));
            if ctx.on(rule) && x != y {
                let msg = format!("{rpc} changed {what} type from {} to {}.", q(&x), q(&y));
                ctx.add(rule, at(&[tail]), was(&[tail]), msg);
            }
        }
        if ctx.on("RPC_SAME_IDEMPOTENCY_LEVEL") {
            let level = |m: &MethodDescriptorProto| {
                m.options
                    .as_ref()
                    .and_then(|o| o.idempotency_level)
                    .unwrap_or(IdempotencyLevel::IDEMPOTENCY_UNKNOWN)
            };
            let (x, y) = (level(a), level(b));
            if x != y {
                let msg = format!(
                    "{rpc} changed option \"idempotency_level\" from {} to {}.",
                    q(&format!("{x:?}")),
                    q(&format!("{y:?}"))
                );
                ctx.add(
                    "RPC_SAME_IDEMPOTENCY_LEVEL",
                    at(&[4, 34]),
                    was(&[4, 34]),
                    msg,
                );
            }
        }
    }
}
