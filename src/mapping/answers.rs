//! The answers: each question's, from its control and the text written under it outside
//! controls, and each field's value (the committee, the round, the contact details), which
//! resolution reads. An answer's text never keeps a placeholder left at its start.
//!
//! Which control answers what is the matching's; a typed value (yes/no, date, choice) is
//! [`super::values`]'.

use std::collections::HashSet;

use super::flow::ParagraphRole;
use super::text_match::key;
use super::{BlocksMove, BlocksTo, Run, control_ref, paragraph, values, warning};
use crate::model::{Block, Control, Status};
use crate::schema::Question;
use crate::submission::{Answer, AnswerStatus, MatchedBy, SubmissionWarning};
use crate::warning_code::WarningCode;

/// Answers every question of the variant, in order, and reads every field's value.
pub(super) fn answer_items(run: &mut Run<'_, '_>) {
    let (doc, data) = (run.doc, run.data);
    let anchored: HashSet<usize> = run
        .roles
        .iter()
        .filter_map(|r| match r {
            ParagraphRole::Anchor(i) => Some(*i),
            _ => None,
        })
        .collect();
    for (i, item) in data.items.iter().enumerate() {
        let found = run.matches.taken.get(&i).map(|&ci| {
            let c = run.candidates[ci];
            let by = run.matches.of_candidate[ci].map(|(_, by)| by);
            (c, by)
        });
        let control = found.map(|(c, _)| &doc.controls[c]);
        let loose: Vec<String> = run.loose.by_item.remove(&i).unwrap_or_default();
        if let Some(role) = item.role {
            if !loose.is_empty() && control.is_some() {
                run.out.warnings.push(warning(
                    WarningCode::AnswerOutsideControl,
                    "text written beside the field outside its control was taken into it",
                    Some(run.item_id(i)),
                ));
            }
            run.fields
                .insert(role, field_value(control, loose, &item.placeholders));
            continue;
        }
        let question = item.question.expect("a question item");
        let (a, deferred) = answer(
            question,
            control,
            found.and_then(|(_, by)| by),
            &loose,
            anchored.contains(&i),
            run.moves.is_some(),
            &mut run.out.warnings,
        );
        if let (Some(moves), true, Some((c, _))) = (run.moves.as_mut(), deferred, found) {
            moves.push(BlocksMove {
                control: c,
                to: BlocksTo::Answer(run.out.answers.len()),
            });
        }
        run.out.answers.push(a);
    }
}

/// A field's value: what its control holds, continued by what was written beside it outside
/// the control (`Helena Näslund`, `, utvecklingsstrateg`). Text that is one of the field's
/// placeholders (`placeholders`, comparison keys) is no value, even where nothing marks it
/// as one: a form whose placeholder marks were lost still shows the template's text.
fn field_value(
    control: Option<&Control>,
    loose: Vec<String>,
    placeholders: &[String],
) -> Option<String> {
    let mut parts: Vec<String> = match control {
        Some(c) if c.status == Status::Answered => vec![strip_placeholder(&c.text, c).0],
        _ => Vec::new(),
    };
    parts.extend(loose);
    parts.retain(|t| !t.is_empty() && !placeholders.contains(&key(t)));
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// An answer being put together.
struct Draft {
    status: AnswerStatus,
    text: String,
    blocks: Vec<Block>,
    /// The control's blocks were left out, for the caller to move in.
    deferred: bool,
}

impl Draft {
    fn new(status: AnswerStatus) -> Draft {
        Draft {
            status,
            text: String::new(),
            blocks: Vec::new(),
            deferred: false,
        }
    }
}

/// The answer to `question`, and, when `defer_blocks`, whether it left out its control's blocks
/// (for the caller to move in ahead of the blocks it holds). `anchored`: the question's text
/// stands in the form, so a question without a control is unanswered, not missing.
fn answer(
    question: &Question,
    control: Option<&Control>,
    matched_by: Option<MatchedBy>,
    loose: &[String],
    anchored: bool,
    defer_blocks: bool,
    warnings: &mut Vec<SubmissionWarning>,
) -> (Answer, bool) {
    let qid = Some(question.id.as_str());
    let mut draft = match control {
        Some(c) => from_control(c, loose.is_empty(), defer_blocks, qid, warnings),
        None if anchored => Draft::new(AnswerStatus::Unanswered),
        None => Draft::new(AnswerStatus::Missing),
    };
    if !loose.is_empty() {
        warnings.push(warning(
            WarningCode::AnswerOutsideControl,
            outside_message(loose.len(), control.is_some()),
            qid,
        ));
        add_loose(&mut draft, loose);
    }
    let matched_by = match (matched_by, control, loose.is_empty()) {
        (Some(by), Some(_), _) => Some(by),
        (_, None, false) => Some(MatchedBy::OutsideControl),
        _ => None,
    };
    let value = (draft.status == AnswerStatus::Answered)
        .then(|| values::typed_value(question, control, &draft.text, warnings))
        .flatten();
    if draft.status == AnswerStatus::Missing {
        warnings.push(warning(
            WarningCode::QuestionMissing,
            "the question was not found in the form",
            qid,
        ));
    }
    let a = Answer {
        question_id: question.id.clone(),
        area: question.area,
        question: question.text.clone(),
        status: draft.status,
        text: draft.text,
        blocks: draft.blocks,
        value,
        matched_by,
        control: control.map(control_ref),
    };
    (a, draft.deferred)
}

/// What the control holds. `alone`: nothing was written beside it, so a placeholder it still
/// shows is worth a warning.
fn from_control(
    c: &Control,
    alone: bool,
    defer_blocks: bool,
    qid: Option<&str>,
    warnings: &mut Vec<SubmissionWarning>,
) -> Draft {
    let mut draft = Draft::new(AnswerStatus::Unanswered);
    if c.status == Status::Answered {
        let (t, cut) = strip_placeholder(&c.text, c);
        if cut {
            warnings.push(warning(
                WarningCode::PlaceholderInAnswer,
                "the answer began with the placeholder text, which was left out",
                qid,
            ));
            draft.blocks = vec![paragraph(&t)];
        } else if defer_blocks {
            draft.deferred = true;
        } else {
            draft.blocks = c.blocks.clone();
        }
        draft.text = t;
        draft.status = AnswerStatus::Answered;
    } else if c.status == Status::Placeholder && alone {
        warnings.push(warning(
            WarningCode::PlaceholderLeft,
            "the control still shows its placeholder",
            qid,
        ));
    }
    draft
}

/// Text written under the question outside its control continues the answer.
fn add_loose(draft: &mut Draft, loose: &[String]) {
    for l in loose {
        if !draft.text.is_empty() {
            draft.text.push('\n');
        }
        draft.text.push_str(l);
        draft.blocks.push(paragraph(l));
    }
    draft.status = AnswerStatus::Answered;
}

fn outside_message(paragraphs: usize, has_control: bool) -> String {
    if has_control {
        format!(
            "{} paragraph{} written under the question outside its control {} taken into the answer",
            paragraphs,
            if paragraphs == 1 { "" } else { "s" },
            if paragraphs == 1 { "was" } else { "were" }
        )
    } else {
        "the question has no control; the text written under it is the answer".into()
    }
}

/// An answer's text without a placeholder left at its start (a form saved by a program that
/// kept the placeholder and appended the answer). Returns the text and whether it was cut.
pub(super) fn strip_placeholder(text: &str, c: &Control) -> (String, bool) {
    let mut cut = None;
    for p in c
        .placeholder_text
        .iter()
        .map(String::as_str)
        .chain(crate::ooxml::text::DEFAULT_PLACEHOLDERS.iter().copied())
    {
        if let Some(rest) = text.strip_prefix(p)
            && !rest.trim().is_empty()
        {
            cut = Some(rest.trim_start().to_owned());
            break;
        }
    }
    match cut {
        Some(rest) => (rest, true),
        None => (text.to_owned(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::testing::{DocBuilder, Q1, answer, map, warnings};

    #[test]
    fn a_placeholder_left_at_the_start_of_an_answer_is_cut() {
        let doc = DocBuilder::new()
            .control(|c| {
                c.placeholder_text("Skriv ditt svar här.")
                    .text("Skriv ditt svar här. Vi har en lots.")
            })
            .control(|c| c.text("Klicka här för att ange text.Svar"))
            .control(|c| c.placeholder_text("Skriv här.").text("Skriv här.  "))
            .control(|c| c.placeholder_text("Skriv här.").text("Vi skriver här."))
            .build();
        let cut = |i: usize| strip_placeholder(&doc.controls[i].text, &doc.controls[i]);
        assert_eq!(cut(0), ("Vi har en lots.".into(), true));
        // Word's own placeholder texts are known without the control's.
        assert_eq!(cut(1), ("Svar".into(), true));
        // A placeholder with nothing after it is left as it is.
        assert_eq!(cut(2), ("Skriv här.  ".into(), false));
        assert_eq!(cut(3), ("Vi skriver här.".into(), false));
    }

    #[test]
    fn an_answer_begun_with_its_placeholder_is_the_rest_and_warned_of() {
        let s = map(&DocBuilder::new()
            .control(|c| {
                c.tag("q1")
                    .placeholder_text("Skriv här.")
                    .text("Skriv här. Vi har en lots.")
            })
            .build());
        let a = answer(&s, "q1");
        assert_eq!(a.text, "Vi har en lots.");
        assert_eq!(a.blocks, [paragraph("Vi har en lots.")]);
        assert!(warnings(&s).contains(&("placeholder-in-answer", Some("q1"))));
    }

    #[test]
    fn an_answer_keeps_its_controls_blocks_and_says_which_control() {
        let s = map(&DocBuilder::new()
            .control(|c| c.tag("q1").alias("Förenkling").text("Rad ett\nRad två"))
            .build());
        let a = answer(&s, "q1");
        assert_eq!(a.blocks, [paragraph("Rad ett"), paragraph("Rad två")]);
        let c = a.control.as_ref().unwrap();
        assert_eq!(
            (c.index, c.tag.as_deref(), c.control_type.as_str()),
            (0, Some("q1"), "richText")
        );
        assert_eq!(a.question, Q1);
        assert_eq!(a.area, Some(1));
    }

    #[test]
    fn a_control_still_showing_its_placeholder_is_unanswered_and_warned_of() {
        let s = map(&DocBuilder::new()
            .control(|c| c.tag("q1").placeholder("Skriv här."))
            .build());
        let a = answer(&s, "q1");
        assert_eq!((a.status, a.text.as_str()), (AnswerStatus::Unanswered, ""));
        assert!(a.blocks.is_empty());
        // Which control it is, all the same.
        assert_eq!(a.matched_by, Some(MatchedBy::Tag));
        assert!(a.control.is_some());
        assert!(warnings(&s).contains(&("placeholder-left", Some("q1"))));
    }

    #[test]
    fn text_under_a_control_showing_its_placeholder_is_the_answer() {
        let s = map(&DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.placeholder("Skriv här."))
            .paragraph("Svar under.")
            .build());
        let a = answer(&s, "q1");
        assert_eq!(
            (a.status, a.text.as_str()),
            (AnswerStatus::Answered, "Svar under.")
        );
        assert_eq!(a.matched_by, Some(MatchedBy::QuestionText));
        assert!(!warnings(&s).contains(&("placeholder-left", Some("q1"))));
        let w = s
            .warnings
            .iter()
            .find(|w| w.code.as_str() == "answer-outside-control")
            .unwrap();
        assert_eq!(
            w.message,
            "1 paragraph written under the question outside its control was taken into the answer"
        );
    }

    #[test]
    fn every_question_of_the_variant_is_answered_in_order_missing_ones_warned_of() {
        let s = map(&DocBuilder::new().build());
        let ids: Vec<&str> = s.answers.iter().map(|a| a.question_id.as_str()).collect();
        assert_eq!(ids, ["q1", "q2", "q3", "q4", "q5", "q7"]);
        assert!(s.answers.iter().all(|a| a.status == AnswerStatus::Missing));
        assert!(warnings(&s).contains(&("question-missing", Some("q7"))));
        // Fields are not answers, and are not warned of as missing.
        assert!(!warnings(&s).iter().any(|w| w.1 == Some("namnd")));
    }

    #[test]
    fn a_field_is_its_control_continued_by_text_beside_it() {
        let doc = DocBuilder::new()
            .control(|c| c.placeholder_text("Namn").text("Namn Helena"))
            .control(|c| c.placeholder("Namn"))
            .build();
        let value = |i: usize, loose: &[&str]| {
            field_value(
                Some(&doc.controls[i]),
                loose.iter().map(|l| l.to_string()).collect(),
                &[],
            )
        };
        assert_eq!(value(0, &[]).as_deref(), Some("Helena"));
        assert_eq!(value(0, &["Näslund"]).as_deref(), Some("Helena Näslund"));
        assert_eq!(value(1, &["Helena"]).as_deref(), Some("Helena"));
        assert_eq!(value(1, &[]), None);
        assert_eq!(field_value(None, Vec::new(), &[]), None);
    }

    #[test]
    fn a_field_showing_one_of_its_placeholders_without_a_mark_has_no_value() {
        // A form whose committee field lost its placeholder marks (no `showingPlcHdr`, no
        // glossary) still shows the template's text: no committee is named.
        let doc = DocBuilder::new()
            .control(|c| c.text("Stadsdelsnämnderna"))
            .control(|c| c.text("Östermalms stadsdelsnämnd"))
            .build();
        let placeholders = [key("Skriv nämndens namn."), key("Stadsdelsnämnderna")];
        let value = |i: usize, loose: &[&str]| {
            field_value(
                Some(&doc.controls[i]),
                loose.iter().map(|l| l.to_string()).collect(),
                &placeholders,
            )
        };
        assert_eq!(value(0, &[]), None);
        assert_eq!(value(0, &["skriv nämndens namn"]), None);
        assert_eq!(value(0, &["Östermalm"]).as_deref(), Some("Östermalm"));
        assert_eq!(value(1, &[]).as_deref(), Some("Östermalms stadsdelsnämnd"));
    }
}
