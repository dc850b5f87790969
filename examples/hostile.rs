//! Writes a small hostile form of one shape and size, for the scaling bench
//! (`benches/adversarial.sh`) and for trying the limits by hand.
//!
//! ```sh
//! cargo run --release --example hostile -- empty-controls 2000000 out.docx
//! ```
//!
//! Shapes (N is the count of the repeated thing):
//! - `empty-controls`: N empty content controls, `<w:sdt/>`, in the body.
//! - `same-tag`: N answered controls all tagged as one question of the questionnaire.
//! - `paragraphs`: N one-letter paragraphs outside controls.
//! - `empty-paragraphs`: N empty paragraphs, `<w:p/>`.
//! - `table-rows`: one control holding a table of N one-cell rows.
//! - `nested`: N/64 repetitions of 64 nested controls around a 64-letter answer.
//! - `deep-text`: 200 nested controls around one paragraph of N ten-letter words.
//! - `header-aliases`: the relationships name one header part N times under case variants.

use std::io::{Cursor, Write};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [shape, n, out] = args.as_slice() else {
        eprintln!("usage: hostile SHAPE N OUT.docx");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a count");
    let Some(parts) = form(shape, n) else {
        eprintln!("hostile: no shape {shape:?}");
        std::process::exit(2);
    };
    std::fs::write(out, zip(&parts)).expect("the output file");
}

/// The parts of a form of `shape` with `n` repetitions.
pub fn form(shape: &str, n: usize) -> Option<Vec<(String, Vec<u8>)>> {
    let body = match shape {
        "empty-controls" => "<w:sdt/>".repeat(n),
        "same-tag" => r#"<w:sdt><w:sdtPr><w:tag w:val="samverkan-lokalt-naringsliv"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>a</w:t></w:r></w:p></w:sdtContent></w:sdt>"#.repeat(n),
        "paragraphs" => "<w:p><w:t>a</w:t></w:p>".repeat(n),
        "empty-paragraphs" => "<w:p/>".repeat(n),
        "table-rows" => format!(
            "<w:sdt><w:sdtContent><w:tbl>{}</w:tbl></w:sdtContent></w:sdt>",
            "<w:tr><w:tc><w:p><w:t>a</w:t></w:p></w:tc></w:tr>".repeat(n)
        ),
        "nested" => {
            let depth = 64;
            let one = format!(
                "{}<w:p><w:t>{}</w:t></w:p>{}",
                "<w:sdt><w:sdtContent>".repeat(depth),
                "a".repeat(64),
                "</w:sdtContent></w:sdt>".repeat(depth)
            );
            one.repeat(n.div_ceil(depth))
        }
        "deep-text" => format!(
            "{}<w:p><w:t>{}</w:t></w:p>{}",
            "<w:sdt><w:sdtContent>".repeat(200),
            "abcdefghij ".repeat(n),
            "</w:sdtContent></w:sdt>".repeat(200)
        ),
        "header-aliases" => return Some(header_aliases(n)),
        _ => return None,
    };
    Some(package(&document(&body), &[]))
}

fn document(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}" xmlns:r="{REL}"><w:body>{body}</w:body></w:document>"#
    )
}

/// A form whose body names one header part of 64 paragraphs `n` times: `header1.xml` in every
/// mix of upper and lower case (512 of them), then those again.
fn header_aliases(n: usize) -> Vec<(String, Vec<u8>)> {
    let name = "header1.xml";
    let letters: Vec<usize> = (0..name.len())
        .filter(|&i| name.as_bytes()[i].is_ascii_alphabetic())
        .collect();
    let cases = 1usize << letters.len();
    let rels: String = (0..n)
        .map(|k| {
            let mut target: Vec<u8> = name.bytes().collect();
            for (bit, &at) in letters.iter().enumerate() {
                if (k % cases) >> bit & 1 == 1 {
                    target[at] = target[at].to_ascii_uppercase();
                }
            }
            let target = String::from_utf8(target).unwrap();
            format!(r#"<Relationship Id="rId{k}" Type="{REL}/header" Target="{target}"/>"#)
        })
        .collect();
    let header = format!(
        r#"<w:hdr xmlns:w="{W}"><w:sdt><w:sdtPr><w:tag w:val="sidhuvud"/></w:sdtPr><w:sdtContent><w:p><w:t>Sidhuvud</w:t></w:p></w:sdtContent></w:sdt>{}</w:hdr>"#,
        "<w:p><w:t>Stockholms stad</w:t></w:p>".repeat(64)
    );
    package(
        &document("<w:p><w:t>a</w:t></w:p>"),
        &[
            (
                "word/_rels/document.xml.rels".into(),
                format!(r#"<Relationships xmlns="{PKG_REL}">{rels}</Relationships>"#).into_bytes(),
            ),
            ("word/header1.xml".into(), header.into_bytes()),
        ],
    )
}

fn package(document: &str, extra: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let types = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let rels = format!(
        r#"<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>"#
    );
    let mut parts = vec![
        ("[Content_Types].xml".to_owned(), types.as_bytes().to_vec()),
        ("_rels/.rels".to_owned(), rels.into_bytes()),
        ("word/document.xml".to_owned(), document.as_bytes().to_vec()),
    ];
    parts.extend(extra.iter().cloned());
    parts
}

fn zip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        // Stored, not deflated: so repetitive a part would compress past the ratio limit and
        // be refused for that before any budget is tried.
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::DEFAULT);
    for (name, bytes) in parts {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}
