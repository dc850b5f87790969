//! `blankett template`: the blank Word template of a questionnaire variant, for a round when
//! one is given.
//!
//! The template is laid out as the city's own form is (`examples/make_fixtures/seed.rs`):
//!
//! ```text
//! Uppföljningsrapport näringsliv                           Title
//! För att nå resultat …                                    intro: the leading body text
//! ┌────────────────────────────────────┬─────────────┐
//! │ Nämnd                              │ [control]   │    one row per field: label | control
//! │ Uppföljningsperiod                 │ [control]   │    the round, filled in and locked
//! │ Kontaktperson för eventuella frågor│ [control]   │    when the template is for one
//! └────────────────────────────────────┴─────────────┘
//! Svara senast fredag 6 maj 2022                           Heading 1  (the deadline, when known)
//! Skriv svaren i fälten …                                  body       (return instructions)
//! Uppföljning av direktiv … budget 2022                    Heading 1  (template text)
//! Beskrivning (mål och syfte)                              Heading 2  (template text)
//! Detta underlag utgör …                                   body       (template text)
//! 1. Stimulera tillväxt och företagsamhet                  Heading 2  (a focus area)
//! Beskriv samverkan med …                                  bold body  (the question, room above)
//! [Klicka här för att ange text.]                          block rich-text control
//! …
//! Övriga upplysningar                                      Heading 2  (a question without area)
//! [Klicka här för att ange text.]
//! ```
//!
//! Each control is tagged (`w:tag`) with the field's or question's tag and titled (`w:alias`)
//! with its alias, so that a returned form maps by tag (docs/DESIGN.md, "Finding the answers"),
//! and shows its placeholder from the glossary document, so that the reader knows an untouched
//! control by `w:showingPlcHdr` and, after a LibreOffice round trip drops that flag, by its
//! docPart text. Nothing the template writes outside controls reads as an answer: the deadline
//! is a heading, the return instructions are the questionnaire's own text.
//!
//! A form sent out to one respondent (`blankett sendout`) is the same template with more
//! filled in: the committee field holds the respondent's official name (which the respondent
//! may still change: a committee that answers on another's form then shows), answers carried
//! over from the earlier round stand in their controls as text to update, and the form keeps its
//! identity in its package ([`identity`]).
//!
//! docx-rs writes the document; it does not model most content-control properties, so a
//! small post-processing step ([`package::finish`]) adds them to the package docx-rs wrote.

mod identity;
mod package;

use std::collections::BTreeMap;

use std::io::Cursor;

use docx_rs::{
    Docx, LineSpacing, Paragraph, Run, StructuredDataTag, Style, StyleType, Table, TableCell,
    TableCellMargins, TableRow, WidthType,
};

use crate::identity::{FormIdentity, PREFILLED_NOTE};
use crate::round_id::RoundId;
use crate::schema::{Field, Question, Questionnaire, Role};
use crate::word_out::{self, HEADING_STYLES, TITLE_STYLE};
use package::{Control, Fill};

/// The placeholder a control shows when its field names none: Word's Swedish default, the
/// text the city's form shows under every question.
pub const DEFAULT_PLACEHOLDER: &str = "Klicka här för att ange text.";

/// The name Word 2010–2013 gives the glossary entry of its default text placeholder.
const DEFAULT_DOC_PART: &str = "DefaultPlaceholder_1081868574";

/// The placeholder text's character style (Word knows it by its name, `Placeholder Text`).
const PLACEHOLDER_STYLE: &str = "PlaceholderText";

/// The header table's columns in twentieths of a point: as wide as the text, the label column a
/// third of it.
const COLUMNS: [usize; 2] = [3256, 5816];

/// Room inside the header table's cells (twentieths of a point): without it LibreOffice sets
/// the text against the borders.
const CELL_PADDING: (usize, usize) = (80, 108);

/// Room above a question that follows an answer, so that it stands apart from it (18 pt), and
/// after every paragraph (6 pt).
const QUESTION_BEFORE: u32 = 360;
const PARAGRAPH_AFTER: u32 = 120;

/// The heading over the return instructions when no deadline is known.
const RETURN_HEADING: &str = "Inlämning";

/// Why a template could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The questionnaire has no variant with the id asked for.
    #[error(
        "questionnaire {questionnaire} has no variant {variant}; the variants are: {}",
        .available.join(", ")
    )]
    UnknownVariant {
        /// The questionnaire's id.
        questionnaire: String,
        /// The variant id asked for.
        variant: String,
        /// The ids of the questionnaire's variants.
        available: Vec<String>,
    },
    /// The deadline (given, or the questionnaire's) is no day of the calendar.
    #[error("the deadline {0:?} is not a date; write it as YYYY-MM-DD")]
    Deadline(String),
    /// docx-rs failed to write the package.
    #[error("docx-rs could not write the template: {0}")]
    Docx(String),
    /// The package docx-rs wrote could not be completed (a bug, not a data problem).
    #[error("cannot complete the template package: {0}")]
    Package(String),
}

/// What a template is for beyond its questionnaire and variant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TemplateOptions {
    /// The round the template is sent out for: its round field is filled in (and locked), and
    /// the questionnaire's deadline for it is written. Without one, the round field shows its
    /// placeholder.
    pub round: Option<RoundId>,
    /// The last day to send the form back (ISO), instead of the questionnaire's deadline for
    /// the round.
    pub deadline: Option<String>,
    /// The respondent the form is for, by its official name: its committee field holds it.
    pub respondent: Option<String>,
    /// The answers the form starts with, by question id: each stands in its control as text to
    /// update (a paragraph per line), not as a placeholder.
    pub answers: BTreeMap<String, String>,
    /// The identity the form keeps in its package: stored as custom document properties and
    /// as a custom XML part.
    pub identity: Option<FormIdentity>,
}

/// Writes the blank Word template (`.docx`) of `variant`, for no round in particular. The same
/// questionnaire and variant always give the same bytes.
pub fn write_template(q: &Questionnaire, variant: &str) -> Result<Vec<u8>, TemplateError> {
    write_template_with(q, variant, &TemplateOptions::default())
}

/// Writes the blank Word template (`.docx`) of `variant` for what `opts` says: the round, and
/// the deadline (given, else the questionnaire's for the round). The same arguments always give
/// the same bytes.
pub fn write_template_with(
    q: &Questionnaire,
    variant: &str,
    opts: &TemplateOptions,
) -> Result<Vec<u8>, TemplateError> {
    if q.variant(variant).is_none() {
        return Err(TemplateError::UnknownVariant {
            questionnaire: q.id.clone(),
            variant: variant.to_owned(),
            available: q.variants.iter().map(|v| v.id.clone()).collect(),
        });
    }
    let deadline = opts
        .deadline
        .as_deref()
        .or_else(|| opts.round.and_then(|r| q.deadline(r)))
        .map(|d| swedish_date(d).ok_or_else(|| TemplateError::Deadline(d.to_owned())))
        .transpose()?;
    let mut b = Builder {
        round: opts.round,
        deadline,
        respondent: opts.respondent.clone(),
        answers: opts.answers.clone(),
        ..Builder::default()
    };
    let docx = b.document(q, variant);
    let mut raw = Cursor::new(Vec::new());
    docx.pack(&mut raw)
        .map_err(|e| TemplateError::Docx(e.to_string()))?;
    package::finish(
        &raw.into_inner(),
        &b.controls,
        q.title.trim(),
        opts.identity.as_ref(),
    )
}

/// An ISO date as Swedish text writes it: `2022-05-06` → `fredag 6 maj 2022`; `None` for no
/// day of the calendar.
fn swedish_date(iso: &str) -> Option<String> {
    use jiff::civil::Weekday;
    let date: jiff::civil::Date = iso.parse().ok()?;
    let weekday = match date.weekday() {
        Weekday::Monday => "måndag",
        Weekday::Tuesday => "tisdag",
        Weekday::Wednesday => "onsdag",
        Weekday::Thursday => "torsdag",
        Weekday::Friday => "fredag",
        Weekday::Saturday => "lördag",
        Weekday::Sunday => "söndag",
    };
    let month = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ][usize::try_from(date.month()).ok()? - 1];
    Some(format!("{weekday} {} {month} {}", date.day(), date.year()))
}

/// A paragraph of template text and where it goes.
#[derive(Debug, PartialEq)]
enum Text<'a> {
    Heading(&'a str),
    Body(&'a str),
}

/// Sorts the questionnaire's and the variant's template text: a short line without closing
/// punctuation is a heading, the rest is body text. A line that is the title (the city's form
/// writes it in capitals) is the title, written once.
fn template_text<'a>(q: &'a Questionnaire, variant: &str) -> Vec<Text<'a>> {
    let variant_text = q.variant(variant).map(|v| v.template_text.as_slice());
    q.template_text
        .iter()
        .chain(variant_text.unwrap_or_default())
        .map(|t| t.trim())
        .filter(|t| !t.is_empty() && t.to_lowercase() != q.title.trim().to_lowercase())
        .map(|t| {
            let closed = t.ends_with(['.', '!', '?', ':', ';']);
            if !closed && t.chars().count() <= 120 {
                Text::Heading(t)
            } else {
                Text::Body(t)
            }
        })
        .collect()
}

/// Builds the document with docx-rs and records its controls.
#[derive(Default)]
struct Builder {
    controls: Vec<Control>,
    /// Paragraph ids (`w14:paraId`) are counted here: docx-rs draws them from a thread-local
    /// counter that goes on from document to document, which would make the output depend on
    /// what the thread wrote before.
    paragraphs: u32,
    /// The round the template is for, and its deadline in words.
    round: Option<RoundId>,
    deadline: Option<String>,
    /// The respondent's name and the answers the form is for (see [`TemplateOptions`]).
    respondent: Option<String>,
    answers: BTreeMap<String, String>,
}

impl Builder {
    fn paragraph(&mut self) -> Paragraph {
        self.paragraphs += 1;
        Paragraph::new().id(format!("{:08X}", self.paragraphs))
    }

    fn text(&mut self, style: Option<&str>, text: &str, bold: bool) -> Paragraph {
        let mut run = Run::new().add_text(text);
        if bold {
            run = run.bold();
        }
        let p = self.paragraph().add_run(run);
        match style {
            Some(s) => p.style(s),
            None => p,
        }
    }

    /// A question in bold, kept with its control; `after_answer`: with room above it, to stand
    /// apart from the answer before it.
    fn question(&mut self, text: &str, after_answer: bool) -> Paragraph {
        let p = self.text(None, text, true).keep_next(true);
        if after_answer {
            p.line_spacing(LineSpacing::new().before(QUESTION_BEFORE))
        } else {
            p
        }
    }

    /// A block-level rich-text control holding paragraph `p`, showing its placeholder, or
    /// `filled` with text: a paragraph per line (the first in `p`), tabs kept. docx-rs writes
    /// the title (`w:alias`) and the placeholder run with its character style (`Run::style`);
    /// `finish` adds the rest.
    fn control(
        &mut self,
        p: Paragraph,
        (tag, alias): (&str, &str),
        placeholder: Option<&str>,
        filled: Option<(&str, Fill)>,
    ) -> StructuredDataTag {
        let (doc_part, text) = match placeholder {
            Some(p) if !p.trim().is_empty() && p.trim() != DEFAULT_PLACEHOLDER => {
                (package::doc_part_name(tag, p), p.trim())
            }
            _ => (DEFAULT_DOC_PART.to_owned(), DEFAULT_PLACEHOLDER),
        };
        self.controls.push(Control {
            tag: tag.to_owned(),
            alias: alias.to_owned(),
            doc_part,
            placeholder: text.to_owned(),
            fill: filled.map_or(Fill::Placeholder, |(_, fill)| fill),
        });
        // docx-rs copies the alias into the attribute as it is: escape it here.
        let sdt = StructuredDataTag::new().alias(package::escape(alias));
        let Some((value, _)) = filled else {
            let run = Run::new().style(PLACEHOLDER_STYLE).add_text(text);
            return sdt.add_paragraph(p.add_run(run));
        };
        let mut lines = value.lines();
        let mut sdt = sdt.add_paragraph(p.add_run(line_run(lines.next().unwrap_or(""))));
        for line in lines {
            let p = self.paragraph().add_run(line_run(line));
            sdt = sdt.add_paragraph(p);
        }
        sdt
    }

    /// The control a question is answered in: holding the answer the form starts with, if any.
    fn answer_control(&mut self, question: &Question) -> StructuredDataTag {
        let p = self.paragraph();
        let answer = self.answers.get(&question.id).cloned();
        let filled = answer.as_deref().map(|a| (a, Fill::Editable));
        self.control(p, (question.tag(), &question.alias), None, filled)
    }

    fn document(&mut self, q: &Questionnaire, variant: &str) -> Docx {
        let mut docx = word_out::a4(styles(Docx::new()))
            .default_size(22)
            .default_line_spacing(LineSpacing::new().after(PARAGRAPH_AFTER));
        let title = self.text(Some(TITLE_STYLE), q.title.trim(), false);
        docx = docx.add_paragraph(title);

        // The intro: template text up to its first heading stands above the header table.
        let text = template_text(q, variant);
        let intro = text
            .iter()
            .position(|t| matches!(t, Text::Heading(_)))
            .unwrap_or(text.len());
        for t in &text[..intro] {
            if let Text::Body(s) = t {
                let p = self.text(None, s, false);
                docx = docx.add_paragraph(p);
            }
        }
        let fields: Vec<&Field> = q.fields_of(variant).collect();
        if !fields.is_empty() {
            let table = self.header_table(&fields);
            docx = docx.add_table(table);
        }
        docx = self.return_section(docx, q);

        // The rest of the template text: its first heading heads the document's questions
        // (Heading 1), later ones and the focus areas stand under it (Heading 2), as in the
        // city's form. Without such a heading the focus areas are Heading 1.
        let mut level = 0;
        for t in &text[intro..] {
            let p = match t {
                Text::Heading(s) => {
                    let p = self.text(Some(HEADING_STYLES[level]), s, false);
                    level = 1;
                    p
                }
                Text::Body(s) => self.text(None, s, false),
            };
            docx = docx.add_paragraph(p);
        }
        self.questions(docx, q, variant, HEADING_STYLES[level])
    }

    /// The header table: one row per field, its label beside its control. The round field of a
    /// template for a round holds the round (locked), the committee field of a form for one
    /// respondent its name.
    fn header_table(&mut self, fields: &[&Field]) -> Table {
        // The cells' padding is their room: no paragraph spacing inside them.
        let tight = || LineSpacing::new().after(0);
        let mut rows = Vec::new();
        for f in fields {
            let label = self.text(None, &f.label, true).line_spacing(tight());
            let filled = match f.role {
                Role::Round => self.round.map(|r| (r.in_words(), Fill::Locked)),
                Role::Respondent => self.respondent.clone().map(|r| (r, Fill::Editable)),
                _ => None,
            };
            let p = self.paragraph().line_spacing(tight());
            let control = self.control(
                p,
                (f.tag(), &f.alias),
                f.placeholder.as_deref(),
                filled.as_ref().map(|(text, fill)| (text.as_str(), *fill)),
            );
            rows.push(TableRow::new(vec![
                TableCell::new()
                    .width(COLUMNS[0], WidthType::Dxa)
                    .add_paragraph(label),
                TableCell::new()
                    .width(COLUMNS[1], WidthType::Dxa)
                    .add_structured_data_tag(control),
            ]));
        }
        let (v, h) = CELL_PADDING;
        Table::new(rows)
            .set_grid(COLUMNS.to_vec())
            .width(COLUMNS.iter().sum(), WidthType::Dxa)
            .margins(TableCellMargins::new().margin(v, h, v, h))
    }

    /// The deadline as a heading (so that it never reads as an answer), and under it the
    /// questionnaire's return instructions, then, in a form that starts with earlier answers,
    /// [`PREFILLED_NOTE`]; nothing when there is none of these.
    fn return_section(&mut self, mut docx: Docx, q: &Questionnaire) -> Docx {
        let note = (!self.answers.is_empty()).then_some(PREFILLED_NOTE);
        let heading = match &self.deadline {
            Some(d) => format!("Svara senast {d}"),
            None if !q.return_instructions.is_empty() || note.is_some() => {
                RETURN_HEADING.to_owned()
            }
            None => return docx,
        };
        let p = self
            .text(Some(HEADING_STYLES[0]), &heading, false)
            .keep_next(true);
        docx = docx.add_paragraph(p);
        let lines = q.return_instructions.iter().map(|l| l.trim()).chain(note);
        for line in lines {
            if !line.is_empty() {
                let p = self.text(None, line, false);
                docx = docx.add_paragraph(p);
            }
        }
        docx
    }

    /// The questions by focus area, each under its area's heading (`area_style`), then the
    /// questions without an area, each under its own heading: its text.
    fn questions(
        &mut self,
        mut docx: Docx,
        q: &Questionnaire,
        variant: &str,
        area_style: &str,
    ) -> Docx {
        let questions: Vec<&Question> = q.questions_of(variant).collect();
        for number in areas_used(q, &questions) {
            let heading = match q.area(number) {
                Some(a) => format!("{number}. {}", a.title.trim()),
                None => format!("{number}."),
            };
            let p = self.text(Some(area_style), &heading, false).keep_next(true);
            docx = docx.add_paragraph(p);
            for (i, question) in questions
                .iter()
                .filter(|x| x.area == Some(number))
                .enumerate()
            {
                // The first question stands close to its heading.
                let p = self.question(question.text.trim(), i > 0);
                let c = self.answer_control(question);
                docx = docx.add_paragraph(p).add_structured_data_tag(c);
            }
        }
        for question in questions.iter().filter(|x| x.area.is_none()) {
            let p = self
                .text(Some(area_style), question.text.trim(), false)
                .keep_next(true);
            let c = self.answer_control(question);
            docx = docx.add_paragraph(p).add_structured_data_tag(c);
        }
        docx
    }
}

/// A run holding one line of text, its tabs as tabs.
fn line_run(line: &str) -> Run {
    let mut run = Run::new();
    for (i, piece) in line.split('\t').enumerate() {
        if i > 0 {
            run = run.add_tab();
        }
        if !piece.is_empty() {
            run = run.add_text(piece);
        }
    }
    run
}

/// The focus areas the questions use, in the questionnaire's order of areas (an area it does
/// not list comes after, by number).
fn areas_used(q: &Questionnaire, questions: &[&Question]) -> Vec<u8> {
    let mut used: Vec<u8> = Vec::new();
    for n in questions.iter().filter_map(|x| x.area) {
        if !used.contains(&n) {
            used.push(n);
        }
    }
    let rank = |n: &u8| {
        let at = q.areas.iter().position(|a| a.number == *n);
        (at.unwrap_or(usize::MAX), *n)
    };
    used.sort_by_key(rank);
    used
}

/// The paragraph and character styles the template uses. docx-rs always writes a `Normal`
/// style itself.
fn styles(docx: Docx) -> Docx {
    docx.add_style(word_out::title_style())
        .add_style(word_out::heading_style(0))
        .add_style(word_out::heading_style(1))
        .add_style(
            Style::new(PLACEHOLDER_STYLE, StyleType::Character)
                .name("Placeholder Text")
                .ui_priority(99)
                .semi_hidden()
                .color("808080"),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_text_splits_headings_from_body_and_skips_the_title() {
        let q = Questionnaire::builtin();
        let t = template_text(&q, "stadsdelsnamnd");
        assert_eq!(t.len(), 4);
        assert!(matches!(t[0], Text::Body(s) if s.starts_with("För att nå resultat")));
        assert_eq!(
            t[1],
            Text::Heading(
                "Uppföljning av direktiv och aktiviteter med näringslivskoppling i budget 2022"
            )
        );
        assert_eq!(t[2], Text::Heading("Beskrivning (mål och syfte)"));
        assert!(matches!(t[3], Text::Body(s) if s.starts_with("Detta underlag")));
    }

    #[test]
    fn deadlines_are_written_as_swedish_dates() {
        assert_eq!(
            swedish_date("2022-05-06").as_deref(),
            Some("fredag 6 maj 2022")
        );
        assert_eq!(
            swedish_date("2023-01-01").as_deref(),
            Some("söndag 1 januari 2023")
        );
        assert_eq!(swedish_date("2022-02-30"), None);
        assert_eq!(swedish_date("6 maj"), None);
    }
}
