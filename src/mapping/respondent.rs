//! Which committee or company board a form comes from: its name as forms write it, matched
//! against the registry ("Östermalms SDN", "SDN Östermalm", "Östermalms stadsdelsförvaltning",
//! case and diacritics tolerated).

use crate::mapping::text_match::ascii_key;
use crate::schema::{Registry, Respondent};

/// Words that say what kind of body a name is, not which one.
const KIND_WORDS: &[&str] = &[
    "stadsdelsnamnd",
    "stadsdelsnamnden",
    "stadsdelsnamnderna",
    "stadsdelsforvaltning",
    "stadsdelsforvaltningen",
    "stadsdel",
    "stadsdelen",
    "stadsdelsomrade",
    "sdn",
    "sdf",
    "namnd",
    "namnden",
    "forvaltning",
    "forvaltningen",
    "styrelse",
    "styrelsen",
    "bolagsstyrelse",
    "bolagsstyrelsen",
];

/// The words of a name that say which body it is: lower case, no diacritics, kind words
/// (`stadsdelsnämnd`, `SDN`, `förvaltningen` …) and genitive s dropped.
pub fn name_words(s: &str) -> Vec<String> {
    ascii_key(s)
        .split(' ')
        .filter(|w| !w.is_empty() && !KIND_WORDS.contains(w))
        .map(|w| {
            // Genitive: "östermalms" is "östermalm"; short words keep their s.
            if w.len() > 4 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_owned()
            } else {
                w.to_owned()
            }
        })
        .collect()
}

/// Looks names up in a registry.
pub struct Matcher<'r> {
    /// (words of a name or alias, respondent), longest first.
    names: Vec<(Vec<String>, &'r Respondent)>,
}

impl<'r> Matcher<'r> {
    /// Prepares the names and aliases of the registry's respondents for look-up.
    pub fn new(registry: &'r Registry) -> Self {
        let mut names = Vec::new();
        for r in &registry.respondents {
            for n in std::iter::once(&r.name).chain(&r.aliases) {
                let words = name_words(n);
                if !words.is_empty() {
                    names.push((words, r));
                }
            }
        }
        names.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        Matcher { names }
    }

    /// The respondent a text names, when exactly one does: first a whole-text match, then the
    /// longest name found as a run of whole words inside the text. Respondents that do not
    /// exist on `date` are passed over when another one matches.
    pub fn find(&self, text: &str, date: Option<&str>) -> Option<&'r Respondent> {
        let words = name_words(text);
        if words.is_empty() {
            return None;
        }
        let pick = |found: Vec<&'r Respondent>| -> Option<&'r Respondent> {
            let mut found = found;
            found.dedup_by(|a, b| a.id == b.id);
            let valid: Vec<&Respondent> =
                found.iter().copied().filter(|r| r.valid_on(date)).collect();
            let list = if valid.is_empty() { found } else { valid };
            let first = list.first()?;
            list.iter().all(|r| r.id == first.id).then_some(*first)
        };
        let exact: Vec<&Respondent> = self
            .names
            .iter()
            .filter(|(n, _)| *n == words)
            .map(|(_, r)| *r)
            .collect();
        if let Some(r) = pick(exact) {
            return Some(r);
        }
        // The longest name that occurs in the text as a run of whole words.
        let mut best: Vec<&Respondent> = Vec::new();
        let mut best_len = 0;
        for (n, r) in &self.names {
            if n.len() < best_len {
                break;
            }
            if words.windows(n.len()).any(|w| w == n.as_slice()) {
                best_len = n.len();
                best.push(r);
            }
        }
        pick(best)
    }

    /// The respondent named by an id, or by a name the way [`find`](Matcher::find) reads it.
    pub fn by_id_or_name(&self, registry: &'r Registry, s: &str) -> Option<&'r Respondent> {
        registry.get(s.trim()).or_else(|| self.find(s, None))
    }
}

/// How alike a mistyped id or name must be to a registry id, name or alias to be offered
/// instead (Jaro-Winkler: a shared beginning weighs most, as in `brommma` for `bromma-sdn`).
const CLOSE: f64 = 0.85;

/// The registry's respondents whose id, name or alias is close to `s` (a mistyped id or
/// name), the closest first, at most `n`.
pub fn close_matches<'r>(registry: &'r Registry, s: &str, n: usize) -> Vec<&'r Respondent> {
    let given = ascii_key(s);
    let mut scored: Vec<(f64, &Respondent)> = registry
        .respondents
        .iter()
        .map(|r| {
            let best = std::iter::once(&r.id)
                .chain(std::iter::once(&r.name))
                .chain(&r.aliases)
                .map(|c| strsim::jaro_winkler(&given, &ascii_key(c)))
                .fold(0.0, f64::max);
            (best, r)
        })
        .filter(|(score, _)| *score >= CLOSE)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    scored.into_iter().take(n).map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        Registry::builtin()
    }

    #[test]
    fn the_many_ways_forms_name_a_committee() {
        let reg = registry();
        let m = Matcher::new(&reg);
        for name in [
            "Östermalms stadsdelsnämnd",
            "Östermalms SDN",
            "SDN Östermalm",
            "Östermalms stadsdelsförvaltning",
            "ostermalms stadsdelsforvaltning",
            "ÖSTERMALM",
            "Stadsdelsförvaltningen Östermalm, avdelningen för stadsmiljö",
        ] {
            assert_eq!(
                m.find(name, Some("2022-04-30")).map(|r| r.id.as_str()),
                Some("ostermalm-sdn"),
                "{name}"
            );
        }
    }

    #[test]
    fn a_mistyped_id_is_offered_the_ids_close_to_it() {
        let reg = registry();
        let ids = |s: &str| -> Vec<String> {
            close_matches(&reg, s, 3)
                .into_iter()
                .map(|r| r.id.clone())
                .collect()
        };
        assert_eq!(
            ids("brommma-sdn").first().map(String::as_str),
            Some("bromma-sdn")
        );
        assert_eq!(
            ids("ostermalm").first().map(String::as_str),
            Some("ostermalm-sdn")
        );
        assert!(ids("zzzz").is_empty());
        assert!(ids("bromma").len() <= 3);
    }

    #[test]
    fn a_general_name_is_no_committee() {
        let reg = registry();
        let m = Matcher::new(&reg);
        assert!(m.find("Stadsdelsnämnderna", None).is_none());
        assert!(m.find("", None).is_none());
    }

    #[test]
    fn file_names_name_committees_too() {
        let reg = registry();
        let m = Matcher::new(&reg);
        assert_eq!(
            m.find("ostermalm-2022-T1", None).map(|r| r.id.as_str()),
            Some("ostermalm-sdn")
        );
        assert_eq!(
            m.find("Uppföljning näringsliv T1 Hässelby-Vällingby", None)
                .map(|r| r.id.as_str()),
            Some("hasselby-vallingby-sdn")
        );
    }
}
