//! Any bytes as the main document part of an otherwise well-formed package, so the fuzzer
//! spends its time in the XML reader and the mapping rather than in the zip layer.
#![no_main]

use std::io::Write;
use std::sync::LazyLock;

use blankett::{MapOptions as Options, map};
use blankett::{Questionnaire, Registry};
use libfuzzer_sys::fuzz_target;

static SCHEMAS: LazyLock<(Questionnaire, Registry)> =
    LazyLock::new(|| (Questionnaire::builtin(), Registry::builtin()));

const RELS: &[u8] = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

fuzz_target!(|data: &[u8]| {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("_rels/.rels", opts).unwrap();
        zip.write_all(RELS).unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(data).unwrap();
        zip.finish().unwrap();
    }
    if let Ok(doc) = blankett::read_bytes(out.into_inner(), Some("fuzz.docx")) {
        let (q, r) = &*SCHEMAS;
        let _ = map(&doc, q, r, &Options::default());
    }
});
