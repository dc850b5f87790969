//! The Word document of a comparison, written as the round's report is (its builder, styles
//! and package, `export::docx`), with the same overview and changed answers as the round
//! report's section on changes, one heading level up.
//!
//! ```text
//! Förändringar 2022-T1 → 2022-T2                 Title
//! Enkät naringsliv-uppfoljning, version 2022 …   Subtitle: the questionnaire, how many forms
//! Innehåll                                       the table of contents
//! Sammanfattning, Tillkomna och försvunna        Heading 1 each
//! 1. Stimulera tillväxt …  / Beskriv …           Heading 1 per area, Heading 2 per question
//! Skapad 2022-09-01 kl. 08.30 UTC med blankett   small italic: when the later round was made
//! ```
//!
//! The document's dates are the later round's `generatedAt`: the same comparison gives the
//! same bytes.

use docx_rs::LineSpacing;

use crate::compare::Comparison;
use crate::export::ExportError;
use crate::export::docx::{Builder, changes};
use crate::export::text::made_by_at;
use crate::word_out::TITLE_STYLE;

use super::words;

/// The Word document of a comparison.
pub fn to_docx(c: &Comparison) -> Result<Vec<u8>, ExportError> {
    let mut b = Builder::default();
    let mut docx = b.start(false);
    let title = words::title(c);
    let p = b.text(Some(TITLE_STYLE), &title);
    docx = docx.add_paragraph(p);
    let p = b.text(Some(crate::export::docx::SUBTITLE_STYLE), &words::intro(c));
    docx = docx.add_paragraph(p);
    b.contents_at = docx.document.children.len();
    // The overview on the page after the contents, as the round report's first part.
    let p = b
        .heading(0, changes::SUMMARY_HEADING)
        .page_break_before(true);
    docx = changes::overview(&mut b, docx.add_paragraph(p), c, 0);
    docx = changes::areas(&mut b, docx, c, 0);
    let at = words::made_at(c);
    let p = b
        .italic(&made_by_at(at))
        .style(crate::export::docx::SMALL_STYLE)
        .line_spacing(LineSpacing::new().before(360));
    docx = docx.add_paragraph(p);
    b.finish(docx, at, &title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::testing::sample;
    use std::io::Read;

    fn document_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    /// The runs of `xml` whose properties hold `mark`, their text joined.
    fn marked(xml: &str, mark: &str) -> Vec<String> {
        xml.split("<w:r>")
            .filter(|r| r.split("</w:rPr>").next().is_some_and(|p| p.contains(mark)))
            .filter_map(|r| {
                let t = r.split("<w:t xml:space=\"preserve\">").nth(1)?;
                Some(t.split("</w:t>").next()?.to_owned())
            })
            .collect()
    }

    #[test]
    fn removed_words_are_struck_through_and_added_ones_underlined() {
        let xml = document_xml(&to_docx(&sample()).unwrap());
        let struck = marked(&xml, "<w:strike />");
        let underlined = marked(&xml, "<w:u w:val=\"single\" />");
        assert!(struck.contains(&"12".to_owned()), "{struck:?}");
        assert!(struck.contains(&"våren.".to_owned()), "{struck:?}");
        assert!(underlined.contains(&"15".to_owned()), "{underlined:?}");
        assert!(underlined.contains(&"hösten.".to_owned()), "{underlined:?}");
        // The legend's words, and no space, carry a mark.
        assert!(struck.iter().chain(&underlined).all(|t| t.trim() == t));
        // The strike stands where the schema puts it, ahead of the colour.
        assert!(
            xml.contains("<w:strike /><w:color w:val=\"A00000\" />"),
            "{xml}"
        );
        assert!(!xml.contains("<w:color w:val=\"A00000\" /><w:strike />"));
    }

    #[test]
    fn the_document_reads_back_with_the_overview_and_every_changed_answer() {
        let bytes = to_docx(&sample()).unwrap();
        let doc = crate::read_bytes(bytes, Some("jämförelse.docx")).unwrap();
        let text = doc.text();
        for want in [
            "Förändringar 2023-T1 → 2023-T2",
            "Sammanfattning",
            "Tillkomna och försvunna",
            "Norra innerstadens stadsdelsnämnd: Ny från 2023-07-01, tog över efter Norrmalms stadsdelsnämnd och Östermalms stadsdelsnämnd.",
            "Farsta stadsdelsnämnd · Ändrat",
            "Vi har träffat 12 15 företag under våren. hösten.",
            "Nytt: samverkan i Hagsätra.",
            "Kontroller med polisen.",
            "Inga förändringar: 1 oförändrat svar (1 återlämnat som förifyllt).",
            "Företagsdialog varje varannan månad.",
        ] {
            assert!(text.contains(want), "{want:?} is not in:\n{text}");
        }
    }

    #[test]
    fn the_same_comparison_gives_the_same_bytes() {
        let a = to_docx(&sample()).unwrap();
        let b = std::thread::spawn(|| to_docx(&sample()).unwrap())
            .join()
            .unwrap();
        assert!(a == b);
        let xml = document_xml(&a);
        assert!(xml.contains("Heading1") && xml.contains("Heading2"));
    }
}
