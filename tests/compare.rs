//! `blankett compare`'s Markdown and Word documents, and `consolidate --previous`'s section on
//! changes in the Word report, on rounds made by `batch` and `consolidate` from the example
//! forms, the earlier one edited by hand.

use std::path::{Path, PathBuf};

use crate::common::{blankett, example, part};

/// The example forms' round (2022-T1) and an earlier one (2021-VB) in which the first answer
/// with text said something else: `Tidigare:` before it and `Borttagen mening.` after it.
/// Returns the batch output folder, the later round file and the earlier one.
fn two_rounds(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let out = dir.join("out");
    blankett()
        .arg("batch")
        .arg(example().parent().unwrap())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
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
