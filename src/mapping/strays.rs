//! Controls in the body that answer no question of the questionnaire, and what each is:
//!
//! - **Labelled**: a question someone added to the form. Its label is a short paragraph right
//!   before it, outside controls, that ends with `?` or `:` or is in the style of the form's
//!   questions (`Har nämnden utsett en företagslots?`, then a checkbox), or the label beside it
//!   in its own line (`Diarienummer: [KS 2022/1]`). It goes to `unmapped` with its label as its
//!   question; after a label paragraph, what follows up to the next question or heading is its
//!   own, never glued onto the answer above.
//! - **Continuing**: a control with neither label, tag nor title, standing in a question's
//!   answer area (after that question's control, or its text when it has none, and before the
//!   next question or heading): something the respondent put into the answer (a date picker in
//!   a sentence, a pasted control). It continues that answer (`control-in-answer`), as text
//!   written outside controls does.
//! - Any other goes to `unmapped` alone: a tag or title of its own names another question
//!   (one the questionnaire does not know), or it stands outside every answer area, in a
//!   field's (a field's value is one value; nothing is added to it) or in an added question's.
//!
//! Where a control could be both (neither tag nor title, in an answer's area, right after a
//! paragraph that reads as a question), the label wins: the paragraph asks a question of its own,
//! and the control answers that one, not the one above.

use std::collections::{BTreeMap, HashMap};

use super::Run;
use super::flow::{ParagraphRole, Region};
use super::lines::LABEL_MAX_CHARS;
use crate::model::{Control, FlowItem, Status, Story};

/// The label of a control that answers no question.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Label {
    /// The label's text, as written.
    pub(super) text: String,
    /// The flow index of the paragraph that is the label; `None` when the label stands beside
    /// the control in its line.
    pub(super) paragraph: Option<usize>,
}

/// Finds the label of every control in the body that answers nothing and has one.
pub(super) fn find_labels(run: &mut Run<'_, '_>) {
    let style = question_style(run);
    let mut labels = HashMap::new();
    for c in strays(run) {
        let Some(fi) = run.doc.controls[c].flow_index else {
            continue;
        };
        let label = match run.lines.get(&fi) {
            Some(line) => match line.label_of(c) {
                Some(l) => Some(Label {
                    text: l.to_owned(),
                    paragraph: None,
                }),
                None if line.begins_with(c) => label_paragraph(run, fi, style),
                None => None,
            },
            None => label_paragraph(run, fi, style),
        };
        if let Some(l) = label {
            labels.insert(c, l);
        }
    }
    run.labels = labels;
}

/// Finds the controls that continue the answer whose area they stand in, once the regions are
/// known.
pub(super) fn find_continuations(run: &mut Run<'_, '_>) {
    let mut continues = HashMap::new();
    for c in strays(run) {
        let control = &run.doc.controls[c];
        if run.labels.contains_key(&c) || has_a_name(control) || !shows_text(run, control) {
            continue;
        }
        let Some(fi) = control.flow_index else {
            continue;
        };
        let Region::Item(i) = run.regions[fi] else {
            continue;
        };
        if run.data.items[i].question.is_none() {
            continue;
        }
        if let Some(&ci) = run.matches.taken.get(&i)
            && !stands_before(run, run.candidates[ci], c)
        {
            continue;
        }
        continues.insert(c, i);
    }
    run.continues = continues;
}

/// The candidates in the body that answer nothing (a second control for an answered question
/// answers that one), in order.
fn strays(run: &Run<'_, '_>) -> Vec<usize> {
    run.candidates
        .iter()
        .enumerate()
        .filter(|(ci, _)| {
            run.matches.of_candidate[*ci].is_none() && !run.matches.duplicates.contains_key(ci)
        })
        .map(|(_, &c)| c)
        .filter(|&c| run.doc.controls[c].story == Story::Body)
        .collect()
}

/// A tag or a title: the control says what it is.
fn has_a_name(c: &Control) -> bool {
    c.tag.is_some() || c.alias.as_deref().is_some_and(|a| !a.trim().is_empty())
}

/// Whether the control shows text to take into an answer: its own, or typed beside it in its
/// line. (A picture, or a control left empty with nothing beside it, is kept apart.)
fn shows_text(run: &Run<'_, '_>, c: &Control) -> bool {
    if c.status == Status::Answered && !c.text.is_empty() {
        return true;
    }
    c.flow_index
        .and_then(|fi| run.lines.get(&fi))
        .and_then(|line| line.span(c.index, |_| false).map(|s| line.has_typed(&s)))
        .unwrap_or(false)
}

/// Whether control `a` stands before control `b` in the flow (in one line, before it there).
fn stands_before(run: &Run<'_, '_>, a: usize, b: usize) -> bool {
    let (fa, fb) = (
        run.doc.controls[a].flow_index,
        run.doc.controls[b].flow_index,
    );
    match (fa, fb) {
        (Some(fa), Some(fb)) if fa == fb => run.lines.get(&fa).is_some_and(|line| {
            let at = |c| {
                line.parts
                    .iter()
                    .position(|p| *p == super::lines::Part::Control(c))
            };
            at(a) < at(b)
        }),
        (Some(fa), Some(fb)) => fa < fb,
        _ => false,
    }
}

/// The paragraph right before flow item `fi`, when it is the label of the control there: a
/// short paragraph of the body outside controls, neither heading nor the questionnaire's
/// text, that ends with `?` or `:` or is in the questions' `style`.
fn label_paragraph(run: &Run<'_, '_>, fi: usize, style: Option<&str>) -> Option<Label> {
    let prev = fi.checked_sub(1)?;
    let FlowItem::Paragraph {
        story: Story::Body,
        text,
        controls,
        style: own_style,
        heading_level: None,
        ..
    } = &run.doc.flow[prev]
    else {
        return None;
    };
    if !controls.is_empty() || run.roles[prev] != ParagraphRole::Text {
        return None;
    }
    let short = !text.contains('\n') && text.chars().count() <= LABEL_MAX_CHARS;
    let asks = text.trim_end().ends_with(['?', ':']);
    let styled = style.is_some() && own_style.as_deref() == style;
    (short && (asks || styled)).then(|| Label {
        text: text.clone(),
        paragraph: Some(prev),
    })
}

/// The style the form's question texts are written in, when it tells them from answers: the
/// one most of them have, unless it is `Normal`, or more of the form's other text outside
/// controls is in it than its questions are (answers typed in it).
fn question_style<'d>(run: &Run<'d, '_>) -> Option<&'d str> {
    let (mut questions, mut others) = (BTreeMap::new(), BTreeMap::new());
    for (f, role) in run.doc.flow.iter().zip(&run.roles) {
        let FlowItem::Paragraph {
            story: Story::Body,
            style: Some(style),
            controls,
            ..
        } = f
        else {
            continue;
        };
        match role {
            ParagraphRole::Anchor(i) if run.data.items[*i].question.is_some() => {
                *questions.entry(style.as_str()).or_insert(0usize) += 1;
            }
            ParagraphRole::Text if controls.is_empty() => {
                *others.entry(style.as_str()).or_insert(0usize) += 1;
            }
            _ => {}
        }
    }
    let (style, n) = questions.into_iter().max_by_key(|(_, n)| *n)?;
    let in_others = others.get(style).copied().unwrap_or(0);
    (!style.eq_ignore_ascii_case("normal") && in_others <= n).then_some(style)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::mapping::testing::{DocBuilder, Q1, Q2, answer, map, warning, warnings};
    use crate::model::{ControlType, Value};
    use crate::submission::AnswerStatus;

    fn date(c: crate::mapping::testing::ControlBuilder) -> crate::mapping::testing::ControlBuilder {
        c.kind(ControlType::Date)
            .value(Value::Date("2022-05-12".into()))
            .text("2022-05-12")
    }

    #[test]
    fn a_control_without_name_or_label_in_an_answers_area_continues_it() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.text("Vi har en lots."))
            .control(|c| c.text("Hon nås på 08-508 100 00."))
            .inline_in("Nästa träff hålls ", date, " vid Stureplan.")
            .paragraph(Q2)
            .build();
        let s = map(&doc);
        assert_eq!(
            answer(&s, "q1").text,
            "Vi har en lots.\nHon nås på 08-508 100 00.\nNästa träff hålls 2022-05-12 vid Stureplan."
        );
        assert_eq!(answer(&s, "q1").blocks.len(), 3);
        assert!(s.unmapped.is_empty(), "{:?}", s.unmapped);
        let taken: Vec<&str> = s
            .warnings
            .iter()
            .filter(|w| w.code.as_str() == "control-in-answer")
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(taken.len(), 2);
        assert!(
            taken[0].starts_with("the control #1, which has no tag"),
            "{taken:?}"
        );
        assert!(
            warnings(&s)
                .iter()
                .all(|w| w.0 != "control-in-answer" || w.1 == Some("q1"))
        );
    }

    #[test]
    fn a_control_that_says_what_it_is_or_stands_elsewhere_is_kept_apart() {
        let doc = DocBuilder::new()
            .inline("Nämnd:", |c| c.text("Östermalms SDN"))
            // In a field's area: a field's value is one value.
            .control(|c| c.text("Ett tillägg."))
            .paragraph(Q1)
            .paragraph("Se nedan.")
            // Before the question's own control.
            .control(|c| c.text("Före kontrollen."))
            .control(|c| c.tag("q1").text("Svar."))
            // A tag or a title of its own.
            .control(|c| c.tag("okand").text("Taggad."))
            .control(|c| c.alias("Egen rubrik").text("Betitlad."))
            .build();
        let s = map(&doc);
        let kept: Vec<&str> = s.unmapped.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(
            kept,
            ["Ett tillägg.", "Före kontrollen.", "Taggad.", "Betitlad."]
        );
        assert_eq!(answer(&s, "q1").text, "Svar.\nSe nedan.");
        assert!(!warnings(&s).iter().any(|w| w.0 == "control-in-answer"));
    }

    #[test]
    fn a_question_someone_added_goes_to_unmapped_with_its_label_and_what_follows() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.text("Vi har en lots."))
            .paragraph("Har nämnden ett näringslivsråd?")
            .inline_in(
                "",
                |c| {
                    c.kind(ControlType::Checkbox)
                        .value(Value::Boolean(true))
                        .text("☒")
                },
                " Ja",
            )
            .paragraph("Rådet träffas varje kvartal.")
            .paragraph(Q2)
            .control(|c| c.text("Svar två."))
            .build();
        let s = map(&doc);
        // Not glued onto the answer above; neither is what was written under it.
        assert_eq!(answer(&s, "q1").text, "Vi har en lots.");
        assert_eq!(answer(&s, "q2").text, "Svar två.");
        assert_eq!(s.unmapped.len(), 1, "{:?}", s.unmapped);
        let u = &s.unmapped[0];
        assert_eq!(
            u.question.as_deref(),
            Some("Har nämnden ett näringslivsråd?")
        );
        assert_eq!(u.text, "☒ Ja\nRådet träffas varje kvartal.");
        assert_eq!(u.blocks.len(), 2);
        assert_eq!(u.control_text.as_deref(), Some("☒"));
        assert_eq!(u.value, Some(json!(true)));
        assert_eq!(u.location.after_question.as_deref(), Some("q1"));
        let w = warning(&s, "unknown-control");
        assert_eq!(
            w.message,
            "the control #1 answers no question of the questionnaire; kept in unmapped with its \
             label \"Har nämnden ett näringslivsråd?\""
        );
    }

    /// A control with neither tag nor title in an answer's area, right after a paragraph that
    /// reads as a question, could continue the answer or answer that question: the label wins.
    #[test]
    fn where_a_control_could_continue_an_answer_or_have_a_label_the_label_wins() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.text("Vi har en lots."))
            .paragraph("Datum för nästa träff:")
            .control(date)
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q1").text, "Vi har en lots.");
        let u = &s.unmapped[0];
        assert_eq!(
            (u.question.as_deref(), u.text.as_str()),
            (Some("Datum för nästa träff:"), "2022-05-12")
        );
        assert_eq!(u.value, Some(json!("2022-05-12")));
        assert!(!warnings(&s).iter().any(|w| w.0 == "control-in-answer"));
    }

    #[test]
    fn a_paragraph_in_the_questions_style_is_a_label_and_an_empty_control_keeps_it() {
        let doc = DocBuilder::new()
            .paragraph_styled(Q1, "Frågetext")
            .control(|c| c.text("Vi har en lots."))
            .paragraph_styled("Antal företagsbesök under perioden", "Frågetext")
            .control(|c| c.placeholder("Klicka här för att ange text."))
            // Not a label: not the questions' style, no question mark.
            .paragraph("Fler besök planeras.")
            .control(|c| c.text("Tolv."))
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q1").text, "Vi har en lots.");
        let u = &s.unmapped[0];
        assert_eq!(
            u.question.as_deref(),
            Some("Antal företagsbesök under perioden")
        );
        // The control shows its placeholder: no text of its own, but the question is kept,
        // and the text under it is its.
        assert_eq!(u.text, "Fler besök planeras.");
        assert_eq!(u.control_text.as_deref(), Some(""));
        // A control in an added question's area is kept apart.
        assert_eq!(s.unmapped[1].text, "Tolv.");
        assert_eq!(s.unmapped[1].question, None);
        assert_eq!(s.unmapped.len(), 2, "{:?}", s.unmapped);
        assert_eq!(answer(&s, "q2").status, AnswerStatus::Missing);
    }

    #[test]
    fn a_style_that_answers_share_is_no_question_style() {
        let doc = DocBuilder::new()
            .paragraph_styled(Q1, "Brödtext")
            .paragraph_styled("Vi har en lots.", "Brödtext")
            .paragraph_styled("Och ett råd", "Brödtext")
            .control(|c| c.text("Tolv."))
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q1").text, "Vi har en lots.\nOch ett råd\nTolv.");
        assert!(s.unmapped.is_empty());
    }
}
