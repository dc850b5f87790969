//! What the two Word files blankett writes, the blank template and the round's report, share:
//! the page, the title and heading styles, and the clean-up of the package docx-rs writes.

use std::io::{Cursor, Read, Write};

use docx_rs::{Docx, LineSpacing, PageMargin, Style, StyleType};

/// A4 in twentieths of a point, and its 2.5 cm margins.
pub(crate) const PAGE: (u32, u32) = (11906, 16838);
pub(crate) const MARGIN: i32 = 1417;

/// Style ids. Word and LibreOffice recognise the built-in styles by their names (`Title`,
/// `heading 1`), whatever the id.
pub(crate) const TITLE_STYLE: &str = "Title";
pub(crate) const HEADING_STYLES: [&str; 3] = ["Heading1", "Heading2", "Heading3"];

/// The empty run properties docx-rs writes ahead of the properties the schema puts first
/// (`w:pStyle`, `w:alias`) in every paragraph's, control's and style's properties.
pub(crate) const EMPTY_RPR: &str = "<w:rPr />";

/// An A4 page with 2.5 cm margins.
pub(crate) fn a4(docx: Docx) -> Docx {
    docx.page_size(PAGE.0, PAGE.1).page_margin(PageMargin {
        top: MARGIN,
        left: MARGIN,
        bottom: MARGIN,
        right: MARGIN,
        header: 708,
        footer: 708,
        gutter: 0,
    })
}

// One run property per style: docx-rs writes run properties in its own order (`w:sz` before
// `w:b`, `w:color`), not the schema's (ECMA-376 Part 1 §17.3.2.28), and Word ignores a property
// out of its place. Where a style needs two, `order_run_properties` puts them in order.

/// The title style (24 pt).
pub(crate) fn title_style() -> Style {
    Style::new(TITLE_STYLE, StyleType::Paragraph)
        .name("Title")
        .based_on("Normal")
        .next("Normal")
        .ui_priority(10)
        .size(48)
}

/// `heading 1` (16 pt), `heading 2` (13 pt) or `heading 3` (12 pt, italic), by 0-based level, with
/// room above it, the more the higher the heading (18 pt, 12 pt, 6 pt), so that it stands
/// apart from the text before.
pub(crate) fn heading_style(level: usize) -> Style {
    let size = [32, 26, 24][level];
    let style = Style::new(HEADING_STYLES[level], StyleType::Paragraph)
        .name(format!("heading {}", level + 1))
        .based_on("Normal")
        .next("Normal")
        .ui_priority(9)
        .outline_lvl(level)
        .size(size)
        .line_spacing(
            LineSpacing::new()
                .before(360 - 120 * level as u32)
                .after(120),
        );
    // A heading 3 is italic, to stand apart from the text at nearly its size and from the
    // names in bold under it ([`order_run_properties`] puts `w:i` where Word reads it).
    if level == 2 { style.italic() } else { style }
}

/// The parts of the package docx-rs wrote, in its order, directory entries left out.
pub(crate) fn unpack(raw: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(raw))
        .map_err(|e| format!("docx-rs wrote no readable zip: {e}"))?;
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| format!("entry {i}: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: {e}", entry.name()))?;
        parts.push((entry.name().to_owned(), bytes));
    }
    Ok(parts)
}

/// Where part `name` stands among `parts`, and its text.
pub(crate) fn part_text(
    parts: &[(String, Vec<u8>)],
    name: &str,
) -> Result<(usize, String), String> {
    let at = parts
        .iter()
        .position(|(n, _)| n == name)
        .ok_or_else(|| format!("docx-rs wrote no {name}"))?;
    let text =
        String::from_utf8(parts[at].1.clone()).map_err(|_| format!("{name} is not UTF-8"))?;
    Ok((at, text))
}

/// Drops docx-rs's empty run properties from part `name`; returns where it stands and its
/// text.
pub(crate) fn drop_empty_rpr(
    parts: &mut [(String, Vec<u8>)],
    name: &str,
) -> Result<(usize, String), String> {
    let (at, text) = part_text(parts, name)?;
    let text = text.replace(EMPTY_RPR, "");
    parts[at].1 = text.clone().into_bytes();
    Ok((at, text))
}

/// The font every text of a document is set in unless a style says otherwise: one that Word and
/// LibreOffice both have or substitute by its metrics, so that a page breaks where it did.
pub(crate) const BODY_FONT: &str = "Calibri";

/// Sets the document's default font and language (`sv-SE`, so that spelling, hyphenation and
/// screen readers treat the text as Swedish) in `word/styles.xml`'s default run properties,
/// in the schema's order around the size docx-rs wrote (`w:rFonts` first, `w:lang` last).
pub(crate) fn set_font_and_language(parts: &mut [(String, Vec<u8>)]) -> Result<(), String> {
    let (at, text) = part_text(parts, "word/styles.xml")?;
    let open = "<w:rPrDefault><w:rPr>";
    let close = "</w:rPr></w:rPrDefault>";
    if !text.contains(open) || !text.contains(close) {
        return Err("docx-rs wrote no default run properties".into());
    }
    let fonts = format!(
        "<w:rFonts w:ascii=\"{BODY_FONT}\" w:hAnsi=\"{BODY_FONT}\" w:eastAsia=\"{BODY_FONT}\" w:cs=\"{BODY_FONT}\" />"
    );
    let lang = "<w:lang w:val=\"sv-SE\" w:eastAsia=\"sv-SE\" w:bidi=\"ar-SA\" />";
    let text = text.replacen(open, &format!("{open}{fonts}"), 1).replacen(
        close,
        &format!("{lang}{close}"),
        1,
    );
    parts[at].1 = text.into_bytes();
    Ok(())
}

/// Gives the document its title and language in `docProps/core.xml` (what a screen reader
/// announces, and what the accessibility rules for public documents ask for), and names
/// blankett as its author instead of docx-rs's "unknown".
pub(crate) fn set_title(parts: &mut [(String, Vec<u8>)], title: &str) -> Result<(), String> {
    let (at, text) = part_text(parts, "docProps/core.xml")?;
    let end = "</cp:coreProperties>";
    if !text.contains(end) {
        return Err("docx-rs wrote no core properties".into());
    }
    let title = quick_xml::escape::escape(title);
    let text = text
        .replace(
            "<dc:creator>unknown</dc:creator>",
            "<dc:creator>blankett</dc:creator>",
        )
        .replace(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            "<cp:lastModifiedBy>blankett</cp:lastModifiedBy>",
        )
        .replacen(
            end,
            &format!("<dc:language>sv-SE</dc:language><dc:title>{title}</dc:title>{end}"),
            1,
        );
    parts[at].1 = text.into_bytes();
    Ok(())
}

/// Names the program that wrote the document (`blankett 0.1.0`) in `docProps/app.xml`'s
/// `Application`, where Word and LibreOffice name themselves; docx-rs leaves that part empty.
pub(crate) fn set_application(
    parts: &mut [(String, Vec<u8>)],
    application: &str,
) -> Result<(), String> {
    let (at, text) = part_text(parts, "docProps/app.xml")?;
    let empty = "docPropsVTypes\" />";
    if !text.contains(empty) {
        return Err("docx-rs wrote no empty extended properties".into());
    }
    let application = quick_xml::escape::escape(application);
    let text = text.replacen(
        empty,
        &format!("docPropsVTypes\"><Application>{application}</Application></Properties>"),
        1,
    );
    parts[at].1 = text.into_bytes();
    Ok(())
}

/// Marks the table rows that cannot split (the header rows blankett writes, and only they) as
/// header rows (`w:tblHeader`, last of the row's properties as the schema orders them): Word
/// repeats them on every page and screen readers read them as the column headings.
pub(crate) fn mark_header_rows(parts: &mut [(String, Vec<u8>)]) -> Result<(), String> {
    let (at, text) = part_text(parts, "word/document.xml")?;
    let start = "<w:trPr><w:cantSplit />";
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text.as_str();
    while let Some(i) = rest.find(start) {
        let Some(j) = rest[i..].find("</w:trPr>") else {
            break;
        };
        out.push_str(&rest[..i + j]);
        out.push_str("<w:tblHeader />");
        rest = &rest[i + j..];
    }
    out.push_str(rest);
    parts[at].1 = out.into_bytes();
    Ok(())
}

/// Puts run properties where the schema orders them (ECMA-376 Part 1 §17.3.2.28) and docx-rs
/// does not, in `word/document.xml` and `word/styles.xml`: `w:strike` ahead of `w:color` (a
/// struck-through run in a colour), `w:i` ahead of `w:sz` (an italic style of its own size). Word
/// ignores a property out of its place. Runs and styles with one property are left as they
/// are.
pub(crate) fn order_run_properties(parts: &mut [(String, Vec<u8>)]) -> Result<(), String> {
    for name in ["word/document.xml", "word/styles.xml"] {
        let (at, text) = part_text(parts, name)?;
        let text = put_ahead(&text, "<w:strike />", "<w:color ");
        let text = put_ahead(&text, "<w:i /><w:iCs />", "<w:szCs ");
        let text = put_ahead(&text, "<w:i /><w:iCs />", "<w:sz ");
        parts[at].1 = text.into_bytes();
    }
    Ok(())
}

/// `text` with each `element` that follows an empty element starting with `of` (and nothing
/// between them) put ahead of it.
fn put_ahead(text: &str, element: &str, of: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(element) {
        let before = &rest[..i];
        match before.rfind(of) {
            Some(o) if before.ends_with("/>") && !before[o + 1..].contains('<') => {
                out.push_str(&before[..o]);
                out.push_str(element);
                out.push_str(&before[o..]);
            }
            _ => {
                out.push_str(before);
                out.push_str(element);
            }
        }
        rest = &rest[i + element.len()..];
    }
    out.push_str(rest);
    out
}

/// Zips `parts` again: `[Content_Types].xml` first (Word and most readers expect it there),
/// then the rest in order, with a fixed time and system (MS-DOS, as Word writes it), so that
/// the same content always gives the same bytes on every machine. docx-rs zips with the current
/// time when zip's `time` feature is on.
pub(crate) fn pack(mut parts: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, String> {
    if let Some(at) = parts.iter().position(|(n, _)| n == "[Content_Types].xml") {
        let types = parts.remove(at);
        parts.insert(0, types);
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT)
        .system(zip::System::Dos);
    for (name, bytes) in &parts {
        out.start_file(name.as_str(), options)
            .map_err(|e| format!("{name}: {e}"))?;
        out.write_all(bytes).map_err(|e| format!("{name}: {e}"))?;
    }
    let out = out
        .finish()
        .map_err(|e| format!("cannot finish the zip: {e}"))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_property_is_put_ahead_only_of_the_element_right_before_it() {
        let rpr = r#"<w:rPr><w:color w:val="A00000" /><w:strike /></w:rPr>"#;
        assert_eq!(
            put_ahead(rpr, "<w:strike />", "<w:color "),
            r#"<w:rPr><w:strike /><w:color w:val="A00000" /></w:rPr>"#
        );
        // Something else between them, or no colour: left as it is.
        for rpr in [
            r#"<w:rPr><w:color w:val="A00000" /><w:b /><w:strike /></w:rPr>"#,
            "<w:rPr><w:strike /></w:rPr>",
        ] {
            assert_eq!(put_ahead(rpr, "<w:strike />", "<w:color "), rpr);
        }
    }
}
