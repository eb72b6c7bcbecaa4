//! The OpenAI-style completions API: strict parsing and validation of requests, and the
//! JSON bodies of responses, stream chunks and errors.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::events::FinishReason;
use crate::sim::tokenize;

/// The largest request body accepted; larger ones get `413`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The largest `n` accepted.
pub const MAX_N: u32 = 16;

/// A refused request: status and message, rendered as an OpenAI-style error body
/// `{"object": "error", "message", "type", "param", "code"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What is wrong, for a human.
    pub message: String,
    /// The request field at fault, if any.
    pub param: Option<&'static str>,
}

impl ApiError {
    /// A `400 Bad Request` about `param`.
    pub fn bad_request(message: impl Into<String>, param: Option<&'static str>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            param,
        }
    }

    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            param: None,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let kind = match self.status {
            StatusCode::BAD_REQUEST => "BadRequestError",
            StatusCode::NOT_FOUND => "NotFoundError",
            StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowedError",
            StatusCode::PAYLOAD_TOO_LARGE => "RequestTooLargeError",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "UnsupportedMediaTypeError",
            s if s.is_server_error() => "InternalServerError",
            _ => "InvalidRequestError",
        };
        json!({
            "object": "error",
            "message": self.message,
            "type": kind,
            "param": self.param,
            "code": self.status.as_u16(),
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

/// A response with a JSON body.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The request body as sent: only these fields are accepted.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    model: Option<String>,
    prompt: String,
    max_tokens: Option<i64>,
    n: Option<i64>,
    stream: Option<bool>,
}

/// A validated completion request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// Prompt token ids.
    pub prompt: Vec<u32>,
    /// Tokens to generate at most per choice.
    pub max_tokens: u32,
    /// Choices.
    pub n: u32,
    /// Answer as server-sent events.
    pub stream: bool,
}

/// Parses and validates a request body for an engine serving `model` with a context of
/// `max_model_len` tokens.
pub fn parse_request(
    body: &[u8],
    model: &str,
    max_model_len: usize,
) -> Result<Completion, ApiError> {
    let raw: RawRequest = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}"), None))?;
    if let Some(requested) = &raw.model
        && requested != model
    {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "The model `{requested}` does not exist; this server serves `{model}`."
            ),
            param: Some("model"),
        });
    }
    let prompt = tokenize(&raw.prompt);
    if prompt.is_empty() {
        return Err(ApiError::bad_request(
            "prompt must contain at least one token",
            Some("prompt"),
        ));
    }
    if prompt.len() >= max_model_len {
        return Err(ApiError::bad_request(
            format!(
                "the prompt has {} tokens; this model's maximum context length is {max_model_len} \
                 tokens, and at least one must be left to generate",
                prompt.len()
            ),
            Some("prompt"),
        ));
    }
    let room = (max_model_len - prompt.len()) as i64;
    let max_tokens = raw.max_tokens.unwrap_or(16);
    if !(1..=room).contains(&max_tokens) {
        return Err(ApiError::bad_request(
            format!(
                "max_tokens must be between 1 and {room} (the context length {max_model_len} minus \
                 the prompt's {} tokens), got {max_tokens}",
                prompt.len()
            ),
            Some("max_tokens"),
        ));
    }
    let n = raw.n.unwrap_or(1);
    if !(1..=i64::from(MAX_N)).contains(&n) {
        return Err(ApiError::bad_request(
            format!("n must be between 1 and {MAX_N}, got {n}"),
            Some("n"),
        ));
    }
    Ok(Completion {
        prompt,
        max_tokens: max_tokens as u32,
        n: n as u32,
        stream: raw.stream.unwrap_or(false),
    })
}

/// Identity of a response: id, creation time and model.
#[derive(Clone, Debug)]
pub struct ResponseMeta {
    /// `cmpl-...`.
    pub id: String,
    /// Unix seconds.
    pub created: u64,
    /// The served model.
    pub model: String,
}

/// One finished choice of a non-streamed response.
#[derive(Clone, Debug, Default)]
pub struct Choice {
    /// The generated text.
    pub text: String,
    /// Generated tokens.
    pub tokens: u32,
    /// Why it ended.
    pub finish_reason: Option<FinishReason>,
}

/// The body of a non-streamed response.
pub fn completion_body(meta: &ResponseMeta, prompt_tokens: u32, choices: &[Choice]) -> Value {
    let completion_tokens: u32 = choices.iter().map(|c| c.tokens).sum();
    json!({
        "id": meta.id,
        "object": "text_completion",
        "created": meta.created,
        "model": meta.model,
        "choices": choices.iter().enumerate().map(|(i, c)| json!({
            "index": i,
            "text": c.text,
            "logprobs": null,
            "finish_reason": c.finish_reason.map(FinishReason::as_str),
        })).collect::<Vec<_>>(),
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    })
}

/// One server-sent event carrying `text` (one token) or the end of a choice.
pub fn stream_chunk(
    meta: &ResponseMeta,
    choice: u32,
    text: &str,
    finish: Option<FinishReason>,
) -> String {
    let chunk = json!({
        "id": meta.id,
        "object": "text_completion",
        "created": meta.created,
        "model": meta.model,
        "choices": [{
            "index": choice,
            "text": text,
            "logprobs": null,
            "finish_reason": finish.map(FinishReason::as_str),
        }],
    });
    format!("data: {chunk}\n\n")
}

/// The event that ends a stream.
pub const STREAM_DONE: &str = "data: [DONE]\n\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Completion, ApiError> {
        parse_request(body.as_bytes(), "m", 100)
    }

    #[test]
    fn valid_requests() {
        let c = parse(r#"{"prompt": "a b c", "max_tokens": 5, "n": 2, "stream": true}"#).unwrap();
        assert_eq!(c.prompt.len(), 3);
        assert_eq!((c.max_tokens, c.n, c.stream), (5, 2, true));
        let c = parse(r#"{"model": "m", "prompt": "hello"}"#).unwrap();
        assert_eq!((c.max_tokens, c.n, c.stream), (16, 1, false));
        // The largest max_tokens that fits.
        assert_eq!(
            parse(r#"{"prompt": "x y", "max_tokens": 98}"#)
                .unwrap()
                .max_tokens,
            98
        );
    }

    #[test]
    fn refusals_name_the_field() {
        let cases: &[(&str, StatusCode, Option<&str>, &str)] = &[
            ("{", StatusCode::BAD_REQUEST, None, "invalid request body"),
            ("[]", StatusCode::BAD_REQUEST, None, "invalid request body"),
            (
                r#"{"prompt": "a", "temperature": 1}"#,
                StatusCode::BAD_REQUEST,
                None,
                "unknown field `temperature`",
            ),
            (
                r#"{"max_tokens": 3}"#,
                StatusCode::BAD_REQUEST,
                None,
                "missing field `prompt`",
            ),
            (
                r#"{"prompt": 3}"#,
                StatusCode::BAD_REQUEST,
                None,
                "invalid type",
            ),
            (
                r#"{"prompt": "  "}"#,
                StatusCode::BAD_REQUEST,
                Some("prompt"),
                "at least one token",
            ),
            (
                r#"{"prompt": "a", "max_tokens": -1}"#,
                StatusCode::BAD_REQUEST,
                Some("max_tokens"),
                "got -1",
            ),
            (
                r#"{"prompt": "a", "max_tokens": 0}"#,
                StatusCode::BAD_REQUEST,
                Some("max_tokens"),
                "between 1 and 99",
            ),
            (
                r#"{"prompt": "a", "max_tokens": 100}"#,
                StatusCode::BAD_REQUEST,
                Some("max_tokens"),
                "got 100",
            ),
            (
                r#"{"prompt": "a", "max_tokens": 99999999999999999999}"#,
                StatusCode::BAD_REQUEST,
                None,
                "invalid",
            ),
            (
                r#"{"prompt": "a", "max_tokens": 1.5}"#,
                StatusCode::BAD_REQUEST,
                None,
                "invalid type",
            ),
            (
                r#"{"prompt": "a", "n": 0}"#,
                StatusCode::BAD_REQUEST,
                Some("n"),
                "between 1 and 16",
            ),
            (
                r#"{"prompt": "a", "n": 17}"#,
                StatusCode::BAD_REQUEST,
                Some("n"),
                "got 17",
            ),
            (
                r#"{"prompt": "a", "stream": "yes"}"#,
                StatusCode::BAD_REQUEST,
                None,
                "invalid type",
            ),
            (
                r#"{"prompt": "a", "model": "other"}"#,
                StatusCode::NOT_FOUND,
                Some("model"),
                "`other` does not exist",
            ),
        ];
        for (body, status, param, needle) in cases {
            let err = parse(body).unwrap_err();
            assert_eq!(err.status, *status, "{body}");
            assert_eq!(err.param, *param, "{body}");
            assert!(err.message.contains(needle), "{body}: {}", err.message);
            let json = err.body();
            assert_eq!(json["object"], "error");
            assert_eq!(json["code"], status.as_u16());
        }
        let long = format!(r#"{{"prompt": "{}"}}"#, "w ".repeat(100));
        assert_eq!(parse(&long).unwrap_err().param, Some("prompt"));
    }

    #[test]
    fn bodies() {
        let meta = ResponseMeta {
            id: "cmpl-1".into(),
            created: 7,
            model: "m".into(),
        };
        let body = completion_body(
            &meta,
            3,
            &[Choice {
                text: " a b".into(),
                tokens: 2,
                finish_reason: Some(FinishReason::Length),
            }],
        );
        assert_eq!(body["usage"]["total_tokens"], 5);
        assert_eq!(body["choices"][0]["finish_reason"], "length");
        let chunk = stream_chunk(&meta, 1, " a", None);
        let json: Value =
            serde_json::from_str(chunk.strip_prefix("data: ").unwrap().trim()).unwrap();
        assert_eq!(json["choices"][0]["index"], 1);
        assert_eq!(json["choices"][0]["finish_reason"], Value::Null);
    }
}
