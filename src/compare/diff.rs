//! The word-level difference between two answers: what was removed, what was added, what stayed.
//! Also when two answers count as the same ([`same_text`]).

use serde::{Deserialize, Serialize};
use similar::{Algorithm, ChangeTag, TextDiff};
use unicode_normalization::UnicodeNormalization;

/// What a piece of a changed answer is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum DiffOp {
    /// In both answers.
    Same,
    /// In the earlier answer only: the respondent took it out.
    Removed,
    /// In the later answer only: the respondent wrote it.
    Added,
}

/// A piece of a changed answer: words (with the spaces between them) that are in both, or in
/// one of them only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DiffPart {
    /// Whether the words are in both answers, or removed or added.
    pub op: DiffOp,
    /// The words, as written (line breaks included).
    pub text: String,
}

/// Answers longer than this many words are shown as all removed and all added: the word diff
/// takes time in the square of the words that differ, and a difference that size is no longer
/// read word by word.
const MAX_WORDS: usize = 20_000;

/// True when two answers say the same: equal once Unicode is composed alike and runs of white
/// space (a line break, two spaces, a tab) count as one space. A form saved again by another word
/// processor can change either without the respondent changing a word.
pub fn same_text(a: &str, b: &str) -> bool {
    normalized(a) == normalized(b)
}

fn normalized(s: &str) -> String {
    s.nfc()
        .filter(|c| !is_invisible(*c))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Characters that show nothing: control characters other than white space, and the format
/// characters a word processor or a copy from the web leaves (zero-width spaces and joiners,
/// direction marks and overrides, the soft hyphen, the byte order mark). An answer that differs
/// only in them reads the same.
fn is_invisible(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(
            c,
            '\u{ad}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// The word-level difference from `before` to `after`: pieces in order, neighbours never of the
/// same kind; the `Same` and `Removed` pieces spell `before`, the `Same` and `Added` ones `after`.
pub fn word_diff(before: &str, after: &str) -> Vec<DiffPart> {
    let words = |s: &str| s.split_whitespace().count();
    if words(before) + words(after) > MAX_WORDS {
        return whole(before, after);
    }
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_words(before, after);
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => DiffOp::Same,
            ChangeTag::Delete => DiffOp::Removed,
            ChangeTag::Insert => DiffOp::Added,
        };
        push(&mut parts, op, change.value());
    }
    tidy(parts)
}

/// Everything removed, then everything added.
fn whole(before: &str, after: &str) -> Vec<DiffPart> {
    let mut parts = Vec::new();
    push(&mut parts, DiffOp::Removed, before);
    push(&mut parts, DiffOp::Added, after);
    parts
}

fn push(parts: &mut Vec<DiffPart>, op: DiffOp, text: &str) {
    if text.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => parts.push(DiffPart {
            op,
            text: text.to_owned(),
        }),
    }
}

/// Reads better: a space alone (no line break) that both keep between two changes joins them (`~~a b~~ **c
/// d**`, not `~~a~~ **c** ~~b~~ **d**`), and removals come before additions where they touch.
fn tidy(parts: Vec<DiffPart>) -> Vec<DiffPart> {
    let mut joined: Vec<DiffPart> = Vec::new();
    let n = parts.len();
    for (i, p) in parts.iter().enumerate() {
        // A line break stays where it is: the words before it belong to the line above.
        let between_changes = p.op == DiffOp::Same
            && p.text.trim().is_empty()
            && !p.text.contains('\n')
            && i > 0
            && i + 1 < n
            && parts[i - 1].op != DiffOp::Same
            && parts[i + 1].op != DiffOp::Same;
        if between_changes {
            // The space is in both: removed from the one and added to the other.
            push(&mut joined, DiffOp::Removed, &p.text);
            push(&mut joined, DiffOp::Added, &p.text);
        } else {
            push(&mut joined, p.op, &p.text);
        }
    }
    removals_first(joined)
}

/// Within each run of changes between two `Same` pieces, the removed words, then the added ones.
fn removals_first(parts: Vec<DiffPart>) -> Vec<DiffPart> {
    let mut out = Vec::new();
    let mut removed = String::new();
    let mut added = String::new();
    let flush = |out: &mut Vec<DiffPart>, removed: &mut String, added: &mut String| {
        push(out, DiffOp::Removed, &std::mem::take(removed));
        push(out, DiffOp::Added, &std::mem::take(added));
    };
    for p in parts {
        match p.op {
            DiffOp::Removed => removed.push_str(&p.text),
            DiffOp::Added => added.push_str(&p.text),
            DiffOp::Same => {
                flush(&mut out, &mut removed, &mut added);
                push(&mut out, DiffOp::Same, &p.text);
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spell(parts: &[DiffPart], keep: DiffOp) -> String {
        parts
            .iter()
            .filter(|p| p.op == DiffOp::Same || p.op == keep)
            .map(|p| p.text.as_str())
            .collect()
    }

    fn shown(parts: &[DiffPart]) -> String {
        parts
            .iter()
            .map(|p| match p.op {
                DiffOp::Same => p.text.clone(),
                DiffOp::Removed => format!("[-{}]", p.text),
                DiffOp::Added => format!("{{+{}}}", p.text),
            })
            .collect()
    }

    #[test]
    fn a_changed_word_is_removed_and_added_and_the_rest_stays() {
        let d = word_diff(
            "Vi har träffat 12 företag under våren.",
            "Vi har träffat 15 företag under hösten.",
        );
        assert_eq!(
            shown(&d),
            "Vi har träffat [-12]{+15} företag under [-våren.]{+hösten.}"
        );
    }

    #[test]
    fn words_added_at_the_end_of_a_line_stay_on_that_line() {
        let d = word_diff(
            "Första raden\nAndra raden",
            "Första raden utökad\nNy andra rad",
        );
        assert_eq!(
            shown(&d),
            "Första raden{+ utökad}\n[-Andra raden]{+Ny andra rad}"
        );
    }

    #[test]
    fn neighbouring_changes_read_as_one() {
        let d = word_diff("en två tre fyra", "en fem sex fyra");
        assert_eq!(shown(&d), "en [-två tre]{+fem sex} fyra");
    }

    #[test]
    fn the_pieces_spell_both_answers_and_alternate() {
        let cases = [
            ("", "Nytt svar."),
            ("Gammalt svar.", ""),
            (
                "Första stycket.\nAndra stycket.",
                "Första stycket.\nTredje stycket, nytt.",
            ),
            ("a  b\tc", "a b c d"),
            ("Åtgärd: ökad dialog", "Åtgärd: minskad dialog med företag"),
        ];
        for (a, b) in cases {
            let d = word_diff(a, b);
            assert_eq!(spell(&d, DiffOp::Removed), a, "{a:?} → {b:?}");
            assert_eq!(spell(&d, DiffOp::Added), b, "{a:?} → {b:?}");
            assert!(d.windows(2).all(|w| w[0].op != w[1].op), "{d:?}");
        }
    }

    #[test]
    fn a_very_long_answer_is_removed_and_added_whole() {
        let a = "ord ".repeat(MAX_WORDS);
        let b = "annat ".repeat(10);
        let d = word_diff(&a, &b);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].op, d[1].op), (DiffOp::Removed, DiffOp::Added));
    }

    #[test]
    fn white_space_and_unicode_composition_do_not_make_a_change() {
        assert!(same_text("Vi  har\nträffat", " Vi har träffat "));
        // "ä" composed and as "a" with a combining diaeresis.
        assert!(same_text("Näringsliv", "Na\u{308}ringsliv"));
        assert!(!same_text("Vi har träffat", "Vi har mött"));
        // Characters that show nothing: a zero-width space, a direction mark, a bell.
        assert!(same_text("Samma svar", "Samma\u{200b} svar\u{200e}"));
        assert!(same_text("Samma svar", "Samma svar\u{7}"));
        assert!(!same_text("Samma svar", "Samma\u{200b}svar"));
    }
}
