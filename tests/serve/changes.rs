//! `serve --previous`: what changed since an earlier round, served as `blankett compare` writes
//! it (`/api/v1/changes`, `.xlsx`, `.md`, `.docx`) and in the round's own Word report and
//! spreadsheet, made again as forms come in; `404 no-previous-round` without it; a
//! `--previous` that is no round refused at start. The earlier round is the example forms'
//! round file with Kungsholmen's answer on local cooperation edited by hand, and called 2021-VB.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Server, token_file};
use crate::common::{assert_matches_schema, blankett, fill_controls, part};

const FORMS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/forms");

/// An output folder `ut` in `dir` holding a batch of the example forms (round 2022-T1).
fn examples_batched(dir: &Path) -> PathBuf {
    let out = dir.join("ut");
    blankett()
        .args(["batch", "--out"])
        .arg(&out)
        .arg(FORMS)
        .assert()
        .success();
    out
}

/// The round of `out` as a round file called 2021-VB, in which Kungsholmen's answer on local
/// cooperation started with `Tidigare:`: the one answer changed since.
pub(super) fn earlier_round(dir: &Path, out: &Path) -> PathBuf {
    blankett()
        .arg("consolidate")
        .arg(out)
        .arg("-o")
        .arg(dir.join("vb"))
        .assert()
        .success();
    let file = dir.join("vb.json");
    let mut round: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    round["round"] = "2021-VB".into();
    let question = round["areas"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|a| a["questions"].as_array_mut().unwrap())
        .find(|q| q["questionId"] == "samverkan-lokalt-naringsliv")
        .unwrap();
    let answer = question["answers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["respondentId"] == "kungsholmen-sdn")
        .unwrap();
    let text = answer["text"].as_str().unwrap().to_owned();
    answer["text"] = format!("Tidigare: {text}").into();
    std::fs::write(&file, serde_json::to_vec(&round).unwrap()).unwrap();
    file
}

/// The example forms' round served with the earlier round as `--previous`, and `flags`.
fn with_previous(flags: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let out = examples_batched(dir.path());
    let previous = earlier_round(dir.path(), &out);
    let mut all = vec!["--previous", previous.to_str().unwrap()];
    all.extend_from_slice(flags);
    let args: Vec<String> = all.iter().map(|s| (*s).to_owned()).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Server::start_in(dir, out, &args)
}

/// Every (respondent, question, status) of `c` but the unchanged and the unanswered.
fn changed(c: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for q in c["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["questions"].as_array().unwrap())
    {
        for a in q["answers"].as_array().unwrap() {
            let status = a["status"].as_str().unwrap();
            if !["unchanged", "unanswered"].contains(&status) {
                let field = |v: &Value| v.as_str().unwrap().to_owned();
                out.push((
                    field(&a["respondentId"]),
                    field(&q["questionId"]),
                    status.to_owned(),
                ));
            }
        }
    }
    out
}

fn assert_valid_comparison(c: &Value) {
    assert_matches_schema("compare.schema.json", "GET /api/v1/changes", c);
}

fn one(respondent: &str, question: &str, status: &str) -> (String, String, String) {
    (respondent.into(), question.into(), status.into())
}

#[test]
fn with_previous_the_changes_follow_the_round_as_forms_come_in() {
    let server = with_previous(&[]);
    let r = server.get("/api/v1/changes");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.media_type(), "application/json");
    let c = r.json();
    assert_valid_comparison(&c);
    assert_eq!(c["before"]["round"], "2021-VB");
    assert_eq!(c["after"]["round"], "2022-T1");
    let edited = one("kungsholmen-sdn", "samverkan-lokalt-naringsliv", "changed");
    assert_eq!(changed(&c), std::slice::from_ref(&edited));
    let tag = r.header("etag").unwrap().to_owned();
    assert_eq!(
        server
            .get_with("/api/v1/changes", "If-None-Match", &tag)
            .status,
        304
    );

    // Södermalm answers the question it left open, in a form saved at the same time as its
    // first (the file name then tells the later): the earlier round is the same, the
    // comparison is not, and neither is its tag.
    let form = std::fs::read(Path::new(FORMS).join("sodermalm-2022-T1.docx")).unwrap();
    let answers = HashMap::from([(
        "Kultur i offentliga rummet".to_owned(),
        vec!["Torgmöten varje vår.".to_owned()],
    )]);
    let sent = server.upload(
        "/api/v1/forms",
        &[("sodermalm-ny.docx", &fill_controls(&form, &answers))],
    );
    assert_eq!(sent.status, 201, "{}", String::from_utf8_lossy(&sent.body));
    let r = server.get_with("/api/v1/changes", "If-None-Match", &tag);
    assert_eq!(r.status, 200, "the comparison did not follow the round");
    let c = r.json();
    assert_valid_comparison(&c);
    assert_eq!(
        changed(&c),
        [
            edited,
            one("sodermalm-sdn", "kultur-offentliga-rummet", "new")
        ]
    );
}

#[test]
fn with_previous_every_format_is_served_and_the_rounds_report_says_what_changed() {
    let server = with_previous(&[]);
    let md = server.get("/api/v1/changes.md");
    assert_eq!(md.status, 200);
    assert_eq!(md.media_type(), "text/markdown");
    let text = String::from_utf8(md.body.clone()).unwrap();
    assert!(
        text.starts_with("# Förändringar 2021-VB → 2022-T1\n"),
        "{text}"
    );
    assert!(text.contains("~~Tidigare:~~"), "{text}");
    for (path, media) in [
        ("/api/v1/changes.docx", super::DOCX),
        (
            "/api/v1/changes.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let r = server.get(path);
        assert_eq!((r.status, r.media_type()), (200, media), "{path}");
        let ext = path.rsplit('.').next().unwrap();
        let name = format!("attachment; filename=\"forandringar-2021-VB-2022-T1.{ext}\"");
        assert_eq!(r.header("content-disposition"), Some(name.as_str()));
    }
    let docx = part(
        &server.get("/api/v1/changes.docx").body,
        "word/document.xml",
    );
    assert!(docx.contains("Tidigare:"), "the removed word");

    let report = part(&server.get("/api/v1/round.docx").body, "word/document.xml");
    // The heading and its entry in the table of contents.
    assert_eq!(report.matches("Förändringar sedan 2021-VB").count(), 2);
    let sheet = server.get("/api/v1/round.xlsx").body;
    assert!(part(&sheet, "xl/sharedStrings.xml").contains("Förändring sedan 2021-VB"));

    let page = String::from_utf8(server.get("/").body).unwrap();
    for format in ["Word", "Excel", "Markdown"] {
        let link = format!("Förändringar sedan 2021-VB, {format}</a>");
        assert!(page.contains(&link), "{link}");
    }
    let codes = server.get("/api/v1/codes").json();
    assert_eq!(
        codes["errors"]["no-previous-round"]["title"],
        "Ingen tidigare omgång"
    );
}

#[test]
fn without_previous_the_changes_are_a_problem_and_nowhere_else() {
    let server = Server::start(&[]);
    for path in [
        "/api/v1/changes",
        "/api/v1/changes.xlsx",
        "/api/v1/changes.md",
        "/api/v1/changes.docx",
    ] {
        let p = server.get(path).problem(404, "no-previous-round");
        assert!(p["detail"].as_str().unwrap().contains("--previous"), "{p}");
    }
    let report = part(&server.get("/api/v1/round.docx").body, "word/document.xml");
    assert!(!report.contains("Förändringar sedan"));
    let page = String::from_utf8(server.get("/").body).unwrap();
    assert!(!page.contains("/api/v1/changes"), "{page}");
}

#[test]
fn the_changes_need_the_token_as_every_read_does() {
    let dir = tempfile::tempdir().unwrap();
    let token = token_file(dir.path());
    let server = with_previous(&["--token-file", token.to_str().unwrap()]);
    server.get("/api/v1/changes").problem(401, "unauthorized");
    let bearer = "Bearer s3cret-token-of-some-length";
    let r = server.get_with("/api/v1/changes.md", "Authorization", bearer);
    assert_eq!(r.status, 200);
}

#[test]
fn a_previous_that_is_no_round_is_refused_at_start_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("tom");
    std::fs::create_dir(&empty).unwrap();
    let other = dir.path().join("annan.json");
    let round = earlier_round(dir.path(), &examples_batched(dir.path()));
    let mut v: Value = serde_json::from_slice(&std::fs::read(round).unwrap()).unwrap();
    v["questionnaire"]["id"] = "en-annan-enkat".into();
    std::fs::write(&other, serde_json::to_vec(&v).unwrap()).unwrap();
    for (previous, said) in [
        (dir.path().join("saknas"), "no such file or folder"),
        (empty, "holds no round and no submissions"),
        (other, "different questionnaires: en-annan-enkat and"),
    ] {
        let out = blankett()
            .arg("serve")
            .arg(dir.path().join("ut2"))
            .args(["--addr", "127.0.0.1:0", "--previous"])
            .arg(&previous)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("--previous") && stderr.contains(said),
            "{stderr}"
        );
    }
}
