//! Scraping a `/metrics` endpoint over plain HTTP (feature `http`, on with `cli`): content
//! negotiation for OpenMetrics, a time limit for the whole exchange, a size limit, and an
//! error that says what went wrong for a refused connection, a non-200 status, a wrong
//! content type, a body that is too large or not UTF-8.

use std::fmt;
use std::time::Duration;

use crate::exposition::Format;

/// The `Accept` header of a scrape: OpenMetrics 1.0 first, then the text format, as
/// Prometheus asks.
pub const ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// The default size limit of a scrape: 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 << 20;

/// The default time limit of a scrape.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Limits of one scrape.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Time limit for connecting, sending and reading the whole body.
    pub timeout: Duration,
    /// Largest body accepted, in bytes (after decompression).
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: DEFAULT_TIMEOUT,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// A scraped body and the format its `Content-Type` names.
#[derive(Clone, Debug)]
pub struct Scraped {
    /// The body.
    pub text: String,
    /// The format.
    pub format: Format,
    /// The `Content-Type` as sent.
    pub content_type: String,
}

/// Why a scrape failed.
#[derive(Debug)]
pub struct FetchError {
    /// The URL.
    pub url: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot scrape `{}`: {}", self.url, self.message)
    }
}

impl std::error::Error for FetchError {}

/// GETs `url` with [`ACCEPT`] and returns its body, within `limits`.
pub fn fetch(url: &str, limits: Limits) -> Result<Scraped, FetchError> {
    let fail = |message: String| FetchError {
        url: url.to_owned(),
        message,
    };
    if !url.starts_with("http://") {
        return Err(fail(if url.starts_with("https://") {
            "only plain `http://` URLs are supported (no TLS); scrape through a local port or save the scrape to a file".to_owned()
        } else {
            "expected an `http://host:port/path` URL".to_owned()
        }));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .http_status_as_error(false)
        .max_redirects(3)
        .build()
        .into();
    let secs = limits.timeout.as_secs_f64();
    let describe = |e: ureq::Error| -> String {
        match e {
            ureq::Error::Timeout(_) => {
                format!("no complete response within {secs}s (`--timeout` raises the limit)")
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "connection refused: is the program running and listening on that port?".to_owned()
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                format!("no complete response within {secs}s (`--timeout` raises the limit)")
            }
            ureq::Error::BodyExceedsLimit(limit) => format!(
                "the response is larger than {limit} bytes (`--max-bytes` raises the limit)"
            ),
            other => other.to_string(),
        }
    };
    let mut response = agent
        .get(url)
        .header("Accept", ACCEPT)
        .call()
        .map_err(|e| fail(describe(e)))?;
    let status = response.status();
    if status.as_u16() != 200 {
        return Err(fail(format!(
            "the server answered {status} (expected 200 OK)"
        )));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let format = Format::from_content_type(&content_type).ok_or_else(|| {
        fail(format!(
            "unexpected content type `{content_type}`: a metrics endpoint answers `application/openmetrics-text` or `text/plain`"
        ))
    })?;
    let bytes = response
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|e| fail(describe(e)))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "the response is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(Scraped {
        text,
        format,
        content_type,
    })
}
