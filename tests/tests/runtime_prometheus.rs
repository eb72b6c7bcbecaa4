//! A real Prometheus server scrapes the `exposition` example's registry from
//! `http::serve` (negotiating OpenMetrics, as Prometheus does by default) and stores every
//! series with the values and hostile label values that were recorded.

use crate::demo;
use crate::runtime_support;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use metrics_schema_tests::{Process, free_port, tool};

/// `GET path` on `addr`; the body, or `None` when the server is not answering yet.
fn http_get(addr: SocketAddr, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200").then(|| body.to_owned())
}

fn query(prometheus: SocketAddr, expr: &str) -> Option<Vec<serde_json::Value>> {
    let encoded: String = expr
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let body = http_get(prometheus, &format!("/api/v1/query?query={encoded}"))?;
    let json: serde_json::Value = serde_json::from_str(&body).ok()?;
    json["data"]["result"].as_array().cloned()
}

#[test]
#[cfg_attr(not(has_prometheus), ignore = "prometheus not installed")]
fn prometheus_scrapes_and_stores_the_exposition() {
    let prometheus = tool("prometheus", "apt-get install prometheus");
    let demo = demo::build().unwrap();
    let registry = Arc::new(demo.registry);

    // The endpoint, on its own runtime thread.
    let target = runtime_support::serve(Arc::clone(&registry));

    let dir = std::env::temp_dir().join(format!("runtime-prometheus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: runtime\n    \
             static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .unwrap();
    let web: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let _server = Process(
        Command::new(&prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={web}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    // Wait (bounded) for a successful scrape.
    let deadline = Instant::now() + Duration::from_secs(60);
    let scraped = loop {
        let result = query(web, "scrape_samples_scraped").unwrap_or_default();
        if let Some(first) = result.first() {
            break first["value"][1]
                .as_str()
                .unwrap()
                .parse::<usize>()
                .unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus never scraped the target"
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    let up = query(web, "up").unwrap();
    assert_eq!(up[0]["value"][1], "1", "{up:?}");

    // Every sample line of the OpenMetrics exposition was ingested.
    let om = registry.encode_to_string(metrics_schema_runtime::Format::OpenMetrics);
    let lines = om.lines().filter(|l| !l.starts_with('#')).count();
    assert_eq!(scraped, lines);

    // Values and label values as recorded.
    let stop = query(
        web,
        "vllm:request_success_total{finished_reason=\"stop\",engine=\"0\"}",
    )
    .unwrap();
    assert_eq!(stop.len(), 1);
    assert_eq!(stop[0]["value"][1], "1000000");
    let hostile = query(web, "demo_hostile_labels").unwrap();
    let values: BTreeSet<String> = hostile
        .iter()
        .map(|s| s["metric"]["value"].as_str().unwrap_or("").to_owned())
        .collect();
    let expected: BTreeSet<String> = demo::HOSTILE_VALUES.iter().map(|s| s.to_string()).collect();
    // Prometheus drops a label whose value is empty, so "" reads back as absent ("").
    assert_eq!(values, expected);
    let count = query(
        web,
        "vllm:e2e_request_latency_seconds_count{model_name=\"meta-llama/Llama-3.1-8B-Instruct\"}",
    )
    .unwrap();
    assert_eq!(count[0]["value"][1], "9");
    let inf = query(
        web,
        "vllm:e2e_request_latency_seconds_bucket{le=\"+Inf\",engine=\"0\"}",
    )
    .unwrap();
    assert_eq!(inf[0]["value"][1], "9");
    let _ = std::fs::remove_dir_all(&dir);
}
