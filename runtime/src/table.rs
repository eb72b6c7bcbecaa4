//! Append-only concurrent containers behind open-label lookups.
//!
//! Entries are never removed (a family's series live as long as the family), which makes
//! lock-free reads simple: every slot is a `OnceLock` written once, under the owner's
//! insertion lock, and read with one acquire load. No `unsafe`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of size classes; level `k` holds `FIRST << k` slots, so this is never the
/// limit in practice.
const LEVELS: usize = 40;
const FIRST: usize = 16;

/// An insert-only hash table of `T`, probed with a caller-computed hash and equality.
///
/// Level `k` has `16 << k` slots (linear probing). When the newest level is half full the
/// next insert opens a level twice as large; old entries stay where they are, so readers
/// never see a move. Lookups probe the oldest level first: entries inserted early — the
/// hot series of a long-running process — are found at once. Memory is at most four slots
/// per entry plus the entries.
pub(crate) struct HashTable<T> {
    levels: [OnceLock<Level<T>>; LEVELS],
    /// The newest level with room; only touched under the owner's insertion lock.
    newest: AtomicUsize,
}

struct Level<T> {
    slots: Box<[OnceLock<T>]>,
    len: AtomicUsize,
}

impl<T> Level<T> {
    fn new(size: usize) -> Self {
        Level {
            slots: (0..size).map(|_| OnceLock::new()).collect(),
            len: AtomicUsize::new(0),
        }
    }
}

impl<T> HashTable<T> {
    pub(crate) fn new() -> Self {
        HashTable {
            levels: std::array::from_fn(|_| OnceLock::new()),
            newest: AtomicUsize::new(0),
        }
    }

    /// The entry with `hash` for which `eq` holds.
    #[inline]
    pub(crate) fn find(&self, hash: u64, mut eq: impl FnMut(&T) -> bool) -> Option<&T> {
        for level in &self.levels {
            let level = level.get()?;
            let mask = level.slots.len() - 1;
            let mut i = hash as usize & mask;
            for _ in 0..level.slots.len() {
                match level.slots[i].get() {
                    None => break,
                    Some(entry) if eq(entry) => return Some(entry),
                    Some(_) => i = (i + 1) & mask,
                }
            }
        }
        None
    }

    /// Inserts `value`, which must not be present. The caller holds its insertion lock, so
    /// inserts never race each other (reads may run concurrently).
    pub(crate) fn insert(&self, hash: u64, value: T) -> &T {
        let mut k = self.newest.load(Ordering::Relaxed);
        loop {
            let level = self.levels[k].get_or_init(|| Level::new(FIRST << k));
            let size = level.slots.len();
            if level.len.load(Ordering::Relaxed) < size / 2 {
                let mask = size - 1;
                let mut i = hash as usize & mask;
                while level.slots[i].get().is_some() {
                    i = (i + 1) & mask;
                }
                level.len.fetch_add(1, Ordering::Relaxed);
                let slot = &level.slots[i];
                let mut value = Some(value);
                let entry = slot.get_or_init(|| value.take().unwrap_or_else(|| unreachable!()));
                return entry;
            }
            k += 1;
            self.newest.store(k, Ordering::Relaxed);
        }
    }

    /// Bytes held by the slot arrays (not counting what entries point to).
    #[cfg(test)]
    fn slot_bytes(&self) -> usize {
        self.levels
            .iter()
            .filter_map(OnceLock::get)
            .map(|l| l.slots.len() * std::mem::size_of::<OnceLock<T>>())
            .sum()
    }
}

/// An append-only vector readable while one writer (holding its owner's lock) pushes.
/// Chunk `k` holds `16 << k` items, so items never move.
pub(crate) struct AppendVec<T> {
    chunks: [OnceLock<Box<[OnceLock<T>]>>; LEVELS],
    len: AtomicUsize,
}

impl<T> AppendVec<T> {
    pub(crate) fn new() -> Self {
        AppendVec {
            chunks: std::array::from_fn(|_| OnceLock::new()),
            len: AtomicUsize::new(0),
        }
    }

    fn locate(index: usize) -> (usize, usize) {
        // Chunk k starts at FIRST * (2^k - 1).
        let q = index / FIRST + 1;
        let k = (usize::BITS - 1 - q.leading_zeros()) as usize;
        (k, index - FIRST * ((1 << k) - 1))
    }

    /// Appends `value`. The caller holds its insertion lock.
    pub(crate) fn push(&self, value: T) {
        let index = self.len.load(Ordering::Relaxed);
        let (k, offset) = Self::locate(index);
        let chunk =
            self.chunks[k].get_or_init(|| (0..FIRST << k).map(|_| OnceLock::new()).collect());
        let _ = chunk[offset].set(value);
        self.len.store(index + 1, Ordering::Release);
    }

    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// The items pushed so far, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        let len = self.len();
        // Chunk by chunk: chunk k holds items FIRST * (2^k - 1) .. FIRST * (2^(k+1) - 1).
        self.chunks
            .iter()
            .enumerate()
            .map_while(move |(k, chunk)| {
                let start = FIRST * ((1 << k) - 1);
                (start < len).then(|| {
                    let take = (len - start).min(FIRST << k);
                    chunk.get().map(|c| &c[..take.min(c.len())])
                })
            })
            .flatten()
            .flatten()
            .filter_map(OnceLock::get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_finds_what_was_inserted_across_levels() {
        let table = HashTable::new();
        // A bad hash (many collisions) still works, only slower.
        for i in 0..1000u64 {
            let hash = i % 7;
            assert!(table.find(hash, |&v: &u64| v == i).is_none());
            assert_eq!(*table.insert(hash, i), i);
        }
        for i in 0..1000u64 {
            assert_eq!(table.find(i % 7, |&v| v == i), Some(&i));
        }
        assert!(table.find(3, |&v| v == 5000).is_none());
        // At most 4 slots per entry.
        assert!(table.slot_bytes() <= 4 * 1000 * std::mem::size_of::<OnceLock<u64>>() + 1024);
    }

    #[test]
    fn append_vec_keeps_order() {
        let v = AppendVec::new();
        for i in 0..500 {
            v.push(i);
        }
        assert_eq!(v.len(), 500);
        assert!(v.iter().copied().eq(0..500));
        assert_eq!(AppendVec::<u8>::locate(0), (0, 0));
        assert_eq!(AppendVec::<u8>::locate(15), (0, 15));
        assert_eq!(AppendVec::<u8>::locate(16), (1, 0));
        assert_eq!(AppendVec::<u8>::locate(47), (1, 31));
        assert_eq!(AppendVec::<u8>::locate(48), (2, 0));
    }
}
