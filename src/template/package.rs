//! Completing the package docx-rs writes into a form template: the content-control properties
//! docx-rs cannot express, the glossary document holding the placeholders, and the document's
//! font, language and title.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::{PLACEHOLDER_STYLE, TemplateError};
use crate::identity::FormIdentity;
use crate::word_out;

const GLOSSARY_PART: &str = "word/glossary/document.xml";
const GLOSSARY_REL_TYPE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/glossaryDocument";
const GLOSSARY_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A content control of the template, in document order: what [`finish`] needs to find it
/// and complete it.
#[derive(Debug, Clone)]
pub(super) struct Control {
    pub(super) tag: String,
    pub(super) alias: String,
    /// The glossary entry holding the placeholder text.
    pub(super) doc_part: String,
    pub(super) placeholder: String,
    /// What the control shows when the form is opened.
    pub(super) fill: Fill,
}

/// What a control of the template shows when the form is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fill {
    /// Its placeholder (`w:showingPlcHdr`).
    Placeholder,
    /// Text the respondent cannot change (the round a form is for): its content is locked.
    Locked,
    /// Text the respondent may change (the committee's name, an answer carried over from the
    /// earlier round): not a placeholder, so that what is left as it was is an answer.
    Editable,
}

/// A field's own placeholder gets its own glossary entry, named as Word names one (32
/// upper-case hex digits), here drawn from the tag and text so that it stays the same.
pub(super) fn doc_part_name(tag: &str, text: &str) -> String {
    hex(&Sha256::digest(format!("blankett placeholder\n{tag}\n{text}"))[..16])
}

/// Upper-case hexadecimal, as Word writes ids.
fn hex(bytes: &[u8]) -> String {
    crate::hash::hex(bytes).to_uppercase()
}

/// The `w:guid` of a glossary entry, drawn from its name.
fn doc_part_guid(name: &str) -> String {
    guid_from(&format!("blankett docPart\n{name}"))
}

/// A GUID in braces (`{8-4-4-4-12}` upper-case hex) drawn from `seed`: the same seed gives the
/// same GUID, so that the same template or form gives the same bytes.
pub(super) fn guid_from(seed: &str) -> String {
    let h = hex(&Sha256::digest(seed)[..16]);
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Escapes text for XML content and attribute values.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// Completes the package docx-rs wrote with what docx-rs cannot express, and the form's
/// identity when it has one ([`super::identity`]).
///
/// docx-rs is a writer whose `StructuredDataTag` models only `w:alias` and `w:dataBinding`
/// (and it has no glossary document at all), while a form template needs, per ECMA-376 Part 1
/// §17.5.2: `w:tag` (how a returned form maps to questions), `w:id`, `w:lock` (so a respondent
/// cannot delete the control with its text), `w:placeholder/w:docPart` naming the glossary
/// entry that holds the placeholder text, and `w:showingPlcHdr` (the control shows its
/// placeholder, not an answer); and the glossary document part (§17.12) with those entries,
/// its relationship from the main document and its content type. Rather than write the whole
/// document by hand, this step edits the few places in the XML docx-rs wrote, which is
/// regular: each control is found by its title (`<w:alias w:val="…"`), in document order, and
/// the missing properties go right after it. On the way, the empty `<w:rPr />` docx-rs puts
/// first in every paragraph's, control's and style's properties is dropped, so that `w:pStyle`
/// and `w:alias` stand first, where the schema wants them. Then the package is zipped again
/// with fixed timestamps and order (docx-rs zips with the current time when zip's `time`
/// feature is on), so that the same template always gives the same bytes.
pub(super) fn finish(
    raw: &[u8],
    controls: &[Control],
    title: &str,
    identity: Option<&FormIdentity>,
) -> Result<Vec<u8>, TemplateError> {
    let bad = TemplateError::Package;
    let mut parts = word_out::unpack(raw).map_err(bad)?;

    // docx-rs opens every `w:pPr`, `w:sdtPr` and style with an empty `<w:rPr />`, ahead of
    // the elements the schema puts first (`w:pStyle`, `w:alias`); empty, it says nothing.
    word_out::drop_empty_rpr(&mut parts, "word/styles.xml").map_err(bad)?;
    word_out::set_font_and_language(&mut parts).map_err(bad)?;
    word_out::set_title(&mut parts, title).map_err(bad)?;
    let (at, document) = word_out::drop_empty_rpr(&mut parts, "word/document.xml").map_err(bad)?;
    parts[at].1 = add_control_properties(&document, controls)?.into_bytes();
    parts.insert(
        at + 1,
        (GLOSSARY_PART.to_owned(), glossary(controls).into_bytes()),
    );

    let part =
        |parts: &[(String, Vec<u8>)], name: &str| word_out::part_text(parts, name).map_err(bad);
    let rels_name = "word/_rels/document.xml.rels";
    let (at, rels) = part(&parts, rels_name)?;
    let id = (1..)
        .map(|n| format!("rIdGlossary{n}"))
        .find(|id| !rels.contains(&format!("Id=\"{id}\"")))
        .unwrap_or_default();
    let rel = format!(
        r#"<Relationship Id="{id}" Type="{GLOSSARY_REL_TYPE}" Target="glossary/document.xml"/>"#
    );
    parts[at].1 = insert_before_last(&rels, "</Relationships>", &rel)
        .ok_or_else(|| bad(format!("{rels_name} has no </Relationships>")))?
        .into_bytes();

    let types_name = "[Content_Types].xml";
    let (at, types) = part(&parts, types_name)?;
    let over =
        format!(r#"<Override PartName="/{GLOSSARY_PART}" ContentType="{GLOSSARY_CONTENT_TYPE}"/>"#);
    parts[at].1 = insert_before_last(&types, "</Types>", &over)
        .ok_or_else(|| bad(format!("{types_name} has no </Types>")))?
        .into_bytes();
    if let Some(identity) = identity {
        super::identity::add(&mut parts, identity)?;
    }
    word_out::pack(parts).map_err(bad)
}

/// Adds the properties docx-rs cannot write to each control's `w:sdtPr`, which docx-rs writes
/// as `<w:sdtPr><w:alias w:val="…" /></w:sdtPr>` (once its empty `w:rPr` is gone):
///
/// ```xml
/// <w:sdtPr><w:alias w:val="Nämnd" /><w:tag w:val="namnd"/><w:id w:val="1"/>
///   <w:lock w:val="sdtLocked"/><w:placeholder><w:docPart w:val="8F3C…"/></w:placeholder>
///   <w:showingPlcHdr/></w:sdtPr>
/// ```
///
/// Controls are looked up in document order, each after the one before, so even two equal
/// titles (which `schema check` rejects) find their own controls.
fn add_control_properties(xml: &str, controls: &[Control]) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(xml.len() + controls.len() * 200);
    let mut rest = xml;
    for (i, c) in controls.iter().enumerate() {
        let needle = format!("<w:alias w:val=\"{}\"", escape(&c.alias));
        // The end of the `w:alias` element: the properties follow it.
        let found = rest
            .find(&needle)
            .and_then(|at| Some(at + rest[at..].find('>')? + 1));
        let Some(end) = found else {
            return Err(TemplateError::Package(format!(
                "word/document.xml: no control titled {:?}",
                c.alias
            )));
        };
        out.push_str(&rest[..end]);
        // No control can be deleted; the round cannot be edited either.
        let (lock, showing) = match c.fill {
            Fill::Locked => ("sdtContentLocked", ""),
            Fill::Editable => ("sdtLocked", ""),
            Fill::Placeholder => ("sdtLocked", "<w:showingPlcHdr/>"),
        };
        out.push_str(&format!(
            r#"<w:tag w:val="{}"/><w:id w:val="{}"/><w:lock w:val="{lock}"/><w:placeholder><w:docPart w:val="{}"/></w:placeholder>{showing}"#,
            escape(&c.tag),
            i + 1,
            escape(&c.doc_part)
        ));
        rest = &rest[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The glossary document: one placeholder entry per distinct `w:docPart` the controls name,
/// shaped as Word writes its own (gallery `placeholder`, type `bbPlcHdr`).
fn glossary(controls: &[Control]) -> String {
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:glossaryDocument xmlns:w="{W_NS}"><w:docParts>"#
    );
    let mut seen = HashSet::new();
    for c in controls {
        if !seen.insert(c.doc_part.as_str()) {
            continue;
        }
        xml.push_str(&format!(
            r#"<w:docPart><w:docPartPr><w:name w:val="{name}"/><w:category><w:name w:val="General"/><w:gallery w:val="placeholder"/></w:category><w:types><w:type w:val="bbPlcHdr"/></w:types><w:behaviors><w:behavior w:val="content"/></w:behaviors><w:guid w:val="{guid}"/></w:docPartPr><w:docPartBody><w:p><w:r><w:rPr><w:rStyle w:val="{PLACEHOLDER_STYLE}"/></w:rPr><w:t>{text}</w:t></w:r></w:p></w:docPartBody></w:docPart>"#,
            name = escape(&c.doc_part),
            guid = doc_part_guid(&c.doc_part),
            text = escape(&c.placeholder),
        ));
    }
    xml.push_str("</w:docParts></w:glossaryDocument>");
    xml
}

/// `xml` with `insert` put before the last `close` (a closing tag), or `None` without one.
pub(super) fn insert_before_last(xml: &str, close: &str, insert: &str) -> Option<String> {
    let at = xml.rfind(close)?;
    Some(format!("{}{insert}{}", &xml[..at], &xml[at..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_properties_follow_each_title_in_order() {
        let xml = r#"<w:sdt><w:sdtPr><w:rPr /><w:alias w:val="A &amp; B" /></w:sdtPr></w:sdt><w:sdt><w:sdtPr><w:rPr /><w:alias w:val="A &amp; B" /></w:sdtPr></w:sdt>"#;
        let c = |tag: &str| Control {
            tag: tag.into(),
            alias: "A & B".into(),
            doc_part: "P".into(),
            placeholder: "x".into(),
            fill: Fill::Placeholder,
        };
        let out = add_control_properties(xml, &[c("one"), c("two")]).unwrap();
        let one = out
            .find(r#"<w:tag w:val="one"/><w:id w:val="1"/>"#)
            .unwrap();
        let two = out
            .find(r#"<w:tag w:val="two"/><w:id w:val="2"/>"#)
            .unwrap();
        assert!(one < two);
        assert_eq!(out.matches("<w:showingPlcHdr/>").count(), 2);
        assert!(add_control_properties(xml, &[c("one"), c("two"), c("three")]).is_err());

        // A control the template filled in shows no placeholder; the round is locked.
        let fill = |fill: Fill| Control { fill, ..c("one") };
        let out = add_control_properties(xml, &[fill(Fill::Locked), c("two")]).unwrap();
        assert!(out.contains(r#"<w:id w:val="1"/><w:lock w:val="sdtContentLocked"/>"#));
        assert_eq!(out.matches("<w:showingPlcHdr/>").count(), 1);
        let out = add_control_properties(xml, &[fill(Fill::Editable), c("two")]).unwrap();
        assert!(out.contains(r#"<w:id w:val="1"/><w:lock w:val="sdtLocked"/>"#));
        assert_eq!(out.matches("<w:showingPlcHdr/>").count(), 1);
    }

    #[test]
    fn doc_part_names_are_stable_and_look_like_words() {
        let a = doc_part_name("namnd", "Skriv nämndens namn.");
        assert_eq!(a, doc_part_name("namnd", "Skriv nämndens namn."));
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase())
        );
        assert_ne!(a, doc_part_name("namnd", "Stadsdelsnämnderna"));
        assert_eq!(doc_part_guid(&a).len(), 38);
    }
}
