//! The `blankett` command line: a thin layer over the library. Arguments are parsed into a
//! checked configuration before any work starts; each failing file gets one line on stderr and
//! the run goes on; the exit code says whether anything failed.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use blankett::mapping::{self, Options};
use blankett::schema::{Questionnaire, Registry};
use blankett::{Limits, Reader};

/// Exit code: every input was converted.
const EXIT_OK: u8 = 0;
/// Exit code: some input failed; the others were still handled.
const EXIT_SOME_FAILED: u8 = 1;
/// Exit code: usage or configuration error (clap uses 2 as well).
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "blankett",
    version,
    about = "Turns returned Word forms into normalized JSON",
    long_about = "Turns returned Word forms into normalized JSON.\n\n\
        blankett reads the content controls and legacy form fields of .docx, .docm, .dotx and \
        .dotm files exactly as Word saved them: their tags, titles, types, values and visible \
        text, and whether they still show their placeholder.",
    after_help = "Exit codes: 0 every file was read, 1 some file could not be read (the others \
        were), 2 usage error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the content controls and form fields of Word files
    #[command(
        long_about = "List the content controls and legacy form fields of Word files.\n\n\
        For each file, a table: position, part (document, header1, footnotes …), level (block, \
        inline, row, cell; /table or /textbox where it stands there), type (nested controls are \
        indented under their parent), tag, title (alias), status (answered, placeholder, empty) \
        and the value or the start of the text. Warnings follow the table.\n\n\
        A file that cannot be read gets one line on stderr saying what is wrong and what to do; \
        the other files are still listed."
    )]
    Inspect(InspectArgs),
    /// Convert a returned form into a submission (JSON)
    #[command(
        long_about = "Convert a returned form into a submission: every question of the \
        questionnaire answered, unanswered or missing, with the respondent, the round and the \
        contact details, as JSON (schemas/submission.schema.json).\n\n\
        Controls are matched to questions by tag, title, the question text before them and their \
        position; text written outside the controls under a question belongs to it; what answers \
        nothing is kept in `unmapped`. The respondent comes from the form's committee field, else \
        the file name; the round from the form, else the folder or file name. Options override \
        what the form says."
    )]
    Convert(ConvertArgs),
    /// Write the blank Word template of a questionnaire variant
    #[command(
        long_about = "Write the blank Word template of a questionnaire variant: the title, \
        the header fields in a table, a heading per focus area, and under each question a \
        rich-text content control tagged with the question's id, titled with its short label, \
        showing a placeholder. Forms filled in from it map by tag."
    )]
    Template(TemplateArgs),
    /// Work with questionnaire and registry files
    #[command(subcommand)]
    Schema(SchemaCommand),
}

#[derive(Args)]
struct TemplateArgs {
    /// The variant (required when the questionnaire has more than one)
    #[arg(long, value_name = "ID")]
    variant: Option<String>,

    /// Questionnaire file (default: the built-in naringsliv-uppfoljning 2022)
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,

    /// Where to write the template (.docx)
    #[arg(short, long, value_name = "FILE", required = true)]
    output: PathBuf,
}

#[derive(Subcommand)]
enum SchemaCommand {
    /// Check questionnaire or registry files and say what is wrong
    #[command(
        long_about = "Check questionnaire or registry files (schemas/README.md describes \
        both formats): their shape against the format's JSON Schema, then what a schema cannot \
        say: unique ids, stable ASCII ids, variants and areas that exist, tags and titles that \
        say one question, validity dates, organisation numbers. Prints one line per problem, \
        with where it is. Exit code 1 when a file has problems."
    )]
    Check {
        /// Questionnaire or registry files (JSON)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

#[derive(Args)]
struct ConvertArgs {
    /// The returned Word form (.docx, .docm, .dotx, .dotm)
    #[arg(value_name = "FORM")]
    form: PathBuf,

    /// Write the submission here (whole or not at all) instead of to standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    #[command(flatten)]
    mapping: MappingArgs,

    /// Leave the contact details (personal data) out
    #[arg(long)]
    redact_contact: bool,

    #[command(flatten)]
    limits: LimitArgs,
}

/// How forms are mapped to the questionnaire.
#[derive(Args, Clone)]
struct MappingArgs {
    /// Questionnaire file (default: the built-in naringsliv-uppfoljning 2022)
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,

    /// Registry of respondents (default: the built-in Stockholm registry)
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,

    /// Template variant, instead of detecting it from the questions the form holds
    #[arg(long, value_name = "ID")]
    variant: Option<String>,

    /// Reporting round (2022-T1, 2022-T2, 2022-VB), instead of reading it from the form or its
    /// folder or file name
    #[arg(long, value_name = "ROUND")]
    round: Option<String>,

    /// Respondent (registry id or name), instead of reading it from the form or its file name
    #[arg(long, value_name = "ID|NAME")]
    respondent: Option<String>,
}

/// A checked mapping configuration.
struct Mapping {
    questionnaire: Questionnaire,
    registry: Registry,
    args: MappingArgs,
}

impl MappingArgs {
    fn load(self) -> Result<Mapping, String> {
        let questionnaire = match &self.schema {
            Some(p) => Questionnaire::load(p).map_err(|e| e.to_string())?,
            None => Questionnaire::builtin(),
        };
        let registry = match &self.registry {
            Some(p) => Registry::load(p).map_err(|e| e.to_string())?,
            None => Registry::builtin(),
        };
        let m = Mapping {
            questionnaire,
            registry,
            args: self,
        };
        mapping::check_options(&m.questionnaire, &m.registry, &m.options(None))
            .map_err(|e| e.to_string())?;
        Ok(m)
    }
}

impl Mapping {
    fn options<'a>(&'a self, path: Option<&'a std::path::Path>) -> Options<'a> {
        Options {
            variant: self.args.variant.as_deref(),
            round: self.args.round.as_deref(),
            respondent: self.args.respondent.as_deref(),
            path,
        }
    }
}

#[derive(Args)]
struct InspectArgs {
    /// Word files to read (.docx, .docm, .dotx, .dotm)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Print the full model as JSON instead of a table: one object for one file, an array for
    /// several
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    limits: LimitArgs,
}

/// Limits against hostile files; each can be raised for a trusted file.
#[derive(Args, Clone, Copy)]
struct LimitArgs {
    /// Largest file accepted, in MiB
    #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_file_bytes >> 20)]
    max_file_size: u64,

    /// Largest size one part of the package may inflate to, in MiB
    #[arg(long, value_name = "MIB", default_value_t = Limits::default().max_part_bytes >> 20)]
    max_part_size: u64,

    /// Highest compression ratio accepted for a part over 1 MiB (zip bomb guard)
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_ratio)]
    max_ratio: u64,

    /// Most entries the zip package may hold
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_entries)]
    max_entries: usize,

    /// Deepest XML element nesting accepted
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth)]
    max_depth: usize,
}

impl LimitArgs {
    fn limits(self) -> Result<Limits, String> {
        if self.max_depth < 8 {
            return Err("--max-depth must be at least 8".into());
        }
        if self.max_ratio == 0 {
            return Err("--max-ratio must be at least 1".into());
        }
        Ok(Limits {
            max_file_bytes: self.max_file_size.saturating_mul(1 << 20),
            max_part_bytes: self.max_part_size.saturating_mul(1 << 20),
            max_ratio: self.max_ratio,
            max_entries: self.max_entries,
            max_depth: self.max_depth,
            ..Limits::default()
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => inspect(args),
        Command::Convert(args) => convert(args),
        Command::Template(args) => template(args),
        Command::Schema(SchemaCommand::Check { files }) => schema_check(&files),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Usage(msg)) => {
            eprintln!("blankett: {msg}");
            ExitCode::from(EXIT_USAGE)
        }
        // The reader went away (`blankett inspect … | head`): not an error.
        Err(Failure::BrokenPipe) => ExitCode::from(EXIT_OK),
        Err(Failure::Io(e)) => {
            eprintln!("blankett: cannot write the output: {e}");
            ExitCode::from(EXIT_SOME_FAILED)
        }
    }
}

enum Failure {
    Usage(String),
    BrokenPipe,
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Io(e)
        }
    }
}

fn inspect(args: InspectArgs) -> Result<u8, Failure> {
    let limits = args.limits.limits().map_err(Failure::Usage)?;
    let mut reader = Reader::new(limits);
    let stdout = io::stdout();
    // On a terminal the table fits its width; into a file or a pipe nothing is cut.
    let width = stdout
        .is_terminal()
        .then(|| terminal_size::terminal_size().map_or(120, |(w, _)| w.0 as usize));
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut docs = Vec::new();
    for (i, path) in args.files.iter().enumerate() {
        match reader.read_path(path) {
            Ok(doc) if args.json => docs.push(doc),
            Ok(doc) => {
                if i > 0 {
                    writeln!(out)?;
                }
                out.write_all(blankett::inspect::table(&doc, width).as_bytes())?;
            }
            Err(e) => {
                out.flush()?;
                eprintln!("{e}");
                failed += 1;
            }
        }
    }
    if args.json {
        let json = if args.files.len() == 1 {
            docs.first().map(serde_json::to_string_pretty)
        } else {
            Some(serde_json::to_string_pretty(&docs))
        };
        if let Some(json) = json {
            let json = json.map_err(|e| Failure::Io(io::Error::other(e)))?;
            writeln!(out, "{json}")?;
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

fn convert(args: ConvertArgs) -> Result<u8, Failure> {
    let limits = args.limits.limits().map_err(Failure::Usage)?;
    let mapping = args.mapping.load().map_err(Failure::Usage)?;
    let doc = match Reader::new(limits).read_path(&args.form) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("{e}");
            return Ok(EXIT_SOME_FAILED);
        }
    };
    let mut submission = mapping::map(
        &doc,
        &mapping.questionnaire,
        &mapping.registry,
        &mapping.options(Some(&args.form)),
    )
    .map_err(|e| Failure::Usage(e.to_string()))?;
    if args.redact_contact {
        submission.redact_contact();
    }
    let json = blankett::output::to_json(&submission);
    match &args.output {
        Some(path) => blankett::output::write_atomic(path, &json).map_err(|e| {
            Failure::Io(io::Error::new(
                e.kind(),
                format!("{}: {}", path.display(), e.to_string().to_lowercase()),
            ))
        })?,
        None => {
            let mut out = io::stdout().lock();
            out.write_all(&json)?;
            out.flush()?;
        }
    }
    Ok(EXIT_OK)
}

fn schema_check(files: &[PathBuf]) -> Result<u8, Failure> {
    let mut out = io::stdout().lock();
    let mut failed = 0;
    for f in files {
        match blankett::schema::check_file(f) {
            Ok(report) if report.problems.is_empty() => {
                writeln!(out, "{}: ok, {}", f.display(), report.summary)?;
            }
            Ok(report) => {
                failed += 1;
                writeln!(
                    out,
                    "{}: {} problem{}",
                    f.display(),
                    report.problems.len(),
                    if report.problems.len() == 1 { "" } else { "s" }
                )?;
                for p in &report.problems {
                    writeln!(out, "  {p}")?;
                }
            }
            Err(e) => {
                failed += 1;
                out.flush()?;
                eprintln!("{e}");
            }
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

fn template(args: TemplateArgs) -> Result<u8, Failure> {
    let q = match &args.schema {
        Some(p) => Questionnaire::load(p).map_err(|e| Failure::Usage(e.to_string()))?,
        None => Questionnaire::builtin(),
    };
    let variant = match (&args.variant, q.variants.as_slice()) {
        (Some(v), _) => v.clone(),
        (None, [only]) => only.id.clone(),
        (None, variants) => {
            return Err(Failure::Usage(format!(
                "say which variant with --variant: {}",
                variants
                    .iter()
                    .map(|v| v.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let bytes = blankett::template::write_template(&q, &variant)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    blankett::output::write_atomic(&args.output, &bytes).map_err(|e| {
        Failure::Io(io::Error::new(
            e.kind(),
            format!(
                "{}: {}",
                args.output.display(),
                e.to_string().to_lowercase()
            ),
        ))
    })?;
    Ok(EXIT_OK)
}
