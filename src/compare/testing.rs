//! Two rounds by hand and their comparison, with what the comparison's exports must cope with:
//! a changed answer (words removed and added, a second paragraph), a new, a removed, an
//! unchanged (and a carried-over) one, questions unanswered in both; a committee in both rounds,
//! a renamed one, two merged into a new one, one that has not answered yet; Markdown's special
//! characters; a form whose respondent is unknown.

use crate::round::{Options, Round, consolidate};
use crate::schema::{Questionnaire, Registry, Respondent};
use crate::submission::Submission;

/// A form of `respondent` (`None`: unknown) for `round` answering `answers` (question id, text;
/// an empty text is unanswered); the questions in `carried` returned as prefilled.
pub fn form(
    respondent: Option<(&str, &str)>,
    round: &str,
    answers: &[(&str, &str)],
    carried: &[&str],
    sha: char,
) -> Submission {
    let answers: Vec<serde_json::Value> = answers
        .iter()
        .map(|(id, text)| {
            serde_json::json!({
                "questionId": id, "area": null, "question": "",
                "status": if text.is_empty() { "unanswered" } else { "answered" },
                "text": text, "blocks": [], "value": null, "matchedBy": "tag", "control": null,
                "carriedOver": carried.contains(id),
            })
        })
        .collect();
    let respondent = respondent.map(|(id, name)| {
        serde_json::json!({"id": id, "committee": name, "kind": "stadsdelsnamnd",
                           "resolvedBy": "identity", "asWritten": null})
    });
    serde_json::from_value(serde_json::json!({
        "formatVersion": "1.3",
        "questionnaire": {"id": "naringsliv-uppfoljning", "version": "2022",
                          "variant": "stadsdelsnamnd", "variantBy": "identity"},
        "round": round,
        "respondent": respondent,
        "contact": null,
        "answers": answers,
        "unmapped": [], "comments": [], "warnings": [],
        "source": {"file": format!("{sha}.docx"), "sha256": sha.to_string().repeat(64),
                   "bytes": 1000, "producer": null, "template": null,
                   "modified": "2023-05-01T10:00:00Z"}
    }))
    .expect("a submission")
}

/// The built-in registry with a renaming: Gamla stadsdelsnämnden ended on 2023-06-30 and Nya
/// stadsdelsnämnden took over from it alone.
pub fn registry() -> Registry {
    let mut reg = Registry::builtin();
    let district = |id: &str, name: &str| Respondent {
        id: id.into(),
        name: name.into(),
        kind: "stadsdelsnamnd".into(),
        aliases: Vec::new(),
        valid_from: Some("2020-07-01".into()),
        valid_to: None,
        organisation_number: None,
        email: None,
        successors: Vec::new(),
    };
    let mut old = district("gamla-sdn", "Gamla stadsdelsnämnden");
    old.valid_to = Some("2023-06-30".into());
    old.successors = vec!["nya-sdn".into()];
    let mut new = district("nya-sdn", "Nya stadsdelsnämnden");
    new.valid_from = Some("2023-07-01".into());
    reg.respondents.extend([old, new]);
    reg
}

const FARSTA: (&str, &str) = ("farsta-sdn", "Farsta stadsdelsnämnd");
const KUNGSHOLMEN: (&str, &str) = ("kungsholmen-sdn", "Kungsholmens stadsdelsnämnd");

/// 2023-T1: Farsta, Kungsholmen, Östermalm, Norrmalm, Gamla; Bromma expected, no form.
pub fn before() -> Round {
    merge(before_forms(), "2023-T1", &["bromma-sdn"])
}

/// The forms of [`before`].
pub fn before_forms() -> Vec<Submission> {
    vec![
        form(
            Some(FARSTA),
            "2023-T1",
            &[
                (
                    "samverkan-lokalt-naringsliv",
                    "Vi har träffat 12 företag under våren.",
                ),
                (
                    "vaxla-upp-stockholm",
                    "Två frukostmöten.\nEtt nätverk för handlare.",
                ),
                ("svart-ekonomi-samverkan", "Kontroller med polisen."),
                ("verksamhetsomraden", ""),
                ("platssamverkan", "Platssamverkan i Farsta centrum."),
            ],
            &[],
            'a',
        ),
        form(
            Some(KUNGSHOLMEN),
            "2023-T1",
            &[(
                "samverkan-lokalt-naringsliv",
                "Dialog med *fastighetsägare* [se bilaga]",
            )],
            &[],
            'b',
        ),
        form(
            Some(("ostermalm-sdn", "Östermalms stadsdelsnämnd")),
            "2023-T1",
            &[("samverkan-lokalt-naringsliv", "Östermalm: företagsträffar.")],
            &[],
            'c',
        ),
        form(
            Some(("norrmalm-sdn", "Norrmalms stadsdelsnämnd")),
            "2023-T1",
            &[("samverkan-lokalt-naringsliv", "Norrmalm: city-samverkan.")],
            &[],
            'd',
        ),
        form(
            Some(("gamla-sdn", "Gamla stadsdelsnämnden")),
            "2023-T1",
            &[("sbr-foretagsdialog", "Företagsdialog varje månad.")],
            &[],
            'e',
        ),
    ]
}

/// 2023-T2: Farsta (one answer changed, one new, one removed, one carried over), Kungsholmen
/// (unchanged), Norra innerstaden (Östermalm and Norrmalm merged), Nya (Gamla renamed), Bromma,
/// and a form of an unknown respondent.
pub fn after() -> Round {
    let forms = vec![
        form(
            Some(FARSTA),
            "2023-T2",
            &[
                (
                    "samverkan-lokalt-naringsliv",
                    "Vi har träffat 15 företag under hösten.",
                ),
                (
                    "vaxla-upp-stockholm",
                    "Två frukostmöten.\nEtt nätverk för handlare.",
                ),
                ("svart-ekonomi-samverkan", ""),
                ("verksamhetsomraden", "Nytt: samverkan i Hagsätra."),
                ("platssamverkan", "Platssamverkan  i Farsta centrum."),
            ],
            &["vaxla-upp-stockholm"],
            'f',
        ),
        form(
            Some(KUNGSHOLMEN),
            "2023-T2",
            &[(
                "samverkan-lokalt-naringsliv",
                "Dialog med *fastighetsägare* [se bilaga]",
            )],
            &[],
            'g',
        ),
        form(
            Some(("norra-innerstaden-sdn", "Norra innerstadens stadsdelsnämnd")),
            "2023-T2",
            &[("samverkan-lokalt-naringsliv", "Gemensam företagsdialog.")],
            &[],
            'h',
        ),
        form(
            Some(("nya-sdn", "Nya stadsdelsnämnden")),
            "2023-T2",
            &[("sbr-foretagsdialog", "Företagsdialog varannan månad.")],
            &[],
            'i',
        ),
        form(
            Some(("bromma-sdn", "Bromma stadsdelsnämnd")),
            "2023-T2",
            &[("samverkan-lokalt-naringsliv", "Bromma: första rapporten.")],
            &[],
            'j',
        ),
        form(
            None,
            "2023-T2",
            &[("samverkan-lokalt-naringsliv", "Okänd.")],
            &[],
            'k',
        ),
    ];
    merge(forms, "2023-T2", &["farsta-sdn"])
}

/// The round `forms` make, everyone who sent one expected and `also_expected` besides.
pub fn merge(forms: Vec<Submission>, round: &str, also_expected: &[&str]) -> Round {
    let mut expected: Vec<String> = forms
        .iter()
        .filter_map(|s| Some(s.respondent.as_ref()?.id.clone()))
        .collect();
    expected.extend(also_expected.iter().map(|s| (*s).to_owned()));
    expected.dedup();
    let opts = Options {
        round: round.parse().ok(),
        expected: Some(expected),
        redact_contact: false,
        now: Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_693_000_000)),
    };
    consolidate(forms, &Questionnaire::builtin(), &registry(), &opts)
}

/// What changed from [`before`] to [`after`].
pub fn sample() -> super::Comparison {
    super::compare_rounds(&before(), &after(), &registry()).expect("the same questionnaire")
}
