//! The one place XML readers are made: configuration, namespace constants, attribute lookup
//! by namespace URI (never by prefix), and which characters XML 1.0 can hold. It knows nothing
//! of packages: the package parts (relationships, content types) are read in `package::opc`.
//!
//! Transitional (`schemas.openxmlformats.org`) and Strict (`purl.oclc.org/ooxml`) namespaces
//! map to the same [`Ns`], so nothing downstream cares which one a file uses.

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::events::BytesStart;
use quick_xml::name::ResolveResult;

use crate::error::{Error, ErrorKind};

/// WordprocessingML main namespace, Transitional.
pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// WordprocessingML main namespace, Strict.
pub const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
/// Word 2010 extensions (`w14:checkbox`).
pub const W14: &str = "http://schemas.microsoft.com/office/word/2010/wordml";
/// Word 2006 extensions (`wne:txbxContent`: a text box's content in the DrawingML shapes of a
/// Strict document).
pub const WNE: &str = "http://schemas.microsoft.com/office/word/2006/wordml";
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
    Wne,
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
        u if u == WNE.as_bytes() => Ns::Wne,
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
    configure(r.config_mut());
    r
}

/// A plain reader for the hot path; namespaces are then tracked by [`Namespaces`].
pub fn fast_reader(bytes: &[u8]) -> quick_xml::Reader<&[u8]> {
    let mut r = quick_xml::Reader::from_reader(bytes);
    configure(r.config_mut());
    r
}

fn configure(config: &mut quick_xml::reader::Config) {
    config.trim_text(false);
    config.expand_empty_elements = false;
    config.check_end_names = true;
    config.allow_unmatched_ends = false;
}

/// Namespace bindings in scope, for the walker's plain reader.
///
/// `quick_xml::NsReader` looks through every attribute of every element for declarations;
/// Word puts `w:rsid*` attributes on nearly every paragraph and run, and declares its
/// namespaces on the root element. Here an element's attributes are only looked through when
/// its tag holds `xmlns` at all, and the last prefixes resolved are remembered.
#[derive(Debug, Default)]
pub struct Namespaces {
    /// (prefix, namespace); the empty prefix is the default namespace.
    bindings: Vec<(Box<[u8]>, Ns)>,
    /// `bindings.len()` before each open element.
    marks: Vec<usize>,
    cache: [CachedPrefix; 4],
    next_slot: usize,
}

/// A resolved prefix of up to 8 bytes (Word's are 1–5), kept without allocating: its bytes
/// and length packed in one integer, compared in one step.
#[derive(Debug, Default, Clone, Copy)]
struct CachedPrefix {
    packed: u128,
    ns: Option<Ns>,
}

/// `p` and its length in one integer; `None` when it is longer than 8 bytes.
#[inline]
fn pack_prefix(p: &[u8]) -> Option<u128> {
    if p.len() > 8 {
        return None;
    }
    let mut packed = p.len() as u128;
    for (i, &b) in p.iter().enumerate() {
        packed |= u128::from(b) << (8 * (i + 1));
    }
    Some(packed)
}

/// True when the raw attributes of a tag hold `xmlns`.
#[inline]
fn declares_namespaces(raw: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'x', &raw[from..]) {
        if raw[from + i..].starts_with(b"xmlns") {
            return true;
        }
        from += i + 1;
    }
    false
}

impl Namespaces {
    /// Takes in an element's declarations and returns the namespace of its name. Pair with
    /// [`pop`](Namespaces::pop) at its end (right away for an empty element).
    pub fn push(&mut self, e: &BytesStart<'_>) -> Ns {
        self.marks.push(self.bindings.len());
        if declares_namespaces(e.attributes_raw()) {
            for a in e.attributes().with_checks(false).flatten() {
                let key = a.key.as_ref();
                let prefix: &[u8] = if key == b"xmlns" {
                    b""
                } else if let Some(p) = key.strip_prefix(b"xmlns:") {
                    p
                } else {
                    continue;
                };
                self.bindings.push((prefix.into(), classify(&a.value)));
            }
            self.clear_cache();
        }
        let name = e.name().into_inner();
        // Names are short (`w:p`, `wps:txbx`): a plain scan beats a search set up per call.
        let prefix = name.iter().position(|&b| b == b':').map(|i| &name[..i]);
        self.resolve(prefix, true)
    }

    pub fn pop(&mut self) {
        if let Some(mark) = self.marks.pop()
            && mark != self.bindings.len()
        {
            self.bindings.truncate(mark);
            self.clear_cache();
        }
    }

    fn clear_cache(&mut self) {
        self.cache = Default::default();
    }

    /// The namespace of a prefix; `use_default` for element names (attributes without a
    /// prefix are in no namespace).
    pub fn resolve(&mut self, prefix: Option<&[u8]>, use_default: bool) -> Ns {
        let p: &[u8] = match prefix {
            Some(p) => p,
            None if use_default => b"",
            None => return Ns::None,
        };
        let packed = pack_prefix(p);
        if let Some(packed) = packed {
            for c in &self.cache {
                if let Some(ns) = c.ns
                    && c.packed == packed
                {
                    return ns;
                }
            }
        }
        let ns = self.lookup(p);
        if let Some(packed) = packed {
            self.cache[self.next_slot] = CachedPrefix {
                packed,
                ns: Some(ns),
            };
            self.next_slot = (self.next_slot + 1) % self.cache.len();
        }
        ns
    }

    fn lookup(&self, p: &[u8]) -> Ns {
        match self.bindings.iter().rev().find(|(bp, _)| **bp == *p) {
            Some((_, ns)) => *ns,
            None if p.is_empty() => Ns::None,
            None => Ns::Other,
        }
    }

    /// The value of attribute `ns:local` on `e` (unprefixed attributes count for any `ns`,
    /// which some non-Word producers write).
    pub fn attr<'a>(&self, e: &'a BytesStart<'_>, ns: Ns, local: &[u8]) -> Option<Cow<'a, str>> {
        for a in e.attributes().with_checks(false).flatten() {
            let key = a.key;
            if key.local_name().as_ref() != local {
                continue;
            }
            let found = match key.prefix() {
                None => Ns::None,
                Some(p) => self.lookup(p.as_ref()),
            };
            if found == ns || found == Ns::None {
                return attr_value(a);
            }
        }
        None
    }
}

/// A malformed-XML error at a plain reader's position.
pub fn malformed_at(r: &quick_xml::Reader<&[u8]>, detail: impl std::fmt::Display) -> Error {
    let detail = detail.to_string();
    let detail = detail.trim_end_matches('.');
    Error::new(ErrorKind::MalformedXml {
        detail: lowercase_first(detail),
    })
    .at(r.error_position())
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
            return attr_value(a).map(|v| match v {
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
        .and_then(|a| attr_value(a).map(Cow::into_owned))
}

/// An attribute's value with XML's normalization (entities expanded, tabs and line ends as
/// spaces) and without the characters XML 1.0 cannot hold (a tag, a title or a list item
/// reaches every export: [`is_xml_illegal`]); `None` when it is malformed.
/// Most values need none of it and are borrowed as they stand.
pub fn attr_value<'a>(a: quick_xml::events::attributes::Attribute<'a>) -> Option<Cow<'a, str>> {
    // Plain: no reference, no tab or line end, no other control, no lead byte `0xEF` of
    // U+FFFE and U+FFFF (nor of the rest of U+F000–U+FFFF, which are looked at closer below).
    let plain = !a.value.iter().any(|&b| b < 0x20 || b == b'&' || b == 0xEF);
    if plain {
        match a.value {
            Cow::Borrowed(v) => {
                if let Ok(s) = std::str::from_utf8(v) {
                    return Some(Cow::Borrowed(s));
                }
            }
            Cow::Owned(ref v) => {
                if let Ok(s) = std::str::from_utf8(v) {
                    return Some(Cow::Owned(s.to_owned()));
                }
            }
        }
    }
    let value = a
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()?;
    Some(match without_xml_illegal(&value) {
        Cow::Borrowed(_) => value,
        Cow::Owned(clean) => Cow::Owned(clean),
    })
}

/// True for the characters XML 1.0 cannot hold (§2.2, `Char`): the C0 controls but tab, line
/// feed and carriage return, and U+FFFE and U+FFFF. A form can carry them all the same, as
/// character references (`&#xFFFE;`, `&#x1;`) or raw, and quick-xml passes them on; an export
/// that wrote one into its XML would not open (Word refuses such a `document.xml`). Surrogates
/// (U+D800–U+DFFF) are not `char`s: quick-xml refuses `&#xD800;` as an invalid code point, and
/// the reader drops such a reference as it drops an undefined entity.
#[inline]
pub fn is_xml_illegal(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The text without the characters XML 1.0 cannot hold ([`is_xml_illegal`]); borrowed when it
/// holds none.
pub fn without_xml_illegal(s: &str) -> Cow<'_, str> {
    if !may_hold_xml_illegal(s.as_bytes()) || !s.chars().any(is_xml_illegal) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !is_xml_illegal(*c)).collect())
}

/// False when no byte could start a character XML 1.0 cannot hold: no control below U+0020
/// other than tab, line feed and carriage return, and no lead byte `0xEF` (U+F000–U+FFFF).
#[inline]
fn may_hold_xml_illegal(s: &[u8]) -> bool {
    any_byte(s, |b| {
        ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xEF)
    })
}

/// True when `test` holds for some byte of `s`; 32 bytes at a time, without a branch per
/// byte, so that the compiler can use vector instructions.
#[inline]
pub(crate) fn any_byte(s: &[u8], test: impl Fn(u8) -> bool) -> bool {
    let mut chunks = s.chunks_exact(32);
    for c in &mut chunks {
        let mut acc = 0u8;
        for &b in c {
            acc |= u8::from(test(b));
        }
        if acc != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| test(b))
}

/// ST_OnOff (ECMA-376 Part 1 §22.9.2.7): absent value means on.
pub fn on_off(value: Option<&str>) -> bool {
    !matches!(
        value.map(str::trim),
        Some("0") | Some("false") | Some("off") | Some("False") | Some("FALSE")
    )
}

#[cfg(test)]
mod tests {
    use quick_xml::events::Event;

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
    fn namespace_bindings_are_scoped_to_their_element() {
        let xml = br#"<a:root xmlns:a="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><a:p/><b:x xmlns:b="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:a="urn:other"><a:p/></b:x><a:p b:val="1"/></a:root>"#;
        let mut r = fast_reader(xml);
        let mut ns = Namespaces::default();
        let mut seen = Vec::new();
        loop {
            match r.read_event().unwrap() {
                Event::Start(e) => seen.push(ns.push(&e)),
                Event::Empty(e) => {
                    seen.push(ns.push(&e));
                    if e.local_name().as_ref() == b"p" {
                        assert_eq!(ns.attr(&e, Ns::W14, b"val"), None);
                    }
                    ns.pop();
                }
                Event::End(_) => ns.pop(),
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(seen, vec![Ns::W, Ns::W, Ns::W14, Ns::Other, Ns::W]);
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
    fn text_without_illegal_characters_is_borrowed() {
        for s in ["", "Östermalm\tT1\r\n", "\u{FFFD}\u{FFEF}😀"] {
            assert!(matches!(without_xml_illegal(s), Cow::Borrowed(b) if b == s));
        }
        assert_eq!(without_xml_illegal("\u{FFFF}x\u{2}"), "x");
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
