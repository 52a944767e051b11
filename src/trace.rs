//! Phase timings for profiling: with `PROTOFORGE_TRACE=1` in the
//! environment, each call to [`phase`] prints to stderr the time since the
//! previous call and the process's resident memory (current and peak).
//! Only the thread that first called it reports.
//! Silent and nearly free otherwise.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// The time of the last phase end, and the thread that reports (phases
/// ended on other threads, such as background warm-ups, are not shown).
type State = (Mutex<Instant>, std::thread::ThreadId);

fn state() -> Option<&'static State> {
    static STATE: OnceLock<Option<State>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            std::env::var_os("PROTOFORGE_TRACE")
                .filter(|v| !v.is_empty() && v != "0")
                .map(|_| (Mutex::new(Instant::now()), std::thread::current().id()))
        })
        .as_ref()
}

/// Whether tracing is on.
pub fn enabled() -> bool {
    state().is_some()
}

/// Ends the phase called `name`: prints its duration and the memory now.
pub fn phase(name: &str) {
    let Some((m, thread)) = state() else { return };
    if std::thread::current().id() != *thread {
        return;
    }
    let mut last = m.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let ms = now.duration_since(*last).as_secs_f64() * 1000.0;
    *last = now;
    let (rss, peak) = memory();
    eprintln!("trace: {name:<24} {ms:9.1} ms  rss {rss:6} MiB  peak {peak:6} MiB");
}

/// Current and peak resident set size in MiB, from /proc (0 elsewhere).
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
