//! `serve --tls-cert/--tls-key`: HTTPS with a certificate made here for 127.0.0.1 and
//! localhost, signed by a test CA that only the test's client trusts (nothing is committed,
//! nothing expires in the repository); the flags' refusals, each one line naming the file.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

use super::{Server, form, sigterm_during_an_upload, token_file};
use crate::common::blankett;

/// A test CA and a server certificate it signed, as PEM files in a folder.
struct Pki {
    /// The CA's certificate, DER: what the client trusts.
    ca: Vec<u8>,
    cert: PathBuf,
    key: PathBuf,
}

impl Pki {
    fn new(dir: &Path) -> Pki {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "blankett test CA");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert_path, leaf.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        Pki {
            ca: ca_cert.der().to_vec(),
            cert: cert_path,
            key: key_path,
        }
    }

    fn flags(&self) -> [&str; 4] {
        [
            "--tls-cert",
            self.cert.to_str().unwrap(),
            "--tls-key",
            self.key.to_str().unwrap(),
        ]
    }
}

/// A client that trusts only the CA `ca` (DER).
pub fn agent_trusting(ca: &[u8]) -> ureq::Agent {
    let root = ureq::tls::Certificate::from_der(ca).to_owned();
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::new_with_certs(&[root]))
                .build(),
        )
        .build()
        .into()
}

/// Serves a new output folder over HTTPS with `flags` besides the certificate's.
fn start_https(flags: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let out = dir.path().join("ut");
    let mut all: Vec<&str> = pki.flags().to_vec();
    all.extend_from_slice(flags);
    let mut server = Server::start_in(dir, out, &all);
    server.ca = Some(pki.ca);
    server
}

#[test]
fn with_a_certificate_the_server_speaks_https_and_says_so() {
    let server = start_https(&[]);
    assert_eq!(server.scheme, "https", "{}", server.log());
    assert!(
        server
            .log()
            .starts_with("serve: listening on https://127.0.0.1:")
    );
    assert_eq!(server.get("/healthz").status, 200);
    let r = server.upload_raw("/api/v1/forms", "Östermalm.docx", &form());
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["respondent"]["id"], "ostermalm-sdn");
    // Plain HTTP on the HTTPS port gets no answer, and costs the server nothing.
    let plain = ureq::get(format!("http://{}/healthz", server.addr)).call();
    assert!(plain.is_err(), "{plain:?}");
    // Nor does a client that does not trust the certificate.
    let untrusting = ureq::get(server.url("/healthz")).call();
    assert!(untrusting.is_err(), "{untrusting:?}");
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn another_address_is_served_with_a_token_and_tls() {
    let dir = tempfile::tempdir().unwrap();
    let token = token_file(dir.path());
    let mut server = start_https(&[
        "--addr",
        "0.0.0.0:0",
        "--token-file",
        token.to_str().unwrap(),
    ]);
    assert!(
        server
            .log()
            .starts_with("serve: listening on https://0.0.0.0:"),
        "{}",
        server.log()
    );
    server.get("/api/v1/round").problem(401, "unauthorized");
    let r = server.get_with(
        "/api/v1/round",
        "Authorization",
        "Bearer s3cret-token-of-some-length",
    );
    assert_eq!(r.status, 200);
    assert!(server.terminate().success());
}

/// Runs `serve` with `flags` on a new folder, expecting a refusal: exit 2, one line on stderr.
fn refused(flags: &[&std::ffi::OsStr]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = blankett()
        .arg("serve")
        .arg(dir.path().join("ut"))
        .args(["--addr", "127.0.0.1:0"])
        .args(flags)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn tls_flags_go_together_and_a_bad_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let other = Pki::new(&{
        let d = dir.path().join("other");
        std::fs::create_dir(&d).unwrap();
        d
    });
    let flag = |s: &'static str| std::ffi::OsStr::new(s);
    let why = refused(&[flag("--tls-cert"), pki.cert.as_os_str()]);
    assert!(
        why.contains("--tls-cert and --tls-key go together"),
        "{why}"
    );
    let why = refused(&[flag("--tls-key"), pki.key.as_os_str()]);
    assert!(
        why.contains("--tls-cert and --tls-key go together"),
        "{why}"
    );

    let missing = dir.path().join("saknas.pem");
    let garbage = dir.path().join("skräp.pem");
    std::fs::write(&garbage, "not a certificate\n").unwrap();
    for (cert, key, words, named) in [
        (
            &missing,
            &pki.key,
            "cannot read the TLS certificate",
            &missing,
        ),
        (
            &pki.cert,
            &missing,
            "cannot read the TLS private key",
            &missing,
        ),
        (&garbage, &pki.key, "no TLS certificate in it", &garbage),
        (&pki.cert, &garbage, "no TLS private key in it", &garbage),
        (&pki.cert, &pki.cert, "no TLS private key in it", &pki.cert),
        (
            &pki.cert,
            &other.key,
            "does not belong to the certificate",
            &other.key,
        ),
    ] {
        let why = refused(&[
            flag("--tls-cert"),
            cert.as_os_str(),
            flag("--tls-key"),
            key.as_os_str(),
        ]);
        assert!(why.contains(words), "{why}");
        assert!(why.contains(named.to_str().unwrap()), "{why}");
    }
}

/// The client side of a TLS connection to `server`, over a socket the test writes by hand.
fn tls_socket(server: &Server) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(
            server.ca.clone().unwrap(),
        ))
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(&server.addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

#[test]
fn sigterm_finishes_an_https_request_in_flight_then_stops() {
    let mut server = start_https(&[]);
    let s = tls_socket(&server);
    sigterm_during_an_upload(&mut server, s);
}
