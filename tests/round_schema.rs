//! `schemas/round.schema.json` says exactly what a consolidated round is: rounds made from real
//! forms validate against it (with the submission schema it refers to registered by its `$id`,
//! as an integrator's validator would have it), and broken rounds do not.

use std::path::{Path, PathBuf};

use blankett::MapOptions as Options;
use blankett::Round;
use blankett::Submission;
use blankett::{Questionnaire, Registry};
use serde_json::{Value, json};

const ROUND_ID: &str = "https://blankett.invalid/schemas/round.schema.json";
const SUBMISSION_ID: &str = "https://blankett.invalid/schemas/submission.schema.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: cannot read it: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

fn round_schema() -> Value {
    read_json(root().join("schemas/round.schema.json"))
}

/// Every error of `instance` against the round schema, one line each, with its path. The
/// submission schema is registered under its `$id`, which the round schema's relative
/// `submission.schema.json` resolves to (the validator cannot fetch anything).
fn errors(instance: &Value) -> Vec<String> {
    let submission = read_json(root().join("schemas/submission.schema.json"));
    let registry = jsonschema::Registry::new()
        .add(SUBMISSION_ID, &submission)
        .expect("the submission schema registers")
        .prepare()
        .expect("the registry prepares");
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&round_schema())
        .unwrap_or_else(|e| panic!("round.schema.json does not compile: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(what: &str, instance: &Value) {
    let errors = errors(instance);
    assert!(
        errors.is_empty(),
        "{what} does not match round.schema.json:\n{}",
        errors.join("\n")
    );
}

fn assert_invalid(what: &str, instance: &Value) {
    assert!(
        !errors(instance).is_empty(),
        "round.schema.json accepts {what}"
    );
}

fn convert(file: &str, name: &str, respondent: Option<&str>, round: &str) -> Submission {
    let bytes = std::fs::read(root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let doc = blankett::read_bytes(bytes, Some(name)).unwrap_or_else(|e| panic!("{e}"));
    let opts = Options {
        respondent,
        round: Some(round),
        ..Options::default()
    };
    blankett::map(&doc, &Questionnaire::builtin(), &Registry::builtin(), &opts).unwrap()
}

/// A round with everything a round can hold: three committees (one of them twice, so that an
/// earlier form is superseded), a form whose respondent is unknown, a form for another round
/// (a conflict), ten committees missing.
fn full_round(redact_contact: bool) -> Round {
    let mut later = convert(
        "fixtures/forms/ostermalm-bare.docx",
        "ostermalm-2022-T1 v2.docx",
        Some("ostermalm-sdn"),
        "2022-T1",
    );
    later.source.modified = Some("2022-04-28T09:00:00Z".into());
    let subs = vec![
        convert(
            "examples/forms/ostermalm-2022-T1.docx",
            "ostermalm-2022-T1.docx",
            Some("ostermalm-sdn"),
            "2022-T1",
        ),
        later,
        convert(
            "fixtures/forms/ostermalm-legacy-fields.docx",
            "kungsholmen.docx",
            Some("kungsholmen-sdn"),
            "2022-T1",
        ),
        convert(
            "fixtures/forms/ostermalm-controls-deleted.docx",
            "sodermalm.docx",
            Some("sodermalm-sdn"),
            "2022-T1",
        ),
        // No respondent: neither the form nor this name tells.
        convert(
            "fixtures/forms/ostermalm-placeholder-then-answer.docx",
            "formular.docx",
            None,
            "2022-T1",
        ),
        convert(
            "examples/forms/ostermalm-2022-T1.docx",
            "farsta VB.docx",
            Some("farsta-sdn"),
            "2021-VB",
        ),
    ];
    let opts = blankett::RoundOptions {
        round: "2022-T1".parse().ok(),
        expected: None,
        redact_contact,
        now: Some(crate::exports::made_at()),
    };
    let r = blankett::consolidate(subs, &Questionnaire::builtin(), &Registry::builtin(), &opts);
    assert_eq!(r.superseded.len(), 1, "{:?}", r.superseded);
    assert_eq!(r.unresolved.len(), 1, "{:?}", r.unresolved);
    assert_eq!(r.conflicts.len(), 1, "{:?}", r.conflicts);
    assert_eq!(r.missing.len(), 10);
    r
}

fn full_round_json() -> Value {
    serde_json::to_value(full_round(false)).unwrap()
}

#[test]
fn the_round_schema_is_a_draft_2020_12_schema_with_its_id() {
    let schema = round_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["$id"], ROUND_ID);
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("round.schema.json is not a valid JSON Schema: {e}");
    }
}

/// Every object says what its properties are, requires every one (serde writes every field of
/// a round, `null` where there is none) but those new in 1.2, which rounds of 1.1 lack, and
/// allows no other.
#[test]
fn every_object_is_closed_described_and_requires_every_property() {
    fn walk(at: &str, v: &Value, problems: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                        problems.push(format!("{at}: additionalProperties is not false"));
                    }
                    let mut required: Vec<&str> = map
                        .get("required")
                        .and_then(Value::as_array)
                        .map(|r| r.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let mut names: Vec<&str> = props
                        .iter()
                        .filter(|(_, p)| !new_in_1_2(p))
                        .map(|(name, _)| name.as_str())
                        .collect();
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
    fn new_in_1_2(property: &Value) -> bool {
        property["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("New in 1.2."))
    }
    let mut problems = Vec::new();
    walk("", &round_schema(), &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_round_of_real_forms_matches_the_schema() {
    assert_valid("the full round", &full_round_json());
}

#[test]
fn a_redacted_round_matches_the_schema() {
    let r = full_round(true);
    assert!(r.respondents.iter().all(|x| x.contact.is_none()));
    assert_valid("the redacted round", &serde_json::to_value(r).unwrap());
}

#[test]
fn an_empty_round_matches_the_schema() {
    let q = Questionnaire::builtin();
    let opts = blankett::RoundOptions {
        round: None,
        expected: Some(vec![]),
        redact_contact: false,
        now: None,
    };
    let r = blankett::consolidate(vec![], &q, &Registry::builtin(), &opts);
    assert_valid("the empty round", &serde_json::to_value(r).unwrap());
}

#[test]
fn the_json_export_is_what_the_schema_describes() {
    let bytes = blankett::to_json(&full_round(false));
    let json: Value = serde_json::from_slice(&bytes).unwrap();
    assert_valid("the JSON export", &json);
    // And it reads back as the same round.
    let back: Round = serde_json::from_value(json).unwrap();
    assert_eq!(back, full_round(false));
}

#[test]
fn an_unknown_cell_status_is_rejected() {
    let mut r = full_round_json();
    r["completeness"]["rows"][0]["cells"][0] = json!("maybe");
    assert_invalid("an unknown cell status", &r);
}

#[test]
fn a_round_without_completeness_is_rejected() {
    let mut r = full_round_json();
    r.as_object_mut().unwrap().remove("completeness");
    assert_invalid("a round without completeness", &r);
}

#[test]
fn other_broken_rounds_are_rejected() {
    type Break = Box<dyn Fn(&mut Value)>;
    let broken: Vec<(&str, Break)> = vec![
        ("an unknown key", Box::new(|r| r["extra"] = json!(1))),
        (
            "another format version",
            Box::new(|r| r["formatVersion"] = json!("2.0")),
        ),
        (
            "a round that is no round",
            Box::new(|r| r["round"] = json!("våren 2022")),
        ),
        (
            "an unknown respondent status",
            Box::new(|r| r["respondents"][0]["status"] = json!("late")),
        ),
        (
            "a negative count",
            Box::new(|r| r["respondents"][0]["answered"] = json!(-1)),
        ),
        (
            "a snake_case key",
            Box::new(|r| {
                let row = r["respondents"][0].as_object_mut().unwrap();
                let v = row.remove("missingQuestions").unwrap();
                row.insert("missing_questions".into(), v);
            }),
        ),
        (
            "a hash that is not SHA-256",
            Box::new(|r| r["unresolved"][0]["sha256"] = json!("abc")),
        ),
        (
            "an area number that is text",
            Box::new(|r| r["areas"][0]["number"] = json!("1")),
        ),
        // Inside the submissions, the submission schema decides.
        (
            "a submission answer with an unknown status",
            Box::new(|r| r["submissions"][0]["answers"][0]["status"] = json!("done")),
        ),
        (
            "a superseded submission without its source",
            Box::new(|r| {
                r["superseded"][0]["submission"]
                    .as_object_mut()
                    .unwrap()
                    .remove("source");
            }),
        ),
        (
            "a block of an unknown kind in an answer",
            Box::new(|r| {
                r["areas"][0]["questions"][0]["answers"][0]["blocks"] =
                    json!([{"kind": "picture", "text": "x"}])
            }),
        ),
        (
            "a contact with an unknown key",
            Box::new(|r| {
                let at = r["respondents"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|x| !x["contact"].is_null())
                    .unwrap();
                r["respondents"][at]["contact"]["fax"] = json!("08-1");
            }),
        ),
    ];
    let full = full_round_json();
    assert_valid("the full round", &full);
    for (what, breaks) in broken {
        let mut r = full.clone();
        breaks(&mut r);
        assert_invalid(what, &r);
    }
}

#[test]
fn a_round_says_which_program_made_it_and_when() {
    let r = full_round_json();
    assert_eq!(r["formatVersion"], "1.2");
    assert_eq!(r["generator"]["name"], "blankett");
    assert_eq!(r["generator"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["generatedAt"], "2022-05-02T08:30:00Z");
    // Submissions say neither: a form's conversion does not depend on when it ran.
    for s in r["submissions"].as_array().unwrap() {
        assert!(s.get("generator").is_none() && s.get("generatedAt").is_none());
    }
    for (what, key, value) in [
        (
            "a time that is no RFC 3339 UTC time",
            "generatedAt",
            json!("2 maj 2022"),
        ),
        (
            "a generator without a version",
            "generator",
            json!({"name": "blankett"}),
        ),
    ] {
        let mut broken = r.clone();
        broken[key] = value;
        assert_invalid(what, &broken);
    }
}

/// Whatever list a respondent stands in, it is named the same way: `id` (`respondentId` where
/// the entry is an answer, a row or a form rather than the respondent) and `label`, the same
/// name in each.
#[test]
fn every_list_names_a_respondent_by_its_id_and_the_same_label() {
    let r = full_round_json();
    let names: std::collections::HashMap<&str, &str> = r["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| Some((x["id"].as_str()?, x["label"].as_str().unwrap())))
        .collect();
    let mut seen = 0;
    let mut check = |list: &str, entry: &Value, id_key: &str| {
        let Some(id) = entry[id_key].as_str() else {
            return;
        };
        let label = entry["label"]
            .as_str()
            .unwrap_or_else(|| panic!("{list}: no label"));
        if let Some(name) = names.get(id) {
            assert_eq!(label, *name, "{list}: {id}");
            seen += 1;
        }
    };
    for m in r["missing"].as_array().unwrap() {
        check("missing", m, "id");
        assert_eq!(m["committee"], m["label"], "the deprecated name agrees");
    }
    for row in r["completeness"]["rows"].as_array().unwrap() {
        check("completeness.rows", row, "respondentId");
    }
    for area in r["areas"].as_array().unwrap() {
        for question in area["questions"].as_array().unwrap() {
            for a in question["answers"].as_array().unwrap() {
                check("answers", a, "respondentId");
            }
        }
    }
    for c in r["conflicts"].as_array().unwrap() {
        check("conflicts", c, "respondentId");
    }
    for s in r["superseded"].as_array().unwrap() {
        check("superseded", s, "respondentId");
    }
    assert!(seen > 40, "{seen}");
    // The conflicting form's respondent is not in the round: it is named all the same.
    assert_eq!(r["conflicts"][0]["label"], "Farsta stadsdelsnämnd");
}

/// A round written by 1.1 (no generator, no time, `missing` named by `committee` alone) is
/// still valid, and reads with every label filled in.
#[test]
fn a_round_of_format_1_1_validates_and_reads_with_its_labels() {
    let mut old = full_round_json();
    old["formatVersion"] = json!("1.1");
    let map = old.as_object_mut().unwrap();
    map.remove("generator");
    map.remove("generatedAt");
    for list in ["missing", "conflicts", "superseded"] {
        for entry in old[list].as_array_mut().unwrap() {
            entry.as_object_mut().unwrap().remove("label");
        }
    }
    assert_valid("a round of format 1.1", &old);
    let r: Round = serde_json::from_value(old).unwrap();
    assert_eq!(r.generator, None);
    assert!(r.missing.iter().all(|m| m.label == m.committee));
    assert_eq!(r.superseded[0].label, "Östermalms stadsdelsnämnd");
    assert_eq!(r.conflicts[0].label, "farsta-sdn");
}
