//! The identity a sent-out form stores of itself ([`StoredIdentity`]), read from both places
//! `blankett sendout` writes it: the `blankett.` custom document properties and the custom XML
//! part in the identity's namespace. Read as (name, value) pairs and not checked here: what
//! they mean for the form is the mapping's to decide.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

use crate::error::{ErrorKind, Result};
use crate::identity::{IDENTITY_NAMESPACE, PROPERTY_PREFIX, StoredIdentity};
use crate::package::Package;
use crate::xml;

use super::glossary::resolve_ref;

/// The relationship type (its last segment) of the custom properties part.
const CUSTOM_PROPERTIES: &str = "custom-properties";

/// How many pairs one store may give: far more than an identity holds (one per question), few
/// enough that a hostile part cannot make the form large.
const MOST_PAIRS: usize = 1000;

/// Reads what the package stores of an identity. `items`: the package's custom XML parts,
/// read. A store that is missing or does not parse is `None`; only the form's limits are
/// errors.
pub(super) fn read(
    pkg: &mut Package,
    buf: &mut Vec<u8>,
    items: &[(String, Vec<u8>)],
) -> Result<StoredIdentity> {
    let rels = pkg.relationships("")?;
    let mut identity = StoredIdentity::default();
    if let Some(rel) = rels
        .iter()
        .find(|r| r.kind == CUSTOM_PROPERTIES && !r.external)
        && read_part(pkg, &rel.target, buf)?
    {
        identity.properties = properties(buf);
    }
    identity.custom_xml = items.iter().find_map(|(_, xml)| custom_xml(xml));
    Ok(identity)
}

/// Reads a part the form can do without: false when it is missing or unreadable.
fn read_part(pkg: &mut Package, part: &str, buf: &mut Vec<u8>) -> Result<bool> {
    match pkg.read_part(part, buf) {
        Ok(found) => Ok(found),
        Err(e) if matches!(e.kind, ErrorKind::TooLarge { .. }) => Err(e),
        Err(_) => Ok(false),
    }
}

/// The `blankett.` properties of `docProps/custom.xml`, names without the prefix, in the
/// order stored; `None` when there is none or the part does not parse. Any value type is
/// read as its text (`vt:lpwstr` as written; an editor may store another).
///
/// ```xml
/// <Properties xmlns="…/custom-properties" xmlns:vt="…/docPropsVTypes">
///   <property fmtid="{D5CDD505-…}" pid="2" name="blankett.round"><vt:lpwstr>2022-T2</vt:lpwstr>
///   </property></Properties>
/// ```
fn properties(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let text = xml::utf8_view(bytes);
    let mut r = xml::reader(&text);
    let mut pairs = Vec::new();
    // The property being read: its name (without the prefix) and text so far.
    let mut current: Option<(String, String)> = None;
    loop {
        match r.read_event().ok()? {
            Event::Start(ref e) if e.local_name().as_ref() == b"property" => {
                current = xml::plain_attr(e, b"name")
                    .and_then(|n| n.strip_prefix(PROPERTY_PREFIX).map(str::to_owned))
                    .map(|n| (n, String::new()));
            }
            Event::Text(ref t) => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&t.decode().ok()?);
                }
            }
            Event::GeneralRef(ref g) => {
                if let (Some((_, value)), Some(s)) = (current.as_mut(), resolve_ref(g)) {
                    value.push_str(&s);
                }
            }
            Event::End(ref e) if e.local_name().as_ref() == b"property" => {
                pairs.extend(current.take());
                if pairs.len() > MOST_PAIRS {
                    return None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (!pairs.is_empty()).then_some(pairs)
}

/// The fields of a custom XML part whose root is `identity` in the identity's namespace, each
/// child element's name with its text (a `prefill` element as `prefill.<question>`); `None`
/// for any other part, or one that does not parse.
///
/// ```xml
/// <identity xmlns="https://blankett.invalid/ns/form-identity/1">
///   <round>2022-T2</round><prefill question="samverkan">3f1c…</prefill></identity>
/// ```
fn custom_xml(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let text = xml::utf8_view(bytes);
    let mut r = xml::reader(&text);
    let mut pairs = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<(String, String)> = None;
    loop {
        let (ns, event) = r.read_resolved_event().ok()?;
        let ours =
            matches!(ns, ResolveResult::Bound(n) if n.as_ref() == IDENTITY_NAMESPACE.as_bytes());
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let local = e.local_name();
                if depth == 0 && !(ours && local.as_ref() == b"identity") {
                    return None;
                }
                if depth == 1 && ours {
                    let name = String::from_utf8_lossy(local.as_ref()).into_owned();
                    let name = match xml::plain_attr(e, b"question") {
                        Some(q) if name == "prefill" => format!("prefill.{q}"),
                        _ => name,
                    };
                    current = Some((name, String::new()));
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                } else if depth == 1 {
                    pairs.extend(current.take());
                }
            }
            Event::Text(ref t) if depth == 2 => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&t.decode().ok()?);
                }
            }
            Event::GeneralRef(ref g) if depth == 2 => {
                if let (Some((_, value)), Some(s)) = (current.as_mut(), resolve_ref(g)) {
                    value.push_str(&s);
                }
            }
            Event::End(_) => {
                depth -= 1;
                if depth == 1 {
                    pairs.extend(current.take());
                    if pairs.len() > MOST_PAIRS {
                        return None;
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(pairs)
}

#[cfg(test)]
mod tests {

    use super::*;

    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const STORE: &str = "{11111111-2222-3333-4444-555555555555}";

    /// A form holding both stores and a control bound to the identity's custom XML part.
    fn bound_sent_out_form() -> Vec<u8> {
        let parts: [(&str, String); 7] = [
            (
                "_rels/.rels",
                format!(
                    r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="{REL}/custom-properties" Target="docProps/custom.xml"/></Relationships>"#
                ),
            ),
            (
                "word/_rels/document.xml.rels",
                format!(
                    r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{REL}/customXml" Target="../customXml/item1.xml"/></Relationships>"#
                ),
            ),
            (
                "word/document.xml",
                format!(
                    r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:sdt><w:sdtPr><w:dataBinding w:prefixMappings="xmlns:i='{IDENTITY_NAMESPACE}'" w:xpath="/i:identity[1]/i:round[1]" w:storeItemID="{STORE}"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>2022-T2</w:t></w:r></w:p></w:sdtContent></w:sdt></w:body></w:document>"#
                ),
            ),
            (
                "customXml/item1.xml",
                format!(r#"<identity xmlns="{IDENTITY_NAMESPACE}"><round>2022-T2</round></identity>"#),
            ),
            (
                "customXml/_rels/item1.xml.rels",
                format!(
                    r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{REL}/customXmlProps" Target="itemProps1.xml"/></Relationships>"#
                ),
            ),
            (
                "customXml/itemProps1.xml",
                format!(
                    r#"<ds:datastoreItem ds:itemID="{STORE}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>"#
                ),
            ),
            (
                "docProps/custom.xml",
                r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="blankett.round"><vt:lpwstr>2022-T2</vt:lpwstr></property></Properties>"#.into(),
            ),
        ];
        crate::package::zip_of(&parts)
    }

    /// The custom XML part serves the identity and the bound control, and is inflated once.
    #[test]
    fn both_stores_are_read_and_each_part_inflated_once() {
        let mut cache = crate::package::PartCache::default();
        let limits = crate::Limits::default();
        let mut pkg =
            Package::from_bytes(bound_sent_out_form(), Some("x.docx"), limits, &mut cache).unwrap();
        let doc = super::super::read_package(&mut pkg, &mut Default::default()).unwrap();
        let round = Some(vec![("round".to_owned(), "2022-T2".to_owned())]);
        assert_eq!(doc.identity.properties, round);
        assert_eq!(doc.identity.custom_xml, round);
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        let inflated = pkg.inflated();
        // All seven parts (relationships too), each once.
        assert_eq!((inflated.reads, inflated.parts), (7, 7), "{inflated:?}");
    }

    fn pairs(list: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        Some(
            list.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_blankett_properties_are_read_whatever_their_type() {
        let xml = br#"<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Diarienummer"><vt:lpwstr>KS 2022/1</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="blankett.round"><vt:lpwstr>2022-T2</vt:lpwstr></property><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="4" name="blankett.respondent"><vt:bstr>a &amp; b</vt:bstr></property></Properties>"#;
        assert_eq!(
            properties(xml),
            pairs(&[("round", "2022-T2"), ("respondent", "a & b")])
        );
        let none = br#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>"#;
        assert_eq!(properties(none), None);
        assert_eq!(properties(b"<Properties><property name="), None);
    }

    #[test]
    fn the_identity_part_is_read_by_its_namespace() {
        let xml = br#"<?xml version="1.0"?><x:identity xmlns:x="https://blankett.invalid/ns/form-identity/1"><x:round>2022-T2</x:round><x:prefill question="q1">ab</x:prefill><x:formId/><other xmlns="urn:else">no</other></x:identity>"#;
        assert_eq!(
            custom_xml(xml),
            pairs(&[("round", "2022-T2"), ("prefill.q1", "ab"), ("formId", "")])
        );
        // Another namespace, or another root, is another part.
        let sharepoint = br#"<p:properties xmlns:p="http://schemas.microsoft.com/office/2006/metadata/properties"><round>2022-T2</round></p:properties>"#;
        assert_eq!(custom_xml(sharepoint), None);
        let bare = br#"<identity><round>2022-T2</round></identity>"#;
        assert_eq!(custom_xml(bare), None);
    }
}
