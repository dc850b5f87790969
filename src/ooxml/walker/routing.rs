//! Which sinks get what is read. Content (text, links, notes) goes to every open control, to
//! the capture of the note or comment being read, and to the flow when no control but groups
//! is open; placeholder text stays in the control that shows it. Structure (paragraphs,
//! tables, rows, cells) goes to every sink, so that each sees it balanced. Text is also what
//! the budget counts: each control holding it holds it twice (as text and as blocks).
//!
//! A control shows its placeholder when Word marks it so (`w:showingPlcHdr`), known when it
//! opens, or when its text turns out to be a placeholder, known only at its end (a form saved
//! again by LibreOffice has lost every mark). Such a control holds back what the sinks outside
//! it would get ([`Held`]) and gives it on at its end, without the text if it was a
//! placeholder: either way, a placeholder's text is never part of an answer around it.
//!
//! The sinks themselves (what they build of it) are [`sinks`](crate::ooxml::sinks)'.

use quick_xml::events::BytesStart;

use crate::model::Level;
use crate::ooxml::sinks::{BlockBuilder, FlowBuilder, Held, Sink};
use crate::ooxml::text::symbol_char;
use crate::xml::Ns;

use super::{Frame, Kind, Scope, Walker};

/// A control open in the story, and the sink building its blocks.
pub(super) struct OpenControl {
    pub control: usize,
    pub level: Level,
    pub builder: BlockBuilder,
    /// Shows its placeholder (`w:showingPlcHdr`): its text is not part of any control around it.
    pub placeholder: bool,
    /// A group control (`w:group`): it groups (and often locks) template text and controls;
    /// the flow sees through it.
    pub group: bool,
    /// What the sinks outside it get, held until its end while it may still turn out to show
    /// its placeholder (see [`Sinks::hold_for_status`]).
    pub held: Option<Held>,
}

/// The sinks of one part.
pub(super) struct Sinks {
    /// One per open control, innermost last.
    pub open: Vec<OpenControl>,
    /// The flow, for the parts that have one (the body, headers and footers).
    pub flow: Option<FlowBuilder>,
    /// Captures the whole footnote or comment being read.
    pub whole: Option<BlockBuilder>,
    /// Captures the footnote's text outside its controls.
    pub outside: Option<BlockBuilder>,
}

impl Sinks {
    pub fn new(flow: Option<FlowBuilder>) -> Sinks {
        Sinks {
            open: Vec::new(),
            flow,
            whole: None,
            outside: None,
        }
    }

    /// The innermost open control.
    #[inline]
    pub fn innermost(&self) -> Option<usize> {
        self.open.last().map(|o| o.control)
    }

    /// True when no control but groups is open: the flow sees what is read.
    #[inline]
    pub fn in_flow(&self) -> bool {
        self.open.iter().all(|o| o.group)
    }

    /// How many open controls hold content read now: those from the outermost one showing
    /// its placeholder inwards, else all.
    #[inline]
    fn holders(&self) -> usize {
        let from = self.open.iter().position(|o| o.placeholder).unwrap_or(0);
        self.open.len() - from
    }

    /// The innermost open control may show its placeholder without a mark saying so: until its
    /// end, what is read inside it is held back from the sinks outside it. Not when it is
    /// marked or stands inside a marked one (the mark already keeps its text from the sinks
    /// outside), nor when nothing outside it collects content.
    pub fn hold_for_status(&mut self) {
        let Some((innermost, outside)) = self.open.split_last_mut() else {
            return;
        };
        let collected_outside = !outside.is_empty() || self.whole.is_some();
        let marked = innermost.placeholder || outside.iter().any(|o| o.placeholder);
        innermost.held = (collected_outside && !marked).then(Held::default);
    }

    /// Gives on what a control held back, now that it ended (it stood at `at` among the open
    /// controls): without its content when it showed its placeholder.
    pub fn release(&mut self, at: usize, held: Held, showed_placeholder: bool) {
        for r in held.release() {
            let content = r.is_content();
            if !(content && showed_placeholder) {
                self.deliver(at, content, &mut |s| r.tell(s));
            }
        }
    }

    /// Content goes to every open control, the whole-note capture, and the flow when no
    /// control but groups is open (the flow holds only text outside answering controls).
    /// Placeholder text stays in the control that shows it: it is never part of an answer
    /// around it.
    #[inline]
    pub fn content(&mut self, mut f: impl FnMut(&mut dyn Sink)) {
        self.deliver(self.open.len(), true, &mut f);
        if self.in_flow() {
            if let Some(flow) = self.flow.as_mut() {
                f(flow);
            }
            if let Some(o) = self.outside.as_mut() {
                f(o);
            }
        }
    }

    /// Structure goes everywhere, the flow included, so every sink sees balanced paragraphs.
    #[inline]
    pub fn structure(&mut self, mut f: impl FnMut(&mut dyn Sink)) {
        self.deliver(self.open.len(), false, &mut f);
        if let Some(o) = self.outside.as_mut() {
            f(o);
        }
        if let Some(flow) = self.flow.as_mut() {
            f(flow);
        }
    }

    /// Gives what was read inside the first `end` open controls to them and to the whole-note
    /// capture, innermost first. Content stops at the outermost control marked as showing its
    /// placeholder; content and structure alike stop at a control holding back for the sinks
    /// outside it, which then hold it too, in order.
    #[inline]
    fn deliver(&mut self, end: usize, content: bool, f: &mut dyn FnMut(&mut dyn Sink)) {
        let marked = match content {
            true => self.open[..end].iter().position(|o| o.placeholder),
            false => None,
        };
        for (i, o) in self.open[..end].iter_mut().enumerate().rev() {
            f(&mut o.builder);
            if marked == Some(i) {
                return;
            }
            if let Some(held) = o.held.as_mut() {
                return f(held);
            }
        }
        if let Some(w) = self.whole.as_mut() {
            f(w);
        }
    }
}

impl Walker<'_> {
    /// Visible text: not inside a field instruction (§17.16.18).
    pub(super) fn text(&mut self, s: &str) {
        if matches!(
            self.frames.last(),
            Some(Frame {
                kind: Kind::Instr,
                ..
            })
        ) {
            self.fields.instruction(s);
            return;
        }
        if self.fields.hiding() {
            return;
        }
        // Counted before it is given out: one text event can be the whole part.
        if !self.hold_text(s.len()) {
            return;
        }
        self.sinks.content(|sink| sink.text(s));
        // An inline control's text also counts for the full text of the paragraph it is in.
        if self
            .sinks
            .open
            .iter()
            .find(|o| !o.group)
            .is_some_and(|o| o.level == Level::Inline)
            && let Some(flow) = self.sinks.flow.as_mut()
        {
            flow.control_text(s);
        }
    }

    /// Counts text held by the controls [`content`](Sinks::content) gives it to: twice for
    /// each, as a finished control keeps its text and its blocks. False when that is over the
    /// budget (the form is then refused).
    fn hold_text(&mut self, len: usize) -> bool {
        let holders = self.sinks.holders() as u64;
        match self.ctx.budget.hold_text(2 * len as u64 * holders) {
            Ok(()) => true,
            Err(kind) => {
                self.refused.get_or_insert(kind);
                false
            }
        }
    }

    /// `w:sym`: a character of a symbol font.
    pub(super) fn symbol(&mut self, e: &BytesStart<'_>) {
        let code = self
            .names
            .attr(e, Ns::W, b"char")
            .and_then(|h| u32::from_str_radix(h.trim(), 16).ok());
        let font = self.names.attr(e, Ns::W, b"font");
        if let Some(c) = code.and_then(|c| symbol_char(font.as_deref(), c)) {
            self.text(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// `w:hyperlink`: a link to a relationship's target or to a bookmark.
    pub(super) fn hyperlink_start(&mut self, e: &BytesStart<'_>, here: Scope, empty: bool) {
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
        self.sinks.content(|s| s.link_start(&target));
        self.push(Kind::Hyperlink, here, empty);
    }
}
