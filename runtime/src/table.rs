//! Insert-only concurrent containers behind open-label lookups.
//!
//! Entries are never removed (a family's series live as long as the family), which makes
//! lock-free reads simple: writers hold their owner's insertion lock, publish with release
//! stores, and readers find everything with acquire loads. No `unsafe`.
//!
//! - [`Index`]: an open-addressing hash index from a 64-bit hash to a dense `u32` id. One
//!   array of 8-byte slots (32 bits of the hash and the id), so a probe compares integers
//!   and touches the caller's entry only when 32 bits of hash match. It grows by building
//!   a twice larger array beside the old one and publishing it; readers still in the old
//!   array finish there (a miss sends them to the owner's slow path, which looks again
//!   under the lock). Old arrays are kept, as readers may still be in them: together they
//!   are smaller than the newest one.
//! - [`Chunks`]: dense storage addressed by id, in chunks of `first << k` items that are
//!   allocated whole and never move, so a reference into one is valid for the owner's
//!   lifetime and a chunk can be shared (`Arc`) with handles.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The number of size classes: chunk `k` holds `first << k` items, so this is never the
/// limit in practice (ids are `u32`).
const LEVELS: usize = 33;
/// The smallest index array.
const FIRST_SLOTS: usize = 16;

/// A hash index from 64-bit hashes to dense ids (`0..u32::MAX - 1`), insert-only.
///
/// A slot holds the hash's high 32 bits (its *tag*) and `id + 1`, 0 being empty; the tag
/// also chooses the slot (its low bits), so growing re-places entries without rehashing
/// keys. Linear probing, grown when more than 4/5 full.
pub(crate) struct Index {
    arrays: [OnceLock<Box<[AtomicU64]>>; LEVELS],
    /// Which of `arrays` is the newest; released after it is filled.
    current: AtomicUsize,
    /// Entries in the newest array; only touched under the owner's insertion lock.
    len: AtomicUsize,
}

#[inline(always)]
fn tag_of(hash: u64) -> u64 {
    hash >> 32
}

impl Index {
    pub(crate) fn new() -> Self {
        Index {
            arrays: std::array::from_fn(|_| OnceLock::new()),
            current: AtomicUsize::new(0),
            len: AtomicUsize::new(0),
        }
    }

    /// The id of the entry with `hash` for which `eq(id)` holds. Lock-free, no allocation.
    #[inline]
    pub(crate) fn find(&self, hash: u64, mut eq: impl FnMut(usize) -> bool) -> Option<usize> {
        let level = self.current.load(Ordering::Acquire);
        let slots = self.arrays[level].get()?;
        let mask = slots.len() - 1;
        let tag = tag_of(hash);
        let mut i = tag as usize & mask;
        loop {
            let slot = slots[i].load(Ordering::Acquire);
            if slot == 0 {
                return None;
            }
            if slot >> 32 == tag {
                let id = (slot as u32 - 1) as usize;
                if eq(id) {
                    return Some(id);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `id` under `hash`; it must not be present. The caller holds its insertion
    /// lock, and has made the entry `id` stands for visible before calling (this store
    /// releases it to readers).
    pub(crate) fn insert(&self, hash: u64, id: usize) {
        debug_assert!(id < u32::MAX as usize);
        let mut level = self.current.load(Ordering::Relaxed);
        let len = self.len.load(Ordering::Relaxed);
        let slots = match self.arrays[level].get() {
            Some(slots) if len < slots.len() - slots.len() / 5 => slots,
            Some(old) => {
                // Grow: fill a twice larger array, then publish it.
                level += 1;
                let bigger = self.arrays[level].get_or_init(|| empty(old.len() * 2));
                for slot in old.iter() {
                    let entry = slot.load(Ordering::Relaxed);
                    if entry != 0 {
                        place(bigger, entry);
                    }
                }
                self.current.store(level, Ordering::Release);
                bigger
            }
            None => self.arrays[level].get_or_init(|| empty(FIRST_SLOTS)),
        };
        place(slots, (tag_of(hash) << 32) | (id as u64 + 1));
        self.len.store(len + 1, Ordering::Relaxed);
    }

    #[cfg(test)]
    /// Bytes held by the slot arrays, old ones included.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.arrays
            .iter()
            .filter_map(OnceLock::get)
            .map(|a| a.len() * std::mem::size_of::<AtomicU64>())
            .sum()
    }
}

fn empty(n: usize) -> Box<[AtomicU64]> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

/// Stores `entry` in the first free slot of its probe sequence.
fn place(slots: &[AtomicU64], entry: u64) {
    let mask = slots.len() - 1;
    let mut i = (entry >> 32) as usize & mask;
    while slots[i].load(Ordering::Relaxed) != 0 {
        i = (i + 1) & mask;
    }
    slots[i].store(entry, Ordering::Release);
}

/// The ids of chunk 0 of [`Chunks`]; chunk `k` holds `CHUNK0 << k`.
pub(crate) const CHUNK0: usize = 4;

/// Dense storage addressed by id: chunk `k` holds ids `CHUNK0 * (2^k - 1) ..
/// CHUNK0 * (2^(k+1) - 1)`, allocated whole (each item made by the caller's function) the
/// first time an id in it is used, and never moved or freed before the owner.
pub(crate) struct Chunks<T> {
    chunks: [OnceLock<Arc<[T]>>; LEVELS],
}

impl<T> Chunks<T> {
    pub(crate) fn new() -> Self {
        Chunks {
            chunks: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// The chunk holding `id` and the id's position in it.
    #[inline(always)]
    pub(crate) fn locate(&self, id: usize) -> (usize, usize) {
        let q = id / CHUNK0 + 1;
        let k = (usize::BITS - 1 - q.leading_zeros()) as usize;
        (k, id - CHUNK0 * ((1 << k) - 1))
    }

    /// The number of ids chunk `k` holds.
    pub(crate) fn chunk_len(&self, k: usize) -> usize {
        CHUNK0 << k
    }

    /// Chunk `k`, if allocated.
    #[inline(always)]
    pub(crate) fn chunk(&self, k: usize) -> Option<&Arc<[T]>> {
        self.chunks[k].get()
    }

    /// Chunk `k`, allocated with `make(k)` if needed. The caller holds its insertion lock.
    pub(crate) fn chunk_or_init(
        &self,
        k: usize,
        make: impl FnOnce(usize) -> Arc<[T]>,
    ) -> &Arc<[T]> {
        self.chunks[k].get_or_init(|| make(k))
    }

    #[cfg(test)]
    /// The allocated chunks, in id order.
    pub(crate) fn iter_chunks(&self) -> impl Iterator<Item = (usize, &Arc<[T]>)> + '_ {
        self.chunks
            .iter()
            .enumerate()
            .map_while(|(k, c)| c.get().map(|c| (k, c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_finds_what_was_inserted_across_growth() {
        let index = Index::new();
        let keys: Vec<u64> = (0..5000u64).collect();
        // A bad hash (many equal tags) still works, only slower.
        let hash = |k: u64| (k % 7) << 32 | k;
        for (id, &k) in keys.iter().enumerate() {
            assert!(index.find(hash(k), |i| keys[i] == k).is_none());
            index.insert(hash(k), id);
            assert_eq!(index.find(hash(k), |i| keys[i] == k), Some(id));
        }
        for (id, &k) in keys.iter().enumerate() {
            assert_eq!(index.find(hash(k), |i| keys[i] == k), Some(id));
        }
        assert!(index.find(hash(9999), |i| keys[i] == 9999).is_none());
        // The newest array is at most 2.5 slots per entry (grown past 4/5), and the
        // old ones are smaller than it together.
        let newest = 8192 * 8;
        assert!(index.heap_bytes() < 2 * newest, "{}", index.heap_bytes());
    }

    #[test]
    fn chunks_locate_ids() {
        let chunks = Chunks::<u8>::new();
        assert_eq!(chunks.locate(0), (0, 0));
        assert_eq!(chunks.locate(3), (0, 3));
        assert_eq!(chunks.locate(4), (1, 0));
        assert_eq!(chunks.locate(11), (1, 7));
        assert_eq!(chunks.locate(12), (2, 0));
        let mut id = 0;
        for k in 0..10 {
            for offset in 0..chunks.chunk_len(k) {
                assert_eq!(chunks.locate(id), (k, offset));
                id += 1;
            }
        }
    }
}
