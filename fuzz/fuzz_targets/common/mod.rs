//! What the targets that put fuzzed bytes into one part of a sound package share: the parts of
//! a fixture, and the round's forms as the examples give them.

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::LazyLock;

use blankett::Config;
use blankett::Prepared;
use blankett::Submission;

/// The parts of a fixture, in the order its zip holds them.
pub struct Parts(Vec<(String, Vec<u8>)>);

impl Parts {
    pub fn of(docx: &[u8]) -> Parts {
        let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("a fixture is a zip");
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).expect("a fixture's entries read");
            if entry.is_dir() {
                continue;
            }
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .expect("a fixture's entries inflate");
            parts.push((entry.name().to_owned(), bytes));
        }
        Parts(parts)
    }

    /// Adds the parts of another fixture that this one lacks.
    pub fn and(mut self, other: Parts) -> Parts {
        for (name, bytes) in other.0 {
            if !self.0.iter().any(|(n, _)| *n == name) {
                self.0.push((name, bytes));
            }
        }
        self
    }

    /// The package with `replaced` parts instead of the fixture's (added when it lacks them).
    /// Stored, not deflated: the fuzzer's time goes to the reader, not to zlib.
    pub fn package_with(&self, replaced: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let kept = self
            .0
            .iter()
            .filter(|(n, _)| !replaced.iter().any(|(r, _)| r == n))
            .map(|(n, b)| (n.as_str(), b.as_slice()));
        for (name, bytes) in kept.chain(replaced.iter().copied()) {
            zip.start_file(name, opts).expect("a stored entry starts");
            zip.write_all(bytes).expect("a stored entry is written");
        }
        zip.finish().expect("the package is finished");
        out.into_inner()
    }
}

/// The built-in questionnaire and registry, as `batch` converts with them by default.
pub static CONFIG: LazyLock<Config> = LazyLock::new(Config::builtin);

thread_local! {
    /// The questionnaire prepared once: mapping is what the targets test, not its preparation.
    pub static PREPARED: Prepared<'static> = CONFIG.prepare();
}

/// Converts a form as `batch` does (the one per-form path, `intake::Worker`), under the name
/// `file` and a made-up SHA-256 (the hash only tells forms apart, and hashing every input
/// would cost the fuzzer time for nothing). The worker turns a panic into the form's
/// `internal-error`; here that is raised again, so the fuzzer sees it.
pub fn convert(bytes: Vec<u8>, sha256: &str, file: &str) -> Option<Submission> {
    let mut worker = blankett::Worker::new(CONFIG.limits());
    let form = blankett::FormFile {
        bytes,
        sha256: sha256.to_owned(),
        modified: None,
    };
    PREPARED.with(|prepared| {
        let ctx = blankett::Context {
            cfg: &CONFIG,
            prepared,
            // A fixed clock: the same input converts the same way every time.
            now: std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_656_633_600),
            assignments: &blankett::Assignments::default(),
        };
        match worker.convert(form, Path::new(file), &ctx) {
            Ok(s) => Some(s),
            Err(e) if e.code() == "internal-error" => panic!("{e}"),
            Err(_) => None,
        }
    })
}

/// The example forms of a round (`examples/forms`), converted: the fuzzed form joins them.
pub static ROUND_FORMS: LazyLock<Vec<Submission>> = LazyLock::new(|| {
    let forms: [(&str, &[u8]); 6] = [
        (
            "farsta-2022-T1.docx",
            include_bytes!("../../../examples/forms/farsta-2022-T1.docx"),
        ),
        (
            "farsta-2022-T1-rattad.docx",
            include_bytes!("../../../examples/forms/farsta-2022-T1-rattad.docx"),
        ),
        (
            "hasselby-vallingby-2022-T1.docx",
            include_bytes!("../../../examples/forms/hasselby-vallingby-2022-T1.docx"),
        ),
        (
            "kungsholmen-2022-T1.docx",
            include_bytes!("../../../examples/forms/kungsholmen-2022-T1.docx"),
        ),
        (
            "ostermalm-2022-T1.docx",
            include_bytes!("../../../examples/forms/ostermalm-2022-T1.docx"),
        ),
        (
            "sodermalm-2022-T1.docx",
            include_bytes!("../../../examples/forms/sodermalm-2022-T1.docx"),
        ),
    ];
    forms
        .iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            convert(bytes.to_vec(), &format!("{i:064}"), name).expect("an example form converts")
        })
        .collect()
});

/// Reads `bytes` twice with one reader and fails when the second read differs from the first:
/// what a reader keeps from form to form (styles, glossary, relationships, content types stored
/// as the same bytes) must not change a result. Returns the first read.
pub fn read_twice(
    reader: &mut blankett::Reader,
    bytes: Vec<u8>,
) -> blankett::Result<blankett::Document> {
    let first = reader.read_bytes(bytes.clone(), Some("fuzz.docx"));
    let again = reader.read_bytes(bytes, Some("fuzz.docx"));
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
    first
}
