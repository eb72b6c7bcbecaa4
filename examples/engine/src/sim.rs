//! The simulated engine core: a continuous-batching scheduler on its own thread.
//!
//! Each completion request becomes `n` sequences (one per choice, as vLLM's parallel
//! sampling does). Sequences wait in a FIFO queue until the scheduler admits them into the
//! running batch, which is capped at `max_num_seqs`; on admission the prompt's full blocks
//! are looked up in the prefix cache and KV blocks are allocated for the rest. Each step
//! then runs one simulated forward pass under a token budget: prefill chunks for sequences
//! still reading their prompt, and a speculative-decoding step (a draft of
//! `num_speculative_tokens` tokens, verified, plus one bonus token) for each decoding
//! sequence. When blocks run out, the most recently admitted sequence is preempted: its
//! blocks are freed and it goes back to the front of the queue, to be recomputed later.
//! Some sequences pull their prompt's KV from a remote prefill instance over a simulated
//! NIXL transfer, which occasionally fails (the sequence then prefills locally).
//!
//! Time is real: a step sleeps for its simulated duration, so every latency the events
//! report is wall-clock time. What each sequence generates (its tokens, its natural length,
//! its draft acceptances, whether and how its transfer goes) comes from a generator seeded
//! by the engine seed, the prompt and the choice index: the same request gets the same
//! answer on every run with the same `--seed`. Interleaving-dependent figures (queue time,
//! preemptions, prefix-cache hits) depend on arrival timing.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::events::{Event, FinishReason, Finished, Observer};
use crate::kv::{BlockId, KvCache};
use crate::rng::{Rng, hash_words};

/// Engine settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Seed of every random choice.
    pub seed: u64,
    /// Cap on the running batch.
    pub max_num_seqs: usize,
    /// Token budget of one step.
    pub max_num_batched_tokens: usize,
    /// KV-cache blocks.
    pub num_gpu_blocks: usize,
    /// Tokens per KV-cache block.
    pub block_size: usize,
    /// Draft tokens per speculative-decoding step (0 disables speculation).
    pub num_speculative_tokens: usize,
    /// Probability that the first draft token is accepted; each later position is
    /// accepted with 0.75 times the previous position's probability.
    pub spec_acceptance: f64,
    /// Fraction of sequences whose prompt KV comes from a remote prefill instance.
    pub kv_transfer_rate: f64,
    /// Fraction of those transfers that fail.
    pub kv_transfer_failure_rate: f64,
    /// Multiplies every simulated duration (0.5 runs twice as fast).
    pub time_scale: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 0,
            max_num_seqs: 16,
            max_num_batched_tokens: 512,
            num_gpu_blocks: 1024,
            block_size: 16,
            num_speculative_tokens: 3,
            spec_acceptance: 0.8,
            kv_transfer_rate: 0.25,
            kv_transfer_failure_rate: 0.1,
            time_scale: 1.0,
        }
    }
}

/// Fixed cost of a forward pass.
const STEP_BASE: Duration = Duration::from_micros(4000);
/// Cost of one prefill token.
const PER_PREFILL_TOKEN: Duration = Duration::from_micros(15);
/// Cost of one decode or verification token.
const PER_DECODE_TOKEN: Duration = Duration::from_micros(60);
/// Handshake and per-block cost of a NIXL transfer.
const NIXL_BASE: Duration = Duration::from_micros(3000);
const NIXL_PER_BLOCK: Duration = Duration::from_micros(150);
/// Cost of posting a NIXL transfer request, before the transfer itself.
const NIXL_POST_BASE: Duration = Duration::from_micros(100);
const NIXL_POST_PER_BLOCK: Duration = Duration::from_micros(2);
/// KV bytes per token of the simulated model (32 layers, 8 KV heads of 128 dimensions,
/// keys and values in 16 bits, as a Llama 3 8B).
pub const KV_BYTES_PER_TOKEN: u64 = 2 * 32 * 8 * 128 * 2;
/// Layers of the simulated model: a transfer posts one descriptor per block and layer.
pub const NUM_LAYERS: u32 = 32;

/// The vocabulary generated text is drawn from (a token is one word).
pub const VOCAB: [&str; 32] = [
    "the", "model", "token", "cache", "block", "prefix", "draft", "accept", "engine", "batch",
    "queue", "latency", "metric", "series", "label", "bucket", "counter", "gauge", "scrape",
    "prompt", "decode", "prefill", "kernel", "tensor", "stream", "request", "schema", "version",
    "release", "policy", "window", "signal",
];

/// The text of a generated token (with its leading space).
pub fn token_text(token: u32) -> &'static str {
    const SPACED: [&str; 32] = [
        " the", " model", " token", " cache", " block", " prefix", " draft", " accept", " engine",
        " batch", " queue", " latency", " metric", " series", " label", " bucket", " counter",
        " gauge", " scrape", " prompt", " decode", " prefill", " kernel", " tensor", " stream",
        " request", " schema", " version", " release", " policy", " window", " signal",
    ];
    SPACED[token as usize % SPACED.len()]
}

/// Splits a prompt into tokens: one per whitespace-separated word.
pub fn tokenize(prompt: &str) -> Vec<u32> {
    prompt
        .split_whitespace()
        .map(|w| (crate::rng::hash_str(w) % 50_000) as u32)
        .collect()
}

/// What a sequence reports to the request that submitted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeqEvent {
    /// New tokens of choice `choice`.
    Tokens {
        /// The choice index.
        choice: u32,
        /// Token ids (see [`token_text`]).
        tokens: Vec<u32>,
    },
    /// Choice `choice` finished.
    Finished {
        /// The choice index.
        choice: u32,
        /// Why.
        reason: FinishReason,
    },
}

/// A completion request, tokenized.
#[derive(Clone, Debug)]
pub struct Request {
    /// Prompt token ids.
    pub prompt: Vec<u32>,
    /// Choices.
    pub n: u32,
    /// Tokens to generate at most per choice.
    pub max_tokens: u32,
}

struct Submit {
    request: Request,
    arrival: Instant,
    tx: UnboundedSender<SeqEvent>,
}

/// The engine is gone (it only stops once every handle is dropped, so this means it
/// panicked).
#[derive(Debug)]
pub struct EngineStopped;

impl std::fmt::Display for EngineStopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the engine has stopped")
    }
}

impl std::error::Error for EngineStopped {}

/// Submits requests to the engine thread. The engine finishes its work and stops once every
/// handle is dropped.
#[derive(Clone, Debug)]
pub struct EngineHandle {
    tx: mpsc::Sender<Submit>,
}

impl EngineHandle {
    /// Queues `request`; its sequences report on the returned receiver. Dropping the
    /// receiver aborts the request's unfinished sequences.
    pub fn submit(&self, request: Request) -> Result<UnboundedReceiver<SeqEvent>, EngineStopped> {
        let (tx, rx) = unbounded_channel();
        self.tx
            .send(Submit {
                request,
                arrival: Instant::now(),
                tx,
            })
            .map_err(|_| EngineStopped)?;
        Ok(rx)
    }
}

/// Starts the engine thread, reporting to `observer`.
pub fn spawn(config: Config, observer: Box<dyn Observer>) -> (EngineHandle, JoinHandle<()>) {
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("engine-core".into())
        .spawn(move || Engine::new(config, observer).run(rx))
        .expect("spawn the engine thread");
    (EngineHandle { tx }, thread)
}

enum Transfer {
    /// Decided at arrival: the prompt KV will come from a remote instance.
    Planned {
        fails: bool,
    },
    /// In flight until `until`.
    InFlight {
        until: Instant,
        seconds: f64,
        post_seconds: f64,
        blocks: u32,
        fails: bool,
    },
    None,
}

/// What the engine keeps of a request until its last sequence finishes.
struct Parent {
    /// Sequences not finished yet.
    remaining: u32,
    /// The most tokens a finished sequence generated.
    max_generation_tokens: u32,
}

struct Seq {
    /// The request it belongs to (a key of `Engine::parents`).
    request: u64,
    choice: u32,
    tx: UnboundedSender<SeqEvent>,
    prompt: Arc<[u32]>,
    /// Chained hashes of the prompt's full blocks.
    hashes: Arc<[u64]>,
    max_tokens: u32,
    /// Natural length: the sequence stops by itself after this many tokens.
    stop_at: u32,
    output: Vec<u32>,
    /// Tokens whose KV is computed (prompt first, then output).
    computed: usize,
    blocks: Vec<BlockId>,
    rng: Rng,
    transfer: Transfer,
    /// Tokens scheduled in the current step, and whether as a decode step.
    scheduled_tokens: usize,
    decoding: bool,
    arrival: Instant,
    first_scheduled: Option<Instant>,
    first_token: Option<Instant>,
    last_token: Option<Instant>,
}

impl Seq {
    fn num_tokens(&self) -> usize {
        self.prompt.len() + self.output.len()
    }

    fn timings(&self, reason: FinishReason, now: Instant) -> Finished {
        let secs = |a: Instant, b: Instant| b.saturating_duration_since(a).as_secs_f64();
        Finished {
            reason,
            prompt_tokens: self.prompt.len() as u32,
            generation_tokens: self.output.len() as u32,
            max_tokens: self.max_tokens,
            e2e: secs(self.arrival, now),
            queue: self.first_scheduled.map(|s| secs(self.arrival, s)),
            prefill: self
                .first_scheduled
                .zip(self.first_token)
                .map(|(s, f)| secs(s, f)),
            decode: self
                .first_token
                .zip(self.last_token)
                .map(|(f, l)| secs(f, l)),
            inference: self
                .first_scheduled
                .zip(self.last_token)
                .map(|(s, l)| secs(s, l)),
        }
    }
}

struct Engine {
    config: Config,
    observer: Box<dyn Observer>,
    kv: KvCache,
    waiting: VecDeque<Seq>,
    running: Vec<Seq>,
    /// Requests with unfinished sequences, by id.
    parents: HashMap<u64, Parent>,
    next_request: u64,
}

impl Engine {
    fn new(config: Config, observer: Box<dyn Observer>) -> Self {
        Engine {
            kv: KvCache::new(config.num_gpu_blocks),
            config,
            observer,
            waiting: VecDeque::new(),
            running: Vec::new(),
            parents: HashMap::new(),
            next_request: 0,
        }
    }

    fn emit(&mut self, event: Event) {
        self.observer.observe(&event);
    }

    fn scaled(&self, d: Duration) -> Duration {
        d.mul_f64(self.config.time_scale.max(0.0))
    }

    fn run(mut self, inbox: mpsc::Receiver<Submit>) {
        self.emit(Event::Configured {
            block_size: self.config.block_size as u32,
            num_gpu_blocks: self.config.num_gpu_blocks as u32,
        });
        let mut open = true;
        loop {
            if self.running.is_empty() && self.waiting.is_empty() {
                if !open {
                    return;
                }
                match inbox.recv() {
                    Ok(submit) => self.add(submit),
                    Err(_) => return,
                }
            }
            loop {
                match inbox.try_recv() {
                    Ok(submit) => self.add(submit),
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => {
                        open = false;
                        break;
                    }
                }
            }
            self.step();
        }
    }

    fn add(&mut self, submit: Submit) {
        let Submit {
            request,
            arrival,
            tx,
        } = submit;
        self.emit(Event::RequestArrived { n: request.n });
        let id = self.next_request;
        self.next_request += 1;
        self.parents.insert(
            id,
            Parent {
                remaining: request.n,
                max_generation_tokens: 0,
            },
        );
        let bs = self.config.block_size.max(1);
        let prompt: Arc<[u32]> = request.prompt.into();
        let mut chain = self.config.seed;
        let hashes: Arc<[u64]> = prompt
            .chunks_exact(bs)
            .map(|block| {
                chain = hash_words(chain, block.iter().map(|&t| t as u64));
                chain
            })
            .collect();
        let need_blocks =
            (prompt.len() + request.max_tokens as usize + self.config.num_speculative_tokens)
                .div_ceil(bs);
        for choice in 0..request.n {
            let mut rng = Rng::new(hash_words(
                self.config.seed,
                prompt.iter().map(|&t| t as u64).chain([u64::from(choice)]),
            ));
            let stop_at = 8 + rng.below(120) as u32;
            let transfer = if rng.chance(self.config.kv_transfer_rate) {
                Transfer::Planned {
                    fails: rng.chance(self.config.kv_transfer_failure_rate),
                }
            } else {
                Transfer::None
            };
            let seq = Seq {
                request: id,
                choice,
                tx: tx.clone(),
                prompt: Arc::clone(&prompt),
                hashes: Arc::clone(&hashes),
                max_tokens: request.max_tokens,
                stop_at,
                output: Vec::new(),
                computed: 0,
                blocks: Vec::new(),
                rng,
                transfer,
                scheduled_tokens: 0,
                decoding: false,
                arrival,
                first_scheduled: None,
                first_token: None,
                last_token: None,
            };
            if need_blocks > self.kv.capacity() {
                // Could never run, even alone.
                self.finish(seq, FinishReason::Error, Instant::now());
            } else {
                self.waiting.push_back(seq);
            }
        }
        self.report_state();
    }

    fn finish(&mut self, mut seq: Seq, reason: FinishReason, now: Instant) {
        self.kv.free(&seq.blocks);
        seq.blocks.clear();
        // Recorded before the client hears of it: a client that has its answer finds it
        // in the metrics.
        self.emit(Event::Finished(seq.timings(reason, now)));
        if let Some(parent) = self.parents.get_mut(&seq.request) {
            parent.remaining -= 1;
            parent.max_generation_tokens =
                parent.max_generation_tokens.max(seq.output.len() as u32);
            if parent.remaining == 0 {
                let max_generation_tokens = parent.max_generation_tokens;
                self.parents.remove(&seq.request);
                self.emit(Event::RequestFinished {
                    max_generation_tokens,
                });
            }
        }
        let _ = seq.tx.send(SeqEvent::Finished {
            choice: seq.choice,
            reason,
        });
    }

    fn report_state(&mut self) {
        let event = Event::Scheduler {
            running: self.running.len() as u32,
            waiting: self.waiting.len() as u32,
            kv_usage: self.kv.usage(),
        };
        self.emit(event);
    }

    fn preempt(&mut self, mut seq: Seq) {
        self.kv.free(&seq.blocks);
        seq.blocks.clear();
        seq.computed = 0;
        // A transfer in flight is lost with the blocks it was filling.
        if matches!(seq.transfer, Transfer::InFlight { .. }) {
            seq.transfer = Transfer::None;
        }
        self.emit(Event::Preempted);
        self.waiting.push_front(seq);
    }

    /// Ends the sequences whose client went away.
    fn reap_aborted(&mut self, now: Instant) {
        let mut i = 0;
        while i < self.waiting.len() {
            if self.waiting[i].tx.is_closed() {
                let seq = self.waiting.remove(i).expect("index checked");
                self.finish(seq, FinishReason::Abort, now);
            } else {
                i += 1;
            }
        }
        let mut i = 0;
        while i < self.running.len() {
            if self.running[i].tx.is_closed() {
                let seq = self.running.remove(i);
                self.finish(seq, FinishReason::Abort, now);
            } else {
                i += 1;
            }
        }
    }

    /// Blocks to hold `tokens` tokens, beyond those `seq` holds.
    fn blocks_short(&self, seq: &Seq, tokens: usize) -> usize {
        tokens
            .div_ceil(self.config.block_size.max(1))
            .saturating_sub(seq.blocks.len())
    }

    /// One scheduler iteration: admit, run one forward pass, apply its results.
    fn step(&mut self) {
        let now = Instant::now();
        self.reap_aborted(now);
        self.land_transfers(now);
        let mut budget = self.config.max_num_batched_tokens.max(1);
        let k = self.config.num_speculative_tokens;

        // The running batch first, oldest first.
        let mut i = 0;
        while i < self.running.len() {
            let seq = &self.running[i];
            if matches!(seq.transfer, Transfer::InFlight { .. }) {
                self.running[i].scheduled_tokens = 0;
                i += 1;
                continue;
            }
            let pending = seq.num_tokens() - seq.computed;
            let decoding = pending == 1 && !seq.output.is_empty();
            let want = if decoding { 1 + k } else { pending.min(budget) };
            if want == 0 || want > budget {
                self.running[i].scheduled_tokens = 0;
                i += 1;
                continue;
            }
            let short = self.blocks_short(seq, seq.computed + want);
            // Make room by preempting the most recently admitted sequences.
            let mut alone_too_big = false;
            let mut preempted_self = false;
            while self.kv.available() < short {
                if self.running.len() - 1 > i {
                    let victim = self.running.pop().expect("len checked");
                    self.preempt(victim);
                } else if self.running.len() == 1 {
                    alone_too_big = true;
                    break;
                } else {
                    let victim = self.running.pop().expect("len checked");
                    self.preempt(victim);
                    preempted_self = true;
                    break;
                }
            }
            if preempted_self {
                break;
            }
            if alone_too_big {
                let seq = self.running.remove(i);
                self.finish(seq, FinishReason::Error, now);
                continue;
            }
            let blocks = self.kv.allocate(short).expect("room made above");
            let seq = &mut self.running[i];
            seq.blocks.extend(blocks);
            seq.scheduled_tokens = want;
            seq.decoding = decoding;
            budget -= want;
            i += 1;
        }

        // Then admissions from the waiting queue.
        while self.running.len() < self.config.max_num_seqs && budget > 0 {
            let Some(seq) = self.waiting.front() else {
                break;
            };
            let bs = self.config.block_size.max(1);
            let num_tokens = seq.num_tokens();
            // At least one token must be computed to sample from.
            let max_hit_blocks = (num_tokens - 1) / bs;
            let hashes = Arc::clone(&seq.hashes);
            let hits = self.kv.lookup(&hashes, max_hit_blocks);
            let short = num_tokens.div_ceil(bs) - hits.len();
            let Some(blocks) = self.kv.allocate(short) else {
                self.kv.free(&hits);
                break;
            };
            let mut seq = self.waiting.pop_front().expect("front checked");
            let hit_tokens = hits.len() * bs;
            self.emit(Event::PrefixCacheLookup {
                queried_tokens: num_tokens as u32,
                hit_tokens: hit_tokens as u32,
            });
            seq.blocks = hits;
            seq.blocks.extend(blocks);
            seq.computed = hit_tokens;
            seq.first_scheduled.get_or_insert(now);
            let remote = seq
                .prompt
                .len()
                .saturating_sub(1)
                .saturating_sub(seq.computed);
            if self.config.kv_transfer_rate > 0.0 {
                // With a KV connector, every admission asks it for what the local cache
                // did not have; a sequence prefilled remotely gets its prompt but the last
                // token.
                let hit_tokens = match seq.transfer {
                    Transfer::Planned { .. } => remote,
                    _ => 0,
                };
                self.emit(Event::ExternalPrefixCacheLookup {
                    queried_tokens: (num_tokens - seq.computed) as u32,
                    hit_tokens: hit_tokens as u32,
                });
            }
            if let Transfer::Planned { fails } = seq.transfer {
                if remote > 0 {
                    let blocks = remote.div_ceil(bs) as u32;
                    let jitter = 1.0 + 0.5 * seq.rng.unit();
                    let post = self
                        .scaled((NIXL_POST_BASE + NIXL_POST_PER_BLOCK * blocks).mul_f64(jitter));
                    let d = self.scaled((NIXL_BASE + NIXL_PER_BLOCK * blocks).mul_f64(jitter));
                    seq.transfer = Transfer::InFlight {
                        until: now + d,
                        seconds: d.as_secs_f64(),
                        post_seconds: post.as_secs_f64(),
                        blocks,
                        fails,
                    };
                    seq.scheduled_tokens = 0;
                    self.running.push(seq);
                    continue;
                }
                seq.transfer = Transfer::None;
            }
            let want = (num_tokens - seq.computed).min(budget);
            seq.scheduled_tokens = want;
            seq.decoding = false;
            budget -= want;
            self.running.push(seq);
        }

        let (prefill, decode): (usize, usize) =
            self.running
                .iter()
                .fold((0, 0), |(p, d), s| match s.decoding {
                    _ if s.scheduled_tokens == 0 => (p, d),
                    true => (p, d + s.scheduled_tokens),
                    false => (p + s.scheduled_tokens, d),
                });
        if prefill + decode == 0 {
            // Nothing to compute: every admitted sequence waits for a transfer (or the
            // queue waits for blocks). Sleep until the next transfer lands.
            let next = self
                .running
                .iter()
                .filter_map(|s| match s.transfer {
                    Transfer::InFlight { until, .. } => Some(until),
                    _ => None,
                })
                .min();
            let wait = next.map_or(Duration::from_millis(1), |t| {
                t.saturating_duration_since(now)
            });
            self.report_state();
            std::thread::sleep(wait.min(Duration::from_millis(50)));
            return;
        }
        let duration =
            STEP_BASE + PER_PREFILL_TOKEN * prefill as u32 + PER_DECODE_TOKEN * decode as u32;
        std::thread::sleep(self.scaled(duration));
        let done = Instant::now();
        self.emit(Event::Step {
            scheduled_tokens: (prefill + decode) as u32,
        });
        self.apply(done);
        self.report_state();
    }

    fn land_transfers(&mut self, now: Instant) {
        for i in 0..self.running.len() {
            let Transfer::InFlight {
                until,
                seconds,
                post_seconds,
                blocks,
                fails,
            } = self.running[i].transfer
            else {
                continue;
            };
            if until > now {
                continue;
            }
            let seq = &mut self.running[i];
            seq.transfer = Transfer::None;
            if !fails {
                // Every prompt token but the last arrives computed.
                seq.computed = seq.computed.max(seq.prompt.len() - 1);
            }
            let bytes = u64::from(blocks) * self.config.block_size as u64 * KV_BYTES_PER_TOKEN;
            self.emit(Event::KvTransfer {
                seconds,
                post_seconds,
                bytes,
                descriptors: blocks * NUM_LAYERS,
                failed: fails,
            });
        }
    }

    /// Applies the results of the step that ended at `done`.
    fn apply(&mut self, done: Instant) {
        let k = self.config.num_speculative_tokens;
        let mut i = 0;
        while i < self.running.len() {
            let seq = &mut self.running[i];
            let scheduled = std::mem::take(&mut seq.scheduled_tokens);
            if scheduled == 0 {
                i += 1;
                continue;
            }
            let mut new_tokens = 0;
            let mut spec = None;
            if seq.decoding {
                // Verify a draft of k tokens: leading positions accepted with decaying
                // probability, then one bonus token.
                let mut accepted = 0;
                let mut p = self.config.spec_acceptance;
                while accepted < k && seq.rng.chance(p) {
                    accepted += 1;
                    p *= 0.75;
                }
                if k > 0 {
                    spec = Some((k as u32, accepted as u32));
                }
                new_tokens = accepted + 1;
            } else {
                seq.computed += scheduled;
                if seq.computed == seq.num_tokens() {
                    // Prefill (or recomputation) complete: the prompt's full blocks
                    // become reusable, and a token is sampled.
                    for (block, hash) in seq.blocks.iter().zip(seq.hashes.iter()) {
                        self.kv.register(*block, *hash);
                    }
                    new_tokens = 1;
                }
            }
            let seq = &mut self.running[i];
            let mut produced = Vec::with_capacity(new_tokens);
            let mut reason = None;
            for _ in 0..new_tokens {
                let token = seq.rng.below(VOCAB.len() as u64) as u32;
                seq.output.push(token);
                produced.push(token);
                let len = seq.output.len();
                reason = if len as u32 >= seq.stop_at {
                    Some(FinishReason::Stop)
                } else if len >= 4 && seq.output[len - 4..].iter().all(|&t| t == token) {
                    Some(FinishReason::Repetition)
                } else if len as u32 >= seq.max_tokens {
                    Some(FinishReason::Length)
                } else {
                    None
                };
                if reason.is_some() {
                    break;
                }
            }
            if !produced.is_empty() {
                seq.computed = seq.num_tokens() - 1;
            }
            let first = seq.first_token.is_none() && !produced.is_empty();
            let itl = seq
                .last_token
                .map(|t| done.saturating_duration_since(t).as_secs_f64());
            if !produced.is_empty() {
                seq.first_token.get_or_insert(done);
                seq.last_token = Some(done);
            }
            let ttft = done.saturating_duration_since(seq.arrival).as_secs_f64();
            let prompt_tokens = seq.prompt.len() as u32;
            let count = produced.len() as u32;
            if let Some((draft_tokens, accepted)) = spec {
                self.emit(Event::SpecDecode {
                    draft_tokens,
                    accepted,
                });
            }
            if first {
                self.emit(Event::FirstToken {
                    ttft,
                    prompt_tokens,
                });
            }
            if count > 0 {
                self.emit(Event::Tokens {
                    count,
                    inter_token_latency: if first { None } else { itl },
                });
            }
            let seq = &self.running[i];
            let sent = produced.is_empty()
                || seq
                    .tx
                    .send(SeqEvent::Tokens {
                        choice: seq.choice,
                        tokens: produced,
                    })
                    .is_ok();
            let reason = if sent {
                reason
            } else {
                Some(FinishReason::Abort)
            };
            if let Some(reason) = reason {
                let seq = self.running.remove(i);
                self.finish(seq, reason, done);
            } else {
                i += 1;
            }
        }
    }
}
