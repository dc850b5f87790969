//! The control lifecycle. A `w:sdt` is pending while its properties (`w:sdtPr`) are read; it
//! opens as a control when its content starts (or at its end, when it has none), collects what
//! is read while open (see [`routing`](super::routing)), and is finished at its end: text,
//! blocks, status and value. A legacy form field opens and finishes through the same steps
//! (see [`fields`](super::fields)). A `w:sdt` whose markup a tracked change removed never
//! opens (see [`changes`](super::changes)). What the properties mean is
//! [`controls`](crate::ooxml::controls)'.

use quick_xml::events::BytesStart;

use crate::model::{Control, ControlType, Level, Origin, Status, blocks_text};
use crate::ooxml::controls::{SdtProps, finish_sdt};
use crate::ooxml::sinks::{BlockBuilder, Held};
use crate::xml::Ns;

use super::fields::FfData;
use super::routing::OpenControl;
use super::{Container, Kind, Scope, Walker};

/// A `w:sdt` being read.
pub(super) struct PendingSdt {
    props: SdtProps,
    level: Level,
    /// Its control, once opened.
    control: Option<usize>,
    /// Its markup was deleted or moved away with tracked changes: accepted, it is no control.
    removed: bool,
}

impl Walker<'_> {
    #[inline]
    pub(super) fn sdt_start(&mut self, here: Scope, empty: bool) {
        let level = match here.container {
            Container::Paragraph => Level::Inline,
            Container::Table => Level::Row,
            Container::Row => Level::Cell,
            Container::Blocks => Level::Block,
        };
        self.sdts.push(PendingSdt {
            props: SdtProps::default(),
            level,
            control: None,
            removed: self.in_removed_markup(),
        });
        self.push(Kind::Sdt, here, empty);
    }

    /// Elements inside `w:sdtPr`, at any depth.
    #[inline]
    pub(super) fn control_property(
        &mut self,
        ns: Ns,
        local: &[u8],
        e: &BytesStart<'_>,
        here: Scope,
        empty: bool,
    ) {
        let skip = match self.sdts.last_mut() {
            Some(p) => p.props.element(&self.names, ns, local, e),
            None => false,
        };
        if skip {
            self.skip_subtree(empty);
        } else {
            self.push(Kind::Other, here, empty);
        }
    }

    pub(super) fn sdt_content_start(&mut self, here: Scope, empty: bool) {
        self.open_pending_sdt();
        self.push(Kind::Other, here, empty);
    }

    pub(super) fn sdt_end(&mut self) {
        self.open_pending_sdt();
        if let Some(pending) = self.sdts.pop()
            && let Some(c) = pending.control
        {
            self.finish_sdt(c, &pending.props);
        }
    }

    /// Opens the innermost pending `w:sdt` as a control, once.
    fn open_pending_sdt(&mut self) {
        let Some(pending) = self.sdts.last() else {
            return;
        };
        if pending.control.is_some() || pending.removed {
            return;
        }
        let (level, marked) = (pending.level, pending.props.showing_placeholder);
        let group = pending.props.control_type == Some(ControlType::Group);
        let c = self.open_control(Origin::ContentControl, level, marked, group);
        if let Some(pending) = self.sdts.last_mut() {
            pending.props.apply(&mut self.out.controls[c]);
            pending.control = Some(c);
        }
    }

    /// Adds a control here, inside the innermost open one, and starts collecting its text.
    /// `marked`: Word marks it as showing its placeholder; `group`: a group control.
    pub(super) fn open_control(
        &mut self,
        origin: Origin,
        level: Level,
        marked: bool,
        group: bool,
    ) -> usize {
        let index = self.out.controls.len();
        let parent = self.sinks.innermost();
        if let Some(p) = parent {
            self.out.controls[p].children.push(index);
        }
        let here = self.here();
        let mut control = Control::blank(index, self.part.clone(), self.story, level, origin);
        control.parent = parent;
        control.in_table = here.in_table;
        control.in_text_box = here.in_text_box;
        self.out.controls.push(control);
        // A control stands in the flow when no control holds it but groups.
        if self.sinks.in_flow()
            && let Some(flow) = self.sinks.flow.as_mut()
        {
            match level {
                Level::Inline => flow.inline_control(index),
                _ => flow.control(index, level),
            }
        }
        self.sinks.open.push(OpenControl {
            control: index,
            level,
            builder: BlockBuilder::new(),
            placeholder: marked,
            group,
            held: None,
        });
        self.sinks.hold_for_status();
        index
    }

    /// Stops collecting a control's text and stores its blocks and text. Returns what it held
    /// back from the sinks outside it, with where it stood among the open controls.
    fn close_control(&mut self, index: usize) -> Option<(usize, Held)> {
        let pos = self.sinks.open.iter().rposition(|o| o.control == index)?;
        let open = self.sinks.open.remove(pos);
        let blocks = open.builder.finish();
        let c = &mut self.out.controls[index];
        c.text = blocks_text(&blocks);
        c.blocks = blocks;
        open.held.map(|held| (pos, held))
    }

    /// Gives on what a finished control held back: its text only if it is no placeholder.
    fn release(&mut self, index: usize, held: Option<(usize, Held)>) {
        if let Some((at, held)) = held {
            let placeholder = self.out.controls[index].status == Status::Placeholder;
            self.sinks.release(at, held, placeholder);
        }
    }

    fn finish_sdt(&mut self, index: usize, props: &SdtProps) {
        let held = self.close_control(index);
        finish_sdt(&mut self.out.controls[index], props, self.ctx.glossary);
        self.release(index, held);
    }

    pub(super) fn finish_legacy(&mut self, index: usize, ff: FfData) {
        // Word draws a drop-down field's selected entry; the XML holds no result text for it.
        // It is visible text all the same, so it goes where result text would have gone.
        if let Some(entry) = ff.selected_entry()
            && self
                .sinks
                .open
                .iter()
                .any(|o| o.control == index && !o.builder.has_text())
        {
            self.text(entry);
        }
        let held = self.close_control(index);
        ff.finish(&mut self.out.controls[index]);
        self.release(index, held);
    }
}
