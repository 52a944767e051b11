//! Phase timings for profiling: with `PROTOFORGE_TRACE=1` in the
//! environment, each call to [`phase`] prints to stderr the time since the
//! previous call and the process's resident memory (current and peak).
//! Only the thread that first called it reports.
//! Silent and nearly free otherwise.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// The time and the process's CPU time (ms) at the last phase end, and the
/// thread that reports (phases ended on other threads, such as background
/// warm-ups, are not shown).
type State = (Mutex<(Instant, u64)>, std::thread::ThreadId);

fn state() -> Option<&'static State> {
    static STATE: OnceLock<Option<State>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            std::env::var_os("PROTOFORGE_TRACE")
                .filter(|v| !v.is_empty() && v != "0")
                .map(|_| {
                    (
                        Mutex::new((Instant::now(), cpu_ms())),
                        std::thread::current().id(),
                    )
                })
        })
        .as_ref()
}

/// Whether tracing is on.
pub fn enabled() -> bool {
    state().is_some()
}

/// Ends the phase called `name`: prints its wall and CPU time and the
/// memory now.
pub fn phase(name: &str) {
    let Some((m, thread)) = state() else { return };
    if std::thread::current().id() != *thread {
        return;
    }
    let mut last = m.lock().unwrap_or_else(|e| e.into_inner());
    let (now, cpu) = (Instant::now(), cpu_ms());
    let ms = now.duration_since(last.0).as_secs_f64() * 1000.0;
    let cpu_used = cpu.saturating_sub(last.1);
    *last = (now, cpu);
    let (rss, peak) = memory();
    eprintln!(
        "trace: {name:<24} {ms:9.1} ms  cpu {cpu_used:6} ms  rss {rss:6} MiB  peak {peak:6} MiB"
    );
}

/// The process's user plus system CPU time in milliseconds, from /proc
/// (0 elsewhere). The kernel counts in ticks, usually of 10 ms.
fn cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name may hold spaces: fields are counted after its ')'.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0;
    };
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse::<u64>().ok())
        .sum();
    ticks * 10
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
