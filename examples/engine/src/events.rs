//! What the simulated engine reports: one [`Event`] per thing that happened, delivered to an
//! [`Observer`] on the engine thread. The metrics of the vLLM catalogue are driven only by
//! these events (see `metrics.rs`); tests use other observers to count them.

/// Why a sequence (one choice of a completion request) finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FinishReason {
    /// The sequence produced its natural end of text.
    Stop,
    /// `max_tokens` reached.
    Length,
    /// The client went away before the end.
    Abort,
    /// The engine could not run it (the KV cache cannot hold it even alone).
    Error,
    /// The same token came four times in a row: stopped as a repetition.
    Repetition,
}

impl FinishReason {
    /// Every reason, in the catalogue's order.
    pub const ALL: [FinishReason; 5] = [
        FinishReason::Stop,
        FinishReason::Length,
        FinishReason::Abort,
        FinishReason::Error,
        FinishReason::Repetition,
    ];

    /// The OpenAI-style `finish_reason` text (and the catalogue's label value).
    pub fn as_str(self) -> &'static str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::Abort => "abort",
            FinishReason::Error => "error",
            FinishReason::Repetition => "repetition",
        }
    }
}

/// Timings of a finished sequence, in seconds. Phases that never happened (a sequence
/// aborted while waiting has no prefill) are `None`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Finished {
    /// Why it finished.
    pub reason: FinishReason,
    /// Prompt tokens.
    pub prompt_tokens: u32,
    /// Tokens generated (the completion).
    pub generation_tokens: u32,
    /// The request's `max_tokens` parameter.
    pub max_tokens: u32,
    /// Arrival to finish.
    pub e2e: f64,
    /// Arrival to first scheduled (WAITING phase).
    pub queue: Option<f64>,
    /// First scheduled to first token (PREFILL phase).
    pub prefill: Option<f64>,
    /// First token to last token (DECODE phase).
    pub decode: Option<f64>,
    /// First scheduled to last token (RUNNING phase: prefill and decode).
    pub inference: Option<f64>,
}

/// One thing that happened in the engine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    /// The engine started with this KV-cache configuration (once, before anything else).
    Configured {
        /// Tokens per KV-cache block.
        block_size: u32,
        /// KV-cache blocks.
        num_gpu_blocks: u32,
    },
    /// A completion request arrived with `n` choices (`n` sequences follow).
    RequestArrived {
        /// The request's `n`.
        n: u32,
    },
    /// An engine step (one forward pass over the batch) completed.
    Step {
        /// Tokens computed in the step: prefill chunks plus decode and verification tokens.
        scheduled_tokens: u32,
    },
    /// The scheduler's state changed (after a step, an arrival or an abort).
    Scheduler {
        /// Sequences in the running batch.
        running: u32,
        /// Sequences in the waiting queue.
        waiting: u32,
        /// Fraction of KV-cache blocks in use, from 0 to 1.
        kv_usage: f64,
    },
    /// A sequence was scheduled from the waiting queue and looked up its prompt blocks in
    /// the prefix cache.
    PrefixCacheLookup {
        /// Prompt tokens looked up.
        queried_tokens: u32,
        /// Tokens whose KV was found in the cache.
        hit_tokens: u32,
    },
    /// A sequence admitted with a KV connector asked it for the prompt tokens the local
    /// prefix cache did not have.
    ExternalPrefixCacheLookup {
        /// Tokens asked for.
        queried_tokens: u32,
        /// Tokens the remote instance will provide.
        hit_tokens: u32,
    },
    /// A running sequence lost its KV blocks to make room and went back to waiting.
    Preempted,
    /// A sequence produced its first token.
    FirstToken {
        /// Arrival to first token, seconds.
        ttft: f64,
        /// The sequence's prompt tokens, now processed.
        prompt_tokens: u32,
    },
    /// A sequence produced tokens in a step.
    Tokens {
        /// How many (speculative decoding can produce several at once).
        count: u32,
        /// Time since the sequence's previous tokens, seconds; `None` for the first.
        inter_token_latency: Option<f64>,
    },
    /// A speculative-decoding draft was verified.
    SpecDecode {
        /// Draft tokens proposed.
        draft_tokens: u32,
        /// Leading draft tokens accepted (positions `0..accepted` were accepted).
        accepted: u32,
    },
    /// A NIXL transfer of KV blocks from a remote prefill instance ended.
    KvTransfer {
        /// Its duration, seconds.
        seconds: f64,
        /// Time spent posting the transfer request, seconds.
        post_seconds: f64,
        /// Bytes of KV moved.
        bytes: u64,
        /// Transfer descriptors (one per block and layer).
        descriptors: u32,
        /// Whether it failed (the sequence then computes its prefill locally).
        failed: bool,
    },
    /// A sequence finished.
    Finished(Finished),
    /// Every sequence of a request finished (after their `Finished` events).
    RequestFinished {
        /// The most tokens any of its sequences generated.
        max_generation_tokens: u32,
    },
}

/// Receives the engine's events, in order, on the engine thread.
pub trait Observer: Send {
    /// Called once per event.
    fn observe(&mut self, event: &Event);
}

impl<F: FnMut(&Event) + Send> Observer for F {
    fn observe(&mut self, event: &Event) {
        self(event)
    }
}

/// Forwards every event to several observers.
pub struct Fanout(pub Vec<Box<dyn Observer>>);

impl Observer for Fanout {
    fn observe(&mut self, event: &Event) {
        for o in &mut self.0 {
            o.observe(event);
        }
    }
}
