//! `blankett serve`: one process that owns a round's output folder and answers over HTTP.
//! This module starts it: the address checked against the token and TLS rules, the output
//! folder locked as `batch` and `watch` lock it, the runtime built, the socket bound (its
//! URL, `http://` or `https://`, is the first line on stderr, so a caller that asked for port
//! 0 learns the port), the inbox watched beside it (`--inbox`), and the server stopped
//! gracefully on Ctrl-C or SIGTERM, requests in flight and the inbox's form in hand finished.
//!
//! ```text
//! mod.rs      startup, refusals, lock, shutdown
//! api.rs      the router, the layers, the handlers that store (POST /forms, /convert)
//! read.rs     the handlers that read: submissions, round and exports, status (ETags)
//! changes.rs  GET /changes: what changed since the earlier round (`--previous`)
//! forms.rs    conversion on a fixed set of worker threads, storing, the round-changed events
//! inbox.rs    the inbox watched as `watch` watches it, storing beside the uploads
//! upload.rs   multipart and raw bodies, within the size limits
//! archive.rs  GET /submissions.zip: every submission in one ZIP
//! events.rs   GET /events: the round's changes as server-sent events
//! codes.rs    the vocabulary in Swedish for the page (statuses, error and warning codes)
//! auth.rs     the guard: the bearer token or the session, the same-origin check (CSRF)
//! session.rs  the page's sessions: POST /login and /logout, the cookie
//! budget.rs   the bytes all uploads in memory may take together
//! compress.rs which responses go out gzipped
//! tls.rs      the certificate, and the listener that does the TLS handshakes
//! problem.rs  application/problem+json
//! openapi.rs  the OpenAPI document and the JSON Schemas it refers to
//! log.rs      the access log, text or JSON lines
//! page.rs     the web page: `/`, `/login`, `/assets/*`, its files in page/ built in
//! ```

mod api;
mod archive;
mod auth;
mod budget;
mod changes;
mod codes;
mod compress;
mod events;
mod forms;
mod inbox;
mod log;
mod openapi;
mod page;
mod problem;
mod read;
mod session;
mod tls;
mod upload;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use blankett::{Config, Round};

use forms::RoundChanged;

pub use auth::read_token;
pub use inbox::Inbox;
pub use log::Format as LogFormat;
pub use tls::Tls;

/// How to serve.
pub struct Settings {
    /// The output folder the server owns.
    pub out: PathBuf,
    /// The address to listen on.
    pub addr: SocketAddr,
    /// The bearer token every request but `/healthz` must carry, when set.
    pub token: Option<Vec<u8>>,
    /// How log lines are written.
    pub log: LogFormat,
    /// How many forms are converted at once.
    pub workers: usize,
    /// The bytes all uploads in memory may take together.
    pub upload_memory: u64,
    /// The clock: saved dates are checked against it.
    pub clock: fn() -> SystemTime,
    /// The inbox watched too, as `watch` watches it.
    pub inbox: Option<Inbox>,
    /// Served over HTTPS with this certificate, when set.
    pub tls: Option<Tls>,
    /// A TLS-terminating reverse proxy is in front (`--behind-proxy`).
    pub behind_proxy: bool,
    /// The earlier round (`--previous`): what changed since it is served and in the exports.
    pub previous: Option<Round>,
}

/// Why the server refuses to listen on `addr`: anywhere but loopback, every request must be
/// authenticated and encrypted, here (`tls`) or by a proxy in front (`behind_proxy`).
pub fn refusal(addr: &SocketAddr, token: bool, tls: bool, behind_proxy: bool) -> Option<String> {
    if addr.ip().is_loopback() {
        return None;
    }
    if !token {
        return Some(format!(
            "{addr} is reachable from other machines: give --token-file, or listen on 127.0.0.1"
        ));
    }
    if !tls && !behind_proxy {
        return Some(format!(
            "{addr} is reachable from other machines over plain HTTP: give --tls-cert and --tls-key, or --behind-proxy with a TLS-terminating proxy in front"
        ));
    }
    None
}

/// Serves `OUT` until Ctrl-C or SIGTERM (or until the inbox it watches cannot be read). The
/// caller holds the folder's lock, and the inbox's.
pub fn run(cfg: Config, s: Settings) -> std::io::Result<()> {
    // The prepared questionnaire borrows the configuration for every conversion, and the
    // server lives as long as the process: the configuration does too.
    let cfg: &'static Config = Box::leak(Box::new(cfg));
    std::fs::create_dir_all(s.out.join(blankett::SUBMISSIONS))?;
    let forms = Arc::new(forms::Forms::new(s.out.clone(), cfg, s.workers, s.clock)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(s.workers.clamp(1, 4))
        .thread_name("blankett-serve")
        .enable_all()
        .build()?;
    let _in_runtime = runtime.enter();
    // Listening for the signals before the inbox is watched: a SIGTERM that came before
    // would end the process with a form in hand.
    let signals = stop_signals();
    let listener = runtime.block_on(tokio::net::TcpListener::bind(s.addr))?;
    std::thread::scope(|scope| {
        let inbox = match &s.inbox {
            Some(i) => Some(inbox::start(scope, cfg, i, &forms, s.log)?),
            None => None,
        };
        let stopping = inbox::stopping(inbox.as_ref(), signals);
        let served = runtime.block_on(serve(listener, forms.clone(), &s, stopping));
        let watched = inbox.map(inbox::Running::finish).transpose();
        served?;
        watched?;
        eprintln!("serve: stopped");
        Ok(())
    })
}

async fn serve(
    listener: tokio::net::TcpListener,
    forms: Arc<forms::Forms>,
    s: &Settings,
    stopping: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let bound = listener.local_addr()?;
    log_changes(&forms, s.log);
    let app = Arc::new(api::App {
        max_file: forms.config().limits().max_file_bytes,
        forms: forms.clone(),
        budget: budget::Budget::new(s.upload_memory),
        workers: s.workers,
        clock: s.clock,
        previous: s.previous.clone(),
    });
    // Clients reach the server over HTTPS (TLS here, or at a proxy in front): the session
    // cookie is marked `Secure`.
    let https = s.tls.is_some() || s.behind_proxy;
    let guard = Arc::new(auth::Guard::new(s.token.clone(), https));
    let router = api::router(app, guard, s.log);
    let inbox = s.inbox.as_ref().map_or_else(String::new, |i| {
        format!(", inbox {}", i.settings.inbox.display())
    });
    eprintln!(
        "serve: listening on {}://{bound} ({}{}{}); Ctrl-C stops",
        if s.tls.is_some() { "https" } else { "http" },
        blankett::for_terminal(&s.out.display().to_string()),
        blankett::for_terminal(&inbox),
        if s.token.is_some() {
            ", token required"
        } else {
            ""
        }
    );
    let closing = forms.clone();
    let stopping = async move {
        stopping.await;
        closing.close_events();
    };
    match &s.tls {
        Some(tls) => {
            until_stopped(tls::Listener::new(listener, tls, s.log)?, router, stopping).await?;
        }
        None => until_stopped(listener, router, stopping).await?,
    }
    // A form whose client went away is still stored before the server says it stopped.
    forms.finished().await;
    Ok(())
}

/// Answers on `listener` until `stopping`, then finishes the requests in flight.
async fn until_stopped<L>(
    listener: L,
    router: axum::Router,
    stopping: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    axum::serve(listener, router)
        .with_graceful_shutdown(stopping)
        .await
}

/// Logs every submission stored.
fn log_changes(forms: &forms::Forms, format: LogFormat) {
    let mut changes = forms.subscribe();
    tokio::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(RoundChanged {
                    submission: Some(id),
                    ..
                }) => log::line(format, &serde_json::json!({ "stored": id })),
                // A form that failed: its request's line says so.
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    log::line(format, &serde_json::json!({ "storedUnlogged": n }));
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// Resolves on Ctrl-C or SIGTERM, listening from the call on (within the runtime).
#[cfg(unix)]
fn stop_signals() -> impl std::future::Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let int = signal(SignalKind::interrupt());
    let term = signal(SignalKind::terminate());
    async move {
        let (Ok(mut int), Ok(mut term)) = (int, term) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = int.recv() => {},
            _ = term.recv() => {},
        }
    }
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn stop_signals() -> impl std::future::Future<Output = ()> + Send + 'static {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_served_without_a_token_and_tls_here_or_in_front() {
        let local: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let local6: SocketAddr = "[::1]:8080".parse().unwrap();
        let open: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(refusal(&local, false, false, false), None);
        assert_eq!(refusal(&local6, false, false, false), None);
        for (tls, proxy) in [(true, false), (false, true)] {
            let why = refusal(&open, false, tls, proxy).unwrap();
            assert!(why.contains("--token-file"), "{why}");
        }
        let why = refusal(&open, true, false, false).unwrap();
        assert!(why.contains("--tls-cert and --tls-key"), "{why}");
        assert!(why.contains("--behind-proxy"), "{why}");
        assert_eq!(refusal(&open, true, true, false), None);
        assert_eq!(refusal(&open, true, false, true), None);
        assert_eq!(refusal(&open, true, true, true), None);
    }
}
