//! Whole files: every fixture and example form read into the model, compared with a reviewed
//! snapshot (`tests/snapshots/`), and checked against the reading rules using the raw XML of
//! the file itself: no deleted text, field code or comment text in any control's text, no
//! placeholder text inside an answer around it, controls that Word writes twice in a text box
//! (`mc:Choice` and `mc:Fallback`) counted once, and controls whose markup a tracked change
//! removed not counted.

use std::io::Read;
use std::path::{Path, PathBuf};

use blankett::{Document, Origin, Status};
use quick_xml::events::Event;

use crate::common::{RemovedMarkup, is_story_part};

fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "fixtures",
        "fixtures/forms",
        "fixtures/libreoffice",
        "examples/forms",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "docx" || x == "docm") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn snapshot_name(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .trim_end_matches(".docx")
        .trim_end_matches(".docm")
        .replace(['/', '\\'], "__")
}

#[test]
fn every_fixture_reads_into_its_reviewed_model() {
    let files = fixture_files();
    assert!(files.len() >= 3, "fixtures missing: {files:?}");
    for path in files {
        let doc = blankett::read_path(&path).unwrap_or_else(|e| panic!("{e}"));
        insta::assert_json_snapshot!(snapshot_name(&path), doc);
    }
}

/// A reader keeps the styles and glossary of the last form and the relationships and content
/// types of its last few for the next one made from the same template; whatever came before,
/// each form must read exactly as a fresh reader reads it.
#[test]
fn one_reader_for_many_forms_reads_each_as_a_fresh_reader_does() {
    let files = fixture_files();
    let fresh: Vec<serde_json::Value> = files
        .iter()
        .map(|p| serde_json::to_value(blankett::read_path(p).unwrap()).unwrap())
        .collect();
    // Forwards, backwards, and each form twice in a row (its parts then reused).
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.extend((0..files.len()).rev());
    order.extend((0..files.len()).flat_map(|i| [i, i]));
    let mut reader = blankett::Reader::default();
    for i in order {
        let doc = reader.read_path(&files[i]).unwrap();
        assert_eq!(
            serde_json::to_value(doc).unwrap(),
            fresh[i],
            "{} read after other forms",
            files[i].display()
        );
    }
}

/// `docx` with the checksums its zip declares for `name` changed (local header and central
/// directory alike), as a transfer that damaged the part's bytes would leave it.
fn with_wrong_checksum(docx: &[u8], name: &str) -> Vec<u8> {
    let mut out = docx.to_vec();
    let mut changed = 0;
    let found: Vec<usize> = (0..docx.len())
        .filter(|&i| docx[i..].starts_with(name.as_bytes()))
        .collect();
    for at in found {
        if at >= 30 && out[at - 30..].starts_with(b"PK\x03\x04") {
            out[at - 30 + 14] ^= 0xFF;
            changed += 1;
        }
        if at >= 46 && out[at - 46..].starts_with(b"PK\x01\x02") {
            out[at - 46 + 16] ^= 0xFF;
            changed += 1;
        }
    }
    assert_eq!(changed, 2, "{name} not found in both zip headers");
    out
}

/// A part kept from one read for the next must not hide what reading it warned of: a form whose
/// styles, glossary or relationships fail their checksum says so every time it is read.
#[test]
fn a_checksum_warning_is_given_on_every_read_of_the_form() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let form = std::fs::read(root.join("examples/forms/kungsholmen-2022-T1.docx")).unwrap();
    for part in [
        "word/styles.xml",
        "word/glossary/document.xml",
        "_rels/.rels",
        "word/_rels/document.xml.rels",
        "[Content_Types].xml",
    ] {
        let damaged = with_wrong_checksum(&form, part);
        let mut reader = blankett::Reader::default();
        // The sound form first, then the damaged one twice: each read of it warns.
        reader.read_bytes(form.clone(), Some("sound.docx")).unwrap();
        for round in 0..2 {
            let doc = reader
                .read_bytes(damaged.clone(), Some("damaged.docx"))
                .unwrap();
            let warned = doc
                .warnings
                .iter()
                .any(|w| w.code.as_str() == "zip-checksum" && w.message.contains(part));
            assert!(warned, "{part}, read {round}: {:?}", doc.warnings);
        }
        let doc = reader.read_bytes(form.clone(), Some("sound.docx")).unwrap();
        assert!(
            doc.warnings
                .iter()
                .all(|w| w.code.as_str() != "zip-checksum"),
            "{part}"
        );
    }
}

/// What the raw XML of a package's story parts holds that must never be answer text.
#[derive(Default, Debug)]
struct Raw {
    deleted: Vec<String>,
    instructions: Vec<String>,
    comments: Vec<String>,
    sdts: usize,
    sdts_in_fallback: usize,
    /// `w:sdt`s starting inside a range of markup deleted or moved away (`w:customXmlDelRange…`,
    /// `w:customXmlMoveFromRange…`): accepted, they are no controls.
    sdts_removed: usize,
}

fn raw_scan(path: &Path) -> Raw {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let mut raw = Raw::default();
    for name in names {
        if !is_story_part(&name) {
            continue;
        }
        let lower = name.to_lowercase();
        let mut xml = String::new();
        zip.by_name(&name)
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let comments_part = lower.contains("comments");
        let mut r = quick_xml::Reader::from_str(&xml);
        let (mut in_del, mut in_instr, mut in_t, mut fallback) = (false, false, false, 0usize);
        let mut comment = String::new();
        let mut removed = RemovedMarkup::default();
        loop {
            let event = r.read_event().unwrap();
            if let Event::Start(e) | Event::Empty(e) = &event {
                raw.sdts_removed += usize::from(removed.removes(e));
            }
            match event {
                Event::Start(e) => match e.name().as_ref() {
                    b"w:delText" => in_del = true,
                    b"w:instrText" => in_instr = true,
                    b"w:t" => in_t = true,
                    b"mc:Fallback" => fallback += 1,
                    b"w:comment" => comment.clear(),
                    b"w:sdt" => {
                        raw.sdts += 1;
                        if fallback > 0 {
                            raw.sdts_in_fallback += 1;
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.name().as_ref() {
                    b"w:delText" => in_del = false,
                    b"w:instrText" => in_instr = false,
                    b"w:t" => in_t = false,
                    b"mc:Fallback" => fallback -= 1,
                    b"w:comment" => raw.comments.push(comment.trim().to_owned()),
                    _ => {}
                },
                Event::Text(t) => {
                    let s = t.decode().unwrap().into_owned();
                    if in_del {
                        raw.deleted.push(s.trim().to_owned());
                    } else if in_instr {
                        raw.instructions.push(s.trim().to_owned());
                    } else if in_t && comments_part {
                        comment.push_str(&s);
                    }
                }
                Event::Empty(e) if e.name().as_ref() == b"w:sdt" => raw.sdts += 1,
                Event::Eof => break,
                _ => {}
            }
        }
    }
    raw
}

fn ancestors_text(doc: &Document, mut parent: Option<usize>) -> Vec<&str> {
    let mut out = Vec::new();
    while let Some(p) = parent {
        out.push(doc.controls[p].text.as_str());
        parent = doc.controls[p].parent;
    }
    out
}

#[test]
fn no_deleted_text_field_code_comment_or_placeholder_is_answer_text() {
    for path in fixture_files() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc = blankett::read_path(&path).unwrap();
        let raw = raw_scan(&path);
        for c in &doc.controls {
            for (what, list) in [
                ("deleted text", &raw.deleted),
                ("a field code", &raw.instructions),
                ("a comment", &raw.comments),
            ] {
                for s in list.iter().filter(|s| s.chars().count() >= 4) {
                    assert!(
                        !c.text.contains(s.as_str()),
                        "{name}: control {} holds {what}: {s:?}",
                        c.index
                    );
                }
            }
            if c.status == Status::Placeholder && !c.text.is_empty() {
                for outer in ancestors_text(&doc, c.parent) {
                    assert!(
                        !outer.contains(&c.text),
                        "{name}: placeholder of control {} is inside an answer around it",
                        c.index
                    );
                }
            }
        }
        let content_controls = doc
            .controls
            .iter()
            .filter(|c| c.origin == Origin::ContentControl)
            .count();
        assert_eq!(
            content_controls,
            raw.sdts - raw.sdts_in_fallback - raw.sdts_removed,
            "{name}: text box controls must be counted once, removed ones not at all"
        );
    }
}
