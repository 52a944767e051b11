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
    let cpu = cpu_ms();
    let mut last_cpu = LAST_CPU.lock().unwrap_or_else(|e| e.into_inner());
    let cpu_used = cpu.saturating_sub(*last_cpu);
    *last_cpu = cpu;
    eprintln!(
        "trace: {name:<24} {ms:9.1} ms  cpu {cpu_used:6} ms  rss {rss:6} MiB  peak {peak:6} MiB"
    );
}

/// The process's CPU time at the last phase end.
static LAST_CPU: Mutex<u64> = Mutex::new(0);

/// The process's user plus system CPU time in milliseconds, from /proc
/// (0 elsewhere). The kernel counts in ticks, usually of 10 ms.
fn cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name may hold spaces: fields are counted after its ')'.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0;
    };
    let f: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    let ticks: u64 = f.iter().sum();
    ticks * 1000 / 100
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
