//! Where read text goes. The walker reports structure (paragraphs, tables, rows, cells) and
//! content (text, links, notes) to *sinks*: one [`BlockBuilder`] per open control (and one for
//! the footnote or comment being read), and one [`FlowBuilder`] for the document flow. A
//! control that may still turn out to show its placeholder keeps what the sinks outside it
//! would get [`Held`] until its end.
//!
//! Text boxes put paragraphs *inside* a paragraph; a sink keeps them apart and places them right
//! after the paragraph that anchors them, so a text box's text stands where the box stands, once.

mod blocks;
mod flow;
mod held;

use crate::model::NoteKind;

pub(crate) use blocks::BlockBuilder;
pub(crate) use flow::FlowBuilder;
pub(crate) use held::Held;

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
