//! Every word where the respondent put it, in forms as Word writes them (`fixtures/<name>.docx`)
//! and the same saved again by LibreOffice (`fixtures/libreoffice/<name>.docx`): text typed
//! after an inline control continues its answer on the same line; a control that answers no
//! question continues the answer whose area it stands in, unless it says what it is; a question
//! someone added goes to `unmapped` with its label; an unmapped control keeps its own text and
//! value; the period in a page header gives the round.

use std::path::{Path, PathBuf};

use blankett::MapOptions as Options;
use blankett::{AnswerStatus, Questionnaire, Registry, Submission, Unmapped, UnmappedReason};
use serde_json::json;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture `name` as Word wrote it and as LibreOffice saved it again, converted against the
/// built-in questionnaire; each checked against the submission schema.
fn both(name: &str) -> Vec<(PathBuf, Submission)> {
    let (q, reg) = (Questionnaire::builtin(), Registry::builtin());
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/submission.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    ["fixtures", "fixtures/libreoffice"]
        .iter()
        .map(|dir| {
            let path = root().join(dir).join(format!("{name}.docx"));
            let doc = blankett::read_path(&path).unwrap_or_else(|e| panic!("{e}"));
            let opts = Options {
                path: Some(&path),
                ..Options::default()
            };
            let s = blankett::map(&doc, &q, &reg, &opts).unwrap();
            let json = serde_json::to_value(&s).unwrap();
            assert!(validator.is_valid(&json), "{}", path.display());
            (path, s)
        })
        .collect()
}

fn text<'s>(s: &'s Submission, id: &str) -> &'s str {
    &s.answer(id).unwrap().text
}

/// The warnings of `code`, as (question, message).
fn warned<'s>(s: &'s Submission, code: &str) -> Vec<(Option<&'s str>, &'s str)> {
    s.warnings
        .iter()
        .filter(|w| w.code.as_str() == code)
        .map(|w| (w.question_id.as_deref(), w.message.as_str()))
        .collect()
}

#[test]
fn text_typed_after_an_inline_control_continues_its_answer_on_the_same_line() {
    for (path, s) in both("inline-answers") {
        let at = path.display();
        assert_eq!(
            text(&s, "samverkan-lokalt-naringsliv"),
            "Stadsdelens kontakt med näringslivet sker främst genom platssamverkan \
             Östermalmstorg/Stureplan och Strandvägen.\nFöretagsdialog i samverkan med \
             Stockholm Business Region AB genomfördes 1 okt 2021.",
            "{at}"
        );
        // The label before the control is the question's, not the answer's.
        assert_eq!(
            text(&s, "vaxla-upp-stockholm"),
            "Resultaten i den senaste medborgarundersökningen visar att Östermalm upplevs som \
             en trygg stadsdel, något som också gynnar näringslivet.",
            "{at}"
        );
        // Typed around a control still showing its placeholder: the typed text is the answer.
        let a = s.answer("svart-ekonomi-samverkan").unwrap();
        assert_eq!(a.status, AnswerStatus::Answered, "{at}");
        assert_eq!(
            a.text,
            "Förvaltningen ställer krav på seriositetsprövning vid varje direktupphandling.",
            "{at}"
        );
        let c = s.contact.as_ref().unwrap();
        assert_eq!(
            c.name.as_deref(),
            Some("Helena Näslund, utvecklingsstrateg"),
            "{at}"
        );
        // What was typed after the number stays with it; the next field's label does not.
        assert_eq!(
            c.phone_as_written.as_deref(),
            Some("08-508 100 51 (växel)"),
            "{at}"
        );
        assert_eq!(
            c.email.as_deref(),
            Some("helena.naslund@stockholm.se"),
            "{at}"
        );
        assert!(s.unmapped.is_empty(), "{at}: {:?}", s.unmapped);
        assert!(
            warned(&s, "answer-outside-control").contains(&(
                Some("vaxla-upp-stockholm"),
                "text written beside the control in its paragraph continues the answer on its line"
            )),
            "{at}"
        );
    }
}

#[test]
fn a_control_that_answers_no_question_continues_the_answer_whose_area_it_stands_in() {
    for (path, s) in both("controls-in-answers") {
        let at = path.display();
        // A date picker in a sentence typed under the answer, and a control pasted after it.
        assert_eq!(
            text(&s, "platssamverkan"),
            "Nämnden har en aktiv platssamverkan och genomför flera trygghetsvandringar per \
             år.\nNästa trygghetsvandring hålls 12 maj 2022 vid Stureplan.\nPlatssamverkan \
             Strandvägen har fått ett eget nätverk för fastighetsägare.",
            "{at}"
        );
        assert_eq!(s.answer("platssamverkan").unwrap().blocks.len(), 3, "{at}");
        // A date picker in the answer's own line: on that line.
        assert_eq!(
            text(&s, "sbr-hallbar-tillvaxt"),
            "Företagsdialog i samverkan med Stockholm Business Region AB genomfördes den 1 \
             oktober 2021 på Östermalms stadsdelsförvaltning.",
            "{at}"
        );
        let taken: Vec<Option<&str>> = warned(&s, "control-in-answer")
            .into_iter()
            .map(|(q, _)| q)
            .collect();
        assert_eq!(
            taken,
            [
                Some("platssamverkan"),
                Some("platssamverkan"),
                Some("sbr-hallbar-tillvaxt")
            ],
            "{at}"
        );
        // A control that names a question of its own is kept apart.
        assert_eq!(
            text(&s, "kultur-offentliga-rummet"),
            "Nationaldagsfirandet planeras i samarbete med Kulturskolan.",
            "{at}"
        );
        let kept: Vec<&str> = s.unmapped.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(kept, ["Budget för kulturinsatser: 50 000 kr"], "{at}");
        assert_eq!(s.unmapped[0].reason, UnmappedReason::UnknownControl, "{at}");
        assert_eq!(
            s.unmapped[0].location.after_question.as_deref(),
            Some("kultur-offentliga-rummet"),
            "{at}"
        );
    }
}

#[test]
fn a_question_someone_added_goes_to_unmapped_with_its_label() {
    for (path, s) in both("added-questions") {
        let at = path.display();
        // Nothing glued onto the answers above the added questions.
        assert_eq!(
            text(&s, "samverkan-lokalt-naringsliv"),
            "Stadsdelens kontakt med näringslivet sker främst genom platssamverkan.",
            "{at}"
        );
        assert_eq!(
            text(&s, "vaxla-upp-stockholm"),
            "Östermalm utvecklas, till exempel genom exploateringen i Norra Djurgårdsstaden.",
            "{at}"
        );
        assert_eq!(
            text(&s, "svart-ekonomi-samverkan"),
            "Förvaltningen ställer krav på seriositetsprövning vid direktupphandling.",
            "{at}"
        );
        let got: Vec<(Option<&str>, &str, Option<&str>)> = s
            .unmapped
            .iter()
            .map(|u| {
                (
                    u.question.as_deref(),
                    u.text.as_str(),
                    u.location.after_question.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                // A question mark.
                (
                    Some("Har nämnden utsett en företagslots?"),
                    "☒ Ja, sedan januari 2022",
                    Some("samverkan-lokalt-naringsliv")
                ),
                // The questions' own style; what was written under it is its.
                (
                    Some("Antal företagsbesök under perioden"),
                    "14\nBesöken gjordes tillsammans med Stockholm Business Region AB.",
                    Some("vaxla-upp-stockholm")
                ),
                // A colon, before a control that could have continued the answer above:
                // the label wins.
                (
                    Some("Datum för nästa samverkansmöte med Skatteverket:"),
                    "2022-06-01",
                    Some("svart-ekonomi-samverkan")
                ),
            ],
            "{at}"
        );
        let values: Vec<_> = s.unmapped.iter().map(|u| u.value.clone()).collect();
        assert_eq!(
            values,
            [Some(json!(true)), None, Some(json!("2022-06-01"))],
            "{at}"
        );
        assert!(warned(&s, "control-in-answer").is_empty(), "{at}");
    }
}

/// Each unmapped control's own text and typed value, in forms the other fixtures hold.
#[test]
fn unmapped_controls_keep_their_own_text_and_value_apart_from_their_line() {
    let (q, reg) = (Questionnaire::builtin(), Registry::builtin());
    let convert = |file: &str| {
        let path = root().join(file);
        let doc = blankett::read_path(&path).unwrap();
        blankett::map(&doc, &q, &reg, &Options::default()).unwrap()
    };
    let entry = |s: &Submission, tag: &str| -> Unmapped {
        s.unmapped
            .iter()
            .find(|u| u.control.as_ref().and_then(|c| c.tag.as_deref()) == Some(tag))
            .unwrap_or_else(|| panic!("no entry for {tag}"))
            .clone()
    };
    let s = convert("fixtures/legacy-fields.docx");
    let u = entry(&s, "Foretagsdialog");
    assert_eq!(
        (u.text.as_str(), u.control_text.as_deref(), u.value),
        (
            "Nämnden har deltagit i företagsdialog",
            Some(""),
            Some(json!(true))
        )
    );
    let u = entry(&s, "Rapport");
    assert_eq!(
        (u.question.as_deref(), u.control_text.as_deref(), u.value),
        (
            Some("Rapport:"),
            Some("Verksamhetsberättelse"),
            Some(json!("Verksamhetsberättelse"))
        )
    );
    let s = convert("fixtures/headers-notes.docx");
    let u = entry(&s, "inlamningsdatum");
    assert_eq!(u.value, Some(json!("2022-05-06")));
    assert_eq!(u.control_text.as_deref(), Some("2022-05-06"));
    // A placeholder is no text of the control's.
    let s = convert("fixtures/placeholders.docx");
    let u = entry(&s, "datum");
    assert_eq!(
        (u.text.as_str(), u.control_text.as_deref(), u.value),
        ("Datum:", Some(""), None)
    );
}

#[test]
fn the_period_in_a_page_header_gives_the_round() {
    let round = |s: &Submission| s.round.map(|r| r.to_string());
    // Plain text in the header.
    for (path, s) in both("period-header") {
        assert_eq!(round(&s).as_deref(), Some("2022-VB"), "{}", path.display());
    }
    // A control in the header named as the period, its answer naming another round.
    for (path, s) in both("period-control") {
        assert_eq!(round(&s).as_deref(), Some("2022-T1"), "{}", path.display());
        assert!(
            !s.warnings
                .iter()
                .any(|w| w.code.as_str() == "round-unresolved"),
            "{}",
            path.display()
        );
    }
    // --round still wins; the file name says nothing here.
    let path = root().join("fixtures/period-control.docx");
    let doc = blankett::read_path(&path).unwrap();
    let s = blankett::map(
        &doc,
        &Questionnaire::builtin(),
        &Registry::builtin(),
        &Options {
            round: Some("2022-T2"),
            path: Some(&path),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(round(&s).as_deref(), Some("2022-T2"));
}
