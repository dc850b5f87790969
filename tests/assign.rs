//! `blankett assign` on the real binary, as the analyst corrects a round: a form nobody could
//! place put under its committee and round, a form that is no part of the round excluded, both
//! seen at once by `consolidate`, kept by later `batch` and `watch` runs, listed, and taken
//! back. Every mistake gets one line and exit code 2.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{blankett, example};
use predicates::prelude::*;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms")
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// An inbox folder as the analyst has it: two forms named for their committee and round, and
/// Östermalm's form saved as `inlamning.docx` (neither its name, its folder nor its fields
/// say who sent it or for which round); converted by `batch` into `ut`.
fn converted_round(dir: &Path) -> (PathBuf, PathBuf) {
    let input = dir.join("inkorg");
    std::fs::create_dir_all(&input).unwrap();
    for name in ["farsta-2022-T1.docx", "kungsholmen-2022-T1.docx"] {
        std::fs::copy(examples().join(name), input.join(name)).unwrap();
    }
    std::fs::copy(example(), input.join("inlamning.docx")).unwrap();
    let out = dir.join("ut");
    batch(&input, &out).assert().success();
    (input, out)
}

fn batch(input: &Path, out: &Path) -> assert_cmd::Command {
    let mut c = blankett();
    c.args(["batch", "--jobs", "1", "--out"])
        .arg(out)
        .arg(input);
    c
}

fn assign(out: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut c = blankett();
    c.env("BLANKETT_NOW", "2022-05-02T09:14:00Z")
        .arg("assign")
        .arg(out)
        .args(args);
    c
}

/// The name of the submission of the form at `path` (under its input folder), as the index
/// records it, and its entry.
fn indexed(out: &Path, path: &str) -> Option<(String, Value)> {
    let index = read_json(&out.join("index.json"));
    index["submissions"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, e)| e["path"] == path)
        .map(|(n, e)| (n.clone(), e.clone()))
}

fn submission(out: &Path, path: &str) -> Value {
    let (name, _) = indexed(out, path).unwrap_or_else(|| panic!("{path} not in index.json"));
    read_json(&out.join("submissions").join(format!("{name}.json")))
}

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The round `consolidate` makes of `out`, with the status of every respondent by id.
fn statuses(dir: &Path, out: &Path) -> Value {
    let base = dir.join("runda");
    blankett()
        .args(["consolidate", "--format", "json", "-o"])
        .arg(&base)
        .arg(out)
        .assert()
        .success();
    let round = read_json(&base.with_extension("json"));
    let mut by_id = serde_json::Map::new();
    for r in round["respondents"].as_array().unwrap() {
        if let Some(id) = r["id"].as_str() {
            by_id.insert(id.to_owned(), r["status"].clone());
        }
    }
    Value::Object(by_id)
}

#[test]
fn an_assignment_rewrites_the_stored_submission_at_once_and_consolidate_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = converted_round(dir.path());
    let before = submission(&out, "inlamning.docx");
    assert!(before["respondent"].is_null() && before["round"].is_null());
    assert_eq!(statuses(dir.path(), &out)["ostermalm-sdn"], "notSubmitted");

    assign(
        &out,
        &[
            input.join("inlamning.docx").to_str().unwrap(),
            "--respondent",
            "ostermalm-sdn",
            "--round",
            "2022-T1",
        ],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("inlamning.docx (sha256 "))
    .stdout(predicate::str::contains(
        "respondent ostermalm-sdn (Östermalms stadsdelsnämnd), round 2022-T1",
    ))
    .stdout(predicate::str::contains(
        "rewritten; index.json and report.json updated",
    ));

    let s = submission(&out, "inlamning.docx");
    assert_eq!(s["formatVersion"], "1.3");
    assert_eq!(s["respondent"]["id"], "ostermalm-sdn");
    assert_eq!(s["respondent"]["resolvedBy"], "assigned");
    assert_eq!(s["round"], "2022-T1");
    assert_eq!(
        s["asConverted"],
        serde_json::json!({"respondent": null, "round": null})
    );
    let (name, entry) = indexed(&out, "inlamning.docx").unwrap();
    assert_eq!(
        (&entry["respondent"], &entry["round"]),
        (&"ostermalm-sdn".into(), &"2022-T1".into())
    );
    let len = std::fs::metadata(out.join("submissions").join(format!("{name}.json")))
        .unwrap()
        .len();
    assert_eq!(
        entry["bytes"], len,
        "the index records the rewritten length"
    );
    let report = read_json(&out.join("report.json"));
    let file = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "inlamning.docx")
        .unwrap();
    assert_eq!(file["respondent"], "ostermalm-sdn");
    assert_ne!(statuses(dir.path(), &out)["ostermalm-sdn"], "notSubmitted");
    assign(&out, &["inlamning.docx", "--respondent", "ostermalm-sdn"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "submissions/{name}.json says so already"
        )));

    // A later run keeps the rewritten submission, and converting again applies the decision.
    batch(&input, &out)
        .assert()
        .success()
        .stderr(predicate::str::contains("0 converted, 3 unchanged"));
    let mut forced = batch(&input, &out);
    forced.arg("--force").assert().success();
    let s = submission(&out, "inlamning.docx");
    assert_eq!(s["respondent"]["resolvedBy"], "assigned");
    assert_eq!(s["round"], "2022-T1");
}

#[test]
fn undo_puts_back_what_the_conversion_found_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = converted_round(dir.path());
    let (name, _) = indexed(&out, "farsta-2022-T1.docx").unwrap();
    let file = out.join("submissions").join(format!("{name}.json"));
    let original = std::fs::read(&file).unwrap();
    let sha = sha256(&input.join("farsta-2022-T1.docx"));
    assign(&out, &[&sha[..8], "--respondent", "Bromma"])
        .assert()
        .success();
    assert_eq!(
        submission(&out, "farsta-2022-T1.docx")["respondent"]["id"],
        "bromma-sdn"
    );
    // A second decision about the form changes what it says, keeping the earlier respondent.
    assign(
        &out,
        &[&format!("submissions/{name}.json"), "--round", "2022-T2"],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "respondent bromma-sdn (Bromma stadsdelsnämnd), round 2022-T2",
    ));
    assign(&out, &["farsta-2022-T1.docx", "--undo"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "assign: taken back: farsta-2022-T1.docx",
        ));
    assert_eq!(std::fs::read(&file).unwrap(), original);
    let decisions = read_json(&out.join("assignments.json"));
    assert_eq!(decisions["decisions"], serde_json::json!({}));
    assign(&out, &["farsta-2022-T1.docx", "--undo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no decision about farsta-2022-T1.docx in",
        ));
}

#[test]
fn an_excluded_form_leaves_the_round_stays_out_and_comes_back_when_taken_back() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = converted_round(dir.path());
    let form = input.join("kungsholmen-2022-T1.docx");
    let sha = sha256(&form);
    let (name, _) = indexed(&out, "kungsholmen-2022-T1.docx").unwrap();
    blankett()
        .args(["consolidate", "--format", "json", "-o"])
        .arg(out.join("round"))
        .arg(&out)
        .assert()
        .success();
    assign(
        &out,
        &[
            form.to_str().unwrap(),
            "--exclude",
            "--note",
            "skickad av misstag",
        ],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "made before this: round.json; write them again with blankett consolidate",
    ))
    .stdout(predicate::str::contains(
        "excluded from the round (skickad av misstag)",
    ))
    .stdout(predicate::str::contains(format!(
        "submissions/{name}.json removed"
    )));
    assert!(
        !out.join("submissions")
            .join(format!("{name}.json"))
            .exists()
    );
    assert!(indexed(&out, "kungsholmen-2022-T1.docx").is_none());
    let excluded = |out: &Path| {
        let report = read_json(&out.join("report.json"));
        assert!(
            report["files"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["path"] != "kungsholmen-2022-T1.docx"),
            "{report:#}"
        );
        report["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["path"] == "kungsholmen-2022-T1.docx")
            .cloned()
    };
    let listed = excluded(&out).expect("report.json lists the excluded form");
    assert_eq!(listed["reason"], "excluded");
    assert_eq!(listed["note"], "skickad av misstag");
    assert_eq!(listed["sha256"], sha);
    assert_eq!(
        statuses(dir.path(), &out)["kungsholmen-sdn"],
        "notSubmitted"
    );

    batch(&input, &out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "2 files: 0 converted, 2 unchanged, 0 failed; 1 form excluded by the analyst",
        ));
    assert!(indexed(&out, "kungsholmen-2022-T1.docx").is_none());
    assert_eq!(excluded(&out).unwrap()["reason"], "excluded");

    assign(&out, &[&sha[..6], "--undo"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "it is converted again by the next batch over its folder",
        ));
    assert!(excluded(&out).is_none());
    batch(&input, &out)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 converted, 2 unchanged"));
    assert!(indexed(&out, "kungsholmen-2022-T1.docx").is_some());
}

/// A decision whose form's submission was not rewritten (a run cut short, a file written by
/// hand) is applied by the next batch: the submission no longer agrees with it.
#[test]
fn batch_converts_again_a_form_whose_submission_disagrees_with_its_decision() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = converted_round(dir.path());
    let sha = sha256(&input.join("inlamning.docx"));
    let decisions = serde_json::json!({
        "formatVersion": "1.0",
        "decisions": {sha: {
            "decision": "assign",
            "respondent": {"id": "ostermalm-sdn", "committee": "Östermalms stadsdelsnämnd", "kind": "stadsdelsnamnd"},
            "round": "2022-T1", "form": null, "note": null, "decidedAt": "2022-05-02T09:14:00Z"
        }}
    });
    std::fs::write(out.join("assignments.json"), decisions.to_string()).unwrap();
    batch(&input, &out)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 converted, 2 unchanged"));
    let s = submission(&out, "inlamning.docx");
    assert_eq!(s["respondent"]["resolvedBy"], "assigned");
    assert_eq!(s["round"], "2022-T1");
}

#[test]
fn watch_applies_the_decisions_to_the_forms_it_meets() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = converted_round(dir.path());
    assign(
        &out,
        &[
            "inlamning.docx",
            "--respondent",
            "ostermalm-sdn",
            "--round",
            "2022-T1",
        ],
    )
    .assert()
    .success();
    assign(&out, &["kungsholmen-2022-T1.docx", "--exclude"])
        .assert()
        .success();
    let inbox = dir.path().join("brevlada");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(
        input.join("inlamning.docx"),
        inbox.join("Östermalm igen.docx"),
    )
    .unwrap();
    std::fs::copy(
        input.join("kungsholmen-2022-T1.docx"),
        inbox.join("kh.docx"),
    )
    .unwrap();
    blankett()
        .args(["watch", "--once", "--settle", "0", "--out"])
        .arg(&out)
        .arg(&inbox)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("converted Östermalm igen.docx")
                .and(predicate::str::contains("(ostermalm-sdn)")),
        )
        .stderr(predicate::str::contains(
            "left alone kh.docx: excluded from the round by the analyst",
        ));
    let s = submission(&out, "Östermalm igen.docx");
    assert_eq!(s["respondent"]["resolvedBy"], "assigned");
    assert_eq!(s["round"], "2022-T1");
    assert!(indexed(&out, "kh.docx").is_none());
    assert!(
        inbox.join("processed/kh.docx").is_file(),
        "dealt with, not read again"
    );
    let report = read_json(&out.join("report.json"));
    let kh = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "kh.docx")
        .expect("the excluded form is listed");
    assert_eq!(
        (&kh["origin"], &kh["reason"]),
        (&"inbox".into(), &"excluded".into())
    );
}

#[test]
fn the_decisions_are_listed_with_or_without_list() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = converted_round(dir.path());
    assign(&out, &[])
        .assert()
        .success()
        .stdout(predicate::str::contains("no decisions in"));
    assign(
        &out,
        &[
            "inlamning.docx",
            "--respondent",
            "ostermalm-sdn",
            "--note",
            "kontaktpersonen är Östermalms",
        ],
    )
    .assert()
    .success();
    assign(&out, &["kungsholmen-2022-T1.docx", "--exclude"])
        .assert()
        .success();
    for args in [vec![], vec!["--list"]] {
        let mut c = blankett();
        c.arg("assign").args(&args).arg(&out);
        c.assert()
            .success()
            .stdout(predicate::str::contains("2 decisions in"))
            .stdout(predicate::str::contains(
                "inlamning.docx (sha256 ",
            ))
            .stdout(predicate::str::contains(
                "respondent ostermalm-sdn (Östermalms stadsdelsnämnd) (kontaktpersonen är Östermalms); decided 2022-05-02T09:14:00Z",
            ))
            .stdout(predicate::str::contains(
                "kungsholmen-2022-T1.docx (sha256 ",
            ))
            .stdout(predicate::str::contains("excluded from the round"))
            .stdout(predicate::str::contains("--undo"));
    }
}

/// One line on stderr, exit code 2, naming what is wrong.
fn refused(c: &mut assert_cmd::Command, says: &str) {
    let run = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(says), "{stderr}");
}

#[test]
fn each_mistake_is_one_line_saying_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = converted_round(dir.path());
    let form = "inlamning.docx";
    refused(
        &mut assign(&out, &[form, "--respondent", "ostermalmm"]),
        "unknown respondent id: ostermalmm; close matches: ostermalm-sdn (Östermalms stadsdelsnämnd)",
    );
    refused(
        &mut assign(&out, &[form, "--respondent", "xyzzy"]),
        "unknown respondent id: xyzzy; no id or name of the registry is close to it",
    );
    refused(
        &mut assign(&out, &[form, "--round", "2022-T4"]),
        "not a round: 2022-T4; write it as 2022-T1, 2022-T2 or 2022-VB",
    );
    refused(
        &mut assign(
            &out,
            &[form, "--respondent", "jarva-sdn", "--round", "2022-T1"],
        ),
        "jarva-sdn (Järva stadsdelsnämnd) did not exist at the end of round 2022-T1: it exists from 2023-07-01",
    );
    refused(
        &mut assign(&out, &["nothing.docx", "--exclude"]),
        "form not found in",
    );
    let elsewhere = examples().join("sodermalm-2022-T1.docx");
    refused(
        &mut assign(&out, &[elsewhere.to_str().unwrap(), "--exclude"]),
        "was never converted into it; convert it first",
    );
    refused(
        &mut assign(&out, &[form]),
        "say what to decide about the form",
    );
    let mut not_out = blankett();
    not_out
        .args(["assign"])
        .arg(&input)
        .args([form, "--exclude"]);
    refused(&mut not_out, "is not an output folder of blankett");
    std::fs::write(out.join("assignments.json"), b"{").unwrap();
    refused(
        &mut assign(&out, &[form, "--exclude"]),
        "assignments.json: not the analyst's decisions as blankett writes them",
    );
    refused(
        &mut batch(&input, &out),
        "assignments.json: not the analyst's decisions",
    );
}

#[test]
fn assign_waits_for_no_writer_and_names_the_one_holding_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = converted_round(dir.path());
    let lock = blankett::lock_folder(&out, "watch").unwrap();
    refused(
        &mut assign(&out, &["inlamning.docx", "--exclude"]),
        "is in use by another blankett (watch, process",
    );
    // Reading the decisions needs no lock.
    assign(&out, &["--list"]).assert().success();
    drop(lock);
    assign(&out, &["inlamning.docx", "--exclude"])
        .assert()
        .success();
}

#[test]
fn help_explains_assign_with_an_example() {
    blankett()
        .args(["assign", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("assignments.json"))
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains(
            "blankett assign ut inkorg/Brommaa.docx --respondent bromma-sdn --round 2022-T1",
        ));
    blankett()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("assign"))
        .stdout(predicate::str::contains("redact"));
}

/// A form that could not be read can be excluded too (a `.doc` sent by mistake, the `.docx`
/// on its way): it is no longer a failure of the round.
#[test]
fn a_failed_form_excluded_is_listed_as_excluded_not_as_failed() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = converted_round(dir.path());
    std::fs::write(input.join("Bromma.doc"), b"junk").unwrap();
    batch(&input, &out).assert().code(1);
    assign(
        &out,
        &["Bromma.doc", "--exclude", "--note", "ny fil kommer"],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "report.json lists the form as excluded",
    ));
    let report = read_json(&out.join("report.json"));
    assert_eq!(report["failed"], 0, "{report:#}");
    let listed = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "Bromma.doc")
        .expect("listed as skipped");
    assert_eq!(
        (&listed["reason"], &listed["note"]),
        (&"excluded".into(), &"ny fil kommer".into())
    );
    batch(&input, &out)
        .assert()
        .success()
        .stderr(predicate::str::contains("1 form excluded by the analyst"));
}
