//! Shared by the engine's tests: start the `engine` binary on a free port, talk HTTP to it,
//! read its `/metrics`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A running engine process, killed when dropped.
pub struct Engine {
    child: Option<Child>,
    /// Where it listens.
    pub addr: SocketAddr,
}

/// Starts `engine --port 0 ARGS`; `Err((status, stderr))` when it exits instead of serving.
pub fn try_start(args: &[&str]) -> Result<Engine, (ExitStatus, String)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_engine"))
        .args(["--port", "0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the engine binary");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let Some(addr) = line
        .trim()
        .rsplit_once("http://")
        .map(|(_, a)| a.to_owned())
    else {
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        return Err((status, stderr));
    };
    Ok(Engine {
        child: Some(child),
        addr: addr.parse().unwrap(),
    })
}

/// Starts an engine or panics.
pub fn start(args: &[&str]) -> Engine {
    match try_start(args) {
        Ok(engine) => engine,
        Err((status, stderr)) => panic!("the engine did not start ({status}): {stderr}"),
    }
}

impl Engine {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Sends signal `name` (`TERM`, `INT`) to the process.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (at most `timeout`) for the process to exit: its status and stderr.
    pub fn wait(mut self, timeout: Duration) -> (ExitStatus, String) {
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the engine did not exit within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status, stderr)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A response: status, head (lower-cased) and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Response {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// Sends raw request bytes (a `Connection: close` request) and reads the whole response.
/// The write may fail when the server answers before reading everything; the response
/// is read anyway.
pub fn raw(addr: SocketAddr, request: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {text:?}"));
    let status = head[9..12].parse().unwrap();
    let head = head.to_ascii_lowercase();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Response { status, head, body }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    loop {
        let Some((size, rest)) = body.split_once("\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
}

/// `method path` with a body and extra header lines.
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &str, body: &[u8]) -> Response {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    raw(addr, &req)
}

/// `POST /v1/completions` with a JSON body.
pub fn complete(addr: SocketAddr, body: &str) -> Response {
    request(
        addr,
        "POST",
        "/v1/completions",
        "Content-Type: application/json\r\n",
        body.as_bytes(),
    )
}

/// The `vllm:` samples of `/metrics` (Prometheus text format): `name{labels}` -> value.
pub fn metrics(addr: SocketAddr) -> BTreeMap<String, f64> {
    let response = request(addr, "GET", "/metrics", "", b"");
    assert_eq!(response.status, 200);
    response
        .body
        .lines()
        .filter(|l| l.starts_with("vllm:"))
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').unwrap();
            (series.to_owned(), value.parse().unwrap())
        })
        .collect()
}

/// The sum of the samples whose series starts with `prefix` (a name, or a name and `{`).
pub fn sum(samples: &BTreeMap<String, f64>, name: &str) -> f64 {
    samples
        .iter()
        .filter(|(k, _)| k.split('{').next() == Some(name))
        .map(|(_, v)| v)
        .sum()
}

/// [`metrics`] once the engine is idle (no request running or waiting).
pub fn idle_metrics(addr: SocketAddr) -> BTreeMap<String, f64> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let samples = metrics(addr);
        if sum(&samples, "vllm:num_requests_running") == 0.0
            && sum(&samples, "vllm:num_requests_waiting") == 0.0
        {
            return samples;
        }
        assert!(Instant::now() < deadline, "the engine never went idle");
        std::thread::sleep(Duration::from_millis(10));
    }
}
