//! Converting whole forms: the seed form gives the answers the seed shows, question by
//! question; every shape a returned form comes in maps to the same answers; typed questions get
//! typed values; every submission validates against `schemas/submission.schema.json`.

use std::path::{Path, PathBuf};

use blankett::MapOptions as Options;
use blankett::{AnswerStatus, MatchedBy, ResolvedBy, Submission, UnmappedReason, VariantBy};
use blankett::{Questionnaire, Registry};

use crate::common::assert_matches_schema;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn convert_with(path: &Path, q: &Questionnaire, opts: Options<'_>) -> Submission {
    let doc = blankett::read_path(path).unwrap_or_else(|e| panic!("{e}"));
    let opts = Options {
        path: Some(path),
        ..opts
    };
    let s = blankett::map(&doc, q, &Registry::builtin(), &opts).unwrap();
    assert_valid(&s);
    s
}

fn convert(path: &Path) -> Submission {
    convert_with(path, &Questionnaire::builtin(), Options::default())
}

/// Every submission any test makes validates against the published JSON Schema.
fn assert_valid(s: &Submission) {
    let instance = serde_json::to_value(s).unwrap();
    assert_matches_schema("submission.schema.json", "a submission", &instance);
}

/// The seed's answers: for each question of the district variant, the paragraphs under it in
/// `../shared/seed/` (kept in `tests/data/seed.txt` so the test runs anywhere).
fn seed_answers() -> Vec<(String, String)> {
    let seed = std::fs::read_to_string(root().join("tests/data/seed.txt")).unwrap();
    let q = Questionnaire::builtin();
    let questions: Vec<&blankett::Question> = q.questions_of("stadsdelsnamnd").collect();
    let headings: Vec<String> = q
        .areas
        .iter()
        .flat_map(|a| {
            std::iter::once(format!("{}. {}", a.number, a.title))
                .chain(a.aliases.iter().map(move |t| format!("{}. {t}", a.number)))
        })
        .collect();
    let lines: Vec<&str> = seed.lines().map(str::trim).collect();
    let mut out = Vec::new();
    for question in &questions {
        let start = lines
            .iter()
            .position(|l| *l == question.text)
            .unwrap_or_else(|| panic!("{} not in the seed", question.id));
        let mut answer = Vec::new();
        for l in &lines[start + 1..] {
            if questions.iter().any(|q| q.text == *l) || headings.iter().any(|h| h == l) {
                break;
            }
            if !l.is_empty() {
                answer.push(*l);
            }
        }
        out.push((question.id.clone(), answer.join("\n")));
    }
    out
}

#[test]
fn the_seed_form_gives_the_answers_the_seed_shows() {
    let s = convert(&root().join("examples/forms/ostermalm-2022-T1.docx"));
    for (id, expected) in seed_answers() {
        let a = s.answer(&id).unwrap();
        if expected == "Klicka här för att ange text." {
            assert_eq!(a.status, AnswerStatus::Unanswered, "{id}");
            assert_eq!(a.text, "", "{id}: placeholder text is never an answer");
        } else {
            assert_eq!(a.status, AnswerStatus::Answered, "{id}");
            assert_eq!(a.text, expected, "{id}");
            assert_eq!(a.matched_by, Some(MatchedBy::Tag), "{id}");
        }
    }
    assert_eq!(s.round.map(|r| r.to_string()).as_deref(), Some("2022-T1"));
    let r = s.respondent.as_ref().unwrap();
    assert_eq!(r.id, "ostermalm-sdn");
    assert_eq!(r.committee, "Östermalms stadsdelsnämnd");
    // The committee field still says the template's "Stadsdelsnämnderna": the file name tells.
    assert_eq!(r.resolved_by, ResolvedBy::FileName);
    assert_eq!(r.as_written, None);
    let c = s.contact.as_ref().unwrap();
    assert_eq!(c.name.as_deref(), Some("Helena Näslund"));
    assert_eq!(c.phone.as_deref(), Some("+46 8 508 100 51"));
    assert_eq!(c.phone_as_written.as_deref(), Some("08-508 100 51"));
    assert_eq!(c.email.as_deref(), Some("helena.naslund@stockholm.se"));
    assert!(s.unmapped.is_empty(), "{:?}", s.unmapped);
    insta::assert_json_snapshot!("seed-submission", s);
}

/// Every shape the seed's answers come back in: (file, how most answers are matched).
fn shapes() -> Vec<(PathBuf, &'static str)> {
    vec![
        (root().join("examples/forms/ostermalm-2022-T1.docx"), "tags"),
        (
            root().join("fixtures/forms/ostermalm-2022-T1-titles-only.docx"),
            "titles, no tags",
        ),
        (
            root().join("fixtures/libreoffice/ostermalm-2022-T1.docx"),
            "saved again in LibreOffice: no tags, answers spill out of the controls",
        ),
        (
            root().join("fixtures/forms/ostermalm-bare.docx"),
            "neither tags nor titles",
        ),
        (
            root().join("fixtures/forms/ostermalm-controls-deleted.docx"),
            "controls deleted, answers typed under the questions",
        ),
        (
            root().join("fixtures/forms/ostermalm-placeholder-then-answer.docx"),
            "placeholders left, answers typed after them",
        ),
        (
            root().join("fixtures/forms/ostermalm-legacy-fields.docx"),
            "legacy text form fields",
        ),
    ]
}

#[test]
fn every_shape_of_the_seed_form_maps_to_the_same_answers() {
    let expected = seed_answers();
    for (path, shape) in shapes() {
        let s = convert(&path);
        for (id, text) in &expected {
            let a = s.answer(id).unwrap();
            if text == "Klicka här för att ange text." {
                assert_eq!(a.status, AnswerStatus::Unanswered, "{shape}: {id}");
                assert_eq!(a.text, "", "{shape}: {id}");
            } else {
                assert_eq!(a.status, AnswerStatus::Answered, "{shape}: {id}");
                assert_eq!(&a.text, text, "{shape}: {id}");
            }
        }
        assert!(s.unmapped.is_empty(), "{shape}: {:?}", s.unmapped);
        assert_eq!(
            s.respondent.as_ref().map(|r| r.id.as_str()),
            Some("ostermalm-sdn"),
            "{shape}"
        );
    }
}

#[test]
fn answers_outside_controls_are_reported() {
    let s = convert(&root().join("fixtures/forms/ostermalm-controls-deleted.docx"));
    let a = s.answer("vaxla-upp-stockholm").unwrap();
    assert_eq!(a.matched_by, Some(MatchedBy::OutsideControl));
    assert!(a.control.is_none());
    assert!(
        s.warnings
            .iter()
            .any(|w| w.code.as_str() == "answer-outside-control"
                && w.question_id.as_deref() == Some("vaxla-upp-stockholm"))
    );
    let s = convert(&root().join("fixtures/libreoffice/ostermalm-2022-T1.docx"));
    let a = s.answer("svart-ekonomi-samverkan").unwrap();
    assert_eq!(a.matched_by, Some(MatchedBy::Alias));
    assert_eq!(
        a.blocks.len(),
        2,
        "the control's paragraph and the one after it"
    );
    assert!(
        s.warnings
            .iter()
            .any(|w| w.code.as_str() == "answer-outside-control"
                && w.question_id.as_deref() == Some("svart-ekonomi-samverkan"))
    );
}

#[test]
fn how_each_shape_is_matched() {
    let by = |file: &str, id: &str| convert(&root().join(file)).answer(id).unwrap().matched_by;
    assert_eq!(
        by(
            "fixtures/forms/ostermalm-2022-T1-titles-only.docx",
            "platssamverkan"
        ),
        Some(MatchedBy::Alias)
    );
    assert_eq!(
        by("fixtures/forms/ostermalm-bare.docx", "platssamverkan"),
        Some(MatchedBy::QuestionText)
    );
    assert_eq!(
        by(
            "fixtures/forms/ostermalm-legacy-fields.docx",
            "kultur-offentliga-rummet"
        ),
        Some(MatchedBy::QuestionText)
    );
}

#[test]
fn typed_questions_get_typed_values() {
    let q = Questionnaire::load(&root().join("tests/data/typed-questionnaire.json")).unwrap();
    let s = convert_with(
        &root().join("fixtures/typed-controls.docx"),
        &q,
        Options {
            round: Some("2022-T1"),
            ..Options::default()
        },
    );
    let value = |id: &str| s.answer(id).unwrap().value.clone();
    use serde_json::json;
    assert_eq!(
        s.questionnaire.variant, "facknamnd",
        "detected by its area 4 question"
    );
    assert_eq!(value("deltagit-foretagsdialog"), Some(json!(true)));
    assert_eq!(value("naringslivsrad"), Some(json!(false)));
    // The glyph says ☒ but the state says unchecked: the state wins.
    assert_eq!(value("platssamverkan-finns"), Some(json!(false)));
    assert_eq!(value("period-slut"), Some(json!("2022-04-30")));
    assert_eq!(
        s.answer("beslutsdatum").unwrap().status,
        AnswerStatus::Unanswered
    );
    assert_eq!(value("namndtyp"), Some(json!("stadsdelsnamnd")));
    // Free text in a combo box that is none of the choices: kept as text, no value, a warning.
    assert_eq!(value("rapport"), None);
    assert_eq!(
        s.answer("rapport").unwrap().text,
        "Extra uppföljning maj 2022"
    );
    assert!(
        s.warnings
            .iter()
            .any(|w| w.code.as_str() == "value-unrecognised"
                && w.question_id.as_deref() == Some("rapport"))
    );
    // A repeating section answers as a whole, its items in order.
    assert!(s
        .answer("aktiviteter")
        .unwrap()
        .text
        .starts_with("Aktivitet: Trygghetsvandring Stureplan\nAnsvarig: Trygghets- och säkerhetssamordnare\nAktivitet: Grönare Stockholm"));
    // The picture control answers no question: kept, with where it stood.
    let u = &s.unmapped[0];
    assert_eq!(u.reason, UnmappedReason::UnknownControl);
    assert_eq!(
        u.control.as_ref().unwrap().tag.as_deref(),
        Some("bild-platsaktivering")
    );
}

#[test]
fn options_override_what_the_form_says() {
    let q = Questionnaire::builtin();
    let s = convert_with(
        &root().join("fixtures/forms/ostermalm-bare.docx"),
        &q,
        Options {
            round: Some("VB 2022"),
            respondent: Some("Norrmalms SDN"),
            variant: Some("stadsdelsnamnd"),
            ..Options::default()
        },
    );
    assert_eq!(s.round.map(|r| r.to_string()).as_deref(), Some("2022-VB"));
    let r = s.respondent.unwrap();
    assert_eq!(
        (r.id.as_str(), r.resolved_by),
        ("norrmalm-sdn", ResolvedBy::Option)
    );
    assert_eq!(s.questionnaire.variant_by, VariantBy::Option);
}

#[test]
fn a_form_without_round_or_respondent_says_so() {
    let s = convert(&root().join("fixtures/clean-docx-rs.docx"));
    let codes: Vec<&str> = s.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"round-unresolved"), "{codes:?}");
    // The committee field names Kungsholmen: the control tells.
    let r = s.respondent.unwrap();
    assert_eq!(
        (r.id.as_str(), r.resolved_by),
        ("kungsholmen-sdn", ResolvedBy::Control)
    );
}

#[test]
fn bad_options_are_refused_before_any_form_is_read() {
    let q = Questionnaire::builtin();
    let reg = Registry::builtin();
    for (opts, says) in [
        (
            Options {
                variant: Some("bolag"),
                ..Options::default()
            },
            "no variant bolag",
        ),
        (
            Options {
                round: Some("snart"),
                ..Options::default()
            },
            "is not a round",
        ),
        (
            Options {
                respondent: Some("Atlantis SDN"),
                ..Options::default()
            },
            "no respondent",
        ),
    ] {
        let e = blankett::check_options(&q, &reg, &opts).err().unwrap();
        assert!(e.to_string().contains(says), "{e}");
    }
}

/// Handing the read form over (`map_owned`, as batch does) moves the answers' blocks instead of
/// copying them; the submission is the same as mapping a borrowed form gives, for every form.
#[test]
fn mapping_an_owned_form_gives_the_same_submission() {
    let (q, reg) = (Questionnaire::builtin(), Registry::builtin());
    let prepared = blankett::Prepared::new(&q, &reg);
    let mut forms = Vec::new();
    for dir in [
        "examples/forms",
        "fixtures/forms",
        "fixtures/libreoffice",
        "fixtures",
    ] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "docx" || x == "docm") {
                forms.push(p);
            }
        }
    }
    assert!(forms.len() > 20, "{forms:?}");
    let mut moved_some = false;
    for path in forms {
        let doc = blankett::read_path(&path).unwrap();
        let opts = Options {
            path: Some(&path),
            ..Options::default()
        };
        let borrowed = prepared.map(&doc, &opts).unwrap();
        let owned = prepared.map_owned(doc, &opts).unwrap();
        moved_some |= owned.answers.iter().any(|a| !a.blocks.is_empty())
            || owned.unmapped.iter().any(|u| !u.blocks.is_empty());
        assert_eq!(
            serde_json::to_value(&owned).unwrap(),
            serde_json::to_value(&borrowed).unwrap(),
            "{}",
            path.display()
        );
    }
    assert!(moved_some);
}
