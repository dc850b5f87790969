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

use quick_xml::events::BytesStart;

use crate::model::{Control, ControlType, PlaceholderSignal, Status, Value};
use crate::ooxml::text::normalize;
use crate::xml::{Namespaces, Ns, on_off};

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
