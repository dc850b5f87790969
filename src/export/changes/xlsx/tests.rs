//! The comparison's workbook read back: rows, statuses, texts, rich-text runs, no formulas.

use super::*;
use crate::compare::same_text;
use crate::compare::testing::sample;
use crate::export::testing::{formulas, sheet};

fn row<'s>(rows: &'s [Vec<String>], question: &str, respondent: &str) -> &'s [String] {
    rows.iter()
        .find(|r| r[1] == question && r[3] == respondent)
        .unwrap_or_else(|| panic!("no row {question} {respondent}"))
}

#[test]
fn a_row_per_respondent_and_question_with_its_status_and_both_answers() {
    let c = sample();
    let bytes = to_xlsx(&c).unwrap();
    let rows = sheet(&bytes, CHANGES_SHEET);
    assert_eq!(
        rows[0],
        [
            "Område",
            "Fråga-id",
            "Fråga",
            "Nämnd/bolag",
            "Status",
            "Svar 2023-T1",
            "Svar 2023-T2",
            "Skillnad",
            "Lämnat som förifyllt"
        ]
    );
    let mut expected = Vec::new();
    for area in &c.areas {
        for q in &area.questions {
            for a in &q.answers {
                let text = |t: &Option<String>| t.clone().unwrap_or_default();
                expected.push((q.question_id.clone(), a.label.clone(), a.status.label()));
                let got = row(&rows, &q.question_id, &a.label);
                assert_eq!(got[4], a.status.label());
                assert_eq!((&got[5], &got[6]), (&text(&a.before), &text(&a.after)));
            }
        }
    }
    let got: Vec<_> = rows[1..]
        .iter()
        .map(|r| (r[1].clone(), r[3].clone(), r[4].as_str()))
        .collect();
    assert_eq!(
        got, expected,
        "question by question, in the comparison's order"
    );
    let farsta = |q: &str| row(&rows, q, "Farsta stadsdelsnämnd");
    assert_eq!(farsta("samverkan-lokalt-naringsliv")[4], "Ändrat");
    assert_eq!(
        farsta("samverkan-lokalt-naringsliv")[0],
        "1. Stimulera tillväxt och företagsamhet"
    );
    assert_eq!(farsta("svart-ekonomi-samverkan")[4], "Borttaget");
    assert_eq!(
        farsta("svart-ekonomi-samverkan")[5],
        "Kontroller med polisen."
    );
    assert_eq!(farsta("vaxla-upp-stockholm")[8], "ja");
    assert_eq!(farsta("platssamverkan")[8], "");
    assert_eq!(formulas(&bytes), 0);
}

/// The runs of the shared string that holds `needle`: each run's text, and whether it is
/// struck through or underlined.
fn runs(bytes: &[u8], needle: &str) -> Vec<(String, bool, bool)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    let part = zip.by_name("xl/sharedStrings.xml").unwrap();
    part.take(10_000_000).read_to_string(&mut xml).unwrap();
    let si = xml
        .split("<si>")
        .find(|si| si.contains(needle) && si.contains("<r>"))
        .unwrap_or_else(|| panic!("no rich string with {needle}"));
    si.split("<r>")
        .skip(1)
        .map(|r| {
            let t = &r[r.find("<t").unwrap()..];
            let text = &t[t.find('>').unwrap() + 1..t.find("</t>").unwrap()];
            (text.to_owned(), r.contains("<strike/>"), r.contains("<u/>"))
        })
        .collect()
}

#[test]
fn the_difference_is_rich_text_removed_struck_through_added_underlined() {
    let c = sample();
    let bytes = to_xlsx(&c).unwrap();
    let changed = c
        .areas
        .iter()
        .flat_map(|a| &a.questions)
        .find(|q| q.question_id == "samverkan-lokalt-naringsliv")
        .and_then(|q| q.answers.iter().find(|a| a.respondent_id == "farsta-sdn"))
        .unwrap();
    let got = runs(&bytes, "träffat");
    // The pieces as the documents mark them: a space between a removed and an added word.
    let expected: Vec<(String, bool, bool)> = words::marked_lines(&changed.diff)
        .concat()
        .into_iter()
        .map(|(op, text)| (text, op == DiffOp::Removed, op == DiffOp::Added))
        .collect();
    assert_eq!(got[1], ("12".to_owned(), true, false));
    assert_eq!(got[2], (" ".to_owned(), false, false));
    assert_eq!(got[3], ("15".to_owned(), false, true));
    assert_eq!(got, expected);
    assert!(got.iter().any(|r| r.1) && got.iter().any(|r| r.2));
    // Read as plain text, the cell is the pieces in order: the kept and removed ones spell
    // the earlier answer, the kept and added ones the later.
    let rows = sheet(&bytes, CHANGES_SHEET);
    let cell = &row(
        &rows,
        "samverkan-lokalt-naringsliv",
        "Farsta stadsdelsnämnd",
    )[7];
    let spelled = |struck: bool| -> String {
        got.iter()
            .filter(|r| if struck { !r.2 } else { !r.1 })
            .map(|r| r.0.as_str())
            .collect()
    };
    assert_eq!(*cell, got.iter().map(|r| r.0.as_str()).collect::<String>());
    assert!(same_text(
        &spelled(true),
        changed.before.as_deref().unwrap()
    ));
    assert!(same_text(
        &spelled(false),
        changed.after.as_deref().unwrap()
    ));
    // Only a changed answer has a difference.
    assert_eq!(
        row(&rows, "svart-ekonomi-samverkan", "Farsta stadsdelsnämnd")[7],
        ""
    );
}

#[test]
fn answers_that_look_like_formulas_stay_text() {
    let mut c = sample();
    let a = &mut c.areas[0].questions[0].answers[0];
    a.before = Some("=1+1".into());
    a.after = Some("@SUM(A1:A2)".into());
    a.status = ChangeStatus::Changed;
    a.diff = vec![
        DiffPart {
            op: DiffOp::Removed,
            text: "=1+1".into(),
        },
        DiffPart {
            op: DiffOp::Added,
            text: "@SUM(A1:A2)".into(),
        },
    ];
    let bytes = to_xlsx(&c).unwrap();
    assert_eq!(formulas(&bytes), 0);
    let rows = sheet(&bytes, CHANGES_SHEET);
    assert_eq!(rows[1][5..8], ["=1+1", "@SUM(A1:A2)", "=1+1 @SUM(A1:A2)"]);
}

#[test]
fn a_difference_longer_than_a_cell_is_cut_with_the_marker_and_no_empty_run() {
    let part = |op, text: String| DiffPart { op, text };
    let diff = [
        part(DiffOp::Same, "\u{1}".into()),
        part(DiffOp::Removed, "å".repeat(20_000)),
        part(DiffOp::Added, "😀".repeat(10_000)),
        part(DiffOp::Same, "slut".into()),
    ];
    let runs = diff_runs(&diff);
    let len: usize = runs.iter().map(|(_, t)| t.encode_utf16().count()).sum();
    assert!(len <= CELL_LIMIT, "{len}");
    assert_eq!(runs[0], (DiffOp::Removed, "å".repeat(20_000)));
    assert_eq!(runs[1], (DiffOp::Same, " ".to_owned()));
    assert_eq!(runs[2].0, DiffOp::Added);
    assert_eq!(runs.last().unwrap(), &(DiffOp::Same, CUT_MARKER.to_owned()));
    assert!(runs.iter().all(|(_, t)| !t.is_empty()));
    // A short one is kept whole, cleaned.
    let short = [
        part(DiffOp::Same, "a\u{1}".into()),
        part(DiffOp::Added, "b".into()),
    ];
    assert_eq!(
        diff_runs(&short),
        [(DiffOp::Same, "a".into()), (DiffOp::Added, "b".into())]
    );
}

#[test]
fn the_respondents_sheet_says_who_is_in_both_rounds_and_counts_their_answers() {
    let bytes = to_xlsx(&sample()).unwrap();
    let rows = sheet(&bytes, RESPONDENTS_SHEET);
    assert_eq!(
        rows[0][..5],
        [
            "Nämnd/bolag",
            "Id",
            "Omgångar",
            "Formulär 2023-T1",
            "Formulär 2023-T2"
        ]
    );
    let labels: Vec<&str> = ChangeStatus::ALL.iter().map(|s| s.label()).collect();
    assert_eq!(rows[0][5..], labels);
    let of = |id: &str| rows.iter().find(|r| r[1] == id).unwrap();
    assert_eq!(of("kungsholmen-sdn")[2], "I båda omgångarna.");
    assert_eq!(
        of("nya-sdn")[2],
        "Hette Gamla stadsdelsnämnden i 2023-T1; svaren jämförs över namnbytet."
    );
    assert_eq!(
        of("norra-innerstaden-sdn")[2],
        "Ny från 2023-07-01, tog över efter Norrmalms stadsdelsnämnd och Östermalms stadsdelsnämnd."
    );
    assert_eq!(
        of("ostermalm-sdn")[2],
        "Upphörde efter 2023-06-30, uppgick i Norra innerstadens stadsdelsnämnd."
    );
    assert_eq!(
        of("bromma-sdn")[2],
        "Lämnade inget formulär i 2023-T1, fast det väntades."
    );
    assert_eq!(
        of("farsta-sdn")[3..],
        ["a.docx", "f.docx", "1", "1", "2", "1", "4"]
    );
    assert_eq!(of("nya-sdn")[3..5], ["e.docx", "i.docx"]);
}

#[test]
fn the_summary_counts_answers_respondents_and_forms() {
    let c = sample();
    let rows = sheet(&to_xlsx(&c).unwrap(), SUMMARY_SHEET);
    assert_eq!(rows[0][0], "Förändringar 2023-T1 → 2023-T2");
    for s in ChangeStatus::ALL {
        let r = rows.iter().find(|r| r[0] == s.label()).unwrap();
        assert_eq!(r[1], c.summary.of(s).to_string(), "{}", s.label());
    }
    let count = |label: &str| &rows.iter().find(|r| r[0] == label).unwrap()[1];
    assert_eq!(count("I båda omgångarna"), "3");
    assert_eq!(count("Bara i 2023-T2 (nya)"), "2");
    assert_eq!(count("Bara i 2023-T1 (försvunna)"), "2");
    assert_eq!(count("I 2023-T2"), "6");
    assert!(
        rows.iter()
            .any(|r| r[0].starts_with("Skapad 2023-08-25 kl."))
    );
}

#[test]
fn the_same_comparison_gives_the_same_bytes_dated_by_the_later_round() {
    use std::io::Read;
    let c = sample();
    let bytes = to_xlsx(&c).unwrap();
    assert_eq!(bytes, to_xlsx(&sample()).unwrap());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut core = String::new();
    zip.by_name("docProps/core.xml")
        .unwrap()
        .read_to_string(&mut core)
        .unwrap();
    let at: jiff::Timestamp = c.after.generated_at.as_deref().unwrap().parse().unwrap();
    let created = at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert!(core.contains(&created), "{created} in {core}");
}

#[test]
fn rounds_not_known_are_named_in_words() {
    let mut c = sample();
    c.before.round = None;
    let rows = sheet(&to_xlsx(&c).unwrap(), CHANGES_SHEET);
    assert_eq!(rows[0][5], "Svar den tidigare omgången");
    assert_eq!(rows[0][6], "Svar 2023-T2");
}

#[test]
fn a_difference_too_marked_for_a_cell_is_written_unmarked_saying_why() {
    // 4,000 runs of a few letters: the text fits in a cell, the runs' markup does not.
    let mut c = sample();
    let a = &mut c.areas[0].questions[0].answers[0];
    let part = |op, text: &str| DiffPart {
        op,
        text: text.into(),
    };
    a.status = ChangeStatus::Changed;
    a.diff = (0..1000)
        .flat_map(|_| {
            [
                part(DiffOp::Removed, "a1"),
                part(DiffOp::Same, " "),
                part(DiffOp::Added, "b1"),
                part(DiffOp::Same, " "),
            ]
        })
        .collect();
    let bytes = to_xlsx(&c).unwrap();
    let rows = sheet(&bytes, CHANGES_SHEET);
    let cell = &rows[1][7];
    assert!(cell.starts_with(TOO_MANY_MARKS), "{}", &cell[..80]);
    assert!(
        cell.trim_end().ends_with("a1 b1 a1 b1"),
        "{}",
        &cell[cell.len() - 40..]
    );
}
