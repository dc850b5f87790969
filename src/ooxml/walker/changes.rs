//! Tracked changes (ECMA-376 Part 1 §17.13.5): what kinds there are and how each is read,
//! wherever it stands: around runs, on a paragraph mark, on a table row, on a control's own
//! markup. A form is read as if every change was accepted: deleted and moved-away content is
//! dropped, inserted and moved-here content is kept, and every change is reported (on the part
//! and on each control it falls in). What a deleted paragraph mark or row then does to the
//! text is for the sinks to carry out.

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
    /// `w:customXml…RangeStart`: a control's (or custom XML element's) own markup inserted,
    /// deleted or moved; its content stays where it is.
    Markup,
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
            b"customXmlDelRangeStart"
            | b"customXmlInsRangeStart"
            | b"customXmlMoveFromRangeStart"
            | b"customXmlMoveToRangeStart" => TrackedChange::Markup,
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
    pub(super) fn tracked_content(&mut self, local: &[u8], here: Scope, empty: bool) {
        let Some(change) = TrackedChange::of(local) else {
            return self.push(Kind::Other, here, empty);
        };
        self.tracked_change();
        if change.content_stays() {
            self.push(Kind::Other, here, empty);
        } else {
            self.skip_subtree(empty);
        }
    }

    /// Elements inside `w:pPr/w:rPr`: a change to the paragraph mark. Accepted, a deleted
    /// mark joins its paragraph to the next one.
    pub(super) fn mark_property(&mut self, ns: Ns, local: &[u8], empty: bool) {
        if ns == Ns::W {
            match TrackedChange::of(local) {
                Some(TrackedChange::Markup) | None => {}
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
