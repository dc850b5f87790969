//! Any bytes as `word/_rels/document.xml.rels` in a package that holds every part the main
//! document may point to (styles, glossary, headers, footers, notes, comments, custom XML):
//! read twice with one reader, which remembers relationships from form to form and must give
//! the same result, then mapped. Nothing may panic.
#![no_main]

#[allow(dead_code, reason = "each target uses part of it")]
mod common;

use std::sync::LazyLock;

use blankett::MapOptions as Options;
use common::{CONFIG, PREPARED, Parts};
use libfuzzer_sys::fuzz_target;

/// A form with bound controls (so custom XML is read), and the stories of two other fixtures.
static BASE: LazyLock<Parts> = LazyLock::new(|| {
    Parts::of(include_bytes!("../../fixtures/data-binding.docx"))
        .and(Parts::of(include_bytes!(
            "../../fixtures/headers-notes.docx"
        )))
        .and(Parts::of(include_bytes!("../../fixtures/comments.docx")))
});

fuzz_target!(|data: &[u8]| {
    let bytes = BASE.package_with(&[("word/_rels/document.xml.rels", data)]);
    let mut reader = blankett::Reader::new(CONFIG.limits());
    let first = common::read_twice(&mut reader, bytes);
    if let Ok(doc) = first {
        let _ = PREPARED.with(|p| p.map_owned(doc, &Options::default()));
    }
});
