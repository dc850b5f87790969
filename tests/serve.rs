//! `blankett serve` over loopback, the real binary on a free port: uploads stored as `watch`
//! stores forms, refusals as problems, the limits, the token, ETags, and the OpenAPI document
//! checked against what the server answers. The client is `ureq` (blocking, no async runtime
//! in the tests; over HTTPS trusting a test CA made in `serve/tls.rs`); requests a client
//! would never send (a lying length, a body cut off at shutdown) are written on a raw socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{blankett, compound_file, example, parts, zip_parts};

/// A running `blankett serve`, stopped when dropped.
struct Server {
    child: Child,
    /// `http` or `https`, as the first line says.
    scheme: String,
    /// Where to connect: the address listened on, loopback for an unspecified one.
    addr: String,
    /// The CA whose certificate (DER) the client trusts, over HTTPS.
    ca: Option<Vec<u8>>,
    out: PathBuf,
    stderr: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Serves a new output folder with `flags`, on a free port; returns once it listens.
    fn start(flags: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("ut");
        Server::start_in(dir, out, flags)
    }

    /// Serves `out` with `flags` (on 127.0.0.1 unless they give `--addr`).
    fn start_in(dir: tempfile::TempDir, out: PathBuf, flags: &[&str]) -> Server {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("blankett"));
        cmd.arg("serve").arg(&out);
        if !flags.contains(&"--addr") {
            cmd.args(["--addr", "127.0.0.1:0"]);
        }
        let mut child = cmd
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        lines.read_line(&mut first).unwrap();
        let (scheme, addr) = first
            .split_once("://")
            .and_then(|(head, rest)| {
                let scheme = head.rsplit(' ').next()?;
                Some((scheme.to_owned(), rest.split_whitespace().next()?))
            })
            .unwrap_or_else(|| panic!("no URL in the first line: {first:?}"));
        let addr = addr.replace("0.0.0.0:", "127.0.0.1:");
        // Drain stderr, or the server blocks once the pipe is full.
        let stderr = Arc::new(Mutex::new(first));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&line);
                sink.lock().unwrap().push('\n');
            }
        });
        Server {
            child,
            scheme,
            addr,
            ca: None,
            out,
            stderr,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}://{}{path}", self.scheme, self.addr)
    }

    /// A client of this server: over HTTPS, one that trusts the test CA.
    fn client(&self) -> ureq::Agent {
        match &self.ca {
            None => agent(),
            Some(ca) => tls::agent_trusting(ca),
        }
    }

    fn get(&self, path: &str) -> Reply {
        send(self.client().get(self.url(path)).call())
    }

    fn get_with(&self, path: &str, header: &str, value: &str) -> Reply {
        send(
            self.client()
                .get(self.url(path))
                .header(header, value)
                .call(),
        )
    }

    /// Posts `files` as multipart form data, each a `file` field.
    fn upload(&self, path: &str, files: &[(&str, &[u8])]) -> Reply {
        let (content_type, body) = multipart(files);
        send(
            self.client()
                .post(self.url(path))
                .header("Content-Type", &content_type)
                .send(&body[..]),
        )
    }

    /// Posts one form as a raw Word body named by `?filename=`.
    fn upload_raw(&self, path: &str, name: &str, bytes: &[u8]) -> Reply {
        send(
            self.client()
                .post(self.url(&format!("{path}?filename={name}")))
                .header("Content-Type", DOCX)
                .send(bytes),
        )
    }

    fn json(&self, file: &str) -> Value {
        serde_json::from_slice(&std::fs::read(self.out.join(file)).unwrap()).unwrap()
    }

    /// Sends SIGTERM and waits for the exit (at most 10 s).
    fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = i32::try_from(self.child.id()).unwrap();
        // SAFETY: a plain kill(2) of the child this test started.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// What the server answered.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn media_type(&self) -> &str {
        self.header("content-type")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as a problem: its media type and fields checked.
    fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.media_type(), "application/problem+json");
        let p = self.json();
        assert_problem(&p, status, code);
        p
    }
}

fn assert_problem(p: &Value, status: u16, code: &str) {
    assert_eq!(p["status"], status, "{p}");
    assert_eq!(p["code"], code, "{p}");
    assert_eq!(p["type"], format!("urn:blankett:problem:{code}"), "{p}");
    assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
    assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A client that shows redirects instead of following them, as a test of them needs.
fn no_redirects() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn send(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut r = r.unwrap();
    let headers = r
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let body = r
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap();
    Reply {
        status: r.status().as_u16(),
        headers,
        body,
    }
}

/// A multipart body with each file as a `file` field, and its content type.
fn multipart(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "blankett-test-boundary-7d1c";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {DOCX}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn form() -> Vec<u8> {
    std::fs::read(example()).unwrap()
}

/// A Word file that is not the form: a cover letter whose controls answer no question.
fn cover_letter() -> Vec<u8> {
    let letter = r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Följebrev</w:t></w:r></w:p><w:sdt><w:sdtPr><w:id w:val="1"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Härmed översänds uppföljningsrapporten.</w:t></w:r></w:p></w:sdtContent></w:sdt></w:body></w:document>"#;
    let parts: Vec<(String, Vec<u8>)> = parts(&form())
        .into_iter()
        .map(|(name, bytes)| {
            if name == "word/document.xml" {
                (name, letter.as_bytes().to_vec())
            } else {
                (name, bytes)
            }
        })
        .collect();
    zip_parts(&parts)
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn an_uploaded_form_is_stored_as_watch_stores_it_with_its_original() {
    let server = Server::start(&[]);
    let r = server.upload("/api/v1/forms", &[("Östermalm 2022-T1.docx", &form())]);
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.media_type(), "application/json");
    let result = r.json();
    let id = result["id"].as_str().unwrap().to_owned();
    assert_eq!(result["file"], "Östermalm 2022-T1.docx");
    assert_eq!(result["respondent"]["id"], "ostermalm-sdn");
    assert_eq!(result["round"], "2022-T1");
    assert_eq!(result["counts"]["answered"], 8, "{result}");
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/submissions/{id}").as_str())
    );

    let stored = server.json(&format!("submissions/{id}.json"));
    assert_eq!(
        server.get(&format!("/api/v1/submissions/{id}")).json(),
        stored
    );
    let index = server.json("index.json");
    assert_eq!(index["submissions"][&id]["origin"], "upload", "{index}");
    assert_eq!(index["submissions"][&id]["path"], "Östermalm 2022-T1.docx");
    let report = server.json("report.json");
    assert_eq!(report["files"][0]["status"], "converted", "{report}");
    let original = server
        .out
        .join(format!("originals/{}.docx", sha256(&form())));
    assert_eq!(std::fs::read(original).unwrap(), form());

    let listed = server.get("/api/v1/submissions").json();
    let first = &listed["submissions"][0];
    assert_eq!(first["id"], id.as_str());
    assert_eq!(first["respondent"], "ostermalm-sdn");
    assert!(
        first["savedAt"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok(),
        "{first}"
    );
    assert!(
        server.log().contains(&format!("stored={id}")),
        "{}",
        server.log()
    );
}

#[test]
fn a_raw_word_body_is_one_form_and_convert_stores_nothing() {
    let server = Server::start(&[]);
    let r = server.upload_raw("/api/v1/convert", "Ostermalm.docx", &form());
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["respondent"]["id"], "ostermalm-sdn");
    assert!(!server.out.join("index.json").exists());
    assert!(!server.out.join("originals").exists());
    let r = server.upload_raw("/api/v1/forms", "Ostermalm.docx", &form());
    assert_eq!(r.status, 201);
    let r = send(
        agent()
            .post(server.url("/api/v1/forms"))
            .header("Content-Type", DOCX)
            .send(&form()[..]),
    );
    r.problem(400, "bad-request");
    let r = send(
        agent()
            .post(server.url("/api/v1/forms?filename=x.docx"))
            .header("Content-Type", "text/plain")
            .send(&b"hej"[..]),
    );
    r.problem(415, "unsupported-media-type");
}

#[test]
fn bad_uploads_are_problems_naming_the_file_and_the_code() {
    let server = Server::start(&[]);
    let doc = compound_file(&["WordDocument"]);
    server
        .upload("/api/v1/forms", &[("gammal.doc", &doc)])
        .problem(422, "legacy-doc");
    let p = server
        .upload("/api/v1/forms", &[("Följebrev.docx", &cover_letter())])
        .problem(422, "not-a-form");
    assert_eq!(p["file"], "Följebrev.docx");
    server
        .upload("/api/v1/forms", &[("notes.txt", b"hej")])
        .problem(422, "not-a-word-file");

    let r = server.upload(
        "/api/v1/forms",
        &[
            ("Följebrev.docx", &cover_letter()),
            ("Östermalm.docx", &form()),
        ],
    );
    assert_eq!(r.status, 207);
    let results = r.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["file"], "Följebrev.docx");
    assert_eq!(results[0]["status"], 422);
    assert_problem(&results[0]["problem"], 422, "not-a-form");
    assert_eq!(results[1]["status"], 201);
    assert_eq!(results[1]["result"]["respondent"]["id"], "ostermalm-sdn");

    let report = server.json("report.json");
    let failed = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "failed")
        .count();
    // The letter sent twice is one file of the report, as a file sent twice to an inbox is.
    assert_eq!(failed, 2, "the .doc and the letter: {report}");
    let index = server.json("index.json");
    assert_eq!(
        index["submissions"].as_object().unwrap().len(),
        1,
        "{index}"
    );
    server
        .get("/api/v1/submissions/..%2F..%2Findex")
        .problem(404, "not-found");
    server.get("/api/v1/nowhere").problem(404, "not-found");
}

/// Sends a request on a raw socket, its body from another thread that stops at the first
/// error: a server refusing a body before reading it closes the connection, and a client that
/// insists on sending it all (as `ureq` does) fails on a broken pipe without reading the answer.
fn refused_early(server: &Server, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut writer = s.try_clone().unwrap();
    let sending = std::thread::spawn(move || {
        let _ = writer.write_all(head.as_bytes());
        for chunk in body.chunks(16 * 1024) {
            if writer.write_all(chunk).is_err() {
                break;
            }
        }
    });
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let _ = sending.join();
    parse_reply(&answer)
}

/// An answer as read from a raw socket: its status line, headers and body.
fn parse_reply(answer: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(answer).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer: {text:?}"));
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn a_file_over_the_limit_is_refused_with_413() {
    let server = Server::start(&["--max-file-size", "1"]);
    let big = vec![b'x'; (1 << 20) + 1];
    let p = refused_early(
        &server,
        "/api/v1/forms?filename=stor.docx",
        DOCX,
        big.clone(),
    )
    .problem(413, "file-too-large");
    assert_eq!(p["file"], "stor.docx");
    // The file before it was read, converted and stored before the big one came: it is
    // accounted for, and reading stops at the big one.
    let (kind, body) = multipart(&[
        ("Östermalm.docx", &form()),
        ("stor.docx", &big),
        ("efter.docx", &form()),
    ]);
    let r = refused_early(&server, "/api/v1/forms", &kind, body);
    assert_eq!(r.status, 207, "{}", String::from_utf8_lossy(&r.body));
    let results = r.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0]["status"], 201);
    assert_eq!(results[1]["file"], "stor.docx");
    assert_problem(&results[1]["problem"], 413, "file-too-large");
    let index = server.json("index.json");
    assert_eq!(
        index["submissions"].as_object().unwrap().len(),
        1,
        "{index}"
    );
    let many: Vec<(String, Vec<u8>)> = (0..51)
        .map(|i| (format!("f{i}.docx"), vec![b'x'; 10]))
        .collect();
    let many: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let (kind, body) = multipart(&many);
    let r = refused_early(&server, "/api/v1/forms", &kind, body);
    let results = r.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 51, "fifty files read, then the problem");
    assert_problem(&results[50]["problem"], 413, "too-many-files");
    assert_eq!(results[50]["file"], "f50.docx");
}

/// A request announcing a body over the limit is answered before any of it is sent: were the
/// server to read it, this test would wait for bytes that never come.
#[test]
fn a_request_announcing_too_much_is_refused_before_it_is_read() {
    let server = Server::start(&["--max-file-size", "1"]);
    for (kind, length) in [
        (DOCX, 2 << 20),
        ("multipart/form-data; boundary=x", 200 << 20),
    ] {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "POST /api/v1/forms?filename=a.docx HTTP/1.1\r\nHost: x\r\nContent-Type: {kind}\r\nContent-Length: {length}\r\n\r\n"
        )
        .unwrap();
        let mut head = [0u8; 12];
        s.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 413", "{kind}");
    }
}

#[test]
fn twenty_concurrent_uploads_are_each_accounted_for_exactly_once() {
    let server = Arc::new(Server::start(&["--workers", "2"]));
    let bytes = Arc::new(form());
    let threads: Vec<_> = (0..20)
        .map(|i| {
            let (server, bytes) = (server.clone(), bytes.clone());
            std::thread::spawn(move || {
                let name = format!("Östermalm {i}.docx");
                let r = server.upload("/api/v1/forms", &[(&name, &bytes)]);
                assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
                r.json()["id"].as_str().unwrap().to_owned()
            })
        })
        .collect();
    let mut ids: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    let index = server.json("index.json");
    let entries = index["submissions"].as_object().unwrap();
    let mut paths: Vec<&str> = entries
        .values()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    let mut expected: Vec<String> = (0..20).map(|i| format!("Östermalm {i}.docx")).collect();
    expected.sort();
    assert_eq!(paths, expected);
    assert_eq!(entries.keys().cloned().collect::<Vec<_>>(), ids);
    let report = server.json("report.json");
    assert_eq!(report["files"].as_array().unwrap().len(), 20, "{report}");
    let stored = std::fs::read_dir(server.out.join("submissions"))
        .unwrap()
        .count();
    assert_eq!(stored, 20);
}

fn token_file(dir: &Path) -> PathBuf {
    let path = dir.join("token");
    std::fs::write(&path, "s3cret-token-of-some-length\n").unwrap();
    path
}

#[test]
fn with_a_token_everything_but_healthz_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    let token = token_file(dir.path());
    let out = dir.path().join("ut");
    let server = Server::start_in(dir, out, &["--token-file", token.to_str().unwrap()]);
    for path in ["/api/v1/round", "/api/v1/openapi.json", "/api/v1/nowhere"] {
        let r = server.get(path);
        r.problem(401, "unauthorized");
        assert!(
            r.header("www-authenticate")
                .is_some_and(|v| v.starts_with("Bearer"))
        );
        server
            .get_with(path, "Authorization", "Bearer not-the-token-at-all")
            .problem(401, "unauthorized");
    }
    server
        .upload("/api/v1/forms", &[("Östermalm.docx", &form())])
        .problem(401, "unauthorized");
    assert!(!server.out.join("index.json").exists());
    let ok = server.get_with(
        "/api/v1/round",
        "Authorization",
        "Bearer s3cret-token-of-some-length",
    );
    assert_eq!(ok.status, 200);
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn another_address_needs_a_token_and_tls_or_a_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let token = token_file(dir.path());
    let out = dir.path().join("ut");
    blankett()
        .arg("serve")
        .arg(&out)
        .args(["--addr", "0.0.0.0:0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--token-file"))
        .stderr(predicates::function::function(|s: &str| {
            s.lines().count() == 1
        }));
    blankett()
        .arg("serve")
        .arg(&out)
        .args(["--addr", "0.0.0.0:0", "--token-file"])
        .arg(&token)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "over plain HTTP: give --tls-cert and --tls-key, or --behind-proxy",
        ));
    std::fs::write(dir.path().join("short"), "abc").unwrap();
    blankett()
        .arg("serve")
        .arg(&out)
        .arg("--token-file")
        .arg(dir.path().join("short"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("at least 16 characters"));
}

#[test]
fn the_server_holds_the_output_folders_lock() {
    let server = Server::start(&[]);
    let inbox = tempfile::tempdir().unwrap();
    blankett()
        .args(["batch", "--out"])
        .arg(&server.out)
        .arg(inbox.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "in use by another blankett (serve",
        ));
}

#[test]
fn every_response_carries_the_security_headers() {
    let server = Server::start(&[]);
    for path in ["/healthz", "/api/v1/round", "/api/v1/nowhere"] {
        let r = server.get(path);
        assert_eq!(
            r.header("content-security-policy"),
            Some("default-src 'self'; frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
}

#[test]
fn the_round_and_the_submissions_carry_etags_that_change_with_them() {
    let server = Server::start(&[]);
    let id = server
        .upload("/api/v1/forms", &[("Östermalm.docx", &form())])
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tags = Vec::new();
    for path in [
        "/api/v1/round",
        "/api/v1/submissions",
        &format!("/api/v1/submissions/{id}"),
    ] {
        let first = server.get(path);
        let tag = first
            .header("etag")
            .unwrap_or_else(|| panic!("{path}: no ETag"))
            .to_owned();
        assert_eq!(
            server.get(path).header("etag"),
            Some(tag.as_str()),
            "{path}: stable"
        );
        let again = server.get_with(path, "If-None-Match", &tag);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(
            server.get_with(path, "If-None-Match", "\"other\"").status,
            200
        );
        tags.push(tag);
    }
    server.upload("/api/v1/forms", &[("Farsta.docx", &form())]);
    for (path, tag) in ["/api/v1/round", "/api/v1/submissions"].iter().zip(&tags) {
        assert_eq!(
            server.get_with(path, "If-None-Match", tag).status,
            200,
            "{path} changed"
        );
    }
}

/// A server on an output folder holding one submission stored by `batch` (contact details
/// and all), with `flags`.
fn with_a_batch_submission(flags: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ut");
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(example(), inbox.join("Östermalm 2022-T1.docx")).unwrap();
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&inbox)
        .assert()
        .success();
    Server::start_in(dir, out, flags)
}

#[test]
fn redact_contact_leaves_contact_details_out_of_every_response() {
    let server = with_a_batch_submission(&["--redact-contact"]);
    let uploaded = server.upload("/api/v1/forms", &[("Farsta.docx", &form())]);
    assert_eq!(uploaded.status, 201);
    let listed = server.get("/api/v1/submissions").json();
    let mut bodies = vec![
        server.get("/api/v1/round").body,
        server.get("/api/v1/status").body,
    ];
    for s in listed["submissions"].as_array().unwrap() {
        bodies.push(
            server
                .get(&format!(
                    "/api/v1/submissions/{}",
                    s["id"].as_str().unwrap()
                ))
                .body,
        );
    }
    bodies.push(server.upload_raw("/api/v1/convert", "x.docx", &form()).body);
    for path in ["/api/v1/round.csv", "/api/v1/round.md"] {
        bodies.push(server.get(path).body);
    }
    assert_eq!(bodies.len(), 7);
    for body in bodies {
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains("naslund"), "{text}");
        assert!(!text.contains("508 100"), "{text}");
    }
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_stops() {
    let mut server = Server::start(&[]);
    let s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    sigterm_during_an_upload(&mut server, s);
}

/// Sends half an upload over `s`, SIGTERM to the server, then the rest: the upload is answered
/// `201` and stored, and the server stops cleanly.
fn sigterm_during_an_upload(server: &mut Server, mut s: impl Read + Write) {
    let bytes = form();
    write!(
        s,
        "POST /api/v1/forms?filename=Ostermalm.docx HTTP/1.1\r\nHost: x\r\nContent-Type: {DOCX}\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    )
    .unwrap();
    let half = bytes.len() / 2;
    s.write_all(&bytes[..half]).unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = i32::try_from(server.child.id()).unwrap();
    // SAFETY: a plain kill(2) of the child this test started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    std::thread::sleep(Duration::from_millis(200));
    s.write_all(&bytes[half..]).unwrap();
    s.flush().unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 201");
    drop(s);
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    assert!(server.log().contains("serve: stopped"), "{}", server.log());
    assert_eq!(
        server.json("index.json")["submissions"]
            .as_object()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn json_log_lines_are_json() {
    let server = Server::start(&["--log-format", "json"]);
    assert_eq!(server.get("/healthz").status, 200);
    let start = Instant::now();
    while !server.log().contains("/healthz") && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = server.log();
    let line = log.lines().find(|l| l.contains("/healthz")).unwrap();
    let v: Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["status"], 200);
    assert_eq!(v["method"], "GET");
    assert!(
        v["time"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok()
    );
}

mod browser;
mod changes;
mod compression;
mod inbox;
mod memory;
mod openapi;
mod page;
mod tls;
mod web_page;
mod webdriver;

/// The analyst's decisions (`blankett assign`) hold for uploads as for batch and watch: they
/// go by the form's content, whatever the upload calls it.
#[test]
fn the_analysts_decisions_apply_to_uploads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ut");
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    let farsta = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/farsta-2022-T1.docx");
    std::fs::copy(example(), inbox.join("Östermalm.docx")).unwrap();
    std::fs::copy(&farsta, inbox.join("Farsta.docx")).unwrap();
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&inbox)
        .assert()
        .success();
    blankett()
        .arg("assign")
        .arg(&out)
        .arg("Östermalm.docx")
        .args(["--exclude", "--note", "sänd av misstag"])
        .assert()
        .success();
    blankett()
        .arg("assign")
        .arg(&out)
        .arg("Farsta.docx")
        .args(["--respondent", "bromma-sdn"])
        .assert()
        .success();
    let server = Server::start_in(dir, out, &[]);
    let p = server
        .upload("/api/v1/forms", &[("igen.docx", &form())])
        .problem(422, "excluded");
    assert!(
        p["detail"].as_str().unwrap().contains("sänd av misstag"),
        "{p}"
    );
    let skipped = server.json("report.json")["skipped"].clone();
    assert!(
        skipped
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["path"] == "igen.docx" && s["reason"] == "excluded"),
        "{skipped}"
    );
    let r = server.upload(
        "/api/v1/forms",
        &[("Farsta igen.docx", &std::fs::read(&farsta).unwrap())],
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["respondent"]["id"], "bromma-sdn");
    assert_eq!(r.json()["respondent"]["resolvedBy"], "assigned");
}

#[test]
fn since_keeps_the_submissions_saved_after_it() {
    let server = Server::start(&[]);
    assert_eq!(
        server
            .upload("/api/v1/forms", &[("Östermalm.docx", &form())])
            .status,
        201
    );
    let count = |query: &str| {
        server.get(&format!("/api/v1/submissions{query}")).json()["submissions"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(""), 1);
    assert_eq!(count("?since=2000-01-01T00:00:00Z"), 1);
    assert_eq!(count("?since=2999-01-01T00:00:00Z"), 0);
    server
        .get("/api/v1/submissions?since=yesterday")
        .problem(400, "bad-request");
}

/// Uploads and a batch share one output folder: a batch run afterwards keeps the uploaded
/// submissions (they came from no folder of its), as the server keeps what batch wrote.
#[test]
fn a_batch_after_the_server_keeps_the_uploads() {
    let mut server = Server::start(&[]);
    let id = server
        .upload("/api/v1/forms", &[("Östermalm.docx", &form())])
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(server.terminate().success());
    let inbox = tempfile::tempdir().unwrap();
    let farsta = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/farsta-2022-T1.docx");
    std::fs::copy(farsta, inbox.path().join("Farsta.docx")).unwrap();
    blankett()
        .args(["batch", "--out"])
        .arg(&server.out)
        .arg(inbox.path())
        .assert()
        .success();
    let index = server.json("index.json");
    let entries = index["submissions"].as_object().unwrap();
    assert_eq!(entries.len(), 2, "{index}");
    assert_eq!(entries[&id]["origin"], "upload");
    assert!(server.out.join(format!("submissions/{id}.json")).is_file());
}
