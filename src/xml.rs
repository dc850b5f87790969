//! The one place XML readers are made: configuration, namespace constants, attribute lookup
//! by namespace URI (never by prefix), and the small package parts (relationships, content types).
//!
//! Transitional (`schemas.openxmlformats.org`) and Strict (`purl.oclc.org/ooxml`) namespaces
//! map to the same [`Ns`], so nothing downstream cares which one a file uses.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::error::{Error, ErrorKind, Result};
use crate::package::{Relationship, normalize_part_name};

/// WordprocessingML main namespace, Transitional.
pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// WordprocessingML main namespace, Strict.
pub const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
/// Word 2010 extensions (`w14:checkbox`).
pub const W14: &str = "http://schemas.microsoft.com/office/word/2010/wordml";
/// Word 2013 extensions (`w15:repeatingSection`).
pub const W15: &str = "http://schemas.microsoft.com/office/word/2012/wordml";
/// The pre-release Word 2013 namespace some templates still carry.
pub const W15_PRERELEASE: &str = "http://schemas.microsoft.com/office/word/2010/11/wordml";
/// Markup Compatibility (`mc:AlternateContent`), ECMA-376 Part 3.
pub const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
/// Office Math, Transitional and Strict.
pub const MATH: &str = "http://schemas.openxmlformats.org/officeDocument/2006/math";
pub const MATH_STRICT: &str = "http://purl.oclc.org/ooxml/officeDocument/math";
/// Relationship references (`r:id`), Transitional and Strict.
pub const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub const R_STRICT: &str = "http://purl.oclc.org/ooxml/officeDocument/relationships";
/// Custom XML data store item properties (`ds:itemID`), Transitional and Strict.
pub const DS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/customXml";
pub const DS_STRICT: &str = "http://purl.oclc.org/ooxml/officeDocument/customXml";

/// The namespaces the reader acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    W,
    W14,
    W15,
    Mc,
    Math,
    R,
    Ds,
    /// No namespace (unprefixed attributes).
    None,
    Other,
}

/// Classifies a namespace URI.
#[inline]
pub fn classify(uri: &[u8]) -> Ns {
    match uri {
        u if u == W.as_bytes() || u == W_STRICT.as_bytes() => Ns::W,
        u if u == W14.as_bytes() => Ns::W14,
        u if u == W15.as_bytes() || u == W15_PRERELEASE.as_bytes() => Ns::W15,
        u if u == MC.as_bytes() => Ns::Mc,
        u if u == MATH.as_bytes() || u == MATH_STRICT.as_bytes() => Ns::Math,
        u if u == R.as_bytes() || u == R_STRICT.as_bytes() => Ns::R,
        u if u == DS.as_bytes() || u == DS_STRICT.as_bytes() => Ns::Ds,
        _ => Ns::Other,
    }
}

#[inline]
pub fn classify_result(r: &ResolveResult<'_>) -> Ns {
    match r {
        ResolveResult::Bound(ns) => classify(ns.as_ref()),
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Unknown(_) => Ns::Other,
    }
}

/// A namespace-aware reader over an inflated part, configured the one way the project reads XML.
pub fn reader(bytes: &[u8]) -> NsReader<&[u8]> {
    let mut r = NsReader::from_reader(bytes);
    let config = r.config_mut();
    config.trim_text(false);
    config.expand_empty_elements = false;
    config.check_end_names = true;
    config.allow_unmatched_ends = false;
    r
}

/// The part as UTF-8: strips a UTF-8 byte order mark and transcodes UTF-16 (XML 1.0 §4.3.3
/// allows both; Word writes UTF-8, a few tools write UTF-16).
pub fn utf8_view(bytes: &[u8]) -> Cow<'_, [u8]> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Cow::Borrowed(rest);
    }
    let (le, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return Cow::Borrowed(bytes),
    };
    let units = body.chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    // The declaration still says UTF-16; the reader only looks at the bytes.
    Cow::Owned(
        text.replacen("encoding=\"UTF-16\"", "encoding=\"UTF-8\"", 1)
            .into_bytes(),
    )
}

/// A malformed-XML error at the reader's position.
pub fn malformed(r: &NsReader<&[u8]>, detail: impl std::fmt::Display) -> Error {
    let detail = detail.to_string();
    let detail = detail.trim_end_matches('.');
    Error::new(ErrorKind::MalformedXml {
        detail: lowercase_first(detail),
    })
    .at(r.error_position())
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The value of attribute `ns:local` on `e`. Unprefixed attributes are accepted for `ns`
/// as well, which some non-Word producers write.
pub fn attr<'a>(
    r: &NsReader<&[u8]>,
    e: &BytesStart<'a>,
    ns: Ns,
    local: &[u8],
) -> Option<Cow<'a, str>> {
    for a in e.attributes().with_checks(false).flatten() {
        let (res, name) = r.resolver().resolve_attribute(a.key);
        if name.as_ref() != local {
            continue;
        }
        let found = classify_result(&res);
        if found == ns || found == Ns::None {
            return a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| match v {
                    Cow::Borrowed(s) => Cow::Owned(s.to_owned()),
                    Cow::Owned(s) => Cow::Owned(s),
                });
        }
    }
    None
}

/// An unprefixed attribute (`Id`, `Target` in package parts).
pub fn plain_attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// ST_OnOff (ECMA-376 Part 1 §22.9.2.7): absent value means on.
pub fn on_off(value: Option<&str>) -> bool {
    !matches!(
        value.map(str::trim),
        Some("0") | Some("false") | Some("off") | Some("False") | Some("FALSE")
    )
}

/// Parses a `.rels` part. Targets are left as written; the package resolves them.
pub fn parse_relationships(bytes: &[u8]) -> Result<Vec<Relationship>> {
    let text = utf8_view(bytes);
    let mut r = reader(&text);
    let mut out = Vec::new();
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if e.local_name().as_ref() == b"Relationship" =>
            {
                let (Some(id), Some(ty), Some(target)) = (
                    plain_attr(&e, b"Id"),
                    plain_attr(&e, b"Type"),
                    plain_attr(&e, b"Target"),
                ) else {
                    continue;
                };
                let external = plain_attr(&e, b"TargetMode")
                    .is_some_and(|m| m.eq_ignore_ascii_case("External"));
                let kind = ty
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_owned();
                out.push(Relationship {
                    id,
                    kind,
                    strict: ty.starts_with("http://purl.oclc.org/ooxml/"),
                    target,
                    external,
                });
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(malformed(&r, e)),
        }
    }
    Ok(out)
}

/// `[Content_Types].xml`: defaults by extension and overrides by part name.
#[derive(Debug, Default)]
pub struct ContentTypes {
    defaults: HashMap<String, String>,
    overrides: HashMap<String, String>,
}

impl ContentTypes {
    /// The content type of a part, override first, then the extension default.
    pub fn for_part(&self, part: &str) -> Option<String> {
        let key = normalize_part_name(part);
        if let Some(ct) = self.overrides.get(&key) {
            return Some(ct.clone());
        }
        let ext = key.rsplit_once('.')?.1;
        self.defaults.get(ext).cloned()
    }
}

pub fn parse_content_types(bytes: &[u8]) -> Result<ContentTypes> {
    let text = utf8_view(bytes);
    let mut r = reader(&text);
    let mut out = ContentTypes::default();
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"Default" => {
                    if let (Some(ext), Some(ct)) =
                        (plain_attr(&e, b"Extension"), plain_attr(&e, b"ContentType"))
                    {
                        out.defaults.insert(ext.to_lowercase(), ct);
                    }
                }
                b"Override" => {
                    if let (Some(part), Some(ct)) =
                        (plain_attr(&e, b"PartName"), plain_attr(&e, b"ContentType"))
                    {
                        out.overrides.insert(normalize_part_name(&part), ct);
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(malformed(&r, e)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_and_transitional_are_the_same_namespace() {
        assert_eq!(classify(W.as_bytes()), Ns::W);
        assert_eq!(classify(W_STRICT.as_bytes()), Ns::W);
        assert_eq!(classify(b"urn:other"), Ns::Other);
    }

    #[test]
    fn attributes_match_by_namespace_not_prefix() {
        let xml = br#"<x:p xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:y="urn:y" y:val="no" x:val="yes"/>"#;
        let mut r = reader(xml);
        let Ok(Event::Empty(e)) = r.read_event() else {
            panic!("expected an empty element")
        };
        assert_eq!(attr(&r, &e, Ns::W, b"val").as_deref(), Some("yes"));
    }

    #[test]
    fn relationships_of_both_flavours() {
        let xml = br#"<?xml version="1.0"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="word/document.xml"/>
  <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/" TargetMode="External"/>
</Relationships>"#;
        let rels = parse_relationships(xml).unwrap();
        assert_eq!(rels.len(), 2);
        assert_eq!(rels[0].kind, "officeDocument");
        assert!(rels[0].strict);
        assert!(rels[1].external);
        assert!(!rels[1].strict);
    }

    #[test]
    fn utf16_parts_are_transcoded() {
        let s = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>å</a>";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let v = utf8_view(&bytes);
        assert_eq!(
            std::str::from_utf8(&v).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>å</a>"
        );
    }

    #[test]
    fn on_off_values() {
        assert!(on_off(None));
        assert!(on_off(Some("1")));
        assert!(on_off(Some("true")));
        assert!(!on_off(Some("0")));
        assert!(!on_off(Some("false")));
    }
}
