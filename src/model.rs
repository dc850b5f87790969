//! The faithful model of a Word form that the reader produces: every control with its
//! properties and text, the flow of the document around the controls, comments and warnings.
//!
//! Mapping and everything after it work on this model and never see XML.

use serde::{Deserialize, Serialize};

use crate::identity::StoredIdentity;
use crate::warning_code::WarningCode;

/// A read Word document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// Where the document came from: its file, hash and size, and the package's properties.
    pub source: Source,
    /// Every content control and legacy form field, in reading order: headers, body, footers,
    /// footnotes, endnotes, comments. Nested controls follow their parent.
    pub controls: Vec<Control>,
    /// The document's paragraphs outside controls and its top-level controls, in reading order.
    pub flow: Vec<FlowItem>,
    /// The review comments, each tied to the control and flow item it is anchored in.
    pub comments: Vec<Comment>,
    /// Problems met while reading that did not stop it, each with a stable code.
    pub warnings: Vec<Warning>,
    /// What a sent-out form stores of its identity, as read; empty for other forms.
    #[serde(skip_serializing_if = "StoredIdentity::is_empty")]
    pub identity: StoredIdentity,
}

impl Document {
    /// The visible text of the whole document in reading order, controls' text in place
    /// (placeholders included, as they show): one line per paragraph.
    pub fn text(&self) -> String {
        let mut lines: Vec<&str> = Vec::new();
        for item in &self.flow {
            let line = match item {
                FlowItem::Paragraph {
                    text, full_text, ..
                } => full_text.as_deref().unwrap_or(text),
                FlowItem::Control { control, .. } => match self.controls.get(*control) {
                    Some(c) => &c.text,
                    None => continue,
                },
            };
            if !line.is_empty() {
                lines.push(line);
            }
        }
        lines.join("\n")
    }
}

/// Where a document came from.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The file's name without its folder; `None` when the bytes were read without a name.
    pub file: Option<String>,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// The file's size in bytes.
    pub bytes: u64,
    /// `Application` and `AppVersion` from `docProps/app.xml` (`Microsoft Office Word 16.0000`).
    pub producer: Option<String>,
    /// The template the document was made from (`docProps/app.xml`).
    pub template: Option<String>,
    /// When the document was last saved (`docProps/core.xml` `dcterms:modified`).
    pub modified: Option<String>,
    /// The name of the main document part (`word/document.xml`).
    pub main_part: String,
    /// The kind of Word package, from the main part's content type (`document`, `template` …).
    pub package: PackageKind,
    /// True for Strict OOXML packages.
    pub strict: bool,
}

/// The flavour of Word package, from the main part's content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum PackageKind {
    /// `.docx`
    Document,
    /// `.docm`
    MacroEnabledDocument,
    /// `.dotx`
    Template,
    /// `.dotm`
    MacroEnabledTemplate,
}

/// The story (part kind) a control or paragraph stands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub enum Story {
    /// A header part (`word/header1.xml`).
    Header,
    /// The main document part.
    Body,
    /// A footer part.
    Footer,
    /// The footnotes part.
    Footnote,
    /// The endnotes part.
    Endnote,
    /// The comments part.
    Comment,
}

/// Where a content control sits (ECMA-376 Part 1 §17.5.2: block, run, row and cell level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Wraps paragraphs and tables.
    Block,
    /// Inside a paragraph (run level); legacy form fields are inline too.
    Inline,
    /// Wraps table rows.
    Row,
    /// Wraps table cells.
    Cell,
}

/// A content control or legacy form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// A content control (`w:sdt`).
    ContentControl,
    /// A legacy form field (a field whose `w:fldChar` carries `w:ffData`).
    LegacyFormField,
}

/// The type of a control (`w:sdtPr` type element, or the legacy field's `w:ffData` kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ControlType {
    /// Rich text (`w:richText`); also a control whose properties name no type.
    RichText,
    /// Plain text (`w:text`); `multiLine` says whether it takes line breaks.
    PlainText,
    /// Date picker (`w:date`).
    Date,
    /// Drop-down list (`w:dropDownList`): one of its entries.
    DropDownList,
    /// Combo box (`w:comboBox`): one of its entries or free text.
    ComboBox,
    /// Checkbox (`w14:checkbox`).
    Checkbox,
    /// Picture (`w:picture`).
    Picture,
    /// Repeating section (`w15:repeatingSection`); its items are its children.
    RepeatingSection,
    /// One item of a repeating section (`w15:repeatingSectionItem`).
    RepeatingSectionItem,
    /// Group (`w:group`); the controls in it stand in the flow themselves.
    Group,
    /// Building-block gallery (`w:docPartObj`: cover pages, page numbers, tables of contents).
    BuildingBlockGallery,
    /// Building-block list (`w:docPartList`).
    BuildingBlockList,
    /// Citation (`w:citation`).
    Citation,
    /// Bibliography (`w:bibliography`).
    Bibliography,
    /// Equation (`w:equation`).
    Equation,
    /// Legacy `FORMTEXT`.
    LegacyText,
    /// Legacy `FORMCHECKBOX`.
    LegacyCheckbox,
    /// Legacy `FORMDROPDOWN`.
    LegacyDropDown,
}

impl ControlType {
    /// The camelCase name used in JSON and tables.
    pub fn name(self) -> &'static str {
        match self {
            ControlType::RichText => "richText",
            ControlType::PlainText => "plainText",
            ControlType::Date => "date",
            ControlType::DropDownList => "dropDownList",
            ControlType::ComboBox => "comboBox",
            ControlType::Checkbox => "checkbox",
            ControlType::Picture => "picture",
            ControlType::RepeatingSection => "repeatingSection",
            ControlType::RepeatingSectionItem => "repeatingSectionItem",
            ControlType::Group => "group",
            ControlType::BuildingBlockGallery => "buildingBlockGallery",
            ControlType::BuildingBlockList => "buildingBlockList",
            ControlType::Citation => "citation",
            ControlType::Bibliography => "bibliography",
            ControlType::Equation => "equation",
            ControlType::LegacyText => "legacyText",
            ControlType::LegacyCheckbox => "legacyCheckbox",
            ControlType::LegacyDropDown => "legacyDropDown",
        }
    }
}

/// Whether a control holds an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Holds text or a value the respondent gave.
    Answered,
    /// Still shows placeholder text.
    Placeholder,
    /// Holds nothing.
    Empty,
}

impl Status {
    /// The camelCase name used in JSON and tables (`answered`, `placeholder`, `empty`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Answered => "answered",
            Status::Placeholder => "placeholder",
            Status::Empty => "empty",
        }
    }
}

/// Which signal said a control shows its placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PlaceholderSignal {
    /// `w:showingPlcHdr` is set.
    ShowingPlcHdr,
    /// The text equals the control's own placeholder (`w:docPart` in the glossary).
    DocPartText,
    /// The text equals one of Word's default placeholder texts.
    DefaultText,
    /// A legacy text field still holds its default text.
    LegacyDefault,
}

/// An entry of a drop-down list or combo box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListItem {
    /// The text the list shows for the entry (`w:displayText`, else the value).
    pub display_text: String,
    /// The entry's value (`w:value`, else the display text); a legacy drop-down field's entry is
    /// its text.
    pub value: String,
}

/// A typed value beside the visible text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// Checkbox state, from `w14:checked` or the legacy field's `w:checked`/`w:default`.
    Boolean(bool),
    /// ISO date (`2022-04-30`) from `w:date/@w:fullDate`.
    Date(String),
    /// The selected entry of a drop-down list or combo box (free text in a combo box has
    /// the text as its value).
    Choice {
        /// The selected entry's value; for text that matches no entry, the text itself (a drop-down
        /// list's `w:lastValue`, when it has one).
        value: String,
        /// The control's visible text.
        #[serde(rename = "displayText")]
        display_text: String,
    },
}

/// A `w:dataBinding` and what the bound custom XML holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataBinding {
    /// The XPath of the bound node in the custom XML (`w:xpath`).
    pub xpath: String,
    /// The id of the custom XML part bound to (`w:storeItemID`); `None` when the binding names
    /// none.
    pub store_item_id: Option<String>,
    /// The namespace prefixes the XPath uses (`w:prefixMappings`), as written.
    pub prefix_mappings: Option<String>,
    /// The bound value, when the store and node were found (never a picture's bound image).
    pub value: Option<String>,
    /// False when the bound value and the visible text disagree; `None` when not compared.
    pub matches_text: Option<bool>,
}

/// A hyperlink inside an answer: its text and where it points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// The link's visible text (normalized).
    pub text: String,
    /// Where it points: the URL, `#name` for a bookmark in the document, empty when unknown.
    pub target: String,
}

/// A piece of an answer's structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Block {
    /// A paragraph.
    Paragraph {
        /// Its text (normalized).
        text: String,
        /// Its hyperlinks, in order; left out of JSON when none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<Link>,
    },
    /// A paragraph that is a list item, without its bullet or number.
    ListItem {
        /// Its text (normalized).
        text: String,
        /// 0-based list level (`w:ilvl`).
        level: u8,
        /// Its hyperlinks, in order; left out of JSON when none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<Link>,
    },
    /// Rows of cells; a cell's paragraphs are joined with line breaks.
    Table {
        /// The rows, each a list of its cells' text.
        rows: Vec<Vec<String>>,
    },
    /// The text of a footnote or endnote referenced where it stands.
    Note {
        /// Footnote or endnote.
        note: NoteKind,
        /// The note's whole text, controls in it included.
        text: String,
    },
}

/// Which kind of note a [`Block::Note`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NoteKind {
    /// A footnote (`w:footnoteReference`).
    Footnote,
    /// An endnote (`w:endnoteReference`).
    Endnote,
}

impl Block {
    /// The block's plain text: paragraphs as they are, table cells joined by tabs and rows by
    /// line breaks.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.text_len());
        self.write_text(&mut out);
        out
    }

    /// Appends [`text`](Block::text) to `out`.
    pub fn write_text(&self, out: &mut String) {
        match self {
            Block::Paragraph { text, .. }
            | Block::ListItem { text, .. }
            | Block::Note { text, .. } => out.push_str(text),
            Block::Table { rows } => {
                for (i, row) in rows.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    for (j, cell) in row.iter().enumerate() {
                        if j > 0 {
                            out.push('\t');
                        }
                        out.push_str(cell);
                    }
                }
            }
        }
    }

    /// The length of [`text`](Block::text) in bytes.
    fn text_len(&self) -> usize {
        match self {
            Block::Paragraph { text, .. }
            | Block::ListItem { text, .. }
            | Block::Note { text, .. } => text.len(),
            Block::Table { rows } => rows
                .iter()
                .map(|r| r.iter().map(|c| c.len() + 1).sum::<usize>())
                .sum(),
        }
    }
}

/// Joins blocks into an answer's plain text.
pub fn blocks_text(blocks: &[Block]) -> String {
    let mut out = String::with_capacity(blocks.iter().map(|b| b.text_len() + 1).sum());
    for b in blocks {
        let before = out.len();
        if !out.is_empty() {
            out.push('\n');
        }
        let start = out.len();
        b.write_text(&mut out);
        if out.len() == start {
            out.truncate(before);
        }
    }
    out
}

/// A content control or legacy form field, with every property that matters.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Control {
    /// Position among all controls of the document (reading order).
    pub index: usize,
    /// The index of the control this one is nested in; `None` when no control holds it.
    pub parent: Option<usize>,
    /// The indices of the controls nested directly in this one, in reading order; left out of JSON
    /// when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<usize>,
    /// The part the control stands in (`word/document.xml`).
    pub part: String,
    /// The kind of part the control stands in.
    pub story: Story,
    /// Where the control sits: around blocks, inline, around a row or around a cell.
    pub level: Level,
    /// True when the control stands inside a table.
    pub in_table: bool,
    /// True when the control stands inside a text box.
    pub in_text_box: bool,
    /// Content control or legacy form field.
    pub origin: Origin,
    /// The control's type (`type` in JSON).
    #[serde(rename = "type")]
    pub control_type: ControlType,
    /// The control's id (`w:id`); `None` for a legacy form field and when it is missing or not a
    /// number.
    pub id: Option<i64>,
    /// The tag (`w:tag`), or a legacy form field's name (`w:ffData/w:name`); `None` when missing or
    /// blank.
    pub tag: Option<String>,
    /// The title (`w:alias`).
    pub alias: Option<String>,
    /// The lock (`w:lock`: `sdtLocked`, `contentLocked`, `sdtContentLocked`, `unlocked`), as
    /// written.
    pub lock: Option<String>,
    /// The glossary document part holding the placeholder (`w:placeholder/w:docPart`).
    pub placeholder_doc_part: Option<String>,
    /// That document part's text.
    pub placeholder_text: Option<String>,
    /// True when Word marks the control as showing its placeholder (`w:showingPlcHdr`).
    pub showing_placeholder: bool,
    /// Whether the control holds an answer.
    pub status: Status,
    /// Which signal said the control shows its placeholder; `None` unless `status` is
    /// `placeholder`.
    pub placeholder_signal: Option<PlaceholderSignal>,
    /// Visible text (normalized).
    pub text: String,
    /// The structure of the visible text: paragraphs, list items, tables and notes.
    pub blocks: Vec<Block>,
    /// The typed value beside the text: a checkbox's state, an answered date, an answered list's
    /// choice; `None` otherwise.
    pub value: Option<Value>,
    /// The entries of a drop-down list, combo box or legacy drop-down field, in order; left out of
    /// JSON when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub list_items: Vec<ListItem>,
    /// A date control's display format (`w:dateFormat`, e.g. `yyyy-MM-dd`); left out of JSON when
    /// none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// True for a plain-text control that takes line breaks (`w:multiLine`); left out of JSON when
    /// false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub multi_line: bool,
    /// The gallery of a building-block control (`Table of Contents`, `Cover Pages` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gallery: Option<String>,
    /// The control's data binding (`w:dataBinding`) and what the bound data holds; left out of JSON
    /// when unbound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_binding: Option<DataBinding>,
    /// True when the control's content holds unaccepted tracked changes.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tracked_changes: bool,
    /// The flow item this control stands in (a top-level block control, or the paragraph
    /// holding an inline control); `None` for controls in notes and comments.
    pub flow_index: Option<usize>,
}

impl Control {
    /// A control as the reader first meets it: an empty rich-text content control at `index`
    /// in `part`, with no properties, no text and no parent; reading fills in the rest.
    pub(crate) fn blank(
        index: usize,
        part: String,
        story: Story,
        level: Level,
        origin: Origin,
    ) -> Control {
        Control {
            index,
            parent: None,
            children: Vec::new(),
            part,
            story,
            level,
            in_table: false,
            in_text_box: false,
            origin,
            control_type: ControlType::RichText,
            id: None,
            tag: None,
            alias: None,
            lock: None,
            placeholder_doc_part: None,
            placeholder_text: None,
            showing_placeholder: false,
            status: Status::Empty,
            placeholder_signal: None,
            text: String::new(),
            blocks: Vec::new(),
            value: None,
            list_items: Vec::new(),
            date_format: None,
            multi_line: false,
            gallery: None,
            data_binding: None,
            tracked_changes: false,
            flow_index: None,
        }
    }
}

/// A paragraph outside any control, or a top-level control, in document order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FlowItem {
    /// A paragraph with text outside controls, inline controls or comment anchors; also a
    /// footnote's or endnote's text, where it is referenced.
    #[serde(rename_all = "camelCase")]
    Paragraph {
        /// The part it comes from (`word/document.xml`; for a note's text, the notes part).
        part: String,
        /// The kind of part it comes from.
        story: Story,
        /// Text outside controls (normalized).
        text: String,
        /// For a paragraph holding inline controls: its whole text with the controls' text
        /// in place.
        #[serde(skip_serializing_if = "Option::is_none")]
        full_text: Option<String>,
        /// The paragraph style's name (`heading 1`, `Normal`, `Rubrik 2`).
        style: Option<String>,
        /// 1-based heading level, from the outline level of the paragraph or its style.
        heading_level: Option<u8>,
        /// 0-based list level when the paragraph is a list item.
        list_level: Option<u8>,
        /// Where in a table the paragraph stands.
        cell: Option<CellRef>,
        /// True when the paragraph stands in a text box.
        in_text_box: bool,
        /// Inline controls inside this paragraph.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        controls: Vec<usize>,
        /// Ids of the comments anchored in this paragraph.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        comments: Vec<String>,
    },
    /// A control that no control but a group holds and that stands outside any paragraph (a block,
    /// row or cell control).
    #[serde(rename_all = "camelCase")]
    Control {
        /// The part it stands in.
        part: String,
        /// The kind of part it stands in.
        story: Story,
        /// Its index in `controls`.
        control: usize,
        /// Where in a table it stands (for a row control the row it wraps, for a cell control the
        /// cell); `None` outside tables.
        cell: Option<CellRef>,
    },
}

/// A cell of a table outside controls: `table` counts the tables of the part from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CellRef {
    /// The table's number in its part, from 0, in the order the tables start.
    pub table: usize,
    /// The row, from 0.
    pub row: usize,
    /// The cell in the row, from 0.
    pub column: usize,
}

/// A review comment: never part of an answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    /// The comment's id (`w:id`), as its anchors name it.
    pub id: String,
    /// Its author (`w:author`), when given.
    pub author: Option<String>,
    /// When it was written (`w:date`, as the file writes it: `2022-04-21T10:00:00Z`), when given.
    pub date: Option<String>,
    /// Its text, paragraphs joined by line breaks.
    pub text: String,
    /// The innermost control the comment is anchored in.
    pub control: Option<usize>,
    /// The flow item the comment is anchored at.
    pub flow_index: Option<usize>,
}

/// A problem in a readable form, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// What it is about (`tracked-changes`, `binding-mismatch`, `missing-part` …).
    pub code: WarningCode,
    /// What is wrong, in one line.
    pub message: String,
    /// The index of the control it concerns, when it concerns one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<usize>,
}

impl Warning {
    /// A warning with `code` and `message`, about no control in particular.
    pub fn new(code: WarningCode, message: impl Into<String>) -> Self {
        Warning {
            code,
            message: message.into(),
            control: None,
        }
    }

    /// The same warning, about the control at index `control`.
    pub fn for_control(mut self, control: usize) -> Self {
        self.control = Some(control);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str) -> Block {
        Block::Paragraph {
            text: text.into(),
            links: Vec::new(),
        }
    }

    #[test]
    fn blocks_join_as_lines_and_tables_as_tabs_and_lines() {
        let table = |rows: &[&[&str]]| Block::Table {
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        };
        let blocks = [
            para("Första"),
            para(""),
            table(&[]),
            table(&[&["a", "b"], &[], &["", "c"]]),
            table(&[&[""]]),
            Block::Note {
                note: NoteKind::Footnote,
                text: "not".into(),
            },
            para("Sista"),
        ];
        let expected = blocks
            .iter()
            .map(|b| match b {
                Block::Table { rows } => rows
                    .iter()
                    .map(|r| r.join("\t"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Block::Paragraph { text, .. }
                | Block::ListItem { text, .. }
                | Block::Note { text, .. } => text.clone(),
            })
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(blocks_text(&blocks), expected);
        assert_eq!(blocks_text(&blocks), "Första\na\tb\n\n\tc\nnot\nSista");
        assert_eq!(blocks[3].text(), "a\tb\n\n\tc");
        assert_eq!(blocks_text(&[]), "");
    }
}
