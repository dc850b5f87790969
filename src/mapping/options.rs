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
    /// The id of the questionnaire variant the form is (`--variant`); detected from the form when
    /// absent.
    pub variant: Option<&'a str>,
    /// The round (`--round`), as [`parse_round`](crate::parse_round) reads it (`2022-T1`,
    /// `T1 2022` …); when absent, from the form's round field, its folder name or its file name.
    pub round: Option<&'a str>,
    /// A registry id or a name.
    pub respondent: Option<&'a str>,
    /// The form's path, for its file and folder names.
    pub path: Option<&'a Path>,
}

/// Options that cannot be used with this questionnaire and registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionError {
    /// The variant given is none of the questionnaire's.
    #[error("no variant {given} in questionnaire {questionnaire}; its variants: {known}")]
    UnknownVariant {
        /// The variant given.
        given: String,
        /// The questionnaire's id.
        questionnaire: String,
        /// The questionnaire's variant ids, joined by `, `.
        known: String,
    },
    /// The round given cannot be read as a round.
    #[error("{0:?} is not a round; write it as 2022-T1, 2022-T2 or 2022-VB")]
    BadRound(String),
    /// The respondent given is neither a registry id nor a name the registry lists.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::testing::{questionnaire, registry};

    fn check(opts: Options<'_>) -> Result<(), OptionError> {
        check_options(&questionnaire(), &registry(), &opts)
    }

    #[test]
    fn options_the_questionnaire_and_registry_know_pass() {
        assert_eq!(check(Options::default()), Ok(()));
        let known = Options {
            variant: Some("bolag"),
            round: Some("T2 2022"),
            respondent: Some("Östermalms SDN"),
            path: None,
        };
        assert_eq!(check(known), Ok(()));
        let by_id = Options {
            respondent: Some("norrmalm-sdn"),
            ..Options::default()
        };
        assert_eq!(check(by_id), Ok(()));
    }

    #[test]
    fn an_unknown_variant_is_refused_with_the_known_ones() {
        let e = check(Options {
            variant: Some("skola"),
            ..Options::default()
        });
        assert_eq!(
            e,
            Err(OptionError::UnknownVariant {
                given: "skola".into(),
                questionnaire: "test".into(),
                known: "namnd, bolag".into(),
            })
        );
    }

    #[test]
    fn a_round_that_is_no_round_is_refused() {
        let e = check(Options {
            round: Some("snart"),
            ..Options::default()
        });
        assert_eq!(e, Err(OptionError::BadRound("snart".into())));
    }

    #[test]
    fn a_respondent_the_registry_lacks_is_refused() {
        let e = check(Options {
            respondent: Some("Atlantis SDN"),
            ..Options::default()
        });
        assert_eq!(
            e,
            Err(OptionError::UnknownRespondent("Atlantis SDN".into()))
        );
    }
}
