//! Paragraph styles (`word/styles.xml`): names, outline levels and list numbering, with
//! `w:basedOn` inheritance resolved once, when the part is read.

use std::collections::HashMap;

use quick_xml::events::Event;

use crate::error::Result;
use crate::xml::{self, Ns};

/// What a paragraph style contributes to a paragraph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StyleInfo {
    pub name: Option<String>,
    /// 0-based outline level (0 is a first-level heading); 9 means body text.
    pub outline_level: Option<u8>,
    /// (numId, ilvl) when the style numbers its paragraphs.
    pub numbering: Option<(String, u8)>,
}

#[derive(Debug, Default)]
pub(crate) struct Styles {
    resolved: HashMap<String, StyleInfo>,
    default_style: Option<String>,
}

#[derive(Debug, Default, Clone)]
struct Raw {
    name: Option<String>,
    based_on: Option<String>,
    outline_level: Option<u8>,
    num_id: Option<String>,
    ilvl: Option<u8>,
}

impl Styles {
    /// Parses `word/styles.xml`.
    pub fn parse(bytes: &[u8]) -> Result<Styles> {
        let text = xml::utf8_view(bytes);
        let mut r = xml::reader(&text);
        let mut raw: HashMap<String, Raw> = HashMap::new();
        let mut default_style = None;
        let mut current: Option<(String, Raw)> = None;
        let mut in_ppr = 0usize;
        loop {
            let ev = r.read_event().map_err(|e| xml::malformed(&r, e))?;
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(ev, Event::Empty(_));
                    let (res, local) = r.resolver().resolve_element(e.name());
                    if xml::classify_result(&res) != Ns::W {
                        continue;
                    }
                    match local.as_ref() {
                        b"style" => {
                            let is_para =
                                xml::attr(&r, e, Ns::W, b"type").is_none_or(|t| t == "paragraph");
                            let id = xml::attr(&r, e, Ns::W, b"styleId").map(|s| s.into_owned());
                            if let (true, Some(id)) = (is_para, id) {
                                if xml::attr(&r, e, Ns::W, b"default")
                                    .is_some_and(|d| xml::on_off(Some(&d)))
                                {
                                    default_style = Some(id.clone());
                                }
                                if !empty {
                                    current = Some((id, Raw::default()));
                                }
                            }
                        }
                        b"pPr" if !empty => in_ppr += 1,
                        name => {
                            let Some((_, s)) = current.as_mut() else {
                                continue;
                            };
                            let val = xml::attr(&r, e, Ns::W, b"val").map(|v| v.into_owned());
                            match name {
                                b"name" => s.name = val,
                                b"basedOn" => s.based_on = val,
                                b"outlineLvl" if in_ppr > 0 => {
                                    s.outline_level = val.and_then(|v| v.trim().parse().ok())
                                }
                                b"numId" if in_ppr > 0 => s.num_id = val,
                                b"ilvl" if in_ppr > 0 => {
                                    s.ilvl = val.and_then(|v| v.trim().parse().ok())
                                }
                                _ => {}
                            }
                        }
                    }
                }
                Event::End(ref e) => {
                    let (res, local) = r.resolver().resolve_element(e.name());
                    if xml::classify_result(&res) != Ns::W {
                        continue;
                    }
                    match local.as_ref() {
                        b"style" => {
                            if let Some((id, s)) = current.take() {
                                raw.entry(id).or_insert(s);
                            }
                            in_ppr = 0;
                        }
                        b"pPr" => in_ppr = in_ppr.saturating_sub(1),
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let resolved = raw
            .keys()
            .map(|id| (id.clone(), resolve(&raw, id)))
            .collect();
        Ok(Styles {
            resolved,
            default_style,
        })
    }

    /// The style a paragraph gets: its own `w:pStyle`, or the default paragraph style.
    pub fn get(&self, style_id: Option<&str>) -> Option<&StyleInfo> {
        let id = style_id.or(self.default_style.as_deref())?;
        self.resolved.get(id)
    }
}

/// Follows `w:basedOn` (at most 32 steps, against loops) and fills what a style leaves open.
fn resolve(raw: &HashMap<String, Raw>, id: &str) -> StyleInfo {
    let mut info = StyleInfo::default();
    let mut num_id = None;
    let mut ilvl = None;
    let mut cur = Some(id);
    for _ in 0..32 {
        let Some(s) = cur.and_then(|c| raw.get(c)) else {
            break;
        };
        if info.name.is_none() {
            info.name = s.name.clone();
        }
        if info.outline_level.is_none() {
            info.outline_level = s.outline_level;
        }
        if num_id.is_none() {
            num_id = s.num_id.clone();
        }
        if ilvl.is_none() {
            ilvl = s.ilvl;
        }
        cur = s.based_on.as_deref();
    }
    info.numbering = num_id
        .filter(|n| n.trim() != "0")
        .map(|n| (n, ilvl.unwrap_or(0)));
    info
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
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
  <w:style w:type="paragraph" w:styleId="Rubrik1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>
    <w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="MyHeading"><w:name w:val="My Heading"/><w:basedOn w:val="Rubrik1"/></w:style>
  <w:style w:type="paragraph" w:styleId="Punktlista"><w:name w:val="List Bullet"/>
    <w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
  <w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/></w:style>
  <w:style w:type="paragraph" w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>
</w:styles>"#;

    #[test]
    fn inheritance_and_defaults() {
        let s = Styles::parse(STYLES.as_bytes()).unwrap();
        let h = s.get(Some("MyHeading")).unwrap();
        assert_eq!(h.name.as_deref(), Some("My Heading"));
        assert_eq!(h.outline_level, Some(0));
        assert_eq!(s.get(None).unwrap().name.as_deref(), Some("Normal"));
        assert_eq!(
            s.get(Some("Punktlista")).unwrap().numbering,
            Some(("3".into(), 0))
        );
        assert!(s.get(Some("Strong")).is_none());
        assert!(s.get(Some("Loop")).is_some());
    }

    #[test]
    fn heading_levels() {
        assert_eq!(heading_level(Some(0), None), Some(1));
        assert_eq!(heading_level(Some(9), Some("heading 1")), None);
        assert_eq!(heading_level(None, Some("Rubrik 2")), Some(2));
        assert_eq!(heading_level(None, Some("Normal")), None);
    }
}
