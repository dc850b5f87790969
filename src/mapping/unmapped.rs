//! What the respondent wrote that answers no question, kept with where it stood: text outside
//! every question's region, controls that answer nothing (an unknown tag or title, a question
//! someone added, with its label), and second controls answering a question already answered.
//! Each control kept is warned of. A control's entry keeps its own text and typed value apart
//! from the line it stands in; an added question's entry holds what was written under it.

use super::flow::Piece;
use super::{BlocksMove, BlocksTo, Run, control_ref, paragraph, warning};
use crate::model::{Control, Document, FlowItem, Status, Value};
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
            && !run.continues.contains_key(&run.candidates[ci])
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
        question: None,
        control_text: None,
        value: None,
    }
}

/// Candidate `ci`, which answers nothing, when it holds anything or has a label: the entry,
/// and the control whose blocks it awaits when the caller hands the form over.
fn unmatched_control(run: &mut Run<'_, '_>, ci: usize) -> Option<(Unmapped, Option<usize>)> {
    let (doc, c) = (run.doc, run.candidates[ci]);
    let control = &doc.controls[c];
    let label = run.labels.get(&c).cloned();
    let line = own_line(run, control);
    let below = run.loose.by_added.remove(&c).unwrap_or_default();
    let answered = control.status == Status::Answered;
    let typed = line.as_ref().is_some_and(|l| l.typed);
    if !answered && !typed && label.is_none() && below.is_empty() {
        return None;
    }
    let (reason, w) = why_unmapped(run, ci, label.as_ref().map(|l| l.text.as_str()));
    run.out.warnings.push(w);
    // An inline control keeps the line it stands in (`Period: tertialrapport 1 2022`).
    let (mut text, mut blocks, awaits) = match line {
        Some(l) => (l.text.clone(), vec![paragraph(&l.text)], None),
        None if !answered => (String::new(), Vec::new(), None),
        None if run.moves.is_some() && below.is_empty() => {
            (control.text.clone(), Vec::new(), Some(c))
        }
        None => (control.text.clone(), control.blocks.clone(), None),
    };
    add_below(&mut text, &mut blocks, below);
    let after_question = control
        .flow_index
        .and_then(|fi| run.regions.get(fi))
        .and_then(|r| r.after())
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
        question: label.map(|l| l.text),
        control_text: Some(match control.status {
            Status::Answered => control.text.clone(),
            _ => String::new(),
        }),
        value: typed_value(doc, control),
    };
    Some((entry, awaits))
}

/// The line an inline control stands in, as far as it is the control's.
struct OwnLine {
    /// Its label, the text typed beside it and the control's own text when it holds an
    /// answer.
    text: String,
    /// Whether anything was typed beside the control.
    typed: bool,
}

/// `None` for a control that stands in no line, or whose line says nothing.
fn own_line(run: &Run<'_, '_>, control: &Control) -> Option<OwnLine> {
    let line = run.lines.get(&control.flow_index?)?;
    let span = line.span(control.index, |_| false)?;
    let text = line.text(&line.whole(&span), |s| {
        let other = &run.doc.controls[s];
        match other.status {
            Status::Answered => other.text.clone(),
            _ => String::new(),
        }
    });
    (!text.is_empty()).then(|| OwnLine {
        text,
        typed: line.has_typed(&span),
    })
}

/// What was written under an added question continues its entry, each on a line of its own.
fn add_below(text: &mut String, blocks: &mut Vec<crate::model::Block>, below: Vec<Piece>) {
    for p in below {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&p.text);
        blocks.extend(p.blocks);
    }
}

/// A control's typed value as an answer gives it: a checkbox's state, an ISO date, the
/// selected entry's value; for a control without one that holds a single typed control, that
/// one's (LibreOffice wraps a checkbox it saves in a rich-text control).
fn typed_value(doc: &Document, c: &Control) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    if c.status != Status::Answered {
        return None;
    }
    let value = match (&c.value, c.children.as_slice()) {
        (Some(v), _) => v,
        (None, &[child]) => return typed_value(doc, &doc.controls[child]),
        (None, _) => return None,
    };
    Some(match value {
        Value::Boolean(b) => J::Bool(*b),
        Value::Date(d) => J::String(d.clone()),
        Value::Choice { value, .. } => J::String(value.clone()),
    })
}

/// Why candidate `ci` answers nothing, and the warning that says so. `label`: the label it
/// stands under, as a question someone added.
fn why_unmapped(
    run: &Run<'_, '_>,
    ci: usize,
    label: Option<&str>,
) -> (UnmappedReason, SubmissionWarning) {
    let control = &run.doc.controls[run.candidates[ci]];
    if let Some(&i) = run.matches.duplicates.get(&ci) {
        let id = run.item_id(i);
        return (
            UnmappedReason::DuplicateAnswer,
            warning(
                WarningCode::DuplicateAnswer,
                format!("a second control answers {id}; its text is kept in unmapped"),
                Some(id),
            ),
        );
    }
    let name = match (&control.tag, &control.alias) {
        (Some(tag), _) => format!("tagged {tag:?}"),
        (None, Some(a)) => format!("{a:?}"),
        (None, None) => format!("#{}", control.index),
    };
    let mut message = format!("the control {name} answers no question of the questionnaire");
    if let Some(l) = label {
        message.push_str(&format!("; kept in unmapped with its label {l:?}"));
    }
    let code = match control.tag {
        Some(_) => WarningCode::UnknownTag,
        None => WarningCode::UnknownControl,
    };
    (UnmappedReason::UnknownControl, warning(code, message, None))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::mapping::testing::{DocBuilder, map};
    use crate::model::{ControlType, Value};

    #[test]
    fn a_controls_entry_keeps_its_own_text_and_value_apart_from_its_line() {
        let doc = DocBuilder::new()
            .inline("Beslutad:", |c| {
                c.tag("beslut")
                    .kind(ControlType::Date)
                    .value(Value::Date("2022-03-15".into()))
                    .text("15 mars 2022")
            })
            .inline_in(
                "",
                |c| {
                    c.tag("rad")
                        .kind(ControlType::Checkbox)
                        .value(Value::Boolean(false))
                        .text("☐")
                },
                " Nämnden har ett näringslivsråd",
            )
            .inline("Typ:", |c| {
                c.tag("typ")
                    .kind(ControlType::DropDownList)
                    .value(Value::Choice {
                        value: "sdn".into(),
                        display_text: "Stadsdelsnämnd".into(),
                    })
                    .text("Stadsdelsnämnd")
            })
            .inline("Datum:", |c| c.tag("datum").placeholder("Ange datum"))
            .control(|c| c.tag("utanfor").text("Egen text."))
            .paragraph("Lös text.")
            // A checkbox that LibreOffice wrapped in a rich-text control.
            .control(|c| c.tag("omslag").text("☒"))
            .child(|c| {
                c.kind(ControlType::Checkbox)
                    .value(Value::Boolean(true))
                    .text("☒")
            })
            .build();
        let s = map(&doc);
        let got: Vec<_> = s
            .unmapped
            .iter()
            .map(|u| {
                (
                    u.text.as_str(),
                    u.control_text.as_deref(),
                    u.value.clone(),
                    u.question.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Beslutad: 15 mars 2022",
                    Some("15 mars 2022"),
                    Some(json!("2022-03-15")),
                    Some("Beslutad:")
                ),
                (
                    "☐ Nämnden har ett näringslivsråd",
                    Some("☐"),
                    Some(json!(false)),
                    None
                ),
                (
                    "Typ: Stadsdelsnämnd",
                    Some("Stadsdelsnämnd"),
                    Some(json!("sdn")),
                    Some("Typ:")
                ),
                ("Datum:", Some(""), None, Some("Datum:")),
                ("Egen text.", Some("Egen text."), None, None),
                ("Lös text.", None, None, None),
                ("☒", Some("☒"), Some(json!(true)), None),
            ]
        );
    }
}
