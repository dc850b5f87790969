//! The load client of `benches/serve-load.sh` when oha cannot be installed: N POST requests of
//! one file over C keep-alive HTTP/1.1 connections to a loopback address, one thread a
//! connection, each sending its next request when the last is answered. Prints what oha prints
//! with `--output-format json` (the fields the script reads): requests a second, the slowest
//! request, p50/p99 latency in seconds, status codes and errors.
//!
//! ```text
//! serve_load_client N C URL CONTENT-TYPE FILE
//! ```
//!
//! Standard library only, so the script can build it with `rustc -O` in seconds; it is also a
//! bench target (`harness = false`), so that the build and clippy keep it compiling.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 {
        eprintln!(
            "usage: serve_load_client N C URL CONTENT-TYPE FILE (the load client of benches/serve-load.sh: run that)"
        );
        // `cargo bench` runs every bench target with `--bench`: this one has nothing to do alone.
        let by_cargo = args.len() <= 2 && args.get(1).is_none_or(|a| a == "--bench");
        std::process::exit(if by_cargo { 0 } else { 2 });
    }
    let n: usize = args[1].parse().expect("N is a number");
    let c: usize = args[2].parse().expect("C is a number");
    let (addr, target) = split_url(&args[3]);
    assert!(addr.ip().is_loopback(), "loopback addresses only");
    let body = std::fs::read(&args[5]).expect("the file to send");
    let head = format!(
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
        args[4],
        body.len()
    );
    let mut request = head.into_bytes();
    request.extend_from_slice(&body);
    let request = Arc::new(request);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let threads: Vec<_> = (0..c)
        .map(|_| {
            let (request, next) = (request.clone(), next.clone());
            std::thread::spawn(move || connection(addr, &request, &next, n))
        })
        .collect();
    let mut latencies = Vec::with_capacity(n);
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for t in threads {
        let done = t.join().expect("a connection thread");
        latencies.extend(done.latencies);
        for (s, k) in done.statuses {
            *statuses.entry(s).or_default() += k;
        }
        for (e, k) in done.errors {
            *errors.entry(e).or_default() += k;
        }
    }
    let total = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len().max(1));
        latencies.get(i - 1).map_or(0.0, Duration::as_secs_f64)
    };
    let codes: Vec<String> = statuses
        .iter()
        .map(|(s, k)| format!("\"{s}\":{k}"))
        .collect();
    let errs: Vec<String> = errors
        .iter()
        .map(|(e, k)| format!("\"{}\":{k}", e.replace(['"', '\\'], "'")))
        .collect();
    println!(
        "{{\"summary\":{{\"total\":{total},\"requestsPerSec\":{},\"slowest\":{}}},\
         \"latencyPercentiles\":{{\"p50\":{},\"p99\":{}}},\
         \"statusCodeDistribution\":{{{}}},\"errorDistribution\":{{{}}}}}",
        latencies.len() as f64 / total,
        latencies.last().map_or(0.0, Duration::as_secs_f64),
        at(0.50),
        at(0.99),
        codes.join(","),
        errs.join(",")
    );
}

/// `http://127.0.0.1:PORT/path?query` as the address and the request target.
fn split_url(url: &str) -> (SocketAddr, String) {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let addr = host.parse().expect("an IP:PORT address");
    (
        addr,
        if target.is_empty() { "/" } else { target }.to_owned(),
    )
}

#[derive(Default)]
struct Done {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, usize>,
    errors: BTreeMap<String, usize>,
}

/// Sends requests over one connection (opened again after an error) until `n` are taken.
fn connection(addr: SocketAddr, request: &[u8], next: &AtomicUsize, n: usize) -> Done {
    let mut done = Done::default();
    let mut conn: Option<BufReader<TcpStream>> = None;
    while next.fetch_add(1, Ordering::Relaxed) < n {
        let sent = Instant::now();
        let answer = match conn.take() {
            Some(c) => Ok(c),
            None => TcpStream::connect(addr).map(|s| {
                let _ = s.set_nodelay(true);
                BufReader::new(s)
            }),
        }
        .and_then(|mut c| exchange(&mut c, request).map(|status| (c, status)));
        match answer {
            Ok((c, status)) => {
                done.latencies.push(sent.elapsed());
                *done.statuses.entry(status).or_default() += 1;
                conn = Some(c);
            }
            Err(e) => *done.errors.entry(e.to_string()).or_default() += 1,
        }
    }
    done
}

/// Sends one request and reads its answer whole; its status.
fn exchange(c: &mut BufReader<TcpStream>, request: &[u8]) -> std::io::Result<u16> {
    c.get_mut().write_all(request)?;
    let mut line = String::new();
    c.read_line(&mut line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {line:?}")))?;
    let mut length = None;
    loop {
        line.clear();
        if c.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("the connection closed"));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse::<u64>().ok();
        }
    }
    let length = length.ok_or_else(|| std::io::Error::other("an answer without Content-Length"))?;
    std::io::copy(&mut c.by_ref().take(length), &mut std::io::sink())?;
    Ok(status)
}
