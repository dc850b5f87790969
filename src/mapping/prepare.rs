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
        .chain([&v.title, &q.title])
        .map(|t| TextKey::new(t))
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
