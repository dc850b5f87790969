//! A reporting round end to end with the real binary: `batch` over a folder of returned forms
//! (several committees, a late resubmission, an unanswered question, missing committees, a
//! broken file, Word's lock file), then `consolidate` into the round file and its exports.

use std::path::{Path, PathBuf};

use crate::common::blankett;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The example round, plus what else lands in an inbox.
fn inbox(dir: &Path) -> PathBuf {
    let inbox = dir.join("inkorg 2022-T1");
    std::fs::create_dir_all(inbox.join("sent")).unwrap();
    for e in std::fs::read_dir(root().join("examples/forms")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, inbox.join(p.file_name().unwrap())).unwrap();
    }
    // A form cut short in transfer.
    let whole = std::fs::read(root().join("examples/forms/ostermalm-2022-T1.docx")).unwrap();
    std::fs::write(
        inbox.join("sent/bromma-2022-T1.docx"),
        &whole[..whole.len() / 2],
    )
    .unwrap();
    // Word's lock file and a hidden file: never forms.
    std::fs::write(inbox.join("~$stermalm-2022-T1.docx"), b"lock").unwrap();
    std::fs::write(inbox.join(".DS_Store"), b"mac").unwrap();
    inbox
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn validate_round(round: &Value) {
    let schema: Value = read_json(&root().join("schemas/round.schema.json"));
    let submission: Value = read_json(&root().join("schemas/submission.schema.json"));
    let id = submission["$id"].as_str().unwrap().to_owned();
    let registry = jsonschema::Registry::new()
        .add(id, jsonschema::Resource::from_contents(submission))
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(round)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn a_round_from_inbox_to_report() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    let out = dir.path().join("ut");
    batch_names_the_broken_file(&inbox, &out);
    let round = consolidate_every_format(&out);
    check_round(&round);
    status_names_whom_to_remind(&out);
    batch_again_converts_only_what_changed(&inbox, &out);
    batch_follows_the_folder(&inbox, &out);
}

/// `blankett batch FLAGS --out OUT INBOX`.
fn batch(inbox: &Path, out: &Path, flags: &[&str]) -> assert_cmd::assert::Assert {
    blankett()
        .arg("batch")
        .args(flags)
        .arg("--out")
        .arg(out)
        .arg(inbox)
        .assert()
}

/// batch: the broken file is named, the others converted, exit code 1.
fn batch_names_the_broken_file(inbox: &Path, out: &Path) {
    let assert = batch(inbox, out, &["--jobs", "2"])
        .code(1)
        .stderr(predicate::str::contains(
            "sent/bromma-2022-T1.docx: damaged zip package",
        ))
        .stderr(predicate::str::contains(
            "batch: 7 files: 6 converted, 0 unchanged, 1 failed",
        ));
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(!stderr.contains("~$"), "lock files are no forms: {stderr}");
    let report = read_json(&out.join("report.json"));
    let failed: Vec<&Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["path"], "sent/bromma-2022-T1.docx");
    assert_eq!(failed[0]["error"]["code"], "damaged-zip");
    assert_eq!(
        std::fs::read_dir(out.join("submissions")).unwrap().count(),
        6
    );
}

/// consolidate: the round file and every export. Returns the round file with the files'
/// own times and blankett's version left out, as the snapshot has it.
fn consolidate_every_format(out: &Path) -> Value {
    blankett()
        .args(["consolidate", "--format", "json,csv,xlsx,md,docx", "-o"])
        .arg(out.join("2022-T1"))
        .arg(out)
        .env("BLANKETT_NOW", "2026-11-30T12:00:00Z")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "consolidate: 5 submissions from 5 respondents, 8 missing, 1 superseded, 0 conflicts",
        ));
    for ext in ["json", "csv", "xlsx", "md", "docx"] {
        assert!(out.join(format!("2022-T1.{ext}")).is_file(), "{ext}");
    }
    let mut round = read_json(&out.join("2022-T1.json"));
    // The time is the run's clock; the version changes with every release, and the snapshot
    // leaves it out.
    assert_eq!(round["generatedAt"], "2026-11-30T12:00:00Z");
    assert_eq!(round["generator"]["version"], env!("CARGO_PKG_VERSION"));
    round["generator"]["version"] = "[version]".into();
    // The files' own times depend on the checkout: each submission has one, and the snapshot
    // leaves them out.
    for s in round["submissions"].as_array_mut().unwrap() {
        assert!(s["source"]["fileModified"].is_string(), "{}", s["source"]);
        s["source"]["fileModified"] = "[file time]".into();
    }
    for s in round["superseded"].as_array_mut().unwrap() {
        s["submission"]["source"]["fileModified"] = "[file time]".into();
    }
    round
}

/// The round file: valid, with the resubmission, the missing and the incomplete respondents,
/// and as the snapshot has it.
fn check_round(round: &Value) {
    validate_round(round);
    assert_eq!(round["round"], "2022-T1");
    // The corrected Farsta form replaced the first one, which is kept as history.
    assert_eq!(round["superseded"][0]["respondentId"], "farsta-sdn");
    assert_eq!(
        round["superseded"][0]["submission"]["source"]["file"],
        "farsta-2022-T1.docx"
    );
    assert_eq!(
        round["superseded"][0]["supersededBy"]["file"],
        "farsta-2022-T1-rattad.docx"
    );
    // Bromma's form was broken: Bromma has not answered.
    let missing: Vec<&str> = round["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(missing.contains(&"bromma-sdn"), "{missing:?}");
    assert_eq!(missing.len(), 8);
    // Södermalm left a question unanswered.
    let sodermalm = round["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "sodermalm-sdn")
        .unwrap();
    assert_eq!(sodermalm["status"], "incomplete");
    assert_eq!(sodermalm["unanswered"], 2);
    insta::assert_json_snapshot!("round-2022-T1", round);
}

/// status: the matrix and whom to remind, with their e-mail; Bromma's broken form with what
/// to ask for.
fn status_names_whom_to_remind(out: &Path) {
    blankett()
        .arg("status")
        .arg(out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "13 respondents, 4 complete, 1 incomplete, 7 not submitted, 1 with a form that failed",
        ))
        .stdout(predicate::str::contains(
            "Södermalms stadsdelsnämnd: not answered: Kultur i offentliga rummet; johan.ek@example.stockholm.se",
        ))
        .stdout(predicate::str::contains(
            "Bromma stadsdelsnämnd: form failed: the file is damaged, ask for it again (sent/bromma-2022-T1.docx)",
        ));
}

/// Running again converts nothing that did not change, everything when forced, and a
/// submission left empty again.
fn batch_again_converts_only_what_changed(inbox: &Path, out: &Path) {
    batch(inbox, out, &[])
        .code(1)
        .stderr(predicate::str::contains(
            "0 converted, 6 unchanged, 1 failed",
        ));
    batch(inbox, out, &["--force"])
        .code(1)
        .stderr(predicate::str::contains(
            "6 converted, 0 unchanged, 1 failed",
        ));

    // A submission left empty (as a power cut right after a run can leave one: submissions
    // are not flushed one by one) is converted again.
    let first = std::fs::read_dir(out.join("submissions"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    std::fs::write(&first, b"").unwrap();
    batch(inbox, out, &[])
        .code(1)
        .stderr(predicate::str::contains(
            "1 converted, 5 unchanged, 1 failed",
        ));
    assert!(std::fs::metadata(&first).unwrap().len() > 0);
}

/// A form taken out of the folder takes its submission with it; the broken one, fixed,
/// comes in.
fn batch_follows_the_folder(inbox: &Path, out: &Path) {
    std::fs::remove_file(inbox.join("hasselby-vallingby-2022-T1.docx")).unwrap();
    std::fs::copy(
        root().join("fixtures/forms/ostermalm-bare.docx"),
        inbox.join("sent/bromma-2022-T1.docx"),
    )
    .unwrap();
    batch(inbox, out, &[])
        .success()
        .stderr(predicate::str::contains(
            "6 files: 1 converted, 5 unchanged, 0 failed; 1 submission of forms no longer there removed",
        ));
}

#[test]
fn consolidate_names_what_is_not_a_submission() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("annat.json"), b"{\"a\": 1}").unwrap();
    blankett()
        .args(["consolidate", "-o"])
        .arg(dir.path().join("runda"))
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("annat.json: not a submission"));
    blankett()
        .args(["consolidate", "--format", "pdf", "-o", "x"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown export format \"pdf\""));
}

#[test]
fn the_expected_respondents_can_be_given() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ut");
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(root().join("examples/forms"))
        .assert()
        .success();
    let expected = dir.path().join("forvantade.txt");
    std::fs::write(
        &expected,
        "# who must answer this round\nostermalm-sdn\nSDN Kungsholmen\nBromma stadsdelsnämnd\n",
    )
    .unwrap();
    blankett()
        .args(["consolidate", "--expected"])
        .arg(&expected)
        .arg("-o")
        .arg(out.join("runda"))
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 missing"));
    let round = read_json(&out.join("runda.json"));
    assert_eq!(round["missing"][0]["id"], "bromma-sdn");
    std::fs::write(&expected, "Atlantis SDN\n").unwrap();
    blankett()
        .args(["consolidate", "--expected"])
        .arg(&expected)
        .arg("-o")
        .arg(out.join("runda"))
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "forvantade.txt:1: \"Atlantis SDN\" is no respondent in the registry",
        ));
}
