//! Every kind of bad input a returned form can be, one case each: the error kind (its stable
//! code), the wording on stderr (the file, what is wrong, what to do) and the exit code. A
//! readable form with problems is not an error: it is read, with warnings.

use std::io::Write;
use std::path::Path;

use crate::common::{blankett, compound_file};

const RELS: &[u8] = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const TYPES: &[u8] = br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

fn zip_of(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in entries {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// A Word package whose main part is `document`.
fn word_with(document: &[u8]) -> Vec<u8> {
    zip_of(
        &[
            ("[Content_Types].xml", TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", document),
        ],
        zip::CompressionMethod::Deflated,
    )
}

fn body(inner: &str) -> Vec<u8> {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{inner}</w:body></w:document>"#).into_bytes()
}

/// A file that cannot be read: the library says `code`; `blankett inspect` prints one line,
/// `<path>: …<wording>…`, not ending in a full stop, and exits with 1.
fn refused(name: &str, bytes: &[u8], code: &str, wording: &str, flags: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut limits = blankett::Limits::default();
    if flags.contains(&"--max-part-size") {
        limits.max_part_bytes = 1 << 20;
    }
    if flags.contains(&"--max-total-size") {
        limits.max_total_bytes = 1 << 20;
    }
    let e = blankett::Reader::new(limits)
        .read_path(&path)
        .err()
        .unwrap_or_else(|| panic!("{name}: read, but it should fail with {code}"));
    assert_eq!(e.code(), code, "{name}: {e}");
    let out = blankett()
        .arg("inspect")
        .args(flags)
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{name}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{name}: one line: {stderr}");
    assert!(
        lines[0].starts_with(&format!("{}: ", path.display())),
        "{name}: names the file: {stderr}"
    );
    assert!(
        lines[0].contains(wording),
        "{name}: says {wording:?}: {stderr}"
    );
    assert!(!lines[0].ends_with('.'), "{name}: {stderr}");
}

#[test]
fn an_empty_file() {
    refused(
        "tom.docx",
        b"",
        "empty-file",
        "the file is empty (0 bytes); ask the sender to save the form and send it again",
        &[],
    );
}

#[test]
fn files_that_are_not_zip_packages() {
    refused(
        "text.docx",
        b"Svaren kommer senare.\n",
        "not-a-zip",
        "not a Word document: the file is not a zip package (a text file); open it in Word and save it as a Word document (.docx)",
        &[],
    );
    refused(
        "bild.docx",
        &[0x89, b'P', b'N', b'G', 0, 1, 2, 200, 201],
        "not-a-zip",
        "not a zip package",
        &[],
    );
    refused(
        "rtf.docx",
        b"{\\rtf1\\ansi Svar}",
        "not-a-zip",
        "(an RTF document)",
        &[],
    );
    refused(
        "pdf.docx",
        b"%PDF-1.7\n",
        "not-a-zip",
        "(a PDF document)",
        &[],
    );
    refused(
        "html.docx",
        b"<!DOCTYPE html><html><body>Svar</body></html>",
        "not-a-zip",
        "(an HTML file)",
        &[],
    );
}

#[test]
fn damaged_zip_packages() {
    let whole = word_with(&body("<w:p/>"));
    refused(
        "avklippt.docx",
        &whole[..whole.len() - 30],
        "damaged-zip",
        "damaged zip package",
        &[],
    );
    refused(
        "halv.docx",
        &whole[..whole.len() / 2],
        "damaged-zip",
        "the file was probably cut short or changed in transfer, ask for it again",
        &[],
    );
    // The central directory's first header signature overwritten.
    let mut broken = whole.clone();
    let cd = memchr::memmem::find(&broken, b"PK\x01\x02").unwrap();
    broken[cd + 2] = 9;
    refused(
        "trasig.docx",
        &broken,
        "damaged-zip",
        "damaged zip package",
        &[],
    );
}

#[test]
fn a_word_97_2003_document() {
    refused(
        "gammal.docx",
        &compound_file(&["WordDocument", "1Table"]),
        "legacy-doc",
        "a Word 97-2003 document (.doc), not a .docx; open it in Word, save it as a Word document (.docx) and send it again",
        &[],
    );
}

#[test]
fn an_encrypted_word_file() {
    refused(
        "lösen.docx",
        &compound_file(&["EncryptionInfo", "EncryptedPackage"]),
        "encrypted",
        "the document is encrypted with a password; remove the password in Word (File > Info > Protect Document) and send it again",
        &[],
    );
}

#[test]
fn other_office_files_and_other_zips() {
    let xlsx = zip_of(
        &[
            ("[Content_Types].xml", br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#),
            ("_rels/.rels", br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", b"<workbook/>"),
        ],
        zip::CompressionMethod::Deflated,
    );
    refused(
        "tabell.docx",
        &xlsx,
        "not-word",
        "not a Word document: an Excel workbook (.xlsx); send the filled-in Word form (.docx) instead",
        &[],
    );
    let pptx = zip_of(
        &[("ppt/presentation.xml", b"<p:presentation/>")],
        zip::CompressionMethod::Deflated,
    );
    refused(
        "bilder.docx",
        &pptx,
        "not-word",
        "a PowerPoint presentation (.pptx)",
        &[],
    );
    let other = zip_of(&[("svar.txt", b"Svar")], zip::CompressionMethod::Deflated);
    refused(
        "arkiv.docx",
        &other,
        "not-word",
        "a zip archive without a Word document in it",
        &[],
    );
}

#[test]
fn a_package_without_its_main_part() {
    let bytes = zip_of(
        &[("[Content_Types].xml", TYPES), ("_rels/.rels", RELS)],
        zip::CompressionMethod::Deflated,
    );
    refused(
        "tom-mapp.docx",
        &bytes,
        "missing-part",
        "the package has no part word/document.xml although _rels/.rels refers to it",
        &[],
    );
}

#[test]
fn a_missing_header_is_a_warning_not_an_error() {
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>"#;
    let bytes = zip_of(
        &[
            ("[Content_Types].xml", TYPES),
            ("_rels/.rels", RELS),
            (
                "word/document.xml",
                &body("<w:p><w:r><w:t>Svar</w:t></w:r></w:p>"),
            ),
            ("word/_rels/document.xml.rels", rels),
        ],
        zip::CompressionMethod::Deflated,
    );
    let doc = blankett::read_bytes(bytes, Some("x.docx")).unwrap();
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.code.as_str() == "missing-part" && w.message.contains("word/header1.xml"))
    );
    assert_eq!(doc.text(), "Svar");
}

#[test]
fn malformed_xml_says_the_part_and_the_position() {
    refused(
        "trasig-xml.docx",
        &word_with(b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p></w:body>"),
        "malformed-xml",
        "word/document.xml@",
        &[],
    );
    let mut invalid_utf8 = body("<w:p><w:r><w:t>XX</w:t></w:r></w:p>");
    let at = memchr::memmem::find(&invalid_utf8, b"XX").unwrap();
    invalid_utf8[at] = 0xC3;
    invalid_utf8[at + 1] = 0x28;
    refused(
        "utf8.docx",
        &word_with(&invalid_utf8),
        "malformed-xml",
        "malformed XML",
        &[],
    );
}

#[test]
fn a_dtd_and_an_external_entity_are_never_resolved() {
    let xml = br#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY web SYSTEM "http://127.0.0.1:9/x">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:sdt><w:sdtContent><w:p><w:r><w:t>Svar &xxe;&web; slut</w:t></w:r></w:p></w:sdtContent></w:sdt></w:body></w:document>"#;
    let doc = blankett::read_bytes(word_with(xml), Some("xxe.docx")).unwrap();
    assert_eq!(doc.controls[0].text, "Svar slut");
    let codes: Vec<&str> = doc.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"xml-doctype"), "{codes:?}");
    assert!(codes.contains(&"xml-entity"), "{codes:?}");
    assert!(!doc.text().contains("root:"));
}

#[test]
fn zip_bombs_stop_at_a_limit() {
    // A part that inflates past the part size limit (lowered to 1 MiB here).
    let big = word_with(&body(&"<w:p/>".repeat(400_000)));
    refused(
        "stor.docx",
        &big,
        "part-too-large",
        "part inflates to more than 1048576 bytes",
        &["--max-part-size", "1"],
    );
    // A part with an absurd compression ratio.
    let bomb = word_with(&vec![b' '; 32 << 20]);
    assert!(bomb.len() < 100_000);
    refused(
        "bomb.docx",
        &bomb,
        "ratio-too-high",
        "over the ratio limit of 200:1 (a zip bomb?); raise it with --max-ratio if the file is trusted",
        &[],
    );
}

#[test]
fn absurd_nesting_depth() {
    let deep = format!(
        "{}{}",
        "<w:customXml>".repeat(100_000),
        "</w:customXml>".repeat(100_000)
    );
    refused(
        "djup.docx",
        &word_with(&body(&deep)),
        "too-deep",
        "XML nested more than 512 elements deep",
        &[],
    );
}

#[test]
fn a_huge_number_of_entries() {
    let names: Vec<String> = (0..10_001).map(|i| format!("f/{i}.xml")).collect();
    let mut entries: Vec<(&str, &[u8])> =
        vec![("[Content_Types].xml", TYPES), ("_rels/.rels", RELS)];
    entries.extend(names.iter().map(|n| (n.as_str(), &b""[..])));
    refused(
        "manga.docx",
        &zip_of(&entries, zip::CompressionMethod::Stored),
        "too-many-entries",
        "the package has 10003 entries, over the limit of 10000",
        &[],
    );
}

#[test]
fn two_entries_with_one_name() {
    let mut bytes = zip_of(
        &[
            ("[Content_Types].xml", TYPES),
            ("_rels/.rels", RELS),
            (
                "word/document.xml",
                &body("<w:p><w:r><w:t>A</w:t></w:r></w:p>"),
            ),
            (
                "word/documenX.xml",
                &body("<w:p><w:r><w:t>B</w:t></w:r></w:p>"),
            ),
        ],
        zip::CompressionMethod::Stored,
    );
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&bytes[at..], b"word/documenX.xml") {
        bytes[at + i..at + i + 17].copy_from_slice(b"word/document.xml");
        at += i + 17;
    }
    refused(
        "dubbel.docx",
        &bytes,
        "damaged-zip",
        "two entries are named word/document.xml",
        &[],
    );
}

#[test]
fn entry_names_that_climb_out_are_only_names() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inkorg");
    std::fs::create_dir_all(&inner).unwrap();
    let bytes = zip_of(
        &[
            ("[Content_Types].xml", TYPES),
            ("_rels/.rels", RELS),
            (
                "word/document.xml",
                &body("<w:p><w:r><w:t>Svar</w:t></w:r></w:p>"),
            ),
            ("../../utanfor.txt", b"never written anywhere"),
        ],
        zip::CompressionMethod::Deflated,
    );
    let path = inner.join("klättrare.docx");
    std::fs::write(&path, &bytes).unwrap();
    blankett().arg("inspect").arg(&path).assert().success();
    // The document holds no question, so it is refused as no form; what matters here is that
    // nothing is written outside.
    blankett()
        .args(["batch", "--out"])
        .arg(dir.path().join("ut"))
        .arg(&inner)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("not the form"));
    for p in [
        dir.path().join("utanfor.txt"),
        Path::new("/tmp/utanfor.txt").to_path_buf(),
    ] {
        assert!(!p.exists(), "{} written", p.display());
    }
}

#[test]
fn a_macro_enabled_document_is_read_and_its_macros_never_touched() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/macro-enabled.docm");
    let doc = blankett::read_path(&path).unwrap();
    assert_eq!(doc.controls[0].text, "Norrmalms stadsdelsnämnd");
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn one_bad_file_in_a_batch_leaves_the_others_converted() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/ostermalm-2022-T1.docx"),
        inbox.join("a.docx"),
    )
    .unwrap();
    std::fs::write(inbox.join("b.docx"), compound_file(&["WordDocument"])).unwrap();
    std::fs::write(inbox.join("c.docx"), b"").unwrap();
    let out = dir.path().join("ut");
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&inbox)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("b.docx: a Word 97-2003 document"))
        .stderr(predicates::str::contains("c.docx: the file is empty"))
        .stderr(predicates::str::contains(
            "3 files: 1 converted, 0 unchanged, 2 failed",
        ));
    assert_eq!(
        std::fs::read_dir(out.join("submissions")).unwrap().count(),
        1
    );
}

/// A zip written byte by byte, to make the ones no zip writer makes: stored entries, each with
/// the method number it claims, and a ZIP64 end record when `zip64`. The plain end record's
/// count is the true count modulo 65,536, as a writer without ZIP64 leaves it.
fn hand_zip(entries: &[(&str, &[u8], u16)], zip64: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, method) in entries {
        let offset = out.len() as u32;
        let mut fields = Vec::new();
        fields.extend_from_slice(&20u16.to_le_bytes());
        fields.extend_from_slice(&0u16.to_le_bytes());
        fields.extend_from_slice(&method.to_le_bytes());
        fields.extend_from_slice(&[0; 4]);
        fields.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
        fields.extend_from_slice(&(data.len() as u32).to_le_bytes());
        fields.extend_from_slice(&(data.len() as u32).to_le_bytes());
        fields.extend_from_slice(&(name.len() as u16).to_le_bytes());
        fields.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&fields);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&fields);
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (at, len, n) = (out.len() as u64, central.len() as u64, entries.len() as u64);
    out.append(&mut central);
    if zip64 {
        let record = out.len() as u64;
        out.extend_from_slice(b"PK\x06\x06");
        out.extend_from_slice(&44u64.to_le_bytes());
        out.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for v in [n, n, len, at] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(b"PK\x06\x07");
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&record.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
    }
    let (count, len, at) = match zip64 {
        true => (0xFFFF, u32::MAX, u32::MAX),
        false => (n as u16, len as u32, at as u32),
    };
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn two_entries_with_one_name_behind_a_zip64_end_record() {
    let document = body("<w:p><w:r><w:t>A</w:t></w:r></w:p>");
    let bytes = hand_zip(
        &[
            ("[Content_Types].xml", TYPES, 0),
            ("_rels/.rels", RELS, 0),
            ("word/document.xml", &document, 0),
            ("word/document.xml", &document, 0),
        ],
        true,
    );
    refused(
        "dubbel64.docx",
        &bytes,
        "damaged-zip",
        "damaged zip package (two entries are named word/document.xml)",
        &[],
    );
}

#[test]
fn entries_that_share_their_data() {
    let document = body("<w:p><w:r><w:t>A</w:t></w:r></w:p>");
    let mut bytes = hand_zip(
        &[
            ("[Content_Types].xml", TYPES, 0),
            ("_rels/.rels", RELS, 0),
            ("word/document.xml", &document, 0),
            ("word/header1.xml", &document, 0),
        ],
        false,
    );
    // The header's central directory record points at the document's local header.
    let records: Vec<usize> = memchr::memmem::find_iter(&bytes, b"PK\x01\x02").collect();
    let document_at = bytes[records[2] + 42..records[2] + 46].to_vec();
    bytes[records[3] + 42..records[3] + 46].copy_from_slice(&document_at);
    refused(
        "overlapp.docx",
        &bytes,
        "damaged-zip",
        "damaged zip package (the entries word/document.xml and word/header1.xml overlap, which only a zip bomb does)",
        &[],
    );
}

#[test]
fn a_part_compressed_with_a_method_word_never_writes() {
    let document = body("<w:p/>");
    for (method, name) in [(12, "bzip2"), (14, "LZMA"), (93, "zstd")] {
        let bytes = hand_zip(
            &[
                ("[Content_Types].xml", TYPES, 0),
                ("_rels/.rels", RELS, 0),
                ("word/document.xml", &document, method),
            ],
            false,
        );
        refused(
            &format!("{name}.docx"),
            &bytes,
            "unsupported-compression",
            &format!(
                "word/document.xml: part is compressed with {name}, which Word never writes; open the file in Word, save it as a Word document (.docx) and send it again"
            ),
            &[],
        );
    }
}

#[test]
fn more_than_65535_entries_are_counted_truly() {
    let names: Vec<String> = (0..100_007).map(|i| format!("f/{i}.xml")).collect();
    let mut entries: Vec<(&str, &[u8], u16)> =
        vec![("[Content_Types].xml", TYPES, 0), ("_rels/.rels", RELS, 0)];
    entries.extend(names.iter().map(|n| (n.as_str(), &b""[..], 0)));
    for zip64 in [false, true] {
        refused(
            &format!("manga-{zip64}.docx"),
            &hand_zip(&entries, zip64),
            "too-many-entries",
            "the package has 100009 entries, over the limit of 10000; raise it with --max-entries if the file is trusted",
            &[],
        );
    }
}

#[test]
fn a_form_over_the_total_size() {
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>"#;
    let half = "<w:p><w:r><w:t>Svar</w:t></w:r></w:p>".repeat(16_000);
    let header = format!(
        r#"<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{half}</w:hdr>"#
    );
    let bytes = zip_of(
        &[
            ("[Content_Types].xml", TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", &body(&half)),
            ("word/_rels/document.xml.rels", rels),
            ("word/header1.xml", header.as_bytes()),
        ],
        zip::CompressionMethod::Deflated,
    );
    refused(
        "summa.docx",
        &bytes,
        "too-large",
        "the form holds more than 1048576 bytes once inflated, over the limit; raise it with --max-total-size if the file is trusted",
        &["--max-total-size", "1"],
    );
}

#[test]
fn a_header_named_in_every_case_is_read_once() {
    let name = "word/header1.xml";
    let letters: Vec<usize> = name
        .char_indices()
        .filter(|(_, c)| c.is_ascii_alphabetic())
        .map(|(i, _)| i)
        .collect();
    let rels: String = (0..1u32 << letters.len())
        .map(|bits| {
            let mut target = name.as_bytes().to_vec();
            for (k, &i) in letters.iter().enumerate() {
                if bits & (1 << k) != 0 {
                    target[i] = target[i].to_ascii_uppercase();
                }
            }
            let target = String::from_utf8(target).unwrap();
            format!(r#"<Relationship Id="rId{bits}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="/{target}"/>"#)
        })
        .collect();
    let rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    );
    let header = br#"<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:sdt><w:sdtContent><w:p><w:r><w:t>Sidhuvud</w:t></w:r></w:p></w:sdtContent></w:sdt></w:hdr>"#;
    let bytes = zip_of(
        &[
            ("[Content_Types].xml", TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", &body("<w:p/>")),
            ("word/_rels/document.xml.rels", rels.as_bytes()),
            ("word/header1.xml", header),
        ],
        zip::CompressionMethod::Deflated,
    );
    let doc = blankett::read_bytes(bytes, Some("varianter.docx")).unwrap();
    let texts: Vec<&str> = doc.controls.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["Sidhuvud"]);
}

/// A Word file that is not the form, such as the cover letter sent with it, holds controls too
/// (letter templates do), but no question: it is refused as `not-a-form`, never counted as a
/// respondent's submission, while the form beside it is converted.
#[test]
fn a_cover_letter_with_controls_is_not_a_form() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    let control = |text: &str| {
        format!(
            "<w:sdt><w:sdtPr><w:id w:val=\"1\"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        )
    };
    let letter = body(&format!(
        "<w:p><w:r><w:t>Följebrev</w:t></w:r></w:p>{}{}",
        control("Östermalms stadsdelsförvaltning"),
        control("Härmed översänds uppföljningsrapporten.")
    ));
    let bytes = zip_of(
        &[
            ("[Content_Types].xml", TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", &letter),
        ],
        zip::CompressionMethod::Deflated,
    );
    std::fs::write(inbox.join("Följebrev.docx"), &bytes).unwrap();
    std::fs::copy(crate::common::example(), inbox.join("Östermalm.docx")).unwrap();
    let out = dir.path().join("ut");
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&inbox)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("Följebrev.docx: not the form"));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let files = report["files"].as_array().unwrap();
    let letter = files
        .iter()
        .find(|f| f["path"] == "Följebrev.docx")
        .expect("the letter is in the report");
    assert_eq!(letter["status"], "failed", "{letter}");
    assert_eq!(letter["error"]["code"], "not-a-form", "{letter}");
    let submissions = std::fs::read_dir(out.join("submissions")).unwrap().count();
    assert_eq!(submissions, 1, "only the form is a submission");
}
