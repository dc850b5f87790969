//! The sink that builds a control's blocks (or a footnote's, or a comment's): paragraphs, list
//! items, tables, links and notes, nested as the story nests them. Text boxes and notes met
//! inside a paragraph are kept apart and placed beside it (see [`sinks`](super)).

use crate::model::{Block, Link, NoteKind};
use crate::ooxml::text::{nfc, normalize};

use super::{NoteText, ParaInfo, Sink};

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
}
