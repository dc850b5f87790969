//! The Word report's table of contents: a `TOC` field (ECMA-376 Part 1 §17.16.5.68) whose
//! result already lists the report's headings, each a link to its heading's bookmark, and the
//! setting that has Word refresh the field when it opens the file.
//!
//! ```xml
//! <w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>
//!   <w:r><w:fldChar w:fldCharType="begin"/><w:instrText>TOC \o "1-2" \h \z</w:instrText>
//!        <w:fldChar w:fldCharType="separate"/></w:r>
//!   <w:hyperlink w:anchor="_Toc1"><w:r><w:t>Inkomna svar</w:t></w:r></w:hyperlink></w:p>
//! <w:p><w:pPr><w:pStyle w:val="TOC2"/></w:pPr><w:hyperlink w:anchor="_Toc3">…</w:hyperlink></w:p>
//! <w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
//! ```
//!
//! The entries carry no page numbers: where a page breaks is known only once a program lays
//! the document out. Word, told to update fields on open (`w:updateFields`), rebuilds the list
//! with them; LibreOffice does not update on opening and shows the entries as written, which
//! is why they are written at all.

use docx_rs::{
    Docx, FieldCharType, Hyperlink, HyperlinkType, InstrText, InstrToC, LineSpacing, Paragraph,
    Run, Style, StyleType,
};

use crate::word_out;

/// Style ids of the contents' heading and of its entries, level 1 and 2; Word knows them by
/// their names (`TOC Heading`, `toc 1`, `toc 2`).
const HEADING_STYLE: &str = "TOCHeading";
const ENTRY_STYLES: [&str; 2] = ["TOC1", "TOC2"];

/// How many levels of headings the contents list (`heading 1` and `heading 2`).
pub(super) const LEVELS: usize = 2;

/// The heading over the entries.
const TITLE: &str = "Innehåll";

/// A heading of the report, as the contents list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    /// 0 for `heading 1`, 1 for `heading 2`.
    pub(super) level: usize,
    pub(super) text: String,
    /// The bookmark around the heading (`_Toc1`), which the entry links to.
    pub(super) bookmark: String,
}

/// The bookmark of the `n`th heading (from 1): Word's own prefix for the headings a table of
/// contents links to, hidden from its list of bookmarks.
pub(super) fn bookmark(n: usize) -> String {
    format!("_Toc{n}")
}

/// The contents: its heading, one entry per heading, the field around them. `paragraph` gives
/// each new paragraph (with its id).
pub(super) fn contents(
    entries: &[Entry],
    mut paragraph: impl FnMut() -> Paragraph,
) -> Vec<Paragraph> {
    let mut out = vec![
        paragraph()
            .style(HEADING_STYLE)
            .add_run(Run::new().add_text(TITLE))
            .keep_next(true),
    ];
    let instruction = InstrToC::new()
        .heading_styles_range(1, LEVELS)
        .hyperlink()
        .hide_tab_and_page_numbers_in_webview();
    for (i, e) in entries.iter().enumerate() {
        let mut p = paragraph().style(ENTRY_STYLES[e.level.min(1)]);
        if i == 0 {
            p = p.add_run(
                Run::new()
                    .add_field_char(FieldCharType::Begin, false)
                    .add_instr_text(InstrText::TOC(instruction.clone()))
                    .add_field_char(FieldCharType::Separate, false),
            );
        }
        let link = Hyperlink::new(&e.bookmark, HyperlinkType::Anchor)
            .add_run(Run::new().add_text(one_line(&e.text)));
        out.push(p.add_hyperlink(link));
    }
    if !entries.is_empty() {
        out.push(paragraph().add_run(Run::new().add_field_char(FieldCharType::End, false)));
    }
    out
}

/// A heading's text on one line, as its entry shows it.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The styles of the contents: a heading as large as `heading 1` that is no heading itself (no
/// outline level, so the contents do not list it), entries with room after them, the second
/// level indented and both with a hanging indent for entries that wrap.
pub(super) fn styles(docx: Docx) -> Docx {
    let entry = |level: usize| {
        Style::new(ENTRY_STYLES[level], StyleType::Paragraph)
            .name(format!("toc {}", level + 1))
            .based_on("Normal")
            .next("Normal")
            .ui_priority(39)
            .line_spacing(LineSpacing::new().after(60))
            .indent(
                Some(220 * level as i32 + 220),
                Some(docx_rs::SpecialIndentType::Hanging(220)),
                None,
                None,
            )
    };
    docx.add_style(
        Style::new(HEADING_STYLE, StyleType::Paragraph)
            .name("TOC Heading")
            .based_on("Normal")
            .next("Normal")
            .ui_priority(39)
            .size(32)
            .line_spacing(LineSpacing::new().before(360).after(120)),
    )
    .add_style(entry(0))
    .add_style(entry(1))
}

/// Has Word update the document's fields when it opens it (`w:updateFields` in
/// `word/settings.xml`, ECMA-376 Part 1 §17.15.1.91), so that the contents get their page
/// numbers. It stands before `w:compat` in the settings' order.
pub(super) fn update_fields_on_open(parts: &mut [(String, Vec<u8>)]) -> Result<(), String> {
    let (at, text) = word_out::part_text(parts, "word/settings.xml")?;
    let before = "<w:compat>";
    if !text.contains(before) {
        return Err("docx-rs wrote no w:compat in word/settings.xml".into());
    }
    let text = text.replacen(
        before,
        &format!("<w:updateFields w:val=\"true\" />{before}"),
        1,
    );
    parts[at].1 = text.into_bytes();
    Ok(())
}
