//! Output safety: an output is replaced whole or not at all; a disk that fills up, a folder
//! that cannot be written and an output path that is no folder give a clear error and leave
//! earlier results as they were.

mod common;

use std::path::Path;
use std::process::Command as Process;

use common::{blankett, example};
use predicates::prelude::*;

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
        .stderr(predicate::str::contains("cannot write it: not a directory"));
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
    if std::fs::write(ro.join("probe"), b"").is_ok() {
        // Root writes anywhere: there is no read-only folder to test with.
        let _ = std::fs::remove_file(ro.join("probe"));
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "output_safety: read-only folder case skipped, this user can write anywhere"
        );
        return;
    }
    blankett()
        .args(["convert", "-o"])
        .arg(ro.join("svar.json"))
        .arg(example())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot write it: permission denied",
        ));
    assert_eq!(std::fs::read(ro.join("svar.json")).unwrap(), b"earlier");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}
