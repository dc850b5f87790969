//! Any bytes, as a returned form: read (twice with one reader, which must give the same result),
//! then map to the questionnaire. Nothing may panic.
#![no_main]

#[allow(dead_code, reason = "each target uses part of it")]
mod common;

use std::sync::LazyLock;

use blankett::{MapOptions as Options, map};
use blankett::{Questionnaire, Registry};
use libfuzzer_sys::fuzz_target;

static SCHEMAS: LazyLock<(Questionnaire, Registry)> =
    LazyLock::new(|| (Questionnaire::builtin(), Registry::builtin()));

fuzz_target!(|data: &[u8]| {
    let limits = blankett::Limits {
        max_part_bytes: 8 << 20,
        ..blankett::Limits::default()
    };
    let mut reader = blankett::Reader::new(limits);
    let first = common::read_twice(&mut reader, data.to_vec());
    if let Ok(doc) = first {
        let (q, r) = &*SCHEMAS;
        let _ = map(&doc, q, r, &Options::default());
        let _ = blankett::inspect_table(&doc, Some(100));
    }
});
