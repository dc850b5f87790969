//! gzip as `Accept-Encoding` asks: the round's text forms come gzipped (the same bytes once
//! unpacked), plain to a client that does not ask; zip packages and conversions never; the
//! `ETag` of a gzipped body is weak and still answers `304`. The client (`ureq` without its
//! gzip feature) neither asks for gzip nor unpacks it unless told.

use std::io::Read;

use super::{DOCX, Reply, Server, form, send};

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gzip_asked(server: &Server, path: &str) -> Reply {
    server.get_with(path, "Accept-Encoding", "gzip, br;q=0.9")
}

/// A server with one form stored: the round has something to say.
fn with_a_form() -> Server {
    let server = Server::start(&[]);
    assert_eq!(
        server
            .upload("/api/v1/forms", &[("Östermalm.docx", &form())])
            .status,
        201
    );
    server
}

#[test]
fn the_rounds_text_comes_gzipped_when_asked_and_plain_otherwise() {
    let server = with_a_form();
    for path in [
        "/api/v1/round",
        "/api/v1/round.csv",
        "/api/v1/round.md",
        "/api/v1/openapi.json",
    ] {
        let plain = server.get(path);
        assert_eq!(plain.status, 200, "{path}");
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        assert!(plain.body.len() > 1024, "{path}: too small to tell");
        let gzipped = gzip_asked(&server, path);
        assert_eq!(gzipped.status, 200, "{path}");
        assert_eq!(gzipped.header("content-encoding"), Some("gzip"), "{path}");
        assert!(
            gzipped
                .header("vary")
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "{path}"
        );
        assert!(gzipped.body.len() < plain.body.len(), "{path}");
        assert_eq!(gunzip(&gzipped.body), plain.body, "{path}");
    }
    // Small answers go as they are.
    assert_eq!(
        gzip_asked(&server, "/healthz").header("content-encoding"),
        None
    );
}

#[test]
fn zip_packages_and_conversions_are_never_gzipped() {
    let server = with_a_form();
    for path in ["/api/v1/round.xlsx", "/api/v1/round.docx"] {
        let r = gzip_asked(&server, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-encoding"), None, "{path}");
        assert!(r.body.starts_with(b"PK"), "{path}");
    }
    let r = send(
        server
            .client()
            .post(server.url("/api/v1/convert?filename=Ostermalm.docx"))
            .header("Content-Type", DOCX)
            .header("Accept-Encoding", "gzip")
            .send(&form()[..]),
    );
    assert_eq!(r.status, 200);
    assert!(r.body.len() > 1024, "large enough to be gzipped otherwise");
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(r.json()["respondent"]["id"], "ostermalm-sdn");
}

#[test]
fn a_gzipped_body_has_a_weak_etag_that_still_answers_304() {
    let server = with_a_form();
    for path in ["/api/v1/round", "/api/v1/round.csv"] {
        let strong = server.get(path).header("etag").unwrap().to_owned();
        assert!(!strong.starts_with("W/"), "{path}: {strong}");
        let gzipped = gzip_asked(&server, path);
        let weak = gzipped.header("etag").unwrap().to_owned();
        assert_eq!(weak, format!("W/{strong}"), "{path}");
        for tag in [&weak, &strong] {
            let again = send(
                server
                    .client()
                    .get(server.url(path))
                    .header("Accept-Encoding", "gzip")
                    .header("If-None-Match", tag)
                    .call(),
            );
            assert_eq!(again.status, 304, "{path} {tag}");
            assert!(again.body.is_empty(), "{path}");
        }
        assert_eq!(
            server.get_with(path, "If-None-Match", &weak).status,
            304,
            "{path}: the weak tag, asked without gzip"
        );
    }
}
