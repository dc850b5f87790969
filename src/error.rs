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
    /// Every code a kind can have, as [`code`](ErrorKind::code) gives them and `report.json`
    /// records them.
    pub const CODES: [&'static str; 19] = [
        "empty-file",
        "not-a-zip",
        "damaged-zip",
        "legacy-doc",
        "encrypted",
        "not-word",
        "missing-part",
        "malformed-xml",
        "part-too-large",
        "ratio-too-high",
        "too-many-entries",
        "too-deep",
        "file-too-large",
        "too-large",
        "unsupported-compression",
        "not-a-file",
        "not-a-form",
        "internal-error",
        "io",
    ];

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

/// A code explained in Swedish to the people who read it (the analyst, on the page): a short
/// title, what happened, and what to do about it when something is to be done. Errors
/// ([`explain_error`]) always say what to do; warnings ([`WarningCode::explain`]) say it in
/// their meaning when it matters.
///
/// [`WarningCode::explain`]: crate::WarningCode::explain
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    /// A few words, for a heading or a list (`Gammalt Word-format`).
    pub title: &'static str,
    /// What happened, in a sentence or two.
    pub meaning: &'static str,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<&'static str>,
}

/// Who can raise a size limit: the one who runs blankett, with the option named.
macro_rules! raise_limit {
    ($flag:literal) => {
        concat!(
            "Kontrollera var filen kommer ifrån. Är den betrodd kan den som driver blankett höja gränsen med ",
            $flag,
            "."
        )
    };
}

/// What each error code means, in Swedish: title, meaning, what to do.
const EXPLAINED: [(&str, Explanation); 19] = [
    (
        "empty-file",
        Explanation {
            title: "Tom fil",
            meaning: "Filen är tom (0 byte).",
            action: Some("Be nämnden spara formuläret igen och skicka det på nytt."),
        },
    ),
    (
        "not-a-zip",
        Explanation {
            title: "Inte ett Word-dokument",
            meaning: "Filen är inte ett Word-dokument (.docx) utan till exempel en PDF-, RTF- eller textfil.",
            action: Some(
                "Be nämnden öppna formuläret i Word, spara det som Word-dokument (.docx) och skicka igen.",
            ),
        },
    ),
    (
        "damaged-zip",
        Explanation {
            title: "Skadad fil",
            meaning: "Filen är skadad. Troligen blev den avkortad eller ändrad när den skickades.",
            action: Some("Be nämnden skicka filen igen."),
        },
    ),
    (
        "legacy-doc",
        Explanation {
            title: "Gammalt Word-format (.doc)",
            meaning: "Filen är i Word 97–2003-format (.doc).",
            action: Some("Be nämnden spara om den som .docx och skicka igen."),
        },
    ),
    (
        "encrypted",
        Explanation {
            title: "Lösenordsskyddad",
            meaning: "Dokumentet är skyddat med lösenord och kan inte läsas.",
            action: Some(
                "Be nämnden ta bort lösenordet i Word (Arkiv > Information > Skydda dokument) och skicka igen.",
            ),
        },
    ),
    (
        "not-word",
        Explanation {
            title: "Inte ett Word-dokument",
            meaning: "Filen är en annan sorts dokument, till exempel en Excel-arbetsbok, en PowerPoint-presentation eller en OpenDocument-fil.",
            action: Some("Be nämnden skicka det ifyllda Word-formuläret (.docx) i stället."),
        },
    ),
    (
        "missing-part",
        Explanation {
            title: "Skadad fil",
            meaning: "En del som dokumentet inte klarar sig utan saknas i filen.",
            action: Some("Be nämnden skicka filen igen."),
        },
    ),
    (
        "malformed-xml",
        Explanation {
            title: "Skadad fil",
            meaning: "Dokumentets innehåll går inte att tolka. Filen är skadad.",
            action: Some("Be nämnden skicka filen igen."),
        },
    ),
    (
        "part-too-large",
        Explanation {
            title: "För stor del",
            meaning: "En del av dokumentet blir större än gränsen när den packas upp.",
            action: Some(raise_limit!("--max-part-size")),
        },
    ),
    (
        "ratio-too-high",
        Explanation {
            title: "Misstänkt packad fil",
            meaning: "Filen packas upp till många gånger sin egen storlek. Så ser en fil ut som ska överbelasta datorn (en zip-bomb).",
            action: Some(raise_limit!("--max-ratio")),
        },
    ),
    (
        "too-many-entries",
        Explanation {
            title: "För många delar",
            meaning: "Filen består av fler delar än gränsen tillåter.",
            action: Some(raise_limit!("--max-entries")),
        },
    ),
    (
        "too-deep",
        Explanation {
            title: "För djup struktur",
            meaning: "Dokumentets innehåll är inbäddat i fler nivåer än gränsen tillåter.",
            action: Some(raise_limit!("--max-depth")),
        },
    ),
    (
        "file-too-large",
        Explanation {
            title: "För stor fil",
            meaning: "Filen är större än den största storlek som tas emot.",
            action: Some(
                "Be nämnden ta bort stora bilder ur formuläret och skicka igen. Är filen betrodd kan den som driver blankett höja gränsen med --max-file-size.",
            ),
        },
    ),
    (
        "too-large",
        Explanation {
            title: "För stort formulär",
            meaning: "Formuläret innehåller mer text, fler fält eller fler element än gränsen tillåter.",
            action: Some(
                "Kontrollera att det är rätt fil. Är den betrodd kan den som driver blankett höja gränsen med det alternativ som felmeddelandet nämner.",
            ),
        },
    ),
    (
        "unsupported-compression",
        Explanation {
            title: "Inte sparad av Word",
            meaning: "Filen är packad på ett sätt som Word aldrig använder. Den har sparats av ett annat program.",
            action: Some(
                "Be nämnden öppna filen i Word, spara den som Word-dokument (.docx) och skicka igen.",
            ),
        },
    ),
    (
        "not-a-file",
        Explanation {
            title: "Inte en fil",
            meaning: "Det som lästes är inte en vanlig fil utan till exempel en mapp eller en genväg.",
            action: Some("Lägg själva formulärfilen i mappen."),
        },
    ),
    (
        "not-a-form",
        Explanation {
            title: "Inte formuläret",
            meaning: "Filen är ett Word-dokument men inte formuläret: ingen av frågorna finns i den. Det kan vara ett följebrev.",
            action: Some(
                "Be nämnden skicka det ifyllda formuläret. Är det ändå formuläret, kontakta den som driver blankett: fel frågeformulär kan vara inläst.",
            ),
        },
    ),
    (
        "internal-error",
        Explanation {
            title: "Internt fel",
            meaning: "blankett kunde inte läsa filen på grund av ett fel i programmet. Formuläret hoppades över.",
            action: Some(
                "Spara filen och rapportera felet till den som driver blankett, med filen bifogad.",
            ),
        },
    ),
    (
        "io",
        Explanation {
            title: "Kunde inte läsas",
            meaning: "Filen kunde inte läsas, eller resultatet kunde inte sparas.",
            action: Some(
                "Kontrollera att filen finns och går att öppna, och försök igen. Hjälper det inte, kontakta den som driver blankett.",
            ),
        },
    ),
];

/// What error `code` (an [`ErrorKind::code`]) means, in Swedish: what happened to the form and
/// what to do. `None` for a code this version does not know (a later version wrote it).
pub fn explain_error(code: &str) -> Option<Explanation> {
    EXPLAINED.iter().find(|(c, _)| *c == code).map(|(_, e)| *e)
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

    /// One error of each kind. Listed by hand: the kinds carry data, so there is no list to
    /// take them from; a kind missing here fails the count below.
    fn one_of_each() -> Vec<ErrorKind> {
        let s = String::new;
        vec![
            ErrorKind::Empty,
            ErrorKind::NotZip { found: s() },
            ErrorKind::DamagedZip { detail: s() },
            ErrorKind::LegacyDoc,
            ErrorKind::Encrypted,
            ErrorKind::NotWord { what: s() },
            ErrorKind::MissingPart {
                name: s(),
                referrer: s(),
            },
            ErrorKind::MalformedXml { detail: s() },
            ErrorKind::PartTooLarge {
                declared: 0,
                limit: 0,
            },
            ErrorKind::RatioTooHigh { ratio: 0, limit: 0 },
            ErrorKind::TooManyEntries { count: 0, limit: 0 },
            ErrorKind::TooDeep { limit: 0 },
            ErrorKind::FileTooLarge { size: 0, limit: 0 },
            ErrorKind::TooLarge {
                what: "",
                limit: 0,
                flag: "",
            },
            ErrorKind::UnsupportedCompression { method: s() },
            ErrorKind::NotAFile { what: s() },
            ErrorKind::NotAForm,
            ErrorKind::Internal { message: s() },
            ErrorKind::Io(s()),
        ]
    }

    /// Every code a kind has, and every code `report.schema.json` lists, is in
    /// [`ErrorKind::CODES`] and explained in Swedish, each with what to do.
    #[test]
    fn every_error_code_is_explained_in_swedish() {
        let kinds = one_of_each();
        assert_eq!(kinds.len(), ErrorKind::CODES.len());
        for kind in &kinds {
            assert!(ErrorKind::CODES.contains(&kind.code()), "{kind:?}");
        }
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../schemas/report.schema.json")).unwrap();
        let listed = schema["$defs"]["error"]["properties"]["code"]["description"]
            .as_str()
            .unwrap();
        let mut listed: Vec<&str> = listed.split('`').skip(1).step_by(2).collect();
        let mut codes = ErrorKind::CODES.to_vec();
        listed.sort_unstable();
        codes.sort_unstable();
        assert_eq!(listed, codes);
        for code in ErrorKind::CODES {
            let e = explain_error(code).unwrap_or_else(|| panic!("{code} is not explained"));
            for text in [e.title, e.meaning, e.action.unwrap_or_default()] {
                assert!(!text.is_empty(), "{code}");
            }
            assert!(e.meaning.ends_with('.'), "{code}: {}", e.meaning);
        }
        assert_eq!(EXPLAINED.len(), ErrorKind::CODES.len());
        assert_eq!(explain_error("form-withdrawn"), None);
        assert_eq!(
            explain_error("legacy-doc").unwrap().meaning,
            "Filen är i Word 97–2003-format (.doc)."
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
