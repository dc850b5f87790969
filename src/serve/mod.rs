//! `blankett serve`: one process that owns a round's output folder and answers over HTTP.
//! This module starts it: the address checked against the token and TLS rules, the output
//! folder locked as `batch` and `watch` lock it, the runtime built, the socket bound (its
//! address is the first line on stderr, so a caller that asked for port 0 learns the port),
//! and the server stopped gracefully on Ctrl-C or SIGTERM, requests in flight finished.
//!
//! ```text
//! mod.rs      startup, refusals, lock, shutdown
//! api.rs      the router, the layers, the handlers that store (POST /forms, /convert)
//! read.rs     the handlers that read: submissions, round and exports, status (ETags)
//! forms.rs    conversion on a fixed set of worker threads, storing, the round-changed events
//! upload.rs   multipart and raw bodies, within the size limits
//! auth.rs     the bearer token
//! problem.rs  application/problem+json
//! openapi.rs  the OpenAPI document and the JSON Schemas it refers to
//! log.rs      the access log, text or JSON lines
//! ```

mod api;
mod auth;
mod forms;
mod log;
mod openapi;
mod problem;
mod read;
mod upload;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use blankett::Config;

pub use auth::read_token;
pub use log::Format as LogFormat;

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
    /// The clock: saved dates are checked against it.
    pub clock: fn() -> SystemTime,
}

/// Why the server refuses to listen on `addr`: anywhere but loopback, every request must be
/// authenticated and encrypted.
pub fn refusal(addr: &SocketAddr, token: bool, behind_proxy: bool) -> Option<String> {
    if addr.ip().is_loopback() {
        return None;
    }
    if !token {
        return Some(format!(
            "{addr} is reachable from other machines: give --token-file, or listen on 127.0.0.1"
        ));
    }
    if !behind_proxy {
        return Some(format!(
            "{addr} is reachable from other machines over plain HTTP: TLS is not built yet; use --behind-proxy with a TLS-terminating proxy"
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
        forms: forms.clone(),
        max_file: cfg.limits().max_file_bytes,
        workers: s.workers,
        clock: s.clock,
    });
    let router = api::router(app, s.token.clone(), s.log);
    eprintln!(
        "serve: listening on http://{bound} ({}{}); Ctrl-C stops",
        blankett::for_terminal(&s.out.display().to_string()),
        if s.token.is_some() {
            ", token required"
        } else {
            ""
        }
    );
    axum::serve(listener, router)
        .with_graceful_shutdown(stopped())
        .await?;
    forms.finished().await;
    eprintln!("serve: stopped");
    Ok(())
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
    fn only_loopback_is_served_without_a_token_and_tls() {
        let local: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let local6: SocketAddr = "[::1]:8080".parse().unwrap();
        let open: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(refusal(&local, false, false), None);
        assert_eq!(refusal(&local6, false, false), None);
        assert!(
            refusal(&open, false, true)
                .unwrap()
                .contains("--token-file")
        );
        assert!(
            refusal(&open, true, false)
                .unwrap()
                .contains("TLS is not built yet")
        );
        assert_eq!(refusal(&open, true, true), None);
    }
}
