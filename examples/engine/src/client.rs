//! The load generator: sends completion requests to one or more engines at a fixed
//! concurrency and counts what it sent and received.
//!
//! Prompts are built from the seed: every prompt starts with the same shared prefix (so
//! that the engines' prefix caches have something to hit), followed by words drawn at
//! random. Generated tokens are counted from what comes back: one per server-sent event
//! of a streamed response, `usage.completion_tokens` otherwise.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

use crate::rng::{Rng, hash_words};
use crate::sim::VOCAB;

/// When requests ask for a streamed answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StreamMode {
    /// Never.
    Never,
    /// Always.
    Always,
    /// Every other request.
    Mixed,
}

/// What to send.
#[derive(Clone, Debug)]
pub struct LoadConfig {
    /// Engines, as `host:port` or `http://host:port`; requests go round-robin.
    pub targets: Vec<String>,
    /// Requests to send in total.
    pub requests: usize,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Words shared by every prompt, first.
    pub shared_prefix_words: usize,
    /// Further words per prompt, drawn uniformly from this range.
    pub prompt_words: (usize, usize),
    /// `max_tokens` per request, drawn uniformly from this range.
    pub max_tokens: (u32, u32),
    /// `n` of request `i` is `n[i % n.len()]`.
    pub n: Vec<u32>,
    /// Streaming.
    pub stream: StreamMode,
    /// Seed of the prompts.
    pub seed: u64,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// Counts for one target (or all of them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Requests sent.
    pub requests: u64,
    /// Requests answered with `200` and complete.
    pub completed: u64,
    /// Requests that failed (status, connection or parse error).
    pub failed: u64,
    /// Choices completed (`n` per completed request).
    pub choices: u64,
    /// Prompt tokens sent (one per word), counting each request once.
    pub prompt_tokens: u64,
    /// Generated tokens received.
    pub generated_tokens: u64,
    /// Completed choices by `finish_reason`.
    pub finish_reasons: BTreeMap<String, u64>,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.requests += other.requests;
        self.completed += other.completed;
        self.failed += other.failed;
        self.choices += other.choices;
        self.prompt_tokens += other.prompt_tokens;
        self.generated_tokens += other.generated_tokens;
        for (k, v) in &other.finish_reasons {
            *self.finish_reasons.entry(k.clone()).or_default() += v;
        }
    }
}

/// What a run sent and received.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// All targets together.
    pub total: Counts,
    /// Per target, in the order given.
    pub targets: BTreeMap<String, Counts>,
    /// The first few errors, for the human.
    pub errors: Vec<String>,
    /// Wall-clock time of the run.
    pub elapsed_seconds: f64,
}

impl Report {
    /// The report as text.
    pub fn render(&self) -> String {
        let t = &self.total;
        let mut out = format!(
            "sent:     {} requests, {} prompt tokens\nreceived: {} completed, {} failed, {} choices, \
             {} generated tokens\nfinish reasons:",
            t.requests, t.prompt_tokens, t.completed, t.failed, t.choices, t.generated_tokens
        );
        for (k, v) in &t.finish_reasons {
            out.push_str(&format!(" {k}={v}"));
        }
        out.push_str(&format!("\nelapsed:  {:.2} s\n", self.elapsed_seconds));
        for e in &self.errors {
            out.push_str(&format!("error: {e}\n"));
        }
        out
    }
}

/// A prompt of request `index`: the shared prefix, then random words.
pub fn prompt(config: &LoadConfig, index: usize) -> String {
    let mut rng = Rng::new(hash_words(config.seed, [index as u64]));
    let (lo, hi) = config.prompt_words;
    let extra = lo + rng.below((hi.saturating_sub(lo) + 1) as u64) as usize;
    let mut words: Vec<String> = (0..config.shared_prefix_words)
        .map(|i| VOCAB[i % VOCAB.len()].to_owned())
        .collect();
    words.extend((0..extra).map(|_| format!("w{}", rng.below(10_000))));
    words.join(" ")
}

fn request_body(config: &LoadConfig, index: usize) -> (Value, u64, u32, bool) {
    let text = prompt(config, index);
    let words = text.split_whitespace().count() as u64;
    let mut rng = Rng::new(hash_words(config.seed ^ 0xA5A5, [index as u64]));
    let (lo, hi) = config.max_tokens;
    let max_tokens = lo + rng.below(u64::from(hi.saturating_sub(lo)) + 1) as u32;
    let n = config.n[index % config.n.len()];
    let stream = match config.stream {
        StreamMode::Never => false,
        StreamMode::Always => true,
        StreamMode::Mixed => index % 2 == 1,
    };
    let body = json!({"prompt": text, "max_tokens": max_tokens, "n": n, "stream": stream});
    (body, words, n, stream)
}

fn authority(target: &str) -> String {
    target
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

/// Sends one request; the counts of what came back.
async fn send(target: &str, body: &Value, n: u32, stream: bool) -> Result<Counts, String> {
    let authority = authority(target);
    let tcp = TcpStream::connect(&authority)
        .await
        .map_err(|e| format!("{target}: connect: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .map_err(|e| format!("{target}: handshake: {e}"))?;
    tokio::spawn(conn);
    let request = Request::post("/v1/completions")
        .header("host", &authority)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("{target}: request: {e}"))?;
    let status = response.status();
    let mut body = response.into_body();
    let mut counts = Counts::default();
    if !status.is_success() {
        let bytes = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        return Err(format!(
            "{target}: HTTP {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    if stream {
        let mut buffer = Vec::new();
        let mut done = false;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| format!("{target}: body: {e}"))?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            buffer.extend_from_slice(&data);
            while let Some(end) = find(&buffer, b"\n\n") {
                let event: Vec<u8> = buffer.drain(..end + 2).collect();
                let event = std::str::from_utf8(&event).map_err(|e| e.to_string())?;
                let data = event
                    .trim_end()
                    .strip_prefix("data: ")
                    .ok_or_else(|| format!("{target}: not an SSE data event: {event:?}"))?;
                if data == "[DONE]" {
                    done = true;
                    continue;
                }
                let chunk: Value = serde_json::from_str(data).map_err(|e| e.to_string())?;
                let choice = &chunk["choices"][0];
                let text = choice["text"].as_str().unwrap_or("");
                counts.generated_tokens += text.split_whitespace().count() as u64;
                if let Some(reason) = choice["finish_reason"].as_str() {
                    counts.choices += 1;
                    *counts.finish_reasons.entry(reason.to_owned()).or_default() += 1;
                }
            }
        }
        if !done || counts.choices != u64::from(n) {
            return Err(format!("{target}: stream ended early"));
        }
    } else {
        let bytes = body
            .collect()
            .await
            .map_err(|e| format!("{target}: body: {e}"))?
            .to_bytes();
        let json: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{target}: {e}"))?;
        counts.generated_tokens = json["usage"]["completion_tokens"]
            .as_u64()
            .ok_or_else(|| format!("{target}: no usage in {json}"))?;
        for choice in json["choices"].as_array().into_iter().flatten() {
            counts.choices += 1;
            let reason = choice["finish_reason"].as_str().unwrap_or("null");
            *counts.finish_reasons.entry(reason.to_owned()).or_default() += 1;
        }
    }
    counts.completed = 1;
    Ok(counts)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Runs the load: `config.requests` requests, `config.concurrency` at a time.
pub async fn run(config: LoadConfig) -> Report {
    assert!(!config.targets.is_empty() && !config.n.is_empty());
    let start = Instant::now();
    let config = Arc::new(config);
    let next = Arc::new(AtomicUsize::new(0));
    let report = Arc::new(Mutex::new(Report::default()));
    {
        let mut r = report.lock().await;
        for t in &config.targets {
            r.targets.insert(t.clone(), Counts::default());
        }
    }
    let workers: Vec<_> = (0..config.concurrency.max(1))
        .map(|_| {
            let (config, next, report) =
                (Arc::clone(&config), Arc::clone(&next), Arc::clone(&report));
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= config.requests {
                        return;
                    }
                    let target = &config.targets[i % config.targets.len()];
                    let (body, words, n, stream) = request_body(&config, i);
                    let outcome =
                        tokio::time::timeout(config.timeout, send(target, &body, n, stream)).await;
                    let mut counts = match outcome {
                        Ok(Ok(counts)) => counts,
                        Ok(Err(e)) => {
                            let mut r = report.lock().await;
                            if r.errors.len() < 10 {
                                r.errors.push(e);
                            }
                            Counts {
                                failed: 1,
                                ..Counts::default()
                            }
                        }
                        Err(_) => {
                            let mut r = report.lock().await;
                            if r.errors.len() < 10 {
                                r.errors.push(format!("{target}: timed out"));
                            }
                            Counts {
                                failed: 1,
                                ..Counts::default()
                            }
                        }
                    };
                    counts.requests = 1;
                    counts.prompt_tokens = words;
                    let mut r = report.lock().await;
                    r.total.add(&counts);
                    r.targets
                        .get_mut(target)
                        .expect("inserted above")
                        .add(&counts);
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("load worker panicked");
    }
    let mut report = Arc::try_unwrap(report).expect("workers done").into_inner();
    report.elapsed_seconds = start.elapsed().as_secs_f64();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> LoadConfig {
        LoadConfig {
            targets: vec!["127.0.0.1:1".into()],
            requests: 4,
            concurrency: 2,
            shared_prefix_words: 4,
            prompt_words: (2, 5),
            max_tokens: (3, 9),
            n: vec![1, 2],
            stream: StreamMode::Mixed,
            seed: 3,
            timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn prompts_are_seeded_and_share_a_prefix() {
        let c = config();
        let a = prompt(&c, 0);
        assert_eq!(a, prompt(&c, 0));
        assert!(a.starts_with("the model token cache "));
        let words = a.split_whitespace().count();
        assert!((6..=9).contains(&words), "{a}");
        let (body, w, n, stream) = request_body(&c, 1);
        assert_eq!((n, stream), (2, true));
        assert_eq!(
            w as usize,
            body["prompt"].as_str().unwrap().split_whitespace().count()
        );
        let mt = body["max_tokens"].as_u64().unwrap();
        assert!((3..=9).contains(&mt));
    }

    #[tokio::test]
    async fn unreachable_targets_count_as_failures() {
        let report = run(config()).await;
        assert_eq!(report.total.requests, 4);
        assert_eq!(report.total.failed, 4);
        assert_eq!(report.total.completed, 0);
        assert!(report.errors[0].contains("connect"), "{:?}", report.errors);
    }
}
