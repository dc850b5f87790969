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
//! Every element opens a [`Frame`] saying what its end tag must undo. Subtrees that never hold
//! visible text (`w:rPr`, `w:del`, `mc:Fallback` once a `mc:Choice` was read …) are skipped by
//! counting depth, without frames.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    Comment, Control, ControlType, FlowItem, Level, NoteKind, Origin, Status, Story, Warning,
    blocks_text,
};
use crate::ooxml::controls::{SdtProps, finish_sdt};
use crate::ooxml::fields::{FfData, Field, Phase};
use crate::ooxml::glossary::{Glossary, resolve_ref};
use crate::ooxml::sinks::{BlockBuilder, FlowBuilder, NoteText, ParaInfo, Sink};
use crate::ooxml::styles::{Styles, heading_level};
use crate::ooxml::text::symbol_char;
use crate::package::Limits;
use crate::xml::{self, Namespaces, Ns};

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

/// What one form may still hold, across all its parts: the XML elements read (every one,
/// skipped subtrees included) and the controls kept. A model entry (control, flow paragraph,
/// block, table cell) takes at least one element, so these two bound the model's memory
/// whatever the shape of the XML; without them a 1 MB form of 2,000,000 `<w:sdt/>` takes
/// gigabytes.
///
/// A third count bounds the text the controls hold: a control holds the text of everything in
/// it, so text inside controls nested 200 deep is held 200 times (a 1 MB form took 440 MB). It
/// draws on the bytes a form may inflate to (`--max-total-size`): held text grows from them.
#[derive(Debug)]
pub(crate) struct Budget {
    elements: Cell<u64>,
    controls: Cell<usize>,
    held_text: Cell<u64>,
    limits: Limits,
}

impl Budget {
    pub fn new(limits: &Limits) -> Budget {
        Budget {
            elements: Cell::new(limits.max_elements),
            controls: Cell::new(limits.max_controls),
            held_text: Cell::new(limits.max_total_bytes),
            limits: *limits,
        }
    }

    /// Takes one element, or refuses the form.
    #[inline]
    fn element(&self) -> std::result::Result<(), ErrorKind> {
        match self.elements.get() {
            0 => Err(ErrorKind::TooLarge {
                what: "XML elements",
                limit: self.limits.max_elements,
                flag: "--max-elements",
            }),
            left => {
                self.elements.set(left - 1);
                Ok(())
            }
        }
    }

    /// Takes `bytes` of text held by controls, or refuses the form.
    fn hold_text(&self, bytes: u64) -> std::result::Result<(), ErrorKind> {
        match self.held_text.get().checked_sub(bytes) {
            Some(left) => {
                self.held_text.set(left);
                Ok(())
            }
            None => Err(ErrorKind::TooLarge {
                what: "bytes of text in its controls (counted for each control holding it)",
                limit: self.limits.max_total_bytes,
                flag: "--max-total-size",
            }),
        }
    }

    /// Controls the part being read may still open.
    fn controls_left(&self) -> usize {
        self.controls.get()
    }

    /// Takes `n` controls, or refuses the form.
    fn take_controls(&self, n: usize) -> std::result::Result<(), ErrorKind> {
        match self.controls.get().checked_sub(n) {
            Some(left) => {
                self.controls.set(left);
                Ok(())
            }
            None => Err(ErrorKind::TooLarge {
                what: "content controls and form fields",
                limit: self.limits.max_controls as u64,
                flag: "--max-controls",
            }),
        }
    }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FldCharType {
    Begin,
    Separate,
    End,
    Other,
}

/// What an open element's end tag must undo.
#[derive(Debug)]
enum Frame {
    Other,
    P,
    PPr,
    PPrRPr,
    TrPr,
    Text,
    Instr,
    Tbl,
    Tr,
    Tc,
    TextBox,
    Sdt,
    SdtPr,
    SdtContent,
    Hyperlink,
    FldChar(FldCharType),
    FldSimple { link: bool },
    AltContent,
    Note(NoteKind, String),
    Comment(Comment),
}

/// Structural context, for the level of a control that starts here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Blocks,
    Paragraph,
    Table,
    Row,
}

#[derive(Debug, Default)]
struct ParaProps {
    style_id: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    outline: Option<u8>,
    mark_deleted: bool,
}

struct PendingSdt {
    props: SdtProps,
    level: Level,
    control: Option<usize>,
}

struct OpenControl {
    control: usize,
    level: Level,
    builder: BlockBuilder,
    /// Shows its placeholder (`w:showingPlcHdr`): its text is not part of any control around it.
    placeholder: bool,
    /// A group control (`w:group`): it groups (and often locks) template text and controls;
    /// the flow sees through it.
    group: bool,
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
    containers: Vec<Container>,
    paras: Vec<ParaProps>,
    sdts: Vec<PendingSdt>,
    open: Vec<OpenControl>,
    fields: Vec<(Field, Option<FfData>)>,
    /// How many of `fields` are still in their instruction: text is hidden while any is.
    /// Counted, not looked up, so that a run of unfinished fields costs linear time.
    instructions: usize,
    ff: Option<FfData>,
    alt_taken: Vec<bool>,
    rows_deleted: Vec<bool>,
    flow: Option<FlowBuilder>,
    /// Captures the whole footnote or comment being read.
    whole: Option<BlockBuilder>,
    /// Captures the footnote's text outside its controls.
    outside: Option<BlockBuilder>,
    anchored: HashSet<String>,
    in_ppr: usize,
    in_ppr_rpr: usize,
    in_trpr: usize,
    in_sdt_pr: usize,
    in_fldchar: usize,
    tables: usize,
    text_boxes: usize,
    warned_entity: bool,
    /// Set when text went over the budget; the read loop stops there.
    refused: Option<ErrorKind>,
}

/// Walks one story part.
pub(crate) fn walk(ctx: &Context<'_>, part: &str, story: Story, xml: &[u8]) -> Result<PartResult> {
    let text = xml::utf8_view(xml);
    let mut r = xml::fast_reader(&text);
    let flow = matches!(story, Story::Body | Story::Header | Story::Footer)
        .then(|| FlowBuilder::new(part, story));
    let mut w = Walker {
        ctx,
        names: Namespaces::default(),
        part: part.to_owned(),
        story,
        out: PartResult::default(),
        frames: Vec::with_capacity(64),
        skip: 0,
        containers: Vec::with_capacity(16),
        paras: Vec::new(),
        sdts: Vec::new(),
        open: Vec::new(),
        fields: Vec::new(),
        instructions: 0,
        ff: None,
        alt_taken: Vec::new(),
        rows_deleted: Vec::new(),
        flow,
        whole: None,
        outside: None,
        anchored: HashSet::new(),
        in_ppr: 0,
        in_ppr_rpr: 0,
        in_trpr: 0,
        in_sdt_pr: 0,
        in_fldchar: 0,
        tables: 0,
        text_boxes: 0,
        warned_entity: false,
        refused: None,
    };
    let controls_left = ctx.budget.controls_left();
    loop {
        let ev = r.read_event().map_err(|e| xml::malformed_at(&r, e))?;
        if matches!(ev, Event::Start(_) | Event::Empty(_)) {
            ctx.budget
                .element()
                .map_err(|k| Error::new(k).at(r.buffer_position()))?;
        }
        // Controls open on a start tag and on the end of an empty one.
        if w.out.controls.len() > controls_left {
            ctx.budget
                .take_controls(w.out.controls.len())
                .map_err(|k| Error::new(k).at(r.buffer_position()))?;
        }
        match ev {
            // Inside a skipped subtree only the depth is counted: its namespace declarations
            // scope nothing outside it. The skipped element itself was pushed and is popped.
            Event::Start(_) if w.skip > 0 => w.skip += 1,
            Event::Empty(_) if w.skip > 0 => {}
            Event::End(_) if w.skip > 1 => w.skip -= 1,
            Event::Start(ref e) => {
                let ns = w.names.push(e);
                w.start(e, ns, false, r.buffer_position())?;
            }
            Event::Empty(ref e) => {
                let ns = w.names.push(e);
                w.start(e, ns, true, r.buffer_position())?;
                w.names.pop();
            }
            Event::End(_) => {
                w.end();
                w.names.pop();
            }
            Event::Text(ref t) if w.skip == 0 && w.wants_text() => {
                let s = t.decode().map_err(|e| xml::malformed_at(&r, e))?;
                w.text(&s);
            }
            Event::CData(ref t) if w.skip == 0 && w.wants_text() => {
                let s = t.decode().map_err(|e| xml::malformed_at(&r, e))?;
                w.text(&s);
            }
            Event::GeneralRef(ref g) if w.skip == 0 && w.wants_text() => match resolve_ref(g) {
                Some(s) => w.text(&s),
                None => w.undefined_entity(&String::from_utf8_lossy(g)),
            },
            Event::DocType(_) => w.out.warnings.push(Warning::new(
                "xml-doctype",
                format!("{part} declares a DTD; it was ignored and no entity in it was resolved"),
            )),
            Event::Eof => break,
            _ => {}
        }
        if let Some(kind) = w.refused.take() {
            return Err(Error::new(kind).at(r.buffer_position()));
        }
    }
    if !w.frames.is_empty() {
        return Err(Error::new(ErrorKind::MalformedXml {
            detail: "unexpected end of the part inside an open element".into(),
        })
        .at(r.buffer_position()));
    }
    ctx.budget.take_controls(w.out.controls.len())?;
    Ok(w.finish())
}

impl Walker<'_> {
    fn finish(mut self) -> PartResult {
        // Fields left open at the end of the part close here.
        while let Some((field, ff)) = self.fields.pop() {
            if let Some(c) = field.control {
                self.finish_legacy(c, ff.unwrap_or_default());
            }
        }
        if let Some(flow) = self.flow.take() {
            self.out.flow = flow.finish();
        }
        self.out
    }

    #[inline]
    fn wants_text(&self) -> bool {
        matches!(self.frames.last(), Some(Frame::Text | Frame::Instr))
    }

    fn push(&mut self, frame: Frame, empty: bool) {
        if empty {
            self.close(frame);
        } else {
            self.frames.push(frame);
        }
    }

    fn skip_subtree(&mut self, empty: bool) {
        if !empty {
            self.skip = 1;
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, ns: Ns, empty: bool, position: u64) -> Result<()> {
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return Ok(());
        }
        if self.frames.len() >= self.ctx.max_depth {
            return Err(Error::new(ErrorKind::TooDeep {
                limit: self.ctx.max_depth,
            })
            .at(position));
        }
        let local_name = e.local_name();
        let local = local_name.as_ref();

        if self.in_sdt_pr > 0 {
            let skip = match self.sdts.last_mut() {
                Some(p) => p.props.element(&self.names, ns, local, e),
                None => false,
            };
            if skip {
                self.skip_subtree(empty);
            } else {
                self.push(Frame::Other, empty);
            }
            return Ok(());
        }
        if self.in_fldchar > 0 {
            if ns == Ns::W
                && let Some(ff) = self.ff.as_mut()
            {
                ff.element(&self.names, local, e);
            }
            self.push(Frame::Other, empty);
            return Ok(());
        }
        if self.in_ppr > 0 {
            self.paragraph_property(ns, local, e, empty);
            return Ok(());
        }
        if self.in_trpr > 0 {
            match (ns, local) {
                (Ns::W, b"del") => {
                    if let Some(d) = self.rows_deleted.last_mut() {
                        *d = true;
                    }
                    self.tracked_change();
                    self.skip_subtree(empty);
                }
                (Ns::W, b"ins") => {
                    self.tracked_change();
                    self.skip_subtree(empty);
                }
                _ => self.skip_subtree(empty),
            }
            return Ok(());
        }

        match ns {
            Ns::W => self.start_w(local, e, empty),
            Ns::Mc => match local {
                b"AlternateContent" => {
                    self.alt_taken.push(false);
                    self.push(Frame::AltContent, empty);
                }
                // Read the first branch Word offers and nothing else: Choice and Fallback
                // hold the same content twice (ECMA-376 Part 3 §10.2).
                b"Choice" | b"Fallback" => match self.alt_taken.last_mut() {
                    Some(taken) if *taken => self.skip_subtree(empty),
                    Some(taken) => {
                        *taken = true;
                        self.push(Frame::Other, empty);
                    }
                    None => self.push(Frame::Other, empty),
                },
                _ => self.push(Frame::Other, empty),
            },
            Ns::Math => match local {
                b"t" => self.push(Frame::Text, empty),
                _ => self.push(Frame::Other, empty),
            },
            _ => self.push(Frame::Other, empty),
        }
        Ok(())
    }

    fn start_w(&mut self, local: &[u8], e: &BytesStart<'_>, empty: bool) {
        match local {
            b"p" => {
                self.paras.push(ParaProps::default());
                self.containers.push(Container::Paragraph);
                self.structure(|s| s.para_start());
                self.push(Frame::P, empty);
            }
            b"pPr" => {
                self.in_ppr += 1;
                self.push(Frame::PPr, empty);
            }
            b"t" => self.push(Frame::Text, empty),
            b"tab" | b"ptab" => self.text("\t"),
            b"br" | b"cr" => self.text("\n"),
            b"noBreakHyphen" => self.text("-"),
            b"sym" => {
                let code = self
                    .names
                    .attr(e, Ns::W, b"char")
                    .and_then(|h| u32::from_str_radix(h.trim(), 16).ok());
                let font = self.names.attr(e, Ns::W, b"font");
                if let Some(c) = code.and_then(|c| symbol_char(font.as_deref(), c)) {
                    self.text(c.encode_utf8(&mut [0; 4]));
                }
            }
            b"instrText" => self.push(Frame::Instr, empty),
            // Deleted and moved-away content is dropped: tracked changes read as if accepted.
            b"del" | b"moveFrom" => {
                self.tracked_change();
                self.skip_subtree(empty);
            }
            b"ins" | b"moveTo" => {
                self.tracked_change();
                self.push(Frame::Other, empty);
            }
            // A control (or custom XML element) whose own markup is a tracked insertion or
            // deletion: its content stays, the change is reported.
            b"customXmlDelRangeStart"
            | b"customXmlInsRangeStart"
            | b"customXmlMoveFromRangeStart"
            | b"customXmlMoveToRangeStart" => {
                self.tracked_change();
                self.push(Frame::Other, empty);
            }
            b"delText" | b"delInstrText" | b"rPr" | b"sdtEndPr" | b"tblPr" | b"tblGrid"
            | b"tcPr" | b"sectPr" | b"customXmlPr" | b"smartTagPr" | b"rt" | b"rubyPr"
            | b"fldData" | b"background" | b"tblPrEx" => self.skip_subtree(empty),
            b"tbl" => {
                self.tables += 1;
                self.containers.push(Container::Table);
                self.structure(|s| s.table_start());
                self.push(Frame::Tbl, empty);
            }
            b"tr" => {
                self.rows_deleted.push(false);
                self.containers.push(Container::Row);
                self.structure(|s| s.row_start());
                self.push(Frame::Tr, empty);
            }
            b"trPr" => {
                self.in_trpr += 1;
                self.push(Frame::TrPr, empty);
            }
            b"tc" => {
                self.containers.push(Container::Blocks);
                self.structure(|s| s.cell_start());
                self.push(Frame::Tc, empty);
            }
            b"txbxContent" => {
                self.text_boxes += 1;
                self.containers.push(Container::Blocks);
                self.push(Frame::TextBox, empty);
            }
            b"sdt" => {
                let level = match self.containers.last() {
                    Some(Container::Paragraph) => Level::Inline,
                    Some(Container::Table) => Level::Row,
                    Some(Container::Row) => Level::Cell,
                    _ => Level::Block,
                };
                self.sdts.push(PendingSdt {
                    props: SdtProps::default(),
                    level,
                    control: None,
                });
                self.push(Frame::Sdt, empty);
            }
            b"sdtPr" => {
                self.in_sdt_pr += 1;
                self.push(Frame::SdtPr, empty);
            }
            b"sdtContent" => {
                self.open_pending_sdt();
                self.push(Frame::SdtContent, empty);
            }
            b"hyperlink" => {
                let target = self
                    .names
                    .attr(e, Ns::R, b"id")
                    .and_then(|id| self.ctx.links.get(id.as_ref()).cloned())
                    .or_else(|| {
                        self.names
                            .attr(e, Ns::W, b"anchor")
                            .map(|a| format!("#{a}"))
                    })
                    .unwrap_or_default();
                self.content(|s| s.link_start(&target));
                self.push(Frame::Hyperlink, empty);
            }
            b"fldChar" => {
                let kind = match self.names.attr(e, Ns::W, b"fldCharType").as_deref() {
                    Some("begin") => FldCharType::Begin,
                    Some("separate") => FldCharType::Separate,
                    Some("end") => FldCharType::End,
                    _ => FldCharType::Other,
                };
                if kind == FldCharType::Begin {
                    self.ff = Some(FfData::default());
                }
                self.in_fldchar += 1;
                self.push(Frame::FldChar(kind), empty);
            }
            b"fldSimple" => {
                let mut field = Field::new(None);
                if let Some(instr) = self.names.attr(e, Ns::W, b"instr") {
                    field.push_instruction(&instr);
                }
                let link = match field.hyperlink_target() {
                    Some(target) => {
                        self.content(|s| s.link_start(&target));
                        true
                    }
                    None => false,
                };
                self.push(Frame::FldSimple { link }, empty);
            }
            b"footnoteReference" | b"endnoteReference" => {
                let kind = if local == b"footnoteReference" {
                    NoteKind::Footnote
                } else {
                    NoteKind::Endnote
                };
                if let Some(id) = self.names.attr(e, Ns::W, b"id")
                    && let Some(text) = self.ctx.notes.get(&(kind, id.into_owned()))
                {
                    let text = text.clone();
                    self.content(|s| s.note(kind, &text));
                }
                self.push(Frame::Other, empty);
            }
            b"commentRangeStart" | b"commentReference" => {
                if let Some(id) = self.names.attr(e, Ns::W, b"id") {
                    self.anchor_comment(&id);
                }
                self.push(Frame::Other, empty);
            }
            b"footnote" | b"endnote" if matches!(self.story, Story::Footnote | Story::Endnote) => {
                let kind = if local == b"footnote" {
                    NoteKind::Footnote
                } else {
                    NoteKind::Endnote
                };
                let id = self
                    .names
                    .attr(e, Ns::W, b"id")
                    .map(|v| v.into_owned())
                    .unwrap_or_default();
                self.whole = Some(BlockBuilder::new());
                self.outside = Some(BlockBuilder::new());
                self.containers.push(Container::Blocks);
                self.push(Frame::Note(kind, id), empty);
            }
            b"comment" if self.story == Story::Comment => {
                let names = &self.names;
                let get = |n: &[u8]| names.attr(e, Ns::W, n).map(|v| v.into_owned());
                let comment = Comment {
                    id: get(b"id").unwrap_or_default(),
                    author: get(b"author"),
                    date: get(b"date"),
                    text: String::new(),
                    control: None,
                    flow_index: None,
                };
                self.whole = Some(BlockBuilder::new());
                self.containers.push(Container::Blocks);
                self.push(Frame::Comment(comment), empty);
            }
            _ => self.push(Frame::Other, empty),
        }
    }

    /// Elements inside `w:pPr`: style, numbering, outline level and a deleted paragraph mark.
    fn paragraph_property(&mut self, ns: Ns, local: &[u8], e: &BytesStart<'_>, empty: bool) {
        if ns != Ns::W {
            return self.skip_subtree(empty);
        }
        if self.in_ppr_rpr > 0 {
            match local {
                b"del" | b"moveFrom" => {
                    if let Some(p) = self.paras.last_mut() {
                        p.mark_deleted = true;
                    }
                    self.tracked_change();
                }
                b"ins" | b"moveTo" => self.tracked_change(),
                _ => {}
            }
            return self.skip_subtree(empty);
        }
        let val = || self.names.attr(e, Ns::W, b"val").map(|v| v.into_owned());
        match local {
            b"pStyle" => {
                if let Some(p) = self.paras.last_mut() {
                    p.style_id = val();
                }
            }
            b"numPr" => return self.push(Frame::Other, empty),
            b"numId" => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = val();
                }
            }
            b"ilvl" => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = val().and_then(|v| v.trim().parse().ok());
                }
            }
            b"outlineLvl" => {
                if let Some(p) = self.paras.last_mut() {
                    p.outline = val().and_then(|v| v.trim().parse().ok());
                }
            }
            b"rPr" => {
                self.in_ppr_rpr += 1;
                return self.push(Frame::PPrRPr, empty);
            }
            _ => {}
        }
        self.skip_subtree(empty);
    }

    fn end(&mut self) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        if let Some(frame) = self.frames.pop() {
            self.close(frame);
        }
    }

    fn close(&mut self, frame: Frame) {
        match frame {
            Frame::Other | Frame::Text | Frame::Instr => {}
            Frame::P => {
                let props = self.paras.pop().unwrap_or_default();
                let info = self.para_info(props);
                self.containers.pop();
                self.structure(|s| s.para_end(&info));
            }
            Frame::PPr => self.in_ppr -= 1,
            Frame::PPrRPr => self.in_ppr_rpr -= 1,
            Frame::TrPr => self.in_trpr -= 1,
            Frame::Tbl => {
                self.tables -= 1;
                self.containers.pop();
                self.structure(|s| s.table_end());
            }
            Frame::Tr => {
                let deleted = self.rows_deleted.pop().unwrap_or(false);
                self.containers.pop();
                self.structure(|s| s.row_end(deleted));
            }
            Frame::Tc => {
                self.containers.pop();
                self.structure(|s| s.cell_end());
            }
            Frame::TextBox => {
                self.text_boxes -= 1;
                self.containers.pop();
            }
            Frame::Sdt => {
                self.open_pending_sdt();
                if let Some(pending) = self.sdts.pop()
                    && let Some(c) = pending.control
                {
                    self.finish_sdt(c, &pending.props);
                }
            }
            Frame::SdtPr => self.in_sdt_pr -= 1,
            Frame::SdtContent => {}
            Frame::Hyperlink => self.content(|s| s.link_end()),
            Frame::FldChar(kind) => {
                self.in_fldchar -= 1;
                self.field_char(kind);
            }
            Frame::FldSimple { link } => {
                if link {
                    self.content(|s| s.link_end());
                }
            }
            Frame::AltContent => {
                self.alt_taken.pop();
            }
            Frame::Note(kind, id) => {
                self.containers.pop();
                if let Some(whole) = self.whole.take() {
                    let text = NoteText {
                        part: self.part.clone(),
                        whole: blocks_text(&whole.finish()),
                        outside: self
                            .outside
                            .take()
                            .map(|o| blocks_text(&o.finish()))
                            .unwrap_or_default(),
                    };
                    if !text.whole.is_empty() {
                        self.out.notes.push((kind, id, text));
                    }
                }
            }
            Frame::Comment(mut comment) => {
                self.containers.pop();
                if let Some(whole) = self.whole.take() {
                    comment.text = blocks_text(&whole.finish());
                }
                self.out.comments.push(comment);
            }
        }
    }

    fn para_info(&self, props: ParaProps) -> ParaInfo {
        let style = self.ctx.styles.for_paragraph(props.style_id.as_deref());
        let name = style
            .as_ref()
            .and_then(|s| s.name.clone())
            .or(props.style_id);
        let outline = props
            .outline
            .or(style.as_ref().and_then(|s| s.outline_level));
        let list_level = match props.num_id.as_deref().map(str::trim) {
            Some("0") => None,
            Some(_) => Some(props.ilvl.unwrap_or(0)),
            None => style
                .as_ref()
                .and_then(|s| s.numbering.as_ref())
                .map(|(_, l)| props.ilvl.unwrap_or(*l)),
        };
        let heading_level = match (outline, &style) {
            (Some(_), _) => heading_level(outline, None),
            (None, Some(s)) if s.name.is_some() => s.name_heading,
            (None, _) => heading_level(None, name.as_deref()),
        };
        ParaInfo {
            heading_level,
            style: name,
            list_level,
            mark_deleted: props.mark_deleted,
            in_text_box: self.text_boxes > 0,
        }
    }

    // --- controls -------------------------------------------------------------------------

    fn open_control(&mut self, origin: Origin, level: Level) -> usize {
        let index = self.out.controls.len();
        let parent = self.open.last().map(|o| o.control);
        if let Some(p) = parent {
            self.out.controls[p].children.push(index);
        }
        self.out.controls.push(Control {
            index,
            parent,
            children: Vec::new(),
            part: self.part.clone(),
            story: self.story,
            level,
            in_table: self.tables > 0,
            in_text_box: self.text_boxes > 0,
            origin,
            control_type: ControlType::RichText,
            id: None,
            tag: None,
            alias: None,
            lock: None,
            placeholder_doc_part: None,
            placeholder_text: None,
            showing_placeholder: false,
            status: Status::Empty,
            placeholder_signal: None,
            text: String::new(),
            blocks: Vec::new(),
            value: None,
            list_items: Vec::new(),
            date_format: None,
            multi_line: false,
            gallery: None,
            data_binding: None,
            tracked_changes: false,
            flow_index: None,
        });
        // A control stands in the flow when no control holds it but groups.
        if self.open.iter().all(|o| o.group)
            && let Some(flow) = self.flow.as_mut()
        {
            match level {
                Level::Inline => flow.inline_control(index),
                _ => flow.control(index, level),
            }
        }
        self.open.push(OpenControl {
            control: index,
            level,
            builder: BlockBuilder::new(),
            placeholder: false,
            group: false,
        });
        index
    }

    /// Opens the innermost pending `w:sdt` as a control, once.
    fn open_pending_sdt(&mut self) {
        let Some(pending) = self.sdts.last() else {
            return;
        };
        if pending.control.is_some() {
            return;
        }
        let level = pending.level;
        let c = self.open_control(Origin::ContentControl, level);
        if let Some(pending) = self.sdts.last_mut() {
            pending.props.apply(&mut self.out.controls[c]);
            pending.control = Some(c);
            if let Some(open) = self.open.last_mut() {
                open.placeholder = pending.props.showing_placeholder;
                open.group = pending.props.control_type == Some(ControlType::Group);
            }
        }
    }

    /// Stops collecting a control's text and stores its blocks and text.
    fn close_control(&mut self, index: usize) {
        let Some(pos) = self.open.iter().rposition(|o| o.control == index) else {
            return;
        };
        let open = self.open.remove(pos);
        let blocks = open.builder.finish();
        let c = &mut self.out.controls[index];
        c.text = blocks_text(&blocks);
        c.blocks = blocks;
    }

    fn finish_sdt(&mut self, index: usize, props: &SdtProps) {
        self.close_control(index);
        finish_sdt(&mut self.out.controls[index], props, self.ctx.glossary);
    }

    fn finish_legacy(&mut self, index: usize, ff: FfData) {
        // Word draws a drop-down field's selected entry; the XML holds no result text for it.
        // It is visible text all the same, so it goes where result text would have gone.
        if let Some(entry) = ff.selected_entry()
            && self
                .open
                .iter()
                .any(|o| o.control == index && !o.builder.has_text())
        {
            let entry = entry.to_owned();
            self.text(&entry);
        }
        self.close_control(index);
        ff.finish(&mut self.out.controls[index]);
    }

    fn field_char(&mut self, kind: FldCharType) {
        match kind {
            FldCharType::Begin => {
                let ff = self.ff.take().filter(|ff| ff.present);
                let control = ff.as_ref().map(|ff| {
                    let c = self.open_control(Origin::LegacyFormField, Level::Inline);
                    ff.apply(&mut self.out.controls[c]);
                    c
                });
                self.fields.push((Field::new(control), ff));
                self.instructions += 1;
            }
            FldCharType::Separate => {
                let mut target = None;
                if let Some((field, _)) = self.fields.last_mut() {
                    if field.phase == Phase::Instruction {
                        self.instructions -= 1;
                    }
                    field.phase = Phase::Result;
                    target = field.hyperlink_target();
                    field.link = target.is_some();
                }
                if let Some(t) = target {
                    self.content(|s| s.link_start(&t));
                }
            }
            FldCharType::End => {
                if let Some((field, ff)) = self.fields.pop() {
                    if field.phase == Phase::Instruction {
                        self.instructions -= 1;
                    }
                    if field.link {
                        self.content(|s| s.link_end());
                    }
                    if let Some(c) = field.control {
                        self.finish_legacy(c, ff.unwrap_or_default());
                    }
                }
            }
            FldCharType::Other => {}
        }
    }

    fn tracked_change(&mut self) {
        self.out.tracked_changes = true;
        for o in &self.open {
            self.out.controls[o.control].tracked_changes = true;
        }
    }

    fn anchor_comment(&mut self, id: &str) {
        if !self.anchored.insert(id.to_owned()) {
            return;
        }
        let control = self.open.last().map(|o| o.control);
        self.out.anchors.push((id.to_owned(), control));
        // A comment inside a control is tied to the control, outside to the flow paragraph.
        if control.is_none()
            && let Some(flow) = self.flow.as_mut()
        {
            flow.comment(id);
        }
    }

    fn undefined_entity(&mut self, name: &str) {
        if !self.warned_entity {
            self.warned_entity = true;
            self.out.warnings.push(Warning::new(
                "xml-entity",
                format!(
                    "{}: the undefined entity &{name}; was left out (entities are never resolved)",
                    self.part
                ),
            ));
        }
    }

    // --- text and structure -----------------------------------------------------------------

    /// Visible text: not inside a field instruction (§17.16.18).
    fn text(&mut self, s: &str) {
        if matches!(self.frames.last(), Some(Frame::Instr)) {
            if let Some((field, _)) = self.fields.last_mut()
                && field.phase == Phase::Instruction
            {
                field.push_instruction(s);
            }
            return;
        }
        if self.instructions > 0 {
            return;
        }
        // Counted before it is given out: one text event can be the whole part.
        if !self.hold_text(s.len()) {
            return;
        }
        self.content(|sink| sink.text(s));
        // An inline control's text also counts for the full text of the paragraph it is in.
        if self
            .open
            .iter()
            .find(|o| !o.group)
            .is_some_and(|o| o.level == Level::Inline)
            && let Some(flow) = self.flow.as_mut()
        {
            flow.control_text(s);
        }
    }

    /// Counts text held by the controls [`content`](Self::content) gives it to: twice for
    /// each, as a finished control keeps its text and its blocks. False when that is over the
    /// budget (the form is then refused).
    fn hold_text(&mut self, len: usize) -> bool {
        let from = self.open.iter().position(|o| o.placeholder).unwrap_or(0);
        let holders = (self.open.len() - from) as u64;
        match self.ctx.budget.hold_text(2 * len as u64 * holders) {
            Ok(()) => true,
            Err(kind) => {
                self.refused.get_or_insert(kind);
                false
            }
        }
    }

    /// Content goes to every open control, the whole-note capture, and the flow when no
    /// control but groups is open (the flow holds only text outside answering controls).
    /// Placeholder text stays in the control that shows it: it is never part of an answer
    /// around it.
    fn content(&mut self, mut f: impl FnMut(&mut dyn Sink)) {
        let from = self.open.iter().position(|o| o.placeholder);
        for o in &mut self.open[from.unwrap_or(0)..] {
            f(&mut o.builder);
        }
        if from.is_none()
            && let Some(w) = self.whole.as_mut()
        {
            f(w);
        }
        if self.open.iter().all(|o| o.group) {
            if let Some(flow) = self.flow.as_mut() {
                f(flow);
            }
            if let Some(o) = self.outside.as_mut() {
                f(o);
            }
        }
    }

    /// Structure goes everywhere, the flow included, so every sink sees balanced paragraphs.
    fn structure(&mut self, mut f: impl FnMut(&mut dyn Sink)) {
        for o in &mut self.open {
            f(&mut o.builder);
        }
        if let Some(w) = self.whole.as_mut() {
            f(w);
        }
        if let Some(o) = self.outside.as_mut() {
            f(o);
        }
        if let Some(flow) = self.flow.as_mut() {
            f(flow);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Level, PlaceholderSignal, Value};

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml""#;

    /// Walks a whole part with empty styles, glossary and stores, at most 64 levels deep.
    fn walk_xml(xml: &str, part: &str, story: Story) -> Result<PartResult> {
        walk_within(xml, part, story, &Budget::new(&Limits::default()))
    }

    fn walk_within(xml: &str, part: &str, story: Story, budget: &Budget) -> Result<PartResult> {
        let styles = Styles::default();
        let glossary = Glossary::default();
        let notes = HashMap::new();
        let mut links = HashMap::new();
        links.insert("rId9".to_owned(), "https://start.stockholm/".to_owned());
        let ctx = Context {
            styles: &styles,
            glossary: &glossary,
            notes: &notes,
            links: &links,
            max_depth: 64,
            budget,
        };
        walk(&ctx, part, story, xml.as_bytes())
    }

    fn body_xml(body: &str) -> String {
        format!("<w:document {NS}><w:body>{body}</w:body></w:document>")
    }

    fn read(body: &str) -> PartResult {
        walk_xml(&body_xml(body), "word/document.xml", Story::Body).unwrap()
    }

    fn sdt(props: &str, content: &str) -> String {
        format!("<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>")
    }

    fn p(runs: &str) -> String {
        format!("<w:p>{runs}</w:p>")
    }

    fn r(text: &str) -> String {
        format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
    }

    fn flow_texts(res: &PartResult) -> Vec<String> {
        res.flow
            .iter()
            .filter_map(|f| match f {
                FlowItem::Paragraph { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn runs_split_mid_word_join_and_word_noise_is_ignored() {
        let body = sdt(
            r#"<w:alias w:val="Nämnd"/><w:tag w:val="namnd"/><w:id w:val="-1254318773"/>"#,
            &p(&format!(
                r#"<w:bookmarkStart w:id="0" w:name="_GoBack"/>{}<w:proofErr w:type="spellStart"/>{}<w:proofErr w:type="spellEnd"/><w:bookmarkEnd w:id="0"/><w:r><w:lastRenderedPageBreak/><w:t xml:space="preserve"> stadsdelsnämnd</w:t></w:r>"#,
                r("Öster"),
                r("malms")
            )),
        );
        let res = read(&body);
        let c = &res.controls[0];
        assert_eq!(c.text, "Östermalms stadsdelsnämnd");
        assert_eq!(c.tag.as_deref(), Some("namnd"));
        assert_eq!(c.alias.as_deref(), Some("Nämnd"));
        assert_eq!(c.id, Some(-1254318773));
        assert_eq!(c.level, Level::Block);
        assert_eq!(c.status, Status::Answered);
    }

    #[test]
    fn levels_follow_where_the_control_stands() {
        let inline = p(&format!("{}{}", r("Nämnd: "), sdt("", &r("Östermalm"))));
        let row = format!(
            "<w:tbl>{}</w:tbl>",
            sdt("", &format!("<w:tr><w:tc>{}</w:tc></w:tr>", p(&r("rad"))))
        );
        let cell = format!(
            "<w:tbl><w:tr>{}</w:tr></w:tbl>",
            sdt("", &format!("<w:tc>{}</w:tc>", p(&r("cell"))))
        );
        let res = read(&format!("{inline}{row}{cell}"));
        let levels: Vec<Level> = res.controls.iter().map(|c| c.level).collect();
        assert_eq!(levels, vec![Level::Inline, Level::Row, Level::Cell]);
        assert!(res.controls[1].in_table);
        assert_eq!(
            res.controls
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>(),
            vec!["Östermalm", "rad", "cell"]
        );
    }

    #[test]
    fn flow_keeps_text_outside_controls_and_the_full_line() {
        let res = read(&p(&format!("{}{}", r("Nämnd: "), sdt("", &r("Östermalm")))));
        match &res.flow[0] {
            FlowItem::Paragraph {
                text,
                full_text,
                controls,
                ..
            } => {
                assert_eq!(text, "Nämnd:");
                assert_eq!(full_text.as_deref(), Some("Nämnd: Östermalm"));
                assert_eq!(controls, &vec![0]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nested_controls_keep_their_nesting_and_text() {
        let inner = sdt(r#"<w:tag w:val="inner"/>"#, &r("inre"));
        let body = sdt(
            r#"<w:tag w:val="outer"/>"#,
            &format!("{}{}", p(&format!("{}{inner}", r("yttre "))), p(&r("mer"))),
        );
        let res = read(&body);
        assert_eq!(res.controls.len(), 2);
        assert_eq!(res.controls[0].children, vec![1]);
        assert_eq!(res.controls[1].parent, Some(0));
        assert_eq!(res.controls[0].text, "yttre inre\nmer");
        assert_eq!(res.controls[1].text, "inre");
        assert_eq!(res.controls[1].level, Level::Inline);
    }

    #[test]
    fn a_nested_placeholder_is_not_part_of_the_answer_around_it() {
        let inner = sdt(
            r#"<w:showingPlcHdr/><w:dropDownList><w:listItem w:displayText="Ja" w:value="ja"/></w:dropDownList>"#,
            &r("Välj ett objekt."),
        );
        let res = read(&sdt("", &p(&format!("{}{inner}", r("Svar: ")))));
        assert_eq!(res.controls[0].text, "Svar:");
        assert_eq!(res.controls[1].status, Status::Placeholder);
        assert_eq!(res.controls[1].text, "Välj ett objekt.");
    }

    #[test]
    fn tracked_changes_read_as_if_accepted() {
        let body = sdt(
            "",
            &format!(
                r#"<w:p>{}<w:ins w:id="1" w:author="A"><w:r><w:t>nytt </w:t></w:r></w:ins><w:del w:id="2" w:author="A"><w:r><w:delText>gammalt </w:delText></w:r></w:del><w:moveFrom w:id="3"><w:r><w:t>flyttat</w:t></w:r></w:moveFrom>{}</w:p>"#,
                r("Ett "),
                r("svar")
            ),
        );
        let res = read(&body);
        assert_eq!(res.controls[0].text, "Ett nytt svar");
        assert!(res.controls[0].tracked_changes);
        assert!(res.tracked_changes);
    }

    #[test]
    fn a_deleted_paragraph_mark_joins_the_next_paragraph() {
        let body = sdt(
            "",
            &format!(
                r#"<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="A"/></w:rPr></w:pPr>{}</w:p>{}"#,
                r("första "),
                p(&r("andra"))
            ),
        );
        assert_eq!(read(&body).controls[0].text, "första andra");
    }

    #[test]
    fn field_codes_are_never_text_and_results_are() {
        let field = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE \@ "yyyy-MM-dd" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2022-04-30</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
        let simple = r#"<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>"#;
        let res = read(&sdt(
            "",
            &p(&format!("{}{field}{}{simple}", r("Datum "), r(" sid "))),
        ));
        assert_eq!(res.controls[0].text, "Datum 2022-04-30 sid 3");
    }

    #[test]
    fn hyperlink_fields_and_elements_keep_their_targets() {
        let field = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "https://example.org/" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>exempel</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
        let element = format!(r#"<w:hyperlink r:id="rId9">{}</w:hyperlink>"#, r("start"));
        let res = read(&sdt("", &p(&format!("{field}{}{element}", r(" och ")))));
        let crate::model::Block::Paragraph { links, text } = &res.controls[0].blocks[0] else {
            panic!()
        };
        assert_eq!(text, "exempel och start");
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].target, "https://example.org/");
        assert_eq!(links[1].target, "https://start.stockholm/");
        assert_eq!(links[1].text, "start");
    }

    #[test]
    fn legacy_form_fields_are_controls() {
        let text = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Namn"/><w:enabled/><w:textInput><w:default w:val="Skriv namnet"/></w:textInput></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Helena</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
        let check = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Kryss"/><w:checkBox><w:sizeAuto/><w:default w:val="0"/><w:checked/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
        let drop = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Val"/><w:ddList><w:result w:val="1"/><w:listEntry w:val="Ja"/><w:listEntry w:val="Nej"/></w:ddList></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMDROPDOWN </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
        let res = read(&p(&format!("{text}{check}{drop}")));
        let c = &res.controls;
        assert_eq!(c.len(), 3);
        assert!(c.iter().all(|c| c.origin == Origin::LegacyFormField));
        assert_eq!(
            (c[0].tag.as_deref(), c[0].text.as_str()),
            (Some("Namn"), "Helena")
        );
        assert_eq!(c[0].control_type, ControlType::LegacyText);
        assert_eq!(c[1].value, Some(Value::Boolean(true)));
        assert_eq!(c[2].text, "Nej");
        assert!(matches!(&c[2].value, Some(Value::Choice { value, .. }) if value == "Nej"));
    }

    #[test]
    fn a_legacy_text_field_still_showing_its_default_is_a_placeholder() {
        let f = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="T"/><w:textInput><w:default w:val="Skriv här"/></w:textInput></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Skriv här</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
        let blank = "<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:textInput/></w:ffData></w:fldChar></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>\u{2002}\u{2002}\u{2002}\u{2002}\u{2002}</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>";
        let res = read(&p(&format!("{f}{blank}")));
        assert_eq!(res.controls[0].status, Status::Placeholder);
        assert_eq!(
            res.controls[0].placeholder_signal,
            Some(PlaceholderSignal::LegacyDefault)
        );
        assert_eq!(res.controls[1].status, Status::Empty);
    }

    #[test]
    fn alternate_content_is_read_once() {
        let inner = sdt(r#"<w:tag w:val="box"/>"#, &p(&r("i rutan")));
        let body = p(&format!(
            r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#
        ));
        let res = read(&body);
        assert_eq!(res.controls.len(), 1);
        assert!(res.controls[0].in_text_box);
        assert_eq!(res.controls[0].level, Level::Block);
        assert_eq!(res.controls[0].text, "i rutan");
    }

    #[test]
    fn run_content_elements_become_characters() {
        let runs = r#"<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:noBreakHyphen/><w:t>d</w:t><w:softHyphen/><w:t>e</w:t><w:cr/><w:sym w:font="Wingdings" w:char="F0FC"/><w:t xml:space="preserve"> x  </w:t><w:t>&#160;&#160;y&amp;z</w:t></w:r>"#;
        let res = read(&sdt("", &p(runs)));
        assert_eq!(res.controls[0].text, "a\tb\nc-de\n✓ x y&z");
    }

    #[test]
    fn placeholders_are_recognised_by_flag_and_by_default_text() {
        let flagged = sdt("<w:showingPlcHdr/>", &p(&r("Vad som helst")));
        let default = sdt("", &p(&r("Klicka eller tryck här för att ange text.")));
        let empty = sdt("", "<w:p/>");
        let res = read(&format!("{flagged}{default}{empty}"));
        let s: Vec<(Status, Option<PlaceholderSignal>)> = res
            .controls
            .iter()
            .map(|c| (c.status, c.placeholder_signal))
            .collect();
        assert_eq!(
            s,
            vec![
                (Status::Placeholder, Some(PlaceholderSignal::ShowingPlcHdr)),
                (Status::Placeholder, Some(PlaceholderSignal::DefaultText)),
                (Status::Empty, None),
            ]
        );
    }

    #[test]
    fn checkbox_state_comes_from_the_xml_not_the_glyph() {
        let glyph_says_checked = sdt(
            r#"<w14:checkbox><w14:checked w14:val="0"/></w14:checkbox>"#,
            &r("☒"),
        );
        let res = read(&p(&glyph_says_checked));
        assert_eq!(res.controls[0].value, Some(Value::Boolean(false)));
        assert_eq!(res.controls[0].control_type, ControlType::Checkbox);
    }

    #[test]
    fn typed_values_beside_the_text() {
        let date = sdt(
            r#"<w:date w:fullDate="2022-04-30T00:00:00Z"><w:dateFormat w:val="d MMMM yyyy"/></w:date>"#,
            &r("30 april 2022"),
        );
        let drop = sdt(
            r#"<w:dropDownList w:lastValue="t1"><w:listItem w:value=""/><w:listItem w:displayText="Tertial 1" w:value="t1"/></w:dropDownList>"#,
            &r("Tertial 1"),
        );
        let combo = sdt(
            r#"<w:comboBox><w:listItem w:displayText="Ja" w:value="1"/></w:comboBox>"#,
            &r("Delvis"),
        );
        let res = read(&p(&format!("{date}{drop}{combo}")));
        assert_eq!(
            res.controls[0].value,
            Some(Value::Date("2022-04-30".into()))
        );
        assert_eq!(
            res.controls[1].value,
            Some(Value::Choice {
                value: "t1".into(),
                display_text: "Tertial 1".into()
            })
        );
        assert_eq!(
            res.controls[2].value,
            Some(Value::Choice {
                value: "Delvis".into(),
                display_text: "Delvis".into()
            })
        );
    }

    #[test]
    fn comments_are_anchored_and_kept_out_of_text() {
        let body = sdt(
            "",
            &p(&format!(
                r#"<w:commentRangeStart w:id="4"/>{}<w:commentRangeEnd w:id="4"/><w:r><w:commentReference w:id="4"/></w:r>"#,
                r("svar")
            )),
        );
        let res = read(&body);
        assert_eq!(res.anchors, vec![("4".to_owned(), Some(0))]);
        assert_eq!(res.controls[0].text, "svar");
    }

    #[test]
    fn comment_parts_give_comment_text() {
        let xml = format!(
            r#"<w:comments {NS}><w:comment w:id="4" w:author="Granskare" w:date="2022-04-21T10:00:00Z"><w:p>{}</w:p></w:comment></w:comments>"#,
            r("Stämmer detta?")
        );
        let res = walk_xml(&xml, "word/comments.xml", Story::Comment).unwrap();
        assert_eq!(res.comments[0].text, "Stämmer detta?");
        assert_eq!(res.comments[0].author.as_deref(), Some("Granskare"));
        assert!(res.flow.is_empty());
    }

    #[test]
    fn namespaces_are_matched_by_uri_not_prefix() {
        let xml = r#"<x:document xmlns:x="http://purl.oclc.org/ooxml/wordprocessingml/main"><x:body><x:sdt><x:sdtPr><x:tag x:val="strikt"/></x:sdtPr><x:sdtContent><x:p><x:r><x:t>svar</x:t></x:r></x:p></x:sdtContent></x:sdt><w:p xmlns:w="urn:not-word"><w:r><w:t>inte Word</w:t></w:r></w:p></x:body></x:document>"#;
        let res = walk_xml(xml, "word/document.xml", Story::Body).unwrap();
        assert_eq!(res.controls.len(), 1);
        assert_eq!(res.controls[0].tag.as_deref(), Some("strikt"));
        assert_eq!(res.controls[0].text, "svar");
        assert!(flow_texts(&res).is_empty());
    }

    #[test]
    fn nesting_beyond_the_limit_is_an_error() {
        let deep = "<w:customXml>".repeat(80) + &"</w:customXml>".repeat(80);
        let err = walk_xml(&body_xml(&deep), "word/document.xml", Story::Body)
            .err()
            .unwrap();
        assert_eq!(err.code(), "too-deep");
    }

    #[test]
    fn undefined_entities_are_left_out_with_a_warning() {
        let res = read(&sdt("", &p("<w:r><w:t>a&xxe;b</w:t></w:r>")));
        assert_eq!(res.controls[0].text, "ab");
        assert_eq!(res.warnings[0].code, "xml-entity");
    }

    #[test]
    fn an_unclosed_element_is_malformed() {
        let xml = format!("<w:document {NS}><w:body><w:sdt><w:sdtContent><w:p>");
        let err = walk_xml(&xml, "word/document.xml", Story::Body)
            .err()
            .unwrap();
        assert_eq!(err.code(), "malformed-xml");
    }

    #[test]
    fn a_comment_inside_a_control_belongs_to_the_control_not_the_flow() {
        let body = sdt(
            "",
            &p(&format!(
                r#"<w:commentRangeStart w:id="0"/>{}<w:commentRangeEnd w:id="0"/>"#,
                r("svar")
            )),
        );
        let res = read(&body);
        assert_eq!(res.anchors, vec![("0".to_owned(), Some(0))]);
        assert_eq!(res.flow.len(), 1, "{:?}", res.flow);
    }

    #[test]
    fn row_and_cell_controls_stand_where_their_row_or_cell_is() {
        let cell = |t: &str| format!("<w:tc>{}</w:tc>", p(&r(t)));
        let body = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr>{}</w:tbl>",
            cell("Telefon"),
            sdt("", &cell("08-508 100 51")),
            cell("E-post"),
            cell("x@stockholm.se"),
            sdt("", &format!("<w:tr>{}{}</w:tr>", cell("Rad"), cell("tre")))
        );
        let res = read(&body);
        let cells: Vec<(usize, usize)> = res
            .flow
            .iter()
            .filter_map(|f| match f {
                FlowItem::Control { cell: Some(c), .. } => Some((c.row, c.column)),
                _ => None,
            })
            .collect();
        assert_eq!(cells, vec![(0, 1), (2, 0)]);
    }

    fn budget(max_elements: u64, max_controls: usize) -> Budget {
        Budget::new(&Limits {
            max_elements,
            max_controls,
            ..Limits::default()
        })
    }

    #[test]
    fn a_part_with_too_many_elements_is_refused_naming_the_flag() {
        let xml = body_xml(&"<w:p/>".repeat(10));
        // document, body and ten paragraphs: twelve elements.
        assert!(walk_within(&xml, "word/document.xml", Story::Body, &budget(12, 10)).is_ok());
        let err = walk_within(&xml, "word/document.xml", Story::Body, &budget(11, 10))
            .err()
            .unwrap();
        assert_eq!(err.code(), "too-large");
        assert!(err.to_string().contains("--max-elements"), "{err}");
    }

    #[test]
    fn elements_in_skipped_subtrees_count_too() {
        let xml = body_xml(&format!(
            "<w:p><w:rPr>{}</w:rPr></w:p>",
            "<w:b/>".repeat(10)
        ));
        let err = walk_within(&xml, "word/document.xml", Story::Body, &budget(12, 10))
            .err()
            .unwrap();
        assert_eq!(err.code(), "too-large");
    }

    #[test]
    fn a_part_with_too_many_controls_is_refused_naming_the_flag() {
        let xml = body_xml(&"<w:sdt/>".repeat(5));
        assert_eq!(
            walk_within(&xml, "word/document.xml", Story::Body, &budget(100, 5))
                .unwrap()
                .controls
                .len(),
            5
        );
        let err = walk_within(&xml, "word/document.xml", Story::Body, &budget(100, 4))
            .err()
            .unwrap();
        assert_eq!(err.code(), "too-large");
        assert!(err.to_string().contains("--max-controls"), "{err}");
    }

    #[test]
    fn text_held_by_deeply_nested_controls_is_counted_for_each_holder() {
        let limits = |max_total_bytes| Limits {
            max_total_bytes,
            ..Limits::default()
        };
        let nested = |depth: usize| {
            body_xml(&format!(
                "{}{}{}",
                "<w:sdt><w:sdtContent>".repeat(depth),
                p(&r("0123456789")),
                "</w:sdtContent></w:sdt>".repeat(depth)
            ))
        };
        // Ten letters, held as text and as blocks by each of four controls: 80 bytes.
        let within = Budget::new(&limits(80));
        assert!(walk_within(&nested(4), "word/document.xml", Story::Body, &within).is_ok());
        let over = Budget::new(&limits(80));
        let err = walk_within(&nested(5), "word/document.xml", Story::Body, &over)
            .err()
            .unwrap();
        assert_eq!(err.code(), "too-large");
        assert!(err.to_string().contains("--max-total-size"), "{err}");
    }

    #[test]
    fn the_budget_is_shared_by_the_parts_of_a_form() {
        let shared = budget(100, 5);
        let xml = body_xml(&"<w:sdt/>".repeat(3));
        assert!(walk_within(&xml, "word/header1.xml", Story::Header, &shared).is_ok());
        let err = walk_within(&xml, "word/document.xml", Story::Body, &shared)
            .err()
            .unwrap();
        assert!(err.to_string().contains("--max-controls"), "{err}");
    }

    #[test]
    fn text_while_any_field_instruction_is_open_is_never_text() {
        let fld = |kind: &str| format!(r#"<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>"#);
        let (begin, separate, end) = (fld("begin"), fld("separate"), fld("end"));
        let unfinished = p(&format!("{}{}", begin.repeat(3), r("x")));
        assert!(flow_texts(&read(&unfinished)).is_empty());
        let inner_done = p(&format!("{begin}{begin}{separate}{end}{}", r("x")));
        assert!(flow_texts(&read(&inner_done)).is_empty());
        let both_done = p(&format!(
            "{begin}{begin}{separate}{end}{separate}{}{end}",
            r("x")
        ));
        assert_eq!(flow_texts(&read(&both_done)), vec!["x"]);
    }
}
