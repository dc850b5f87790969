//! The sink that builds a part's document flow: its paragraphs (the text outside answering
//! controls, with the cell each stands in) and its top-level controls, in reading order.

use crate::model::{CellRef, FlowItem, Level, NoteKind, Story};
use crate::ooxml::text::normalize;

use super::{NoteText, ParaInfo, Sink};

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
