//! `blankett sendout` and the loop it closes: a form per respondent goes out, keeping its
//! identity; the forms come back filled in, some saved again by LibreOffice, renamed and with
//! committee fields set wrong; `batch` knows each by its identity and says what was carried
//! over unchanged; `compare` of the two rounds gives exactly the edits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use blankett::{
    AnswerStatus, ChangeStatus, DiffOp, IdentityStore, Questionnaire, ResolvedBy, Submission,
};

use crate::common::{assert_matches_schema, blankett, fill_controls, soffice};

/// The questionnaire's title and a round as the forms are named.
fn form_name(round: &str, respondent: &str) -> String {
    format!("Uppföljningsrapport näringsliv {round} - {respondent}.docx")
}

/// Runs `blankett sendout` with `args` into `out`; asserts it succeeds.
fn sendout(out: &Path, args: &[&str]) -> String {
    let run = blankett()
        .arg("sendout")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "sendout failed: {stderr}");
    stderr
}

/// Runs `blankett batch inbox --out out`; the submissions it wrote.
fn batch(inbox: &Path, out: &Path) -> Vec<Submission> {
    let run = blankett()
        .arg("batch")
        .arg(inbox)
        .arg("--out")
        .arg(out)
        .args(["--jobs", "1"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "batch failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (subs, problems) = blankett::load_submissions(&[out.to_path_buf()]);
    assert!(problems.is_empty(), "{problems:?}");
    subs
}

/// The forms in `dir`, by file name.
fn forms(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "docx"))
        .collect();
    found.sort();
    found
}

/// Every submission validates against the published schema.
fn assert_valid(s: &Submission) {
    let instance = serde_json::to_value(s).unwrap();
    assert_matches_schema("submission.schema.json", "a submission", &instance);
}

#[test]
fn sendout_writes_a_form_per_respondent_named_for_people_and_the_mailing_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("utskick");
    let stderr = sendout(&out, &["--round", "2022-T2", "--deadline", "2022-09-15"]);
    assert!(stderr.contains("sendout: 13 forms for 2022-T2"), "{stderr}");
    let names: Vec<String> = forms(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 13);
    assert!(names.contains(&form_name("2022-T2", "Östermalms stadsdelsnämnd")));
    // Västra innerstaden ended in 2020: no form for it.
    assert!(!names.iter().any(|n| n.contains("Västra")));

    // A form: the committee's name in its committee field, the round locked, the identity.
    let doc =
        blankett::read_path(&out.join(form_name("2022-T2", "Östermalms stadsdelsnämnd"))).unwrap();
    let field = |tag: &str| {
        doc.controls
            .iter()
            .find(|c| c.tag.as_deref() == Some(tag))
            .unwrap()
    };
    assert_eq!(field("namnd").text, "Östermalms stadsdelsnämnd");
    assert!(!field("namnd").showing_placeholder);
    assert_eq!(field("namnd").lock.as_deref(), Some("sdtLocked"));
    assert_eq!(field("period").lock.as_deref(), Some("sdtContentLocked"));
    assert!(
        doc.text()
            .contains("Svara senast torsdag 15 september 2022")
    );
    let stored = &doc.identity;
    assert_eq!(stored.properties, stored.custom_xml);
    let id = blankett::FormIdentity::from_pairs(stored.properties.as_deref().unwrap()).unwrap();
    assert_eq!(
        (
            id.respondent.as_str(),
            id.round.to_string(),
            id.variant.as_str()
        ),
        ("ostermalm-sdn", "2022-T2".to_owned(), "stadsdelsnamnd")
    );
    assert!(id.prefill.is_empty());

    // The mailing list, for programs: no byte order mark, CRLF, a row per form.
    let list = std::fs::read_to_string(out.join("utskick.csv")).unwrap();
    let lines: Vec<&str> = list.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "respondent_id,respondent,email,email_from,file");
    assert_eq!(lines.len(), 14);
    assert!(
        lines.contains(
            &format!(
                "ostermalm-sdn,Östermalms stadsdelsnämnd,,,{}",
                form_name("2022-T2", "Östermalms stadsdelsnämnd")
            )
            .as_str()
        )
    );
    assert!(
        stderr.contains("no address for Östermalms stadsdelsnämnd"),
        "{stderr}"
    );

    // Into the same folder again: refused without --force, which writes over the forms.
    let again = blankett()
        .args(["sendout", "--round", "2022-T2", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("the folder is not empty") && err.contains("--force"),
        "{err}"
    );
    sendout(&out, &["--round", "2022-T2", "--force", "--delimiter", ";"]);
    let list = std::fs::read(out.join("utskick.csv")).unwrap();
    assert!(list.starts_with("\u{feff}respondent_id;respondent;".as_bytes()));
}

#[test]
fn sendout_takes_whom_to_send_to_from_a_list_and_refuses_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("mottagare.txt");
    std::fs::write(&list, "# this round\nFarsta SDN\nnorrmalm-sdn\n").unwrap();
    let out = dir.path().join("ut");
    sendout(
        &out,
        &["--round", "2022-VB", "--expected", list.to_str().unwrap()],
    );
    let names: Vec<String> = forms(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            form_name("2022-VB", "Farsta stadsdelsnämnd"),
            form_name("2022-VB", "Norrmalms stadsdelsnämnd")
        ]
    );
    for (args, says) in [
        (&["--round", "våren"][..], "\"våren\" is not a round"),
        (
            &["--round", "2022-T2", "--variant", "bolag"],
            "has no variant bolag",
        ),
        (
            &["--round", "2022-T2", "--deadline", "2022-02-30"],
            "2022-02-30",
        ),
    ] {
        let run = blankett()
            .arg("sendout")
            .args(args)
            .arg("--out")
            .arg(dir.path().join("fel"))
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(
        !dir.path().join("fel").exists(),
        "nothing is written for a wrong call"
    );
}

/// How each question of a returned form was treated: left as prefilled, edited, or cleared.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Treated {
    Kept,
    Edited,
    Cleared,
}

/// Which of the three becomes of question `j` of form `i`: every kind in every form.
fn treated(i: usize, j: usize) -> Treated {
    [Treated::Kept, Treated::Edited, Treated::Cleared][(i + j) % 3]
}

/// Round 1: the forms sent out for 2022-T1, filled in (two paragraphs per answer, a contact
/// address for some) and converted; the output folder.
fn first_round(dir: &Path, q: &Questionnaire) -> PathBuf {
    let sent = dir.join("utskick-T1");
    sendout(&sent, &["--round", "2022-T1", "--deadline", "2022-05-06"]);
    let inbox = dir.join("inkorg-T1");
    std::fs::create_dir(&inbox).unwrap();
    for (i, path) in forms(&sent).iter().enumerate() {
        let mut answers: HashMap<String, Vec<String>> = q
            .questions_of("stadsdelsnamnd")
            .map(|qu| {
                let text = vec![
                    format!("T1 {i}: {}.", qu.alias),
                    "Andra stycket.".to_owned(),
                ];
                (qu.tag().to_owned(), text)
            })
            .collect();
        if i % 2 == 0 {
            answers.insert(
                "epost".into(),
                vec![format!("kontakt{i}@example.stockholm.se")],
            );
        }
        let filled = fill_controls(&std::fs::read(path).unwrap(), &answers);
        std::fs::write(inbox.join(path.file_name().unwrap()), filled).unwrap();
    }
    let out = dir.join("ut-T1");
    let subs = batch(&inbox, &out);
    assert_eq!(subs.len(), 13);
    assert!(
        subs.iter()
            .all(|s| s.respondent.as_ref().unwrap().resolved_by == ResolvedBy::Identity)
    );
    out
}

/// A form of round 2 as returned: which respondent it was sent to and what became of it.
struct Returned {
    respondent: String,
    treated: Vec<(String, Treated)>,
    committee: Option<&'static str>,
    libreoffice: bool,
}

/// Round 2 filled in: each question kept, edited or cleared; the first form's committee
/// field set to another committee, the second's to "Stadsdelsnämnderna"; every file renamed to
/// something meaningless; two saved again by LibreOffice (when it is installed).
fn second_round_returned(sent: &Path, inbox: &Path, q: &Questionnaire) -> Vec<Returned> {
    std::fs::create_dir(inbox).unwrap();
    let mut returned = Vec::new();
    let respondents: Vec<String> = csv::Reader::from_path(sent.join("utskick.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_owned())
        .collect();
    for (i, id) in respondents.iter().enumerate() {
        let path = sent.join(form_name(
            "2022-T2",
            &blankett::Registry::builtin().get(id).unwrap().name,
        ));
        let mut answers: HashMap<String, Vec<String>> = HashMap::new();
        let mut treatment = Vec::new();
        for (j, qu) in q.questions_of("stadsdelsnamnd").enumerate() {
            let t = treated(i, j);
            match t {
                Treated::Kept => {}
                Treated::Edited => {
                    answers.insert(
                        qu.tag().to_owned(),
                        vec![format!("T2 {i}: nytt om {}.", qu.alias)],
                    );
                }
                Treated::Cleared => {
                    answers.insert(qu.tag().to_owned(), vec![String::new()]);
                }
            }
            treatment.push((qu.id.clone(), t));
        }
        let committee = match i {
            0 => Some("Norrmalms stadsdelsnämnd"),
            1 => Some("Stadsdelsnämnderna"),
            _ => None,
        };
        if let Some(c) = committee {
            answers.insert("namnd".into(), vec![c.to_owned()]);
        }
        let filled = fill_controls(&std::fs::read(&path).unwrap(), &answers);
        // Meaningless names, in another order than the respondents'.
        let name = format!("inlamning-{:02}.docx", (i * 7) % respondents.len());
        std::fs::write(inbox.join(&name), filled).unwrap();
        returned.push(Returned {
            respondent: id.clone(),
            treated: treatment,
            committee,
            libreoffice: false,
        });
        if (2..4).contains(&i) {
            returned[i].libreoffice = save_again_in_libreoffice(&inbox.join(&name));
        }
    }
    returned
}

/// Replaces `file` with what LibreOffice writes when it saves it again as .docx; false when
/// LibreOffice is not installed (outside CI).
fn save_again_in_libreoffice(file: &Path) -> bool {
    let tmp = tempfile::tempdir().unwrap();
    if !soffice(file, "docx:MS Word 2007 XML", tmp.path()) {
        return false;
    }
    let saved = tmp.path().join(file.file_name().unwrap());
    std::fs::copy(saved, file).unwrap();
    true
}

#[test]
fn the_loop_knows_every_returned_form_by_its_identity_and_what_was_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let q = Questionnaire::builtin();
    let out1 = first_round(dir.path(), &q);

    let sent = dir.path().join("utskick-T2");
    let stderr = sendout(
        &sent,
        &[
            "--round",
            "2022-T2",
            "--deadline",
            "2022-09-30",
            "--prefill",
            out1.to_str().unwrap(),
        ],
    );
    assert!(
        stderr.contains("13 prefilled from the earlier round"),
        "{stderr}"
    );
    // Addresses from the earlier round's forms: the even ones gave one.
    let list = std::fs::read_to_string(sent.join("utskick.csv")).unwrap();
    assert_eq!(list.matches(",submission,").count(), 7, "{list}");

    let inbox = dir.path().join("inkorg-T2");
    let returned = second_round_returned(&sent, &inbox, &q);
    let out2 = dir.path().join("ut-T2");
    let subs = batch(&inbox, &out2);
    assert_eq!(subs.len(), returned.len());
    for r in &returned {
        let s = subs
            .iter()
            .find(|s| {
                s.identity
                    .as_ref()
                    .is_some_and(|i| i.respondent_id == r.respondent)
            })
            .unwrap_or_else(|| panic!("no submission for {}", r.respondent));
        assert_valid(s);
        let at = format!("{} (LibreOffice: {})", r.respondent, r.libreoffice);
        let who = s.respondent.as_ref().unwrap();
        assert_eq!(
            (who.id.as_str(), who.resolved_by),
            (r.respondent.as_str(), ResolvedBy::Identity),
            "{at}"
        );
        assert_eq!(
            s.round.map(|r| r.to_string()).as_deref(),
            Some("2022-T2"),
            "{at}"
        );
        assert_eq!(
            s.identity.as_ref().unwrap().stored_in,
            IdentityStore::CustomProperties,
            "{at}"
        );
        for (question, t) in &r.treated {
            let a = s.answer(question).unwrap();
            let got = (a.status, a.carried_over);
            let want = match t {
                Treated::Kept => (AnswerStatus::Answered, true),
                Treated::Edited => (AnswerStatus::Answered, false),
                Treated::Cleared => (AnswerStatus::Unanswered, false),
            };
            assert_eq!(got, want, "{at}: {question} {t:?}: {:?}", a.text);
            let warned = s.warnings.iter().any(|w| {
                w.code.as_str() == "unchanged-from-previous"
                    && w.question_id.as_deref() == Some(question)
            });
            assert_eq!(warned, *t == Treated::Kept, "{at}: {question}");
        }
        let conflicts: Vec<&str> = s
            .warnings
            .iter()
            .filter(|w| w.code.as_str() == "respondent-conflict")
            .map(|w| w.message.as_str())
            .collect();
        match r.committee {
            Some("Norrmalms stadsdelsnämnd") => {
                assert_eq!(conflicts.len(), 1, "{at}");
                assert!(
                    conflicts[0].contains("its committee field names Norrmalms stadsdelsnämnd")
                );
                assert_eq!(who.as_written.as_deref(), Some("Norrmalms stadsdelsnämnd"));
            }
            _ => assert!(conflicts.is_empty(), "{at}: {conflicts:?}"),
        }
        assert!(s.unmapped.is_empty(), "{at}: {:?}", s.unmapped);
    }
    assert_compare_gives_the_edits(&out1, &out2, &returned);
}

/// `compare` of the two rounds: every answer left as prefilled unchanged (and carried over),
/// every edited one changed, every cleared one removed; nobody appeared or disappeared.
fn assert_compare_gives_the_edits(out1: &Path, out2: &Path, returned: &[Returned]) {
    let out = blankett()
        .arg("compare")
        .arg(out1)
        .arg(out2)
        .assert()
        .success();
    let c: blankett::Comparison = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!((c.summary.appeared, c.summary.disappeared), (0, 0));
    assert_eq!(c.summary.in_both, returned.len());
    let mut seen = 0;
    for q in c.areas.iter().flat_map(|a| &a.questions) {
        for a in &q.answers {
            let r = returned
                .iter()
                .find(|r| r.respondent == a.respondent_id)
                .unwrap();
            let Some((_, t)) = r.treated.iter().find(|(id, _)| *id == q.question_id) else {
                // A question the form does not ask (none here but the contact fields').
                continue;
            };
            let want = match t {
                Treated::Kept => ChangeStatus::Unchanged,
                Treated::Edited => ChangeStatus::Changed,
                Treated::Cleared => ChangeStatus::Removed,
            };
            let at = format!("{} {} {t:?}", a.respondent_id, q.question_id);
            assert_eq!(a.status, want, "{at}");
            assert_eq!(a.carried_over, *t == Treated::Kept, "{at}");
            if *t == Treated::Edited {
                let added: String = a
                    .diff
                    .iter()
                    .filter(|p| p.op == DiffOp::Added)
                    .map(|p| p.text.as_str())
                    .collect();
                assert!(added.contains("nytt om"), "{at}: {added:?}");
            }
            seen += 1;
        }
    }
    let treated: usize = returned.iter().map(|r| r.treated.len()).sum();
    assert_eq!(seen, treated);
}

/// What LibreOffice Writer keeps of a form's identity, measured: a `.docx` re-save keeps both
/// stores; a trip through `.odt` keeps the custom document properties and drops the custom XML
/// part. Either way the form is known by its identity, and its prefilled answers, returned
/// untouched, are carried over.
#[test]
fn libreoffice_keeps_the_identity_in_a_re_save_and_a_trip_through_odt() {
    let dir = tempfile::tempdir().unwrap();
    // The earlier round: one submission file, Östermalm's.
    let earlier = dir.path().join("ostermalm-T1.json");
    let convert = blankett()
        .arg("convert")
        .arg(crate::common::example())
        .arg("-o")
        .arg(&earlier)
        .output()
        .unwrap();
    assert!(convert.status.success());
    let list = dir.path().join("mottagare.txt");
    std::fs::write(&list, "ostermalm-sdn\n").unwrap();
    let sent = dir.path().join("utskick");
    sendout(
        &sent,
        &[
            "--round",
            "2022-T2",
            "--prefill",
            earlier.to_str().unwrap(),
            "--expected",
            list.to_str().unwrap(),
        ],
    );
    let form = sent.join(form_name("2022-T2", "Östermalms stadsdelsnämnd"));
    let sent_identity = blankett::read_path(&form).unwrap().identity;
    let identity = |pairs: &Option<Vec<(String, String)>>| {
        blankett::FormIdentity::from_pairs(pairs.as_deref().expect("the store survives")).unwrap()
    };
    let original = identity(&sent_identity.properties);
    assert!(original.prefill.len() >= 5, "{:?}", original.prefill);

    let resaved = dir.path().join("resaved");
    if !soffice(&form, "docx:MS Word 2007 XML", &resaved) {
        return;
    }
    let odt = dir.path().join("odt");
    assert!(soffice(&form, "odt", &odt));
    let back = dir.path().join("back");
    let odt_file = odt.join(form.with_extension("odt").file_name().unwrap());
    assert!(soffice(&odt_file, "docx:MS Word 2007 XML", &back));

    let (q, reg) = (Questionnaire::builtin(), blankett::Registry::builtin());
    for (what, folder, part_kept) in [("re-saved", &resaved, true), ("through .odt", &back, false)]
    {
        let file = folder.join(form.file_name().unwrap());
        let doc = blankett::read_path(&file).unwrap();
        assert_eq!(identity(&doc.identity.properties), original, "{what}");
        assert_eq!(doc.identity.custom_xml.is_some(), part_kept, "{what}");
        if part_kept {
            assert_eq!(identity(&doc.identity.custom_xml), original, "{what}");
        }
        let s = blankett::map(&doc, &q, &reg, &blankett::MapOptions::default()).unwrap();
        let who = s.respondent.as_ref().unwrap();
        assert_eq!(
            (who.id.as_str(), who.resolved_by),
            ("ostermalm-sdn", ResolvedBy::Identity),
            "{what}"
        );
        assert_eq!(
            s.round.map(|r| r.to_string()).as_deref(),
            Some("2022-T2"),
            "{what}"
        );
        for question in original.prefill.keys() {
            let a = s.answer(question).unwrap();
            assert!(a.carried_over, "{what}: {question}: {:?}", a.text);
        }
    }
}
