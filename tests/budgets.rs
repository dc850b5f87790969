//! The per-form budgets on the real binary: a small hostile form is refused as `too-large`,
//! naming the flag that raises the limit, before it can take the machine's memory; the good
//! forms beside it are converted all the same.

use std::io::{Cursor, Write};
use std::path::Path;

use crate::common::{blankett, example};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A Word package whose body is `body`, stored (not deflated: so repetitive a part would be
/// refused by the compression ratio limit before any budget is tried).
fn form(body: &str) -> Vec<u8> {
    let types = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let document = format!(r#"<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in [
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn report(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap()
}

#[test]
fn a_batch_under_one_gib_refuses_hostile_forms_and_converts_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    let out = dir.path().join("out");
    std::fs::create_dir(&inbox).unwrap();
    // 2,000,000 empty controls: 16 MB that took 2.8 GB before the budgets.
    std::fs::write(
        inbox.join("controls.docx"),
        form(&"<w:sdt/>".repeat(2_000_000)),
    )
    .unwrap();
    // 600,000 one-letter paragraphs: 1,200,000 elements, over the default 1,000,000.
    let paragraphs = "<w:p><w:t>a</w:t></w:p>".repeat(600_000);
    std::fs::write(inbox.join("paragraphs.docx"), form(&paragraphs)).unwrap();
    let forms = example().parent().unwrap().to_owned();
    let mut good = Vec::new();
    for entry in std::fs::read_dir(forms).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "docx") {
            let name = path.file_name().unwrap().to_owned();
            std::fs::copy(&path, inbox.join(&name)).unwrap();
            good.push(name.to_string_lossy().into_owned());
        }
    }
    assert!(good.len() >= 5, "the example forms: {good:?}");

    let bin = assert_cmd::cargo::cargo_bin("blankett");
    let run = assert_cmd::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 1048576 && exec "$0" "$@""#)
        .arg(&bin)
        .args(["batch", "--jobs", "2", "--out"])
        .arg(&out)
        .arg(&inbox)
        .env("MALLOC_ARENA_MAX", "2")
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("--max-controls"), "{stderr}");
    assert!(stderr.contains("--max-elements"), "{stderr}");

    let report = report(&out);
    let files = report["files"].as_array().unwrap();
    for f in files {
        let path = f["path"].as_str().unwrap();
        if good.iter().any(|g| g == path) {
            assert_eq!(f["status"], "converted", "{f}");
        } else {
            assert_eq!(f["status"], "failed", "{f}");
            assert_eq!(f["error"]["code"], "too-large", "{f}");
        }
    }
    assert_eq!(report["converted"], good.len());
    assert_eq!(report["failed"], 2);
}

#[test]
fn a_form_over_the_controls_budget_is_refused_until_the_flag_raises_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.docx");
    std::fs::write(&path, form(&"<w:sdt/>".repeat(30))).unwrap();
    blankett()
        .args(["inspect", "--max-controls", "29"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "the form holds more than 29 content controls and form fields, over the limit; raise it with --max-controls if the file is trusted",
        ));
    blankett()
        .args(["inspect", "--max-controls", "30"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn a_form_over_the_elements_budget_is_refused_until_the_flag_raises_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.docx");
    // document, body and 98 paragraphs of two elements: 198 elements.
    std::fs::write(&path, form(&"<w:p><w:t>a</w:t></w:p>".repeat(98))).unwrap();
    blankett()
        .args(["inspect", "--max-elements", "197"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "the form holds more than 197 XML elements, over the limit; raise it with --max-elements if the file is trusted",
        ));
    blankett()
        .args(["inspect", "--max-elements", "198"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn the_example_forms_are_far_inside_the_default_budgets() {
    // A tenth of each default still reads them: the limits are not near a real form.
    blankett()
        .args([
            "inspect",
            "--max-controls",
            "2000",
            "--max-elements",
            "100000",
        ])
        .arg(example())
        .assert()
        .success();
}

#[test]
fn batch_reads_with_the_limits_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, out) = (dir.path().join("inbox"), dir.path().join("out"));
    std::fs::create_dir(&inbox).unwrap();
    std::fs::write(inbox.join("many.docx"), form(&"<w:sdt/>".repeat(30))).unwrap();
    blankett()
        .args(["batch", "--max-controls", "29", "--out"])
        .arg(&out)
        .arg(&inbox)
        .assert()
        .code(1);
    assert_eq!(report(&out)["files"][0]["error"]["code"], "too-large");
}
