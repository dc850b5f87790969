//! The document's flow as the mapping reads it: what each paragraph is ([`ParagraphRole`]: a
//! question's text, a heading, template text or the respondent's own), the region of the flow
//! each question owns, and the text written outside controls in it.
//!
//! Which control answers what is the matching's; what loose text becomes is the answers' (in a
//! region) and unmapped's (outside every region).

use std::collections::HashMap;
use std::sync::Arc;

use super::Run;
use super::prepare::{TextKeys, VariantData};
use super::text_match::{SAME_QUESTION, TextKey, key};
use crate::model::{Document, FlowItem, Story};

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

/// Text written outside controls, in flow order.
#[derive(Default)]
pub(super) struct Loose {
    /// By the item whose region it stands in.
    pub(super) by_item: HashMap<usize, Vec<String>>,
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

/// Finds the item whose region each flow item stands in: from a question's text or its
/// control on, until the next heading, question or field. Header and footer have none.
pub(super) fn find_regions(run: &mut Run<'_, '_>) {
    let doc = run.doc;
    let item_of_control = &run.matches.item_of_control;
    let mut current = None;
    let mut out = Vec::with_capacity(doc.flow.len());
    for (f, &role) in doc.flow.iter().zip(&run.roles) {
        let story_body = match f {
            FlowItem::Paragraph { story, .. } | FlowItem::Control { story, .. } => {
                matches!(story, Story::Body | Story::Footnote | Story::Endnote)
            }
        };
        if !story_body {
            out.push(None);
            continue;
        }
        match f {
            FlowItem::Control { control, .. } => {
                if let Some(&i) = item_of_control.get(control) {
                    current = Some(i);
                }
            }
            FlowItem::Paragraph { controls, .. } => {
                if let Some(i) = controls.iter().find_map(|c| item_of_control.get(c)) {
                    current = Some(*i);
                } else if let ParagraphRole::Anchor(i) = role {
                    current = Some(i);
                } else if role == ParagraphRole::Heading {
                    current = None;
                }
            }
        }
        out.push(current);
    }
    run.regions = out;
}

/// Gathers the text outside controls, by the question whose region it stands in. A paragraph
/// holding a control that answers nothing keeps its text with that control (its label, most
/// likely).
pub(super) fn gather_loose_text(run: &mut Run<'_, '_>) {
    for (fi, item) in run.doc.flow.iter().enumerate() {
        // Body paragraphs and the notes referenced from them; header and footer text outside
        // controls is template furniture (page numbers, logos) and never an answer.
        let FlowItem::Paragraph {
            story: Story::Body | Story::Footnote | Story::Endnote,
            text,
            full_text,
            controls,
            ..
        } = item
        else {
            continue;
        };
        let has_controls = full_text.is_some() || !controls.is_empty();
        let Some(own) = loose_text(text, has_controls, run.roles[fi], &run.data.exact) else {
            continue;
        };
        if run.matches.unmatched_inline.contains_key(&fi) {
            continue;
        }
        match run.regions[fi] {
            Some(i) => run.loose.by_item.entry(i).or_default().push(own),
            None => run.loose.outside.push((fi, own)),
        }
    }
}

/// The respondent's own text in a flow paragraph, if any: not template text, not a heading,
/// not the question or label itself (a label beside an inline control is left out, the rest of
/// the line kept). `labels`: every question text and label, by key.
pub(super) fn loose_text(
    text: &str,
    has_controls: bool,
    role: ParagraphRole,
    labels: &HashMap<String, usize>,
) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    match role {
        ParagraphRole::Heading | ParagraphRole::Template => return None,
        ParagraphRole::Anchor(_) if !has_controls => return None,
        _ => {}
    }
    if has_controls {
        // "Nämnd: [control]": the label is template text; anything else is the respondent's.
        if labels.contains_key(&key(text)) {
            return None;
        }
    }
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::ParagraphRole::{Anchor, Heading, Template, Text};
    use super::*;
    use crate::mapping::Prepared;
    use crate::mapping::testing::{
        DocBuilder, Q1, Q2, answer, map, questionnaire, registry, warnings,
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
        let w = s
            .warnings
            .iter()
            .find(|w| w.code.as_str() == "answer-outside-control")
            .unwrap();
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
        let kept: Vec<(&str, usize)> = s
            .unmapped
            .iter()
            .map(|u| (u.text.as_str(), u.blocks.len()))
            .collect();
        assert_eq!(kept, [("Diarienummer: KS 2022/1", 1), ("Beslutsdatum:", 1)]);
        assert_eq!(s.unmapped[0].location.after_question.as_deref(), Some("q1"));
        assert!(
            s.warnings.iter().any(|w| w.message
                == "the control \"Diarienr\" answers no question of the questionnaire")
        );
    }

    #[test]
    fn loose_text_is_the_respondents_own_only() {
        let labels: HashMap<String, usize> = [(key("Nämnd"), 0)].into();
        assert_eq!(loose_text("", false, Text, &labels), None);
        assert_eq!(loose_text("Rubrik", false, Heading, &labels), None);
        assert_eq!(loose_text("Mall", false, Template, &labels), None);
        assert_eq!(loose_text("Nämnd", false, Anchor(0), &labels), None);
        assert_eq!(loose_text("Nämnd:", true, Anchor(0), &labels), None);
        assert_eq!(
            loose_text("Nämnd: se ovan", true, Text, &labels).as_deref(),
            Some("Nämnd: se ovan")
        );
        assert_eq!(
            loose_text("Eget", false, Text, &labels).as_deref(),
            Some("Eget")
        );
    }
}
