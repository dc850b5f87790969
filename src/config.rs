//! What a conversion depends on besides the form: the limits, the questionnaire and registry,
//! and what a run fixes instead of reading it from each form. Checked once when made, so every
//! front end (batch, watch, an upload) converts under a configuration every form can be mapped
//! with.

use sha2::{Digest, Sha256};

use crate::Limits;
use crate::mapping::{OptionError, Options as MapOptions, Prepared};
use crate::schema::{Questionnaire, Registry};

/// Everything a conversion depends on besides the form. Built only through
/// [`Config::new`], which checks the options against the questionnaire and the registry, so a
/// configuration in hand is always one every form can be mapped with.
#[derive(Debug, Clone)]
pub struct Config {
    limits: Limits,
    questionnaire: Questionnaire,
    registry: Registry,
    variant: Option<String>,
    round: Option<String>,
    respondent: Option<String>,
    redact_contact: bool,
}

/// What a run may fix instead of reading it from each form.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// A template variant id of the questionnaire.
    pub variant: Option<String>,
    /// A round (`2022-T1`, `2022 T1`, `T1 2022` …).
    pub round: Option<String>,
    /// A registry id or name.
    pub respondent: Option<String>,
    /// Leave the contact details (personal data) out.
    pub redact_contact: bool,
}

impl Config {
    /// A checked configuration: the variant must be one of the questionnaire's, the round
    /// readable and the respondent known to the registry.
    pub fn new(
        limits: Limits,
        questionnaire: Questionnaire,
        registry: Registry,
        overrides: Overrides,
    ) -> Result<Config, OptionError> {
        let opts = MapOptions {
            variant: overrides.variant.as_deref(),
            round: overrides.round.as_deref(),
            respondent: overrides.respondent.as_deref(),
            path: None,
        };
        crate::mapping::check_options(&questionnaire, &registry, &opts)?;
        Ok(Config {
            limits,
            round: overrides
                .round
                .as_deref()
                .and_then(crate::mapping::round::parse)
                .map(|r| r.to_string()),
            questionnaire,
            registry,
            variant: overrides.variant,
            respondent: overrides.respondent,
            redact_contact: overrides.redact_contact,
        })
    }

    /// The built-in questionnaire and registry, default limits, nothing overridden.
    pub fn builtin() -> Config {
        Config::new(
            Limits::default(),
            Questionnaire::builtin(),
            Registry::builtin(),
            Overrides::default(),
        )
        .expect("no overrides are always valid")
    }

    /// The limits forms are read within.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The questionnaire forms are mapped with.
    pub fn questionnaire(&self) -> &Questionnaire {
        &self.questionnaire
    }

    /// The registry respondents are found in.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The variant given for the run.
    pub fn variant(&self) -> Option<&str> {
        self.variant.as_deref()
    }

    /// The respondent given for the run (a registry id or name).
    pub fn respondent(&self) -> Option<&str> {
        self.respondent.as_deref()
    }

    /// The round given for the run, normalized (`2022-T1`).
    pub fn round(&self) -> Option<&str> {
        self.round.as_deref()
    }

    /// True when submissions leave the contact details (personal data) out.
    pub fn redact_contact(&self) -> bool {
        self.redact_contact
    }

    /// A fingerprint of the configuration: a form converted under another one is converted
    /// again.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(serde_json::to_vec(&self.questionnaire).unwrap_or_default());
        // Reminder addresses change no conversion: filling them in converts nothing again.
        let mut registry = self.registry.clone();
        for r in &mut registry.respondents {
            r.email = None;
        }
        h.update(serde_json::to_vec(&registry).unwrap_or_default());
        for o in [&self.variant, &self.round, &self.respondent] {
            h.update(o.as_deref().unwrap_or("\u{0}"));
            h.update([0]);
        }
        h.update([self.redact_contact as u8]);
        h.update(format!("{:?}", self.limits));
        crate::hash::hex(&h.finalize())
    }

    /// The questionnaire and registry prepared for mapping; make it once for many forms.
    pub fn prepare(&self) -> Prepared<'_> {
        Prepared::new(&self.questionnaire, &self.registry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_registry(registry: Registry) -> Config {
        let q = Questionnaire::builtin();
        Config::new(Limits::default(), q, registry, Overrides::default()).unwrap()
    }

    #[test]
    fn reminder_addresses_are_no_part_of_the_fingerprint() {
        let plain = with_registry(Registry::builtin()).fingerprint();
        let mut reg = Registry::builtin();
        reg.respondents[0].email = Some("bromma@example.stockholm.se".into());
        assert_eq!(with_registry(reg.clone()).fingerprint(), plain);
        reg.respondents[0].aliases.push("Brommaby".into());
        assert_ne!(with_registry(reg).fingerprint(), plain);
    }
}
