//! The identity a sent-out form kept (`blankett sendout`), as the mapping uses it: which of its
//! two stores to believe, whether it is this questionnaire's, and the answers returned exactly
//! as they were prefilled. How the identity then decides the respondent, the round and the
//! variant is the steps' that decide those (`resolve`, `matching`).
//!
//! The rule for the two stores: each is read on its own, and one that is malformed is ignored
//! with an `identity-malformed` warning. When both read and agree, that is the identity; when
//! only one reads (a trip through `.odt` drops the custom XML part), that one. When both read
//! and disagree, the custom XML part wins with an `identity-conflict` warning: no editor shows
//! it, while Word and LibreOffice both let a user change the document properties.

use super::{Run, warning};
use crate::identity::{FormIdentity, prefill_key};
use crate::model::Document;
use crate::schema::{Questionnaire, Registry};
use crate::submission::{AnswerStatus, IdentityRef, IdentityStore, SubmissionWarning};
use crate::warning_code::WarningCode;

/// The identity of the form and where it was read from, warned of as the module says; also
/// when it was sent out for another questionnaire or version (its respondent and round are
/// still used: who was asked, and for when, does not depend on the questions), or names a
/// respondent the registry does not hold (then the respondent is found as for any form).
pub(super) fn of_form(
    doc: &Document,
    q: &Questionnaire,
    reg: &Registry,
    warnings: &mut Vec<SubmissionWarning>,
) -> Option<(FormIdentity, IdentityStore)> {
    let stored = &doc.identity;
    let mut read = |pairs: &Option<Vec<(String, String)>>, place: &str| {
        let parsed = FormIdentity::from_pairs(pairs.as_deref()?);
        parsed
            .map_err(|why| {
                warnings.push(warning(
                    WarningCode::IdentityMalformed,
                    format!("the identity in {place} is malformed ({why}); it was ignored"),
                    None,
                ));
            })
            .ok()
    };
    let properties = read(&stored.properties, "the document properties");
    let custom_xml = read(&stored.custom_xml, "the custom XML part");
    let chosen = match (properties, custom_xml) {
        (Some(p), Some(x)) if p != x => {
            warnings.push(warning(
                WarningCode::IdentityConflict,
                format!(
                    "the document properties and the custom XML part hold two identities ({}); the custom XML part, which no editor shows, was used",
                    differences(&p, &x)
                ),
                None,
            ));
            (x, IdentityStore::CustomXml)
        }
        (Some(p), _) => (p, IdentityStore::CustomProperties),
        (None, Some(x)) => (x, IdentityStore::CustomXml),
        (None, None) => return None,
    };
    let id = &chosen.0;
    if id.questionnaire != q.id || id.questionnaire_version != q.version {
        warnings.push(warning(
            WarningCode::IdentityOtherQuestionnaire,
            format!(
                "the form was sent out for questionnaire {} {} and is read with {} {}; its respondent and round were still used",
                id.questionnaire, id.questionnaire_version, q.id, q.version
            ),
            None,
        ));
    }
    if reg.get(&id.respondent).is_none() {
        warnings.push(warning(
            WarningCode::IdentityMalformed,
            format!(
                "the form's identity names the respondent {:?}, which the registry does not hold; the respondent was looked for as in any form",
                id.respondent
            ),
            None,
        ));
    }
    Some(chosen)
}

/// What differs between two identities, as `round: 2022-T1 / 2022-T2`.
fn differences(a: &FormIdentity, b: &FormIdentity) -> String {
    let (a, b) = (a.to_pairs(), b.to_pairs());
    let value = |pairs: &[(String, String)], name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| "none".to_owned(), |(_, v)| v.clone())
    };
    let mut names: Vec<&String> = a.iter().chain(&b).map(|(n, _)| n).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| value(&a, n) != value(&b, n))
        .map(|n| format!("{n}: {} / {}", value(&a, n), value(&b, n)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The submission's record of the identity.
pub(super) fn record(id: &FormIdentity, stored_in: IdentityStore) -> IdentityRef {
    IdentityRef {
        form_id: id.form_id.clone(),
        questionnaire: id.questionnaire.clone(),
        questionnaire_version: id.questionnaire_version.clone(),
        variant: id.variant.clone(),
        respondent_id: id.respondent.clone(),
        round: id.round,
        prefilled: id.prefill.keys().cloned().collect(),
        stored_in,
    }
}

/// Marks each answer returned exactly as it was prefilled (its text has the key the identity
/// holds for the question) as carried over, with an `unchanged-from-previous` warning. An
/// edited answer is an ordinary one; a cleared one is unanswered.
pub(super) fn carried_over(run: &mut Run<'_, '_>) {
    let Some(id) = &run.identity else { return };
    for a in &mut run.out.answers {
        let Some(key) = id.prefill.get(&a.question_id) else {
            continue;
        };
        if a.status == AnswerStatus::Answered && prefill_key(&a.text) == *key {
            a.carried_over = true;
            run.out.warnings.push(warning(
                WarningCode::UnchangedFromPrevious,
                "the answer is the earlier round's, which the form was sent out with, unchanged",
                Some(&a.question_id),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use crate::identity::FormIdentity;
    use crate::mapping::Options;
    use crate::mapping::testing::{DocBuilder, answer, map, map_with, warning, warnings};
    use crate::submission::{AnswerStatus, IdentityStore, ResolvedBy, Submission, VariantBy};

    const SENT: &str = "Vi har en lots.\nOch en träff i månaden.";

    /// The identity of a form sent to Östermalm for 2022-T2 as the `bolag` variant, q1
    /// prefilled.
    fn sent(to: &str) -> FormIdentity {
        let prefill = BTreeMap::from([("q1".to_owned(), SENT.to_owned())]);
        FormIdentity::new(
            ("test", "1", "bolag"),
            to,
            "2022-T2".parse().unwrap(),
            &prefill,
        )
    }

    fn stored(id: &FormIdentity) -> Option<Vec<(String, String)>> {
        Some(id.to_pairs())
    }

    /// A form with `id` in both stores, its committee field saying `committee`.
    fn form(id: &FormIdentity, committee: &str) -> DocBuilder {
        DocBuilder::new()
            .identity(stored(id), stored(id))
            .inline("Nämnd:", |c| c.tag("namnd").text(committee))
    }

    fn respondent(s: &Submission) -> (&str, ResolvedBy) {
        let r = s.respondent.as_ref().unwrap();
        (r.id.as_str(), r.resolved_by)
    }

    #[test]
    fn the_identity_names_the_respondent_the_round_and_the_variant() {
        let s = map(&form(&sent("ostermalm-sdn"), "Östermalms SDN").build());
        assert_eq!(respondent(&s), ("ostermalm-sdn", ResolvedBy::Identity));
        assert_eq!(s.round.map(|r| r.to_string()).as_deref(), Some("2022-T2"));
        assert_eq!(
            (s.questionnaire.variant.as_str(), s.questionnaire.variant_by),
            ("bolag", VariantBy::Identity)
        );
        let id = s.identity.as_ref().unwrap();
        assert_eq!(id.stored_in, IdentityStore::CustomProperties);
        assert_eq!(
            (id.form_id.as_str(), id.prefilled.as_slice()),
            (
                sent("ostermalm-sdn").form_id.as_str(),
                ["q1".to_owned()].as_slice()
            )
        );
        assert!(
            !warnings(&s).iter().any(|(c, _)| c.contains("conflict")),
            "{:?}",
            warnings(&s)
        );
    }

    #[test]
    fn a_form_without_an_identity_is_read_as_before() {
        let s = map(&DocBuilder::new()
            .inline("Nämnd:", |c| c.tag("namnd").text("Östermalms SDN"))
            .build());
        assert_eq!(respondent(&s), ("ostermalm-sdn", ResolvedBy::Control));
        assert_eq!(s.identity, None);
        assert_eq!(s.questionnaire.variant_by, VariantBy::Detected);
    }

    #[test]
    fn the_custom_xml_part_serves_when_the_properties_are_gone_or_disagree() {
        let id = sent("ostermalm-sdn");
        let only_part = DocBuilder::new().identity(None, stored(&id)).build();
        let s = map(&only_part);
        assert_eq!(
            s.identity.as_ref().unwrap().stored_in,
            IdentityStore::CustomXml
        );

        // Properties changed by hand: the part wins, and the difference is named.
        let edited = sent("norrmalm-sdn");
        let s = map(&DocBuilder::new()
            .identity(stored(&edited), stored(&id))
            .build());
        assert_eq!(respondent(&s), ("ostermalm-sdn", ResolvedBy::Identity));
        let w = warning(&s, "identity-conflict");
        assert!(
            w.message
                .contains("respondent: norrmalm-sdn / ostermalm-sdn"),
            "{}",
            w.message
        );

        // Malformed properties are ignored, with a warning; the part is used.
        let mut broken = id.to_pairs();
        broken.retain(|(n, _)| n != "round");
        let s = map(&DocBuilder::new()
            .identity(Some(broken.clone()), stored(&id))
            .build());
        assert_eq!(
            s.identity.as_ref().unwrap().stored_in,
            IdentityStore::CustomXml
        );
        let w = warning(&s, "identity-malformed");
        assert_eq!(
            w.message,
            "the identity in the document properties is malformed (it has no round); it was ignored"
        );

        // Both malformed: the form is read as any form, never refused.
        let s = map(&DocBuilder::new()
            .identity(Some(broken.clone()), Some(broken))
            .inline("Nämnd:", |c| {
                c.tag("namnd").text("Norrmalms stadsdelsnämnd")
            })
            .build());
        assert_eq!(respondent(&s), ("norrmalm-sdn", ResolvedBy::Control));
        assert_eq!(s.identity, None);
        assert_eq!(
            warnings(&s)
                .iter()
                .filter(|(c, _)| *c == "identity-malformed")
                .count(),
            2
        );
    }

    #[test]
    fn another_questionnaire_or_an_unknown_respondent_is_said() {
        let mut other = sent("ostermalm-sdn");
        other.questionnaire_version = "2".into();
        let s = map(&DocBuilder::new().identity(stored(&other), None).build());
        assert_eq!(respondent(&s), ("ostermalm-sdn", ResolvedBy::Identity));
        let w = warning(&s, "identity-other-questionnaire");
        assert_eq!(
            w.message,
            "the form was sent out for questionnaire test 2 and is read with test 1; its respondent and round were still used"
        );

        let s = map(&form(&sent("atlantis-sdn"), "Östermalms SDN").build());
        assert_eq!(respondent(&s), ("ostermalm-sdn", ResolvedBy::Control));
        assert!(
            warning(&s, "identity-malformed")
                .message
                .contains("\"atlantis-sdn\"")
        );
    }

    #[test]
    fn the_committee_field_or_file_name_naming_another_is_a_conflict() {
        let id = sent("ostermalm-sdn");
        let s = map(&form(&id, "Norrmalms stadsdelsnämnd").build());
        assert_eq!(respondent(&s), ("ostermalm-sdn", ResolvedBy::Identity));
        assert_eq!(
            warning(&s, "respondent-conflict").message,
            "the form was sent out to Östermalms stadsdelsnämnd but its committee field names Norrmalms stadsdelsnämnd; the form's identity was used (if Norrmalms stadsdelsnämnd answered on it, say so with blankett assign)"
        );
        // A committee field naming nobody, or a meaningless file name, is no conflict.
        let at = |path: &'static str| Options {
            path: Some(Path::new(path)),
            ..Options::default()
        };
        let s = map_with(&form(&id, "Stadsdelsnämnderna").build(), at("in/x7.docx"));
        assert_eq!(respondent(&s), ("ostermalm-sdn", ResolvedBy::Identity));
        assert!(!warnings(&s).contains(&("respondent-conflict", None)));
        let s = map_with(
            &form(&id, "Stadsdelsnämnderna").build(),
            at("in/Norrmalm T2.docx"),
        );
        assert!(
            warning(&s, "respondent-conflict")
                .message
                .contains("its file name names Norrmalms stadsdelsnämnd")
        );
    }

    #[test]
    fn options_win_over_the_identity_and_say_so() {
        let doc = form(&sent("ostermalm-sdn"), "Östermalms SDN").build();
        let s = map_with(
            &doc,
            Options {
                respondent: Some("norrmalm-sdn"),
                round: Some("2022-VB"),
                ..Options::default()
            },
        );
        assert_eq!(respondent(&s), ("norrmalm-sdn", ResolvedBy::Option));
        assert_eq!(s.round.map(|r| r.to_string()).as_deref(), Some("2022-VB"));
        let messages: Vec<&str> = s
            .warnings
            .iter()
            .filter(|w| w.code.as_str().ends_with("-conflict"))
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "the form was sent out for 2022-T2 but --round says 2022-VB; --round was used",
                "the form was sent out to Östermalms stadsdelsnämnd but --respondent says Norrmalms stadsdelsnämnd; --respondent was used",
                "the form names Östermalms stadsdelsnämnd but --respondent says Norrmalms stadsdelsnämnd; --respondent was used",
            ]
        );
    }

    #[test]
    fn a_period_field_naming_another_round_is_a_conflict() {
        let doc = form(&sent("ostermalm-sdn"), "Östermalms SDN")
            .inline("Period:", |c| c.tag("period").text("Tertialrapport 1 2022"))
            .build();
        let s = map(&doc);
        assert_eq!(s.round.map(|r| r.to_string()).as_deref(), Some("2022-T2"));
        assert_eq!(
            warning(&s, "round-conflict").message,
            "the form was sent out for 2022-T2 but its period field says \"Tertialrapport 1 2022\" (2022-T1); the form's identity was used"
        );
    }

    #[test]
    fn an_answer_returned_as_prefilled_is_carried_over() {
        let id = sent("ostermalm-sdn");
        let returned = |q1: Option<&str>| {
            let doc = DocBuilder::new().identity(stored(&id), stored(&id));
            let doc = match q1 {
                Some(text) => doc.control(|c| c.tag("q1").text(text)),
                None => doc.control(|c| c.tag("q1").placeholder("Klicka här för att ange text.")),
            };
            map(&doc.control(|c| c.tag("q2").text(SENT)).build())
        };
        // Unchanged, however re-flowed: carried over, and said.
        let s = returned(Some("Vi har en lots. Och en\nträff i månaden."));
        assert!(answer(&s, "q1").carried_over);
        assert!(warnings(&s).contains(&("unchanged-from-previous", Some("q1"))));
        // The same text under a question it was not prefilled for is an ordinary answer.
        assert!(!answer(&s, "q2").carried_over);
        // Edited: an ordinary answer.
        let s = returned(Some("Vi har en lots.\nOch två träffar i månaden."));
        assert!(!answer(&s, "q1").carried_over);
        assert!(
            !warnings(&s)
                .iter()
                .any(|(c, _)| *c == "unchanged-from-previous")
        );
        // Cleared: unanswered, not carried over.
        let s = returned(None);
        assert_eq!(answer(&s, "q1").status, AnswerStatus::Unanswered);
        assert!(!answer(&s, "q1").carried_over);
    }
}
