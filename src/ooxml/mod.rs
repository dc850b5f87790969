//! The OOXML reader: from an opened [`Package`] to the [`Document`] model.
//!
//! Parts are read in the order their content is needed: styles, the glossary (placeholder
//! texts), the custom XML stores (data binding), the footnotes and endnotes (their text belongs to
//! the answer that references them), the comments; then the headers, the body and the footers.
//! The document lists controls in reading order: headers, body, footers, notes, comments.

mod binding;
mod controls;
mod fields;
mod glossary;
mod sinks;
mod styles;
pub mod text;
mod walker;

use std::collections::HashMap;

use quick_xml::events::Event;

use crate::error::Result;
use crate::model::{Comment, Document, FlowItem, NoteKind, Source, Story, Warning};
use crate::package::{Package, Relationship};
use crate::xml;

use binding::Stores;
use glossary::Glossary;
use styles::Styles;
use walker::{Budget, Context, PartResult, walk};

/// What a reader keeps from one form to the next: a buffer every part is inflated into, and
/// the styles and glossary parts last read. Forms made from one template carry the same styles
/// and placeholder texts, stored as the same bytes; those are then neither inflated nor parsed
/// again, and the styles already looked up stay looked up.
#[derive(Debug, Default)]
pub struct Scratch {
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
}

/// Reads the document out of an opened package.
pub fn read_package(pkg: &mut Package, scratch: &mut Scratch) -> Result<Document> {
    let file = pkg.file().map(str::to_owned);
    read_inner(pkg, scratch).map_err(|e| e.in_file(file.as_deref()))
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
    if !same {
        let (package_warnings, own_warnings) = (pkg.warning_count(), warnings.len());
        let Some(value) = optional(pkg, buf, part, warnings, |b| Ok(make(b.to_vec())))? else {
            return Ok(None);
        };
        let warned = pkg.warning_count() != package_warnings || warnings.len() != own_warnings;
        let stored = match warned {
            true => None,
            false => pkg.stored_part(part).map(|s| s.to_owned_part()),
        };
        *slot = Some(Kept { stored, value });
    }
    Ok(slot.as_ref().map(|k| &k.value))
}

fn read_inner(pkg: &mut Package, scratch: &mut Scratch) -> Result<Document> {
    let buf = &mut scratch.buf;
    let main = pkg.main_part().to_owned();
    let rels = pkg.relationships(&main)?;
    let mut warnings = Vec::new();

    let (no_styles, no_glossary) = (Styles::default(), Glossary::default());
    let styles = match first_of(&rels, "styles") {
        Some(part) => kept_part(&mut scratch.styles, pkg, buf, &part, &mut warnings, |b| {
            Styles::new(b)
        })?,
        None => None,
    }
    .unwrap_or(&no_styles);
    let glossary = match first_of(&rels, "glossaryDocument") {
        Some(part) => kept_part(&mut scratch.glossary, pkg, buf, &part, &mut warnings, |b| {
            Glossary::new(b)
        })?,
        None => None,
    }
    .unwrap_or(&no_glossary);
    let max_depth = pkg.limits().max_depth;
    let budget = Budget::new(pkg.limits());

    let mut notes: HashMap<(NoteKind, String), sinks::NoteText> = HashMap::new();
    let mut note_results = Vec::new();
    let mut comment_results = Vec::new();
    for (kind, story) in [
        ("footnotes", Story::Footnote),
        ("endnotes", Story::Endnote),
        ("comments", Story::Comment),
    ] {
        for part in all_of(&rels, kind) {
            let links = hyperlinks(pkg, &part)?;
            let ctx = Context {
                styles,
                glossary,
                notes: &notes,
                links: &links,
                max_depth,
                budget: &budget,
            };
            let Some(result) = optional(pkg, buf, &part, &mut warnings, |b| {
                walk(&ctx, &part, story, b)
            })?
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

    let mut story_results = Vec::new();
    let headers = all_of(&rels, "header");
    let footers = all_of(&rels, "footer");
    let parts = headers
        .iter()
        .map(|p| (p.clone(), Story::Header))
        .chain(std::iter::once((main.clone(), Story::Body)))
        .chain(footers.iter().map(|p| (p.clone(), Story::Footer)));
    for (part, story) in parts {
        let links = hyperlinks(pkg, &part)?;
        let ctx = Context {
            styles,
            glossary,
            notes: &notes,
            links: &links,
            max_depth,
            budget: &budget,
        };
        if story == Story::Body {
            if !pkg.read_part(&part, buf)? {
                return Err(crate::error::Error::new(
                    crate::error::ErrorKind::MissingPart {
                        name: part.clone(),
                        referrer: "_rels/.rels".into(),
                    },
                ));
            }
            let result = walk(&ctx, &part, story, buf).map_err(|e| e.in_part(&part))?;
            story_results.push(result);
        } else if let Some(result) = optional(pkg, buf, &part, &mut warnings, |b| {
            walk(&ctx, &part, story, b)
        })? {
            story_results.push(result);
        }
    }

    let (producer, template) = app_properties(pkg, buf);
    let modified = core_modified(pkg, buf);
    let bound = story_results
        .iter()
        .chain(&note_results)
        .chain(&comment_results)
        .any(|r| r.controls.iter().any(|c| c.data_binding.is_some()));
    if bound {
        let stores = data_stores(pkg, buf, &rels)?;
        for r in story_results
            .iter_mut()
            .chain(&mut note_results)
            .chain(&mut comment_results)
        {
            for c in &mut r.controls {
                controls::check_binding(c, &stores, &mut r.warnings);
            }
        }
    }
    let source = Source {
        file: pkg.file().map(|f| {
            std::path::Path::new(f)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.to_owned())
        }),
        sha256: pkg.sha256().to_owned(),
        bytes: pkg.byte_len(),
        producer,
        template,
        modified,
        main_part: main,
        package: pkg.kind(),
        strict: pkg.is_strict(),
    };
    warnings.extend(pkg.take_warnings());
    Ok(assemble(
        source,
        story_results,
        note_results,
        comment_results,
        warnings,
    ))
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
            "tracked-changes",
            "the form holds tracked changes that were never accepted; they were read as if accepted (deleted text left out)",
        ));
    }
    Document {
        source,
        controls,
        flow,
        comments: comment_bodies,
        warnings,
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
                "missing-part",
                format!("the document refers to {part}, which the package does not hold"),
            ));
            return Ok(None);
        }
        Err(e) if matches!(e.kind, crate::error::ErrorKind::DamagedZip { .. }) => {
            warnings.push(Warning::new("part-unreadable", e.to_string()));
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
                crate::error::ErrorKind::TooDeep { .. } | crate::error::ErrorKind::TooLarge { .. }
            ) =>
        {
            Err(e.in_part(part))
        }
        Err(e) => {
            warnings.push(Warning::new(
                "part-unreadable",
                format!("{}; its content is left out", e.in_part(part)),
            ));
            Ok(None)
        }
    }
}

fn first_of(rels: &[Relationship], kind: &str) -> Option<String> {
    all_of(rels, kind).into_iter().next()
}

/// The parts of `kind`, each once. Part names are case-insensitive (OPC, ECMA-376 Part 2
/// §9.1.1.1), so `header1.xml` and `HEADER1.XML` are one part, read once.
fn all_of(rels: &[Relationship], kind: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    rels.iter()
        .filter(|r| r.kind == kind && !r.external)
        .filter(|r| seen.insert(crate::package::normalize_part_name(&r.target)))
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

/// The custom XML data stores (`customXml/item*.xml` with their `itemProps`), and the core and
/// extended properties, which Word binds to by well-known store ids.
fn data_stores(pkg: &mut Package, buf: &mut Vec<u8>, main_rels: &[Relationship]) -> Result<Stores> {
    let mut stores = Stores::default();
    let mut items = all_of(main_rels, "customXml");
    for name in pkg.part_names() {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("customxml/item")
            && !lower.contains("props")
            && lower.ends_with(".xml")
            && !items.iter().any(|i| i.eq_ignore_ascii_case(&name))
        {
            items.push(name);
        }
    }
    for item in items {
        if !pkg.read_part(&item, buf)? {
            continue;
        }
        let xml = buf.clone();
        let mut id = None;
        for rel in pkg.relationships(&item)? {
            if rel.kind == "customXmlProps" && pkg.read_part(&rel.target, buf)? {
                id = binding::item_id(buf);
            }
        }
        stores.add(id, xml);
    }
    for (part, id) in [
        ("docProps/core.xml", binding::CORE_PROPERTIES_STORE),
        ("docProps/app.xml", binding::EXTENDED_PROPERTIES_STORE),
    ] {
        if pkg.read_part(part, buf)? {
            stores.add(Some(id.to_owned()), buf.clone());
        }
    }
    Ok(stores)
}

/// `dcterms:modified` from `docProps/core.xml`, when it is an RFC 3339 time.
fn core_modified(pkg: &mut Package, buf: &mut Vec<u8>) -> Option<String> {
    if !matches!(pkg.read_part("docProps/core.xml", buf), Ok(true)) {
        return None;
    }
    let text = xml::utf8_view(buf);
    let mut r = xml::fast_reader(&text);
    let mut inside = false;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => inside = e.local_name().as_ref() == b"modified",
            Ok(Event::Text(t)) if inside => {
                let v = t.decode().ok()?.trim().to_owned();
                // 2022-04-20T14:12:00Z: a date, a time and a zone.
                // Checked byte by byte: the text may hold any character (a slice could split one).
                let ok = v.len() >= 20
                    && v.get(..10).is_some_and(crate::schema::is_iso_date)
                    && v.as_bytes()[10] == b'T';
                return ok.then_some(v);
            }
            Ok(Event::End(_)) => inside = false,
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// `Application` + `AppVersion` and `Template` from `docProps/app.xml`; absent or unreadable
/// properties are simply unknown.
fn app_properties(pkg: &mut Package, buf: &mut Vec<u8>) -> (Option<String>, Option<String>) {
    if !matches!(pkg.read_part("docProps/app.xml", buf), Ok(true)) {
        return (None, None);
    }
    let text = xml::utf8_view(buf);
    let mut r = xml::fast_reader(&text);
    let (mut app, mut version, mut template) = (None, None, None);
    let mut current: Option<u8> = None;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => {
                current = match e.local_name().as_ref() {
                    b"Application" => Some(0),
                    b"AppVersion" => Some(1),
                    b"Template" => Some(2),
                    _ => None,
                }
            }
            Ok(Event::Text(t)) => {
                let v = t.decode().map(|s| s.trim().to_owned()).unwrap_or_default();
                if !v.is_empty() {
                    match current {
                        Some(0) => app = Some(v),
                        Some(1) => version = Some(v),
                        Some(2) => template = Some(v),
                        _ => {}
                    }
                }
            }
            Ok(Event::End(_)) => current = None,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let producer = match (app, version) {
        (Some(a), Some(v)) => Some(format!("{a} {v}")),
        (a, v) => a.or(v),
    };
    (producer, template)
}
