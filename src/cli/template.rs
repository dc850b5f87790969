//! `blankett template`.

use std::path::PathBuf;

use clap::Args;

use blankett::Questionnaire;

use super::{EXIT_OK, Failure, io_failure};

/// Write the blank Word template of a questionnaire variant
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "Write the blank Word template of a questionnaire variant: the title, \
    the header fields in a table, a heading per focus area, and under each question a \
    rich-text content control tagged with the question's id, titled with its short label, \
    showing a placeholder. Forms filled in from it map by tag."
)]
pub struct TemplateArgs {
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
    let bytes =
        blankett::write_template(&q, &variant).map_err(|e| Failure::Usage(e.to_string()))?;
    blankett::write_atomic(&args.output, &bytes)
        .map_err(|e| io_failure(&args.output, "write it", e))?;
    Ok(EXIT_OK)
}
