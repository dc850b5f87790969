//! Nothing the respondent wrote is lost: for every fixture form, every piece of text the
//! document holds is accounted for as template text (titles, instructions, questions, labels,
//! headings), an answer, `unmapped`, a comment, the respondent and contact fields, or the round
//! (the period field's text, when it reads as the submission's round). The test fails on any
//! text that went nowhere.
//!
//! Three kinds of text are not the respondent's and are accounted for as such: a control still
//! showing its placeholder, text in headers and footers outside controls (template furniture
//! such as page numbers), and the label beside a control in its paragraph (`Namn:`, a short
//! text ending with a colon or question mark: the form's wording of its question).

use std::path::{Path, PathBuf};

use blankett::Submission;
use blankett::{Document, FlowItem, Status, Story};
use blankett::{MapOptions as Options, text_key as key};
use blankett::{Questionnaire, Registry};

fn forms() -> Vec<(PathBuf, Questionnaire)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let builtin = Questionnaire::builtin();
    let typed = Questionnaire::load(&root.join("tests/data/typed-questionnaire.json")).unwrap();
    let mut out = Vec::new();
    for dir in [
        "examples/forms",
        "fixtures",
        "fixtures/forms",
        "fixtures/libreoffice",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "docx" || x == "docm"))
            .collect();
        files.sort();
        for f in files {
            let q = if f.file_name().is_some_and(|n| n == "typed-controls.docx") {
                typed.clone()
            } else {
                builtin.clone()
            };
            out.push((f, q));
        }
    }
    out
}

/// Where text may have gone, as comparison keys.
struct Accounts {
    template: Vec<String>,
    kept: Vec<String>,
    /// The round the submission says: the period field's text went there when it reads so.
    round: Option<blankett::RoundId>,
}

impl Accounts {
    fn new(q: &Questionnaire, s: &Submission, doc: &Document) -> Accounts {
        let mut template: Vec<String> = Vec::new();
        template.extend(labels_beside_controls(doc).map(key));
        template.push(key(&q.title));
        template.extend(q.template_text.iter().map(|t| key(t)));
        template.extend(q.return_instructions.iter().map(|t| key(t)));
        for v in &q.variants {
            template.extend(v.template_text.iter().map(|t| key(t)));
            template.push(key(&v.title));
        }
        for a in &q.areas {
            template.push(key(&a.title));
            template.extend(a.aliases.iter().map(|t| key(t)));
        }
        for f in &q.fields {
            template.push(key(&f.label));
            template.extend(f.aliases.iter().map(|t| key(t)));
        }
        for qu in &q.questions {
            template.push(key(&qu.text));
            template.extend(qu.aliases.iter().map(|t| key(t)));
        }
        let mut kept: Vec<String> = Vec::new();
        kept.extend(s.answers.iter().map(|a| key(&a.text)));
        kept.extend(s.unmapped.iter().map(|u| key(&u.text)));
        kept.extend(
            s.unmapped
                .iter()
                .filter_map(|u| u.question.as_deref())
                .map(key),
        );
        kept.extend(s.comments.iter().map(|c| key(&c.text)));
        if let Some(r) = &s.respondent
            && let Some(w) = &r.as_written
        {
            kept.push(key(w));
        }
        if let Some(c) = &s.contact {
            for v in [&c.name, &c.phone_as_written, &c.email_as_written]
                .into_iter()
                .flatten()
            {
                kept.push(key(v));
            }
        }
        template.retain(|t| !t.is_empty());
        kept.retain(|t| !t.is_empty());
        Accounts {
            template,
            kept,
            round: s.round,
        }
    }

    /// True when the text is template text, or is in (or holds only pieces of) what was kept.
    fn has(&self, text: &str) -> bool {
        let k = key(text);
        if k.is_empty() {
            return true;
        }
        if self.template.iter().any(|t| *t == k || similar(t, &k)) {
            return true;
        }
        if self.kept.iter().any(|t| t.contains(&k)) {
            return true;
        }
        if self.round.is_some() && blankett::parse_round(text) == self.round {
            return true;
        }
        // A line holding a label and an answer ("Nämnd: Östermalm"): every word is somewhere.
        k.split(' ').all(|w| {
            self.kept.iter().any(|t| t.split(' ').any(|x| x == w))
                || self.template.iter().any(|t| t.split(' ').any(|x| x == w))
        })
    }
}

/// The text of each paragraph holding controls whose own text is a label: short, ending with
/// a colon or a question mark.
fn labels_beside_controls(doc: &Document) -> impl Iterator<Item = &str> {
    doc.flow.iter().filter_map(|item| match item {
        FlowItem::Paragraph { text, controls, .. }
            if !controls.is_empty()
                && text.trim_end().ends_with([':', '?'])
                && text.chars().count() <= 200 =>
        {
            Some(text.as_str())
        }
        _ => None,
    })
}

fn similar(a: &str, b: &str) -> bool {
    blankett::text_similarity(a, b) >= blankett::SAME_QUESTION_SIMILARITY
}

fn unaccounted(doc: &Document, acc: &Accounts) -> Vec<String> {
    let mut lost = Vec::new();
    for item in &doc.flow {
        match item {
            FlowItem::Paragraph {
                story: Story::Header | Story::Footer,
                ..
            } => {}
            FlowItem::Paragraph { text, .. } => {
                if !acc.has(text) {
                    lost.push(format!("paragraph {text:?}"));
                }
            }
            FlowItem::Control { .. } => {}
        }
    }
    for c in &doc.controls {
        if c.status == Status::Placeholder || c.text.is_empty() {
            continue;
        }
        if matches!(c.story, Story::Footnote | Story::Endnote | Story::Comment) {
            continue; // their text is in the answer or paragraph that references them
        }
        // Nested controls are accounted for with their outermost one.
        if c.parent
            .is_some_and(|p| doc.controls[p].status == Status::Answered)
        {
            continue;
        }
        if !acc.has(&c.text) {
            lost.push(format!("control {} {:?}: {:?}", c.index, c.tag, c.text));
        }
    }
    lost
}

#[test]
fn every_piece_of_text_in_every_fixture_form_is_accounted_for() {
    let registry = Registry::builtin();
    let mut report = Vec::new();
    let mut checked = 0;
    for (path, q) in forms() {
        let doc = blankett::read_path(&path).unwrap();
        let s = blankett::map(
            &doc,
            &q,
            &registry,
            &Options {
                path: Some(&path),
                ..Options::default()
            },
        )
        .unwrap();
        let acc = Accounts::new(&q, &s, &doc);
        for l in unaccounted(&doc, &acc) {
            report.push(format!("{}: {l}", path.display()));
        }
        checked += 1;
    }
    assert!(checked >= 30, "{checked} forms");
    assert!(
        report.is_empty(),
        "text that went nowhere:\n{}",
        report.join("\n")
    );
}
