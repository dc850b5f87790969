//! The glossary document (`word/glossary/document.xml`): the building blocks a template carries,
//! among them each content control's own placeholder text (`w:placeholder/w:docPart` names one).
//! The glossary survives a round trip through LibreOffice Writer even where `w:showingPlcHdr`
//! does not, so it is how a placeholder is still recognised in such a form.

use std::cell::OnceCell;
use std::collections::HashMap;

use quick_xml::events::Event;

use crate::error::Result;
use crate::ooxml::text::normalize;
use crate::xml::{self, Namespaces, Ns};

/// The glossary part, parsed the first time a control asks for its placeholder text.
#[derive(Debug, Default)]
pub(crate) struct Glossary {
    xml: Vec<u8>,
    parts: OnceCell<HashMap<String, String>>,
}

impl Glossary {
    pub fn new(xml: Vec<u8>) -> Glossary {
        Glossary {
            xml,
            parts: OnceCell::new(),
        }
    }

    /// The placeholder text of the named document part. A glossary that does not parse holds
    /// no placeholders: the other two placeholder signals still hold.
    pub fn text(&self, doc_part: &str) -> Option<&str> {
        self.parts
            .get_or_init(|| parse(&self.xml).unwrap_or_default())
            .get(doc_part)
            .map(String::as_str)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.parts
            .get_or_init(|| parse(&self.xml).unwrap_or_default())
            .len()
    }
}

/// Parses a glossary document: `w:docPart` → `w:docPartPr/w:name` and the text of
/// `w:docPartBody`.
fn parse(bytes: &[u8]) -> Result<HashMap<String, String>> {
    {
        let text = xml::utf8_view(bytes);
        let mut r = xml::fast_reader(&text);
        let mut names = Namespaces::default();
        let mut parts = HashMap::new();
        let mut name: Option<String> = None;
        let mut body = String::new();
        let (mut in_body, mut in_pr, mut in_t) = (false, false, false);
        loop {
            let ev = r.read_event().map_err(|e| xml::malformed_at(&r, e))?;
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(ev, Event::Empty(_));
                    let ns = names.push(e);
                    if empty {
                        names.pop();
                    }
                    if ns != Ns::W {
                        continue;
                    }
                    match e.local_name().as_ref() {
                        b"docPart" if !empty => {
                            name = None;
                            body.clear();
                        }
                        b"docPartPr" if !empty => in_pr = true,
                        // The part's own name comes first in w:docPartPr (CT_DocPartPr);
                        // a later w:category/w:name is not it.
                        b"name" if in_pr && name.is_none() => {
                            name = names.attr(e, Ns::W, b"val").map(|v| v.into_owned())
                        }
                        b"docPartBody" if !empty => in_body = true,
                        b"t" if in_body && !empty => in_t = true,
                        b"tab" if in_body => body.push('\t'),
                        b"br" | b"cr" if in_body => body.push('\n'),
                        b"p" if in_body && !body.is_empty() => body.push('\n'),
                        _ => {}
                    }
                }
                Event::Text(ref t) if in_t => {
                    body.push_str(&t.decode().map_err(|e| xml::malformed_at(&r, e))?)
                }
                Event::GeneralRef(ref g) if in_t => {
                    if let Some(s) = resolve_ref(g) {
                        body.push_str(&s);
                    }
                }
                Event::End(ref e) => {
                    names.pop();
                    match e.local_name().as_ref() {
                        b"t" => in_t = false,
                        b"docPartPr" => in_pr = false,
                        b"docPartBody" => in_body = false,
                        b"docPart" => {
                            if let Some(n) = name.take() {
                                parts.entry(n).or_insert_with(|| normalize(&body));
                            }
                            body.clear();
                        }
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(parts)
    }
}

/// Resolves a predefined entity or character reference; anything else (a DTD entity) is
/// never resolved.
pub(crate) fn resolve_ref(g: &quick_xml::events::BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = g.resolve_char_ref() {
        return Some(c.to_string());
    }
    let name = g.decode().ok()?;
    quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_part_texts_by_name() {
        let xml = r#"<w:glossaryDocument xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docParts>
<w:docPart><w:docPartPr><w:name w:val="DefaultPlaceholder_1081868574"/><w:category><w:name w:val="Allmänt"/></w:category></w:docPartPr>
<w:docPartBody><w:p><w:r><w:rPr><w:rStyle w:val="Platshllartext"/></w:rPr><w:t>Klicka här för att ange text.</w:t></w:r></w:p></w:docPartBody></w:docPart>
<w:docPart><w:docPartPr><w:name w:val="A1B2"/></w:docPartPr>
<w:docPartBody><w:p><w:r><w:t xml:space="preserve">Beskriv  samverkan </w:t></w:r><w:r><w:t>&amp; mer</w:t></w:r></w:p></w:docPartBody></w:docPart>
</w:docParts></w:glossaryDocument>"#;
        let g = Glossary::new(xml.as_bytes().to_vec());
        assert_eq!(
            g.text("DefaultPlaceholder_1081868574"),
            Some("Klicka här för att ange text.")
        );
        assert_eq!(g.text("A1B2"), Some("Beskriv samverkan & mer"));
        assert_eq!(g.len(), 2);
    }
}
