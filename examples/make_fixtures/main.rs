//! Writes the test fixtures and the bundled example forms from their sources.
//!
//! ```sh
//! cargo run --example make_fixtures
//! ```
//!
//! - `fixtures/src/<name>/` holds hand-written, Word-like OOXML (see `fixtures/README.md`);
//!   it is packaged the way Word 2016 packages a document into `fixtures/<name>.docx`.
//! - The clean fixtures are written with `docx-rs` (`fixtures/clean-*.docx`).
//! - The district committees' form, filled in as `../shared/seed/` shows, is written to
//!   `examples/forms/` in two shapes: tagged (as `blankett template` makes it) and as the
//!   city's own template has it (titles only).
//!
//! Output is deterministic: fixed zip timestamps, fixed document properties.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

type Parts = BTreeMap<String, Vec<u8>>;

const W_NS: &str = r#"xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:w10="urn:schemas-microsoft-com:office:word" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" mc:Ignorable="w14 w15 wp14""#;

const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const REL_T: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
const REL_S: &str = "http://purl.oclc.org/ooxml/officeDocument/relationships/";
const CT_MAIN: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("corpus") {
        return corpus(&args[1..]);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut written = 0;
    let src = root.join("fixtures/src");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&src)
        .expect("fixtures/src")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = package_from_dir(&dir);
        let ext = if dir.join("vbaProject.bin").exists() {
            "docm"
        } else {
            "docx"
        };
        write(&root.join("fixtures").join(format!("{name}.{ext}")), &bytes);
        written += 1;
    }
    for (name, bytes) in clean_fixtures() {
        write(&root.join("fixtures").join(name), &bytes);
        written += 1;
    }
    fs::create_dir_all(root.join("fixtures/forms")).unwrap();
    for (name, bytes) in seed::shapes() {
        write(&root.join("fixtures/forms").join(name), &bytes);
        written += 1;
    }
    fs::create_dir_all(root.join("examples/forms")).unwrap();
    for (name, bytes) in seed::forms() {
        write(&root.join("examples/forms").join(name), &bytes);
        written += 1;
    }
    eprintln!("wrote {written} files");
}

/// `corpus DIR [N]`: a benchmark corpus of N district forms with varied answers (default 1000)
/// in `DIR/forms/`, and in `DIR/large/` large forms whose answers have 50 long paragraphs each
/// (a main part of about 1.2 MB), and 4 and 16 times that.
fn corpus(args: &[String]) {
    let usage = "usage: make_fixtures corpus DIR [N] [--large M]";
    let dir = PathBuf::from(args.first().expect(usage));
    let n: usize = args.get(1).map_or(1000, |a| a.parse().expect(usage));
    let forms = dir.join("forms");
    fs::create_dir_all(&forms).unwrap();
    for i in 0..n {
        let (name, bytes) = seed::varied(i, None);
        fs::write(forms.join(name), bytes).unwrap();
    }
    let large = dir.join("large");
    fs::create_dir_all(&large).unwrap();
    for scale in [1, 4, 16] {
        let (_, bytes) = seed::varied(scale, Some(50 * scale));
        fs::write(large.join(format!("large-{scale:02}x.docx")), bytes).unwrap();
    }
    eprintln!(
        "wrote {n} forms to {} and large forms (1x, 4x, 16x) to {}",
        forms.display(),
        large.display()
    );
}

fn write(path: &Path, bytes: &[u8]) {
    fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    eprintln!("  {}", path.display());
}

/// What a hand-written fixture holds besides its body.
#[derive(Default)]
pub struct Extra {
    pub headers: Vec<String>,
    pub footers: Vec<String>,
    pub footnotes: Option<String>,
    pub endnotes: Option<String>,
    pub comments: Option<String>,
    /// (docPart name, placeholder text)
    pub placeholders: Vec<(String, String)>,
    /// (store item id, item XML)
    pub custom_xml: Vec<(String, String)>,
    /// (id, relationship type suffix, target, external)
    pub relationships: Vec<(String, String, String, bool)>,
    pub application: Option<(String, String)>,
    pub strict: bool,
    /// A macro-enabled document (`.docm`): its content type and a `vbaProject.bin`.
    pub macros: Option<Vec<u8>>,
    /// When the document says it was last saved (default 2022-04-20T14:12:00Z).
    pub modified: Option<String>,
    /// Styles of the form's own (`w:style` elements), added after Word's built-in ones.
    pub styles: Option<String>,
}

fn read_opt(dir: &Path, name: &str) -> Option<String> {
    fs::read_to_string(dir.join(name)).ok()
}

/// Packages `fixtures/src/<name>/`: `body.xml` (or a whole `document.xml`) and the optional
/// `header*.xml`, `footer*.xml`, `footnotes.xml`, `endnotes.xml`, `comments.xml`, `styles.xml`
/// (inner content; the styles are added to Word's built-in ones), `placeholders.tsv` (docPart
/// name, text), `customXml*.xml` + `.id`, `rels.tsv`, `application.txt` and a `strict` marker.
fn package_from_dir(dir: &Path) -> Vec<u8> {
    let document = match read_opt(dir, "document.xml") {
        Some(d) => d,
        None => document(&read_opt(dir, "body.xml").expect("body.xml or document.xml")),
    };
    let mut extra = Extra::default();
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for n in &names {
        if n.starts_with("header") && n.ends_with(".xml") {
            extra.headers.push(read_opt(dir, n).unwrap());
        } else if n.starts_with("footer") && n.ends_with(".xml") {
            extra.footers.push(read_opt(dir, n).unwrap());
        } else if n.starts_with("customXml") && n.ends_with(".xml") {
            let id = read_opt(dir, &n.replace(".xml", ".id")).expect("customXml id");
            extra
                .custom_xml
                .push((id.trim().to_owned(), read_opt(dir, n).unwrap()));
        }
    }
    extra.footnotes = read_opt(dir, "footnotes.xml");
    extra.styles = read_opt(dir, "styles.xml");
    extra.endnotes = read_opt(dir, "endnotes.xml");
    extra.comments = read_opt(dir, "comments.xml");
    if let Some(p) = read_opt(dir, "placeholders.tsv") {
        for line in p.lines().filter(|l| !l.trim().is_empty()) {
            let (name, text) = line.split_once('\t').expect("name<TAB>text");
            extra.placeholders.push((name.into(), text.into()));
        }
    }
    if let Some(r) = read_opt(dir, "rels.tsv") {
        for line in r.lines().filter(|l| !l.trim().is_empty()) {
            let cells: Vec<&str> = line.split('\t').collect();
            extra.relationships.push((
                cells[0].into(),
                cells[1].into(),
                cells[2].into(),
                cells.get(3) == Some(&"External"),
            ));
        }
    }
    if let Some(a) = read_opt(dir, "application.txt") {
        let (app, version) = a.trim().split_once('|').expect("Application|AppVersion");
        extra.application = Some((app.into(), version.into()));
    }
    extra.strict = dir.join("strict").exists();
    extra.macros = fs::read(dir.join("vbaProject.bin")).ok();
    word_package(&document, &extra)
}

/// Wraps body content in Word 2016's root element.
pub fn document(body: &str) -> String {
    format!("{DECL}\n<w:document {W_NS}><w:body>{body}</w:body></w:document>")
}

/// A package laid out the way Word 2016 writes one.
pub fn word_package(document: &str, extra: &Extra) -> Vec<u8> {
    let rel = if extra.strict { REL_S } else { REL_T };
    let mut layout = Layout::new(main_type(extra));
    layout.add_headers_and_footers(extra);
    layout.add_notes(extra);
    layout.add_comments(extra);
    layout.add_glossary(extra);
    layout.add_custom_xml(extra, rel);
    layout.add_macros(extra);
    layout.doc_rels.extend(extra.relationships.iter().cloned());
    layout.finish(document, extra, rel)
}

/// The main part's content type: a macro-enabled document has its own.
fn main_type(extra: &Extra) -> &'static str {
    if extra.macros.is_some() {
        "application/vnd.ms-word.document.macroEnabled.main+xml"
    } else {
        CT_MAIN
    }
}

/// A package being laid out: its parts, their content types (in the order Word lists them)
/// and the main part's relationships, numbered as they are added.
struct Layout {
    parts: Parts,
    overrides: Vec<(String, &'static str)>,
    doc_rels: Vec<(String, String, String, bool)>,
    /// The number of the main part's next `rId`.
    next: usize,
}

impl Layout {
    /// The parts every package has: the main part, styles, settings and document properties.
    fn new(main_type: &'static str) -> Self {
        let overrides = vec![
            ("/word/document.xml".into(), main_type),
            (
                "/word/styles.xml".into(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
            ),
            (
                "/word/settings.xml".into(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
            ),
            (
                "/docProps/core.xml".into(),
                "application/vnd.openxmlformats-package.core-properties+xml",
            ),
            (
                "/docProps/app.xml".into(),
                "application/vnd.openxmlformats-officedocument.extended-properties+xml",
            ),
        ];
        let doc_rels = vec![
            ("rId1".into(), "styles".into(), "styles.xml".into(), false),
            (
                "rId2".into(),
                "settings".into(),
                "settings.xml".into(),
                false,
            ),
        ];
        Layout {
            parts: Parts::new(),
            overrides,
            doc_rels,
            next: 3,
        }
    }

    /// Adds a part (named without its leading `/`) with its content type.
    fn add_typed(&mut self, name: String, bytes: Vec<u8>, content_type: &'static str) {
        self.overrides.push((format!("/{name}"), content_type));
        self.parts.insert(name, bytes);
    }

    /// Adds a relationship from the main part, with the next `rId`.
    fn relate(&mut self, kind: &str, target: String) {
        self.doc_rels
            .push((format!("rId{}", self.next), kind.to_owned(), target, false));
        self.next += 1;
    }

    fn add_headers_and_footers(&mut self, extra: &Extra) {
        for (i, h) in extra.headers.iter().enumerate() {
            let name = format!("header{}.xml", i + 1);
            self.add_typed(
                format!("word/{name}"),
                wrap("hdr", h).into_bytes(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
            );
            self.relate("header", name);
        }
        for (i, f) in extra.footers.iter().enumerate() {
            let name = format!("footer{}.xml", i + 1);
            self.add_typed(
                format!("word/{name}"),
                wrap("ftr", f).into_bytes(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
            );
            self.relate("footer", name);
        }
    }

    /// Footnotes and endnotes, each after the two separators Word writes first.
    fn add_notes(&mut self, extra: &Extra) {
        for (kind, root, content) in [
            ("footnotes", "footnotes", &extra.footnotes),
            ("endnotes", "endnotes", &extra.endnotes),
        ] {
            if let Some(c) = content {
                let el = &root[..root.len() - 1];
                let separators = format!(
                    r#"<w:{el} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{el}><w:{el} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{el}>"#
                );
                self.add_typed(
                    format!("word/{kind}.xml"),
                    wrap(root, &format!("{separators}{c}")).into_bytes(),
                    if kind == "footnotes" {
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
                    } else {
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"
                    },
                );
                self.relate(kind, format!("{kind}.xml"));
            }
        }
    }

    fn add_comments(&mut self, extra: &Extra) {
        if let Some(c) = &extra.comments {
            self.add_typed(
                "word/comments.xml".into(),
                wrap("comments", c).into_bytes(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
            );
            self.relate("comments", "comments.xml".into());
        }
    }

    /// The glossary document that holds the placeholders' text.
    fn add_glossary(&mut self, extra: &Extra) {
        if !extra.placeholders.is_empty() {
            self.add_typed(
                "word/glossary/document.xml".into(),
                glossary(&extra.placeholders).into_bytes(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml",
            );
            self.relate("glossaryDocument", "glossary/document.xml".into());
        }
    }

    /// Custom XML items, each with its properties part (the store item id) and their
    /// relationship.
    fn add_custom_xml(&mut self, extra: &Extra, rel: &str) {
        for (i, (id, xml)) in extra.custom_xml.iter().enumerate() {
            let n = i + 1;
            self.parts
                .insert(format!("customXml/item{n}.xml"), xml.clone().into_bytes());
            self.parts.insert(
                format!("customXml/_rels/item{n}.xml.rels"),
                rels_xml(
                    &[(
                        "rId1".into(),
                        "customXmlProps".into(),
                        format!("itemProps{n}.xml"),
                        false,
                    )],
                    rel,
                )
                .into_bytes(),
            );
            self.add_typed(
                format!("customXml/itemProps{n}.xml"),
                format!(r#"{DECL}<ds:datastoreItem ds:itemID="{id}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs/></ds:datastoreItem>"#).into_bytes(),
                "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
            );
            self.relate("customXml", format!("../customXml/item{n}.xml"));
        }
    }

    /// A macro-enabled document's `vbaProject.bin`, under the `rId` Word gives it.
    fn add_macros(&mut self, extra: &Extra) {
        if let Some(vba) = &extra.macros {
            self.add_typed(
                "word/vbaProject.bin".into(),
                vba.clone(),
                "application/vnd.ms-office.vbaProject",
            );
            self.doc_rels.push((
                "rId90".into(),
                "vbaProject".into(),
                "vbaProject.bin".into(),
                false,
            ));
        }
    }

    /// Adds the main part, its relationships, the parts every package has and the content
    /// types, and zips the package.
    fn finish(mut self, document: &str, extra: &Extra, rel: &str) -> Vec<u8> {
        let parts = &mut self.parts;
        parts.insert("word/document.xml".into(), document.as_bytes().to_vec());
        parts.insert(
            "word/_rels/document.xml.rels".into(),
            rels_xml(&self.doc_rels, rel).into_bytes(),
        );
        let styles = match &extra.styles {
            Some(own) => STYLES.replace("</w:styles>", &format!("{}</w:styles>", own.trim())),
            None => STYLES.to_owned(),
        };
        parts.insert("word/styles.xml".into(), styles.into_bytes());
        parts.insert("word/settings.xml".into(), settings().into_bytes());
        parts.insert("_rels/.rels".into(), package_rels(rel).into_bytes());
        parts.insert(
            "docProps/app.xml".into(),
            app_properties(extra).into_bytes(),
        );
        parts.insert(
            "docProps/core.xml".into(),
            core_properties(extra).into_bytes(),
        );
        parts.insert(
            "[Content_Types].xml".into(),
            content_types(&self.overrides).into_bytes(),
        );
        zip_parts(parts)
    }
}

/// The package's relationships: the main part and the document properties.
fn package_rels(rel: &str) -> String {
    format!(
        r#"{DECL}
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="{rel}officeDocument" Target="word/document.xml"/></Relationships>"#
    )
}

/// `docProps/app.xml`: the application that saved the document (Word 2016 unless said).
fn app_properties(extra: &Extra) -> String {
    let (app, version) = extra
        .application
        .clone()
        .unwrap_or(("Microsoft Office Word".into(), "16.0000".into()));
    format!(
        r#"{DECL}
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Template>Normal.dotm</Template><TotalTime>12</TotalTime><Pages>1</Pages><Application>{app}</Application><DocSecurity>0</DocSecurity><Company>Stockholms stad</Company><AppVersion>{version}</AppVersion></Properties>"#
    )
}

/// `docProps/core.xml`: fixed properties, and when the document was last saved.
fn core_properties(extra: &Extra) -> String {
    let modified = extra.modified.as_deref().unwrap_or("2022-04-20T14:12:00Z");
    format!(
        r#"{DECL}
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Uppföljningsrapport näringsliv</dc:title><dc:creator>Stadsledningskontoret</dc:creator><cp:lastModifiedBy>Stadsledningskontoret</cp:lastModifiedBy><cp:revision>3</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2022-03-01T08:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified></cp:coreProperties>"#
    )
}

/// `[Content_Types].xml`: the defaults for `.rels` and `.xml`, then one override a part.
fn content_types(overrides: &[(String, &str)]) -> String {
    let mut ct = format!(
        r#"{DECL}
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#
    );
    for (part, t) in overrides {
        ct.push_str(&format!(
            r#"<Override PartName="{part}" ContentType="{t}"/>"#
        ));
    }
    ct.push_str("</Types>");
    ct
}

fn wrap(root: &str, inner: &str) -> String {
    if inner.trim_start().starts_with("<?xml") {
        return inner.to_owned();
    }
    format!("{DECL}\n<w:{root} {W_NS}>{inner}</w:{root}>")
}

fn rels_xml(rels: &[(String, String, String, bool)], base: &str) -> String {
    let mut s = format!(
        r#"{DECL}
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
    );
    for (id, kind, target, external) in rels {
        let mode = if *external {
            r#" TargetMode="External""#
        } else {
            ""
        };
        let target = target.replace('&', "&amp;");
        s.push_str(&format!(
            r#"<Relationship Id="{id}" Type="{base}{kind}" Target="{target}"{mode}/>"#
        ));
    }
    s.push_str("</Relationships>");
    s
}

fn glossary(placeholders: &[(String, String)]) -> String {
    let mut s = format!("{DECL}\n<w:glossaryDocument {W_NS}><w:docParts>");
    for (name, text) in placeholders {
        s.push_str(&format!(
            r#"<w:docPart><w:docPartPr><w:name w:val="{name}"/><w:category><w:name w:val="Allmänt"/><w:gallery w:val="placeholder"/></w:category><w:types><w:type w:val="bbPlcHdr"/></w:types><w:behaviors><w:behavior w:val="content"/></w:behaviors><w:guid w:val="{{7C2A1E54-{:04X}-4F61-9A3E-5B0D7F2C9E11}}"/></w:docPartPr><w:docPartBody><w:p w:rsidR="00B41F7A" w:rsidRDefault="00C02D55"><w:r w:rsidRPr="00D3A44B"><w:rPr><w:rStyle w:val="Platshllartext"/></w:rPr><w:t>{}</w:t></w:r></w:p></w:docPartBody></w:docPart>"#,
            name.len(),
            escape(text)
        ));
    }
    s.push_str("</w:docParts></w:glossaryDocument>");
    s
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn settings() -> String {
    format!(
        r#"{DECL}
<w:settings {W_NS}><w:zoom w:percent="100"/><w:proofState w:spelling="clean" w:grammar="clean"/><w:defaultTabStop w:val="1304"/><w:hyphenationZone w:val="425"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:rsids><w:rsidRoot w:val="00B41F7A"/><w:rsid w:val="00B41F7A"/><w:rsid w:val="00C02D55"/><w:rsid w:val="00D3A44B"/><w:rsid w:val="00E71C09"/></w:rsids><w:themeFontLang w:val="sv-SE"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>"#
    )
}

/// Styles as Swedish Word writes them: localized style ids (`Rubrik1`) with the built-in
/// English names (`heading 1`).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:eastAsiaTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi" w:cstheme="minorBidi"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="sv-SE" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Rubrik1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:link w:val="Rubrik1Char"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="0"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:asciiTheme="majorHAnsi" w:hAnsiTheme="majorHAnsi"/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Rubrik2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="40" w:after="0"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:sz w:val="26"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Rubrik3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Rubrik"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/><w:rPr><w:sz w:val="56"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Liststycke"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="34"/><w:qFormat/><w:pPr><w:ind w:left="720"/><w:contextualSpacing/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Punktlista"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:contextualSpacing/></w:pPr></w:style><w:style w:type="character" w:default="1" w:styleId="Standardstycketeckensnitt"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style><w:style w:type="character" w:styleId="Platshllartext"><w:name w:val="Placeholder Text"/><w:basedOn w:val="Standardstycketeckensnitt"/><w:uiPriority w:val="99"/><w:semiHidden/><w:rPr><w:color w:val="808080"/></w:rPr></w:style><w:style w:type="character" w:styleId="Hyperlnk"><w:name w:val="Hyperlink"/><w:basedOn w:val="Standardstycketeckensnitt"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr><w:color w:val="0563C1" w:themeColor="hyperlink"/><w:u w:val="single"/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="Normaltabell"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="Tabellrutnt"><w:name w:val="Table Grid"/><w:basedOn w:val="Normaltabell"/><w:uiPriority w:val="39"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style></w:styles>"#;

/// Zips parts with fixed timestamps, `[Content_Types].xml` first as Word writes it.
pub fn zip_parts(parts: &Parts) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::from_date_and_time(2022, 4, 20, 14, 12, 0).unwrap());
        let mut names: Vec<&String> = parts.keys().collect();
        names.sort_by_key(|n| {
            (
                n.as_str() != "[Content_Types].xml",
                n.as_str() != "_rels/.rels",
                *n,
            )
        });
        for name in names {
            zip.start_file(name.as_str(), opts).unwrap();
            zip.write_all(&parts[name]).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

/// The clean fixtures: documents written with `docx-rs`, the way a generator writes them.
fn clean_fixtures() -> Vec<(String, Vec<u8>)> {
    use docx_rs::{
        AlignmentType, Docx, Paragraph, Run, StructuredDataTag, Table, TableCell, TableRow,
    };
    let mut out = Vec::new();

    let doc = Docx::new()
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text("Uppföljningsrapport näringsliv").bold())
                .align(AlignmentType::Center),
        )
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Nämnd")))
        .add_structured_data_tag(
            StructuredDataTag::new()
                .alias("Nämnd")
                .add_run(Run::new().add_text("Kungsholmens stadsdelsnämnd")),
        )
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(
            "Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens geografiska område.",
        )))
        .add_structured_data_tag(
            StructuredDataTag::new()
                .alias("Samverkan lokalt näringsliv")
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(
                    "Företagarfrukostar hålls varje kvartal tillsammans med Stockholm Business Region AB.",
                )))
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(
                    "Förvaltningen deltar i två platssamverkan.",
                ))),
        )
        .add_table(Table::new(vec![
            TableRow::new(vec![
                TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text("Telefon"))),
                TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text("08-508 080 00"))),
            ]),
            TableRow::new(vec![
                TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text("E-post"))),
                TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text("kungsholmen@stockholm.se"))),
            ]),
        ]));
    let mut buf = Cursor::new(Vec::new());
    doc.build().pack(&mut buf).unwrap();
    out.push(("clean-docx-rs.docx".into(), buf.into_inner()));
    out
}

mod seed;
