//! What the Word documents of the exports share (the round's report and the comparison of two
//! rounds): a [`Builder`] that numbers paragraphs and collects headings for the table of
//! contents, the paragraphs it writes (text, headings, names, lists, tables), the styles, the
//! page and its footer, and the package zipped again so that the same content gives the same
//! bytes.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, DocumentChild, Docx, Footer, IndentLevel, Level,
    LevelJc, LevelText, LineSpacing, NumberFormat, Numbering, NumberingId, PageNum, Paragraph, Run,
    SpecialIndentType, Start, Style, StyleType, Table, TableCell, TableCellMargins, TableRow,
    WidthType,
};

use crate::export::ExportError;
use crate::export::text::clean;
use crate::export::toc;
use crate::output::Generator;
use crate::word_out::{self, HEADING_STYLES, MARGIN, PAGE};

/// Style ids; Word and LibreOffice know the built-in styles by their names.
pub(in crate::export) const SUBTITLE_STYLE: &str = "Subtitle";
/// Small text: the completeness table, the closing line.
pub(in crate::export) const SMALL_STYLE: &str = "TableSmall";

/// The bullet list's numbering (docx-rs defines numbering 1 itself).
const BULLETS: usize = 2;

/// The width of the text, in twentieths of a point.
pub(in crate::export) const TEXT_WIDTH: usize = (PAGE.0 as usize) - 2 * (MARGIN as usize);
/// Room inside table cells (twentieths of a point), top and bottom, left and right: without
/// it LibreOffice sets the text against the borders.
pub(in crate::export) const CELL_PADDING: (usize, usize) = (40, 85);

#[derive(Default)]
pub(in crate::export) struct Builder {
    /// Paragraph ids (`w14:paraId`) are counted here: docx-rs draws them from a thread-local
    /// counter that goes on from document to document.
    paragraphs: u32,
    /// The headings written, for the table of contents.
    headings: Vec<toc::Entry>,
    /// Where in the body the table of contents goes: after the title and its lines.
    pub(in crate::export) contents_at: usize,
}

impl Builder {
    /// A new document: A4, the styles (`heading 3` too with `heading3`: only documents that
    /// use it carry it, so that a report without one keeps its bytes), bullets, page numbers.
    pub(in crate::export) fn start(&self, heading3: bool) -> Docx {
        let mut docx = word_out::a4(styles(Docx::new()))
            .default_size(22)
            .default_line_spacing(LineSpacing::new().after(120))
            .add_abstract_numbering(bullets())
            .add_numbering(Numbering::new(BULLETS, BULLETS))
            .footer(page_numbers());
        if heading3 {
            docx = docx.add_style(word_out::heading_style(2));
        }
        docx
    }

    /// The document's bytes: the table of contents put in at `contents_at`, the dates `at`
    /// (the same content gives the same bytes), zipped again with `title` in its properties.
    pub(in crate::export) fn finish(
        mut self,
        mut docx: Docx,
        at: Option<jiff::Timestamp>,
        title: &str,
    ) -> Result<Vec<u8>, ExportError> {
        if let Some(at) = at {
            let at = at.to_string();
            docx = docx.created_at(&at).updated_at(&at);
        }
        let entries = std::mem::take(&mut self.headings);
        let contents = toc::contents(&entries, || self.paragraph());
        let at = self.contents_at;
        docx.document.children.splice(
            at..at,
            contents
                .into_iter()
                .map(|p| DocumentChild::Paragraph(Box::new(p))),
        );
        let mut raw = Cursor::new(Vec::new());
        docx.pack(&mut raw)
            .map_err(|e| ExportError::Docx(e.to_string()))?;
        repack(&raw.into_inner(), &clean(title)).map_err(ExportError::Docx)
    }

    pub(in crate::export) fn paragraph(&mut self) -> Paragraph {
        self.paragraphs += 1;
        Paragraph::new().id(format!("{:08X}", self.paragraphs))
    }

    /// A paragraph of text in a style: line breaks and tabs kept.
    pub(in crate::export) fn text(&mut self, style: Option<&str>, text: &str) -> Paragraph {
        let p = self.paragraph().add_run(run(text));
        match style {
            Some(s) => p.style(s),
            None => p,
        }
    }

    /// A heading on one line. Headings 1 and 2 stand in a bookmark for their
    /// table-of-contents entry to link to; a heading 3 has no entry (the contents list two
    /// levels, as the template's do).
    pub(in crate::export) fn heading(&mut self, level: usize, text: &str) -> Paragraph {
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let p = self
            .paragraph()
            .style(HEADING_STYLES[level])
            .keep_next(true);
        if level >= toc::LEVELS {
            return p.add_run(run(&one_line));
        }
        let n = self.headings.len() + 1;
        let bookmark = toc::bookmark(n);
        let p = p
            .add_bookmark_start(n, &bookmark)
            .add_run(run(&one_line))
            .add_bookmark_end(n);
        self.headings.push(toc::Entry {
            level,
            text: one_line,
            bookmark,
        });
        p
    }

    /// A respondent's name over its answer: bold, with room above, kept with the answer.
    pub(in crate::export) fn bold(&mut self, text: &str) -> Paragraph {
        self.paragraph()
            .add_run(Run::new().add_text(clean(text)).bold())
            .line_spacing(LineSpacing::new().before(200).after(60))
            .keep_next(true)
    }

    pub(in crate::export) fn italic(&mut self, text: &str) -> Paragraph {
        self.paragraph()
            .add_run(Run::new().add_text(clean(text)).italic())
    }

    pub(in crate::export) fn bullet(&mut self, text: &str, level: u8) -> Paragraph {
        self.list_item(level).add_run(run(text))
    }

    /// A bulleted paragraph at `level` (from 0), for its runs to be added.
    pub(in crate::export) fn list_item(&mut self, level: u8) -> Paragraph {
        self.paragraph().numbering(
            NumberingId::new(BULLETS),
            IndentLevel::new(usize::from(level.min(8))),
        )
    }

    /// A table of an answer, its columns sharing the text's width.
    pub(in crate::export) fn table(&mut self, rows: &[Vec<String>]) -> Option<Table> {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        if width == 0 {
            return None;
        }
        let column = TEXT_WIDTH / width;
        let rows = rows
            .iter()
            .map(|row| {
                let cells = (0..width)
                    .map(|c| {
                        let text = row.get(c).map_or("", String::as_str);
                        let mut cell = TableCell::new().width(column, WidthType::Dxa);
                        // A cell's paragraphs are joined with line breaks in the model.
                        for line in text.split('\n') {
                            cell = cell.add_paragraph(self.text(None, line));
                        }
                        cell
                    })
                    .collect();
                TableRow::new(cells)
            })
            .collect();
        Some(padded(
            Table::new(rows)
                .set_grid(vec![column; width])
                .width(column * width, WidthType::Dxa),
        ))
    }
}

/// A table with room inside its cells.
pub(in crate::export) fn padded(table: Table) -> Table {
    let (v, h) = CELL_PADDING;
    table.margins(TableCellMargins::new().margin(v, h, v, h))
}

/// A run of text: tabs as tabs, line breaks as line breaks (docx-rs drops a `\n` in text),
/// nothing XML 1.0 cannot hold ([`clean`]: docx-rs writes text as it is, and Word refuses a
/// `document.xml` holding U+FFFE or U+0001).
pub(in crate::export) fn run(text: &str) -> Run {
    let text = clean(text);
    let mut r = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        for (j, part) in line.split('\t').enumerate() {
            if j > 0 {
                r = r.add_tab();
            }
            if !part.is_empty() {
                r = r.add_text(part);
            }
        }
    }
    r
}

/// A bulleted list, nine levels deep, indented as Word indents its own.
fn bullets() -> AbstractNumbering {
    let glyphs = ["•", "◦", "▪"];
    (0..9).fold(AbstractNumbering::new(BULLETS), |a, level| {
        let left = 720 * (level as i32 + 1);
        a.add_level(
            Level::new(
                level,
                Start::new(1),
                NumberFormat::new("bullet"),
                LevelText::new(glyphs[level % glyphs.len()]),
                LevelJc::new("left"),
            )
            .indent(
                Some(left),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        )
    })
}

/// The styles the report uses (see [`word_out`] on one run property each).
fn styles(docx: Docx) -> Docx {
    let docx = docx
        .add_style(word_out::title_style())
        .add_style(
            Style::new(SUBTITLE_STYLE, StyleType::Paragraph)
                .name("Subtitle")
                .based_on("Normal")
                .next("Normal")
                .ui_priority(11)
                .size(28),
        )
        .add_style(word_out::heading_style(0))
        .add_style(word_out::heading_style(1))
        .add_style(
            Style::new(SMALL_STYLE, StyleType::Paragraph)
                .name("Table Small")
                .based_on("Normal")
                .line_spacing(LineSpacing::new().before(0).after(0))
                .size(16),
        );
    toc::styles(docx)
}

/// The footer: "Sida N" centred, so that a printed report can be put back in order.
fn page_numbers() -> Footer {
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text("Sida "))
            .add_page_num(PageNum::new()),
    )
}

/// Zips the package docx-rs wrote again: without the empty run properties docx-rs puts ahead
/// of `w:pStyle` in every paragraph's properties (out of the schema's order), with the title,
/// the language and the program that wrote it in the document properties, content types
/// first, fixed timestamps, no directory entries.
fn repack(raw: &[u8], title: &str) -> Result<Vec<u8>, String> {
    let mut parts = word_out::unpack(raw)?;
    word_out::drop_empty_rpr(&mut parts, "word/document.xml")?;
    word_out::drop_empty_rpr(&mut parts, "word/styles.xml")?;
    word_out::set_font_and_language(&mut parts)?;
    word_out::set_title(&mut parts, title)?;
    word_out::set_application(&mut parts, &Generator::current().to_string())?;
    word_out::mark_header_rows(&mut parts)?;
    word_out::order_run_properties(&mut parts)?;
    toc::update_fields_on_open(&mut parts)?;
    word_out::pack(parts)
}
