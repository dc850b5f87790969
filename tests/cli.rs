//! The real binary on real files: exit codes, stdout, and the wording of errors on stderr.

use std::io::Write;
use std::path::Path;

use crate::common::{blankett, compound_file, example};
use predicates::prelude::*;

/// A zip holding the given entries.
fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

#[test]
fn inspect_lists_the_controls_of_the_example_form() {
    blankett()
        .args(["inspect"])
        .arg(example())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ostermalm-2022-T1.docx: Microsoft Office Word 16.0000, 13 controls",
        ))
        .stdout(predicate::str::contains("namnd"))
        .stdout(predicate::str::contains("placeholder  Stadsdelsnämnderna"))
        .stdout(predicate::str::contains("answered     Helena Näslund"))
        .stderr(predicate::str::is_empty());
}

#[test]
fn inspect_json_is_the_full_model() {
    let out = blankett()
        .args(["inspect", "--json"])
        .arg(example())
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["source"]["file"], "ostermalm-2022-T1.docx");
    assert_eq!(doc["controls"].as_array().unwrap().len(), 13);
    assert_eq!(doc["controls"][0]["tag"], "namnd");
    assert_eq!(doc["controls"][0]["status"], "placeholder");
    assert_eq!(doc["controls"][12]["tag"], "ovriga-upplysningar");
    assert!(doc["flow"].as_array().unwrap().len() > 13);
}

#[test]
fn inspect_json_of_several_files_is_an_array() {
    let out = blankett()
        .args(["inspect", "--json"])
        .arg(example())
        .arg(example())
        .output()
        .unwrap();
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(docs.as_array().unwrap().len(), 2);
}

#[test]
fn each_unreadable_file_gets_one_line_and_the_others_are_still_listed() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("tom.docx", Vec::new(), "the file is empty"),
        (
            "gammal.docx",
            compound_file(&["WordDocument", "1Table"]),
            "a Word 97-2003 document (.doc), not a .docx; open it in Word, save it as a Word document (.docx) and send it again",
        ),
        (
            "lösen.docx",
            compound_file(&["EncryptionInfo", "EncryptedPackage"]),
            "the document is encrypted with a password",
        ),
        (
            "text.docx",
            b"Hej, svaren kommer senare.\n".to_vec(),
            "not a Word document: the file is not a zip package (a text file)",
        ),
        (
            "tabell.docx",
            zip_with(&[
                ("[Content_Types].xml", br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#),
                ("_rels/.rels", br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
                ("xl/workbook.xml", b"<workbook/>"),
            ]),
            "not a Word document: an Excel workbook (.xlsx)",
        ),
        (
            "avbruten.docx",
            std::fs::read(example()).unwrap()[..4000].to_vec(),
            "damaged zip package",
        ),
    ];
    let mut cmd = blankett();
    cmd.arg("inspect").arg(example());
    for (name, bytes, _) in &cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        cmd.arg(&path);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("13 controls"), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), cases.len(), "{stderr}");
    for ((name, _, wording), line) in cases.iter().zip(&lines) {
        let path = dir.path().join(name);
        assert!(
            line.starts_with(&format!("{}: ", path.display())),
            "{line} should name {name}"
        );
        assert!(line.contains(wording), "{line} should say {wording}");
        assert!(!line.ends_with('.'), "{line}");
    }
}

#[test]
fn a_missing_file_is_named() {
    blankett()
        .args(["inspect", "finns-inte.docx"])
        .assert()
        .code(1)
        .stderr("finns-inte.docx: cannot read the file: no such file\n");
}

#[test]
fn limits_can_be_set_and_say_how_to_raise_them() {
    blankett()
        .args(["inspect", "--max-part-size", "0"])
        .arg(example())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("raise it with --max-part-size"));
}

#[test]
fn usage_errors_exit_with_2() {
    blankett().assert().code(2);
    blankett().arg("inspect").assert().code(2);
    blankett()
        .args(["inspect", "--max-depth", "1"])
        .arg(example())
        .assert()
        .code(2)
        .stderr("blankett: --max-depth must be at least 8\n");
}

#[test]
fn help_explains_the_command() {
    blankett()
        .args(["inspect", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("placeholder"))
        .stdout(predicate::str::contains("--max-ratio"));
}

/// One convention for output flags, said in every `--help`: `--out OUT` is a folder (batch,
/// watch, sendout), `-o` a file or a base name (convert, template, consolidate); the rest print.
#[test]
fn every_command_names_its_outputs_by_one_convention_and_says_so() {
    let convention = "Output flags are the same in every command: --out OUT names a folder";
    let help = |args: &[&str]| {
        let out = blankett().args(args).arg("--help").output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(convention),
            "{args:?} --help does not say the convention:\n{text}"
        );
        text
    };
    help(&[]);
    for command in ["batch", "watch", "sendout"] {
        let text = help(&[command]);
        assert!(text.contains("--out <OUT>"), "{command}");
        assert!(!text.contains("-o, "), "{command}: -o is for files");
    }
    for (command, value) in [
        ("convert", "FILE"),
        ("template", "FILE"),
        ("consolidate", "BASE"),
    ] {
        let text = help(&[command]);
        assert!(
            text.contains(&format!("-o, --output <{value}>")),
            "{command}"
        );
        assert!(!text.contains("--out <"), "{command}: --out is for folders");
    }
    for command in [
        &["status"][..],
        &["assign"],
        &["redact"],
        &["inspect"],
        &["schema"],
        &["schema", "check"],
    ] {
        let text = help(command);
        assert!(
            !text.contains("--out <") && !text.contains("-o, "),
            "{command:?}"
        );
    }
}

#[test]
fn convert_prints_the_submission() {
    let out = blankett().arg("convert").arg(example()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["formatVersion"], blankett::SUBMISSION_FORMAT_VERSION);
    assert_eq!(s["respondent"]["id"], "ostermalm-sdn");
    assert_eq!(s["answers"].as_array().unwrap().len(), 9);
    assert_eq!(s["contact"]["name"], "Helena Näslund");
}

#[test]
fn convert_writes_the_file_and_can_leave_contact_details_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ostermalm.json");
    blankett()
        .args(["convert", "--redact-contact", "-o"])
        .arg(&path)
        .arg(example())
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(s["contact"].is_null());
    let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    assert!(!text.contains("Näslund"), "no personal data is left");
}

#[test]
fn convert_refuses_bad_options_with_exit_code_2() {
    blankett()
        .args(["convert", "--round", "snart"])
        .arg(example())
        .assert()
        .code(2)
        .stderr("blankett: \"snart\" is not a round; write it as 2022-T1, 2022-T2 or 2022-VB\n");
    blankett()
        .args(["convert", "--variant", "bolag"])
        .arg(example())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no variant bolag"));
    blankett()
        .args(["convert", "--schema", "finns-inte.json"])
        .arg(example())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("finns-inte.json: cannot read it"));
}

#[test]
fn convert_of_an_unreadable_form_is_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tom.docx");
    std::fs::write(&path, b"").unwrap();
    blankett()
        .arg("convert")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the file is empty"));
}

#[test]
fn template_writes_the_blank_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mall.docx");
    blankett()
        .args(["template", "--variant", "stadsdelsnamnd", "-o"])
        .arg(&path)
        .assert()
        .success();
    blankett()
        .arg("inspect")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("14 controls"))
        .stdout(predicate::str::contains("ovriga-upplysningar"));
}

#[test]
fn template_asks_for_the_variant_when_there_are_several() {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/typed-questionnaire.json");
    blankett()
        .args(["template", "-o", "x.docx", "--schema"])
        .arg(&schema)
        .assert()
        .code(2)
        .stderr("blankett: say which variant with --variant: stadsdelsnamnd, facknamnd\n");
}

#[test]
fn schema_check_says_what_is_wrong() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    blankett()
        .args(["schema", "check"])
        .arg(root.join("schemas/naringsliv-uppfoljning-2022.json"))
        .arg(root.join("schemas/respondents-stockholm.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "naringsliv-uppfoljning-2022.json: ok, questionnaire naringsliv-uppfoljning 2022",
        ))
        .stdout(predicate::str::contains(
            "respondents-stockholm.json: ok, registry stockholm",
        ));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("fel.json");
    let mut q: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("schemas/naringsliv-uppfoljning-2022.json")).unwrap(),
    )
    .unwrap();
    q["questions"][1]["id"] = q["questions"][0]["id"].clone();
    std::fs::write(&bad, q.to_string()).unwrap();
    blankett()
        .args(["schema", "check"])
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("fel.json: "))
        .stdout(predicate::str::contains(
            "/questions/1/id: samverkan-lokalt-naringsliv is used twice",
        ));
}

#[test]
fn schema_check_finds_every_problem_in_one_pass_named_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("fel.json");
    let mut q: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("schemas/naringsliv-uppfoljning-2022.json")).unwrap(),
    )
    .unwrap();
    // What the JSON Schema finds (a key the format does not have, an id with capitals) and
    // what only the checks find (a variant that does not exist), in one run.
    q["questions"][0]["svar"] = "x".into();
    q["questions"][1]["id"] = "Växla upp".into();
    q["questions"][2]["variants"] = serde_json::json!(["okand"]);
    std::fs::write(&bad, q.to_string()).unwrap();
    let out = blankett()
        .args(["schema", "check"])
        .arg(&bad)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("{}: 3 problems", bad.display()), "{out}");
    assert!(lines[1].starts_with("  /questions/0: "), "{out}");
    assert!(lines[1].contains("svar"), "{out}");
    // The id is named once: by the schema, not again by the check that says the same.
    assert!(
        lines[2].starts_with("  /questions/1/id: \"Växla upp\""),
        "{out}"
    );
    assert_eq!(
        lines[3], "  /questions/2/variants: no variant okand",
        "{out}"
    );
    assert_eq!(lines.len(), 4, "{out}");
}

#[test]
fn schema_check_names_a_file_of_another_kind_in_one_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ut");
    blankett()
        .args(["batch", "--jobs", "1"])
        .arg(root.join("examples/forms"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let round = dir.path().join("runda");
    blankett()
        .arg("consolidate")
        .arg(&out)
        .arg("-o")
        .arg(&round)
        .args(["--format", "json"])
        .assert()
        .success();
    let submission = std::fs::read_dir(out.join("submissions"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for (file, kind) in [
        (
            dir.path().join("runda.json"),
            "a round (blankett consolidate output)",
        ),
        (
            submission,
            "a submission (blankett convert, batch or watch output)",
        ),
        (
            out.join("report.json"),
            "a run report (report.json, blankett batch or watch output)",
        ),
        (
            out.join("index.json"),
            "an output folder's index (index.json, blankett batch or watch output)",
        ),
        (root.join("schemas/round.schema.json"), "a JSON Schema"),
    ] {
        blankett()
            .args(["schema", "check"])
            .arg(&file)
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "{}: this is {kind}, not a questionnaire or registry\n",
                file.display()
            ));
    }
    // Beside a sound file, the wrong kind still makes it a usage error.
    blankett()
        .args(["schema", "check"])
        .arg(root.join("schemas/naringsliv-uppfoljning-2022.json"))
        .arg(dir.path().join("runda.json"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains(": ok, questionnaire"));
}

/// The mistakes a new user makes with folders and output names get one line that says what to
/// do, never a temporary file's path or a silently changed name.
#[test]
fn folder_and_output_mistakes_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(example(), inbox.join("Östermalm.docx")).unwrap();
    let form = inbox.join("Östermalm.docx");

    // A form where a folder belongs: convert is the command for one form.
    blankett()
        .arg("batch")
        .arg(&form)
        .arg("--out")
        .arg(dir.path().join("ut"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("is a file, not a folder")
                .and(predicate::str::contains("blankett convert")),
        );

    // The inbox where the output folder belongs: nothing is a submission yet.
    for command in ["status", "consolidate"] {
        let mut cmd = blankett();
        cmd.arg(command).arg(&inbox);
        if command == "consolidate" {
            cmd.arg("-o").arg(dir.path().join("runda"));
        }
        cmd.assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(
                "holds 1 Word form and no submissions: convert them first",
            ));
    }

    // A missing folder is named, not the temporary file the write went through.
    blankett()
        .arg("convert")
        .arg(&form)
        .arg("-o")
        .arg(dir.path().join("saknas/x.json"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("the folder")
                .and(predicate::str::contains("saknas does not exist"))
                .and(predicate::str::contains(".blankett-").not()),
        );

    // An export base keeps a dot that is no export's extension; its folder must exist.
    let out = dir.path().join("ut");
    blankett()
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    blankett()
        .arg("consolidate")
        .arg(&out)
        .arg("-o")
        .arg(dir.path().join("saknas/runda"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such folder for the exports"));
    blankett()
        .arg("consolidate")
        .arg(&out)
        .args(["--format", "md"])
        .arg("-o")
        .arg(dir.path().join("runda.v2"))
        .assert()
        .success();
    assert!(dir.path().join("runda.v2.md").is_file());
    blankett()
        .arg("consolidate")
        .arg(&out)
        .args(["--format", "md"])
        .arg("-o")
        .arg(dir.path().join("r.json"))
        .assert()
        .success();
    assert!(dir.path().join("r.md").is_file());
}

/// With no round given or found (a form named for its committee only, in a folder named for
/// nothing), nobody is guessed to be expected: the registry holds the committees of every
/// period, and expecting them all would report committees that no longer exist as not having
/// answered. Every output says so instead.
#[test]
fn without_a_round_nobody_is_expected_and_every_output_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(example(), inbox.join("Östermalm.docx")).unwrap();
    let out = dir.path().join("ut");
    blankett()
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    blankett()
        .arg("status")
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("1 respondent, ")
                .and(predicate::str::contains("0 not submitted"))
                .and(predicate::str::contains("round unknown: give --round")),
        );
    blankett()
        .arg("consolidate")
        .arg(&out)
        .args(["--format", "json,md"])
        .arg("-o")
        .arg(dir.path().join("runda"))
        .assert()
        .success();
    let round: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("runda.json")).unwrap()).unwrap();
    assert_eq!(round["round"], serde_json::Value::Null);
    assert_eq!(round["missing"], serde_json::json!([]));
    assert_eq!(round["respondents"].as_array().unwrap().len(), 1);
    let md = std::fs::read_to_string(dir.path().join("runda.md")).unwrap();
    assert!(md.contains("Omgången är okänd"), "{md}");
    assert!(!md.contains("Alla förväntade har lämnat in."), "{md}");

    // Given the round, the committees of that round are expected again.
    blankett()
        .arg("status")
        .arg(&out)
        .args(["--round", "2022-T1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("12 not submitted"));
}

/// A file where a folder belongs is named as such, whichever command meets it.
#[test]
fn a_file_where_a_folder_belongs_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fil");
    std::fs::write(&file, b"x").unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir(&inbox).unwrap();
    for command in ["batch", "watch"] {
        let mut cmd = blankett();
        cmd.arg(command).arg(&inbox).arg("--out").arg(&file);
        if command == "watch" {
            cmd.arg("--once");
        }
        cmd.assert().code(2).stderr(predicate::str::contains(
            "not a folder; give a folder for --out",
        ));
    }
    blankett()
        .arg("convert")
        .arg(example())
        .arg("-o")
        .arg(file.join("x.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a file, not a folder"));
}
