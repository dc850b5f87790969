//! Any bytes, as a returned form: read, then map to the questionnaire. Nothing may panic.
#![no_main]

use std::sync::LazyLock;

use blankett::mapping::{Options, map};
use blankett::schema::{Questionnaire, Registry};
use libfuzzer_sys::fuzz_target;

static SCHEMAS: LazyLock<(Questionnaire, Registry)> =
    LazyLock::new(|| (Questionnaire::builtin(), Registry::builtin()));

fuzz_target!(|data: &[u8]| {
    let limits = blankett::Limits {
        max_part_bytes: 8 << 20,
        ..blankett::Limits::default()
    };
    let mut reader = blankett::Reader::new(limits);
    if let Ok(doc) = reader.read_bytes(data.to_vec(), Some("fuzz.docx")) {
        let (q, r) = &*SCHEMAS;
        let _ = map(&doc, q, r, &Options::default());
        let _ = blankett::inspect::table(&doc, Some(100));
    }
});
