//! Notes and comments. In a story, a footnote or endnote reference puts the note's text
//! (read before, from its own part) where the reference stands, and a comment's anchor ties the
//! comment to the innermost control, or outside controls to the flow paragraph. In the notes
//! and comments parts, each note and comment is captured whole as it is read.

use quick_xml::events::BytesStart;

use crate::model::{Comment, NoteKind, Story, blocks_text};
use crate::ooxml::sinks::{BlockBuilder, NoteText};
use crate::xml::Ns;

use super::{Container, Kind, Scope, Walker};

impl Walker<'_> {
    /// True in a footnotes or endnotes part, whose notes are read whole.
    #[inline]
    pub(super) fn reads_notes(&self) -> bool {
        matches!(self.story, Story::Footnote | Story::Endnote)
    }

    /// `w:footnoteReference`, `w:endnoteReference`.
    pub(super) fn note_reference(
        &mut self,
        kind: NoteKind,
        e: &BytesStart<'_>,
        here: Scope,
        empty: bool,
    ) {
        let notes = self.ctx.notes;
        if let Some(id) = self.names.attr(e, Ns::W, b"id")
            && let Some(text) = notes.get(&(kind, id.into_owned()))
        {
            self.sinks.content(|s| s.note(kind, text));
        }
        self.push(Kind::Other, here, empty);
    }

    /// `w:commentRangeStart`, `w:commentReference`.
    pub(super) fn comment_anchor(&mut self, e: &BytesStart<'_>, here: Scope, empty: bool) {
        if let Some(id) = self.names.attr(e, Ns::W, b"id") {
            self.anchor_comment(&id);
        }
        self.push(Kind::Other, here, empty);
    }

    fn anchor_comment(&mut self, id: &str) {
        if !self.anchored.insert(id.to_owned()) {
            return;
        }
        let control = self.sinks.innermost();
        self.out.anchors.push((id.to_owned(), control));
        // A comment inside a control is tied to the control, outside to the flow paragraph.
        if control.is_none()
            && let Some(flow) = self.sinks.flow.as_mut()
        {
            flow.comment(id);
        }
    }

    /// `w:footnote`, `w:endnote` in a notes part.
    pub(super) fn note_start(
        &mut self,
        kind: NoteKind,
        e: &BytesStart<'_>,
        here: Scope,
        empty: bool,
    ) {
        let id = self
            .names
            .attr(e, Ns::W, b"id")
            .map(|v| v.into_owned())
            .unwrap_or_default();
        self.sinks.whole = Some(BlockBuilder::new());
        self.sinks.outside = Some(BlockBuilder::new());
        self.push(Kind::Note(kind, id), here.inside(Container::Blocks), empty);
    }

    pub(super) fn note_end(&mut self, kind: NoteKind, id: String) {
        if let Some(whole) = self.sinks.whole.take() {
            let text = NoteText {
                part: self.part.clone(),
                whole: blocks_text(&whole.finish()),
                outside: self
                    .sinks
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

    /// `w:comment` in a comments part.
    pub(super) fn comment_start(&mut self, e: &BytesStart<'_>, here: Scope, empty: bool) {
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
        self.sinks.whole = Some(BlockBuilder::new());
        let kind = Kind::Comment(Box::new(comment));
        self.push(kind, here.inside(Container::Blocks), empty);
    }

    pub(super) fn comment_end(&mut self, mut comment: Comment) {
        if let Some(whole) = self.sinks.whole.take() {
            comment.text = blocks_text(&whole.finish());
        }
        self.out.comments.push(comment);
    }
}
