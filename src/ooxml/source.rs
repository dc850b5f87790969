//! Where a document came from ([`Source`]): its file and package, and what the producer
//! wrote in its properties parts (`docProps/app.xml`: the application and template;
//! `docProps/core.xml`: when it was last modified). The properties parts' bytes are also
//! data stores for bound controls; that use is [`binding`](super::binding)'s.

use quick_xml::events::Event;

use crate::error::{ErrorKind, Result};
use crate::model::Source;
use crate::package::Package;
use crate::xml;

/// Where the document came from: the file, its package and the properties its producer wrote.
pub(super) fn source(
    pkg: &Package,
    main: String,
    app: Option<&[u8]>,
    core: Option<&[u8]>,
) -> Source {
    let (producer, template) = app.map(app_properties).unwrap_or_default();
    Source {
        file: pkg.file().map(|f| {
            std::path::Path::new(f)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.to_owned())
        }),
        sha256: pkg.sha256().to_owned(),
        bytes: pkg.byte_len(),
        producer,
        template,
        modified: core.and_then(core_modified),
        main_part: main,
        package: pkg.kind(),
        strict: pkg.is_strict(),
    }
}

/// A properties part (`docProps/core.xml`, `docProps/app.xml`), read once for all its uses.
/// Absent or unreadable properties are simply unknown; only the form's limits are errors.
pub(super) fn read_properties(pkg: &mut Package, part: &str) -> Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    match pkg.read_part(part, &mut buf) {
        Ok(true) => Ok(Some(buf)),
        Ok(false) => Ok(None),
        Err(e) if matches!(e.kind, ErrorKind::TooLarge { .. }) => Err(e),
        Err(_) => Ok(None),
    }
}

/// `dcterms:modified` from `docProps/core.xml`, when it is an RFC 3339 time.
fn core_modified(buf: &[u8]) -> Option<String> {
    let text = xml::utf8_view(buf);
    let mut r = xml::fast_reader(&text);
    let mut inside = false;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => inside = e.local_name().as_ref() == b"modified",
            Ok(Event::Text(t)) if inside => {
                let v = t.decode().ok()?.trim().to_owned();
                // 2022-04-20T14:12:00Z: a date, a time and a zone.
                // Checked byte by byte: the text may hold any character (a slice could split one).
                let ok = v.len() >= 20
                    && v.get(..10).is_some_and(crate::schema::is_iso_date)
                    && v.as_bytes()[10] == b'T';
                return ok.then_some(v);
            }
            Ok(Event::End(_)) => inside = false,
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// `Application` + `AppVersion` and `Template` from `docProps/app.xml`.
fn app_properties(buf: &[u8]) -> (Option<String>, Option<String>) {
    let text = xml::utf8_view(buf);
    let mut r = xml::fast_reader(&text);
    let (mut app, mut version, mut template) = (None, None, None);
    let mut current: Option<u8> = None;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => {
                current = match e.local_name().as_ref() {
                    b"Application" => Some(0),
                    b"AppVersion" => Some(1),
                    b"Template" => Some(2),
                    _ => None,
                }
            }
            Ok(Event::Text(t)) => {
                let v = t.decode().map(|s| s.trim().to_owned()).unwrap_or_default();
                if !v.is_empty() {
                    match current {
                        Some(0) => app = Some(v),
                        Some(1) => version = Some(v),
                        Some(2) => template = Some(v),
                        _ => {}
                    }
                }
            }
            Ok(Event::End(_)) => current = None,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let producer = match (app, version) {
        (Some(a), Some(v)) => Some(format!("{a} {v}")),
        (a, v) => a.or(v),
    };
    (producer, template)
}
