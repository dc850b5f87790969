//! The answers: each question's, from its control and what was written beside it outside
//! controls, and each field's value (the committee, the round, the contact details), which
//! resolution reads. Text typed in an inline control's paragraph continues the answer on the
//! control's line; the paragraphs under it, and the controls that answer no question there,
//! on lines of their own. An answer's text never keeps a placeholder left at its start.
//!
//! Which control answers what is the matching's; a typed value (yes/no, date, choice) is
//! [`super::values`]'.

use std::collections::HashSet;

use super::flow::{ParagraphRole, Piece};
use super::lines::Part;
use super::text_match::key;
use super::{BlocksMove, BlocksTo, Run, control_ref, paragraph, values, warning};
use crate::model::{Block, Control, Link, Status};
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
        let line = control.and_then(|c| own_line(run, c, i));
        let loose: Vec<Piece> = run.loose.by_item.remove(&i).unwrap_or_default();
        if let Some(role) = item.role {
            if (!loose.is_empty() || line.is_some()) && control.is_some() {
                run.out.warnings.push(warning(
                    WarningCode::AnswerOutsideControl,
                    "text written beside the field outside its control was taken into it",
                    Some(run.item_id(i)),
                ));
            }
            run.fields
                .insert(role, field_value(control, line, loose, &item.placeholders));
            continue;
        }
        let question = item.question.expect("a question item");
        let found_control = Found {
            control,
            matched_by: found.and_then(|(_, by)| by),
            line,
        };
        let (a, deferred) = answer(
            question,
            found_control,
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

/// The line an answered inline control stands in, when it holds more than the control: the
/// text typed before and after it, and the controls that answer no question there, as one
/// line (`Vi träffar [12] företag i månaden.`). Its placeholder left at its start is cut.
struct OwnLine {
    /// The control's line: its text in place.
    text: String,
    /// The controls that answer no question and were taken into the line.
    joined: Vec<usize>,
}

fn own_line(run: &Run<'_, '_>, c: &Control, i: usize) -> Option<OwnLine> {
    if c.status != Status::Answered {
        return None;
    }
    let line = run.lines.get(&c.flow_index?)?;
    let joins = |s: usize| run.continues.get(&s) == Some(&i);
    let span = line.span(c.index, joins)?;
    let joined: Vec<usize> = line.parts[span.clone()]
        .iter()
        .filter_map(|p| match p {
            Part::Control(s) if *s != c.index => Some(*s),
            _ => None,
        })
        .collect();
    if !line.has_typed(&span) && joined.is_empty() {
        return None;
    }
    let text = line.text(&span, |s| {
        let other = &run.doc.controls[s];
        match other.status {
            _ if s == c.index => strip_placeholder(&c.text, c).0,
            Status::Answered => other.text.clone(),
            _ => String::new(),
        }
    });
    Some(OwnLine { text, joined })
}

/// A field's value: what its control holds, on its line, continued by what was written beside
/// it outside the control (`Helena Näslund, utvecklingsstrateg`). Text that is one of the
/// field's placeholders (`placeholders`, comparison keys) is no value, even where nothing marks
/// it as one: a form whose placeholder marks were lost still shows the template's text.
fn field_value(
    control: Option<&Control>,
    line: Option<OwnLine>,
    loose: Vec<Piece>,
    placeholders: &[String],
) -> Option<String> {
    let mut parts: Vec<String> = match (control, line) {
        (_, Some(l)) => vec![l.text],
        (Some(c), None) if c.status == Status::Answered => vec![strip_placeholder(&c.text, c).0],
        _ => Vec::new(),
    };
    parts.extend(loose.into_iter().map(|p| p.text));
    parts.retain(|t| !t.is_empty() && !placeholders.contains(&key(t)));
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The control found for a question, how, and the line it stands in.
struct Found<'c> {
    control: Option<&'c Control>,
    matched_by: Option<MatchedBy>,
    line: Option<OwnLine>,
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
    found: Found<'_>,
    loose: &[Piece],
    anchored: bool,
    defer_blocks: bool,
    warnings: &mut Vec<SubmissionWarning>,
) -> (Answer, bool) {
    let qid = Some(question.id.as_str());
    let control = found.control;
    let mut draft = match (control, found.line) {
        (Some(c), Some(line)) => on_line(c, line, qid, warnings),
        (Some(c), None) => from_control(c, loose.is_empty(), defer_blocks, qid, warnings),
        (None, _) if anchored => Draft::new(AnswerStatus::Unanswered),
        (None, _) => Draft::new(AnswerStatus::Missing),
    };
    if !loose.is_empty() {
        warn_of_loose(loose, control.is_some(), qid, warnings);
        add_loose(&mut draft, loose);
    }
    let matched_by = match (found.matched_by, control, loose.is_empty()) {
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
        carried_over: false,
    };
    (a, draft.deferred)
}

/// What an answered inline control holds, with the rest of its line: one paragraph, the
/// control's links kept.
fn on_line(
    c: &Control,
    line: OwnLine,
    qid: Option<&str>,
    warnings: &mut Vec<SubmissionWarning>,
) -> Draft {
    warnings.push(warning(
        WarningCode::AnswerOutsideControl,
        "text written beside the control in its paragraph continues the answer on its line",
        qid,
    ));
    for &s in &line.joined {
        warnings.push(control_in_answer(s, qid));
    }
    let links: Vec<Link> = c
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph { links, .. } | Block::ListItem { links, .. } => links.clone(),
            _ => Vec::new(),
        })
        .collect();
    let mut draft = Draft::new(AnswerStatus::Answered);
    draft.blocks = vec![Block::Paragraph {
        text: line.text.clone(),
        links,
    }];
    draft.text = line.text;
    draft
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

/// What was written beside the control, or in the answer's area without one, continues the
/// answer, each on a line of its own.
fn add_loose(draft: &mut Draft, loose: &[Piece]) {
    for l in loose {
        if !draft.text.is_empty() {
            draft.text.push('\n');
        }
        draft.text.push_str(&l.text);
        draft.blocks.extend(l.blocks.iter().cloned());
    }
    draft.status = AnswerStatus::Answered;
}

/// Warns of what was taken into an answer from outside its control: the paragraphs at once,
/// each control that answers no question by itself.
fn warn_of_loose(
    loose: &[Piece],
    has_control: bool,
    qid: Option<&str>,
    warnings: &mut Vec<SubmissionWarning>,
) {
    let paragraphs = loose.iter().filter(|p| p.control.is_none()).count();
    if paragraphs > 0 {
        warnings.push(warning(
            WarningCode::AnswerOutsideControl,
            outside_message(paragraphs, has_control),
            qid,
        ));
    }
    for c in loose.iter().filter_map(|p| p.control) {
        warnings.push(control_in_answer(c, qid));
    }
}

/// The warning that control `c`, which answers no question, was taken into an answer.
fn control_in_answer(c: usize, qid: Option<&str>) -> SubmissionWarning {
    warning(
        WarningCode::ControlInAnswer,
        format!(
            "the control #{c}, which has no tag, title or label, stands in the answer's area and was taken into the answer"
        ),
        qid,
    )
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
    use crate::mapping::testing::{DocBuilder, Q1, answer, map, warning, warnings};

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
    fn text_typed_beside_an_inline_answer_continues_it_on_its_line() {
        let s = map(&DocBuilder::new()
            .paragraph(Q1)
            .inline_in("Vi har ", |c| c.text("två lotsar"), " sedan 2021.")
            .paragraph("Mer under.")
            .build());
        let a = answer(&s, "q1");
        assert_eq!(a.text, "Vi har två lotsar sedan 2021.\nMer under.");
        assert_eq!(
            a.blocks,
            [
                paragraph("Vi har två lotsar sedan 2021."),
                paragraph("Mer under.")
            ]
        );
        let said: Vec<&str> = s
            .warnings
            .iter()
            .filter(|w| w.code.as_str() == "answer-outside-control")
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(
            said,
            [
                "text written beside the control in its paragraph continues the answer on its line",
                "1 paragraph written under the question outside its control was taken into the answer"
            ]
        );
    }

    #[test]
    fn a_fields_line_is_its_value_without_its_label() {
        let s = map(&DocBuilder::new()
            .inline_in(
                "Kontaktperson: ",
                |c| c.text("Helena Näslund"),
                ", utvecklingsstrateg",
            )
            .inline_in(
                "Telefon: ",
                |c| c.text("08-508 100 51"),
                " (växel)\tE-post: ",
            )
            .build());
        let c = s.contact.as_ref().unwrap();
        assert_eq!(
            c.name.as_deref(),
            Some("Helena Näslund, utvecklingsstrateg")
        );
        // The next label is no part of the line before it.
        assert_eq!(c.phone_as_written.as_deref(), Some("08-508 100 51 (växel)"));
    }

    #[test]
    fn a_placeholder_beside_typed_text_is_no_part_of_the_answer() {
        let s = map(&DocBuilder::new()
            .paragraph(Q1)
            .inline_in("Vi har ", |c| c.placeholder("Ange antal"), " lotsar.")
            .build());
        let a = answer(&s, "q1");
        assert_eq!(
            (a.status, a.text.as_str()),
            (AnswerStatus::Answered, "Vi har lotsar.")
        );
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
        let w = warning(&s, "answer-outside-control");
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
                None,
                loose.iter().map(|l| Piece::text(l.to_string())).collect(),
                &[],
            )
        };
        assert_eq!(value(0, &[]).as_deref(), Some("Helena"));
        assert_eq!(value(0, &["Näslund"]).as_deref(), Some("Helena Näslund"));
        assert_eq!(value(1, &["Helena"]).as_deref(), Some("Helena"));
        assert_eq!(value(1, &[]), None);
        assert_eq!(field_value(None, None, Vec::new(), &[]), None);
        // On its line, the control's text is the line's.
        let line = OwnLine {
            text: "Helena, strateg".into(),
            joined: Vec::new(),
        };
        assert_eq!(
            field_value(Some(&doc.controls[0]), Some(line), Vec::new(), &[]).as_deref(),
            Some("Helena, strateg")
        );
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
                None,
                loose.iter().map(|l| Piece::text(l.to_string())).collect(),
                &placeholders,
            )
        };
        assert_eq!(value(0, &[]), None);
        assert_eq!(value(0, &["skriv nämndens namn"]), None);
        assert_eq!(value(0, &["Östermalm"]).as_deref(), Some("Östermalm"));
        assert_eq!(value(1, &[]).as_deref(), Some("Östermalms stadsdelsnämnd"));
    }
}
