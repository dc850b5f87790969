//! Which forms count in a round: the round itself when not given, the forms left out (another
//! questionnaire, another round, the same form twice) as conflicts, and the latest form of each
//! respondent, the earlier ones kept as superseded. Not what the forms say: that is
//! `completeness` and `answers`.

use std::collections::{BTreeMap, HashSet};

use crate::round_id::RoundId;
use crate::schema::Questionnaire;
use crate::submission::Submission;
use crate::warning_code::WarningCode;

use super::{Conflict, ConflictCode, Superseded, label, summary, swedish_key};

/// The forms that count: each respondent's latest, those whose respondent is unknown, and the
/// earlier forms the latest replaced.
pub(super) struct Forms {
    /// One per respondent, in the order of the respondents' ids.
    pub current: Vec<Submission>,
    /// Forms whose respondent is unknown, in the order they came in.
    pub unresolved: Vec<Submission>,
    pub superseded: Vec<Superseded>,
}

impl Forms {
    /// The forms whose answers the round shows: the current ones, then the unresolved.
    pub fn answering(&self) -> impl Iterator<Item = &Submission> {
        self.current.iter().chain(&self.unresolved)
    }
}

/// The round most submissions name; of rounds named equally often, the earliest.
pub(super) fn most_named_round(submissions: &[Submission]) -> Option<RoundId> {
    let mut counts: BTreeMap<RoundId, usize> = BTreeMap::new();
    for r in submissions.iter().filter_map(|s| s.round) {
        *counts.entry(r).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(r, n)| (*n, std::cmp::Reverse(*r)))
        .map(|(r, _)| r)
}

/// The forms of this questionnaire and round, each once. Every form left out is a conflict, and
/// so is a form whose saved date is not believed.
pub(super) fn admit(
    submissions: Vec<Submission>,
    q: &Questionnaire,
    round: Option<RoundId>,
    conflicts: &mut Vec<Conflict>,
) -> Vec<Submission> {
    let mut kept: Vec<Submission> = Vec::new();
    for s in submissions {
        match mismatch(&s, q, round) {
            Some((code, message)) => conflicts.push(conflict(code, message, &s)),
            None => kept.push(s),
        }
    }
    // A saved date after the conversion is listed: it may be a misset clock, or a form made to
    // replace every later one.
    for s in kept.iter().filter(|s| saved_in_future(s)) {
        let message = format!(
            "the form says it was saved {}, after it was converted; it is ordered among its respondent's forms by the file's own time instead",
            s.source.modified.as_deref().unwrap_or("?")
        );
        conflicts.push(conflict(ConflictCode::SavedInFuture, message, s));
    }
    // The same form twice (same bytes) counts once.
    let mut seen = HashSet::new();
    let mut unique = Vec::new();
    for s in kept {
        if seen.insert(s.source.sha256.clone()) {
            unique.push(s);
        } else {
            let message = "the same form (same content) came in twice; it counts once".into();
            conflicts.push(conflict(ConflictCode::SameFormTwice, message, &s));
        }
    }
    unique
}

/// Why a form is not of this round: another questionnaire, or another round.
fn mismatch(
    s: &Submission,
    q: &Questionnaire,
    round: Option<RoundId>,
) -> Option<(ConflictCode, String)> {
    if s.questionnaire.id != q.id {
        return Some((
            ConflictCode::QuestionnaireMismatch,
            format!(
                "the form answers questionnaire {} {}, not {} {}; it is left out",
                s.questionnaire.id, s.questionnaire.version, q.id, q.version
            ),
        ));
    }
    match (s.round, round) {
        (Some(r), Some(want)) if r != want => Some((
            ConflictCode::RoundMismatch,
            format!("the form is for round {r}, not {want}; it is left out"),
        )),
        _ => None,
    }
}

fn conflict(code: ConflictCode, message: String, s: &Submission) -> Conflict {
    Conflict {
        code,
        message,
        respondent_id: s.respondent.as_ref().map(|r| r.id.clone()),
        label: label(s),
        source: summary(s),
    }
}

/// A later form from the same respondent replaces the earlier one.
pub(super) fn latest_per_respondent(forms: Vec<Submission>) -> Forms {
    let mut by_respondent: BTreeMap<String, Vec<Submission>> = BTreeMap::new();
    let mut unresolved = Vec::new();
    for s in forms {
        match &s.respondent {
            Some(r) => by_respondent.entry(r.id.clone()).or_default().push(s),
            None => unresolved.push(s),
        }
    }
    let mut current: Vec<Submission> = Vec::new();
    let mut superseded = Vec::new();
    for (id, mut subs) in by_respondent {
        subs.sort_by_key(received_key);
        let latest = subs.pop().expect("at least one submission");
        for earlier in subs.into_iter().rev() {
            superseded.push(Superseded {
                respondent_id: id.clone(),
                label: label(&latest),
                superseded_by: summary(&latest),
                submission: earlier,
            });
        }
        current.push(latest);
    }
    unresolved.sort_by_key(received_key);
    Forms {
        current,
        unresolved,
        superseded,
    }
}

/// The round's submissions (the current ones by respondent name, the unresolved last, by file
/// name) and the superseded ones (by respondent, oldest first), without contact details when
/// `redact`.
pub(super) fn current_and_superseded(
    forms: Forms,
    redact: bool,
) -> (Vec<Submission>, Vec<Superseded>) {
    let mut submissions: Vec<Submission> =
        forms.current.into_iter().chain(forms.unresolved).collect();
    let mut superseded = forms.superseded;
    if redact {
        for s in &mut submissions {
            s.redact_contact();
        }
        for s in &mut superseded {
            s.submission.redact_contact();
        }
    }
    submissions.sort_by_key(|s| {
        (
            s.respondent.is_none(),
            s.respondent.as_ref().map(|r| swedish_key(&r.committee)),
            s.source.file.clone(),
        )
    });
    superseded.sort_by_key(|s| (s.respondent_id.clone(), received_key(&s.submission)));
    (submissions, superseded)
}

/// The order a later form comes after an earlier one: the time the document says it was
/// saved (or, when that date lies after the conversion and is not believed, the file's own
/// time), then the file name; the input order breaks ties.
pub(crate) fn received_key(s: &Submission) -> (Option<jiff::Timestamp>, Option<String>) {
    let time = if saved_in_future(s) {
        s.source.file_modified.as_deref()
    } else {
        s.source.modified.as_deref()
    };
    (time.and_then(|t| t.parse().ok()), s.source.file.clone())
}

/// True when the form's saved date was not believed when it was converted.
fn saved_in_future(s: &Submission) -> bool {
    s.warnings
        .iter()
        .any(|w| w.code == WarningCode::SavedInFuture)
}
