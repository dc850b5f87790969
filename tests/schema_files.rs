//! The files under `schemas/`: the questionnaire and the registry validate against their JSON
//! Schemas and pass `check()`, and the submission schema says exactly what the Rust types
//! read and write.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use blankett::Block;
use blankett::{
    Answer, AnswerStatus, IdentityStore, QuestionnaireRef, ResolvedBy,
    SUBMISSION_FORMAT_VERSION as FORMAT_VERSION, SourceRef, Submission, VariantBy,
};
use blankett::{Questionnaire, Registry};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

use crate::common::schema_errors;

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

fn read_json(name: &str) -> Value {
    let path = schemas_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: cannot read it: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// Every error of `instance` against `schema_name`, one line each, with its instance path.
fn errors(schema_name: &str, instance: &Value) -> Vec<String> {
    schema_errors(schema_name, instance)
}

fn assert_valid(schema_name: &str, what: &str, instance: &Value) {
    let errors = errors(schema_name, instance);
    assert!(
        errors.is_empty(),
        "{what} does not match {schema_name}:\n{}",
        errors.join("\n")
    );
}

fn assert_invalid(schema_name: &str, what: &str, instance: &Value) {
    assert!(
        !errors(schema_name, instance).is_empty(),
        "{schema_name} accepts {what}"
    );
}

#[test]
fn the_schemas_are_draft_2020_12_schemas() {
    for name in [
        "questionnaire.schema.json",
        "registry.schema.json",
        "submission.schema.json",
        "report.schema.json",
        "index.schema.json",
        "status.schema.json",
        "assignments.schema.json",
        "compare.schema.json",
    ] {
        let schema = read_json(name);
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(
            schema["$id"],
            format!("https://blankett.invalid/schemas/{name}"),
            "{name}"
        );
        if let Err(e) = jsonschema::meta::validate(&schema) {
            panic!(
                "{name} is not a valid JSON Schema: {}: {e}",
                e.instance_path()
            );
        }
    }
}

/// Every property of every object schema says what it is.
#[test]
fn every_property_is_described() {
    fn walk(at: &str, v: &Value, missing: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    for (name, prop) in props {
                        if prop.get("description").and_then(Value::as_str).is_none() {
                            missing.push(format!("{at}/properties/{name}"));
                        }
                    }
                }
                for (k, child) in map {
                    walk(&format!("{at}/{k}"), child, missing);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(&format!("{at}/{i}"), child, missing);
                }
            }
            _ => {}
        }
    }
    for name in [
        "questionnaire.schema.json",
        "registry.schema.json",
        "submission.schema.json",
        "assignments.schema.json",
        "compare.schema.json",
    ] {
        let mut missing = Vec::new();
        walk("", &read_json(name), &mut missing);
        assert!(missing.is_empty(), "{name}: no description at {missing:?}");
    }
}

#[test]
fn the_questionnaire_matches_its_schema_and_passes_check() {
    let name = "naringsliv-uppfoljning-2022.json";
    let json = read_json(name);
    assert_valid("questionnaire.schema.json", name, &json);
    let q: Questionnaire = serde_json::from_value(json).expect("it reads as a Questionnaire");
    assert_eq!(q.check(), Vec::<String>::new());
    let loaded = Questionnaire::load(&schemas_dir().join(name)).expect("it loads");
    assert_eq!(loaded, q);
}

#[test]
fn the_registry_matches_its_schema_and_passes_check() {
    let name = "respondents-stockholm.json";
    let json = read_json(name);
    assert_valid("registry.schema.json", name, &json);
    let r: Registry = serde_json::from_value(json).expect("it reads as a Registry");
    assert_eq!(r.check(), Vec::<String>::new());
    let loaded = Registry::load(&schemas_dir().join(name)).expect("it loads");
    assert_eq!(loaded, r);
}

/// The folding names are compared with: lower case, letters and digits only, no diacritics.
fn fold(s: &str) -> String {
    let lower: String = s
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_name_and_alias_in_the_registry_names_one_respondent() {
    let r = Registry::builtin();
    let mut owner: HashMap<String, &str> = HashMap::new();
    let mut clashes = Vec::new();
    for resp in &r.respondents {
        for name in std::iter::once(&resp.name).chain(&resp.aliases) {
            let key = fold(name);
            assert!(!key.is_empty(), "{}: empty alias {name:?}", resp.id);
            if let Some(other) = owner.insert(key, &resp.id)
                && other != resp.id
            {
                clashes.push(format!("{name:?} names both {other} and {}", resp.id));
            }
        }
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}

#[test]
fn the_registry_records_the_2023_mergers() {
    let r = Registry::builtin();
    let get = |id: &str| r.get(id).unwrap_or_else(|| panic!("no respondent {id}"));
    for (old, new) in [
        ("rinkeby-kista-sdn", "jarva-sdn"),
        ("spanga-tensta-sdn", "jarva-sdn"),
        ("norrmalm-sdn", "norra-innerstaden-sdn"),
        ("ostermalm-sdn", "norra-innerstaden-sdn"),
    ] {
        let old = get(old);
        assert_eq!(old.valid_to.as_deref(), Some("2023-06-30"), "{}", old.id);
        assert_eq!(old.successors, vec![new.to_owned()], "{}", old.id);
        assert_eq!(get(new).valid_from.as_deref(), Some("2023-07-01"), "{new}");
    }
    let districts_on = |date| {
        r.respondents
            .iter()
            .filter(|x| x.kind == "stadsdelsnamnd" && x.valid_on(Some(date)))
            .count()
    };
    assert_eq!(districts_on("2022-04-30"), 13);
    assert_eq!(districts_on("2023-08-31"), 11);
}

#[test]
fn committees_carry_the_city_s_organisation_number() {
    let r = Registry::builtin();
    let city = r.organisation.organisation_number.as_deref();
    assert_eq!(city, Some("212000-0142"));
    for resp in &r.respondents {
        match resp.kind.as_str() {
            "stadsdelsnamnd" | "facknamnd" => {
                assert_eq!(resp.organisation_number.as_deref(), city, "{}", resp.id)
            }
            "bolagsstyrelse" => {
                assert_ne!(resp.organisation_number.as_deref(), city, "{}", resp.id)
            }
            other => panic!("{}: unknown kind {other}", resp.id),
        }
    }
}

#[test]
fn the_data_schemas_reject_what_the_program_rejects() {
    let mut q = read_json("naringsliv-uppfoljning-2022.json");
    q["questions"][0]["id"] = json!("Samverkan lokalt");
    assert_invalid(
        "questionnaire.schema.json",
        "an id with capitals and a space",
        &q,
    );

    let mut q = read_json("naringsliv-uppfoljning-2022.json");
    q["questions"][0]["type"] = json!("number");
    assert_invalid("questionnaire.schema.json", "an unknown question type", &q);

    let mut q = read_json("naringsliv-uppfoljning-2022.json");
    q["questions"][0]["hint"] = json!("?");
    assert_invalid("questionnaire.schema.json", "an unknown key", &q);

    let mut q = read_json("naringsliv-uppfoljning-2022.json");
    q["deadlines"] = json!([{"round": "T1 2022", "date": "2022-05-06"}]);
    assert_invalid(
        "questionnaire.schema.json",
        "a round not written as an id",
        &q,
    );
    assert!(serde_json::from_value::<Questionnaire>(q).is_err());
    let mut q = read_json("naringsliv-uppfoljning-2022.json");
    q["deadlines"] = json!([{"round": "2022-T1", "date": "6 maj 2022"}]);
    assert_invalid(
        "questionnaire.schema.json",
        "a deadline that is not ISO",
        &q,
    );
    let mut q = read_json("naringsliv-uppfoljning-2022.json");
    q["fields"][0]["formerPlaceholders"] = json!("Stadsdelsnämnderna");
    assert_invalid(
        "questionnaire.schema.json",
        "former placeholders not a list",
        &q,
    );

    let mut r = read_json("respondents-stockholm.json");
    r["respondents"][0]["organisationNumber"] = json!("2120000142");
    assert_invalid(
        "registry.schema.json",
        "an organisation number without hyphen",
        &r,
    );

    let mut r = read_json("respondents-stockholm.json");
    r["respondents"][0]["validFrom"] = json!("1 juli 2020");
    assert_invalid("registry.schema.json", "a date that is not ISO", &r);
}

/// The smallest form a submission can take: nobody known, nothing answered.
fn minimal_submission() -> Value {
    json!({
        "formatVersion": "1.0",
        "questionnaire": {
            "id": "naringsliv-uppfoljning",
            "version": "2022",
            "variant": "stadsdelsnamnd",
            "variantBy": "detected"
        },
        "round": null,
        "respondent": null,
        "contact": null,
        "answers": [{
            "questionId": "ovriga-upplysningar",
            "area": null,
            "question": "Övriga upplysningar",
            "status": "unanswered",
            "text": "",
            "blocks": [],
            "value": null,
            "matchedBy": "tag",
            "control": {"index": 4, "tag": "ovriga-upplysningar", "alias": "Övriga upplysningar", "type": "richText"}
        }],
        "unmapped": [],
        "comments": [],
        "warnings": [],
        "source": {
            "file": null,
            "sha256": "0".repeat(64),
            "bytes": 0,
            "producer": null,
            "template": null
        }
    })
}

/// A submission that uses every definition of the schema.
fn full_submission() -> Value {
    json!({
        "formatVersion": "1.0",
        "questionnaire": {
            "id": "naringsliv-uppfoljning",
            "version": "2022",
            "variant": "stadsdelsnamnd",
            "variantBy": "option"
        },
        "round": "2022-T1",
        "respondent": {
            "id": "ostermalm-sdn",
            "committee": "Östermalms stadsdelsnämnd",
            "kind": "stadsdelsnamnd",
            "resolvedBy": "control",
            "asWritten": "Östermalms SDN"
        },
        "contact": {
            "name": "Anna Andersson",
            "phone": "+46 8 508 100 51",
            "phoneAsWritten": "08-508 100 51",
            "email": "anna.andersson@example.invalid",
            "emailAsWritten": "Anna.Andersson@example.invalid",
            "emailValid": true
        },
        "answers": [
            {
                "questionId": "samverkan-lokalt-naringsliv",
                "area": 1,
                "question": "Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens geografiska område.",
                "status": "answered",
                "text": "Vi träffar företagarföreningen.\nNätverk\nÅr\tMöten\n2022\t4\nSe protokollen.",
                "blocks": [
                    {"kind": "paragraph", "text": "Vi träffar företagarföreningen.",
                     "links": [{"text": "företagarföreningen", "target": "https://example.invalid/"}]},
                    {"kind": "listItem", "text": "Nätverk", "level": 0,
                     "links": [{"text": "Nätverk", "target": "#natverk"}]},
                    {"kind": "table", "rows": [["År", "Möten"], ["2022", "4"]]},
                    {"kind": "note", "note": "footnote", "text": "Se protokollen."}
                ],
                "value": null,
                "matchedBy": "tag",
                "control": {"index": 4, "tag": "samverkan-lokalt-naringsliv", "alias": "Samverkan lokalt näringsliv", "type": "richText"}
            },
            {
                "questionId": "vaxla-upp-stockholm",
                "area": 1,
                "question": "Beskriv nämndens arbete med \"Växla upp Stockholm\"",
                "status": "answered",
                "text": "Ja",
                "blocks": [{"kind": "note", "note": "endnote", "text": "Ja"}],
                "value": true,
                "matchedBy": "outsideControl",
                "control": null
            },
            {
                "questionId": "svart-ekonomi-samverkan",
                "area": 2,
                "question": "Hur sker samverkan …?",
                "status": "missing",
                "text": "",
                "blocks": [],
                "value": null,
                "matchedBy": null,
                "control": null
            }
        ],
        "unmapped": [{
            "text": "Tack!",
            "blocks": [{"kind": "paragraph", "text": "Tack!", "links": [{"text": "Tack", "target": "#tack"}]}],
            "reason": "outsideQuestions",
            "control": null,
            "location": {"part": "word/document.xml", "story": "body", "flowIndex": 40, "afterQuestion": null}
        }, {
            "text": "2022-04-30",
            "blocks": [{"kind": "paragraph", "text": "2022-04-30", "links": [{"text": "2022", "target": "#d"}]}],
            "reason": "unknownControl",
            "control": {"index": 12, "tag": null, "alias": null, "type": "legacyText"},
            "location": {"part": "word/footer1.xml", "story": "footer", "flowIndex": null, "afterQuestion": "ovriga-upplysningar"}
        }],
        "comments": [{
            "author": "Granskare",
            "date": "2022-04-12T10:15:00Z",
            "text": "Stämmer siffrorna?",
            "questionId": "samverkan-lokalt-naringsliv"
        }],
        "warnings": [{
            "code": "tracked-changes",
            "message": "the form holds unaccepted tracked changes; they are read as accepted",
            "questionId": null
        }],
        "source": {
            "file": "Östermalm T1.docx",
            "sha256": "ab".repeat(32),
            "bytes": 48211,
            "producer": "Microsoft Office Word 16.0000",
            "template": "Normal.dotm"
        }
    })
}

#[test]
fn a_minimal_submission_validates_and_reads() {
    let json = minimal_submission();
    assert_valid("submission.schema.json", "the minimal submission", &json);
    let s: Submission = serde_json::from_value(json).expect("it reads as a Submission");
    // Written as 1.0: files of an earlier minor version stay valid and readable.
    assert_eq!(s.format_version, "1.0");
    assert_ne!(s.format_version, FORMAT_VERSION);
    assert_eq!(s.answers[0].status, AnswerStatus::Unanswered);
}

#[test]
fn a_full_submission_validates_reads_and_writes_back_the_same() {
    let json = full_submission();
    assert_valid("submission.schema.json", "the full submission", &json);
    let s: Submission = serde_json::from_value(json.clone()).expect("it reads as a Submission");
    let back = serde_json::to_value(&s).expect("it writes");
    assert_valid(
        "submission.schema.json",
        "the written-back submission",
        &back,
    );
    assert_eq!(back, json);
}

/// Format 1.2 adds to an unmapped control's entry its label, its own text and its typed
/// value; each is optional, so entries written by 1.0 and 1.1 stay valid.
#[test]
fn an_unmapped_entry_of_1_2_validates_and_reads_back_the_same() {
    let mut json = full_submission();
    json["formatVersion"] = json!("1.2");
    json["unmapped"][1]["question"] = json!("Datum för nästa företagsträff:");
    json["unmapped"][1]["controlText"] = json!("30 april 2022");
    json["unmapped"][1]["value"] = json!("2022-04-30");
    assert_valid("submission.schema.json", "a 1.2 submission", &json);
    let s: Submission = serde_json::from_value(json.clone()).expect("it reads");
    assert_eq!(
        s.unmapped[1].question.as_deref(),
        Some("Datum för nästa företagsträff:")
    );
    assert_eq!(s.unmapped[0].question, None);
    assert_eq!(serde_json::to_value(&s).unwrap(), json);
    json["unmapped"][1]["value"] = json!(true);
    assert_valid("submission.schema.json", "a checkbox's value", &json);
    for (what, change) in [
        ("a value that is an object", json!({"value": "x"})),
        ("a value that is a number", json!(3)),
    ] {
        let mut bad = json.clone();
        bad["unmapped"][1]["value"] = change;
        assert_invalid("submission.schema.json", what, &bad);
    }
    let mut bad = json.clone();
    bad["unmapped"][1]["question"] = json!(null);
    assert_invalid(
        "submission.schema.json",
        "a null question (absent instead)",
        &bad,
    );
    let mut bad = json;
    bad["formatVersion"] = json!("1.4");
    assert_invalid("submission.schema.json", "a version not yet written", &bad);
}

/// Format 1.3 adds what a form sent out by `blankett sendout` says: its identity, answers
/// carried over unchanged, the respondent and variant found by the identity, the new codes.
#[test]
fn a_sent_out_form_of_1_3_validates_and_reads_back_the_same() {
    let mut json = full_submission();
    json["formatVersion"] = json!("1.3");
    json["identity"] = json!({
        "formId": "278225ba-9f25-c5b2-c0b9-dcb55e3810b7",
        "questionnaire": "naringsliv-uppfoljning",
        "questionnaireVersion": "2022",
        "variant": "stadsdelsnamnd",
        "respondentId": "ostermalm-sdn",
        "round": "2022-T1",
        "prefilled": ["samverkan-lokalt-naringsliv"],
        "storedIn": "customProperties"
    });
    json["respondent"]["resolvedBy"] = json!("identity");
    json["questionnaire"]["variantBy"] = json!("identity");
    json["answers"][0]["carriedOver"] = json!(true);
    json["warnings"] = json!([{
        "code": "unchanged-from-previous",
        "message": "the answer is the earlier round's, which the form was sent out with, unchanged",
        "questionId": "samverkan-lokalt-naringsliv"
    }]);
    assert_valid("submission.schema.json", "a 1.3 submission", &json);
    let s: Submission = serde_json::from_value(json.clone()).expect("it reads");
    assert!(s.answers[0].carried_over && !s.answers[1].carried_over);
    assert_eq!(
        s.respondent.as_ref().unwrap().resolved_by,
        ResolvedBy::Identity
    );
    assert_eq!(
        s.identity.as_ref().unwrap().stored_in,
        IdentityStore::CustomProperties
    );
    assert_eq!(serde_json::to_value(&s).unwrap(), json);
    for (what, path, value) in [
        (
            "carriedOver false (absent instead)",
            "/answers/0/carriedOver",
            json!(false),
        ),
        (
            "an identity stored elsewhere",
            "/identity/storedIn",
            json!("settings"),
        ),
        (
            "an identity round that is none",
            "/identity/round",
            json!("2022-T4"),
        ),
    ] {
        let mut bad = json.clone();
        *bad.pointer_mut(path).unwrap() = value;
        assert_invalid("submission.schema.json", what, &bad);
    }
    let mut bad = json.clone();
    bad["identity"].as_object_mut().unwrap().remove("formId");
    assert_invalid(
        "submission.schema.json",
        "an identity without its form id",
        &bad,
    );
}

#[test]
fn what_the_program_writes_validates() {
    // Empty `links` are left out when written: the schema must not require them.
    let s = Submission {
        format_version: FORMAT_VERSION.to_owned(),
        questionnaire: QuestionnaireRef {
            id: "naringsliv-uppfoljning".into(),
            version: "2022".into(),
            variant: "stadsdelsnamnd".into(),
            variant_by: VariantBy::Detected,
        },
        round: "2022-VB".parse().ok(),
        respondent: None,
        as_converted: None,
        identity: None,
        contact: Some(Default::default()),
        redacted: false,
        answers: vec![Answer {
            question_id: "ovriga-upplysningar".into(),
            area: None,
            question: "Övriga upplysningar".into(),
            status: AnswerStatus::Answered,
            text: "Inget att tillägga.\nPunkt".into(),
            blocks: vec![
                Block::Paragraph {
                    text: "Inget att tillägga.".into(),
                    links: vec![],
                },
                Block::ListItem {
                    text: "Punkt".into(),
                    level: 1,
                    links: vec![],
                },
            ],
            value: None,
            matched_by: None,
            control: None,
            carried_over: false,
        }],
        unmapped: vec![],
        comments: vec![],
        warnings: vec![],
        source: SourceRef {
            file: Some("a.docx".into()),
            sha256: "f".repeat(64),
            bytes: 1,
            producer: None,
            template: None,
            modified: Some("2022-04-20T14:12:00Z".into()),
            file_modified: Some("2022-04-20T14:13:05Z".into()),
        },
    };
    let json = serde_json::to_value(&s).expect("it writes");
    assert!(json["answers"][0]["blocks"][0].get("links").is_none());
    assert_valid("submission.schema.json", "a written submission", &json);
}

/// A change that spoils a valid submission.
type Change = fn(&mut Value);

#[test]
fn invalid_submissions_are_rejected() {
    let cases: [(&str, Change); 9] = [
        ("status \"done\"", |s| {
            s["answers"][0]["status"] = json!("done")
        }),
        ("no answers", |s| {
            s.as_object_mut().unwrap().remove("answers");
        }),
        ("format version 2.0", |s| s["formatVersion"] = json!("2.0")),
        ("round 2022-T3", |s| s["round"] = json!("2022-T3")),
        ("an unknown key", |s| s["extra"] = json!(1)),
        ("a block of kind image", |s| {
            s["answers"][0]["blocks"] = json!([{"kind": "image", "text": ""}])
        }),
        ("a table block with text", |s| {
            s["answers"][0]["blocks"] = json!([{"kind": "table", "rows": [], "text": ""}])
        }),
        ("a short sha256", |s| s["source"]["sha256"] = json!("abc")),
        ("an unknown control type", |s| {
            s["answers"][0]["control"]["type"] = json!("richtext")
        }),
    ];
    for (what, change) in cases {
        let mut s = minimal_submission();
        change(&mut s);
        assert_invalid("submission.schema.json", what, &s);
    }
    // The Rust types refuse the two that break the contract's core too.
    let mut s = minimal_submission();
    s["answers"][0]["status"] = json!("done");
    assert!(serde_json::from_value::<Submission>(s).is_err());
    let mut s = minimal_submission();
    s.as_object_mut().unwrap().remove("answers");
    assert!(serde_json::from_value::<Submission>(s).is_err());
}

/// Every block the schema accepts reads back, also a paragraph written without its empty
/// `links`.
#[test]
fn blocks_without_links_read_back() {
    for block in [
        json!({"kind": "paragraph", "text": "x"}),
        json!({"kind": "listItem", "text": "x", "level": 0}),
    ] {
        let mut s = minimal_submission();
        s["answers"][0]["blocks"] = json!([block]);
        assert_valid("submission.schema.json", "a block without links", &s);
        serde_json::from_value::<Submission>(s).expect("a block without links reads");
    }
}

fn first_entry(index: &mut Value) -> &mut Value {
    let entries = index["submissions"].as_object_mut().unwrap();
    entries.values_mut().next().unwrap()
}

/// Runs `batch` over a folder (a form, a broken file, a text file) and then `watch --once` over
/// an inbox (a form) into one output folder; returns its `report.json` and `index.json`.
fn written_ledger() -> (Value, Value) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/ostermalm-2022-T1.docx");
    std::fs::copy(&example, input.join("Östermalm.docx")).unwrap();
    std::fs::write(input.join("trasig.docx"), b"no form").unwrap();
    std::fs::write(input.join("notes.txt"), b"x").unwrap();
    let out = dir.path().join("ut");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_blankett"))
        .args(["batch", "--out"])
        .arg(&out)
        .arg(&input)
        .env("BLANKETT_NOW", "2022-05-01T08:00:00Z")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["generatedAt"], "2022-05-01T08:00:00Z");
    assert_valid("report.schema.json", "a report of batch", &report);
    // A watch over an inbox records into the same folder.
    let inbox = dir.path().join("inkorg");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(&example, inbox.join("Kungsholmen.docx")).unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_blankett"))
        .args(["watch", "--once", "--settle", "0", "--out"])
        .arg(&out)
        .arg(&inbox)
        .env("BLANKETT_NOW", "2022-05-02T08:30:00Z")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(out.join(name)).unwrap()).unwrap()
    };
    (read("report.json"), read("index.json"))
}

/// `report.json` and `index.json` as `batch` and then `watch` write them into one output
/// folder: each valid, naming each submission alike, saying which program wrote it and when.
#[test]
fn a_written_report_and_index_follow_their_schemas_and_name_submissions_alike() {
    let (report, index) = written_ledger();
    assert_eq!(report["files"].as_array().unwrap().len(), 3);
    assert_eq!(report["skipped"].as_array().unwrap().len(), 1);
    assert_valid("report.schema.json", "a written report", &report);
    assert_valid("index.schema.json", "a written index", &index);
    let mut stranger = report.clone();
    stranger["files"][0]["extra"] = json!(1);
    assert_invalid("report.schema.json", "an unknown key", &stranger);
    let mut stranger = report.clone();
    stranger["skipped"][0]["reason"] = json!("because");
    assert_invalid("report.schema.json", "an unknown reason", &stranger);

    let entries = index["submissions"].as_object().unwrap();
    assert_eq!(entries.len(), 2);
    let origins: Vec<&Value> = entries.values().map(|e| &e["origin"]).collect();
    assert!(origins.contains(&&json!("folder")) && origins.contains(&&json!("inbox")));
    for (name, entry) in entries {
        let listed = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == entry["path"] && f["origin"] == entry["origin"])
            .unwrap();
        assert_eq!(entry["output"], format!("submissions/{name}.json"));
        assert_eq!(listed["output"], entry["output"], "{name}");
    }
    for written in [&index, &report] {
        assert_eq!(written["formatVersion"], "1.2");
        assert_eq!(written["generator"]["name"], "blankett");
        assert_eq!(written["generator"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(written["generatedAt"], "2022-05-02T08:30:00Z");
    }
}

/// The index schema refuses what blankett never writes, and still takes an index of 1.1.
#[test]
fn the_index_schema_refuses_strangers_and_takes_an_index_of_1_1() {
    let (_, index) = written_ledger();
    for (what, change) in [
        (
            "an entry with an unknown key",
            Box::new(|i: &mut Value| {
                first_entry(i)["extra"] = json!(1);
            }) as Box<dyn Fn(&mut Value)>,
        ),
        (
            "an output outside submissions/",
            Box::new(|i: &mut Value| {
                first_entry(i)["output"] = json!("../x.json");
            }),
        ),
        (
            "a short hash",
            Box::new(|i: &mut Value| {
                first_entry(i)["sha256"] = json!("abc");
            }),
        ),
        (
            "a time that is no RFC 3339 time",
            Box::new(|i: &mut Value| i["generatedAt"] = json!("igår")),
        ),
        (
            "another format version",
            Box::new(|i: &mut Value| i["formatVersion"] = json!("2.0")),
        ),
    ] {
        let mut stranger = index.clone();
        change(&mut stranger);
        assert_invalid("index.schema.json", what, &stranger);
    }
    // An index of 1.1 (no generator, no time, no output) is still valid.
    let mut old = index.clone();
    old["formatVersion"] = json!("1.1");
    old.as_object_mut().unwrap().remove("generator");
    old.as_object_mut().unwrap().remove("generatedAt");
    for entry in old["submissions"].as_object_mut().unwrap().values_mut() {
        entry.as_object_mut().unwrap().remove("output");
    }
    assert_valid("index.schema.json", "an index of 1.1", &old);
}

/// An output folder after the analyst's decisions and a redaction: a form assigned, one
/// excluded, the contact details removed.
fn decided_and_redacted() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("inkorg");
    std::fs::create_dir_all(&input).unwrap();
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms");
    std::fs::copy(
        forms.join("ostermalm-2022-T1.docx"),
        input.join("inlamning.docx"),
    )
    .unwrap();
    std::fs::copy(
        forms.join("farsta-2022-T1.docx"),
        input.join("farsta-2022-T1.docx"),
    )
    .unwrap();
    let out = dir.path().join("ut");
    let o = out.to_str().unwrap();
    for args in [
        vec!["batch", "--out", o, input.to_str().unwrap()],
        vec![
            "assign",
            o,
            "inlamning.docx",
            "--respondent",
            "ostermalm-sdn",
        ],
        vec![
            "assign",
            o,
            "farsta-2022-T1.docx",
            "--exclude",
            "--note",
            "test",
        ],
        vec!["redact", o],
    ] {
        let r = std::process::Command::new(env!("CARGO_BIN_EXE_blankett"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            r.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
    }
    (dir, out)
}

fn read_path(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn what_assign_and_redact_write_follows_the_schemas() {
    let (_dir, out) = decided_and_redacted();
    let subs: Vec<PathBuf> = std::fs::read_dir(out.join("submissions"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(subs.len(), 1);
    let s = read_path(&subs[0]);
    assert_eq!(
        (&s["respondent"]["resolvedBy"], &s["redacted"]),
        (&json!("assigned"), &json!(true))
    );
    assert_valid(
        "submission.schema.json",
        "an assigned, redacted submission",
        &s,
    );
    let back: Submission = serde_json::from_value(s.clone()).unwrap();
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        s,
        "it reads back as written"
    );
    let mut wrong = s;
    wrong["redacted"] = json!(false);
    assert_invalid(
        "submission.schema.json",
        "redacted false (left out instead)",
        &wrong,
    );
    let report = read_path(&out.join("report.json"));
    assert_eq!(report["skipped"][0]["reason"], "excluded");
    assert_valid(
        "report.schema.json",
        "a report with an excluded form",
        &report,
    );
    let decisions = read_path(&out.join("assignments.json"));
    assert_valid("assignments.schema.json", "the decisions", &decisions);
}

#[test]
fn the_schema_of_the_decisions_refuses_what_blankett_does_not_write() {
    let (_dir, out) = decided_and_redacted();
    let decisions = read_path(&out.join("assignments.json"));
    let changed = |what: &str, change: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut wrong = decisions.clone();
        change(wrong["decisions"].as_object_mut().unwrap());
        assert_invalid("assignments.schema.json", what, &wrong);
    };
    let each = |kind: &'static str, key: &'static str, v: Value| {
        move |m: &mut serde_json::Map<String, Value>| {
            for d in m.values_mut().filter(|d| d["decision"] == kind) {
                d[key] = v.clone();
            }
        }
    };
    changed(
        "an unknown decision",
        &each("exclude", "decision", json!("ignore")),
    );
    changed(
        "an assignment of nothing",
        &each("assign", "respondent", Value::Null),
    );
    changed(
        "an exclusion with a round",
        &each("exclude", "round", json!("2022-T1")),
    );
    changed("a key that is no sha256", &|m| {
        let d = m.values().next().unwrap().clone();
        m.insert("ABC".into(), d);
    });
}
