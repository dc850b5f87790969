//! Any bytes, as a returned form: read (twice with one reader, which must give the same result),
//! then map to the questionnaire. Nothing may panic.
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
    let first = reader.read_bytes(data.to_vec(), Some("fuzz.docx"));
    // Read again with the same reader: what it kept from the first read (styles, glossary,
    // relationships, content types stored as the same bytes) must not change the result.
    let again = reader.read_bytes(data.to_vec(), Some("fuzz.docx"));
    match (&first, &again) {
        (Ok(a), Ok(b)) => assert_eq!(
            serde_json::to_value(a).unwrap(),
            serde_json::to_value(b).unwrap(),
            "a second read differs"
        ),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "a second read differs"),
        _ => panic!(
            "a second read differs: {:?} then {:?}",
            first.is_ok(),
            again.is_ok()
        ),
    }
    if let Ok(doc) = first {
        let (q, r) = &*SCHEMAS;
        let _ = map(&doc, q, r, &Options::default());
        let _ = blankett::inspect::table(&doc, Some(100));
    }
});
