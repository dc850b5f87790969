//! The OOXML reader: from an opened [`Package`] to the [`Document`] model.
//!
//! Parts are read in the order their content is needed: styles, the glossary (placeholder
//! texts), the custom XML stores (data binding), the footnotes and endnotes (their text belongs to
//! the answer that references them), the comments; then the headers, the body and the footers.
//! The document lists controls in reading order: headers, body, footers, notes, comments.

mod binding;
mod controls;
mod glossary;
mod identity;
mod sinks;
mod source;
mod styles;
pub mod text;
mod walker;

use std::collections::{HashMap, HashSet};

use crate::error::{ErrorKind, Result};
use crate::model::{Comment, Document, FlowItem, NoteKind, Source, Story, Warning};
use crate::package::{Package, Relationship, normalize_part_name};
use crate::warning_code::WarningCode;

use binding::Stores;
use glossary::Glossary;
use source::{read_properties, source};
use styles::Styles;
use walker::{Budget, Context, PartResult, walk};

/// What a reader keeps from one form to the next: a buffer every part is inflated into, and
/// the styles and glossary parts last read. Forms made from one template carry the same styles
/// and placeholder texts, stored as the same bytes; those are then neither inflated nor parsed
/// again, and the styles already looked up stay looked up.
#[derive(Debug, Default)]
pub struct TemplateCache {
    buf: Vec<u8>,
    styles: Option<Kept<Styles>>,
    glossary: Option<Kept<Glossary>>,
}

/// A part as it was stored in the zip, and what was made of it.
#[derive(Debug)]
struct Kept<T> {
    /// `None` when it may not be taken for a later form's part.
    stored: Option<crate::package::OwnedStoredPart>,
    value: T,
    /// The length of the part once inflated, counted again for each form that reuses it.
    len: u64,
}

/// Reads the document out of an opened package.
pub fn read_package(pkg: &mut Package, cache: &mut TemplateCache) -> Result<Document> {
    let file = pkg.file().map(str::to_owned);
    read_inner(pkg, cache).map_err(|e| e.in_file(file.as_deref()))
}

/// The styles or glossary part `part`: the one kept in `slot` when the package stores it exactly
/// as the kept one was stored, else read (and kept, unless reading it warned: a warning must
/// be given again for the next form that holds it). `None` when it is missing or unreadable
/// (with a warning).
fn kept_part<'a, T>(
    slot: &'a mut Option<Kept<T>>,
    pkg: &mut Package,
    buf: &mut Vec<u8>,
    part: &str,
    warnings: &mut Vec<Warning>,
    make: impl FnOnce(Vec<u8>) -> T,
) -> Result<Option<&'a T>> {
    let same = match (pkg.stored_part(part), slot.as_ref()) {
        (
            Some(stored),
            Some(Kept {
                stored: Some(k), ..
            }),
        ) => k.is(&stored),
        _ => false,
    };
    if same {
        let len = slot.as_ref().map_or(0, |k| k.len);
        pkg.count_remembered(len).map_err(|e| e.in_part(part))?;
    } else {
        let (package_warnings, own_warnings) = (pkg.warning_count(), warnings.len());
        let Some(value) = optional(pkg, buf, part, warnings, |b| Ok(make(b.to_vec())))? else {
            return Ok(None);
        };
        let warned = pkg.warning_count() != package_warnings || warnings.len() != own_warnings;
        let stored = match warned {
            true => None,
            false => pkg.stored_part(part).map(|s| s.to_owned_part()),
        };
        let len = buf.len() as u64;
        *slot = Some(Kept { stored, value, len });
    }
    Ok(slot.as_ref().map(|k| &k.value))
}

/// The steps: the template's parts (styles and glossary, kept from form to form), the notes and
/// comments, the stories, the document's source, the bound controls' data; then the parts
/// are put together in reading order.
fn read_inner(pkg: &mut Package, cache: &mut TemplateCache) -> Result<Document> {
    let TemplateCache {
        buf,
        styles,
        glossary,
    } = cache;
    let main = pkg.main_part().to_owned();
    let rels = pkg.relationships(&main)?;
    let mut warnings = Vec::new();

    let (no_styles, no_glossary) = (Styles::default(), Glossary::default());
    let styles = match first_of(&rels, "styles") {
        Some(part) => kept_part(styles, pkg, buf, &part, &mut warnings, Styles::new)?,
        None => None,
    }
    .unwrap_or(&no_styles);
    let glossary = match first_of(&rels, "glossaryDocument") {
        Some(part) => kept_part(glossary, pkg, buf, &part, &mut warnings, Glossary::new)?,
        None => None,
    }
    .unwrap_or(&no_glossary);

    let mut reader = StoryReader {
        styles,
        glossary,
        max_depth: pkg.limits().max_depth,
        budget: Budget::new(pkg.limits()),
        seen: HashSet::from([normalize_part_name(&main)]),
    };
    let (notes, note_results, comment_results) =
        reader.notes_and_comments(pkg, buf, &rels, &mut warnings)?;
    let story_results = reader.stories(pkg, buf, &rels, &main, &notes, &mut warnings)?;
    let mut parts = [story_results, note_results, comment_results];

    let app = read_properties(pkg, "docProps/app.xml")?;
    let core = read_properties(pkg, "docProps/core.xml")?;
    let source = source(pkg, main, app.as_deref(), core.as_deref());
    let items = read_custom_xml(pkg, buf, &rels, &mut warnings)?;
    let identity = identity::read(pkg, buf, &items)?;
    check_bindings(pkg, buf, items, core, app, &mut parts)?;
    warnings.extend(pkg.take_warnings());
    let [stories, notes, comments] = parts;
    let mut doc = assemble(source, stories, notes, comments, warnings);
    doc.identity = identity;
    Ok(doc)
}

/// Footnote and endnote texts by kind and id.
type NoteTexts = HashMap<(NoteKind, String), sinks::NoteText>;

/// What the story parts of one form share while they are read.
struct StoryReader<'a> {
    styles: &'a Styles,
    glossary: &'a Glossary,
    max_depth: usize,
    /// What the form may still hold, across all its parts.
    budget: Budget,
    /// Each story part is read once, however many relationships name it and in what case.
    seen: HashSet<String>,
}

impl StoryReader<'_> {
    /// The footnotes, endnotes and comments parts, and the note texts they hold, by kind and
    /// id, for the stories that reference them.
    fn notes_and_comments(
        &mut self,
        pkg: &mut Package,
        buf: &mut Vec<u8>,
        rels: &[Relationship],
        warnings: &mut Vec<Warning>,
    ) -> Result<(NoteTexts, Vec<PartResult>, Vec<PartResult>)> {
        let mut notes = NoteTexts::new();
        let mut note_results = Vec::new();
        let mut comment_results = Vec::new();
        for (kind, story) in [
            ("footnotes", Story::Footnote),
            ("endnotes", Story::Endnote),
            ("comments", Story::Comment),
        ] {
            for part in all_of(rels, kind) {
                if !self.seen.insert(normalize_part_name(&part)) {
                    continue;
                }
                let Some(result) = self.optional_part(pkg, buf, &part, story, &notes, warnings)?
                else {
                    continue;
                };
                if story == Story::Comment {
                    comment_results.push(result);
                } else {
                    note_results.push(result);
                }
            }
        }
        for r in &mut note_results {
            for (kind, id, text) in r.notes.drain(..) {
                notes.insert((kind, id), text);
            }
        }
        Ok((notes, note_results, comment_results))
    }

    /// The headers, the body and the footers, in that order.
    fn stories(
        &mut self,
        pkg: &mut Package,
        buf: &mut Vec<u8>,
        rels: &[Relationship],
        main: &str,
        notes: &NoteTexts,
        warnings: &mut Vec<Warning>,
    ) -> Result<Vec<PartResult>> {
        let mut unseen = |kind| {
            let mut parts = all_of(rels, kind);
            parts.retain(|p| self.seen.insert(normalize_part_name(p)));
            parts
        };
        let headers = unseen("header");
        let footers = unseen("footer");
        let mut results = Vec::new();
        for part in &headers {
            results.extend(self.optional_part(pkg, buf, part, Story::Header, notes, warnings)?);
        }
        results.push(self.main_part(pkg, buf, main, notes)?);
        for part in &footers {
            results.extend(self.optional_part(pkg, buf, part, Story::Footer, notes, warnings)?);
        }
        Ok(results)
    }

    /// The main part: the document cannot do without it.
    fn main_part(
        &self,
        pkg: &mut Package,
        buf: &mut Vec<u8>,
        part: &str,
        notes: &NoteTexts,
    ) -> Result<PartResult> {
        let links = hyperlinks(pkg, part)?;
        let ctx = self.context(notes, &links);
        if !pkg.read_part(part, buf)? {
            return Err(crate::error::Error::new(ErrorKind::MissingPart {
                name: part.to_owned(),
                referrer: "_rels/.rels".into(),
            }));
        }
        walk(&ctx, part, Story::Body, buf).map_err(|e| e.in_part(part))
    }

    /// A story part the document can do without (see [`optional`]).
    fn optional_part(
        &self,
        pkg: &mut Package,
        buf: &mut Vec<u8>,
        part: &str,
        story: Story,
        notes: &NoteTexts,
        warnings: &mut Vec<Warning>,
    ) -> Result<Option<PartResult>> {
        let links = hyperlinks(pkg, part)?;
        let ctx = self.context(notes, &links);
        optional(pkg, buf, part, warnings, |b| walk(&ctx, part, story, b))
    }

    fn context<'a>(
        &'a self,
        notes: &'a NoteTexts,
        links: &'a HashMap<String, String>,
    ) -> Context<'a> {
        Context {
            styles: self.styles,
            glossary: self.glossary,
            notes,
            links,
            max_depth: self.max_depth,
            budget: &self.budget,
        }
    }
}

/// Checks what the bound controls show against their data stores. The stores are read only
/// when some control is bound; the core and extended properties are stores too.
fn check_bindings(
    pkg: &mut Package,
    buf: &mut Vec<u8>,
    items: Vec<(String, Vec<u8>)>,
    core: Option<Vec<u8>>,
    app: Option<Vec<u8>>,
    parts: &mut [Vec<PartResult>],
) -> Result<()> {
    let bound = parts
        .iter()
        .flatten()
        .any(|r| r.controls.iter().any(|c| c.data_binding.is_some()));
    if !bound {
        return Ok(());
    }
    let mut stores = data_stores(pkg, buf, items)?;
    for (xml, id) in [
        (core, binding::CORE_PROPERTIES_STORE),
        (app, binding::EXTENDED_PROPERTIES_STORE),
    ] {
        if let Some(xml) = xml {
            stores.add(Some(id.to_owned()), xml);
        }
    }
    for r in parts.iter_mut().flatten() {
        for c in &mut r.controls {
            controls::check_binding(c, &stores, &mut r.warnings);
        }
    }
    Ok(())
}

/// Concatenates the parts in reading order, renumbering controls, and ties comments and
/// controls to the flow.
fn assemble(
    source: Source,
    stories: Vec<PartResult>,
    notes: Vec<PartResult>,
    comments: Vec<PartResult>,
    mut warnings: Vec<Warning>,
) -> Document {
    let mut controls = Vec::new();
    let mut flow = Vec::new();
    let mut anchors: HashMap<String, Option<usize>> = HashMap::new();
    let mut comment_bodies: Vec<Comment> = Vec::new();
    let mut tracked = false;
    for mut part in stories.into_iter().chain(notes).chain(comments) {
        let offset = controls.len();
        for c in &mut part.controls {
            c.index += offset;
            c.parent = c.parent.map(|p| p + offset);
            for child in &mut c.children {
                *child += offset;
            }
        }
        for item in &mut part.flow {
            match item {
                FlowItem::Control { control, .. } => *control += offset,
                FlowItem::Paragraph { controls, .. } => {
                    for c in controls {
                        *c += offset;
                    }
                }
            }
        }
        for (id, control) in part.anchors {
            anchors.entry(id).or_insert(control.map(|c| c + offset));
        }
        for mut w in part.warnings {
            w.control = w.control.map(|c| c + offset);
            warnings.push(w);
        }
        tracked |= part.tracked_changes;
        controls.append(&mut part.controls);
        flow.append(&mut part.flow);
        comment_bodies.append(&mut part.comments);
    }
    for (i, item) in flow.iter().enumerate() {
        match item {
            FlowItem::Control { control, .. } => controls[*control].flow_index = Some(i),
            FlowItem::Paragraph { controls: cs, .. } => {
                for &c in cs {
                    controls[c].flow_index = Some(i);
                }
            }
        }
    }
    for i in 0..controls.len() {
        if controls[i].flow_index.is_none()
            && let Some(p) = controls[i].parent
        {
            controls[i].flow_index = controls[p].flow_index;
        }
    }
    for c in &mut comment_bodies {
        c.control = anchors.get(&c.id).copied().flatten();
        c.flow_index = match c.control {
            Some(ctrl) => controls[ctrl].flow_index,
            None => flow.iter().position(|item| {
                matches!(item, FlowItem::Paragraph { comments, .. } if comments.contains(&c.id))
            }),
        };
    }
    if tracked {
        warnings.push(Warning::new(
            WarningCode::TrackedChanges,
            "the form holds tracked changes that were never accepted; they were read as if accepted (deleted text left out)",
        ));
    }
    Document {
        source,
        controls,
        flow,
        comments: comment_bodies,
        warnings,
        identity: Default::default(),
    }
}

/// Reads and parses a part that the document can do without: a part that is missing or does
/// not parse becomes a warning. Limits (zip bombs) are still errors.
fn optional<T>(
    pkg: &mut Package,
    buf: &mut Vec<u8>,
    part: &str,
    warnings: &mut Vec<Warning>,
    parse: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<Option<T>> {
    match pkg.read_part(part, buf) {
        Ok(true) => {}
        Ok(false) => {
            warnings.push(Warning::new(
                WarningCode::MissingPart,
                format!("the document refers to {part}, which the package does not hold"),
            ));
            return Ok(None);
        }
        Err(e)
            if matches!(
                e.kind,
                ErrorKind::DamagedZip { .. } | ErrorKind::UnsupportedCompression { .. }
            ) =>
        {
            warnings.push(Warning::new(WarningCode::PartUnreadable, e.to_string()));
            return Ok(None);
        }
        Err(e) => return Err(e),
    }
    match parse(buf) {
        Ok(v) => Ok(Some(v)),
        // Limits refuse the form: leaving the part out would read a hostile form after all.
        Err(e)
            if matches!(
                e.kind,
                ErrorKind::TooDeep { .. } | ErrorKind::TooLarge { .. }
            ) =>
        {
            Err(e.in_part(part))
        }
        Err(e) => {
            warnings.push(Warning::new(
                WarningCode::PartUnreadable,
                format!("{}; its content is left out", e.in_part(part)),
            ));
            Ok(None)
        }
    }
}

fn first_of(rels: &[Relationship], kind: &str) -> Option<String> {
    all_of(rels, kind).into_iter().next()
}

/// The parts `rels` names with relationships of `kind`, each once: targets that differ only in
/// case or a leading slash name one part (OPC §9.1.1.1), and reading it once per name would
/// let a small form make its biggest part be inflated thousands of times.
fn all_of(rels: &[Relationship], kind: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    rels.iter()
        .filter(|r| r.kind == kind && !r.external)
        .filter(|r| seen.insert(normalize_part_name(&r.target)))
        .map(|r| r.target.clone())
        .collect()
}

/// A part's external hyperlink targets by relationship id.
fn hyperlinks(pkg: &mut Package, part: &str) -> Result<HashMap<String, String>> {
    Ok(pkg
        .relationships(part)?
        .into_iter()
        .filter(|r| r.kind == "hyperlink")
        .map(|r| (r.id, r.target))
        .collect())
}

/// The custom XML parts, each read once for both its uses (a sent-out form's identity, the
/// bound controls' data): those the main document names, then the `customXml/item*.xml` parts
/// nobody names (Word does not always). One that is missing is passed over, one that cannot
/// be inflated left out with a warning; only the form's limits are errors.
fn read_custom_xml(
    pkg: &mut Package,
    buf: &mut Vec<u8>,
    main_rels: &[Relationship],
    warnings: &mut Vec<Warning>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut names = all_of(main_rels, "customXml");
    let mut seen: HashSet<String> = names.iter().map(|i| normalize_part_name(i)).collect();
    for name in pkg.part_names() {
        let key = normalize_part_name(&name);
        if key.starts_with("customxml/item")
            && !key.contains("props")
            && key.ends_with(".xml")
            && seen.insert(key)
        {
            names.push(name);
        }
    }
    let mut items = Vec::new();
    for name in names {
        match pkg.read_part(&name, buf) {
            Ok(true) => items.push((name, buf.clone())),
            Ok(false) => {}
            Err(e) if matches!(e.kind, ErrorKind::TooLarge { .. }) => return Err(e),
            Err(e) => warnings.push(Warning::new(WarningCode::PartUnreadable, e.to_string())),
        }
    }
    Ok(items)
}

/// The custom XML data stores (`items`, read, with their `itemProps`); the core and extended
/// properties, which Word binds to by well-known store ids, are added by the caller, who has
/// read them already.
fn data_stores(
    pkg: &mut Package,
    buf: &mut Vec<u8>,
    items: Vec<(String, Vec<u8>)>,
) -> Result<Stores> {
    let mut stores = Stores::default();
    // Item properties by part, read once however many items point at one.
    let mut ids: HashMap<String, Option<String>> = HashMap::new();
    for (item, xml) in items {
        let mut id = None;
        for rel in pkg.relationships(&item)? {
            if rel.kind != "customXmlProps" {
                continue;
            }
            let key = normalize_part_name(&rel.target);
            if let Some(known) = ids.get(&key) {
                id = known.clone();
            } else if pkg.read_part(&rel.target, buf)? {
                id = binding::item_id(buf);
                ids.insert(key, id.clone());
            }
        }
        stores.add(id, xml);
    }
    Ok(stores)
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::package::Limits;

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// `word/header1.xml` with every upper/lower case spelling of its name, 2^13 of them.
    fn case_variants() -> Vec<String> {
        let name = "word/header1.xml";
        let letters: Vec<usize> = name
            .char_indices()
            .filter(|(_, c)| c.is_ascii_alphabetic())
            .map(|(i, _)| i)
            .collect();
        (0..1u32 << letters.len())
            .map(|bits| {
                let mut s = name.as_bytes().to_vec();
                for (k, &i) in letters.iter().enumerate() {
                    if bits & (1 << k) != 0 {
                        s[i] = s[i].to_ascii_uppercase();
                    }
                }
                format!("/{}", String::from_utf8(s).unwrap())
            })
            .collect()
    }

    /// A form whose document names its one header under every case of its name, holds a
    /// control bound to the core properties and the core and extended properties parts.
    fn form_naming_its_header_in_every_case() -> Vec<u8> {
        let rels: String = case_variants()
            .iter()
            .enumerate()
            .map(|(i, target)| {
                format!(r#"<Relationship Id="rId{i}" Type="{REL}/header" Target="{target}"/>"#)
            })
            .collect();
        let parts: [(&str, String); 6] = [
            (
                "_rels/.rels",
                format!(
                    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>"#
                ),
            ),
            (
                "word/_rels/document.xml.rels",
                format!(
                    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
                ),
            ),
            (
                "word/document.xml",
                format!(
                    r#"<w:document xmlns:w="{W}"><w:body><w:sdt><w:sdtPr><w:dataBinding w:xpath="/ns0:coreProperties[1]/ns1:title[1]" w:storeItemID="{}"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Rubrik</w:t></w:r></w:p></w:sdtContent></w:sdt></w:body></w:document>"#,
                    binding::CORE_PROPERTIES_STORE
                ),
            ),
            (
                "word/header1.xml",
                format!(
                    r#"<w:hdr xmlns:w="{W}"><w:sdt><w:sdtContent><w:p><w:r><w:t>Sidhuvud</w:t></w:r></w:p></w:sdtContent></w:sdt></w:hdr>"#
                ),
            ),
            (
                "docProps/core.xml",
                r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>Rubrik</dc:title><dcterms:modified>2022-04-20T14:12:00Z</dcterms:modified></cp:coreProperties>"#.into(),
            ),
            (
                "docProps/app.xml",
                r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application></Properties>"#.into(),
            ),
        ];
        crate::package::zip_of(&parts)
    }

    #[test]
    fn each_part_is_inflated_once_however_many_names_in_whatever_case_point_at_it() {
        let bytes = form_naming_its_header_in_every_case();
        let mut parts = crate::package::PartCache::default();
        let mut pkg =
            Package::from_bytes(bytes, Some("x.docx"), Limits::default(), &mut parts).unwrap();
        let doc = read_package(&mut pkg, &mut TemplateCache::default()).unwrap();
        let inflated = pkg.inflated();
        // All six parts, each once: the header once for 8,192 names, the core properties once
        // for both the modification time and the data binding.
        assert_eq!((inflated.reads, inflated.parts), (6, 6), "{inflated:?}");
        let texts: Vec<&str> = doc.controls.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["Sidhuvud", "Rubrik"]);
        assert_eq!(doc.source.modified.as_deref(), Some("2022-04-20T14:12:00Z"));
    }
}
