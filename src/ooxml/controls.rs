//! Content control properties (`w:sdtPr`, ECMA-376 Part 1 §17.5.2) and what they say once the
//! control's text is known: its status (answered, placeholder, empty), its typed value, and
//! whether its data binding agrees with what is visible.

use quick_xml::events::BytesStart;

use crate::model::{
    Control, ControlType, DataBinding, ListItem, PlaceholderSignal, Status, Value, Warning,
};
use crate::ooxml::binding::Stores;
use crate::ooxml::glossary::Glossary;
use crate::ooxml::text::{is_default_placeholder, loose, normalize, same_loosely};
use crate::warning_code::WarningCode;
use crate::xml::{Namespaces, Ns, on_off};

/// Properties read from one `w:sdtPr`.
#[derive(Debug, Default, Clone)]
pub(crate) struct SdtProps {
    pub id: Option<i64>,
    pub tag: Option<String>,
    pub alias: Option<String>,
    pub lock: Option<String>,
    pub doc_part: Option<String>,
    pub showing_placeholder: bool,
    pub binding: Option<(String, Option<String>, Option<String>)>,
    pub control_type: Option<ControlType>,
    pub multi_line: bool,
    pub full_date: Option<String>,
    pub date_format: Option<String>,
    pub list_items: Vec<ListItem>,
    pub last_value: Option<String>,
    pub checked: Option<bool>,
    pub gallery: Option<String>,
}

impl SdtProps {
    /// Takes in one element found inside `w:sdtPr` (at any depth; the names do not clash).
    /// Returns true when the element's subtree should be skipped (run properties).
    pub fn element(
        &mut self,
        names: &Namespaces,
        ns: Ns,
        local: &[u8],
        e: &BytesStart<'_>,
    ) -> bool {
        let val = || names.attr(e, Ns::W, b"val").map(|v| v.into_owned());
        match (ns, local) {
            (Ns::W, b"rPr") => return true,
            (Ns::W, b"id") => self.id = val().and_then(|v| v.trim().parse().ok()),
            // Word writes `w:val=""` for a tag or title left blank: that is no tag.
            (Ns::W, b"tag") => self.tag = val().filter(|v| !v.is_empty()),
            (Ns::W, b"alias") => self.alias = val().filter(|v| !v.is_empty()),
            (Ns::W, b"lock") => self.lock = val(),
            (Ns::W, b"docPart") => self.doc_part = val(),
            (Ns::W, b"showingPlcHdr") => self.showing_placeholder = on_off(val().as_deref()),
            (Ns::W, b"dataBinding") => {
                if let Some(xpath) = names.attr(e, Ns::W, b"xpath") {
                    self.binding = Some((
                        xpath.into_owned(),
                        names.attr(e, Ns::W, b"storeItemID").map(|v| v.into_owned()),
                        names
                            .attr(e, Ns::W, b"prefixMappings")
                            .map(|v| v.into_owned()),
                    ));
                }
            }
            (Ns::W, b"text") => {
                self.control_type = Some(ControlType::PlainText);
                self.multi_line = names
                    .attr(e, Ns::W, b"multiLine")
                    .is_some_and(|v| on_off(Some(&v)));
            }
            (Ns::W, b"richText") => self.control_type = Some(ControlType::RichText),
            (Ns::W, b"date") => {
                self.control_type = Some(ControlType::Date);
                self.full_date = names.attr(e, Ns::W, b"fullDate").map(|v| v.into_owned());
            }
            (Ns::W, b"dateFormat") => self.date_format = val(),
            (Ns::W, b"dropDownList") | (Ns::W, b"comboBox") => {
                self.control_type = Some(if local == b"comboBox" {
                    ControlType::ComboBox
                } else {
                    ControlType::DropDownList
                });
                self.last_value = names.attr(e, Ns::W, b"lastValue").map(|v| v.into_owned());
            }
            (Ns::W, b"listItem") => {
                let display = names.attr(e, Ns::W, b"displayText").map(|v| v.into_owned());
                let value = names.attr(e, Ns::W, b"value").map(|v| v.into_owned());
                // Either attribute may be left out; each then stands for the other (§17.5.2.21).
                if let Some(d) = display.clone().or_else(|| value.clone()) {
                    self.list_items.push(ListItem {
                        value: value.unwrap_or_else(|| d.clone()),
                        display_text: d,
                    });
                }
            }
            (Ns::W, b"picture") => self.control_type = Some(ControlType::Picture),
            (Ns::W, b"docPartObj") => self.control_type = Some(ControlType::BuildingBlockGallery),
            (Ns::W, b"docPartList") => self.control_type = Some(ControlType::BuildingBlockList),
            (Ns::W, b"docPartGallery") => self.gallery = val(),
            (Ns::W, b"group") => self.control_type = Some(ControlType::Group),
            (Ns::W, b"citation") => self.control_type = Some(ControlType::Citation),
            (Ns::W, b"bibliography") => self.control_type = Some(ControlType::Bibliography),
            (Ns::W, b"equation") => self.control_type = Some(ControlType::Equation),
            (Ns::W14, b"checkbox") => self.control_type = Some(ControlType::Checkbox),
            (Ns::W14, b"checked") => {
                self.checked = Some(on_off(names.attr(e, Ns::W14, b"val").as_deref()))
            }
            (Ns::W15, b"repeatingSection") => {
                self.control_type = Some(ControlType::RepeatingSection)
            }
            (Ns::W15, b"repeatingSectionItem") => {
                self.control_type = Some(ControlType::RepeatingSectionItem)
            }
            _ => {}
        }
        false
    }

    /// Copies the properties onto a new control.
    pub fn apply(&self, c: &mut Control) {
        c.id = self.id;
        c.tag = self.tag.clone();
        c.alias = self.alias.clone();
        c.lock = self.lock.clone();
        c.placeholder_doc_part = self.doc_part.clone();
        c.showing_placeholder = self.showing_placeholder;
        c.control_type = self.control_type.unwrap_or(ControlType::RichText);
        c.multi_line = self.multi_line;
        c.date_format = self.date_format.clone();
        c.list_items = self.list_items.clone();
        c.gallery = self.gallery.clone();
        c.data_binding = self
            .binding
            .as_ref()
            .map(|(xpath, store, prefixes)| DataBinding {
                xpath: xpath.clone(),
                store_item_id: store.clone(),
                prefix_mappings: prefixes.clone(),
                value: None,
                matches_text: None,
            });
    }
}

/// Decides status, value and binding agreement of a content control whose text is known.
pub(crate) fn finish_sdt(c: &mut Control, props: &SdtProps, glossary: &Glossary) {
    c.placeholder_text = props
        .doc_part
        .as_deref()
        .and_then(|n| glossary.text(n))
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let (status, signal) = match c.control_type {
        // A checkbox always has a state; its glyph is not a placeholder.
        ControlType::Checkbox => (Status::Answered, None),
        _ if props.showing_placeholder => {
            (Status::Placeholder, Some(PlaceholderSignal::ShowingPlcHdr))
        }
        _ if !c.text.is_empty()
            && c.placeholder_text
                .as_deref()
                .is_some_and(|p| same_loosely(p, &c.text)) =>
        {
            (Status::Placeholder, Some(PlaceholderSignal::DocPartText))
        }
        _ if is_default_placeholder(&c.text) => {
            (Status::Placeholder, Some(PlaceholderSignal::DefaultText))
        }
        // A picture control holding a picture has no text but is filled in.
        ControlType::Picture => (Status::Answered, None),
        _ if c.text.is_empty() => (Status::Empty, None),
        _ => (Status::Answered, None),
    };
    c.status = status;
    c.placeholder_signal = signal;
    c.value = match (c.control_type, status) {
        (ControlType::Checkbox, _) => Some(Value::Boolean(props.checked.unwrap_or(false))),
        (ControlType::Date, Status::Answered) => props
            .full_date
            .as_deref()
            .and_then(iso_date)
            .map(Value::Date),
        (ControlType::DropDownList | ControlType::ComboBox, Status::Answered) => {
            Some(choice(c, props))
        }
        _ => None,
    };
}

/// Looks up a bound control's data in the package's stores and checks it against what the
/// control shows; a disagreement is a `binding-mismatch` warning. A picture control's bound
/// data is the image itself, never text to compare: it is neither kept nor checked, also when
/// the control lost its `w:picture` (LibreOffice drops it) and only shows no text bound to an
/// image.
pub(crate) fn check_binding(c: &mut Control, stores: &Stores, warnings: &mut Vec<Warning>) {
    let (control_type, status, index) = (c.control_type, c.status, c.index);
    let value = c.value.clone();
    let text = c.text.clone();
    let Some(b) = c.data_binding.as_mut() else {
        return;
    };
    if control_type == ControlType::Picture {
        return;
    }
    b.value = stores
        .lookup(
            b.store_item_id.as_deref(),
            &b.xpath,
            b.prefix_mappings.as_deref(),
        )
        .filter(|v| !(text.is_empty() && is_image_data(v)));
    b.matches_text = b
        .value
        .as_deref()
        .map(|v| bound_agrees(v, control_type, status, &text, value.as_ref()));
    if b.matches_text == Some(false) {
        warnings.push(
            Warning::new(
                WarningCode::BindingMismatch,
                format!(
                    "the control's bound data ({}) differs from its visible text",
                    short(b.value.as_deref().unwrap_or(""))
                ),
            )
            .for_control(index),
        );
    }
}

/// True when bound data is an image, as Word stores a picture control's: base64 of a PNG,
/// JPEG, GIF or TIFF file, known by its first bytes.
fn is_image_data(bound: &str) -> bool {
    const MAGIC: [&[u8]; 5] = [b"\x89PNG", b"\xFF\xD8\xFF", b"GIF8", b"II*\0", b"MM\0*"];
    let head = base64_head(bound.trim_start().as_bytes());
    MAGIC.iter().any(|m| head.starts_with(m))
}

/// The bytes the first 12 characters of base64 text stand for (fewer where it is not base64).
fn base64_head(text: &[u8]) -> Vec<u8> {
    let sextet = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(9);
    for quad in text.chunks_exact(4).take(3) {
        let Some(bits) = quad
            .iter()
            .try_fold(0u32, |acc, &c| Some(acc << 6 | u32::from(sextet(c)?)))
        else {
            break;
        };
        out.extend_from_slice(&bits.to_be_bytes()[1..]);
    }
    out
}

fn choice(c: &Control, props: &SdtProps) -> Value {
    let text = loose(&c.text);
    let item = props
        .list_items
        .iter()
        .find(|i| loose(&i.display_text) == text)
        .or_else(|| {
            let last = props.last_value.as_deref()?;
            props.list_items.iter().find(|i| i.value == last)
        });
    Value::Choice {
        value: item.map_or_else(
            || {
                // Free text in a combo box is its own value.
                match c.control_type {
                    ControlType::DropDownList => {
                        props.last_value.clone().unwrap_or_else(|| c.text.clone())
                    }
                    _ => c.text.clone(),
                }
            },
            |i| i.value.clone(),
        ),
        display_text: c.text.clone(),
    }
}

/// `2022-04-30T00:00:00Z` → `2022-04-30`, checked for shape.
pub(crate) fn iso_date(full: &str) -> Option<String> {
    let d = full.trim().get(..10)?;
    let b = d.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let month: u32 = d.get(5..7)?.parse().ok()?;
    let day: u32 = d.get(8..10)?.parse().ok()?;
    (shaped && (1..=12).contains(&month) && (1..=31).contains(&day)).then(|| d.to_owned())
}

fn bound_agrees(
    bound: &str,
    t: ControlType,
    status: Status,
    text: &str,
    value: Option<&Value>,
) -> bool {
    let bound_n = normalize(bound);
    match (t, value) {
        (ControlType::Checkbox, Some(Value::Boolean(checked))) => {
            let b = matches!(bound_n.to_ascii_lowercase().as_str(), "true" | "1");
            b == *checked
        }
        (ControlType::Date, Some(Value::Date(date))) => {
            iso_date(&bound_n).as_deref() == Some(date.as_str())
        }
        _ if status == Status::Answered => loose(&bound_n) == loose(text),
        _ => bound_n.is_empty(),
    }
}

fn short(s: &str) -> String {
    let s = normalize(s);
    if s.chars().count() > 60 {
        format!("\"{}…\"", s.chars().take(60).collect::<String>())
    } else {
        format!("\"{s}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_data_is_known_by_its_first_bytes() {
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgiJoDAAFUAPdgZg9EAAAAAElFTkSuQmCC";
        assert!(is_image_data(png));
        assert!(is_image_data("/9j/4AAQSkZJRgABAQ"));
        assert!(!is_image_data("Helena Näslund"));
        assert!(!is_image_data("iVBO"));
        assert!(!is_image_data(""));
    }

    #[test]
    fn iso_dates() {
        assert_eq!(
            iso_date("2022-04-30T00:00:00Z").as_deref(),
            Some("2022-04-30")
        );
        assert_eq!(iso_date("2022-4-30"), None);
        assert_eq!(iso_date("2022-13-01T00:00:00Z"), None);
        assert_eq!(iso_date(""), None);
    }
}
