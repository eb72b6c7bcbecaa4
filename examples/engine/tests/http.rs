//! The engine binary over HTTP: malformed requests are refused with a JSON error and leave
//! the metrics alone; SIGTERM and SIGINT stop it cleanly, letting a stream finish.

use crate::support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use metrics_schema_engine::sim::{self, SeqEvent};
use support::{complete, metrics, request, start, sum};

const VALID: &str = r#"{"prompt": "one two three four", "max_tokens": 5}"#;

#[test]
fn malformed_requests_get_a_json_4xx_and_leave_metrics_untouched() {
    let engine = start(&["--time-scale", "0.1"]);
    let addr = engine.addr;
    let ok = complete(addr, VALID);
    assert_eq!(ok.status, 200, "{ok:?}");
    let before = support::idle_metrics(addr);
    assert_eq!(
        sum(&before, "vllm:request_success_total"),
        1.0,
        "{before:?}"
    );
    assert!(sum(&before, "vllm:generation_tokens_total") > 0.0);

    let huge_prompt = format!(r#"{{"prompt": "{}"}}"#, "word ".repeat(200_000));
    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        (
            "bad JSON",
            b"{\"prompt\": ".to_vec(),
            "application/json",
            400,
            "invalid request body",
        ),
        (
            "not an object",
            b"[1, 2]".to_vec(),
            "application/json",
            400,
            "invalid request body",
        ),
        (
            "unknown field",
            br#"{"prompt": "a", "temprature": 0.5}"#.to_vec(),
            "application/json",
            400,
            "unknown field `temprature`",
        ),
        (
            "negative max_tokens",
            br#"{"prompt": "a", "max_tokens": -5}"#.to_vec(),
            "application/json",
            400,
            "max_tokens",
        ),
        (
            "absurd max_tokens",
            br#"{"prompt": "a", "max_tokens": 1000000000000}"#.to_vec(),
            "application/json",
            400,
            "max_tokens",
        ),
        (
            "overflowing max_tokens",
            br#"{"prompt": "a", "max_tokens": 1e400}"#.to_vec(),
            "application/json",
            400,
            "invalid request body",
        ),
        (
            "zero n",
            br#"{"prompt": "a", "n": 0}"#.to_vec(),
            "application/json",
            400,
            "n must be",
        ),
        (
            "empty prompt",
            br#"{"prompt": ""}"#.to_vec(),
            "application/json",
            400,
            "prompt",
        ),
        (
            "unknown model",
            br#"{"prompt": "a", "model": "gpt-9"}"#.to_vec(),
            "application/json",
            404,
            "gpt-9",
        ),
        (
            "huge body",
            huge_prompt.into_bytes(),
            "application/json",
            413,
            "larger than",
        ),
        (
            "not JSON content",
            VALID.as_bytes().to_vec(),
            "text/plain",
            415,
            "application/json",
        ),
    ];
    for (what, body, content_type, status, needle) in &cases {
        let response = request(
            addr,
            "POST",
            "/v1/completions",
            &format!("Content-Type: {content_type}\r\n"),
            body,
        );
        assert_eq!(response.status, *status, "{what}: {response:?}");
        assert!(
            response.head.contains("content-type: application/json"),
            "{what}: {}",
            response.head
        );
        let json = response.json();
        assert_eq!(json["object"], "error", "{what}");
        assert_eq!(json["code"], *status, "{what}");
        let message = json["message"].as_str().unwrap();
        assert!(message.contains(needle), "{what}: {message}");
    }
    let get = request(addr, "GET", "/v1/completions", "", b"");
    assert_eq!(get.status, 405);
    assert_eq!(get.json()["object"], "error");
    let missing = request(addr, "GET", "/v2/nothing", "", b"");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["object"], "error");

    // Not one sample moved.
    assert_eq!(metrics(addr), before);
    // And the server still serves.
    assert_eq!(complete(addr, VALID).status, 200);
    assert_eq!(sum(&metrics(addr), "vllm:request_success_total"), 2.0);
}

/// A prompt that the engine (seed 0) answers with at least 100 tokens, found by running
/// the same seeded simulation in process.
fn long_prompt() -> String {
    for i in 0.. {
        let prompt = format!("stream me {i}");
        let (handle, thread) = sim::spawn(
            sim::Config {
                time_scale: 0.0,
                ..sim::Config::default()
            },
            Box::new(|_: &metrics_schema_engine::events::Event| {}),
        );
        let mut rx = handle
            .submit(sim::Request {
                prompt: sim::tokenize(&prompt),
                n: 1,
                max_tokens: 400,
            })
            .unwrap();
        drop(handle);
        let mut tokens = 0;
        while let Some(SeqEvent::Tokens { tokens: t, .. }) = rx.blocking_recv() {
            tokens += t.len();
        }
        thread.join().unwrap();
        if tokens >= 100 {
            return prompt;
        }
    }
    unreachable!()
}

/// Starts a long streamed request and reads until its first token arrives.
fn start_stream(addr: std::net::SocketAddr) -> BufReader<TcpStream> {
    let body = format!(
        r#"{{"prompt": "{}", "max_tokens": 400, "stream": true}}"#,
        long_prompt()
    );
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST /v1/completions HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while !line.starts_with("data: ") {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "stream closed early"
        );
    }
    reader
}

fn stops_cleanly_on(signal: &str) {
    let engine = start(&[]);
    let addr = engine.addr;
    let mut reader = start_stream(addr);
    engine.signal(signal);
    // The stream in flight runs to its end.
    let mut rest = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        rest.push_str(&line);
    }
    assert!(
        rest.contains("data: [DONE]"),
        "{signal}: the stream was cut: {rest}"
    );
    let (status, stderr) = engine.wait(Duration::from_secs(15));
    assert!(status.success(), "{signal}: {status}: {stderr}");
    assert!(
        stderr.contains(&format!("SIG{signal} received")),
        "{stderr}"
    );
    assert!(stderr.contains("engine: stopped"), "{stderr}");
    // Nothing listens any more.
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn sigterm_stops_cleanly() {
    stops_cleanly_on("TERM");
}

#[test]
fn sigint_stops_cleanly() {
    stops_cleanly_on("INT");
}

#[test]
fn an_invalid_show_hidden_value_refuses_to_start_naming_the_valid_one() {
    let Err((status, stderr)) = support::try_start(&["--show-hidden-metrics-for-version", "0.9"])
    else {
        panic!("started with an invalid show-hidden value");
    };
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("\"0.10\""), "{stderr}");
}

#[test]
fn n_choices_run_as_n_sequences() {
    let engine = start(&["--time-scale", "0.1"]);
    let addr = engine.addr;
    let response = complete(addr, r#"{"prompt": "a b c d", "max_tokens": 6, "n": 3}"#);
    assert_eq!(response.status, 200, "{response:?}");
    let json = response.json();
    assert_eq!(json["choices"].as_array().unwrap().len(), 3);
    let completion_tokens = json["usage"]["completion_tokens"].as_f64().unwrap();
    let samples = support::idle_metrics(addr);
    assert_eq!(sum(&samples, "vllm:request_success_total"), 3.0);
    assert_eq!(sum(&samples, "vllm:request_params_n_count"), 1.0);
    assert_eq!(sum(&samples, "vllm:request_params_n_sum"), 3.0);
    assert_eq!(sum(&samples, "vllm:e2e_request_latency_seconds_count"), 3.0);
    assert_eq!(
        sum(&samples, "vllm:generation_tokens_total"),
        completion_tokens
    );
    assert_eq!(
        sum(&samples, "vllm:prompt_tokens_total"),
        12.0,
        "4 tokens, 3 sequences"
    );
}

#[test]
fn a_client_hanging_up_mid_stream_aborts_its_request() {
    let engine = start(&[]);
    let addr = engine.addr;
    let reader = start_stream(addr);
    drop(reader);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let key = "vllm:request_success_total{model_name=\"unsloth/Llama-3.2-1B-Instruct\",engine=\"0\",finished_reason=\"abort\"}";
    while metrics(addr).get(key) != Some(&1.0) {
        assert!(std::time::Instant::now() < deadline, "no abort recorded");
        std::thread::sleep(Duration::from_millis(20));
    }
    let samples = support::idle_metrics(addr);
    assert_eq!(sum(&samples, "vllm:request_success_total"), 1.0);
    let generated = sum(&samples, "vllm:generation_tokens_total");
    assert!(
        (1.0..100.0).contains(&generated),
        "{generated} tokens before the abort"
    );
}
