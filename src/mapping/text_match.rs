//! Comparing what a form says with what the questionnaire says, tolerant of the small edits
//! templates go through: case, punctuation, quotes, list numbering, a word changed here and
//! there.

use unicode_normalization::UnicodeNormalization;

/// The comparison form of a text: lower case, letters and digits only (words separated by one
/// space), leading list numbering (`1.`, `3.2`, `a)`) dropped.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    };
    for c in s.chars() {
        // Most text is ASCII: lower-case it without the general Unicode tables.
        if c.is_ascii() {
            push(c.to_ascii_lowercase(), &mut out);
        } else {
            for l in c.to_lowercase() {
                push(l, &mut out);
            }
        }
    }
    let start = out.len() - strip_numbering(&out).len();
    out.drain(..start);
    out
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
/// Levenshtein similarity, computed only when the texts are of like length and share enough
/// words to be candidates (most pairs are told apart by those cheap tests).
pub fn similarity(a: &str, b: &str) -> f64 {
    TextKey::from_key(a.to_owned()).similarity(&TextKey::from_key(b.to_owned()))
}

/// A text prepared for comparison: its key and its distinct words, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextKey {
    pub key: String,
    /// Byte ranges of the key's distinct words, sorted by the words; worked out when first
    /// needed (most comparisons are settled by length alone).
    words: std::sync::OnceLock<Vec<(u32, u32)>>,
}

impl TextKey {
    pub fn new(text: &str) -> TextKey {
        TextKey::from_key(key(text))
    }

    pub fn from_key(key: String) -> TextKey {
        TextKey {
            key,
            words: std::sync::OnceLock::new(),
        }
    }

    fn words(&self) -> &[(u32, u32)] {
        self.words.get_or_init(|| Self::distinct_words(&self.key))
    }

    fn distinct_words(key: &str) -> Vec<(u32, u32)> {
        let mut words: Vec<(u32, u32)> = Vec::new();
        let mut start = 0;
        for (i, b) in key.bytes().chain(std::iter::once(b' ')).enumerate() {
            if b == b' ' {
                if i > start {
                    words.push((start as u32, i as u32));
                }
                start = i + 1;
            }
        }
        let word = |&(a, b): &(u32, u32)| &key[a as usize..b as usize];
        words.sort_unstable_by(|x, y| word(x).cmp(word(y)));
        words.dedup_by(|x, y| word(x) == word(y));
        words
    }

    /// [`similarity`] of two prepared texts, without building word sets again.
    pub fn similarity(&self, other: &TextKey) -> f64 {
        let (a, b) = (&self.key, &other.key);
        if a == b {
            return 1.0;
        }
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let (la, lb) = (a.len(), b.len());
        // Byte lengths within 30% of each other (a cheap first test; characters decide below).
        if la.min(lb) * 10 < la.max(lb) * 7 {
            return 0.0;
        }
        let (wa, wb) = (self.words(), other.words());
        fn word(k: &TextKey, (s, e): (u32, u32)) -> &str {
            &k.key[s as usize..e as usize]
        }
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while i < wa.len() && j < wb.len() {
            match word(self, wa[i]).cmp(word(other, wb[j])) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        if shared * 2 < wa.len().min(wb.len()) {
            return 0.0;
        }
        strsim::normalized_levenshtein(a, b)
    }
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
    fn prepared_keys_compare_as_plain_ones() {
        let a = "Hur samverkar nämnden för att underlätta för närvaron av kultur i det offentliga rummet?";
        let b =
            "Hur samverkar nämnden för att underlätta närvaron av kultur i det offentliga rummet";
        let c = "Beskriv nämndens arbete med Växla upp Stockholm";
        for (x, y) in [(a, b), (a, c), (b, c), (a, a)] {
            assert_eq!(
                TextKey::new(x).similarity(&TextKey::new(y)),
                similarity(&key(x), &key(y)),
                "{x} / {y}"
            );
        }
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
