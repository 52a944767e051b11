//! Per-thread spare buffers: room one file's work leaves behind for the
//! next file handled on the same thread.

use std::cell::Cell;
use std::thread::LocalKey;

use crate::syntax::ast::Span;
use crate::syntax::lexer::Tok;

/// A thread's spare vector.
pub(crate) type Spare<T> = LocalKey<Cell<Vec<T>>>;

thread_local! {
    /// The buffer of the last file text released on this thread.
    pub(crate) static TEXT: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
    /// The token vector of the last file lexed on this thread.
    pub(crate) static TOKENS: Cell<Vec<(Tok<'static>, Span)>> = const { Cell::new(Vec::new()) };
    /// The working buffer of the last file whose source locations were
    /// recorded in wire form on this thread.
    pub(crate) static LOCATIONS: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Frees every spare buffer of this thread (when loading ends: the room goes
/// back to the allocator for what comes next).
pub(crate) fn release_all() {
    drop(TEXT.take());
    drop(TOKENS.take());
    drop(LOCATIONS.take());
}

/// An empty vector with room for at least `room` items: the spare in
/// `slot` when it has that much, a new one otherwise.
pub(crate) fn take_with_room<T>(slot: &'static Spare<T>, room: usize) -> Vec<T> {
    let mut v = slot.take();
    v.clear();
    if v.capacity() < room {
        v = Vec::with_capacity(room);
    }
    v
}

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
    fn a_spare_with_enough_room_is_taken_again() {
        keep_roomier(&SLOT, Vec::with_capacity(100), 1000);
        assert!(take_with_room(&SLOT, 80).capacity() >= 100);
        assert_eq!(SLOT.take().capacity(), 0);
        keep_roomier(&SLOT, Vec::with_capacity(100), 1000);
        assert!(take_with_room(&SLOT, 500).capacity() >= 500);
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
