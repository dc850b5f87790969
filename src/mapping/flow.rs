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
