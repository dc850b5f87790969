//! The status of small rounds made by hand: failed forms under their respondents, and where
//! each address comes from.

use std::path::Path;
use std::time::SystemTime;

use super::*;
use crate::ledger::{FileError, FileStatus};
use crate::mapping::Options as MapOptions;
use crate::round::{Options, consolidate};

/// The example form as `respondent` sent it for `round`, with its own content hash, contact
/// address and saved date.
fn form(respondent: &str, round: Option<&str>, email: &str, saved: &str) -> Submission {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/ostermalm-2022-T1.docx");
    let doc = crate::read_path(&path).unwrap();
    let (q, reg) = (Questionnaire::builtin(), Registry::builtin());
    let opts = MapOptions {
        respondent: Some(respondent),
        round,
        ..MapOptions::default()
    };
    let mut s = crate::map(&doc, &q, &reg, &opts).unwrap();
    s.round = round.and_then(|r| r.parse().ok());
    let contact = s.contact.as_mut().unwrap();
    contact.email = Some(email.into());
    contact.email_valid = Some(crate::schema::is_email(email));
    s.source.modified = Some(saved.into());
    s.source.file = Some(format!("{respondent} {}.docx", round.unwrap_or("")));
    s.source.sha256 = crate::hash::hex(format!("{respondent}{round:?}{email}{saved}").as_bytes());
    s
}

fn failed(path: &str, code: &str, respondent: Option<&str>) -> FileReport {
    FileReport {
        path: path.into(),
        origin: Origin::Folder,
        input: "/srv/inkorg".into(),
        status: FileStatus::Failed,
        output: None,
        sha256: None,
        respondent: respondent.map(str::to_owned),
        round: None,
        warnings: 0,
        error: Some(FileError {
            code: code.into(),
            message: format!("{path}: it failed"),
        }),
    }
}

fn round_of(subs: Vec<Submission>, round: Option<&str>) -> Round {
    let opts = Options {
        round: round.and_then(|r| r.parse().ok()),
        ..Options::default()
    };
    consolidate(subs, &Questionnaire::builtin(), &Registry::builtin(), &opts)
}

fn status_of(
    round: &Round,
    reg: &Registry,
    files: &[FileReport],
    earlier: &[Submission],
) -> RoundStatus {
    let inputs = StatusInputs {
        files,
        earlier,
        now: SystemTime::UNIX_EPOCH,
    };
    round_status(round, &Questionnaire::builtin(), reg, &inputs)
}

fn respondent<'s>(status: &'s RoundStatus, id: &str) -> &'s StatusRespondent {
    status
        .respondents
        .iter()
        .find(|r| r.id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn a_failed_form_is_shown_under_the_respondent_its_report_or_name_gives() {
    let round = round_of(
        vec![form(
            "ostermalm-sdn",
            Some("2022-T1"),
            "a@stockholm.se",
            "2022-04-20T14:12:00Z",
        )],
        Some("2022-T1"),
    );
    let files = [
        // A report from before failed forms were attributed: the file name tells.
        failed("Bromma.doc", "legacy-doc", None),
        // The report's respondent wins over the name.
        failed("Farsta.doc", "encrypted", Some("kungsholmen-sdn")),
        // Another round's form is not this round's failure.
        failed("2022-T2/Skarpnäck.doc", "legacy-doc", None),
        failed("brev.docx", "not-a-form", None),
    ];
    let status = status_of(&round, &Registry::builtin(), &files, &[]);
    let bromma = respondent(&status, "bromma-sdn");
    assert_eq!(bromma.status, ReplyStatus::FormFailed);
    assert_eq!(
        bromma.failed_forms[0].reason,
        "Word 97-2003 .doc, ask for .docx"
    );
    assert_eq!(bromma.failed_forms[0].round, None);
    let kungsholmen = respondent(&status, "kungsholmen-sdn");
    assert_eq!(kungsholmen.failed_forms[0].path, "Farsta.doc");
    assert_eq!(
        respondent(&status, "farsta-sdn").status,
        ReplyStatus::NotSubmitted
    );
    assert_eq!(
        respondent(&status, "skarpnack-sdn").status,
        ReplyStatus::NotSubmitted
    );
    let unattributed: Vec<&str> = status
        .unattributed
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(unattributed, ["brev.docx"]);
    let n = status.counts;
    assert_eq!(
        (n.respondents, n.complete, n.form_failed, n.not_submitted),
        (13, 1, 2, 10)
    );
    assert_eq!(status.generated_at, "1970-01-01T00:00:00Z");
}

#[test]
fn without_a_round_a_failed_form_names_its_respondent_all_the_same() {
    let round = round_of(
        vec![form(
            "ostermalm-sdn",
            None,
            "a@stockholm.se",
            "2022-04-20T14:12:00Z",
        )],
        None,
    );
    assert!(round.round_unknown());
    let status = status_of(
        &round,
        &Registry::builtin(),
        &[failed("Bromma.doc", "legacy-doc", None)],
        &[],
    );
    assert!(status.round_unknown);
    let labels: Vec<&str> = status
        .respondents
        .iter()
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(
        labels,
        ["Bromma stadsdelsnämnd", "Östermalms stadsdelsnämnd"]
    );
    let bromma = respondent(&status, "bromma-sdn");
    assert!(!bromma.expected && bromma.remind);
    assert_eq!(bromma.cells.len(), status.questions.len());
    assert!(bromma.cells.iter().all(|c| *c == Cell::NotSubmitted));
}

#[test]
fn an_address_is_the_registry_s_else_the_newest_well_formed_one_of_the_respondent_s_forms() {
    let ostermalm = form(
        "ostermalm-sdn",
        Some("2022-T1"),
        "ny@stockholm.se",
        "2022-04-20T00:00:00Z",
    );
    let round = round_of(vec![ostermalm.clone()], Some("2022-T1"));
    let earlier = [
        form(
            "ostermalm-sdn",
            Some("2021-T1"),
            "gammal@stockholm.se",
            "2021-12-01T00:00:00Z",
        ),
        form(
            "bromma-sdn",
            Some("2021-T2"),
            "bromma.t2@stockholm.se",
            "2021-08-01T00:00:00Z",
        ),
        // The newest, but no address.
        form(
            "bromma-sdn",
            Some("2021-VB"),
            "bromma(at)stockholm.se",
            "2022-03-01T00:00:00Z",
        ),
        form(
            "bromma-sdn",
            Some("2021-VB"),
            "bromma.vb@stockholm.se",
            "2022-02-01T00:00:00Z",
        ),
        form(
            "farsta-sdn",
            Some("2021-T2"),
            "farsta.form@stockholm.se",
            "2021-08-01T00:00:00Z",
        ),
    ];
    let mut reg = Registry::builtin();
    let farsta = reg
        .respondents
        .iter_mut()
        .find(|r| r.id == "farsta-sdn")
        .unwrap();
    farsta.email = Some("registrator.farsta@stockholm.se".into());
    let status = status_of(&round, &reg, &[], &earlier);

    let own = respondent(&status, "ostermalm-sdn")
        .address
        .clone()
        .unwrap();
    assert_eq!(
        (own.email.as_str(), own.from),
        ("ny@stockholm.se", AddressFrom::Submission)
    );
    assert_eq!(own.submission.unwrap().sha256, ostermalm.source.sha256);
    let bromma = respondent(&status, "bromma-sdn").address.clone().unwrap();
    assert_eq!(bromma.email, "bromma.vb@stockholm.se");
    assert_eq!(
        bromma
            .submission
            .unwrap()
            .round
            .map(|r| r.to_string())
            .as_deref(),
        Some("2021-VB")
    );
    let farsta = respondent(&status, "farsta-sdn").address.clone().unwrap();
    assert_eq!(
        (farsta.email.as_str(), farsta.from),
        ("registrator.farsta@stockholm.se", AddressFrom::Registry)
    );
    assert_eq!(farsta.submission, None);
    assert_eq!(respondent(&status, "norrmalm-sdn").address, None);
}

#[test]
fn the_addresses_to_remind_are_listed_once_and_those_without_one_named() {
    let round = round_of(vec![], Some("2022-T1"));
    let earlier = [
        form(
            "bromma-sdn",
            Some("2021-T1"),
            "kansli@stockholm.se",
            "2021-12-01T00:00:00Z",
        ),
        form(
            "farsta-sdn",
            Some("2021-T1"),
            "kansli@stockholm.se",
            "2021-12-01T00:00:00Z",
        ),
    ];
    let status = status_of(&round, &Registry::builtin(), &[], &earlier);
    let (addresses, without) = status.reminder_addresses();
    assert_eq!(addresses, ["kansli@stockholm.se"]);
    assert_eq!(without.len(), status.counts.respondents - 2);
    assert!(without.iter().all(|r| r.remind && r.address.is_none()));
}
