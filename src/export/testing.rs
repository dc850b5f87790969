//! A small round by hand, with what the exports must cope with: list items, a table, a
//! note, a typed value, Markdown's special characters, a question missing from a form, an
//! unknown respondent, a conflict and a respondent that has not answered; and a workbook's
//! sheets and formulas read back with calamine.

use crate::model::{Block, Link, NoteKind};
use crate::round::*;
use crate::schema::Questionnaire;
use crate::submission::*;

fn answer(id: &str, area: Option<u8>, status: AnswerStatus, blocks: Vec<Block>) -> Answer {
    Answer {
        question_id: id.into(),
        area,
        question: String::new(),
        status,
        text: crate::model::blocks_text(&blocks),
        blocks,
        value: None,
        matched_by: None,
        control: None,
        carried_over: false,
    }
}

fn para(t: &str) -> Block {
    Block::Paragraph {
        text: t.into(),
        links: vec![],
    }
}

fn source(file: &str, sha: char) -> SourceRef {
    SourceRef {
        file: Some(file.into()),
        sha256: sha.to_string().repeat(64),
        bytes: 1000,
        producer: None,
        template: None,
        modified: None,
        file_modified: None,
    }
}

pub fn questionnaire() -> Questionnaire {
    Questionnaire::builtin()
}

/// The district questions: two respondents, one unknown form, one missing committee.
pub fn round(redact: bool) -> Round {
    let q = questionnaire();
    let ids: Vec<String> = q
        .questions_of("stadsdelsnamnd")
        .map(|x| x.id.clone())
        .collect();
    let subs = vec![
        submission(
            &q,
            Some(("bromma-sdn", "Bromma stadsdelsnämnd")),
            "Bromma.docx",
            'a',
            bromma_answers(&q, &ids),
        ),
        submission(
            &q,
            Some(("farsta-sdn", "Farsta stadsdelsnämnd")),
            "Farsta.docx",
            'b',
            farsta_answers(&q, &ids),
        ),
        submission(&q, None, "okand.docx", 'c', unknown_answers(&q, &ids)),
    ];
    let opts = Options {
        round: "2022-T1".parse().ok(),
        expected: Some(vec![
            "bromma-sdn".into(),
            "farsta-sdn".into(),
            "enskede-arsta-vantor-sdn".into(),
        ]),
        redact_contact: redact,
        now: Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_651_480_200)),
    };
    let mut r = consolidate(subs, &q, &crate::schema::Registry::builtin(), &opts);
    r.conflicts.push(round_mismatch());
    r
}

/// A district form as read: the respondent (`None`: not recognised), a contact made from
/// the file name and `sha`, and the answers.
fn submission(
    q: &Questionnaire,
    respondent: Option<(&str, &str)>,
    file: &str,
    sha: char,
    answers: Vec<Answer>,
) -> Submission {
    Submission {
        format_version: "1.0".into(),
        questionnaire: QuestionnaireRef {
            id: q.id.clone(),
            version: q.version.clone(),
            variant: "stadsdelsnamnd".into(),
            variant_by: crate::submission::VariantBy::Detected,
        },
        round: "2022-T1".parse().ok(),
        respondent: respondent.map(|(id, name)| RespondentRef {
            id: id.into(),
            committee: name.into(),
            kind: "stadsdelsnamnd".into(),
            resolved_by: ResolvedBy::Control,
            as_written: None,
        }),
        as_converted: None,
        identity: None,
        contact: Some(Contact {
            name: Some(format!("Kontakt {file}")),
            phone: Some("+46 8 508 000 00".into()),
            phone_as_written: Some("08-508 000 00".into()),
            email: Some(format!("kontakt.{sha}@stockholm.se")),
            email_as_written: None,
            email_valid: Some(true),
        }),
        redacted: false,
        answers,
        unmapped: vec![],
        comments: vec![],
        warnings: vec![],
        source: source(file, sha),
    }
}

fn area_of(q: &Questionnaire, id: &str) -> Option<u8> {
    q.questions.iter().find(|x| x.id == id).unwrap().area
}

/// Bromma answers every question but the last two (the ninth is optional), the first with every
/// kind of block.
fn bromma_answers(q: &Questionnaire, ids: &[String]) -> Vec<Answer> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let blocks = match i {
                0 => every_kind_of_block(),
                7 | 8 => vec![],
                _ => vec![para(&format!("Svar {i} från Bromma.\nAndra raden."))],
            };
            let status = if blocks.is_empty() {
                AnswerStatus::Unanswered
            } else {
                AnswerStatus::Answered
            };
            answer(id, area_of(q, id), status, blocks)
        })
        .collect()
}

/// A paragraph full of Markdown's special characters, list items on two levels (one with a
/// link), a table and a footnote.
fn every_kind_of_block() -> Vec<Block> {
    vec![
        para("# Inte en rubrik | med *stjärnor* och _understreck_ <b>"),
        Block::ListItem {
            text: "Första punkten".into(),
            level: 0,
            links: vec![],
        },
        Block::ListItem {
            text: "- underpunkt med [länk](x)".into(),
            level: 1,
            links: vec![Link {
                text: "länk".into(),
                target: "https://start.stockholm".into(),
            }],
        },
        Block::Table {
            rows: vec![
                vec!["Aktivitet".into(), "Antal | st".into()],
                vec!["Företagsbesök\nvår".into(), "12".into()],
            ],
        },
        Block::Note {
            note: NoteKind::Footnote,
            text: "Enligt SBR.".into(),
        },
    ]
}

/// Farsta's form lacks the second question; the third has a typed value.
fn farsta_answers(q: &Questionnaire, ids: &[String]) -> Vec<Answer> {
    let mut answers: Vec<Answer> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| match i {
            1 => answer(id, area_of(q, id), AnswerStatus::Missing, vec![]),
            _ => answer(
                id,
                area_of(q, id),
                AnswerStatus::Answered,
                vec![para(&format!("1. Farsta svarar på fråga {i}."))],
            ),
        })
        .collect();
    answers[2].value = Some(serde_json::json!(true));
    answers
}

/// The form nobody could be found for answers everything.
fn unknown_answers(q: &Questionnaire, ids: &[String]) -> Vec<Answer> {
    ids.iter()
        .map(|id| {
            answer(
                id,
                area_of(q, id),
                AnswerStatus::Answered,
                vec![para("Okänd avsändare svarar.")],
            )
        })
        .collect()
}

/// A form for another round, left out.
fn round_mismatch() -> Conflict {
    Conflict {
        code: crate::round::ConflictCode::RoundMismatch,
        message: "the form is for round 2021-VB, not 2022-T1; it is left out".into(),
        respondent_id: Some("farsta-sdn".into()),
        label: "Farsta stadsdelsnämnd".into(),
        source: SourceSummary {
            file: Some("Farsta VB 2021.docx".into()),
            sha256: "d".repeat(64),
        },
    }
}

/// A sheet of a workbook read back with calamine: its rows, each cell as text (a number as
/// written, an empty cell as ""), from A1.
pub fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|v| match v {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// How many cells of every sheet of a workbook hold a formula.
pub fn formulas(bytes: &[u8]) -> usize {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    wb.sheet_names()
        .into_iter()
        .map(|name| {
            let f = wb.worksheet_formula(&name).unwrap();
            f.used_cells().filter(|(_, _, s)| !s.is_empty()).count()
        })
        .sum()
}
