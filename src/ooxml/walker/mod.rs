//! The story walker: one streaming pass over a story part (`document.xml`, a header, a footer,
//! the footnotes, the comments) that finds every content control and legacy form field and
//! reports text and structure to the sinks (see [`sinks`](super::sinks)).
//!
//! It walks shapes like this one, where controls nest at every level (ECMA-376 Part 1
//! §17.5.2: block, run, row and cell level):
//!
//! ```xml
//! <w:body>
//!   <w:p><w:r><w:t>Nämnd</w:t></w:r></w:p>                       flow paragraph
//!   <w:sdt>                                                       block-level control
//!     <w:sdtPr><w:alias w:val="Nämnd"/><w:tag w:val="namnd"/><w:showingPlcHdr/></w:sdtPr>
//!     <w:sdtContent>
//!       <w:p>
//!         <w:r><w:t>Öster</w:t></w:r><w:proofErr/><w:r><w:t>malm</w:t></w:r>
//!         <w:sdt>…</w:sdt>                                        nested inline control
//!         <w:del><w:r><w:delText>gammalt</w:delText></w:r></w:del>  dropped (tracked deletion)
//!       </w:p>
//!     </w:sdtContent>
//!   </w:sdt>
//!   <w:tbl><w:tr><w:sdt>…<w:sdtContent><w:tc>…</w:tc></w:sdtContent></w:sdt></w:tr></w:tbl>
//! </w:body>                                                       ^ cell-level control
//! ```
//!
//! Every element opens a [`Frame`] saying what its end tag must undo and where its children
//! stand (a [`Scope`]): how they are read (as the story, or as the properties of a paragraph, a
//! row, a control, a field), the innermost container (for the level of a control starting
//! there), and whether inside a table or a text box. Subtrees that never hold visible text
//! (`w:rPr`, `w:del`, `mc:Fallback` once a `mc:Choice` was read …) are skipped by counting
//! depth, without frames.
//!
//! This module owns the event loop and the frames: which element starts what. The rest is in
//! its submodules: [`structure`] (paragraphs, tables, rows, cells, paragraph properties),
//! [`lifecycle`] (a control from its `w:sdt` to its end), [`fields`] (complex fields and
//! legacy form fields), [`changes`] (tracked changes), [`notes`] (notes and comments),
//! [`routing`] (which sinks get what is read) and [`budget`] (what a form may still hold).

mod budget;
mod changes;
mod fields;
mod lifecycle;
mod notes;
mod routing;
mod structure;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Comment, Control, FlowItem, NoteKind, Story, Warning};
use crate::ooxml::glossary::{Glossary, resolve_ref};
use crate::ooxml::sinks::{FlowBuilder, NoteText};
use crate::ooxml::styles::Styles;
use crate::warning_code::WarningCode;
use crate::xml::{self, Namespaces, Ns};

pub(crate) use budget::Budget;
use fields::{Fields, FldCharType};
use lifecycle::PendingSdt;
use routing::Sinks;
use structure::ParaProps;

/// What the walker needs from the rest of the package.
pub(crate) struct Context<'a> {
    pub styles: &'a Styles,
    pub glossary: &'a Glossary,
    /// Footnote and endnote texts by kind and id, read before the body.
    pub notes: &'a HashMap<(NoteKind, String), NoteText>,
    /// This part's relationships: id → target (for `w:hyperlink/@r:id`).
    pub links: &'a HashMap<String, String>,
    pub max_depth: usize,
    /// What the form may still hold, shared by all its parts.
    pub budget: &'a Budget,
}

/// What one story part holds. Control indices are local to the part.
#[derive(Default)]
pub(crate) struct PartResult {
    pub controls: Vec<Control>,
    pub flow: Vec<FlowItem>,
    /// Notes read from a footnotes or endnotes part.
    pub notes: Vec<(NoteKind, String, NoteText)>,
    /// Comments read from a comments part.
    pub comments: Vec<Comment>,
    /// Comment anchors met in this part: comment id → innermost control.
    pub anchors: Vec<(String, Option<usize>)>,
    pub warnings: Vec<Warning>,
    pub tracked_changes: bool,
}

/// An open element: what its end tag must undo, and where its children stand.
#[derive(Debug)]
struct Frame {
    kind: Kind,
    scope: Scope,
}

/// What an open element's end tag must undo.
#[derive(Debug)]
enum Kind {
    Other,
    P,
    Text,
    Instr,
    Tbl,
    Tr,
    Tc,
    Sdt,
    Hyperlink,
    FldChar(FldCharType),
    FldSimple {
        link: bool,
    },
    AltContent,
    Note(NoteKind, String),
    /// Boxed: a comment is large and rare, and every frame would be as large as it.
    Comment(Box<Comment>),
}

/// Where an open element's children stand: the element around it gives it, the few elements
/// that change it say how. The innermost frame's scope is where the walker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scope {
    reading: Reading,
    /// The innermost container, for the level of a control that starts here.
    container: Container,
    in_table: bool,
    in_text_box: bool,
}

impl Scope {
    /// The children of a part's root element.
    const PART: Scope = Scope {
        reading: Reading::Story,
        container: Container::Blocks,
        in_table: false,
        in_text_box: false,
    };

    /// Children read as `reading`.
    #[inline]
    fn read_as(self, reading: Reading) -> Scope {
        Scope { reading, ..self }
    }

    /// Children inside `container`.
    #[inline]
    fn inside(self, container: Container) -> Scope {
        Scope { container, ..self }
    }
}

/// How an element's children are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// As the story: paragraphs, runs, tables, controls, fields.
    Story,
    /// As a control's properties (`w:sdtPr`).
    ControlProps,
    /// As a legacy form field's data (`w:fldChar/w:ffData`).
    FieldData,
    /// As a paragraph's properties (`w:pPr`).
    ParagraphProps,
    /// As the paragraph mark's run properties (`w:pPr/w:rPr`).
    MarkProps,
    /// As a row's properties (`w:trPr`).
    RowProps,
}

/// Structural context, for the level of a control that starts here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Blocks,
    Paragraph,
    Table,
    Row,
}

struct Walker<'c> {
    ctx: &'c Context<'c>,
    names: Namespaces,
    part: String,
    story: Story,
    out: PartResult,
    frames: Vec<Frame>,
    /// Depth inside a skipped subtree (0 when not skipping).
    skip: usize,
    /// For each open `mc:AlternateContent`: whether a branch of it was read.
    alt_taken: Vec<bool>,
    /// The properties of each open paragraph (see [`structure`]).
    paras: Vec<ParaProps>,
    /// For each open row: whether it is a tracked deletion.
    rows_deleted: Vec<bool>,
    /// The ids of the open ranges of control markup removed by tracked changes (see
    /// [`changes`]).
    removed_markup: Vec<String>,
    /// The open `w:sdt`s, innermost last (see [`lifecycle`]).
    sdts: Vec<PendingSdt>,
    fields: Fields,
    sinks: Sinks,
    /// Comments already anchored: the first anchor counts.
    anchored: HashSet<String>,
    warned_entity: bool,
    /// Set when text went over the budget; the read loop stops there.
    refused: Option<ErrorKind>,
}

/// Walks one story part.
pub(crate) fn walk(ctx: &Context<'_>, part: &str, story: Story, xml: &[u8]) -> Result<PartResult> {
    let text = xml::utf8_view(xml);
    let mut r = xml::fast_reader(&text);
    let mut w = Walker::new(ctx, part, story);
    w.read(&mut r)?;
    if !w.frames.is_empty() {
        return Err(Error::new(ErrorKind::MalformedXml {
            detail: "unexpected end of the part inside an open element".into(),
        })
        .at(r.buffer_position()));
    }
    ctx.budget.take_controls(w.out.controls.len())?;
    Ok(w.finish())
}

impl<'c> Walker<'c> {
    fn new(ctx: &'c Context<'c>, part: &str, story: Story) -> Self {
        let flow = matches!(story, Story::Body | Story::Header | Story::Footer)
            .then(|| FlowBuilder::new(part, story));
        Walker {
            ctx,
            names: Namespaces::default(),
            part: part.to_owned(),
            story,
            out: PartResult::default(),
            frames: Vec::with_capacity(64),
            skip: 0,
            alt_taken: Vec::new(),
            paras: Vec::new(),
            rows_deleted: Vec::new(),
            removed_markup: Vec::new(),
            sdts: Vec::new(),
            fields: Fields::default(),
            sinks: Sinks::new(flow),
            anchored: HashSet::new(),
            warned_entity: false,
            refused: None,
        }
    }
}

impl Walker<'_> {
    /// The event loop: every event of the part, until its end.
    fn read(&mut self, r: &mut quick_xml::Reader<&[u8]>) -> Result<()> {
        let budget = self.ctx.budget;
        let controls_left = budget.controls_left();
        loop {
            let ev = r.read_event().map_err(|e| xml::malformed_at(r, e))?;
            if matches!(ev, Event::Start(_) | Event::Empty(_)) {
                budget
                    .element()
                    .map_err(|k| Error::new(k).at(r.buffer_position()))?;
            }
            // Controls open on a start tag and on the end of an empty one.
            if self.out.controls.len() > controls_left {
                budget
                    .take_controls(self.out.controls.len())
                    .map_err(|k| Error::new(k).at(r.buffer_position()))?;
            }
            match ev {
                // Inside a skipped subtree only the depth is counted: its namespace declarations
                // scope nothing outside it. The skipped element itself was pushed and is popped.
                Event::Start(_) if self.skip > 0 => self.skip += 1,
                Event::Empty(_) if self.skip > 0 => {}
                Event::End(_) if self.skip > 1 => self.skip -= 1,
                Event::Start(ref e) => {
                    let ns = self.names.push(e);
                    self.start(e, ns, false, r.buffer_position())?;
                }
                Event::Empty(ref e) => {
                    let ns = self.names.push(e);
                    self.start(e, ns, true, r.buffer_position())?;
                    self.names.pop();
                }
                Event::End(_) => {
                    self.end();
                    self.names.pop();
                }
                Event::Text(ref t) if self.skip == 0 && self.wants_text() => {
                    let s = t.decode().map_err(|e| xml::malformed_at(r, e))?;
                    self.text(&s);
                }
                Event::CData(ref t) if self.skip == 0 && self.wants_text() => {
                    let s = t.decode().map_err(|e| xml::malformed_at(r, e))?;
                    self.text(&s);
                }
                Event::GeneralRef(ref g) if self.skip == 0 && self.wants_text() => {
                    match resolve_ref(g) {
                        Some(s) => self.text(&s),
                        None => self.undefined_entity(&String::from_utf8_lossy(g)),
                    }
                }
                Event::DocType(_) => self.out.warnings.push(Warning::new(
                    WarningCode::XmlDoctype,
                    format!(
                        "{} declares a DTD; it was ignored and no entity in it was resolved",
                        self.part
                    ),
                )),
                Event::Eof => return Ok(()),
                _ => {}
            }
            if let Some(kind) = self.refused.take() {
                return Err(Error::new(kind).at(r.buffer_position()));
            }
        }
    }

    fn finish(mut self) -> PartResult {
        self.close_fields();
        if let Some(flow) = self.sinks.flow.take() {
            self.out.flow = flow.finish();
        }
        self.out
    }

    #[inline]
    fn wants_text(&self) -> bool {
        matches!(
            self.frames.last(),
            Some(Frame {
                kind: Kind::Text | Kind::Instr,
                ..
            })
        )
    }

    /// Where the walker is: the innermost open element's scope.
    #[inline]
    fn here(&self) -> Scope {
        self.frames.last().map_or(Scope::PART, |f| f.scope)
    }

    /// Opens an element whose children stand in `scope`; an empty one closes at once.
    #[inline]
    fn push(&mut self, kind: Kind, scope: Scope, empty: bool) {
        if empty {
            self.close(kind);
        } else {
            self.frames.push(Frame { kind, scope });
        }
    }

    #[inline]
    fn skip_subtree(&mut self, empty: bool) {
        if !empty {
            self.skip = 1;
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, ns: Ns, empty: bool, position: u64) -> Result<()> {
        if self.frames.len() >= self.ctx.max_depth {
            return Err(Error::new(ErrorKind::TooDeep {
                limit: self.ctx.max_depth,
            })
            .at(position));
        }
        let local_name = e.local_name();
        let local = local_name.as_ref();
        let here = self.here();
        match here.reading {
            Reading::Story => self.start_story(ns, local, e, here, empty),
            Reading::ControlProps => self.control_property(ns, local, e, here, empty),
            Reading::FieldData => self.field_data(ns, local, e, here, empty),
            Reading::ParagraphProps => self.paragraph_property(ns, local, e, here, empty),
            Reading::MarkProps => self.mark_property(ns, local, empty),
            Reading::RowProps => self.row_property(ns, local, empty),
        }
        Ok(())
    }

    fn start_story(&mut self, ns: Ns, local: &[u8], e: &BytesStart<'_>, here: Scope, empty: bool) {
        match ns {
            Ns::W => self.start_w(local, e, here, empty),
            Ns::Mc => match local {
                b"AlternateContent" => {
                    self.alt_taken.push(false);
                    self.push(Kind::AltContent, here, empty);
                }
                // Read the first branch Word offers and nothing else: Choice and Fallback
                // hold the same content twice (ECMA-376 Part 3 §10.2).
                b"Choice" | b"Fallback" => match self.alt_taken.last_mut() {
                    Some(taken) if *taken => self.skip_subtree(empty),
                    Some(taken) => {
                        *taken = true;
                        self.push(Kind::Other, here, empty);
                    }
                    None => self.push(Kind::Other, here, empty),
                },
                _ => self.push(Kind::Other, here, empty),
            },
            Ns::Math => match local {
                b"t" => self.push(Kind::Text, here, empty),
                _ => self.push(Kind::Other, here, empty),
            },
            // Word writes a text box's content so in the DrawingML shapes of a Strict
            // document (`wp:wsp/wp:txbx/wne:txbxContent`), where no `mc:Fallback` holds it.
            Ns::Wne if local == b"txbxContent" => self.text_box_start(here, empty),
            _ => self.push(Kind::Other, here, empty),
        }
    }

    /// A WordprocessingML element of the story: what it starts.
    fn start_w(&mut self, local: &[u8], e: &BytesStart<'_>, here: Scope, empty: bool) {
        match local {
            b"p" => self.paragraph_start(here, empty),
            b"pPr" => self.push(Kind::Other, here.read_as(Reading::ParagraphProps), empty),
            b"t" => self.push(Kind::Text, here, empty),
            b"tab" | b"ptab" => self.text("\t"),
            b"br" | b"cr" => self.text("\n"),
            b"noBreakHyphen" => self.text("-"),
            b"sym" => self.symbol(e),
            b"instrText" => self.push(Kind::Instr, here, empty),
            b"del"
            | b"moveFrom"
            | b"ins"
            | b"moveTo"
            | b"customXmlDelRangeStart"
            | b"customXmlInsRangeStart"
            | b"customXmlMoveFromRangeStart"
            | b"customXmlMoveToRangeStart" => self.tracked_content(local, e, here, empty),
            b"customXmlDelRangeEnd" | b"customXmlMoveFromRangeEnd" => {
                self.removed_markup_end(e, here, empty)
            }
            b"delText" | b"delInstrText" | b"rPr" | b"sdtEndPr" | b"tblPr" | b"tblGrid"
            | b"tcPr" | b"sectPr" | b"customXmlPr" | b"smartTagPr" | b"rt" | b"rubyPr"
            | b"fldData" | b"background" | b"tblPrEx" => self.skip_subtree(empty),
            b"tbl" => self.table_start(here, empty),
            b"tr" => self.row_start(here, empty),
            b"trPr" => self.push(Kind::Other, here.read_as(Reading::RowProps), empty),
            b"tc" => self.cell_start(here, empty),
            b"txbxContent" => self.text_box_start(here, empty),
            b"sdt" => self.sdt_start(here, empty),
            b"sdtPr" => self.push(Kind::Other, here.read_as(Reading::ControlProps), empty),
            b"sdtContent" => self.sdt_content_start(here, empty),
            b"hyperlink" => self.hyperlink_start(e, here, empty),
            b"fldChar" => self.field_char_start(e, here, empty),
            b"fldSimple" => self.simple_field_start(e, here, empty),
            b"footnoteReference" => self.note_reference(NoteKind::Footnote, e, here, empty),
            b"endnoteReference" => self.note_reference(NoteKind::Endnote, e, here, empty),
            b"commentRangeStart" | b"commentReference" => self.comment_anchor(e, here, empty),
            b"footnote" if self.reads_notes() => {
                self.note_start(NoteKind::Footnote, e, here, empty)
            }
            b"endnote" if self.reads_notes() => self.note_start(NoteKind::Endnote, e, here, empty),
            b"comment" if self.story == Story::Comment => self.comment_start(e, here, empty),
            _ => self.push(Kind::Other, here, empty),
        }
    }

    fn end(&mut self) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        if let Some(frame) = self.frames.pop() {
            self.close(frame.kind);
        }
    }

    fn close(&mut self, kind: Kind) {
        match kind {
            Kind::Other | Kind::Text | Kind::Instr => {}
            Kind::P => self.paragraph_end(),
            Kind::Tbl => self.sinks.structure(|s| s.table_end()),
            Kind::Tr => self.row_end(),
            Kind::Tc => self.sinks.structure(|s| s.cell_end()),
            Kind::Sdt => self.sdt_end(),
            Kind::Hyperlink => self.sinks.content(|s| s.link_end()),
            Kind::FldChar(kind) => self.field_char(kind),
            Kind::FldSimple { link } => {
                if link {
                    self.sinks.content(|s| s.link_end());
                }
            }
            Kind::AltContent => {
                self.alt_taken.pop();
            }
            Kind::Note(kind, id) => self.note_end(kind, id),
            Kind::Comment(comment) => self.comment_end(*comment),
        }
    }

    fn undefined_entity(&mut self, name: &str) {
        if !self.warned_entity {
            self.warned_entity = true;
            self.out.warnings.push(Warning::new(
                WarningCode::XmlEntity,
                format!(
                    "{}: the undefined entity &{name}; was left out (entities are never resolved)",
                    self.part
                ),
            ));
        }
    }
}
