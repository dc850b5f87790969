//! The inbox a server watches too (`serve --inbox`), exactly as `watch` watches it: the same
//! loop ([`blankett::Watch`]) on a thread of its own, storing into the output folder under
//! the lock uploads take on `index.json` and `report.json`, so that the two never write them
//! at once. Each form it stores is told on the round-changed channel, as an upload is, and
//! each thing it does is a log line. It stops with the server, a form in hand finished
//! first; should it end by itself (its folder gone), it stops the server.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{Scope, ScopedJoinHandle};

use tokio::sync::Notify;

use blankett::{Config, Event, Locks, Settings, Summary, Wakeup, Watch};

use super::forms::Forms;
use super::log::{self, Format};

/// The inbox to watch, and the locks held on it and on the output folder.
pub struct Inbox {
    /// Where and how, as `watch` takes it.
    pub settings: Settings,
    /// Held for `serve` on the inbox and the output folder.
    pub locks: Locks,
}

/// A watch running on its thread, and what stops it.
pub struct Running<'scope> {
    stop: Arc<AtomicBool>,
    wakeup: Wakeup,
    ended: Arc<Notify>,
    thread: ScopedJoinHandle<'scope, std::io::Result<Summary>>,
}

/// Starts watching: the folders are made and tidied before this returns, so no upload is
/// stored meanwhile (tidying removes temporary files, and with them one an upload would be
/// writing); then the watch runs on a thread of `scope`.
pub fn start<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    cfg: &'env Config,
    inbox: &'env Inbox,
    forms: &'env Forms,
    format: Format,
) -> std::io::Result<Running<'scope>> {
    let watch = Watch::start(cfg, &inbox.settings, &inbox.locks, forms.ledger())?;
    let wakeup = watch.wakeup();
    let stop = Arc::new(AtomicBool::new(false));
    let ended = Arc::new(Notify::new());
    let thread = scope.spawn({
        let (stop, ended) = (stop.clone(), ended.clone());
        move || {
            let result = watch.run(&stop, &mut |e| told(e, forms, format));
            if let Err(e) = &result {
                log::line(
                    format,
                    &serde_json::json!({ "inbox": "stopped", "error": e.to_string() }),
                );
            }
            ended.notify_one();
            result
        }
    });
    Ok(Running {
        stop,
        wakeup,
        ended,
        thread,
    })
}

/// Resolves on `signals`, or when the watch (if any) ends by itself, and then tells the watch
/// to stop: it finishes the form in hand and begins no other, while the server finishes the
/// requests in flight.
pub fn stopping(
    running: Option<&Running<'_>>,
    signals: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = ()> + Send + 'static {
    let watch = running.map(|r| (r.stop.clone(), r.wakeup.clone(), r.ended.clone()));
    async move {
        let Some((stop, wakeup, ended)) = watch else {
            return signals.await;
        };
        tokio::select! {
            () = signals => {},
            () = ended.notified() => {},
        }
        stop.store(true, Ordering::Relaxed);
        wakeup.wake();
    }
}

impl Running<'_> {
    /// Stops the watch, if it has not stopped yet, and waits for it: the form in hand is
    /// finished.
    pub fn finish(self) -> std::io::Result<Summary> {
        self.stop.store(true, Ordering::Relaxed);
        self.wakeup.wake();
        match self.thread.join() {
            Ok(result) => result.map_err(|e| {
                std::io::Error::new(e.kind(), format!("the inbox could not be watched: {e}"))
            }),
            Err(_) => Err(std::io::Error::other(
                "the inbox's watch stopped on a panic",
            )),
        }
    }
}

/// What the watch did, as a log line; a form stored or failed (both change the round's
/// status) is told to whoever follows the round.
fn told(e: &Event, forms: &Forms, format: Format) {
    log::line(format, &fields(e));
    match e {
        Event::Converted { submission, .. } => {
            forms.changed(Some(submission_id(submission).to_owned()));
        }
        Event::Failed { .. } => forms.changed(None),
        _ => {}
    }
}

/// An event's log fields.
fn fields(e: &Event) -> serde_json::Value {
    match e {
        Event::Converted {
            form,
            submission,
            respondent,
        } => serde_json::json!({
            "inbox": "converted",
            "form": form,
            "submission": submission_id(submission),
            "respondent": respondent,
        }),
        Event::Failed { form, message } => {
            serde_json::json!({ "inbox": "failed", "form": form, "error": message })
        }
        Event::Skipped { form, reason } => {
            serde_json::json!({ "inbox": "left-alone", "form": form, "reason": reason })
        }
        Event::Trouble { form, message } => {
            serde_json::json!({ "inbox": "waiting", "form": form, "error": message })
        }
        // An event a later library adds: said as it is until this module words it.
        other => serde_json::json!({ "inbox": format!("{other:?}") }),
    }
}

/// The id of a submission the watch names by its path (`submissions/<id>.json`).
fn submission_id(path: &str) -> &str {
    let name = path
        .strip_prefix(blankett::SUBMISSIONS)
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or(path);
    name.strip_suffix(".json").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submission_path_gives_its_id() {
        assert_eq!(
            submission_id("submissions/ostermalm-ab12cd.json"),
            "ostermalm-ab12cd"
        );
    }
}
