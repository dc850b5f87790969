//! What the respondent wrote that answers no question, kept with where it stood: text outside
//! every question's region, controls that answer nothing (an unknown tag or title), and second
//! controls answering a question already answered. Each control kept is warned of.

use super::flow::loose_text;
use super::{BlocksMove, BlocksTo, Run, control_ref, paragraph, warning};
use crate::model::{FlowItem, Status};
use crate::submission::{Location, SubmissionWarning, Unmapped, UnmappedReason};
use crate::warning_code::WarningCode;

/// Puts in `unmapped` the loose text outside every region, then the controls that answer
/// nothing, in the order they stand.
pub(super) fn collect(run: &mut Run<'_, '_>) {
    // Each entry with the control whose blocks it awaits, if it does.
    let mut entries: Vec<(Unmapped, Option<usize>)> = Vec::new();
    for (fi, text) in std::mem::take(&mut run.loose.outside) {
        entries.push((outside_questions(run, fi, text), None));
    }
    for ci in 0..run.candidates.len() {
        if run.matches.of_candidate[ci].is_none()
            && let Some(entry) = unmatched_control(run, ci)
        {
            entries.push(entry);
        }
    }
    entries.sort_by_key(|(u, _)| u.location.flow_index.unwrap_or(usize::MAX));
    // Where blocks go is the entry's place in the sorted list.
    for (u, awaits) in entries {
        if let (Some(moves), Some(control)) = (run.moves.as_mut(), awaits) {
            moves.push(BlocksMove {
                control,
                to: BlocksTo::Unmapped(run.out.unmapped.len()),
            });
        }
        run.out.unmapped.push(u);
    }
}

/// A paragraph of loose text outside every question's region.
fn outside_questions(run: &Run<'_, '_>, fi: usize, text: String) -> Unmapped {
    let FlowItem::Paragraph { part, story, .. } = &run.doc.flow[fi] else {
        unreachable!("loose text stands in paragraphs");
    };
    Unmapped {
        blocks: vec![paragraph(&text)],
        text,
        reason: UnmappedReason::OutsideQuestions,
        control: None,
        location: Location {
            part: part.clone(),
            story: *story,
            flow_index: Some(fi),
            after_question: None,
        },
    }
}

/// Candidate `ci`, which answers nothing, when it holds anything: the entry, and the control
/// whose blocks it awaits when the caller hands the form over.
fn unmatched_control(run: &mut Run<'_, '_>, ci: usize) -> Option<(Unmapped, Option<usize>)> {
    let (doc, c) = (run.doc, run.candidates[ci]);
    let control = &doc.controls[c];
    // The line an inline control stands in: all of it when the control holds an answer,
    // else the text beside it (an unknown question's label, kept all the same).
    let line = control.flow_index.and_then(|fi| match &doc.flow[fi] {
        FlowItem::Paragraph {
            text, full_text, ..
        } if run.matches.unmatched_inline.get(&fi) == Some(&c) => {
            if control.status == Status::Answered {
                full_text.clone()
            } else {
                loose_text(text, true, run.roles[fi], &run.data.exact)
            }
        }
        _ => None,
    });
    if control.status != Status::Answered && line.is_none() {
        return None;
    }
    let (reason, w) = why_unmapped(run, ci);
    run.out.warnings.push(w);
    // An inline control keeps the line it stands in (`Period: tertialrapport 1 2022`).
    let (text, blocks, awaits) = match line {
        Some(l) => (l.clone(), vec![paragraph(&l)], None),
        None if run.moves.is_some() => (control.text.clone(), Vec::new(), Some(c)),
        None => (control.text.clone(), control.blocks.clone(), None),
    };
    let after_question = control
        .flow_index
        .and_then(|fi| run.regions.get(fi).copied().flatten())
        .map(|i| run.item_id(i).to_owned());
    let entry = Unmapped {
        text,
        blocks,
        reason,
        control: Some(control_ref(control)),
        location: Location {
            part: control.part.clone(),
            story: control.story,
            flow_index: control.flow_index,
            after_question,
        },
    };
    Some((entry, awaits))
}

/// Why candidate `ci` answers nothing, and the warning that says so.
fn why_unmapped(run: &Run<'_, '_>, ci: usize) -> (UnmappedReason, SubmissionWarning) {
    let control = &run.doc.controls[run.candidates[ci]];
    match run.matches.duplicates.get(&ci) {
        Some(&i) => {
            let id = run.item_id(i);
            (
                UnmappedReason::DuplicateAnswer,
                warning(
                    WarningCode::DuplicateAnswer,
                    format!("a second control answers {id}; its text is kept in unmapped"),
                    Some(id),
                ),
            )
        }
        None => {
            let message = match &control.tag {
                Some(tag) => {
                    format!("the control tagged {tag:?} answers no question of the questionnaire")
                }
                None => format!(
                    "the control {} answers no question of the questionnaire",
                    control
                        .alias
                        .as_deref()
                        .map_or_else(|| format!("#{}", control.index), |a| format!("{a:?}"))
                ),
            };
            let code = match control.tag {
                Some(_) => WarningCode::UnknownTag,
                None => WarningCode::UnknownControl,
            };
            (UnmappedReason::UnknownControl, warning(code, message, None))
        }
    }
}
