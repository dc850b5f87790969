//! Reading rounds written before format 1.2, whose lists did not all name a respondent by its
//! `label`: the shapes `missing`, `conflicts` and `superseded` are read in, and where each
//! entry's label comes from when the file has none. Writing needs nothing of this.

use serde::Deserialize;

use crate::submission::Submission;

use super::{Conflict, ConflictCode, MissingRespondent, SourceSummary, Superseded};

/// A `missing` entry as read: `label` new in 1.2, the same as `committee`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MissingRespondentIn {
    id: String,
    label: Option<String>,
    committee: String,
    kind: String,
}

impl From<MissingRespondentIn> for MissingRespondent {
    fn from(m: MissingRespondentIn) -> MissingRespondent {
        MissingRespondent {
            label: m.label.unwrap_or_else(|| m.committee.clone()),
            id: m.id,
            committee: m.committee,
            kind: m.kind,
        }
    }
}

/// A `conflicts` entry as read: `label` new in 1.2.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConflictIn {
    code: ConflictCode,
    message: String,
    respondent_id: Option<String>,
    label: Option<String>,
    source: SourceSummary,
}

impl From<ConflictIn> for Conflict {
    /// An older conflict names its respondent by id only: the id stands for the name, and the
    /// file's name (else its hash) when the respondent is unknown, as in `answers`.
    fn from(c: ConflictIn) -> Conflict {
        let label = c.label.unwrap_or_else(|| {
            c.respondent_id
                .clone()
                .or_else(|| c.source.file.clone())
                .unwrap_or_else(|| c.source.sha256.clone())
        });
        Conflict {
            code: c.code,
            message: c.message,
            respondent_id: c.respondent_id,
            label,
            source: c.source,
        }
    }
}

/// A `superseded` entry as read: `label` new in 1.2, else the name its submission gives.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SupersededIn {
    respondent_id: String,
    label: Option<String>,
    superseded_by: SourceSummary,
    submission: Submission,
}

impl From<SupersededIn> for Superseded {
    fn from(s: SupersededIn) -> Superseded {
        let label = s.label.unwrap_or_else(|| {
            s.submission
                .respondent
                .as_ref()
                .map_or_else(|| s.respondent_id.clone(), |r| r.committee.clone())
        });
        Superseded {
            respondent_id: s.respondent_id,
            label,
            superseded_by: s.superseded_by,
            submission: s.submission,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_1_1_missing_entry_is_labelled_by_its_committee() {
        let m: MissingRespondent = serde_json::from_value(json!({
            "id": "bromma-sdn", "committee": "Bromma stadsdelsnämnd", "kind": "stadsdelsnamnd"
        }))
        .unwrap();
        assert_eq!(m.label, "Bromma stadsdelsnämnd");
        let written = serde_json::to_value(&m).unwrap();
        assert_eq!(written["label"], written["committee"]);
    }

    #[test]
    fn a_1_1_conflict_is_labelled_by_its_respondent_or_its_file() {
        let source = json!({"file": "farsta VB.docx", "sha256": "0".repeat(64)});
        let known: Conflict = serde_json::from_value(json!({
            "code": "round-mismatch", "message": "m", "respondentId": "farsta-sdn", "source": source
        }))
        .unwrap();
        assert_eq!(known.label, "farsta-sdn");
        let unknown: Conflict = serde_json::from_value(json!({
            "code": "round-mismatch", "message": "m", "respondentId": null, "source": source
        }))
        .unwrap();
        assert_eq!(unknown.label, "farsta VB.docx");
        let labelled: Conflict = serde_json::from_value(json!({
            "code": "round-mismatch", "message": "m", "respondentId": "farsta-sdn",
            "label": "Farsta stadsdelsnämnd", "source": source
        }))
        .unwrap();
        assert_eq!(labelled.label, "Farsta stadsdelsnämnd");
    }
}
