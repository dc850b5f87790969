//! The document's flow as the mapping reads it: what each paragraph is ([`ParagraphRole`]: a
//! question's text, a heading, template text or the respondent's own), the region of the flow
//! each question (or question someone added) owns, and what was written outside the items'
//! controls in it ([`Loose`]).
//!
//! Which control answers what is the matching's, which control answering nothing has a label or
//! continues an answer the strays'; what loose text becomes is the answers' (in an item's
//! region) and unmapped's (in an added question's, and outside every region).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::lines::{Line, Part};
use super::prepare::{TextKeys, VariantData};
use super::text_match::{SAME_QUESTION, TextKey};
use super::{Run, paragraph};
use crate::model::{Block, Document, FlowItem, Status, Story};

/// What a paragraph of the flow is to the mapping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum ParagraphRole {
    /// The text of a question or the label of a field.
    Anchor(usize),
    /// A heading: a focus area's, or any other heading style.
    Heading,
    /// Template text (title, instructions).
    Template,
    /// Written by the respondent (and, for want of another role, every control in the flow).
    Text,
}

/// The part of the flow a flow item stands in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Region {
    /// Before the first question, after a heading, or outside the body.
    Outside,
    /// An item's: from its text or its control to the next question, field or heading.
    Item(usize),
    /// A question someone added to the form ([`super::strays`]): from its label to the next
    /// question, field or heading. `after`: the item whose region it ended.
    Added {
        control: usize,
        after: Option<usize>,
    },
}

impl Region {
    /// The item it stands after: its own, or the one an added question followed.
    pub(super) fn after(self) -> Option<usize> {
        match self {
            Region::Outside => None,
            Region::Item(i) => Some(i),
            Region::Added { after, .. } => after,
        }
    }
}

/// Something written outside an item's control that continues its answer: a paragraph, the
/// text typed beside an unanswered control, or a control that answers no question.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Piece {
    pub(super) text: String,
    pub(super) blocks: Vec<Block>,
    /// The control it is, when it is one.
    pub(super) control: Option<usize>,
}

impl Piece {
    /// A paragraph of text.
    pub(super) fn text(text: String) -> Piece {
        Piece {
            blocks: vec![paragraph(&text)],
            text,
            control: None,
        }
    }
}

/// What was written outside the items' controls, in flow order.
#[derive(Default)]
pub(super) struct Loose {
    /// By the item whose region it stands in.
    pub(super) by_item: HashMap<usize, Vec<Piece>>,
    /// By the added question whose region it stands in (its control).
    pub(super) by_added: HashMap<usize, Vec<Piece>>,
    /// Paragraphs outside every region: flow index and text.
    pub(super) outside: Vec<(usize, String)>,
}

/// Each paragraph's comparison key, worked out once (and remembered across forms in `keys`).
pub(super) fn paragraph_keys(doc: &Document, keys: &mut TextKeys) -> Vec<Option<Arc<TextKey>>> {
    doc.flow
        .iter()
        .map(|f| match f {
            FlowItem::Paragraph { text, .. } => Some(keys.key(text)),
            _ => None,
        })
        .collect()
}

/// What each paragraph of the flow is: a question's text or a field's label, a heading,
/// template text, or the respondent's own text.
pub(super) fn roles(
    doc: &Document,
    data: &VariantData<'_>,
    flow_keys: &[Option<Arc<TextKey>>],
) -> Vec<ParagraphRole> {
    doc.flow
        .iter()
        .zip(flow_keys)
        .map(|(f, k)| match (f, k) {
            (FlowItem::Paragraph { heading_level, .. }, Some(k)) => {
                role(k, heading_level.is_some(), data)
            }
            _ => ParagraphRole::Text,
        })
        .collect()
}

fn role(k: &TextKey, heading: bool, data: &VariantData<'_>) -> ParagraphRole {
    if k.key.is_empty() {
        return ParagraphRole::Template;
    }
    if let Some(&i) = data.exact.get(&k.key) {
        return ParagraphRole::Anchor(i);
    }
    if data.areas.iter().any(|a| a.similarity(k) >= SAME_QUESTION) {
        return ParagraphRole::Heading;
    }
    if data
        .template
        .iter()
        .any(|t| t.similarity(k) >= SAME_QUESTION)
    {
        return ParagraphRole::Template;
    }
    // Question texts edited a little (long ones only: short labels must be exact).
    if k.key.len() >= 24
        && let Some(i) = data.items.iter().position(|item| {
            item.question.is_some() && item.texts.iter().any(|t| t.similarity(k) >= SAME_QUESTION)
        })
    {
        return ParagraphRole::Anchor(i);
    }
    if heading {
        return ParagraphRole::Heading;
    }
    ParagraphRole::Text
}

/// Finds the region each flow item stands in: an item's, from its text or its control on,
/// until the next heading, question or field; an added question's, from its label on. Header
/// and footer stand outside.
pub(super) fn find_regions(run: &mut Run<'_, '_>) {
    let doc = run.doc;
    let item_of_control = &run.matches.item_of_control;
    // The labelled controls, by where their region starts: the label paragraph, or the
    // control itself when its label stands beside it (such a line starts no region).
    let added: HashMap<usize, usize> = run
        .labels
        .iter()
        .filter_map(|(&c, l)| l.paragraph.map(|p| (p, c)))
        .collect();
    let mut current = Region::Outside;
    let mut out = Vec::with_capacity(doc.flow.len());
    for (fi, (f, &role)) in doc.flow.iter().zip(&run.roles).enumerate() {
        let story_body = match f {
            FlowItem::Paragraph { story, .. } | FlowItem::Control { story, .. } => {
                matches!(story, Story::Body | Story::Footnote | Story::Endnote)
            }
        };
        if !story_body {
            out.push(Region::Outside);
            continue;
        }
        let matched = match f {
            FlowItem::Control { control, .. } => item_of_control.get(control),
            FlowItem::Paragraph { controls, .. } => {
                controls.iter().find_map(|c| item_of_control.get(c))
            }
        };
        if let Some(&i) = matched {
            current = Region::Item(i);
        } else if let Some(&control) = added.get(&fi) {
            current = Region::Added {
                control,
                after: current.after(),
            };
        } else if let ParagraphRole::Anchor(i) = role {
            current = Region::Item(i);
        } else if role == ParagraphRole::Heading && matches!(f, FlowItem::Paragraph { .. }) {
            current = Region::Outside;
        }
        out.push(current);
    }
    run.regions = out;
}

/// Gathers what was written outside the items' controls, by the region it stands in:
/// paragraphs outside controls, the text typed beside an unanswered control, and the controls
/// that continue an answer. Label paragraphs are their controls'; the text typed beside an
/// answered control is the answer's own line ([`super::answers`]), and beside a control that
/// answers nothing, that control's ([`super::unmapped`]).
pub(super) fn gather_loose_text(run: &mut Run<'_, '_>) {
    let doc = run.doc;
    let labels: HashSet<usize> = run.labels.values().filter_map(|l| l.paragraph).collect();
    for (fi, item) in doc.flow.iter().enumerate() {
        // Body paragraphs and the notes referenced from them; header and footer text outside
        // controls is template furniture (page numbers, logos) and never an answer.
        match item {
            FlowItem::Control {
                story: Story::Body,
                control,
                ..
            } => {
                if let Some(&i) = run.continues.get(control) {
                    let c = &doc.controls[*control];
                    let piece = Piece {
                        text: c.text.clone(),
                        blocks: c.blocks.clone(),
                        control: Some(c.index),
                    };
                    run.loose.by_item.entry(i).or_default().push(piece);
                }
            }
            FlowItem::Paragraph {
                story: Story::Body | Story::Footnote | Story::Endnote,
                text,
                controls,
                ..
            } => {
                if !controls.is_empty() {
                    gather_line(run, fi);
                    continue;
                }
                if labels.contains(&fi) {
                    continue;
                }
                let Some(own) = loose_text(text, run.roles[fi]) else {
                    continue;
                };
                match run.regions[fi] {
                    Region::Item(i) => run
                        .loose
                        .by_item
                        .entry(i)
                        .or_default()
                        .push(Piece::text(own)),
                    Region::Added { control, .. } => {
                        run.loose
                            .by_added
                            .entry(control)
                            .or_default()
                            .push(Piece::text(own));
                    }
                    Region::Outside => run.loose.outside.push((fi, own)),
                }
            }
            _ => {}
        }
    }
}

/// What continues an answer in paragraph `fi`, which holds inline controls: the text typed
/// beside an item's control that shows nothing of its own, and the controls that continue an
/// answer whose control is not in the same line (there they are the line's).
fn gather_line(run: &mut Run<'_, '_>, fi: usize) {
    let Some(line) = run.lines.get(&fi) else {
        return;
    };
    let doc = run.doc;
    let own = |c: usize| {
        let control = &doc.controls[c];
        match control.status {
            Status::Answered => control.text.clone(),
            _ => String::new(),
        }
    };
    for part in &line.parts {
        let &Part::Control(c) = part else { continue };
        let (i, piece_control) = match (run.matches.item_of_control.get(&c), run.continues.get(&c))
        {
            (Some(&i), _) if doc.controls[c].status != Status::Answered => (i, None),
            (None, Some(&i)) => (i, Some(c)),
            _ => continue,
        };
        let joins = |s: usize| run.continues.get(&s) == Some(&i);
        if piece_control.is_some()
            && let Some(&ci) = run.matches.taken.get(&i)
            && line
                .span(run.candidates[ci], joins)
                .is_some_and(|span| span.contains(&line_position(line, c)))
        {
            continue;
        }
        let Some(span) = line.span(c, joins) else {
            continue;
        };
        let text = line.text(&span, own);
        if text.is_empty() {
            continue;
        }
        let piece = Piece {
            blocks: vec![paragraph(&text)],
            text,
            control: piece_control,
        };
        run.loose.by_item.entry(i).or_default().push(piece);
    }
}

fn line_position(line: &Line, c: usize) -> usize {
    line.parts
        .iter()
        .position(|p| *p == Part::Control(c))
        .unwrap_or(usize::MAX)
}

/// The respondent's own text in a paragraph outside controls, if any: not template text, not
/// a heading, not a question's text or a label, not Word's placeholder text left as plain
/// text (a form through `.odt` and back has lost its controls, and an empty field's placeholder
/// stands in the flow). (Beside inline controls, [`super::lines`] says what is whose.)
pub(super) fn loose_text(text: &str, role: ParagraphRole) -> Option<String> {
    match role {
        _ if text.is_empty() || crate::ooxml::text::is_default_placeholder(text) => None,
        ParagraphRole::Heading | ParagraphRole::Template | ParagraphRole::Anchor(_) => None,
        ParagraphRole::Text => Some(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::ParagraphRole::{Anchor, Heading, Template, Text};
    use super::*;
    use crate::mapping::Prepared;
    use crate::mapping::testing::{
        DocBuilder, Q1, Q2, answer, map, questionnaire, registry, warning, warnings,
    };
    use crate::submission::{AnswerStatus, MatchedBy, UnmappedReason};

    #[test]
    fn each_paragraph_gets_its_role() {
        let (q, reg) = (questionnaire(), registry());
        let p = Prepared::new(&q, &reg);
        let data = p.variant("namnd").unwrap();
        let item = |id: &str| data.items.iter().position(|i| i.id(&q) == id).unwrap();
        let doc = DocBuilder::new()
            .paragraph("Uppföljning av testpolicyn")
            .paragraph("Bättre företagsklimat")
            .heading("Bilaga")
            .paragraph(&format!("1. {Q1}"))
            .paragraph("Hur arbetar nämnden med att förenkla för företag i stadsdelen")
            .paragraph("Nämnd:")
            .paragraph("Finns det företagslots?")
            .paragraph("")
            .paragraph("Bolagsstyrelsen besvarar frågorna.")
            .paragraph("Vi har anställt en lots.")
            .control(|c| c)
            .build();
        let roles = roles(&doc, data, &paragraph_keys(&doc, &mut TextKeys::new()));
        assert_eq!(
            roles,
            [
                Template,           // the questionnaire's title
                Heading,            // an area's other wording, in any style
                Heading,            // any other heading style
                Anchor(item("q1")), // numbering dropped
                Anchor(item("q1")), // a long question edited a little
                Anchor(item("namnd")),
                Text,     // a short question text must be exact
                Template, // nothing to say
                Text,     // the other variant's template text
                Text,
                Text, // a control
            ]
        );
    }

    #[test]
    fn text_under_a_question_continues_the_answer_in_its_control() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.text("I kontrollen."))
            .paragraph("Under den.")
            .paragraph("Och mer.")
            .build();
        let s = map(&doc);
        let a = answer(&s, "q1");
        assert_eq!(a.text, "I kontrollen.\nUnder den.\nOch mer.");
        assert_eq!(a.blocks.len(), 3);
        assert_eq!(a.matched_by, Some(MatchedBy::QuestionText));
        let w = warning(&s, "answer-outside-control");
        assert_eq!(w.question_id.as_deref(), Some("q1"));
        assert!(w.message.starts_with("2 paragraphs"), "{}", w.message);
    }

    #[test]
    fn text_under_a_question_without_a_control_is_the_answer() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .paragraph("Svar utan kontroll.")
            .build();
        let s = map(&doc);
        let a = answer(&s, "q1");
        assert_eq!(a.status, AnswerStatus::Answered);
        assert_eq!(a.text, "Svar utan kontroll.");
        assert_eq!(a.matched_by, Some(MatchedBy::OutsideControl));
        assert!(a.control.is_none());
    }

    #[test]
    fn the_next_question_starts_a_new_region() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .paragraph("Svar ett.")
            .paragraph(Q2)
            .paragraph("Svar två.")
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q1").text, "Svar ett.");
        assert_eq!(answer(&s, "q2").text, "Svar två.");
    }

    #[test]
    fn a_heading_ends_a_region_and_text_after_it_is_unmapped() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.text("svar"))
            .heading("Övrigt")
            .paragraph("Lös text.")
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q1").text, "svar");
        let u = &s.unmapped[0];
        assert_eq!(u.reason, UnmappedReason::OutsideQuestions);
        assert_eq!(u.text, "Lös text.");
        assert_eq!(u.blocks.len(), 1);
        assert_eq!(u.location.flow_index, Some(3));
        assert_eq!(u.location.story, Story::Body);
        assert!(u.control.is_none());
    }

    #[test]
    fn header_text_outside_controls_is_no_answer_and_not_kept() {
        let doc = DocBuilder::new()
            .header("Sida 1 av 2")
            .paragraph("Före första frågan.")
            .paragraph(Q1)
            .control(|c| c.text("svar"))
            .build();
        let s = map(&doc);
        let texts: Vec<&str> = s.unmapped.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(texts, ["Före första frågan."]);
        assert_eq!(answer(&s, "q1").text, "svar");
    }

    #[test]
    fn a_label_beside_an_inline_control_is_left_out_and_text_after_it_kept() {
        let doc = DocBuilder::new()
            .inline("Kontaktperson:", |c| c.text("Helena Näslund"))
            .paragraph(", utvecklingsstrateg")
            .build();
        let s = map(&doc);
        assert_eq!(
            s.contact.as_ref().unwrap().name.as_deref(),
            Some("Helena Näslund , utvecklingsstrateg")
        );
        assert!(warnings(&s).contains(&("answer-outside-control", Some("kontakt"))));
    }

    #[test]
    fn an_inline_control_that_answers_nothing_keeps_its_line() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.text("svar"))
            .inline("Diarienummer:", |c| c.alias("Diarienr").text("KS 2022/1"))
            .inline("Beslutsdatum:", |c| c.alias("Beslut"))
            .build();
        let s = map(&doc);
        // Neither the line nor its label is taken into the question above.
        assert_eq!(answer(&s, "q1").text, "svar");
        let kept: Vec<(&str, usize, Option<&str>, Option<&str>)> = s
            .unmapped
            .iter()
            .map(|u| {
                let (q, own) = (u.question.as_deref(), u.control_text.as_deref());
                (u.text.as_str(), u.blocks.len(), q, own)
            })
            .collect();
        assert_eq!(
            kept,
            [
                (
                    "Diarienummer: KS 2022/1",
                    1,
                    Some("Diarienummer:"),
                    Some("KS 2022/1")
                ),
                ("Beslutsdatum:", 1, Some("Beslutsdatum:"), Some("")),
            ]
        );
        assert_eq!(s.unmapped[0].location.after_question.as_deref(), Some("q1"));
        assert!(s.warnings.iter().any(|w| w.message
            == "the control \"Diarienr\" answers no question of the questionnaire; \
                kept in unmapped with its label \"Diarienummer:\""));
    }

    #[test]
    fn a_placeholder_left_as_plain_text_is_no_answer() {
        assert_eq!(loose_text("Klicka här för att ange text.", Text), None);
        assert_eq!(loose_text("Click or tap here to enter text.", Text), None);
        assert_eq!(
            loose_text("Klicka här för att ange text. Vi har gjort mycket.", Text).as_deref(),
            Some("Klicka här för att ange text. Vi har gjort mycket.")
        );
    }

    #[test]
    fn loose_text_is_the_respondents_own_only() {
        assert_eq!(loose_text("", Text), None);
        assert_eq!(loose_text("Rubrik", Heading), None);
        assert_eq!(loose_text("Mall", Template), None);
        assert_eq!(loose_text("Nämnd", Anchor(0)), None);
        assert_eq!(loose_text("Eget", Text).as_deref(), Some("Eget"));
    }
}
