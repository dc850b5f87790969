//! The district committees' form "Uppföljningsrapport näringsliv" (budget 2022), filled in by
//! Östermalm's district administration as `../shared/seed/` shows, written as Word 2013–2016
//! writes a form: header fields in a table, one block-level rich-text control under each
//! question, placeholders from the glossary, rsids on everything, runs split mid-word,
//! proofing marks and a `_GoBack` bookmark.

use super::{Extra, document, escape, word_package};

/// Word 2010/2013's Swedish default placeholder, as the template shows it.
const DEFAULT_PART: &str = "DefaultPlaceholder_1081868574";
const DEFAULT_TEXT: &str = "Klicka här för att ange text.";
/// The committee field's own placeholder: the template says "Stadsdelsnämnderna".
const NAMND_PART: &str = "8F3C2B1A6D0E4C5B9A7E2F1D3C4B5A69";

pub struct Question {
    pub id: &'static str,
    pub alias: &'static str,
    pub text: &'static str,
    /// Answer paragraphs; an empty string is an empty paragraph. No paragraphs: unanswered.
    pub answer: &'static [&'static str],
}

pub struct Area {
    pub heading: &'static str,
    pub questions: &'static [Question],
}

/// Header fields: (id, title, label, value; `None` leaves the template's placeholder).
pub const HEADER: &[(&str, &str, &str, Option<&str>)] = &[
    ("namnd", "Nämnd", "Nämnd", None),
    (
        "kontaktperson",
        "Kontaktperson",
        "Kontaktperson för eventuella frågor",
        Some("Helena Näslund"),
    ),
    ("telefon", "Telefon", "Telefon", Some("08-508 100 51")),
    (
        "epost",
        "E-post",
        "E-post",
        Some("Helena.naslund@stockholm.se"),
    ),
];

pub const TITLE: &str = "UPPFÖLJNINGSRAPPORT NÄRINGSLIV";
pub const INTRO: &str = "För att nå resultat och sammanhållet kunna kommunicera hur arbetet med att stötta näringslivet fortskrider kommer stadsledningskontoret samlat följa arbetet. I samband med stadens tertialrapporter och verksamhetsberättelse ska en särskild näringslivsrapport tas fram som beskriver rådande läge i stadens näringslivsarbete med näringslivspolicyns fyra fokusområden som grund. Underlaget för den uppföljningen utgör ett komplement till ordinarie rapportering i ILS och omfattar uppdrag, direktiv och aktiviteter i budget 2022 som bedöms vara av vikt för att samlat ge en bild av pågående näringslivsarbete.";
pub const SECTION: &str =
    "Uppföljning av direktiv och aktiviteter med näringslivskoppling i budget 2022";
pub const PURPOSE_HEADING: &str = "Beskrivning (mål och syfte)";
pub const PURPOSE: &str = "Detta underlag utgör ett komplement till ordinarie uppföljningen i ILS. Syftet är att få utförliga svar om pågående uppdrag, aktiviteter och processer samt vad dessa syftar till. Rubrikerna är satta utifrån näringslivspolicyns fyra fokusområden som bedöms vara aktuella för respektive nämnd och bolagsstyrelse. Besvara följande frågor nedan i textrutorna (klicka här för att ange text).";

pub const AREAS: &[Area] = &[
    Area {
        heading: "1. Stimulera tillväxt och företagsamhet",
        questions: &[
            Question {
                id: "samverkan-lokalt-naringsliv",
                alias: "Samverkan lokalt näringsliv",
                text: "Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens geografiska område.",
                answer: &[
                    "Stadsdelens kontakt med näringslivet i det löpande arbetet sker främst genom platssamverkan Östermalmstorg/Stureplan och Strandvägen. Fokus ligger på samverkan för en trygg, trivsamt och tillgänglig stadsdel. I platssamverkan deltar trygghets- och säkerhetssamordnare samt representanter från parkmiljöavdelningen, trafikkontoret, polisen och näringslivet. Företagsdialog i samverkan med Stockholm Business Region AB genomfördes 1 okt 2021.",
                    "",
                    "",
                ],
            },
            Question {
                id: "vaxla-upp-stockholm",
                alias: "Växla upp Stockholm",
                text: "Beskriv nämndens arbete med \"Växla upp Stockholm\"",
                answer: &[
                    "Resultaten i den senaste medborgarundersökningen visar att Östermalm upplevs som en trygg och välskött stadsdel, något som också gynnar näringslivet. 14 % av Stockholms arbetsplatser ligger inom Östermalms stadsdelsområde och trygghets- och trivselhöjande insatser genomförs fortlöpande. Östermalm utvecklas och till exempel genom exploateringen i Norra Djurgårdsstaden beräknas ytterligare 12 000 nya bostäder och 35 000 arbetsplatser att tillkomma.",
                ],
            },
        ],
    },
    Area {
        heading: "2. Förbättra service, tillgänglighet och myndighetsutövning",
        questions: &[Question {
            id: "svart-ekonomi-samverkan",
            alias: "Svart ekonomi",
            text: "Hur sker samverkan med socialnämnden, rättsvårdande myndigheter och skatteverket i arbetet mot den svarta ekonomin och organiserad brottslighet i näringslivet?",
            answer: &[
                "Ett sätt som förvaltningen arbetar med stävjande av fusk, oegentligheter och organiserad brottslighet är genom sitt arbete med upphandling.",
                "",
                "Förvaltningen har i sina riktlinjer för direktupphandling ställt krav på att seriositetsprövning ska genomföras av varje leverantör innan någon direktupphandling kan genomföras. Vid genomförande av seriositetsprövning begärs bland annat in information från Kronofogdemyndigheten och Skatteverket. Informationen som begärs in syftar till att kontrollera att leverantören inte sysslar med oegentligheter och att leverantören har betalat sina skatter och sociala avgifter samt att det inte får finnas några övriga missförhållanden i leverantörens verksamhet.",
            ],
        }],
    },
    Area {
        heading: "3. Attraktivare miljöer och bättre framkomlighet",
        questions: &[
            Question {
                id: "verksamhetsomraden",
                alias: "Verksamhetsområden",
                text: "Beskriv nämndens arbete med att utveckla stadens renodlade verksamhetsområden med hänsyn till näringslivet, beskriv också eventuell samverkan med andra nämnder och bolag i det arbetet.",
                answer: &[
                    "I samverkan med Trafikkontoret skapas attraktiva gator och torg genom att bygga nytt, renovera och underhålla. Östermalmstorg kommer att renoveras med planerad start 2023. Torghandeln bevaras under byggtiden.",
                    "",
                    "Insatser för ökad trygghet och trivsel i stadsdelen genomförs kontinuerligt. Det handlar tex om klottersanering, belysning, upprustning och slyröjning. Insatser i trafiken, tex på Strandvägen har genomförts för ökad trygghet och framkomlighet.",
                    "",
                    "",
                    "",
                    "Aktivitet och liv skapas på platser genom t ex ”Levande Stockholm” och högtidsfirande i park.",
                ],
            },
            Question {
                id: "platssamverkan",
                alias: "Platssamverkan",
                text: "Hur samverkar och utvecklar nämnden arbetet med platssamverkan och platsaktivering på prioriterade platser eller områden för att skapa en trygg närmiljö för det lokala näringslivet?",
                answer: &[
                    "Nämnden har en aktiv platssamverkan och genomför flera trygghetsvandringar per år för att lyssna in medborgares och andra intressenters behov och synpunkter. Exempel på platsaktivering inom stadsdelen är hundrastgården som upprättades i Strandvägsallén sommaren 2021 samt satsningen Grönare Stockholm som planeras vid Strandvägskajen till sommaren 2022.",
                ],
            },
            Question {
                id: "kultur-offentliga-rummet",
                alias: "Kultur i offentliga rummet",
                text: "Hur samverkar nämnden för att underlätta för närvaron av kultur i det offentliga rummet?",
                answer: &[
                    "Nämnden kommer under 2021 att upprätta en minnesplats för Tim Avicii Bergling i Humlegården. Konstverket tas fram i samarbete med Stockholm konst. Ytterligare exempel är nationaldagsfirandet som planeras i samarbete med bland andra Kulturskolan med ett program som ska riktas mot alla åldrar.",
                ],
            },
            Question {
                id: "sbr-hallbar-tillvaxt",
                alias: "SBR hållbar tillväxt",
                text: "Hur sker samarbetet med att bistå i Stockholm Business Region ABs och arbetsmarknadsnämndens arbete för ökad hållbar tillväxt och företagande inom stadsdelens geografiska område?",
                answer: &[
                    "Företagsdialog i samverkan med Stockholm Business Region AB genomfördes 1 okt 2021. Förvaltningen har en utsedd kontaktperson för frågor som rör näringslivet.",
                ],
            },
            Question {
                id: "sbr-foretagsdialog",
                alias: "SBR företagsdialog",
                text: "Hur sker samarbetet med Stockholm Business Region AB att stärka dialogen med företag och branscher om deras behov och hinder för tillväxt?",
                answer: &[
                    "Företagsdialog i samverkan med Stockholm Business Region AB genomfördes 1 okt 2021. Förvaltningen har en utsedd kontaktperson för frågor som rör näringslivet.",
                ],
            },
        ],
    },
];

pub const OTHER: Question = Question {
    id: "ovriga-upplysningar",
    alias: "Övriga upplysningar",
    text: "Övriga upplysningar",
    answer: &[],
};

const RSIDS: [&str; 4] = ["00B41F7A", "00C02D55", "00D3A44B", "00E71C09"];

/// The shapes returned forms come back in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// As `blankett template` makes the form: tags and titles.
    Tagged,
    /// As the city's own template has it: titles, no tags.
    TitlesOnly,
    /// Neither tags nor titles: only the question text before each control says what it is.
    Bare,
    /// Every other question's control deleted and the answer typed under the question.
    ControlsDeleted,
    /// The controls still show their placeholder; the answers are typed after them.
    PlaceholderThenAnswer,
    /// Legacy text form fields (`FORMTEXT`) instead of content controls.
    LegacyFields,
}

/// Builds Word-like body XML, with a counter for control ids and rsid rotation.
struct Body {
    xml: String,
    next_id: i64,
    turn: usize,
    shape: Shape,
    questions_seen: usize,
    filled: Filled,
}

/// What a respondent wrote: the header fields (`None` leaves the template's placeholder) and
/// the answers by question id (no paragraphs: unanswered; `""` is an empty paragraph).
#[derive(Clone)]
pub struct Filled {
    pub header: Vec<Option<String>>,
    pub answers: std::collections::HashMap<String, Vec<String>>,
}

impl Filled {
    /// As the seed shows Östermalm's form.
    pub fn seed() -> Filled {
        let mut answers = std::collections::HashMap::new();
        for q in AREAS
            .iter()
            .flat_map(|a| a.questions.iter())
            .chain([&OTHER])
        {
            answers.insert(
                q.id.to_owned(),
                q.answer.iter().map(|s| s.to_string()).collect(),
            );
        }
        Filled {
            header: HEADER.iter().map(|h| h.3.map(str::to_owned)).collect(),
            answers,
        }
    }
}

impl Body {
    fn rsid(&mut self) -> &'static str {
        self.turn += 1;
        RSIDS[self.turn % RSIDS.len()]
    }

    fn para(&mut self, style: Option<&str>, runs: &str) {
        let r = self.rsid();
        let ppr = style
            .map(|s| format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#))
            .unwrap_or_default();
        self.xml.push_str(&format!(
            r#"<w:p w:rsidR="{r}" w:rsidRDefault="{r}" w:rsidP="00E71C09">{ppr}{runs}</w:p>"#
        ));
    }

    /// Text as Word leaves it after editing: split into runs mid-word, the spell checker's
    /// marks around a word it did not know.
    fn runs(&mut self, text: &str, bold: bool) -> String {
        let rpr = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
        let chars: Vec<char> = text.chars().collect();
        let cuts: Vec<usize> = if chars.len() > 40 {
            vec![chars.len() / 3 + 1, chars.len() * 2 / 3 + 2]
        } else {
            vec![]
        };
        let mut out = String::new();
        let mut start = 0;
        for (i, end) in cuts.iter().chain(std::iter::once(&chars.len())).enumerate() {
            let piece: String = chars[start..*end].iter().collect();
            let r = self.rsid();
            if i == 1 {
                out.push_str(r#"<w:proofErr w:type="spellStart"/>"#);
            }
            out.push_str(&format!(
                r#"<w:r w:rsidRPr="{r}">{rpr}<w:t xml:space="preserve">{}</w:t></w:r>"#,
                escape(&piece)
            ));
            if i == 1 {
                out.push_str(r#"<w:proofErr w:type="spellEnd"/>"#);
            }
            start = *end;
        }
        out
    }

    fn control_open(&mut self, tag: &str, alias: &str, part: &str, showing: bool) {
        self.next_id += 7_919_313;
        let id = -(self.next_id % 2_000_000_000);
        let tag = if self.shape == Shape::Tagged {
            format!(r#"<w:tag w:val="{tag}"/>"#)
        } else {
            String::new()
        };
        let alias = if self.shape == Shape::Bare { "" } else { alias };
        let plc = if showing { "<w:showingPlcHdr/>" } else { "" };
        self.xml.push_str(&format!(
            r#"<w:sdt><w:sdtPr>{}{tag}<w:id w:val="{id}"/><w:lock w:val="sdtLocked"/><w:placeholder><w:docPart w:val="{part}"/></w:placeholder>{plc}</w:sdtPr><w:sdtEndPr/><w:sdtContent>"#,
            if alias.is_empty() {
                String::new()
            } else {
                format!(r#"<w:alias w:val="{}"/>"#, escape(alias))
            }
        ));
    }

    fn control_close(&mut self) {
        self.xml.push_str("</w:sdtContent></w:sdt>");
    }

    fn answer_of(&self, q: &Question) -> Vec<String> {
        self.filled.answers.get(q.id).cloned().unwrap_or_default()
    }

    /// The answer to `q` in the form's shape.
    fn answer(&mut self, q: &Question) {
        self.questions_seen += 1;
        let answer = self.answer_of(q);
        let typed = |b: &mut Body| {
            for p in &answer {
                let runs = b.runs(p, false);
                b.para(None, &runs);
            }
        };
        match self.shape {
            Shape::ControlsDeleted
                if self.questions_seen.is_multiple_of(2) && !answer.is_empty() =>
            {
                typed(self)
            }
            Shape::PlaceholderThenAnswer => {
                self.control_open(q.id, q.alias, DEFAULT_PART, true);
                self.placeholder_para();
                self.control_close();
                typed(self);
            }
            Shape::LegacyFields => self.legacy_field(q),
            _ => self.answer_control(q),
        }
    }

    fn placeholder_para(&mut self) {
        self.para(
            None,
            &format!(
                r#"<w:r w:rsidRPr="00D3A44B"><w:rPr><w:rStyle w:val="Platshllartext"/></w:rPr><w:t>{DEFAULT_TEXT}</w:t></w:r>"#
            ),
        );
    }

    /// A legacy text form field: the answer's paragraphs as line breaks in the field's result,
    /// five en spaces (Word's blank field) when there is none.
    fn legacy_field(&mut self, q: &Question) {
        let name: String =
            q.id.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(20)
                .collect();
        let mut result = String::new();
        for (i, p) in self
            .answer_of(q)
            .iter()
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            if i > 0 {
                result.push_str("<w:r><w:br/></w:r>");
            }
            result.push_str(&format!(
                r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
                escape(p)
            ));
        }
        if result.is_empty() {
            result = "<w:r><w:t>\u{2002}\u{2002}\u{2002}\u{2002}\u{2002}</w:t></w:r>".into();
        }
        let runs = format!(
            r#"<w:bookmarkStart w:id="{id}" w:name="{name}"/><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{name}"/><w:enabled/><w:calcOnExit w:val="0"/><w:textInput/></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{result}<w:r><w:fldChar w:fldCharType="end"/></w:r><w:bookmarkEnd w:id="{id}"/>"#,
            id = 10 + self.questions_seen
        );
        self.para(None, &runs);
    }

    /// A block-level control holding `answer`, or its placeholder when there is none.
    fn answer_control(&mut self, q: &Question) {
        let answer = self.answer_of(q);
        let showing = answer.is_empty();
        self.control_open(q.id, q.alias, DEFAULT_PART, showing);
        if showing {
            self.placeholder_para();
        } else {
            for p in &answer {
                let runs = self.runs(p, false);
                self.para(None, &runs);
            }
        }
        self.control_close();
    }
}

fn body(shape: Shape, filled: &Filled) -> String {
    let mut b = Body {
        xml: String::new(),
        next_id: 1_254_318_773,
        turn: 0,
        shape,
        questions_seen: 0,
        filled: filled.clone(),
    };
    b.para(
        Some("Rubrik"),
        &format!(
            r#"<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/><w:r><w:t>{TITLE}</w:t></w:r>"#
        ),
    );
    let runs = b.runs(INTRO, false);
    b.para(None, &runs);

    // The header fields: a two-column table, label | block-level control.
    b.xml.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="Tabellrutnt"/><w:tblW w:w="0" w:type="auto"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid><w:gridCol w:w="3256"/><w:gridCol w:w="5806"/></w:tblGrid>"#);
    for (n, (id, alias, label, _)) in HEADER.iter().enumerate() {
        let value = filled.header.get(n).cloned().flatten();
        b.xml.push_str(r#"<w:tr w:rsidR="00B41F7A" w:rsidTr="00C02D55"><w:tc><w:tcPr><w:tcW w:w="3256" w:type="dxa"/></w:tcPr>"#);
        let runs = b.runs(label, true);
        b.para(None, &runs);
        b.xml
            .push_str(r#"</w:tc><w:tc><w:tcPr><w:tcW w:w="5806" w:type="dxa"/></w:tcPr>"#);
        match value {
            Some(v) => {
                b.control_open(id, alias, DEFAULT_PART, false);
                let runs = b.runs(&v, false);
                b.para(None, &runs);
            }
            None => {
                b.control_open(id, alias, NAMND_PART, true);
                b.para(
                    None,
                    r#"<w:r w:rsidRPr="00D3A44B"><w:rPr><w:rStyle w:val="Platshllartext"/></w:rPr><w:t>Stadsdelsnämnderna</w:t></w:r>"#,
                );
            }
        }
        b.control_close();
        b.xml.push_str("</w:tc></w:tr>");
    }
    b.xml.push_str("</w:tbl>");
    b.para(None, "");
    let runs = b.runs(SECTION, false);
    b.para(Some("Rubrik1"), &runs);
    let runs = b.runs(PURPOSE_HEADING, false);
    b.para(Some("Rubrik2"), &runs);
    let runs = b.runs(PURPOSE, false);
    b.para(None, &runs);
    for (i, area) in AREAS.iter().enumerate() {
        if i > 0 {
            // A page break before each new focus area, and where Word last broke the page.
            b.para(None, r#"<w:r><w:br w:type="page"/></w:r>"#);
        }
        let runs = format!(
            r#"<w:r><w:lastRenderedPageBreak/><w:t>{}</w:t></w:r>"#,
            escape(area.heading)
        );
        b.para(Some("Rubrik2"), &runs);
        for q in area.questions {
            let runs = b.runs(q.text, true);
            b.para(None, &runs);
            b.answer(q);
            b.para(None, "");
        }
    }
    let runs = b.runs(OTHER.text, false);
    b.para(Some("Rubrik2"), &runs);
    b.answer(&OTHER);
    b.xml.push_str(r#"<w:sectPr w:rsidR="00E71C09"><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/><w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr>"#);
    b.xml
}

fn extra() -> Extra {
    Extra {
        placeholders: vec![
            (DEFAULT_PART.into(), DEFAULT_TEXT.into()),
            (NAMND_PART.into(), "Stadsdelsnämnderna".into()),
        ],
        application: Some(("Microsoft Office Word".into(), "16.0000".into())),
        ..Extra::default()
    }
}

/// The example round 2022-T1 (`examples/forms/`): Östermalm's form as the seed shows it, and
/// forms from other district committees made up for the example (their answers are not
/// real): one on the city's own template (titles only), one with a question left unanswered,
/// one sent twice (the second, corrected, saved later), one saved again in a way that deleted
/// some controls. Kungsholmen names itself in the committee field; the others are told by
/// their file names.
pub fn forms() -> Vec<(String, Vec<u8>)> {
    let district = |name: &str, committee: Option<&str>, contact: (&str, &str, &str)| {
        let mut f = Filled::seed();
        f.header = vec![
            committee.map(str::to_owned),
            Some(contact.0.into()),
            Some(contact.1.into()),
            Some(contact.2.into()),
        ];
        for (id, answer) in f.answers.iter_mut() {
            if answer.is_empty() {
                continue;
            }
            *answer = made_up_answer(name, id);
        }
        f
    };
    let kungsholmen = district(
        "Kungsholmen",
        Some("Kungsholmens stadsdelsnämnd"),
        (
            "Sara Lind",
            "08-508 080 00",
            "sara.lind@example.stockholm.se",
        ),
    );
    let mut sodermalm = district(
        "Södermalm",
        None,
        ("Johan Ek", "08-508 120 00", "johan.ek@example.stockholm.se"),
    );
    sodermalm
        .answers
        .insert("kultur-offentliga-rummet".into(), Vec::new());
    let farsta = district(
        "Farsta",
        None,
        (
            "Maria Berg",
            "08-508 180 00",
            "maria.berg@example.stockholm.se",
        ),
    );
    let mut farsta_corrected = farsta.clone();
    farsta_corrected.answers.insert(
        "sbr-foretagsdialog".into(),
        vec![
            "Rättelse: Företagsdialogen i Farsta hölls den 12 april 2022 och samlade 40 företag."
                .into(),
        ],
    );
    let hasselby = district(
        "Hässelby-Vällingby",
        None,
        (
            "Ali Hassan",
            "070-123 45 67",
            "ali.hassan@example.stockholm.se",
        ),
    );
    vec![
        (
            "ostermalm-2022-T1.docx".into(),
            form(Shape::Tagged, &Filled::seed(), None),
        ),
        (
            "kungsholmen-2022-T1.docx".into(),
            form(
                Shape::TitlesOnly,
                &kungsholmen,
                Some("2022-04-22T09:30:00Z"),
            ),
        ),
        (
            "sodermalm-2022-T1.docx".into(),
            form(Shape::Tagged, &sodermalm, Some("2022-04-25T16:05:00Z")),
        ),
        (
            "farsta-2022-T1.docx".into(),
            form(Shape::Tagged, &farsta, Some("2022-04-26T10:00:00Z")),
        ),
        (
            "farsta-2022-T1-rattad.docx".into(),
            form(
                Shape::Tagged,
                &farsta_corrected,
                Some("2022-05-03T08:15:00Z"),
            ),
        ),
        (
            "hasselby-vallingby-2022-T1.docx".into(),
            form(
                Shape::ControlsDeleted,
                &hasselby,
                Some("2022-04-28T13:45:00Z"),
            ),
        ),
    ]
}

/// A short, plausible answer for the example forms (not a real committee's answer).
fn made_up_answer(district: &str, question: &str) -> Vec<String> {
    let first = match question {
        "samverkan-lokalt-naringsliv" => format!("Stadsdelsförvaltningen i {district} träffar det lokala näringslivet i ett företagarnätverk varje kvartal."),
        "vaxla-upp-stockholm" => format!("{district} deltar i Växla upp Stockholm genom trygghetsinsatser i centrummiljöerna."),
        "svart-ekonomi-samverkan" => "Förvaltningen gör seriositetsprövning av leverantörer vid direktupphandling.".to_owned(),
        "verksamhetsomraden" => format!("I {district} finns inga renodlade verksamhetsområden; förvaltningen samverkar med exploateringskontoret i planeringen."),
        "platssamverkan" => format!("Platssamverkan pågår i {district} centrum med fastighetsägare och polisen."),
        "kultur-offentliga-rummet" => "Nämnden upplåter parker och torg för kulturevenemang under sommaren.".to_owned(),
        "sbr-hallbar-tillvaxt" => "Förvaltningen har en kontaktperson för näringslivsfrågor och deltar i Stockholm Business Regions nätverk.".to_owned(),
        "sbr-foretagsdialog" => "En företagsdialog planeras under hösten 2022.".to_owned(),
        _ => "Inga ytterligare upplysningar.".to_owned(),
    };
    vec![first, format!("(Exempelsvar för {district}.)")]
}

/// A varied district form for the benchmark corpus: the `i`-th of a series, its committee,
/// contact and answers drawn from a fixed pool (deterministic), its shape mostly tagged. With
/// `paragraphs`, every answer has that many paragraphs (the large forms).
pub fn varied(i: usize, paragraphs: Option<usize>) -> (String, Vec<u8>) {
    const DISTRICTS: [&str; 13] = [
        "Bromma",
        "Enskede-Årsta-Vantör",
        "Farsta",
        "Hägersten-Älvsjö",
        "Hässelby-Vällingby",
        "Kungsholmen",
        "Norrmalm",
        "Rinkeby-Kista",
        "Skarpnäck",
        "Skärholmen",
        "Spånga-Tensta",
        "Södermalm",
        "Östermalm",
    ];
    const SENTENCES: [&str; 12] = [
        "Förvaltningen träffar det lokala näringslivet i ett företagarnätverk varje kvartal.",
        "Platssamverkan pågår i centrum med fastighetsägare, polisen och trafikkontoret.",
        "Trygghetsvandringar genomförs två gånger per år tillsammans med näringsidkare.",
        "Seriositetsprövning görs av varje leverantör innan en direktupphandling.",
        "Nämnden upplåter parker och torg för kulturevenemang under sommarhalvåret.",
        "En företagsdialog med Stockholm Business Region AB hölls under våren.",
        "Insatser för ökad trygghet och trivsel genomförs kontinuerligt i stadsdelen.",
        "Klottersanering, belysning och upprustning prioriteras vid handelsstråken.",
        "Förvaltningen har en utsedd kontaktperson för frågor som rör näringslivet.",
        "Torghandeln bevaras under ombyggnaden och nya platser för uteserveringar prövas.",
        "Arbetsmarknadsinsatser samordnas med arbetsmarknadsnämnden och det lokala näringslivet.",
        "Resultaten följs upp i tertialrapporten och i verksamhetsberättelsen.",
    ];
    let district = DISTRICTS[i % DISTRICTS.len()];
    let mut f = Filled::seed();
    let slug: String = district
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect();
    f.header = vec![
        i.is_multiple_of(3)
            .then(|| format!("{district} stadsdelsnämnd")),
        Some(format!("Handläggare {i}")),
        Some(format!("08-508 {:03} {:02}", 100 + i % 900, i % 100)),
        Some(format!("handlaggare{i}@example.stockholm.se")),
    ];
    let mut n = i as u64;
    let mut next = move || {
        // A small linear congruential generator: the same corpus on every machine.
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (n >> 33) as usize
    };
    // In the order of their ids, not the map's (which differs from run to run).
    let mut answers: Vec<_> = f.answers.iter_mut().collect();
    answers.sort_by(|a, b| a.0.cmp(b.0));
    for (id, answer) in answers {
        let count = match paragraphs {
            Some(p) => p,
            None if id == "ovriga-upplysningar" && next() % 3 != 0 => 0,
            None => 1 + next() % 3,
        };
        // The large forms' paragraphs are long: two dozen sentences each.
        let sentences = if paragraphs.is_some() { 24 } else { 2 };
        *answer = (0..count)
            .map(|k| {
                let mut p: Vec<&str> = Vec::new();
                for _ in 0..sentences {
                    p.push(SENTENCES[next() % SENTENCES.len()]);
                }
                format!("{} ({district}, svar {k})", p.join(" "))
            })
            .collect();
    }
    let shape = match i % 10 {
        7 => Shape::TitlesOnly,
        9 => Shape::ControlsDeleted,
        _ => Shape::Tagged,
    };
    (format!("{slug}-{i:05}-2022-T1.docx"), form(shape, &f, None))
}

/// The same answers in the other shapes returned forms come in (`fixtures/forms/`).
pub fn shapes() -> Vec<(String, Vec<u8>)> {
    let seed = Filled::seed();
    vec![
        (
            "ostermalm-2022-T1-titles-only.docx".into(),
            form(Shape::TitlesOnly, &seed, None),
        ),
        ("ostermalm-bare.docx".into(), form(Shape::Bare, &seed, None)),
        (
            "ostermalm-controls-deleted.docx".into(),
            form(Shape::ControlsDeleted, &seed, None),
        ),
        (
            "ostermalm-placeholder-then-answer.docx".into(),
            form(Shape::PlaceholderThenAnswer, &seed, None),
        ),
        (
            "ostermalm-legacy-fields.docx".into(),
            form(Shape::LegacyFields, &seed, None),
        ),
    ]
}

fn form(shape: Shape, filled: &Filled, saved: Option<&str>) -> Vec<u8> {
    let mut extra = extra();
    extra.modified = saved.map(str::to_owned);
    word_package(&document(&body(shape, filled)), &extra)
}
