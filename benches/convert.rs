//! Criterion benches: one typical district form (read; read, map and serialize), one large
//! form (the same form with every answer 200 paragraphs long), the mapping alone, and the
//! baseline (inflate `word/document.xml` and walk it) for scale.
//!
//! ```sh
//! cargo bench --bench convert
//! ```
//!
//! The whole-process comparison with python-docx is `benches/compare.sh` (see BENCHMARKS.md).

use std::io::{Cursor, Read, Write};
use std::path::Path;

use blankett::{MapOptions as Options, Prepared, TextKeys};
use blankett::{Questionnaire, Registry};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn typical() -> Vec<u8> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/kungsholmen-2022-T1.docx");
    std::fs::read(path).expect("the bundled example form")
}

fn part(docx: &[u8], name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut out = Vec::new();
    zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

/// The typical form with the paragraphs of every block-level answer repeated `times` times.
fn large(docx: &[u8], times: usize) -> Vec<u8> {
    let xml = String::from_utf8(part(docx, "word/document.xml")).unwrap();
    let (open, close) = ("<w:sdtContent>", "</w:sdtContent>");
    let mut out = String::with_capacity(xml.len() * times);
    let mut rest = xml.as_str();
    while let Some(at) = rest.find(open) {
        let start = at + open.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(close).unwrap();
        let inner = &rest[..end];
        if inner.starts_with("<w:p ") || inner.starts_with("<w:p>") {
            for _ in 0..times {
                out.push_str(inner);
            }
        } else {
            out.push_str(inner);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);

    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_owned();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        w.start_file(name.as_str(), opts).unwrap();
        if name == "word/document.xml" {
            w.write_all(out.as_bytes()).unwrap();
        } else {
            w.write_all(&bytes).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

fn baseline(docx: &[u8], buf: &mut Vec<u8>) -> usize {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    buf.clear();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_end(buf)
        .unwrap();
    let mut r = quick_xml::Reader::from_reader(&buf[..]);
    let mut events = 0;
    while !matches!(r.read_event().unwrap(), quick_xml::events::Event::Eof) {
        events += 1;
    }
    events
}

fn benches(c: &mut Criterion) {
    let q = Questionnaire::builtin();
    let reg = Registry::builtin();
    let prepared = Prepared::new(&q, &reg);
    let opts = Options::default();
    let mut reader = blankett::Reader::default();
    // Kept across iterations like the reader, as a batch worker keeps both.
    let mut keys = TextKeys::new();
    let mut buf = Vec::new();

    let forms = [("typical", typical())];
    let large_form = large(&forms[0].1, 200);
    for (name, docx) in [("typical", forms[0].1.clone()), ("large", large_form)] {
        let xml_len = part(&docx, "word/document.xml").len() as u64;
        let mut g = c.benchmark_group(format!("{name} form ({} KB document.xml)", xml_len / 1000));
        g.throughput(Throughput::Bytes(xml_len));
        if name == "large" {
            g.sample_size(20);
        }
        g.bench_function("baseline: inflate and walk", |b| {
            b.iter(|| baseline(&docx, &mut buf))
        });
        g.bench_function("read", |b| {
            b.iter(|| reader.read_bytes(docx.clone(), Some("form.docx")).unwrap())
        });
        g.bench_function("read, map, serialize", |b| {
            b.iter(|| {
                let doc = reader.read_bytes(docx.clone(), Some("form.docx")).unwrap();
                let s = prepared.map_with(&doc, &opts, &mut keys).unwrap();
                blankett::to_json(&s)
            })
        });
        g.finish();
    }

    let doc = reader
        .read_bytes(forms[0].1.clone(), Some("form.docx"))
        .unwrap();
    c.bench_function("mapping alone (typical form)", |b| {
        b.iter(|| prepared.map_with(&doc, &opts, &mut keys).unwrap())
    });
}

criterion_group!(convert, benches);
criterion_main!(convert);
