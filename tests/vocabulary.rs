//! One vocabulary of statuses: `status`, the Markdown, the Word report and the spreadsheet show
//! each question's status with the same symbol and the same Swedish label
//! ([`blankett::Mark`]), and the CSV and JSON with its stable code.

use blankett::{AnswerStatus, Cell, Mark, Questionnaire, Registry, Round};

use crate::common::{blankett, compound_file};
use crate::exports::{at, sheet, submissions, workbook};

/// The exports' round, with one question taken out of Södermalm's form: every status of the
/// matrix is then in it, and the front ends are checked on each.
fn the_round_with_every_status() -> (Round, Questionnaire) {
    let mut subs = submissions();
    let sodermalm = subs
        .iter_mut()
        .find(|s| s.source.file.as_deref() == Some("sodermalm-2022-T1.docx"))
        .unwrap();
    let answer = &mut sodermalm.answers[1];
    answer.status = AnswerStatus::Missing;
    answer.text.clear();
    answer.blocks.clear();
    let q = Questionnaire::builtin();
    let opts = blankett::RoundOptions {
        round: "2022-T1".parse().ok(),
        ..Default::default()
    };
    let r = blankett::consolidate(subs, &q, &Registry::builtin(), &opts);
    for c in [
        Cell::Answered,
        Cell::Unanswered,
        Cell::Missing,
        Cell::NotSubmitted,
    ] {
        assert!(
            r.completeness.rows.iter().any(|row| row.cells.contains(&c)),
            "no {c:?} in the round"
        );
    }
    (r, q)
}

/// Each row's cells as the marks' symbols, after the respondent's name: what a table of marks
/// shows for each respondent.
fn symbol_rows(r: &Round) -> Vec<(String, Vec<&'static str>)> {
    r.completeness
        .rows
        .iter()
        .map(|row| {
            let symbols = row.cells.iter().map(|c| Mark::from(*c).symbol()).collect();
            (row.label.clone(), symbols)
        })
        .collect()
}

/// The legend lists every status of the matrix as its symbol and its label.
fn assert_legend(front_end: &str, text: &str) {
    for m in Mark::MATRIX {
        let entry = format!("{} {}", m.symbol(), m.label());
        assert!(
            text.contains(&entry),
            "{front_end}: no {entry:?} in its legend:\n{text}"
        );
    }
}

#[test]
fn status_shows_each_status_with_the_vocabulary_s_symbol_and_label() {
    let (r, _) = the_round_with_every_status();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2022-T1.json");
    std::fs::write(&file, blankett::to_json(&r)).unwrap();
    let out = blankett().arg("status").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for (label, symbols) in symbol_rows(&r) {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{label} ")))
            .unwrap_or_else(|| panic!("no row for {label} in:\n{text}"));
        let shown: Vec<&str> = line[label.len()..].split_whitespace().collect();
        assert_eq!(shown, symbols, "{label}");
    }
    assert_legend("status", &text);
}

#[test]
fn the_markdown_shows_each_status_with_the_vocabulary_s_symbol_and_label() {
    let (r, q) = the_round_with_every_status();
    let md = blankett::to_markdown(&r, &q);
    for (label, symbols) in symbol_rows(&r) {
        let row = format!("| {label} | {} |", symbols.join(" | "));
        assert!(md.lines().any(|l| l == row), "no {row:?} in:\n{md}");
    }
    assert_legend("markdown", &md);
}

#[test]
fn the_word_report_shows_each_status_with_the_vocabulary_s_symbol_and_label() {
    let (r, q) = the_round_with_every_status();
    let bytes = blankett::to_docx(&r, &q).unwrap();
    // Read back, the table's cells are paragraphs one after the other: a row is the name,
    // then the marks.
    let text = blankett::read_bytes(bytes, None).unwrap().text();
    let table: Vec<&str> = text.split("Inkomna svar").nth(1).unwrap().lines().collect();
    for (label, symbols) in symbol_rows(&r) {
        let at = table.iter().position(|l| *l == label).unwrap();
        assert_eq!(table[at + 1..=at + symbols.len()], symbols, "{label}");
    }
    assert_legend("docx", &text);
}

#[test]
fn the_spreadsheet_shows_each_status_with_the_vocabulary_s_label_and_meaning() {
    let (r, q) = the_round_with_every_status();
    let wb = workbook(&blankett::to_xlsx(&r, &q).unwrap());
    let c = sheet(&wb, "Fullständighet");
    for (i, row) in r.completeness.rows.iter().enumerate() {
        let line = i as u32 + 2;
        assert_eq!(at(c, line, 0), row.label);
        for (j, cell) in row.cells.iter().enumerate() {
            assert_eq!(at(c, line, j as u32 + 1), Mark::from(*cell).label());
        }
    }
    // The legend: each label on its colour, its meaning beside it.
    let legend = (0..200)
        .find(|l| at(c, *l, 0) == "Teckenförklaring")
        .expect("a legend");
    for (k, m) in Mark::MATRIX.iter().enumerate() {
        let line = legend + 1 + k as u32;
        assert_eq!((at(c, line, 1), at(c, line, 2)), (m.label(), m.meaning()));
    }
}

#[test]
fn the_csv_and_the_json_write_each_status_s_code() {
    let (r, q) = the_round_with_every_status();
    let csv = String::from_utf8(blankett::to_csv(&r, &q, &Default::default())).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&blankett::to_json(&r)).unwrap();
    for m in Mark::MATRIX {
        assert!(csv.contains(&format!(",{},", m.code())), "{}", m.code());
        let in_json = json["completeness"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|row| row["cells"].as_array().unwrap().contains(&m.code().into()));
        assert!(in_json, "{}", m.code());
    }
}

/// A respondent whose form could not be read is marked so in `status`'s matrix, and the
/// legend says what the mark means; those who sent nothing keep theirs.
#[test]
fn status_marks_a_form_that_could_not_be_read_with_its_own_symbol() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inkorg 2022-T1");
    std::fs::create_dir_all(&inbox).unwrap();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/forms/ostermalm-2022-T1.docx");
    std::fs::copy(example, inbox.join("ostermalm-2022-T1.docx")).unwrap();
    std::fs::write(inbox.join("Bromma.doc"), compound_file(&["WordDocument"])).unwrap();
    let out = dir.path().join("ut");
    blankett()
        .arg("batch")
        .arg(&inbox)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    let run = blankett().arg("status").arg(&out).output().unwrap();
    let text = String::from_utf8(run.stdout).unwrap();
    let row = |label: &str| -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{label} ")))
            .unwrap_or_else(|| panic!("no row for {label} in:\n{text}"));
        line[label.len()..]
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(row("Bromma stadsdelsnämnd"), vec!["!"; 9]);
    assert_eq!(row("Farsta stadsdelsnämnd"), vec!["✗"; 9]);
    let failed = Mark::FormFailed;
    assert!(
        text.lines()
            .any(|l| l == format!("{} {}", failed.symbol(), failed.label())),
        "{text}"
    );
    assert_legend("status", &text);
}
