//! `blankett template`: the blank Word template of a questionnaire variant.
//!
//! The template is laid out as the city's own form is (`examples/make_fixtures/seed.rs`):
//!
//! ```text
//! Uppföljningsrapport näringsliv                           Title
//! För att nå resultat …                                    intro: the leading body text
//! ┌────────────────────────────────────┬─────────────┐
//! │ Nämnd                              │ [control]   │    one row per field: label | control
//! │ Kontaktperson för eventuella frågor│ [control]   │
//! └────────────────────────────────────┴─────────────┘
//! Uppföljning av direktiv … budget 2022                    Heading 1  (template text)
//! Beskrivning (mål och syfte)                              Heading 2  (template text)
//! Detta underlag utgör …                                   body       (template text)
//! 1. Stimulera tillväxt och företagsamhet                  Heading 2  (a focus area)
//! Beskriv samverkan med …                                  bold body  (the question)
//! [Klicka här för att ange text.]                          block rich-text control
//! …
//! Övriga upplysningar                                      Heading 2  (a question without area)
//! [Klicka här för att ange text.]
//! ```
//!
//! Each control is tagged (`w:tag`) with the field's or question's tag and titled (`w:alias`)
//! with its alias, so that a returned form maps by tag (docs/DESIGN.md, "Finding the answers"), and shows its
//! placeholder from the glossary document, so that the reader knows an untouched control by
//! `w:showingPlcHdr` and, after a LibreOffice round trip drops that flag, by its docPart text.
//!
//! docx-rs writes the document; it does not model most content-control properties, so a
//! small post-processing step (`finish`) adds them to the package docx-rs wrote.

use std::collections::HashSet;
use std::io::Cursor;

use docx_rs::{
    Docx, Paragraph, Run, StructuredDataTag, Style, StyleType, Table, TableCell, TableRow,
    WidthType,
};
use sha2::{Digest, Sha256};

use crate::schema::{Field, Question, Questionnaire};
use crate::word_out::{self, HEADING_STYLES, TITLE_STYLE};

/// The placeholder a control shows when its field names none: Word's Swedish default, the
/// text the city's form shows under every question.
pub const DEFAULT_PLACEHOLDER: &str = "Klicka här för att ange text.";

/// The name Word 2010–2013 gives the glossary entry of its default text placeholder.
const DEFAULT_DOC_PART: &str = "DefaultPlaceholder_1081868574";

/// The placeholder text's character style (Word knows it by its name, `Placeholder Text`).
const PLACEHOLDER_STYLE: &str = "PlaceholderText";

/// The header table's columns in twentieths of a point: as wide as the text, the label column a
/// third of it.
const COLUMNS: [usize; 2] = [3256, 5816];

const GLOSSARY_PART: &str = "word/glossary/document.xml";
const GLOSSARY_REL_TYPE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/glossaryDocument";
const GLOSSARY_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Why a template could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The questionnaire has no variant with the id asked for.
    #[error(
        "questionnaire {questionnaire} has no variant {variant}; the variants are: {}",
        .available.join(", ")
    )]
    UnknownVariant {
        /// The questionnaire's id.
        questionnaire: String,
        /// The variant id asked for.
        variant: String,
        /// The ids of the questionnaire's variants.
        available: Vec<String>,
    },
    /// docx-rs failed to write the package.
    #[error("docx-rs could not write the template: {0}")]
    Docx(String),
    /// The package docx-rs wrote could not be completed (a bug, not a data problem).
    #[error("cannot complete the template package: {0}")]
    Package(String),
}

/// A content control of the template, in document order: what `finish` needs to find it
/// and complete it.
#[derive(Debug, Clone)]
struct Control {
    tag: String,
    alias: String,
    /// The glossary entry holding the placeholder text.
    doc_part: String,
    placeholder: String,
}

/// Writes the blank Word template (`.docx`) of `variant`. The same questionnaire and variant
/// always give the same bytes.
pub fn write_template(q: &Questionnaire, variant: &str) -> Result<Vec<u8>, TemplateError> {
    if q.variant(variant).is_none() {
        return Err(TemplateError::UnknownVariant {
            questionnaire: q.id.clone(),
            variant: variant.to_owned(),
            available: q.variants.iter().map(|v| v.id.clone()).collect(),
        });
    }
    let mut b = Builder::default();
    let docx = b.document(q, variant);
    let mut raw = Cursor::new(Vec::new());
    docx.pack(&mut raw)
        .map_err(|e| TemplateError::Docx(e.to_string()))?;
    finish(&raw.into_inner(), &b.controls)
}

/// A paragraph of template text and where it goes.
#[derive(Debug, PartialEq)]
enum Text<'a> {
    Heading(&'a str),
    Body(&'a str),
}

/// Sorts the questionnaire's and the variant's template text: a short line without closing
/// punctuation is a heading, the rest is body text. A line that is the title (the city's form
/// writes it in capitals) is the title, written once.
fn template_text<'a>(q: &'a Questionnaire, variant: &str) -> Vec<Text<'a>> {
    let variant_text = q.variant(variant).map(|v| v.template_text.as_slice());
    q.template_text
        .iter()
        .chain(variant_text.unwrap_or_default())
        .map(|t| t.trim())
        .filter(|t| !t.is_empty() && t.to_lowercase() != q.title.trim().to_lowercase())
        .map(|t| {
            let closed = t.ends_with(['.', '!', '?', ':', ';']);
            if !closed && t.chars().count() <= 120 {
                Text::Heading(t)
            } else {
                Text::Body(t)
            }
        })
        .collect()
}

/// Builds the document with docx-rs and records its controls.
#[derive(Default)]
struct Builder {
    controls: Vec<Control>,
    /// Paragraph ids (`w14:paraId`) are counted here: docx-rs draws them from a thread-local
    /// counter that goes on from document to document, which would make the output depend on
    /// what the thread wrote before.
    paragraphs: u32,
}

impl Builder {
    fn paragraph(&mut self) -> Paragraph {
        self.paragraphs += 1;
        Paragraph::new().id(format!("{:08X}", self.paragraphs))
    }

    fn text(&mut self, style: Option<&str>, text: &str, bold: bool) -> Paragraph {
        let mut run = Run::new().add_text(text);
        if bold {
            run = run.bold();
        }
        let p = self.paragraph().add_run(run);
        match style {
            Some(s) => p.style(s),
            None => p,
        }
    }

    /// A block-level rich-text control showing its placeholder. docx-rs writes the title
    /// (`w:alias`) and the placeholder run with its character style (`Run::style`); `finish`
    /// adds the rest.
    fn control(&mut self, tag: &str, alias: &str, placeholder: Option<&str>) -> StructuredDataTag {
        let (doc_part, text) = match placeholder {
            Some(p) if !p.trim().is_empty() && p.trim() != DEFAULT_PLACEHOLDER => {
                (doc_part_name(tag, p), p.trim())
            }
            _ => (DEFAULT_DOC_PART.to_owned(), DEFAULT_PLACEHOLDER),
        };
        self.controls.push(Control {
            tag: tag.to_owned(),
            alias: alias.to_owned(),
            doc_part,
            placeholder: text.to_owned(),
        });
        let run = Run::new().style(PLACEHOLDER_STYLE).add_text(text);
        let p = self.paragraph().add_run(run);
        // docx-rs copies the alias into the attribute as it is: escape it here.
        StructuredDataTag::new()
            .alias(escape(alias))
            .add_paragraph(p)
    }

    fn document(&mut self, q: &Questionnaire, variant: &str) -> Docx {
        let mut docx = word_out::a4(styles(Docx::new())).default_size(22);
        let title = self.text(Some(TITLE_STYLE), q.title.trim(), false);
        docx = docx.add_paragraph(title);

        // The intro: template text up to its first heading stands above the header table.
        let text = template_text(q, variant);
        let intro = text
            .iter()
            .position(|t| matches!(t, Text::Heading(_)))
            .unwrap_or(text.len());
        for t in &text[..intro] {
            if let Text::Body(s) = t {
                let p = self.text(None, s, false);
                docx = docx.add_paragraph(p);
            }
        }

        let fields: Vec<&Field> = q.fields_of(variant).collect();
        if !fields.is_empty() {
            let mut rows = Vec::new();
            for f in fields {
                let label = self.text(None, &f.label, true);
                let control = self.control(f.tag(), &f.alias, f.placeholder.as_deref());
                rows.push(TableRow::new(vec![
                    TableCell::new()
                        .width(COLUMNS[0], WidthType::Dxa)
                        .add_paragraph(label),
                    TableCell::new()
                        .width(COLUMNS[1], WidthType::Dxa)
                        .add_structured_data_tag(control),
                ]));
            }
            let table = Table::new(rows)
                .set_grid(COLUMNS.to_vec())
                .width(COLUMNS.iter().sum(), WidthType::Dxa);
            let gap = self.paragraph();
            docx = docx.add_table(table).add_paragraph(gap);
        }

        // The rest of the template text: its first heading heads the document's questions
        // (Heading 1), later ones and the focus areas stand under it (Heading 2), as in the
        // city's form. Without such a heading the focus areas are Heading 1.
        let mut level = 0;
        for t in &text[intro..] {
            let p = match t {
                Text::Heading(s) => {
                    let p = self.text(Some(HEADING_STYLES[level]), s, false);
                    level = 1;
                    p
                }
                Text::Body(s) => self.text(None, s, false),
            };
            docx = docx.add_paragraph(p);
        }
        let area_style = HEADING_STYLES[level];

        let questions: Vec<&Question> = q.questions_of(variant).collect();
        for number in areas_used(q, &questions) {
            let heading = match q.area(number) {
                Some(a) => format!("{number}. {}", a.title.trim()),
                None => format!("{number}."),
            };
            let p = self.text(Some(area_style), &heading, false).keep_next(true);
            docx = docx.add_paragraph(p);
            for question in questions.iter().filter(|x| x.area == Some(number)) {
                let p = self.text(None, question.text.trim(), true).keep_next(true);
                let c = self.control(question.tag(), &question.alias, None);
                docx = docx.add_paragraph(p).add_structured_data_tag(c);
            }
        }
        // Questions without a focus area come last, each under its own heading: its text.
        for question in questions.iter().filter(|x| x.area.is_none()) {
            let p = self
                .text(Some(area_style), question.text.trim(), false)
                .keep_next(true);
            let c = self.control(question.tag(), &question.alias, None);
            docx = docx.add_paragraph(p).add_structured_data_tag(c);
        }
        docx
    }
}

/// The focus areas the questions use, in the questionnaire's order of areas (an area it does
/// not list comes after, by number).
fn areas_used(q: &Questionnaire, questions: &[&Question]) -> Vec<u8> {
    let mut used: Vec<u8> = Vec::new();
    for n in questions.iter().filter_map(|x| x.area) {
        if !used.contains(&n) {
            used.push(n);
        }
    }
    let rank = |n: &u8| {
        let at = q.areas.iter().position(|a| a.number == *n);
        (at.unwrap_or(usize::MAX), *n)
    };
    used.sort_by_key(rank);
    used
}

/// The paragraph and character styles the template uses. docx-rs always writes a `Normal`
/// style itself.
fn styles(docx: Docx) -> Docx {
    docx.add_style(word_out::title_style())
        .add_style(word_out::heading_style(0))
        .add_style(word_out::heading_style(1))
        .add_style(
            Style::new(PLACEHOLDER_STYLE, StyleType::Character)
                .name("Placeholder Text")
                .ui_priority(99)
                .semi_hidden()
                .color("808080"),
        )
}

/// A field's own placeholder gets its own glossary entry, named as Word names one (32
/// upper-case hex digits), here drawn from the tag and text so that it stays the same.
fn doc_part_name(tag: &str, text: &str) -> String {
    hex(&Sha256::digest(format!("blankett placeholder\n{tag}\n{text}"))[..16])
}

/// Upper-case hexadecimal, as Word writes ids.
fn hex(bytes: &[u8]) -> String {
    crate::hash::hex(bytes).to_uppercase()
}

/// The `w:guid` of a glossary entry, drawn from its name.
fn doc_part_guid(name: &str) -> String {
    let h = hex(&Sha256::digest(format!("blankett docPart\n{name}"))[..16]);
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
fn escape(s: &str) -> String {
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

/// Completes the package docx-rs wrote with what docx-rs cannot express.
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
fn finish(raw: &[u8], controls: &[Control]) -> Result<Vec<u8>, TemplateError> {
    let bad = TemplateError::Package;
    let mut parts = word_out::unpack(raw).map_err(bad)?;

    // docx-rs opens every `w:pPr`, `w:sdtPr` and style with an empty `<w:rPr />`, ahead of
    // the elements the schema puts first (`w:pStyle`, `w:alias`); empty, it says nothing.
    word_out::drop_empty_rpr(&mut parts, "word/styles.xml").map_err(bad)?;
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
        out.push_str(&format!(
            r#"<w:tag w:val="{}"/><w:id w:val="{}"/><w:lock w:val="sdtLocked"/><w:placeholder><w:docPart w:val="{}"/></w:placeholder><w:showingPlcHdr/>"#,
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

fn insert_before_last(xml: &str, close: &str, insert: &str) -> Option<String> {
    let at = xml.rfind(close)?;
    Some(format!("{}{insert}{}", &xml[..at], &xml[at..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_text_splits_headings_from_body_and_skips_the_title() {
        let q = Questionnaire::builtin();
        let t = template_text(&q, "stadsdelsnamnd");
        assert_eq!(t.len(), 4);
        assert!(matches!(t[0], Text::Body(s) if s.starts_with("För att nå resultat")));
        assert_eq!(
            t[1],
            Text::Heading(
                "Uppföljning av direktiv och aktiviteter med näringslivskoppling i budget 2022"
            )
        );
        assert_eq!(t[2], Text::Heading("Beskrivning (mål och syfte)"));
        assert!(matches!(t[3], Text::Body(s) if s.starts_with("Detta underlag")));
    }

    #[test]
    fn control_properties_follow_each_title_in_order() {
        let xml = r#"<w:sdt><w:sdtPr><w:rPr /><w:alias w:val="A &amp; B" /></w:sdtPr></w:sdt><w:sdt><w:sdtPr><w:rPr /><w:alias w:val="A &amp; B" /></w:sdtPr></w:sdt>"#;
        let c = |tag: &str| Control {
            tag: tag.into(),
            alias: "A & B".into(),
            doc_part: "P".into(),
            placeholder: "x".into(),
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
    }

    #[test]
    fn doc_part_names_are_stable_and_look_like_words() {
        let a = doc_part_name("namnd", "Stadsdelsnämnderna");
        assert_eq!(a, doc_part_name("namnd", "Stadsdelsnämnderna"));
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase())
        );
        assert_ne!(a, doc_part_name("namnd", "Nämnderna"));
        assert_eq!(doc_part_guid(&a).len(), 38);
    }
}
