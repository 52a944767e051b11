//! The binaries' global allocator: mimalloc, entered through its plain
//! `mi_malloc` / `mi_realloc` whenever those already give the alignment
//! asked for, and through its aligned entry points otherwise.
//!
//! mimalloc returns blocks aligned to their size up to 16 bytes, so a
//! request whose alignment is at most 16 and at most its size needs no
//! aligned call. Nearly every allocation of a compilation is such a one,
//! and the aligned path costs a dozen instructions more on each of
//! millions of allocations (callgrind, googleapis).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

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
