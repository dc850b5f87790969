//! The exports of a consolidated round, made from real forms: the district form Östermalm
//! returned (`examples/forms/ostermalm-2022-T1.docx`); the same form as Kungsholmen fills it in
//! (its committee, contact and two answers of its own, written into the controls as Word does);
//! and the Östermalm form whose controls were deleted, sent by Södermalm. Round 2022-T1 expects
//! the 13 district committees, so 10 are missing.
//!
//! Each export is read back with an independent reader (csv, calamine, the project's own Word
//! reader) and checked against the round: every respondent and question, every status, every
//! answer text; no contact details when the round is redacted; the same bytes every time.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use blankett::MapOptions as Options;
use blankett::Submission;
use blankett::{Cell, Round};
use blankett::{ExportOptions, Format};
use blankett::{Questionnaire, Registry};
use calamine::{Data, Reader, Xlsx};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Kungsholmen's own answers, with characters Markdown and CSV must take care of.
const KUNGSHOLMEN_SAMVERKAN: [&str; 2] = [
    "Kungsholmen samverkar med företagarna kring Fridhemsplan | 3 nätverksträffar, *varje* månad; \"Kungsholmsdagen\" i juni.",
    "# 12 företag_besök <planerade> – se [bilaga]",
];
const KUNGSHOLMEN_OVRIGT: &str =
    "1. Nämnden återkommer i T2 med en uppföljning av Växla upp Stockholm.";

/// The contact details in the forms, as written and normalized.
const CONTACT_DETAILS: [&str; 9] = [
    "Helena Näslund",
    "08-508 100 51",
    "+46 8 508 100 51",
    "helena.naslund@stockholm.se",
    "Helena.naslund@stockholm.se",
    "Karl Kungsholm",
    "08-508 080 00",
    "+46 8 508 080 00",
    "karl.kungsholm@stockholm.se",
];

fn map(bytes: Vec<u8>, name: &str, respondent: &str) -> Submission {
    let doc = blankett::read_bytes(bytes, Some(name)).unwrap_or_else(|e| panic!("{e}"));
    let opts = Options {
        respondent: Some(respondent),
        round: Some("2022-T1"),
        ..Options::default()
    };
    blankett::map(&doc, &Questionnaire::builtin(), &Registry::builtin(), &opts).unwrap()
}

pub(crate) fn submissions() -> Vec<Submission> {
    let ostermalm = std::fs::read(root().join("examples/forms/ostermalm-2022-T1.docx")).unwrap();
    let filled: HashMap<String, Vec<String>> = [
        ("namnd", vec!["Kungsholmens stadsdelsnämnd"]),
        ("kontaktperson", vec!["Karl Kungsholm"]),
        ("telefon", vec!["08-508 080 00"]),
        ("epost", vec!["karl.kungsholm@stockholm.se"]),
        (
            "samverkan-lokalt-naringsliv",
            KUNGSHOLMEN_SAMVERKAN.to_vec(),
        ),
        ("ovriga-upplysningar", vec![KUNGSHOLMEN_OVRIGT]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    let kungsholmen = crate::common::fill_controls(&ostermalm, &filled);
    let sodermalm =
        std::fs::read(root().join("fixtures/forms/ostermalm-controls-deleted.docx")).unwrap();
    vec![
        map(ostermalm, "ostermalm-2022-T1.docx", "ostermalm-sdn"),
        map(kungsholmen, "kungsholmen-2022-T1.docx", "kungsholmen-sdn"),
        map(sodermalm, "sodermalm-2022-T1.docx", "sodermalm-sdn"),
    ]
}

/// When the tests' round was consolidated: 2022-05-02T08:30:00Z.
pub(crate) fn made_at() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_651_480_200)
}

fn consolidate(redact_contact: bool) -> (Round, Questionnaire) {
    let q = Questionnaire::builtin();
    let opts = blankett::RoundOptions {
        round: "2022-T1".parse().ok(),
        expected: None,
        redact_contact,
        now: Some(made_at()),
    };
    let r = blankett::consolidate(submissions(), &q, &Registry::builtin(), &opts);
    (r, q)
}

/// The round as the tests expect it, before any export is looked at.
fn the_round() -> (Round, Questionnaire) {
    let (r, q) = consolidate(false);
    assert_eq!(r.respondents.len(), 13, "{:?}", r.respondents);
    assert_eq!(r.missing.len(), 10);
    assert_eq!(r.completeness.questions.len(), 9);
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    assert_eq!(r.submissions.len(), 3);
    (r, q)
}

/// Each respondent's answer to each question: (respondent label, question id) → (status, text).
fn expected_cells(r: &Round) -> Vec<(String, String, Cell, String)> {
    let mut out = Vec::new();
    for (resp, row) in r.respondents.iter().zip(&r.completeness.rows) {
        assert_eq!(resp.label, row.label);
        for (id, cell) in r.completeness.questions.iter().zip(&row.cells) {
            let text = r
                .submissions
                .iter()
                .find(|s| s.respondent.as_ref().map(|x| &x.id) == resp.id.as_ref())
                .and_then(|s| s.answer(id))
                .map(|a| a.text.clone())
                .unwrap_or_default();
            out.push((resp.label.clone(), id.clone(), *cell, text));
        }
    }
    out
}

fn status_code(c: Cell) -> &'static str {
    match c {
        Cell::Answered => "answered",
        Cell::Unanswered => "unanswered",
        Cell::Missing => "missing",
        Cell::NotSubmitted => "notSubmitted",
    }
}

fn status_sv(c: Cell) -> &'static str {
    match c {
        Cell::Answered => "Besvarad",
        Cell::Unanswered => "Obesvarad",
        Cell::Missing => "Saknas i formuläret",
        Cell::NotSubmitted => "Ej inkommen",
    }
}

fn csv_records(bytes: &[u8], delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(bytes);
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// A sheet's cells by (row, column), as text.
pub(crate) type Cells = HashMap<(u32, u32), String>;

/// Every sheet of a workbook, in order: its name and its cells.
pub(crate) fn workbook(bytes: &[u8]) -> Vec<(String, Cells)> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).unwrap();
            let mut cells = HashMap::new();
            if let Some((r0, c0)) = range.start() {
                for (i, row) in range.rows().enumerate() {
                    for (j, v) in row.iter().enumerate() {
                        let text = match v {
                            Data::Empty => continue,
                            Data::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        cells.insert((r0 + i as u32, c0 + j as u32), text);
                    }
                }
            }
            (name, cells)
        })
        .collect()
}

pub(crate) fn sheet<'a>(wb: &'a [(String, Cells)], name: &str) -> &'a Cells {
    &wb.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
        .1
}

pub(crate) fn at(cells: &Cells, row: u32, col: u32) -> &str {
    cells.get(&(row, col)).map_or("", String::as_str)
}

#[test]
fn the_csv_holds_a_row_per_respondent_and_question_with_status_and_answer() {
    let (r, q) = the_round();
    let bytes = blankett::to_csv(&r, &q, &ExportOptions::default());
    assert!(!bytes.starts_with("\u{feff}".as_bytes()));
    let (header, rows) = csv_records(&bytes, b',');
    assert_eq!(
        header,
        [
            "round",
            "respondent_id",
            "respondent",
            "kind",
            "area",
            "question_id",
            "question",
            "status",
            "answer",
            "value",
            "contact_name",
            "contact_phone",
            "contact_email"
        ]
    );
    let expected = expected_cells(&r);
    assert_eq!(rows.len(), 13 * 9);
    assert_eq!(rows.len(), expected.len());
    for (row, (label, id, cell, text)) in rows.iter().zip(&expected) {
        assert_eq!(&row[0], "2022-T1");
        assert_eq!(&row[2], label);
        assert_eq!(&row[5], id);
        assert_eq!(&row[7], status_code(*cell), "{label} {id}");
        assert_eq!(&row[8], text, "{label} {id}");
    }
    let find = |resp: &str, id: &str| {
        rows.iter()
            .find(|x| x[1] == resp && x[5] == id)
            .unwrap_or_else(|| panic!("no row {resp} {id}"))
    };
    let k = find("kungsholmen-sdn", "samverkan-lokalt-naringsliv");
    assert_eq!(k[8], KUNGSHOLMEN_SAMVERKAN.join("\n"));
    assert_eq!((k[3].as_str(), k[4].as_str()), ("stadsdelsnamnd", "1"));
    assert_eq!(k[10], "Karl Kungsholm");
    assert_eq!(k[11], "+46 8 508 080 00");
    assert_eq!(k[12], "karl.kungsholm@stockholm.se");
    assert_eq!(
        find("kungsholmen-sdn", "ovriga-upplysningar")[8],
        KUNGSHOLMEN_OVRIGT
    );
    let o = find("ostermalm-sdn", "ovriga-upplysningar");
    assert_eq!(
        (o[4].as_str(), o[7].as_str(), o[8].as_str()),
        ("", "unanswered", "")
    );
    let missing = find("bromma-sdn", "platssamverkan");
    assert_eq!(missing[7], "notSubmitted");
    assert_eq!(missing[2], "Bromma stadsdelsnämnd");
    assert!(missing[10].is_empty() && missing[8].is_empty());
}

#[test]
fn the_semicolon_csv_starts_with_a_byte_order_mark_for_excel() {
    let (r, q) = the_round();
    let bytes = blankett::to_csv(
        &r,
        &q,
        &ExportOptions {
            delimiter: b';',
            ..Default::default()
        },
    );
    let bom = "\u{feff}".as_bytes();
    assert!(bytes.starts_with(bom));
    let (header, rows) = csv_records(&bytes[bom.len()..], b';');
    assert_eq!(header[0], "round");
    assert_eq!(header.len(), 13);
    assert_eq!(rows.len(), 117);
    assert!(rows.iter().any(|x| x[2] == "Östermalms stadsdelsnämnd"));
}

#[test]
fn the_workbook_holds_completeness_answers_missing_and_contacts() {
    let (r, q) = the_round();
    let wb = workbook(&blankett::to_xlsx(&r, &q).unwrap());
    let names: Vec<&str> = wb.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Fullständighet", "Svar", "Ej inkomna", "Kontakter"]);

    // Completeness: question ids and short labels head the columns, a row per respondent.
    let c = sheet(&wb, "Fullständighet");
    assert_eq!(at(c, 0, 1), "samverkan-lokalt-naringsliv");
    assert_eq!(at(c, 1, 1), "Samverkan lokalt näringsliv");
    assert_eq!(at(c, 1, 0), "Nämnd/bolag");
    for (i, (resp, row)) in r.respondents.iter().zip(&r.completeness.rows).enumerate() {
        let line = i as u32 + 2;
        assert_eq!(at(c, line, 0), resp.label);
        for (j, cell) in row.cells.iter().enumerate() {
            assert_eq!(
                at(c, line, j as u32 + 1),
                status_sv(*cell),
                "{}",
                resp.label
            );
        }
    }
    let ostermalm = (2..15)
        .find(|l| at(c, *l, 0) == "Östermalms stadsdelsnämnd")
        .unwrap();
    assert_eq!(at(c, ostermalm, 9), "Obesvarad");
    assert_eq!(at(c, ostermalm, 1), "Besvarad");
    assert_eq!(
        at(c, 2, 1),
        "Ej inkommen",
        "Bromma comes first and sent nothing"
    );
    assert!(c.values().any(|v| v == "Teckenförklaring"));

    // Answers: the header row, then a row per question and respondent.
    let s = sheet(&wb, "Svar");
    let header: Vec<&str> = (0..7).map(|col| at(s, 0, col)).collect();
    assert_eq!(
        header,
        [
            "Område",
            "Fråga-id",
            "Fråga",
            "Nämnd/bolag",
            "Status",
            "Svar",
            "Värde"
        ]
    );
    let rows = s.keys().map(|(row, _)| *row).max().unwrap();
    assert_eq!(rows, 117);
    let find = |resp: &str, id: &str| {
        (1..=rows)
            .find(|l| at(s, *l, 3) == resp && at(s, *l, 1) == id)
            .unwrap_or_else(|| panic!("no row {resp} {id}"))
    };
    let k = find("Kungsholmens stadsdelsnämnd", "samverkan-lokalt-naringsliv");
    assert_eq!(at(s, k, 0), "1. Stimulera tillväxt och företagsamhet");
    assert_eq!(at(s, k, 4), "Besvarad");
    assert_eq!(at(s, k, 5), KUNGSHOLMEN_SAMVERKAN.join("\n"));
    let o = find("Östermalms stadsdelsnämnd", "ovriga-upplysningar");
    assert_eq!((at(s, o, 4), at(s, o, 5)), ("Obesvarad", ""));
    for (label, id, cell, text) in expected_cells(&r) {
        let l = find(&label, &id);
        assert_eq!(at(s, l, 4), status_sv(cell), "{label} {id}");
        assert_eq!(at(s, l, 5), text, "{label} {id}");
    }

    // The missing respondents, and the contacts.
    let m = sheet(&wb, "Ej inkomna");
    assert_eq!(at(m, 0, 0), "Nämnd/bolag");
    let listed: Vec<&str> = (1..=10).map(|l| at(m, l, 0)).collect();
    let want: Vec<&str> = r.missing.iter().map(|x| x.committee.as_str()).collect();
    assert_eq!(listed, want);
    assert_eq!(at(m, 11, 0), "");
    let k = sheet(&wb, "Kontakter");
    assert!(k.values().any(|v| v == "Karl Kungsholm"));
    assert!(k.values().any(|v| v == "+46 8 508 100 51"));
}

#[test]
fn the_markdown_report_has_the_headings_and_every_answer() {
    let (r, q) = the_round();
    let md = blankett::to_markdown(&r, &q);
    assert!(
        md.starts_with("# Uppföljningsrapport näringsliv – 2022-T1\n"),
        "{md}"
    );
    for heading in [
        "## Inkomna svar",
        "## 1. Stimulera tillväxt och företagsamhet",
        "## 2. Förbättra service, tillgänglighet och myndighetsutövning",
        "## 3. Attraktivare miljöer och en bättre framkomlighet",
        "## Övriga upplysningar",
        "## Ej inkomna",
    ] {
        assert!(md.lines().any(|l| l == heading), "no {heading:?} in\n{md}");
    }
    for area in &r.areas {
        for question in &area.questions {
            if area.number.is_some() {
                let h = format!("### {}", question.question);
                assert!(md.lines().any(|l| l == h), "no {h:?}");
            }
        }
    }
    // Every answer's every line, once the escapes are taken away.
    let plain = md.replace('\\', "");
    for s in &r.submissions {
        for a in &s.answers {
            for line in a.text.lines() {
                assert!(plain.contains(line), "{line:?} is not in the report");
            }
        }
    }
    // Kungsholmen's text cannot make a heading or a numbered list.
    assert!(md.contains("\n\\# 12 företag\\_besök \\<planerade> – se \\[bilaga\\]"));
    assert!(md.contains("\n1\\. Nämnden återkommer"));
    // One answer per question, but under the optional question only those who wrote there.
    for s in &r.submissions {
        let name = s.respondent.as_ref().unwrap().committee.clone();
        let wrote_optional = s
            .answer("ovriga-upplysningar")
            .is_some_and(|a| !a.text.is_empty());
        assert_eq!(
            md.matches(&format!("**{name}**")).count(),
            8 + usize::from(wrote_optional),
            "{name}: one answer per question"
        );
    }
    let optional = md
        .split("## Övriga upplysningar")
        .nth(1)
        .and_then(|s| s.split("## Ej inkomna").next())
        .unwrap();
    assert!(!optional.contains("Obesvarad"), "{optional}");
    let missing = md.split("## Ej inkomna").nth(1).unwrap();
    for m in &r.missing {
        assert!(
            missing.contains(&format!("- {}\n", m.committee)),
            "{}",
            m.committee
        );
    }
    let table = md
        .lines()
        .find(|l| l.starts_with("| Östermalms stadsdelsnämnd |"))
        .unwrap();
    assert_eq!(
        table,
        "| Östermalms stadsdelsnämnd | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ○ |"
    );
}

/// A printed report can be put back in order and is set in a named font; screen readers and
/// spelling know it is Swedish, what it is called, and which table row holds the headings.
#[test]
fn the_word_report_has_page_numbers_a_font_and_its_language() {
    let (r, q) = the_round();
    let bytes = blankett::to_docx(&r, &q).unwrap();
    let styles = crate::common::part(&bytes, "word/styles.xml");
    let defaults = styles
        .split("<w:rPrDefault>")
        .nth(1)
        .and_then(|s| s.split("</w:rPrDefault>").next())
        .unwrap();
    assert!(
        defaults.contains("<w:rFonts w:ascii=\"Calibri\""),
        "{defaults}"
    );
    assert!(defaults.contains("<w:lang w:val=\"sv-SE\""), "{defaults}");
    let rels = crate::common::part(&bytes, "word/_rels/document.xml.rels");
    let footer = rels
        .split("<Relationship ")
        .find(|r| r.contains("relationships/footer\""))
        .and_then(|r| r.split("Target=\"").nth(1))
        .and_then(|t| t.split('"').next())
        .expect("the document has a footer");
    let footer = crate::common::part(&bytes, &format!("word/{footer}"));
    assert!(footer.contains("Sida "), "{footer}");
    assert!(footer.contains("PAGE"), "{footer}");
    // What a screen reader announces, and the completeness table's header row as such.
    let core = crate::common::part(&bytes, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>Uppföljningsrapport näringsliv – 2022-T1</dc:title>"),
        "{core}"
    );
    let document = crate::common::part(&bytes, "word/document.xml");
    assert_eq!(document.matches("<w:tblHeader />").count(), 1);
}

#[test]
fn the_word_report_reads_back_with_every_answer_name_and_missing_respondent() {
    let (r, q) = the_round();
    let bytes = blankett::to_docx(&r, &q).unwrap();
    let doc = blankett::read_bytes(bytes, Some("2022-T1.docx")).unwrap();
    let text = doc.text();
    for want in [
        "Uppföljningsrapport näringsliv",
        "2022-T1",
        "Inkomna svar",
        "1. Stimulera tillväxt och företagsamhet",
        "Ej inkomna",
        "Östermalms stadsdelsnämnd",
        "Kungsholmens stadsdelsnämnd",
        "Södermalms stadsdelsnämnd",
    ] {
        assert!(text.contains(want), "{want:?} is not in the report");
    }
    // A blank optional question is no gap: only those who wrote there are listed under it.
    let optional = text
        .split("Övriga upplysningar")
        .last()
        .and_then(|s| s.split("Ej inkomna").next())
        .unwrap();
    assert!(!optional.contains("Obesvarad"), "{optional}");
    for area in &r.areas {
        for question in &area.questions {
            assert!(text.contains(&question.question), "{}", question.question);
        }
    }
    for s in &r.submissions {
        for a in &s.answers {
            assert!(text.contains(&a.text), "{:?} is not in the report", a.text);
        }
    }
    let missing = text.split("Ej inkomna").last().unwrap();
    for m in &r.missing {
        assert!(missing.contains(&m.committee), "{}", m.committee);
    }
    // The report is no form: no controls, no warnings.
    assert!(doc.controls.is_empty());
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn the_word_report_opens_with_a_table_of_contents_listing_its_headings() {
    let (r, q) = the_round();
    let bytes = blankett::to_docx(&r, &q).unwrap();
    let document = crate::common::part(&bytes, "word/document.xml");
    assert!(
        document.contains(r#"<w:instrText>TOC \o &quot;1-2&quot; \h \z</w:instrText>"#),
        "{document}"
    );
    // Word rebuilds the contents, with page numbers, when it opens the report.
    let settings = crate::common::part(&bytes, "word/settings.xml");
    assert!(
        settings.contains(r#"<w:updateFields w:val="true" />"#),
        "{settings}"
    );
    // The entries are written in: the headings, in order, right after the title's lines, each
    // a link to its heading's bookmark.
    let doc = blankett::read_bytes(bytes, Some("2022-T1.docx")).unwrap();
    let paragraphs: Vec<(&str, Option<u8>)> = doc
        .flow
        .iter()
        .filter_map(|f| match f {
            blankett::FlowItem::Paragraph {
                text,
                heading_level,
                ..
            } if !text.is_empty() => Some((text.as_str(), *heading_level)),
            _ => None,
        })
        .collect();
    let headings: Vec<&str> = paragraphs
        .iter()
        .filter(|(_, level)| level.is_some())
        .map(|(t, _)| *t)
        .collect();
    assert!(headings.len() > 10, "{headings:?}");
    let at = paragraphs
        .iter()
        .position(|(t, _)| *t == "Innehåll")
        .unwrap();
    assert_eq!(at, 3, "{paragraphs:?}");
    let entries: Vec<&str> = paragraphs[at + 1..at + 1 + headings.len()]
        .iter()
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(entries, headings);
    for (n, h) in headings.iter().enumerate() {
        let bookmark = format!("_Toc{}", n + 1);
        assert!(document.contains(&format!(r#"w:name="{bookmark}""#)), "{h}");
        assert!(
            document.contains(&format!(r#"w:anchor="{bookmark}""#)),
            "{h}"
        );
    }
    // The completeness table starts on the page after the contents: its heading, the first,
    // breaks the page.
    assert_eq!(headings[0], "Inkomna svar");
    assert!(
        document.contains(
            r#"<w:pageBreakBefore /></w:pPr><w:bookmarkStart w:id="1" w:name="_Toc1" />"#
        ),
        "{document}"
    );
}

/// The Word report as it prints (rendered by LibreOffice): every question's label in the
/// completeness table's header whole, long labels too, where LibreOffice cuts off turned text
/// that does not fit its row.
#[test]
fn the_word_report_prints_every_question_label_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut q: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("schemas/naringsliv-uppfoljning-2022.json")).unwrap(),
    )
    .unwrap();
    let long = [
        (
            3,
            "Verksamhetsområden med hänsyn till näringslivet och samverkan",
        ),
        (
            4,
            "Platssamverkan och platsaktivering på prioriterade platser eller områden för en trygg närmiljö",
        ),
        (6, "Stockholmsbusinessregionsamverkansarbetet"),
    ];
    for (i, alias) in long {
        q["questions"][i]["alias"] = alias.into();
    }
    let schema = dir.path().join("lang.json");
    std::fs::write(&schema, q.to_string()).unwrap();
    let out = dir.path().join("ut");
    crate::common::blankett()
        .arg("batch")
        .arg(root().join("examples/forms"))
        .arg("--out")
        .arg(&out)
        .arg("--schema")
        .arg(&schema)
        .assert()
        .success();
    crate::common::blankett()
        .arg("consolidate")
        .arg(&out)
        .args(["--format", "docx", "-o"])
        .arg(dir.path().join("runda"))
        .arg("--schema")
        .arg(&schema)
        .assert()
        .success();
    if !crate::common::soffice(&dir.path().join("runda.docx"), "pdf", dir.path()) {
        return;
    }
    let run = std::process::Command::new("pdftotext")
        .args(["-raw", "-f", "2", "-l", "2"])
        .arg(dir.path().join("runda.pdf"))
        .arg("-")
        .output();
    let text = match run {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        Ok(o) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "pdftotext under CI: {e}");
            eprintln!("skipped: pdftotext is not on PATH (poppler-utils)");
            return;
        }
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.starts_with("Inkomna svar"), "{text}");
    let questionnaire: Questionnaire = serde_json::from_value(q).unwrap();
    for question in &questionnaire.questions {
        assert!(
            text.contains(&question.alias),
            "{:?} is not printed whole: {text}",
            question.alias
        );
    }
}

#[test]
fn a_redacted_round_shows_no_contact_details_in_any_export() {
    let (full, q) = consolidate(false);
    let (redacted, _) = consolidate(true);
    let csv =
        |r: &Round| String::from_utf8(blankett::to_csv(r, &q, &ExportOptions::default())).unwrap();
    let xlsx = |r: &Round| {
        let wb = workbook(&blankett::to_xlsx(r, &q).unwrap());
        let names: Vec<String> = wb.iter().map(|(n, _)| n.clone()).collect();
        let cells: Vec<String> = wb.into_iter().flat_map(|(_, c)| c.into_values()).collect();
        (names, cells.join("\n"))
    };
    let docx = |r: &Round| {
        let bytes = blankett::to_docx(r, &q).unwrap();
        blankett::read_bytes(bytes, None).unwrap().text()
    };
    let json = |r: &Round| String::from_utf8(blankett::to_json(r)).unwrap();
    let md = |r: &Round| blankett::to_markdown(r, &q);

    // Without redaction the details are there (so that the test below means something).
    let (names, cells) = xlsx(&full);
    assert!(names.iter().any(|n| n == "Kontakter"));
    for text in [csv(&full), cells, json(&full)] {
        assert!(text.contains("Helena Näslund") && text.contains("karl.kungsholm@stockholm.se"));
    }

    let (names, cells) = xlsx(&redacted);
    assert!(!names.iter().any(|n| n == "Kontakter"), "{names:?}");
    for (format, text) in [
        ("csv", csv(&redacted)),
        ("xlsx", cells),
        ("md", md(&redacted)),
        ("docx", docx(&redacted)),
        ("json", json(&redacted)),
    ] {
        for detail in CONTACT_DETAILS {
            assert!(
                !text.to_lowercase().contains(&detail.to_lowercase()),
                "{format} holds {detail:?}"
            );
        }
    }
    // The CSV keeps its contact columns, empty.
    let (header, rows) = csv_records(csv(&redacted).as_bytes(), b',');
    assert_eq!(header.len(), 13);
    assert!(rows.iter().all(|x| x[10..].iter().all(String::is_empty)));
}

#[test]
fn write_exports_writes_every_format_whole_next_to_the_base() {
    let (r, q) = the_round();
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("2022-T1");
    let opts = ExportOptions {
        delimiter: b';',
        ..Default::default()
    };
    let formats = [
        Format::Json,
        Format::Csv,
        Format::Xlsx,
        Format::Md,
        Format::Docx,
        Format::Csv,
    ];
    let written = blankett::write_exports(&r, &q, &formats, &base, &opts).unwrap();
    let want: Vec<PathBuf> = ["json", "csv", "xlsx", "md", "docx"]
        .iter()
        .map(|e| dir.path().join(format!("2022-T1.{e}")))
        .collect();
    assert_eq!(written, want);
    assert_eq!(std::fs::read(&want[0]).unwrap(), blankett::to_json(&r));
    assert_eq!(
        std::fs::read(&want[1]).unwrap(),
        blankett::to_csv(&r, &q, &opts)
    );
    assert_eq!(
        workbook(&std::fs::read(&want[2]).unwrap()),
        workbook(&blankett::to_xlsx(&r, &q).unwrap())
    );
    assert_eq!(
        std::fs::read_to_string(&want[3]).unwrap(),
        blankett::to_markdown(&r, &q)
    );
    assert_eq!(
        std::fs::read(&want[4]).unwrap(),
        blankett::to_docx(&r, &q).unwrap()
    );
    // Nothing else: no temporary file is left behind.
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut sorted = want.clone();
    sorted.sort();
    assert_eq!(files, sorted);

    // Writing again replaces the files.
    let again = blankett::write_exports(&r, &q, &[Format::Md], &base, &opts).unwrap();
    assert_eq!(again, vec![want[3].clone()]);
}

#[test]
fn write_exports_into_a_missing_folder_fails_naming_the_file_and_writes_nothing() {
    let (r, q) = the_round();
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("saknas").join("2022-T1");
    let e = blankett::write_exports(&r, &q, &Format::ALL, &base, &ExportOptions::default())
        .unwrap_err();
    assert!(
        e.to_string().contains("2022-T1.json: cannot write it: "),
        "{e}"
    );
    assert!(!dir.path().join("saknas").exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn formats_are_named_as_on_the_command_line() {
    let parsed: Vec<Format> = ["json", "csv", "xlsx", "md", "docx"]
        .iter()
        .map(|f| f.parse().unwrap())
        .collect();
    assert_eq!(parsed, Format::ALL);
    let e = "pdf".parse::<Format>().unwrap_err().to_string();
    assert!(e.contains("json, csv, xlsx, md, docx"), "{e}");
}

#[test]
fn the_same_round_gives_the_same_exports() {
    let (a, q) = consolidate(false);
    let (b, _) = consolidate(false);
    assert_eq!(a, b);
    let opts = ExportOptions::default();
    assert!(blankett::to_csv(&a, &q, &opts) == blankett::to_csv(&b, &q, &opts));
    assert!(blankett::to_markdown(&a, &q) == blankett::to_markdown(&b, &q));
    assert!(blankett::to_docx(&a, &q).unwrap() == blankett::to_docx(&b, &q).unwrap());
    // On another thread too: docx-rs counts paragraph ids per thread.
    let (c, _) = std::thread::spawn(|| consolidate(false)).join().unwrap();
    let q2 = q.clone();
    let docx_c = std::thread::spawn(move || blankett::to_docx(&c, &q2).unwrap())
        .join()
        .unwrap();
    assert!(blankett::to_docx(&a, &q).unwrap() == docx_c);
    let xa = blankett::to_xlsx(&a, &q).unwrap();
    let xb = blankett::to_xlsx(&b, &q).unwrap();
    assert_eq!(workbook(&xa), workbook(&xb));
    assert!(xa == xb, "the workbook's bytes are the same too");
}

/// Every export says which program made it and when the round was made, where a reader of
/// its kind looks: the JSON in `generator` and `generatedAt`, the Word report and the workbook
/// in their document properties, the Word report and the Markdown in a closing line. The CSV
/// stays rows alone: a comment line would be read as a row.
#[test]
fn every_export_says_which_program_made_it_and_when() {
    let (r, q) = the_round();
    let version = env!("CARGO_PKG_VERSION");
    let generator = format!("blankett {version}");
    let at = "2022-05-02T08:30:00Z";
    let made_by = format!("Skapad 2022-05-02 kl. 08.30 UTC med {generator}.");

    let json: serde_json::Value = serde_json::from_slice(&blankett::to_json(&r)).unwrap();
    assert_eq!(json["generator"]["version"], version);
    assert_eq!(json["generatedAt"], at);

    let csv = blankett::to_csv(&r, &q, &ExportOptions::default());
    assert!(csv.starts_with(b"round,respondent_id,"));

    let md = blankett::to_markdown(&r, &q);
    assert!(md.ends_with(&format!("\n---\n\n*{made_by}*\n")), "{md}");

    let docx = blankett::to_docx(&r, &q).unwrap();
    let app = crate::common::part(&docx, "docProps/app.xml");
    assert!(
        app.contains(&format!("<Application>{generator}</Application>")),
        "{app}"
    );
    let core = crate::common::part(&docx, "docProps/core.xml");
    for date in ["created", "modified"] {
        let want = format!("<dcterms:{date} xsi:type=\"dcterms:W3CDTF\">{at}</dcterms:{date}>");
        assert!(core.contains(&want), "{core}");
    }
    let text = blankett::read_bytes(docx, None).unwrap().text();
    let closing = text.split("Ej inkomna").last().unwrap();
    assert!(closing.lines().any(|l| l == made_by), "{text}");

    let xlsx = blankett::to_xlsx(&r, &q).unwrap();
    let custom = crate::common::part(&xlsx, "docProps/custom.xml");
    for (name, value) in [("generator", generator.as_str()), ("generatedAt", at)] {
        assert!(
            custom.contains(&format!("name=\"{name}\"><vt:lpwstr>{value}</vt:lpwstr>")),
            "{custom}"
        );
    }
    let core = crate::common::part(&xlsx, "docProps/core.xml");
    assert!(core.contains(&format!(">{at}</dcterms:created>")), "{core}");
}

/// The Östermalm form with characters XML 1.0 cannot hold in an answer, the contact's name and
/// a control's tag and title, as character references (`&#xFFFE;`) and raw, and the references
/// no character can stand for (`&#xD800;`, a surrogate, which a Rust `char` cannot hold, and
/// `&#0;`).
fn form_with_characters_xml_cannot_hold() -> Vec<u8> {
    let ostermalm = std::fs::read(root().join("examples/forms/ostermalm-2022-T1.docx")).unwrap();
    let filled: HashMap<String, Vec<String>> = [
        ("samverkan-lokalt-naringsliv", "SVARET"),
        ("kontaktperson", "KONTAKTEN"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), vec![v.to_owned()]))
    .collect();
    let form = crate::common::fill_controls(&ostermalm, &filled);
    let mut parts = crate::common::parts(&form);
    let (_, document) = parts
        .iter_mut()
        .find(|(n, _)| n == "word/document.xml")
        .unwrap();
    let xml = String::from_utf8(std::mem::take(document)).unwrap();
    let replaced = [
        (
            ">SVARET<",
            ">Före&#xFFFE;&#x1;\u{1}\u{FFFE}&#xD800;&#0;&#8; efter&#xFFFF;<",
        ),
        (">KONTAKTEN<", ">Karl&#x1B; Kungsholm\u{1F}<"),
        (
            r#"<w:tag w:val="samverkan-lokalt-naringsliv"/>"#,
            r#"<w:tag w:val="samverkan-lokalt-naringsliv&#xFFFE;&#x2;"/>"#,
        ),
        (
            r#"<w:alias w:val="Samverkan lokalt näringsliv"/>"#,
            "<w:alias w:val=\"Samverkan lokalt\u{FFFF} näringsliv&#x1;\"/>",
        ),
    ]
    .into_iter()
    .fold(xml, |xml, (from, to)| {
        assert_eq!(xml.matches(from).count(), 1, "{from}");
        xml.replace(from, to)
    });
    *document = replaced.into_bytes();
    crate::common::zip_parts(&parts)
}

#[test]
fn characters_xml_cannot_hold_are_dropped_when_a_form_is_read_and_every_export_opens() {
    let form = form_with_characters_xml_cannot_hold();
    let doc = blankett::read_bytes(form.clone(), Some("ostermalm.docx")).unwrap();
    // quick-xml refuses `&#xD800;` (and `&#0;`) as no character; the reader leaves it out with
    // the warning it gives for an undefined entity.
    assert!(
        doc.warnings.iter().any(|w| w.code.as_str() == "xml-entity"),
        "{:?}",
        doc.warnings
    );
    let sub = map(form, "ostermalm-2022-T1.docx", "ostermalm-sdn");
    let answer = sub.answer("samverkan-lokalt-naringsliv").unwrap();
    assert_eq!(answer.text, "Före efter");
    let control = answer.control.as_ref().unwrap();
    assert_eq!(control.tag.as_deref(), Some("samverkan-lokalt-naringsliv"));
    assert_eq!(
        control.alias.as_deref(),
        Some("Samverkan lokalt näringsliv")
    );
    let contact = sub.contact.as_ref().unwrap();
    assert_eq!(contact.name.as_deref(), Some("Karl Kungsholm"));
    let json = serde_json::to_string(&sub).unwrap();
    assert!(
        json.chars().all(crate::common::is_xml_char) && !json.contains("\\u"),
        "{json}"
    );
    assert!(
        !json.contains('\u{FFFD}'),
        "nothing stands in for the surrogate"
    );

    let q = Questionnaire::builtin();
    let opts = blankett::RoundOptions {
        round: "2022-T1".parse().ok(),
        expected: None,
        redact_contact: false,
        now: None,
    };
    let r = blankett::consolidate(vec![sub], &q, &Registry::builtin(), &opts);
    for format in Format::ALL {
        let bytes = blankett::to_bytes(&r, &q, format, &ExportOptions::default()).unwrap();
        match format {
            Format::Xlsx | Format::Docx => crate::common::assert_package_well_formed(&bytes),
            _ => {
                let text = String::from_utf8(bytes).unwrap();
                assert!(text.contains("Före efter"), "{format}");
                assert!(text.chars().all(crate::common::is_xml_char), "{format}");
            }
        }
    }
    let wb = workbook(&blankett::to_xlsx(&r, &q).unwrap());
    let answers = sheet(&wb, "Svar");
    assert!(answers.values().any(|v| v == "Före efter"));
    assert!(
        sheet(&wb, "Kontakter")
            .values()
            .any(|v| v == "Karl Kungsholm")
    );
    let report = blankett::read_bytes(blankett::to_docx(&r, &q).unwrap(), None).unwrap();
    assert!(
        report.text().contains("\nFöre efter\n"),
        "{}",
        report.text()
    );
}

/// The spreadsheet as it prints (rendered by LibreOffice): the completeness sheet of a
/// 13-committee round on one page, every committee and the legend on it, and every short line
/// of every answer whole on the answers sheet's pages (no row cut short).
#[test]
fn the_spreadsheet_prints_the_completeness_sheet_on_one_page_and_answers_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ut");
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms");
    crate::common::blankett()
        .arg("batch")
        .arg(&forms)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    crate::common::blankett()
        .arg("consolidate")
        .arg(&out)
        .args(["--format", "xlsx,json", "-o"])
        .arg(dir.path().join("runda"))
        .assert()
        .success();
    let xlsx = dir.path().join("runda.xlsx");
    if !crate::common::soffice(&xlsx, "pdf", dir.path()) {
        return;
    }
    let pdf = dir.path().join("runda.pdf");
    let text = |pages: &[&str]| {
        let run = std::process::Command::new("pdftotext")
            .args(pages)
            .arg(&pdf)
            .arg("-")
            .output();
        match run {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
            Ok(o) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => {
                assert!(std::env::var_os("CI").is_none(), "pdftotext under CI: {e}");
                String::new()
            }
        }
    };
    let first = text(&["-f", "1", "-l", "1"]);
    if first.is_empty() {
        eprintln!("skipped: pdftotext is not on PATH (poppler-utils)");
        return;
    }
    let round: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("runda.json")).unwrap()).unwrap();
    let respondents = round["respondents"].as_array().unwrap();
    assert_eq!(respondents.len(), 13);
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = squeeze(&first);
    for r in respondents {
        let label = r["label"].as_str().unwrap();
        assert!(first.contains(label), "{label} is not on page 1: {first}");
    }
    assert!(first.contains("Teckenförklaring"), "{first}");
    assert!(first.contains("Sida 1 av"), "{first}");
    let all = text(&[]);
    let mut checked = 0;
    for s in round["submissions"].as_array().unwrap() {
        for a in s["answers"].as_array().unwrap() {
            // Each line of an answer that fits the answer column's width on one printed line.
            let answer = a["text"].as_str().unwrap_or_default();
            for line in answer
                .lines()
                .filter(|l| (1..=80).contains(&l.chars().count()))
            {
                assert!(all.contains(line), "{line:?} is not printed whole");
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} short lines to check");
}

#[test]
fn compare_writes_a_workbook_with_a_row_per_respondent_and_question_and_what_changed() {
    let (before, _) = the_round();
    let mut after = before.clone();
    after.round = "2022-T2".parse().ok();
    let edited = after
        .areas
        .iter_mut()
        .flat_map(|a| &mut a.questions)
        .flat_map(|q| q.answers.iter_mut().map(|a| (q.question_id.clone(), a)))
        .find(|(_, a)| a.respondent_id.is_some() && !a.text.trim().is_empty())
        .map(|(q, a)| {
            a.text.push_str(" Och ett tillägg.");
            (q, a.label.clone(), a.text.clone())
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, round: &Round| {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(round).unwrap()).unwrap();
        path
    };
    let (a, b) = (write("t1.json", &before), write("t2.json", &after));
    crate::common::blankett()
        .arg("compare")
        .args([&a, &b])
        .arg("-o")
        .arg(dir.path().join("jmf"))
        .args(["--format", "xlsx"])
        .assert()
        .success();
    let bytes = std::fs::read(dir.path().join("jmf.xlsx")).unwrap();
    let wb = workbook(&bytes);
    let names: Vec<&str> = wb.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Sammanfattning", "Förändringar", "Svarande"]);
    let rows = sheet(&wb, "Förändringar");
    assert_eq!(at(rows, 0, 5), "Svar 2022-T1");
    assert_eq!(at(rows, 0, 6), "Svar 2022-T2");
    let changed: Vec<u32> = (1..=rows.len() as u32)
        .filter(|r| at(rows, *r, 4) == "Ändrat")
        .collect();
    assert_eq!(changed.len(), 1, "only the edited answer changed");
    let r = changed[0];
    assert_eq!(
        (at(rows, r, 1), at(rows, r, 3)),
        (edited.0.as_str(), edited.1.as_str())
    );
    assert_eq!(at(rows, r, 6), edited.2);
    assert_eq!(
        at(rows, r, 7),
        format!("{} Och ett tillägg.", at(rows, r, 5))
    );
}
