//! What a control holds back from the sinks outside it until its own end. Whether a control
//! shows its placeholder is known when it opens only if Word marked it (`w:showingPlcHdr`);
//! a form saved again by LibreOffice has lost that mark, and the control is then found to show
//! its placeholder by its text, at its end. Until then, what is read inside it waits here; at
//! its end it is given on, without its text when the control showed its placeholder (the
//! structure always, so that every sink sees balanced paragraphs and tables).

use crate::model::NoteKind;

use super::{NoteText, ParaInfo, Sink};

/// One thing a sink was told, kept to be told again.
#[derive(Debug)]
enum Told {
    ParaStart,
    ParaEnd(ParaInfo),
    Text(String),
    TableStart,
    RowStart,
    RowEnd(bool),
    CellStart,
    CellEnd,
    TableEnd,
    LinkStart(String),
    LinkEnd,
    Note(NoteKind, NoteText),
}

impl Told {
    /// Content (text, links, notes), as opposed to structure.
    fn is_content(&self) -> bool {
        matches!(
            self,
            Told::Text(_) | Told::LinkStart(_) | Told::LinkEnd | Told::Note(..)
        )
    }

    fn tell(&self, sink: &mut dyn Sink) {
        match self {
            Told::ParaStart => sink.para_start(),
            Told::ParaEnd(info) => sink.para_end(info),
            Told::Text(s) => sink.text(s),
            Told::TableStart => sink.table_start(),
            Told::RowStart => sink.row_start(),
            Told::RowEnd(deleted) => sink.row_end(*deleted),
            Told::CellStart => sink.cell_start(),
            Told::CellEnd => sink.cell_end(),
            Told::TableEnd => sink.table_end(),
            Told::LinkStart(target) => sink.link_start(target),
            Told::LinkEnd => sink.link_end(),
            Told::Note(kind, text) => sink.note(*kind, text),
        }
    }
}

/// What was read inside a control, held for the sinks outside it.
#[derive(Debug, Default)]
pub(crate) struct Held {
    told: Vec<Told>,
}

impl Held {
    /// Each thing held, in order, with whether it is content; `tell` gives it to a sink.
    pub fn release(self) -> impl Iterator<Item = Release> {
        self.told.into_iter().map(Release)
    }
}

/// One thing held, being given on.
pub(crate) struct Release(Told);

impl Release {
    /// Text, a link or a note: what a placeholder's holder does not give on.
    pub fn is_content(&self) -> bool {
        self.0.is_content()
    }

    pub fn tell(&self, sink: &mut dyn Sink) {
        self.0.tell(sink);
    }
}

impl Sink for Held {
    fn para_start(&mut self) {
        self.told.push(Told::ParaStart);
    }
    fn para_end(&mut self, info: &ParaInfo) {
        self.told.push(Told::ParaEnd(info.clone()));
    }
    fn text(&mut self, s: &str) {
        // Runs of one paragraph come one by one: kept as one piece of text.
        match self.told.last_mut() {
            Some(Told::Text(t)) => t.push_str(s),
            _ => self.told.push(Told::Text(s.to_owned())),
        }
    }
    fn table_start(&mut self) {
        self.told.push(Told::TableStart);
    }
    fn row_start(&mut self) {
        self.told.push(Told::RowStart);
    }
    fn row_end(&mut self, deleted: bool) {
        self.told.push(Told::RowEnd(deleted));
    }
    fn cell_start(&mut self) {
        self.told.push(Told::CellStart);
    }
    fn cell_end(&mut self) {
        self.told.push(Told::CellEnd);
    }
    fn table_end(&mut self) {
        self.told.push(Told::TableEnd);
    }
    fn link_start(&mut self, target: &str) {
        self.told.push(Told::LinkStart(target.to_owned()));
    }
    fn link_end(&mut self) {
        self.told.push(Told::LinkEnd);
    }
    fn note(&mut self, kind: NoteKind, text: &NoteText) {
        self.told.push(Told::Note(kind, text.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ooxml::sinks::BlockBuilder;

    fn held_paragraph(text: &str) -> Held {
        let mut held = Held::default();
        held.para_start();
        held.text(text);
        held.para_end(&ParaInfo::default());
        held
    }

    #[test]
    fn what_was_held_is_given_on_in_order() {
        let mut b = BlockBuilder::new();
        for r in held_paragraph("Helena Näslund").release() {
            r.tell(&mut b);
        }
        assert_eq!(crate::model::blocks_text(&b.finish()), "Helena Näslund");
    }

    #[test]
    fn without_its_content_only_the_structure_is_given_on() {
        let mut b = BlockBuilder::new();
        b.para_start();
        b.text("Nämnd: ");
        let mut held = Held::default();
        held.text("Välj ett ");
        held.text("objekt.");
        for r in held.release() {
            if !r.is_content() {
                r.tell(&mut b);
            }
        }
        b.text("(se bilaga)");
        b.para_end(&ParaInfo::default());
        let mut kept = BlockBuilder::new();
        for r in held_paragraph("Helena Näslund").release() {
            if !r.is_content() {
                r.tell(&mut kept);
            }
        }
        assert_eq!(crate::model::blocks_text(&b.finish()), "Nämnd: (se bilaga)");
        assert!(kept.finish().is_empty());
    }
}
