//! What changed between two rounds (the contract in `schemas/compare.schema.json`): per
//! respondent and question whether the answer is new, changed (with the words removed and
//! added), unchanged or removed; and which respondents appeared or disappeared between the
//! rounds, with the registry's mergers and renamings between them.
//!
//! ```no_run
//! # use blankett::{CompareError, Registry, Round, compare_rounds};
//! # let (t1, t2, reg): (Round, Round, Registry) = todo!();
//! let changes = compare_rounds(&t1, &t2, &reg)?;
//! println!("{} answers changed", changes.summary.changed);
//! # Ok::<(), CompareError>(())
//! ```
//!
//! A comparison knows only the two [`Round`]s and the registry, never Word forms: `answers` pairs
//! the answers (`same_text`, `word_diff` from `diff`), `presence` pairs the respondents.

mod answers;
mod diff;
mod presence;

use serde::{Deserialize, Serialize};

use crate::output::Generator;
use crate::round::{Round, SourceSummary};
use crate::round_id::RoundId;
use crate::schema::Registry;

pub use diff::{DiffOp, DiffPart, same_text, word_diff};

/// The version of the comparison format. Adding an optional field is a minor change, anything
/// else a major one.
pub const FORMAT_VERSION: &str = "1.0";

/// What changed from one round to another (`schemas/compare.schema.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// The version of the comparison format the document follows.
    pub format_version: String,
    /// The program that compared the rounds.
    pub generator: Option<Generator>,
    /// The questionnaire both rounds answer (its id; the later round's version).
    pub questionnaire: ComparedQuestionnaire,
    /// The earlier round.
    pub before: Side,
    /// The later round.
    pub after: Side,
    /// How many respondents of each kind, and how many answers of each kind among the
    /// respondents with a form in both rounds: one that appeared or disappeared has its own
    /// counts in `respondents`, and its answers in `areas`, but it rewrote nothing.
    pub summary: Summary,
    /// Every respondent with a form in either round, in the later round's order, then those
    /// only in the earlier one.
    pub respondents: Vec<RespondentChange>,
    /// Per focus area (and last, the questions without one), each question with every
    /// respondent's change.
    pub areas: Vec<ChangedArea>,
}

/// Which questionnaire the rounds answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ComparedQuestionnaire {
    /// The questionnaire's stable id (`naringsliv-uppfoljning`).
    pub id: String,
    /// The version the later round answers.
    pub version: String,
    /// The version the earlier round answers.
    pub previous_version: String,
}

/// One of the two rounds compared.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    /// The round (`2022-T1`), when known.
    pub round: Option<RoundId>,
    /// When the round was consolidated, as the round says.
    pub generated_at: Option<String>,
    /// How many current forms the round holds.
    pub submissions: usize,
    /// How many of them name no known respondent: they are in no comparison.
    pub unresolved: usize,
}

/// How many of each.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Answers given now where there was none.
    pub new: usize,
    /// Answers the respondent rewrote.
    pub changed: usize,
    /// Answers that say the same as before.
    pub unchanged: usize,
    /// Answers given before where there is none now.
    pub removed: usize,
    /// Questions neither round answers.
    pub unanswered: usize,
    /// Respondents with a form in both rounds (a renamed one among them).
    pub in_both: usize,
    /// Respondents with a form in the later round only.
    pub appeared: usize,
    /// Respondents with a form in the earlier round only.
    pub disappeared: usize,
}

/// Whether a respondent has a form in both rounds, or in one of them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Presence {
    /// A form in both rounds, under the same registry id.
    Both,
    /// A form in both rounds under two registry ids: the earlier respondent ended and the
    /// later one, its only successor and succeeding nobody else, took over (a renamed
    /// committee). Its answers are compared across the two.
    Renamed,
    /// A form in the later round only.
    Appeared,
    /// A form in the earlier round only.
    Disappeared,
}

/// A respondent named by its registry id and official name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Named {
    /// The registry id.
    pub id: String,
    /// The official name; the id when the registry does not know it.
    pub label: String,
}

/// A respondent with a form in either round.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RespondentChange {
    /// The registry id (the later one when renamed).
    pub id: String,
    /// The official name (the later one when renamed).
    pub label: String,
    /// Whether it has a form in both rounds, or in one of them.
    pub presence: Presence,
    /// The registry id and name in the earlier round, when renamed.
    pub previous: Option<Named>,
    /// Whether it was expected in the round it has no form in (`missing` there); `false` when
    /// it has forms in both, or was not expected (it did not exist then).
    pub missing_in_other: bool,
    /// When it appeared: the registry's respondents it took over from (a merger or a
    /// renaming between the rounds).
    pub predecessors: Vec<Named>,
    /// When it disappeared: the registry's respondents that took over from it.
    pub successors: Vec<Named>,
    /// When it appeared: its first day in the registry (`validFrom`), when that lies after the
    /// earlier round's end (it did not exist then); `null` otherwise.
    pub started: Option<String>,
    /// When it disappeared: its last day in the registry (`validTo`), when that lies before the
    /// later round's end (it no longer exists); `null` otherwise.
    pub ended: Option<String>,
    /// Its form in the earlier round.
    pub before: Option<SourceSummary>,
    /// Its form in the later round.
    pub after: Option<SourceSummary>,
    /// How many of its answers are new, changed, unchanged, removed, unanswered (the respondent
    /// counts are 0 here).
    pub counts: Summary,
}

/// A focus area with its questions and their changes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChangedArea {
    /// The focus area's number; `null` for the questions without one.
    pub number: Option<u8>,
    /// The focus area's title, as the later round has it (else the earlier).
    pub title: String,
    /// Its questions, in the later round's order, then those only in the earlier one.
    pub questions: Vec<ChangedQuestion>,
}

/// A question with every respondent's change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChangedQuestion {
    /// The question's stable id.
    pub question_id: String,
    /// The question's text, as the later round asks it (else the earlier).
    pub question: String,
    /// One change per respondent of `respondents`, in that order.
    pub answers: Vec<AnswerChange>,
}

/// What became of a question's answer between the rounds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ChangeStatus {
    /// Answered now, not before (no form then, or the question unanswered or not in it).
    New,
    /// Answered in both, differently.
    Changed,
    /// Answered in both, saying the same ([`same_text`]).
    Unchanged,
    /// Answered before, not now.
    Removed,
    /// Answered in neither.
    Unanswered,
}

impl ChangeStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [ChangeStatus; 5] = [
        ChangeStatus::New,
        ChangeStatus::Changed,
        ChangeStatus::Unchanged,
        ChangeStatus::Removed,
        ChangeStatus::Unanswered,
    ];

    /// The stable code, as the JSON writes it.
    pub fn code(self) -> &'static str {
        match self {
            ChangeStatus::New => "new",
            ChangeStatus::Changed => "changed",
            ChangeStatus::Unchanged => "unchanged",
            ChangeStatus::Removed => "removed",
            ChangeStatus::Unanswered => "unanswered",
        }
    }

    /// The Swedish label the reports show.
    pub fn label(self) -> &'static str {
        match self {
            ChangeStatus::New => "Nytt svar",
            ChangeStatus::Changed => "Ändrat",
            ChangeStatus::Unchanged => "Oförändrat",
            ChangeStatus::Removed => "Borttaget",
            ChangeStatus::Unanswered => "Obesvarat i båda",
        }
    }
}

/// One respondent's answer to a question in both rounds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AnswerChange {
    /// The respondent's registry id, as in `respondents`.
    pub respondent_id: String,
    /// The respondent's name, as in `respondents`.
    pub label: String,
    /// What became of the answer.
    pub status: ChangeStatus,
    /// The earlier answer's text; `null` when there was none.
    pub before: Option<String>,
    /// The later answer's text; `null` when there is none.
    pub after: Option<String>,
    /// For a changed answer, the words removed and added between the two; empty otherwise.
    pub diff: Vec<DiffPart>,
    /// Whether the later answer was returned exactly as the sent-out form was prefilled
    /// (`carriedOver` in the submission).
    pub carried_over: bool,
}

/// Why two rounds cannot be compared.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CompareError {
    /// The rounds answer different questionnaires: their question ids mean other questions.
    #[error("the rounds answer different questionnaires: {before} and {after}")]
    OtherQuestionnaire {
        /// The earlier round's questionnaire id.
        before: String,
        /// The later round's questionnaire id.
        after: String,
    },
}

/// Compares two rounds of the same questionnaire: `before` the earlier, `after` the later.
/// Respondents are paired by registry id, and across a renaming the registry records (see
/// [`Presence::Renamed`]); forms whose respondent is unknown are counted, not compared.
pub fn compare_rounds(
    before: &Round,
    after: &Round,
    reg: &Registry,
) -> Result<Comparison, CompareError> {
    if before.questionnaire.id != after.questionnaire.id {
        return Err(CompareError::OtherQuestionnaire {
            before: before.questionnaire.id.clone(),
            after: after.questionnaire.id.clone(),
        });
    }
    let mut respondents = presence::respondents(before, after, reg);
    let areas = answers::areas(before, after, &mut respondents);
    let mut summary = Summary::default();
    for r in &respondents {
        match r.presence {
            Presence::Both | Presence::Renamed => {
                summary.in_both += 1;
                summary.add(&r.counts);
            }
            Presence::Appeared => summary.appeared += 1,
            Presence::Disappeared => summary.disappeared += 1,
        }
    }
    Ok(Comparison {
        format_version: FORMAT_VERSION.into(),
        generator: Some(Generator::current()),
        questionnaire: ComparedQuestionnaire {
            id: after.questionnaire.id.clone(),
            version: after.questionnaire.version.clone(),
            previous_version: before.questionnaire.version.clone(),
        },
        before: Side::of(before),
        after: Side::of(after),
        summary,
        respondents,
        areas,
    })
}

impl Side {
    fn of(round: &Round) -> Side {
        Side {
            round: round.round,
            generated_at: round.generated_at.clone(),
            submissions: round.submissions.len(),
            unresolved: round.unresolved.len(),
        }
    }
}

impl Summary {
    /// Counts one more answer of `status`.
    fn count(&mut self, status: ChangeStatus) {
        *match status {
            ChangeStatus::New => &mut self.new,
            ChangeStatus::Changed => &mut self.changed,
            ChangeStatus::Unchanged => &mut self.unchanged,
            ChangeStatus::Removed => &mut self.removed,
            ChangeStatus::Unanswered => &mut self.unanswered,
        } += 1;
    }

    /// Adds another respondent's answer counts.
    fn add(&mut self, other: &Summary) {
        self.new += other.new;
        self.changed += other.changed;
        self.unchanged += other.unchanged;
        self.removed += other.removed;
        self.unanswered += other.unanswered;
    }

    /// How many answers of `status`.
    pub fn of(&self, status: ChangeStatus) -> usize {
        match status {
            ChangeStatus::New => self.new,
            ChangeStatus::Changed => self.changed,
            ChangeStatus::Unchanged => self.unchanged,
            ChangeStatus::Removed => self.removed,
            ChangeStatus::Unanswered => self.unanswered,
        }
    }
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::testing::{self, after, before, registry, sample};
    use super::*;

    fn change<'c>(c: &'c Comparison, respondent: &str, question: &str) -> &'c AnswerChange {
        c.areas
            .iter()
            .flat_map(|a| &a.questions)
            .find(|q| q.question_id == question)
            .and_then(|q| q.answers.iter().find(|a| a.respondent_id == respondent))
            .unwrap_or_else(|| panic!("no change for {respondent} {question}"))
    }

    fn respondent<'c>(c: &'c Comparison, id: &str) -> &'c RespondentChange {
        c.respondents.iter().find(|r| r.id == id).unwrap()
    }

    #[test]
    fn each_answer_is_new_changed_unchanged_removed_or_unanswered() {
        let c = sample();
        let status = |q: &str| change(&c, "farsta-sdn", q).status;
        assert_eq!(status("samverkan-lokalt-naringsliv"), ChangeStatus::Changed);
        assert_eq!(status("vaxla-upp-stockholm"), ChangeStatus::Unchanged);
        assert_eq!(status("svart-ekonomi-samverkan"), ChangeStatus::Removed);
        assert_eq!(status("verksamhetsomraden"), ChangeStatus::New);
        // Two spaces where there was one: the same answer.
        assert_eq!(status("platssamverkan"), ChangeStatus::Unchanged);
        assert_eq!(status("sbr-hallbar-tillvaxt"), ChangeStatus::Unanswered);

        let changed = change(&c, "farsta-sdn", "samverkan-lokalt-naringsliv");
        let removed: Vec<&str> = changed
            .diff
            .iter()
            .filter(|p| p.op == DiffOp::Removed)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(removed, ["12", "våren."]);
        assert!(change(&c, "farsta-sdn", "vaxla-upp-stockholm").carried_over);
        let removed = change(&c, "farsta-sdn", "svart-ekonomi-samverkan");
        assert_eq!(
            (removed.before.as_deref(), removed.after.as_deref()),
            (Some("Kontroller med polisen."), None)
        );
        assert_eq!(
            respondent(&c, "farsta-sdn").counts,
            Summary {
                new: 1,
                changed: 1,
                unchanged: 2,
                removed: 1,
                unanswered: 4,
                ..Summary::default()
            }
        );
    }

    #[test]
    fn respondents_appear_and_disappear_with_the_registry_s_mergers_and_renamings() {
        let c = sample();
        let presence = |id: &str| respondent(&c, id).presence;
        assert_eq!(presence("kungsholmen-sdn"), Presence::Both);
        assert_eq!(presence("norra-innerstaden-sdn"), Presence::Appeared);
        assert_eq!(presence("ostermalm-sdn"), Presence::Disappeared);
        assert_eq!(presence("norrmalm-sdn"), Presence::Disappeared);
        assert_eq!(presence("bromma-sdn"), Presence::Appeared);
        assert!(c.respondents.iter().all(|r| r.id != "gamla-sdn"));

        let merged = respondent(&c, "norra-innerstaden-sdn");
        let ids: Vec<&str> = merged.predecessors.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["norrmalm-sdn", "ostermalm-sdn"]);
        assert_eq!(merged.predecessors[1].label, "Östermalms stadsdelsnämnd");
        assert_eq!(merged.started.as_deref(), Some("2023-07-01"));
        let ended = respondent(&c, "ostermalm-sdn");
        assert_eq!(ended.ended.as_deref(), Some("2023-06-30"));
        assert_eq!(ended.successors[0].id, "norra-innerstaden-sdn");
        assert_eq!(
            ended.successors[0].label,
            "Norra innerstadens stadsdelsnämnd"
        );
        assert!(!ended.missing_in_other);
        // Bromma was expected before and sent nothing then.
        assert!(respondent(&c, "bromma-sdn").missing_in_other);
        // Bromma existed in the earlier round: no start between the rounds.
        assert_eq!(respondent(&c, "bromma-sdn").started, None);
        assert_eq!(
            change(&c, "bromma-sdn", "samverkan-lokalt-naringsliv").status,
            ChangeStatus::New
        );
        assert_eq!(
            change(&c, "ostermalm-sdn", "samverkan-lokalt-naringsliv").status,
            ChangeStatus::Removed
        );

        // The renamed committee's answers are compared across its two names.
        let renamed = respondent(&c, "nya-sdn");
        assert_eq!(renamed.presence, Presence::Renamed);
        assert_eq!(renamed.previous.as_ref().unwrap().id, "gamla-sdn");
        assert!(renamed.before.is_some() && renamed.after.is_some());
        assert_eq!(
            change(&c, "nya-sdn", "sbr-foretagsdialog").status,
            ChangeStatus::Changed
        );
    }

    #[test]
    fn a_committee_silent_before_its_merger_is_not_said_to_have_merged() {
        // 2023-T1 twice, Östermalm silent in the later: its merger (2023-07-01) is to come.
        let forms = testing::before_forms()
            .into_iter()
            .filter(|s| {
                s.respondent
                    .as_ref()
                    .is_none_or(|r| r.id != "ostermalm-sdn")
            })
            .collect();
        let later = testing::merge(forms, "2023-T1", &["ostermalm-sdn"]);
        let c = compare_rounds(&before(), &later, &registry()).unwrap();
        let silent = respondent(&c, "ostermalm-sdn");
        assert_eq!(silent.presence, Presence::Disappeared);
        assert!(silent.missing_in_other);
        assert_eq!(
            (silent.ended.as_deref(), silent.successors.len()),
            (None, 0)
        );
    }

    #[test]
    fn the_summary_adds_up_and_unknown_forms_are_counted_not_compared() {
        let c = sample();
        let s = &c.summary;
        assert_eq!((s.in_both, s.appeared, s.disappeared), (3, 2, 2));
        // The answers of the three in both rounds; the others' in their own counts.
        let answers: usize = ChangeStatus::ALL.iter().map(|st| s.of(*st)).sum();
        let questions: usize = c.areas.iter().map(|a| a.questions.len()).sum();
        assert_eq!(answers, questions * 3);
        let all: usize = c
            .respondents
            .iter()
            .map(|r| {
                ChangeStatus::ALL
                    .iter()
                    .map(|st| r.counts.of(*st))
                    .sum::<usize>()
            })
            .sum();
        assert_eq!(all, questions * c.respondents.len());
        assert!(
            c.areas
                .iter()
                .flat_map(|a| &a.questions)
                .all(|q| q.answers.len() == 7)
        );
        assert_eq!((c.before.unresolved, c.after.unresolved), (0, 1));
        assert_eq!(c.after.round.unwrap().to_string(), "2023-T2");
    }

    #[test]
    fn the_same_rounds_compare_the_same_and_a_round_with_itself_changes_nothing() {
        assert_eq!(sample(), sample());
        let same = compare_rounds(&after(), &after(), &registry()).unwrap();
        assert_eq!(
            same.summary.changed + same.summary.new + same.summary.removed,
            0
        );
        assert_eq!(same.summary.appeared + same.summary.disappeared, 0);
    }

    #[test]
    fn rounds_of_other_questionnaires_are_not_compared() {
        let mut other = after();
        other.questionnaire.id = "annan-enkat".into();
        assert_eq!(
            compare_rounds(&before(), &other, &registry()).unwrap_err(),
            CompareError::OtherQuestionnaire {
                before: "naringsliv-uppfoljning".into(),
                after: "annan-enkat".into()
            }
        );
    }

    #[test]
    fn the_comparison_reads_back_as_written() {
        let c = sample();
        let json = crate::output::to_json(&c);
        let back: Comparison = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, c);
    }
}
