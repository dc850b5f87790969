//! The access log: one line on stderr per request, as text or as a JSON object (`--log-format
//! json`, for the city's log collection). No header or body is logged: they may hold the
//! token or personal data.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `GET /api/v1/round 200 3 ms`.
    Text,
    /// `{"time":…,"method":"GET","path":"/api/v1/round","status":200,"ms":3}`.
    Json,
}

/// Logs a request once it is answered.
pub async fn access(State(format): State<Format>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    let ms = start.elapsed().as_millis();
    let status = res.status().as_u16();
    line(
        format,
        &serde_json::json!({ "method": method.as_str(), "path": path, "status": status, "ms": ms }),
    );
    res
}

/// Writes one log line: `fields` as text, or as JSON with the time.
pub fn line(format: Format, fields: &serde_json::Value) {
    match format {
        Format::Json => {
            let mut v = fields.clone();
            v["time"] = blankett::rfc3339(std::time::SystemTime::now()).into();
            eprintln!("{v}");
        }
        Format::Text => {
            let words: Vec<String> = fields
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k}={s}"),
                    other => format!("{k}={other}"),
                })
                .collect();
            eprintln!("{}", blankett::for_terminal(&words.join(" ")));
        }
    }
}
