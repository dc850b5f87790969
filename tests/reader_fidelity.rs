//! What the reader gives on the shapes edited forms come back in: controls that lost their
//! placeholder marks, controls removed or moved with tracked changes, data bindings of Office
//! 2007 templates and of picture controls, text boxes in Strict files. Each shape is read as
//! Word writes it (`fixtures/`) and as LibreOffice 7.4 saves it again
//! (`fixtures/libreoffice/`), and the marks on copies of real files (`../shared/corpus`).

use std::path::Path;

use blankett::{ControlType, Document, FlowItem, Status};

use crate::common::{parts, zip_parts};
use crate::corpus::{corpus, say};

fn read(path: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    blankett::read_path(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn texts(doc: &Document) -> Vec<(&str, Status)> {
    doc.controls
        .iter()
        .map(|c| (c.text.as_str(), c.status))
        .collect()
}

fn flow_texts(doc: &Document) -> Vec<&str> {
    doc.flow
        .iter()
        .filter_map(|f| match f {
            FlowItem::Paragraph { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn warned(doc: &Document, code: &str) -> Vec<Option<usize>> {
    doc.warnings
        .iter()
        .filter(|w| w.code.as_str() == code)
        .map(|w| w.control)
        .collect()
}

/// No answered control holds the text of a placeholder nested in it.
fn assert_no_placeholder_in_an_answer(doc: &Document) {
    for c in doc
        .controls
        .iter()
        .filter(|c| c.status == Status::Placeholder)
    {
        let mut parent = c.parent;
        while let Some(p) = parent {
            let outer = &doc.controls[p];
            assert!(
                !outer.text.contains(&c.text),
                "control {} holds the placeholder of control {}: {:?}",
                p,
                c.index,
                outer.text
            );
            parent = outer.parent;
        }
    }
}

#[test]
fn nested_placeholders_without_their_marks_stay_out_of_the_answers_around_them() {
    let doc = read("fixtures/nested-placeholders.docx");
    assert!(doc.controls.iter().all(|c| !c.showing_placeholder));
    assert_eq!(
        texts(&doc),
        [
            (
                "Kontaktperson:\nTelefon: 08-508 100 51\nE-post:",
                Status::Answered
            ),
            ("[Namn]", Status::Placeholder),
            ("08-508 100 51", Status::Answered),
            (
                "Klicka eller tryck här för att ange text.",
                Status::Placeholder
            ),
            ("", Status::Empty),
            ("[Period från – till]", Status::Placeholder),
            ("[Insats]", Status::Placeholder),
            ("[Plats]", Status::Placeholder),
            (
                "Samverkan sker genom och följs upp i tertialrapport 2.",
                Status::Answered
            ),
            ("Välj ett objekt.", Status::Placeholder),
        ]
    );
    assert_no_placeholder_in_an_answer(&doc);
}

/// LibreOffice keeps no control inside another: the outer controls end before the inner ones
/// (or vanish, the respondent's text before an inner one with them); the placeholders are
/// still found by their glossary or default text.
#[test]
fn nested_placeholders_saved_by_libreoffice_are_still_placeholders() {
    let doc = read("fixtures/libreoffice/nested-placeholders.docx");
    assert!(doc.controls.iter().all(|c| c.parent.is_none()));
    assert_eq!(
        texts(&doc),
        [
            ("Kontaktperson:", Status::Answered),
            ("[Namn]", Status::Placeholder),
            ("08-508 100 51", Status::Answered),
            (
                "Klicka eller tryck här för att ange text.",
                Status::Placeholder
            ),
            ("[Period från – till]", Status::Placeholder),
            ("[Insats]", Status::Placeholder),
            ("[Plats]", Status::Placeholder),
            ("Välj ett objekt.", Status::Placeholder),
        ]
    );
}

/// `docx` with every `w:showingPlcHdr` taken out of its stories, as LibreOffice leaves them.
fn without_placeholder_marks(docx: &[u8]) -> Vec<u8> {
    let mark = regex::bytes::Regex::new(r"<w:showingPlcHdr(\s[^>]*)?/>").unwrap();
    let parts: Vec<(String, Vec<u8>)> = parts(docx)
        .into_iter()
        .map(|(name, bytes)| {
            let story = name.starts_with("word/") && !name.contains("glossary");
            let bytes = match story {
                true => mark.replace_all(&bytes, &b""[..]).into_owned(),
                false => bytes,
            };
            (name, bytes)
        })
        .collect();
    zip_parts(&parts)
}

/// Real forms whose nested controls show their placeholders (a résumé template with
/// "[Dates From - To]" and "[Company]" inside one answer; "Choose an item." inside three):
/// with the marks taken out, every control not marked itself reads as it did with them.
#[test]
fn real_forms_without_their_placeholder_marks_read_as_with_them() {
    let Some(dir) = corpus() else {
        say("skipped: no ../shared/corpus (set BLANKETT_CORPUS)");
        return;
    };
    for name in ["poi/60316.docx", "poi/tika-3816.docx"] {
        let bytes = std::fs::read(dir.join("files").join(name)).unwrap();
        let marked = blankett::read_bytes(bytes.clone(), Some(name)).unwrap();
        let unmarked = blankett::read_bytes(without_placeholder_marks(&bytes), Some(name)).unwrap();
        assert!(marked.controls.iter().any(|c| c.showing_placeholder));
        assert!(unmarked.controls.iter().all(|c| !c.showing_placeholder));
        assert_eq!(marked.controls.len(), unmarked.controls.len(), "{name}");
        for (m, u) in marked.controls.iter().zip(&unmarked.controls) {
            if !m.showing_placeholder {
                assert_eq!(m.text, u.text, "{name}: control {}", m.index);
            }
        }
        assert_no_placeholder_in_an_answer(&unmarked);
    }
}

/// Word's markup for a control removed (`w:customXmlDelRange…`) or moved
/// (`w:customXmlMoveFromRange…`) with tracked changes: accepted, the removed control is gone,
/// its kept text stands outside controls and its deleted text nowhere; the moved control is
/// read once, where it was moved to.
#[test]
fn controls_removed_or_moved_with_tracked_changes_are_read_as_accepted() {
    let doc = read("fixtures/tracked-changes.docx");
    let tags: Vec<&str> = doc
        .controls
        .iter()
        .filter_map(|c| c.tag.as_deref())
        .collect();
    assert_eq!(tags, ["verksamhetsomraden", "sbr-samverkan"]);
    assert_eq!(
        doc.controls[1].text,
        "Samverkan sker genom företagsdialog med Stockholm Business Region AB."
    );
    let flow = flow_texts(&doc);
    assert!(flow.contains(&"Kontaktperson: Helena Näslund"), "{flow:?}");
    assert!(flow.contains(&"Övriga upplysningar"), "{flow:?}");
    let everything = format!("{flow:?}");
    assert!(!everything.contains("Nämnden har inga övriga upplysningar"));
    assert!(!everything.contains("Samverkan sker genom"));
    assert_eq!(warned(&doc, "tracked-changes").len(), 1);
}

/// LibreOffice keeps none of the range marks, nor the tracked changes inside a control: every
/// control is back, with the text that was deleted (nothing in the file says it was).
#[test]
fn controls_removed_with_tracked_changes_come_back_when_libreoffice_saves_them() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/libreoffice/tracked-changes.docx");
    let document = crate::common::part(&std::fs::read(&path).unwrap(), "word/document.xml");
    assert!(!document.contains("customXml"));
    let doc = read("fixtures/libreoffice/tracked-changes.docx");
    let aliases: Vec<&str> = doc
        .controls
        .iter()
        .filter_map(|c| c.alias.as_deref())
        .collect();
    assert_eq!(
        aliases,
        [
            "Verksamhetsområden",
            "Samverkan SBR",
            "Samverkan SBR",
            "Kontaktperson",
            "Övriga upplysningar"
        ]
    );
    assert_eq!(
        doc.controls[4].text,
        "Nämnden har inga övriga upplysningar."
    );
}

/// Office 2007 templates bind to `//Telefon`; a picture control is bound to its image.
#[test]
fn bindings_anywhere_in_the_store_are_checked_and_images_never_are() {
    let doc = read("fixtures/data-binding.docx");
    let bound = |i: usize| doc.controls[i].data_binding.as_ref().unwrap();
    assert_eq!(bound(3).xpath, "//Telefon");
    assert_eq!(bound(3).value.as_deref(), Some("08-508 100 51"));
    assert_eq!(bound(3).matches_text, Some(true));
    assert_eq!(
        bound(4).value.as_deref(),
        Some("helena.naslund@stockholm.se")
    );
    assert_eq!(bound(4).matches_text, Some(false));
    assert_eq!(doc.controls[5].control_type, ControlType::Picture);
    assert_eq!(
        (bound(5).value.as_deref(), bound(5).matches_text),
        (None, None)
    );
    assert_eq!(warned(&doc, "binding-mismatch"), [Some(2), Some(4)]);
}

/// LibreOffice keeps the bindings and the stores, writes the bound data over the visible text,
/// and drops `w:picture`: the picture control is a rich-text control showing only the image.
#[test]
fn bindings_saved_by_libreoffice_show_their_data_and_the_image_raises_nothing() {
    let doc = read("fixtures/libreoffice/data-binding.docx");
    let bound = |i: usize| doc.controls[i].data_binding.as_ref().unwrap();
    assert_eq!(bound(3).matches_text, Some(true));
    assert_eq!(doc.controls[4].text, "helena.naslund@stockholm.se");
    assert_eq!(doc.controls[5].control_type, ControlType::RichText);
    assert_eq!(bound(5).value, None);
    assert!(
        warned(&doc, "binding-mismatch").is_empty(),
        "{:?}",
        doc.warnings
    );
}

/// Word writes a Strict file's text box as DrawingML only, its content in `wne:txbxContent`.
#[test]
fn a_text_box_in_a_strict_file_is_a_text_box() {
    let doc = read("fixtures/strict.docx");
    assert!(doc.source.strict);
    let c = &doc.controls[3];
    assert_eq!(c.tag.as_deref(), Some("kontaktperson"));
    assert!(c.in_text_box);
    assert_eq!(c.text, "Helena Näslund");
    let boxed: Vec<&str> = doc
        .flow
        .iter()
        .filter_map(|f| match f {
            FlowItem::Paragraph {
                text, in_text_box, ..
            } if *in_text_box => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(boxed, ["Kontaktuppgifter"]);
}

/// LibreOffice reads a Strict file but not its DrawingML text boxes: the box and its text are
/// gone from the copy it saves.
#[test]
fn a_strict_text_box_is_lost_when_libreoffice_saves_the_file() {
    let doc = read("fixtures/libreoffice/strict.docx");
    assert!(!doc.source.strict);
    assert!(doc.controls.iter().all(|c| !c.in_text_box));
    assert!(
        doc.controls
            .iter()
            .all(|c| !c.text.contains("Helena Näslund"))
    );
    assert!(!flow_texts(&doc).contains(&"Kontaktuppgifter"));
}
