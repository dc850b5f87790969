//! What is worked out once for many forms rather than once per form: the questionnaire's
//! comparison keys and look-up tables for each variant, the registry's names ([`Prepared`]),
//! and the comparison keys of paragraph texts met in earlier forms ([`TextKeys`]).
//!
//! How those keys are compared with a form's text belongs to [`super::text_match`]; what the
//! comparisons decide, to the matching and flow steps.

use std::collections::HashMap;
use std::sync::Arc;

use super::respondent::Matcher;
use super::text_match::{TextKey, key};
use crate::schema::{Question, Questionnaire, Registry, Role, Variant};

/// A field or question of the chosen variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum ItemRef {
    Field(usize),
    Question(usize),
}

/// A field or question as the mapping compares it with a form.
pub(super) struct Item<'q> {
    pub(super) item: ItemRef,
    /// Its tag, lower case.
    pub(super) tag: String,
    /// Comparison keys of its title and other titles.
    pub(super) aliases: Vec<String>,
    /// Its question text or label, and older wordings, prepared for comparison.
    pub(super) texts: Vec<TextKey>,
    pub(super) question: Option<&'q Question>,
    pub(super) role: Option<Role>,
    /// A field's placeholder texts, current and former, as comparison keys: text equal to one
    /// is no value.
    pub(super) placeholders: Vec<String>,
}

impl Item<'_> {
    /// The field's or question's id.
    pub(super) fn id<'q>(&self, q: &'q Questionnaire) -> &'q str {
        match self.item {
            ItemRef::Field(i) => &q.fields[i].id,
            ItemRef::Question(i) => &q.questions[i].id,
        }
    }
}

/// What the mapping needs of one variant, prepared once. Items are numbered by their place in
/// `items`: the variant's fields, then its questions, in the questionnaire's order.
pub(super) struct VariantData<'q> {
    pub(super) items: Vec<Item<'q>>,
    /// Template text of the questionnaire and the variant.
    pub(super) template: Vec<TextKey>,
    /// Focus area titles and their other wordings.
    pub(super) areas: Vec<TextKey>,
    /// Question texts and labels by key, for the exact match most paragraphs get.
    pub(super) exact: HashMap<String, usize>,
    /// Items by tag (lower case) and by the keys of their titles: the first item that has it.
    pub(super) tags: HashMap<String, usize>,
    pub(super) aliases: HashMap<String, usize>,
}

/// A questionnaire and a registry prepared for mapping many forms: comparison keys, word lists
/// and the registry's names are worked out once, not for every form.
pub struct Prepared<'a> {
    pub(super) q: &'a Questionnaire,
    pub(super) reg: &'a Registry,
    pub(super) matcher: Matcher<'a>,
    /// One per variant of the questionnaire, in its order.
    pub(super) variants: Vec<VariantData<'a>>,
}

impl<'a> Prepared<'a> {
    /// Prepares `q` and `reg`: the comparison keys and look-up tables of every variant, and the
    /// registry's names.
    pub fn new(q: &'a Questionnaire, reg: &'a Registry) -> Prepared<'a> {
        Prepared {
            q,
            reg,
            matcher: Matcher::new(reg),
            variants: q.variants.iter().map(|v| variant_data(q, v)).collect(),
        }
    }

    pub(super) fn variant(&self, id: &str) -> Option<&VariantData<'a>> {
        let i = self.q.variants.iter().position(|v| v.id == id)?;
        self.variants.get(i)
    }
}

fn variant_data<'q>(q: &'q Questionnaire, v: &Variant) -> VariantData<'q> {
    let items = items(q, &v.id);
    let mut template: Vec<TextKey> = q
        .template_text
        .iter()
        .chain(&v.template_text)
        .chain(&q.return_instructions)
        .chain([&v.title, &q.title])
        .map(String::as_str)
        .chain([crate::identity::PREFILLED_NOTE])
        .map(TextKey::new)
        .collect();
    template.retain(|t| !t.key.is_empty());
    let areas = q
        .areas
        .iter()
        .flat_map(|a| std::iter::once(&a.title).chain(&a.aliases))
        .map(|t| TextKey::new(t))
        .collect();
    let (mut exact, mut tags, mut aliases) = (HashMap::new(), HashMap::new(), HashMap::new());
    for (i, item) in items.iter().enumerate() {
        for t in &item.texts {
            exact.entry(t.key.clone()).or_insert(i);
        }
        tags.entry(item.tag.clone()).or_insert(i);
        for a in &item.aliases {
            aliases.entry(a.clone()).or_insert(i);
        }
    }
    VariantData {
        items,
        template,
        areas,
        exact,
        tags,
        aliases,
    }
}

/// The variant's fields, then its questions.
fn items<'q>(q: &'q Questionnaire, variant: &str) -> Vec<Item<'q>> {
    let fields = q
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.in_variant(variant))
        .map(|(i, f)| Item {
            item: ItemRef::Field(i),
            tag: f.tag().to_lowercase(),
            aliases: std::iter::once(&f.alias)
                .chain(&f.aliases)
                .map(|a| key(a))
                .collect(),
            texts: std::iter::once(&f.label)
                .chain(&f.aliases)
                .map(|a| TextKey::new(a))
                .collect(),
            question: None,
            role: Some(f.role),
            placeholders: f.placeholders().map(key).collect(),
        });
    let questions = q
        .questions
        .iter()
        .enumerate()
        .filter(|(_, qu)| qu.in_variant(variant))
        .map(|(i, qu)| Item {
            item: ItemRef::Question(i),
            tag: qu.tag().to_lowercase(),
            aliases: std::iter::once(&qu.alias).map(|a| key(a)).collect(),
            texts: std::iter::once(&qu.text)
                .chain(&qu.aliases)
                .map(|a| TextKey::new(a))
                .collect(),
            question: Some(qu),
            role: None,
            placeholders: Vec::new(),
        });
    fields.chain(questions).collect()
}

/// How many paragraph texts a [`TextKeys`] remembers the comparison keys of.
const SEEN_TEXTS: usize = 1024;

/// Comparison keys of paragraphs met in earlier forms: the template's text repeats in every
/// form of a round. A key depends on the text alone. Bounded: once full, new texts are keyed
/// but not remembered. One per worker, kept for its whole run, so that workers share nothing.
#[derive(Debug, Default)]
pub struct TextKeys {
    seen: HashMap<Box<str>, Arc<TextKey>>,
}

impl TextKeys {
    /// An empty memory: no paragraph's key is remembered yet.
    pub fn new() -> TextKeys {
        TextKeys::default()
    }

    /// The comparison key of a paragraph's text, remembered across forms.
    pub(super) fn key(&mut self, text: &str) -> Arc<TextKey> {
        if let Some(k) = self.seen.get(text) {
            return Arc::clone(k);
        }
        let k = Arc::new(TextKey::new(text));
        if self.seen.len() < SEEN_TEXTS {
            self.seen.insert(text.into(), Arc::clone(&k));
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::testing::{questionnaire, registry};

    #[test]
    fn items_are_the_variants_fields_then_its_questions() {
        let (q, reg) = (questionnaire(), registry());
        let p = Prepared::new(&q, &reg);
        let ids = |v: &str| -> Vec<&str> {
            p.variant(v)
                .unwrap()
                .items
                .iter()
                .map(|i| i.id(&q))
                .collect()
        };
        assert_eq!(
            ids("namnd"),
            [
                "namnd", "period", "kontakt", "telefon", "epost", "q1", "q2", "q3", "q4", "q5",
                "q7"
            ]
        );
        assert_eq!(ids("bolag")[9..], ["q5", "q6"]);
        assert!(p.variant("skola").is_none());
    }

    #[test]
    fn look_up_tables_key_tags_titles_and_texts() {
        let (q, reg) = (questionnaire(), registry());
        let p = Prepared::new(&q, &reg);
        let v = p.variant("namnd").unwrap();
        let id = |i: Option<&usize>| i.map(|&i| v.items[i].id(&q));
        // A tag left out is the id; tags are kept lower case.
        assert_eq!(id(v.tags.get("q1")), Some("q1"));
        assert_eq!(id(v.tags.get("foretagslots")), Some("q3"));
        // Titles and other titles, by key.
        assert_eq!(id(v.aliases.get("växla upp")), Some("q2"));
        assert_eq!(id(v.aliases.get("e post")), Some("epost"));
        // Texts, labels and older wordings, by key.
        assert_eq!(id(v.exact.get(&key("Nämnd:"))), Some("namnd"));
        assert_eq!(
            id(v.exact.get(&key(
                "Berätta om arbetet med Växla upp Stockholm under perioden"
            ))),
            Some("q2")
        );
        assert!(v.template.iter().any(|t| t.key == key(&q.title)));
        assert!(
            v.areas
                .iter()
                .any(|a| a.key == "ett bättre klimat för företag")
        );
    }

    #[test]
    fn text_keys_remember_a_bounded_number_of_texts() {
        let mut keys = TextKeys::new();
        let a = keys.key("1. Fråga ett?");
        assert_eq!(a.key, "fråga ett");
        assert!(Arc::ptr_eq(&a, &keys.key("1. Fråga ett?")));
        for i in 0..SEEN_TEXTS * 2 {
            keys.key(&format!("text {i}"));
        }
        assert_eq!(keys.seen.len(), SEEN_TEXTS);
        // Past the bound a text is keyed all the same.
        let late = keys.key("Sent stycke");
        assert_eq!(late.key, "sent stycke");
        assert!(!Arc::ptr_eq(&late, &keys.key("Sent stycke")));
    }
}
