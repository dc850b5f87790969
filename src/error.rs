//! One error type that says where: the file, the part, the byte offset, what is wrong and what
//! to do about it.
//!
//! Problems in a *readable* form are not errors: they are [`Warning`](crate::Warning)s with
//! stable codes, reported next to the result.

use std::fmt;

/// A file blankett cannot read, with where and why.
///
/// Displayed as one line, lower case, no trailing period:
/// `Östermalm.docx: word/document.xml@18423: malformed XML: …; the file is damaged, ask for it again`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file name as the user gave it, when there is one.
    pub file: Option<String>,
    /// The package part (`word/document.xml`) the problem is in, when it is in one.
    pub part: Option<String>,
    /// Byte offset inside the part (or the file, when there is no part).
    pub position: Option<u64>,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// What is wrong with a file. Each kind has a stable [`code`](ErrorKind::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file holds nothing (0 bytes); the sender should save the form and send it again.
    #[error("the file is empty (0 bytes); ask the sender to save the form and send it again")]
    Empty,
    /// The file is not a zip package, so no Word document (an RTF, PDF, HTML or text file …); it
    /// must be saved as a Word document (.docx).
    #[error(
        "not a Word document: the file is not a zip package ({found}); open it in Word and save it as a Word document (.docx)"
    )]
    NotZip {
        /// What the file looks like instead (`a PDF document`, `unrecognised content`).
        found: String,
    },
    /// The zip package cannot be read: cut short, changed in transfer or otherwise damaged; ask for
    /// the file again.
    #[error(
        "damaged zip package ({detail}); the file was probably cut short or changed in transfer, ask for it again"
    )]
    DamagedZip {
        /// What is wrong with it (`the compressed data ends too soon`).
        detail: String,
    },
    /// A Word 97-2003 document (.doc); it must be saved as a Word document (.docx) and sent again.
    #[error(
        "a Word 97-2003 document (.doc), not a .docx; open it in Word, save it as a Word document (.docx) and send it again"
    )]
    LegacyDoc,
    /// An Office file encrypted with a password, or a package with an encrypted entry; the password
    /// must be removed in Word and the file sent again.
    #[error(
        "the document is encrypted with a password; remove the password in Word (File > Info > Protect Document) and send it again"
    )]
    Encrypted,
    /// Another kind of file or package (an Excel workbook, a PowerPoint presentation, an
    /// OpenDocument file …); the filled-in Word form is wanted instead.
    #[error("not a Word document: {what}; send the filled-in Word form (.docx) instead")]
    NotWord {
        /// What the file is (`an Excel workbook (.xlsx)`).
        what: String,
    },
    /// A part the document cannot do without (the main document part) is not in the package
    /// although `referrer` names it; the file is damaged, ask for it again.
    #[error(
        "the package has no part {name} although {referrer} refers to it; the file is damaged, ask for it again"
    )]
    MissingPart {
        /// The missing part's name (`word/document.xml`).
        name: String,
        /// What names it (`_rels/.rels`).
        referrer: String,
    },
    /// A part's XML does not parse, or ends inside an open element; the file is damaged, ask for it
    /// again.
    #[error("malformed XML: {detail}; the file is damaged, ask for it again")]
    MalformedXml {
        /// What the XML reader found wrong; the error's `position` says where.
        detail: String,
    },
    /// A part inflates to more than the part size limit; `--max-part-size` raises the limit for a
    /// trusted file.
    #[error(
        "part inflates to more than {limit} bytes (declared {declared}); over the part size limit, raise it with --max-part-size if the file is trusted"
    )]
    PartTooLarge {
        /// The part's inflated size as its zip entry declares it, in bytes.
        declared: u64,
        /// The part size limit, in bytes.
        limit: u64,
    },
    /// A part's declared inflated size is too many times its compressed size (a zip bomb?);
    /// `--max-ratio` raises the limit for a trusted file.
    #[error(
        "part compresses {ratio}:1, over the ratio limit of {limit}:1 (a zip bomb?); raise it with --max-ratio if the file is trusted"
    )]
    RatioTooHigh {
        /// Declared inflated size divided by compressed size, rounded down.
        ratio: u64,
        /// The highest ratio allowed.
        limit: u64,
    },
    /// The zip package has more entries than allowed; `--max-entries` raises the limit for a
    /// trusted file.
    #[error(
        "the package has {count} entries, over the limit of {limit}; raise it with --max-entries if the file is trusted"
    )]
    TooManyEntries {
        /// How many entries the package has.
        count: usize,
        /// The most entries allowed.
        limit: usize,
    },
    /// XML elements nest deeper than allowed; `--max-depth` raises the limit for a trusted file.
    #[error(
        "XML nested more than {limit} elements deep; raise the limit with --max-depth if the file is trusted"
    )]
    TooDeep {
        /// The deepest nesting allowed.
        limit: usize,
    },
    /// The file is larger than the file size limit; `--max-file-size` raises the limit for a
    /// trusted file.
    #[error(
        "the file is {size} bytes, over the file size limit of {limit} bytes; raise it with --max-file-size if the file is trusted"
    )]
    FileTooLarge {
        /// The file's size in bytes (for a file that grew while it was read, the bytes read: one
        /// past the limit).
        size: u64,
        /// The file size limit, in bytes.
        limit: u64,
    },
    /// The form holds more than a per-form budget allows (XML elements, controls, bytes once
    /// inflated, text held in controls); the option named by `flag` raises it for a trusted file.
    #[error(
        "the form holds more than {limit} {what}, over the limit; raise it with {flag} if the file is trusted"
    )]
    TooLarge {
        /// What was counted (`XML elements`, `content controls and form fields` …).
        what: &'static str,
        /// The budget for it.
        limit: u64,
        /// The command-line option that raises the budget (`--max-elements` …).
        flag: &'static str,
    },
    /// A part is compressed with a method Word never writes (bzip2, LZMA, zstd …); the file must be
    /// saved again in Word.
    #[error(
        "part is compressed with {method}, which Word never writes; open the file in Word, save it as a Word document (.docx) and send it again"
    )]
    UnsupportedCompression {
        /// The method's name (`bzip2`, `LZMA`, `an unknown method` …).
        method: String,
    },
    /// The path names no regular file: a folder, a named pipe, a device, a socket, or a symbolic
    /// link met in a folder (never followed).
    #[error("not a regular file ({what}); only Word files can be read")]
    NotAFile {
        /// What it is instead (`a folder`, `a named pipe`, `a symbolic link` …).
        what: String,
    },
    /// A Word file that is not the form: no control is tagged or titled as one of the
    /// questionnaire's questions and no question's text stands in it (a cover letter, say);
    /// position alone does not make a form, since letter templates hold controls too.
    #[error(
        "not the form: none of the questionnaire's questions is in it (by a control's tag or title, or the question's text); if it is the form, the wrong questionnaire was given"
    )]
    NotAForm,
    /// A bug in blankett: reading or mapping the form panicked, or mapping refused options already
    /// checked; the form is skipped, report it with the file.
    #[error("internal error: {message}; the form was skipped, please report it with the file")]
    Internal {
        /// The panic's message, or the mapping error.
        message: String,
    },
    /// The file could not be read (`no such file`, `permission denied` …), or a submission could
    /// not be written (`cannot write …`).
    #[error("cannot read the file: {0}")]
    Io(String),
}

impl ErrorKind {
    /// A stable, machine-readable code for the kind (`not-a-zip`, `encrypted`, …).
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Empty => "empty-file",
            ErrorKind::NotZip { .. } => "not-a-zip",
            ErrorKind::DamagedZip { .. } => "damaged-zip",
            ErrorKind::LegacyDoc => "legacy-doc",
            ErrorKind::Encrypted => "encrypted",
            ErrorKind::NotWord { .. } => "not-word",
            ErrorKind::MissingPart { .. } => "missing-part",
            ErrorKind::MalformedXml { .. } => "malformed-xml",
            ErrorKind::PartTooLarge { .. } => "part-too-large",
            ErrorKind::RatioTooHigh { .. } => "ratio-too-high",
            ErrorKind::TooManyEntries { .. } => "too-many-entries",
            ErrorKind::TooDeep { .. } => "too-deep",
            ErrorKind::FileTooLarge { .. } => "file-too-large",
            ErrorKind::TooLarge { .. } => "too-large",
            ErrorKind::UnsupportedCompression { .. } => "unsupported-compression",
            ErrorKind::NotAFile { .. } => "not-a-file",
            ErrorKind::NotAForm => "not-a-form",
            ErrorKind::Internal { .. } => "internal-error",
            ErrorKind::Io(_) => "io",
        }
    }
}

/// What a reminder says of a form that failed with `code` (an [`ErrorKind::code`], as
/// `report.json` records it): what went wrong in a few words and what to ask the committee for.
/// `status` shows it under the form's respondent (`form failed: Word 97-2003 .doc, ask for
/// .docx`); a code a later version wrote gets a general sentence.
pub fn reminder_reason(code: &str) -> &'static str {
    match code {
        "empty-file" => "the file is empty, ask for the form again",
        "not-a-zip" => "not a Word document, ask for the form saved as .docx",
        "damaged-zip" | "missing-part" | "malformed-xml" => "the file is damaged, ask for it again",
        "legacy-doc" => "Word 97-2003 .doc, ask for .docx",
        "encrypted" => "protected by a password, ask for it without the password",
        "not-word" => "not a Word document, ask for the filled-in form (.docx)",
        "unsupported-compression" => "not saved by Word, ask for it saved again in Word as .docx",
        "part-too-large" | "ratio-too-high" | "too-many-entries" | "too-deep"
        | "file-too-large" | "too-large" => {
            "over a size limit, check the file and raise the limit if it is trusted"
        }
        "not-a-file" => "not a regular file, put the form itself in the folder",
        "not-a-form" => "not the form (a letter?), ask for the filled-in form",
        "internal-error" => "blankett could not read it (a bug), report it with the file",
        "io" => "could not be read here, check that the file is there and readable",
        _ => "could not be read, see report.json",
    }
}

impl Error {
    /// An error with no location yet; [`in_file`](Error::in_file) and [`in_part`](Error::in_part)
    /// add it on the way up.
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            file: None,
            part: None,
            position: None,
            kind,
        }
    }

    /// Sets the file name unless one is set already.
    pub fn in_file(mut self, file: Option<&str>) -> Self {
        if self.file.is_none() {
            self.file = file.map(str::to_owned);
        }
        self
    }

    /// Sets the part name unless one is set already.
    pub fn in_part(mut self, part: &str) -> Self {
        if self.part.is_none() {
            self.part = Some(part.to_owned());
        }
        self
    }

    /// Sets the byte offset.
    pub fn at(mut self, position: u64) -> Self {
        self.position = Some(position);
        self
    }

    /// The stable code of the error's kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        match (&self.part, self.position) {
            (Some(part), Some(pos)) => write!(f, "{part}@{pos}: ")?,
            (Some(part), None) => write!(f, "{part}: ")?,
            (None, _) => {}
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for Error {
    /// The kind of error, itself an error: where the file, part and position end.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}

/// Results of reading a file.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_part_and_position() {
        let e = Error::new(ErrorKind::MalformedXml {
            detail: "unexpected end of input in w:sdtContent".into(),
        })
        .at(18423)
        .in_part("word/document.xml")
        .in_file(Some("Östermalm.docx"));
        assert_eq!(
            e.to_string(),
            "Östermalm.docx: word/document.xml@18423: malformed XML: unexpected end of input in w:sdtContent; the file is damaged, ask for it again"
        );
        assert_eq!(e.code(), "malformed-xml");
    }

    /// Every code an error can have (as `report.schema.json` lists them) has its own reminder.
    #[test]
    fn every_error_code_has_a_reminder_reason() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../schemas/report.schema.json")).unwrap();
        let listed = schema["$defs"]["error"]["properties"]["code"]["description"]
            .as_str()
            .unwrap();
        let codes: Vec<&str> = listed.split('`').skip(1).step_by(2).collect();
        assert!(codes.len() >= 19, "{codes:?}");
        let general = reminder_reason("form-withdrawn");
        for code in codes {
            assert_ne!(reminder_reason(code), general, "{code}");
        }
        assert_eq!(
            reminder_reason("legacy-doc"),
            "Word 97-2003 .doc, ask for .docx"
        );
    }

    #[test]
    fn outer_location_does_not_replace_inner_one() {
        let e = Error::new(ErrorKind::Empty)
            .in_file(Some("a.docx"))
            .in_file(Some("b.docx"));
        assert_eq!(e.file.as_deref(), Some("a.docx"));
    }
}
