//! The answers a sent-out form starts with (`sendout --prefill`): each respondent's answers
//! from its newest form of an earlier round.

use std::collections::{BTreeMap, HashMap};

use crate::round::received_key;
use crate::round_id::RoundId;
use crate::schema::Questionnaire;
use crate::submission::{AnswerStatus, Submission};

/// Each respondent's newest form of a round before `round` (a form whose round is unknown
/// counts as earlier: the folder was given as the earlier round's), by registry id. Forms of
/// another questionnaire are passed over: their question ids mean other questions.
pub(super) fn newest_before<'a>(
    forms: &'a [Submission],
    q: &Questionnaire,
    round: RoundId,
) -> HashMap<&'a str, &'a Submission> {
    let mut newest: HashMap<&str, &Submission> = HashMap::new();
    let earlier = forms
        .iter()
        .filter(|s| s.questionnaire.id == q.id)
        .filter(|s| s.round.is_none_or(|r| r < round));
    for s in earlier {
        let Some(r) = &s.respondent else { continue };
        let later = |a: &Submission, b: &Submission| {
            (a.round, received_key(a)) > (b.round, received_key(b))
        };
        match newest.get(r.id.as_str()) {
            Some(kept) if !later(s, kept) => {}
            _ => {
                newest.insert(r.id.as_str(), s);
            }
        }
    }
    newest
}

/// The answers `form` gives to the questions of `variant`, by question id: the answered ones,
/// as their text.
pub(super) fn answers(
    form: &Submission,
    q: &Questionnaire,
    variant: &str,
) -> BTreeMap<String, String> {
    q.questions_of(variant)
        .filter_map(|question| {
            let a = form.answer(&question.id)?;
            let keep = a.status == AnswerStatus::Answered && !a.text.trim().is_empty();
            keep.then(|| (question.id.clone(), a.text.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A form of `respondent` for `round`, answering "övriga upplysningar" with `text`, saved
    /// at `saved`.
    fn form(respondent: &str, round: Option<&str>, text: &str, saved: &str) -> Submission {
        serde_json::from_value(serde_json::json!({
            "formatVersion": "1.3",
            "questionnaire": {"id": "naringsliv-uppfoljning", "version": "2022",
                              "variant": "stadsdelsnamnd", "variantBy": "detected"},
            "round": round,
            "respondent": {"id": respondent, "committee": respondent, "kind": "stadsdelsnamnd",
                           "resolvedBy": "control", "asWritten": null},
            "contact": null,
            "answers": [{"questionId": "ovriga-upplysningar", "area": null, "question": "",
                         "status": if text.is_empty() { "unanswered" } else { "answered" },
                         "text": text, "blocks": [], "value": null, "matchedBy": "tag",
                         "control": null}],
            "unmapped": [], "comments": [], "warnings": [],
            "source": {"file": null, "sha256": "0".repeat(64), "bytes": 0, "producer": null,
                       "template": null, "modified": saved}
        }))
        .unwrap()
    }

    #[test]
    fn the_newest_form_of_an_earlier_round_gives_the_answers() {
        let q = Questionnaire::builtin();
        let forms = [
            form("farsta-sdn", Some("2022-T1"), "T1", "2022-04-20T10:00:00Z"),
            form(
                "farsta-sdn",
                Some("2022-T1"),
                "T1 rättad",
                "2022-04-28T10:00:00Z",
            ),
            form("farsta-sdn", Some("2021-VB"), "VB", "2022-02-01T10:00:00Z"),
            // The round sent out, and a later one, are no earlier rounds.
            form("farsta-sdn", Some("2022-T2"), "T2", "2022-08-30T10:00:00Z"),
            form("bromma-sdn", Some("2022-VB"), "VB", "2023-02-01T10:00:00Z"),
            form("norrmalm-sdn", None, "", "2022-04-20T10:00:00Z"),
        ];
        let newest = newest_before(&forms, &q, "2022-T2".parse().unwrap());
        let text = |id: &str| answers(newest[id], &q, "stadsdelsnamnd");
        assert_eq!(
            text("farsta-sdn"),
            BTreeMap::from([("ovriga-upplysningar".to_owned(), "T1 rättad".to_owned())])
        );
        assert!(!newest.contains_key("bromma-sdn"));
        // A form of no known round counts; an unanswered question gives nothing.
        assert!(text("norrmalm-sdn").is_empty());
    }
}
