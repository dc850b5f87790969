//! `blankett watch` with the real binary: forms waiting at start, forms dropped while it runs,
//! a slow copy, a broken file, and a `kill -9` in the middle followed by a restart. Every good
//! form is converted exactly once; the broken one lands in `failed/` with its reason.
//!
//! The waits are deadlines for something to happen, not timings: a slow machine only makes the
//! test take longer.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(root().join("examples/forms").join(name)).unwrap()
}

fn start(inbox: &Path, out: &Path) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("blankett"))
        .args([
            "watch", "--settle", "0.3", "--poll", "0.1", "--grace", "1.5", "--out",
        ])
        .arg(out)
        .arg(inbox)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until `done` holds, for at most 60 seconds.
fn wait_for(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The names in a folder, but hidden ones (a temporary file being written, a lock file).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                // The watch's lock file (hidden) stays.
                .filter(|p| {
                    p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.')
                })
                .collect()
        })
        .unwrap_or_default()
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn every_good_form_is_converted_once_and_a_broken_one_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    let out = dir.path().join("ut");
    std::fs::create_dir_all(&inbox).unwrap();
    // Waiting before the watch starts.
    std::fs::write(
        inbox.join("Östermalm T1.docx"),
        example("ostermalm-2022-T1.docx"),
    )
    .unwrap();

    let watch = Killed(start(&inbox, &out));
    let processed = inbox.join("processed");
    wait_for("the waiting form", || {
        names(&processed) == vec!["Östermalm T1.docx".to_owned()]
    });

    // Dropped while it runs.
    std::fs::write(
        inbox.join("Kungsholmen T1.docx"),
        example("kungsholmen-2022-T1.docx"),
    )
    .unwrap();

    // A slow copy: half the file, a pause longer than the settle time, the rest.
    let slow = example("sodermalm-2022-T1.docx");
    let half = slow.len() / 2;
    std::fs::write(inbox.join("Södermalm T1.docx"), &slow[..half]).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(inbox.join("Södermalm T1.docx"))
            .unwrap();
        f.write_all(&slow[half..]).unwrap();
    }

    // A broken file.
    std::fs::write(inbox.join("Bromma T1.docx"), b"PK\x03\x04 this is no form").unwrap();

    wait_for("three converted and one failed", || {
        names(&processed).len() == 3 && names(&inbox.join("failed")).len() == 2
    });
    assert_eq!(
        names(&inbox.join("failed")),
        vec!["Bromma T1.docx", "Bromma T1.docx.error.txt"]
    );
    let reason = std::fs::read_to_string(inbox.join("failed/Bromma T1.docx.error.txt")).unwrap();
    assert!(reason.contains("damaged zip package"), "{reason}");
    assert!(reason.contains("Error code: damaged-zip"), "{reason}");
    assert_eq!(names(&out.join("submissions")).len(), 3);
    // The report names whose form failed, by its file name, for `status` to show it there.
    let failure = || {
        let report = std::fs::read(out.join("report.json")).ok()?;
        let report: serde_json::Value = serde_json::from_slice(&report).ok()?;
        let files = report["files"].as_array()?.clone();
        files.into_iter().find(|f| f["path"] == "Bromma T1.docx")
    };
    wait_for("the failure in the report", || failure().is_some());
    assert_eq!(failure().unwrap()["respondent"], "bromma-sdn");
    drop(watch);

    // Many forms, a kill -9 in the middle, a restart.
    let forms = [
        "farsta-2022-T1.docx",
        "farsta-2022-T1-rattad.docx",
        "hasselby-vallingby-2022-T1.docx",
    ];
    let mut watch = start(&inbox, &out);
    for i in 0..12 {
        let form = forms[i % forms.len()];
        std::fs::write(inbox.join(format!("form {i:02}.docx")), example(form)).unwrap();
    }
    wait_for("some forms converted", || names(&processed).len() >= 5);
    watch.kill().unwrap(); // SIGKILL: no chance to tidy up
    watch.wait().unwrap();
    let _watch = Killed(start(&inbox, &out));
    wait_for("the inbox emptied", || files_in(&inbox).is_empty());
    wait_for("every form processed", || names(&processed).len() == 3 + 12);

    // Each form converted exactly once: one submission per distinct form (name and content).
    // Every name, hidden ones too: no temporary file may be left.
    let mut subs: Vec<String> = std::fs::read_dir(out.join("submissions"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    subs.sort();
    assert_eq!(subs.len(), 3 + 12, "{subs:?}");
    assert!(
        subs.iter()
            .all(|n| n.ends_with(".json") && !n.starts_with('.')),
        "no half-written or temporary file is left: {subs:?}"
    );
    for s in &subs {
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("submissions").join(s)).unwrap())
                .unwrap();
        assert_eq!(
            json["formatVersion"],
            blankett::SUBMISSION_FORMAT_VERSION,
            "{s} is whole"
        );
    }
}
