//! `blankett template`: the generated template read back with blankett's own reader, filled in
//! as a respondent would, and opened in LibreOffice when it is installed.

use std::collections::HashMap;

use blankett::Questionnaire;
use blankett::{ControlType, Document, FlowItem, Status};
use blankett::{DEFAULT_PLACEHOLDER, TemplateError, write_template};
use blankett::{RoundId, TemplateOptions, write_template_with};

/// A control the template should hold: tag, title, placeholder text and the text right before
/// it (the field's label or the question).
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    tag: String,
    alias: String,
    placeholder: String,
    before: String,
}

/// The controls of a variant in template order: the fields, then the questions by focus area
/// (in the questionnaire's order of areas), then the questions without an area.
fn expected(q: &Questionnaire, variant: &str) -> Vec<Expected> {
    let mut out: Vec<Expected> = q
        .fields_of(variant)
        .map(|f| Expected {
            tag: f.tag().to_owned(),
            alias: f.alias.clone(),
            placeholder: f
                .placeholder
                .clone()
                .unwrap_or_else(|| DEFAULT_PLACEHOLDER.to_owned()),
            before: f.label.clone(),
        })
        .collect();
    let question = |x: &blankett::Question| Expected {
        tag: x.tag().to_owned(),
        alias: x.alias.clone(),
        placeholder: DEFAULT_PLACEHOLDER.to_owned(),
        before: x.text.clone(),
    };
    for area in &q.areas {
        out.extend(
            q.questions_of(variant)
                .filter(|x| x.area == Some(area.number))
                .map(question),
        );
    }
    out.extend(
        q.questions_of(variant)
            .filter(|x| x.area.is_none())
            .map(question),
    );
    out
}

/// The focus-area headings a variant's template should hold, in order.
fn expected_headings(q: &Questionnaire, variant: &str) -> Vec<String> {
    q.areas
        .iter()
        .filter(|a| q.questions_of(variant).any(|x| x.area == Some(a.number)))
        .map(|a| format!("{}. {}", a.number, a.title))
        .collect()
}

fn read(bytes: Vec<u8>, name: &str) -> Document {
    blankett::read_bytes(bytes, Some(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// The text of a paragraph of the flow, and its heading level.
fn paragraph(doc: &Document, at: usize) -> Option<(&str, Option<u8>)> {
    match doc.flow.get(at)? {
        FlowItem::Paragraph {
            text,
            heading_level,
            ..
        } => Some((text.as_str(), *heading_level)),
        FlowItem::Control { .. } => None,
    }
}

/// The headings of the flow: (text, level).
fn headings(doc: &Document) -> Vec<(String, u8)> {
    (0..doc.flow.len())
        .filter_map(|i| paragraph(doc, i))
        .filter_map(|(t, level)| Some((t.to_owned(), level?)))
        .collect()
}

/// A questionnaire with a second variant whose questions, fields, titles and template text
/// take the paths the city's own questionnaire does not: titles with XML's special characters,
/// focus area 4 listed before area 2, a field of one variant only, variant template text.
fn awkward() -> Questionnaire {
    let mut q = Questionnaire::builtin();
    let mut json = serde_json::to_value(&q).unwrap();
    json["variants"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": "facknamnd",
            "title": "Facknämnderna",
            "kinds": ["facknamnd"],
            "templateText": ["Facknämndernas frågor", "Svara för hela nämnden."]
        }));
    q = serde_json::from_value(json).unwrap();
    let area4 = q.areas.iter().position(|a| a.number == 4).unwrap();
    let a4 = q.areas.remove(area4);
    q.areas.insert(1, a4);
    let mut field = q.fields[0].clone();
    field.id = "bolag".into();
    field.label = "Bolag & förvaltning".into();
    field.alias = "Bolag <förvaltning>".into();
    field.placeholder = Some("Ange \"bolaget\" här".into());
    field.variants = vec!["facknamnd".into()];
    q.fields.push(field);
    let mut add = |id: &str, area: Option<u8>, text: &str, alias: &str| {
        let mut x = q.questions[0].clone();
        x.id = id.into();
        x.area = area;
        x.text = text.into();
        x.alias = alias.into();
        x.tag = None;
        x.variants = vec!["facknamnd".into()];
        q.questions.push(x);
    };
    add(
        "kompetens",
        Some(4),
        "Hur arbetar nämnden med kompetensförsörjning & \"matchning\"?",
        "Kompetens & matchning",
    );
    add(
        "service",
        Some(2),
        "Hur förbättrar nämnden sin service <till företag>?",
        "Service 'till företag'",
    );
    assert!(q.check().is_empty(), "{:?}", q.check());
    q
}

fn questionnaires() -> Vec<(&'static str, Questionnaire)> {
    vec![
        ("built-in", Questionnaire::builtin()),
        ("awkward", awkward()),
    ]
}

#[test]
fn every_variant_reads_back_as_one_tagged_placeholder_control_per_field_and_question() {
    for (name, q) in questionnaires() {
        for v in &q.variants {
            let doc = read(write_template(&q, &v.id).unwrap(), "template.docx");
            let want = expected(&q, &v.id);
            let got: Vec<(Option<&str>, Option<&str>)> = doc
                .controls
                .iter()
                .map(|c| (c.tag.as_deref(), c.alias.as_deref()))
                .collect();
            let wanted: Vec<(Option<&str>, Option<&str>)> = want
                .iter()
                .map(|e| (Some(e.tag.as_str()), Some(e.alias.as_str())))
                .collect();
            assert_eq!(got, wanted, "{name} {}", v.id);
            for (c, e) in doc.controls.iter().zip(&want) {
                let at = format!("{name} {}: control {}", v.id, e.tag);
                assert_eq!(c.status, Status::Placeholder, "{at}");
                assert!(c.showing_placeholder, "{at}");
                assert_eq!(c.control_type, ControlType::RichText, "{at}");
                assert_eq!(c.parent, None, "{at}");
                assert_eq!(c.text, e.placeholder, "{at}");
                assert_eq!(
                    c.placeholder_text.as_deref(),
                    Some(e.placeholder.as_str()),
                    "{at}"
                );
                assert!(c.placeholder_doc_part.is_some(), "{at}");
                assert_eq!(c.lock.as_deref(), Some("sdtLocked"), "{at}");
            }
            let ids: std::collections::HashSet<_> = doc.controls.iter().map(|c| c.id).collect();
            assert_eq!(ids.len(), doc.controls.len(), "{name} {}: ids unique", v.id);
            assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        }
    }
}

#[test]
fn each_control_follows_its_question_or_label_and_the_areas_have_headings() {
    for (name, q) in questionnaires() {
        for v in &q.variants {
            let doc = read(write_template(&q, &v.id).unwrap(), "template.docx");
            let at = format!("{name} {}", v.id);
            for (c, e) in doc.controls.iter().zip(expected(&q, &v.id)) {
                let flow = c.flow_index.expect("a body control stands in the flow");
                assert!(
                    matches!(doc.flow[flow], FlowItem::Control { control, .. } if control == c.index)
                );
                let before = flow.checked_sub(1).and_then(|i| paragraph(&doc, i));
                assert_eq!(
                    before.map(|(t, _)| t),
                    Some(e.before.as_str()),
                    "{at}: before {}",
                    e.tag
                );
            }
            // The area headings, in order, at one heading level, and nothing else at it
            // except the headings of questions without an area.
            let all = headings(&doc);
            let areas: Vec<(String, u8)> = all
                .iter()
                .filter(|(t, _)| {
                    q.areas
                        .iter()
                        .any(|a| t == &format!("{}. {}", a.number, a.title))
                })
                .cloned()
                .collect();
            let titles: Vec<&String> = areas.iter().map(|(t, _)| t).collect();
            assert_eq!(
                titles,
                expected_headings(&q, &v.id).iter().collect::<Vec<_>>(),
                "{at}"
            );
            let level = areas[0].1;
            assert!(areas.iter().all(|(_, l)| *l == level), "{at}: {areas:?}");
            for x in q.questions_of(&v.id).filter(|x| x.area.is_none()) {
                assert!(all.contains(&(x.text.clone(), level)), "{at}: {all:?}");
            }
            // Each question stands after its area's heading and before the next one.
            let heading_at = |title: &str| {
                (0..doc.flow.len()).find(|i| paragraph(&doc, *i).is_some_and(|(t, _)| t == title))
            };
            for x in q.questions_of(&v.id) {
                let control = doc
                    .controls
                    .iter()
                    .find(|c| c.tag.as_deref() == Some(x.tag()))
                    .unwrap();
                let flow = control.flow_index.unwrap();
                let last_heading = (0..flow)
                    .rev()
                    .find_map(|i| paragraph(&doc, i).filter(|(_, l)| *l == Some(level)))
                    .map(|(t, _)| t.to_owned());
                let want = match x.area {
                    Some(n) => {
                        let a = q.area(n).unwrap();
                        format!("{}. {}", a.number, a.title)
                    }
                    None => x.text.clone(),
                };
                assert_eq!(last_heading, Some(want.clone()), "{at}: {}", x.id);
                assert!(heading_at(&want).is_some());
            }
        }
    }
}

#[test]
fn the_district_template_is_laid_out_as_the_citys_form() {
    let q = Questionnaire::builtin();
    let doc = read(write_template(&q, "stadsdelsnamnd").unwrap(), "t.docx");
    let FlowItem::Paragraph { text, style, .. } = &doc.flow[0] else {
        panic!("the title first")
    };
    assert_eq!(text, "Uppföljningsrapport näringsliv");
    assert_eq!(style.as_deref(), Some("Title"));
    // The intro stands between the title and the header table; the capitals title of the
    // template text is not written twice.
    assert!(
        paragraph(&doc, 1)
            .unwrap()
            .0
            .starts_with("För att nå resultat")
    );
    assert!(!doc.text().contains("UPPFÖLJNINGSRAPPORT NÄRINGSLIV"));
    // Field controls stand in the header table's second column, each beside its label.
    for c in &doc.controls[..5] {
        let FlowItem::Control {
            cell: Some(cell), ..
        } = doc.flow[c.flow_index.unwrap()]
        else {
            panic!("{:?} is not in a table cell", c.tag)
        };
        assert_eq!((cell.table, cell.column), (0, 1));
        assert!(c.in_table);
    }
    assert_eq!(
        headings(&doc),
        [
            // Without a round there is no deadline: the return instructions' own heading.
            ("Inlämning", 1),
            (
                "Uppföljning av direktiv och aktiviteter med näringslivskoppling i budget 2022",
                1
            ),
            ("Beskrivning (mål och syfte)", 2),
            ("1. Stimulera tillväxt och företagsamhet", 2),
            (
                "2. Förbättra service, tillgänglighet och myndighetsutövning",
                2
            ),
            ("3. Attraktivare miljöer och en bättre framkomlighet", 2),
            ("Övriga upplysningar", 2),
        ]
        .map(|(t, l)| (t.to_owned(), l))
    );
    let styles: Vec<Option<&str>> = doc
        .flow
        .iter()
        .filter_map(|f| match f {
            FlowItem::Paragraph {
                style,
                heading_level: Some(_),
                ..
            } => Some(style.as_deref()),
            _ => None,
        })
        .collect();
    assert_eq!(styles[..2], [Some("heading 1"), Some("heading 1")]);
    assert!(styles[2..].iter().all(|s| *s == Some("heading 2")));
}

#[test]
fn the_template_package_holds_the_glossary_its_relationship_and_content_type() {
    let docx = write_template(&Questionnaire::builtin(), "stadsdelsnamnd").unwrap();
    let rels = crate::common::part(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains(
        r#"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/glossaryDocument" Target="glossary/document.xml""#
    ));
    let types = crate::common::part(&docx, "[Content_Types].xml");
    assert!(types.contains(
        r#"<Override PartName="/word/glossary/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml"/>"#
    ));
    let glossary = crate::common::part(&docx, "word/glossary/document.xml");
    // Word's default, the committee field's and the period field's.
    assert_eq!(glossary.matches("<w:docPart>").count(), 3);
    assert!(glossary.contains("<w:t>Klicka här för att ange text.</w:t>"));
    assert!(glossary.contains("<w:t>Skriv nämndens namn.</w:t>"));
    assert!(glossary.contains("<w:t>Ange uppföljningsperiod.</w:t>"));
    let names: Vec<String> = crate::common::parts(&docx)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names[0], "[Content_Types].xml");
    // Every run showing a placeholder has the Placeholder Text character style.
    let document = crate::common::part(&docx, "word/document.xml");
    assert_eq!(
        document
            .matches(r#"<w:rStyle w:val="PlaceholderText" />"#)
            .count(),
        14
    );
    let styles = crate::common::part(&docx, "word/styles.xml");
    for name in ["heading 1", "heading 2", "Title", "Placeholder Text"] {
        assert!(
            styles.contains(&format!(r#"<w:name w:val="{name}" />"#)),
            "{name}"
        );
    }
}

#[test]
fn an_unknown_variant_is_an_error_naming_the_variants() {
    let err = write_template(&awkward(), "bolag").unwrap_err();
    assert!(matches!(
        &err,
        TemplateError::UnknownVariant { variant, available, .. }
            if variant == "bolag" && available == &["stadsdelsnamnd", "facknamnd"]
    ));
    assert_eq!(
        err.to_string(),
        "questionnaire naringsliv-uppfoljning has no variant bolag; the variants are: stadsdelsnamnd, facknamnd"
    );
}

#[test]
fn the_same_questionnaire_and_variant_give_the_same_bytes() {
    for (_, q) in questionnaires() {
        for v in &q.variants {
            let a = write_template(&q, &v.id).unwrap();
            let b = write_template(&q, &v.id).unwrap();
            assert!(a == b, "{} differs from call to call", v.id);
            // And from thread to thread: docx-rs counts paragraph ids per thread.
            let (q2, id) = (q.clone(), v.id.clone());
            let c = std::thread::spawn(move || write_template(&q2, &id).unwrap())
                .join()
                .unwrap();
            assert!(a == c, "{} differs from thread to thread", v.id);
        }
    }
}

/// The built-in questionnaire with a deadline for 2022-T1, as the city office would give it
/// (the questionnaire as shipped names none: the dates are the city's to set).
fn with_deadline() -> Questionnaire {
    let mut q = Questionnaire::builtin();
    assert!(
        q.deadlines.is_empty(),
        "the shipped questionnaire invents no deadline"
    );
    q.deadlines = serde_json::from_value(serde_json::json!([
        {"round": "2022-T1", "date": "2022-05-06"}
    ]))
    .unwrap();
    q
}

/// The options of a template for `round`, with `deadline` when given.
fn for_round(round: &str, deadline: Option<&str>) -> TemplateOptions {
    let mut opts = TemplateOptions::default();
    opts.round = Some(round.parse::<RoundId>().unwrap());
    opts.deadline = deadline.map(str::to_owned);
    opts
}

#[test]
fn a_template_for_a_round_holds_the_round_locked_and_its_deadline() {
    let q = with_deadline();
    let docx = write_template_with(&q, "stadsdelsnamnd", &for_round("2022-T1", None)).unwrap();
    let doc = read(docx.clone(), "mall.docx");
    let period = doc
        .controls
        .iter()
        .find(|c| c.tag.as_deref() == Some("period"))
        .unwrap();
    assert_eq!(period.status, Status::Answered);
    assert_eq!(period.text, "Tertialrapport 1 2022 (per 30 april)");
    assert!(!period.showing_placeholder);
    assert_eq!(period.lock.as_deref(), Some("sdtContentLocked"));
    // Every other control still shows its placeholder.
    assert!(
        doc.controls
            .iter()
            .filter(|c| c.index != period.index)
            .all(|c| c.status == Status::Placeholder)
    );
    // The deadline heads the return instructions, from the questionnaire.
    let all = headings(&doc);
    assert_eq!(all[0], ("Svara senast fredag 6 maj 2022".to_owned(), 1));
    let text = doc.text();
    assert!(text.contains(&q.return_instructions[0]), "{text}");
    assert!(text.contains("Svara senast fredag 6 maj 2022\nSkriv svaren i fälten"));

    // --deadline overrides the questionnaire's; a round it has none for gets the plain heading.
    let heading = |opts: &TemplateOptions| {
        let doc = read(
            write_template_with(&q, "stadsdelsnamnd", opts).unwrap(),
            "t.docx",
        );
        headings(&doc)[0].0.clone()
    };
    assert_eq!(
        heading(&for_round("2022-T1", Some("2022-05-13"))),
        "Svara senast fredag 13 maj 2022"
    );
    assert_eq!(heading(&for_round("2023-T1", None)), "Inlämning");
    assert!(matches!(
        write_template_with(&q, "stadsdelsnamnd", &for_round("2022-T1", Some("2022-02-30"))),
        Err(TemplateError::Deadline(d)) if d == "2022-02-30"
    ));
}

#[test]
fn questions_stand_apart_from_the_answer_before_them() {
    let docx = write_template(&Questionnaire::builtin(), "stadsdelsnamnd").unwrap();
    let document = crate::common::part(&docx, "word/document.xml");
    // Every question that follows an answer in its area has room above it (the first stands
    // close to its area's heading; the questions without an area are headings, whose style has
    // room above), and every paragraph room after it.
    let q = Questionnaire::builtin();
    let in_areas: Vec<u8> = q
        .questions_of("stadsdelsnamnd")
        .filter_map(|x| x.area)
        .collect();
    let mut areas = in_areas.clone();
    areas.dedup();
    assert_eq!(
        document.matches(r#"<w:spacing w:before="360" />"#).count(),
        in_areas.len() - areas.len(),
        "{document}"
    );
    let styles = crate::common::part(&docx, "word/styles.xml");
    assert!(
        styles.contains(r#"<w:spacing w:after="120" />"#),
        "{styles}"
    );
    assert!(
        styles.contains(r#"<w:spacing w:before="240" w:after="120" />"#),
        "{styles}"
    );
}

#[test]
fn a_template_for_a_round_saved_again_by_libreoffice_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mall.docx");
    let q = with_deadline();
    let opts = for_round("2022-T1", None);
    std::fs::write(
        &file,
        write_template_with(&q, "stadsdelsnamnd", &opts).unwrap(),
    )
    .unwrap();
    let again = dir.path().join("again");
    if !crate::common::soffice(&file, "docx:MS Word 2007 XML", &again) {
        return;
    }
    let doc = read(std::fs::read(again.join("mall.docx")).unwrap(), "mall.docx");
    let headings = headings(&doc);
    assert_eq!(
        headings[0],
        ("Svara senast fredag 6 maj 2022".to_owned(), 1)
    );
    let registry = blankett::Registry::builtin();
    let s = blankett::map(&doc, &q, &registry, &blankett::MapOptions::default()).unwrap();
    // The round from the period field; the deadline and the instructions are no answer.
    assert_eq!(s.round.map(|r| r.to_string()).as_deref(), Some("2022-T1"));
    assert!(s.unmapped.is_empty(), "{:?}", s.unmapped);
    assert!(
        s.answers
            .iter()
            .all(|a| a.status == blankett::AnswerStatus::Unanswered),
        "{:?}",
        s.answers
    );
}

#[test]
fn the_template_opens_in_libreoffice() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mall.docx");
    let q = Questionnaire::builtin();
    std::fs::write(&file, write_template(&q, "stadsdelsnamnd").unwrap()).unwrap();
    if !crate::common::soffice(&file, "pdf", dir.path()) {
        return;
    }
    let pdf = std::fs::read(dir.path().join("mall.pdf")).expect("soffice wrote a PDF");
    assert!(pdf.starts_with(b"%PDF") && pdf.len() > 1000);

    // Saved again by LibreOffice, the form still reads: the same controls by title, the
    // placeholders known by their glossary text, the headings kept.
    let again = dir.path().join("again");
    assert!(crate::common::soffice(
        &file,
        "docx:MS Word 2007 XML",
        &again
    ));
    let doc = read(
        std::fs::read(again.join("mall.docx")).unwrap(),
        "again.docx",
    );
    let aliases: Vec<Option<&str>> = doc.controls.iter().map(|c| c.alias.as_deref()).collect();
    let want = expected(&q, "stadsdelsnamnd");
    assert_eq!(
        aliases,
        want.iter()
            .map(|e| Some(e.alias.as_str()))
            .collect::<Vec<_>>()
    );
    for (c, e) in doc.controls.iter().zip(&want) {
        assert_eq!(c.status, Status::Placeholder, "{}", e.tag);
        assert_eq!(c.text, e.placeholder, "{}", e.tag);
    }
    let levels: Vec<(String, u8)> = headings(&doc);
    assert!(levels.contains(&("1. Stimulera tillväxt och företagsamhet".to_owned(), 2)));
}

#[test]
fn every_control_filled_in_reads_back_answered_with_its_text() {
    for (name, q) in questionnaires() {
        for v in &q.variants {
            let template = write_template(&q, &v.id).unwrap();
            let mut answers: HashMap<String, Vec<String>> = HashMap::new();
            for (i, e) in expected(&q, &v.id).iter().enumerate() {
                let paragraphs = if i.is_multiple_of(2) {
                    vec![format!("Svar på {} & <{}>", e.alias, e.tag)]
                } else {
                    vec![
                        format!("Första stycket om \"{}\".", e.alias),
                        "Andra stycket, med 'citat'.".to_owned(),
                        format!("Tredje: {}", e.tag),
                    ]
                };
                answers.insert(e.tag.clone(), paragraphs);
            }
            let filled = crate::common::fill_controls(&template, &answers);
            let doc = read(filled, "ifylld.docx");
            assert_eq!(doc.controls.len(), answers.len(), "{name} {}", v.id);
            for c in &doc.controls {
                let tag = c.tag.as_deref().unwrap();
                let at = format!("{name} {}: {tag}", v.id);
                assert_eq!(c.status, Status::Answered, "{at}");
                assert!(!c.showing_placeholder, "{at}");
                assert_eq!(c.placeholder_signal, None, "{at}");
                assert_eq!(c.text, answers[tag].join("\n"), "{at}");
            }
        }
    }
}

#[test]
fn filling_leaves_controls_without_an_answer_as_they_were() {
    let q = Questionnaire::builtin();
    let template = write_template(&q, "stadsdelsnamnd").unwrap();
    let answers = HashMap::from([("telefon".to_owned(), vec!["08-508 100 51".to_owned()])]);
    let doc = read(crate::common::fill_controls(&template, &answers), "t.docx");
    for c in &doc.controls {
        if c.tag.as_deref() == Some("telefon") {
            assert_eq!(
                (c.status, c.text.as_str()),
                (Status::Answered, "08-508 100 51")
            );
        } else {
            assert_eq!(c.status, Status::Placeholder, "{:?}", c.tag);
            assert!(c.showing_placeholder);
        }
    }
}

#[test]
fn filling_writes_inline_and_cell_level_controls_in_their_own_shape() {
    // The template's package with a body of an inline control in a paragraph and a control
    // wrapping a table cell.
    let template = write_template(&Questionnaire::builtin(), "stadsdelsnamnd").unwrap();
    let placeholder = |tag: &str| {
        format!(
            r#"<w:sdtPr><w:alias w:val="{tag}"/><w:tag w:val="{tag}"/><w:showingPlcHdr/></w:sdtPr>"#
        )
    };
    let run = r#"<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>Klicka här för att ange text.</w:t></w:r>"#;
    let body = format!(
        r#"<w:p><w:r><w:t xml:space="preserve">Nämnd: </w:t></w:r><w:sdt>{}<w:sdtContent>{run}</w:sdtContent></w:sdt></w:p><w:tbl><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="6000"/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>Telefon</w:t></w:r></w:p></w:tc><w:sdt>{}<w:sdtContent><w:tc><w:tcPr><w:tcW w:w="6000" w:type="dxa"/></w:tcPr><w:p>{run}</w:p></w:tc></w:sdtContent></w:sdt></w:tr></w:tbl><w:p/>"#,
        placeholder("inline"),
        placeholder("cell"),
    );
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut parts = crate::common::parts(&template);
    for (name, bytes) in parts.iter_mut() {
        if name == "word/document.xml" {
            *bytes = document.clone().into_bytes();
        }
    }
    let package = crate::common::zip_parts(&parts);
    let before = read(package.clone(), "shapes.docx");
    assert!(
        before
            .controls
            .iter()
            .all(|c| c.status == Status::Placeholder)
    );

    let answers = HashMap::from([
        (
            "inline".to_owned(),
            vec!["Östermalms".to_owned(), "stadsdelsnämnd".to_owned()],
        ),
        ("cell".to_owned(), vec!["08-508 100 51".to_owned()]),
    ]);
    let filled = crate::common::fill_controls(&package, &answers);
    let xml = crate::common::part(&filled, "word/document.xml");
    assert!(xml.contains(r#"<w:tcPr><w:tcW w:w="6000" w:type="dxa"/></w:tcPr><w:p><w:r>"#));
    assert!(!xml.contains("showingPlcHdr"));
    let doc = read(filled, "shapes.docx");
    let got: Vec<(Option<&str>, Status, &str)> = doc
        .controls
        .iter()
        .map(|c| (c.tag.as_deref(), c.status, c.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Some("inline"),
                Status::Answered,
                "Östermalms\nstadsdelsnämnd"
            ),
            (Some("cell"), Status::Answered, "08-508 100 51"),
        ]
    );
}
