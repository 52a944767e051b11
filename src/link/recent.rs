//! A memo of the last few lookups, for lookups that repeat in runs (the
//! same options message or custom option, element after element). A
//! handful of slots searched in order beat a hash map at this size, and
//! the oldest result is the one dropped.

/// Up to `N` (key, value) pairs, the oldest replaced first.
pub struct Recent<K, V, const N: usize> {
    slots: Vec<(K, V)>,
    /// The slot replaced next once all are in use.
    next: usize,
}

impl<K, V, const N: usize> Default for Recent<K, V, N> {
    fn default() -> Self {
        Recent {
            slots: Vec::new(),
            next: 0,
        }
    }
}

impl<K, V: Clone, const N: usize> Recent<K, V, N> {
    /// The value of the first slot whose key `is_key` accepts; otherwise
    /// `make` gives a new key and value, which are kept and returned.
    pub fn get_or_insert_with(
        &mut self,
        is_key: impl Fn(&K) -> bool,
        make: impl FnOnce() -> (K, V),
    ) -> V {
        if let Some((_, v)) = self.slots.iter().find(|(k, _)| is_key(k)) {
            return v.clone();
        }
        let (k, v) = make();
        if self.slots.len() < N {
            self.slots.push((k, v.clone()));
        } else if N > 0 {
            self.slots[self.next] = (k, v.clone());
            self.next = (self.next + 1) % N;
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_n_and_drops_the_oldest() {
        let mut r: Recent<u32, u32, 2> = Recent::default();
        let made = std::cell::Cell::new(0);
        let mut get = |k: u32| {
            r.get_or_insert_with(
                |&x| x == k,
                || {
                    made.set(made.get() + 1);
                    (k, k * 10)
                },
            )
        };
        assert_eq!(get(1), 10);
        assert_eq!(get(2), 20);
        assert_eq!(get(1), 10);
        assert_eq!(get(3), 30); // replaces 1, the oldest
        assert_eq!(get(2), 20);
        assert_eq!(get(1), 10); // made again
        assert_eq!(made.get(), 4);
    }
}
