//! `blankett template`.

use std::path::PathBuf;

use clap::Args;

use blankett::{NotARoundId, Questionnaire, TemplateOptions};

use super::{EXIT_OK, Failure, io_failure};

/// Write the blank Word template of a questionnaire variant
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "Write the blank Word template of a questionnaire variant: the title, \
    the header fields in a table, the deadline and how to send the form back, a heading per \
    focus area, and under each question a rich-text content control tagged with the \
    question's id, titled with its short label, showing a placeholder. Forms filled in from it \
    map by tag. With --round, the template is for that round: its period field holds the \
    round (locked) and the deadline is the questionnaire's for the round, unless --deadline \
    gives another."
)]
pub struct TemplateArgs {
    /// The variant (required when the questionnaire has more than one)
    #[arg(long, value_name = "ID")]
    variant: Option<String>,

    /// The round the template is sent out for (2022-T1): fills in the period field and picks
    /// the questionnaire's deadline
    #[arg(long, value_name = "ROUND")]
    round: Option<String>,

    /// The last day to send the form back, instead of the questionnaire's deadline for the round
    #[arg(long, value_name = "YYYY-MM-DD")]
    deadline: Option<String>,

    /// Questionnaire file (default: the built-in naringsliv-uppfoljning 2022)
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,

    /// Where to write the template (.docx)
    #[arg(short, long, value_name = "FILE", required = true)]
    output: PathBuf,
}

pub fn run(args: TemplateArgs) -> Result<u8, Failure> {
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
    let mut opts = TemplateOptions::default();
    opts.round = match &args.round {
        Some(r) => Some(
            blankett::parse_round(r)
                .ok_or_else(|| Failure::Usage(NotARoundId(r.clone()).to_string()))?,
        ),
        None => None,
    };
    opts.deadline = args.deadline.clone();
    if let (Some(r), None) = (opts.round, &opts.deadline)
        && q.deadline(r).is_none()
    {
        eprintln!(
            "blankett: the questionnaire has no deadline for {r}: the template says none; give it with --deadline"
        );
    }
    let bytes = blankett::write_template_with(&q, &variant, &opts)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    blankett::write_atomic(&args.output, &bytes)
        .map_err(|e| io_failure(&args.output, "write it", e))?;
    Ok(EXIT_OK)
}
