//! What the caller says about a form (variant, round, respondent, path), and the check that
//! it can be used with the questionnaire and registry. How each option is then used belongs to
//! the step it overrides (variant detection, round and respondent resolution).

use std::path::Path;

use super::respondent::Matcher;
use super::round;
use crate::schema::{Questionnaire, Registry};

/// What the user said on the command line; each overrides what the form says.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    pub variant: Option<&'a str>,
    pub round: Option<&'a str>,
    /// A registry id or a name.
    pub respondent: Option<&'a str>,
    /// The form's path, for its file and folder names.
    pub path: Option<&'a Path>,
}

/// Options that cannot be used with this questionnaire and registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error("no variant {given} in questionnaire {questionnaire}; its variants: {known}")]
    UnknownVariant {
        given: String,
        questionnaire: String,
        known: String,
    },
    #[error("{0:?} is not a round; write it as 2022-T1, 2022-T2 or 2022-VB")]
    BadRound(String),
    #[error(
        "no respondent {0:?} in the registry; give a registry id (e.g. ostermalm-sdn) or a name it lists"
    )]
    UnknownRespondent(String),
}

/// Checks the options before any form is read.
pub fn check_options(
    q: &Questionnaire,
    reg: &Registry,
    opts: &Options<'_>,
) -> Result<(), OptionError> {
    check_with(q, reg, &Matcher::new(reg), opts)
}

/// [`check_options`] with the registry's names already prepared.
pub(super) fn check_with(
    q: &Questionnaire,
    reg: &Registry,
    matcher: &Matcher<'_>,
    opts: &Options<'_>,
) -> Result<(), OptionError> {
    if let Some(v) = opts.variant
        && q.variant(v).is_none()
    {
        return Err(OptionError::UnknownVariant {
            given: v.to_owned(),
            questionnaire: q.id.clone(),
            known: q
                .variants
                .iter()
                .map(|v| v.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    if let Some(r) = opts.round
        && round::parse(r).is_none()
    {
        return Err(OptionError::BadRound(r.to_owned()));
    }
    if let Some(r) = opts.respondent
        && matcher.by_id_or_name(reg, r).is_none()
    {
        return Err(OptionError::UnknownRespondent(r.to_owned()));
    }
    Ok(())
}
