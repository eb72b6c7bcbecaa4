//! The engine's server holds its resources (issue 15, item 5): idle, slowloris and idle
//! keep-alive connections are cut after the header timeout, open connections are capped so
//! that a low file-descriptor limit is never reached, oversized headers get `431`; and
//! `/metrics` stays available throughout. Real sockets on loopback; every wait is bounded
//! (reads have timeouts, loops a fixed number of rounds), and nothing asserts a duration.
//!
//! Also: the engine's and the load generator's numeric flags are range-checked when parsed.

use crate::support;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::Response;

/// An engine started through `sh` with a file-descriptor limit, killed when dropped.
struct Limited {
    child: Child,
    addr: SocketAddr,
}

impl Limited {
    /// `ulimit -n NOFILE; engine --port 0 ARGS`.
    fn start(nofile: u32, args: &[&str]) -> Limited {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -n {nofile} && exec \"$0\" --port 0 \"$@\""))
            .arg(env!("CARGO_BIN_EXE_engine"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the engine under sh");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .rsplit_once("http://")
            .unwrap_or_else(|| panic!("the engine did not start: {line:?}"))
            .1
            .parse()
            .unwrap();
        Limited { child, addr }
    }
}

impl Drop for Limited {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET /metrics` on a new connection (waiting at most a minute for the answer).
fn scrape(addr: SocketAddr) -> Response {
    support::raw(
        addr,
        format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// True when the server closed `stream` by `deadline`: reading reaches the end (after,
/// perhaps, a `408` answer) or the connection is reset.
fn closed_by_server(mut stream: &TcpStream, deadline: Instant) -> bool {
    let mut buf = [0u8; 4096];
    // At most a few reads: a timeout answer, then the end.
    for _ in 0..16 {
        let left = deadline.saturating_duration_since(Instant::now());
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(10))))
            .unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe) => {
                return true;
            }
            Err(_) => return false, // timed out: still open
        }
    }
    false
}

#[test]
fn idle_and_slowloris_connections_are_cut_and_metrics_stays_available() {
    // 64 connection slots under a limit of 128 descriptors; 300 idle and 20 slowloris
    // clients, more than the engine could ever hold open at once.
    let engine = Limited::start(
        128,
        &[
            "--header-timeout",
            "1",
            "--max-connections",
            "64",
            "--time-scale",
            "0",
        ],
    );
    let addr = engine.addr;
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(addr).expect("connect an idle client"))
        .collect();
    let slow: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(addr).expect("connect a slowloris client"))
        .collect();
    // Slowloris: one byte of a request head per second on each connection, for at most
    // 40 rounds; a connection whose write fails was cut.
    let writer = std::thread::spawn(move || {
        let head = b"GET /metrics HTTP/1.1\r\nHost: slow\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaa";
        let mut slow: Vec<Option<TcpStream>> = slow.into_iter().map(Some).collect();
        for round in 0..40 {
            for slot in &mut slow {
                if let Some(stream) = slot
                    && stream.write_all(&head[round % head.len()..][..1]).is_err()
                {
                    *slot = None;
                }
            }
            if slow.iter().all(Option::is_none) {
                return Vec::new();
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        slow.into_iter().flatten().collect::<Vec<_>>()
    });

    // `/metrics` answers despite all of them (once slots free up, at the latest).
    let response = scrape(addr);
    assert_eq!(response.status, 200, "{response:?}");
    assert!(response.body.contains("vllm:num_requests_running"));

    // Every idle connection is closed by the server (all checked within a minute).
    let deadline = Instant::now() + Duration::from_secs(60);
    let still_open = idle
        .iter()
        .filter(|s| !closed_by_server(s, deadline))
        .count();
    assert_eq!(still_open, 0, "idle connections left open");
    // Every slowloris connection too.
    let survivors = writer.join().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let still_open = survivors
        .iter()
        .filter(|s| !closed_by_server(s, deadline))
        .count();
    assert_eq!(still_open, 0, "slowloris connections left open");

    // And the server is still healthy.
    assert_eq!(scrape(addr).status, 200);
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_its_response() {
    let engine = support::start(&["--header-timeout", "1", "--time-scale", "0"]);
    let addr = engine.addr;
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream
        .write_all(format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .unwrap();
    // Read the response (its length is announced), leaving the connection open.
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut length = None;
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = Some(value.trim().parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length.expect("a Content-Length")];
    reader.read_exact(&mut body).unwrap();
    // Then nothing more is sent: the server closes the idle connection.
    let mut rest = Vec::new();
    match reader.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
    }
    let rest = String::from_utf8_lossy(&rest);
    assert!(
        rest.is_empty() || rest.starts_with("HTTP/1.1 408"),
        "{rest:?}"
    );
}

#[test]
fn an_oversized_header_gets_431_and_the_server_goes_on() {
    let engine = support::start(&["--time-scale", "0"]);
    let addr = engine.addr;
    let padding = "a".repeat(400 * 1024);
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    // The server may answer and close before the whole header is written.
    let _ = stream.write_all(
        format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nX-Padding: {padding}\r\n\r\n").as_bytes(),
    );
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    match read {
        Ok(_) => assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
            "{answer:?}"
        ),
        Err(e) => assert!(
            matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe),
            "{e}"
        ),
    }
    assert!(
        !answer.starts_with("HTTP/1.1 200"),
        "a 400 KB header was accepted"
    );
    assert_eq!(scrape(addr).status, 200);
}

/// Runs binary `exe` with `args`: exit status and stderr.
fn run(exe: &str, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn out_of_range_flags_are_refused_when_parsed() {
    let engine = env!("CARGO_BIN_EXE_engine");
    for (flag, value, range) in [
        ("--max-model-len", "18446744073709551615", "2..=16777216"),
        ("--max-model-len", "1", "2..=16777216"),
        ("--num-gpu-blocks", "0", "1..=16777216"),
        ("--block-size", "0", "1..=4096"),
        ("--max-num-seqs", "0", "1..=65536"),
        ("--num-speculative-tokens", "100000", "0..=256"),
        ("--max-num-batched-tokens", "99999999999", "1..=16777216"),
        ("--kv-transfer-rate", "1.5", "between 0 and 1"),
        ("--kv-transfer-failure-rate", "NaN", "between 0 and 1"),
        ("--time-scale", "1e300", "between 0 and 1000"),
        ("--header-timeout", "0", "1..=3600"),
        ("--max-connections", "0", "1..=65536"),
    ] {
        let (code, stderr) = run(engine, &["--port", "0", flag, value]);
        assert_eq!(code, Some(2), "{flag} {value}: {stderr}");
        assert!(
            stderr.contains(&format!("invalid value '{value}' for '{flag}"))
                && stderr.contains(range),
            "{flag} {value}: {stderr}"
        );
    }
    let loadgen = env!("CARGO_BIN_EXE_loadgen");
    for (flag, value, range) in [
        ("--timeout", "1e300", "between 0 and 86400"),
        ("--timeout", "0", "above 0"),
        ("--concurrency", "0", "1..=10000"),
        ("--choices", "1,0", "1..=16"),
        ("--max-prompt-words", "18446744073709551615", "0..=100000"),
        ("--min-tokens", "0", "1..=16777216"),
    ] {
        let (code, stderr) = run(loadgen, &["--target", "127.0.0.1:9", flag, value]);
        assert_eq!(code, Some(2), "{flag} {value}: {stderr}");
        assert!(
            stderr.contains(&format!("for '{flag}")) && stderr.contains(range),
            "{flag} {value}: {stderr}"
        );
    }
}
