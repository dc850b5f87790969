//! The Word report (docx-rs): the draft of the round's business report, for the analyst to
//! edit into the city's report.
//!
//! ```text
//! Uppföljningsrapport näringsliv                         Title
//! 2022-T1 · Tertialrapport 1 2022 (per 30 april)        the round
//! Utkast sammanställt ur 3 inkomna formulär …           how many answered
//! Innehåll                                              the table of contents (a TOC field)
//! Inkomna svar                                          Heading 1, on a new page
//!   ┌─────────────┬────┬────┬─   completeness: respondents × questions (short labels),
//!   │ Nämnd/bolag │ …  │ …  │     a coloured mark per status, and the legend
//! 1. Stimulera tillväxt och företagsamhet               Heading 1 per focus area
//! Beskriv samverkan med …                               Heading 2 per question
//! Östermalms stadsdelsnämnd                             bold: each form's answer under its name,
//! Stadsdelens kontakt …                                 its paragraphs, list items, tables
//! Övriga upplysningar                                   Heading 1: a question outside the areas
//! Förändringar sedan 2021-VB                            Heading 1, on a new page, with
//!                                                       `consolidate --previous` (`changes`)
//! Ej inkomna                                            Heading 1: expected, without a form
//! Formulär med okänd avsändare, Konflikter              Heading 1 each, when there are any
//! ```
//!
//! The paragraphs, styles and package are the [`Builder`]'s (`builder`), shared with the
//! comparison's document, as is the section on changes (`changes`). A table of contents
//! follows the title ([`super::toc`]). Headings use styles Word and
//! LibreOffice recognise as their built-in ones (named `heading 1` and `heading 2`, with outline
//! levels), so the navigation pane and the table of contents find them, as in
//! [`crate::template`]; each stands in a bookmark its contents entry links to. Links in answers keep their text, not their target (docx-rs
//! numbers hyperlink relationships from a process-wide counter, which would make the bytes
//! depend on what was written before). The same round always gives the same bytes: paragraph
//! ids are counted here, the package is zipped again with fixed timestamps, and the document's
//! dates are the round's `generatedAt`. The last line and the document properties say which
//! program made it (`Skapad … med blankett 0.1.0.`, `Application`).

mod builder;
pub(in crate::export) mod changes;

use docx_rs::{
    AlignmentType, Docx, HeightRule, LineSpacing, Run, Shading, Table, TableCell, TableRow,
    TextDirectionType, VAlignType, WidthType,
};

use crate::compare::Comparison;
use crate::model::{Block, NoteKind};
use crate::round::{Round, RoundAnswer};
use crate::schema::Questionnaire;
use crate::submission::AnswerStatus;
use crate::vocabulary::{Mark, NOT_SUBMITTED_HEADING};
use crate::word_out::{PAGE, TITLE_STYLE};

use super::ExportError;
use super::grid::Grid;
use super::text::{answer_note, area_heading, clean, made_at, made_by, value_sv};

pub(in crate::export) use builder::Builder;
use builder::{CELL_PADDING, TEXT_WIDTH, padded};
pub(in crate::export) use builder::{SMALL_STYLE, SUBTITLE_STYLE};

/// The completeness table's first column.
const NAME_COLUMN: usize = 2600;

/// The Word report of a round.
pub fn to_docx(round: &Round, q: &Questionnaire) -> Result<Vec<u8>, ExportError> {
    report(round, q, None)
}

/// The Word report of a round; with `changes`, a section on what changed since the earlier
/// round compared, after the answers.
pub(crate) fn report(
    round: &Round,
    q: &Questionnaire,
    changes: Option<&Comparison>,
) -> Result<Vec<u8>, ExportError> {
    let mut b = Builder::default();
    let docx = b.start(changes.is_some());
    let docx = b.document(docx, round, q, changes);
    // The document's dates are the round's: the same round gives the same bytes.
    b.finish(docx, made_at(round), &super::text::title(round, q))
}

impl Builder {
    fn document(
        &mut self,
        mut docx: Docx,
        round: &Round,
        q: &Questionnaire,
        changes: Option<&Comparison>,
    ) -> Docx {
        let grid = Grid::new(round, q);
        let p = self.text(Some(TITLE_STYLE), q.title.trim());
        docx = docx.add_paragraph(p);
        if let Some(r) = &round.round {
            let p = self.text(Some(SUBTITLE_STYLE), &format!("{r} · {}", r.in_words()));
            docx = docx.add_paragraph(p);
        }
        let forms = grid.rows.iter().filter(|r| r.submission.is_some()).count();
        let expected = grid.rows.iter().filter(|r| r.respondent.expected).count();
        let answered = grid
            .rows
            .iter()
            .filter(|r| r.respondent.expected && r.submission.is_some())
            .count();
        let p = self.text(
            None,
            &if round.round_unknown() {
                format!(
                    "Utkast sammanställt ur {forms} inkomna formulär. {}",
                    super::text::ROUND_UNKNOWN
                )
            } else {
                format!(
                    "Utkast sammanställt ur {forms} inkomna formulär. {answered} av {expected} förväntade har lämnat in."
                )
            },
        );
        docx = docx.add_paragraph(p);
        self.contents_at = docx.document.children.len();

        // Completeness, on the page after the contents.
        let p = self.heading(0, "Inkomna svar").page_break_before(true);
        docx = docx.add_paragraph(p);
        if grid.rows.is_empty() || grid.questions.is_empty() {
            let p = self.text(None, "Inga formulär har kommit in.");
            docx = docx.add_paragraph(p);
        } else {
            let table = self.completeness(&grid);
            let p = self.text(Some(SMALL_STYLE), &Mark::legend(&Mark::MATRIX, "   "));
            docx = docx.add_table(table).add_paragraph(p);
        }

        // The answers, per focus area and question.
        for area in &round.areas {
            if let Some(n) = area.number {
                let p = self.heading(0, &area_heading(n, &area.title));
                docx = docx.add_paragraph(p);
            }
            for question in &area.questions {
                // A question outside the areas stands under its own Heading 1, as in the template.
                let level = if area.number.is_some() { 1 } else { 0 };
                let p = self.heading(level, &question.question);
                docx = docx.add_paragraph(p);
                docx = self.answers(docx, &super::text::shown_answers(q, question));
            }
        }
        if let Some(c) = changes {
            docx = changes::section(self, docx, c);
        }
        self.closing(docx, round)
    }

    /// What closes the report: the expected respondents without a form, the forms whose
    /// respondent is unknown and the conflicts, and when and by what the report was made.
    fn closing(&mut self, mut docx: Docx, round: &Round) -> Docx {
        let p = self.heading(0, NOT_SUBMITTED_HEADING);
        docx = docx.add_paragraph(p);
        if round.missing.is_empty() {
            let p = self.text(None, super::text::none_missing(round));
            docx = docx.add_paragraph(p);
        }
        for m in &round.missing {
            let p = self.bullet(&m.label, 0);
            docx = docx.add_paragraph(p);
        }
        if !round.unresolved.is_empty() {
            let p = self.heading(0, "Formulär med okänd avsändare");
            docx = docx.add_paragraph(p);
            for u in &round.unresolved {
                let p = self.bullet(u.file.as_deref().unwrap_or(&u.sha256), 0);
                docx = docx.add_paragraph(p);
            }
        }
        if !round.conflicts.is_empty() {
            let p = self.heading(0, "Konflikter");
            docx = docx.add_paragraph(p);
            for c in &round.conflicts {
                let file = c.source.file.as_deref().unwrap_or(&c.source.sha256);
                let p = self.bullet(&format!("{file} ({}): {}", c.code, c.message), 0);
                docx = docx.add_paragraph(p);
            }
        }
        let p = self
            .italic(&made_by(round))
            .style(SMALL_STYLE)
            .line_spacing(LineSpacing::new().before(360));
        docx.add_paragraph(p)
    }

    /// Each form's answer to one question, under the respondent's name in bold.
    fn answers(&mut self, mut docx: Docx, answers: &[&RoundAnswer]) -> Docx {
        if answers.is_empty() {
            let p = self.italic("Inga svar.");
            docx = docx.add_paragraph(p);
        }
        for a in answers {
            let p = self.bold(&a.label);
            docx = docx.add_paragraph(p);
            match a.status {
                AnswerStatus::Missing => {
                    let p = self.italic(&answer_note(Mark::Missing));
                    docx = docx.add_paragraph(p);
                    continue;
                }
                AnswerStatus::Unanswered if a.text.is_empty() => {
                    let p = self.italic(&answer_note(Mark::Unanswered));
                    docx = docx.add_paragraph(p);
                    continue;
                }
                _ => {}
            }
            if a.blocks.is_empty() && !a.text.is_empty() {
                let p = self.text(None, &a.text);
                docx = docx.add_paragraph(p);
            }
            for block in &a.blocks {
                docx = match block {
                    Block::Paragraph { text, .. } => {
                        let p = self.text(None, text);
                        docx.add_paragraph(p)
                    }
                    Block::ListItem { text, level, .. } => {
                        let p = self.bullet(text, *level);
                        docx.add_paragraph(p)
                    }
                    Block::Table { rows } => match self.table(rows) {
                        Some(t) => {
                            // A paragraph after the table keeps the next name off its last row.
                            let gap = self.paragraph();
                            docx.add_table(t).add_paragraph(gap)
                        }
                        None => docx,
                    },
                    Block::Note { note, text } => {
                        let kind = match note {
                            NoteKind::Footnote => "Fotnot",
                            NoteKind::Endnote => "Slutnot",
                        };
                        let p = self.italic(&format!("{kind}: {text}"));
                        docx.add_paragraph(p)
                    }
                };
            }
            if let Some(v) = value_sv(&a.value)
                && v != a.text
            {
                let p = self.text(None, &format!("Värde: {v}"));
                docx = docx.add_paragraph(p);
            }
        }
        docx
    }

    /// The completeness table: a row per respondent, a column per question (its short label),
    /// each cell the status's mark on its colour.
    fn completeness(&mut self, grid: &Grid<'_>) -> Table {
        let n = grid.questions.len();
        let column = (TEXT_WIDTH - NAME_COLUMN) / n;
        let mut header = vec![
            TableCell::new()
                .width(NAME_COLUMN, WidthType::Dxa)
                .vertical_align(VAlignType::Bottom)
                .add_paragraph(
                    self.paragraph()
                        .style(SMALL_STYLE)
                        .add_run(Run::new().add_text("Nämnd/bolag").bold()),
                ),
        ];
        for question in &grid.questions {
            header.push(
                TableCell::new()
                    .width(column, WidthType::Dxa)
                    .text_direction(TextDirectionType::BtLr)
                    .vertical_align(VAlignType::Bottom)
                    .add_paragraph(
                        self.paragraph()
                            .style(SMALL_STYLE)
                            .add_run(Run::new().add_text(clean(question.label)).bold()),
                    ),
            );
        }
        let height = label_height(grid.questions.iter().map(|q| q.label), column);
        let mut rows = vec![
            TableRow::new(header)
                .row_height(height)
                .height_rule(HeightRule::AtLeast)
                .cant_split(),
        ];
        for row in &grid.rows {
            let mut cells = vec![
                TableCell::new()
                    .width(NAME_COLUMN, WidthType::Dxa)
                    .add_paragraph(self.text(Some(SMALL_STYLE), &row.respondent.label)),
            ];
            for c in &row.cells {
                cells.push(
                    TableCell::new()
                        .width(column, WidthType::Dxa)
                        .shading(Shading::new().fill(fill(Mark::from(*c))))
                        .add_paragraph(
                            self.text(Some(SMALL_STYLE), Mark::from(*c).symbol())
                                .align(AlignmentType::Center),
                        ),
                );
            }
            rows.push(TableRow::new(cells));
        }
        let mut grid_cols = vec![NAME_COLUMN];
        grid_cols.extend(std::iter::repeat_n(column, n));
        padded(
            Table::new(rows)
                .set_grid(grid_cols)
                .width(NAME_COLUMN + column * n, WidthType::Dxa),
        )
    }
}

/// The completeness table's question labels (8 pt bold) stand turned a quarter, bottom to top,
/// in columns `column` wide: the header row must be tall enough for the longest label wrapped
/// over the lines the column has room for. LibreOffice does not grow a row for turned text (it
/// cuts the label off), so the height is worked out here: from the widest a character of the
/// fonts Word and LibreOffice use may be, so that it errs towards room to spare, and never
/// lower than the longest word nor higher than a third of the page.
fn label_height<'a>(labels: impl Iterator<Item = &'a str>, column: usize) -> f32 {
    /// Twentieths of a point: a line of 8 pt text, and the widest mean character of 8 pt bold
    /// text (DejaVu Sans Bold, which LibreOffice falls back to without Calibri or Carlito).
    const LINE: usize = 200;
    const CHAR: usize = 115;
    let (v, h) = CELL_PADDING;
    let lines = (column.saturating_sub(2 * h) / LINE).max(1);
    let longest = labels
        .map(|label| wrapped_width(&clean(label), lines))
        .max()
        .unwrap_or(0);
    let height = longest * CHAR + 2 * v + LINE;
    height.clamp(1000, PAGE.1 as usize / 3) as f32
}

/// The fewest characters a line must hold for `text`'s words to wrap onto `lines` lines.
fn wrapped_width(text: &str, lines: usize) -> usize {
    let words: Vec<usize> = text.split_whitespace().map(|w| w.chars().count()).collect();
    let fits = |width: usize| {
        let (mut used, mut line) = (1, 0);
        for &w in &words {
            line = match line {
                0 => w,
                l if l + 1 + w <= width => l + 1 + w,
                _ => {
                    used += 1;
                    w
                }
            };
        }
        used <= lines
    };
    let longest_word = words.iter().copied().max().unwrap_or(0);
    let whole = words.iter().sum::<usize>() + words.len().saturating_sub(1);
    (longest_word..=whole).find(|&w| fits(w)).unwrap_or(whole)
}

/// The cell colour of a status, as in the spreadsheet.
fn fill(m: Mark) -> String {
    format!("{:06X}", m.colours().0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing;
    use crate::word_out::EMPTY_RPR;
    use std::io::{Cursor, Read};

    fn report(redact: bool) -> (Vec<u8>, crate::Document) {
        let round = testing::round(redact);
        let bytes = to_docx(&round, &testing::questionnaire()).unwrap();
        let doc = crate::read_bytes(bytes.clone(), Some("rapport.docx")).unwrap();
        (bytes, doc)
    }

    #[test]
    fn the_report_reads_back_with_every_answer_and_name() {
        let (_, doc) = report(false);
        let text = doc.text();
        for want in [
            "Uppföljningsrapport näringsliv",
            "Inkomna svar",
            "1. Stimulera tillväxt och företagsamhet",
            "Bromma stadsdelsnämnd",
            "Farsta stadsdelsnämnd",
            "Svar 2 från Bromma.\nAndra raden.",
            "# Inte en rubrik | med *stjärnor* och _understreck_ <b>",
            "Första punkten",
            "Antal | st",
            "Fotnot: Enligt SBR.",
            "Saknas i formuläret.",
            "Obesvarad.",
            "Värde: ja",
            "Ej inkomna",
            "Enskede-Årsta-Vantörs stadsdelsnämnd",
            "okand.docx",
            "Konflikter",
        ] {
            assert!(text.contains(want), "{want:?} is not in:\n{text}");
        }
    }

    #[test]
    fn headings_are_word_s_own_heading_styles() {
        let (bytes, _) = report(false);
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut styles = String::new();
        zip.by_name("word/styles.xml")
            .unwrap()
            .read_to_string(&mut styles)
            .unwrap();
        assert!(
            styles.contains(r#"<w:name w:val="heading 1" />"#),
            "{styles}"
        );
        assert!(styles.contains(r#"<w:outlineLvl w:val="1" />"#), "{styles}");
        let mut document = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut document)
            .unwrap();
        assert!(document.contains(r#"<w:pStyle w:val="Heading1" />"#));
        assert!(document.contains(r#"<w:pStyle w:val="Heading2" />"#));
        assert!(!document.contains(EMPTY_RPR));
    }

    #[test]
    fn a_label_wraps_onto_the_lines_a_column_has_room_for() {
        assert_eq!(wrapped_width("Samverkan lokalt näringsliv", 1), 27);
        assert_eq!(wrapped_width("Samverkan lokalt näringsliv", 2), 16);
        assert_eq!(wrapped_width("Samverkan lokalt näringsliv", 3), 10);
        // A word longer than the rest decides.
        assert_eq!(wrapped_width("Verksamhetsområden", 3), 18);
        assert_eq!(wrapped_width("", 3), 0);
    }

    #[test]
    fn the_label_row_is_as_tall_as_the_longest_label_needs_within_bounds() {
        let short = label_height(["Svar", "Ja"].into_iter(), 700);
        let long = label_height(
            ["Platssamverkan och platsaktivering på prioriterade platser eller områden"]
                .into_iter(),
            700,
        );
        assert_eq!(short, 1000.0);
        assert!(long > 2500.0, "{long}");
        // A narrower column holds fewer lines: the row grows.
        let narrow = label_height(
            ["Platssamverkan och platsaktivering på prioriterade platser eller områden"]
                .into_iter(),
            400,
        );
        assert!(narrow > long, "{narrow} {long}");
        let huge = label_height([&*"ord ".repeat(500)].into_iter(), 700);
        assert_eq!(huge, (PAGE.1 / 3) as f32);
    }

    #[test]
    fn the_same_round_gives_the_same_bytes() {
        let (a, _) = report(false);
        let (b, _) = report(false);
        assert!(a == b);
        let c = std::thread::spawn(|| report(false).0).join().unwrap();
        assert!(a == c);
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn with_changes_the_report_says_after_the_answers_what_changed_since_the_earlier_round() {
        let round = crate::compare::testing::after();
        let q = Questionnaire::builtin();
        let plain = to_docx(&round, &q).unwrap();
        assert!(!part(&plain, "word/document.xml").contains("Förändringar"));
        assert!(!part(&plain, "word/styles.xml").contains("heading 3"));

        let bytes = super::report(&round, &q, Some(&crate::compare::testing::sample())).unwrap();
        let xml = part(&bytes, "word/document.xml");
        // The heading, and its entry in the table of contents before it.
        assert_eq!(
            xml.matches("Förändringar sedan 2023-T1").count(),
            2,
            "{xml}"
        );
        let section = xml.rfind("Förändringar sedan 2023-T1").unwrap();
        // The last question heads the last answers, then the last changes.
        let last_question: Vec<usize> = xml
            .match_indices("Övriga upplysningar")
            .map(|(i, _)| i)
            .collect();
        let n = last_question.len();
        let not_submitted = xml.rfind(NOT_SUBMITTED_HEADING).unwrap();
        assert!(last_question[n - 2] < section && section < last_question[n - 1]);
        assert!(section < not_submitted);
        assert!(xml[section..].contains("<w:strike />"));
        assert!(xml[section..].contains(r#"<w:pStyle w:val="Heading3" />"#));
        let styles = part(&bytes, "word/styles.xml");
        assert!(styles.contains(r#"<w:name w:val="heading 3" />"#));
        // Italic ahead of the size, where Word reads it.
        assert!(
            styles.contains(r#"<w:i /><w:iCs /><w:sz w:val="24" />"#),
            "{styles}"
        );
        let doc = crate::read_bytes(bytes, Some("rapport.docx")).unwrap();
        assert!(
            doc.text()
                .contains("Vi har träffat 12 15 företag under våren. hösten.")
        );
    }
}
