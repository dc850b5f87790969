//! `GET /api/v1/events`: the round's changes as server-sent events, for the page to fetch
//! again what it shows. Each change (a form stored, or recorded as failed) is one event:
//!
//! ```text
//! event: round
//! data: {"submission":"ostermalm-sdn-2022-t1-3f5a1c","at":"2022-05-02T09:14:00Z"}
//!
//! : keep-alive
//! ```
//!
//! with a `: keep-alive` comment after 15 quiet seconds, so that proxies and browsers keep the
//! connection open. The stream ends when the server stops.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::api::App;
use super::forms::RoundChanged;

/// How long the stream stays quiet before a keep-alive comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// `GET /events`.
pub async fn events(State(app): State<Arc<App>>) -> Response {
    let sse = Sse::new(changes(&app))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"));
    // nginx would otherwise hold the events back in its buffer.
    let no_buffering = (
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    ([no_buffering], sse).into_response()
}

/// The round's changes, one event each, until the server stops.
fn changes(app: &App) -> impl Stream<Item = Result<Event, Infallible>> + use<> {
    let clock = app.clock;
    futures_util::stream::unfold(app.forms.subscribe(), move |mut rx| async move {
        let change = match rx.recv().await {
            Ok(c) => c,
            // Changes were missed while this client was slow; the page fetches everything
            // again on any event, so one says enough.
            Err(RecvError::Lagged(_)) => RoundChanged {
                submission: None,
                at: clock(),
            },
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(event(&change)), rx))
    })
}

/// The event of one change.
fn event(change: &RoundChanged) -> Event {
    Event::default().event("round").data(data(change))
}

/// What an event says of a change: the submission stored (or `null`) and when.
fn data(change: &RoundChanged) -> String {
    serde_json::json!({
        "submission": change.submission,
        "at": blankett::rfc3339(change.at),
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_says_which_submission_and_when() {
        let at = std::time::UNIX_EPOCH + Duration::from_secs(1_651_482_840);
        let stored = RoundChanged {
            submission: Some("ostermalm".into()),
            at,
        };
        assert_eq!(
            data(&stored),
            r#"{"submission":"ostermalm","at":"2022-05-02T09:14:00Z"}"#
        );
        let failed = RoundChanged {
            submission: None,
            at,
        };
        assert_eq!(
            data(&failed),
            r#"{"submission":null,"at":"2022-05-02T09:14:00Z"}"#
        );
    }
}
