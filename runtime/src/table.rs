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
//! - [`Arena`]: byte strings appended one after the other into blocks of 64-bit words
//!   that never move, each addressed by its position: no allocation and no `OnceLock`
//!   per string, and readers compare or copy a string a word at a time.

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

/// Words in block 0 of an [`Arena`]; block `k` holds `ARENA0 << k`.
const ARENA0: usize = 64;

/// Append-only storage of byte strings, readable while its owner (holding its insertion
/// lock) appends. A string at position `p` is its length in bytes in word `p`, then its
/// bytes in the next words (little-endian, the last word padded with zeros); a string
/// never spans two blocks (a block with too little room left is skipped). Blocks are
/// allocated whole, zeroed, when first used, and never move.
pub(crate) struct Arena {
    blocks: [OnceLock<Box<[AtomicU64]>>; LEVELS],
    /// Words used (skipped ones included); only touched under the owner's insertion lock.
    len: AtomicUsize,
}

/// The word holding `bytes` (at most 8), little-endian, zero-padded.
#[inline(always)]
fn word_of(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// `bytes` (shorter than 8) as a little-endian word, zero-padded, without a call to
/// `memcpy`: overlapping loads of 4 or 1 bytes.
#[inline(always)]
fn short_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    if n >= 4 {
        let lo = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as u64;
        let hi = u32::from_le_bytes([bytes[n - 4], bytes[n - 3], bytes[n - 2], bytes[n - 1]]);
        lo | (hi as u64) << (8 * (n - 4))
    } else if n > 0 {
        bytes[0] as u64
            | (bytes[n / 2] as u64) << (8 * (n / 2))
            | (bytes[n - 1] as u64) << (8 * (n - 1))
    } else {
        0
    }
}

/// Bytes `at..at + 8` of the little-endian byte stream of `words` (zeros past the end).
#[inline(always)]
fn stream_word(words: &[AtomicU64], at: usize) -> u64 {
    let (i, shift) = (at / 8, (at % 8) as u32 * 8);
    let lo = words.get(i).map_or(0, |w| w.load(Ordering::Relaxed));
    if shift == 0 {
        return lo;
    }
    let hi = words.get(i + 1).map_or(0, |w| w.load(Ordering::Relaxed));
    (lo >> shift) | (hi << (64 - shift))
}

/// Whether the little-endian byte stream of `words` holds `bytes` from byte `start`,
/// compared a word at a time (the last word overlapping the one before) without a call.
#[inline(always)]
pub(crate) fn stream_eq(words: &[AtomicU64], start: usize, bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n < 8 {
        let mask = if n == 0 { 0 } else { u64::MAX >> (64 - 8 * n) };
        return stream_word(words, start) & mask == short_word(bytes);
    }
    let mut chunks = bytes.chunks_exact(8);
    for (j, chunk) in (&mut chunks).enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if stream_word(words, start + 8 * j) != word {
            return false;
        }
    }
    if chunks.remainder().is_empty() {
        return true;
    }
    let tail = u64::from_le_bytes(bytes[n - 8..].try_into().unwrap_or_default());
    stream_word(words, start + n - 8) == tail
}

impl Arena {
    pub(crate) fn new() -> Self {
        Arena {
            blocks: std::array::from_fn(|_| OnceLock::new()),
            len: AtomicUsize::new(0),
        }
    }

    /// The block holding word `p` and the word's offset in it.
    #[inline(always)]
    fn locate(p: usize) -> (usize, usize) {
        let q = p / ARENA0 + 1;
        let k = (usize::BITS - 1 - q.leading_zeros()) as usize;
        (k, p - ARENA0 * ((1 << k) - 1))
    }

    /// Appends `bytes` and returns its position. The caller holds its insertion lock and
    /// publishes the position with a release store after this returns.
    pub(crate) fn push(&self, bytes: &[u8]) -> usize {
        let words = 1 + bytes.len().div_ceil(8);
        let mut p = self.len.load(Ordering::Relaxed);
        let (k, offset) = loop {
            let (k, offset) = Self::locate(p);
            if offset + words <= ARENA0 << k {
                break (k, offset);
            }
            // Skip the rest of this block: the string starts the next one.
            p = ARENA0 * ((1 << (k + 1)) - 1);
        };
        let block = self.blocks[k].get_or_init(|| empty(ARENA0 << k));
        let slots = &block[offset..offset + words];
        slots[0].store(bytes.len() as u64, Ordering::Relaxed);
        for (slot, chunk) in slots[1..].iter().zip(bytes.chunks(8)) {
            slot.store(word_of(chunk), Ordering::Relaxed);
        }
        self.len.store(p + words, Ordering::Relaxed);
        p
    }

    /// The words of the string at `p`: its length, then its bytes.
    #[inline(always)]
    fn words(&self, p: usize) -> Option<(usize, &[AtomicU64])> {
        let (k, offset) = Self::locate(p);
        let block = self.blocks.get(k)?.get()?;
        let (len, rest) = block.get(offset..)?.split_first()?;
        let len = len.load(Ordering::Relaxed) as usize;
        Some((len, rest.get(..len.div_ceil(8))?))
    }

    /// Whether the string at `p` (published) is `bytes`.
    #[inline]
    pub(crate) fn eq(&self, p: usize, bytes: &[u8]) -> bool {
        let Some((len, words)) = self.words(p) else {
            return false;
        };
        len == bytes.len() && stream_eq(words, 0, bytes)
    }

    /// Appends the bytes of the string at `p` (published) to `out`.
    #[inline]
    pub(crate) fn write(&self, p: usize, out: &mut Vec<u8>) {
        let Some((len, words)) = self.words(p) else {
            return;
        };
        out.reserve(words.len() * 8);
        let mut left = len;
        for word in words {
            let bytes = word.load(Ordering::Relaxed).to_le_bytes();
            let n = left.min(8);
            out.extend_from_slice(&bytes[..n]);
            left -= n;
        }
    }

    #[cfg(test)]
    /// Bytes held by the blocks.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.blocks
            .iter()
            .filter_map(OnceLock::get)
            .map(|b| b.len() * std::mem::size_of::<AtomicU64>())
            .sum()
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
    fn arena_keeps_strings_of_every_length() {
        let arena = Arena::new();
        // Lengths around word and block edges, a string longer than the first blocks,
        // and bytes of every value.
        let mut strings: Vec<Vec<u8>> = (0..40).map(|n| (0..n as u8).collect()).collect();
        strings.push(vec![0xFF; 2000]);
        strings.push(Vec::new());
        strings.extend((0..300).map(|i| format!("value-{i}").into_bytes()));
        let at: Vec<usize> = strings.iter().map(|s| arena.push(s)).collect();
        for (s, &p) in strings.iter().zip(&at) {
            assert!(arena.eq(p, s), "{s:?}");
            let mut out = b"x".to_vec();
            arena.write(p, &mut out);
            assert_eq!(&out[1..], &s[..]);
            // A different string of the same length, or a prefix, is not equal.
            if let Some((last, init)) = s.split_last() {
                assert!(!arena.eq(p, init));
                let mut other = s.clone();
                *other.last_mut().unwrap() = last.wrapping_add(1);
                assert!(!arena.eq(p, &other));
            }
        }
        // Few words skipped at block ends: the strings take 1 + len/8 words each.
        let words: usize = strings.iter().map(|s| 1 + s.len().div_ceil(8)).sum();
        assert!(
            arena.len.load(Ordering::Relaxed) < words + 2 * 256,
            "{words}"
        );
    }

    #[test]
    fn streams_compare_at_every_offset_and_length() {
        // A stream of known bytes; every slice of it is found at its offset and a slice
        // with one byte changed is not.
        let stream: Vec<u8> = (1..=80u8).collect();
        let words: Vec<AtomicU64> = stream
            .chunks(8)
            .map(|c| AtomicU64::new(word_of(c)))
            .collect();
        for start in 0..40 {
            for len in 0..40 {
                let slice = &stream[start..start + len];
                assert!(stream_eq(&words, start, slice), "{start} {len}");
                for i in 0..len {
                    let mut other = slice.to_vec();
                    other[i] ^= 0x40;
                    assert!(!stream_eq(&words, start, &other), "{start} {len} {i}");
                }
            }
        }
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
