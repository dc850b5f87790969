//! Reading a form's file from disk without trusting it: a named pipe, a device, a symbolic link
//! put in an inbox or a file that grows while it is read must not hang a run, fill memory or
//! send it elsewhere.
//!
//! The file is opened once (not following a symbolic link when the caller asks so, and without
//! blocking, so a named pipe with no writer does not wait forever), checked on the open handle
//! to be a regular file, its size checked against the limit before anything is read, and then
//! read up to the limit and no further.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use crate::error::{Error, ErrorKind};
use crate::limits::Limits;

/// Whether a symbolic link is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// The user named the file: a link to a form is read.
    Follow,
    /// The file was found in a folder: a link is not a form (it may point anywhere).
    Refuse,
}

/// A form's bytes as read, with what the file system says of it.
#[derive(Debug)]
pub struct FormFile {
    /// The file's content, at most the limit's `max_file_bytes` long.
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// The file's own modification time.
    pub modified: Option<SystemTime>,
}

/// Reads the form at `path` within `limits.max_file_bytes`.
pub fn read(path: &Path, limits: &Limits, links: Links) -> Result<FormFile, Error> {
    let name = path.display().to_string();
    read_inner(path, limits, links).map_err(|e| e.in_file(Some(&name)))
}

fn read_inner(path: &Path, limits: &Limits, links: Links) -> Result<FormFile, Error> {
    let mut file = open(path, links)?;
    let meta = file.metadata().map_err(io_error)?;
    if !meta.is_file() {
        return Err(not_a_file(&meta).into());
    }
    if meta.len() > limits.max_file_bytes {
        return Err(too_large(meta.len(), limits));
    }
    // The size told is a hint: the file may grow while it is read, so never past the limit.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file)
        .take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(bytes.len() as u64, limits));
    }
    Ok(FormFile {
        sha256: crate::hash::sha256_hex(&bytes),
        bytes,
        modified: meta.modified().ok(),
    })
}

#[cfg(unix)]
fn open(path: &Path, links: Links) -> Result<File, Error> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|e| {
            if links == Links::Refuse && e.raw_os_error() == Some(libc::ELOOP) {
                ErrorKind::NotAFile {
                    what: "a symbolic link".into(),
                }
                .into()
            } else {
                io_error(e)
            }
        })
}

#[cfg(not(unix))]
fn open(path: &Path, _links: Links) -> Result<File, Error> {
    File::open(path).map_err(io_error)
}

fn not_a_file(meta: &std::fs::Metadata) -> ErrorKind {
    let t = meta.file_type();
    let what = if t.is_dir() {
        "a folder"
    } else {
        kind_of_special_file(&t)
    };
    ErrorKind::NotAFile { what: what.into() }
}

#[cfg(unix)]
fn kind_of_special_file(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a named pipe"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn kind_of_special_file(_t: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

fn too_large(size: u64, limits: &Limits) -> Error {
    ErrorKind::FileTooLarge {
        size,
        limit: limits.max_file_bytes,
    }
    .into()
}

fn io_error(e: std::io::Error) -> Error {
    let detail = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string().to_lowercase(),
    };
    ErrorKind::Io(detail).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max: u64) -> Limits {
        Limits {
            max_file_bytes: max,
            ..Limits::default()
        }
    }

    #[test]
    fn a_file_is_read_whole_with_its_hash_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.docx");
        std::fs::write(&p, b"abc").unwrap();
        let f = read(&p, &limits(10), Links::Refuse).unwrap();
        assert_eq!(f.bytes, b"abc");
        assert_eq!(
            f.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(f.modified.is_some());
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.docx");
        let f = File::create(&p).unwrap();
        f.set_len(1 << 40).unwrap(); // a terabyte, sparse: reading it would never end
        let e = read(&p, &limits(1 << 20), Links::Refuse).unwrap_err();
        assert_eq!(e.code(), "file-too-large");
        assert!(e.to_string().contains("big.docx"), "{e}");
    }

    #[test]
    fn a_folder_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), &limits(10), Links::Follow).unwrap_err();
        assert_eq!(e.code(), "not-a-file");
        assert!(e.to_string().contains("a folder"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.docx");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = read(&p, &limits(10), Links::Follow).unwrap_err();
        assert_eq!(e.code(), "not-a-file");
        assert!(e.to_string().contains("named pipe"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_and_never_read() {
        let e = read(Path::new("/dev/zero"), &limits(10), Links::Follow).unwrap_err();
        assert_eq!(e.code(), "not-a-file");
        assert!(e.to_string().contains("a device"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.docx");
        std::fs::write(&target, b"abc").unwrap();
        let link = dir.path().join("link.docx");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(
            read(&link, &limits(10), Links::Follow).unwrap().bytes,
            b"abc"
        );
        let e = read(&link, &limits(10), Links::Refuse).unwrap_err();
        assert_eq!(e.code(), "not-a-file");
        assert!(e.to_string().contains("symbolic link"), "{e}");
    }
}
