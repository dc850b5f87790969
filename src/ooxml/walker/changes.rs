//! Tracked changes (ECMA-376 Part 1 §17.13.5): what kinds there are and how each is read,
//! wherever it stands: around runs, on a paragraph mark, on a table row, on a control's own
//! markup. A form is read as if every change was accepted: deleted and moved-away content is
//! dropped, inserted and moved-here content is kept, and every change is reported (on the part
//! and on each control it falls in). What a deleted paragraph mark or row then does to the
//! text is for the sinks to carry out.
//!
//! A control's own markup (its tags, not its content) deleted or moved away is marked by a
//! range around each of its tags, as Word writes it when a control is removed or moved:
//!
//! ```xml
//! <w:customXmlDelRangeStart w:id="1" w:author="…"/>   the start tag's range opens
//! <w:sdt><w:sdtPr>…</w:sdtPr><w:sdtContent>
//!   <w:customXmlDelRangeEnd w:id="1"/>
//!   <w:r><w:t>kept as text where it stands</w:t></w:r>
//!   <w:customXmlDelRangeStart w:id="2" w:author="…"/>  the end tag's range
//! </w:sdtContent></w:sdt>
//! <w:customXmlDelRangeEnd w:id="2"/>
//! ```
//!
//! Accepted, such a control is gone: a `w:sdt` starting inside a range of removed markup is no
//! control, and its content is read where it stands (dropped too where it is itself deleted or
//! moved away, as a moved control's content is).

use quick_xml::events::BytesStart;

use crate::xml::Ns;

use super::{Kind, Scope, Walker};

/// A tracked change, by the element that marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TrackedChange {
    /// `w:ins`: inserted content.
    Insertion,
    /// `w:del`: deleted content.
    Deletion,
    /// `w:moveTo`: content moved here.
    MoveTo,
    /// `w:moveFrom`: content moved away from here.
    MoveFrom,
    /// `w:customXmlInsRangeStart`, `w:customXmlMoveToRangeStart`: a control's (or custom XML
    /// element's) own markup inserted or moved here; its content stays where it is.
    MarkupAdded,
    /// `w:customXmlDelRangeStart`, `w:customXmlMoveFromRangeStart`: a control's own markup
    /// deleted or moved away; its content stays where it is, the control is gone.
    MarkupRemoved,
}

impl TrackedChange {
    /// The change a WordprocessingML element marks, if it marks one.
    #[inline]
    pub fn of(local: &[u8]) -> Option<TrackedChange> {
        Some(match local {
            b"ins" => TrackedChange::Insertion,
            b"del" => TrackedChange::Deletion,
            b"moveTo" => TrackedChange::MoveTo,
            b"moveFrom" => TrackedChange::MoveFrom,
            b"customXmlInsRangeStart" | b"customXmlMoveToRangeStart" => TrackedChange::MarkupAdded,
            b"customXmlDelRangeStart" | b"customXmlMoveFromRangeStart" => {
                TrackedChange::MarkupRemoved
            }
            _ => return None,
        })
    }

    /// Whether what the change holds is still there once it is accepted.
    #[inline]
    pub fn content_stays(self) -> bool {
        !matches!(self, TrackedChange::Deletion | TrackedChange::MoveFrom)
    }
}

impl Walker<'_> {
    /// A change around story content: its content is read, or dropped, as if accepted.
    pub(super) fn tracked_content(
        &mut self,
        local: &[u8],
        e: &BytesStart<'_>,
        here: Scope,
        empty: bool,
    ) {
        let Some(change) = TrackedChange::of(local) else {
            return self.push(Kind::Other, here, empty);
        };
        self.tracked_change();
        if change == TrackedChange::MarkupRemoved {
            self.removed_markup.push(self.range_id(e));
        }
        if change.content_stays() {
            self.push(Kind::Other, here, empty);
        } else {
            self.skip_subtree(empty);
        }
    }

    /// `w:customXmlDelRangeEnd`, `w:customXmlMoveFromRangeEnd`: a range of removed markup
    /// closes (by its id: ranges may overlap).
    pub(super) fn removed_markup_end(&mut self, e: &BytesStart<'_>, here: Scope, empty: bool) {
        let id = self.range_id(e);
        if let Some(i) = self.removed_markup.iter().rposition(|open| *open == id) {
            self.removed_markup.remove(i);
        }
        self.push(Kind::Other, here, empty);
    }

    /// True while the markup read now was removed by a tracked change.
    #[inline]
    pub(super) fn in_removed_markup(&self) -> bool {
        !self.removed_markup.is_empty()
    }

    fn range_id(&self, e: &BytesStart<'_>) -> String {
        self.names
            .attr(e, Ns::W, b"id")
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    }

    /// Elements inside `w:pPr/w:rPr`: a change to the paragraph mark. Accepted, a deleted
    /// mark joins its paragraph to the next one.
    pub(super) fn mark_property(&mut self, ns: Ns, local: &[u8], empty: bool) {
        if ns == Ns::W {
            match TrackedChange::of(local) {
                Some(TrackedChange::MarkupAdded | TrackedChange::MarkupRemoved) | None => {}
                Some(change) => {
                    if !change.content_stays()
                        && let Some(p) = self.paras.last_mut()
                    {
                        p.mark_deleted = true;
                    }
                    self.tracked_change();
                }
            }
        }
        self.skip_subtree(empty);
    }

    /// Elements inside `w:trPr`: a deleted or inserted row (a row's properties hold no moves,
    /// CT_TrPr). Accepted, a deleted row is gone.
    pub(super) fn row_property(&mut self, ns: Ns, local: &[u8], empty: bool) {
        if ns == Ns::W {
            match TrackedChange::of(local) {
                Some(TrackedChange::Deletion) => {
                    if let Some(d) = self.rows_deleted.last_mut() {
                        *d = true;
                    }
                    self.tracked_change();
                }
                Some(TrackedChange::Insertion) => self.tracked_change(),
                _ => {}
            }
        }
        self.skip_subtree(empty);
    }

    /// Reports a change: on the part and on every open control.
    pub(super) fn tracked_change(&mut self) {
        self.out.tracked_changes = true;
        for o in &self.sinks.open {
            self.out.controls[o.control].tracked_changes = true;
        }
    }
}
