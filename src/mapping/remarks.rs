//! What a form carries besides answers: review comments and the reader's warnings, each tied
//! to the question it concerns (the question whose control, or whose region, it stands in).
//! The mapping's own warnings are raised by the steps that find what they warn of.

use std::collections::HashMap;

use super::Run;
use super::flow::Region;
use crate::model::Document;
use crate::submission::{SubmissionComment, SubmissionWarning};
use crate::warning_code::WarningCode;

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
                    c.flow_index.and_then(|fi| match run.regions.get(fi) {
                        Some(Region::Item(i)) => Some(*i),
                        _ => None,
                    })
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
        if w.code == WarningCode::TrackedChanges {
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

#[cfg(test)]
mod tests {
    use crate::mapping::testing::{DocBuilder, Q1, Q2, map};
    use crate::model::Warning;
    use crate::submission::Submission;
    use crate::warning_code::WarningCode;

    /// The warnings of the given codes, as (code, question).
    fn told<'s>(s: &'s Submission, codes: &[&str]) -> Vec<(&'s str, Option<&'s str>)> {
        s.warnings
            .iter()
            .filter(|w| codes.contains(&w.code.as_str()))
            .map(|w| (w.code.as_str(), w.question_id.as_deref()))
            .collect()
    }

    #[test]
    fn a_comment_is_tied_to_the_question_of_its_control_or_its_region() {
        let doc = DocBuilder::new()
            .paragraph(Q1)
            .control(|c| c.tag("q1").text("svar"))
            .child(|c| c.text("inuti"))
            .paragraph(Q2)
            .paragraph("Svar två.")
            .comment("Om kontrollen", Some(1), None)
            .comment("Om texten", None, Some(3))
            .comment("Överst", None, None)
            .build();
        let s = map(&doc);
        let tied: Vec<(&str, Option<&str>)> = s
            .comments
            .iter()
            .map(|c| (c.text.as_str(), c.question_id.as_deref()))
            .collect();
        assert_eq!(
            tied,
            [
                ("Om kontrollen", Some("q1")),
                ("Om texten", Some("q2")),
                ("Överst", None)
            ]
        );
        assert_eq!(s.comments[0].author.as_deref(), Some("Granskare"));
    }

    #[test]
    fn the_readers_warnings_are_tied_to_the_questions_they_concern() {
        let doc = DocBuilder::new()
            .control(|c| c.tag("q1").text("a").tracked_changes())
            .child(|c| c.text("inuti").tracked_changes())
            .control(|c| c.tag("q2").text("b"))
            .control(|c| c.tag("q4").text("2022-04-30").tracked_changes())
            .warning(Warning::new(
                WarningCode::TrackedChanges,
                "the form holds tracked changes",
            ))
            .warning(
                Warning::new(WarningCode::BindingMismatch, "the bound value differs")
                    .for_control(2),
            )
            .warning(Warning::new(
                WarningCode::ZipChecksum,
                "the checksum does not match",
            ))
            .build();
        let s = map(&doc);
        assert_eq!(
            told(&s, &["tracked-changes", "binding-mismatch", "zip-checksum"]),
            [
                ("tracked-changes", Some("q1")),
                ("tracked-changes", Some("q4")),
                ("binding-mismatch", Some("q2")),
                ("zip-checksum", None),
            ]
        );
    }

    #[test]
    fn tracked_changes_outside_answering_controls_are_told_once_for_the_form() {
        let doc = DocBuilder::new()
            .control(|c| c.tag("q1").text("a"))
            .warning(Warning::new(
                WarningCode::TrackedChanges,
                "the form holds tracked changes",
            ))
            .build();
        assert_eq!(
            told(&map(&doc), &["tracked-changes"]),
            [("tracked-changes", None)]
        );
    }
}
