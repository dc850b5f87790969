//! The budget of one form: what it may still hold, counted as its parts are walked, so that
//! a small hostile form cannot make the model take gigabytes. It does not decide the limits
//! (see [`Limits`]); it draws on them.

use std::cell::Cell;

use crate::error::ErrorKind;
use crate::package::Limits;

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
    pub(super) fn element(&self) -> std::result::Result<(), ErrorKind> {
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
    pub(super) fn hold_text(&self, bytes: u64) -> std::result::Result<(), ErrorKind> {
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
    pub(super) fn controls_left(&self) -> usize {
        self.controls.get()
    }

    /// Takes `n` controls, or refuses the form.
    pub(super) fn take_controls(&self, n: usize) -> std::result::Result<(), ErrorKind> {
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
