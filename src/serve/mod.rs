//! `blankett serve`: one process that owns a round's output folder and answers over HTTP.
//! This module starts it: the address checked against the token and TLS rules, the output
//! folder locked as `batch` and `watch` lock it, the runtime built, the socket bound (its
//! URL, `http://` or `https://`, is the first line on stderr, so a caller that asked for port
//! 0 learns the port), and the server stopped gracefully on Ctrl-C or SIGTERM, requests in
//! flight finished.
//!
//! ```text
//! mod.rs      startup, refusals, lock, shutdown
//! api.rs      the router, the layers, the handlers that store (POST /forms, /convert)
//! read.rs     the handlers that read: submissions, round and exports, status (ETags)
//! forms.rs    conversion on a bounded pool of workers, storing, the round-changed events
//! upload.rs   multipart and raw bodies, within the size limits
//! budget.rs   the bytes all uploads in memory may take together
//! auth.rs     the bearer token
//! compress.rs which responses go out gzipped
//! problem.rs  application/problem+json
//! openapi.rs  the OpenAPI document and the JSON Schemas it refers to
//! log.rs      the access log, text or JSON lines
//! tls.rs      HTTPS: the certificate and key, the listener that shakes hands
//! ```

mod api;
mod auth;
mod budget;
mod compress;
mod forms;
mod log;
mod openapi;
mod problem;
mod read;
mod tls;
mod upload;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use blankett::Config;

pub use auth::read_token;
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
    /// Served over HTTPS with this certificate, when set.
    pub tls: Option<Tls>,
    /// A TLS-terminating reverse proxy is in front (`--behind-proxy`).
    pub behind_proxy: bool,
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

/// Serves `OUT` until Ctrl-C or SIGTERM. The caller holds the folder's lock.
pub fn run(cfg: Config, s: Settings) -> std::io::Result<()> {
    // The prepared questionnaire borrows the configuration for every conversion, and the
    // server lives as long as the process: the configuration does too.
    let cfg: &'static Config = Box::leak(Box::new(cfg));
    std::fs::create_dir_all(s.out.join(blankett::SUBMISSIONS))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(s.workers.clamp(1, 4))
        .thread_name("blankett-serve")
        .enable_all()
        .build()?;
    runtime.block_on(serve(cfg, s))
}

async fn serve(cfg: &'static Config, s: Settings) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(s.addr).await?;
    let bound = listener.local_addr()?;
    let forms = Arc::new(forms::Forms::new(s.out.clone(), cfg, s.workers, s.clock)?);
    log_changes(&forms, s.log);
    let app = Arc::new(api::App {
        forms,
        max_file: cfg.limits().max_file_bytes,
        budget: budget::Budget::new(s.upload_memory),
        workers: s.workers,
        clock: s.clock,
        https: s.tls.is_some() || s.behind_proxy,
    });
    let router = api::router(app, s.token.clone(), s.log);
    eprintln!(
        "serve: listening on {}://{bound} ({}{}); Ctrl-C stops",
        if s.tls.is_some() { "https" } else { "http" },
        blankett::for_terminal(&s.out.display().to_string()),
        if s.token.is_some() {
            ", token required"
        } else {
            ""
        }
    );
    match &s.tls {
        Some(tls) => until_stopped(tls::Listener::new(listener, tls, s.log)?, router).await?,
        None => until_stopped(listener, router).await?,
    }
    eprintln!("serve: stopped");
    Ok(())
}

/// Answers on `listener` until Ctrl-C or SIGTERM, then finishes the requests in flight.
async fn until_stopped<L>(listener: L, router: axum::Router) -> std::io::Result<()>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    axum::serve(listener, router)
        .with_graceful_shutdown(stopped())
        .await
}

/// Logs every change of the round (a submission stored), as the page will show it.
fn log_changes(forms: &forms::Forms, format: LogFormat) {
    let mut changes = forms.subscribe();
    tokio::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(c) => log::line(format, &serde_json::json!({ "stored": c.submission })),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    log::line(format, &serde_json::json!({ "storedUnlogged": n }));
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
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
