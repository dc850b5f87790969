//! `blankett compare` with the real binary: the example round, then the same forms a round
//! later with an answer rewritten, one cleared, one given for the first time and one committee
//! silent; the comparison against its schema and in every format (the Markdown and Word with
//! the removed words marked); `consolidate --previous`'s section on changes in the Word report;
//! and what `compare` refuses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{assert_matches_schema, blankett, example, fill_controls, part};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Runs `blankett batch inbox --out out --round round`.
fn batch(inbox: &Path, out: &Path, round: &str) {
    blankett()
        .arg("batch")
        .arg(inbox)
        .arg("--out")
        .arg(out)
        .args(["--round", round])
        .assert()
        .success();
}

/// A form's answer text in an output folder: `respondent`'s newest answer to `question`.
fn answer_in(out: &Path, file_start: &str, question: &str) -> String {
    let dir = out.join("submissions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(file_start)
        })
        .collect();
    files.sort();
    let s = read_json(&files[0]);
    let a = s["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["questionId"] == question)
        .unwrap();
    a["text"].as_str().unwrap().to_owned()
}

/// The example forms as round 2022-T1, and a round later: Kungsholmen rewrote a word of one
/// answer and cleared another, Södermalm answered the question it left open, Farsta (its
/// corrected form), Östermalm sent the same again, Hässelby-Vällingby nothing. Both output
/// folders.
fn forms_a_round_apart(dir: &Path) -> (PathBuf, PathBuf) {
    let forms = root().join("examples/forms");
    let t1 = dir.join("ut-T1");
    batch(&forms, &t1, "2022-T1");
    let inbox = dir.join("inkorg-T2");
    std::fs::create_dir(&inbox).unwrap();
    let edit = |name: &str, answers: HashMap<String, Vec<String>>| {
        let form = std::fs::read(forms.join(name)).unwrap();
        std::fs::write(inbox.join(name), fill_controls(&form, &answers)).unwrap();
    };
    let old = answer_in(&t1, "kungsholmen", "samverkan-lokalt-naringsliv");
    assert!(old.contains(" träffar "), "{old}");
    edit(
        "kungsholmen-2022-T1.docx",
        HashMap::from([
            (
                "Samverkan lokalt näringsliv".to_owned(),
                vec![old.replacen(" träffar ", " möter ", 1)],
            ),
            ("Växla upp Stockholm".to_owned(), vec![String::new()]),
        ]),
    );
    edit(
        "sodermalm-2022-T1.docx",
        HashMap::from([(
            "Kultur i offentliga rummet".to_owned(),
            vec!["Torgmöten varje vår.".to_owned()],
        )]),
    );
    for same in ["farsta-2022-T1-rattad.docx", "ostermalm-2022-T1.docx"] {
        std::fs::copy(forms.join(same), inbox.join(same)).unwrap();
    }
    let t2 = dir.join("ut-T2");
    batch(&inbox, &t2, "2022-T2");
    (t1, t2)
}

fn changes_of<'c>(c: &'c Value, respondent: &str) -> Vec<(&'c str, &'c str)> {
    c["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["questions"].as_array().unwrap())
        .flat_map(|q| {
            q["answers"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["respondentId"] == respondent)
                .map(|a| {
                    (
                        q["questionId"].as_str().unwrap(),
                        a["status"].as_str().unwrap(),
                    )
                })
        })
        .filter(|(_, status)| *status != "unchanged" && *status != "unanswered")
        .collect()
}

#[test]
fn compare_gives_exactly_the_edits_between_two_rounds_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (t1, t2) = forms_a_round_apart(dir.path());
    let base = dir.path().join("T1-T2");
    let out = blankett()
        .arg("compare")
        .arg(&t1)
        .arg(&t2)
        .arg("-o")
        .arg(&base)
        .args(["--format", "json,md,xlsx,docx"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "compare: 2022-T1 → 2022-T2: 4 respondents in both, 0 appeared, 1 disappeared; \
             answers 1 changed, 1 new, 1 removed,"
        ),
        "{stderr}"
    );
    for ext in ["json", "md", "xlsx", "docx"] {
        assert!(base.with_extension(ext).is_file(), "{ext}");
    }

    let c = read_json(&base.with_extension("json"));
    assert_matches_schema("compare.schema.json", "the comparison", &c);

    assert_eq!(
        changes_of(&c, "kungsholmen-sdn"),
        [
            ("samverkan-lokalt-naringsliv", "changed"),
            ("vaxla-upp-stockholm", "removed")
        ]
    );
    assert_eq!(
        changes_of(&c, "sodermalm-sdn"),
        [("kultur-offentliga-rummet", "new")]
    );
    assert!(changes_of(&c, "farsta-sdn").is_empty());
    assert!(changes_of(&c, "ostermalm-sdn").is_empty());
    let diff: Vec<(&str, &str)> = c["areas"][0]["questions"][0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["respondentId"] == "kungsholmen-sdn")
        .unwrap()["diff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["op"] != "same")
        .map(|p| (p["op"].as_str().unwrap(), p["text"].as_str().unwrap()))
        .collect();
    assert_eq!(diff, [("removed", "träffar"), ("added", "möter")]);

    let gone = c["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "hasselby-vallingby-sdn")
        .unwrap();
    assert_eq!(gone["presence"], "disappeared");
    // Still a committee in 2022-T2, expected there, and silent.
    assert_eq!(gone["missingInOther"], true);
}

#[test]
fn compare_reads_a_round_file_and_writes_one_format_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let (t1, t2) = forms_a_round_apart(dir.path());
    let round = dir.path().join("2022-T1");
    blankett()
        .arg("consolidate")
        .arg(&t1)
        .arg("-o")
        .arg(&round)
        .assert()
        .success();
    let out = blankett()
        .arg("compare")
        .arg(round.with_extension("json"))
        .arg(&t2)
        .assert()
        .success();
    let c: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(c["summary"]["changed"], 1);
    assert_eq!(
        (c["before"]["round"].as_str(), c["after"]["round"].as_str()),
        (Some("2022-T1"), Some("2022-T2"))
    );

    // The later round first: compared as given, with a line saying so.
    let out = blankett()
        .arg("compare")
        .arg(&t2)
        .arg(&t1)
        .args(["--format", "md"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("BEFORE is 2022-T2, later than AFTER 2022-T1"),
        "{stderr}"
    );
    assert!(!out.get_output().stdout.is_empty());
}

#[test]
fn compare_refuses_what_it_cannot_compare_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    let forms = root().join("examples/forms");
    let t1 = dir.path().join("ut");
    batch(&forms, &t1, "2022-T1");
    let refused = |args: &[&std::ffi::OsStr], says: &str| {
        let out = blankett().arg("compare").args(args).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    let t1 = t1.as_os_str();
    refused(
        &[t1, "saknas".as_ref()],
        "AFTER: saknas: no such file or folder",
    );
    // A folder of Word forms is not a round.
    refused(
        &[t1, forms.as_os_str()],
        "holds 6 Word forms and no submissions: convert them first",
    );
    let empty = dir.path().join("tom");
    std::fs::create_dir(&empty).unwrap();
    refused(
        &[t1, empty.as_os_str()],
        "holds no round and no submissions",
    );
    refused(&[t1, t1, "--format".as_ref(), "csv".as_ref()], "not csv");
    refused(
        &[t1, t1, "--format".as_ref(), "json,md".as_ref()],
        "more than one format needs -o BASE",
    );
    refused(
        &[t1, t1, "--format".as_ref(), "pdf".as_ref()],
        "unknown export format \"pdf\"",
    );
    // A round of another questionnaire.
    let round = dir.path().join("annan");
    blankett()
        .arg("consolidate")
        .arg(t1)
        .arg("-o")
        .arg(&round)
        .assert()
        .success();
    let mut other = read_json(&round.with_extension("json"));
    other["questionnaire"]["id"] = "annan-enkat".into();
    let other_file = dir.path().join("annan.json");
    std::fs::write(&other_file, other.to_string()).unwrap();
    refused(
        &[t1, other_file.as_os_str()],
        "the rounds answer different questionnaires: naringsliv-uppfoljning and annan-enkat",
    );
    // A round file that does not read as one says why, not "not a submission".
    let mut broken = read_json(&round.with_extension("json"));
    broken.as_object_mut().unwrap().remove("completeness");
    let broken_file = dir.path().join("trasig.json");
    std::fs::write(&broken_file, broken.to_string()).unwrap();
    refused(
        &[t1, broken_file.as_os_str()],
        "trasig.json is not a round file blankett can read: missing field `completeness`",
    );
    // A comparison given as a round.
    let comparison = dir.path().join("jmf.json");
    let out = blankett().arg("compare").arg(t1).arg(t1).output().unwrap();
    std::fs::write(&comparison, out.stdout).unwrap();
    refused(
        &[t1, comparison.as_os_str()],
        "jmf.json is a comparison (blankett compare), not a round",
    );
    // Exports that would write over an input, or named like hidden files in a folder.
    let kept = dir.path().join("t1");
    blankett()
        .arg("consolidate")
        .arg(t1)
        .arg("-o")
        .arg(&kept)
        .assert()
        .success();
    let round_file = kept.with_extension("json");
    refused(
        &[round_file.as_os_str(), t1, "-o".as_ref(), kept.as_os_str()],
        "t1.json: -o would write over this input",
    );
    let folder = format!("{}/", dir.path().display());
    refused(
        &[t1, t1, "-o".as_ref(), folder.as_ref()],
        "give a base name for the exports, not a folder",
    );
    assert_eq!(
        read_json(&round_file)["questionnaire"]["id"],
        "naringsliv-uppfoljning"
    );
}

#[test]
fn consolidate_previous_says_when_the_earlier_round_is_not_earlier_or_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let (t1, t2) = forms_a_round_apart(dir.path());
    let out = blankett()
        .arg("consolidate")
        .arg(&t1)
        .arg("-o")
        .arg(dir.path().join("r"))
        .args(["--format", "json", "--previous"])
        .arg(&t2)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--previous is round 2022-T2, not earlier than 2022-T1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--previous shows in the docx and xlsx exports only"),
        "{stderr}"
    );
}

/// The example forms' round (2022-T1) and an earlier one (2021-VB) in which the first answer
/// with text said something else: `Tidigare:` before it and `Borttagen mening.` after it.
/// Returns the batch output folder, the later round file and the earlier one.
fn two_rounds(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let out = dir.join("out");
    batch(example().parent().unwrap(), &out, "2022-T1");
    blankett()
        .arg("consolidate")
        .arg(&out)
        .arg("-o")
        .arg(dir.join("t1"))
        .args(["--format", "json"])
        .assert()
        .success();
    let later = dir.join("t1.json");
    let mut round: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&later).unwrap()).unwrap();
    round["round"] = "2021-VB".into();
    let answer = round["areas"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|a| a["questions"].as_array_mut().unwrap())
        .flat_map(|q| q["answers"].as_array_mut().unwrap())
        .find(|a| a["text"].as_str().is_some_and(|t| !t.trim().is_empty()))
        .unwrap();
    let text = answer["text"].as_str().unwrap().to_owned();
    answer["text"] = format!("Tidigare: {text} Borttagen mening.").into();
    let earlier = dir.join("vb.json");
    std::fs::write(&earlier, serde_json::to_vec(&round).unwrap()).unwrap();
    (out, later, earlier)
}

#[test]
fn compare_writes_markdown_and_word_with_the_removed_words_marked() {
    let dir = tempfile::tempdir().unwrap();
    let (_, later, earlier) = two_rounds(dir.path());
    blankett()
        .arg("compare")
        .args([&earlier, &later])
        .arg("-o")
        .arg(dir.path().join("jmf"))
        .args(["--format", "md,docx"])
        .assert()
        .success();
    let md = std::fs::read_to_string(dir.path().join("jmf.md")).unwrap();
    assert!(md.starts_with("# Förändringar 2021-VB → 2022-T1\n"), "{md}");
    assert!(md.contains("| Ändrat | 1 |"), "{md}");
    assert!(md.contains("~~Tidigare:~~ "), "{md}");
    assert!(md.contains(" ~~Borttagen mening.~~"), "{md}");
    assert!(!md.contains("**Borttagen"), "nothing was added: {md}");

    let docx = std::fs::read(dir.path().join("jmf.docx")).unwrap();
    let xml = part(&docx, "word/document.xml");
    for removed in ["Tidigare:", "Borttagen mening."] {
        let run = format!(
            "<w:strike /><w:color w:val=\"A00000\" /></w:rPr><w:t xml:space=\"preserve\">{removed}</w:t>"
        );
        assert!(xml.contains(&run), "{removed} is not struck through");
    }
}

#[test]
fn consolidate_previous_adds_the_changes_to_the_word_report_and_only_there() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _, earlier) = two_rounds(dir.path());
    let report = |base: &str, previous: Option<&Path>| {
        let mut cmd = blankett();
        cmd.arg("consolidate")
            .arg(&out)
            .arg("-o")
            .arg(dir.path().join(base))
            .args(["--format", "docx,md"]);
        if let Some(p) = previous {
            cmd.arg("--previous").arg(p);
        }
        cmd.assert().success();
        let docx = std::fs::read(dir.path().join(format!("{base}.docx"))).unwrap();
        let md = std::fs::read(dir.path().join(format!("{base}.md"))).unwrap();
        (part(&docx, "word/document.xml"), md)
    };
    let (with, with_md) = report("med", Some(&earlier));
    let (without, without_md) = report("utan", None);
    // The heading and its entry in the table of contents.
    assert_eq!(with.matches("Förändringar sedan 2021-VB").count(), 2);
    assert!(with.contains("<w:strike />"));
    assert!(!without.contains("Förändringar sedan"));
    assert_eq!(
        with_md, without_md,
        "the Markdown report has no section on changes"
    );
}

#[test]
fn compare_says_which_forms_of_a_folder_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let t1 = dir.path().join("ut");
    batch(&root().join("examples/forms"), &t1, "2022-T1");
    let subs = t1.join("submissions");
    let files: Vec<PathBuf> = std::fs::read_dir(&subs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // One form of the folder says another round: the round most forms name is compared.
    let mut later = read_json(&files[0]);
    later["round"] = "2022-T2".into();
    std::fs::write(subs.join("senare.json"), later.to_string()).unwrap();
    let out = blankett()
        .arg("compare")
        .arg(&t1)
        .arg(&t1)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("round 2022-T1; left out: 1 form of another round"),
        "{stderr}"
    );
    // A folder of another questionnaire's forms only.
    let other = dir.path().join("annan");
    std::fs::create_dir_all(other.join("submissions")).unwrap();
    for (i, f) in files.iter().enumerate() {
        let mut s = read_json(f);
        s["questionnaire"]["id"] = "annan-enkat".into();
        std::fs::write(other.join(format!("submissions/{i}.json")), s.to_string()).unwrap();
    }
    let out = blankett()
        .arg("compare")
        .arg(&t1)
        .arg(&other)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("holds 6 forms of another questionnaire and nothing else"),
        "{stderr}"
    );
}
