//! The engine core on its own: every sequence finishes, the events add up to what the
//! clients received, the scheduler respects its caps, preemption and aborts work, and a
//! seed reproduces the same answers.

use std::sync::{Arc, Mutex};

use metrics_schema_engine::events::{Event, FinishReason};
use metrics_schema_engine::sim::{self, Config, Request, SeqEvent};

/// Every event, in order.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Event>>>);

impl Log {
    fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }
}

fn fast(config: Config) -> Config {
    Config {
        time_scale: 0.0,
        ..config
    }
}

/// Runs `requests` through an engine; returns what each request received (per choice:
/// tokens and finish reason) and the event log.
/// Per request, per choice: the tokens received and the finish reason.
type Answers = Vec<Vec<(Vec<u32>, FinishReason)>>;

fn run(config: Config, requests: &[Request]) -> (Answers, Vec<Event>) {
    let log = Log::default();
    let sink = log.clone();
    let (handle, thread) = sim::spawn(
        config,
        Box::new(move |e: &Event| sink.0.lock().unwrap().push(*e)),
    );
    let receivers: Vec<_> = requests
        .iter()
        .map(|r| (r.n, handle.submit(r.clone()).unwrap()))
        .collect();
    drop(handle);
    let mut answers = Vec::new();
    for (n, mut rx) in receivers {
        let mut choices = vec![(Vec::new(), None); n as usize];
        while let Some(event) = rx.blocking_recv() {
            match event {
                SeqEvent::Tokens { choice, tokens } => choices[choice as usize].0.extend(tokens),
                SeqEvent::Finished { choice, reason } => {
                    assert!(choices[choice as usize].1.replace(reason).is_none());
                }
            }
            if choices.iter().all(|c| c.1.is_some()) {
                break;
            }
        }
        answers.push(choices.into_iter().map(|(t, r)| (t, r.unwrap())).collect());
    }
    thread.join().unwrap();
    (answers, log.events())
}

fn requests(count: usize, shared: usize) -> Vec<Request> {
    (0..count)
        .map(|i| Request {
            // A shared prefix, then something of the request's own.
            prompt: (0..shared as u32)
                .chain((0..(5 + i % 40) as u32).map(|t| 1000 + t * 7 + i as u32))
                .collect(),
            n: 1 + (i % 3) as u32,
            max_tokens: 4 + (i % 50) as u32,
        })
        .collect()
}

#[test]
fn events_add_up_to_what_clients_received() {
    let config = fast(Config {
        kv_transfer_rate: 0.5,
        kv_transfer_failure_rate: 0.3,
        ..Config::default()
    });
    let reqs = requests(60, 48);
    let (answers, events) = run(config.clone(), &reqs);

    let seqs: usize = reqs.iter().map(|r| r.n as usize).sum();
    let received: usize = answers.iter().flatten().map(|(t, _)| t.len()).sum();
    let mut arrived = 0;
    let mut finished = Vec::new();
    let (mut generated, mut first_tokens, mut prompt_tokens) = (0u64, 0, 0u64);
    let (mut queried, mut hits) = (0u64, 0u64);
    let (mut drafts, mut draft_tokens, mut accepted) = (0, 0u64, 0u64);
    let (mut transfers, mut failed) = (0, 0);
    let mut itl = 0;
    let (mut external_lookups, mut external_hits) = (0, 0u64);
    let (mut requests_finished, mut configured) = (0, 0);
    assert!(
        matches!(events.first(), Some(Event::Configured { .. })),
        "the configuration comes first"
    );
    for e in &events {
        match *e {
            Event::RequestArrived { n } => arrived += n as usize,
            Event::Finished(f) => finished.push(f),
            Event::Tokens {
                count,
                inter_token_latency,
            } => {
                generated += u64::from(count);
                itl += usize::from(inter_token_latency.is_some());
            }
            Event::FirstToken {
                ttft,
                prompt_tokens: p,
            } => {
                first_tokens += 1;
                prompt_tokens += u64::from(p);
                assert!(ttft >= 0.0);
            }
            Event::PrefixCacheLookup {
                queried_tokens,
                hit_tokens,
            } => {
                assert!(hit_tokens < queried_tokens);
                queried += u64::from(queried_tokens);
                hits += u64::from(hit_tokens);
            }
            Event::SpecDecode {
                draft_tokens: d,
                accepted: a,
            } => {
                assert_eq!(d, 3);
                assert!(a <= d);
                drafts += 1;
                draft_tokens += u64::from(d);
                accepted += u64::from(a);
            }
            Event::KvTransfer {
                seconds,
                post_seconds,
                bytes,
                descriptors,
                failed: f,
            } => {
                assert!(post_seconds >= 0.0 && post_seconds <= seconds);
                assert!(bytes > 0 && descriptors > 0);
                assert_eq!(
                    bytes / u64::from(descriptors / sim::NUM_LAYERS),
                    config.block_size as u64 * sim::KV_BYTES_PER_TOKEN,
                    "bytes are whole blocks, one descriptor per block and layer"
                );
                transfers += 1;
                failed += usize::from(f);
            }
            Event::ExternalPrefixCacheLookup {
                queried_tokens,
                hit_tokens,
            } => {
                assert!(hit_tokens < queried_tokens);
                external_lookups += 1;
                external_hits += u64::from(hit_tokens);
            }
            Event::RequestFinished {
                max_generation_tokens,
            } => {
                requests_finished += 1;
                assert!(max_generation_tokens <= 53, "max_tokens is at most 53");
            }
            Event::Configured {
                block_size,
                num_gpu_blocks,
            } => {
                configured += 1;
                assert_eq!(block_size as usize, config.block_size);
                assert_eq!(num_gpu_blocks as usize, config.num_gpu_blocks);
            }
            Event::Scheduler {
                running, kv_usage, ..
            } => {
                assert!(running as usize <= config.max_num_seqs);
                assert!((0.0..=1.0).contains(&kv_usage));
            }
            Event::Step { scheduled_tokens } => {
                assert!(scheduled_tokens as usize <= config.max_num_batched_tokens);
                assert!(scheduled_tokens > 0);
            }
            Event::Preempted => {}
        }
    }
    assert_eq!(arrived, seqs);
    assert_eq!(configured, 1);
    assert_eq!(
        requests_finished,
        reqs.len(),
        "one per request, whatever its n"
    );
    assert!(external_lookups > 0 && external_hits > 0);
    assert_eq!(finished.len(), seqs);
    assert_eq!(generated as usize, received);
    assert_eq!(
        finished
            .iter()
            .map(|f| f.generation_tokens as usize)
            .sum::<usize>(),
        received
    );
    assert_eq!(first_tokens, seqs, "every sequence produced a first token");
    assert_eq!(
        prompt_tokens,
        reqs.iter()
            .map(|r| (r.prompt.len() * r.n as usize) as u64)
            .sum::<u64>()
    );
    assert_eq!(
        itl + first_tokens,
        events
            .iter()
            .filter(|e| matches!(e, Event::Tokens { .. }))
            .count()
    );
    // The shared 48-token prefix (3 blocks) is found in the cache.
    assert!(hits > 0 && hits < queried, "{hits} / {queried}");
    assert!(drafts > 0 && accepted > 0 && accepted < draft_tokens);
    assert!(
        transfers > 0 && failed > 0 && failed < transfers,
        "{failed}/{transfers}"
    );
    // Each answer ends as its reason says.
    for (req, answer) in reqs.iter().zip(&answers) {
        for (tokens, reason) in answer {
            match reason {
                FinishReason::Length => assert_eq!(tokens.len(), req.max_tokens as usize),
                FinishReason::Stop => assert!(tokens.len() <= req.max_tokens as usize),
                FinishReason::Repetition => {
                    assert!(tokens[tokens.len() - 4..].windows(2).all(|w| w[0] == w[1]))
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    let reasons: Vec<_> = finished.iter().map(|f| f.reason).collect();
    assert!(reasons.contains(&FinishReason::Stop) && reasons.contains(&FinishReason::Length));
    for f in &finished {
        assert!(f.queue.is_some() && f.prefill.is_some() && f.decode.is_some());
    }
    // Idle at the end.
    let Some(Event::Scheduler {
        running: 0,
        waiting: 0,
        kv_usage,
    }) = events
        .iter()
        .rev()
        .find(|e| matches!(e, Event::Scheduler { .. }))
        .copied()
    else {
        panic!("the last scheduler state is not idle");
    };
    assert_eq!(kv_usage, 0.0);
}

#[test]
fn a_small_cache_preempts_and_still_finishes_everything() {
    let config = fast(Config {
        num_gpu_blocks: 24,
        max_num_seqs: 8,
        kv_transfer_rate: 0.0,
        ..Config::default()
    });
    let reqs: Vec<Request> = (0..16)
        .map(|i| Request {
            prompt: (0..40).map(|t| t + 100 * i).collect(),
            n: 1,
            max_tokens: 120,
        })
        .collect();
    let (answers, events) = run(config, &reqs);
    let preemptions = events
        .iter()
        .filter(|e| matches!(e, Event::Preempted))
        .count();
    assert!(preemptions > 0, "no preemption with 24 blocks");
    assert!(
        answers
            .iter()
            .flatten()
            .all(|(_, r)| *r != FinishReason::Abort)
    );
    // A request that cannot fit in the cache even alone ends in error at once.
    let config = fast(Config {
        num_gpu_blocks: 4,
        ..Config::default()
    });
    let (answers, _) = run(
        config,
        &[Request {
            prompt: vec![1; 60],
            n: 2,
            max_tokens: 10,
        }],
    );
    assert_eq!(answers[0].len(), 2);
    assert!(
        answers[0]
            .iter()
            .all(|(t, r)| t.is_empty() && *r == FinishReason::Error)
    );
}

#[test]
fn the_same_seed_gives_the_same_answers() {
    let reqs = requests(20, 16);
    let base = fast(Config {
        seed: 42,
        ..Config::default()
    });
    let (a, _) = run(base.clone(), &reqs);
    // Another batch shape and cache size: different interleaving, same answers.
    let (b, _) = run(
        Config {
            max_num_seqs: 3,
            num_gpu_blocks: 64,
            ..base.clone()
        },
        &reqs,
    );
    assert_eq!(a, b);
    let (c, _) = run(Config { seed: 43, ..base }, &reqs);
    assert_ne!(a, c);
}

#[test]
fn dropping_the_receiver_aborts() {
    let log = Log::default();
    let sink = log.clone();
    let (handle, thread) = sim::spawn(
        Config {
            time_scale: 1.0,
            ..Config::default()
        },
        Box::new(move |e: &Event| sink.0.lock().unwrap().push(*e)),
    );
    let mut rx = handle
        .submit(Request {
            prompt: vec![1, 2, 3],
            n: 1,
            max_tokens: 4000,
        })
        .unwrap();
    // Wait for a first token, then hang up.
    assert!(matches!(rx.blocking_recv(), Some(SeqEvent::Tokens { .. })));
    drop(rx);
    drop(handle);
    thread.join().unwrap();
    let finished: Vec<_> = log
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Finished(f) => Some(f),
            _ => None,
        })
        .collect();
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0].reason, FinishReason::Abort);
    assert!(finished[0].generation_tokens < 4000);
}
