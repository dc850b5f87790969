//! A small round by hand, with what the exports must cope with: list items, a table, a
//! note, a typed value, Markdown's special characters, a question missing from a form, an
//! unknown respondent, a conflict and a respondent that has not answered.

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
    let sub =
        |resp: Option<(&str, &str)>, file: &str, sha: char, answers: Vec<Answer>| Submission {
            format_version: "1.0".into(),
            questionnaire: QuestionnaireRef {
                id: q.id.clone(),
                version: q.version.clone(),
                variant: "stadsdelsnamnd".into(),
                variant_by: crate::submission::VariantBy::Detected,
            },
            round: "2022-T1".parse().ok(),
            respondent: resp.map(|(id, name)| RespondentRef {
                id: id.into(),
                committee: name.into(),
                kind: "stadsdelsnamnd".into(),
                resolved_by: ResolvedBy::Control,
                as_written: None,
            }),
            contact: Some(Contact {
                name: Some(format!("Kontakt {file}")),
                phone: Some("+46 8 508 000 00".into()),
                phone_as_written: Some("08-508 000 00".into()),
                email: Some(format!("kontakt.{sha}@stockholm.se")),
                email_as_written: None,
                email_valid: Some(true),
            }),
            answers,
            unmapped: vec![],
            comments: vec![],
            warnings: vec![],
            source: source(file, sha),
        };
    let area_of = |id: &str| q.questions.iter().find(|x| x.id == id).unwrap().area;
    let full: Vec<Answer> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let blocks = match i {
                0 => vec![
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
                ],
                8 => vec![],
                _ => vec![para(&format!("Svar {i} från Bromma.\nAndra raden."))],
            };
            let status = if blocks.is_empty() {
                AnswerStatus::Unanswered
            } else {
                AnswerStatus::Answered
            };
            answer(id, area_of(id), status, blocks)
        })
        .collect();
    let mut partial: Vec<Answer> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| match i {
            1 => answer(id, area_of(id), AnswerStatus::Missing, vec![]),
            _ => answer(
                id,
                area_of(id),
                AnswerStatus::Answered,
                vec![para(&format!("1. Farsta svarar på fråga {i}."))],
            ),
        })
        .collect();
    partial[2].value = Some(serde_json::json!(true));
    let unknown: Vec<Answer> = ids
        .iter()
        .map(|id| {
            answer(
                id,
                area_of(id),
                AnswerStatus::Answered,
                vec![para("Okänd avsändare svarar.")],
            )
        })
        .collect();
    let subs = vec![
        sub(
            Some(("bromma-sdn", "Bromma stadsdelsnämnd")),
            "Bromma.docx",
            'a',
            full,
        ),
        sub(
            Some(("farsta-sdn", "Farsta stadsdelsnämnd")),
            "Farsta.docx",
            'b',
            partial,
        ),
        sub(None, "okand.docx", 'c', unknown),
    ];
    let opts = Options {
        round: "2022-T1".parse().ok(),
        expected: Some(vec![
            "bromma-sdn".into(),
            "farsta-sdn".into(),
            "enskede-arsta-vantor-sdn".into(),
        ]),
        redact_contact: redact,
    };
    let mut r = consolidate(subs, &q, &crate::schema::Registry::builtin(), &opts);
    r.conflicts.push(Conflict {
        code: ConflictCode::RoundMismatch,
        message: "the form is for round 2021-VB, not 2022-T1; it is left out".into(),
        respondent_id: Some("farsta-sdn".into()),
        source: SourceSummary {
            file: Some("Farsta VB 2021.docx".into()),
            sha256: "d".repeat(64),
        },
    });
    r
}
