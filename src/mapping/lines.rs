//! A paragraph that holds inline controls, read as the respondent sees it: the controls in
//! their places and the text between them, each piece of text either a label (template text
//! such as `Telefon:` or a question's text, or anything short that ends as a label does) or
//! text the respondent typed. Text typed after an inline control continues it on the same line;
//! text typed before the first control leads into it.
//!
//! The reader gives a paragraph's whole text with the controls' text in place (`full_text`);
//! each control's text is found in it, in order, and what lies between is the paragraph's own:
//!
//! ```text
//! Kontaktperson: [Helena Näslund], utvecklingsstrateg ⇥ Telefon: [08-508 100 51]
//! └─ label ────┘ └─ control ───┘└─ typed ──────────┘ └─ label ─┘└─ control ──┘
//! ```
//!
//! What a control or a label is to the questionnaire is decided elsewhere; this module only
//! says which text stands where.

use std::collections::HashMap;

use super::text_match::key;
use crate::model::{Document, FlowItem};

/// At most this many characters make a label (`Antal företagsträffar under perioden:`), or a
/// question someone added to the form.
pub(super) const LABEL_MAX_CHARS: usize = 200;

/// Whether `text` reads as a label or a question rather than as an answer: it is one of the
/// questionnaire's texts (`labels`, by key), or a short line that ends with `:` or `?`.
pub(super) fn reads_as_label(text: &str, labels: &HashMap<String, usize>) -> bool {
    let t = text.trim();
    if t.is_empty() {
        return false;
    }
    labels.contains_key(&key(t))
        || (t.ends_with([':', '?']) && !t.contains('\n') && t.chars().count() <= LABEL_MAX_CHARS)
}

/// A piece of a paragraph that holds inline controls.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Part {
    /// Template text: the label of the control after it, or the caption of the one before it.
    Label(String),
    /// Text the respondent typed, as it stands (spaces at its ends kept).
    Typed(String),
    /// A top-level inline control, by its index in the document's controls.
    Control(usize),
}

/// A paragraph holding inline controls, in pieces.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Line {
    pub(super) parts: Vec<Part>,
}

/// Where a control's share of its line starts and ends (indices into [`Line::parts`], the end
/// excluded).
pub(super) type Span = std::ops::Range<usize>;

impl Line {
    fn position(&self, control: usize) -> Option<usize> {
        self.parts.iter().position(|p| *p == Part::Control(control))
    }

    /// The label right before `control`, if one stands there.
    pub(super) fn label_of(&self, control: usize) -> Option<&str> {
        let k = self.position(control)?;
        match self.parts.get(k.checked_sub(1)?)? {
            Part::Label(l) => Some(l.trim()),
            _ => None,
        }
    }

    /// Whether another control stands before `control` in the line.
    pub(super) fn control_before(&self, control: usize) -> bool {
        self.parts
            .iter()
            .take_while(|p| **p != Part::Control(control))
            .any(|p| matches!(p, Part::Control(_)))
    }

    /// Whether `control` begins the line: nothing written before it.
    pub(super) fn begins_with(&self, control: usize) -> bool {
        self.parts.first() == Some(&Part::Control(control))
    }

    /// The part of the line that is `control`'s: the text typed right before it (when no other
    /// control stands before that text), the control, then what was typed after it, through
    /// the controls `joins` says continue it, up to a label or another control.
    pub(super) fn span(&self, control: usize, joins: impl Fn(usize) -> bool) -> Option<Span> {
        let k = self.position(control)?;
        let mut start = k;
        if k > 0
            && matches!(self.parts[k - 1], Part::Typed(_))
            && (k == 1 || matches!(self.parts[k - 2], Part::Label(_)))
        {
            start = k - 1;
        }
        let mut end = k + 1;
        while let Some(p) = self.parts.get(end) {
            match p {
                Part::Typed(_) => {}
                Part::Control(c) if joins(*c) => {}
                _ => break,
            }
            end += 1;
        }
        Some(start..end)
    }

    /// Whether `control`'s span holds anything besides the control itself.
    pub(super) fn has_typed(&self, span: &Span) -> bool {
        self.parts[span.clone()]
            .iter()
            .any(|p| matches!(p, Part::Typed(t) if !t.trim().is_empty()))
    }

    /// `span`'s text, the span widened by the label before it and by a caption after it
    /// (template text that ends the line): the whole line, as far as it is one control's.
    pub(super) fn whole(&self, span: &Span) -> Span {
        let mut s = span.clone();
        if s.start > 0 && matches!(self.parts[s.start - 1], Part::Label(_)) {
            s.start -= 1;
        }
        if s.end + 1 == self.parts.len() && matches!(self.parts[s.end], Part::Label(_)) {
            s.end += 1;
        }
        s
    }

    /// The text of `span`, each control's text given by `own`; spaces where pieces meet are
    /// one space, the ends trimmed.
    pub(super) fn text(&self, span: &Span, own: impl Fn(usize) -> String) -> String {
        let mut out = String::new();
        for p in &self.parts[span.clone()] {
            let piece = match p {
                Part::Label(t) | Part::Typed(t) => t.clone(),
                Part::Control(c) => own(*c),
            };
            if out.ends_with([' ', '\n', '\t']) || out.is_empty() {
                out.push_str(piece.trim_start_matches(' '));
            } else {
                out.push_str(&piece);
            }
        }
        out.trim().to_owned()
    }
}

/// Every paragraph holding inline controls, by its flow index, in pieces. `labels`: the
/// questionnaire's texts by key.
pub(super) fn lines(doc: &Document, labels: &HashMap<String, usize>) -> HashMap<usize, Line> {
    doc.flow
        .iter()
        .enumerate()
        .filter_map(|(fi, item)| match item {
            FlowItem::Paragraph {
                text,
                full_text,
                controls,
                ..
            } if !controls.is_empty() => {
                let full = full_text.as_deref().unwrap_or(text);
                Some((fi, line(doc, full, text, controls, labels)))
            }
            _ => None,
        })
        .collect()
}

/// The pieces of one paragraph: `full` its whole text, `outside` its text outside controls.
fn line(
    doc: &Document,
    full: &str,
    outside: &str,
    controls: &[usize],
    labels: &HashMap<String, usize>,
) -> Line {
    let texts = locate(doc, full, controls).unwrap_or_else(|| {
        // A control's text not found where the paragraph has it (which normalizing the two
        // separately could cause): the paragraph's own text is put before its controls, where
        // its labels mostly stand, so that nothing is lost.
        let mut pieces = vec![Piece::Text(outside)];
        pieces.extend(controls.iter().map(|&c| Piece::Control(c)));
        pieces
    });
    Line {
        parts: classify(&texts, labels),
    }
}

enum Piece<'t> {
    Text(&'t str),
    Control(usize),
}

/// The paragraph's whole text cut at its controls' texts, found in order. An empty control
/// (whose place the text does not show) is put after the text before the next control that
/// shows some: `Nämnd: [ ]` more often than `[ ] text`.
fn locate<'t>(doc: &Document, full: &'t str, controls: &[usize]) -> Option<Vec<Piece<'t>>> {
    let mut out = Vec::new();
    let mut empty = Vec::new();
    let mut pos = 0;
    for &c in controls {
        let own = doc.controls.get(c)?.text.as_str();
        if own.is_empty() {
            empty.push(c);
            continue;
        }
        let k = full[pos..].find(own)?;
        if k > 0 {
            out.push(Piece::Text(&full[pos..pos + k]));
        }
        out.extend(empty.drain(..).map(Piece::Control));
        out.push(Piece::Control(c));
        pos += k + own.len();
    }
    if pos < full.len() {
        out.push(Piece::Text(&full[pos..]));
    }
    out.extend(empty.into_iter().map(Piece::Control));
    Some(out)
}

/// Says of each text between controls whether it is a label or typed text. Text before a
/// control that reads as a label is its label; text after a control is typed after it, unless
/// it is the questionnaire's own text (a checkbox's caption) or its last line or cell reads as
/// the next control's label (`08-508 100 51⇥E-post:`).
fn classify(pieces: &[Piece<'_>], labels: &HashMap<String, usize>) -> Vec<Part> {
    let mut parts = Vec::with_capacity(pieces.len() + 1);
    for (k, piece) in pieces.iter().enumerate() {
        let t = match piece {
            Piece::Control(c) => {
                parts.push(Part::Control(*c));
                continue;
            }
            Piece::Text(t) => *t,
        };
        let before_control = matches!(pieces.get(k + 1), Some(Piece::Control(_)));
        let text_key = key(t);
        let template = !text_key.is_empty() && labels.contains_key(&text_key);
        if template {
            parts.push(Part::Label(t.to_owned()));
            continue;
        }
        let cut = t
            .trim_end()
            .rfind(['\t', '\n'])
            .filter(|&cut| !t[..cut].trim().is_empty());
        // A label with no control after it labels a control the respondent deleted.
        let last = k + 1 == pieces.len();
        match cut {
            Some(cut) if (before_control || last) && reads_as_label(&t[cut..], labels) => {
                parts.push(Part::Typed(t[..cut].to_owned()));
                parts.push(Part::Label(t[cut..].to_owned()));
            }
            _ if before_control && reads_as_label(t, labels) => {
                parts.push(Part::Label(t.to_owned()));
            }
            _ => parts.push(Part::Typed(t.to_owned())),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::Part::{Control, Label, Typed};
    use super::*;
    use crate::mapping::testing::DocBuilder;

    fn labels() -> HashMap<String, usize> {
        [
            (key("Telefon"), 0),
            (key("Nämnden har ett lokalt näringslivsråd"), 1),
        ]
        .into()
    }

    /// The pieces of a paragraph whose whole text is `full`, holding controls with `texts`.
    fn parts(full: &str, outside: &str, texts: &[&str]) -> Vec<Part> {
        let mut b = DocBuilder::new();
        for t in texts {
            b = b.control(|c| c.text(t));
        }
        let doc = b.build();
        let controls: Vec<usize> = (0..texts.len()).collect();
        line(&doc, full, outside, &controls, &labels()).parts
    }

    fn typed(t: &str) -> Part {
        Typed(t.into())
    }

    fn label(t: &str) -> Part {
        Label(t.into())
    }

    #[test]
    fn text_between_controls_is_typed_or_a_label() {
        assert_eq!(
            parts(
                "Kontakt: Helena, strateg\tTelefon: 08-508 100 51",
                "Kontakt: , strateg\tTelefon:",
                &["Helena", "08-508 100 51"]
            ),
            [
                label("Kontakt: "),
                Control(0),
                typed(", strateg"),
                label("\tTelefon: "),
                Control(1),
            ]
        );
        // Typed text, then a label cut off at the tab before it.
        assert_eq!(
            parts("1 (växel)\tFax: 2", "(växel)\tFax:", &["1", "2"]),
            [Control(0), typed(" (växel)"), label("\tFax: "), Control(1)]
        );
        // The questionnaire's text after a checkbox is its caption, not typed text.
        assert_eq!(
            parts(
                "☐ Nämnden har ett lokalt näringslivsråd",
                "Nämnden har ett lokalt näringslivsråd",
                &["☐"]
            ),
            [Control(0), label(" Nämnden har ett lokalt näringslivsråd")]
        );
    }

    #[test]
    fn an_empty_control_stands_after_the_text_before_the_next() {
        assert_eq!(
            parts("Nämnd:", "Nämnd:", &[""]),
            [label("Nämnd:"), Control(0)]
        );
        assert_eq!(
            parts("Datum: Plats: Slussen", "Datum: Plats:", &["", "Slussen"]),
            [label("Datum: Plats: "), Control(0), Control(1)]
        );
    }

    #[test]
    fn a_control_text_not_found_puts_the_paragraphs_text_first() {
        assert_eq!(
            parts("Antal: tolv", "Antal:", &["12"]),
            [label("Antal:"), Control(0)]
        );
    }

    #[test]
    fn a_controls_span_runs_from_text_before_it_through_text_typed_after_it() {
        let l = Line {
            parts: vec![
                typed("Vi har "),
                Control(0),
                typed(" lotsar sedan "),
                Control(1),
                typed("."),
                label("\tTelefon: "),
                Control(2),
                label(" Nämnden har ett lokalt näringslivsråd"),
            ],
        };
        let own = |c: usize| ["2", "2021", "08"][c].to_owned();
        let span = l.span(0, |_| false).unwrap();
        assert_eq!(span, 0..3);
        assert_eq!(l.text(&span, own), "Vi har 2 lotsar sedan");
        let joined = l.span(0, |c| c == 1).unwrap();
        assert_eq!(l.text(&joined, own), "Vi har 2 lotsar sedan 2021.");
        // Typed text after another control is that one's.
        assert_eq!(l.span(1, |_| false), Some(3..5));
        assert_eq!(l.label_of(2), Some("Telefon:"));
        assert_eq!(l.label_of(0), None);
        let last = l.span(2, |_| false).unwrap();
        assert_eq!(
            l.text(&l.whole(&last), own),
            "Telefon: 08 Nämnden har ett lokalt näringslivsråd"
        );
        assert!(l.has_typed(&span));
        assert!(!l.has_typed(&last));
        assert!(!l.begins_with(0));
        assert!(l.control_before(1));
        assert!(!l.control_before(0));
    }

    #[test]
    fn labels_are_short_lines_ending_as_labels_do_or_the_questionnaires_text() {
        let labels = labels();
        for t in ["Telefon", "Diarienummer:", " Har nämnden en lots? "] {
            assert!(reads_as_label(t, &labels), "{t}");
        }
        let long = format!("{}:", "ord ".repeat(60));
        for t in ["", "Vi har en lots.", "Rad ett:\nrad två:", long.as_str()] {
            assert!(!reads_as_label(t, &labels), "{t}");
        }
    }
}
