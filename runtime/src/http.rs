//! The `/metrics` HTTP endpoint (cargo feature `http`), on tokio, hyper and axum.
//!
//! - `GET /metrics` (and `HEAD`) answers with the format [`negotiate`]
//!   picks from the `Accept` header, gzip-compressed when `Accept-Encoding` allows gzip;
//! - other paths get `404 Not Found`, other methods `405 Method Not Allowed` with an
//!   `Allow` header;
//! - requests are bounded: headers larger than [`MAX_HEADER_BYTES`] get
//!   `431 Request Header Fields Too Large` (from [`serve`]), a body announced larger than
//!   [`MAX_BODY_BYTES`] or sent chunked gets `413 Payload Too Large`, and a client has
//!   [`HEADER_TIMEOUT`] to send its headers.
//!
//! [`serve`] runs a server on a listener; [`router`] (or [`metrics_handler`]) plugs the
//! endpoint into an existing axum application, and [`serve_app`] serves such an
//! application (any axum [`Router`]) with the same protections ([`Limits`]): header size,
//! header-read timeout (which is also the idle keep-alive timeout), and a cap on open
//! connections.
//!
//! ```no_run
//! use std::sync::Arc;
//! use metrics_schema_runtime::{http, Registry};
//!
//! # async fn run() -> std::io::Result<()> {
//! let registry = Arc::new(Registry::new());
//! // A dedicated server ...
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9100").await?;
//! tokio::spawn(http::serve(listener, Arc::clone(&registry)));
//! // ... or a route in the application's own router.
//! let app: axum::Router = axum::Router::new()
//!     .route("/healthz", axum::routing::get(|| async { "ok" }))
//!     .merge(http::router(registry));
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::{Registry, negotiate};

/// The largest request head (request line and headers) [`serve`] reads; larger requests
/// are refused with `431`.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The largest request body accepted (a scrape has none); a larger announced body, or a
/// chunked one, is refused with `413`.
pub const MAX_BODY_BYTES: u64 = 1024;

/// How long [`serve`] waits for a client's request headers: from the moment the
/// connection is ready for a request (just accepted, or idle after a response on a
/// keep-alive connection) to the end of the headers. A connection that sends nothing
/// (idle), or its headers a byte at a time (slowloris), is closed then.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The most connections [`serve`] keeps open at once; further clients wait in the
/// listener's backlog until one closes, so the process never runs out of file descriptors
/// because of its clients.
pub const MAX_CONNECTIONS: usize = 1024;

/// The limits of a server run by [`serve_app`] (and [`serve`]). The defaults are
/// [`MAX_HEADER_BYTES`], [`HEADER_TIMEOUT`] and [`MAX_CONNECTIONS`]; bodies are limited by
/// the application's routes (the `/metrics` handler refuses any over [`MAX_BODY_BYTES`]).
///
/// ```
/// use std::time::Duration;
/// use metrics_schema_runtime::http::Limits;
///
/// let mut limits = Limits::default();
/// limits.header_timeout = Duration::from_secs(5);
/// limits.max_connections = 256;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest request head (request line and headers) read; larger ones get `431`.
    pub max_header_bytes: usize,
    /// How long a connection may take to send a request's headers, counted from when it is
    /// ready for one (accepted, or idle after a response): the header-read timeout and the
    /// idle keep-alive timeout.
    pub header_timeout: Duration,
    /// The most connections open at once (at least 1).
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_header_bytes: MAX_HEADER_BYTES,
            header_timeout: HEADER_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// A router serving `GET /metrics` from `registry`, to use on its own or merged into an
/// application's router (`app.merge(router(registry))`).
pub fn router(registry: Arc<Registry>) -> Router {
    Router::new()
        .route("/metrics", get(metrics_handler))
        .with_state(registry)
}

/// The `/metrics` handler, for mounting at another path:
/// `Router::new().route("/internal/metrics", get(metrics_handler)).with_state(registry)`.
pub async fn metrics_handler(
    State(registry): State<Arc<Registry>>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = oversized_body(&headers) {
        return refusal;
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let negotiated = negotiate(accept);
    let mut body = Vec::new();
    registry.encode(negotiated.format, &mut body);
    let gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(accepts_gzip);
    let mut response_headers = HeaderMap::new();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(negotiated.content_type),
    );
    response_headers.insert(
        header::VARY,
        HeaderValue::from_static("accept, accept-encoding"),
    );
    if gzip {
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(body.len() / 4),
            flate2::Compression::fast(),
        );
        let compressed = encoder.write_all(&body).and_then(|()| encoder.finish());
        match compressed {
            Ok(compressed) => {
                body = compressed;
                response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            Err(e) => {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("gzip compression failed: {e}\n"),
                )
                    .into_response();
            }
        }
    }
    (response_headers, Body::from(body)).into_response()
}

/// `413` for a request announcing a body over [`MAX_BODY_BYTES`] or sending one chunked.
fn oversized_body(headers: &HeaderMap) -> Option<Response> {
    let too_long = headers
        .get(header::CONTENT_LENGTH)
        .map(|v| {
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .is_none_or(|n| n > MAX_BODY_BYTES)
        })
        .unwrap_or(false);
    let chunked = headers.contains_key(header::TRANSFER_ENCODING);
    (too_long || chunked).then(|| {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body refused: at most {MAX_BODY_BYTES} bytes, not chunked\n"),
        )
            .into_response()
    })
}

/// Whether an `Accept-Encoding` value allows gzip (`gzip` or `*` with a non-zero q).
fn accepts_gzip(value: &str) -> bool {
    let mut gzip = None;
    let mut star = None;
    for coding in value.split(',') {
        let mut parts = coding.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q_zero = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        match name.as_str() {
            "gzip" | "x-gzip" => gzip = Some(!q_zero),
            "*" => star = Some(!q_zero),
            _ => {}
        }
    }
    gzip.or(star).unwrap_or(false)
}

/// Serves `GET /metrics` from `registry` on `listener` until an I/O error stops
/// accepting.
pub async fn serve(listener: TcpListener, registry: Arc<Registry>) -> std::io::Result<()> {
    serve_with_shutdown(listener, registry, std::future::pending()).await
}

/// [`serve`] until `shutdown` completes, then until the connections accepted have finished
/// their requests (see [`serve_app`]).
pub async fn serve_with_shutdown(
    listener: TcpListener,
    registry: Arc<Registry>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    serve_app(listener, router(registry), &Limits::default(), shutdown).await
}

/// Serves `app` (an application's router, which may include [`router`]) on `listener`
/// within `limits`, until `shutdown` completes (a failed accept, such as running out of
/// file descriptors for a moment, is retried after a short pause).
///
/// At most `limits.max_connections` connections are open at once: further clients wait in
/// the listener's backlog. A connection is closed when its request headers take longer than
/// `limits.header_timeout` (counted from when it is ready for a request, so idle and
/// keep-alive connections too) or are larger than `limits.max_header_bytes` (answered
/// with `431`). When `shutdown` completes, no connection is accepted any more, idle ones
/// close, and the function returns once the requests in flight are answered (wrap it in a
/// timeout to bound that wait).
///
/// ```no_run
/// use std::sync::Arc;
/// use metrics_schema_runtime::{http, Registry};
///
/// # async fn run() -> std::io::Result<()> {
/// let registry = Arc::new(Registry::new());
/// let app = axum::Router::new()
///     .route("/healthz", axum::routing::get(|| async { "ok" }))
///     .merge(http::router(registry));
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
/// http::serve_app(listener, app, &http::Limits::default(), std::future::pending()).await
/// # }
/// ```
pub async fn serve_app(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let permits = Arc::new(Semaphore::new(slots));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free slot first, so that a full server leaves clients in the backlog instead
        // of accepting (and holding a descriptor for) connections it cannot serve.
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // never closed
            },
            () = &mut shutdown => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Per-connection failures (reset before accept, out of file descriptors for
            // a moment) must not stop the server; back off briefly and go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop_rx.clone();
        let (max_header_bytes, header_timeout) = (limits.max_header_bytes, limits.header_timeout);
        tokio::spawn(async move {
            let _permit = permit; // the slot is free again when the connection ends
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .max_buf_size(max_header_bytes.max(MIN_BUF_SIZE))
                .max_header_size(max_header_bytes)
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            // A client that misbehaves only ends its own connection.
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stop.wait_for(|&stop| stop) => {}
            }
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection holds a slot: all slots back means all connections are done.
    let _ = permits.acquire_many(slots as u32).await;
    Ok(())
}

/// hyper's smallest read buffer: `max_buf_size` below it panics.
const MIN_BUF_SIZE: usize = 8192;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_acceptance() {
        assert!(accepts_gzip("gzip"));
        assert!(accepts_gzip("deflate, gzip;q=0.5"));
        assert!(accepts_gzip("*"));
        assert!(accepts_gzip("GZIP"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("gzip;q=0.0, *"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip("br, deflate"));
        assert!(!accepts_gzip(""));
    }
}
