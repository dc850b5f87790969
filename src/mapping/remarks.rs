//! What a form carries besides answers: review comments and the reader's warnings, each tied
//! to the question it concerns (the question whose control, or whose region, it stands in).
//! The mapping's own warnings are raised by the steps that find what they warn of.

use std::collections::HashMap;

use super::Run;
use crate::model::Document;
use crate::submission::{SubmissionComment, SubmissionWarning};

/// The form's comments, with the question they are anchored in.
pub(super) fn comments(run: &mut Run<'_, '_>) {
    let doc = run.doc;
    let comments = doc
        .comments
        .iter()
        .map(|c| {
            let item = c
                .control
                .and_then(|ctrl| top_candidate(doc, ctrl, &run.matches.item_of_control))
                .or_else(|| {
                    c.flow_index
                        .and_then(|fi| run.regions.get(fi).copied().flatten())
                });
            SubmissionComment {
                author: c.author.clone(),
                date: c.date.clone(),
                text: c.text.clone(),
                question_id: item.map(|i| run.item_id(i).to_owned()),
            }
        })
        .collect();
    run.out.comments = comments;
}

/// The reader's warnings, tied to questions where they concern a control. Tracked changes
/// are told once for each question whose control holds some.
pub(super) fn reader_warnings(run: &mut Run<'_, '_>) {
    let doc = run.doc;
    let item_of_control = &run.matches.item_of_control;
    for w in &doc.warnings {
        let qid = w
            .control
            .and_then(|c| top_candidate(doc, c, item_of_control))
            .map(|i| run.item_id(i).to_owned());
        if w.code == "tracked-changes" {
            let affected: Vec<String> = doc
                .controls
                .iter()
                .filter(|c| c.tracked_changes)
                .filter_map(|c| top_candidate(doc, c.index, item_of_control))
                .map(|i| run.item_id(i).to_owned())
                .collect();
            if !affected.is_empty() {
                let mut seen = Vec::new();
                for a in affected {
                    if !seen.contains(&a) {
                        run.out.warnings.push(SubmissionWarning {
                            code: w.code.clone(),
                            message: w.message.clone(),
                            question_id: Some(a.clone()),
                        });
                        seen.push(a);
                    }
                }
                continue;
            }
        }
        run.out.warnings.push(SubmissionWarning {
            code: w.code.clone(),
            message: w.message.clone(),
            question_id: qid,
        });
    }
}

/// The item answered by the outermost candidate holding control `c`.
fn top_candidate(doc: &Document, c: usize, item_of: &HashMap<usize, usize>) -> Option<usize> {
    let mut cur = Some(c);
    while let Some(i) = cur {
        if let Some(&item) = item_of.get(&i) {
            return Some(item);
        }
        cur = doc.controls.get(i).and_then(|c| c.parent);
    }
    None
}
