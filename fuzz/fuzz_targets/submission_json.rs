//! Any bytes as one submission file (`submissions/*.json`, which people edit by hand) among the
//! round's example forms: read as `ledger::load_submissions` reads it, consolidated, then made
//! into every export in memory. Nothing may panic, and no export may fail: their errors are
//! kept for bugs, not data.
#![no_main]

#[allow(dead_code, reason = "each target uses part of it")]
mod common;

use blankett::{ExportOptions, Format, to_bytes};
use blankett::{RoundOptions as Options, consolidate};
use blankett::Submission;
use common::{CONFIG, ROUND_FORMS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // As load_submissions reads a file's bytes.
    let Ok(form) = serde_json::from_slice::<Submission>(data) else {
        return;
    };
    let mut forms = ROUND_FORMS.clone();
    forms.push(form);
    let q = CONFIG.questionnaire();
    // Both delimiters, with and without contacts, chosen by the input so that a crash replays.
    let options = Options {
        redact_contact: data.len() % 4 >= 2,
        ..Options::default()
    };
    let round = consolidate(forms, q, CONFIG.registry(), &options);
    let delimiter = if data.len() % 2 == 0 { b',' } else { b';' };
    let opts = ExportOptions { delimiter };
    for format in Format::ALL {
        if let Err(e) = to_bytes(&round, q, format, &opts) {
            panic!("the {format} export failed: {e}");
        }
    }
});
