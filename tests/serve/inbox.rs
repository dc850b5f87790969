//! `blankett serve --inbox`: the server watches an inbox as `watch` does, storing beside the
//! uploads: a form dropped in is served and changes the round, uploads and drops at once are
//! each recorded once, a bad file ends where `watch` puts it, SIGTERM leaves nothing
//! half-written, and the inbox must lie apart from OUT. Forms are dropped as a mail rule or a
//! file share drops them whole: written beside the inbox, then renamed into it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Server, cover_letter, form};
use crate::common::{blankett, compound_file};

/// A new output folder and inbox, and the server on them with `flags` after `--inbox`.
fn serve_inbox(flags: &[&str]) -> (Server, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    let out = dir.path().join("ut");
    let mut all = vec!["--inbox", inbox.to_str().unwrap()];
    all.extend_from_slice(flags);
    (Server::start_in(dir, out, &all), inbox)
}

/// Quick looks: a test waits for the watch in tenths of seconds, not the default seconds.
const QUICK: [&str; 4] = ["--settle", "0", "--poll", "0.05"];

/// Puts a form into `inbox` whole: written in the folder above, then renamed in.
fn drop_form(inbox: &Path, name: &str, bytes: &[u8]) {
    let staged = inbox.parent().unwrap().join(format!("staged-{name}"));
    std::fs::write(&staged, bytes).unwrap();
    std::fs::rename(&staged, inbox.join(name)).unwrap();
}

/// Waits (at most 60 s) until `done` holds.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(60), "never: {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The names of the files in `dir`, the lock file and subfolders left out.
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".blankett.lock")
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn listed(server: &Server) -> Vec<Value> {
    server.get("/api/v1/submissions").json()["submissions"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_form_dropped_into_the_inbox_is_served_and_changes_the_round() {
    let (server, inbox) = serve_inbox(&QUICK);
    let before = server.get("/api/v1/round");
    let tag = before.header("etag").unwrap().to_owned();
    drop_form(&inbox, "Östermalm 2022-T1.docx", &form());
    wait_until("the form is listed", || listed(&server).len() == 1);

    let first = &listed(&server)[0];
    assert_eq!(first["origin"], "inbox", "{first}");
    assert_eq!(first["file"], "Östermalm 2022-T1.docx");
    assert_eq!(first["respondent"], "ostermalm-sdn");
    let id = first["id"].as_str().unwrap().to_owned();
    let entry = &server.json("index.json")["submissions"][&id];
    assert_eq!(entry["origin"], "inbox", "{entry}");
    let canonical = std::fs::canonicalize(&inbox).unwrap();
    assert_eq!(entry["input"], canonical.to_str().unwrap());
    assert_eq!(entry["path"], "Östermalm 2022-T1.docx");
    assert!(inbox.join("processed/Östermalm 2022-T1.docx").is_file());
    assert!(!inbox.join("Östermalm 2022-T1.docx").exists());

    let round = server.get_with("/api/v1/round", "If-None-Match", &tag);
    assert_eq!(round.status, 200, "the round changed");
    let ostermalm = round.json()["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "ostermalm-sdn")
        .cloned()
        .unwrap();
    assert_ne!(ostermalm["status"], "notSubmitted", "{ostermalm}");
    // The round-changed event went out: the log hears of it only from that channel.
    wait_until("the change is logged", || {
        server.log().contains(&format!("stored={id}"))
    });
    assert!(
        server
            .log()
            .contains("inbox=converted form=Östermalm 2022-T1.docx"),
        "{}",
        server.log()
    );
    // The inbox is the server's: a watch on it is refused, naming the holder.
    blankett()
        .arg("watch")
        .arg(&inbox)
        .arg("--out")
        .arg(tempfile::tempdir().unwrap().path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "in use by another blankett (serve",
        ));
}

#[test]
fn uploads_and_inbox_drops_at_once_are_each_recorded_once() {
    const EACH: usize = 12;
    let (server, inbox) = serve_inbox(&["--settle", "0", "--poll", "0.05", "--workers", "2"]);
    let server = Arc::new(server);
    let bytes = Arc::new(form());
    let uploads: Vec<_> = (0..EACH)
        .map(|i| {
            let (server, bytes) = (server.clone(), bytes.clone());
            std::thread::spawn(move || {
                let name = format!("Uppladdad {i}.docx");
                let r = server.upload("/api/v1/forms", &[(&name, &bytes)]);
                assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
            })
        })
        .collect();
    for i in 0..EACH {
        drop_form(&inbox, &format!("Inkorg {i}.docx"), &bytes);
    }
    for t in uploads {
        t.join().unwrap();
    }
    let processed = inbox.join("processed");
    wait_until("every dropped form is handled", || {
        names(&processed).len() == EACH
    });

    let index = server.json("index.json");
    let entries = index["submissions"].as_object().unwrap();
    let recorded: BTreeSet<(String, String)> = entries
        .values()
        .map(|e| (e["origin"].to_string(), e["path"].to_string()))
        .collect();
    let expected: BTreeSet<(String, String)> = (0..EACH)
        .flat_map(|i| {
            [
                ("\"upload\"".to_owned(), format!("\"Uppladdad {i}.docx\"")),
                ("\"inbox\"".to_owned(), format!("\"Inkorg {i}.docx\"")),
            ]
        })
        .collect();
    assert_eq!(entries.len(), 2 * EACH, "{index}");
    assert_eq!(recorded, expected);
    let report = server.json("report.json");
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 2 * EACH, "{report}");
    for f in files {
        assert_eq!(f["status"], "converted", "{f}");
        let output = f["output"].as_str().unwrap();
        let id = output
            .strip_prefix("submissions/")
            .and_then(|o| o.strip_suffix(".json"))
            .unwrap();
        assert!(entries.contains_key(id), "{f}");
    }
    assert_eq!(names(&server.out.join("submissions")).len(), 2 * EACH);
    assert_eq!(listed(&server).len(), 2 * EACH);
}

/// The same files in an inbox `watch --once` handles and in one the server watches end in the
/// same places, with the same errors and the same records.
#[test]
fn a_bad_file_in_the_inbox_is_handled_as_watch_handles_it() {
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("Följebrev.docx", cover_letter()),
        ("gammal.doc", compound_file(&["WordDocument"])),
        ("anteckningar.txt", b"hej".to_vec()),
        ("Östermalm.docx", form()),
    ];
    let by_watch = tempfile::tempdir().unwrap();
    let watched = by_watch.path().join("inkorg");
    std::fs::create_dir_all(&watched).unwrap();
    for (name, bytes) in &files {
        std::fs::write(watched.join(name), bytes).unwrap();
    }
    blankett()
        .arg("watch")
        .arg(&watched)
        .arg("--out")
        .arg(by_watch.path().join("ut"))
        .args(["--once", "--settle", "0"])
        .assert()
        .code(1);

    let (server, inbox) = serve_inbox(&QUICK);
    for (name, bytes) in &files {
        drop_form(&inbox, name, bytes);
    }
    wait_until("every file is handled", || {
        names(&inbox.join("failed")).len() == 4 && names(&inbox.join("processed")).len() == 1
    });
    wait_until("the other file is recorded", || {
        read_json(&server.out.join("report.json"))["skipped"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    });

    for sub in ["", "processed", "failed"] {
        assert_eq!(names(&inbox.join(sub)), names(&watched.join(sub)), "{sub}/");
    }
    // The errors name the form by its path, in its own inbox.
    let error = |inbox: &Path, name: &str| {
        std::fs::read_to_string(inbox.join("failed").join(name))
            .unwrap()
            .replace(inbox.to_str().unwrap(), "INKORG")
    };
    for name in names(&inbox.join("failed")) {
        if name.ends_with(".error.txt") {
            assert_eq!(error(&inbox, &name), error(&watched, &name));
        }
    }
    let records = |report: &Value| {
        let files: BTreeSet<String> = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let code = &f["error"]["code"];
                format!("{} {} {} {code}", f["path"], f["origin"], f["status"])
            })
            .collect();
        let skipped: BTreeSet<String> = report["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{} {} {}", s["path"], s["origin"], s["reason"]))
            .collect();
        (files, skipped)
    };
    assert_eq!(
        records(&server.json("report.json")),
        records(&read_json(&by_watch.path().join("ut/report.json")))
    );
    assert!(
        server.log().contains("inbox=failed form=Följebrev.docx"),
        "{}",
        server.log()
    );
    assert_eq!(listed(&server).len(), 1, "the good form is served");
}

/// A server stopped with forms waiting finishes the one in hand and begins no other; every
/// form is then in the inbox or in processed/ with its submission recorded, and a restart
/// handles the rest, each form once.
#[test]
fn sigterm_with_forms_waiting_leaves_nothing_half_written() {
    const FORMS: usize = 60;
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    let out = dir.path().join("ut");
    let bytes = form();
    for i in 0..FORMS {
        std::fs::write(inbox.join(format!("Östermalm {i:02}.docx")), &bytes).unwrap();
    }
    let flags = ["--inbox", inbox.to_str().unwrap(), "--settle", "0"];
    let mut server = Server::start_in(dir, out.clone(), &flags);
    wait_until("the first form is converted", || {
        server.log().contains("inbox=converted")
    });
    let status = server.terminate();
    assert!(status.success(), "{status:?}: {}", server.log());
    assert!(server.log().contains("serve: stopped"), "{}", server.log());

    let processed = names(&inbox.join("processed"));
    assert!(
        processed.len() < FORMS,
        "stopped between forms, not after the last"
    );
    assert_consistent(&out, &inbox, &processed, FORMS);

    let again = Server::start_in(tempfile::tempdir().unwrap(), out.clone(), &flags);
    wait_until("the rest is converted", || {
        names(&inbox.join("processed")).len() == FORMS
    });
    drop(again);
    assert_consistent(&out, &inbox, &names(&inbox.join("processed")), FORMS);
}

/// Every form is either waiting or processed, never both; each processed one is recorded once
/// in `index.json` and `report.json` with a whole submission; no temporary file is left.
fn assert_consistent(out: &Path, inbox: &Path, processed: &BTreeSet<String>, forms: usize) {
    let waiting = names(inbox);
    assert!(waiting.is_disjoint(processed));
    assert_eq!(waiting.len() + processed.len(), forms);
    assert!(names(&inbox.join("failed")).is_empty());
    let index = read_json(&out.join("index.json"));
    let entries = index["submissions"].as_object().unwrap();
    let paths: BTreeSet<String> = entries
        .values()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(&paths, processed);
    assert_eq!(entries.len(), processed.len());
    for id in entries.keys() {
        let s = read_json(&out.join(format!("submissions/{id}.json")));
        assert_eq!(s["respondent"]["id"], "ostermalm-sdn");
    }
    let report = read_json(&out.join("report.json"));
    let reported: BTreeSet<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(&reported, processed);
    for dir in [
        out.to_path_buf(),
        out.join("submissions"),
        inbox.to_path_buf(),
        inbox.join("processed"),
    ] {
        let left: Vec<String> = names(&dir)
            .into_iter()
            .filter(|n| n.starts_with(".blankett-"))
            .collect();
        assert!(left.is_empty(), "{}: {left:?}", dir.display());
    }
}

#[test]
fn the_inbox_must_lie_apart_from_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ut");
    let inside = out.join("inkorg");
    std::fs::create_dir_all(&inside).unwrap();
    for (inbox, why) in [
        (
            &out,
            "the inbox cannot be the output folder; give another --inbox",
        ),
        (
            &inside,
            "the inbox cannot be inside the output folder; give a folder outside it",
        ),
    ] {
        blankett()
            .arg("serve")
            .arg(&out)
            .arg("--inbox")
            .arg(inbox)
            .args(["--addr", "127.0.0.1:0"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(why))
            .stderr(predicates::function::function(|s: &str| {
                s.lines().count() == 1
            }));
    }
    blankett()
        .arg("serve")
        .arg(&out)
        .arg("--inbox")
        .arg(dir.path().join("saknas"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("saknas: no such folder"));
    blankett()
        .arg("serve")
        .arg(&out)
        .args(["--settle", "1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--inbox"));
    assert!(!out.join("index.json").exists());
}

/// `--round` decides the round of every form the server stores, uploaded or dropped, and the
/// round it serves, as it does for `batch` and `watch`; a round it cannot read is refused as
/// they refuse it.
#[test]
fn round_sets_the_round_of_uploads_drops_and_the_served_round() {
    let (server, inbox) = serve_inbox(&["--round", "2022-T2", "--settle", "0", "--poll", "0.05"]);
    let uploaded = server.upload("/api/v1/forms", &[("Östermalm.docx", &form())]);
    assert_eq!(uploaded.status, 201);
    assert_eq!(uploaded.json()["round"], "2022-T2", "the form says 2022-T1");
    drop_form(&inbox, "Farsta.docx", &form());
    wait_until("the dropped form is listed", || listed(&server).len() == 2);
    for s in listed(&server) {
        assert_eq!(s["round"], "2022-T2", "{s}");
    }
    assert_eq!(server.get("/api/v1/round").json()["round"], "2022-T2");
    assert_eq!(server.get("/api/v1/status").json()["round"], "2022-T2");
    assert!(
        server
            .get("/api/v1/round.csv")
            .header("content-disposition")
            .is_some_and(|d| d.contains("2022-T2.csv"))
    );

    let batch = blankett()
        .args(["batch", "--round", "2022-T9", "--out"])
        .arg(tempfile::tempdir().unwrap().path())
        .arg(&inbox)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    blankett()
        .args(["serve", "--round", "2022-T9", "--addr", "127.0.0.1:0"])
        .arg(tempfile::tempdir().unwrap().path())
        .assert()
        .code(2)
        .stderr(batch);
}

/// An inbox that cannot be read any more (removed, its share gone) stops the server, which
/// says why and exits 1: a server that silently stopped watching would look well and be not.
#[test]
fn an_inbox_gone_stops_the_server_with_exit_code_1() {
    let (mut server, inbox) = serve_inbox(&QUICK);
    std::fs::remove_dir_all(&inbox).unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "still serving");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1), "{}", server.log());
    wait_until("the reason is told", || {
        server
            .log()
            .contains("cannot serve: the inbox could not be watched")
    });
    assert!(server.log().contains("inbox=stopped"), "{}", server.log());
}
