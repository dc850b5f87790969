//! The identity a sent-out form keeps (`blankett sendout`): which questionnaire, version and
//! variant it is, whom it was sent to, for which round, its form id, and a key of each answer
//! it was prefilled with. Here are its fields and the names they are stored under; writing them
//! into a package is the template's ([`write_template_with`](crate::write_template_with)),
//! reading them the reader's, and deciding what they mean for a returned form the mapping's.
//!
//! The identity is stored twice, under the same names, since neither store survives every
//! editor (measured with LibreOffice Writer 7.4: custom document properties survive a `.docx`
//! re-save and a trip through `.odt`; a custom XML part survives a `.docx` re-save but not the
//! `.odt` trip; Word keeps both):
//!
//! ```xml
//! <!-- docProps/custom.xml: one text property per field, named blankett.<field> -->
//! <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="blankett.round">
//!   <vt:lpwstr>2022-T2</vt:lpwstr></property>
//! <!-- customXml/item1.xml: one element per field, in the identity's own namespace -->
//! <identity xmlns="https://blankett.invalid/ns/form-identity/1">
//!   <round>2022-T2</round> … <prefill question="samverkan">3f1c…</prefill></identity>
//! ```
//!
//! Both stores read into the same list of (name, value) pairs ([`StoredIdentity`]), so that one
//! function ([`FormIdentity::from_pairs`]) checks either.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::round_id::RoundId;

/// The prefix of the custom document properties that hold the identity (`blankett.round`).
pub const PROPERTY_PREFIX: &str = "blankett.";

/// The namespace of the custom XML part that holds the identity. It names the format, never a
/// place to fetch anything from.
pub const IDENTITY_NAMESPACE: &str = "https://blankett.invalid/ns/form-identity/1";

/// The line a form sent out with earlier answers says under its return instructions, so that
/// the respondent knows whose text the fields hold. The reader knows it as the template's own
/// text, never an answer.
pub const PREFILLED_NOTE: &str = "Fälten innehåller era svar från förra uppföljningen. \
    Uppdatera dem så att de gäller den här perioden; ett svar som lämnas som det är redovisas \
    som oförändrat.";

/// The version of the identity's format, stored as `format`: a later, different format is
/// told apart and not misread.
const FORMAT: &str = "1";

/// The names of the fields, as stored (after [`PROPERTY_PREFIX`] in the properties, as element
/// names in the custom XML part). A prefill key is stored as `prefill.<question id>`.
mod names {
    pub const FORMAT: &str = "format";
    pub const QUESTIONNAIRE: &str = "questionnaire";
    pub const VERSION: &str = "questionnaireVersion";
    pub const VARIANT: &str = "variant";
    pub const RESPONDENT: &str = "respondent";
    pub const ROUND: &str = "round";
    pub const FORM_ID: &str = "formId";
    pub const PREFILL: &str = "prefill.";
}

/// The identity of a sent-out form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormIdentity {
    /// The questionnaire's id (`naringsliv-uppfoljning`).
    pub questionnaire: String,
    /// The questionnaire's version (`2022`).
    pub questionnaire_version: String,
    /// The template variant (`stadsdelsnamnd`).
    pub variant: String,
    /// The registry id of the respondent the form was sent to.
    pub respondent: String,
    /// The round the form was sent out for.
    pub round: RoundId,
    /// The form's id: drawn from the fields above ([`FormIdentity::new`]), so that the same
    /// send-out gives the same form.
    pub form_id: String,
    /// The [`prefill_key`] of each answer the form was prefilled with, by question id.
    pub prefill: BTreeMap<String, String>,
}

impl FormIdentity {
    /// The identity of a form sent to `respondent` for `round`, prefilled with `prefill`
    /// (question id → the prefilled text). Its form id is drawn from everything else, so that
    /// running the same send-out again gives the same forms, byte for byte, while a form
    /// prefilled otherwise, or sent to another respondent or round, gets another id.
    pub fn new(
        (questionnaire, version, variant): (&str, &str, &str),
        respondent: &str,
        round: RoundId,
        prefill: &BTreeMap<String, String>,
    ) -> FormIdentity {
        let mut identity = FormIdentity {
            questionnaire: questionnaire.to_owned(),
            questionnaire_version: version.to_owned(),
            variant: variant.to_owned(),
            respondent: respondent.to_owned(),
            round,
            form_id: String::new(),
            prefill: prefill
                .iter()
                .map(|(q, text)| (q.clone(), prefill_key(text)))
                .collect(),
        };
        let mut h = Sha256::new();
        for (name, value) in identity.to_pairs() {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(value.as_bytes());
            h.update([0]);
        }
        let hex = crate::hash::hex(&h.finalize()[..16]);
        identity.form_id = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        identity
    }

    /// The fields as stored, in a fixed order: the format, the fields, then the prefill keys by
    /// question id. An empty form id is left out.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let round = self.round.to_string();
        let mut pairs: Vec<(String, String)> = [
            (names::FORMAT, FORMAT),
            (names::QUESTIONNAIRE, self.questionnaire.as_str()),
            (names::VERSION, self.questionnaire_version.as_str()),
            (names::VARIANT, self.variant.as_str()),
            (names::RESPONDENT, self.respondent.as_str()),
            (names::ROUND, round.as_str()),
            (names::FORM_ID, self.form_id.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
        for (question, key) in &self.prefill {
            pairs.push((format!("{}{question}", names::PREFILL), key.clone()));
        }
        pairs
    }

    /// The identity the stored pairs give, or what is wrong with them: a field missing or
    /// given twice with two values, a round that is none, a format this version does not know,
    /// a prefill key that is no key. Names it does not know are passed over (a later version
    /// may add some).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<FormIdentity, String> {
        let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
        for (name, value) in pairs {
            let value = value.trim();
            if let Some(&before) = fields.get(name.as_str())
                && before != value
            {
                return Err(format!(
                    "{name} is stored twice, as {before:?} and {value:?}"
                ));
            }
            fields.insert(name, value);
        }
        let field = |name: &str| match fields.get(name) {
            Some(v) if !v.is_empty() => Ok(*v),
            _ => Err(format!("it has no {name}")),
        };
        let format = field(names::FORMAT)?;
        if format != FORMAT {
            return Err(format!(
                "its format is {format:?}, which this version of blankett does not read"
            ));
        }
        let round = field(names::ROUND)?;
        let round: RoundId = round
            .parse()
            .map_err(|_| format!("its round {round:?} is not a round"))?;
        let mut prefill = BTreeMap::new();
        for (name, key) in &fields {
            let Some(question) = name.strip_prefix(names::PREFILL) else {
                continue;
            };
            if question.is_empty() || !is_key(key) {
                return Err(format!("{name} is no prefill key: {key:?}"));
            }
            prefill.insert(question.to_owned(), (*key).to_owned());
        }
        Ok(FormIdentity {
            questionnaire: field(names::QUESTIONNAIRE)?.to_owned(),
            questionnaire_version: field(names::VERSION)?.to_owned(),
            variant: field(names::VARIANT)?.to_owned(),
            respondent: field(names::RESPONDENT)?.to_owned(),
            round,
            form_id: field(names::FORM_ID)?.to_owned(),
            prefill,
        })
    }
}

/// The key of a prefilled answer: the SHA-256 (lower-case hex) of its text in NFC with every
/// run of white space (line breaks and tabs too) made one space, trimmed. A returned answer
/// with the same key is the prefilled one unchanged, however the editor re-flowed it (a
/// LibreOffice re-save moves a control's later paragraphs out of it).
pub fn prefill_key(text: &str) -> String {
    let text: String = text.nfc().collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    crate::hash::sha256_hex(words.join(" ").as_bytes())
}

fn is_key(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What a form holds where a send-out stores its identity, as read and not yet checked: the
/// `blankett.` custom document properties (their names without the prefix), and the elements
/// of the custom XML part in the identity's namespace (a prefill element as
/// `prefill.<question>`). Both empty for any other form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredIdentity {
    /// From `docProps/custom.xml`; `None` when it holds no `blankett.` property.
    pub properties: Option<Vec<(String, String)>>,
    /// From the custom XML part in [`IDENTITY_NAMESPACE`]; `None` when there is none.
    pub custom_xml: Option<Vec<(String, String)>>,
}

impl StoredIdentity {
    /// True when the form stores no identity at all.
    pub fn is_empty(&self) -> bool {
        self.properties.is_none() && self.custom_xml.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> FormIdentity {
        let prefill = BTreeMap::from([("q1".to_owned(), "Ett svar.\nMed två rader.".to_owned())]);
        FormIdentity::new(
            ("naringsliv-uppfoljning", "2022", "stadsdelsnamnd"),
            "ostermalm-sdn",
            "2022-T2".parse().unwrap(),
            &prefill,
        )
    }

    #[test]
    fn an_identity_reads_back_from_its_pairs() {
        let id = identity();
        assert_eq!(FormIdentity::from_pairs(&id.to_pairs()), Ok(id.clone()));
        let names: Vec<String> = id.to_pairs().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "format",
                "questionnaire",
                "questionnaireVersion",
                "variant",
                "respondent",
                "round",
                "formId",
                "prefill.q1"
            ]
        );
    }

    #[test]
    fn the_form_id_is_drawn_from_the_rest() {
        let id = identity();
        assert_eq!(id.form_id.len(), 36);
        assert_eq!(identity().form_id, id.form_id);
        let other = FormIdentity::new(
            ("naringsliv-uppfoljning", "2022", "stadsdelsnamnd"),
            "ostermalm-sdn",
            "2022-T2".parse().unwrap(),
            &BTreeMap::new(),
        );
        assert_ne!(other.form_id, id.form_id);
    }

    #[test]
    fn a_prefill_key_ignores_how_the_text_is_broken_into_lines() {
        let key = prefill_key("Ett svar.\nMed två rader.");
        assert_eq!(prefill_key("  Ett svar. Med\ttvå  rader. "), key);
        // Composed and decomposed å are one text.
        assert_eq!(prefill_key("Ett svar.\nMed tva\u{30a} rader."), key);
        assert_ne!(prefill_key("Ett svar. Med två rader"), key);
    }

    #[test]
    fn malformed_pairs_say_what_is_wrong() {
        let pairs = identity().to_pairs();
        let without = |name: &str| -> Vec<(String, String)> {
            pairs.iter().filter(|(n, _)| n != name).cloned().collect()
        };
        let with = |name: &str, value: &str| -> Vec<(String, String)> {
            let mut p = without(name);
            p.push((name.to_owned(), value.to_owned()));
            p
        };
        let err = |p: Vec<(String, String)>| FormIdentity::from_pairs(&p).unwrap_err();
        assert_eq!(err(without("respondent")), "it has no respondent");
        assert_eq!(
            err(with("round", "våren")),
            "its round \"våren\" is not a round"
        );
        assert_eq!(
            err(with("format", "2")),
            "its format is \"2\", which this version of blankett does not read"
        );
        assert_eq!(
            err(with("prefill.q1", "abc")),
            "prefill.q1 is no prefill key: \"abc\""
        );
        let mut twice = pairs.clone();
        twice.push(("round".into(), "2022-T1".into()));
        assert_eq!(
            err(twice),
            "round is stored twice, as \"2022-T2\" and \"2022-T1\""
        );
        // A name this version does not know is passed over.
        let mut later = pairs.clone();
        later.push(("sentBy".into(), "stadsledningskontoret".into()));
        assert!(FormIdentity::from_pairs(&later).is_ok());
    }
}
