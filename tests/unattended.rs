//! The unattended modes on the real binary, tried as an attacker and an unlucky user would:
//! a form that panics, special files, files over the limit, two writers on one folder, an idle
//! watch, forms that vanish, forged save dates, names that forge lines, files that are no
//! forms. Each must give a clear, bounded result, and every good form must still be converted.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{blankett, example, parts, zip_parts};
use predicates::prelude::*;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms")
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// An input folder holding copies of the example forms.
fn folder_of_examples(dir: &Path) -> PathBuf {
    let input = dir.join("inkorg");
    std::fs::create_dir_all(&input).unwrap();
    for e in std::fs::read_dir(examples()).unwrap().flatten() {
        std::fs::copy(e.path(), input.join(e.file_name())).unwrap();
    }
    input
}

/// The example form with `docProps/core.xml`'s saved date set to `modified`.
fn form_saved(modified: &str) -> Vec<u8> {
    let bytes = std::fs::read(example()).unwrap();
    let mut ps = parts(&bytes);
    let core = ps
        .iter_mut()
        .find(|(n, _)| n == "docProps/core.xml")
        .expect("the example has core properties");
    let text = String::from_utf8(core.1.clone()).unwrap();
    let re = regex::Regex::new(r"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>").unwrap();
    assert!(re.is_match(&text), "{text}");
    core.1 = re
        .replace(&text, |c: &regex::Captures| {
            format!("<dcterms:modified{}>{modified}</dcterms:modified>", &c[1])
        })
        .into_owned()
        .into_bytes();
    zip_parts(&ps)
}

/// `blankett batch INPUT --out OUT`, to run.
fn batch(out: &Path, input: &Path) -> assert_cmd::Command {
    let mut c = blankett();
    c.args(["batch", "--out"]).arg(out).arg(input);
    c
}

fn report_entry<'a>(report: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in report.json: {report:#}"))
}

#[test]
fn a_panic_in_one_form_fails_that_form_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder_of_examples(dir.path());
    let out = dir.path().join("ut");
    blankett()
        .env("BLANKETT_FAULT_PANIC", "kungsholmen")
        .args(["batch", "--jobs", "2", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "kungsholmen-2022-T1.docx: internal error: fault injected for a test",
        ))
        .stderr(predicate::str::contains("please report it"))
        .stderr(predicate::str::contains(
            "5 converted, 0 unchanged, 1 failed",
        ));
    let report = read_json(&out.join("report.json"));
    let f = report_entry(&report, "kungsholmen-2022-T1.docx");
    assert_eq!(f["status"], "failed");
    assert_eq!(f["error"]["code"], "internal-error");
    assert_eq!(report["converted"], 5);
    assert!(out.join("index.json").is_file());
}

/// The release profile must keep unwinding: with `panic = "abort"` the boundary catches
/// nothing and one form ends the run. Built here, since it is the binary people run.
#[test]
fn the_release_binary_catches_a_panic_in_one_form_too() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--locked", "--bin", "blankett"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(status.success(), "the release build fails");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let bin = target.join("release/blankett");
    let dir = tempfile::tempdir().unwrap();
    let input = folder_of_examples(dir.path());
    let out = dir.path().join("ut");
    let run = Command::new(&bin)
        .env("BLANKETT_FAULT_PANIC", "farsta-2022-T1.docx")
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("5 converted, 0 unchanged, 1 failed"),
        "{stderr}"
    );
    let report = read_json(&out.join("report.json"));
    assert_eq!(
        report_entry(&report, "farsta-2022-T1.docx")["error"]["code"],
        "internal-error"
    );
}

#[test]
fn a_saved_date_with_a_multibyte_character_is_no_date_and_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("a.docx"), form_saved("2022-04-0éT00:00:00Z")).unwrap();
    let out = dir.path().join("ut");
    batch(&out, &input).assert().success();
    let subs = std::fs::read_dir(out.join("submissions")).unwrap().count();
    assert_eq!(subs, 1);
}

#[cfg(unix)]
#[test]
fn a_named_pipe_or_a_device_never_hangs_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder_of_examples(dir.path());
    let fifo = input.join("x.docx");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let out = dir.path().join("ut");
    blankett()
        .timeout(Duration::from_secs(60))
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success()
        .stderr(predicate::str::contains("6 converted"))
        .stderr(predicate::str::contains("1 other file left alone"));
    let report = read_json(&out.join("report.json"));
    assert_eq!(report["skipped"][0]["path"], "x.docx");
    assert_eq!(report["skipped"][0]["reason"], "not-a-file");
    for special in [fifo.as_path(), Path::new("/dev/zero")] {
        blankett()
            .timeout(Duration::from_secs(30))
            .arg("inspect")
            .arg(special)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("not a regular file"));
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder_of_examples(dir.path());
    // 64 GiB, sparse: read whole it would take the test's memory many times over.
    let big = std::fs::File::create(input.join("stor.docx")).unwrap();
    big.set_len(64 << 30).unwrap();
    let out = dir.path().join("ut");
    blankett()
        .timeout(Duration::from_secs(60))
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "stor.docx: the file is 68719476736 bytes, over the file size limit",
        ))
        .stderr(predicate::str::contains("6 converted"));
}

/// A `watch` left running, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_watch(inbox: &Path, out: &Path, extra: &[&str]) -> Running {
    std::fs::create_dir_all(inbox).unwrap();
    Running(
        Command::new(assert_cmd::cargo::cargo_bin("blankett"))
            .args(["watch", "--settle", "0.2", "--poll", "2", "--out"])
            .arg(out)
            .arg(inbox)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// Waits until `done` holds, for at most 60 seconds (a deadline, not a timing).
fn wait_for(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_second_writer_on_a_folder_is_refused_and_a_dead_ones_lock_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder_of_examples(dir.path());
    let inbox = dir.path().join("inbox");
    let out = dir.path().join("ut");
    let mut watch = start_watch(&inbox, &out, &[]);
    let pid = watch.0.id();
    wait_for("the watch to lock its folders", || {
        std::fs::read_to_string(out.join(".blankett.lock"))
            .is_ok_and(|s| s.contains(&format!("process {pid}")))
    });
    let held = format!("is in use by another blankett (watch, process {pid}, since 20");
    batch(&out, &input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(held.as_str()));
    // The same inbox, another output folder.
    blankett()
        .args(["watch", "--once", "--out"])
        .arg(dir.path().join("annan"))
        .arg(&inbox)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(held.as_str()));
    assert!(
        !out.join("submissions").exists()
            || out.join("submissions").read_dir().unwrap().count() == 0,
        "the refused batch wrote nothing"
    );
    // kill -9: the lock goes with the process.
    watch.0.kill().unwrap();
    watch.0.wait().unwrap();
    batch(&out, &input).assert().success();
}

#[test]
fn batch_keeps_what_watch_wrote_and_every_front_end_reports_into_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(
        examples().join("sodermalm-2022-T1.docx"),
        inbox.join("Södermalm.docx"),
    )
    .unwrap();
    std::fs::write(inbox.join("Bromma.docx"), b"PK\x03\x04 no form").unwrap();
    std::fs::write(inbox.join("notes.txt"), b"remember").unwrap();
    let out = dir.path().join("ut");
    blankett()
        .args(["watch", "--once", "--settle", "0", "--grace", "0", "--out"])
        .arg(&out)
        .arg(&inbox)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "watch: 1 converted, 1 failed, 1 other file left alone",
        ))
        .stderr(predicate::str::contains("Ctrl-C").not());
    let input = dir.path().join("mapp");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(example(), input.join("Östermalm.docx")).unwrap();
    for _ in 0..2 {
        batch(&out, &input).assert().success();
    }
    // The batch's form goes; its submission goes with it, the watch's stays.
    std::fs::remove_file(input.join("Östermalm.docx")).unwrap();
    batch(&out, &input)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "1 submission of forms no longer there removed",
        ));
    let subs: Vec<String> = std::fs::read_dir(out.join("submissions"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert!(subs[0].starts_with("sodermalm-"), "{subs:?}");
    let index = read_json(&out.join("index.json"));
    let entry = &index["submissions"][subs[0].trim_end_matches(".json")];
    assert_eq!(entry["origin"], "inbox");
    assert_eq!(entry["path"], "Södermalm.docx");
    let report = read_json(&out.join("report.json"));
    assert_eq!(report["formatVersion"], "1.2");
    // The index and the report name the submission alike.
    assert_eq!(entry["output"], format!("submissions/{}", subs[0]));
    assert_eq!(
        report_entry(&report, "Södermalm.docx")["output"],
        entry["output"]
    );
    let bromma = report_entry(&report, "Bromma.docx");
    assert_eq!(bromma["origin"], "inbox");
    assert_eq!(bromma["error"]["code"], "damaged-zip");
    assert_eq!(
        report_entry(&report, "Södermalm.docx")["status"],
        "converted"
    );
    assert_eq!(report["skipped"][0]["path"], "notes.txt");
    assert_eq!(report["skipped"][0]["reason"], "other-extension");
    assert_eq!(
        std::fs::read_dir(inbox.join("failed")).unwrap().count(),
        2,
        "the form and its error, together"
    );
}

/// CPU time (user + system) a process has used, from `/proc`.
#[cfg(target_os = "linux")]
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    // Fields 14 and 15 of stat(5), utime and stime, counted from the state (field 3).
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// Not a timing: a watch that wakes itself spins a whole core (3 s of CPU in these 3 s); one
/// that sleeps uses next to nothing. The bound sits far from both.
#[cfg(target_os = "linux")]
#[test]
fn an_idle_watch_sleeps() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    let out = dir.path().join("ut");
    let watch = start_watch(&inbox, &out, &[]);
    let pid = watch.0.id();
    wait_for("the watch to start", || out.join(".blankett.lock").exists());
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(3));
    let used = cpu_seconds(pid) - before;
    assert!(used < 0.5, "an idle watch used {used:.2} s of CPU in 3 s");
}

#[test]
fn a_watch_goes_on_when_it_cannot_write_and_converts_once_it_can() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    let out = dir.path().join("ut");
    let watch = start_watch(&inbox, &out, &["--grace", "0.3"]);
    std::fs::copy(example(), inbox.join("Östermalm.docx")).unwrap();
    wait_for("the form converted", || {
        inbox.join("processed/Östermalm.docx").exists()
    });
    // The submissions folder taken away while it runs: the form waits, the watch goes on.
    std::fs::remove_dir_all(out.join("submissions")).unwrap();
    std::fs::copy(
        examples().join("farsta-2022-T1.docx"),
        inbox.join("Farsta.docx"),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        inbox.join("Farsta.docx").exists(),
        "the form waits in the inbox"
    );
    std::fs::create_dir_all(out.join("submissions")).unwrap();
    wait_for("the form converted once the folder is back", || {
        inbox.join("processed/Farsta.docx").exists()
    });
    drop(watch);
}

#[test]
fn a_forged_save_date_does_not_win_over_the_real_form() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let forged = input.join("Östermalm gammal.docx");
    let real = input.join("Östermalm.docx");
    std::fs::write(&forged, form_saved("2099-12-31T00:00:00Z")).unwrap();
    std::fs::write(&real, form_saved("2022-05-02T10:00:00Z")).unwrap();
    // The forged form's file is the older one.
    let old = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_650_000_000);
    std::fs::File::options()
        .write(true)
        .open(&forged)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let out = dir.path().join("ut");
    blankett()
        .env("BLANKETT_NOW", "2022-05-03T12:00:00Z")
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let report = read_json(&out.join("report.json"));
    let sub = report_entry(&report, "Östermalm gammal.docx")["output"]
        .as_str()
        .unwrap()
        .to_owned();
    let s = read_json(&out.join(&sub));
    assert_eq!(s["source"]["modified"], "2099-12-31T00:00:00Z");
    assert_eq!(s["source"]["fileModified"], "2022-04-15T05:20:00Z");
    assert!(
        s["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "saved-in-future"
                && w["message"]
                    .as_str()
                    .unwrap()
                    .contains("2022-05-03T12:00:00Z")),
        "{:#}",
        s["warnings"]
    );
    blankett()
        .args(["consolidate", "--format", "json", "-o"])
        .arg(dir.path().join("runda"))
        .arg(&out)
        .assert()
        .success();
    let round = read_json(&dir.path().join("runda.json"));
    assert_eq!(round["submissions"][0]["source"]["file"], "Östermalm.docx");
    assert_eq!(
        round["superseded"][0]["submission"]["source"]["file"],
        "Östermalm gammal.docx"
    );
    assert!(
        round["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "saved-in-future"),
        "{:#}",
        round["conflicts"]
    );
}

#[test]
fn a_hand_edited_submission_with_a_short_hash_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ut");
    blankett()
        .args(["convert", "-o"])
        .arg(dir.path().join("a.json"))
        .arg(example())
        .assert()
        .success();
    let mut s = read_json(&dir.path().join("a.json"));
    s["source"]["sha256"] = "ab".into();
    s["source"]["file"] = serde_json::Value::Null;
    s["respondent"] = serde_json::Value::Null;
    std::fs::create_dir_all(out.join("submissions")).unwrap();
    std::fs::write(
        out.join("submissions/a.json"),
        serde_json::to_vec(&s).unwrap(),
    )
    .unwrap();
    blankett()
        .arg("status")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("unresolved respondent: ab"));
    blankett()
        .args(["consolidate", "--format", "json", "-o"])
        .arg(dir.path().join("r"))
        .arg(&out)
        .assert()
        .success();
    let round = read_json(&dir.path().join("r.json"));
    assert_eq!(round["unresolved"][0]["sha256"], "ab");
    assert!(
        round["respondents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["label"] == "ab"),
        "the unresolved form is labelled by its short hash: {:#}",
        round["respondents"]
    );
}

#[test]
fn stale_temporary_files_are_removed_and_names_cannot_forge_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("a\nbatch: 9 files: 9 converted\u{1b}[2K.docx"),
        b"no form",
    )
    .unwrap();
    let out = dir.path().join("ut");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".blankett-x1.tmp"), b"contact details").unwrap();
    let run = batch(&out, &input).output().unwrap();
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(
        stderr.contains("a\\nbatch: 9 files: 9 converted\\u{1b}[2K.docx"),
        "{stderr}"
    );
    assert!(!out.join(".blankett-x1.tmp").exists());
}

#[test]
fn files_that_are_no_forms_are_left_alone_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder_of_examples(dir.path());
    for name in ["notes.txt", "mail.eml", ".hidden.docx", "~$termalm.docx"] {
        std::fs::write(input.join(name), b"x").unwrap();
    }
    std::fs::write(
        input.join("gammal.doc"),
        crate::common::compound_file(&["WordDocument"]),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", input.join("länk.docx")).unwrap();
    let out = dir.path().join("ut");
    batch(&out, &input)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "gammal.doc: a Word 97-2003 document (.doc)",
        ))
        .stderr(predicate::str::contains(
            "6 converted, 0 unchanged, 1 failed",
        ));
    let report = read_json(&out.join("report.json"));
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut expected = vec![
        (".hidden.docx", "hidden"),
        ("mail.eml", "other-extension"),
        ("notes.txt", "other-extension"),
        ("~$termalm.docx", "lock-file"),
    ];
    if cfg!(unix) {
        expected.push(("länk.docx", "symbolic-link"));
    }
    let mut expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
    expected.sort();
    assert_eq!(skipped, expected);
}

#[test]
fn the_output_folder_cannot_be_the_input_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder_of_examples(dir.path());
    blankett()
        .args(["batch", "--out"])
        .arg(&input)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the output folder cannot be the folder the forms are in",
        ));
}
