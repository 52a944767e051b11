//! Per-thread spare buffers: room one file's work leaves behind for the
//! next file handled on the same thread.

use std::cell::Cell;
use std::thread::LocalKey;

/// A thread's spare vector.
pub(crate) type Spare<T> = LocalKey<Cell<Vec<T>>>;

/// Keeps whichever of `v` and the spare in `slot` has more room (emptied),
/// unless `v` holds room for more than `at_most` items: an unusually large
/// buffer would stay unused most of the time, and is freed as usual.
pub(crate) fn keep_roomier<T>(slot: &'static Spare<T>, mut v: Vec<T>, at_most: usize) {
    v.clear();
    let other = slot.take();
    slot.set(
        if v.capacity() > at_most || other.capacity() > v.capacity() {
            other
        } else {
            v
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static SLOT: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
    }

    #[test]
    fn the_roomier_buffer_stays_and_oversized_ones_go() {
        keep_roomier(&SLOT, Vec::with_capacity(100), 1000);
        keep_roomier(&SLOT, Vec::with_capacity(50), 1000);
        keep_roomier(&SLOT, Vec::with_capacity(5000), 1000);
        let kept = SLOT.take();
        assert!(kept.capacity() >= 100 && kept.capacity() < 1000);
        assert!(kept.is_empty());
    }
}
