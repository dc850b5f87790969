//! What `blankett status` knows of a round (the contract in `schemas/status.schema.json`): who
//! has answered and who has not, what each respondent left open, the forms that failed with
//! what to ask for, and the address to remind each respondent at with where it came from.
//!
//! [`round_status`] builds it from a consolidated round, what the output folders' `report.json`
//! say of each file, and earlier submissions; the command line prints it as text, as JSON or
//! as a list of addresses, and a server can serve the same value. Where the failed forms and
//! the addresses come from is `sources`.

mod sources;

pub(crate) use sources::Addresses;

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::ledger::{FileReport, Origin};
use crate::mapping::Prepared;
use crate::output::{Generator, rfc3339};
use crate::round::{
    Cell, CompletenessRow, RespondentStatus, Round, RoundQuestionnaire, RoundRespondent,
    SourceSummary, swedish_key,
};
use crate::round_id::RoundId;
use crate::schema::{Questionnaire, Registry};
use crate::submission::Submission;

/// The version of the status format. Adding an optional field is a minor change, anything else
/// a major one.
pub const FORMAT_VERSION: &str = "1.0";

/// Who has answered a round and whom to remind, at which address (`schemas/status.schema.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundStatus {
    /// The version of the status format: [`STATUS_FORMAT_VERSION`](crate::STATUS_FORMAT_VERSION)
    /// when blankett writes it.
    pub format_version: String,
    /// The program that made it.
    pub generator: Generator,
    /// When it was made (RFC 3339, UTC).
    pub generated_at: String,
    /// The round (`2022-T1`), when known.
    pub round: Option<RoundId>,
    /// Whether nobody is expected for want of a round ([`Round::round_unknown`]): then who has
    /// sent nothing cannot be told.
    pub round_unknown: bool,
    /// The questionnaire the round answers.
    pub questionnaire: RoundQuestionnaire,
    /// The round's questions, the columns of each respondent's `cells`.
    pub questions: Vec<StatusQuestion>,
    /// How many respondents are where.
    pub counts: StatusCounts,
    /// Every respondent: expected, answering, or known by a form that failed; by name in
    /// Swedish order, forms whose respondent is unknown last.
    pub respondents: Vec<StatusRespondent>,
    /// Forms that failed and name no respondent, by path.
    pub unattributed: Vec<FailedForm>,
}

impl RoundStatus {
    /// The addresses to remind, each once, in the order of `respondents`; and the respondents
    /// to remind that have no address.
    pub fn reminder_addresses(&self) -> (Vec<&str>, Vec<&StatusRespondent>) {
        let mut addresses: Vec<&str> = Vec::new();
        let mut without = Vec::new();
        for r in self.respondents.iter().filter(|r| r.remind) {
            match &r.address {
                Some(a) if !addresses.contains(&a.email.as_str()) => addresses.push(&a.email),
                Some(_) => {}
                None => without.push(r),
            }
        }
        (addresses, without)
    }
}

/// A question of the round.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StatusQuestion {
    /// The question's stable id.
    pub id: String,
    /// Its short label from the questionnaire (`Kultur i offentliga rummet`).
    pub label: String,
    /// Whether leaving it unanswered leaves the form complete.
    pub optional: bool,
}

/// How many respondents are where; each is counted once.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    /// All respondents listed.
    pub respondents: usize,
    /// With status `complete`.
    pub complete: usize,
    /// With status `incomplete`.
    pub incomplete: usize,
    /// With status `notSubmitted`.
    pub not_submitted: usize,
    /// With status `formFailed`.
    pub form_failed: usize,
}

/// Where a respondent stands.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ReplyStatus {
    /// A form came in and every required question is answered.
    Complete,
    /// A form came in with required questions unanswered or not in it.
    Incomplete,
    /// Expected, and nothing came in.
    NotSubmitted,
    /// No form could be read: what came in failed (`failedForms` says why).
    FormFailed,
}

/// A respondent, where it stands and how to reach it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StatusRespondent {
    /// Registry id; `null` for a form whose respondent is unknown.
    pub id: Option<String>,
    /// The official name, or the form's file name when the respondent is unknown.
    pub label: String,
    /// The registry kind; `null` when unknown.
    pub kind: Option<String>,
    /// Whether the respondent is expected to answer the round.
    pub expected: bool,
    /// Where it stands.
    pub status: ReplyStatus,
    /// Whether to remind it: every status but `complete`.
    pub remind: bool,
    /// Each question's status, in the order of `questions`.
    pub cells: Vec<Cell>,
    /// The required questions its form leaves unanswered or does not hold; empty when no form
    /// came in.
    pub open: Vec<OpenQuestion>,
    /// The form its answers come from.
    pub source: Option<SourceSummary>,
    /// Its forms that could not be read, with why.
    pub failed_forms: Vec<FailedForm>,
    /// Where to remind it, when an address is known.
    pub address: Option<ReminderAddress>,
}

/// A required question a form leaves open.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OpenQuestion {
    /// The question's id.
    pub question_id: String,
    /// `unanswered` or `missing` (not in the form).
    pub status: Cell,
}

/// A form that could not be read, as `report.json` records it, with what to ask for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FailedForm {
    /// The file's path under its input folder.
    pub path: String,
    /// The front end that met it.
    pub origin: Origin,
    /// The input folder or inbox it was found in.
    pub input: String,
    /// SHA-256 of its bytes; `null` when it could not be read at all.
    pub sha256: Option<String>,
    /// The respondent it names (by the report, else by its file name); `null` when none.
    pub respondent_id: Option<String>,
    /// The round it names (by the report, else by its folder's or file's name); `null` when
    /// none.
    pub round: Option<RoundId>,
    /// The error's stable code (`legacy-doc`).
    pub code: String,
    /// What to ask the committee for, in a few words ([`reminder_reason`](crate::reminder_reason)).
    pub reason: String,
    /// The whole error message.
    pub message: String,
}

/// An address to remind a respondent at, and where it came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReminderAddress {
    /// The e-mail address.
    pub email: String,
    /// Where it came from.
    pub from: AddressFrom,
    /// The submission whose contact gave it; `null` when it came from the registry.
    pub submission: Option<AddressSubmission>,
}

/// Where an address came from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum AddressFrom {
    /// The registry's `email` for the respondent.
    Registry,
    /// The contact of the respondent's newest form that gave a well-formed address.
    Submission,
}

/// The form an address was taken from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AddressSubmission {
    /// The form's file name.
    pub file: Option<String>,
    /// SHA-256 of the form's bytes.
    pub sha256: String,
    /// The round the form is for, when known.
    pub round: Option<RoundId>,
    /// When the document says it was saved, when it says.
    pub saved: Option<String>,
}

/// What a status is made from besides the round.
#[derive(Debug, Clone, Copy)]
pub struct StatusInputs<'a> {
    /// What the output folders' `report.json` say of each file: the failed ones are read.
    pub files: &'a [FileReport],
    /// Submissions an address may come from besides the round's own (current and replaced,
    /// looked at anyway): earlier rounds' (their output folders), and the forms the round left
    /// out.
    pub earlier: &'a [Submission],
    /// When the status is made.
    pub now: SystemTime,
}

/// Who has answered `round`, who has not, what each left open, the forms that failed and where
/// to remind each respondent.
pub fn round_status(
    round: &Round,
    q: &Questionnaire,
    reg: &Registry,
    inputs: &StatusInputs<'_>,
) -> RoundStatus {
    let prepared = Prepared::new(q, reg);
    let (mut failed, unattributed) = sources::failed_forms(&prepared, round.round, inputs.files);
    let columns = &round.completeness.questions;
    let mut respondents: Vec<StatusRespondent> = round
        .respondents
        .iter()
        .zip(&round.completeness.rows)
        .map(|(r, row)| {
            let forms = r.id.as_ref().and_then(|id| failed.remove(id));
            entry(r, row, columns, q, forms.unwrap_or_default())
        })
        .collect();
    respondents.extend(known_by_failures(failed, reg, columns.len()));
    // The round's own order: by name, unknown respondents last in the order they came in.
    respondents.sort_by_key(|r| {
        let name = r.id.as_ref().map(|_| swedish_key(&r.label));
        (r.id.is_none(), name)
    });
    let addresses = sources::Addresses::new(reg, round, inputs.earlier);
    for r in &mut respondents {
        r.address = addresses.of(r);
    }
    RoundStatus {
        format_version: FORMAT_VERSION.into(),
        generator: Generator::current(),
        generated_at: rfc3339(inputs.now),
        round: round.round,
        round_unknown: round.round_unknown(),
        questionnaire: round.questionnaire.clone(),
        questions: columns
            .iter()
            .map(|id| {
                let qu = q.questions.iter().find(|qu| &qu.id == id);
                StatusQuestion {
                    id: id.clone(),
                    label: qu.map(|qu| qu.alias.clone()).unwrap_or_default(),
                    optional: qu.is_some_and(|qu| qu.optional),
                }
            })
            .collect(),
        counts: counts(&respondents),
        respondents,
        unattributed,
    }
}

/// A respondent of the round, with its failed forms.
fn entry(
    r: &RoundRespondent,
    row: &CompletenessRow,
    columns: &[String],
    q: &Questionnaire,
    failed_forms: Vec<FailedForm>,
) -> StatusRespondent {
    let status = match r.status {
        RespondentStatus::Complete => ReplyStatus::Complete,
        RespondentStatus::Incomplete => ReplyStatus::Incomplete,
        RespondentStatus::NotSubmitted if !failed_forms.is_empty() => ReplyStatus::FormFailed,
        RespondentStatus::NotSubmitted => ReplyStatus::NotSubmitted,
    };
    StatusRespondent {
        id: r.id.clone(),
        label: r.label.clone(),
        kind: r.kind.clone(),
        expected: r.expected,
        status,
        remind: status != ReplyStatus::Complete,
        cells: row.cells.clone(),
        open: open_questions(columns, row, q),
        source: r.source.clone(),
        failed_forms,
        address: None,
    }
}

/// The required questions a form leaves unanswered or does not hold, in column order.
fn open_questions(
    columns: &[String],
    row: &CompletenessRow,
    q: &Questionnaire,
) -> Vec<OpenQuestion> {
    columns
        .iter()
        .zip(&row.cells)
        .filter(|(_, c)| matches!(c, Cell::Unanswered | Cell::Missing))
        .filter(|(id, _)| {
            q.questions
                .iter()
                .find(|qu| &&qu.id == id)
                .is_some_and(|qu| !qu.optional)
        })
        .map(|(id, c)| OpenQuestion {
            question_id: id.clone(),
            status: *c,
        })
        .collect()
}

/// The respondents known only by forms of theirs that failed: not expected (no round, or not
/// on the list), and nothing of theirs could be read.
fn known_by_failures(
    failed: BTreeMap<String, Vec<FailedForm>>,
    reg: &Registry,
    columns: usize,
) -> impl Iterator<Item = StatusRespondent> + '_ {
    failed.into_iter().map(move |(id, failed_forms)| {
        let known = reg.get(&id);
        StatusRespondent {
            label: known.map_or_else(|| id.clone(), |r| r.name.clone()),
            kind: known.map(|r| r.kind.clone()),
            id: Some(id),
            expected: false,
            status: ReplyStatus::FormFailed,
            remind: true,
            cells: vec![Cell::NotSubmitted; columns],
            open: Vec::new(),
            source: None,
            failed_forms,
            address: None,
        }
    })
}

fn counts(respondents: &[StatusRespondent]) -> StatusCounts {
    let with = |s: ReplyStatus| respondents.iter().filter(|r| r.status == s).count();
    StatusCounts {
        respondents: respondents.len(),
        complete: with(ReplyStatus::Complete),
        incomplete: with(ReplyStatus::Incomplete),
        not_submitted: with(ReplyStatus::NotSubmitted),
        form_failed: with(ReplyStatus::FormFailed),
    }
}

#[cfg(test)]
mod tests;
