//! Any bytes as `docProps/core.xml` and, after a NUL byte (which XML cannot hold), as
//! `docProps/app.xml`, in a form whose controls are bound to the core properties: read, mapped
//! as `batch` maps it, then consolidated with the round's example forms, where the saved date
//! (`dcterms:modified`) decides which of two forms from one respondent is the later. Nothing
//! may panic.
#![no_main]

#[allow(dead_code, reason = "each target uses part of it")]
mod common;

use std::sync::LazyLock;

use blankett::{RoundOptions as Options, consolidate};
use common::{CONFIG, Parts, ROUND_FORMS};
use libfuzzer_sys::fuzz_target;

/// A form with a control bound to the title in the core properties, so that a fuzzed
/// `core.xml` is also read as a data store.
static BASE: LazyLock<Parts> =
    LazyLock::new(|| Parts::of(include_bytes!("../../fixtures/data-binding.docx")));

fuzz_target!(|data: &[u8]| {
    let (core, app) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], Some(&data[nul + 1..])),
        None => (data, None),
    };
    let mut parts = vec![("docProps/core.xml", core)];
    if let Some(app) = app {
        parts.push(("docProps/app.xml", app));
    }
    // Named as the example form of the same respondent, which it then supersedes or not.
    let sha256 = "f".repeat(64);
    let bytes = BASE.package_with(&parts);
    let Some(form) = common::convert(bytes, &sha256, "ostermalm-2022-T1.docx") else {
        return;
    };
    let mut forms = ROUND_FORMS.clone();
    forms.push(form);
    let round = consolidate(
        forms,
        CONFIG.questionnaire(),
        CONFIG.registry(),
        &Options::default(),
    );
    let _ = blankett::to_json(&round);
});
