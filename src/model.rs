//! The faithful model of a Word form that the reader produces: every control with its
//! properties and text, the flow of the document around the controls, comments and warnings.
//!
//! Mapping and everything after it work on this model and never see XML.

use serde::{Deserialize, Serialize};

/// A read Word document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub source: Source,
    /// Every content control and legacy form field, in reading order: headers, body, footers,
    /// footnotes, endnotes, comments. Nested controls follow their parent.
    pub controls: Vec<Control>,
    /// The document's paragraphs outside controls and its top-level controls, in reading order.
    pub flow: Vec<FlowItem>,
    pub comments: Vec<Comment>,
    pub warnings: Vec<Warning>,
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
    pub file: Option<String>,
    pub sha256: String,
    pub bytes: u64,
    /// `Application` and `AppVersion` from `docProps/app.xml` (`Microsoft Office Word 16.0000`).
    pub producer: Option<String>,
    /// The template the document was made from (`docProps/app.xml`).
    pub template: Option<String>,
    /// When the document was last saved (`docProps/core.xml` `dcterms:modified`).
    pub modified: Option<String>,
    pub main_part: String,
    pub package: PackageKind,
    /// True for Strict OOXML packages.
    pub strict: bool,
}

/// The flavour of Word package, from the main part's content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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
    Header,
    Body,
    Footer,
    Footnote,
    Endnote,
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
    ContentControl,
    LegacyFormField,
}

/// The type of a control (`w:sdtPr` type element, or the legacy field's `w:ffData` kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ControlType {
    RichText,
    PlainText,
    Date,
    DropDownList,
    ComboBox,
    Checkbox,
    Picture,
    RepeatingSection,
    RepeatingSectionItem,
    Group,
    /// Building-block gallery (`w:docPartObj`: cover pages, page numbers, tables of contents).
    BuildingBlockGallery,
    /// Building-block list (`w:docPartList`).
    BuildingBlockList,
    Citation,
    Bibliography,
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
    pub display_text: String,
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
        value: String,
        #[serde(rename = "displayText")]
        display_text: String,
    },
}

/// A `w:dataBinding` and what the bound custom XML holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataBinding {
    pub xpath: String,
    pub store_item_id: Option<String>,
    pub prefix_mappings: Option<String>,
    /// The bound value, when the store and node were found.
    pub value: Option<String>,
    /// False when the bound value and the visible text disagree.
    pub matches_text: Option<bool>,
}

/// A hyperlink inside an answer: its text and where it points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub text: String,
    pub target: String,
}

/// A piece of an answer's structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Block {
    Paragraph {
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<Link>,
    },
    ListItem {
        text: String,
        level: u8,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        links: Vec<Link>,
    },
    /// Rows of cells; a cell's paragraphs are joined with line breaks.
    Table { rows: Vec<Vec<String>> },
    /// The text of a footnote or endnote referenced where it stands.
    Note { note: NoteKind, text: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NoteKind {
    Footnote,
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
    pub parent: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<usize>,
    pub part: String,
    pub story: Story,
    pub level: Level,
    pub in_table: bool,
    pub in_text_box: bool,
    pub origin: Origin,
    #[serde(rename = "type")]
    pub control_type: ControlType,
    pub id: Option<i64>,
    pub tag: Option<String>,
    /// The title (`w:alias`).
    pub alias: Option<String>,
    pub lock: Option<String>,
    /// The glossary document part holding the placeholder (`w:placeholder/w:docPart`).
    pub placeholder_doc_part: Option<String>,
    /// That document part's text.
    pub placeholder_text: Option<String>,
    pub showing_placeholder: bool,
    pub status: Status,
    pub placeholder_signal: Option<PlaceholderSignal>,
    /// Visible text (normalized).
    pub text: String,
    pub blocks: Vec<Block>,
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub list_items: Vec<ListItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub multi_line: bool,
    /// The gallery of a building-block control (`Table of Contents`, `Cover Pages` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gallery: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_binding: Option<DataBinding>,
    /// True when the control's content holds unaccepted tracked changes.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tracked_changes: bool,
    /// The flow item this control stands in (a top-level block control, or the paragraph
    /// holding an inline control); `None` for controls in notes and comments.
    pub flow_index: Option<usize>,
}

/// A paragraph outside any control, or a top-level control, in document order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FlowItem {
    #[serde(rename_all = "camelCase")]
    Paragraph {
        part: String,
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
        in_text_box: bool,
        /// Inline controls inside this paragraph.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        controls: Vec<usize>,
        /// Ids of the comments anchored in this paragraph.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        comments: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    Control {
        part: String,
        story: Story,
        control: usize,
        cell: Option<CellRef>,
    },
}

/// A cell of a table outside controls: `table` counts the tables of the part from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CellRef {
    pub table: usize,
    pub row: usize,
    pub column: usize,
}

/// A review comment: never part of an answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    pub id: String,
    pub author: Option<String>,
    pub date: Option<String>,
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
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<usize>,
}

impl Warning {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Warning {
            code: code.to_owned(),
            message: message.into(),
            control: None,
        }
    }

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
