//! `schema check-live` and `schema import` from the command line, and the HTTP scrape
//! against misbehaving servers on loopback: a 1 GB response, a slow server, garbage bytes,
//! a refused port, a non-200 status and a wrong content type give clear errors within
//! bounded memory and time.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Output;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use metrics_schema::live::fetch::{Limits, fetch};

use crate::support;

/// Runs `schema` with `args`, and `stdin` (or nothing) on its standard input.
fn schema(args: &[&str], stdin: Option<&str>) -> Output {
    support::schema_stdin(args, stdin.unwrap_or(""))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Writes `content` to a file `name` of this process's scratch directory.
fn tmp(name: &str, content: &str) -> String {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    support::write(
        DIR.get_or_init(|| support::scratch("cli-live")),
        name,
        content.as_bytes(),
    )
}

const CATALOGUE: &str = r#"[catalogue]
namespace = "app"
version = "1.0.5"

[labels.code]
values = ["200", "500"]

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."
labels = ["code"]

[[metric]]
name = "old_usage"
type = "gauge"
help = "Usage."
deprecated = "1.0.0"
replaced_by = "usage_ratio"

[[metric]]
name = "usage_ratio"
type = "gauge"
unit = "ratio"
help = "Usage, from 0 to 1."
"#;

const SCRAPE: &str = "# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total{code=\"200\"} 3
# HELP app_usage_ratio Usage, from 0 to 1.
# TYPE app_usage_ratio gauge
app_usage_ratio 0.5
# HELP app_old_usage Usage. DEPRECATED since 1.0.0: use app_usage_ratio instead.
# TYPE app_old_usage gauge
app_old_usage 0.5
";

#[test]
fn exit_codes_and_formats() {
    let cat = tmp("metrics.toml", CATALOGUE);
    let scrape = tmp("scrape.txt", SCRAPE);
    let out = schema(&["check-live", &cat, "--file", &scrape], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 error(s), 0 warning(s), 0 note(s)"));

    // From stdin, JSON.
    let bad = SCRAPE.replace("code=\"200\"", "code=\"404\"");
    let out = schema(&["check-live", &cat, "-", "--format", "json"], Some(&bad));
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["rule"], "live-undeclared-label-value");
    assert_eq!(json[0]["file"], "<stdin>");
    assert_eq!(json[0]["line"], 3);

    // A warning fails only with --deny warnings; GitHub annotations name the line.
    let warn = SCRAPE.replace(" DEPRECATED since 1.0.0: use app_usage_ratio instead.", "");
    let path = tmp("warn.txt", &warn);
    let out = schema(
        &["check-live", &cat, "--file", &path, "--format", "github"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).starts_with(&format!(
            "::warning file={},line=7,",
            path.replace(':', "%3A")
        )),
        "{}",
        text(&out.stdout)
    );
    let out = schema(
        &["check-live", &cat, "--file", &path, "--deny", "warnings"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));

    // Human output: rustc-like, pointing at the scrape line and the catalogue entry.
    let out = schema(&["check-live", &cat, "--file", &path], None);
    let shown = text(&out.stdout);
    assert!(shown.contains("warning[live-missing-notice]"), "{shown}");
    assert!(shown.contains(&format!("--> {path}:7:8")), "{shown}");
    assert!(shown.contains(&format!("{cat}:18:1")), "{shown}");

    // Usage and input errors: 2.
    let out = schema(&["check-live", &cat, "--file", "/nonexistent/scrape"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read scrape"));
    let garbage = tmp("garbage.txt", "app_requests_total{code=\"200\" 3\n");
    let out = schema(&["check-live", &cat, "--file", &garbage], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!("{garbage}:1:")),
        "{}",
        text(&out.stderr)
    );
    let out = schema(&["check-live", &cat, "-"], Some("\u{0}\u{ff}binary"));
    assert_eq!(out.status.code(), Some(2));
    let out = schema(
        &[
            "check-live",
            &cat,
            "--file",
            &scrape,
            "--show-hidden",
            "0.9",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--show-hidden"),
        "{}",
        text(&out.stderr)
    );
    let out = schema(&["check-live", &cat], None);
    assert_eq!(out.status.code(), Some(2));
    // A saved scrape is read within the global input limit, as catalogues are.
    let out = schema(
        &[
            "check-live",
            &cat,
            "--file",
            &scrape,
            "--max-input-size",
            "10",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("larger than the input limit of 10 bytes"),
        "{}",
        text(&out.stderr)
    );

    // The rules are listed and explained.
    let out = schema(&["rules"], None);
    assert!(text(&out.stdout).contains("live-hidden-exposed"));
    let out = schema(&["explain", "live-absent"], None);
    assert!(text(&out.stdout).starts_with("live-absent (live note"));
}

#[test]
fn import_then_check_live_round_trips() {
    let scrape = tmp("import.txt", SCRAPE);
    let out_path = std::path::Path::new(&scrape)
        .with_file_name("imported.toml")
        .display()
        .to_string();
    let out = schema(&["import", &scrape, "-o", &out_path], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("imported 3 metric(s) in namespace `app`"));
    let out = schema(&["lint", &out_path], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("ok (3 metrics)"),
        "{}",
        text(&out.stdout)
    );
    let out = schema(
        &[
            "check-live",
            &out_path,
            "--file",
            &scrape,
            "--version",
            "0.1.0",
            "-D",
            "warnings",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    // Two scrapes merge; stdin works too; a summary goes under `external`.
    let other = "# TYPE app_latency_seconds summary\napp_latency_seconds_sum 1\napp_latency_seconds_count 1\n";
    let out = schema(&["import", &scrape, "-"], Some(other));
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("`app_latency_seconds` listed under `external`"));
    assert!(text(&out.stdout).contains("external = [\n    \"app_latency_seconds\",\n]"));

    let out = schema(&["import"], None);
    assert_eq!(out.status.code(), Some(2));
}

/// A one-shot HTTP server on loopback running `respond` on the first connection.
fn serve(respond: impl FnOnce(TcpStream) + Send + 'static) -> (SocketAddr, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.read(&mut buf);
            respond(stream);
        }
    });
    (addr, handle)
}

fn limits(secs: f64, max: u64) -> Limits {
    Limits {
        timeout: Duration::from_secs_f64(secs),
        max_bytes: max,
    }
}

#[test]
fn a_huge_response_stops_at_the_size_limit() {
    let (addr, server) = serve(|mut s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: 1073741824\r\n\r\n",
        );
        let chunk = vec![b'#'; 1 << 16];
        // 1 GiB, unless the client hangs up first.
        for _ in 0..(1 << 14) {
            if s.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    let err = fetch(&format!("http://{addr}/metrics"), limits(30.0, 1 << 20)).unwrap_err();
    assert!(err.message.contains("larger than 1048576 bytes"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));
    drop(server);
}

#[test]
fn a_slow_server_hits_the_time_limit() {
    let (addr, server) = serve(|mut s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n",
        );
        for _ in 0..100 {
            if s.write_all(b"#").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let started = Instant::now();
    let err = fetch(&format!("http://{addr}/metrics"), limits(1.0, 1 << 20)).unwrap_err();
    assert!(err.message.contains("within 1s"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    drop(server);
}

#[test]
fn refused_non_200_wrong_type_and_garbage() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = fetch(
        &format!("http://127.0.0.1:{port}/metrics"),
        Limits::default(),
    )
    .unwrap_err();
    assert!(err.message.contains("connection refused"), "{err}");

    let (addr, _s) = serve(|mut s| {
        let _ = s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    });
    let err = fetch(&format!("http://{addr}/metrics"), Limits::default()).unwrap_err();
    assert!(err.message.contains("404"), "{err}");

    let (addr, _s) = serve(|mut s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>",
        );
    });
    let err = fetch(&format!("http://{addr}/metrics"), Limits::default()).unwrap_err();
    assert!(err.message.contains("content type `text/html`"), "{err}");

    let (addr, _s) = serve(|mut s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\n\xff\xfe\x00\x01");
    });
    let err = fetch(&format!("http://{addr}/metrics"), Limits::default()).unwrap_err();
    assert!(err.message.contains("not UTF-8"), "{err}");

    let (addr, _s) = serve(|mut s| {
        let _ = s.write_all(b"garbage, not HTTP at all\r\n\r\n");
    });
    assert!(fetch(&format!("http://{addr}/metrics"), Limits::default()).is_err());

    // The CLI: exit code 2 with the reason.
    let cat = tmp("refused.toml", CATALOGUE);
    let out = schema(
        &[
            "check-live",
            &cat,
            "--url",
            &format!("http://127.0.0.1:{port}/metrics"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("connection refused"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn content_negotiation_asks_for_openmetrics() {
    let (tx, rx) = std::sync::mpsc::channel();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).unwrap();
        tx.send(String::from_utf8_lossy(&buf[..n]).into_owned())
            .unwrap();
        let body = "# TYPE app_usage_ratio gauge\napp_usage_ratio 1\n# EOF\n";
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
    });
    let scraped = fetch(&format!("http://{addr}/metrics"), Limits::default()).unwrap();
    assert_eq!(scraped.format.as_str(), "openmetrics");
    let request = rx.recv().unwrap().to_ascii_lowercase();
    assert!(
        request.contains("accept: application/openmetrics-text;version=1.0.0"),
        "{request}"
    );
    server.join().unwrap();
}

/// A loopback stand-in for Prometheus's HTTP API: answers each path with a canned body.
fn fake_prometheus(answers: Vec<(&'static str, String)>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut s) = stream else { return };
            let mut buf = vec![0u8; 8192];
            let n = s.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).into_owned();
            let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
            let body = answers
                .iter()
                .find(|(prefix, _)| path.starts_with(prefix))
                .map_or_else(
                    || {
                        r#"{"status":"error","errorType":"bad_data","error":"unknown path"}"#
                            .to_owned()
                    },
                    |(_, b)| b.clone(),
                );
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    addr
}

#[test]
fn fleet_check_and_loaded_rules_through_the_prometheus_api() {
    let metadata = r#"{"status":"success","data":[
        {"target":{"instance":"a:1","job":"app"},"metric":"app_requests","type":"counter","help":"Requests served.","unit":""},
        {"target":{"instance":"b:1","job":"app"},"metric":"app_requests","type":"counter","help":"Requests served.","unit":""},
        {"target":{"instance":"b:1","job":"app"},"metric":"app_extra","type":"gauge","help":"Extra.","unit":""}]}"#;
    let series = r#"{"status":"success","data":[
        {"__name__":"app_requests_total","code":"200","instance":"a:1","job":"app"},
        {"__name__":"app_requests_total","code":"200","instance":"b:1","job":"app"},
        {"__name__":"app_extra","instance":"b:1","job":"app"},
        {"__name__":"app_usage_ratio","instance":"a:1","job":"app"},
        {"__name__":"app_usage_ratio","instance":"b:1","job":"app"}]}"#;
    let rules = r#"{"status":"success","data":{"groups":[{"name":"app","file":"r.yml","rules":[
        {"type":"alerting","name":"Busy","query":"app_old_usage > 0.9"},
        {"type":"recording","name":"app:requests:rate1m","query":"rate(app_requests_total[1m])"}]}]}}"#;
    let addr = fake_prometheus(vec![
        ("/api/v1/targets/metadata", metadata.to_owned()),
        ("/api/v1/series", series.to_owned()),
        ("/api/v1/rules", rules.to_owned()),
    ]);
    let cat = tmp("fleet.toml", CATALOGUE);
    let url = format!("http://{addr}");
    let out = schema(
        &[
            "check-live",
            &cat,
            "--prometheus",
            &url,
            "--match",
            "{job=\"app\"}",
        ],
        None,
    );
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}{}", text(&out.stderr));
    assert!(
        shown.contains(
            "error[live-unknown-metric]: `app_extra` (gauge) is exposed but not declared"
        ),
        "{shown}"
    );
    assert!(shown.contains("= on 1 instance of job app: b:1"), "{shown}");
    // The deprecated metric is absent everywhere: one note for both instances.
    assert!(
        shown.contains("= on 2 instances of job app: a:1, b:1"),
        "{shown}"
    );
    assert!(shown.contains("2 target(s) of"), "{shown}");

    let out = schema(
        &[
            "check-refs",
            &cat,
            "--prometheus",
            &url,
            "--version",
            "1.1.0",
        ],
        None,
    );
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}{}", text(&out.stderr));
    assert!(
        shown.contains("group `app`, rule `Busy`: `app_old_usage` is hidden at 1.1.0"),
        "{shown}"
    );

    // An API that refuses: exit 2 with Prometheus's message.
    let refusing = fake_prometheus(vec![]);
    let out = schema(
        &[
            "check-live",
            &cat,
            "--prometheus",
            &format!("http://{refusing}"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown path"),
        "{}",
        text(&out.stderr)
    );
}
