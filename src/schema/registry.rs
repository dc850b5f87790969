//! The registry format: the committees and company boards that answer, with their validity
//! dates, and the checks a JSON Schema cannot make.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    Checked, Problem, SchemaError, check_id, is_email, is_iso_date, is_organisation_number,
    load_checked, readable,
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

    /// What is wrong with the registry beyond its JSON shape; each problem after the JSON
    /// Pointer of where it is (`/respondents/4/validTo: …`).
    pub fn check(&self) -> Vec<String> {
        Parts::of(self)
            .problems()
            .iter()
            .map(ToString::to_string)
            .collect()
    }
}

impl Checked for Registry {
    fn check(&self) -> Vec<String> {
        Registry::check(self)
    }
}

/// The parts of a registry the checks look at, each respondent with its place in the file's
/// list. Read from a file whose shape is wrong ([`Parts::read`]), it holds the respondents that
/// read, so that the checks find in one pass what the JSON Schema cannot say of them.
pub(super) struct Parts {
    id: Option<String>,
    respondents: Vec<(usize, Respondent)>,
    /// The ids of every respondent listed, those that do not read whole too: a successor naming
    /// one of them is not a problem of its own.
    ids: HashSet<String>,
}

impl Parts {
    fn of(r: &Registry) -> Parts {
        Parts {
            id: Some(r.id.clone()),
            respondents: r.respondents.iter().cloned().enumerate().collect(),
            ids: r.respondents.iter().map(|r| r.id.clone()).collect(),
        }
    }

    /// The parts of a registry file's JSON that read, whatever is wrong with the rest.
    pub(super) fn read(json: &serde_json::Value) -> Parts {
        let list = json
            .get("respondents")
            .and_then(serde_json::Value::as_array);
        Parts {
            id: json.get("id").and_then(|v| v.as_str()).map(str::to_owned),
            respondents: readable(list),
            ids: list
                .into_iter()
                .flatten()
                .filter_map(|r| Some(r.get("id")?.as_str()?.to_owned()))
                .collect(),
        }
    }

    /// What is wrong beyond the JSON shape: ids, dates, organisation numbers, successors.
    pub(super) fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if let Some(id) = &self.id {
            check_id(id, "/id", &mut problems);
        }
        let mut seen = HashSet::new();
        for (i, r) in &self.respondents {
            let at = format!("/respondents/{i}");
            check_id(&r.id, &format!("{at}/id"), &mut problems);
            if !seen.insert(r.id.as_str()) {
                problems.push(Problem::new(
                    format!("{at}/id"),
                    format!("{} is used twice", r.id),
                ));
            }
            for (key, d) in [("validFrom", &r.valid_from), ("validTo", &r.valid_to)] {
                if let Some(d) = d
                    && !is_iso_date(d)
                {
                    problems.push(Problem::new(
                        format!("{at}/{key}"),
                        format!("{d} is not an ISO date (YYYY-MM-DD)"),
                    ));
                }
            }
            if let (Some(f), Some(t)) = (&r.valid_from, &r.valid_to)
                && f > t
            {
                problems.push(Problem::new(
                    at.clone(),
                    format!("validFrom {f} is after validTo {t}"),
                ));
            }
            if let Some(n) = &r.organisation_number
                && !is_organisation_number(n)
            {
                problems.push(Problem::new(
                    format!("{at}/organisationNumber"),
                    format!("{n} is not an organisation number (NNNNNN-NNNN)"),
                ));
            }
            if let Some(e) = &r.email
                && !is_email(e)
            {
                problems.push(Problem::new(
                    format!("{at}/email"),
                    format!("{e} is not an e-mail address"),
                ));
            }
            for s in &r.successors {
                if !self.ids.contains(s) {
                    problems.push(Problem::new(
                        format!("{at}/successors"),
                        format!("no respondent {s}"),
                    ));
                }
            }
        }
        problems
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
            ["/respondents/0/email: registrator at bromma is not an e-mail address"]
        );
    }
}
