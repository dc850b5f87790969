//! The analyst's decisions about single forms of an output folder, `OUT/assignments.json`
//! (`schemas/assignments.schema.json`): which respondent or round a form is, or that it is no
//! part of the round. A decision is keyed by the form's content hash, so it follows the form
//! whatever the file is named and whichever front end meets it. The front ends apply the
//! decisions to every form they convert into the folder ([`crate::intake`]); `blankett assign`
//! applies a new one to what the folder holds already ([`crate::assign`]).
//!
//! ```json
//! {"formatVersion": "1.0", "decisions": {
//!   "3f5a…": {"decision": "assign", "respondent": {"id": "bromma-sdn", …}, "round": "2022-T1",
//!             "form": "/srv/inkorg/Brommaa.docx", "note": null, "decidedAt": "2022-05-02T09:14:00Z"},
//!   "9ab0…": {"decision": "exclude", "form": "…/Följebrev.docx", "note": "a cover letter", …}}}
//! ```

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ledger::Entry;
use crate::output;
use crate::round_id::RoundId;
use crate::schema::Respondent;
use crate::submission::{AsConverted, ResolvedBy, RespondentRef, Submission};

/// The decisions' file in an output folder.
pub const ASSIGNMENTS: &str = "assignments.json";

/// The version of the decisions' format.
pub const FORMAT_VERSION: &str = "1.0";

/// Every decision the analyst has made about the forms of one output folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Assignments {
    /// The version of the format: [`FORMAT_VERSION`] as written now.
    pub format_version: String,
    /// The decisions by the SHA-256 of the form's bytes (lower-case hex), sorted.
    pub decisions: BTreeMap<String, Decision>,
}

impl Default for Assignments {
    fn default() -> Self {
        Assignments {
            format_version: FORMAT_VERSION.into(),
            decisions: BTreeMap::new(),
        }
    }
}

/// One decision about one form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// What was decided.
    #[serde(flatten)]
    pub action: Action,
    /// Where the form was when the decision was made, for people to recognise it.
    pub form: Option<String>,
    /// Why, in the analyst's words.
    pub note: Option<String>,
    /// When the decision was made (RFC 3339, UTC).
    pub decided_at: String,
}

/// What the analyst decided about a form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "decision", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Action {
    /// The form is the given respondent's, or of the given round, whatever it says; what is
    /// not given stays as converted.
    Assign {
        /// The respondent, as the registry named it when the decision was made.
        respondent: Option<Assignee>,
        /// The round.
        round: Option<RoundId>,
    },
    /// The form is no part of the round: it is not converted into the folder, and its
    /// submission is removed.
    Exclude,
}

/// A respondent as a decision names it: enough to write the submission's respondent without
/// the registry the decision was made with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Assignee {
    /// The registry id (`bromma-sdn`).
    pub id: String,
    /// The official name.
    pub committee: String,
    /// The registry kind.
    pub kind: String,
}

impl From<&Respondent> for Assignee {
    fn from(r: &Respondent) -> Self {
        Assignee {
            id: r.id.clone(),
            committee: r.name.clone(),
            kind: r.kind.clone(),
        }
    }
}

impl Assignments {
    /// The decisions of the output folder `out`; none when it has no decisions' file. A file
    /// that cannot be read is an error (`InvalidData`), never ignored: converting without the
    /// analyst's decisions would put forms back under the wrong respondent.
    pub fn load(out: &Path) -> io::Result<Assignments> {
        let path = out.join(ASSIGNMENTS);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Assignments::default()),
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!(
                        "{}: cannot read it: {}",
                        path.display(),
                        lower(&e.to_string())
                    ),
                ));
            }
        };
        let unreadable = |why: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: not the analyst's decisions as blankett writes them ({why}); correct it, or remove it to forget every decision",
                    path.display()
                ),
            )
        };
        let a: Assignments =
            serde_json::from_slice(&bytes).map_err(|e| unreadable(e.to_string()))?;
        if !a.format_version.starts_with("1.") {
            return Err(unreadable(format!(
                "format version {}; this blankett reads 1.x",
                a.format_version
            )));
        }
        if let Some(key) = a.decisions.keys().find(|k| !is_sha256(k)) {
            return Err(unreadable(format!(
                "{key:?} is not a SHA-256 in lower-case hex"
            )));
        }
        Ok(a)
    }

    /// Writes the decisions as `assignments.json` in `out`, whole and durably. The caller
    /// holds the folder's lock.
    pub fn save(&mut self, out: &Path) -> io::Result<()> {
        self.format_version = FORMAT_VERSION.into();
        output::write_json(&out.join(ASSIGNMENTS), self, true).map(|_| ())
    }

    /// The decision about the form with this content hash.
    pub fn get(&self, sha256: &str) -> Option<&Decision> {
        self.decisions.get(sha256)
    }

    /// The decision that keeps the form with this content hash out, if one does.
    pub fn exclusion(&self, sha256: &str) -> Option<&Decision> {
        self.get(sha256)
            .filter(|d| matches!(d.action, Action::Exclude))
    }

    /// Applies the decision about the form a submission was converted from, if any, to the
    /// submission ([`Decision::apply`]).
    pub fn apply(&self, s: &mut Submission) {
        if let Some(d) = self.get(&s.source.sha256) {
            d.apply(s);
        }
    }

    /// True when a submission the index records as `entry` agrees with the decision about
    /// its form (or no decision concerns it): a front end may keep it as it is.
    pub fn agree_with(&self, entry: &Entry) -> bool {
        match self.get(&entry.sha256).map(|d| &d.action) {
            None => true,
            Some(Action::Exclude) => false,
            Some(Action::Assign { respondent, round }) => {
                respondent
                    .as_ref()
                    .is_none_or(|r| entry.respondent.as_deref() == Some(r.id.as_str()))
                    && round.is_none_or(|r| entry.round.as_deref() == Some(&r.to_string()))
            }
        }
    }
}

impl Decision {
    /// Applies an assignment to a submission of its form, just converted or stored before:
    /// what the conversion found is kept as `asConverted` (once; a later decision replaces an
    /// earlier one, it does not stack on it), the assigned respondent and round replace it.
    /// An exclusion changes no submission: the front ends keep its form out.
    pub fn apply(&self, s: &mut Submission) {
        let Action::Assign { respondent, round } = &self.action else {
            return;
        };
        let found = s.as_converted.get_or_insert_with(|| AsConverted {
            respondent: s.respondent.clone(),
            round: s.round,
        });
        let as_written = found.respondent.as_ref().and_then(|r| r.as_written.clone());
        s.respondent = match respondent {
            Some(a) => Some(RespondentRef {
                id: a.id.clone(),
                committee: a.committee.clone(),
                kind: a.kind.clone(),
                resolved_by: ResolvedBy::Assigned,
                as_written,
            }),
            None => found.respondent.clone(),
        };
        s.round = round.or(found.round);
    }
}

/// Puts back what the conversion found, when a decision had replaced it; true when it did.
pub fn unassign(s: &mut Submission) -> bool {
    match s.as_converted.take() {
        Some(found) => {
            s.respondent = found.respondent;
            s.round = found.round;
            true
        }
        None => false,
    }
}

/// True for a SHA-256 as blankett writes it: 64 lower-case hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn lower(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example form as converted: Östermalm's (by its file name), round 2022-T1.
    fn submission() -> Submission {
        let cfg = crate::Config::builtin();
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/ostermalm-2022-T1.docx");
        let doc = crate::read_path(&path).unwrap();
        let opts = crate::MapOptions {
            path: Some(&path),
            ..Default::default()
        };
        let s = cfg.prepare().map_owned(doc, &opts).unwrap();
        assert_eq!(s.respondent.as_ref().unwrap().id, "ostermalm-sdn");
        s
    }

    fn assign(respondent: Option<&str>, round: Option<&str>) -> Decision {
        Decision {
            action: Action::Assign {
                respondent: respondent.map(|id| Assignee {
                    id: id.into(),
                    committee: format!("{id} nämnd"),
                    kind: "stadsdelsnamnd".into(),
                }),
                round: round.map(|r| r.parse().unwrap()),
            },
            form: None,
            note: None,
            decided_at: "2022-05-02T09:14:00Z".into(),
        }
    }

    #[test]
    fn an_assignment_keeps_what_the_conversion_found_and_undoes_to_it() {
        let original = submission();
        let mut s = original.clone();
        assign(Some("bromma-sdn"), Some("2022-T2")).apply(&mut s);
        let r = s.respondent.as_ref().unwrap();
        assert_eq!(
            (r.id.as_str(), r.resolved_by),
            ("bromma-sdn", ResolvedBy::Assigned)
        );
        assert_eq!(
            r.as_written,
            original.respondent.as_ref().unwrap().as_written
        );
        assert_eq!(s.round.unwrap().to_string(), "2022-T2");
        let found = s.as_converted.as_ref().unwrap();
        assert_eq!(found.respondent, original.respondent);
        assert_eq!(found.round, original.round);
        assert!(unassign(&mut s));
        assert_eq!(s, original);
        assert!(!unassign(&mut s));
    }

    #[test]
    fn a_second_decision_replaces_the_first_instead_of_stacking_on_it() {
        let original = submission();
        let mut s = original.clone();
        assign(Some("bromma-sdn"), Some("2022-T2")).apply(&mut s);
        assign(None, Some("2022-VB")).apply(&mut s);
        assert_eq!(
            s.respondent, original.respondent,
            "the respondent as converted"
        );
        assert_eq!(s.round.unwrap().to_string(), "2022-VB");
        assert_eq!(
            s.as_converted.as_ref().unwrap().respondent,
            original.respondent
        );
    }

    #[test]
    fn an_index_entry_agrees_with_a_decision_only_when_it_says_what_was_decided() {
        let s = submission();
        let source = crate::ledger::Source {
            origin: crate::ledger::Origin::Folder,
            input: "/in".into(),
            path: "a.docx".into(),
        };
        let entry = Entry::new(&source, &s.source.sha256, &s, 1, "c");
        let mut a = Assignments::default();
        assert!(a.agree_with(&entry));
        a.decisions
            .insert(s.source.sha256.clone(), assign(Some("bromma-sdn"), None));
        assert!(!a.agree_with(&entry));
        a.decisions
            .insert(s.source.sha256.clone(), assign(Some("ostermalm-sdn"), None));
        assert!(a.agree_with(&entry));
        a.decisions.get_mut(&s.source.sha256).unwrap().action = Action::Exclude;
        assert!(!a.agree_with(&entry));
    }

    #[test]
    fn a_decisions_file_that_cannot_be_read_is_an_error_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Assignments::load(dir.path()).unwrap(),
            Assignments::default()
        );
        for (text, says) in [
            ("{", "not the analyst's decisions"),
            (
                r#"{"formatVersion":"2.0","decisions":{}}"#,
                "format version 2.0",
            ),
            (
                r#"{"formatVersion":"1.0","decisions":{"ABC":{"decision":"exclude","form":null,"note":null,"decidedAt":"x"}}}"#,
                "\"ABC\" is not a SHA-256",
            ),
        ] {
            std::fs::write(dir.path().join(ASSIGNMENTS), text).unwrap();
            let e = Assignments::load(dir.path()).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            assert!(e.to_string().contains(says), "{e}");
        }
    }

    #[test]
    fn decisions_are_written_as_the_schema_shows_them() {
        let mut a = Assignments::default();
        a.decisions
            .insert("a".repeat(64), assign(Some("bromma-sdn"), None));
        let json = serde_json::to_value(&a).unwrap();
        let d = &json["decisions"]["a".repeat(64)];
        assert_eq!(d["decision"], "assign");
        assert_eq!(d["respondent"]["id"], "bromma-sdn");
        assert!(d["round"].is_null());
        let back: Assignments = serde_json::from_value(json).unwrap();
        assert_eq!(back, a);
    }
}
