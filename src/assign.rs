//! The analyst's decision about one form, applied at once to what an output folder holds of
//! it: the form named the way people name it (its file, its submission, a prefix of its
//! content hash), its stored submissions rewritten or removed, `index.json` and `report.json`
//! brought up to date, so that `status` and `consolidate` see the decision without a new run.
//! The decisions themselves, and how one changes a submission, are [`crate::assignments`].

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use crate::Limits;
use crate::assignments::{Action, Assignments, Decision, is_sha256, unassign};
use crate::error::Error;
use crate::form_file::{self, Links};
use crate::intake::write_submission;
use crate::ledger::{Index, Report, SUBMISSIONS, Skipped};
use crate::lock::FolderLock;
use crate::submission::Submission;

/// A form an output folder knows of: converted into it, failed in it, excluded from it, or
/// decided about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownForm {
    /// SHA-256 of the form's bytes, lower-case hex.
    pub sha256: String,
    /// Everywhere the form was found, as the folder's records say
    /// (`/srv/inkorg/Östermalm.docx`), sorted: the same bytes may have come in more than once.
    pub paths: Vec<String>,
    /// Its submissions in the folder, by name (without `.json`).
    pub submissions: Vec<String>,
}

impl KnownForm {
    /// Where the form was found first, by path (empty when the records do not say).
    pub fn path(&self) -> &str {
        self.paths.first().map_or("", String::as_str)
    }
}

/// Why a form named on the command line is not one the output folder knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FindError {
    /// Not a file, nor a name or hash prefix the folder knows.
    #[error(
        "form not found in {out}: {given} is not a file, nor a form, submission or sha256 prefix it knows (blankett assign --list and {out}/report.json name them)"
    )]
    Unknown {
        /// The output folder.
        out: String,
        /// What was given.
        given: String,
    },
    /// A file whose content the folder has never met.
    #[error(
        "form not found in {out}: {given} (sha256 {short}…) was never converted into it; convert it first (blankett batch DIR --out {out})"
    )]
    NotInOut {
        /// The output folder.
        out: String,
        /// What was given.
        given: String,
        /// The first digits of the file's hash.
        short: String,
    },
    /// A hash prefix or a name that fits more than one form.
    #[error("{given} names {} forms in {out}: {}; give more of the sha256", .candidates.len(), .candidates.join(", "))]
    Ambiguous {
        /// The output folder.
        out: String,
        /// What was given.
        given: String,
        /// The forms it fits: the first digits of their hash and where they were found.
        candidates: Vec<String>,
    },
    /// A file that could not be read.
    #[error("{0}")]
    Unreadable(String),
}

/// Every form the output folder `out` knows of, by content hash: from `index.json`,
/// `report.json` and the decisions.
pub fn known_forms(out: &Path, assignments: &Assignments) -> BTreeMap<String, KnownForm> {
    let mut known: BTreeMap<String, KnownForm> = BTreeMap::new();
    let mut add = |sha: &str, path: String, submission: Option<&str>| {
        let k = known.entry(sha.to_owned()).or_insert_with(|| KnownForm {
            sha256: sha.to_owned(),
            paths: Vec::new(),
            submissions: Vec::new(),
        });
        if !path.is_empty() && !k.paths.contains(&path) {
            k.paths.push(path);
            k.paths.sort();
        }
        if let Some(name) = submission {
            k.submissions.push(name.to_owned());
        }
    };
    for (name, e) in &Index::load(out).submissions {
        add(&e.sha256, joined(e.input.as_deref(), &e.path), Some(name));
    }
    let report = Report::load(out);
    for f in &report.files {
        if let Some(sha) = &f.sha256 {
            add(sha, joined(Some(&f.input), &f.path), None);
        }
    }
    for s in &report.skipped {
        if let Some(sha) = &s.sha256 {
            add(sha, joined(Some(&s.input), &s.path), None);
        }
    }
    for (sha, d) in &assignments.decisions {
        add(sha, d.form.clone().unwrap_or_default(), None);
    }
    known
}

/// `input/path`, or the path alone when the input is not known.
fn joined(input: Option<&str>, path: &str) -> String {
    match input.filter(|i| !i.is_empty()) {
        Some(i) => format!("{}/{path}", i.trim_end_matches('/')),
        None => path.to_owned(),
    }
}

/// The form `given` names among the `known` forms of `out`: a file (the form itself, or a
/// submission of it), a submission's name, a path whose file name is the form's as the
/// records say it (the form may have moved since), or a prefix (at least 4 digits) of its
/// SHA-256.
pub fn find_form<'k>(
    out: &Path,
    given: &str,
    known: &'k BTreeMap<String, KnownForm>,
) -> Result<&'k KnownForm, FindError> {
    let shown = out.display().to_string();
    let path = Path::new(given);
    if path.is_file() {
        let sha = file_sha256(path)?;
        return known.get(&sha).ok_or_else(|| FindError::NotInOut {
            out: shown,
            given: given.to_owned(),
            short: sha[..12].to_owned(),
        });
    }
    let name = given
        .trim_start_matches(&format!("{SUBMISSIONS}/"))
        .trim_end_matches(".json");
    let hex = given.to_ascii_lowercase();
    // A form moved since (by watch, into processed/) is still found by its file name.
    let file_name = |p: &str| p.rsplit(['/', '\\']).next().unwrap_or(p).to_owned();
    let given_name = file_name(given);
    let fits: Vec<&KnownForm> = known
        .values()
        .filter(|k| {
            k.submissions.iter().any(|s| s == name)
                || k.paths.iter().any(|p| file_name(p) == given_name)
                || (hex.len() >= 4 && is_hex(&hex) && k.sha256.starts_with(&hex))
        })
        .collect();
    match fits.as_slice() {
        [one] => Ok(one),
        [] => Err(FindError::Unknown {
            out: shown,
            given: given.to_owned(),
        }),
        many => Err(FindError::Ambiguous {
            out: shown,
            given: given.to_owned(),
            candidates: many
                .iter()
                .map(|k| format!("{} {}", &k.sha256[..12], k.path()))
                .collect(),
        }),
    }
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The content hash of the form a file is: a submission's (JSON) says it; any other file is
/// hashed.
fn file_sha256(path: &Path) -> Result<String, FindError> {
    if path.extension().is_some_and(|x| x == "json")
        && let Ok(bytes) = std::fs::read(path)
        && let Ok(s) = serde_json::from_slice::<Submission>(&bytes)
        && is_sha256(&s.source.sha256)
    {
        return Ok(s.source.sha256);
    }
    form_file::read(path, &Limits::default(), Links::Follow)
        .map(|f| f.sha256)
        .map_err(|e: Error| FindError::Unreadable(e.to_string()))
}

/// What applying a decision changed in the output folder.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Applied {
    /// Submissions rewritten, by name.
    pub rewritten: Vec<String>,
    /// Submissions that said what the decision says already, by name.
    pub unchanged: Vec<String>,
    /// Submissions removed (the form was excluded), by name.
    pub removed: Vec<String>,
    /// How many places `report.json` now lists the form as excluded (it was converted, or
    /// failed, there).
    pub listed_excluded: usize,
    /// The records of the form's exclusion that were forgotten (the exclusion was undone):
    /// where the form was met, to convert it again.
    pub unexcluded: Vec<Skipped>,
}

/// Applies the decision about the form with content hash `sha256` to what `out` holds of it:
/// `decision` is the new one, `None` when the decision was undone. An assignment rewrites the
/// form's submissions, an exclusion removes them; undone, an assignment puts back what the
/// conversion found, an exclusion is forgotten (the form is converted again the next time a
/// front end meets it). `index.json` and `report.json` say so after, written at `now`. The caller holds the
/// folder's lock and has saved the decisions first, so that a run cut short here is finished
/// by the next run over the form's folder (or by deciding again).
pub fn apply_stored(
    out: &Path,
    sha256: &str,
    decision: Option<&Decision>,
    now: SystemTime,
    _lock: &FolderLock,
) -> io::Result<Applied> {
    let mut index = Index::load(out);
    let mut report = Report::load(out);
    let mut applied = Applied::default();
    let names: Vec<String> = index
        .submissions
        .iter()
        .filter(|(_, e)| e.sha256 == sha256)
        .map(|(n, _)| n.clone())
        .collect();
    if let Some(Decision {
        action: Action::Exclude,
        note,
        ..
    }) = decision
    {
        let places: Vec<_> = names
            .iter()
            .filter_map(|n| index.submissions.get(n))
            .map(|e| {
                (
                    e.origin,
                    e.input.clone().unwrap_or_default(),
                    e.path.clone(),
                )
            })
            .collect();
        for name in names {
            match std::fs::remove_file(out.join(SUBMISSIONS).join(format!("{name}.json"))) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            index.submissions.remove(&name);
            applied.removed.push(name);
        }
        report.exclude(sha256, note.as_deref(), &places);
        applied.listed_excluded = report
            .skipped
            .iter()
            .filter(|s| s.sha256.as_deref() == Some(sha256))
            .count();
    } else {
        for name in names {
            // A submission gone missing is converted again, decision and all, by the next run
            // over its form's folder.
            let Some(mut s) = read_submission(out, &name)? else {
                continue;
            };
            let before = s.clone();
            match decision {
                Some(d) => d.apply(&mut s),
                None => {
                    unassign(&mut s);
                }
            }
            if s == before {
                applied.unchanged.push(name);
                continue;
            }
            let bytes = write_submission(out, &name, &s).map_err(io::Error::other)?;
            let (respondent, round) = (
                s.respondent.as_ref().map(|r| r.id.clone()),
                s.round.map(|r| r.to_string()),
            );
            report.reassign(sha256, respondent.as_deref(), round.as_deref());
            if let Some(e) = index.submissions.get_mut(&name) {
                (e.respondent, e.round, e.bytes) = (respondent, round, bytes);
            }
            applied.rewritten.push(name);
        }
        if decision.is_none() {
            applied.unexcluded = report.unexclude(sha256);
        }
    }
    if !applied.rewritten.is_empty() || !applied.removed.is_empty() {
        index.save(out, now)?;
    }
    if !applied.removed.is_empty()
        || applied.listed_excluded > 0
        || !applied.rewritten.is_empty()
        || !applied.unexcluded.is_empty()
        || out.join("report.json").is_file()
    {
        report.save(out, now)?;
    }
    Ok(applied)
}

/// The stored submission `name` of `out`; `None` when its file is gone.
fn read_submission(out: &Path, name: &str) -> io::Result<Option<Submission>> {
    let path = out.join(SUBMISSIONS).join(format!("{name}.json"));
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: not a submission ({e})", path.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(shas: &[(&str, &str)]) -> BTreeMap<String, KnownForm> {
        shas.iter()
            .map(|(sha, form)| {
                let sha = format!("{sha:0<64}");
                let k = KnownForm {
                    sha256: sha.clone(),
                    paths: vec![(*form).to_owned()],
                    submissions: vec![format!("sub-{}", &sha[..4])],
                };
                (sha, k)
            })
            .collect()
    }

    #[test]
    fn a_form_is_found_by_hash_prefix_file_name_or_submission_and_never_by_guess() {
        let out = Path::new("ut");
        let k = known(&[
            ("abcd1", "/in/a.docx"),
            ("abcd2", "/in/b.docx"),
            ("ef", "/in/c.docx"),
        ]);
        let found = |given: &str| find_form(out, given, &k).map(KnownForm::path);
        assert_eq!(found("abcd2"), Ok("/in/b.docx"));
        assert_eq!(found("ABCD1"), Ok("/in/a.docx"));
        assert_eq!(found("c.docx"), Ok("/in/c.docx"));
        assert_eq!(found("/in/c.docx"), Ok("/in/c.docx"));
        assert_eq!(
            found("in/processed/c.docx"),
            Ok("/in/c.docx"),
            "moved since"
        );
        assert_eq!(found("submissions/sub-ef00.json"), Ok("/in/c.docx"));
        let Err(FindError::Ambiguous { candidates, .. }) = found("abcd") else {
            panic!("abcd fits two forms");
        };
        assert_eq!(candidates.len(), 2);
        assert!(
            matches!(found("abc"), Err(FindError::Unknown { .. })),
            "too short"
        );
        assert!(matches!(found("x.docx"), Err(FindError::Unknown { .. })));
    }

    #[test]
    fn the_same_form_come_in_twice_is_found_by_either_name() {
        let mut k = known(&[("abcd1", "/in/a.docx")]);
        k.values_mut()
            .next()
            .unwrap()
            .paths
            .push("/in/a-igen.docx".into());
        let found = |given: &str| find_form(Path::new("ut"), given, &k).map(KnownForm::path);
        assert_eq!(found("a-igen.docx"), Ok("/in/a.docx"));
        assert_eq!(found("a.docx"), Ok("/in/a.docx"));
    }
}
