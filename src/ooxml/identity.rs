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

/// Reads what the package stores of an identity. `items`: the package's custom XML parts.
/// A store that is missing or does not parse is `None`; only the form's limits are errors.
pub(super) fn read(
    pkg: &mut Package,
    buf: &mut Vec<u8>,
    items: &[String],
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
    for item in items {
        if read_part(pkg, item, buf)?
            && let Some(pairs) = custom_xml(buf)
        {
            identity.custom_xml = Some(pairs);
            break;
        }
    }
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
