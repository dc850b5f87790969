//! The registry format: the committees and company boards that answer, with their validity
//! dates, and the checks a JSON Schema cannot make.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    Checked, SchemaError, check_id, is_email, is_iso_date, is_organisation_number, load_checked,
};

/// The city's registry, `schemas/respondents-stockholm.json`.
const BUILTIN_REGISTRY: &str = include_str!("../../schemas/respondents-stockholm.json");

/// The registry of respondents: committees and company boards.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Registry {
    /// `$schema`: where an editor finds the JSON Schema; ignored by blankett.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    /// Stable ASCII id of the registry (`stockholm`).
    pub id: String,
    /// The organisation the committees belong to (Stockholms kommun).
    pub organisation: Organisation,
    /// The committees and company boards, each once, past ones included (with `validTo`).
    pub respondents: Vec<Respondent>,
}

/// The organisation the committees belong to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organisation {
    /// Official name of the organisation (`Stockholms kommun`).
    pub name: String,
    /// Its organisation number (`212000-0142`), or `None` when unknown.
    pub organisation_number: Option<String>,
}

/// A committee or company board that answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Respondent {
    /// Stable ASCII id, never reused for another body (`ostermalm-sdn`); written into submissions
    /// as `respondent.id`.
    pub id: String,
    /// Official name (`Östermalms stadsdelsnämnd`).
    pub name: String,
    /// `stadsdelsnamnd`, `facknamnd`, `bolagsstyrelse`.
    pub kind: String,
    /// Other names forms use: the administration, SDN forms, without genitive s.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// First day the respondent exists (ISO date).
    pub valid_from: Option<String>,
    /// Last day the respondent exists (ISO date), when it has ended.
    pub valid_to: Option<String>,
    /// Where one exists: a committee's is its municipality's; a company has its own.
    pub organisation_number: Option<String>,
    /// The address reminders go to, when the city has given one; `None` leaves `status` to take
    /// the newest contact address of the respondent's own forms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The respondents that took over when this one ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successors: Vec<String>,
}

impl Respondent {
    /// True when the respondent exists on `date` (ISO); an unknown date accepts everyone.
    pub fn valid_on(&self, date: Option<&str>) -> bool {
        let Some(d) = date else { return true };
        self.valid_from.as_deref().is_none_or(|f| f <= d)
            && self.valid_to.as_deref().is_none_or(|t| d <= t)
    }
}

impl Registry {
    /// The registry compiled into the program (`schemas/respondents-stockholm.json`).
    pub fn builtin() -> Registry {
        serde_json::from_str(BUILTIN_REGISTRY).expect("the built-in registry parses")
    }

    /// Reads a registry file and checks it.
    pub fn load(path: &Path) -> Result<Registry, SchemaError> {
        load_checked(path)
    }

    /// The respondent with id `id`, if there is one.
    pub fn get(&self, id: &str) -> Option<&Respondent> {
        self.respondents.iter().find(|r| r.id == id)
    }

    /// What is wrong with the registry beyond its JSON shape.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        check_id(&self.id, "id", &mut problems);
        let ids: HashSet<&str> = self.respondents.iter().map(|r| r.id.as_str()).collect();
        let mut seen = HashSet::new();
        for (i, r) in self.respondents.iter().enumerate() {
            let at = format!("respondents[{i}]");
            check_id(&r.id, &format!("{at}.id"), &mut problems);
            if !seen.insert(r.id.as_str()) {
                problems.push(format!("{at}.id: {} is used twice", r.id));
            }
            for (key, d) in [("validFrom", &r.valid_from), ("validTo", &r.valid_to)] {
                if let Some(d) = d
                    && !is_iso_date(d)
                {
                    problems.push(format!("{at}.{key}: {d} is not an ISO date (YYYY-MM-DD)"));
                }
            }
            if let (Some(f), Some(t)) = (&r.valid_from, &r.valid_to)
                && f > t
            {
                problems.push(format!("{at}: validFrom {f} is after validTo {t}"));
            }
            if let Some(n) = &r.organisation_number
                && !is_organisation_number(n)
            {
                problems.push(format!(
                    "{at}.organisationNumber: {n} is not an organisation number (NNNNNN-NNNN)"
                ));
            }
            if let Some(e) = &r.email
                && !is_email(e)
            {
                problems.push(format!("{at}.email: {e} is not an e-mail address"));
            }
            for s in &r.successors {
                if !ids.contains(s.as_str()) {
                    problems.push(format!("{at}.successors: no respondent {s}"));
                }
            }
        }
        problems
    }
}

impl Checked for Registry {
    fn check(&self) -> Vec<String> {
        Registry::check(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_address_must_read_as_one() {
        let mut reg = Registry::builtin();
        assert!(reg.respondents.iter().all(|r| r.email.is_none()));
        reg.respondents[0].email = Some("registrator.bromma@stockholm.se".into());
        assert_eq!(reg.check(), Vec::<String>::new());
        reg.respondents[0].email = Some("registrator at bromma".into());
        assert_eq!(
            reg.check(),
            ["respondents[0].email: registrator at bromma is not an e-mail address"]
        );
    }
}
