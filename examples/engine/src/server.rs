//! The HTTP server: `POST /v1/completions` on the simulated engine and `GET /metrics` from
//! the registry (the runtime's `/metrics` handler), with JSON errors everywhere else.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use http_body::Frame;
use metrics_schema_runtime::{Registry, http};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::api::{
    ApiError, Choice, MAX_BODY_BYTES, ResponseMeta, STREAM_DONE, completion_body, json_response,
    parse_request, stream_chunk,
};
use crate::sim::{EngineHandle, Request, SeqEvent, token_text};

/// What the handlers share.
#[derive(Debug)]
pub struct AppState {
    engine: EngineHandle,
    model: String,
    max_model_len: usize,
    next_id: AtomicU64,
}

impl AppState {
    /// State for an engine serving `model` with a context of `max_model_len` tokens.
    pub fn new(engine: EngineHandle, model: String, max_model_len: usize) -> Self {
        AppState {
            engine,
            model,
            max_model_len,
            next_id: AtomicU64::new(0),
        }
    }
}

/// The application: completions, `/metrics` from `registry`, JSON `404`/`405` elsewhere.
pub fn app(state: Arc<AppState>, registry: Arc<Registry>) -> Router {
    Router::new()
        .route(
            "/v1/completions",
            post(completions).fallback(|| async {
                ApiError::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "/v1/completions accepts POST only",
                )
            }),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
        .merge(http::router(registry))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not found") })
}

async fn completions(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ));
    }
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!("request body larger than {MAX_BODY_BYTES} bytes")
        } else {
            rejection.body_text()
        };
        ApiError::new(status, message)
    })?;
    let completion = parse_request(&body, &state.model, state.max_model_len)?;
    let prompt_tokens = completion.prompt.len() as u32;
    let n = completion.n;
    let rx = state
        .engine
        .submit(Request {
            prompt: completion.prompt,
            n,
            max_tokens: completion.max_tokens,
        })
        .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
    let meta = ResponseMeta {
        id: format!(
            "cmpl-{:016x}",
            state.next_id.fetch_add(1, Ordering::Relaxed)
        ),
        created: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        model: state.model.clone(),
    };
    if completion.stream {
        let body = SseBody {
            rx,
            meta,
            unfinished: n,
            queued: VecDeque::new(),
            done: false,
        };
        let mut response = Body::new(body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        return Ok(response);
    }
    // Dropping `rx` (the client went away and hyper dropped this future) aborts the
    // request's sequences.
    let mut rx = rx;
    let mut choices = vec![Choice::default(); n as usize];
    let mut unfinished = n;
    while unfinished > 0 {
        match rx.recv().await {
            Some(SeqEvent::Tokens { choice, tokens }) => {
                let c = &mut choices[choice as usize];
                c.tokens += tokens.len() as u32;
                for t in tokens {
                    c.text.push_str(token_text(t));
                }
            }
            Some(SeqEvent::Finished { choice, reason }) => {
                choices[choice as usize].finish_reason = Some(reason);
                unfinished -= 1;
            }
            None => {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the engine stopped before the request finished",
                ));
            }
        }
    }
    Ok(json_response(
        StatusCode::OK,
        &completion_body(&meta, prompt_tokens, &choices),
    ))
}

/// A streamed response: one server-sent event per token, one per finished choice, then
/// `[DONE]`. Dropping it (the client disconnected) drops the receiver, which aborts the
/// request's unfinished sequences.
struct SseBody {
    rx: UnboundedReceiver<SeqEvent>,
    meta: ResponseMeta,
    unfinished: u32,
    queued: VecDeque<Bytes>,
    done: bool,
}

impl http_body::Body for SseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        loop {
            if let Some(bytes) = this.queued.pop_front() {
                return Poll::Ready(Some(Ok(Frame::data(bytes))));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.unfinished == 0 {
                this.done = true;
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                    STREAM_DONE.as_bytes(),
                )))));
            }
            match this.rx.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    // The engine stopped: end the stream without [DONE].
                    this.done = true;
                }
                Poll::Ready(Some(SeqEvent::Tokens { choice, tokens })) => {
                    let mut text = String::new();
                    for t in tokens {
                        text.push_str(&stream_chunk(&this.meta, choice, token_text(t), None));
                    }
                    this.queued.push_back(Bytes::from(text));
                }
                Poll::Ready(Some(SeqEvent::Finished { choice, reason })) => {
                    this.unfinished -= 1;
                    this.queued.push_back(Bytes::from(stream_chunk(
                        &this.meta,
                        choice,
                        "",
                        Some(reason),
                    )));
                }
            }
        }
    }
}
