//! Mapping: which control, and which text written outside controls, answers which question.
//! Pure: it reads the [`Document`] model and the questionnaire, never XML.
//!
//! A control answers a question by, in this order: its tag; its title (alias); the question
//! text right before it (tolerant of small edits); its position among the template's controls.
//! Text written outside any control, between a question and the next heading or question,
//! belongs to that question: it is the answer when the control is missing or unanswered, and it
//! continues the answer when the control holds text too (`answer-outside-control`). Whatever is
//! left goes to `unmapped`, with where it stood.

pub mod contact;
pub mod respondent;
pub mod round;
pub mod text_match;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use crate::model::{Block, Control, ControlType, Document, FlowItem, Status, Story, Value};
use crate::schema::{Question, QuestionType, Questionnaire, Registry, Role};
use crate::submission::{
    Answer, AnswerStatus, ControlRef, FORMAT_VERSION, Location, MatchedBy, QuestionnaireRef,
    ResolvedBy, RespondentRef, SourceRef, Submission, SubmissionComment, SubmissionWarning,
    Unmapped, UnmappedReason, VariantBy,
};
use text_match::{SAME_QUESTION, TextKey, key};

/// What the user said on the command line; each overrides what the form says.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    pub variant: Option<&'a str>,
    pub round: Option<&'a str>,
    /// A registry id or a name.
    pub respondent: Option<&'a str>,
    /// The form's path, for its file and folder names.
    pub path: Option<&'a Path>,
}

/// Options that cannot be used with this questionnaire and registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error("no variant {given} in questionnaire {questionnaire}; its variants: {known}")]
    UnknownVariant {
        given: String,
        questionnaire: String,
        known: String,
    },
    #[error("{0:?} is not a round; write it as 2022-T1, 2022-T2 or 2022-VB")]
    BadRound(String),
    #[error(
        "no respondent {0:?} in the registry; give a registry id (e.g. ostermalm-sdn) or a name it lists"
    )]
    UnknownRespondent(String),
}

/// Checks the options before any form is read.
pub fn check_options(
    q: &Questionnaire,
    reg: &Registry,
    opts: &Options<'_>,
) -> Result<(), OptionError> {
    check_with(q, reg, &respondent::Matcher::new(reg), opts)
}

fn check_with(
    q: &Questionnaire,
    reg: &Registry,
    matcher: &respondent::Matcher<'_>,
    opts: &Options<'_>,
) -> Result<(), OptionError> {
    if let Some(v) = opts.variant
        && q.variant(v).is_none()
    {
        return Err(OptionError::UnknownVariant {
            given: v.to_owned(),
            questionnaire: q.id.clone(),
            known: q
                .variants
                .iter()
                .map(|v| v.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    if let Some(r) = opts.round
        && round::parse(r).is_none()
    {
        return Err(OptionError::BadRound(r.to_owned()));
    }
    if let Some(r) = opts.respondent
        && matcher.by_id_or_name(reg, r).is_none()
    {
        return Err(OptionError::UnknownRespondent(r.to_owned()));
    }
    Ok(())
}

/// A field or question of the chosen variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ItemRef {
    Field(usize),
    Question(usize),
}

struct Item<'q> {
    item: ItemRef,
    tag: String,
    /// Comparison keys of its title and other titles.
    aliases: Vec<String>,
    /// Its question text or label, and older wordings, prepared for comparison.
    texts: Vec<TextKey>,
    question: Option<&'q Question>,
    role: Option<Role>,
}

/// What the mapping needs of one variant, prepared once.
struct VariantData<'q> {
    items: Vec<Item<'q>>,
    /// Template text of the questionnaire and the variant.
    template: Vec<TextKey>,
    /// Focus area titles and their other wordings.
    areas: Vec<TextKey>,
    /// Question texts and labels by key, for the exact match most paragraphs get.
    exact: HashMap<String, usize>,
    /// Items by tag (lower case) and by the keys of their titles: the first item that has it.
    tags: HashMap<String, usize>,
    aliases: HashMap<String, usize>,
}

/// A questionnaire and a registry prepared for mapping many forms: comparison keys, word lists
/// and the registry's names are worked out once, not for every form.
pub struct Prepared<'a> {
    q: &'a Questionnaire,
    reg: &'a Registry,
    matcher: respondent::Matcher<'a>,
    variants: Vec<VariantData<'a>>,
}

/// How many paragraph texts each thread remembers the comparison keys of.
const SEEN_TEXTS: usize = 1024;

thread_local! {
    /// Comparison keys of paragraphs met in earlier forms on this thread: the template's text
    /// repeats in every form of a round. A key depends on the text alone. Bounded: once full,
    /// new texts are keyed but not remembered. Per thread, so that workers share nothing.
    static SEEN: RefCell<HashMap<Box<str>, Rc<TextKey>>> = RefCell::new(HashMap::new());
}

/// The comparison key of a paragraph's text, remembered across forms.
fn paragraph_key(text: &str) -> Rc<TextKey> {
    SEEN.with(|seen| {
        if let Some(k) = seen.borrow().get(text) {
            return Rc::clone(k);
        }
        let k = Rc::new(TextKey::new(text));
        let mut seen = seen.borrow_mut();
        if seen.len() < SEEN_TEXTS {
            seen.insert(text.into(), Rc::clone(&k));
        }
        k
    })
}

impl<'a> Prepared<'a> {
    pub fn new(q: &'a Questionnaire, reg: &'a Registry) -> Prepared<'a> {
        let variants = q
            .variants
            .iter()
            .map(|v| {
                let items = items(q, &v.id);
                let mut template: Vec<TextKey> = q
                    .template_text
                    .iter()
                    .chain(&v.template_text)
                    .chain([&v.title, &q.title])
                    .map(|t| TextKey::new(t))
                    .collect();
                template.retain(|t| !t.key.is_empty());
                let areas = q
                    .areas
                    .iter()
                    .flat_map(|a| std::iter::once(&a.title).chain(&a.aliases))
                    .map(|t| TextKey::new(t))
                    .collect();
                let (mut exact, mut tags, mut aliases) =
                    (HashMap::new(), HashMap::new(), HashMap::new());
                for (i, item) in items.iter().enumerate() {
                    for t in &item.texts {
                        exact.entry(t.key.clone()).or_insert(i);
                    }
                    tags.entry(item.tag.clone()).or_insert(i);
                    for a in &item.aliases {
                        aliases.entry(a.clone()).or_insert(i);
                    }
                }
                VariantData {
                    items,
                    template,
                    areas,
                    exact,
                    tags,
                    aliases,
                }
            })
            .collect();
        Prepared {
            q,
            reg,
            matcher: respondent::Matcher::new(reg),
            variants,
        }
    }

    fn variant(&self, id: &str) -> Option<&VariantData<'a>> {
        let i = self.q.variants.iter().position(|v| v.id == id)?;
        self.variants.get(i)
    }
}

/// What a paragraph of the flow is to the mapping.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role2 {
    /// The text of a question or the label of a field.
    Anchor(usize),
    /// A heading: a focus area's, or any other heading style.
    Heading,
    /// Template text (title, instructions).
    Template,
    /// Written by the respondent.
    Text,
}

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
        map_prepared(self, doc, opts, None)
    }

    /// [`map`](Prepared::map) for a form the caller is done with: answers take their controls'
    /// blocks instead of copying them (a large answer is then held once less).
    pub fn map_owned(
        &self,
        mut doc: Document,
        opts: &Options<'_>,
    ) -> Result<Submission, OptionError> {
        let mut moves = Vec::new();
        let mut s = map_prepared(self, &doc, opts, Some(&mut moves))?;
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
        Ok(s)
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

/// Maps `doc`. With `moves`, answers and unmapped entries leave out their controls' blocks and
/// say where they go instead; without, the blocks are copied.
fn map_prepared(
    prepared: &Prepared<'_>,
    doc: &Document,
    opts: &Options<'_>,
    mut moves: Option<&mut Vec<BlocksMove>>,
) -> Result<Submission, OptionError> {
    let (q, reg) = (prepared.q, prepared.reg);
    check_with(q, reg, &prepared.matcher, opts)?;
    let mut warnings: Vec<SubmissionWarning> = Vec::new();
    let candidates = candidates(doc);

    // Each paragraph's comparison key, worked out once.
    let flow_keys: Vec<Option<Rc<TextKey>>> = doc
        .flow
        .iter()
        .map(|f| match f {
            FlowItem::Paragraph { text, .. } => Some(paragraph_key(text)),
            _ => None,
        })
        .collect();
    let (variant, variant_by) = match opts.variant {
        Some(v) => (v.to_owned(), VariantBy::Option),
        None => (
            detect_variant(doc, prepared, &candidates, &flow_keys),
            VariantBy::Detected,
        ),
    };
    let data = prepared
        .variant(&variant)
        .expect("the variant is one of the questionnaire's");
    let items = &data.items;
    let roles = flow_roles(doc, data, &flow_keys);
    let before = questions_before(doc, &roles);

    // 1–3: tag, title, question text before the control.
    let mut matched: Vec<Option<(usize, MatchedBy)>> = vec![None; candidates.len()];
    let mut taken: HashMap<usize, usize> = HashMap::new(); // item → candidate
    let mut duplicates: HashMap<usize, usize> = HashMap::new(); // candidate → item
    for (ci, &c) in candidates.iter().enumerate() {
        let control = &doc.controls[c];
        let found = match_by_tag(control, data)
            .map(|i| (i, MatchedBy::Tag))
            .or_else(|| match_by_alias(control, data).map(|i| (i, MatchedBy::Alias)))
            .or_else(|| {
                match_by_text_before(doc, control, &roles, &before)
                    .map(|i| (i, MatchedBy::QuestionText))
            });
        if let Some((i, by)) = found {
            match taken.entry(i) {
                std::collections::hash_map::Entry::Occupied(_) => {
                    duplicates.insert(ci, i);
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(ci);
                    matched[ci] = Some((i, by));
                }
            }
        }
    }
    // 4: position, between controls already matched, where the counts agree.
    match_by_position(doc, &candidates, items, &mut matched, &mut taken);

    // Text outside controls, by the question whose region it stands in. A paragraph holding a
    // control that answers nothing keeps its text with that control (its label, most likely).
    let regions = regions(doc, &roles, &candidates, &matched);
    let unmatched_inline: HashMap<usize, usize> = candidates
        .iter()
        .zip(&matched)
        .filter(|(_, m)| m.is_none())
        .filter_map(|(&c, _)| {
            let control = &doc.controls[c];
            (control.level == crate::model::Level::Inline)
                .then_some(control.flow_index)
                .flatten()
                .map(|fi| (fi, c))
        })
        .collect();
    let mut outside: HashMap<usize, Vec<String>> = HashMap::new(); // item → its loose text
    let mut unmapped: Vec<Unmapped> = Vec::new();
    for (fi, item) in doc.flow.iter().enumerate() {
        // Body paragraphs and the notes referenced from them; header and footer text outside
        // controls is template furniture (page numbers, logos) and never an answer.
        let FlowItem::Paragraph {
            part,
            story: story @ (Story::Body | Story::Footnote | Story::Endnote),
            text,
            full_text,
            controls,
            ..
        } = item
        else {
            continue;
        };
        let own = loose_text(
            text,
            full_text.is_some() || !controls.is_empty(),
            roles[fi],
            &data.exact,
        );
        let Some(own) = own else { continue };
        if unmatched_inline.contains_key(&fi) {
            continue;
        }
        match regions[fi] {
            Some(i) => outside.entry(i).or_default().push(own),
            None => unmapped.push(Unmapped {
                text: own.clone(),
                blocks: vec![paragraph(&own)],
                reason: UnmappedReason::OutsideQuestions,
                control: None,
                location: Location {
                    part: part.clone(),
                    story: *story,
                    flow_index: Some(fi),
                    after_question: None,
                },
            }),
        }
    }

    // Answers.
    let by_item: HashMap<usize, usize> =
        taken.iter().map(|(&i, &ci)| (i, candidates[ci])).collect();
    let matched_by: HashMap<usize, MatchedBy> =
        matched.iter().flatten().map(|&(i, by)| (i, by)).collect();
    let mut answers = Vec::new();
    let mut field_text: HashMap<Role, (Option<String>, Option<&Control>)> = HashMap::new();
    let anchored_items: std::collections::HashSet<usize> = roles
        .iter()
        .filter_map(|r| match r {
            Role2::Anchor(i) => Some(*i),
            _ => None,
        })
        .collect();
    for (i, item) in items.iter().enumerate() {
        let control = by_item.get(&i).map(|&c| &doc.controls[c]);
        let loose: Vec<String> = outside.remove(&i).unwrap_or_default();
        if let Some(role) = item.role {
            // A field's value: what its control holds, continued by what was written beside
            // it outside the control (`Helena Näslund`, `, utvecklingsstrateg`).
            let mut parts: Vec<String> = match control {
                Some(c) if c.status == Status::Answered => vec![strip_placeholder(&c.text, c).0],
                _ => Vec::new(),
            };
            parts.retain(|t| !t.is_empty());
            if !loose.is_empty() && control.is_some() {
                warnings.push(SubmissionWarning {
                    code: "answer-outside-control".into(),
                    message: "text written beside the field outside its control was taken into it"
                        .into(),
                    question_id: Some(item_id(q, item).to_owned()),
                });
            }
            parts.extend(loose);
            let text = (!parts.is_empty()).then(|| parts.join(" "));
            field_text.insert(role, (text, control));
            continue;
        }
        let question = item.question.expect("a question item");
        let anchored = anchored_items.contains(&i);
        let (a, control_blocks) = answer(
            question,
            control,
            matched_by.get(&i).copied(),
            &loose,
            anchored,
            moves.is_some(),
            &mut warnings,
        );
        if let (Some(moves), true, Some(&control)) =
            (moves.as_deref_mut(), control_blocks, by_item.get(&i))
        {
            moves.push(BlocksMove {
                control,
                to: BlocksTo::Answer(answers.len()),
            });
        }
        answers.push(a);
    }

    // Controls that answer nothing.
    for (ci, &c) in candidates.iter().enumerate() {
        if matched[ci].is_some() {
            continue;
        }
        let control = &doc.controls[c];
        let duplicate = duplicates.get(&ci).copied();
        let unknown_tag = control.tag.is_some() && duplicate.is_none();
        // The line an inline control stands in: all of it when the control holds an answer,
        // else the text beside it (an unknown question's label, kept all the same).
        let line = control.flow_index.and_then(|fi| match &doc.flow[fi] {
            FlowItem::Paragraph {
                text, full_text, ..
            } if unmatched_inline.get(&fi) == Some(&c) => {
                if control.status == Status::Answered {
                    full_text.clone()
                } else {
                    loose_text(text, true, roles[fi], &data.exact)
                }
            }
            _ => None,
        });
        if control.status != Status::Answered && line.is_none() {
            continue;
        }
        let (reason, code, message, qid) = match duplicate {
            Some(i) => (
                UnmappedReason::DuplicateAnswer,
                "duplicate-answer",
                format!(
                    "a second control answers {}; its text is kept in unmapped",
                    item_id(q, &items[i])
                ),
                Some(item_id(q, &items[i]).to_owned()),
            ),
            None if unknown_tag => (
                UnmappedReason::UnknownControl,
                "unknown-tag",
                format!(
                    "the control tagged {:?} answers no question of the questionnaire",
                    control.tag.as_deref().unwrap_or("")
                ),
                None,
            ),
            None => (
                UnmappedReason::UnknownControl,
                "unknown-control",
                format!(
                    "the control {} answers no question of the questionnaire",
                    control
                        .alias
                        .as_deref()
                        .map_or_else(|| format!("#{}", control.index), |a| format!("{a:?}"))
                ),
                None,
            ),
        };
        warnings.push(SubmissionWarning {
            code: code.into(),
            message,
            question_id: qid,
        });
        // An inline control keeps the line it stands in (`Period: tertialrapport 1 2022`).
        let (text, blocks) = match line {
            Some(l) => (l.clone(), vec![paragraph(&l)]),
            None => match moves.as_deref_mut() {
                Some(moves) => {
                    moves.push(BlocksMove {
                        control: c,
                        to: BlocksTo::Unmapped(unmapped.len()),
                    });
                    (control.text.clone(), Vec::new())
                }
                None => (control.text.clone(), control.blocks.clone()),
            },
        };
        unmapped.push(Unmapped {
            text,
            blocks,
            reason,
            control: Some(control_ref(control)),
            location: Location {
                part: control.part.clone(),
                story: control.story,
                flow_index: control.flow_index,
                after_question: control
                    .flow_index
                    .and_then(|fi| regions.get(fi).copied().flatten())
                    .map(|i| item_id(q, &items[i]).to_owned()),
            },
        });
    }
    unmapped.sort_by_key(|u| u.location.flow_index.unwrap_or(usize::MAX));

    // Who answers, and for which round.
    let round = resolve_round(doc, opts, &field_text, &mut warnings);
    let respondent = resolve_respondent(
        reg,
        &prepared.matcher,
        opts,
        &field_text,
        round.as_deref().and_then(round::end_date).as_deref(),
        &mut warnings,
    );
    let text_of = |role: Role| field_text.get(&role).and_then(|(t, _)| t.as_deref());
    let contact = contact::contact(
        text_of(Role::ContactName),
        text_of(Role::ContactPhone),
        text_of(Role::ContactEmail),
    );
    if contact.email_valid == Some(false) {
        warnings.push(SubmissionWarning {
            code: "contact-email-invalid".into(),
            message: format!(
                "the e-mail address {:?} is not a well-formed address",
                contact.email_as_written.as_deref().unwrap_or("")
            ),
            question_id: None,
        });
    }
    if contact.phone.is_some() && contact.phone == contact.phone_as_written {
        warnings.push(SubmissionWarning {
            code: "contact-phone-unrecognised".into(),
            message: format!(
                "the phone number {:?} is not a Swedish number; kept as written",
                contact.phone_as_written.as_deref().unwrap_or("")
            ),
            question_id: None,
        });
    }

    // Comments, with the question they are anchored in.
    let question_of_control: HashMap<usize, usize> =
        by_item.iter().map(|(&i, &c)| (c, i)).collect();
    let comments = doc
        .comments
        .iter()
        .map(|c| {
            let item = c
                .control
                .and_then(|ctrl| top_candidate(doc, ctrl, &question_of_control))
                .or_else(|| {
                    c.flow_index
                        .and_then(|fi| regions.get(fi).copied().flatten())
                });
            SubmissionComment {
                author: c.author.clone(),
                date: c.date.clone(),
                text: c.text.clone(),
                question_id: item.map(|i| item_id(q, &items[i]).to_owned()),
            }
        })
        .collect();

    // The reader's warnings, tied to questions where they concern a control.
    for w in &doc.warnings {
        let qid = w
            .control
            .and_then(|c| top_candidate(doc, c, &question_of_control))
            .map(|i| item_id(q, &items[i]).to_owned());
        if w.code == "tracked-changes" {
            let affected: Vec<String> = doc
                .controls
                .iter()
                .filter(|c| c.tracked_changes)
                .filter_map(|c| top_candidate(doc, c.index, &question_of_control))
                .map(|i| item_id(q, &items[i]).to_owned())
                .collect();
            if !affected.is_empty() {
                let mut seen = Vec::new();
                for a in affected {
                    if !seen.contains(&a) {
                        warnings.push(SubmissionWarning {
                            code: w.code.clone(),
                            message: w.message.clone(),
                            question_id: Some(a.clone()),
                        });
                        seen.push(a);
                    }
                }
                continue;
            }
        }
        warnings.push(SubmissionWarning {
            code: w.code.clone(),
            message: w.message.clone(),
            question_id: qid,
        });
    }

    let q_ref = QuestionnaireRef {
        id: q.id.clone(),
        version: q.version.clone(),
        variant,
        variant_by,
    };
    Ok(Submission {
        format_version: FORMAT_VERSION.into(),
        questionnaire: q_ref,
        round,
        respondent,
        contact: Some(contact),
        answers,
        unmapped,
        comments,
        warnings,
        source: SourceRef {
            file: doc.source.file.clone(),
            sha256: doc.source.sha256.clone(),
            bytes: doc.source.bytes,
            producer: doc.source.producer.clone(),
            template: doc.source.template.clone(),
            modified: doc.source.modified.clone(),
            file_modified: None,
        },
    })
}

fn item_id<'q>(q: &'q Questionnaire, item: &Item<'_>) -> &'q str {
    match item.item {
        ItemRef::Field(i) => &q.fields[i].id,
        ItemRef::Question(i) => &q.questions[i].id,
    }
}

/// The controls that can hold answers: the outermost controls that are not containers
/// (groups, building-block galleries), outside notes and comments. A repeating section answers
/// as a whole: its items, in order, are the answer.
fn candidates(doc: &Document) -> Vec<usize> {
    let container = |c: &Control| {
        matches!(
            c.control_type,
            ControlType::Group
                | ControlType::RepeatingSectionItem
                | ControlType::BuildingBlockGallery
                | ControlType::BuildingBlockList
        )
    };
    doc.controls
        .iter()
        .filter(|c| matches!(c.story, Story::Body | Story::Header | Story::Footer))
        .filter(|c| !container(c))
        .filter(|c| {
            // No answering control around it.
            let mut p = c.parent;
            while let Some(i) = p {
                if !container(&doc.controls[i]) {
                    return false;
                }
                p = doc.controls[i].parent;
            }
            true
        })
        .map(|c| c.index)
        .collect()
}

fn items<'q>(q: &'q Questionnaire, variant: &str) -> Vec<Item<'q>> {
    let mut out = Vec::new();
    for (i, f) in q
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.in_variant(variant))
    {
        out.push(Item {
            item: ItemRef::Field(i),
            tag: f.tag().to_lowercase(),
            aliases: std::iter::once(&f.alias)
                .chain(&f.aliases)
                .map(|a| key(a))
                .collect(),
            texts: std::iter::once(&f.label)
                .chain(&f.aliases)
                .map(|a| TextKey::new(a))
                .collect(),
            question: None,
            role: Some(f.role),
        });
    }
    for (i, qu) in q
        .questions
        .iter()
        .enumerate()
        .filter(|(_, qu)| qu.in_variant(variant))
    {
        out.push(Item {
            item: ItemRef::Question(i),
            tag: qu.tag().to_lowercase(),
            aliases: std::iter::once(&qu.alias).map(|a| key(a)).collect(),
            texts: std::iter::once(&qu.text)
                .chain(&qu.aliases)
                .map(|a| TextKey::new(a))
                .collect(),
            question: Some(qu),
            role: None,
        });
    }
    out
}

/// The variant whose fields and questions the form holds most of.
fn detect_variant(
    doc: &Document,
    prepared: &Prepared<'_>,
    candidates: &[usize],
    flow_keys: &[Option<Rc<TextKey>>],
) -> String {
    let q = prepared.q;
    if q.variants.len() == 1 {
        return q.variants[0].id.clone();
    }
    let mut best = (0usize, q.variants[0].id.clone());
    for (v, data) in q.variants.iter().zip(&prepared.variants) {
        let mut score = 0;
        for &c in candidates {
            let control = &doc.controls[c];
            if match_by_tag(control, data).is_some() || match_by_alias(control, data).is_some() {
                score += 2;
            }
        }
        for item in data.items.iter().filter(|i| i.question.is_some()) {
            let found = flow_keys
                .iter()
                .flatten()
                .any(|k| item.texts.iter().any(|t| t.similarity(k) >= SAME_QUESTION));
            if found {
                score += 1;
            }
        }
        if score > best.0 {
            best = (score, v.id.clone());
        }
    }
    best.1
}

fn match_by_tag(c: &Control, data: &VariantData<'_>) -> Option<usize> {
    let tag = c.tag.as_deref()?.trim().to_lowercase();
    data.tags.get(&tag).copied()
}

fn match_by_alias(c: &Control, data: &VariantData<'_>) -> Option<usize> {
    let alias = key(c.alias.as_deref()?);
    if alias.is_empty() {
        return None;
    }
    data.aliases.get(&alias).copied()
}

/// The question text or label right before a control: the text beside an inline control in
/// its own paragraph, else the nearest paragraph before it that is not empty (`before`, from
/// [`questions_before`]).
fn match_by_text_before(
    doc: &Document,
    c: &Control,
    roles: &[Role2],
    before: &[Option<usize>],
) -> Option<usize> {
    let fi = c.flow_index?;
    if let Some(FlowItem::Paragraph { .. }) = doc.flow.get(fi)
        && let Role2::Anchor(i) = roles[fi]
    {
        return Some(i);
    }
    before.get(fi).copied().flatten()
}

/// For each flow item, the question whose text is the nearest flow item before it that says
/// anything: a question's text, or `None` for a control, a paragraph holding controls, a
/// heading or other text. Empty paragraphs are looked through. One pass, so that many controls
/// after many empty paragraphs cost linear time, not a look back from each control.
fn questions_before(doc: &Document, roles: &[Role2]) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(doc.flow.len());
    let mut nearest = None;
    for (item, &role) in doc.flow.iter().zip(roles) {
        out.push(nearest);
        nearest = match (item, role) {
            (FlowItem::Control { .. }, _) => None,
            (FlowItem::Paragraph { controls, .. }, _) if !controls.is_empty() => None,
            (_, Role2::Anchor(i)) => Some(i),
            (_, Role2::Heading) => None,
            (FlowItem::Paragraph { text, .. }, Role2::Template | Role2::Text)
                if !text.is_empty() =>
            {
                None
            }
            _ => nearest,
        };
    }
    out
}

/// Pairs controls and items left over between two matched ones, in order, where their
/// numbers agree.
fn match_by_position(
    doc: &Document,
    candidates: &[usize],
    items: &[Item<'_>],
    matched: &mut [Option<(usize, MatchedBy)>],
    taken: &mut HashMap<usize, usize>,
) {
    // Controls with a tag of their own say what they are: not matched by position.
    let free = |ci: usize, matched: &[Option<(usize, MatchedBy)>]| {
        matched[ci].is_none() && doc.controls[candidates[ci]].tag.is_none()
    };
    let mut anchors: Vec<(usize, usize)> = matched
        .iter()
        .enumerate()
        .filter_map(|(ci, m)| m.map(|(i, _)| (ci, i)))
        .collect();
    anchors.sort();
    // Sentinels at both ends.
    let mut bounds: Vec<(isize, isize)> = vec![(-1, -1)];
    bounds.extend(anchors.iter().map(|&(c, i)| (c as isize, i as isize)));
    bounds.push((candidates.len() as isize, items.len() as isize));
    for w in bounds.windows(2) {
        let ((c0, i0), (c1, i1)) = (w[0], w[1]);
        if i1 <= i0 {
            continue;
        }
        let cs: Vec<usize> = ((c0 + 1)..c1)
            .map(|c| c as usize)
            .filter(|&c| free(c, matched))
            .collect();
        let is: Vec<usize> = ((i0 + 1)..i1)
            .map(|i| i as usize)
            .filter(|i| !taken.contains_key(i))
            .collect();
        if !cs.is_empty() && cs.len() == is.len() {
            for (&c, &i) in cs.iter().zip(&is) {
                matched[c] = Some((i, MatchedBy::Position));
                taken.insert(i, c);
            }
        }
    }
}

/// What each paragraph of the flow is: a question's text or a field's label, a heading,
/// template text, or the respondent's own text.
fn flow_roles(
    doc: &Document,
    data: &VariantData<'_>,
    flow_keys: &[Option<Rc<TextKey>>],
) -> Vec<Role2> {
    doc.flow
        .iter()
        .zip(flow_keys)
        .map(|(f, k)| {
            let (FlowItem::Paragraph { heading_level, .. }, Some(k)) = (f, k) else {
                return Role2::Text;
            };
            if k.key.is_empty() {
                return Role2::Template;
            }
            if let Some(&i) = data.exact.get(&k.key) {
                return Role2::Anchor(i);
            }
            if data.areas.iter().any(|a| a.similarity(k) >= SAME_QUESTION) {
                return Role2::Heading;
            }
            if data
                .template
                .iter()
                .any(|t| t.similarity(k) >= SAME_QUESTION)
            {
                return Role2::Template;
            }
            // Question texts edited a little (long ones only: short labels must be exact).
            if k.key.len() >= 24
                && let Some(i) = data.items.iter().position(|item| {
                    item.question.is_some()
                        && item.texts.iter().any(|t| t.similarity(k) >= SAME_QUESTION)
                })
            {
                return Role2::Anchor(i);
            }
            if heading_level.is_some() {
                return Role2::Heading;
            }
            Role2::Text
        })
        .collect()
}

/// The item whose region each flow item stands in: from a question's text or its control on,
/// until the next heading, question or field.
fn regions(
    doc: &Document,
    roles: &[Role2],
    candidates: &[usize],
    matched: &[Option<(usize, MatchedBy)>],
) -> Vec<Option<usize>> {
    let item_of_control: HashMap<usize, usize> = candidates
        .iter()
        .zip(matched)
        .filter_map(|(&c, m)| m.map(|(i, _)| (c, i)))
        .collect();
    let mut current = None;
    let mut out = Vec::with_capacity(doc.flow.len());
    for (fi, f) in doc.flow.iter().enumerate() {
        let story_body = match f {
            FlowItem::Paragraph { story, .. } | FlowItem::Control { story, .. } => {
                matches!(story, Story::Body | Story::Footnote | Story::Endnote)
            }
        };
        if !story_body {
            out.push(None);
            continue;
        }
        match (f, roles[fi]) {
            (FlowItem::Control { control, .. }, _) => {
                if let Some(&i) = item_of_control.get(control) {
                    current = Some(i);
                }
            }
            (FlowItem::Paragraph { controls, .. }, role) => {
                if let Some(i) = controls.iter().find_map(|c| item_of_control.get(c)) {
                    current = Some(*i);
                } else if let Role2::Anchor(i) = role {
                    current = Some(i);
                } else if role == Role2::Heading {
                    current = None;
                }
            }
        }
        out.push(current);
    }
    out
}

/// The respondent's own text in a flow paragraph, if any: not template text, not a heading,
/// not the question or label itself (a label beside an inline control is left out, the rest of
/// the line kept). `labels`: every question text and label, by key.
fn loose_text(
    text: &str,
    has_controls: bool,
    role: Role2,
    labels: &HashMap<String, usize>,
) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    match role {
        Role2::Heading | Role2::Template => return None,
        Role2::Anchor(_) if !has_controls => return None,
        _ => {}
    }
    if has_controls {
        // "Nämnd: [control]": the label is template text; anything else is the respondent's.
        if labels.contains_key(&key(text)) {
            return None;
        }
    }
    Some(text.to_owned())
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

/// The item answered by the outermost candidate holding control `c`.
fn top_candidate(doc: &Document, c: usize, item_of: &HashMap<usize, usize>) -> Option<usize> {
    let mut cur = Some(c);
    while let Some(i) = cur {
        if let Some(&item) = item_of.get(&i) {
            return Some(item);
        }
        cur = doc.controls.get(i).and_then(|c| c.parent);
    }
    None
}

/// An answer's text without a placeholder left at its start (a form saved by a program that
/// kept the placeholder and appended the answer). Returns the text and whether it was cut.
fn strip_placeholder(text: &str, c: &Control) -> (String, bool) {
    let mut cut = None;
    for p in c
        .placeholder_text
        .iter()
        .map(String::as_str)
        .chain(crate::ooxml::text::DEFAULT_PLACEHOLDERS.iter().copied())
    {
        if let Some(rest) = text.strip_prefix(p)
            && !rest.trim().is_empty()
        {
            cut = Some(rest.trim_start().to_owned());
            break;
        }
    }
    match cut {
        Some(rest) => (rest, true),
        None => (text.to_owned(), false),
    }
}

/// The answer to `question`, and, when `defer_blocks`, whether it left out its control's blocks
/// (for the caller to move in ahead of the blocks it holds).
fn answer(
    question: &Question,
    control: Option<&Control>,
    matched_by: Option<MatchedBy>,
    loose: &[String],
    anchored: bool,
    defer_blocks: bool,
    warnings: &mut Vec<SubmissionWarning>,
) -> (Answer, bool) {
    let warn = |warnings: &mut Vec<SubmissionWarning>, code: &str, message: String| {
        warnings.push(SubmissionWarning {
            code: code.into(),
            message,
            question_id: Some(question.id.clone()),
        });
    };
    let mut text = String::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut deferred = false;
    let mut status = AnswerStatus::Missing;
    if let Some(c) = control {
        status = AnswerStatus::Unanswered;
        if c.status == Status::Answered {
            let (t, cut) = strip_placeholder(&c.text, c);
            if cut {
                warn(
                    warnings,
                    "placeholder-in-answer",
                    "the answer began with the placeholder text, which was left out".into(),
                );
                blocks = vec![paragraph(&t)];
            } else if defer_blocks {
                deferred = true;
            } else {
                blocks = c.blocks.clone();
            }
            text = t;
            status = AnswerStatus::Answered;
        } else if c.status == Status::Placeholder && loose.is_empty() {
            warn(
                warnings,
                "placeholder-left",
                "the control still shows its placeholder".into(),
            );
        }
    } else if anchored {
        status = AnswerStatus::Unanswered;
    }
    if !loose.is_empty() {
        warn(
            warnings,
            "answer-outside-control",
            if control.is_some() {
                format!(
                    "{} paragraph{} written under the question outside its control {} taken into the answer",
                    loose.len(),
                    if loose.len() == 1 { "" } else { "s" },
                    if loose.len() == 1 { "was" } else { "were" }
                )
            } else {
                "the question has no control; the text written under it is the answer".into()
            },
        );
        for l in loose {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(l);
            blocks.push(paragraph(l));
        }
        status = AnswerStatus::Answered;
    }
    let matched_by = match (matched_by, control, loose.is_empty()) {
        (Some(by), Some(_), _) => Some(by),
        (_, None, false) => Some(MatchedBy::OutsideControl),
        _ => None,
    };
    let value = (status == AnswerStatus::Answered)
        .then(|| typed_value(question, control, &text, warnings))
        .flatten();
    if status == AnswerStatus::Missing {
        warn(
            warnings,
            "question-missing",
            "the question was not found in the form".into(),
        );
    }
    let a = Answer {
        question_id: question.id.clone(),
        area: question.area,
        question: question.text.clone(),
        status,
        text,
        blocks,
        value,
        matched_by,
        control: control.map(control_ref),
    };
    (a, deferred)
}

/// The typed value of a boolean, date or choice question: from the control's value when it
/// has one, else read from the text.
fn typed_value(
    q: &Question,
    control: Option<&Control>,
    text: &str,
    warnings: &mut Vec<SubmissionWarning>,
) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    let control_value = control.and_then(|c| c.value.as_ref());
    let v = match q.question_type {
        QuestionType::Text => return None,
        QuestionType::Boolean => match control_value {
            Some(Value::Boolean(b)) => Some(J::Bool(*b)),
            _ => match key(text).as_str() {
                "ja" | "yes" | "x" | "sant" | "true" => Some(J::Bool(true)),
                "nej" | "no" | "falskt" | "false" => Some(J::Bool(false)),
                _ => None,
            },
        },
        QuestionType::Date => match control_value {
            Some(Value::Date(d)) => Some(J::String(d.clone())),
            _ => parse_date(text).map(J::String),
        },
        QuestionType::Choice => {
            let (value, display) = match control_value {
                Some(Value::Choice {
                    value,
                    display_text,
                }) => (value.as_str(), display_text.as_str()),
                _ => (text, text),
            };
            q.choices
                .iter()
                .find(|c| c.value == value)
                .or_else(|| q.choices.iter().find(|c| key(&c.label) == key(display)))
                .or_else(|| q.choices.iter().find(|c| key(&c.value) == key(display)))
                .map(|c| J::String(c.value.clone()))
        }
    };
    if v.is_none() && !text.is_empty() {
        warnings.push(SubmissionWarning {
            code: "value-unrecognised".into(),
            message: format!(
                "the answer {:?} is not a {} value",
                text,
                match q.question_type {
                    QuestionType::Boolean => "yes/no",
                    QuestionType::Date => "date",
                    _ => "choice",
                }
            ),
            question_id: Some(q.id.clone()),
        });
    }
    v
}

/// `2022-04-30`, `30/4/2022`, `30.4.2022`, `30 april 2022` → ISO date.
fn parse_date(text: &str) -> Option<String> {
    let t = text.trim();
    if crate::schema::is_iso_date(t) {
        return Some(t.to_owned());
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    let words: Vec<String> = t
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '.' | '-' | ','))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() != 3 {
        return None;
    }
    let day: u32 = words[0].parse().ok()?;
    let month: u32 = words[1].parse().ok().or_else(|| {
        let m = words[1].get(..3)?;
        let m = if m == "may" {
            "maj"
        } else if m == "oct" {
            "okt"
        } else {
            m
        };
        MONTHS.iter().position(|x| *x == m).map(|i| i as u32 + 1)
    })?;
    let year: u32 = words[2].parse().ok()?;
    let iso = format!("{year:04}-{month:02}-{day:02}");
    crate::schema::is_iso_date(&iso).then_some(iso)
}

fn resolve_round(
    doc: &Document,
    opts: &Options<'_>,
    fields: &HashMap<Role, (Option<String>, Option<&Control>)>,
    warnings: &mut Vec<SubmissionWarning>,
) -> Option<String> {
    if let Some(r) = opts.round {
        return round::parse(r);
    }
    if let Some((Some(t), _)) = fields.get(&Role::Round)
        && let Some(r) = round::parse(t)
    {
        return Some(r);
    }
    let folder = opts
        .path
        .and_then(|p| p.parent())
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    let file = opts
        .path
        .and_then(|p| p.file_stem())
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| doc.source.file.clone());
    if let Some(r) = folder.as_deref().and_then(round::parse) {
        return Some(r);
    }
    if let Some(r) = file.as_deref().and_then(round::parse) {
        return Some(r);
    }
    warnings.push(SubmissionWarning {
        code: "round-unresolved".into(),
        message: "the round is not in the form, its folder or its file name; give it with --round"
            .into(),
        question_id: None,
    });
    None
}

fn resolve_respondent(
    reg: &Registry,
    matcher: &respondent::Matcher<'_>,
    opts: &Options<'_>,
    fields: &HashMap<Role, (Option<String>, Option<&Control>)>,
    date: Option<&str>,
    warnings: &mut Vec<SubmissionWarning>,
) -> Option<RespondentRef> {
    let as_written = fields.get(&Role::Respondent).and_then(|(t, _)| t.clone());
    let from_control = as_written.as_deref().and_then(|t| matcher.find(t, date));
    let file_stem = opts
        .path
        .and_then(|p| p.file_stem())
        .map(|n| n.to_string_lossy().into_owned());
    let (found, by) = if let Some(given) = opts.respondent {
        let r = matcher.by_id_or_name(reg, given);
        if let (Some(r), Some(c)) = (r, from_control)
            && r.id != c.id
        {
            warnings.push(SubmissionWarning {
                code: "respondent-conflict".into(),
                message: format!(
                    "the form names {} but --respondent says {}; --respondent was used",
                    c.name, r.name
                ),
                question_id: None,
            });
        }
        (r, ResolvedBy::Option)
    } else if let Some(r) = from_control {
        (Some(r), ResolvedBy::Control)
    } else if let Some(r) = file_stem.as_deref().and_then(|f| matcher.find(f, date)) {
        (Some(r), ResolvedBy::FileName)
    } else {
        (None, ResolvedBy::Option)
    };
    let Some(r) = found else {
        warnings.push(SubmissionWarning {
            code: "respondent-unresolved".into(),
            message: match &as_written {
                Some(t) => format!(
                    "the form's committee field says {t:?}, which names no respondent in the registry, and neither does the file name; give it with --respondent"
                ),
                None => "neither the form nor its file name names a respondent in the registry; give it with --respondent".into(),
            },
            question_id: None,
        });
        return None;
    };
    if !r.valid_on(date) {
        warnings.push(SubmissionWarning {
            code: "respondent-not-valid".into(),
            message: format!(
                "{} did not exist at the end of the round ({})",
                r.name,
                date.unwrap_or("")
            ),
            question_id: None,
        });
    }
    Some(RespondentRef {
        id: r.id.clone(),
        committee: r.name.clone(),
        kind: r.kind.clone(),
        resolved_by: by,
        as_written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_people_write_them() {
        assert_eq!(parse_date("2022-04-30").as_deref(), Some("2022-04-30"));
        assert_eq!(parse_date("30/4/2022").as_deref(), Some("2022-04-30"));
        assert_eq!(parse_date("1 okt 2021").as_deref(), Some("2021-10-01"));
        assert_eq!(parse_date("30 april 2022").as_deref(), Some("2022-04-30"));
        assert_eq!(parse_date("snart"), None);
    }
}
