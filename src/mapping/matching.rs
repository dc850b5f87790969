//! Which control answers which field or question: the controls that can answer at all
//! ([`candidates`]), the variant the form is of, and the matchers, tried in this order: tag,
//! title (alias), the question text right before the control, position between controls
//! already matched.
//!
//! What a paragraph is (question text, heading …) is the flow's; it is read here, not decided.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use super::Run;
use super::flow::ParagraphRole;
use super::options::Options;
use super::prepare::{Prepared, VariantData};
use super::text_match::{SAME_QUESTION, TextKey, key};
use crate::model::{Control, ControlType, Document, FlowItem, Story};
use crate::submission::{MatchedBy, VariantBy};

/// What the candidates answer. Items are numbered as in [`VariantData::items`], candidates by
/// their place in [`Run::candidates`].
#[derive(Default)]
pub(super) struct Matches {
    /// Per candidate: the item it answers and how it was matched.
    pub(super) of_candidate: Vec<Option<(usize, MatchedBy)>>,
    /// Per item answered: its candidate.
    pub(super) taken: HashMap<usize, usize>,
    /// A candidate matched to an item another candidate answers already: that item.
    pub(super) duplicates: HashMap<usize, usize>,
    /// Per control that answers an item (an index into the document's controls): the item.
    pub(super) item_of_control: HashMap<usize, usize>,
}

/// The controls that can hold answers: the outermost controls that are not containers
/// (groups, building-block galleries), outside notes and comments. A repeating section answers
/// as a whole: its items, in order, are the answer.
pub(super) fn candidates(doc: &Document) -> Vec<usize> {
    let container = |c: &Control| {
        matches!(
            c.control_type,
            ControlType::Group
                | ControlType::RepeatingSectionItem
                | ControlType::BuildingBlockGallery
                | ControlType::BuildingBlockList
        )
    };
    doc.controls
        .iter()
        .filter(|c| matches!(c.story, Story::Body | Story::Header | Story::Footer))
        .filter(|c| !container(c))
        .filter(|c| {
            // No answering control around it.
            let mut p = c.parent;
            while let Some(i) = p {
                if !container(&doc.controls[i]) {
                    return false;
                }
                p = doc.controls[i].parent;
            }
            true
        })
        .map(|c| c.index)
        .collect()
}

/// The variant given in the options, else the one the form was sent out as (when the
/// questionnaire has it), else the one detected.
pub(super) fn choose_variant(
    prepared: &Prepared<'_>,
    doc: &Document,
    opts: &Options<'_>,
    sent_as: Option<&str>,
    (candidates, flow_keys): (&[usize], &[Option<Arc<TextKey>>]),
) -> (String, VariantBy) {
    let sent_as = sent_as.filter(|v| prepared.q.variant(v).is_some());
    match (opts.variant, sent_as) {
        (Some(v), _) => (v.to_owned(), VariantBy::Option),
        (None, Some(v)) => (v.to_owned(), VariantBy::Identity),
        (None, None) => (
            detect_variant(doc, prepared, candidates, flow_keys),
            VariantBy::Detected,
        ),
    }
}

/// The variant whose fields and questions the form holds most of.
fn detect_variant(
    doc: &Document,
    prepared: &Prepared<'_>,
    candidates: &[usize],
    flow_keys: &[Option<Arc<TextKey>>],
) -> String {
    let q = prepared.q;
    if q.variants.len() == 1 {
        return q.variants[0].id.clone();
    }
    let mut best = (0usize, q.variants[0].id.clone());
    for (v, data) in q.variants.iter().zip(&prepared.variants) {
        let mut score = 0;
        for &c in candidates {
            let control = &doc.controls[c];
            if match_by_tag(control, data).is_some() || match_by_alias(control, data).is_some() {
                score += 2;
            }
        }
        for item in data.items.iter().filter(|i| i.question.is_some()) {
            let found = flow_keys
                .iter()
                .flatten()
                .any(|k| item.texts.iter().any(|t| t.similarity(k) >= SAME_QUESTION));
            if found {
                score += 1;
            }
        }
        if score > best.0 {
            best = (score, v.id.clone());
        }
    }
    best.1
}

/// Matches every candidate it can: by tag, title or the question text before it, then by
/// position between those.
pub(super) fn match_controls(run: &mut Run<'_, '_>) {
    let (doc, data, candidates) = (run.doc, run.data, &run.candidates);
    let before = questions_before(doc, &run.roles);
    let mut m = Matches {
        of_candidate: vec![None; candidates.len()],
        ..Matches::default()
    };
    // 1–3: tag, title, question text before the control.
    for (ci, &c) in candidates.iter().enumerate() {
        let control = &doc.controls[c];
        let found = match_by_tag(control, data)
            .map(|i| (i, MatchedBy::Tag))
            .or_else(|| match_by_alias(control, data).map(|i| (i, MatchedBy::Alias)))
            .or_else(|| {
                match_by_text_before(run, control, &before).map(|i| (i, MatchedBy::QuestionText))
            });
        if let Some((i, by)) = found {
            match m.taken.entry(i) {
                Entry::Occupied(_) => {
                    m.duplicates.insert(ci, i);
                }
                Entry::Vacant(v) => {
                    v.insert(ci);
                    m.of_candidate[ci] = Some((i, by));
                }
            }
        }
    }
    // 4: position, between controls already matched, where the counts agree.
    match_by_position(
        doc,
        candidates,
        data.items.len(),
        &mut m.of_candidate,
        &mut m.taken,
    );
    m.item_of_control = candidates
        .iter()
        .zip(&m.of_candidate)
        .filter_map(|(&c, found)| found.map(|(i, _)| (c, i)))
        .collect();
    run.matches = m;
}

fn match_by_tag(c: &Control, data: &VariantData<'_>) -> Option<usize> {
    let tag = c.tag.as_deref()?.trim().to_lowercase();
    data.tags.get(&tag).copied()
}

fn match_by_alias(c: &Control, data: &VariantData<'_>) -> Option<usize> {
    let alias = key(c.alias.as_deref()?);
    if alias.is_empty() {
        return None;
    }
    data.aliases.get(&alias).copied()
}

/// The question text or label right before a control: the label right before an inline
/// control in its line, or the text beside it in its paragraph, else the nearest paragraph
/// before it that is not empty (`before`, from [`questions_before`]) unless another control
/// stands before it in its line.
fn match_by_text_before(run: &Run<'_, '_>, c: &Control, before: &[Option<usize>]) -> Option<usize> {
    let fi = c.flow_index?;
    if let Some(line) = run.lines.get(&fi) {
        if let Some(&i) = line
            .label_of(c.index)
            .and_then(|label| run.data.exact.get(&key(label)))
        {
            return Some(i);
        }
        if line.control_before(c.index) {
            return None;
        }
    }
    if let Some(FlowItem::Paragraph { .. }) = run.doc.flow.get(fi)
        && let ParagraphRole::Anchor(i) = run.roles[fi]
    {
        return Some(i);
    }
    before.get(fi).copied().flatten()
}

/// For each flow item, the question whose text is the nearest flow item before it that says
/// anything: a question's text, or `None` for a control, a paragraph holding controls, a
/// heading or other text. Empty paragraphs are looked through. One pass, so that many controls
/// after many empty paragraphs cost linear time, not a look back from each control.
fn questions_before(doc: &Document, roles: &[ParagraphRole]) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(doc.flow.len());
    let mut nearest = None;
    for (item, &role) in doc.flow.iter().zip(roles) {
        out.push(nearest);
        nearest = match (item, role) {
            (FlowItem::Control { .. }, _) => None,
            (FlowItem::Paragraph { controls, .. }, _) if !controls.is_empty() => None,
            (_, ParagraphRole::Anchor(i)) => Some(i),
            (_, ParagraphRole::Heading) => None,
            (FlowItem::Paragraph { text, .. }, ParagraphRole::Template | ParagraphRole::Text)
                if !text.is_empty() =>
            {
                None
            }
            _ => nearest,
        };
    }
    out
}

/// Pairs controls and items left over between two matched ones, in order, where their
/// numbers agree.
fn match_by_position(
    doc: &Document,
    candidates: &[usize],
    items: usize,
    matched: &mut [Option<(usize, MatchedBy)>],
    taken: &mut HashMap<usize, usize>,
) {
    // Controls with a tag of their own say what they are: not matched by position.
    let free = |ci: usize, matched: &[Option<(usize, MatchedBy)>]| {
        matched[ci].is_none() && doc.controls[candidates[ci]].tag.is_none()
    };
    let mut anchors: Vec<(usize, usize)> = matched
        .iter()
        .enumerate()
        .filter_map(|(ci, m)| m.map(|(i, _)| (ci, i)))
        .collect();
    anchors.sort();
    // Sentinels at both ends.
    let mut bounds: Vec<(isize, isize)> = vec![(-1, -1)];
    bounds.extend(anchors.iter().map(|&(c, i)| (c as isize, i as isize)));
    bounds.push((candidates.len() as isize, items as isize));
    for w in bounds.windows(2) {
        let ((c0, i0), (c1, i1)) = (w[0], w[1]);
        if i1 <= i0 {
            continue;
        }
        let cs: Vec<usize> = ((c0 + 1)..c1)
            .map(|c| c as usize)
            .filter(|&c| free(c, matched))
            .collect();
        let is: Vec<usize> = ((i0 + 1)..i1)
            .map(|i| i as usize)
            .filter(|i| !taken.contains_key(i))
            .collect();
        if !cs.is_empty() && cs.len() == is.len() {
            for (&c, &i) in cs.iter().zip(&is) {
                matched[c] = Some((i, MatchedBy::Position));
                taken.insert(i, c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::testing::{DocBuilder, Q1, Q6, answer, map, map_with, warnings};
    use crate::submission::{AnswerStatus, UnmappedReason};

    #[test]
    fn a_tag_matches_whatever_its_case_and_surrounding_spaces() {
        let s = map(&DocBuilder::new()
            .control(|c| c.tag(" FORETAGSLOTS ").text("Ja"))
            .build());
        let a = answer(&s, "q3");
        assert_eq!(a.matched_by, Some(MatchedBy::Tag));
        assert_eq!(a.text, "Ja");
        assert!(s.unmapped.is_empty());
    }

    #[test]
    fn a_tag_wins_over_a_title_and_the_text_before() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.tag("q2").alias("Företagslots").text("svar"))
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q2").matched_by, Some(MatchedBy::Tag));
        assert_eq!(answer(&s, "q2").text, "svar");
        assert_eq!(answer(&s, "q3").status, AnswerStatus::Missing);
        // Its text stands in the form, without a control: unanswered, not missing.
        assert_eq!(answer(&s, "q1").status, AnswerStatus::Unanswered);
    }

    #[test]
    fn a_title_matches_by_its_comparison_key() {
        let s = map(&DocBuilder::new()
            .control(|c| c.alias("VÄXLA UPP!").text("svar"))
            .build());
        assert_eq!(answer(&s, "q2").matched_by, Some(MatchedBy::Alias));
        assert_eq!(answer(&s, "q2").text, "svar");
    }

    #[test]
    fn the_question_text_before_a_control_matches_it_through_empty_paragraphs() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .paragraph("")
            .paragraph("")
            .control(|c| c.text("svar"))
            .build();
        let a = answer(&map(&doc), "q1").clone();
        assert_eq!(a.matched_by, Some(MatchedBy::QuestionText));
        assert_eq!(a.text, "svar");
    }

    #[test]
    fn a_question_text_edited_a_little_still_matches() {
        let doc = DocBuilder::new()
            .paragraph("Hur arbetar nämnden med att förenkla för företag i stadsdelen")
            .control(|c| c.text("svar"))
            .build();
        assert_eq!(
            answer(&map(&doc), "q1").matched_by,
            Some(MatchedBy::QuestionText)
        );
    }

    #[test]
    fn a_label_beside_an_inline_control_matches_it() {
        let s = map(&DocBuilder::new()
            .inline("Nämnd:", |c| c.text("Östermalms SDN"))
            .build());
        let r = s.respondent.expect("the committee field is read");
        assert_eq!(r.as_written.as_deref(), Some("Östermalms SDN"));
        assert_eq!(r.id, "ostermalm-sdn");
    }

    #[test]
    fn a_heading_between_question_and_control_breaks_the_match() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .heading("Övrigt")
            .control(|c| c.tag("okand").text("svar"))
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q1").status, AnswerStatus::Unanswered);
        assert_eq!(s.unmapped.len(), 1);
        assert_eq!(s.unmapped[0].reason, UnmappedReason::UnknownControl);
        assert_eq!(s.unmapped[0].location.after_question, None);
        assert!(warnings(&s).contains(&("unknown-tag", None)));
    }

    #[test]
    fn text_between_question_and_control_answers_and_the_control_does_not() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .paragraph("Skrivet under frågan.")
            .control(|c| c.tag("okand").text("svar"))
            .build();
        let s = map(&doc);
        let a = answer(&s, "q1");
        assert_eq!(a.text, "Skrivet under frågan.");
        assert_eq!(a.matched_by, Some(MatchedBy::OutsideControl));
        assert_eq!(s.unmapped[0].location.after_question.as_deref(), Some("q1"));
    }

    #[test]
    fn controls_between_matched_ones_match_by_position_when_the_counts_agree() {
        // Between q1 and q4 the questionnaire has q2 and q3.
        let doc = DocBuilder::new()
            .control(|c| c.tag("q1").text("ett"))
            .control(|c| c.text("två"))
            .control(|c| c.text("Ja"))
            .control(|c| c.tag("q4").text("2022-04-30"))
            .build();
        let s = map(&doc);
        for (id, text) in [("q2", "två"), ("q3", "Ja")] {
            assert_eq!(answer(&s, id).matched_by, Some(MatchedBy::Position), "{id}");
            assert_eq!(answer(&s, id).text, text);
        }
        assert_eq!(answer(&s, "q3").value, Some(serde_json::Value::Bool(true)));
    }

    #[test]
    fn no_position_match_when_the_counts_differ() {
        // Titled, so that they continue no answer.
        let doc = DocBuilder::new()
            .control(|c| c.tag("q1").text("ett"))
            .control(|c| c.alias("Två").text("två"))
            .control(|c| c.alias("Tre").text("tre"))
            .control(|c| c.alias("Fyra").text("fyra"))
            .control(|c| c.tag("q4").text("2022-04-30"))
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q2").status, AnswerStatus::Missing);
        let texts: Vec<&str> = s.unmapped.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(texts, ["två", "tre", "fyra"]);
        assert_eq!(
            warnings(&s)
                .iter()
                .filter(|w| w.0 == "unknown-control")
                .count(),
            3
        );
    }

    #[test]
    fn a_control_with_a_tag_of_its_own_is_not_matched_by_position() {
        let doc = DocBuilder::new()
            .control(|c| c.tag("q1").text("ett"))
            .control(|c| c.tag("okand").text("egen"))
            .control(|c| c.text("två"))
            .control(|c| c.text("Ja"))
            .control(|c| c.tag("q4").text("2022-04-30"))
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q2").text, "två");
        assert_eq!(answer(&s, "q3").text, "Ja");
        assert_eq!(s.unmapped.len(), 1);
        assert_eq!(s.unmapped[0].text, "egen");
    }

    #[test]
    fn a_second_control_for_an_answered_question_is_kept_in_unmapped() {
        let doc = DocBuilder::new()
            .control(|c| c.tag("q1").text("första"))
            .control(|c| c.tag("Q1").text("andra"))
            .build();
        let s = map(&doc);
        assert_eq!(answer(&s, "q1").text, "första");
        let u = &s.unmapped[0];
        assert_eq!(u.reason, UnmappedReason::DuplicateAnswer);
        assert_eq!(u.text, "andra");
        assert_eq!(u.location.after_question.as_deref(), Some("q1"));
        assert!(warnings(&s).contains(&("duplicate-answer", Some("q1"))));
    }

    #[test]
    fn candidates_are_the_outermost_controls_that_are_not_containers() {
        let doc = DocBuilder::new()
            .control(|c| c.kind(ControlType::Group))
            .child(|c| c.tag("q1"))
            .control(|c| c.tag("q2"))
            .child(|c| c.tag("q3"))
            .control(|c| c.kind(ControlType::RepeatingSection))
            .child(|c| c.kind(ControlType::RepeatingSectionItem))
            .control(|c| c.story(Story::Header))
            .control(|c| c.story(Story::Footnote))
            .build();
        // 0 is a group; 3 stands inside 2; 5 is a section's item; 7 is in a note.
        assert_eq!(candidates(&doc), [1, 2, 4, 6]);
    }

    #[test]
    fn the_variant_is_the_one_whose_questions_the_form_holds_most_of() {
        let bolag = DocBuilder::new()
            .paragraph(Q6)
            .control(|c| c.text("svar"))
            .build();
        let s = map(&bolag);
        assert_eq!(s.questionnaire.variant, "bolag");
        assert_eq!(s.questionnaire.variant_by, VariantBy::Detected);
        assert_eq!(answer(&s, "q6").text, "svar");
        // A control's title or tag counts for its variant.
        for doc in [
            DocBuilder::new().control(|c| c.alias("Ägardirektiv").text("svar")),
            DocBuilder::new().control(|c| c.tag("q6").text("svar")),
        ] {
            assert_eq!(map(&doc.build()).questionnaire.variant, "bolag");
        }
        // A control of one variant weighs more than a question text of the other.
        let namnd = DocBuilder::new()
            .paragraph(Q6)
            .control(|c| c.tag("q7").text("svar"))
            .build();
        assert_eq!(map(&namnd).questionnaire.variant, "namnd");
    }

    #[test]
    fn a_tie_goes_to_the_first_variant() {
        let shared = DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.text("svar"))
            .build();
        assert_eq!(map(&shared).questionnaire.variant, "namnd");
        assert_eq!(
            map(&DocBuilder::new().build()).questionnaire.variant,
            "namnd"
        );
    }

    #[test]
    fn the_variant_option_wins_over_the_form() {
        let bolag = DocBuilder::new()
            .paragraph(Q6)
            .control(|c| c.text("svar"))
            .build();
        let s = map_with(
            &bolag,
            Options {
                variant: Some("namnd"),
                ..Options::default()
            },
        );
        assert_eq!(s.questionnaire.variant, "namnd");
        assert_eq!(s.questionnaire.variant_by, VariantBy::Option);
        assert!(s.answer("q6").is_none());
    }
}
