//! Reading a fleet's state from a Prometheus server's HTTP API (feature `http`): target
//! metadata (`/api/v1/targets/metadata`), the series of the last minutes
//! (`/api/v1/series`), and the loaded rules (`/api/v1/rules`). Two requests for the whole
//! fleet — never one per instance — each bounded by the time and size limits of
//! [`super::fetch::Limits`]; an API error is reported with Prometheus's own message.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::fetch::{FetchError, Limits};
use super::fleet::{Meta, Target};

/// How far back `/api/v1/series` looks: series of targets scraped in the last 5 minutes.
pub const LOOKBACK_SECS: u64 = 300;

/// Reads the targets that match `selector` (label matchers such as `{job="vllm"}`):
/// their metadata and the label sets of their recent series.
pub fn targets(base: &str, selector: &str, limits: Limits) -> Result<Vec<Target>, FetchError> {
    let base = base.trim_end_matches('/');
    let metadata = get(
        &format!(
            "{base}/api/v1/targets/metadata?match_target={}",
            encode(selector)
        ),
        limits,
    )?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let series = get(
        &format!(
            "{base}/api/v1/series?match[]={}&start={}&end={now}",
            encode(selector),
            now.saturating_sub(LOOKBACK_SECS)
        ),
        limits,
    )?;
    let mut by_target: BTreeMap<(String, String), Target> = BTreeMap::new();
    let key = |labels: &Value| {
        let s = |k: &str| labels[k].as_str().unwrap_or("").to_owned();
        (s("job"), s("instance"))
    };
    for m in metadata.as_array().into_iter().flatten() {
        let (job, instance) = key(&m["target"]);
        let t = by_target
            .entry((job.clone(), instance.clone()))
            .or_insert_with(|| Target {
                job,
                instance,
                ..Target::default()
            });
        let s = |k: &str| m[k].as_str().unwrap_or("").to_owned();
        t.families.push(Meta {
            name: s("metric"),
            kind: s("type"),
            help: s("help"),
            unit: s("unit"),
        });
    }
    for labels in series.as_array().into_iter().flatten() {
        let (job, instance) = key(labels);
        let t = by_target
            .entry((job.clone(), instance.clone()))
            .or_insert_with(|| Target {
                job,
                instance,
                ..Target::default()
            });
        let set: Vec<(String, String)> = labels
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
            .collect();
        t.series.push(set);
    }
    Ok(by_target.into_values().collect())
}

/// A rule loaded into Prometheus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedRule {
    /// The rule group.
    pub group: String,
    /// The file the group was loaded from.
    pub file: String,
    /// The alert name or the recorded series.
    pub name: String,
    /// `alerting` or `recording`.
    pub kind: String,
    /// The PromQL expression.
    pub query: String,
}

/// The rules Prometheus has loaded (`/api/v1/rules`).
pub fn rules(base: &str, limits: Limits) -> Result<Vec<LoadedRule>, FetchError> {
    let base = base.trim_end_matches('/');
    let data = get(&format!("{base}/api/v1/rules"), limits)?;
    let mut out = Vec::new();
    for g in data["groups"].as_array().into_iter().flatten() {
        let s = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_owned();
        for r in g["rules"].as_array().into_iter().flatten() {
            out.push(LoadedRule {
                group: s(g, "name"),
                file: s(g, "file"),
                name: s(r, "name"),
                kind: s(r, "type"),
                query: s(r, "query"),
            });
        }
    }
    Ok(out)
}

/// GETs an API endpoint; the `data` of a successful answer.
fn get(url: &str, limits: Limits) -> Result<Value, FetchError> {
    let fail = |message: String| FetchError {
        url: url.to_owned(),
        message,
    };
    if !url.starts_with("http://") {
        return Err(fail(
            "expected an `http://host:port` Prometheus URL".to_owned(),
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| {
        fail(match e {
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "connection refused: is Prometheus running there?".to_owned()
            }
            ureq::Error::Timeout(_) => format!(
                "no complete answer within {}s",
                limits.timeout.as_secs_f64()
            ),
            other => other.to_string(),
        })
    })?;
    let status = response.status().as_u16();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|e| {
            fail(match e {
                ureq::Error::BodyExceedsLimit(n) => format!(
                    "the answer is larger than {n} bytes (`--max-bytes` raises the limit; `--match` narrows the targets)"
                ),
                other => other.to_string(),
            })
        })?;
    let json: Value = serde_json::from_slice(&bytes).map_err(|e| {
        fail(format!(
            "the answer (status {status}) is not the Prometheus API's JSON: {e}"
        ))
    })?;
    if json["status"] != "success" {
        return Err(fail(format!(
            "Prometheus refused the query (status {status}): {} {}",
            json["errorType"].as_str().unwrap_or(""),
            json["error"].as_str().unwrap_or("")
        )));
    }
    Ok(json["data"].clone())
}

/// Percent-encodes a query parameter.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
