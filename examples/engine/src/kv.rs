//! The simulated KV cache: a fixed pool of blocks of `block_size` tokens, reference counted
//! so that sequences sharing a prompt prefix share its blocks, and a prefix cache from the
//! chained hash of a full prompt block to the block holding it. Freed blocks stay in the
//! cache until they are reused (least recently freed first).

use std::collections::{HashMap, VecDeque};

/// Index of a block in the pool.
pub type BlockId = u32;

#[derive(Clone, Debug, Default)]
struct Block {
    refs: u32,
    hash: Option<u64>,
    /// Bumped each time the block is freed, so stale entries of the free queue are skipped.
    generation: u32,
}

/// The block pool and prefix cache.
#[derive(Debug)]
pub struct KvCache {
    blocks: Vec<Block>,
    /// Blocks with no reference, least recently freed first, with the generation they were
    /// freed at (an entry is stale when the block was taken or freed again since).
    free: VecDeque<(BlockId, u32)>,
    cached: HashMap<u64, BlockId>,
    used: usize,
}

impl KvCache {
    /// A pool of `num_blocks` free blocks.
    pub fn new(num_blocks: usize) -> Self {
        KvCache {
            blocks: vec![Block::default(); num_blocks],
            free: (0..num_blocks as BlockId).map(|b| (b, 0)).collect(),
            cached: HashMap::new(),
            used: 0,
        }
    }

    /// Total blocks.
    pub fn capacity(&self) -> usize {
        self.blocks.len()
    }

    /// Blocks referenced by at least one sequence.
    pub fn used(&self) -> usize {
        self.used
    }

    /// Blocks that can be allocated (free, cached or not).
    pub fn available(&self) -> usize {
        self.blocks.len() - self.used
    }

    /// Fraction of blocks in use, from 0 to 1.
    pub fn usage(&self) -> f64 {
        if self.blocks.is_empty() {
            0.0
        } else {
            self.used as f64 / self.blocks.len() as f64
        }
    }

    /// Looks up the leading blocks of a prompt (`hashes`, chained) in the prefix cache, at
    /// most `max_blocks` of them, and takes a reference on each hit. Returns the hit blocks.
    pub fn lookup(&mut self, hashes: &[u64], max_blocks: usize) -> Vec<BlockId> {
        let mut hits = Vec::new();
        for hash in hashes.iter().take(max_blocks) {
            let Some(&id) = self.cached.get(hash) else {
                break;
            };
            self.take(id);
            hits.push(id);
        }
        hits
    }

    fn take(&mut self, id: BlockId) {
        let block = &mut self.blocks[id as usize];
        if block.refs == 0 {
            self.used += 1;
            // Its entry in the free queue becomes stale.
            block.generation = block.generation.wrapping_add(1);
        }
        block.refs += 1;
    }

    /// Allocates `n` blocks, evicting cached blocks least recently freed first, or `None`
    /// (allocating nothing) when fewer than `n` are available.
    pub fn allocate(&mut self, n: usize) -> Option<Vec<BlockId>> {
        if self.available() < n {
            return None;
        }
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let (id, generation) = self
                .free
                .pop_front()
                .expect("available() counts the live entries of the free queue");
            let block = &self.blocks[id as usize];
            if block.refs != 0 || block.generation != generation {
                continue; // stale entry
            }
            if let Some(hash) = self.blocks[id as usize].hash.take()
                && self.cached.get(&hash) == Some(&id)
            {
                self.cached.remove(&hash);
            }
            self.take(id);
            out.push(id);
        }
        Some(out)
    }

    /// Drops one reference on each block; unreferenced blocks become allocatable and keep
    /// their cached content until reused.
    pub fn free(&mut self, blocks: &[BlockId]) {
        for &id in blocks {
            let block = &mut self.blocks[id as usize];
            assert!(block.refs > 0, "block {id} freed twice");
            block.refs -= 1;
            if block.refs == 0 {
                self.used -= 1;
                block.generation = block.generation.wrapping_add(1);
                self.free.push_back((id, block.generation));
            }
        }
    }

    /// Records that `id` holds the full prompt block with chained hash `hash`, so that later
    /// prompts with the same prefix find it.
    pub fn register(&mut self, id: BlockId, hash: u64) {
        if self.cached.contains_key(&hash) || self.blocks[id as usize].hash.is_some() {
            return;
        }
        self.blocks[id as usize].hash = Some(hash);
        self.cached.insert(hash, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocate_free_and_usage() {
        let mut kv = KvCache::new(4);
        let a = kv.allocate(3).unwrap();
        assert_eq!(kv.used(), 3);
        assert_eq!(kv.usage(), 0.75);
        assert!(kv.allocate(2).is_none());
        assert_eq!(kv.used(), 3, "a failed allocation takes nothing");
        kv.free(&a);
        assert_eq!(kv.used(), 0);
        assert_eq!(kv.allocate(4).unwrap().len(), 4);
    }

    #[test]
    fn prefix_hits_share_blocks_until_evicted() {
        let mut kv = KvCache::new(4);
        let a = kv.allocate(2).unwrap();
        kv.register(a[0], 10);
        kv.register(a[1], 11);
        // Shared while referenced.
        assert_eq!(kv.lookup(&[10, 11, 12], 3), a);
        assert_eq!(kv.used(), 2);
        kv.free(&a);
        kv.free(&a);
        assert_eq!(kv.used(), 0);
        // Still cached after being freed; the lookup stops at the first miss.
        assert_eq!(kv.lookup(&[10, 99, 11], 3), vec![a[0]]);
        assert_eq!(kv.lookup(&[11], 0), Vec::<BlockId>::new());
        kv.free(&[a[0]]);
        // Allocating everything evicts the cached blocks.
        let all = kv.allocate(4).unwrap();
        assert_eq!(all.len(), 4);
        kv.free(&all);
        assert!(kv.lookup(&[10], 1).is_empty());
    }

    #[test]
    fn stale_free_entries_are_skipped() {
        let mut kv = KvCache::new(2);
        let a = kv.allocate(1).unwrap();
        kv.register(a[0], 1);
        kv.free(&a);
        // Revived by a hit, freed again: two queue entries, one live.
        kv.lookup(&[1], 1);
        kv.free(&a);
        let all = kv.allocate(2).unwrap();
        assert_ne!(all[0], all[1]);
        assert!(kv.allocate(1).is_none());
    }
}
