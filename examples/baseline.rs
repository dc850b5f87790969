//! The floor of what converting a form can cost: for each form, open the zip, inflate
//! `word/document.xml` into a reused buffer and walk all its events with quick-xml, doing
//! nothing else. Nothing can convert a form faster than this.
//!
//! ```sh
//! cargo run --release --example baseline -- DIR_OR_FILES…
//! ```

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).unwrap().flatten() {
                    let path = e.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|x| x == "docx") {
                        out.push(path);
                    }
                }
            }
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out
}

fn walk(path: &Path, file: &mut Vec<u8>, xml: &mut Vec<u8>) -> usize {
    file.clear();
    std::fs::File::open(path)
        .unwrap()
        .read_to_end(file)
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&file[..])).unwrap();
    xml.clear();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_end(xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_reader(&xml[..]);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => events += 1,
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    events
}

fn main() {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let files = files(&args);
    let (mut file, mut xml) = (Vec::new(), Vec::new());
    let start = Instant::now();
    let events: usize = files.iter().map(|f| walk(f, &mut file, &mut xml)).sum();
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "baseline: {} forms, {events} XML events, {:.3} s, {:.0} forms/s",
        files.len(),
        secs,
        files.len() as f64 / secs
    );
}
