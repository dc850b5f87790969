//! Fields (ECMA-376 Part 1 §17.16): complex fields nest `begin … separate … end`; only the
//! result (after `separate`) is visible, the instruction (`w:instrText`) never is. A field whose
//! `begin` carries `w:ffData` is a legacy form field (`FORMTEXT`, `FORMCHECKBOX`,
//! `FORMDROPDOWN`): a control of its own, named by `w:ffData/w:name`.
//!
//! ```xml
//! <w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Text1"/>
//!       <w:textInput><w:default w:val="Skriv"/></w:textInput></w:ffData></w:fldChar></w:r>
//! <w:r><w:instrText> FORMTEXT </w:instrText></w:r>      <- instruction: never text
//! <w:r><w:fldChar w:fldCharType="separate"/></w:r>
//! <w:r><w:t>Svaret</w:t></w:r>                            <- result: the field's text
//! <w:r><w:fldChar w:fldCharType="end"/></w:r>
//! ```
//!
//! Here are the fields' state machine (which fields are open, in which phase, whether text is
//! visible), the form field data, and the walker's side of both: where a field's link starts
//! and ends, when a form field's control opens and finishes. Simple fields (`w:fldSimple`)
//! only show their result; they matter as links.

use quick_xml::events::BytesStart;

use crate::model::{Control, ControlType, Level, Origin, PlaceholderSignal, Status, Value};
use crate::ooxml::text::normalize;
use crate::xml::{Namespaces, Ns, on_off};

use super::{Kind, Reading, Scope, Walker};

/// What a `w:fldChar` marks (`w:fldCharType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FldCharType {
    Begin,
    Separate,
    End,
    Other,
}

/// The complex fields open at this point of the story, innermost last. Fields nest by their
/// `begin` and `end` characters, which may stand in different paragraphs: not by elements.
#[derive(Debug, Default)]
pub(super) struct Fields {
    open: Vec<(Field, Option<FfData>)>,
    /// How many of `open` are still in their instruction: text is hidden while any is.
    /// Counted, not looked up, so that a run of unfinished fields costs linear time.
    instructions: usize,
    /// The form field data of the `w:fldChar` being read.
    ff: Option<FfData>,
}

impl Fields {
    /// True while any open field is in its instruction: no text is visible then (§17.16.18).
    #[inline]
    pub fn hiding(&self) -> bool {
        self.instructions > 0
    }

    /// Instruction text (`w:instrText`), for the innermost field while in its instruction.
    pub fn instruction(&mut self, s: &str) {
        if let Some((field, _)) = self.open.last_mut()
            && field.phase == Phase::Instruction
        {
            field.push_instruction(s);
        }
    }

    fn begin(&mut self, control: Option<usize>, ff: Option<FfData>) {
        self.open.push((Field::new(control), ff));
        self.instructions += 1;
    }

    /// The innermost field's result starts; the target it links to, if it is a link.
    fn separate(&mut self) -> Option<String> {
        let (field, _) = self.open.last_mut()?;
        if field.phase == Phase::Instruction {
            self.instructions -= 1;
        }
        field.phase = Phase::Result;
        let target = field.hyperlink_target();
        field.link = target.is_some();
        target
    }

    fn end(&mut self) -> Option<(Field, Option<FfData>)> {
        let (field, ff) = self.open.pop()?;
        if field.phase == Phase::Instruction {
            self.instructions -= 1;
        }
        Some((field, ff))
    }
}

/// Where in a complex field the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Between `begin` and `separate`: the instruction.
    Instruction,
    /// Between `separate` and `end`: the visible result.
    Result,
}

/// One open complex field.
#[derive(Debug)]
pub(crate) struct Field {
    pub phase: Phase,
    /// The legacy form field control this field is, if it is one.
    pub control: Option<usize>,
    /// The instruction text, kept short (enough to see `HYPERLINK "…"`).
    pub instruction: String,
    pub link: bool,
}

impl Field {
    pub fn new(control: Option<usize>) -> Self {
        Field {
            phase: Phase::Instruction,
            control,
            instruction: String::new(),
            link: false,
        }
    }

    pub fn push_instruction(&mut self, s: &str) {
        if self.instruction.len() < 2048 {
            self.instruction.push_str(s);
        }
    }

    /// The target of a `HYPERLINK "url"` or `HYPERLINK \l "bookmark"` instruction.
    pub fn hyperlink_target(&self) -> Option<String> {
        let ins = self.instruction.trim();
        let rest = ins.strip_prefix("HYPERLINK")?.trim_start();
        let anchor = rest.starts_with("\\l");
        let quoted = rest.split('"').nth(1)?;
        Some(if anchor {
            format!("#{quoted}")
        } else {
            quoted.to_owned()
        })
    }
}

/// The legacy form field data (`w:ffData`, §17.16.17).
#[derive(Debug, Default, Clone)]
pub(crate) struct FfData {
    pub name: Option<String>,
    pub kind: Option<ControlType>,
    pub checked: Option<bool>,
    pub default_checked: Option<bool>,
    pub entries: Vec<String>,
    pub result: Option<usize>,
    pub default_index: Option<usize>,
    pub default_text: Option<String>,
    /// True once `w:ffData` was seen: the field is a form field.
    pub present: bool,
    in_dd: bool,
}

impl FfData {
    /// Takes in one element inside `w:ffData`.
    pub fn element(&mut self, names: &Namespaces, local: &[u8], e: &BytesStart<'_>) {
        let val = || names.attr(e, Ns::W, b"val").map(|v| v.into_owned());
        match local {
            b"ffData" => self.present = true,
            b"name" => self.name = val(),
            b"checkBox" => {
                self.kind = Some(ControlType::LegacyCheckbox);
                self.in_dd = false;
            }
            b"ddList" => {
                self.kind = Some(ControlType::LegacyDropDown);
                self.in_dd = true;
            }
            b"textInput" => {
                self.kind = Some(ControlType::LegacyText);
                self.in_dd = false;
            }
            b"checked" => self.checked = Some(on_off(val().as_deref())),
            b"default" => match self.kind {
                Some(ControlType::LegacyCheckbox) => {
                    self.default_checked = Some(on_off(val().as_deref()))
                }
                Some(ControlType::LegacyDropDown) => {
                    self.default_index = val().and_then(|v| v.trim().parse().ok())
                }
                _ => self.default_text = val(),
            },
            b"result" if self.in_dd => self.result = val().and_then(|v| v.trim().parse().ok()),
            b"listEntry" => {
                if let Some(v) = val() {
                    self.entries.push(v);
                }
            }
            _ => {}
        }
    }

    /// Sets the properties known when the field begins.
    pub fn apply(&self, c: &mut Control) {
        c.control_type = self.kind.unwrap_or(ControlType::LegacyText);
        c.tag = self.name.clone().filter(|n| !n.is_empty());
        c.list_items = self
            .entries
            .iter()
            .map(|e| crate::model::ListItem {
                display_text: e.clone(),
                value: e.clone(),
            })
            .collect();
    }

    /// The selected entry of a drop-down field (`w:result`, else `w:default`, else the first).
    pub fn selected_entry(&self) -> Option<&str> {
        if self.kind != Some(ControlType::LegacyDropDown) {
            return None;
        }
        let i = self.result.or(self.default_index).unwrap_or(0);
        self.entries.get(i).map(String::as_str)
    }

    /// Decides status and value once the field's result text is known.
    pub fn finish(&self, c: &mut Control) {
        match c.control_type {
            ControlType::LegacyCheckbox => {
                let checked = self.checked.or(self.default_checked).unwrap_or(false);
                c.value = Some(Value::Boolean(checked));
                c.status = Status::Answered;
            }
            ControlType::LegacyDropDown => match self.selected_entry() {
                Some(entry) => {
                    c.value = Some(Value::Choice {
                        value: entry.to_owned(),
                        display_text: c.text.clone(),
                    });
                    c.status = Status::Answered;
                }
                None => c.status = Status::Empty,
            },
            _ => {
                let default = self.default_text.as_deref().map(normalize);
                c.status = if c.text.is_empty() {
                    Status::Empty
                } else if default.is_some_and(|d| !d.is_empty() && d == c.text) {
                    c.placeholder_signal = Some(PlaceholderSignal::LegacyDefault);
                    Status::Placeholder
                } else {
                    Status::Answered
                };
            }
        }
    }
}

impl Walker<'_> {
    pub(super) fn field_char_start(&mut self, e: &BytesStart<'_>, here: Scope, empty: bool) {
        let kind = match self.names.attr(e, Ns::W, b"fldCharType").as_deref() {
            Some("begin") => FldCharType::Begin,
            Some("separate") => FldCharType::Separate,
            Some("end") => FldCharType::End,
            _ => FldCharType::Other,
        };
        if kind == FldCharType::Begin {
            self.fields.ff = Some(FfData::default());
        }
        self.push(Kind::FldChar(kind), here.read_as(Reading::FieldData), empty);
    }

    /// Elements inside `w:fldChar`: the form field data.
    pub(super) fn field_data(
        &mut self,
        ns: Ns,
        local: &[u8],
        e: &BytesStart<'_>,
        here: Scope,
        empty: bool,
    ) {
        if ns == Ns::W
            && let Some(ff) = self.fields.ff.as_mut()
        {
            ff.element(&self.names, local, e);
        }
        self.push(Kind::Other, here, empty);
    }

    /// A `w:fldChar` ended: what it marks takes effect.
    pub(super) fn field_char(&mut self, kind: FldCharType) {
        match kind {
            FldCharType::Begin => {
                let ff = self.fields.ff.take().filter(|ff| ff.present);
                let control = ff.as_ref().map(|ff| {
                    let c = self.open_control(Origin::LegacyFormField, Level::Inline, false, false);
                    ff.apply(&mut self.out.controls[c]);
                    c
                });
                self.fields.begin(control, ff);
            }
            FldCharType::Separate => {
                if let Some(t) = self.fields.separate() {
                    self.sinks.content(|s| s.link_start(&t));
                }
            }
            FldCharType::End => {
                if let Some((field, ff)) = self.fields.end() {
                    if field.link {
                        self.sinks.content(|s| s.link_end());
                    }
                    if let Some(c) = field.control {
                        self.finish_legacy(c, ff.unwrap_or_default());
                    }
                }
            }
            FldCharType::Other => {}
        }
    }

    pub(super) fn simple_field_start(&mut self, e: &BytesStart<'_>, here: Scope, empty: bool) {
        let mut field = Field::new(None);
        if let Some(instr) = self.names.attr(e, Ns::W, b"instr") {
            field.push_instruction(&instr);
        }
        let link = match field.hyperlink_target() {
            Some(target) => {
                self.sinks.content(|s| s.link_start(&target));
                true
            }
            None => false,
        };
        self.push(Kind::FldSimple { link }, here, empty);
    }

    /// Fields left open at the end of the part close here.
    pub(super) fn close_fields(&mut self) {
        while let Some((field, ff)) = self.fields.open.pop() {
            if let Some(c) = field.control {
                self.finish_legacy(c, ff.unwrap_or_default());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlink_instructions() {
        let mut f = Field::new(None);
        f.push_instruction(" HYPERLINK \"https://start.stockholm/\" ");
        assert_eq!(
            f.hyperlink_target().as_deref(),
            Some("https://start.stockholm/")
        );
        let mut f = Field::new(None);
        f.push_instruction(" HYPERLINK \\l \"_Toc1\" ");
        assert_eq!(f.hyperlink_target().as_deref(), Some("#_Toc1"));
        let mut f = Field::new(None);
        f.push_instruction(" PAGE ");
        assert_eq!(f.hyperlink_target(), None);
    }
}
