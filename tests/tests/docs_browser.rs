//! The generated HTML reference in a real browser: Debian's headless Chromium, driven over
//! the DevTools protocol (a small client on `tungstenite`).
//!
//! The page is the vLLM example at 0.11.2: active, deprecated, hidden and removed metrics
//! (`num_requests_swapped`, deprecated in 0.8, is removed by 0.11). The test checks that the
//! page loads with no console error, no exception and no network request; that typing in
//! the filter box narrows the list; that the status checkboxes work; and that deprecated,
//! hidden and removed metrics carry visible, distinct badges. It saves the page and a
//! screenshot under `target/test-artifacts/`.
//!
//! Ignored when `chromium` is absent (cfg `has_chromium`), unless `CI` is set.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use metrics_schema::catalogue::{Catalogue, Metric};
use metrics_schema::docs::{self, Format};
use metrics_schema::lifecycle::{Status, Version};
use metrics_schema::{Options, check};
use metrics_schema_tests::{tool, workspace_root};
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

const VERSION: &str = "0.11.2";

fn catalogue() -> Catalogue {
    let example =
        std::fs::read_to_string(workspace_root().join("examples/vllm/metrics.toml")).unwrap();
    let checked = check(&example, "metrics.toml", &Options::default());
    assert!(!checked.has_errors(), "{}", checked.render_plain());
    checked.catalogue.unwrap()
}

fn page() -> String {
    docs::generate(
        &catalogue(),
        &Version::parse(VERSION).unwrap(),
        Format::Html,
    )
}

/// The anchors of the metrics documented at [`VERSION`] (introduced by then) that `keep`
/// selects, sorted.
fn documented(keep: impl Fn(&Metric, Status) -> bool) -> Vec<String> {
    let at = Version::parse(VERSION).unwrap();
    let mut anchors: Vec<String> = catalogue()
        .metrics
        .iter()
        .filter(|m| m.is_introduced_at(&at) && keep(m, m.status_at(&at)))
        .map(|m| m.full_name.replace(':', "-"))
        .collect();
    anchors.sort();
    anchors
}

/// The metrics the filter box keeps for `words`: every word is in the full name, help,
/// type, status, group, replacement, note, unit or a label name.
fn matching(words: &str) -> Vec<String> {
    documented(|m, status| {
        let mut text = format!("{} {} {} {}", m.full_name, m.help, m.kind, status);
        for part in [&m.group, &m.replacement, &m.note, &m.unit]
            .into_iter()
            .flatten()
        {
            text = format!("{text} {part}");
        }
        for l in &m.labels {
            text = format!("{text} {}", l.name);
        }
        let text = text.to_lowercase();
        words.split_whitespace().all(|w| text.contains(w))
    })
}

fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let dir = target.join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Chromium, killed and its profile removed on drop.
struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Starts headless Chromium and returns it with its DevTools WebSocket URL.
fn launch(chromium: &Path) -> (Browser, String) {
    let profile = std::env::temp_dir().join(format!("docs-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
            "about:blank",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("ws://") {
                let _ = tx.send(line[at..].trim().to_owned());
            }
        }
    });
    let browser = Browser { child, profile };
    let url = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("Chromium printed no DevTools URL within 30 s");
    (browser, url)
}

/// A DevTools protocol connection to one page (a flattened target session).
struct Cdp {
    ws: WebSocket<TcpStream>,
    session: Option<String>,
    next_id: u64,
    events: Vec<Value>,
    deadline: Instant,
}

impl Cdp {
    fn connect(url: &str) -> Cdp {
        let host = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let stream = TcpStream::connect(&host).expect("connect to DevTools");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let (ws, _) = tungstenite::client::client(url, stream).expect("DevTools handshake");
        Cdp {
            ws,
            session: None,
            next_id: 0,
            events: Vec::new(),
            deadline: Instant::now() + Duration::from_secs(60),
        }
    }

    fn read(&mut self) -> Value {
        assert!(
            Instant::now() < self.deadline,
            "the browser test ran out of time"
        );
        loop {
            match self.ws.read().expect("read from DevTools") {
                Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
                Message::Close(_) => panic!("DevTools closed the connection"),
                _ => {}
            }
        }
    }

    /// Calls `method` and returns its result; events read meanwhile are kept.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        self.ws
            .send(Message::text(message.to_string()))
            .expect("send to DevTools");
        loop {
            let reply = self.read();
            if reply["id"] == id {
                if let Some(error) = reply.get("error") {
                    panic!("{method} failed: {error}");
                }
                return reply["result"].clone();
            }
            if reply.get("method").is_some() {
                self.events.push(reply);
            }
        }
    }

    /// Waits for event `method`.
    fn wait_for(&mut self, method: &str) -> Value {
        if let Some(i) = self.events.iter().position(|e| e["method"] == method) {
            return self.events.remove(i);
        }
        loop {
            let event = self.read();
            if event["method"] == method {
                return event;
            }
            if event.get("method").is_some() {
                self.events.push(event);
            }
        }
    }

    /// Evaluates `expression` in the page and returns its value.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("`{expression}` threw: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// Focuses the filter box, replaces its text by typing `text`, and returns the ids of
    /// the metrics still shown.
    fn filter(&mut self, text: &str) -> Vec<String> {
        self.eval(
            "(() => { const f = document.getElementById('filter'); f.focus(); f.select(); })()",
        );
        if text.is_empty() {
            self.call("Input.dispatchKeyEvent", json!({ "type": "keyDown", "key": "Backspace", "code": "Backspace", "windowsVirtualKeyCode": 8 }));
            self.call("Input.dispatchKeyEvent", json!({ "type": "keyUp", "key": "Backspace", "code": "Backspace", "windowsVirtualKeyCode": 8 }));
        } else {
            self.call("Input.insertText", json!({ "text": text }));
        }
        assert_eq!(self.eval("document.getElementById('filter').value"), text);
        self.shown()
    }

    fn shown(&mut self) -> Vec<String> {
        let ids = self.eval(
            "Array.from(document.querySelectorAll('[data-primary]')).filter(e => !e.hidden && e.getClientRects().length > 0).map(e => e.id)",
        );
        ids.as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }
}

#[test]
#[cfg_attr(not(has_chromium), ignore = "chromium not installed")]
fn html_reference_in_headless_chromium() {
    let chromium = tool("chromium", "apt-get install chromium");
    let out = artifacts();
    let html_path = out.join("docs-browser.html");
    std::fs::write(&html_path, page()).unwrap();
    let page_url = format!("file://{}", html_path.display());

    let (_browser, ws_url) = launch(&chromium);
    let mut cdp = Cdp::connect(&ws_url);
    let target = cdp.call("Target.createTarget", json!({ "url": "about:blank" }));
    let attached = cdp.call(
        "Target.attachToTarget",
        json!({ "targetId": target["targetId"], "flatten": true }),
    );
    cdp.session = Some(attached["sessionId"].as_str().unwrap().to_owned());
    for domain in ["Page", "Runtime", "Network", "Log"] {
        cdp.call(&format!("{domain}.enable"), json!({}));
    }
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 1200, "height": 1000, "deviceScaleFactor": 1, "mobile": false }),
    );
    cdp.events.clear();
    cdp.call("Page.navigate", json!({ "url": page_url }));
    cdp.wait_for("Page.loadEventFired");
    assert_eq!(cdp.eval("document.readyState"), "complete");
    assert_eq!(
        cdp.eval("document.title"),
        format!("vllm metrics at {VERSION}")
    );

    // Everything documented at the version is shown at first.
    let total = documented(|_, _| true).len();
    assert!(total > 50, "vLLM 0.11.2 and its removed metrics: {total}");
    let mut all = cdp.shown();
    all.sort();
    assert_eq!(all, documented(|_, _| true));
    assert_eq!(
        cdp.eval("document.getElementById('count').textContent"),
        format!("{total} of {total} metrics")
    );

    // Typing narrows the list.
    let mut shown = cdp.filter("prefix_cache");
    shown.sort();
    let expected = matching("prefix_cache");
    for name in [
        "vllm-gpu_prefix_cache_hits",
        "vllm-gpu_prefix_cache_queries",
        "vllm-prefix_cache_hits",
        "vllm-prefix_cache_queries",
        "vllm-external_prefix_cache_hits",
    ] {
        assert!(
            expected.contains(&name.to_owned()),
            "{name} in {expected:?}"
        );
    }
    assert_eq!(shown, expected);
    assert_eq!(
        cdp.eval("document.getElementById('count').textContent"),
        format!("{} of {total} metrics", expected.len())
    );
    assert_eq!(
        cdp.eval("document.getElementById('latency').hidden"),
        true,
        "a group without matches is hidden"
    );
    assert_eq!(
        cdp.eval("document.getElementById('kv-cache').hidden"),
        false
    );
    // Every word must match.
    let mut shown = cdp.filter("gpu hits");
    shown.sort();
    assert!(shown.contains(&"vllm-gpu_prefix_cache_hits".to_owned()));
    assert!(!shown.contains(&"vllm-gpu_prefix_cache_queries".to_owned()));
    assert_eq!(shown, matching("gpu hits"));
    assert_eq!(cdp.filter("swapped"), ["vllm-num_requests_swapped"]);
    assert!(cdp.filter("no-such-metric").is_empty());
    assert_eq!(
        cdp.eval("document.getElementById('no-match').hidden"),
        false
    );
    assert_eq!(cdp.filter("").len(), total);
    assert_eq!(cdp.eval("document.getElementById('no-match').hidden"), true);

    // Deprecated, hidden and removed metrics are visibly marked, each in its own colour.
    let marks = cdp.eval(
        r#"(() => {
            const out = {};
            for (const status of ["active", "deprecated", "hidden", "removed"]) {
                const entry = document.querySelector(`[data-primary][data-status="${status}"]`);
                const badge = entry.querySelector(`.badge-${status}`);
                const box = badge.getBoundingClientRect();
                const style = getComputedStyle(badge);
                out[status] = {
                    text: badge.textContent,
                    visible: box.width > 0 && box.height > 0 && style.visibility === "visible" && style.display !== "none",
                    background: style.backgroundColor,
                    color: style.color,
                };
            }
            const removed = document.querySelector('[data-status="removed"] .removed-name');
            out.removed.struck = getComputedStyle(removed).textDecorationLine;
            return out;
        })()"#,
    );
    let mut backgrounds = Vec::new();
    for status in ["active", "deprecated", "hidden", "removed"] {
        let mark = &marks[status];
        assert_eq!(mark["text"], status, "{marks}");
        assert_eq!(
            mark["visible"], true,
            "{status} badge is not visible: {marks}"
        );
        assert_ne!(mark["background"], mark["color"], "{marks}");
        assert_ne!(
            mark["background"], "rgba(0, 0, 0, 0)",
            "{status} badge has no colour: {marks}"
        );
        backgrounds.push(mark["background"].as_str().unwrap().to_owned());
    }
    backgrounds.sort();
    backgrounds.dedup();
    assert_eq!(backgrounds.len(), 4, "badges share a colour: {marks}");
    assert_eq!(marks["removed"]["struck"], "line-through", "{marks}");

    // The status checkboxes: without active metrics, the deprecated, hidden and removed ones.
    cdp.eval("document.querySelector('input[data-toggle=\"active\"]').click()");
    let mut shown = cdp.shown();
    shown.sort();
    let not_active = documented(|_, status| status != Status::Active);
    for name in [
        "vllm-gpu_cache_usage_perc",
        "vllm-gpu_prefix_cache_hits",
        "vllm-num_requests_swapped",
        "vllm-time_per_output_token_seconds",
    ] {
        assert!(not_active.contains(&name.to_owned()), "{name}");
    }
    assert_eq!(shown, not_active);
    cdp.eval("window.scrollTo(0, 0)");
    let shot = cdp.call("Page.captureScreenshot", json!({ "format": "png" }));
    let png = data_encoding::BASE64
        .decode(shot["data"].as_str().unwrap().as_bytes())
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let shot_path = out.join("docs-browser.png");
    std::fs::write(&shot_path, png).unwrap();
    eprintln!("screenshot: {}", shot_path.display());

    // No console error, no exception, no network request from beginning to end.
    cdp.eval("1");
    let mut problems = Vec::new();
    for event in &cdp.events {
        let params = &event["params"];
        match event["method"].as_str().unwrap_or("") {
            "Runtime.exceptionThrown" => problems.push(format!("exception: {params}")),
            "Runtime.consoleAPICalled"
                if matches!(
                    params["type"].as_str(),
                    Some("error" | "warning" | "assert")
                ) =>
            {
                problems.push(format!("console {}: {}", params["type"], params["args"]));
            }
            "Log.entryAdded"
                if matches!(params["entry"]["level"].as_str(), Some("error" | "warning")) =>
            {
                problems.push(format!("log: {}", params["entry"]));
            }
            "Network.requestWillBeSent" => {
                let url = params["request"]["url"].as_str().unwrap_or("");
                if url != page_url && !url.starts_with("data:") {
                    problems.push(format!("network request: {url}"));
                }
            }
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    let loaded: Vec<&str> = cdp
        .events
        .iter()
        .filter(|e| e["method"] == "Network.requestWillBeSent")
        .filter_map(|e| e["params"]["request"]["url"].as_str())
        .collect();
    assert_eq!(loaded, [page_url.as_str()], "the page alone is loaded");
}
