//! Paragraph styles (`word/styles.xml`): names, outline levels and list numbering, with
//! `w:basedOn` inheritance.
//!
//! Word's styles part is often larger than a form's whole document (tens of kilobytes, most of
//! it latent-style exceptions), and a form uses a handful of its styles. So a style is looked
//! up only when a paragraph names it: the `styleId` attributes of the part are indexed in one
//! pass on the first lookup, and only the `w:style` elements a form uses are parsed; results
//! are remembered.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

use quick_xml::events::Event;

use crate::xml;

/// What a paragraph style contributes to a paragraph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StyleInfo {
    pub name: Option<String>,
    /// 0-based outline level (0 is a first-level heading); 9 means body text.
    pub outline_level: Option<u8>,
    /// (numId, ilvl) when the style numbers its paragraphs.
    pub numbering: Option<(String, u8)>,
    /// The heading level the style's name says (`heading 2`, `Rubrik 2`), worked out once.
    pub name_heading: Option<u8>,
}

/// One style element as written, before inheritance.
#[derive(Debug, Default, Clone)]
struct Raw {
    name: Option<String>,
    based_on: Option<String>,
    outline_level: Option<u8>,
    num_id: Option<String>,
    ilvl: Option<u8>,
}

#[derive(Debug, Default)]
pub(crate) struct Styles {
    xml: Vec<u8>,
    resolved: RefCell<HashMap<String, Option<Arc<StyleInfo>>>>,
    default_id: OnceCell<Option<String>>,
    /// Where each `w:style` start tag begins, by its `styleId` as written (entities and all).
    index: OnceCell<HashMap<Box<[u8]>, usize>>,
}

impl Styles {
    /// Keeps the styles part for lookups.
    pub fn new(xml: Vec<u8>) -> Styles {
        let xml = match xml::utf8_view(&xml) {
            std::borrow::Cow::Borrowed(_) => xml,
            std::borrow::Cow::Owned(v) => v,
        };
        Styles {
            xml,
            resolved: RefCell::default(),
            default_id: OnceCell::new(),
            index: OnceCell::new(),
        }
    }

    /// The style of a paragraph: the one it names, or the default paragraph style.
    pub fn for_paragraph(&self, style_id: Option<&str>) -> Option<Arc<StyleInfo>> {
        match style_id {
            Some(id) => self.get(id),
            None => {
                let id = self
                    .default_id
                    .get_or_init(|| self.find_default())
                    .clone()?;
                self.get(&id)
            }
        }
    }

    /// The id of the paragraph style marked `w:default="1"`: the start tag holding both
    /// `default="1"` and `type="paragraph"`.
    fn find_default(&self) -> Option<String> {
        let mut from = 0;
        while let Some(at) = memchr::memmem::find(&self.xml[from..], b"default=\"1\"") {
            let at = from + at;
            from = at + 1;
            let open = memchr::memrchr(b'<', &self.xml[..at])?;
            let close = at + memchr::memchr(b'>', &self.xml[at..])?;
            let tag = &self.xml[open..close];
            if memchr::memmem::find(tag, b"type=\"paragraph\"").is_none() {
                continue;
            }
            let i = memchr::memmem::find(tag, b"styleId=\"")? + b"styleId=\"".len();
            let end = memchr::memchr(b'"', &tag[i..])?;
            return std::str::from_utf8(&tag[i..i + end])
                .ok()
                .map(str::to_owned);
        }
        None
    }

    /// The style a paragraph names in `w:pStyle`, with what it inherits.
    pub fn get(&self, style_id: &str) -> Option<Arc<StyleInfo>> {
        if let Some(hit) = self.resolved.borrow().get(style_id) {
            return hit.clone();
        }
        let info = self.resolve(style_id).map(Arc::new);
        self.resolved
            .borrow_mut()
            .insert(style_id.to_owned(), info.clone());
        info
    }

    /// Follows `w:basedOn` (at most 32 steps, against loops) and fills what a style leaves open.
    fn resolve(&self, id: &str) -> Option<StyleInfo> {
        let first = self.find(id)?;
        let mut info = StyleInfo::default();
        let (mut num_id, mut ilvl) = (None, None);
        let mut cur = Some(first);
        for _ in 0..32 {
            let Some(s) = cur else { break };
            info.name = info.name.or(s.name);
            info.outline_level = info.outline_level.or(s.outline_level);
            num_id = num_id.or(s.num_id);
            ilvl = ilvl.or(s.ilvl);
            cur = s.based_on.as_deref().and_then(|b| self.find(b));
        }
        info.numbering = num_id
            .filter(|n| n.trim() != "0")
            .map(|n| (n, ilvl.unwrap_or(0)));
        info.name_heading = heading_level(None, info.name.as_deref());
        Some(info)
    }

    /// Finds and parses the `w:style` element whose `styleId` is `id`.
    fn find(&self, id: &str) -> Option<Raw> {
        let index = self.index.get_or_init(|| index_styles(&self.xml));
        let at = if id.contains(['&', '"', '\'', '<']) {
            // As an attribute value would write it; either quote may delimit it.
            let escaped = id.replace('&', "&amp;").replace('<', "&lt;");
            let dq = escaped.replace('"', "&quot;");
            let sq = escaped.replace('\'', "&apos;");
            index
                .get(dq.as_bytes())
                .or_else(|| index.get(sq.as_bytes()))
                .or_else(|| index.get(escaped.as_bytes()))
        } else {
            index.get(id.as_bytes())
        }?;
        parse_style(&self.xml[*at..])
    }
}

/// Every `styleId` attribute of a start tag whose local name is `style`: its value as written
/// and where the tag begins. The first of two styles with one id wins, as in Word.
fn index_styles(xml: &[u8]) -> HashMap<Box<[u8]>, usize> {
    let mut index = HashMap::new();
    for at in memchr::memmem::find_iter(xml, b"styleId=") {
        let Some(&quote) = xml.get(at + b"styleId=".len()) else {
            continue;
        };
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let start = at + b"styleId=".len() + 1;
        let Some(len) = memchr::memchr(quote, &xml[start..]) else {
            continue;
        };
        // The attribute must sit in a start tag whose local name is `style` (not, say, a
        // latent-style exception or a table style reference).
        let Some(open) = memchr::memrchr(b'<', &xml[..at]) else {
            continue;
        };
        let tag = &xml[open + 1..at];
        if tag.contains(&b'>') {
            continue;
        }
        let name_end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
        if local == b"style" {
            index.entry(xml[start..start + len].into()).or_insert(open);
        }
    }
    index
}

/// Parses one `w:style` element from the start of `xml` to its end. Only elements of the
/// WordprocessingML vocabulary are found in a style; they are matched by local name here, as
/// the prefixes are declared on the part's root, which this slice does not include.
fn parse_style(xml: &[u8]) -> Option<Raw> {
    let mut r = xml::fast_reader(xml);
    r.config_mut().check_end_names = false;
    let mut raw = Raw::default();
    let mut depth = 0usize;
    let mut in_ppr = 0usize;
    loop {
        let ev = r.read_event().ok()?;
        let (e, empty) = match &ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if e.local_name().as_ref() == b"pPr" {
                    in_ppr = in_ppr.saturating_sub(1);
                }
                if depth == 0 {
                    return Some(raw);
                }
                continue;
            }
            Event::Eof => return Some(raw),
            _ => continue,
        };
        let val = || {
            e.attributes()
                .with_checks(false)
                .flatten()
                .find(|a| a.key.local_name().as_ref() == b"val")
                .and_then(|a| xml::attr_value(a).map(std::borrow::Cow::into_owned))
        };
        match (e.local_name().as_ref(), depth) {
            (b"name", 1) => raw.name = val(),
            (b"basedOn", 1) => raw.based_on = val(),
            (b"pPr", 1) if !empty => in_ppr += 1,
            (b"outlineLvl", _) if in_ppr > 0 => {
                raw.outline_level = val().and_then(|v| v.trim().parse().ok())
            }
            (b"numId", _) if in_ppr > 0 => raw.num_id = val(),
            (b"ilvl", _) if in_ppr > 0 => raw.ilvl = val().and_then(|v| v.trim().parse().ok()),
            _ => {}
        }
        if !empty {
            depth += 1;
        } else if depth == 0 {
            return Some(raw);
        }
    }
}

/// A 1-based heading level from an outline level or, failing that, a heading style name
/// (`heading 2`, `Rubrik 2`).
pub(crate) fn heading_level(outline: Option<u8>, style_name: Option<&str>) -> Option<u8> {
    if let Some(l) = outline {
        return (l < 9).then_some(l + 1);
    }
    let name = style_name?.trim().to_lowercase();
    for prefix in ["heading ", "rubrik "] {
        if let Some(n) = name.strip_prefix(prefix)
            && let Ok(n) = n.trim().parse::<u8>()
            && (1..=9).contains(&n)
        {
            return Some(n);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLES: &str = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:latentStyles w:defLockedState="0"><w:lsdException w:name="heading 1" w:uiPriority="9"/></w:latentStyles>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
  <w:style w:type="paragraph" w:styleId="Rubrik1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>
    <w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
  <w:style w:type="paragraph" w:styleId="MyHeading"><w:name w:val="My Heading"/><w:basedOn w:val="Rubrik1"/></w:style>
  <w:style w:type="paragraph" w:styleId="Punktlista"><w:name w:val="List Bullet"/>
    <w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
  <w:style w:type="character" w:styleId="Rubrik1Char"><w:name w:val="Rubrik 1 Char"/></w:style>
  <w:style w:type="paragraph" w:styleId="Loop"><w:name w:val="Loop"/><w:basedOn w:val="Loop"/></w:style>
  <w:style w:type="paragraph" w:styleId='Single'><w:name w:val="Single quotes"/></w:style>
</w:styles>"#;

    #[test]
    fn inheritance_and_lookups_by_id() {
        let s = Styles::new(STYLES.as_bytes().to_vec());
        let h = s.get("MyHeading").unwrap();
        assert_eq!(h.name.as_deref(), Some("My Heading"));
        assert_eq!(h.outline_level, Some(0));
        assert_eq!(
            s.get("Punktlista").unwrap().numbering,
            Some(("3".into(), 0))
        );
        assert_eq!(s.get("Rubrik1").unwrap().name.as_deref(), Some("heading 1"));
        assert_eq!(
            s.get("Rubrik1Char").unwrap().name.as_deref(),
            Some("Rubrik 1 Char")
        );
        assert!(s.get("Loop").is_some());
        assert_eq!(
            s.get("Single").unwrap().name.as_deref(),
            Some("Single quotes")
        );
        assert!(s.get("Missing").is_none());
        assert_eq!(
            s.for_paragraph(None).unwrap().name.as_deref(),
            Some("Normal")
        );
        // Remembered, not parsed again.
        assert_eq!(s.resolved.borrow().len(), 8);
    }

    #[test]
    fn ids_written_with_entities_and_ids_outside_style_tags() {
        let s = Styles::new(
            br#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:style w:type="paragraph" w:styleId="A&amp;B"><w:name w:val="heading 3"/></w:style>
  <w:style w:type="paragraph" w:styleId='Q"uote'><w:name w:val="Quoted"/></w:style>
  <w:other w:styleId="Fake"/><w:style w:type="paragraph" w:styleId="Fake"><w:name w:val="Real"/></w:style>
  <w:style w:type="paragraph" w:styleId="Fake"><w:name w:val="Second"/></w:style>
</w:styles>"#
                .to_vec(),
        );
        let ab = s.get("A&B").unwrap();
        assert_eq!(ab.name.as_deref(), Some("heading 3"));
        assert_eq!(ab.name_heading, Some(3));
        assert_eq!(s.get("Q\"uote").unwrap().name.as_deref(), Some("Quoted"));
        assert_eq!(s.get("Fake").unwrap().name.as_deref(), Some("Real"));
        assert!(s.get("A&amp;B").is_none());
    }

    #[test]
    fn heading_levels() {
        assert_eq!(heading_level(Some(0), None), Some(1));
        assert_eq!(heading_level(Some(9), Some("heading 1")), None);
        assert_eq!(heading_level(None, Some("Rubrik 2")), Some(2));
        assert_eq!(heading_level(None, Some("Normal")), None);
    }
}
