//! The story's structure: paragraphs, tables, rows, cells and text boxes, told to every sink as
//! they open and close, and what a paragraph's properties (`w:pPr`) say of it once it ends:
//! its style, list level and heading level. Whether a paragraph mark or a row is a tracked
//! deletion is read in [`changes`](super::changes).

use quick_xml::events::BytesStart;

use crate::ooxml::sinks::ParaInfo;
use crate::ooxml::styles::heading_level;
use crate::xml::Ns;

use super::{Container, Kind, Reading, Scope, Walker};

/// What an open paragraph's `w:pPr` said.
#[derive(Debug, Default)]
pub(super) struct ParaProps {
    style_id: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
    outline: Option<u8>,
    pub mark_deleted: bool,
}

impl Walker<'_> {
    #[inline]
    pub(super) fn paragraph_start(&mut self, here: Scope, empty: bool) {
        self.paras.push(ParaProps::default());
        self.sinks.structure(|s| s.para_start());
        self.push(Kind::P, here.inside(Container::Paragraph), empty);
    }

    #[inline]
    pub(super) fn paragraph_end(&mut self) {
        let props = self.paras.pop().unwrap_or_default();
        let info = self.para_info(props);
        self.sinks.structure(|s| s.para_end(&info));
    }

    #[inline]
    pub(super) fn table_start(&mut self, here: Scope, empty: bool) {
        self.sinks.structure(|s| s.table_start());
        let scope = Scope {
            in_table: true,
            ..here.inside(Container::Table)
        };
        self.push(Kind::Tbl, scope, empty);
    }

    #[inline]
    pub(super) fn row_start(&mut self, here: Scope, empty: bool) {
        self.rows_deleted.push(false);
        self.sinks.structure(|s| s.row_start());
        self.push(Kind::Tr, here.inside(Container::Row), empty);
    }

    #[inline]
    pub(super) fn row_end(&mut self) {
        let deleted = self.rows_deleted.pop().unwrap_or(false);
        self.sinks.structure(|s| s.row_end(deleted));
    }

    #[inline]
    pub(super) fn cell_start(&mut self, here: Scope, empty: bool) {
        self.sinks.structure(|s| s.cell_start());
        self.push(Kind::Tc, here.inside(Container::Blocks), empty);
    }

    /// A text box's paragraphs stand inside the paragraph that anchors it; the sinks place them.
    pub(super) fn text_box_start(&mut self, here: Scope, empty: bool) {
        let scope = Scope {
            in_text_box: true,
            ..here.inside(Container::Blocks)
        };
        self.push(Kind::Other, scope, empty);
    }

    /// Elements inside `w:pPr`: style, numbering and outline level; the paragraph mark's run
    /// properties are read on (`w:rPr`, see [`mark_property`](Self::mark_property)).
    #[inline]
    pub(super) fn paragraph_property(
        &mut self,
        ns: Ns,
        local: &[u8],
        e: &BytesStart<'_>,
        here: Scope,
        empty: bool,
    ) {
        if ns != Ns::W {
            return self.skip_subtree(empty);
        }
        let val = || self.names.attr(e, Ns::W, b"val").map(|v| v.into_owned());
        match local {
            b"pStyle" => {
                if let Some(p) = self.paras.last_mut() {
                    p.style_id = val();
                }
            }
            b"numPr" => return self.push(Kind::Other, here, empty),
            b"numId" => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = val();
                }
            }
            b"ilvl" => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = val().and_then(|v| v.trim().parse().ok());
                }
            }
            b"outlineLvl" => {
                if let Some(p) = self.paras.last_mut() {
                    p.outline = val().and_then(|v| v.trim().parse().ok());
                }
            }
            b"rPr" => return self.push(Kind::Other, here.read_as(Reading::MarkProps), empty),
            _ => {}
        }
        self.skip_subtree(empty);
    }

    /// What the sinks are told of a paragraph when it ends.
    fn para_info(&self, props: ParaProps) -> ParaInfo {
        let style = self.ctx.styles.for_paragraph(props.style_id.as_deref());
        let name = style
            .as_ref()
            .and_then(|s| s.name.clone())
            .or(props.style_id);
        let outline = props
            .outline
            .or(style.as_ref().and_then(|s| s.outline_level));
        let list_level = match props.num_id.as_deref().map(str::trim) {
            Some("0") => None,
            Some(_) => Some(props.ilvl.unwrap_or(0)),
            None => style
                .as_ref()
                .and_then(|s| s.numbering.as_ref())
                .map(|(_, l)| props.ilvl.unwrap_or(*l)),
        };
        let heading_level = match (outline, &style) {
            (Some(_), _) => heading_level(outline, None),
            (None, Some(s)) if s.name.is_some() => s.name_heading,
            (None, _) => heading_level(None, name.as_deref()),
        };
        ParaInfo {
            heading_level,
            style: name,
            list_level,
            mark_deleted: props.mark_deleted,
            in_text_box: self.here().in_text_box,
        }
    }
}
