//! The bearer token: with `--token-file`, every request but `/healthz` must carry
//! `Authorization: Bearer <token>`; the comparison takes the same time wherever the tokens
//! differ, so that timing tells nothing of the token.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::problem::Problem;

/// The shortest token accepted: one that can be guessed protects nothing.
const MIN_TOKEN_LEN: usize = 16;

/// The token in `path`: its first line, trimmed; refused when it is short.
pub fn read_token(path: &Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: cannot read the token: {}",
            path.display(),
            e.to_string().to_lowercase()
        )
    })?;
    let token = text.lines().next().unwrap_or_default().trim();
    if token.len() < MIN_TOKEN_LEN {
        return Err(format!(
            "{}: the token must be at least {MIN_TOKEN_LEN} characters on its first line",
            path.display()
        ));
    }
    Ok(token.as_bytes().to_vec())
}

/// Lets a request through when it carries the token (or none is set, or it asks for
/// `/healthz`); otherwise `401` with a problem.
pub async fn require_token(
    State(token): State<Arc<Option<Vec<u8>>>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(token) = token.as_ref() else {
        return next.run(req).await;
    };
    if req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(g) if bool::from(g.as_bytes().ct_eq(token)) => next.run(req).await,
        _ => unauthorized(given.is_some()),
    }
}

fn unauthorized(given: bool) -> Response {
    let detail = if given {
        "the bearer token is not the server's"
    } else {
        "send the server's token as `Authorization: Bearer <token>`"
    };
    let mut res = Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).into_response();
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"blankett\""),
    );
    res
}
