//! What the page needs of the server: the vocabulary in Swedish, the round's changes as
//! server-sent events, the submissions as one ZIP, and the session a browser keeps (login,
//! the cookie, the same-origin check of its POSTs).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{
    Reply, Server, cover_letter, form, multipart, no_redirects, send, token_file,
    with_a_batch_submission,
};
use crate::common::parts;

/// A client of `GET /api/v1/events` on a raw socket, reading what comes within a time.
struct Events {
    socket: TcpStream,
    /// What came so far and was not looked at yet.
    unread: String,
}

impl Events {
    /// Opens the stream with `headers`; the answer's head is read and checked.
    fn open(server: &Server, headers: &[(&str, &str)]) -> Events {
        let mut socket = TcpStream::connect(&server.addr).unwrap();
        let mut head = format!("GET /api/v1/events HTTP/1.1\r\nHost: {}\r\n", server.addr);
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        socket.write_all(head.as_bytes()).unwrap();
        let mut events = Events {
            socket,
            unread: String::new(),
        };
        let head = events.until("\r\n\r\n", Duration::from_secs(20));
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: text/event-stream"),
            "{head}"
        );
        events
    }

    /// Reads until `pattern` comes; returns what came before it and leaves what came after.
    /// Panics when it has not come within `limit`.
    fn until(&mut self, pattern: &str, limit: Duration) -> String {
        let start = Instant::now();
        self.socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        loop {
            if let Some(at) = self.unread.find(pattern) {
                let before = self.unread[..at].to_owned();
                self.unread.drain(..at + pattern.len());
                return before;
            }
            assert!(
                start.elapsed() < limit,
                "no {pattern:?} within {limit:?}; came: {:?}",
                self.unread
            );
            let mut buf = [0u8; 4096];
            match self.socket.read(&mut buf) {
                Ok(0) => panic!("the stream ended before {pattern:?}: {:?}", self.unread),
                Ok(n) => self.unread.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {}
            }
        }
    }

    /// The data of the next `round` event.
    fn next_round(&mut self) -> Value {
        self.until("event: round\ndata: ", Duration::from_secs(30));
        let data = self.until("\n", Duration::from_secs(5));
        serde_json::from_str(&data).unwrap_or_else(|e| panic!("{e}: {data}"))
    }

    /// Whether the server closes the stream within `limit`.
    fn ends_within(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        while start.elapsed() < limit {
            match self.socket.read(&mut buf) {
                Ok(0) => return true,
                Ok(n) => self.unread.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
                Err(_) => {}
            }
        }
        false
    }
}

#[test]
fn codes_give_every_status_error_and_warning_in_swedish() {
    let server = Server::start(&[]);
    let r = server.get("/api/v1/codes");
    assert_eq!(r.status, 200);
    assert_eq!(r.media_type(), "application/json");
    let v = r.json();
    let statuses = v["statuses"].as_object().unwrap();
    let keys: Vec<&str> = statuses.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "answered",
            "unanswered",
            "missing",
            "notSubmitted",
            "formFailed"
        ]
    );
    assert_eq!(v["statuses"]["answered"]["symbol"], "✓");
    assert_eq!(v["statuses"]["answered"]["label"], "Besvarad");
    assert_eq!(v["statuses"]["answered"]["colour"], "C6EFCE");
    // Every code report.json can record, as its schema lists them.
    let schema: Value =
        serde_json::from_str(include_str!("../../schemas/report.schema.json")).unwrap();
    let listed = schema["$defs"]["error"]["properties"]["code"]["description"]
        .as_str()
        .unwrap();
    let errors = v["errors"].as_object().unwrap();
    for code in listed.split('`').skip(1).step_by(2) {
        let e = &errors[code];
        for field in ["title", "meaning", "action"] {
            assert!(e[field].as_str().is_some_and(|t| !t.is_empty()), "{code}");
        }
    }
    assert_eq!(
        v["errors"]["legacy-doc"]["meaning"],
        "Filen är i Word 97–2003-format (.doc)."
    );
    assert!(errors.contains_key("not-a-word-file"));
    // Every warning code the submission schema lists.
    let schema: Value =
        serde_json::from_str(include_str!("../../schemas/submission.schema.json")).unwrap();
    let listed = schema["$defs"]["warning"]["properties"]["code"]["description"]
        .as_str()
        .unwrap();
    let warnings = v["warnings"].as_object().unwrap();
    let mut count = 0;
    // The description quotes codes, and also a flag, a field and a command in passing.
    let codes = listed.split('`').skip(1).step_by(2).filter(|c| {
        !c.starts_with('-') && c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-')
    });
    for code in codes {
        let w = &warnings[code];
        assert!(w["title"].as_str().is_some_and(|t| !t.is_empty()), "{code}");
        assert!(
            w["meaning"].as_str().is_some_and(|t| !t.is_empty()),
            "{code}"
        );
        count += 1;
    }
    assert!(count >= 24, "{count} warning codes listed");
}

#[test]
fn an_event_stream_tells_of_each_upload_and_keeps_alive() {
    let server = Server::start(&[]);
    let mut events = Events::open(&server, &[]);
    let r = server.upload("/api/v1/forms", &[("Östermalm.docx", &form())]);
    assert_eq!(r.status, 201);
    let stored = events.next_round();
    assert_eq!(stored["submission"], r.json()["id"], "{stored}");
    assert!(
        stored["at"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok(),
        "{stored}"
    );
    // A form that fails changes the status (its respondent's form failed): told too.
    let r = server.upload("/api/v1/forms", &[("Följebrev.docx", &cover_letter())]);
    assert_eq!(r.status, 422);
    assert_eq!(events.next_round()["submission"], Value::Null);
    // Quiet for 15 s: a comment keeps the connection open.
    events.until(": keep-alive\n", Duration::from_secs(25));
}

#[test]
fn the_server_stops_with_an_event_stream_open() {
    let mut server = Server::start(&[]);
    let mut events = Events::open(&server, &[]);
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    assert!(events.ends_within(Duration::from_secs(5)));
}

#[test]
fn the_zip_holds_every_stored_submission_as_stored() {
    let server = Server::start(&[]);
    let empty = server.get("/api/v1/submissions.zip");
    assert_eq!(empty.status, 200);
    assert_eq!(
        empty.header("content-disposition"),
        Some("attachment; filename=\"blankett-submissions.zip\"")
    );
    assert!(parts(&empty.body).is_empty());

    let server = with_a_batch_submission(&[]);
    let r = server.upload("/api/v1/forms", &[("Farsta 2022-T1.docx", &form())]);
    assert_eq!(r.status, 201);
    let r = server.get("/api/v1/submissions.zip");
    assert_eq!(r.status, 200);
    assert_eq!(r.media_type(), "application/zip");
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"blankett-2022-T1.zip\"")
    );
    let zipped = parts(&r.body);
    let mut stored: Vec<(String, Vec<u8>)> = std::fs::read_dir(server.out.join("submissions"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    stored.sort();
    assert_eq!(stored.len(), 2);
    assert_eq!(zipped, stored);
}

#[test]
fn the_zip_leaves_contact_details_out_under_redact_contact() {
    let server = with_a_batch_submission(&["--redact-contact"]);
    let r = server.upload("/api/v1/forms", &[("Farsta.docx", &form())]);
    assert_eq!(r.status, 201);
    let zipped = parts(&server.get("/api/v1/submissions.zip").body);
    assert_eq!(zipped.len(), 2);
    // The one batch stored still holds them on disk; the ZIP does not.
    let on_disk: String = std::fs::read_dir(server.out.join("submissions"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(on_disk.contains("508 100"));
    for (name, bytes) in zipped {
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains("naslund"), "{name}: {text}");
        assert!(!text.contains("508 100"), "{name}: {text}");
        let s: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(s["redacted"], true, "{name}");
    }
}

const TOKEN: &str = "s3cret-token-of-some-length";

/// A server with a token, and `flags`.
fn with_a_token(flags: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let token = token_file(dir.path());
    let out = dir.path().join("ut");
    let mut all = vec!["--token-file", token.to_str().unwrap()];
    all.extend_from_slice(flags);
    Server::start_in(dir, out, &all)
}

/// `POST /login` with the form `fields`, sent as the page sends it (same origin).
fn login(server: &Server, fields: &str) -> Reply {
    send(
        no_redirects()
            .post(server.url("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Sec-Fetch-Site", "same-origin")
            .send(fields),
    )
}

/// The session cookie a login set, as a browser sends it back.
fn session_of(r: &Reply) -> String {
    let set = r.header("set-cookie").expect("a session cookie");
    set.split(';').next().unwrap().to_owned()
}

fn get_with_cookie(server: &Server, path: &str, cookie: &str) -> Reply {
    send(
        no_redirects()
            .get(server.url(path))
            .header("Cookie", cookie)
            .call(),
    )
}

/// Uploads the form with `headers`.
fn upload_with(server: &Server, headers: &[(&str, &str)]) -> Reply {
    let (content_type, body) = multipart(&[("Östermalm.docx", &form())]);
    let mut req = no_redirects()
        .post(server.url("/api/v1/forms"))
        .header("Content-Type", &content_type);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    send(req.send(&body[..]))
}

#[test]
fn the_right_token_starts_a_session_and_a_wrong_one_goes_back_to_the_login_page() {
    let server = with_a_token(&[]);
    let wrong = login(&server, "token=not-the-token-at-all");
    assert_eq!(wrong.status, 303);
    assert_eq!(wrong.header("location"), Some("/login?fel=1"));
    assert_eq!(wrong.header("set-cookie"), None);

    let right = login(&server, &format!("token={TOKEN}"));
    assert_eq!(right.status, 303);
    assert_eq!(right.header("location"), Some("/"));
    let set = right.header("set-cookie").unwrap();
    let (pair, flags) = set.split_once("; ").unwrap();
    assert_eq!(flags, "HttpOnly; SameSite=Strict; Path=/");
    let id = pair.strip_prefix("blankett_session=").unwrap();
    assert_eq!(id.len(), 43, "32 bytes, base64url: {id}");

    let cookie = session_of(&right);
    assert_eq!(
        get_with_cookie(&server, "/api/v1/round", &cookie).status,
        200
    );
    let events = Events::open(&server, &[("Cookie", &cookie)]);
    drop(events);
    assert_eq!(
        get_with_cookie(&server, "/api/v1/round", "blankett_session=made-up").status,
        401
    );
}

#[test]
fn after_login_only_a_path_on_this_site_is_followed() {
    let server = with_a_token(&[]);
    for (next, to) in [
        ("%2Fsvar%2Fostermalm-sdn", "/svar/ostermalm-sdn"),
        ("%2F%2Fevil.example", "/"),
        ("https%3A%2F%2Fevil.example%2F", "/"),
        ("%2F%5Cevil.example", "/"),
    ] {
        let r = login(&server, &format!("token={TOKEN}&next={next}"));
        assert_eq!(r.header("location"), Some(to), "{next}");
    }
    let r = login(&server, "token=wrong-token-wrong-token&next=%2Fsvar");
    assert_eq!(r.header("location"), Some("/login?fel=1&next=/svar"));
    login(&server, "next=%2F").problem(400, "bad-request");
}

#[test]
fn the_page_without_a_session_goes_to_the_login_page() {
    let server = with_a_token(&[]);
    let r = send(no_redirects().get(server.url("/")).call());
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login"));
    let cookie = session_of(&login(&server, &format!("token={TOKEN}")));
    let r = get_with_cookie(&server, "/", &cookie);
    assert!(![303, 401].contains(&r.status), "{}", r.status);
}

#[test]
fn behind_a_proxy_the_cookie_is_secure() {
    let server = with_a_token(&["--behind-proxy"]);
    let r = login(&server, &format!("token={TOKEN}"));
    assert!(
        r.header("set-cookie").unwrap().ends_with("; Secure"),
        "{:?}",
        r.header("set-cookie")
    );
}

#[test]
fn logout_ends_the_session_and_clears_the_cookie() {
    let server = with_a_token(&[]);
    let cookie = session_of(&login(&server, &format!("token={TOKEN}")));
    let r = send(
        no_redirects()
            .post(server.url("/logout"))
            .header("Cookie", &cookie)
            .header("Sec-Fetch-Site", "same-origin")
            .send_empty(),
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login"));
    let set = r.header("set-cookie").unwrap();
    assert!(
        set.starts_with("blankett_session=;") && set.contains("Max-Age=0"),
        "{set}"
    );
    get_with_cookie(&server, "/api/v1/round", &cookie).problem(401, "unauthorized");
}

#[test]
fn a_post_with_the_cookie_must_come_from_the_page_itself() {
    let server = with_a_token(&[]);
    let cookie = session_of(&login(&server, &format!("token={TOKEN}")));
    upload_with(&server, &[("Cookie", &cookie)]).problem(403, "cross-origin");
    upload_with(
        &server,
        &[("Cookie", &cookie), ("Origin", "https://evil.example")],
    )
    .problem(403, "cross-origin");
    assert!(!server.out.join("index.json").exists());
    let origin = format!("http://{}", server.addr);
    let r = upload_with(&server, &[("Cookie", &cookie), ("Origin", &origin)]);
    assert_eq!(r.status, 201);
    let r = upload_with(
        &server,
        &[("Cookie", &cookie), ("Sec-Fetch-Site", "same-origin")],
    );
    assert_eq!(r.status, 201);
    // A system sends the token and no browser's headers.
    let bearer = format!("Bearer {TOKEN}");
    let r = upload_with(&server, &[("Authorization", &bearer)]);
    assert_eq!(r.status, 201);
    // The login form itself must come from the page.
    let r = send(
        no_redirects()
            .post(server.url("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(format!("token={TOKEN}")),
    );
    r.problem(403, "cross-origin");
}

#[test]
fn without_a_token_another_site_may_not_send_forms() {
    let server = Server::start(&[]);
    upload_with(&server, &[("Origin", "https://evil.example")]).problem(403, "cross-origin");
    assert_eq!(upload_with(&server, &[]).status, 201);
}
