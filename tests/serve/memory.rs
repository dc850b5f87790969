//! A burst of large uploads, all within `--max-file-size`, against `--upload-memory`: every
//! request is answered (stored, or `503` with `Retry-After` to be sent again), and the
//! server's peak memory (`VmHWM` in `/proc/<pid>/status`) grows by about the budget, not by
//! the burst. The same burst against a budget that holds it all shows that the measure sees
//! the bodies: there the peak grows by about all of them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier, OnceLock};
use std::time::Duration;

use super::{DOCX, Reply, Server, form, multipart};
use crate::common::{parts, zip_parts};

/// How many uploads the burst sends at once, and the size of each.
const CLIENTS: usize = 24;
const FILE_MIB: usize = 3;

/// The form, padded to about [`FILE_MIB`] MiB with a part of bytes that do not compress.
fn large_form() -> Arc<Vec<u8>> {
    static FORM: OnceLock<Arc<Vec<u8>>> = OnceLock::new();
    FORM.get_or_init(|| Arc::new(padded())).clone()
}

fn padded() -> Vec<u8> {
    let mut parts = parts(&form());
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..FILE_MIB << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    parts.push(("word/media/brus.bin".to_owned(), noise));
    zip_parts(&parts)
}

/// The server's peak resident memory so far, in KiB.
fn peak_kib(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// One upload on its own socket, read from another thread all along (a refusal may come
/// while the body is still being sent); the body goes in two halves, the second once every
/// client has sent its first, so that the server has them all in hand at once if it takes
/// them.
fn upload(server: &Server, i: usize, bytes: &[u8], all_sent_half: &Barrier) -> Reply {
    let name = format!("Östermalm {i}.docx");
    let (path, kind, body) = if i.is_multiple_of(2) {
        let (kind, body) = multipart(&[(&name, bytes)]);
        ("/api/v1/forms".to_owned(), kind, body)
    } else {
        (
            format!("/api/v1/forms?filename=Ostermalm%20{i}.docx"),
            DOCX.to_owned(),
            bytes.to_vec(),
        )
    };
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut reader = s.try_clone().unwrap();
    let answer = std::thread::spawn(move || {
        let mut answer = Vec::new();
        let _ = reader.read_to_end(&mut answer);
        answer
    });
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let half = body.len() * 5 / 6;
    let sent = s
        .write_all(head.as_bytes())
        .and_then(|()| s.write_all(&body[..half]));
    all_sent_half.wait();
    if sent.is_ok() {
        let _ = s.write_all(&body[half..]);
    }
    let answer = answer.join().unwrap();
    super::parse_reply(&answer)
}

/// Sends the burst to a server with `budget_mib` of upload memory; the answers, and how much
/// the server's peak memory grew, in MiB.
fn burst(budget_mib: u64) -> (Vec<Reply>, u64, Server) {
    let budget = budget_mib.to_string();
    let server = Arc::new(Server::start(&[
        "--upload-memory",
        &budget,
        "--max-file-size",
        "4",
        "--workers",
        "2",
    ]));
    let bytes = large_form();
    // A first upload, so that the measure starts with the server warmed up.
    assert_eq!(
        server
            .upload("/api/v1/forms", &[("först.docx", &bytes)])
            .status,
        201
    );
    let before = peak_kib(&server);
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (server, bytes, barrier) = (server.clone(), bytes.clone(), barrier.clone());
            std::thread::spawn(move || upload(&server, i, &bytes, &barrier))
        })
        .collect();
    let replies = clients.into_iter().map(|c| c.join().unwrap()).collect();
    let grown = peak_kib(&server).saturating_sub(before) >> 10;
    let server = Arc::try_unwrap(server).unwrap_or_else(|_| panic!("a client kept the server"));
    (replies, grown, server)
}

#[test]
fn a_burst_of_large_uploads_stays_within_the_upload_memory_and_each_is_answered() {
    if !std::path::Path::new("/proc/self/status").exists() {
        eprintln!("skipped: no /proc to read the server's peak memory from");
        return;
    }
    let budget = 12;
    let (replies, grown, server) = burst(budget);
    let stored = replies.iter().filter(|r| r.status == 201).count();
    let busy: Vec<&Reply> = replies.iter().filter(|r| r.status == 503).collect();
    assert_eq!(
        stored + busy.len(),
        CLIENTS,
        "every request answered, stored or busy"
    );
    assert!(stored >= 1, "some fit");
    assert!(!busy.is_empty(), "the burst does not fit in {budget} MiB");
    for r in &busy {
        let p = r.problem(503, "server-busy");
        assert!(
            p["detail"].as_str().unwrap().contains("--upload-memory"),
            "{p}"
        );
        assert_eq!(r.header("retry-after"), Some("2"));
    }
    let index = server.json("index.json");
    assert_eq!(
        index["submissions"].as_object().unwrap().len(),
        stored + 1,
        "each stored upload once, and the first"
    );
    let burst_mib = (CLIENTS * FILE_MIB) as u64;
    eprintln!(
        "burst of {CLIENTS} × {FILE_MIB} MiB with --upload-memory {budget}: peak grew {grown} MiB; {stored} stored, {} busy",
        busy.len()
    );
    assert!(
        grown <= budget + 16,
        "grew {grown} MiB with a budget of {budget}"
    );

    let (replies, unbounded, _server) = burst(4 * burst_mib);
    assert!(replies.iter().all(|r| r.status == 201));
    eprintln!(
        "the same burst with --upload-memory {}: peak grew {unbounded} MiB",
        4 * burst_mib
    );
    assert!(
        unbounded >= burst_mib / 2,
        "the measure does not see the bodies: grew {unbounded} MiB"
    );
}

/// `serve` takes files of at most 25 MiB unless told otherwise (the other commands 256 MiB): a
/// request announcing more is refused before it is read.
#[test]
fn serve_takes_files_of_at_most_25_mib_by_default() {
    let server = Server::start(&[]);
    for (length, refused) in [((25 << 20) + 1, true), (25 << 20, false)] {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(1500)))
            .unwrap();
        write!(
            s,
            "POST /api/v1/forms?filename=a.docx HTTP/1.1\r\nHost: x\r\nContent-Type: {DOCX}\r\nContent-Length: {length}\r\n\r\n"
        )
        .unwrap();
        let mut head = [0u8; 12];
        let answered = s.read_exact(&mut head).is_ok();
        assert_eq!(answered, refused, "{length}");
        if refused {
            assert_eq!(&head, b"HTTP/1.1 413");
        }
    }
}

#[test]
fn the_upload_memory_holds_at_least_one_file() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::blankett()
        .arg("serve")
        .arg(dir.path().join("ut"))
        .args(["--upload-memory", "10", "--max-file-size", "11"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--upload-memory (10 MiB) must hold at least one file of --max-file-size (11 MiB)",
        ))
        .stderr(predicates::function::function(|s: &str| {
            s.lines().count() == 1
        }));
}
