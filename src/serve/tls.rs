//! HTTPS: the certificate chain and key of `--tls-cert`/`--tls-key` (PEM) read into a rustls
//! configuration before the server starts, and the listener that hands axum connections
//! whose TLS handshake is done. Handshakes run each in its own task, so a slow or silent
//! client holds up no one else's, and give up after [`HANDSHAKE`].

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use rustls::pki_types::pem::{Error, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::log;

/// How long a client has to finish the TLS handshake.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// A TLS configuration, read and checked.
pub struct Tls(Arc<ServerConfig>);

impl Tls {
    /// The chain of `cert` and the private key of `key`, both PEM; the error is one line
    /// naming the file at fault.
    pub fn load(cert: &Path, key: &Path) -> Result<Tls, String> {
        let chain = read_chain(cert)?;
        let private =
            PrivateKeyDer::from_pem_file(key).map_err(|e| pem_words(key, "private key", &e))?;
        // The provider is named here rather than taken as the process default, which is
        // ambiguous (and a panic) when a dependency enables a second one.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS cannot be set up: {e}"))?
            .with_no_client_auth()
            .with_single_cert(chain, private)
            .map_err(|e| match e {
                rustls::Error::InconsistentKeys(_) => format!(
                    "{}: the private key does not belong to the certificate in {}",
                    key.display(),
                    cert.display()
                ),
                other => format!("{}: the private key cannot be used: {other}", key.display()),
            })?;
        // The server speaks HTTP/1.1 only; saying so lets a client skip asking for HTTP/2.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls(Arc::new(config)))
    }
}

/// The certificates of a PEM file, the server's first; at least one.
fn read_chain(cert: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| pem_words(cert, "certificate", &e))?;
    if chain.is_empty() {
        return Err(pem_words(cert, "certificate", &Error::NoItemsFound));
    }
    Ok(chain)
}

/// A PEM file that could not be read, in one line.
fn pem_words(path: &Path, what: &str, e: &Error) -> String {
    match e {
        Error::Io(io) => format!(
            "{}: cannot read the TLS {what}: {}",
            path.display(),
            io.to_string().to_lowercase()
        ),
        Error::NoItemsFound => format!(
            "{}: no TLS {what} in it (expected a PEM block, -----BEGIN {}-----)",
            path.display(),
            what.to_uppercase()
        ),
        other => format!("{}: the TLS {what} cannot be read: {other}", path.display()),
    }
}

/// Connections of a TCP listener, handed on once their TLS handshake is done.
pub struct Listener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl Listener {
    /// Accepts on `tcp` from now on, in a task of its own, shaking hands under `tls`.
    pub fn new(tcp: TcpListener, tls: &Tls, format: log::Format) -> std::io::Result<Listener> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        tokio::spawn(accept(tcp, TlsAcceptor::from(tls.0.clone()), tx, format));
        Ok(Listener { ready, local })
    }
}

/// Accepts connections and shakes hands with each in its own task, until the server stops
/// taking them (it dropped the [`Listener`]).
async fn accept(
    mut tcp: TcpListener,
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
    format: log::Format,
) {
    loop {
        let (stream, addr) = tokio::select! {
            next = axum::serve::Listener::accept(&mut tcp) => next,
            () = ready.closed() => return,
        };
        let (acceptor, ready) = (acceptor.clone(), ready.clone());
        tokio::spawn(async move {
            match tokio::time::timeout(HANDSHAKE, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => {
                    let _ = ready.send((tls, addr)).await;
                }
                Ok(Err(e)) => log::line(
                    format,
                    &serde_json::json!({ "tlsHandshakeFailed": addr.to_string(), "error": e.to_string() }),
                ),
                Err(_) => log::line(
                    format,
                    &serde_json::json!({ "tlsHandshakeFailed": addr.to_string(), "error": "timed out" }),
                ),
            }
        });
    }
}

impl axum::serve::Listener for Listener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(next) => next,
            // The accepting task ended: nothing more comes.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}
