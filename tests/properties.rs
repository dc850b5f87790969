//! Properties that hold for any input: the text rules, and the round trip from a form filled in
//! with any answers back to those answers.

use std::collections::HashMap;

use blankett::MapOptions as Options;
use blankett::normalize_text as normalize;
use blankett::{AnswerStatus, MatchedBy};
use blankett::{Questionnaire, Registry};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

/// Text with the characters forms hold: letters (Swedish ones decomposed too), digits,
/// punctuation, every kind of space, tabs and line breaks.
fn raw_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9åäöÅÄÖéü.,:;!?()\"'/-]{1,12}",
            Just(" ".to_owned()),
            Just("  ".to_owned()),
            Just("\u{a0}".to_owned()),
            Just("\u{2002}".to_owned()),
            Just("\u{3000}".to_owned()),
            Just("\t".to_owned()),
            Just("\n".to_owned()),
            Just("\r".to_owned()),
            Just("O\u{308}".to_owned()),
            Just("a\u{30a}".to_owned()),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn is_space(c: char) -> bool {
    c != '\t' && c != '\n' && c.is_whitespace()
}

proptest! {
    #[test]
    fn normalized_text_obeys_the_text_rules(raw in raw_text()) {
        let n = normalize(&raw);
        // Normalizing twice changes nothing.
        prop_assert_eq!(normalize(&n), n.clone());
        // NFC.
        prop_assert_eq!(n.nfc().collect::<String>(), n.clone());
        for line in n.split('\n').filter(|_| !n.is_empty()) {
            // No empty lines; lines trimmed.
            prop_assert!(!line.is_empty());
            prop_assert_eq!(line.trim(), line);
            // Within a line, one space at most between words, and only the plain space.
            prop_assert!(!line.contains("  "));
            prop_assert!(!line.chars().any(|c| is_space(c) && c != ' '));
        }
        // Nothing visible is lost: the non-space characters are those of the input, composed.
        let visible = |s: &str| -> String {
            s.nfc().filter(|c| !c.is_whitespace()).collect()
        };
        prop_assert_eq!(visible(&n), visible(&raw));
    }
}

/// An answer paragraph: text a respondent could type, never a placeholder's words.
fn paragraph() -> impl Strategy<Value = String> {
    "[A-ZÅÄÖ][a-zåäö]{2,9}( [a-zåäö0-9]{1,9}){0,12}[.!?]"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// For any set of answers written into a form made from the template, convert gives them
    /// back: every question answered with exactly what was written, left empty where nothing
    /// was.
    #[test]
    fn any_answers_written_into_the_template_come_back(
        answers in prop::collection::vec(
            prop::option::weighted(0.8, prop::collection::vec(paragraph(), 1..4)),
            9,
        ),
    ) {
        let q = Questionnaire::builtin();
        let template = blankett::write_template(&q, "stadsdelsnamnd").unwrap();
        let questions: Vec<&blankett::Question> = q.questions_of("stadsdelsnamnd").collect();
        let mut filled: HashMap<String, Vec<String>> = HashMap::new();
        for (question, answer) in questions.iter().zip(&answers) {
            if let Some(paragraphs) = answer {
                filled.insert(question.tag().to_owned(), paragraphs.clone());
            }
        }
        let form = crate::common::fill_controls(&template, &filled);
        let doc = blankett::read_bytes(form, Some("ostermalm-2022-T1.docx")).unwrap();
        let s = blankett::map(&doc, &q, &Registry::builtin(), &Options::default()).unwrap();
        for (question, answer) in questions.iter().zip(&answers) {
            let a = s.answer(&question.id).unwrap();
            prop_assert_eq!(a.matched_by, Some(MatchedBy::Tag));
            match answer {
                Some(paragraphs) => {
                    prop_assert_eq!(a.status, AnswerStatus::Answered);
                    prop_assert_eq!(&a.text, &paragraphs.join("\n"));
                }
                None => {
                    prop_assert_eq!(a.status, AnswerStatus::Unanswered);
                    prop_assert_eq!(&a.text, "");
                }
            }
        }
        prop_assert!(s.unmapped.is_empty());
    }
}
