//! The codes that name a form's warnings: [`WarningCode`], one vocabulary for the reader's
//! warnings ([`Warning`](crate::Warning)) and the mapping's
//! ([`SubmissionWarning`](crate::SubmissionWarning)), written into the JSON as lower-case
//! words joined by hyphens. What a warning says is the message of the step that raises it, not
//! this module's; what each code means, in Swedish for the people who read it, is
//! ([`WarningCode::explain`]).
//!
//! Also here: `codes!`, which makes such a vocabulary, and with which `round` makes its own
//! ([`ConflictCode`](crate::ConflictCode)). Errors, which stop a form, have their own codes
//! ([`ErrorKind::code`](crate::ErrorKind::code)).

use crate::error::Explanation;

/// Makes a vocabulary of stable codes: an enum with one variant per code, plus `Other` for a
/// code this version does not know, read from a file a later version wrote. It is written and
/// read as the code's text, and an unknown code is kept as written, so that reading a newer
/// file never fails and writing it back loses nothing.
macro_rules! codes {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$doc:meta])* $variant:ident = $code:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$doc])* $variant, )*
            /// A code this version does not know, kept as written (a later version wrote it).
            /// Text is made into a code with `From`, which gives each code above its variant.
            Other(String),
        }

        impl $name {
            /// Every code this version knows, in the order they are declared.
            pub const KNOWN: &[$name] = &[$($name::$variant,)*];

            /// The code as written in the JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $code, )*
                    $name::Other(code) => code,
                }
            }
        }

        impl From<&str> for $name {
            fn from(code: &str) -> Self {
                match code {
                    $( $code => $name::$variant, )*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(code: String) -> Self {
                match $name::from(code.as_str()) {
                    $name::Other(_) => $name::Other(code),
                    known => known,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map($name::from)
            }
        }
    };
}
pub(crate) use codes;

codes! {
    /// What a warning is about: the stable code of a problem that did not stop the conversion.
    pub enum WarningCode {
        /// The form holds tracked changes that were never accepted; they were read as if
        /// accepted.
        TrackedChanges = "tracked-changes",
        /// A control's bound data (its custom XML) differs from its visible text.
        BindingMismatch = "binding-mismatch",
        /// A part declares a DTD; it was ignored.
        XmlDoctype = "xml-doctype",
        /// A part uses an entity it does not define; it was left out.
        XmlEntity = "xml-entity",
        /// A part the document can do without could not be read or parsed; it was left out.
        PartUnreadable = "part-unreadable",
        /// The document refers to a part the package does not hold.
        MissingPart = "missing-part",
        /// The package does not say which part is the document; `word/document.xml` was read.
        NoRelationship = "no-relationship",
        /// A part's zip checksum does not match its content.
        ZipChecksum = "zip-checksum",
        /// Text written beside a field, outside its control, was taken into the answer.
        AnswerOutsideControl = "answer-outside-control",
        /// A question of the questionnaire was not found in the form.
        QuestionMissing = "question-missing",
        /// The answer began with the placeholder text, which was left out.
        PlaceholderInAnswer = "placeholder-in-answer",
        /// The control of a question still shows its placeholder.
        PlaceholderLeft = "placeholder-left",
        /// A typed answer (yes/no, date, choice) is not a value of its type.
        ValueUnrecognised = "value-unrecognised",
        /// The contact e-mail address is not a well-formed address.
        ContactEmailInvalid = "contact-email-invalid",
        /// The contact phone number is not a Swedish number; it was kept as written.
        ContactPhoneUnrecognised = "contact-phone-unrecognised",
        /// The round is not in the form, its folder or its file name.
        RoundUnresolved = "round-unresolved",
        /// Two sources name different respondents: the form (its committee field, or the
        /// identity it was sent out with) another than `--respondent`, which was used; or the
        /// committee field or file name another than the identity, which was used.
        RespondentConflict = "respondent-conflict",
        /// Neither the form nor its file name names a respondent in the registry.
        RespondentUnresolved = "respondent-unresolved",
        /// The respondent did not exist at the end of the round.
        RespondentNotValid = "respondent-not-valid",
        /// A tagged control answers no question of the questionnaire.
        UnknownTag = "unknown-tag",
        /// An untagged control answers no question of the questionnaire.
        UnknownControl = "unknown-control",
        /// A second control answers a question already answered; its text went to `unmapped`.
        DuplicateAnswer = "duplicate-answer",
        /// A control that answers no question, standing in a question's answer area without a
        /// tag, title or label of its own, was taken into that answer.
        ControlInAnswer = "control-in-answer",
        /// The document says it was saved more than a day after its conversion; that date does
        /// not order its respondent's forms.
        SavedInFuture = "saved-in-future",
        /// Two sources name different rounds: the identity the form was sent out with another
        /// than `--round` (which was used) or than the form's period field (the identity was).
        RoundConflict = "round-conflict",
        /// The identity a sent-out form kept cannot be read, or names a respondent the registry
        /// does not hold; that part was ignored.
        IdentityMalformed = "identity-malformed",
        /// The form's two copies of its identity disagree; the custom XML part's was used.
        IdentityConflict = "identity-conflict",
        /// The form was sent out for another questionnaire or version than it is read with.
        IdentityOtherQuestionnaire = "identity-other-questionnaire",
        /// The answer is the earlier round's the form was sent out prefilled with, unchanged.
        UnchangedFromPrevious = "unchanged-from-previous",
    }
}

impl WarningCode {
    /// What the warning means, in Swedish, for the people who read it (the analyst, on the
    /// page): a short title and what happened, with what to check when something is to be
    /// checked. `None` for a code this version does not know.
    #[expect(
        clippy::too_many_lines,
        reason = "a table, one arm per code: the compiler checks that every code has its text"
    )]
    pub fn explain(&self) -> Option<Explanation> {
        let (title, meaning) = match self {
            WarningCode::TrackedChanges => (
                "Spårade ändringar",
                "Formuläret innehåller spårade ändringar som inte har godkänts. De lästes som om de vore godkända; kontrollera svaren.",
            ),
            WarningCode::BindingMismatch => (
                "Fältets data avviker",
                "Ett fälts bakomliggande data skiljer sig från texten som syns i formuläret. Kontrollera svaret.",
            ),
            WarningCode::XmlDoctype => (
                "Teknisk deklaration ignorerad",
                "En del av filen innehåller en dokumenttypdeklaration (DTD), som Word aldrig skriver. Den hoppades över.",
            ),
            WarningCode::XmlEntity => (
                "Okänd teckenreferens",
                "En del av filen använder en teckenreferens som inte är definierad. Den utelämnades; kontrollera svaren.",
            ),
            WarningCode::PartUnreadable => (
                "En del kunde inte läsas",
                "En del av filen som dokumentet klarar sig utan kunde inte läsas och hoppades över.",
            ),
            WarningCode::MissingPart => (
                "En del saknas",
                "Dokumentet hänvisar till en del som inte finns i filen. Filen kan vara skadad.",
            ),
            WarningCode::NoRelationship => (
                "Dokumentdelen är inte angiven",
                "Filen anger inte vilken del som är själva dokumentet. Den vanliga delen (word/document.xml) lästes.",
            ),
            WarningCode::ZipChecksum => (
                "Fel kontrollsumma",
                "En del av filen har fel kontrollsumma, så filen kan vara skadad. Kontrollera svaren eller be nämnden skicka filen igen.",
            ),
            WarningCode::AnswerOutsideControl => (
                "Svar utanför fältet",
                "Text som skrevs bredvid ett fält, utanför själva fältet, togs med i svaret.",
            ),
            WarningCode::QuestionMissing => (
                "Frågan saknas",
                "En fråga i frågeformuläret finns inte i formuläret. Nämnden kan ha använt en äldre mall eller tagit bort frågan.",
            ),
            WarningCode::PlaceholderInAnswer => (
                "Platshållartext i svaret",
                "Svaret började med fältets platshållartext (till exempel ”Klicka här för att skriva”). Den togs bort ur svaret.",
            ),
            WarningCode::PlaceholderLeft => (
                "Platshållartexten står kvar",
                "Fältet visar fortfarande sin platshållartext. Frågan räknas som obesvarad.",
            ),
            WarningCode::ValueUnrecognised => (
                "Svaret går inte att tolka",
                "Svaret ska vara ja/nej, ett datum eller ett av de givna alternativen, men texten går inte att tolka så. Texten sparades som den skrevs.",
            ),
            WarningCode::ContactEmailInvalid => (
                "Ogiltig e-postadress",
                "Kontaktpersonens e-postadress är inte en giltig adress. Påminnelser kan inte skickas till den.",
            ),
            WarningCode::ContactPhoneUnrecognised => (
                "Okänt telefonnummer",
                "Kontaktpersonens telefonnummer är inte ett svenskt nummer. Det sparades som det skrevs.",
            ),
            WarningCode::RoundUnresolved => (
                "Okänd omgång",
                "Omgången (till exempel 2022-T1) framgår varken av formuläret, mappen eller filnamnet.",
            ),
            WarningCode::RespondentConflict => (
                "Annan nämnd i formuläret",
                "Två källor anger olika nämnder: formuläret (nämndfältet eller utskickets identitet) en annan än den som angavs när det lästes in, som användes; eller nämndfältet eller filnamnet en annan än utskickets identitet, som användes. En nämnd kan ha fyllt i en annan nämnds formulär.",
            ),
            WarningCode::RespondentUnresolved => (
                "Okänd nämnd",
                "Varken formuläret eller filnamnet anger en nämnd som finns i registret. Ange nämnden för formuläret.",
            ),
            WarningCode::RespondentNotValid => (
                "Nämnden fanns inte",
                "Nämnden som formuläret anger fanns inte när omgången tog slut.",
            ),
            WarningCode::UnknownTag | WarningCode::UnknownControl => (
                "Fält utan fråga",
                "Ett fält i formuläret hör inte till någon fråga i frågeformuläret. Texten sparades för sig, utanför svaren.",
            ),
            WarningCode::DuplicateAnswer => (
                "Dubbelt svar",
                "Ett andra fält svarar på en fråga som redan har ett svar. Dess text sparades för sig, utanför svaren.",
            ),
            WarningCode::ControlInAnswer => (
                "Fält i svaret",
                "Ett fält utan egen fråga stod i en frågas svarsområde och togs med i det svaret.",
            ),
            WarningCode::SavedInFuture => (
                "Sparad i framtiden",
                "Dokumentet säger att det sparades senare än det lästes in. Datumet används inte för att avgöra vilket av nämndens formulär som är nyast.",
            ),
            WarningCode::RoundConflict => (
                "Annan omgång i formuläret",
                "Två källor anger olika omgångar: utskickets identitet en annan än den som angavs när formuläret lästes in (den angivna användes), eller en annan än formulärets periodfält (identiteten användes).",
            ),
            WarningCode::IdentityMalformed => (
                "Utskickets identitet kunde inte läsas",
                "Uppgifterna om vem formuläret skickades till kunde inte läsas, eller anger en nämnd som inte finns i registret. De hoppades över; nämnden avgjordes på annat sätt.",
            ),
            WarningCode::IdentityConflict => (
                "Utskickets identitet motsäger sig själv",
                "Formulärets två kopior av utskickets identitet stämmer inte överens. Kopian som inte syns i Word (den anpassade XML-delen) användes.",
            ),
            WarningCode::IdentityOtherQuestionnaire => (
                "Skickat för ett annat frågeformulär",
                "Formuläret skickades ut för ett annat frågeformulär eller en annan version än det lästes med. Kontrollera att frågorna hamnade rätt.",
            ),
            WarningCode::UnchangedFromPrevious => (
                "Oförändrat sedan förra omgången",
                "Svaret är detsamma som förra omgångens svar, som formuläret var ifyllt med när det skickades ut. Nämnden har inte ändrat det.",
            ),
            WarningCode::Other(_) => return None,
        };
        Some(Explanation {
            title,
            meaning,
            action: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::WarningCode;

    /// Every warning code is explained in Swedish; the `match` above makes a new code a
    /// compile error until it is, and this checks that no text is empty.
    #[test]
    fn every_warning_code_is_explained_in_swedish() {
        assert!(WarningCode::KNOWN.len() >= 24);
        for code in WarningCode::KNOWN {
            let e = code
                .explain()
                .unwrap_or_else(|| panic!("{code} is not explained"));
            assert!(!e.title.is_empty(), "{code}");
            assert!(e.meaning.ends_with('.'), "{code}: {}", e.meaning);
        }
        assert_eq!(WarningCode::from("macro-found").explain(), None);
    }

    #[test]
    fn codes_are_written_and_read_as_their_text() {
        for code in WarningCode::KNOWN {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{code}\""));
            let back: WarningCode = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, code);
            assert_eq!(WarningCode::from(code.as_str()), *code);
        }
        assert_eq!(WarningCode::SavedInFuture.to_string(), "saved-in-future");
    }

    #[test]
    fn an_unknown_code_is_read_and_written_back_as_it_was() {
        let back: WarningCode = serde_json::from_str(r#""macro-found""#).unwrap();
        assert_eq!(back, WarningCode::Other("macro-found".into()));
        assert_eq!(back.as_str(), "macro-found");
        assert_eq!(serde_json::to_string(&back).unwrap(), r#""macro-found""#);
    }

    #[test]
    fn text_of_a_known_code_is_never_other() {
        assert_eq!(
            WarningCode::from("zip-checksum".to_owned()),
            WarningCode::ZipChecksum
        );
    }

    #[test]
    fn the_submission_schema_lists_every_code() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../schemas/submission.schema.json")).unwrap();
        let listed = schema["$defs"]["warning"]["properties"]["code"]["description"]
            .as_str()
            .unwrap();
        for code in WarningCode::KNOWN {
            assert!(listed.contains(&format!("`{code}`")), "{code}");
        }
    }
}
