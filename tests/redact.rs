//! `blankett redact` on the real binary, when a round is done: the contact details leave the
//! stored submissions and the round written into the output folder, every value counted; a
//! second run finds nothing; a dry run writes nothing; what it cannot remove is named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{blankett, example, fill_controls};
use predicates::prelude::*;

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Every file under `dir` with its bytes, but hidden ones (the lock file says who holds it).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                files.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    files
}

/// The files that differ between two snapshots.
fn changed(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = a.keys().chain(b.keys()).cloned().collect();
    paths.sort();
    paths.dedup();
    paths.retain(|p| a.get(p) != b.get(p));
    paths
}

/// The example forms converted into `ut`, and a round with a CSV export written into it.
fn finished_round(dir: &Path) -> (PathBuf, PathBuf) {
    let input = dir.join("inkorg");
    std::fs::create_dir_all(&input).unwrap();
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms");
    for e in std::fs::read_dir(forms).unwrap().flatten() {
        std::fs::copy(e.path(), input.join(e.file_name())).unwrap();
    }
    let out = dir.join("ut");
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    blankett()
        .args(["consolidate", "--format", "json,csv", "-o"])
        .arg(out.join("round"))
        .arg(&out)
        .assert()
        .success();
    (input, out)
}

/// The contact values the submissions of `out` hold, as written and normalized.
fn contact_values(out: &Path) -> Vec<String> {
    let mut values = Vec::new();
    for e in std::fs::read_dir(out.join("submissions"))
        .unwrap()
        .flatten()
    {
        let s = read_json(&e.path());
        if let Some(c) = s["contact"].as_object() {
            values.extend(c.values().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    values
}

fn redact(out: &Path) -> assert_cmd::Command {
    let mut c = blankett();
    c.arg("redact").arg(out);
    c
}

#[test]
fn redact_removes_the_contact_details_says_what_and_finds_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = finished_round(dir.path());
    let values = contact_values(&out);
    assert!(values.len() >= 18, "{values:?}");
    let before = snapshot(&out);

    let mut dry = redact(&out);
    dry.arg("--dry-run")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "(dry run, nothing written): would remove the contact details from 6 of 6 submissions: 18 values (6 names, 6 phone numbers, 6 e-mail addresses)",
        ));
    assert_eq!(
        changed(&snapshot(&out), &before),
        [] as [PathBuf; 0],
        "a dry run writes nothing"
    );

    redact(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "removed the contact details from 6 of 6 submissions: 18 values (6 names, 6 phone numbers, 6 e-mail addresses)",
        ))
        .stdout(predicate::str::contains("updated index.json"))
        .stdout(predicate::str::contains("round.json: removed the round's contact details"))
        .stdout(predicate::str::contains(
            "round.csv in",
        ))
        .stdout(predicate::str::contains("--format csv) or delete them"))
        .stdout(predicate::str::contains(format!(
            "the Word forms: 6 in {} (read by batch)",
            std::fs::canonicalize(&input).unwrap().display()
        )));
    let index = read_json(&out.join("index.json"));
    for (name, entry) in index["submissions"].as_object().unwrap() {
        let file = out.join("submissions").join(format!("{name}.json"));
        let s = read_json(&file);
        assert_eq!(s["redacted"], true, "{name}");
        assert!(s["contact"].is_null(), "{name}");
        assert_eq!(
            entry["bytes"],
            std::fs::metadata(&file).unwrap().len(),
            "{name}"
        );
    }
    for kept in ["submissions", "round.json", "index.json", "report.json"] {
        for (path, bytes) in snapshot(&out) {
            if !path.starts_with(out.join(kept)) {
                continue;
            }
            let text = String::from_utf8_lossy(&bytes);
            for v in &values {
                assert!(
                    !text.contains(v.as_str()),
                    "{} still holds {v}",
                    path.display()
                );
            }
        }
    }
    let after = snapshot(&out);
    redact(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "nothing to remove: the 6 submissions hold no contact details",
        ));
    assert_eq!(
        changed(&snapshot(&out), &after),
        [] as [PathBuf; 0],
        "a second run changes nothing"
    );

    // The next run over the folder keeps the redacted submissions: their new lengths are
    // the recorded ones.
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success()
        .stderr(predicate::str::contains("0 converted, 6 unchanged"));
    assert!(contact_values(&out).is_empty());
}

#[test]
fn a_warning_that_quoted_an_address_no_longer_does() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("inkorg");
    std::fs::create_dir_all(&input).unwrap();
    let answers = [("epost".to_owned(), vec!["helena.naslund@".to_owned()])]
        .into_iter()
        .collect();
    let form = fill_controls(&std::fs::read(example()).unwrap(), &answers);
    std::fs::write(input.join("ostermalm-2022-T1.docx"), form).unwrap();
    let out = dir.path().join("ut");
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let file = std::fs::read_dir(out.join("submissions"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("contact-email-invalid"), "{text}");
    assert_eq!(text.matches("helena.naslund@").count(), 3, "{text}");
    redact(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 warning quoting one reworded"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("helena.naslund@"), "{text}");
    assert!(
        text.contains("contact-email-invalid"),
        "the warning stays: {text}"
    );

    // Left out at the conversion, the same holds.
    blankett()
        .args(["convert", "--redact-contact"])
        .arg(input.join("ostermalm-2022-T1.docx"))
        .assert()
        .success()
        .stdout(predicate::str::contains("helena.naslund@").not())
        .stdout(predicate::str::contains("\"redacted\": true"));
}

#[test]
fn redact_takes_the_writer_lock_and_a_dry_run_needs_none() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = finished_round(dir.path());
    let lock = blankett::lock_folder(&out, "batch").unwrap();
    let run = redact(&out).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is in use by another blankett (batch, process"),
        "{stderr}"
    );
    let mut dry = redact(&out);
    dry.arg("--dry-run").assert().success();
    drop(lock);
    redact(&out).assert().success();
}

#[test]
fn redact_refuses_a_folder_that_is_no_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    redact(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not an output folder of blankett",
        ));
    blankett()
        .args(["redact", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--dry-run"))
        .stdout(predicate::str::contains("blankett redact ut --dry-run"));
}

#[test]
fn the_forms_named_as_still_holding_contact_details_include_the_excluded_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = finished_round(dir.path());
    blankett()
        .args(["assign"])
        .arg(&out)
        .args(["sodermalm-2022-T1.docx", "--exclude"])
        .assert()
        .success();
    redact(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("from 5 of 5 submissions"))
        .stdout(predicate::str::contains(format!(
            "the Word forms: 6 in {} (read by batch)",
            std::fs::canonicalize(&input).unwrap().display()
        )));
}

/// `blankett redact ut | head -1`: the reader goes away before the report is written.
#[test]
fn a_reader_that_goes_away_is_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = finished_round(dir.path());
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("blankett"))
        .args(["redact", "--dry-run"])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let run = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
