//! The web page's routes over HTTP, without a browser: the page and its assets come from the
//! binary with the security headers, an `ETag` and `no-cache`; an asset the page does not
//! have is a problem, never a file looked up; and without a token there is no login page.

use super::{Server, form};

#[test]
fn the_page_and_its_assets_come_from_the_binary_with_etags() {
    let server = Server::start(&[]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(page.media_type(), "text/html");
    let html = String::from_utf8(page.body.clone()).unwrap();
    assert!(html.contains(r#"<html lang="sv">"#));
    assert!(
        html.contains(r#"data-login="off""#),
        "no token, no Logga ut"
    );
    assert_eq!(
        page.header("content-security-policy"),
        Some("default-src 'self'; frame-ancestors 'none'")
    );
    assert_eq!(page.header("cache-control"), Some("no-cache"));

    for (path, media_type) in [
        ("/assets/app.js", "text/javascript"),
        ("/assets/upload.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
        ("/assets/icon.svg", "image/svg+xml"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.media_type(), media_type, "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        let etag = r.header("etag").unwrap().to_owned();
        let again = server.get_with(path, "If-None-Match", &etag);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
    }
    // Every asset the page names is served, and every module its scripts import.
    let mut todo: Vec<String> = html
        .split("/assets/")
        .skip(1)
        .map(|src| src[..src.find('"').unwrap()].to_owned())
        .collect();
    let mut seen = Vec::new();
    while let Some(name) = todo.pop() {
        if seen.contains(&name) {
            continue;
        }
        let r = server.get(&format!("/assets/{name}"));
        assert_eq!(r.status, 200, "{name}");
        let text = String::from_utf8(r.body).unwrap();
        todo.extend(
            text.split("from './")
                .skip(1)
                .map(|rest| rest[..rest.find('\'').unwrap()].to_owned()),
        );
        seen.push(name);
    }
    assert!(seen.len() >= 8, "{seen:?}");
    server
        .get("/assets/..%2FCargo.toml")
        .problem(404, "not-found");
    server.get("/assets/nothing.js").problem(404, "not-found");
}

#[test]
fn without_a_token_the_login_page_leads_to_the_page() {
    let server = Server::start(&[]);
    let r = super::send(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .new_agent()
            .get(server.url("/login"))
            .call(),
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/"));
}

/// Every download the page offers answers, with the round's file.
#[test]
fn every_download_the_page_offers_answers() {
    let server = Server::start(&["--round", "2022-T1"]);
    let stored = server.upload("/api/v1/forms", &[("Östermalm.docx", &form())]);
    assert_eq!(stored.status, 201);
    let html = String::from_utf8(server.get("/").body).unwrap();
    let links: std::collections::BTreeSet<&str> = html
        .split(r#"href="/api/v1/"#)
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    // JSON, CSV (twice), XLSX, Markdown, Word and the ZIP.
    assert_eq!(links.len(), 7, "{links:?}");
    for link in links {
        let r = server.get(&format!("/api/v1/{}", link.replace("&amp;", "&")));
        assert_eq!(r.status, 200, "{link}");
        assert!(r.body.len() > 100, "{link}");
    }
}
