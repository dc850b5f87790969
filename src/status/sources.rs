//! Where a status's facts come from besides the round: the forms that failed, from what
//! `report.json` says of each file, each under the respondent it names; and the address to
//! remind each respondent at: the registry's, else the newest well-formed contact address among
//! the respondent's forms (this round's, those it replaced or left out, earlier rounds').

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::{AddressFrom, AddressSubmission, FailedForm, ReminderAddress, StatusRespondent};
use crate::error::reminder_reason;
use crate::ledger::{FileReport, FileStatus};
use crate::mapping::{Options, Prepared, round as round_names};
use crate::round::{Round, received_key};
use crate::round_id::RoundId;
use crate::schema::{Registry, is_email};
use crate::submission::Submission;

/// The failed forms of `round` (those naming another round left out), by the respondent they
/// name, and those that name nobody.
pub(super) fn failed_forms(
    prepared: &Prepared<'_>,
    round: Option<RoundId>,
    files: &[FileReport],
) -> (BTreeMap<String, Vec<FailedForm>>, Vec<FailedForm>) {
    let mut by_respondent: BTreeMap<String, Vec<FailedForm>> = BTreeMap::new();
    let mut unattributed = Vec::new();
    let mut seen = HashSet::new();
    for f in files.iter().filter(|f| f.status == FileStatus::Failed) {
        // One output folder given twice reports its files twice.
        if !seen.insert((f.origin, f.input.as_str(), f.path.as_str())) {
            continue;
        }
        let form = failed_form(prepared, f);
        if let (Some(named), Some(round)) = (form.round, round)
            && named != round
        {
            continue;
        }
        match form.respondent_id.clone() {
            Some(id) => by_respondent.entry(id).or_default().push(form),
            None => unattributed.push(form),
        }
    }
    // Several reports are each in order; together they are put in order again.
    let order = |f: &FailedForm| (f.origin, f.input.clone(), f.path.clone());
    unattributed.sort_by_key(order);
    for forms in by_respondent.values_mut() {
        forms.sort_by_key(order);
    }
    (by_respondent, unattributed)
}

/// A failed form as the report records it; the round and respondent the report does not name
/// (reports written before failed forms were attributed) are read from its path, as the
/// conversion would have.
fn failed_form(prepared: &Prepared<'_>, f: &FileReport) -> FailedForm {
    let path = Path::new(&f.input).join(&f.path);
    let opts = Options {
        path: Some(&path),
        ..Options::default()
    };
    let (round, respondent) = prepared.by_path(&opts);
    let code = f.error.as_ref().map_or("", |e| e.code.as_str());
    FailedForm {
        path: f.path.clone(),
        origin: f.origin,
        input: f.input.clone(),
        sha256: f.sha256.clone(),
        respondent_id: f
            .respondent
            .clone()
            .or_else(|| respondent.map(|r| r.id.clone())),
        round: f.round.as_deref().and_then(round_names::parse).or(round),
        code: code.to_owned(),
        reason: reminder_reason(code).to_owned(),
        message: f
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default(),
    }
}

/// The address of each respondent, looked up once.
pub(crate) struct Addresses<'a> {
    reg: &'a Registry,
    /// Per respondent id, its newest form with a well-formed address.
    newest: HashMap<&'a str, &'a Submission>,
    /// The round's own forms by content hash: a form whose respondent is unknown is reached at
    /// its own address.
    own: HashMap<&'a str, &'a Submission>,
}

impl<'a> Addresses<'a> {
    /// Looks through the round's forms (current and replaced) and `earlier`.
    pub(super) fn new(reg: &'a Registry, round: &'a Round, earlier: &'a [Submission]) -> Self {
        let replaced = round.superseded.iter().map(|s| &s.submission);
        let forms = round.submissions.iter().chain(replaced).chain(earlier);
        let own = round
            .submissions
            .iter()
            .map(|s| (s.source.sha256.as_str(), s))
            .collect();
        Addresses {
            own,
            ..Addresses::of_forms(reg, forms)
        }
    }

    /// Looks through `forms` for the respondents the registry has no address for (a send-out
    /// looks through the earlier rounds').
    pub(crate) fn of_forms(
        reg: &'a Registry,
        forms: impl IntoIterator<Item = &'a Submission>,
    ) -> Self {
        let mut newest: HashMap<&str, &Submission> = HashMap::new();
        for s in forms {
            let (Some(r), Some(_)) = (&s.respondent, email_of(s)) else {
                continue;
            };
            match newest.entry(r.id.as_str()) {
                Entry::Vacant(e) => {
                    e.insert(s);
                }
                Entry::Occupied(mut e) => {
                    if received_key(s) > received_key(e.get()) {
                        e.insert(s);
                    }
                }
            }
        }
        Addresses {
            reg,
            newest,
            own: HashMap::new(),
        }
    }

    /// Where to remind `r`: the registry's address, else its newest form's.
    pub(super) fn of(&self, r: &StatusRespondent) -> Option<ReminderAddress> {
        let Some(id) = &r.id else {
            let own = self.own.get(r.source.as_ref()?.sha256.as_str())?;
            return from_form(own);
        };
        self.of_respondent(id)
    }

    /// Where to reach the respondent with registry id `id`: the registry's address, else its
    /// newest form's.
    pub(crate) fn of_respondent(&self, id: &str) -> Option<ReminderAddress> {
        let registered = self.reg.get(id).and_then(|x| x.email.as_deref());
        if let Some(email) = registered.map(str::trim).filter(|e| is_email(e)) {
            return Some(ReminderAddress {
                email: email.to_owned(),
                from: AddressFrom::Registry,
                submission: None,
            });
        }
        from_form(self.newest.get(id)?)
    }
}

/// The form's contact address, when it is well formed.
fn email_of(s: &Submission) -> Option<&str> {
    let c = s.contact.as_ref()?;
    c.email.as_deref().filter(|_| c.email_valid == Some(true))
}

fn from_form(s: &Submission) -> Option<ReminderAddress> {
    Some(ReminderAddress {
        email: email_of(s)?.to_owned(),
        from: AddressFrom::Submission,
        submission: Some(AddressSubmission {
            file: s.source.file.clone(),
            sha256: s.source.sha256.clone(),
            round: s.round,
            saved: s.source.modified.clone(),
        }),
    })
}
