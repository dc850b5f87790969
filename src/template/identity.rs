//! Writing a sent-out form's identity ([`FormIdentity`]) into its package, in both stores
//! the reader looks in (see [`crate::identity`] for why two):
//!
//! - `docProps/custom.xml`: one text property per field, `blankett.<name>`, with the package
//!   relationship and the content type custom properties need (ECMA-376 Part 1 §15.2.12.2);
//! - `customXml/itemN.xml`: the fields as elements in the identity's namespace, with its item
//!   properties part (`itemPropsN.xml`, naming the namespace among its schema references), the
//!   item's relationship to them, the main document's relationship to the item, and the item
//!   properties' content type (§15.2.4, §22.5).
//!
//! Every property value is short (an id, a round, a 64-digit key): Word keeps custom property
//! values of at most 255 characters.

use super::TemplateError;
use super::package::{escape, guid_from, insert_before_last};
use crate::identity::{FormIdentity, IDENTITY_NAMESPACE, PROPERTY_PREFIX};
use crate::word_out;

type Parts = Vec<(String, Vec<u8>)>;

const CUSTOM_PROPERTIES: &str = "docProps/custom.xml";
const CUSTOM_PROPERTIES_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties";
const CUSTOM_PROPERTIES_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.custom-properties+xml";
const CUSTOM_XML_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml";
const CUSTOM_XML_PROPS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps";
const CUSTOM_XML_PROPS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.customXmlProperties+xml";
const RELS_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DS_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/customXml";
/// The property set every user-defined document property belongs to (`FMTID_UserDefinedProperties`).
const USER_DEFINED: &str = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}";

/// Writes `identity` into the package's parts.
pub(super) fn add(parts: &mut Parts, identity: &FormIdentity) -> Result<(), TemplateError> {
    let pairs = identity.to_pairs();
    set_part(parts, CUSTOM_PROPERTIES, properties(&pairs));
    relate(
        parts,
        "_rels/.rels",
        CUSTOM_PROPERTIES_REL,
        CUSTOM_PROPERTIES,
    )?;
    override_type(parts, CUSTOM_PROPERTIES, CUSTOM_PROPERTIES_TYPE)?;

    let n = (1..)
        .find(|n| {
            !parts
                .iter()
                .any(|(p, _)| *p == format!("customXml/item{n}.xml"))
        })
        .unwrap_or(1);
    let item = format!("customXml/item{n}.xml");
    let props = format!("customXml/itemProps{n}.xml");
    set_part(parts, &item, custom_xml(&pairs));
    set_part(parts, &props, item_props(&identity.form_id));
    set_part(
        parts,
        &format!("customXml/_rels/item{n}.xml.rels"),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{CUSTOM_XML_PROPS_REL}" Target="itemProps{n}.xml"/></Relationships>"#
        ),
    );
    relate(
        parts,
        "word/_rels/document.xml.rels",
        CUSTOM_XML_REL,
        &format!("../{item}"),
    )?;
    override_type(parts, &props, CUSTOM_XML_PROPS_TYPE)
}

/// `docProps/custom.xml` holding the pairs as text properties, numbered from 2 as Word
/// numbers them (ids 0 and 1 are reserved).
fn properties(pairs: &[(String, String)]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
    );
    for (i, (name, value)) in pairs.iter().enumerate() {
        xml.push_str(&format!(
            r#"<property fmtid="{USER_DEFINED}" pid="{}" name="{}"><vt:lpwstr>{}</vt:lpwstr></property>"#,
            i + 2,
            escape(&format!("{PROPERTY_PREFIX}{name}")),
            escape(value)
        ));
    }
    xml.push_str("</Properties>");
    xml
}

/// The custom XML part: one element per pair, a prefill key as
/// `<prefill question="…">key</prefill>`.
fn custom_xml(pairs: &[(String, String)]) -> String {
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<identity xmlns="{IDENTITY_NAMESPACE}">"#
    );
    for (name, value) in pairs {
        let value = escape(value);
        match name.strip_prefix("prefill.") {
            Some(q) => xml.push_str(&format!(
                r#"<prefill question="{}">{value}</prefill>"#,
                escape(q)
            )),
            None => xml.push_str(&format!("<{name}>{value}</{name}>")),
        }
    }
    xml.push_str("</identity>");
    xml
}

/// The item properties: the store's id (drawn from the form id, so that the same form gives
/// the same bytes) and the namespace it holds.
fn item_props(form_id: &str) -> String {
    let guid = guid_from(&format!("blankett identity store\n{form_id}"));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<ds:datastoreItem ds:itemID="{guid}" xmlns:ds="{DS_NS}"><ds:schemaRefs><ds:schemaRef ds:uri="{IDENTITY_NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>"#
    )
}

/// Puts a part in the package, in place of one of the same name.
fn set_part(parts: &mut Parts, name: &str, text: String) {
    match parts.iter_mut().find(|(n, _)| n == name) {
        Some((_, bytes)) => *bytes = text.into_bytes(),
        None => parts.push((name.to_owned(), text.into_bytes())),
    }
}

/// Adds a relationship of type `kind` to `target` to the relationships part `rels`, unless it
/// has one already.
fn relate(parts: &mut Parts, rels: &str, kind: &str, target: &str) -> Result<(), TemplateError> {
    let bad = TemplateError::Package;
    let (at, text) = word_out::part_text(parts, rels).map_err(bad)?;
    if text.contains(&format!(r#"Type="{kind}""#))
        && text.contains(&format!(r#"Target="{target}""#))
    {
        return Ok(());
    }
    let id = (1..)
        .map(|n| format!("rIdIdentity{n}"))
        .find(|id| !text.contains(&format!("Id=\"{id}\"")))
        .unwrap_or_default();
    let rel = format!(r#"<Relationship Id="{id}" Type="{kind}" Target="{target}"/>"#);
    parts[at].1 = insert_before_last(&text, "</Relationships>", &rel)
        .ok_or_else(|| bad(format!("{rels} has no </Relationships>")))?
        .into_bytes();
    Ok(())
}

/// Gives part `name` its content type in `[Content_Types].xml`, unless it has one already.
fn override_type(parts: &mut Parts, name: &str, content_type: &str) -> Result<(), TemplateError> {
    let bad = TemplateError::Package;
    let types = "[Content_Types].xml";
    let (at, text) = word_out::part_text(parts, types).map_err(bad)?;
    if text.contains(&format!(r#"PartName="/{name}""#)) {
        return Ok(());
    }
    let over = format!(r#"<Override PartName="/{name}" ContentType="{content_type}"/>"#);
    parts[at].1 = insert_before_last(&text, "</Types>", &over)
        .ok_or_else(|| bad(format!("{types} has no </Types>")))?
        .into_bytes();
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn the_stores_escape_what_they_hold() {
        let pairs = vec![
            ("round".to_owned(), "2022-T2".to_owned()),
            ("prefill.a&b".to_owned(), "<x>".to_owned()),
        ];
        let p = properties(&pairs);
        assert!(p.contains(r#"pid="2" name="blankett.round"><vt:lpwstr>2022-T2</vt:lpwstr>"#));
        assert!(p.contains(r#"pid="3" name="blankett.prefill.a&amp;b"><vt:lpwstr>&lt;x&gt;"#));
        let x = custom_xml(&pairs);
        assert!(x.contains("<round>2022-T2</round>"));
        assert!(x.contains(r#"<prefill question="a&amp;b">&lt;x&gt;</prefill>"#));
    }

    #[test]
    fn a_package_without_custom_properties_gets_the_part_its_relationship_and_type() {
        let mut parts: Parts = vec![
            ("[Content_Types].xml".into(), b"<Types></Types>".to_vec()),
            (
                "_rels/.rels".into(),
                b"<Relationships></Relationships>".to_vec(),
            ),
            (
                "word/_rels/document.xml.rels".into(),
                b"<Relationships></Relationships>".to_vec(),
            ),
        ];
        let id = FormIdentity::new(
            ("q", "1", "v"),
            "r",
            "2022-T1".parse().unwrap(),
            &BTreeMap::new(),
        );
        add(&mut parts, &id).unwrap();
        let text = |name: &str| {
            let (_, t) = word_out::part_text(&parts, name).unwrap();
            t
        };
        assert!(text("_rels/.rels").contains(CUSTOM_PROPERTIES_REL));
        assert!(
            text("word/_rels/document.xml.rels").contains(r#"Target="../customXml/item1.xml""#)
        );
        let types = text("[Content_Types].xml");
        assert!(types.contains(r#"PartName="/docProps/custom.xml""#));
        assert!(types.contains(r#"PartName="/customXml/itemProps1.xml""#));
        assert!(text("customXml/itemProps1.xml").contains(IDENTITY_NAMESPACE));
        assert!(text("customXml/_rels/item1.xml.rels").contains("itemProps1.xml"));
    }
}
