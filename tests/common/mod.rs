//! Helpers shared by integration tests: reading parts of a package and filling in a form the
//! way a respondent does in Word.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

/// The blankett binary, to run.
pub fn blankett() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("blankett").unwrap()
}

/// The seed form as returned (tags, titles, answers).
pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/ostermalm-2022-T1.docx")
}

/// An OLE2 compound file with the named streams, like a `.doc` or an encrypted `.docx`.
pub fn compound_file(streams: &[&str]) -> Vec<u8> {
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for s in streams {
        let mut stream = cf.create_stream(format!("/{s}")).unwrap();
        stream.write_all(&[0u8; 600]).unwrap();
    }
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

/// The parts of a package, in zip order.
pub fn parts(docx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip package");
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        parts.push((entry.name().to_owned(), bytes));
    }
    parts
}

/// One part of a package as text.
pub fn part(docx: &[u8], name: &str) -> String {
    let (_, bytes) = parts(docx)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"));
    String::from_utf8(bytes).unwrap()
}

/// A package holding `parts`, in that order.
pub fn zip_parts(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT);
    for (name, bytes) in parts {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The ranges of control markup deleted or moved away with tracked changes
/// (`w:customXmlDelRange…`, `w:customXmlMoveFromRange…`, which Word puts around each tag of a
/// control it removed or moved) open while a story part is read: a `w:sdt` starting inside one
/// is no control once the changes are accepted.
#[derive(Default)]
pub struct RemovedMarkup {
    open: Vec<Vec<u8>>,
}

impl RemovedMarkup {
    /// Takes in a start or empty element; true for a `w:sdt` whose markup was removed.
    pub fn removes(&mut self, e: &BytesStart) -> bool {
        let id = || {
            e.try_get_attribute("w:id")
                .ok()
                .flatten()
                .map(|a| a.value.into_owned())
                .unwrap_or_default()
        };
        match e.name().as_ref() {
            b"w:customXmlDelRangeStart" | b"w:customXmlMoveFromRangeStart" => self.open.push(id()),
            b"w:customXmlDelRangeEnd" | b"w:customXmlMoveFromRangeEnd" => {
                let id = id();
                self.open.retain(|open| *open != id);
            }
            b"w:sdt" => return !self.open.is_empty(),
            _ => {}
        }
        false
    }
}

/// True for a part that holds a story: the document, a header or footer, the notes, comments.
pub fn is_story_part(name: &str) -> bool {
    let lower = name.to_lowercase();
    let Some(file) = lower.strip_prefix("word/") else {
        return false;
    };
    lower.ends_with(".xml")
        && !file.contains('/')
        && [
            "document",
            "header",
            "footer",
            "footnotes",
            "endnotes",
            "comments",
        ]
        .iter()
        .any(|s| file.starts_with(s))
}

/// How many `w:sdt` in a package's stories a tracked change removed (see [`RemovedMarkup`]);
/// 0 for what is no zip (the reader may still read it: a flat or damaged package).
pub fn removed_controls(docx: &[u8]) -> usize {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(docx)) else {
        return 0;
    };
    let mut removed = 0;
    for i in 0..zip.len() {
        let mut bytes = Vec::new();
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        if !is_story_part(entry.name()) || entry.read_to_end(&mut bytes).is_err() {
            continue;
        }
        let mut r = Reader::from_reader(bytes.as_slice());
        let mut ranges = RemovedMarkup::default();
        let mut buf = Vec::new();
        loop {
            match r.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) => removed += usize::from(ranges.removes(&e)),
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
            buf.clear();
        }
    }
    removed
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Where a content control stands (ECMA-376 Part 1 §17.5.2), from its nearest ancestor that
/// decides it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Level {
    /// In the body, a table cell, a text box …: holds paragraphs.
    Block,
    /// Inside a paragraph: holds runs.
    Inline,
    /// Wraps a table cell (`w:tr > w:sdt > w:sdtContent > w:tc`).
    Cell,
    /// Wraps table rows.
    Row,
}

fn level_of(ancestors: &[Vec<u8>]) -> Level {
    for name in ancestors.iter().rev() {
        match local(name) {
            b"p" => return Level::Inline,
            b"tr" => return Level::Cell,
            b"tbl" => return Level::Row,
            b"body" | b"tc" | b"txbxContent" | b"hdr" | b"ftr" | b"footnote" | b"endnote"
            | b"comment" | b"docPartBody" => return Level::Block,
            _ => {}
        }
    }
    Level::Block
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|b| *b == b':').next().unwrap_or(name)
}

fn is_w(e: &BytesStart, name: &[u8]) -> bool {
    e.name().as_ref() == [b"w:".as_slice(), name].concat()
}

fn val(e: &BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == b"w:val")
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .unwrap()
                .into_owned()
        })
}

/// The content a respondent's text becomes at a control's level: one paragraph with one run
/// per string at block level; at run level (a control inside a paragraph) one run per string,
/// separated by line breaks, since a paragraph cannot hold paragraphs; at cell level a cell
/// (with the cell properties the control's cell had) holding the paragraphs.
fn content(level: Level, answer: &[String], tc_pr: &str) -> String {
    let run = |s: &str| {
        format!(
            r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
            xml_escape(s)
        )
    };
    let paragraphs: String = answer
        .iter()
        .map(|s| format!("<w:p>{}</w:p>", run(s)))
        .collect();
    match level {
        Level::Block => paragraphs,
        Level::Inline => answer
            .iter()
            .map(String::as_str)
            .map(run)
            .collect::<Vec<_>>()
            .join("<w:r><w:br/></w:r>"),
        Level::Cell => format!("<w:tc>{tc_pr}{paragraphs}</w:tc>"),
        Level::Row => panic!("fill_controls does not fill row-level controls"),
    }
}

/// A copy of the package where each content control whose `w:tag` (else `w:alias`) is a key of `answers` holds
/// the given paragraphs instead of its placeholder and no longer says `w:showingPlcHdr`: what
/// Word leaves when a respondent types into the control. Controls in `word/document.xml` only,
/// its elements named with the `w:` prefix as Word and docx-rs write them.
///
/// ```xml
/// <w:sdt><w:sdtPr><w:tag w:val="namnd"/>…<w:showingPlcHdr/></w:sdtPr>
///   <w:sdtContent><w:p><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>
///     <w:t>Klicka här för att ange text.</w:t></w:r></w:p></w:sdtContent></w:sdt>
/// becomes
/// <w:sdt><w:sdtPr><w:tag w:val="namnd"/>…</w:sdtPr>
///   <w:sdtContent><w:p><w:r><w:t xml:space="preserve">Östermalms stadsdelsnämnd</w:t></w:r></w:p>
///   </w:sdtContent></w:sdt>
/// ```
pub fn fill_controls(docx: &[u8], answers: &HashMap<String, Vec<String>>) -> Vec<u8> {
    let mut parts = parts(docx);
    let (_, document) = parts
        .iter_mut()
        .find(|(n, _)| n == "word/document.xml")
        .expect("word/document.xml");
    *document = fill_xml(document, answers);
    zip_parts(&parts)
}

/// An open `w:sdt`: where it stands and, once its properties are read, its tag and title.
struct Sdt {
    level: Level,
    names: Vec<String>,
}

impl Sdt {
    /// The paragraphs `answers` gives the control, by its tag, else by its title.
    fn answer<'a>(&self, answers: &'a HashMap<String, Vec<String>>) -> Option<&'a Vec<String>> {
        self.names.iter().find_map(|n| answers.get(n))
    }
}

/// A control's content being replaced: how deep below its `w:sdtContent` the reader is, and
/// the first `w:tcPr` inside it (a cell-level control's), kept for the new cell.
#[derive(Default)]
struct Replacing {
    depth: usize,
    tc_pr: String,
    in_tc_pr: bool,
}

/// The copy of `word/document.xml` being written, and where the reader stands in it.
struct Filler<'a> {
    answers: &'a HashMap<String, Vec<String>>,
    writer: Writer<Vec<u8>>,
    /// Names of the open elements.
    ancestors: Vec<Vec<u8>>,
    sdts: Vec<Sdt>,
    /// The events of the `w:sdtPr` being read, held back until its tag is known.
    props: Option<Vec<Event<'static>>>,
    /// While replacing a control's content.
    replacing: Option<Replacing>,
}

fn fill_xml(xml: &[u8], answers: &HashMap<String, Vec<String>>) -> Vec<u8> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut filler = Filler {
        answers,
        writer: Writer::new(Vec::with_capacity(xml.len() + 4096)),
        ancestors: Vec::new(),
        sdts: Vec::new(),
        props: None,
        replacing: None,
    };
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).expect("well-formed XML");
        if let Event::Eof = event {
            assert!(filler.replacing.is_none(), "unexpected end of document.xml");
            break;
        }
        if filler.replacing.is_some() {
            filler.skip(&event);
        } else {
            filler.copy(&event);
        }
        buf.clear();
    }
    filler.writer.into_inner()
}

impl Filler<'_> {
    /// Copies an event outside replaced content, following the controls it opens and closes.
    fn copy(&mut self, event: &Event<'_>) {
        if self.control_event(event) {
            return;
        }
        self.write_or_hold(event);
        match event {
            Event::Start(e) => self.ancestors.push(e.name().as_ref().to_vec()),
            Event::End(_) => {
                self.ancestors.pop();
            }
            _ => {}
        }
    }

    /// Notes where a control, its properties and its content begin and end; true when it has
    /// written the event itself.
    fn control_event(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::Start(e) if is_w(e, b"sdt") => {
                self.sdts.push(Sdt {
                    level: level_of(&self.ancestors),
                    names: Vec::new(),
                });
            }
            Event::Start(e) if is_w(e, b"sdtPr") => {
                self.writer.write_event(event.borrow()).unwrap();
                self.ancestors.push(e.name().as_ref().to_vec());
                self.props = Some(Vec::new());
                return true;
            }
            Event::End(e) if e.name().as_ref() == b"w:sdtPr" => self.write_props(),
            Event::Start(e) if is_w(e, b"sdtContent") && self.content_is_answered() => {
                self.writer.write_event(event.borrow()).unwrap();
                self.ancestors.push(e.name().as_ref().to_vec());
                self.replacing = Some(Replacing::default());
                return true;
            }
            Event::End(e) if e.name().as_ref() == b"w:sdt" => {
                self.sdts.pop();
            }
            _ => {}
        }
        false
    }

    /// True when the control whose `w:sdtContent` begins has an answer to put there.
    fn content_is_answered(&self) -> bool {
        let sdt = self.sdts.last().expect("w:sdtContent inside w:sdt");
        sdt.answer(self.answers).is_some()
    }

    /// Writes an event, or holds it back while a `w:sdtPr` is read, noting the control's tag.
    fn write_or_hold(&mut self, event: &Event<'_>) {
        if let Some(held) = self.props.as_mut() {
            if let Event::Start(e) | Event::Empty(e) = event
                && let Some(sdt) = self.sdts.last_mut()
            {
                // The key is the control's tag, else its title (forms without tags).
                if is_w(e, b"tag") {
                    sdt.names.splice(0..0, val(e));
                } else if is_w(e, b"alias") {
                    sdt.names.extend(val(e));
                }
            }
            // `w:showingPlcHdr` can only be dropped once the whole `w:sdtPr` is read.
            held.push(event.clone().into_owned());
        } else {
            self.writer.write_event(event.borrow()).unwrap();
        }
    }

    /// At the end of a `w:sdtPr`: writes the events held back, without `w:showingPlcHdr` when
    /// the control is to be filled in.
    fn write_props(&mut self) {
        let held = self.props.take().unwrap_or_default();
        let sdt = self.sdts.last_mut().expect("w:sdtPr inside w:sdt");
        let filled = sdt.answer(self.answers).is_some();
        for ev in held {
            let drop = filled
                && matches!(&ev, Event::Empty(x) | Event::Start(x) if is_w(x, b"showingPlcHdr"));
            if !drop {
                self.writer.write_event(ev).unwrap();
            }
        }
    }

    /// Inside replaced content: drops each event, keeping the first `w:tcPr`, until the end of
    /// the `w:sdtContent`.
    fn skip(&mut self, event: &Event<'_>) {
        let r = self
            .replacing
            .as_mut()
            .expect("replacing a control's content");
        match event {
            Event::Start(e) => {
                if is_w(e, b"tcPr") && r.tc_pr.is_empty() {
                    r.in_tc_pr = true;
                }
                if r.in_tc_pr {
                    r.tc_pr
                        .push_str(&format!("<{}>", String::from_utf8_lossy(e)));
                }
                r.depth += 1;
            }
            Event::Empty(e) if r.in_tc_pr || (is_w(e, b"tcPr") && r.tc_pr.is_empty()) => {
                r.tc_pr
                    .push_str(&format!("<{}/>", String::from_utf8_lossy(e)));
            }
            Event::End(e) if r.depth > 0 => {
                if r.in_tc_pr {
                    r.tc_pr.push_str(&format!(
                        "</{}>",
                        String::from_utf8_lossy(e.name().as_ref())
                    ));
                    if e.name().as_ref() == b"w:tcPr" {
                        r.in_tc_pr = false;
                    }
                }
                r.depth -= 1;
            }
            Event::End(_) => self.end_content(event),
            _ => {}
        }
    }

    /// The end of a replaced `w:sdtContent`: the respondent's content, then the end tag.
    fn end_content(&mut self, event: &Event<'_>) {
        let replaced = self
            .replacing
            .take()
            .expect("replacing a control's content");
        let sdt = self.sdts.last().expect("inside a control");
        let answer = sdt.answer(self.answers).expect("an answer for the control");
        let new = content(sdt.level, answer, &replaced.tc_pr);
        self.writer.get_mut().extend_from_slice(new.as_bytes());
        self.writer.write_event(event.borrow()).unwrap();
        self.ancestors.pop();
    }
}

/// True for a character XML 1.0 can hold (§2.2, `Char`).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Asserts that every XML part of a package (`.xml`, `.rels`, `.vml`) is well-formed XML 1.0:
/// see [`assert_well_formed_xml`].
pub fn assert_package_well_formed(package: &[u8]) {
    let mut checked = 0;
    for (name, bytes) in parts(package) {
        if name.ends_with(".xml") || name.ends_with(".rels") || name.ends_with(".vml") {
            assert_well_formed_xml(&name, &bytes);
            checked += 1;
        }
    }
    assert!(checked > 0, "no XML part in the package");
}

/// Asserts that `bytes` are well-formed XML 1.0, more strictly than quick-xml reads: UTF-8,
/// every character one XML can hold, written or as a character reference, in text and in
/// attribute values; no entity but the five predefined ones; one root element, every element
/// closed by its own end tag.
pub fn assert_well_formed_xml(name: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: not UTF-8: {e}"));
    if let Some((at, c)) = text.char_indices().find(|(_, c)| !is_xml_char(*c)) {
        panic!("{name}@{at}: {c:?} is no XML 1.0 character");
    }
    let mut r = Reader::from_str(text);
    r.config_mut().check_end_names = true;
    let (mut depth, mut roots) = (0usize, 0usize);
    let check_attrs = |e: &BytesStart, at: u64| {
        for a in e.attributes() {
            let a = a.unwrap_or_else(|e| panic!("{name}@{at}: {e}"));
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .unwrap_or_else(|e| panic!("{name}@{at}: {e}"));
            assert!(v.chars().all(is_xml_char), "{name}@{at}: attribute {v:?}");
        }
    };
    loop {
        let at = r.buffer_position();
        match r.read_event() {
            Err(e) => panic!("{name}@{}: {e}", r.error_position()),
            Ok(Event::Start(e)) => {
                roots += usize::from(depth == 0);
                depth += 1;
                check_attrs(&e, at);
            }
            Ok(Event::Empty(e)) => {
                roots += usize::from(depth == 0);
                check_attrs(&e, at);
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::GeneralRef(g)) => {
                let reference = g.decode().unwrap_or_else(|e| panic!("{name}@{at}: {e}"));
                match g.resolve_char_ref() {
                    Ok(Some(c)) => assert!(is_xml_char(c), "{name}@{at}: &{reference};"),
                    Ok(None) => assert!(
                        quick_xml::escape::resolve_predefined_entity(&reference).is_some(),
                        "{name}@{at}: undefined entity &{reference};"
                    ),
                    Err(e) => panic!("{name}@{at}: {e}"),
                }
                assert!(depth > 0, "{name}@{at}: a reference outside the root");
            }
            Ok(Event::Text(t)) => {
                let t = t.decode().unwrap_or_else(|e| panic!("{name}@{at}: {e}"));
                assert!(
                    depth > 0 || t.trim().is_empty(),
                    "{name}@{at}: text outside the root: {t:?}"
                );
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
        }
    }
    assert_eq!(depth, 0, "{name}: elements left open");
    assert_eq!(roots, 1, "{name}: one root element");
}

/// Runs `soffice --headless --convert-to <to>` on `file`; false (saying the test was skipped)
/// when soffice is not installed. Under CI, which installs LibreOffice (`.ci/run`), its absence
/// fails the test instead.
pub fn soffice(file: &Path, to: &str, out: &Path) -> bool {
    let run = std::process::Command::new("soffice")
        .arg("--headless")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            out.join("profile").display()
        ))
        .args(["--convert-to", to, "--outdir"])
        .arg(out)
        .arg(file)
        .output();
    match run {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var_os("CI").is_none(),
                "soffice is not on PATH under CI: install libreoffice-writer-nogui"
            );
            eprintln!("skipped: soffice is not on PATH, nothing was opened in LibreOffice");
            false
        }
        Err(e) => panic!("cannot run soffice: {e}"),
        Ok(o) => {
            assert!(
                o.status.success(),
                "soffice --convert-to {to} failed: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            true
        }
    }
}

/// Every error of `instance` against `schemas/<schema>` (one that refers to no other schema),
/// one line each, after the instance path where it is.
pub fn schema_errors(schema: &str, instance: &serde_json::Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(schema);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: cannot read it: {e}", path.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
    let validator = jsonschema::validator_for(&json)
        .unwrap_or_else(|e| panic!("{schema}: not a usable JSON Schema: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Asserts that `instance` (`what` it is, for the message) matches `schemas/<schema>`.
pub fn assert_matches_schema(schema: &str, what: &str, instance: &serde_json::Value) {
    let errors = schema_errors(schema, instance);
    assert!(
        errors.is_empty(),
        "{what} does not match {schema}:\n{}",
        errors.join("\n")
    );
}
