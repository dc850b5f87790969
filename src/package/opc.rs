//! The Open Packaging Conventions (ECMA-376 Part 2): part names (case-insensitive, §9.1.1.1),
//! relationships (`_rels/*.rels`, targets resolved against their source part), content types
//! (`[Content_Types].xml`) and, from those, which part is the main document and what kind of
//! package it is.
//!
//! Relationships and content types are remembered in the [`PartCache`] by the bytes the zip
//! stores them as. How the parts are stored and inflated is the [`archive`](super::archive)'s.

use quick_xml::events::Event;

use super::cache::{Memo, PartCache};
use super::{Package, sniff};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{PackageKind, Warning};
use crate::warning_code::WarningCode;
use crate::xml::{fast_reader, malformed_at, plain_attr, utf8_view};

/// One relationship of a part (`_rels/*.rels`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub id: String,
    /// The last segment of the relationship type URI (`header`, `officeDocument`, `customXml` …),
    /// the same in Transitional and Strict packages.
    pub kind: String,
    /// The resolved part name (`word/header1.xml`), or the URI as written for external targets.
    pub target: String,
    pub external: bool,
    /// True when the type URI is a Strict OOXML one (`http://purl.oclc.org/ooxml/…`).
    pub strict: bool,
}

impl Package<'_> {
    /// The relationships of `source` (`""` for the package itself), in id order.
    pub fn relationships(&mut self, source: &str) -> Result<Vec<Relationship>> {
        let key = normalize_part_name(source);
        if let Some(rels) = self.rels.get(&key) {
            return Ok(rels.clone());
        }
        let rels_name = rels_part_for(source);
        let base = source.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
        let rels = self
            .read_remembered(
                |c| &mut c.relationships,
                &key,
                &rels_name,
                |buf| {
                    let mut rels = parse_relationships(buf).map_err(|e| e.in_part(&rels_name))?;
                    for rel in &mut rels {
                        if !rel.external {
                            rel.target = resolve_target(base, &rel.target);
                        }
                    }
                    rels.sort_by_key(|r| natural_key(&r.id));
                    Ok(rels)
                },
            )?
            .unwrap_or_default();
        self.rels.insert(key, rels.clone());
        Ok(rels)
    }

    /// What `parse` makes of part `name` (`None` when the package has no such part),
    /// remembered in `memo` under `key` by the bytes the zip stores the part as. A read that
    /// warned (a checksum that does not match) is not remembered, so that the warning is
    /// given again the next time.
    fn read_remembered<T: Clone>(
        &mut self,
        memo: fn(&mut PartCache) -> &mut Memo<T>,
        key: &str,
        name: &str,
        parse: impl FnOnce(&[u8]) -> Result<T>,
    ) -> Result<Option<T>> {
        let limits = *self.archive.limits();
        if let Some(stored) = self.archive.stored_part(name)
            && let Some((value, len)) = memo(self.cache).get(key, &stored, &limits)
        {
            self.count_remembered(len).map_err(|e| e.in_part(name))?;
            return Ok(Some(value));
        }
        let warnings_before = self.warnings.len();
        let mut buf = Vec::new();
        if !self.read_part(name, &mut buf)? {
            return Ok(None);
        }
        let value = parse(&buf)?;
        let len = buf.len() as u64;
        if self.warnings.len() == warnings_before
            && let Some(stored) = self.archive.stored_part(name)
        {
            memo(self.cache).put(key, &stored, limits, (value.clone(), len));
        }
        Ok(Some(value))
    }

    /// Finds the main document part from the package's relationships and tells its kind from
    /// its content type; refuses a package that is not a Word one.
    pub(super) fn find_main_part(&mut self) -> Result<()> {
        let rels = self.relationships("")?;
        let main = rels
            .iter()
            .find(|r| r.kind == "officeDocument" && !r.external && r.target.ends_with(".xml"));
        let main = match main {
            Some(rel) => {
                self.strict = rel.strict;
                rel.target.clone()
            }
            None => {
                if self.has_part("word/document.xml") {
                    self.warnings.push(Warning::new(
                        WarningCode::NoRelationship,
                        "the package does not say which part is the document (_rels/.rels); read word/document.xml",
                    ));
                    "word/document.xml".to_owned()
                } else {
                    return Err(self.not_word());
                }
            }
        };
        if !self.has_part(&main) {
            return Err(ErrorKind::MissingPart {
                name: main,
                referrer: "_rels/.rels".into(),
            }
            .into());
        }
        let content_type = self.content_type(&main)?.unwrap_or_default();
        self.kind = match sniff::content_type_kind(&content_type) {
            Ok(kind) => kind,
            Err(Some(what)) => return Err(ErrorKind::NotWord { what }.into()),
            // Unknown or missing content type: trust the part if it lives where Word puts it.
            Err(None) if main.to_ascii_lowercase().starts_with("word/") => PackageKind::Document,
            Err(None) => return Err(self.not_word()),
        };
        self.main_part = main;
        Ok(())
    }

    fn not_word(&self) -> Error {
        ErrorKind::NotWord {
            what: sniff::describe_other_package(|name| self.has_part(name)),
        }
        .into()
    }

    fn content_type(&mut self, part: &str) -> Result<Option<String>> {
        const NAME: &str = "[Content_Types].xml";
        let found = self.read_remembered(
            |c| &mut c.content_types,
            part,
            NAME,
            |buf| content_type_of(buf, part).map_err(|e| e.in_part(NAME)),
        )?;
        Ok(found.flatten())
    }
}

/// Parses a `.rels` part. Targets are left as written; [`resolve_target`] resolves them.
fn parse_relationships(bytes: &[u8]) -> Result<Vec<Relationship>> {
    let text = utf8_view(bytes);
    let mut r = fast_reader(&text);
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
            Err(e) => return Err(malformed_at(&r, e)),
        }
    }
    Ok(out)
}

/// The content type `[Content_Types].xml` gives a part: its `Override`, else the `Default`
/// for its extension (OPC §10.1.2.4). Only the matching entries are kept.
fn content_type_of(bytes: &[u8], part: &str) -> Result<Option<String>> {
    let text = utf8_view(bytes);
    let mut r = fast_reader(&text);
    let wanted = normalize_part_name(part);
    let ext = wanted.rsplit_once('.').map(|(_, e)| e.to_owned());
    let mut by_default = None;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"Override"
                    if plain_attr(&e, b"PartName")
                        .is_some_and(|p| normalize_part_name(&p) == wanted) =>
                {
                    return Ok(plain_attr(&e, b"ContentType"));
                }
                b"Default"
                    if by_default.is_none()
                        && plain_attr(&e, b"Extension")
                            .is_some_and(|x| Some(x.to_lowercase()) == ext) =>
                {
                    by_default = plain_attr(&e, b"ContentType");
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(by_default),
            Ok(_) => {}
            Err(e) => return Err(malformed_at(&r, e)),
        }
    }
}

/// The key a part is looked up by: no leading slash, forward slashes, lower case.
pub(crate) fn normalize_part_name(name: &str) -> String {
    name.trim_start_matches(['/', '\\'])
        .replace('\\', "/")
        .to_lowercase()
}

/// `word/document.xml` → `word/_rels/document.xml.rels`; `""` → `_rels/.rels`.
fn rels_part_for(source: &str) -> String {
    match source.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None if source.is_empty() => "_rels/.rels".to_owned(),
        None => format!("_rels/{source}.rels"),
    }
}

/// Resolves a relationship target against the folder of its source part (RFC 3986 §5.2,
/// as OPC uses it): `../customXml/item1.xml` from `word` is `customXml/item1.xml`.
fn resolve_target(base_dir: &str, target: &str) -> String {
    let target = percent_decode(target);
    let target = target.split(['#', '?']).next().unwrap_or("");
    let mut segments: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base_dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (
                (bytes[i + 1] as char).to_digit(16),
                (bytes[i + 2] as char).to_digit(16),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Sorts `rId2` before `rId10`.
fn natural_key(id: &str) -> (String, u64) {
    let digits = id.trim_start_matches(|c: char| !c.is_ascii_digit());
    let prefix = &id[..id.len() - digits.len()];
    (prefix.to_owned(), digits.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_source_folder() {
        assert_eq!(
            resolve_target("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve_target("word", "header1.xml"), "word/header1.xml");
        assert_eq!(
            resolve_target("word", "/word/document2.xml"),
            "word/document2.xml"
        );
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
        assert_eq!(
            resolve_target("word", "media/a%20b.png"),
            "word/media/a b.png"
        );
        assert_eq!(resolve_target("word", "../../../x.xml"), "x.xml");
    }

    #[test]
    fn rels_part_names() {
        assert_eq!(rels_part_for(""), "_rels/.rels");
        assert_eq!(
            rels_part_for("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
    }

    #[test]
    fn natural_order_of_ids() {
        let mut ids = vec!["rId10", "rId2", "rId1"];
        ids.sort_by_key(|a| natural_key(a));
        assert_eq!(ids, vec!["rId1", "rId2", "rId10"]);
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
}
