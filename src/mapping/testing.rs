//! Small hand-made documents, a questionnaire and a registry for the mapping's unit tests.
//!
//! [`DocBuilder`] writes a [`Document`] the way the reader would produce it, flow and controls
//! kept in step, without a Word file:
//!
//! ```text
//! DocBuilder::new()
//!     .heading("Ett bättre klimat för företag")
//!     .paragraph("Hur arbetar nämnden med att förenkla för företagen i stadsdelen?")
//!     .control(|c| c.tag("q1").text("Vi har en lots."))
//!     .inline("Nämnd:", |c| c.alias("Nämnd").text("Östermalms SDN"))
//!     .build()
//! ```

use super::{Options, Prepared};
use crate::model::{
    Block, Comment, Control, ControlType, Document, FlowItem, Level, Origin, Source, Status, Story,
    Value, Warning,
};
use crate::package::PackageKind;
use crate::schema::{Questionnaire, Registry};
use crate::submission::{Answer, Submission, SubmissionWarning};

const BODY: &str = "word/document.xml";

/// The test questionnaire's question texts, by id.
pub const Q1: &str = "Hur arbetar nämnden med att förenkla för företagen i stadsdelen?";
pub const Q2: &str = "Beskriv nämndens arbete med Växla upp Stockholm under perioden";
pub const Q6: &str = "Hur följer bolaget ägardirektivet om näringslivet?";

/// A questionnaire of two variants (`namnd`, `bolag`): five fields (committee, round,
/// contact), five shared questions of every type, and one question of each variant's own.
pub fn questionnaire() -> Questionnaire {
    serde_json::from_value(serde_json::json!({
        "id": "test",
        "version": "1",
        "title": "Uppföljning av testpolicyn",
        "areas": [{ "number": 1, "title": "Ett bättre klimat för företag", "aliases": ["Bättre företagsklimat"] }],
        "templateText": ["Svara på frågorna i kontrollerna nedan."],
        "fields": [
            { "id": "namnd", "role": "respondent", "label": "Nämnd", "alias": "Nämnd" },
            { "id": "period", "role": "round", "label": "Period", "alias": "Period" },
            { "id": "kontakt", "role": "contactName", "label": "Kontaktperson", "alias": "Kontaktperson" },
            { "id": "telefon", "role": "contactPhone", "label": "Telefon", "alias": "Telefon" },
            { "id": "epost", "role": "contactEmail", "label": "E-post", "alias": "E-post" }
        ],
        "questions": [
            { "id": "q1", "area": 1, "alias": "Förenkling", "text": Q1 },
            { "id": "q2", "area": 1, "alias": "Växla upp", "text": Q2,
              "aliases": ["Berätta om arbetet med Växla upp Stockholm under perioden"] },
            { "id": "q3", "area": 1, "alias": "Företagslots", "tag": "Foretagslots",
              "text": "Finns en företagslots?", "type": "boolean" },
            { "id": "q4", "area": null, "alias": "Företagsträff",
              "text": "När hölls den senaste företagsträffen?", "type": "date" },
            { "id": "q5", "area": null, "alias": "Träffar",
              "text": "Hur ofta träffar nämnden företagare?", "type": "choice",
              "choices": [
                  { "value": "manad", "label": "Varje månad" },
                  { "value": "kvartal", "label": "Varje kvartal" }
              ] },
            { "id": "q6", "area": null, "alias": "Ägardirektiv", "variants": ["bolag"], "text": Q6 },
            { "id": "q7", "area": null, "alias": "Lokala företag", "variants": ["namnd"],
              "text": "Hur samverkar nämnden med de lokala företagarföreningarna?" }
        ],
        "variants": [
            { "id": "namnd", "title": "Uppföljning för nämnder", "kinds": ["stadsdelsnamnd"] },
            { "id": "bolag", "title": "Uppföljning för bolag", "kinds": ["bolagsstyrelse"],
              "templateText": ["Bolagsstyrelsen besvarar frågorna."] }
        ]
    }))
    .expect("the test questionnaire is well formed")
}

/// Three committees, one of which ended in 2020.
pub fn registry() -> Registry {
    serde_json::from_value(serde_json::json!({
        "id": "test",
        "organisation": { "name": "Stockholms stad" },
        "respondents": [
            { "id": "ostermalm-sdn", "name": "Östermalms stadsdelsnämnd",
              "kind": "stadsdelsnamnd", "aliases": ["Östermalms SDN"] },
            { "id": "norrmalm-sdn", "name": "Norrmalms stadsdelsnämnd", "kind": "stadsdelsnamnd" },
            { "id": "vastra-sdn", "name": "Västra innerstadens stadsdelsnämnd",
              "kind": "stadsdelsnamnd", "validTo": "2020-12-31" }
        ]
    }))
    .expect("the test registry is well formed")
}

/// Maps `doc` against [`questionnaire`] and [`registry`], borrowed and handed over, and checks
/// that both give the same submission.
pub fn map_with(doc: &Document, opts: Options<'_>) -> Submission {
    let (q, reg) = (questionnaire(), registry());
    let prepared = Prepared::new(&q, &reg);
    let borrowed = prepared.map(doc, &opts).expect("the options are valid");
    let owned = prepared
        .map_owned(doc.clone(), &opts)
        .expect("the options are valid");
    assert_eq!(owned, borrowed, "map_owned and map disagree");
    borrowed
}

/// [`map_with`] without options.
pub fn map(doc: &Document) -> Submission {
    map_with(doc, Options::default())
}

/// The answer to question `id`.
pub fn answer<'s>(s: &'s Submission, id: &str) -> &'s Answer {
    s.answer(id).unwrap_or_else(|| panic!("no answer {id}"))
}

/// The warnings as (code, question).
pub fn warnings(s: &Submission) -> Vec<(&str, Option<&str>)> {
    s.warnings
        .iter()
        .map(|w| (w.code.as_str(), w.question_id.as_deref()))
        .collect()
}

/// The first warning of the submission with `code`; panics when it has none.
pub fn warning<'s>(s: &'s Submission, code: &str) -> &'s SubmissionWarning {
    s.warnings
        .iter()
        .find(|w| w.code.as_str() == code)
        .unwrap_or_else(|| panic!("no {code} warning in {:?}", warnings(s)))
}

/// Builds a [`Document`]: paragraphs and controls in reading order.
pub struct DocBuilder {
    doc: Document,
}

impl DocBuilder {
    pub fn new() -> DocBuilder {
        DocBuilder {
            doc: Document {
                source: Source {
                    file: None,
                    sha256: "0".repeat(64),
                    bytes: 0,
                    producer: None,
                    template: None,
                    modified: None,
                    main_part: BODY.into(),
                    package: PackageKind::Document,
                    strict: false,
                },
                controls: Vec::new(),
                flow: Vec::new(),
                comments: Vec::new(),
                warnings: Vec::new(),
                identity: Default::default(),
            },
        }
    }

    /// What the form stores of its identity: in its custom properties and its custom XML part.
    pub fn identity(
        mut self,
        properties: Option<Vec<(String, String)>>,
        custom_xml: Option<Vec<(String, String)>>,
    ) -> Self {
        self.doc.identity = crate::identity::StoredIdentity {
            properties,
            custom_xml,
        };
        self
    }

    /// The file name the reader was given.
    pub fn file(mut self, name: &str) -> Self {
        self.doc.source.file = Some(name.into());
        self
    }

    /// A body paragraph outside controls.
    pub fn paragraph(self, text: &str) -> Self {
        self.styled(Story::Body, text, None)
    }

    /// A body paragraph in a heading style.
    pub fn heading(self, text: &str) -> Self {
        self.styled(Story::Body, text, Some(1))
    }

    /// A paragraph in the page header.
    pub fn header(self, text: &str) -> Self {
        self.styled(Story::Header, text, None)
    }

    fn styled(mut self, story: Story, text: &str, heading_level: Option<u8>) -> Self {
        self.doc.flow.push(paragraph(story, text, heading_level));
        self
    }

    /// A block-level control in the body, standing alone in the flow.
    pub fn control(mut self, f: impl FnOnce(ControlBuilder) -> ControlBuilder) -> Self {
        let flow_index = self.doc.flow.len();
        let c = self.push_control(f, Level::Block, flow_index);
        self.doc.flow.push(FlowItem::Control {
            part: BODY.into(),
            story: Story::Body,
            control: c,
            cell: None,
        });
        self
    }

    /// A paragraph holding `label`, then an inline control (`Nämnd: [control]`).
    pub fn inline(self, label: &str, f: impl FnOnce(ControlBuilder) -> ControlBuilder) -> Self {
        self.inline_control(label.to_owned(), f, |c| format!("{label} {c}"))
    }

    /// A paragraph holding `before`, an inline control, then `after` (`Vi har [2] lotsar.`).
    pub fn inline_in(
        self,
        before: &str,
        f: impl FnOnce(ControlBuilder) -> ControlBuilder,
        after: &str,
    ) -> Self {
        self.inline_control(format!("{before}{after}"), f, |c| {
            format!("{before}{c}{after}")
        })
    }

    /// A body paragraph whose text outside controls is `outside`, holding one inline control;
    /// `full` gives the paragraph's whole text from the control's.
    fn inline_control(
        mut self,
        outside: String,
        f: impl FnOnce(ControlBuilder) -> ControlBuilder,
        full: impl FnOnce(&str) -> String,
    ) -> Self {
        let flow_index = self.doc.flow.len();
        let c = self.push_control(f, Level::Inline, flow_index);
        let mut p = paragraph(Story::Body, &outside, None);
        if let FlowItem::Paragraph {
            controls,
            full_text,
            ..
        } = &mut p
        {
            controls.push(c);
            *full_text = Some(full(&self.doc.controls[c].text));
        }
        self.doc.flow.push(p);
        self
    }

    /// A body paragraph in the paragraph style named `style`.
    pub fn paragraph_styled(mut self, text: &str, style: &str) -> Self {
        let mut p = paragraph(Story::Body, text, None);
        if let FlowItem::Paragraph { style: s, .. } = &mut p {
            *s = Some(style.into());
        }
        self.doc.flow.push(p);
        self
    }

    /// A control inside the last control added (a repeating section's item, a group's part).
    pub fn child(mut self, f: impl FnOnce(ControlBuilder) -> ControlBuilder) -> Self {
        let parent = self.doc.controls.len() - 1;
        let flow_index = self.doc.controls[parent].flow_index;
        let c = self.doc.controls.len();
        let mut child = f(ControlBuilder::new(c, Level::Block)).0;
        child.parent = Some(parent);
        child.flow_index = flow_index;
        self.doc.controls[parent].children.push(c);
        self.doc.controls.push(child);
        self
    }

    /// A review comment anchored in control `control` or at flow item `flow_index`.
    pub fn comment(
        mut self,
        text: &str,
        control: Option<usize>,
        flow_index: Option<usize>,
    ) -> Self {
        self.doc.comments.push(Comment {
            id: self.doc.comments.len().to_string(),
            author: Some("Granskare".into()),
            date: None,
            text: text.into(),
            control,
            flow_index,
        });
        self
    }

    /// A warning of the reader's.
    pub fn warning(mut self, w: Warning) -> Self {
        self.doc.warnings.push(w);
        self
    }

    pub fn build(self) -> Document {
        self.doc
    }

    fn push_control(
        &mut self,
        f: impl FnOnce(ControlBuilder) -> ControlBuilder,
        level: Level,
        flow_index: usize,
    ) -> usize {
        let index = self.doc.controls.len();
        let mut c = f(ControlBuilder::new(index, level)).0;
        c.flow_index = Some(flow_index);
        self.doc.controls.push(c);
        index
    }
}

fn paragraph(story: Story, text: &str, heading_level: Option<u8>) -> FlowItem {
    FlowItem::Paragraph {
        part: BODY.into(),
        story,
        text: text.into(),
        full_text: None,
        style: None,
        heading_level,
        list_level: None,
        cell: None,
        in_text_box: false,
        controls: Vec::new(),
        comments: Vec::new(),
    }
}

/// Builds a [`Control`]: an empty rich-text content control until told otherwise.
pub struct ControlBuilder(Control);

impl ControlBuilder {
    fn new(index: usize, level: Level) -> ControlBuilder {
        ControlBuilder(Control::blank(
            index,
            BODY.into(),
            Story::Body,
            level,
            Origin::ContentControl,
        ))
    }

    pub fn tag(mut self, tag: &str) -> Self {
        self.0.tag = Some(tag.into());
        self
    }

    /// The title (`w:alias`).
    pub fn alias(mut self, alias: &str) -> Self {
        self.0.alias = Some(alias.into());
        self
    }

    /// An answer: one paragraph block per line.
    pub fn text(mut self, text: &str) -> Self {
        self.0.status = Status::Answered;
        self.0.text = text.into();
        self.0.blocks = text
            .lines()
            .map(|l| Block::Paragraph {
                text: l.into(),
                links: Vec::new(),
            })
            .collect();
        self
    }

    /// Shows its placeholder `text`, which is also its own placeholder's text.
    pub fn placeholder(mut self, text: &str) -> Self {
        self.0.status = Status::Placeholder;
        self.0.showing_placeholder = true;
        self.0.text = text.into();
        self.0.placeholder_text = Some(text.into());
        self
    }

    /// Its own placeholder's text (`w:docPart`), whatever it shows.
    pub fn placeholder_text(mut self, text: &str) -> Self {
        self.0.placeholder_text = Some(text.into());
        self
    }

    pub fn value(mut self, value: Value) -> Self {
        self.0.value = Some(value);
        self
    }

    pub fn kind(mut self, control_type: ControlType) -> Self {
        self.0.control_type = control_type;
        self
    }

    pub fn story(mut self, story: Story) -> Self {
        self.0.story = story;
        self
    }

    pub fn tracked_changes(mut self) -> Self {
        self.0.tracked_changes = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_and_controls_point_at_each_other() {
        let doc = DocBuilder::new()
            .paragraph("Fråga")
            .control(|c| c.tag("q1").text("svar\nmer"))
            .inline("Nämnd:", |c| c.text("Östermalm"))
            .child(|c| c.text("inuti"))
            .build();
        assert_eq!(doc.controls.len(), 3);
        assert_eq!(doc.controls[0].flow_index, Some(1));
        assert_eq!(doc.controls[0].blocks.len(), 2);
        assert!(matches!(doc.flow[1], FlowItem::Control { control: 0, .. }));
        let FlowItem::Paragraph {
            controls,
            full_text,
            ..
        } = &doc.flow[2]
        else {
            panic!("a paragraph");
        };
        assert_eq!(controls, &[1]);
        assert_eq!(full_text.as_deref(), Some("Nämnd: Östermalm"));
        assert_eq!(doc.controls[2].parent, Some(1));
        assert_eq!(doc.controls[1].children, [2]);
        assert_eq!(doc.text(), "Fråga\nsvar\nmer\nNämnd: Östermalm");
    }
}
