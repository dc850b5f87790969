//! Comparing what a form says with what the questionnaire says, tolerant of the small edits
//! templates go through: case, punctuation, quotes, list numbering, a word changed here and
//! there.

use unicode_normalization::UnicodeNormalization;

/// The comparison form of a text: lower case, letters and digits only (words separated by one
/// space), leading list numbering (`1.`, `3.2`, `a)`) dropped.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    strip_numbering(&out).to_owned()
}

/// `1 stimulera …` → `stimulera …`; `3 2 beskriv` → `beskriv`; `a beskriv` is left alone
/// (it could be a word).
fn strip_numbering(s: &str) -> &str {
    let mut rest = s;
    loop {
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let word = &rest[..word_end];
        if !word.is_empty() && word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit()) {
            rest = rest[word_end..].trim_start();
        } else {
            return rest;
        }
    }
}

/// [`key`] without diacritics: `östermalms` → `ostermalms`. For names, where forms are written
/// with and without them.
pub fn ascii_key(s: &str) -> String {
    key(s)
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

/// How alike two comparison keys are, from 0 to 1: 1 for equal keys; otherwise the normalized
/// Levenshtein similarity, computed only when the texts share enough words to be candidates
/// (most pairs are told apart by that cheap test).
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.min(lb) * 10 < la.max(lb) * 7 {
        return 0.0;
    }
    let wa: std::collections::HashSet<&str> = a.split(' ').collect();
    let wb: std::collections::HashSet<&str> = b.split(' ').collect();
    let shared = wa.intersection(&wb).count();
    if shared * 2 < wa.len().min(wb.len()) {
        return 0.0;
    }
    strsim::normalized_levenshtein(a, b)
}

/// Keys this alike (or more) say the same question: a word or two edited in a sentence.
pub const SAME_QUESTION: f64 = 0.85;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_punctuation_and_numbering() {
        assert_eq!(
            key("1. Stimulera tillväxt och företagsamhet"),
            "stimulera tillväxt och företagsamhet"
        );
        assert_eq!(
            key("Beskriv nämndens arbete med ”Växla upp Stockholm”"),
            key("Beskriv nämndens arbete med \"Växla upp Stockholm\"")
        );
        assert_eq!(key("Nämnd:"), "nämnd");
        assert_eq!(key("E-post"), "e post");
        assert_eq!(key("3.2 Hur sker"), "hur sker");
    }

    #[test]
    fn ascii_keys_drop_diacritics() {
        assert_eq!(ascii_key("Östermalms SDN"), "ostermalms sdn");
    }

    #[test]
    fn small_edits_keep_a_question_recognisable() {
        let q = key(
            "Hur samverkar nämnden för att underlätta för närvaron av kultur i det offentliga rummet?",
        );
        let edited = key(
            "Hur samverkar nämnden för att underlätta närvaron av kultur i det offentliga rummet",
        );
        assert!(similarity(&q, &edited) >= SAME_QUESTION);
        let other =
            key("Hur sker samarbetet med Stockholm Business Region AB att stärka dialogen?");
        assert!(similarity(&q, &other) < SAME_QUESTION);
    }
}
