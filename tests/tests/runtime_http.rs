//! The `/metrics` endpoint over real sockets: content type per `Accept` header, gzip,
//! 404, 405, oversized requests, concurrent scrapes while recording, and the router
//! mounted in an application's own axum router.

use crate::runtime_support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use metrics_schema_runtime::*;
use runtime_support::{check_histograms, parse_samples};

static REQUESTS: MetricDesc = MetricDesc {
    name: "http_test_requests",
    help: "Requests.",
    unit: None,
    metric_type: MetricType::Counter,
    stage: Stage::Active,
    labels: &[LabelDesc::open("model_name", 8)],
    buckets: Buckets::None,
};

static LATENCY: MetricDesc = MetricDesc {
    name: "http_test_latency_seconds",
    help: "Latency.",
    unit: Some("seconds"),
    metric_type: MetricType::Histogram,
    stage: Stage::Active,
    labels: &[],
    buckets: Buckets::Static(&[0.1, 0.5, 1.0]),
};

struct Fixture {
    addr: SocketAddr,
    registry: Arc<Registry>,
    requests: Family<Counter, (), 1>,
    latency: Family<Histogram>,
}

/// A registry served by `http::serve` on a loopback port, on its own runtime thread.
fn serve() -> Fixture {
    let requests: Family<Counter, (), 1> = Family::new(&REQUESTS, &Options::new()).unwrap();
    let latency: Family<Histogram> = Family::new(&LATENCY, &Options::new()).unwrap();
    let registry = Arc::new(Registry::new());
    registry
        .register(&vec![requests.collector(), latency.collector()])
        .unwrap();
    requests.with(["llama"], ()).inc_by(5);
    latency.observe(0.3);
    let addr = runtime_support::serve(Arc::clone(&registry));
    Fixture {
        addr,
        registry,
        requests,
        latency,
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

/// Sends `head` (request line and headers, without the blank line) plus `body` and reads
/// the whole response (the request asks the server to close the connection).
fn request(addr: SocketAddr, head: &str, body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut raw = format!("{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n").into_bytes();
    raw.extend_from_slice(body);
    // The server may answer (and close) before reading everything of a refused request.
    let _ = stream.write_all(&raw);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&response)));
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: response[split + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, path: &str, extra: &str) -> Reply {
    let head = if extra.is_empty() {
        format!("GET {path} HTTP/1.1")
    } else {
        format!("GET {path} HTTP/1.1\r\n{extra}")
    };
    request(addr, &head, b"")
}

#[test]
fn content_type_follows_the_accept_header() {
    let f = serve();
    let cases = [
        ("", TEXT_CONTENT_TYPE),
        ("Accept: text/plain", TEXT_CONTENT_TYPE),
        (
            "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
             version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            OPENMETRICS_CONTENT_TYPE,
        ),
        (
            "Accept: application/openmetrics-text;version=0.0.1",
            "application/openmetrics-text; version=0.0.1; charset=utf-8",
        ),
        (
            "Accept: text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.2",
            TEXT_CONTENT_TYPE,
        ),
        ("Accept: application/json", TEXT_CONTENT_TYPE),
    ];
    for (accept, content_type) in cases {
        let reply = get(f.addr, "/metrics", accept);
        assert_eq!(reply.status, 200, "{accept}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{accept}");
        let format = if content_type.starts_with("application/openmetrics-text") {
            Format::OpenMetrics
        } else {
            Format::Text
        };
        assert_eq!(
            reply.text(),
            f.registry.encode_to_string(format),
            "{accept}"
        );
    }
    // HEAD: headers only.
    let reply = request(f.addr, "HEAD /metrics HTTP/1.1", b"");
    assert_eq!(reply.status, 200);
    assert!(reply.body.is_empty());
}

#[test]
fn gzip_when_asked() {
    let f = serve();
    let plain = get(f.addr, "/metrics", "Accept: application/openmetrics-text");
    assert_eq!(plain.header("content-encoding"), None);
    for encoding in ["gzip", "deflate, gzip;q=0.8", "*"] {
        let reply = get(
            f.addr,
            "/metrics",
            &format!("Accept: application/openmetrics-text\r\nAccept-Encoding: {encoding}"),
        );
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-encoding"), Some("gzip"), "{encoding}");
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&reply.body[..])
            .read_to_end(&mut decoded)
            .unwrap();
        assert_eq!(decoded, plain.body, "{encoding}");
    }
    let refused = get(f.addr, "/metrics", "Accept-Encoding: gzip;q=0, identity");
    assert_eq!(refused.header("content-encoding"), None);
    assert_eq!(refused.text(), f.registry.encode_to_string(Format::Text));
}

#[test]
fn other_paths_and_methods() {
    let f = serve();
    for path in ["/", "/metric", "/metrics/extra", "/favicon.ico"] {
        assert_eq!(get(f.addr, path, "").status, 404, "{path}");
    }
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let reply = request(
            f.addr,
            &format!("{method} /metrics HTTP/1.1\r\nContent-Length: 0"),
            b"",
        );
        assert_eq!(reply.status, 405, "{method}");
        let allow = reply.header("allow").unwrap_or("");
        assert!(allow.contains("GET"), "{method}: Allow {allow:?}");
    }
}

#[test]
fn oversized_requests_are_refused() {
    let f = serve();
    let huge = format!("X-Filler: {}", "a".repeat(64 * 1024));
    let reply = get(f.addr, "/metrics", &huge);
    assert_eq!(reply.status, 431, "oversized headers");
    let many: String = (0..2000)
        .map(|i| format!("X-H{i}: v\r\n"))
        .collect::<String>();
    let reply = get(f.addr, "/metrics", many.trim_end());
    assert!(
        reply.status == 431 || reply.status == 400,
        "many headers: {}",
        reply.status
    );
    let body = vec![b'x'; 64 * 1024];
    let reply = request(
        f.addr,
        &format!("GET /metrics HTTP/1.1\r\nContent-Length: {}", body.len()),
        &body,
    );
    assert_eq!(reply.status, 413, "oversized body");
    let reply = request(
        f.addr,
        "GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked",
        b"5\r\nhello\r\n0\r\n\r\n",
    );
    assert_eq!(reply.status, 413, "chunked body");
    // A small body is tolerated.
    let reply = request(f.addr, "GET /metrics HTTP/1.1\r\nContent-Length: 2", b"{}");
    assert_eq!(reply.status, 200);
    // The server still works after all that.
    assert_eq!(get(f.addr, "/metrics", "").status, 200);
}

#[test]
fn concurrent_scrapes_while_recording() {
    let f = serve();
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        for v in [0.05, 0.7] {
            let (latency, requests, stop) = (&f.latency, &f.requests, &stop);
            s.spawn(move || {
                let bound = requests.bind(["llama"]);
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) && n < 5_000_000 {
                    latency.observe(v);
                    bound.inc();
                    n += 1;
                }
            });
        }
        let clients: Vec<_> = (0..4)
            .map(|c| {
                let addr = f.addr;
                s.spawn(move || {
                    let mut last = 0.0;
                    for i in 0..25 {
                        let accept = if (c + i) % 2 == 0 {
                            "Accept: application/openmetrics-text"
                        } else {
                            ""
                        };
                        let reply = get(addr, "/metrics", accept);
                        assert_eq!(reply.status, 200);
                        let samples = parse_samples(&reply.text());
                        assert_eq!(check_histograms(&samples, "http_test_latency_seconds"), 1);
                        let count = samples
                            .iter()
                            .find(|s| s.name == "http_test_requests_total")
                            .unwrap()
                            .value;
                        assert!(count >= last, "counter went backwards");
                        last = count;
                    }
                    last
                })
            })
            .collect();
        let counts: Vec<f64> = clients.into_iter().map(|c| c.join().unwrap()).collect();
        stop.store(true, Ordering::Relaxed);
        assert!(counts.iter().all(|&c| c >= 5.0));
    });
}

#[test]
fn router_mounts_in_an_application() {
    let f = serve();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let registry = Arc::clone(&f.registry);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let app = axum::Router::new()
                .route("/healthz", axum::routing::get(|| async { "ok" }))
                .merge(http::router(registry));
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    let health = get(addr, "/healthz", "");
    assert_eq!((health.status, health.text().as_str()), (200, "ok"));
    let metrics = get(addr, "/metrics", "");
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .text()
            .contains("http_test_requests_total{model_name=\"llama\"} 5\n")
    );
}
