//! Writing results: every output file is written whole or not at all (a temporary file in the
//! same folder, renamed over the target), so a crash or a full disk never leaves half a file.
//! Also the small helpers for text a terminal shows ([`for_terminal`], [`plural`]).

use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

/// Writes `bytes` to `path` atomically and durably: once this returns, the file survives a
/// power cut.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write(path, bytes, true)
}

/// Serializes `value` as [`to_json`] does, straight into `path`, atomically, without holding
/// the whole text in memory. Returns the length written.
///
/// Without `sync` the flush is left to the system: a crash of the process never leaves half a
/// file, but a power cut right after may leave it empty. That is for the many small files of a
/// batch, whose index (written durably, last) records their lengths so that the next run
/// converts again any file that did not survive; a flush per file costs more than converting
/// the form.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T, sync: bool) -> std::io::Result<u64> {
    write_with(path, sync, |file| {
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, file);
        serde_json::to_writer_pretty(&mut w, value).map_err(std::io::Error::other)?;
        w.write_all(b"\n")?;
        w.flush()
    })
}

fn write(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    write_with(path, sync, |file| file.write_all(bytes)).map(|_| ())
}

fn write_with(
    path: &Path,
    sync: bool,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<u64> {
    if let Some(mut device) = open_device(path)? {
        fill(&mut device)?;
        // A device has no length to report; what was written went where the user sent it.
        return Ok(0);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".blankett-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(without_temporary_path)?;
    fill(tmp.as_file_mut())?;
    let len = tmp.as_file().metadata()?.len();
    if sync {
        tmp.as_file().sync_all()?;
    }
    // A temporary file is readable by its owner only; the result gets the permissions the
    // file it replaces had, or those of a newly made file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(len)
}

/// `path` opened for writing when it is a device or a pipe (`-o /dev/null`, `-o /dev/stdout`):
/// such a target is written into, never replaced, since renaming a file over it would put a
/// regular file where the device was (for root, even over `/dev/null`).
fn open_device(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() && !m.is_dir() => {
            std::fs::OpenOptions::new().write(true).open(path).map(Some)
        }
        _ => Ok(None),
    }
}

/// tempfile's error, which names the temporary file it tried to make, as its kind alone
/// (`permission denied`): the user named another file, and a `.blankett-…tmp` path in a
/// message only confuses. tempfile keeps the system's error private, so its kind is what is
/// left to say.
fn without_temporary_path(e: std::io::Error) -> std::io::Error {
    if e.raw_os_error().is_none() && e.get_ref().is_some() {
        std::io::Error::from(e.kind())
    } else {
        e
    }
}

/// Text as a terminal or a log may show it: control characters (a newline or an escape
/// sequence in a file name, say) are written as escapes, so a name cannot forge a line or
/// move the cursor.
pub fn for_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The plural ending of an English noun for a count: `1 control`, `2 controls`.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Serializes a value as the project writes JSON: pretty, UTF-8, a final line break.
pub fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("the output types serialize");
    out.push(b'\n');
    out
}

/// Which program wrote an output, for the reader who finds the file later.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Generator {
    /// The program's name (`blankett`).
    pub name: String,
    /// Its version (`0.1.0`).
    pub version: String,
}

impl Generator {
    /// This build of blankett.
    pub fn current() -> Generator {
        Generator {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

impl std::fmt::Display for Generator {
    /// `blankett 0.1.0`, as a document property or a report's closing line names it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

/// Temporary files a killed run may have left behind in `dir`.
pub fn clean_temporary_files(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".blankett-") && name.ends_with(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// A time as RFC 3339 in UTC, to the second (`2022-04-20T14:12:00Z`).
pub fn rfc3339(t: SystemTime) -> String {
    match jiff::Timestamp::try_from(t) {
        Ok(ts) => ts.round(jiff::Unit::Second).unwrap_or(ts).to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_named_with_its_version() {
        let g = Generator::current();
        assert_eq!(
            g.to_string(),
            format!("blankett {}", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert_eq!(for_terminal("Östermalm.docx"), "Östermalm.docx");
        assert_eq!(
            for_terminal("a\nbatch: 0 failed\u{1b}[2K.docx"),
            "a\\nbatch: 0 failed\\u{1b}[2K.docx"
        );
    }

    #[test]
    fn a_write_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("svar.json");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn results_are_readable_like_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("svar.json");
        write_atomic(&p, b"x").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }

    #[test]
    fn json_written_in_place_reads_as_to_json_writes_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("svar.json");
        let value = serde_json::json!({"svar": "Ja – med \"citat\"", "n": [1, 2]});
        let len = write_json(&p, &value, false).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(bytes, to_json(&value));
        assert_eq!(len, bytes.len() as u64);
    }

    #[test]
    fn a_folder_that_does_not_exist_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("saknas").join("svar.json");
        assert!(write_atomic(&p, b"x").is_err());
        assert!(!p.exists());
    }

    /// `-o /dev/null` once made a regular file of /dev/null when run as root; a pipe stands in
    /// for the device here.
    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_into_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe");
        let c = std::ffi::CString::new(pipe.to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reading = pipe.clone();
        let reader = std::thread::spawn(move || std::fs::read(reading));
        write_atomic(&pipe, b"form").unwrap();
        let kind = std::fs::symlink_metadata(&pipe).unwrap().file_type();
        assert!(kind.is_fifo(), "the pipe was replaced by a file");
        assert_eq!(reader.join().unwrap().unwrap(), b"form");
    }
}
