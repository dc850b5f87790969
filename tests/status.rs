//! `blankett status` with the real binary, after `batch` over a round's inbox where Bromma sent
//! a Word 97-2003 file and someone a `.doc` named for no committee: the failed forms under
//! their respondents with what to ask for, the addresses to remind (the registry's, else the
//! newest of the respondent's forms, earlier rounds' too), `--json` against its schema and
//! `--emails`.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::common::{blankett, compound_file, schema_errors};

const NOW: &str = "2022-05-02T08:00:00Z";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// The example round as `batch` converts it, with two Word 97-2003 files: Bromma's and one
/// whose name names nobody. Returns the output folder.
fn converted_round(dir: &Path) -> PathBuf {
    let inbox = dir.join("inkorg 2022-T1");
    std::fs::create_dir_all(&inbox).unwrap();
    for e in std::fs::read_dir(root().join("examples/forms")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, inbox.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(inbox.join("Bromma.doc"), compound_file(&["WordDocument"])).unwrap();
    std::fs::write(
        inbox.join("anteckningar.doc"),
        compound_file(&["WordDocument"]),
    )
    .unwrap();
    let out = dir.join("ut");
    blankett()
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    out
}

/// A form of `respondent` for `round` converted into `folder`'s submissions, as an earlier
/// round's output folder (or a form of another round in this one) holds it.
fn convert_into(folder: &Path, form: &str, respondent: &str, round: &str) {
    let submissions = folder.join("submissions");
    std::fs::create_dir_all(&submissions).unwrap();
    blankett()
        .arg("convert")
        .arg(root().join("examples/forms").join(form))
        .args(["--respondent", respondent, "--round", round, "-o"])
        .arg(submissions.join(format!("{respondent}-{round}.json")))
        .assert()
        .success();
}

/// The built-in registry with a reminder address for one committee.
fn registry_with_address(dir: &Path) -> PathBuf {
    let mut reg = read_json(&root().join("schemas/respondents-stockholm.json"));
    let enskede = reg["respondents"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["id"] == "enskede-arsta-vantor-sdn")
        .unwrap();
    enskede["email"] = json!("registrator.eav@example.stockholm.se");
    let path = dir.join("registry.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&reg).unwrap()).unwrap();
    path
}

#[test]
fn a_failed_form_is_shown_under_its_respondent_with_what_to_ask_for() {
    let dir = tempfile::tempdir().unwrap();
    let out = converted_round(dir.path());
    let report = read_json(&out.join("report.json"));
    let bromma = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "Bromma.doc")
        .unwrap();
    assert_eq!(
        (&bromma["respondent"], &bromma["round"]),
        (&json!("bromma-sdn"), &json!("2022-T1"))
    );
    blankett()
        .arg("status")
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains(
                "13 respondents, 4 complete, 1 incomplete, 7 not submitted, 1 with a form that failed",
            )
            .and(predicate::str::contains(
                "  Bromma stadsdelsnämnd: form failed: Word 97-2003 .doc, ask for .docx (Bromma.doc); (no e-mail address known)\n",
            ))
            .and(predicate::str::contains("Bromma stadsdelsnämnd: no form").not())
            .and(predicate::str::contains(
                "\nform failed, respondent unknown: anteckningar.doc: Word 97-2003 .doc, ask for .docx\n",
            )),
        );
}

#[test]
fn reminders_go_to_the_registry_s_address_else_the_newest_form_s() {
    let dir = tempfile::tempdir().unwrap();
    let out = converted_round(dir.path());
    let registry = registry_with_address(dir.path());
    // Bromma answered an earlier round; Hägersten-Älvsjö's form of another round lies in this
    // round's folder.
    let previous = dir.path().join("ut-2021-VB");
    convert_into(&previous, "ostermalm-2022-T1.docx", "bromma-sdn", "2021-VB");
    convert_into(
        &out,
        "kungsholmen-2022-T1.docx",
        "hagersten-alvsjo-sdn",
        "2021-VB",
    );
    let status = |flag: &str| {
        let mut cmd = blankett();
        cmd.env("BLANKETT_NOW", NOW)
            .arg("status")
            .arg(&out)
            .args(["--round", "2022-T1", "--previous"])
            .arg(&previous)
            .arg("--registry")
            .arg(&registry);
        if !flag.is_empty() {
            cmd.arg(flag);
        }
        cmd.assert().success()
    };

    status("--emails")
        .stdout(
            "helena.naslund@stockholm.se\n\
             registrator.eav@example.stockholm.se\n\
             sara.lind@example.stockholm.se\n\
             johan.ek@example.stockholm.se\n",
        )
        .stderr(
            "status: no e-mail address for 5 respondents to remind: Norrmalms stadsdelsnämnd, \
             Rinkeby-Kista stadsdelsnämnd, Skarpnäcks stadsdelsnämnd, Skärholmens \
             stadsdelsnämnd, Spånga-Tensta stadsdelsnämnd\n",
        );

    status("").stdout(
        predicate::str::contains(
            "Bromma stadsdelsnämnd: form failed: Word 97-2003 .doc, ask for .docx (Bromma.doc); helena.naslund@stockholm.se (from ostermalm-2022-T1.docx)",
        )
        .and(predicate::str::contains(
            "Enskede-Årsta-Vantörs stadsdelsnämnd: no form; registrator.eav@example.stockholm.se\n",
        ))
        .and(predicate::str::contains(
            "Södermalms stadsdelsnämnd: not answered: Kultur i offentliga rummet; johan.ek@example.stockholm.se\n",
        )),
    );

    let json: Value = serde_json::from_slice(&status("--json").get_output().stdout).unwrap();
    let of = |id: &str| {
        json["respondents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        of("enskede-arsta-vantor-sdn")["address"],
        json!({"email": "registrator.eav@example.stockholm.se", "from": "registry", "submission": null})
    );
    let bromma = of("bromma-sdn")["address"].clone();
    assert_eq!(bromma["from"], "submission");
    assert_eq!(bromma["submission"]["round"], "2021-VB");
    assert_eq!(
        of("hagersten-alvsjo-sdn")["address"]["submission"]["file"],
        "kungsholmen-2022-T1.docx"
    );
}

#[test]
fn emails_name_on_stderr_that_the_round_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(
        root().join("examples/forms/sodermalm-2022-T1.docx"),
        inbox.join("Södermalm.docx"),
    )
    .unwrap();
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
        .arg("--emails")
        .assert()
        .success()
        .stdout("johan.ek@example.stockholm.se\n")
        .stderr(predicate::str::contains("round unknown: give --round"));
    blankett()
        .arg("status")
        .arg(&out)
        .arg("--previous")
        .arg(dir.path().join("ut-2021"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such folder for --previous"));
}

/// The status schema, with every error of an instance against it.
fn errors(instance: &Value) -> Vec<String> {
    schema_errors("status.schema.json", instance)
}

#[test]
fn status_json_is_what_its_schema_describes() {
    let dir = tempfile::tempdir().unwrap();
    let out = converted_round(dir.path());
    let assert = blankett()
        .env("BLANKETT_NOW", NOW)
        .arg("status")
        .arg(&out)
        .arg("--json")
        .assert()
        .success();
    let json: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let problems = errors(&json);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(json["formatVersion"], blankett::STATUS_FORMAT_VERSION);
    assert_eq!(
        json["generator"],
        json!({"name": "blankett", "version": env!("CARGO_PKG_VERSION")})
    );
    assert_eq!(json["generatedAt"], NOW);
    assert_eq!(json["counts"]["formFailed"], 1);
    assert_eq!(json["unattributed"][0]["path"], "anteckningar.doc");
    assert_eq!(json["unattributed"][0]["code"], "legacy-doc");
    // And it reads back as the library's value.
    let back: blankett::RoundStatus = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(back).unwrap(), json);

    type Break = Box<dyn Fn(&mut Value)>;
    let broken: Vec<(&str, Break)> = vec![
        ("an unknown key", Box::new(|s| s["extra"] = json!(1))),
        (
            "no generatedAt",
            Box::new(|s| {
                s.as_object_mut().unwrap().remove("generatedAt");
            }),
        ),
        (
            "an unknown status",
            Box::new(|s| s["respondents"][0]["status"] = json!("late")),
        ),
        (
            "an address from elsewhere",
            Box::new(|s| {
                s["respondents"][0]["address"] =
                    json!({"email": "a@b.se", "from": "guess", "submission": null})
            }),
        ),
        (
            "an open question that is answered",
            Box::new(|s| {
                s["respondents"][0]["open"] = json!([{"questionId": "x", "status": "answered"}])
            }),
        ),
    ];
    for (what, break_it) in broken {
        let mut s = json.clone();
        break_it(&mut s);
        assert!(!errors(&s).is_empty(), "status.schema.json accepts {what}");
    }
}

/// Every object of the status schema says what its properties are, requires every one (serde
/// writes every field, `null` where there is none) and allows no other.
#[test]
fn every_object_of_the_status_schema_is_closed_described_and_required() {
    fn walk(at: &str, v: &Value, problems: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                        problems.push(format!("{at}: additionalProperties is not false"));
                    }
                    let mut required: Vec<&str> = map["required"]
                        .as_array()
                        .map(|r| r.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
                    required.sort();
                    names.sort();
                    if required != names {
                        problems.push(format!("{at}: requires {required:?}, has {names:?}"));
                    }
                    for (name, prop) in props {
                        if prop.get("description").and_then(Value::as_str).is_none() {
                            problems.push(format!("{at}/properties/{name}: no description"));
                        }
                    }
                }
                for (k, child) in map {
                    walk(&format!("{at}/{k}"), child, problems);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(&format!("{at}/{i}"), child, problems);
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    walk(
        "",
        &read_json(&root().join("schemas/status.schema.json")),
        &mut problems,
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
