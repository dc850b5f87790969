//! Mapping: which control, and which text written outside controls, answers which question.
//! Pure: it reads the [`Document`] model and the questionnaire, never XML.
//!
//! A control answers a question by, in this order: its tag; its title (alias); the question
//! text right before it (tolerant of small edits); its position among the template's controls.
//! Text written outside any control, between a question and the next heading or question,
//! belongs to that question: it is the answer when the control is missing or unanswered, and it
//! continues the answer when the control holds text too (`answer-outside-control`); text typed
//! beside an inline control continues it on the same line. A control that answers no question
//! and has neither tag, title nor label continues the answer whose area it stands in
//! (`control-in-answer`); one under a label of its own is a question someone added. Whatever is
//! left goes to `unmapped`, with where it stood.
//!
//! A form is mapped in steps over one [`Run`], each step in the module that owns it:
//!
//! ```text
//! options   the caller's variant, round and respondent, checked
//! identity  what a sent-out form says of itself (which store to believe), read first
//! lines     each paragraph holding inline controls, in pieces: labels, typed text, controls
//! matching  the controls that can answer; the variant; what each control answers
//! strays    the controls that answer nothing: labelled (an added question), or continuing
//!           the answer whose area they stand in
//! flow      each paragraph's role; each region; what was written outside controls
//! answers   each question's answer and each field's value (typed values: values); the
//!           answers returned as they were prefilled (identity)
//! unmapped  what answers nothing
//! resolve   the round, the respondent, the contact details
//! remarks   review comments and the reader's warnings, tied to questions
//! ```
//!
//! What does not change from form to form is prepared once ([`prepare`]: [`Prepared`],
//! [`TextKeys`]).

pub mod contact;
pub mod respondent;
pub mod round;
pub mod text_match;

mod answers;
mod flow;
mod identity;
mod lines;
mod matching;
mod options;
mod prepare;
mod remarks;
mod resolve;
mod strays;
#[cfg(test)]
mod testing;
mod unmapped;
mod values;

use std::collections::HashMap;

use crate::identity::FormIdentity;
use crate::model::{Block, Control, Document};
use crate::schema::{Questionnaire, Registry, Role};
use crate::submission::{
    ControlRef, FORMAT_VERSION, QuestionnaireRef, SourceRef, Submission, SubmissionWarning,
    VariantBy,
};
use crate::warning_code::WarningCode;
pub use options::{OptionError, Options, check_options};
pub use prepare::{Prepared, TextKeys};

use flow::{Loose, ParagraphRole, Region};
use lines::Line;
use matching::Matches;
use prepare::VariantData;
use strays::Label;

/// Maps a read form to a submission. To map many forms, prepare once with [`Prepared`].
pub fn map(
    doc: &Document,
    q: &Questionnaire,
    reg: &Registry,
    opts: &Options<'_>,
) -> Result<Submission, OptionError> {
    Prepared::new(q, reg).map(doc, opts)
}

impl Prepared<'_> {
    /// Maps a read form to a submission.
    pub fn map(&self, doc: &Document, opts: &Options<'_>) -> Result<Submission, OptionError> {
        self.map_with(doc, opts, &mut TextKeys::new())
    }

    /// [`map`](Prepared::map) remembering paragraph keys in `keys`, from one form to the next:
    /// for a caller that maps many forms.
    pub fn map_with(
        &self,
        doc: &Document,
        opts: &Options<'_>,
        keys: &mut TextKeys,
    ) -> Result<Submission, OptionError> {
        map_prepared(self, doc, opts, keys, false).map(|(s, _)| s)
    }

    /// [`map`](Prepared::map) for a form the caller is done with: answers take their controls'
    /// blocks instead of copying them (a large answer is then held once less).
    pub fn map_owned(&self, doc: Document, opts: &Options<'_>) -> Result<Submission, OptionError> {
        self.map_owned_with(doc, opts, &mut TextKeys::new())
    }

    /// [`map_owned`](Prepared::map_owned) remembering paragraph keys in `keys`, as
    /// [`map_with`](Prepared::map_with).
    pub fn map_owned_with(
        &self,
        mut doc: Document,
        opts: &Options<'_>,
        keys: &mut TextKeys,
    ) -> Result<Submission, OptionError> {
        let (mut s, moves) = map_prepared(self, &doc, opts, keys, true)?;
        move_blocks(&mut doc, &mut s, moves);
        Ok(s)
    }
}

/// Maps `doc`. With `defer_blocks`, answers and unmapped entries leave out their controls'
/// blocks and say where they go instead; without, the blocks are copied.
fn map_prepared(
    prepared: &Prepared<'_>,
    doc: &Document,
    opts: &Options<'_>,
    keys: &mut TextKeys,
    defer_blocks: bool,
) -> Result<(Submission, Vec<BlocksMove>), OptionError> {
    options::check_with(prepared.q, prepared.reg, &prepared.matcher, opts)?;
    let mut run = Run::start(prepared, doc, opts, keys, defer_blocks);
    matching::match_controls(&mut run);
    strays::find_labels(&mut run);
    flow::find_regions(&mut run);
    strays::find_continuations(&mut run);
    flow::gather_loose_text(&mut run);
    answers::answer_items(&mut run);
    identity::carried_over(&mut run);
    unmapped::collect(&mut run);
    resolve::round_and_respondent(&mut run);
    resolve::contact(&mut run);
    remarks::comments(&mut run);
    remarks::reader_warnings(&mut run);
    Ok((run.out, run.moves.unwrap_or_default()))
}

/// One form being mapped: what it is mapped against, what the steps have found out about it,
/// and the submission as it grows. A field a step fills is empty before that step.
struct Run<'r, 'a> {
    prepared: &'r Prepared<'a>,
    doc: &'r Document,
    opts: &'r Options<'r>,
    /// The chosen variant, prepared.
    data: &'r VariantData<'a>,
    /// The controls that can hold answers ([`matching::candidates`]).
    candidates: Vec<usize>,
    /// What each flow item is to the mapping.
    roles: Vec<ParagraphRole>,
    /// Each paragraph holding inline controls, in pieces, by flow index ([`lines::lines`]).
    lines: HashMap<usize, Line>,
    /// What each candidate answers ([`matching::match_controls`]).
    matches: Matches,
    /// The labels of the controls that answer nothing, by control ([`strays::find_labels`]).
    labels: HashMap<usize, Label>,
    /// The region each flow item stands in ([`flow::find_regions`]).
    regions: Vec<Region>,
    /// The controls that answer nothing and continue the answer whose area they stand in,
    /// with its item ([`strays::find_continuations`]).
    continues: HashMap<usize, usize>,
    /// Text written outside controls ([`flow::gather_loose_text`]).
    loose: Loose,
    /// Each field's value, by its role ([`answers::answer_items`]).
    fields: HashMap<Role, Option<String>>,
    /// The identity the form kept from a send-out ([`identity::of_form`]).
    identity: Option<FormIdentity>,
    /// Where controls' blocks go, when the caller hands the form over; `None` copies them.
    moves: Option<Vec<BlocksMove>>,
    /// The submission so far.
    out: Submission,
}

impl<'r, 'a> Run<'r, 'a> {
    /// Reads what the form is before anything is matched: the controls that can answer, the
    /// variant, what each paragraph is.
    fn start(
        prepared: &'r Prepared<'a>,
        doc: &'r Document,
        opts: &'r Options<'r>,
        keys: &mut TextKeys,
        defer_blocks: bool,
    ) -> Self {
        let candidates = matching::candidates(doc);
        let flow_keys = flow::paragraph_keys(doc, keys);
        let mut warnings = Vec::new();
        let identity = identity::of_form(doc, prepared.q, prepared.reg, &mut warnings);
        let sent_as = identity.as_ref().map(|(i, _)| i.variant.as_str());
        let (variant, variant_by) =
            matching::choose_variant(prepared, doc, opts, sent_as, (&candidates, &flow_keys));
        let data = prepared
            .variant(&variant)
            .expect("the variant is one of the questionnaire's");
        let roles = flow::roles(doc, data, &flow_keys);
        let lines = lines::lines(doc, &data.exact);
        let mut out = new_submission(prepared.q, doc, variant, variant_by);
        out.warnings = warnings;
        out.identity = identity.as_ref().map(|(i, at)| identity::record(i, *at));
        Run {
            prepared,
            doc,
            opts,
            data,
            candidates,
            roles,
            lines,
            matches: Matches::default(),
            labels: HashMap::new(),
            regions: Vec::new(),
            continues: HashMap::new(),
            loose: Loose::default(),
            fields: HashMap::new(),
            identity: identity.map(|(i, _)| i),
            moves: defer_blocks.then(Vec::new),
            out,
        }
    }

    /// The id of item `i` of the variant.
    fn item_id(&self, i: usize) -> &'a str {
        self.data.items[i].id(self.prepared.q)
    }
}

/// A submission with what is known before mapping: the questionnaire and the source.
fn new_submission(
    q: &Questionnaire,
    doc: &Document,
    variant: String,
    variant_by: VariantBy,
) -> Submission {
    Submission {
        format_version: FORMAT_VERSION.into(),
        questionnaire: QuestionnaireRef {
            id: q.id.clone(),
            version: q.version.clone(),
            variant,
            variant_by,
        },
        round: None,
        respondent: None,
        as_converted: None,
        identity: None,
        contact: None,
        redacted: false,
        answers: Vec::new(),
        unmapped: Vec::new(),
        comments: Vec::new(),
        warnings: Vec::new(),
        source: SourceRef {
            file: doc.source.file.clone(),
            sha256: doc.source.sha256.clone(),
            bytes: doc.source.bytes,
            producer: doc.source.producer.clone(),
            template: doc.source.template.clone(),
            modified: doc.source.modified.clone(),
            file_modified: None,
        },
    }
}

/// A warning of the mapping's own.
fn warning(
    code: WarningCode,
    message: impl Into<String>,
    question_id: Option<&str>,
) -> SubmissionWarning {
    SubmissionWarning {
        code,
        message: message.into(),
        question_id: question_id.map(str::to_owned),
    }
}

fn paragraph(text: &str) -> Block {
    Block::Paragraph {
        text: text.to_owned(),
        links: Vec::new(),
    }
}

fn control_ref(c: &Control) -> ControlRef {
    ControlRef {
        index: c.index,
        tag: c.tag.clone(),
        alias: c.alias.clone(),
        control_type: c.control_type.name().to_owned(),
    }
}

/// A control's blocks left for [`Prepared::map_owned`] to move into the submission.
struct BlocksMove {
    control: usize,
    to: BlocksTo,
}

enum BlocksTo {
    Answer(usize),
    Unmapped(usize),
}

/// Moves the controls' blocks into the answers and unmapped entries that left them out.
fn move_blocks(doc: &mut Document, s: &mut Submission, moves: Vec<BlocksMove>) {
    // A control's blocks go to one place; should one ever go to two, the first copies.
    let mut uses: HashMap<usize, usize> = HashMap::new();
    for m in &moves {
        *uses.entry(m.control).or_default() += 1;
    }
    for m in moves {
        let left = uses.get_mut(&m.control).expect("counted above");
        *left -= 1;
        let blocks = &mut doc.controls[m.control].blocks;
        let mut taken = match *left {
            0 => std::mem::take(blocks),
            _ => blocks.clone(),
        };
        let target = match m.to {
            BlocksTo::Answer(i) => &mut s.answers[i].blocks,
            BlocksTo::Unmapped(i) => &mut s.unmapped[i].blocks,
        };
        // The control's blocks come first, then what was written beside it.
        taken.append(target);
        *target = taken;
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{DocBuilder, Q1, Q6, map as map_test, questionnaire, registry};
    use super::*;

    #[test]
    fn bad_options_are_refused_before_the_form_is_read() {
        let (q, reg) = (questionnaire(), registry());
        let opts = Options {
            round: Some("snart"),
            ..Options::default()
        };
        let doc = DocBuilder::new().build();
        assert_eq!(
            map(&doc, &q, &reg, &opts),
            Err(OptionError::BadRound("snart".into()))
        );
        let prepared = Prepared::new(&q, &reg);
        assert!(prepared.map_owned(doc, &opts).is_err());
    }

    #[test]
    fn remembered_paragraph_keys_change_no_submission() {
        let (q, reg) = (questionnaire(), registry());
        let prepared = Prepared::new(&q, &reg);
        let forms = [
            DocBuilder::new()
                .paragraph(Q1)
                .control(|c| c.text("ett"))
                .build(),
            DocBuilder::new().paragraph(Q6).paragraph("Svar.").build(),
            DocBuilder::new().paragraph(Q1).paragraph("Under.").build(),
        ];
        let mut keys = TextKeys::new();
        for doc in &forms {
            let opts = Options::default();
            let fresh = prepared.map(doc, &opts).unwrap();
            assert_eq!(prepared.map_with(doc, &opts, &mut keys).unwrap(), fresh);
            let owned = prepared.map_owned_with(doc.clone(), &opts, &mut keys);
            assert_eq!(owned.unwrap(), fresh);
        }
    }

    #[test]
    fn a_handed_over_form_gives_its_blocks_to_the_answers() {
        let doc = DocBuilder::new()
            .control(|c| c.tag("q1").text("Rad ett\nRad två"))
            .paragraph("Rad tre")
            .build();
        let (q, reg) = (questionnaire(), registry());
        let s = Prepared::new(&q, &reg)
            .map_owned(doc, &Options::default())
            .unwrap();
        let texts: Vec<String> = s.answers[0].blocks.iter().map(Block::text).collect();
        assert_eq!(texts, ["Rad ett", "Rad två", "Rad tre"]);
    }

    /// An unmapped control's blocks go to its own entry, wherever the sort by flow position
    /// puts it.
    #[test]
    fn a_handed_over_form_gives_unmapped_controls_their_own_blocks() {
        let doc = DocBuilder::new()
            .control(|c| c.tag("okand").text("I kontrollen"))
            .paragraph("Utanför frågorna")
            .build();
        let s = map_test(&doc);
        assert_eq!(s.unmapped[0].blocks, [paragraph("I kontrollen")]);
        assert_eq!(s.unmapped[1].blocks, [paragraph("Utanför frågorna")]);
    }
}
