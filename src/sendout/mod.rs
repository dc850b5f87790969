//! `blankett sendout`: the forms of a round, one per expected respondent, each made for its
//! respondent and keeping its identity, and the list the city's mail tool sends them from.
//!
//! ```text
//! plan     who is expected (the registry's respondents of the variants valid at the round's
//!          end, or a given list), each one's variant, answers to start from (prefill),
//!          identity, file name and address
//! form     the template (crate::template) filled in for one respondent
//! write    every form into the folder, then utskick.csv
//! ```
//!
//! blankett sends no mail: `utskick.csv` names, per respondent, the address and the file.

mod prefill;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::export::ExportOptions;
use crate::export::csv::Table;
use crate::identity::FormIdentity;
use crate::round::{expected_respondents, swedish_key};
use crate::round_id::RoundId;
use crate::schema::{Questionnaire, Registry, Respondent};
use crate::status::{AddressFrom, Addresses, ReminderAddress};
use crate::submission::Submission;
use crate::template::{TemplateError, TemplateOptions, write_template_with};

/// The name of the mailing list a send-out writes beside its forms.
pub const MAILING_LIST: &str = "utskick.csv";

/// The mailing list's columns.
pub const MAILING_COLUMNS: [&str; 5] =
    ["respondent_id", "respondent", "email", "email_from", "file"];

/// The longest file name written, in bytes: most file systems take 255.
const MAX_NAME: usize = 240;

/// What a send-out is for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SendoutOptions {
    /// The round the forms are for.
    pub round: RoundId,
    /// Only the respondents of this variant (and every form of it); all variants when `None`.
    pub variant: Option<String>,
    /// Who gets a form (registry ids), instead of the registry's respondents of the variants
    /// that exist at the round's end.
    pub expected: Option<Vec<String>>,
    /// The last day to send the form back (ISO), instead of the questionnaire's for the round.
    pub deadline: Option<String>,
    /// An earlier round's submissions: each form starts with its respondent's answers from the
    /// newest of them (of a round before this one).
    pub prefill: Vec<Submission>,
    /// More submissions to take contact addresses from, for respondents the registry has none
    /// for (the prefill's are looked at too).
    pub contacts: Vec<Submission>,
}

impl SendoutOptions {
    /// A send-out for `round` to the registry's respondents, nothing prefilled.
    pub fn new(round: RoundId) -> SendoutOptions {
        SendoutOptions {
            round,
            variant: None,
            expected: None,
            deadline: None,
            prefill: Vec::new(),
            contacts: Vec::new(),
        }
    }
}

/// Why a send-out could not be made or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendoutError {
    /// The variant or the deadline is wrong, or a form could not be written (a bug).
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A registry id given as expected is not in the registry.
    #[error("no respondent {0:?} in the registry")]
    UnknownRespondent(String),
    /// No variant of the questionnaire is for the respondent's kind.
    #[error(
        "{name} ({id}) is of kind {kind}, which no variant of questionnaire {questionnaire} is for; say which variant with --variant"
    )]
    NoVariant {
        /// The respondent's registry id.
        id: String,
        /// Its name.
        name: String,
        /// Its kind.
        kind: String,
        /// The questionnaire's id.
        questionnaire: String,
    },
    /// Nobody is expected to answer the round.
    #[error(
        "nobody is expected to answer {0}: the registry has no respondent of the variant then; give who with --expected"
    )]
    NobodyExpected(RoundId),
    /// The folder holds files already.
    #[error(
        "{0}: the folder is not empty; give a new or empty folder, or --force to write the forms into it (files of the same name are replaced, others left alone)"
    )]
    NotEmpty(PathBuf),
    /// A file could not be written.
    #[error("{path}: cannot write it: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A form of the send-out: whom it is for and what it holds.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SendoutForm {
    /// The respondent, as the registry has it.
    pub respondent: Respondent,
    /// The variant of its form.
    pub variant: String,
    /// The form's file name (`Uppföljningsrapport näringsliv 2022-T2 - Östermalms
    /// stadsdelsnämnd.docx`).
    pub file: String,
    /// The answers the form starts with, by question id.
    pub answers: BTreeMap<String, String>,
    /// The identity the form keeps.
    pub identity: FormIdentity,
    /// Where to send it: the registry's address, else the newest contact address of the
    /// respondent's earlier forms.
    pub address: Option<ReminderAddress>,
}

/// A send-out planned: the round, the deadline given, and a form per respondent, by name.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Sendout {
    /// The round.
    pub round: RoundId,
    /// The deadline given instead of the questionnaire's.
    pub deadline: Option<String>,
    /// The forms, by the respondents' names in Swedish order.
    pub forms: Vec<SendoutForm>,
}

/// Plans a send-out: who gets a form, of which variant, starting from which answers, under
/// which file name and sent to which address.
pub fn plan_sendout(
    q: &Questionnaire,
    reg: &Registry,
    opts: &SendoutOptions,
) -> Result<Sendout, SendoutError> {
    check_variant_and_deadline(q, opts)?;
    let respondents = expected(q, reg, opts)?;
    let earlier = prefill::newest_before(&opts.prefill, q, opts.round);
    let addresses = Addresses::of_forms(reg, opts.prefill.iter().chain(&opts.contacts));
    let mut names = HashSet::new();
    let mut forms = Vec::new();
    for r in respondents {
        let variant = variant_of(q, r, opts.variant.as_deref())?;
        let answers = earlier
            .get(r.id.as_str())
            .map(|s| prefill::answers(s, q, variant))
            .unwrap_or_default();
        let identity = FormIdentity::new((&q.id, &q.version, variant), &r.id, opts.round, &answers);
        let mut file = file_name(q.title.trim(), opts.round, &r.name, None);
        if !names.insert(file.to_lowercase()) {
            file = file_name(q.title.trim(), opts.round, &r.name, Some(&r.id));
            names.insert(file.to_lowercase());
        }
        forms.push(SendoutForm {
            respondent: r.clone(),
            variant: variant.to_owned(),
            file,
            answers,
            identity,
            address: addresses.of_respondent(&r.id),
        });
    }
    forms.sort_by_key(|f| swedish_key(&f.respondent.name));
    Ok(Sendout {
        round: opts.round,
        deadline: opts.deadline.clone(),
        forms,
    })
}

/// The variant given must be the questionnaire's, the deadline a day of the calendar: checked
/// before any form is made.
fn check_variant_and_deadline(
    q: &Questionnaire,
    opts: &SendoutOptions,
) -> Result<(), TemplateError> {
    if let Some(v) = &opts.variant
        && q.variant(v).is_none()
    {
        return Err(TemplateError::UnknownVariant {
            questionnaire: q.id.clone(),
            variant: v.clone(),
            available: q.variants.iter().map(|v| v.id.clone()).collect(),
        });
    }
    if let Some(d) = &opts.deadline
        && d.parse::<jiff::civil::Date>().is_err()
    {
        return Err(TemplateError::Deadline(d.clone()));
    }
    Ok(())
}

/// The respondents who get a form: those given, else the registry's of the variants (the one
/// given, else all) that exist at the round's end.
fn expected<'r>(
    q: &Questionnaire,
    reg: &'r Registry,
    opts: &SendoutOptions,
) -> Result<Vec<&'r Respondent>, SendoutError> {
    let ids = match &opts.expected {
        Some(ids) => ids.clone(),
        None => {
            let variants: Vec<String> = match &opts.variant {
                Some(v) => vec![v.clone()],
                None => q.variants.iter().map(|v| v.id.clone()).collect(),
            };
            expected_respondents(q, reg, &variants, Some(opts.round))
        }
    };
    let mut seen = HashSet::new();
    let respondents = ids
        .iter()
        .filter(|id| seen.insert(id.as_str()))
        .map(|id| {
            reg.get(id)
                .ok_or_else(|| SendoutError::UnknownRespondent(id.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if respondents.is_empty() {
        return Err(SendoutError::NobodyExpected(opts.round));
    }
    Ok(respondents)
}

/// The variant of `r`'s form: the one given, else the first that is for its kind.
fn variant_of<'q>(
    q: &'q Questionnaire,
    r: &Respondent,
    given: Option<&'q str>,
) -> Result<&'q str, SendoutError> {
    if let Some(v) = given {
        return Ok(v);
    }
    q.variants
        .iter()
        .find(|v| v.kinds.contains(&r.kind))
        .map(|v| v.id.as_str())
        .ok_or_else(|| SendoutError::NoVariant {
            id: r.id.clone(),
            name: r.name.clone(),
            kind: r.kind.clone(),
            questionnaire: q.id.clone(),
        })
}

/// A form's file name, named for people: `<title> <round> - <name>.docx`, and ` (<id>)` after
/// the name when two respondents' names give one file name. Characters a file system refuses
/// (Windows: `<>:"/\|?*` and control characters) become `-`, and the name is cut to fit.
fn file_name(title: &str, round: RoundId, name: &str, id: Option<&str>) -> String {
    let id = id.map(|i| format!(" ({i})")).unwrap_or_default();
    let mut stem = format!("{title} {round} - {name}{id}");
    stem = stem
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '-',
            c if c.is_control() => '-',
            c => c,
        })
        .collect();
    while stem.len() > MAX_NAME - ".docx".len() {
        stem.pop();
    }
    // Windows drops a name's trailing dots and spaces, and would then name another file.
    let stem = stem.trim_end_matches(['.', ' ']);
    format!("{stem}.docx")
}

impl Sendout {
    /// The Word form of `form`: the template of its variant for the round, its committee
    /// field holding the respondent's name, its answers to start from, its identity.
    pub fn form_bytes(
        &self,
        q: &Questionnaire,
        form: &SendoutForm,
    ) -> Result<Vec<u8>, TemplateError> {
        let opts = TemplateOptions {
            round: Some(self.round),
            deadline: self.deadline.clone(),
            respondent: Some(form.respondent.name.clone()),
            answers: form.answers.clone(),
            identity: Some(form.identity.clone()),
        };
        write_template_with(q, &form.variant, &opts)
    }

    /// The mailing list (`utskick.csv`): a row per form, the respondent, the address and where
    /// it came from (`registry`, `submission`; empty when there is none), the file. CSV as the
    /// round's export writes it ([`ExportOptions`]): with `;` for Excel, a byte order mark
    /// first and formula-like fields made text.
    pub fn mailing_list(&self, opts: &ExportOptions) -> Vec<u8> {
        let mut table = Table::new(opts);
        table.row(MAILING_COLUMNS);
        for f in &self.forms {
            let (email, from) = match &f.address {
                Some(a) => (a.email.as_str(), address_from(a.from)),
                None => ("", ""),
            };
            table.row([
                f.respondent.id.as_str(),
                &f.respondent.name,
                email,
                from,
                &f.file,
            ]);
        }
        table.into_bytes()
    }

    /// Writes every form into `dir` (made when missing), then the mailing list; `progress` is
    /// told of each form once it is written. A folder that holds files already is refused
    /// unless `force`: then forms of the same name are replaced and other files left alone.
    pub fn write(
        &self,
        q: &Questionnaire,
        dir: &Path,
        (force, csv): (bool, &ExportOptions),
        progress: &dyn Fn(&SendoutForm),
    ) -> Result<(), SendoutError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SendoutError::Io { path, source }
        };
        let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
        if occupied && !force {
            return Err(SendoutError::NotEmpty(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        for form in &self.forms {
            let bytes = self.form_bytes(q, form)?;
            let path = dir.join(&form.file);
            crate::output::write_atomic(&path, &bytes).map_err(io(&path))?;
            progress(form);
        }
        let list = dir.join(MAILING_LIST);
        crate::output::write_atomic(&list, &self.mailing_list(csv)).map_err(io(&list))
    }
}

fn address_from(from: AddressFrom) -> &'static str {
    match from {
        AddressFrom::Registry => "registry",
        AddressFrom::Submission => "submission",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whom_no_variant_is_for_is_refused_and_each_respondent_gets_one_form() {
        let (q, reg) = (Questionnaire::builtin(), Registry::builtin());
        let mut opts = SendoutOptions::new("2022-T2".parse().unwrap());
        opts.expected = Some(vec!["stockholms-stadshus".into()]);
        let err = plan_sendout(&q, &reg, &opts).unwrap_err();
        assert!(matches!(&err, SendoutError::NoVariant { kind, .. } if kind == "bolagsstyrelse"));
        // A board given with the variant gets that variant's form; an id given twice, one form.
        opts.variant = Some("stadsdelsnamnd".into());
        opts.expected = Some(vec![
            "stockholms-stadshus".into(),
            "farsta-sdn".into(),
            "stockholms-stadshus".into(),
        ]);
        let plan = plan_sendout(&q, &reg, &opts).unwrap();
        let ids: Vec<&str> = plan
            .forms
            .iter()
            .map(|f| f.respondent.id.as_str())
            .collect();
        assert_eq!(ids, ["farsta-sdn", "stockholms-stadshus"]);
        opts.expected = Some(vec![]);
        assert!(matches!(
            plan_sendout(&q, &reg, &opts),
            Err(SendoutError::NobodyExpected(_))
        ));
    }

    #[test]
    fn file_names_are_for_people_and_for_every_file_system() {
        let round: RoundId = "2022-T2".parse().unwrap();
        assert_eq!(
            file_name(
                "Uppföljningsrapport näringsliv",
                round,
                "Östermalms stadsdelsnämnd",
                None
            ),
            "Uppföljningsrapport näringsliv 2022-T2 - Östermalms stadsdelsnämnd.docx"
        );
        assert_eq!(
            file_name("Rapport", round, "Kultur/fritid: \"AB\"?", Some("kf")),
            "Rapport 2022-T2 - Kultur-fritid- -AB-- (kf).docx"
        );
        assert_eq!(
            file_name("Rapport", round, "Nämnd. ", None),
            "Rapport 2022-T2 - Nämnd.docx"
        );
        let long = file_name("Rapport", round, &"å".repeat(300), None);
        assert!(long.len() <= MAX_NAME && long.ends_with("å.docx"), "{long}");
    }
}
