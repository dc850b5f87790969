//! The text rules: what a run of raw Word text becomes once it is an answer.
//!
//! Unicode NFC; within a line, runs of spaces (also non-breaking and the other Unicode space
//! separators) collapse to one space; lines are trimmed; empty lines are dropped.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// True for the characters that count as spaces within a line.
#[inline]
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\r' | '\u{B}' | '\u{C}'
    )
}

/// Normalizes raw paragraph text (which may hold `\n` from line breaks and `\t` from tabs).
pub fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.split('\n') {
        let start = out.len();
        if start > 0 {
            out.push('\n');
        }
        let body_start = out.len();
        let mut pending_space = false;
        for c in line.chars() {
            if is_space(c) {
                pending_space = true;
                continue;
            }
            if pending_space && out.len() > body_start {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
        // Trim tabs at both ends of the line as well.
        let trimmed_end = out[body_start..].trim_end_matches('\t').len() + body_start;
        out.truncate(trimmed_end);
        let lead = out[body_start..].len() - out[body_start..].trim_start_matches('\t').len();
        if lead > 0 {
            out.replace_range(body_start..body_start + lead, "");
        }
        if out.len() == body_start {
            out.truncate(start);
        }
    }
    nfc(out)
}

/// Normalizes a table cell: like [`normalize`], but line breaks inside are kept as such.
pub fn nfc(s: String) -> String {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        s.nfc().collect()
    }
}

/// Text compared loosely: normalized, lower case, trailing full stop and ellipsis dropped.
/// Used to recognise placeholder texts.
pub fn loose(s: &str) -> String {
    let n = normalize(s);
    n.trim_end_matches(['.', '…', ' '])
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
}

/// Word's default placeholder texts, Swedish and English, old and new (Word 2007–365).
pub const DEFAULT_PLACEHOLDERS: &[&str] = &[
    "Klicka här för att ange text.",
    "Klicka eller tryck här för att ange text.",
    "Klicka här för att ange datum.",
    "Klicka eller tryck här för att ange datum.",
    "Klicka eller tryck för att ange ett datum.",
    "Välj ett objekt.",
    "Klicka här för att ange ett datum.",
    "Click here to enter text.",
    "Click or tap here to enter text.",
    "Click here to enter a date.",
    "Click or tap to enter a date.",
    "Click or tap here to enter a date.",
    "Choose an item.",
];

/// True when `text` is one of Word's default placeholder texts.
pub fn is_default_placeholder(text: &str) -> bool {
    let l = loose(text);
    !l.is_empty() && DEFAULT_PLACEHOLDERS.iter().any(|p| loose(p) == l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_collapse_and_lines_trim() {
        assert_eq!(normalize("  a \u{a0}\u{a0} b  "), "a b");
        assert_eq!(normalize("a\n\n  \n b"), "a\nb");
        assert_eq!(normalize("\ta\tb\t"), "a\tb");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \n \n"), "");
    }

    #[test]
    fn composed_form_is_produced() {
        // "Ö" as O + combining diaeresis becomes one code point.
        assert_eq!(normalize("O\u{308}stermalm"), "Östermalm");
    }

    #[test]
    fn placeholders_are_recognised_in_both_languages() {
        assert!(is_default_placeholder("Klicka här för att ange text."));
        assert!(is_default_placeholder("  Click or tap here to enter text "));
        assert!(is_default_placeholder("Välj ett objekt."));
        assert!(!is_default_placeholder(
            "Klicka här för att ange text. Vi har gjort mycket."
        ));
        assert!(!is_default_placeholder(""));
    }
}
