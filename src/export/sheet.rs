//! What the workbooks share (the round's, `xlsx`, and the comparison's, `changes::xlsx`): the
//! cell formats and status colours, text cut to what a cell holds, row heights for wrapped
//! text, the print setup and the document properties. Not the sheets themselves.

use std::borrow::Cow;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatUnderline, Note,
    Worksheet, XlsxError,
};

use crate::compare::ChangeStatus;
use crate::output::Generator;
use crate::round::Cell;
use crate::vocabulary::Mark;

use super::text::clean;

/// Excel's limit on the characters of a cell (UTF-16 code units).
pub(crate) const CELL_LIMIT: usize = 32_767;
pub(crate) const CUT_MARKER: &str = " […] (avkortat: Excel rymmer 32 767 tecken i en cell)";

/// Excel's tallest row, in points, and one line of 11-point text.
pub(crate) const MAX_ROW_HEIGHT: f64 = 409.0;
const LINE_HEIGHT: f64 = 15.0;

/// The formats of every sheet's cells.
pub(crate) struct Formats {
    pub header: Format,
    pub text: Format,
    pub wrap: Format,
    pub bold: Format,
    /// A completeness status's cell, in the order of [`Mark::MATRIX`].
    pub status: [Format; 4],
    /// A change status's cell, in the order of [`ChangeStatus::ALL`].
    change: [Format; 5],
    /// The words a changed answer lost (struck through, red) and gained (underlined, green),
    /// as runs of a rich string.
    pub removed: Format,
    pub added: Format,
}

impl Formats {
    pub fn new() -> Formats {
        let status = Mark::MATRIX.map(|m| {
            let (fill, font) = m.colours();
            border(Format::new())
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(font))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
        });
        let change = ChangeStatus::ALL.map(|s| {
            let (fill, font) = change_colours(s);
            let f = border(Format::new())
                .set_font_color(Color::RGB(font))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::Top);
            match fill {
                Some(fill) => f.set_background_color(Color::RGB(fill)),
                None => f,
            }
        });
        Formats {
            header: border(Format::new())
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            text: border(Format::new()).set_align(FormatAlign::Top),
            wrap: border(Format::new())
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            bold: Format::new().set_bold(),
            status,
            change,
            removed: Format::new()
                .set_font_strikethrough()
                .set_font_color(Color::RGB(0xC00000)),
            added: Format::new()
                .set_underline(FormatUnderline::Single)
                .set_font_color(Color::RGB(0x006100)),
        }
    }

    /// A completeness status's cell: coloured, centred.
    pub fn status(&self, c: Cell) -> &Format {
        let at = Mark::MATRIX
            .iter()
            .position(|m| *m == Mark::from(c))
            .unwrap_or(0);
        &self.status[at]
    }

    /// A status cell of a sheet of answers: coloured, aligned with the wrapped text beside it.
    pub fn status_top(&self, c: Cell) -> Format {
        self.status(c).clone().set_align(FormatAlign::Top)
    }

    /// A change status's cell: top-aligned, coloured when the answer changed.
    pub fn change(&self, s: ChangeStatus) -> &Format {
        let at = ChangeStatus::ALL.iter().position(|x| *x == s).unwrap_or(0);
        &self.change[at]
    }
}

fn border(f: Format) -> Format {
    f.set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xBFBFBF))
}

/// The fill (if any) and font colours (RGB) of a change status: what moved stands out in the
/// completeness colours (new green, changed yellow, removed red, as Excel's "Good", "Neutral"
/// and "Bad" styles), what stayed is grey text on white.
pub(crate) fn change_colours(s: ChangeStatus) -> (Option<u32>, u32) {
    match s {
        ChangeStatus::New => (Some(0xC6EFCE), 0x006100),
        ChangeStatus::Changed => (Some(0xFFEB9C), 0x9C5700),
        ChangeStatus::Removed => (Some(0xFFC7CE), 0x9C0006),
        ChangeStatus::Unchanged => (None, 0x595959),
        ChangeStatus::Unanswered => (None, 0x808080),
    }
}

/// The workbook's properties: its title, and the program that made it and when (custom
/// properties `generator` and `generatedAt`, as the round's JSON names them). The creation time
/// is `generated`, else a fixed one: rust_xlsxwriter would write the current time, and the same
/// round or comparison must give the same file.
pub(crate) fn properties(
    title: &str,
    generated: Option<jiff::Timestamp>,
) -> Result<DocProperties, XlsxError> {
    let created = match generated {
        Some(t) => ExcelDateTime::from_timestamp(t.as_second())?,
        None => ExcelDateTime::from_ymd(1980, 1, 1)?,
    };
    let mut p = DocProperties::new()
        .set_title(clean(title).into_owned())
        .set_author("blankett")
        .set_creation_datetime(&created)
        .set_custom_property("generator", Generator::current().to_string());
    if let Some(at) = generated {
        p = p.set_custom_property("generatedAt", at.to_string());
    }
    Ok(p)
}

/// Writes a header row (row 0) and sets the columns' widths, in characters.
pub(crate) fn header_row(
    ws: &mut Worksheet,
    columns: &[(&str, usize)],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, (name, width)) in columns.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, fit(name, CELL_LIMIT), &f.header)?;
        ws.set_column_width(col(c)?, *width as f64)?;
    }
    Ok(())
}

/// How many lines `text` takes wrapped in a column `width` characters wide (a little narrower,
/// since proportional letters and the cell's margins take room).
pub(crate) fn lines(text: &str, width: usize) -> usize {
    let room = (width.saturating_sub(2)).max(1);
    text.split('\n')
        .map(|line| line.chars().count().div_ceil(room).max(1))
        .sum()
}

/// A row tall enough for `lines` lines, at most Excel's tallest.
pub(crate) fn row_height(lines: usize) -> f64 {
    (lines as f64 * LINE_HEIGHT + 3.0).min(MAX_ROW_HEIGHT)
}

/// Sets a row to the height its wrapped cells (each text with its column's width) need: Excel
/// does not grow rows when it opens a file. A row whose text is taller than Excel's tallest row
/// gets a note in column `note_at` saying that the whole answer is in the Word report and the
/// JSON.
pub(crate) fn fit_row_height<'t>(
    ws: &mut Worksheet,
    r: u32,
    wrapped: impl Iterator<Item = (usize, &'t str)>,
    note_at: u16,
) -> Result<(), XlsxError> {
    let needed = wrapped
        .map(|(width, text)| lines(text, width))
        .max()
        .unwrap_or(1);
    ws.set_row_height(r, row_height(needed))?;
    if row_height(needed) >= MAX_ROW_HEIGHT {
        let note = Note::new(
            "Texten är längre än raden kan visa; hela svaret finns i Word-rapporten och i JSON-filen.",
        )
        .add_author_prefix(false);
        ws.insert_note(r, note_at, &note)?;
    }
    Ok(())
}

/// A sheet as it prints: landscape A4, one page wide, the first `header_rows` rows (and the
/// first `columns` columns) on every page, the title in the page header and the page numbers in
/// the footer.
pub(crate) fn for_print(
    ws: &mut Worksheet,
    heading: &str,
    header_rows: u32,
    columns: u16,
) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, header_rows - 1)?;
    if columns > 0 {
        ws.set_repeat_columns(0, columns - 1)?;
    }
    // `&` starts a code in a page header: a title holding one is written doubled.
    ws.set_header(format!("&L{}", heading.replace('&', "&&")));
    ws.set_footer("&CSida &P av &N");
    Ok(())
}

/// Text [cleaned](super::text::clean) and cut to `limit` UTF-16 code units, with a marker when it
/// was cut: every text cell is written through it.
pub(crate) fn fit(text: &str, limit: usize) -> Cow<'_, str> {
    let text = clean(text);
    if text.encode_utf16().count() <= limit {
        return text;
    }
    let room = limit - CUT_MARKER.encode_utf16().count();
    format!("{}{CUT_MARKER}", cut(&text, room)).into()
}

/// The longest start of `text` that takes at most `room` UTF-16 code units, never splitting a
/// character.
pub(crate) fn cut(text: &str, room: usize) -> &str {
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if used + c.len_utf16() > room {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    &text[..end]
}

pub(crate) fn col(n: usize) -> Result<u16, XlsxError> {
    u16::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}

pub(crate) fn row_num(n: usize) -> Result<u32, XlsxError> {
    u32::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_longer_than_a_cell_holds_is_cut_with_a_marker() {
        let long = "å".repeat(40_000);
        let cut = fit(&long, CELL_LIMIT);
        assert_eq!(cut.encode_utf16().count(), CELL_LIMIT);
        assert!(cut.ends_with(CUT_MARKER));
        assert_eq!(fit("kort", CELL_LIMIT), "kort");
        // A character outside the BMP is two code units and is never split.
        let emoji = "😀".repeat(20_000);
        let cut = fit(&emoji, CELL_LIMIT);
        assert!(cut.encode_utf16().count() <= CELL_LIMIT);
    }
}
