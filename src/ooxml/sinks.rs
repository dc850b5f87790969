//! Where read text goes. The walker reports structure (paragraphs, tables, rows, cells) and
//! content (text, links, notes) to *sinks*: one [`BlockBuilder`] per open control (and one for
//! the footnote or comment being read), and one [`FlowBuilder`] for the document flow.
//!
//! Text boxes put paragraphs *inside* a paragraph; a sink keeps them apart and places them right
//! after the paragraph that anchors them, so a text box's text stands where the box stands, once.

use crate::model::{Block, CellRef, FlowItem, Level, Link, NoteKind, Story};
use crate::ooxml::text::{nfc, normalize};

/// What the walker knows about a paragraph when it ends.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParaInfo {
    pub style: Option<String>,
    pub heading_level: Option<u8>,
    pub list_level: Option<u8>,
    /// The paragraph mark is a tracked deletion: accepted, this paragraph joins the next one.
    pub mark_deleted: bool,
    pub in_text_box: bool,
}

/// Receives what the walker reads.
pub(crate) trait Sink {
    fn para_start(&mut self);
    fn para_end(&mut self, info: &ParaInfo);
    fn text(&mut self, s: &str);
    fn table_start(&mut self);
    fn row_start(&mut self);
    fn row_end(&mut self, deleted: bool);
    fn cell_start(&mut self);
    fn cell_end(&mut self);
    fn table_end(&mut self);
    fn link_start(&mut self, target: &str);
    fn link_end(&mut self);
    fn note(&mut self, kind: NoteKind, text: &NoteText);
}

/// A footnote's or endnote's text, read before the story that references it.
#[derive(Debug, Clone)]
pub(crate) struct NoteText {
    /// The notes part it was read from.
    pub part: String,
    /// Everything the note shows, controls in it included.
    pub whole: String,
    /// Its text outside the controls in it.
    pub outside: String,
}

#[derive(Debug, Default)]
struct Para {
    raw: String,
    /// Blocks that finished while this paragraph was open and before any of its text (a
    /// text box anchored at its start): they come before it.
    before: Vec<Block>,
    /// Blocks that finished while this paragraph was open (text boxes, notes): they follow it.
    deferred: Vec<Block>,
    links: Vec<Link>,
    open_links: Vec<(usize, String)>,
    merge_next: bool,
}

#[derive(Debug)]
enum Frame {
    Para(Para),
    Table(Vec<Vec<String>>),
    Row { cells: Vec<String>, deleted: bool },
    Cell(Vec<Block>),
}

/// Builds the blocks of one control (or footnote, or comment).
#[derive(Debug, Default)]
pub(crate) struct BlockBuilder {
    blocks: Vec<Block>,
    frames: Vec<Frame>,
}

impl BlockBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// True once any text or block was received.
    pub fn has_text(&self) -> bool {
        !self.blocks.is_empty()
            || self.frames.iter().any(|f| match f {
                Frame::Para(p) => {
                    !p.raw.trim().is_empty() || !p.deferred.is_empty() || !p.before.is_empty()
                }
                Frame::Table(rows) => !rows.is_empty(),
                Frame::Row { cells, .. } => !cells.is_empty(),
                Frame::Cell(blocks) => !blocks.is_empty(),
            })
    }

    /// Closes whatever is still open and returns the blocks.
    pub fn finish(mut self) -> Vec<Block> {
        while let Some(frame) = self.frames.pop() {
            self.close(frame, &ParaInfo::default());
        }
        self.blocks
    }

    fn emit(&mut self, block: Block) {
        for frame in self.frames.iter_mut().rev() {
            match frame {
                Frame::Para(p) if p.raw.trim().is_empty() => return p.before.push(block),
                Frame::Para(p) => return p.deferred.push(block),
                Frame::Cell(blocks) => return blocks.push(block),
                Frame::Table(_) | Frame::Row { .. } => continue,
            }
        }
        self.blocks.push(block);
    }

    fn close(&mut self, frame: Frame, info: &ParaInfo) {
        match frame {
            Frame::Para(p) => {
                for b in p.before {
                    self.emit(b);
                }
                let text = normalize(&p.raw);
                if !text.is_empty() {
                    let block = match info.list_level {
                        Some(level) => Block::ListItem {
                            text,
                            level,
                            links: p.links,
                        },
                        None => Block::Paragraph {
                            text,
                            links: p.links,
                        },
                    };
                    self.emit(block);
                }
                for b in p.deferred {
                    self.emit(b);
                }
            }
            Frame::Cell(blocks) => {
                let text = nfc(crate::model::blocks_text(&blocks));
                if let Some(Frame::Row { cells, .. }) = self.frames.last_mut() {
                    cells.push(text);
                }
            }
            Frame::Row { cells, deleted } => {
                if !deleted && let Some(Frame::Table(rows)) = self.frames.last_mut() {
                    rows.push(cells);
                }
            }
            Frame::Table(rows) => {
                if rows.iter().any(|r| r.iter().any(|c| !c.is_empty())) {
                    self.emit(Block::Table { rows });
                }
            }
        }
    }

    /// Closes frames from the top until one matching `is_target` is closed.
    fn close_through(&mut self, is_target: fn(&Frame) -> bool) {
        if !self.frames.iter().any(is_target) {
            return;
        }
        while let Some(frame) = self.frames.pop() {
            let done = is_target(&frame);
            self.close(frame, &ParaInfo::default());
            if done {
                break;
            }
        }
    }

    fn para(&mut self) -> &mut Para {
        if !matches!(self.frames.last(), Some(Frame::Para(_))) {
            self.frames.push(Frame::Para(Para::default()));
        }
        match self.frames.last_mut() {
            Some(Frame::Para(p)) => p,
            _ => unreachable!("a paragraph frame was just pushed"),
        }
    }
}

impl Sink for BlockBuilder {
    fn para_start(&mut self) {
        if let Some(Frame::Para(p)) = self.frames.last_mut()
            && p.merge_next
        {
            p.merge_next = false;
            return;
        }
        self.frames.push(Frame::Para(Para::default()));
    }

    fn para_end(&mut self, info: &ParaInfo) {
        if !matches!(self.frames.last(), Some(Frame::Para(_))) {
            return;
        }
        if info.mark_deleted {
            if let Some(Frame::Para(p)) = self.frames.last_mut() {
                p.merge_next = true;
            }
            return;
        }
        if let Some(frame) = self.frames.pop() {
            self.close(frame, info);
        }
    }

    fn text(&mut self, s: &str) {
        self.para().raw.push_str(s);
    }

    fn table_start(&mut self) {
        self.frames.push(Frame::Table(Vec::new()));
    }

    fn row_start(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::Table(_))) {
            self.frames.push(Frame::Table(Vec::new()));
        }
        self.frames.push(Frame::Row {
            cells: Vec::new(),
            deleted: false,
        });
    }

    fn row_end(&mut self, deleted: bool) {
        if let Some(Frame::Row { deleted: d, .. }) = self
            .frames
            .iter_mut()
            .rev()
            .find(|f| matches!(f, Frame::Row { .. }))
        {
            *d = deleted;
        }
        self.close_through(|f| matches!(f, Frame::Row { .. }));
    }

    fn cell_start(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::Row { .. })) {
            self.row_start();
        }
        self.frames.push(Frame::Cell(Vec::new()));
    }

    fn cell_end(&mut self) {
        self.close_through(|f| matches!(f, Frame::Cell(_)));
    }

    fn table_end(&mut self) {
        self.close_through(|f| matches!(f, Frame::Table(_)));
    }

    fn link_start(&mut self, target: &str) {
        let p = self.para();
        let at = p.raw.len();
        p.open_links.push((at, target.to_owned()));
    }

    fn link_end(&mut self) {
        if let Some(Frame::Para(p)) = self.frames.last_mut()
            && let Some((start, target)) = p.open_links.pop()
        {
            let text = normalize(&p.raw[start.min(p.raw.len())..]);
            if !text.is_empty() || !target.is_empty() {
                p.links.push(Link { text, target });
            }
        }
    }

    fn note(&mut self, kind: NoteKind, text: &NoteText) {
        if text.whole.is_empty() {
            return;
        }
        let block = Block::Note {
            note: kind,
            text: text.whole.clone(),
        };
        match self.frames.last_mut() {
            Some(Frame::Para(p)) => p.deferred.push(block),
            _ => self.emit(block),
        }
    }
}

#[derive(Debug, Default)]
struct FlowPara {
    raw: String,
    /// The paragraph's text with its inline controls' text in place.
    full: String,
    controls: Vec<usize>,
    comments: Vec<String>,
    deferred: Vec<FlowItem>,
    cell: Option<CellRef>,
    merge_next: bool,
}

#[derive(Debug)]
struct TablePos {
    table: usize,
    row: Option<usize>,
    column: Option<usize>,
    row_deleted: bool,
    /// How many items the flow held when the current row started: a deleted row's items
    /// are the ones after.
    row_items: usize,
}

/// Builds the document flow of one part: its paragraphs (text outside controls) and its
/// top-level controls, in order.
#[derive(Debug)]
pub(crate) struct FlowBuilder {
    part: String,
    story: Story,
    items: Vec<FlowItem>,
    paras: Vec<FlowPara>,
    tables: Vec<TablePos>,
    table_count: usize,
    pending_comments: Vec<String>,
}

impl FlowBuilder {
    pub fn new(part: &str, story: Story) -> Self {
        FlowBuilder {
            part: part.to_owned(),
            story,
            items: Vec::new(),
            paras: Vec::new(),
            tables: Vec::new(),
            table_count: 0,
            pending_comments: Vec::new(),
        }
    }

    pub fn finish(mut self) -> Vec<FlowItem> {
        while !self.paras.is_empty() {
            self.para_end(&ParaInfo::default());
        }
        self.items
    }

    fn emit(&mut self, item: FlowItem) {
        match self.paras.last_mut() {
            Some(p) => p.deferred.push(item),
            None => self.items.push(item),
        }
    }

    fn cell(&self) -> Option<CellRef> {
        let t = self.tables.last()?;
        Some(CellRef {
            table: t.table,
            row: t.row.unwrap_or(0),
            column: t.column.unwrap_or(0),
        })
    }

    /// A top-level block, row or cell control starts here. A row control wraps the next
    /// row, a cell control the next cell, so that is where it stands.
    pub fn control(&mut self, control: usize, level: Level) {
        let cell = match (level, self.tables.last()) {
            (Level::Row, Some(t)) => Some(CellRef {
                table: t.table,
                row: t.row.map_or(0, |r| r + 1),
                column: 0,
            }),
            (Level::Cell, Some(t)) => Some(CellRef {
                table: t.table,
                row: t.row.unwrap_or(0),
                column: t.column.map_or(0, |c| c + 1),
            }),
            _ => self.cell(),
        };
        let item = FlowItem::Control {
            part: self.part.clone(),
            story: self.story,
            control,
            cell,
        };
        self.emit(item);
    }

    /// A top-level inline control starts in the current paragraph.
    pub fn inline_control(&mut self, control: usize) {
        match self.paras.last_mut() {
            Some(p) => p.controls.push(control),
            None => self.control(control, Level::Inline),
        }
    }

    /// Text inside a control that stands in the current paragraph: it counts for the
    /// paragraph's full text only.
    pub fn control_text(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.full.push_str(s);
        }
    }

    /// A comment is anchored here.
    pub fn comment(&mut self, id: &str) {
        match self.paras.last_mut() {
            Some(p) => p.comments.push(id.to_owned()),
            None => self.pending_comments.push(id.to_owned()),
        }
    }
}

impl Sink for FlowBuilder {
    fn para_start(&mut self) {
        if let Some(p) = self.paras.last_mut()
            && p.merge_next
        {
            p.merge_next = false;
            return;
        }
        let cell = self.cell();
        let comments = std::mem::take(&mut self.pending_comments);
        self.paras.push(FlowPara {
            cell,
            comments,
            ..FlowPara::default()
        });
    }

    fn para_end(&mut self, info: &ParaInfo) {
        if info.mark_deleted {
            if let Some(p) = self.paras.last_mut() {
                p.merge_next = true;
            }
            return;
        }
        let Some(p) = self.paras.pop() else { return };
        let deleted_row = self.tables.iter().any(|t| t.row_deleted);
        let text = normalize(&p.raw);
        if !deleted_row && (!text.is_empty() || !p.controls.is_empty() || !p.comments.is_empty()) {
            let full_text = (!p.controls.is_empty()).then(|| normalize(&p.full));
            let item = FlowItem::Paragraph {
                part: self.part.clone(),
                story: self.story,
                text,
                full_text,
                style: info.style.clone(),
                heading_level: info.heading_level,
                list_level: info.list_level,
                cell: p.cell,
                in_text_box: info.in_text_box,
                controls: p.controls,
                comments: p.comments,
            };
            self.emit(item);
        }
        for item in p.deferred {
            self.emit(item);
        }
    }

    fn text(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.raw.push_str(s);
            p.full.push_str(s);
        }
    }

    fn table_start(&mut self) {
        self.tables.push(TablePos {
            table: self.table_count,
            row: None,
            column: None,
            row_deleted: false,
            row_items: self.items.len(),
        });
        self.table_count += 1;
    }

    fn row_start(&mut self) {
        if self.tables.is_empty() {
            self.table_start();
        }
        if let Some(t) = self.tables.last_mut() {
            t.row = Some(t.row.map_or(0, |r| r + 1));
            t.column = None;
            t.row_deleted = false;
            t.row_items = self.items.len();
        }
    }

    fn row_end(&mut self, deleted: bool) {
        if let Some(t) = self.tables.last_mut() {
            t.row_deleted = deleted;
        }
        // The row's paragraphs have been emitted already; drop them if the row was deleted.
        // They stand after the row's start: only those are looked at, so that many deleted
        // rows cost linear time.
        if deleted && let Some(t) = self.tables.last() {
            let (table, row, start) = (t.table, t.row, t.row_items.min(self.items.len()));
            let row_items = self.items.split_off(start);
            self.items
                .extend(row_items.into_iter().filter(|item| match item {
                    FlowItem::Paragraph { cell: Some(c), .. } => {
                        !(c.table == table && Some(c.row) == row)
                    }
                    _ => true,
                }));
        }
        if let Some(t) = self.tables.last_mut() {
            t.row_deleted = false;
        }
    }

    fn cell_start(&mut self) {
        if self.tables.is_empty() {
            self.table_start();
        }
        if let Some(t) = self.tables.last_mut() {
            if t.row.is_none() {
                t.row = Some(0);
            }
            t.column = Some(t.column.map_or(0, |c| c + 1));
        }
    }

    fn cell_end(&mut self) {}

    fn table_end(&mut self) {
        self.tables.pop();
    }

    fn link_start(&mut self, _target: &str) {}

    fn link_end(&mut self) {}

    fn note(&mut self, kind: NoteKind, text: &NoteText) {
        if text.whole.is_empty() {
            return;
        }
        let item = FlowItem::Paragraph {
            part: text.part.clone(),
            story: match kind {
                NoteKind::Footnote => Story::Footnote,
                NoteKind::Endnote => Story::Endnote,
            },
            text: text.outside.clone(),
            full_text: (text.outside != text.whole).then(|| text.whole.clone()),
            style: None,
            heading_level: None,
            list_level: None,
            cell: self.cell(),
            in_text_box: false,
            controls: Vec::new(),
            comments: Vec::new(),
        };
        self.emit(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(b: &mut BlockBuilder, text: &str) {
        b.para_start();
        b.text(text);
        b.para_end(&ParaInfo::default());
    }

    #[test]
    fn paragraphs_and_empty_ones() {
        let mut b = BlockBuilder::new();
        para(&mut b, "  first ");
        para(&mut b, "   ");
        para(&mut b, "second");
        let blocks = b.finish();
        assert_eq!(crate::model::blocks_text(&blocks), "first\nsecond");
        assert_eq!(blocks.len(), 2);
    }

    #[test]
    fn text_box_paragraphs_follow_their_anchor() {
        let mut b = BlockBuilder::new();
        b.para_start();
        b.text("anchor ");
        b.para_start(); // inside the text box
        b.text("boxed");
        b.para_end(&ParaInfo::default());
        b.text("after");
        b.para_end(&ParaInfo::default());
        assert_eq!(
            crate::model::blocks_text(&b.finish()),
            "anchor after\nboxed"
        );
    }

    #[test]
    fn a_text_box_at_the_start_of_its_anchor_comes_first() {
        let mut b = BlockBuilder::new();
        b.para_start();
        b.para_start(); // the text box, before any text of the anchor
        b.text("boxed");
        b.para_end(&ParaInfo::default());
        b.text("anchor");
        b.para_end(&ParaInfo::default());
        assert_eq!(crate::model::blocks_text(&b.finish()), "boxed\nanchor");
    }

    #[test]
    fn deleted_paragraph_mark_joins_paragraphs() {
        let mut b = BlockBuilder::new();
        b.para_start();
        b.text("one ");
        b.para_end(&ParaInfo {
            mark_deleted: true,
            ..Default::default()
        });
        para(&mut b, "two");
        assert_eq!(crate::model::blocks_text(&b.finish()), "one two");
    }

    #[test]
    fn tables_join_cells_with_tabs_and_rows_with_line_breaks() {
        let mut b = BlockBuilder::new();
        b.table_start();
        for row in [["a", "b"], ["c", ""]] {
            b.row_start();
            for cell in row {
                b.cell_start();
                para(&mut b, cell);
                b.cell_end();
            }
            b.row_end(false);
        }
        b.row_start();
        b.cell_start();
        para(&mut b, "deleted row");
        b.cell_end();
        b.row_end(true);
        b.table_end();
        assert_eq!(crate::model::blocks_text(&b.finish()), "a\tb\nc\t");
    }

    #[test]
    fn a_row_control_builds_its_own_table() {
        let mut b = BlockBuilder::new();
        b.row_start();
        b.cell_start();
        para(&mut b, "x");
        b.cell_end();
        b.cell_start();
        para(&mut b, "y");
        b.cell_end();
        b.row_end(false);
        assert_eq!(crate::model::blocks_text(&b.finish()), "x\ty");
    }

    #[test]
    fn inline_text_without_paragraph_start_is_kept() {
        let mut b = BlockBuilder::new();
        b.text("inline answer");
        assert_eq!(crate::model::blocks_text(&b.finish()), "inline answer");
    }

    #[test]
    fn links_keep_text_and_target() {
        let mut b = BlockBuilder::new();
        b.para_start();
        b.text("see ");
        b.link_start("https://start.stockholm/");
        b.text("start.stockholm");
        b.link_end();
        b.para_end(&ParaInfo::default());
        let blocks = b.finish();
        let Block::Paragraph { links, .. } = &blocks[0] else {
            panic!()
        };
        assert_eq!(links[0].text, "start.stockholm");
        assert_eq!(links[0].target, "https://start.stockholm/");
    }

    #[test]
    fn flow_records_cells_and_inline_controls() {
        let mut f = FlowBuilder::new("word/document.xml", Story::Body);
        f.table_start();
        f.row_start();
        f.cell_start();
        f.para_start();
        f.text("Nämnd");
        f.para_end(&ParaInfo::default());
        f.cell_end();
        f.cell_start();
        f.para_start();
        f.inline_control(0);
        f.para_end(&ParaInfo::default());
        f.cell_end();
        f.row_end(false);
        f.table_end();
        let items = f.finish();
        assert_eq!(items.len(), 2);
        match &items[1] {
            FlowItem::Paragraph { cell, controls, .. } => {
                assert_eq!(controls, &vec![0]);
                assert_eq!(cell.unwrap().column, 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_deleted_row_leaves_the_flow_and_the_rows_around_it_stay() {
        let mut f = FlowBuilder::new("word/document.xml", Story::Body);
        f.table_start();
        for (text, deleted) in [("kvar", false), ("struken", true), ("också kvar", false)] {
            f.row_start();
            f.cell_start();
            f.para_start();
            f.text(text);
            f.para_end(&ParaInfo::default());
            f.cell_end();
            f.row_end(deleted);
        }
        f.table_end();
        let texts: Vec<String> = f
            .finish()
            .into_iter()
            .map(|item| match item {
                FlowItem::Paragraph { text, .. } => text,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(texts, vec!["kvar", "också kvar"]);
    }
}
