//! The binaries' global allocator: mimalloc, entered through its plain
//! `mi_malloc` / `mi_realloc` whenever those already give the alignment
//! asked for, and through its aligned entry points otherwise.
//!
//! mimalloc returns blocks aligned to their size up to 16 bytes, so a
//! request whose alignment is at most 16 and at most its size needs no
//! aligned call. Nearly every allocation of a compilation is such a one,
//! and the aligned path costs a dozen instructions more on each of
//! millions of allocations (callgrind, googleapis).
//!
//! [`keep_memory`] tunes mimalloc for the binaries' short runs: memory is
//! never handed back to the system before exit, so that it may come in
//! transparent huge pages (see the `mimalloc` feature in Cargo.toml).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::{c_int, c_long, c_void};

use libmimalloc_sys as mi;

/// Alignment every mimalloc block of at least that size has.
const NATURAL_ALIGN: usize = 16;

/// mimalloc as the global allocator (`#[global_allocator]`).
pub struct Mimalloc;

/// Whether a plain mimalloc block of `size` bytes is aligned to `align`.
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= NATURAL_ALIGN && align <= size
}

// SAFETY: every method hands mimalloc the size and alignment of `layout`
// (or the new size), and frees only pointers this allocator returned;
// `mi_malloc` is used only where its blocks are aligned enough (see above).
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            mi::mi_malloc(layout.size()) as *mut u8
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            mi::mi_zalloc(layout.size()) as *mut u8
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr as *mut c_void);
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if plain(layout.align(), new_size) {
            mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
        } else {
            mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
        }
    }
}

extern "C" {
    // mimalloc.h: `void mi_option_set(mi_option_t option, long value)`.
    // Not in libmimalloc-sys's bindings without its `extended` feature.
    fn mi_option_set(option: c_int, value: c_long);
}

/// `mi_option_purge_delay` in mimalloc v2's `mi_option_e` (milliseconds
/// before freed memory is returned to the system; -1: never). The
/// bindings leave it out on purpose (option numbers may move between
/// mimalloc versions): the test below checks the number against the
/// option's documented default.
const MI_OPTION_PURGE_DELAY: c_int = 15;

/// Never return freed memory to the system before the process ends.
///
/// Page faults are dear (about 4 µs per 4 KiB page on this project's
/// machines, a fifth of a googleapis compile's CPU time); with transparent
/// huge pages a fault brings in 2 MiB at once, but mimalloc's purges,
/// which hand back parts of freed pages, split the huge pages again and
/// cost more than they save. A compile lives a second or two and its
/// memory peaks near the end, so purging buys nothing. Call at the start
/// of `main`, before any thread is started (mimalloc's options are not
/// thread-safe).
pub fn keep_memory() {
    // SAFETY: plain calls into mimalloc with a valid option number.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" {
        fn mi_option_get(option: c_int) -> c_long;
    }

    #[test]
    fn the_purge_delay_option_number_is_mimallocs() {
        // The documented default is 10 ms; a variable in the environment
        // would change it, so only the unset case can be checked.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads an option; no other test sets options.
            assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, 10);
        }
    }
}
