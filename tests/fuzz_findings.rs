//! Inputs the fuzz targets are seeded with because they once made blankett panic
//! (`fuzz/seeds/`): each must now give a result.

use std::path::PathBuf;

use blankett::Submission;
use blankett::{Questionnaire, Registry};
use blankett::{RoundOptions as Options, consolidate};

fn seed(target: &str, name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fuzz/seeds", target, name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The example form with `core` as its `docProps/core.xml`.
fn example_with_core(core: Vec<u8>) -> Vec<u8> {
    let mut parts = crate::common::parts(&std::fs::read(crate::common::example()).unwrap());
    let slot = parts
        .iter_mut()
        .find(|(n, _)| n == "docProps/core.xml")
        .expect("the example has core properties");
    slot.1 = core;
    crate::common::zip_parts(&parts)
}

#[test]
fn a_saved_date_with_a_two_byte_character_across_byte_10_is_no_date() {
    let core = seed("core_properties", "modified-multibyte-at-byte-10.xml");
    assert!(
        core.windows(2).any(|w| w == "ö".as_bytes()),
        "the seed holds the character"
    );
    let doc =
        blankett::read_bytes(example_with_core(core), Some("x.docx")).expect("the form reads");
    assert_eq!(doc.source.modified, None);
}

#[test]
fn an_unresolved_form_with_a_sha256_shorter_than_a_label_is_labelled_by_all_of_it() {
    let form: Submission =
        serde_json::from_slice(&seed("submission_json", "unresolved-short-sha256.json")).unwrap();
    assert_eq!(
        (form.source.file.as_deref(), form.respondent.is_none()),
        (None, true)
    );
    let round = consolidate(
        vec![form],
        &Questionnaire::builtin(),
        &Registry::builtin(),
        &Options::default(),
    );
    let labels: Vec<&str> = round
        .respondents
        .iter()
        .filter(|r| r.id.is_none())
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(labels, ["abc"]);
}
